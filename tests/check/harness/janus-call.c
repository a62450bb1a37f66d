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

/* Parties of a call through a private Janus: see janus-call.h */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <string.h>
#include <gst/check/gstcheck.h>
#include <gst/app/gstappsink.h>
#include <gst/webrtc/webrtc.h>

#include "janus-harness.h"
#include "janus-call.h"

GMutex janus_call_lock;
GCond janus_call_cond;
static gchar *server_url;

#define lock janus_call_lock
#define cond janus_call_cond

void
janus_call_set_url (const gchar * url)
{
  g_free (server_url);
  server_url = g_strdup (url);
}

/* E2EE_DEADLINE_MULTIPLIER: set by the slow test setups (valgrind) */
static gint64
deadline_multiplier (void)
{
  const gchar *m = g_getenv ("E2EE_DEADLINE_MULTIPLIER");
  gint64 v = m ? g_ascii_strtoll (m, NULL, 10) : 1;

  return CLAMP (v, 1, 100);
}

gboolean
janus_call_wait_for (gboolean (*predicate) (gpointer), gpointer data)
{
  gint64 deadline = g_get_monotonic_time () +
      JANUS_CALL_DEADLINE_S * deadline_multiplier () * G_TIME_SPAN_SECOND;
  gboolean ok;

  g_mutex_lock (&lock);
  while (!(ok = predicate (data)))
    if (!g_cond_wait_until (&cond, &lock, deadline))
      break;
  if (!ok)
    ok = predicate (data);
  g_mutex_unlock (&lock);
  return ok;
}

/* Loopback only: no STUN or TURN, max-bundle, 127.0.0.1 as the only local
 * address, no ICE-TCP, no UPnP. */
void
janus_call_loopback_webrtcbin (GstElement * webrtcbin)
{
  GObject *ice = NULL, *agent = NULL;
  gboolean added = FALSE;

  g_object_set (webrtcbin, "bundle-policy",
      GST_WEBRTC_BUNDLE_POLICY_MAX_BUNDLE, NULL);
  g_object_get (webrtcbin, "ice-agent", &ice, NULL);
  fail_unless (ice != NULL);
  g_signal_emit_by_name (ice, "add-local-ip-address", "127.0.0.1", &added);
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

static void
on_webrtcbin_setup (GstE2eeJanusRoom * room, GstElement * webrtcbin,
    JanusParty * p)
{
  janus_call_loopback_webrtcbin (webrtcbin);
}

static void
on_joined (GstE2eeJanusRoom * room, JanusParty * p)
{
  g_mutex_lock (&lock);
  if (!p->joined_at)
    p->joined_at = g_get_monotonic_time ();
  p->joined++;
  g_cond_broadcast (&cond);
  g_mutex_unlock (&lock);
}

static void
on_disconnected (GstE2eeJanusRoom * room, JanusParty * p)
{
  g_mutex_lock (&lock);
  p->disconnected++;
  g_cond_broadcast (&cond);
  g_mutex_unlock (&lock);
}

static void
on_error (GstE2eeJanusRoom * room, GError * error, JanusParty * p)
{
  GST_WARNING ("%s: room error: %s", p->name, error->message);
  g_mutex_lock (&lock);
  p->errors++;
  g_mutex_unlock (&lock);
}

static void
set_time_locked (GHashTable * table, const gchar * participant)
{
  gint64 now = g_get_monotonic_time ();

  g_hash_table_insert (table, g_strdup (participant),
      g_memdup2 (&now, sizeof (now)));
}

static void
on_key_changed (GstE2eeKeyManager * km, const gchar * participant,
    guint index, JanusParty * p)
{
  g_mutex_lock (&lock);
  g_hash_table_insert (p->keys, g_strdup (participant),
      GUINT_TO_POINTER (index + 1));
  set_time_locked (p->key_changed_at, participant);
  g_cond_broadcast (&cond);
  g_mutex_unlock (&lock);
}

static void
on_participant_left (GstE2eeKeyManager * km, const gchar * participant,
    JanusParty * p)
{
  g_mutex_lock (&lock);
  set_time_locked (p->left_at, participant);
  g_cond_broadcast (&cond);
  g_mutex_unlock (&lock);
}

static void
on_stream_removed (GstE2eeJanusRoom * room, GstElement * webrtcbin,
    const gchar * mid, guint64 feed, const gchar * participant, JanusParty * p)
{
  g_mutex_lock (&lock);
  set_time_locked (p->removed, participant);
  g_cond_broadcast (&cond);
  g_mutex_unlock (&lock);
}

static GHashTable *
table_new (GDestroyNotify value_free)
{
  return g_hash_table_new_full (g_str_hash, g_str_equal, g_free, value_free);
}

void
janus_party_init_full (JanusParty * p, const gchar * name, guint64 room,
    gboolean with_km)
{
  fail_unless (server_url != NULL, "janus_call_set_url first");
  memset (p, 0, sizeof (*p));
  p->name = name;
  p->keys = table_new (NULL);
  p->key_changed_at = table_new (g_free);
  p->left_at = table_new (g_free);
  p->sent = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  p->received = table_new ((GDestroyNotify) g_ptr_array_unref);
  p->captured = table_new ((GDestroyNotify) g_ptr_array_unref);
  p->removed = table_new (g_free);
  p->first_frame_at = table_new (g_free);
  p->released = g_ptr_array_new_with_free_func (gst_object_unref);
  if (with_km) {
    p->km = gst_e2ee_key_manager_new (name);
    p->dec_km = gst_object_ref (p->km);
    g_signal_connect (p->km, "key-changed", G_CALLBACK (on_key_changed), p);
    g_signal_connect (p->km, "participant-left",
        G_CALLBACK (on_participant_left), p);
  } else {
    p->dec_km = gst_e2ee_key_manager_new (name);
  }
  p->room = gst_e2ee_janus_room_new (server_url, room, p->km);
  /* below the harness's session timeout */
  g_object_set (p->room, "keepalive-interval", 2000, NULL);
  g_signal_connect (p->room, "webrtcbin-setup",
      G_CALLBACK (on_webrtcbin_setup), p);
  g_signal_connect (p->room, "joined", G_CALLBACK (on_joined), p);
  g_signal_connect (p->room, "disconnected", G_CALLBACK (on_disconnected), p);
  g_signal_connect (p->room, "error", G_CALLBACK (on_error), p);
  g_signal_connect (p->room, "stream-removed",
      G_CALLBACK (on_stream_removed), p);
}

void
janus_party_init (JanusParty * p, const gchar * name)
{
  janus_party_init_full (p, name, JANUS_HARNESS_ROOM, TRUE);
}

void
janus_party_start (JanusParty * p)
{
  p->started_at = g_get_monotonic_time ();
  gst_e2ee_janus_room_start (p->room);
}

void
janus_party_media_down (JanusParty * p)
{
  if (p->pub_pipeline) {
    gst_element_set_state (p->pub_pipeline, GST_STATE_NULL);
    gst_clear_object (&p->pub_pipeline);
  }
  if (p->sub_pipeline) {
    gst_element_set_state (p->sub_pipeline, GST_STATE_NULL);
    gst_clear_object (&p->sub_pipeline);
  }
  gst_clear_object (&p->sub_webrtcbin);
  g_mutex_lock (&lock);
  g_ptr_array_set_size (p->sent, 0);
  g_hash_table_remove_all (p->received);
  g_hash_table_remove_all (p->captured);
  g_hash_table_remove_all (p->removed);
  g_hash_table_remove_all (p->first_frame_at);
  g_ptr_array_set_size (p->released, 0);
  g_mutex_unlock (&lock);
}

void
janus_party_clear (JanusParty * p)
{
  janus_party_media_down (p);
  gst_e2ee_janus_room_stop (p->room);
  if (p->km)
    g_signal_handlers_disconnect_by_data (p->km, p);
  gst_object_unref (p->room);
  gst_clear_object (&p->km);
  gst_object_unref (p->dec_km);
  g_hash_table_unref (p->keys);
  g_hash_table_unref (p->key_changed_at);
  g_hash_table_unref (p->left_at);
  g_ptr_array_unref (p->sent);
  g_hash_table_unref (p->received);
  g_hash_table_unref (p->captured);
  g_hash_table_unref (p->removed);
  g_hash_table_unref (p->first_frame_at);
  g_ptr_array_unref (p->released);
}

guint
janus_party_n_received_locked (JanusParty * p, const gchar * participant)
{
  GPtrArray *frames = g_hash_table_lookup (p->received, participant);

  return frames ? frames->len : 0;
}

gint
janus_party_key_index_locked (JanusParty * p, const gchar * participant)
{
  return GPOINTER_TO_INT (g_hash_table_lookup (p->keys, participant)) - 1;
}

gboolean
janus_call_joined_n (gpointer data)
{
  JanusParty **ps = data;
  guint want = GPOINTER_TO_UINT (ps[2]);

  return ps[0]->joined >= want && ps[1]->joined >= want;
}

gboolean
janus_call_disconnected_both (gpointer data)
{
  JanusParty **ps = data;

  return ps[0]->disconnected >= 1 && ps[1]->disconnected >= 1;
}

gboolean
janus_call_keys_exchanged (gpointer data)
{
  JanusParty **ps = data;

  return g_hash_table_contains (ps[0]->keys, ps[1]->name)
      && g_hash_table_contains (ps[1]->keys, ps[0]->name);
}

void
janus_call_start_and_join (JanusParty * a, JanusParty * b)
{
  JanusParty *ps[3] = { a, b, GUINT_TO_POINTER (1) };

  janus_party_start (a);
  janus_party_start (b);
  fail_unless (janus_call_wait_for (janus_call_joined_n, ps),
      "the rooms did not join");
  g_print ("janus: start -> joined: %s %.0f ms, %s %.0f ms\n", a->name,
      (a->joined_at - a->started_at) / 1000.0, b->name,
      (b->joined_at - b->started_at) / 1000.0);
}

/* -- media --------------------------------------------------------------- */

static void
add_frame_locked (GHashTable * table, const gchar * participant,
    GstBuffer * buf)
{
  GPtrArray *frames = g_hash_table_lookup (table, participant);
  GstMapInfo map;

  if (!gst_buffer_map (buf, &map, GST_MAP_READ))
    return;
  if (!frames) {
    frames = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
    g_hash_table_insert (table, g_strdup (participant), frames);
  }
  g_ptr_array_add (frames, g_bytes_new (map.data, map.size));
  gst_buffer_unmap (buf, &map);
}

static GstPadProbeReturn
record_sent (GstPad * pad, GstPadProbeInfo * info, JanusParty * p)
{
  GstBuffer *buf = GST_PAD_PROBE_INFO_BUFFER (info);
  GstMapInfo map;

  if (gst_buffer_map (buf, &map, GST_MAP_READ)) {
    g_mutex_lock (&lock);
    g_ptr_array_add (p->sent, g_bytes_new (map.data, map.size));
    g_cond_broadcast (&cond);
    g_mutex_unlock (&lock);
    gst_buffer_unmap (buf, &map);
  }
  return GST_PAD_PROBE_OK;
}

void
janus_party_publish (JanusParty * p)
{
  GError *error = NULL;
  GstElement *enc, *webrtcbin;
  GstPad *pad;

  gchar *desc;

  fail_unless (p->km != NULL || p->pub_chain != NULL);
  desc = g_strdup_printf ("videotestsrc is-live=true "
      "num-buffers=300 pattern=ball ! video/x-raw,width=320,height=240,"
      "framerate=30/1 ! vp8enc name=vp8enc deadline=1 keyframe-max-dist=%u ! "
      "%s ! application/x-rtp,media=video,"
      "encoding-name=VP8,payload=96,clock-rate=90000 ! "
      "webrtcbin name=w", p->keyframe_max_dist ? p->keyframe_max_dist : 30,
      p->pub_chain ? p->pub_chain : "e2eeenc name=enc ! e2eevp8pay");
  p->pub_pipeline = gst_parse_launch (desc, &error);
  g_free (desc);
  fail_unless (p->pub_pipeline != NULL, "%s", error ? error->message : "");
  webrtcbin = gst_bin_get_by_name (GST_BIN (p->pub_pipeline), "w");
  if (p->pub_chain == NULL) {
    enc = gst_bin_get_by_name (GST_BIN (p->pub_pipeline), "enc");
    g_object_set (enc, "key-manager", p->km, NULL);
    gst_object_unref (enc);
  }
  /* what vp8enc gives is what e2eeenc was given */
  enc = gst_bin_get_by_name (GST_BIN (p->pub_pipeline), "vp8enc");
  pad = gst_element_get_static_pad (enc, "src");
  gst_pad_add_probe (pad, GST_PAD_PROBE_TYPE_BUFFER,
      (GstPadProbeCallback) record_sent, p, NULL);
  gst_object_unref (pad);
  janus_call_loopback_webrtcbin (webrtcbin);
  fail_unless (gst_element_set_state (p->pub_pipeline, GST_STATE_PLAYING)
      != GST_STATE_CHANGE_FAILURE);
  p->published_at = g_get_monotonic_time ();
  fail_unless (gst_e2ee_janus_room_publish (p->room, webrtcbin));
  gst_object_unref (webrtcbin);
  gst_object_unref (enc);
}

typedef struct
{
  JanusParty *party;
  gchar *participant;
} Stream;

static void
stream_free (Stream * st, GClosure * closure)
{
  g_free (st->participant);
  g_free (st);
}

static GstFlowReturn
on_decrypted (GstAppSink * sink, Stream * st)
{
  JanusParty *p = st->party;
  GstSample *sample = gst_app_sink_pull_sample (sink);
  GstBuffer *buf = sample ? gst_sample_get_buffer (sample) : NULL;

  if (buf) {
    g_mutex_lock (&lock);
    if (!g_hash_table_contains (p->received, st->participant))
      set_time_locked (p->first_frame_at, st->participant);
    add_frame_locked (p->received, st->participant, buf);
    g_cond_broadcast (&cond);
    g_mutex_unlock (&lock);
  }
  if (sample)
    gst_sample_unref (sample);
  return GST_FLOW_OK;
}

/* the ciphertext, between the depayloader and e2eedec */
static GstPadProbeReturn
on_ciphertext (GstPad * pad, GstPadProbeInfo * info, Stream * st)
{
  g_mutex_lock (&lock);
  add_frame_locked (st->party->captured, st->participant,
      GST_PAD_PROBE_INFO_BUFFER (info));
  g_cond_broadcast (&cond);
  g_mutex_unlock (&lock);
  return GST_PAD_PROBE_OK;
}

/* webrtcbin's thread: a stream from Janus; whose it is comes from Janus's
 * mid table, never from the SSRC */
static void
on_pad_added (GstElement * webrtcbin, GstPad * pad, JanusParty * p)
{
  GstWebRTCRTPTransceiver *trans = NULL;
  gchar *mid = NULL, *participant;
  guint64 feed = 0;
  GstElement *bin, *dec, *sinkel;
  GstPad *sink;
  GError *error = NULL;
  Stream *st;

  if (GST_PAD_DIRECTION (pad) != GST_PAD_SRC)
    return;
  g_object_get (pad, "transceiver", &trans, NULL);
  fail_unless (trans != NULL);
  g_object_get (trans, "mid", &mid, NULL);
  gst_object_unref (trans);
  participant = gst_e2ee_janus_room_dup_participant_for_mid (p->room,
      webrtcbin, mid, &feed);
  fail_unless (participant != NULL, "no participant for mid %s", mid);
  GST_INFO ("mid %s carries feed %" G_GUINT64_FORMAT " of %s", mid, feed,
      participant);

  bin = gst_parse_bin_from_description (p->sub_chain ? p->sub_chain :
      "rtpvp8depay ! e2eedec name=dec ! "
      "appsink name=sink sync=false emit-signals=true", TRUE, &error);
  fail_unless (bin != NULL, "%s", error ? error->message : "");
  dec = gst_bin_get_by_name (GST_BIN (bin), "dec");
  sinkel = gst_bin_get_by_name (GST_BIN (bin), "sink");
  fail_unless (dec != NULL && sinkel != NULL);
  if (p->sub_chain == NULL)
    g_object_set (dec, "key-manager", p->dec_km, "participant", participant,
        NULL);
  st = g_new0 (Stream, 1);
  st->party = p;
  st->participant = g_strdup (participant);
  g_signal_connect_data (sinkel, "new-sample", G_CALLBACK (on_decrypted),
      st, (GClosureNotify) stream_free, 0);
  sink = gst_element_get_static_pad (dec, "sink");
  gst_pad_add_probe (sink, GST_PAD_PROBE_TYPE_BUFFER,
      (GstPadProbeCallback) on_ciphertext, st, NULL);
  gst_object_unref (sink);
  gst_object_unref (dec);
  gst_object_unref (sinkel);

  gst_bin_add (GST_BIN (p->sub_pipeline), bin);
  gst_element_sync_state_with_parent (bin);
  sink = gst_element_get_static_pad (bin, "sink");
  fail_unless (gst_pad_link (pad, sink) == GST_PAD_LINK_OK);
  gst_object_unref (sink);
  g_free (participant);
  g_free (mid);
}

/* the room's thread: a publisher left, and the next ones come on a new
 * subscriber handle, on a webrtcbin of ours in the subscriber pipeline */
static GstElement *
on_request_webrtcbin (GstE2eeJanusRoom * room, guint64 feed,
    const gchar * participant, JanusParty * p)
{
  GstElement *webrtcbin = gst_element_factory_make ("webrtcbin", NULL);

  GST_INFO ("%s: a webrtcbin for %s (feed %" G_GUINT64_FORMAT ")", p->name,
      participant, feed);
  janus_call_loopback_webrtcbin (webrtcbin);
  g_signal_connect (webrtcbin, "pad-added", G_CALLBACK (on_pad_added), p);
  gst_bin_add (GST_BIN (p->sub_pipeline), webrtcbin);
  fail_unless (gst_element_sync_state_with_parent (webrtcbin));
  g_mutex_lock (&lock);
  p->requested++;
  g_cond_broadcast (&cond);
  g_mutex_unlock (&lock);
  return webrtcbin;
}

/* the test's thread takes it out of the pipeline (janus_party_media_down
 * or the test itself) */
static void
on_release_webrtcbin (GstE2eeJanusRoom * room, GstElement * webrtcbin,
    JanusParty * p)
{
  g_mutex_lock (&lock);
  g_ptr_array_add (p->released, gst_object_ref (webrtcbin));
  g_cond_broadcast (&cond);
  g_mutex_unlock (&lock);
}

void
janus_party_subscribe (JanusParty * p)
{
  g_signal_handlers_disconnect_by_func (p->room, on_request_webrtcbin, p);
  g_signal_handlers_disconnect_by_func (p->room, on_release_webrtcbin, p);
  g_signal_connect (p->room, "request-webrtcbin",
      G_CALLBACK (on_request_webrtcbin), p);
  g_signal_connect (p->room, "release-webrtcbin",
      G_CALLBACK (on_release_webrtcbin), p);
  p->sub_pipeline = gst_pipeline_new (NULL);
  p->sub_webrtcbin = gst_element_factory_make ("webrtcbin", NULL);
  fail_unless (p->sub_webrtcbin != NULL);
  gst_object_ref (p->sub_webrtcbin);
  gst_bin_add (GST_BIN (p->sub_pipeline), p->sub_webrtcbin);
  janus_call_loopback_webrtcbin (p->sub_webrtcbin);
  g_signal_connect (p->sub_webrtcbin, "pad-added", G_CALLBACK (on_pad_added),
      p);
  fail_unless (gst_element_set_state (p->sub_pipeline, GST_STATE_PLAYING)
      != GST_STATE_CHANGE_FAILURE);
  fail_unless (gst_e2ee_janus_room_subscribe (p->room, p->sub_webrtcbin));
}

gboolean
janus_call_enough_frames (gpointer data)
{
  JanusPair *pair = data;

  return janus_party_n_received_locked (pair->sub, pair->pub->name) >=
      JANUS_CALL_MIN_FRAMES;
}

void
janus_call_check_frames (JanusParty * pub, JanusParty * sub)
{
  JanusPair pair = { pub, sub };
  GPtrArray *frames;
  guint i, j = 0;

  fail_unless (janus_call_wait_for (janus_call_enough_frames, &pair),
      "%s decrypted too few frames of %s", sub->name, pub->name);
  g_mutex_lock (&lock);
  frames = g_hash_table_lookup (sub->received, pub->name);
  for (i = 0; i < frames->len; i++) {
    GBytes *r = g_ptr_array_index (frames, i);

    while (j < pub->sent->len && !g_bytes_equal (r,
            g_ptr_array_index (pub->sent, j)))
      j++;
    fail_unless (j < pub->sent->len,
        "frame %u %s decrypted as %s's (%" G_GSIZE_FORMAT " bytes) is no "
        "frame %s sent", i, sub->name, pub->name, g_bytes_get_size (r),
        pub->name);
    j++;
  }
  g_print ("janus: %s decrypted %u frames of %s, all byte for byte as sent; "
      "publish -> first decrypted frame %.0f ms\n", sub->name, frames->len,
      pub->name, (*(gint64 *) g_hash_table_lookup (sub->first_frame_at,
              pub->name) - pub->published_at) / 1000.0);
  g_mutex_unlock (&lock);
}

gboolean
janus_call_stream_gone (gpointer data)
{
  JanusPair *pair = data;

  return g_hash_table_contains (pair->sub->removed, pair->pub->name);
}

void
janus_call_publish_and_check (JanusParty * a, JanusParty * b)
{
  JanusParty *ps[2] = { a, b };

  fail_unless (janus_call_wait_for (janus_call_keys_exchanged, ps),
      "no keys through the TextRoom");
  /* the subscriber first: it follows the roster as the publisher comes */
  janus_party_subscribe (b);
  janus_party_publish (a);
  janus_call_check_frames (a, b);
}
