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
 * Parties of a call through a private Janus (janus-harness.h), shared by
 * the gst-check tests integration/janus.c and integration/janus-faults.c:
 * a JanusParty is one GstE2eeJanusRoom, with a key manager or without one
 * (a keyless observer), that can publish VP8 through e2eeenc and
 * subscribe (multistream), decrypting every stream as the participant
 * Janus's mid table names. Everything a party records is guarded by
 * janus_call_lock; janus_call_cond is broadcast on every change, so tests
 * wait on conditions (janus_call_wait_for), never on sleeps.
 */

#ifndef __JANUS_CALL_H__
#define __JANUS_CALL_H__

#include <gst/gst.h>
#include <gst/e2ee/e2ee.h>

G_BEGIN_DECLS

/* generous: Janus setup sometimes takes a DTLS retransmit (+1 s); times
 * E2EE_DEADLINE_MULTIPLIER (meson's valgrind setup: the first join there
 * takes 5-25 s) */
#define JANUS_CALL_DEADLINE_S 20
#define JANUS_CALL_MIN_FRAMES 20

extern GMutex janus_call_lock;
extern GCond janus_call_cond;

typedef struct
{
  const gchar *name;
  /* the room's key manager; NULL for a keyless observer */
  GstE2eeKeyManager *km;
  /* what the party's e2eedecs use: km, or for a keyless observer a
   * manager of its own that no one gives keys to */
  GstE2eeKeyManager *dec_km;
  GstE2eeJanusRoom *room;
  gint64 started_at;
  gint64 joined_at;
  /* guarded by janus_call_lock */
  guint joined;
  guint disconnected;
  guint errors;
  /* participant -> last key index + 1, from key-changed */
  GHashTable *keys;
  /* participant -> gint64: when key-changed last came for it */
  GHashTable *key_changed_at;
  /* participant -> gint64: when participant-left came */
  GHashTable *left_at;

  /* what the party publishes between vp8enc and its webrtcbin, and what
   * it subscribes with from a stream's pad to an appsink named "sink" (an
   * element named "dec" in it gets the ciphertext probe); NULL: e2eeenc
   * and e2eevp8pay with the key manager, rtpvp8depay and e2eedec with
   * dec_km (tests/check/integration/janus-sframe.c sets SFrame chains) */
  const gchar *pub_chain;
  const gchar *sub_chain;
  /* vp8enc's keyframe-max-dist when publishing; 0: 30 */
  guint keyframe_max_dist;
  /* publisher */
  GstElement *pub_pipeline;
  GPtrArray *sent;              /* GBytes: what e2eeenc was given */
  gint64 published_at;
  /* subscriber */
  GstElement *sub_pipeline, *sub_webrtcbin;
  /* participant -> GPtrArray of GBytes: what its e2eedec gave */
  GHashTable *received;
  /* participant -> GPtrArray of GBytes: the ciphertext frames between
   * the depayloader and e2eedec */
  GHashTable *captured;
  /* participant -> gint64: when its first frame was decrypted */
  GHashTable *first_frame_at;
  GHashTable *removed;          /* participant -> gint64: its stream went */
  /* webrtcbins the room asked for (request-webrtcbin) and gave back
   * (release-webrtcbin), after a publisher left */
  guint requested;
  GPtrArray *released;
} JanusParty;

typedef struct
{
  JanusParty *pub, *sub;
} JanusPair;

/* the server parties join */
void janus_call_set_url (const gchar * url);
/* under janus_call_lock, until @predicate holds or JANUS_CALL_DEADLINE_S
 * (times E2EE_DEADLINE_MULTIPLIER) */
gboolean janus_call_wait_for (gboolean (*predicate) (gpointer),
    gpointer data);
void janus_call_loopback_webrtcbin (GstElement * webrtcbin);

/* room JANUS_HARNESS_ROOM, with a key manager */
void janus_party_init (JanusParty * p, const gchar * name);
/* @with_km FALSE: a keyless observer */
void janus_party_init_full (JanusParty * p, const gchar * name,
    guint64 room, gboolean with_km);
void janus_party_start (JanusParty * p);
void janus_party_media_down (JanusParty * p);
void janus_party_clear (JanusParty * p);
void janus_party_publish (JanusParty * p);
void janus_party_subscribe (JanusParty * p);
/* how many frames of @participant @p decrypted (lock held) */
guint janus_party_n_received_locked (JanusParty * p,
    const gchar * participant);
/* last key index @p heard of for @participant, -1 if none (lock held) */
gint janus_party_key_index_locked (JanusParty * p, const gchar * participant);

/* predicates for janus_call_wait_for */
/* data: JanusParty *[3] = { a, b, GUINT_TO_POINTER (n) } */
gboolean janus_call_joined_n (gpointer data);
/* data: JanusParty *[2] */
gboolean janus_call_disconnected_both (gpointer data);
gboolean janus_call_keys_exchanged (gpointer data);
/* data: JanusPair */
gboolean janus_call_enough_frames (gpointer data);
gboolean janus_call_stream_gone (gpointer data);

void janus_call_start_and_join (JanusParty * a, JanusParty * b);
/* every frame @sub decrypted as @pub's is a frame @pub sent, in order */
void janus_call_check_frames (JanusParty * pub, JanusParty * sub);
/* keys exchanged, @b subscribes, @a publishes, frames checked */
void janus_call_publish_and_check (JanusParty * a, JanusParty * b);

G_END_DECLS

#endif /* __JANUS_CALL_H__ */
