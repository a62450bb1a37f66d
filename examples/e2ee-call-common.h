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

/*
 * An end-to-end encrypted call on loopback, in one process: one pipeline
 * per party, one webrtcbin per remote party (full mesh), signalling passed
 * in-process, one GstE2eeKeyManager per party carrying the keys over the
 * webrtcbins' e2ee data channels. Shared by examples/e2ee-call and
 * tests/check/integration/call.c, which both check that what every e2eedec gives out is,
 * byte for byte, what the remote e2eeenc got.
 */

#ifndef __E2EE_CALL_COMMON_H__
#define __E2EE_CALL_COMMON_H__

#include <gst/gst.h>
#include <gst/e2ee/e2ee.h>

G_BEGIN_DECLS

/* every key index a frame can name (its last byte) */
#define E2EE_CALL_N_KIDS 256

typedef struct _E2eeCall E2eeCall;
typedef struct _E2eeCallParty E2eeCallParty;
typedef struct _E2eeCallLink E2eeCallLink;

typedef struct
{
  gint width;
  gint height;
  gint framerate;
  /* of every party's key manager */
  guint debounce_ms;
  guint key_switch_timeout_ms;
  gboolean auto_admit;
  /* of every webrtcbin's jitter buffer */
  guint latency_ms;
} E2eeCallConfig;

/* What one party receives from one remote party, through its webrtcbin
 * towards it: depayloader, e2eedec, and a fakesink or a decoder. Counters
 * are written on streaming threads under @lock. */
struct _E2eeCallLink
{
  E2eeCallParty *party;
  E2eeCallParty *remote;
  /* the remote's webrtcbin towards @party */
  E2eeCallLink *peer;
  gboolean offerer;

  GstElement *webrtcbin;
  GstElement *queue;
  GstPad *tee_pad;
  /* the receive branch, in @party's pipeline; NULL until the media came */
  GstElement *dec;
  GPtrArray *elements;
  gint unlinked;

  GMutex lock;
  /* key index of the frame e2eedec works on */
  guint in_kid;
  /* frames into e2eedec, and out of it decrypted, by key index */
  guint64 received[E2EE_CALL_N_KIDS];
  guint64 decrypted[E2EE_CALL_N_KIDS];
  /* frames out of e2eedec that are, or are not, byte for byte a frame the
   * remote's e2eeenc got */
  guint64 matched;
  guint64 mismatched;
  guint64 matched_key_frames;
  /* monotonic time of the first match, 0 before */
  gint64 first_match_time;
  /* with a decoder: the last picture and how many came */
  GstSample *last_picture;
  guint pictures;
};

struct _E2eeCallParty
{
  E2eeCall *call;
  gchar *id;
  GstE2eeKeyManager *manager;
  GstElement *pipeline;
  GstElement *enc;
  GstElement *tee;
  /* E2eeCallLink *, one per remote party */
  GPtrArray *links;
  /* its e2eedecs pass on what they cannot decrypt (on-failure) */
  gboolean passthrough;
  /* the remote party whose video it decodes into pictures, if any */
  gchar *decode_from;
  gboolean playing;
  gboolean gone;

  GMutex lock;
  /* GBytes of every frame that went into e2eeenc */
  GHashTable *sent;
  /* the last encrypted frames out of e2eeenc, oldest first */
  GQueue captured;
  guint capture_max;
  guint64 sent_by_kid[E2EE_CALL_N_KIDS];
  /* its own key changes (key-changed for its local id) */
  guint own_key_changes;
  guint own_key_index;
  gint64 own_key_time;
};

struct _E2eeCall
{
  E2eeCallConfig config;
  GPtrArray *parties;

  GMutex lock;
  gchar *error;
  guint warnings;
};

void e2ee_call_config_init (E2eeCallConfig * config);

E2eeCall *e2ee_call_new (const E2eeCallConfig * config);

void e2ee_call_free (E2eeCall * call);

E2eeCallParty *e2ee_call_add_party (E2eeCall * call, const gchar * id,
    const gchar * pattern, GError ** error);

gboolean e2ee_call_connect (E2eeCallParty * a, E2eeCallParty * b,
    GError ** error);

gboolean e2ee_call_start_party (E2eeCallParty * party, GError ** error);

void e2ee_call_negotiate (E2eeCallParty * a, E2eeCallParty * b);

void e2ee_call_remove_party (E2eeCallParty * party);

E2eeCallLink *e2ee_call_link (E2eeCallParty * party, E2eeCallParty * remote);

gboolean e2ee_call_wait (E2eeCall * call, gboolean (*done) (gpointer data),
    gpointer data, guint timeout_ms);

gchar *e2ee_call_dup_error (E2eeCall * call);

void e2ee_call_print_state (E2eeCall * call);

void e2ee_call_set_capture (E2eeCallParty * party, guint max_frames);

GList *e2ee_call_take_captured (E2eeCallParty * party);

guint64 e2ee_call_stat (gpointer object, const gchar * field);

gboolean e2ee_call_configure_webrtcbin (GstElement * webrtcbin,
    guint latency_ms);

guint64 e2ee_call_link_get (E2eeCallLink * link, const guint64 * counter);

gint64 e2ee_call_link_first_match (E2eeCallLink * link);

GstSample *e2ee_call_link_dup_picture (E2eeCallLink * link, guint * pictures);

guint e2ee_call_party_own_key (E2eeCallParty * party, guint * index,
    gint64 * time);

guint e2ee_call_frame_kid (GstBuffer * buffer);

G_END_DECLS

#endif /* __E2EE_CALL_COMMON_H__ */
