/* gst-e2ee
 * Copyright (C) 2026 The gst-e2ee authors
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2 of the License, or (at your option) any later version.
 *
 * This library is distributed in the hope that it will be useful,
 * but WITHOUT ANY WARRANTY; without even the implied warranty of
 * MERCHANTABILITY or FITNESS FOR A PARTICULAR PURPOSE.  See the GNU
 * Library General Public License for more details.
 *
 * You should have received a copy of the GNU Library General Public
 * License along with this library; if not, write to the
 * Free Software Foundation, Inc., 51 Franklin St, Fifth Floor,
 * Boston, MA 02110-1301, USA.
 */

/* What both Janus bots share: options, network policy for webrtcbin, the
 * codec table, stats printing, the frame log and signal handling. Not a
 * public API: the bots' own code. */

#ifndef __BOT_COMMON_H__
#define __BOT_COMMON_H__

#include <gst/gst.h>
#include <gst/e2ee/e2ee.h>
#include <gst/e2ee/gste2eejanusroom.h>

G_BEGIN_DECLS

typedef struct
{
  gchar *server;
  gint64 room;
  gchar *id;
  gchar *state_file;
  gchar *stun_server;
  gboolean loopback_only;
  gint duration;
  gint debounce;                /* ms; -1: the key manager's default */
} BotOptions;

typedef enum
{
  BOT_CODEC_UNKNOWN = 0,
  BOT_CODEC_VP8,
  BOT_CODEC_VP9,
  BOT_CODEC_H264,
  BOT_CODEC_OPUS,
} BotCodec;

void bot_options_init (BotOptions * opts);
GOptionEntry *bot_options_entries (BotOptions * opts);
gboolean bot_options_check (BotOptions * opts, GError ** error);
void bot_options_clear (BotOptions * opts);
gboolean bot_options_parse (BotOptions * opts, const gchar * parameter,
    const gchar * summary, const GOptionEntry * entries, gint * argc,
    gchar *** argv);

void bot_setup_webrtcbin (GstElement * webrtcbin, const BotOptions * opts);

GstE2eeKeyManager *bot_key_manager_new (const BotOptions * opts);

void bot_room_connect (GstE2eeJanusRoom * room, const BotOptions * opts,
    GSourceFunc joined, GSourceFunc disconnected, gpointer data);

BotCodec bot_codec_from_caps (const GstCaps * caps);
const gchar *bot_codec_name (BotCodec codec);
gboolean bot_codec_is_video (BotCodec codec);
gchar *bot_codec_send_desc (BotCodec codec);
gchar *bot_codec_recv_desc (BotCodec codec);
const gchar *bot_codec_extension (BotCodec codec);
gboolean bot_codecs_fit_webm (const BotCodec * codecs, guint n);

gchar *bot_structure_to_line (const GstStructure * s);
void bot_print_stats (const gchar * what, GstElement * element);

gchar *bot_frame_digest (BotCodec codec, const guint8 * data, gsize size);
void bot_frame_log_buffer (const gchar * participant, const gchar * kind,
    BotCodec codec, GstBuffer * buffer);

gchar *bot_sanitize_name (const gchar * participant);

G_END_DECLS

#endif /* __BOT_COMMON_H__ */
