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

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "bot-common.h"

#include <stdio.h>
#include <string.h>

#include <gst/webrtc/webrtc.h>

void
bot_options_init (BotOptions * opts)
{
  memset (opts, 0, sizeof (*opts));
  opts->debounce = -1;
}

GOptionEntry *
bot_options_entries (BotOptions * opts)
{
  GOptionEntry entries[] = {
    {"server", 's', 0, G_OPTION_ARG_STRING, &opts->server,
        "Janus HTTP API URL, e.g. http://127.0.0.1:8088/janus", "URL"},
    {"room", 'r', 0, G_OPTION_ARG_INT64, &opts->room,
        "VideoRoom (and TextRoom) number", "N"},
    {"id", 'i', 0, G_OPTION_ARG_STRING, &opts->id,
        "Our participant id: key manager local-id, TextRoom username and "
          "VideoRoom display (default: a random one)", "ID"},
    {"state-file", 0, 0, G_OPTION_ARG_FILENAME, &opts->state_file,
        "Key manager state file (olm account kept across runs)", "FILE"},
    {"stun-server", 0, 0, G_OPTION_ARG_STRING, &opts->stun_server,
        "STUN server for webrtcbin, stun://host:port (default: none)", "URI"},
    {"loopback-only", 0, 0, G_OPTION_ARG_NONE, &opts->loopback_only,
        "Every webrtcbin on 127.0.0.1 only: no STUN/TURN, no ICE-TCP, "
          "no UPnP (tests)", NULL},
    {"debounce", 0, 0, G_OPTION_ARG_INT, &opts->debounce,
          "Milliseconds the key manager gathers joins and leaves into one key "
          "change (default 2000): a newcomer's first frames wait for it",
        "MS"},
    {"duration", 'd', 0, G_OPTION_ARG_INT, &opts->duration,
          "Stop cleanly after S seconds (default: run until SIGINT/SIGTERM)",
        "S"},
    {NULL}
  };

  return g_memdup2 (entries, sizeof (entries));
}

gboolean
bot_options_check (BotOptions * opts, GError ** error)
{
  if (!opts->server) {
    g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_FAILED,
        "--server is required");
    return FALSE;
  }
  if (opts->room <= 0) {
    g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_FAILED,
        "--room is required (a positive room number)");
    return FALSE;
  }
  if (opts->debounce > 60000) {
    g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_FAILED,
        "--debounce is at most 60000 ms");
    return FALSE;
  }
  if (opts->duration < 0) {
    g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_FAILED,
        "--duration must not be negative");
    return FALSE;
  }
  if (!opts->id) {
    /* olm keys are bound to the id, not to its looks: a random id is fine */
    opts->id = g_strdup_printf ("bot-%08x", g_random_int ());
  }
  return TRUE;
}

void
bot_options_clear (BotOptions * opts)
{
  g_free (opts->server);
  g_free (opts->id);
  g_free (opts->state_file);
  g_free (opts->stun_server);
  bot_options_init (opts);
}

/* Janus needs max-bundle (none and balanced fail). With --loopback-only the
 * loopback rules of the tests: 127.0.0.1 as the only local address, no
 * ICE-TCP, no UPnP, no STUN or TURN. */
void
bot_setup_webrtcbin (GstElement * webrtcbin, const BotOptions * opts)
{
  GObject *ice = NULL, *agent = NULL;
  gboolean added = FALSE;

  g_object_set (webrtcbin, "bundle-policy",
      GST_WEBRTC_BUNDLE_POLICY_MAX_BUNDLE, NULL);
  if (opts->stun_server && !opts->loopback_only)
    g_object_set (webrtcbin, "stun-server", opts->stun_server, NULL);
  if (!opts->loopback_only)
    return;

  g_object_set (webrtcbin, "stun-server", NULL, "turn-server", NULL, NULL);
  g_object_get (webrtcbin, "ice-agent", &ice, NULL);
  if (!ice) {
    g_printerr ("warning: %s has no ICE agent\n", GST_OBJECT_NAME (webrtcbin));
    return;
  }
  g_signal_emit_by_name (ice, "add-local-ip-address", "127.0.0.1", &added);
  if (!added)
    g_printerr ("warning: could not restrict ICE to 127.0.0.1\n");
  if (g_object_class_find_property (G_OBJECT_GET_CLASS (ice), "ice-tcp"))
    g_object_set (ice, "ice-tcp", FALSE, NULL);
  if (g_object_class_find_property (G_OBJECT_GET_CLASS (ice), "agent"))
    g_object_get (ice, "agent", &agent, NULL);
  if (agent) {
    g_object_set (agent, "upnp", FALSE, NULL);
    g_object_unref (agent);
  }
  g_object_unref (ice);
}

/* One line per key change, for supervisors and tools/bench-sfu.py (the
 * time of a leave's key switch): whose key, its index, the wall clock.
 * Our own id with index + 1 is a rotation (a leave), with the same index
 * a ratchet (a join). Never the key. Emitted from the manager's thread. */
static void
on_key_changed (GstE2eeKeyManager * km, const gchar * participant,
    guint key_index, gpointer user_data)
{
  g_print ("key-changed %s index %u at %.3f\n", participant, key_index,
      g_get_real_time () / 1e6);
}

/* The room's roster admits participants (it calls add_participant on
 * TextRoom joins): nobody is admitted for merely saying hello. */
GstE2eeKeyManager *
bot_key_manager_new (const BotOptions * opts)
{
  GstE2eeKeyManager *km = gst_e2ee_key_manager_new (opts->id);

  g_object_set (km, "auto-admit", FALSE, NULL);
  if (opts->state_file)
    g_object_set (km, "state-file", opts->state_file, NULL);
  if (opts->debounce >= 0)
    g_object_set (km, "debounce", (guint) opts->debounce, NULL);
  g_signal_connect (km, "key-changed", G_CALLBACK (on_key_changed), NULL);
  return km;
}

/* Encoded media caps (video/x-vp8, ...) or RTP caps (encoding-name). */
BotCodec
bot_codec_from_caps (const GstCaps * caps)
{
  const GstStructure *s;
  const gchar *name;

  if (!caps || gst_caps_is_empty (caps) || gst_caps_is_any (caps))
    return BOT_CODEC_UNKNOWN;
  s = gst_caps_get_structure (caps, 0);
  name = gst_structure_get_name (s);
  if (g_str_equal (name, "application/x-rtp")) {
    name = gst_structure_get_string (s, "encoding-name");
    if (!name)
      return BOT_CODEC_UNKNOWN;
    if (!g_ascii_strcasecmp (name, "VP8"))
      return BOT_CODEC_VP8;
    if (!g_ascii_strcasecmp (name, "VP9"))
      return BOT_CODEC_VP9;
    if (!g_ascii_strcasecmp (name, "H264"))
      return BOT_CODEC_H264;
    if (!g_ascii_strcasecmp (name, "OPUS"))
      return BOT_CODEC_OPUS;
    return BOT_CODEC_UNKNOWN;
  }
  if (g_str_equal (name, "video/x-vp8"))
    return BOT_CODEC_VP8;
  if (g_str_equal (name, "video/x-vp9"))
    return BOT_CODEC_VP9;
  if (g_str_equal (name, "video/x-h264"))
    return BOT_CODEC_H264;
  if (g_str_equal (name, "audio/x-opus"))
    return BOT_CODEC_OPUS;
  return BOT_CODEC_UNKNOWN;
}

const gchar *
bot_codec_name (BotCodec codec)
{
  switch (codec) {
    case BOT_CODEC_VP8:
      return "VP8";
    case BOT_CODEC_VP9:
      return "VP9";
    case BOT_CODEC_H264:
      return "H264";
    case BOT_CODEC_OPUS:
      return "OPUS";
    default:
      return "unknown";
  }
}

gboolean
bot_codec_is_video (BotCodec codec)
{
  return codec == BOT_CODEC_VP8 || codec == BOT_CODEC_VP9
      || codec == BOT_CODEC_H264;
}

/* What the publisher appends to the encoder's output: e2eeenc (name "enc",
 * key-manager set by the caller) then the payloader (name "pay"). H.264 is
 * parsed to byte-stream access units first, which e2eeenc needs; VP8 goes
 * through e2eevp8pay, which keeps its payload descriptor in step with the
 * clear bytes of the frame. The payload types are the ones the room's
 * default codec lists map the codecs to; Janus answers with ours anyway. */
gchar *
bot_codec_send_desc (BotCodec codec)
{
  switch (codec) {
    case BOT_CODEC_VP8:
      return g_strdup ("e2eeenc name=enc ! e2eevp8pay name=pay pt=96");
    case BOT_CODEC_VP9:
      return g_strdup ("e2eeenc name=enc ! rtpvp9pay name=pay pt=98");
    case BOT_CODEC_H264:
      return g_strdup ("h264parse ! "
          "video/x-h264,stream-format=byte-stream,alignment=au ! "
          "e2eeenc name=enc ! rtph264pay name=pay pt=102 "
          "config-interval=-1 aggregate-mode=zero-latency");
    case BOT_CODEC_OPUS:
      return g_strdup ("e2eeenc name=enc ! rtpopuspay name=pay pt=111");
    default:
      return NULL;
  }
}

/* What the recorder puts after a subscriber pad: depayloader, e2eedec
 * (name "dec"), then the parser the muxer needs. No re-encoding. */
gchar *
bot_codec_recv_desc (BotCodec codec)
{
  switch (codec) {
    case BOT_CODEC_VP8:
      return g_strdup ("rtpvp8depay ! e2eedec name=dec ! "
          "queue name=out max-size-time=0 max-size-buffers=0 "
          "max-size-bytes=0");
    case BOT_CODEC_VP9:
      return g_strdup ("rtpvp9depay ! e2eedec name=dec ! vp9parse ! "
          "queue name=out max-size-time=0 max-size-buffers=0 "
          "max-size-bytes=0");
    case BOT_CODEC_H264:
      return g_strdup ("rtph264depay ! "
          "video/x-h264,stream-format=byte-stream,alignment=au ! "
          "e2eedec name=dec ! h264parse ! "
          "video/x-h264,stream-format=avc,alignment=au ! "
          "queue name=out max-size-time=0 max-size-buffers=0 "
          "max-size-bytes=0");
    case BOT_CODEC_OPUS:
      return g_strdup ("rtpopusdepay ! e2eedec name=dec ! opusparse ! "
          "queue name=out max-size-time=0 max-size-buffers=0 "
          "max-size-bytes=0");
    default:
      return NULL;
  }
}

const gchar *
bot_codec_extension (BotCodec codec)
{
  return codec == BOT_CODEC_H264 ? "mkv" : "webm";
}

/* WebM takes VP8, VP9 and Opus only. */
gboolean
bot_codecs_fit_webm (const BotCodec * codecs, guint n)
{
  guint i;

  for (i = 0; i < n; i++) {
    if (codecs[i] != BOT_CODEC_VP8 && codecs[i] != BOT_CODEC_VP9
        && codecs[i] != BOT_CODEC_OPUS)
      return FALSE;
  }
  return TRUE;
}

gchar *
bot_structure_to_line (const GstStructure * s)
{
  GString *line = g_string_new (NULL);
  gint i, n = gst_structure_n_fields (s);

  for (i = 0; i < n; i++) {
    const gchar *field = gst_structure_nth_field_name (s, i);
    gchar *value = gst_value_serialize (gst_structure_get_value (s, field));

    g_string_append_printf (line, "%s%s=%s", i ? " " : "", field,
        value ? value : "?");
    g_free (value);
  }
  return g_string_free (line, FALSE);
}

void
bot_print_stats (const gchar * what, GstElement * element)
{
  GstStructure *s = NULL;
  gchar *line;

  g_object_get (element, "stats", &s, NULL);
  if (!s)
    return;
  line = bot_structure_to_line (s);
  g_print ("stats %s: %s\n", what, line);
  g_free (line);
  gst_structure_free (s);
}

/* The part of a frame that says what the encoder coded. VP8, VP9 and Opus
 * frames cross the payloader and depayloader whole. An H.264 access unit
 * does not: rtph264pay config-interval=-1 adds parameter sets before key
 * frames, the depayloader access unit delimiters and the parameter sets of
 * its caps, so what is compared is its slices (NAL types 1-5), in order. */
gchar *
bot_frame_digest (BotCodec codec, const guint8 * data, gsize size)
{
  GChecksum *sum;
  gchar *digest;
  gsize i, start = 0;
  gboolean in_nal = FALSE;

  if (codec != BOT_CODEC_H264)
    return g_compute_checksum_for_data (G_CHECKSUM_SHA256, data, size);

  sum = g_checksum_new (G_CHECKSUM_SHA256);
  for (i = 0; i + 3 <= size || in_nal; i++) {
    gboolean at_code = i + 3 <= size && data[i] == 0 && data[i + 1] == 0
        && data[i + 2] == 1;

    if (in_nal && (at_code || i >= size)) {
      gsize end = MIN (i, size);
      guint type = data[start] & 0x1f;

      /* the zero before a 4-byte start code belongs to the start code */
      while (end > start && data[end - 1] == 0)
        end--;
      if (type >= 1 && type <= 5)
        g_checksum_update (sum, data + start, end - start);
      in_nal = FALSE;
      if (i >= size)
        break;
    }
    if (at_code) {
      start = i + 3;
      in_nal = start < size;
      i += 2;
    }
  }
  digest = g_strdup (g_checksum_get_string (sum));
  g_checksum_free (sum);
  return digest;
}

/* GST_E2EE_BOT_FRAME_LOG=FILE: one line per encoded frame, "participant
 * kind codec size digest key|delta", appended and flushed at once (it must survive
 * SIGKILL): the publisher logs what its encoder gave e2eeenc, the recorder
 * what e2eedec gave back, so a test can compare them byte for byte
 * (bot_frame_digest). Digests of plaintext media, never keys. */
void
bot_frame_log_buffer (const gchar * participant, const gchar * kind,
    BotCodec codec, GstBuffer * buffer)
{
  static GMutex lock;
  static FILE *log;
  static gsize once;
  GstMapInfo map;
  gchar *digest;

  if (g_once_init_enter (&once)) {
    const gchar *path = g_getenv ("GST_E2EE_BOT_FRAME_LOG");

    if (path && *path)
      log = fopen (path, "a");
    g_once_init_leave (&once, 1);
  }
  if (!log || !gst_buffer_map (buffer, &map, GST_MAP_READ))
    return;
  digest = bot_frame_digest (codec, map.data, map.size);
  g_mutex_lock (&lock);
  fprintf (log, "%s %s %s %" G_GSIZE_FORMAT " %s %s\n", participant, kind,
      bot_codec_name (codec), map.size, digest,
      GST_BUFFER_FLAG_IS_SET (buffer, GST_BUFFER_FLAG_DELTA_UNIT) ?
      "delta" : "key");
  fflush (log);
  g_mutex_unlock (&lock);
  g_free (digest);
  gst_buffer_unmap (buffer, &map);
}

/* A participant id as part of a file name: Janus displays are free text. */
gchar *
bot_sanitize_name (const gchar * participant)
{
  gchar *name = g_strdup (participant && *participant ? participant : "anon");
  gchar *p;

  for (p = name; *p; p++) {
    if (!g_ascii_isalnum (*p) && *p != '-' && *p != '_' && *p != '.')
      *p = '_';
  }
  if (name[0] == '.')
    name[0] = '_';
  return name;
}

/* -- the room's signals, as both bots take them ------------------------- */

typedef struct
{
  const BotOptions *opts;
  GSourceFunc joined;
  GSourceFunc disconnected;
  gpointer data;
} BotRoomHandlers;

/* The room's signals come from its own thread: joined and disconnected
 * go to the main loop. */
static void
bot_on_joined (GstE2eeJanusRoom * room, BotRoomHandlers * h)
{
  g_idle_add (h->joined, h->data);
}

static void
bot_on_disconnected (GstE2eeJanusRoom * room, BotRoomHandlers * h)
{
  g_idle_add (h->disconnected, h->data);
}

static void
bot_on_room_error (GstE2eeJanusRoom * room, GError * error, gpointer unused)
{
  g_printerr ("room: %s\n", error->message);
}

/* every webrtcbin the room makes (its TextRoom's) gets the bot's network
 * rules */
static void
bot_on_webrtcbin_setup (GstE2eeJanusRoom * room, GstElement * webrtcbin,
    BotRoomHandlers * h)
{
  bot_setup_webrtcbin (webrtcbin, h->opts);
}

static void
bot_room_handlers_free (gpointer handlers, GObject * room)
{
  g_free (handlers);
}

/* Connects what both bots do with a room: @joined and @disconnected run on
 * the main loop with @data, errors are printed, the room's own webrtcbins
 * follow @opts. @opts must outlive @room. */
void
bot_room_connect (GstE2eeJanusRoom * room, const BotOptions * opts,
    GSourceFunc joined, GSourceFunc disconnected, gpointer data)
{
  BotRoomHandlers *h = g_new0 (BotRoomHandlers, 1);

  h->opts = opts;
  h->joined = joined;
  h->disconnected = disconnected;
  h->data = data;
  g_signal_connect (room, "webrtcbin-setup",
      G_CALLBACK (bot_on_webrtcbin_setup), h);
  g_signal_connect (room, "joined", G_CALLBACK (bot_on_joined), h);
  g_signal_connect (room, "disconnected", G_CALLBACK (bot_on_disconnected), h);
  g_signal_connect (room, "error", G_CALLBACK (bot_on_room_error), NULL);
  g_object_weak_ref (G_OBJECT (room), bot_room_handlers_free, h);
}

/* Parses the command line: the bot's @entries, the common options into
 * @opts, GStreamer's; prints the error and returns FALSE (exit status 2)
 * on a bad one. Also makes stdout line-buffered: supervisors and tests read
 * the events as they happen, through a pipe or a log. */
gboolean
bot_options_parse (BotOptions * opts, const gchar * parameter,
    const gchar * summary, const GOptionEntry * entries, gint * argc,
    gchar *** argv)
{
  GOptionContext *ctx = g_option_context_new (parameter);
  GOptionEntry *common;
  GError *err = NULL;
  gboolean ok;

  setvbuf (stdout, NULL, _IOLBF, 0);
  g_option_context_set_summary (ctx, summary);
  bot_options_init (opts);
  common = bot_options_entries (opts);
  g_option_context_add_main_entries (ctx, common, NULL);
  g_option_context_add_main_entries (ctx, entries, NULL);
  g_option_context_add_group (ctx, gst_init_get_option_group ());
  ok = g_option_context_parse (ctx, argc, argv, &err)
      && bot_options_check (opts, &err);
  if (!ok) {
    g_printerr ("%s\n", err->message);
    g_clear_error (&err);
  }
  g_option_context_free (ctx);
  g_free (common);
  return ok;
}
