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
 * The call: each party is one pipeline,
 *
 *   videotestsrc ! vp8enc ! e2eeenc ! e2eevp8pay ! tee
 *     tee. ! queue ! webrtcbin (towards each remote party)
 *   webrtcbin. ! rtpvp8depay ! e2eedec participant=<remote> ! fakesink
 *
 * and a key manager given every one of its webrtcbins before the offer, so
 * that the e2ee data channel is in it. Every webrtcbin stays on loopback:
 * no STUN or TURN server, max-bundle, 127.0.0.1 as its only address, no
 * ICE-TCP, no UPnP. Offers, answers and ICE candidates go from one
 * webrtcbin to its peer directly, from webrtcbin's own threads.
 *
 * Pad probes record every frame going into each e2eeenc and check every
 * frame coming out of each e2eedec against those of the remote party, so a
 * caller can tell that the receivers got exactly what was sent.
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "e2ee-call-common.h"

#include <string.h>

#include <gst/app/gstappsink.h>
#include <gst/webrtc/webrtc.h>

#define RTP_CAPS "application/x-rtp,media=video,encoding-name=VP8," \
    "clock-rate=90000,payload=96"

/* %s pattern, %d width, %d height, %d framerate, %d key frame distance */
#define SEND_DESC \
    "videotestsrc is-live=true pattern=%s ! " \
    "video/x-raw,width=%d,height=%d,framerate=%d/1 ! " \
    "vp8enc deadline=1 keyframe-max-dist=%d ! e2eeenc name=enc ! " \
    "e2eevp8pay ! " RTP_CAPS " ! tee name=tee allow-not-linked=true"

#define MAX_WARNINGS_SHOWN 3

void
e2ee_call_config_init (E2eeCallConfig * config)
{
  config->width = 160;
  config->height = 120;
  config->framerate = 15;
  config->debounce_ms = 200;
  config->key_switch_timeout_ms = 1000;
  config->auto_admit = TRUE;
  config->latency_ms = 100;
}

E2eeCall *
e2ee_call_new (const E2eeCallConfig * config)
{
  E2eeCall *call = g_new0 (E2eeCall, 1);

  call->config = *config;
  call->parties = g_ptr_array_new ();
  g_mutex_init (&call->lock);
  return call;
}

/* Remembers the first thing that went wrong; any thread. */
static void
call_fail (E2eeCall * call, const gchar * format, ...)
{
  va_list args;
  gchar *msg;

  va_start (args, format);
  msg = g_strdup_vprintf (format, args);
  va_end (args);
  g_printerr ("call: %s\n", msg);
  g_mutex_lock (&call->lock);
  if (!call->error) {
    call->error = msg;
    msg = NULL;
  }
  g_mutex_unlock (&call->lock);
  g_free (msg);
}

/**
 * e2ee_call_dup_error:
 *
 * Returns: what went wrong first (an error of a pipeline, a failed
 * negotiation), or %NULL
 */
gchar *
e2ee_call_dup_error (E2eeCall * call)
{
  gchar *error;

  g_mutex_lock (&call->lock);
  error = g_strdup (call->error);
  g_mutex_unlock (&call->lock);
  return error;
}

static GstBusSyncReply
on_bus_message (GstBus * bus, GstMessage * msg, gpointer user_data)
{
  E2eeCallParty *party = user_data;
  E2eeCall *call = party->call;
  GError *err = NULL;
  gchar *dbg = NULL;
  gboolean show;

  switch (GST_MESSAGE_TYPE (msg)) {
    case GST_MESSAGE_ERROR:
      gst_message_parse_error (msg, &err, &dbg);
      call_fail (call, "%s: error from %s: %s (%s)", party->id,
          GST_OBJECT_NAME (msg->src), err->message, dbg ? dbg : "");
      break;
    case GST_MESSAGE_WARNING:
      /* a decoder fed with ciphertext warns about every frame */
      g_mutex_lock (&call->lock);
      show = call->warnings++ < MAX_WARNINGS_SHOWN;
      g_mutex_unlock (&call->lock);
      if (show) {
        gst_message_parse_warning (msg, &err, &dbg);
        g_printerr ("call: %s: warning from %s: %s\n", party->id,
            GST_OBJECT_NAME (msg->src), err->message);
      }
      break;
    default:
      break;
  }
  g_clear_error (&err);
  g_free (dbg);
  /* dropped: ours to unref */
  gst_message_unref (msg);
  return GST_BUS_DROP;
}

static GBytes *
buffer_bytes (GstBuffer * buf)
{
  gsize size = gst_buffer_get_size (buf);
  gpointer data = g_malloc (size);

  gst_buffer_extract (buf, 0, data, size);
  return g_bytes_new_take (data, size);
}

/**
 * e2ee_call_frame_kid:
 * @buffer: an encrypted frame
 *
 * Returns: the key index the frame names (its last byte)
 */
guint
e2ee_call_frame_kid (GstBuffer * buffer)
{
  guint8 kid = 0;
  gsize size = gst_buffer_get_size (buffer);

  if (size > 0)
    gst_buffer_extract (buffer, size - 1, &kid, 1);
  return kid;
}

/* A frame on its way into e2eeenc: what the receivers should get. */
static GstPadProbeReturn
on_enc_sink (GstPad * pad, GstPadProbeInfo * info, gpointer user_data)
{
  E2eeCallParty *party = user_data;
  GBytes *bytes = buffer_bytes (GST_PAD_PROBE_INFO_BUFFER (info));

  g_mutex_lock (&party->lock);
  g_hash_table_add (party->sent, bytes);
  g_mutex_unlock (&party->lock);
  return GST_PAD_PROBE_OK;
}

/* A frame out of e2eeenc: encrypted. */
static GstPadProbeReturn
on_enc_src (GstPad * pad, GstPadProbeInfo * info, gpointer user_data)
{
  E2eeCallParty *party = user_data;
  GstBuffer *buf = GST_PAD_PROBE_INFO_BUFFER (info);
  guint kid = e2ee_call_frame_kid (buf);

  g_mutex_lock (&party->lock);
  party->sent_by_kid[kid]++;
  if (party->capture_max > 0) {
    g_queue_push_tail (&party->captured, gst_buffer_copy_deep (buf));
    while (g_queue_get_length (&party->captured) > party->capture_max)
      gst_buffer_unref (g_queue_pop_head (&party->captured));
  }
  g_mutex_unlock (&party->lock);
  return GST_PAD_PROBE_OK;
}

static void
on_key_changed (GstE2eeKeyManager * manager, const gchar * participant,
    guint index, E2eeCallParty * party)
{
  if (g_strcmp0 (participant, party->id) != 0)
    return;
  g_mutex_lock (&party->lock);
  party->own_key_changes++;
  party->own_key_index = index;
  party->own_key_time = g_get_monotonic_time ();
  g_mutex_unlock (&party->lock);
}

static GstElement *
get_by_name (GstElement * bin, const gchar * name)
{
  GstElement *e = gst_bin_get_by_name (GST_BIN (bin), name);

  g_assert (e != NULL);
  /* the bin keeps it alive */
  gst_object_unref (e);
  return e;
}

static void
add_probe (GstElement * element, const gchar * pad_name,
    GstPadProbeCallback callback, gpointer data)
{
  GstPad *pad = gst_element_get_static_pad (element, pad_name);

  gst_pad_add_probe (pad, GST_PAD_PROBE_TYPE_BUFFER, callback, data, NULL);
  gst_object_unref (pad);
}

/**
 * e2ee_call_add_party:
 * @call: the call
 * @id: the party's id, its key manager's local-id
 * @pattern: the videotestsrc pattern it sends
 *
 * Makes the party's pipeline and key manager; nothing runs yet.
 *
 * Returns: (transfer none): the party, or %NULL
 */
E2eeCallParty *
e2ee_call_add_party (E2eeCall * call, const gchar * id, const gchar * pattern,
    GError ** error)
{
  const E2eeCallConfig *c = &call->config;
  E2eeCallParty *party;
  GstBus *bus;
  gchar *desc;

  party = g_new0 (E2eeCallParty, 1);
  party->call = call;
  party->id = g_strdup (id);
  party->links = g_ptr_array_new ();
  party->sent = g_hash_table_new_full (g_bytes_hash, g_bytes_equal,
      (GDestroyNotify) g_bytes_unref, NULL);
  g_queue_init (&party->captured);
  g_mutex_init (&party->lock);
  g_ptr_array_add (call->parties, party);

  party->manager = gst_object_ref_sink (gst_e2ee_key_manager_new (id));
  g_object_set (party->manager, "debounce", c->debounce_ms,
      "key-switch-timeout", c->key_switch_timeout_ms,
      "auto-admit", c->auto_admit, NULL);
  g_signal_connect (party->manager, "key-changed",
      G_CALLBACK (on_key_changed), party);

  desc = g_strdup_printf (SEND_DESC, pattern, c->width, c->height,
      c->framerate, c->framerate);
  party->pipeline = gst_parse_launch_full (desc, NULL,
      GST_PARSE_FLAG_FATAL_ERRORS, error);
  g_free (desc);
  if (!party->pipeline)
    return NULL;
  if (!GST_IS_PIPELINE (party->pipeline)) {
    g_set_error (error, GST_CORE_ERROR, GST_CORE_ERROR_FAILED,
        "the sender of %s is not a pipeline", id);
    return NULL;
  }
  gst_object_set_name (GST_OBJECT (party->pipeline), id);
  bus = gst_element_get_bus (party->pipeline);
  gst_bus_set_sync_handler (bus, on_bus_message, party, NULL);
  gst_object_unref (bus);

  party->enc = get_by_name (party->pipeline, "enc");
  party->tee = get_by_name (party->pipeline, "tee");
  g_object_set (party->enc, "key-manager", party->manager, NULL);
  add_probe (party->enc, "sink", on_enc_sink, party);
  add_probe (party->enc, "src", on_enc_src, party);
  return party;
}

/**
 * e2ee_call_link:
 *
 * Returns: (transfer none) (nullable): @party's webrtcbin towards @remote
 */
E2eeCallLink *
e2ee_call_link (E2eeCallParty * party, E2eeCallParty * remote)
{
  guint i;

  for (i = 0; i < party->links->len; i++) {
    E2eeCallLink *l = g_ptr_array_index (party->links, i);

    if (l->remote == remote)
      return l;
  }
  return NULL;
}

/* --- the receive branch --- */

static GstPadProbeReturn
on_dec_sink (GstPad * pad, GstPadProbeInfo * info, gpointer user_data)
{
  E2eeCallLink *link = user_data;
  guint kid = e2ee_call_frame_kid (GST_PAD_PROBE_INFO_BUFFER (info));

  /* e2eedec works on one frame at a time: the next one out of it, if any,
   * is this one */
  g_mutex_lock (&link->lock);
  link->in_kid = kid;
  link->received[kid]++;
  g_mutex_unlock (&link->lock);
  return GST_PAD_PROBE_OK;
}

static GstPadProbeReturn
on_dec_src (GstPad * pad, GstPadProbeInfo * info, gpointer user_data)
{
  E2eeCallLink *link = user_data;
  E2eeCallParty *remote = link->remote;
  GstBuffer *buf = GST_PAD_PROBE_INFO_BUFFER (info);
  GBytes *bytes = buffer_bytes (buf);
  gboolean sent, key_frame;
  gsize size;
  const guint8 *data = g_bytes_get_data (bytes, &size);

  key_frame = size > 0 && (data[0] & 1) == 0;
  g_mutex_lock (&remote->lock);
  sent = g_hash_table_contains (remote->sent, bytes);
  g_mutex_unlock (&remote->lock);
  g_bytes_unref (bytes);

  g_mutex_lock (&link->lock);
  if (sent) {
    link->matched++;
    link->decrypted[link->in_kid]++;
    if (key_frame)
      link->matched_key_frames++;
    if (link->first_match_time == 0)
      link->first_match_time = g_get_monotonic_time ();
  } else {
    link->mismatched++;
  }
  g_mutex_unlock (&link->lock);
  return GST_PAD_PROBE_OK;
}

static GstFlowReturn
on_new_picture (GstAppSink * sink, gpointer user_data)
{
  E2eeCallLink *link = user_data;
  GstSample *sample = gst_app_sink_pull_sample (sink);

  if (!sample)
    return GST_FLOW_EOS;
  g_mutex_lock (&link->lock);
  if (link->last_picture)
    gst_sample_unref (link->last_picture);
  link->last_picture = sample;
  link->pictures++;
  g_mutex_unlock (&link->lock);
  return GST_FLOW_OK;
}

static GstElement *
make (const gchar * factory)
{
  GstElement *e = gst_element_factory_make (factory, NULL);

  if (!e)
    g_printerr ("call: no element %s\n", factory);
  return e;
}

/* webrtcbin has media from the remote party: depayload, decrypt, check. */
static void
on_pad_added (GstElement * webrtcbin, GstPad * pad, E2eeCallLink * link)
{
  E2eeCallParty *party = link->party;
  GstElement *chain[6] = { NULL, };
  GstPad *sink;
  guint n = 0, i;
  gboolean decode;

  if (GST_PAD_DIRECTION (pad) != GST_PAD_SRC)
    return;

  g_mutex_lock (&link->lock);
  if (link->dec) {
    g_mutex_unlock (&link->lock);
    call_fail (party->call, "%s: a second stream from %s", party->id,
        link->remote->id);
    return;
  }
  decode = g_strcmp0 (party->decode_from, link->remote->id) == 0;
  chain[n++] = make ("rtpvp8depay");
  chain[n++] = link->dec = make ("e2eedec");
  if (decode) {
    chain[n++] = make ("vp8dec");
    chain[n++] = make ("videoconvert");
    chain[n++] = make ("capsfilter");
    chain[n++] = make ("appsink");
  } else {
    chain[n++] = make ("fakesink");
  }
  for (i = 0; i < n; i++) {
    if (!chain[i]) {
      g_mutex_unlock (&link->lock);
      call_fail (party->call, "%s: missing elements", party->id);
      return;
    }
    g_ptr_array_add (link->elements, chain[i]);
  }
  g_mutex_unlock (&link->lock);

  g_object_set (link->dec, "key-manager", party->manager, "participant",
      link->remote->id, NULL);
  if (party->passthrough)
    gst_util_set_object_arg (G_OBJECT (link->dec), "on-failure", "passthrough");
  add_probe (link->dec, "sink", on_dec_sink, link);
  add_probe (link->dec, "src", on_dec_src, link);
  if (decode) {
    GstCaps *caps = gst_caps_from_string ("video/x-raw,format=RGB");
    GstAppSinkCallbacks callbacks = { NULL, NULL, on_new_picture };

    /* ciphertext makes it fail on most frames: never give up */
    g_object_set (chain[2], "max-errors", -1, NULL);
    g_object_set (chain[4], "caps", caps, NULL);
    gst_caps_unref (caps);
    g_object_set (chain[5], "sync", FALSE, "async", FALSE, "max-buffers", 1,
        "drop", TRUE, NULL);
    gst_app_sink_set_callbacks (GST_APP_SINK (chain[5]), &callbacks, link,
        NULL);
  } else {
    g_object_set (chain[n - 1], "sync", FALSE, "async", FALSE, NULL);
  }

  for (i = 0; i < n; i++)
    gst_bin_add (GST_BIN (party->pipeline), gst_object_ref (chain[i]));
  for (i = 0; i + 1 < n; i++) {
    if (!gst_element_link (chain[i], chain[i + 1])) {
      call_fail (party->call, "%s: cannot link the receive branch", party->id);
      return;
    }
  }
  for (i = n; i > 0; i--)
    gst_element_sync_state_with_parent (chain[i - 1]);

  sink = gst_element_get_static_pad (chain[0], "sink");
  if (gst_pad_link (pad, sink) != GST_PAD_LINK_OK)
    call_fail (party->call, "%s: cannot link %s's media", party->id,
        link->remote->id);
  gst_object_unref (sink);
}

/* --- signalling, in-process --- */

static GstWebRTCSessionDescription *
take_description (E2eeCallLink * link, GstPromise * promise,
    const gchar * field)
{
  const GstStructure *reply;
  GstWebRTCSessionDescription *desc = NULL;

  if (gst_promise_wait (promise) == GST_PROMISE_RESULT_REPLIED) {
    reply = gst_promise_get_reply (promise);
    if (reply)
      gst_structure_get (reply, field, GST_TYPE_WEBRTC_SESSION_DESCRIPTION,
          &desc, NULL);
  }
  gst_promise_unref (promise);
  if (!desc)
    call_fail (link->party->call, "%s: no %s for %s", link->party->id, field,
        link->remote->id);
  return desc;
}

static void
on_answer_created (GstPromise * promise, gpointer user_data)
{
  E2eeCallLink *link = user_data;
  GstWebRTCSessionDescription *answer;

  answer = take_description (link, promise, "answer");
  if (!answer)
    return;
  g_signal_emit_by_name (link->webrtcbin, "set-local-description", answer,
      NULL);
  g_signal_emit_by_name (link->peer->webrtcbin, "set-remote-description",
      answer, NULL);
  gst_webrtc_session_description_free (answer);
}

static void
on_offer_created (GstPromise * promise, gpointer user_data)
{
  E2eeCallLink *link = user_data;
  GstWebRTCSessionDescription *offer;

  offer = take_description (link, promise, "offer");
  if (!offer)
    return;
  g_signal_emit_by_name (link->webrtcbin, "set-local-description", offer, NULL);
  g_signal_emit_by_name (link->peer->webrtcbin, "set-remote-description",
      offer, NULL);
  /* webrtcbin runs its tasks in order: the answer is made after the offer
   * is set */
  promise = gst_promise_new_with_change_func (on_answer_created, link->peer,
      NULL);
  g_signal_emit_by_name (link->peer->webrtcbin, "create-answer", NULL, promise);
  gst_webrtc_session_description_free (offer);
}

static void
on_ice_candidate (GstElement * webrtcbin, guint mline, const gchar * cand,
    E2eeCallLink * link)
{
  g_signal_emit_by_name (link->peer->webrtcbin, "add-ice-candidate", mline,
      cand);
}

/* Loopback only: no STUN or TURN (none set), one transport, 127.0.0.1 as
 * the only local address, no ICE-TCP, no UPnP. Also for tests that pair
 * webrtcbins of their own (tests/check/integration/sframe-call.c). */
gboolean
e2ee_call_configure_webrtcbin (GstElement * webrtcbin, guint latency_ms)
{
  GObject *ice = NULL, *agent = NULL;
  gboolean added = FALSE;

  g_object_set (webrtcbin, "bundle-policy",
      GST_WEBRTC_BUNDLE_POLICY_MAX_BUNDLE, "latency", latency_ms, NULL);
  g_object_get (webrtcbin, "ice-agent", &ice, NULL);
  if (!ice)
    return FALSE;
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
  return added && agent != NULL;
}

static E2eeCallLink *
link_new (E2eeCallParty * party, E2eeCallParty * remote, gboolean offerer,
    GError ** error)
{
  E2eeCallLink *link = g_new0 (E2eeCallLink, 1);
  gchar *name = g_strdup_printf ("to-%s", remote->id);

  link->party = party;
  link->remote = remote;
  link->offerer = offerer;
  link->elements = g_ptr_array_new_with_free_func (gst_object_unref);
  g_mutex_init (&link->lock);
  g_ptr_array_add (party->links, link);

  link->webrtcbin = gst_element_factory_make ("webrtcbin", name);
  link->queue = gst_element_factory_make ("queue", NULL);
  g_free (name);
  if (!link->webrtcbin || !link->queue) {
    g_set_error (error, GST_CORE_ERROR, GST_CORE_ERROR_MISSING_PLUGIN,
        "no webrtcbin or queue");
    return NULL;
  }
  /* a webrtcbin holds its media until it is connected: drop what it
   * cannot take rather than hold up the party's other webrtcbins */
  gst_util_set_object_arg (G_OBJECT (link->queue), "leaky", "downstream");
  gst_object_ref_sink (link->webrtcbin);
  gst_object_ref_sink (link->queue);
  if (!e2ee_call_configure_webrtcbin (link->webrtcbin,
          party->call->config.latency_ms)) {
    g_set_error (error, GST_CORE_ERROR, GST_CORE_ERROR_FAILED,
        "cannot keep webrtcbin on loopback");
    return NULL;
  }
  g_signal_connect (link->webrtcbin, "on-ice-candidate",
      G_CALLBACK (on_ice_candidate), link);
  g_signal_connect (link->webrtcbin, "pad-added", G_CALLBACK (on_pad_added),
      link);
  return link;
}

/* Puts the link's webrtcbin in its party's pipeline, gives it to the key
 * manager and feeds it the party's video. */
static gboolean
link_plug (E2eeCallLink * link, GError ** error)
{
  E2eeCallParty *party = link->party;
  GstPadTemplate *templ;
  GstCaps *caps;
  GstPad *sink, *qsrc, *qsink;
  gboolean ok;

  gst_bin_add_many (GST_BIN (party->pipeline), link->queue, link->webrtcbin,
      NULL);
  /* webrtcbin makes data channels from READY on */
  if (gst_element_set_state (link->webrtcbin, GST_STATE_READY) ==
      GST_STATE_CHANGE_FAILURE) {
    g_set_error (error, GST_CORE_ERROR, GST_CORE_ERROR_STATE_CHANGE,
        "webrtcbin does not start");
    return FALSE;
  }
  gst_e2ee_key_manager_add_webrtcbin (party->manager, link->webrtcbin);

  /* a sendrecv VP8 transceiver; the caps are its codec preferences */
  templ = gst_element_get_pad_template (link->webrtcbin, "sink_%u");
  caps = gst_caps_from_string (RTP_CAPS);
  sink = gst_element_request_pad (link->webrtcbin, templ, NULL, caps);
  gst_caps_unref (caps);
  qsrc = gst_element_get_static_pad (link->queue, "src");
  ok = sink && gst_pad_link (qsrc, sink) == GST_PAD_LINK_OK;
  gst_object_unref (qsrc);
  if (sink)
    gst_object_unref (sink);
  /* running before the tee feeds it: a pad that is not active yet makes
   * the tee return FLUSHING, which would stop the party's video source */
  if (party->playing) {
    gst_element_sync_state_with_parent (link->webrtcbin);
    gst_element_sync_state_with_parent (link->queue);
  }
  link->tee_pad = gst_element_request_pad_simple (party->tee, "src_%u");
  qsink = gst_element_get_static_pad (link->queue, "sink");
  ok = ok && link->tee_pad
      && gst_pad_link (link->tee_pad, qsink) == GST_PAD_LINK_OK;
  gst_object_unref (qsink);
  if (!ok) {
    g_set_error (error, GST_CORE_ERROR, GST_CORE_ERROR_NEGOTIATION,
        "cannot feed webrtcbin");
    return FALSE;
  }
  return TRUE;
}

/**
 * e2ee_call_connect:
 *
 * Gives @a a webrtcbin towards @b and @b one towards @a, each with the
 * key manager of its party; @a will make the offer. Either party may be
 * playing already.
 */
gboolean
e2ee_call_connect (E2eeCallParty * a, E2eeCallParty * b, GError ** error)
{
  E2eeCallLink *ab, *ba;

  ab = link_new (a, b, TRUE, error);
  if (!ab)
    return FALSE;
  ba = link_new (b, a, FALSE, error);
  if (!ba)
    return FALSE;
  ab->peer = ba;
  ba->peer = ab;
  return link_plug (ab, error) && link_plug (ba, error);
}

/**
 * e2ee_call_start_party:
 *
 * Sets @party's pipeline playing.
 */
gboolean
e2ee_call_start_party (E2eeCallParty * party, GError ** error)
{
  if (gst_element_set_state (party->pipeline, GST_STATE_PLAYING) ==
      GST_STATE_CHANGE_FAILURE) {
    g_set_error (error, GST_CORE_ERROR, GST_CORE_ERROR_STATE_CHANGE,
        "%s's pipeline does not start", party->id);
    return FALSE;
  }
  party->playing = TRUE;
  return TRUE;
}

/**
 * e2ee_call_negotiate:
 *
 * Starts the offer/answer between @a's and @b's webrtcbins, once both are
 * playing.
 */
void
e2ee_call_negotiate (E2eeCallParty * a, E2eeCallParty * b)
{
  E2eeCallLink *link = e2ee_call_link (a, b);
  GstPromise *promise;

  g_return_if_fail (link != NULL);
  if (!link->offerer)
    link = link->peer;
  promise = gst_promise_new_with_change_func (on_offer_created, link, NULL);
  g_signal_emit_by_name (link->webrtcbin, "create-offer", NULL, promise);
}

/* --- hanging up --- */

static GstPadProbeReturn
unlink_when_idle (GstPad * pad, GstPadProbeInfo * info, gpointer user_data)
{
  E2eeCallLink *link = user_data;
  GstPad *peer = gst_pad_get_peer (pad);

  if (peer) {
    gst_pad_unlink (pad, peer);
    gst_object_unref (peer);
  }
  g_atomic_int_set (&link->unlinked, 1);
  return GST_PAD_PROBE_REMOVE;
}

/* Takes the link's elements out of a pipeline that goes on playing. */
static void
link_unplug (E2eeCallLink * link)
{
  E2eeCallParty *party = link->party;
  GPtrArray *elements;
  gint64 end;
  guint i;

  g_signal_handlers_disconnect_by_data (link->webrtcbin, link);
  if (link->tee_pad) {
    gst_pad_add_probe (link->tee_pad, GST_PAD_PROBE_TYPE_IDLE,
        unlink_when_idle, link, NULL);
    end = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;
    while (!g_atomic_int_get (&link->unlinked)
        && g_get_monotonic_time () < end)
      g_usleep (10 * 1000);
    gst_element_release_request_pad (party->tee, link->tee_pad);
    gst_clear_object (&link->tee_pad);
  }
  gst_element_set_state (link->webrtcbin, GST_STATE_NULL);
  gst_element_set_state (link->queue, GST_STATE_NULL);
  g_mutex_lock (&link->lock);
  elements = g_ptr_array_ref (link->elements);
  g_mutex_unlock (&link->lock);
  for (i = 0; i < elements->len; i++)
    gst_element_set_state (g_ptr_array_index (elements, i), GST_STATE_NULL);
  if (GST_OBJECT_PARENT (link->webrtcbin))
    gst_bin_remove (GST_BIN (party->pipeline), link->webrtcbin);
  if (GST_OBJECT_PARENT (link->queue))
    gst_bin_remove (GST_BIN (party->pipeline), link->queue);
  for (i = 0; i < elements->len; i++) {
    GstElement *e = g_ptr_array_index (elements, i);

    if (GST_OBJECT_PARENT (e))
      gst_bin_remove (GST_BIN (party->pipeline), e);
  }
  g_ptr_array_unref (elements);
}

/**
 * e2ee_call_remove_party:
 *
 * @party hangs up: the others take their webrtcbins towards it out of
 * their pipelines and its pipeline stops. Its key manager stays, for a
 * look at what it still knows.
 */
void
e2ee_call_remove_party (E2eeCallParty * party)
{
  E2eeCall *call = party->call;
  guint i;

  for (i = 0; i < call->parties->len; i++) {
    E2eeCallParty *other = g_ptr_array_index (call->parties, i);
    E2eeCallLink *link;

    if (other == party || other->gone)
      continue;
    link = e2ee_call_link (other, party);
    if (link)
      link_unplug (link);
  }
  for (i = 0; i < party->links->len; i++) {
    E2eeCallLink *link = g_ptr_array_index (party->links, i);

    g_signal_handlers_disconnect_by_data (link->webrtcbin, link);
  }
  gst_element_set_state (party->pipeline, GST_STATE_NULL);
  party->playing = FALSE;
  party->gone = TRUE;
}

static void
link_free (E2eeCallLink * link)
{
  if (link->webrtcbin) {
    g_signal_handlers_disconnect_by_data (link->webrtcbin, link);
    gst_object_unref (link->webrtcbin);
  }
  gst_clear_object (&link->queue);
  gst_clear_object (&link->tee_pad);
  g_ptr_array_unref (link->elements);
  if (link->last_picture)
    gst_sample_unref (link->last_picture);
  g_mutex_clear (&link->lock);
  g_free (link);
}

/**
 * e2ee_call_free:
 *
 * Stops every pipeline and frees everything.
 */
void
e2ee_call_free (E2eeCall * call)
{
  guint i, j;

  for (i = 0; i < call->parties->len; i++) {
    E2eeCallParty *p = g_ptr_array_index (call->parties, i);

    for (j = 0; j < p->links->len; j++) {
      E2eeCallLink *link = g_ptr_array_index (p->links, j);

      if (link->webrtcbin)
        g_signal_handlers_disconnect_by_data (link->webrtcbin, link);
    }
    if (p->pipeline)
      gst_element_set_state (p->pipeline, GST_STATE_NULL);
  }
  for (i = 0; i < call->parties->len; i++) {
    E2eeCallParty *p = g_ptr_array_index (call->parties, i);

    if (p->pipeline) {
      GstBus *bus = gst_element_get_bus (p->pipeline);

      gst_bus_set_sync_handler (bus, NULL, NULL, NULL);
      gst_object_unref (bus);
      gst_object_unref (p->pipeline);
    }
    for (j = 0; j < p->links->len; j++)
      link_free (g_ptr_array_index (p->links, j));
    g_ptr_array_unref (p->links);
    if (p->manager) {
      g_signal_handlers_disconnect_by_data (p->manager, p);
      gst_object_unref (p->manager);
    }
    g_hash_table_unref (p->sent);
    g_queue_clear_full (&p->captured, (GDestroyNotify) gst_buffer_unref);
    g_mutex_clear (&p->lock);
    g_free (p->decode_from);
    g_free (p->id);
    g_free (p);
  }
  g_ptr_array_unref (call->parties);
  g_mutex_clear (&call->lock);
  g_free (call->error);
  g_free (call);
}

/* --- waiting and looking --- */

static guint64
sum_kids (E2eeCallLink * link, const guint64 * counters)
{
  guint64 n = 0;
  guint i;

  g_mutex_lock (&link->lock);
  for (i = 0; i < E2EE_CALL_N_KIDS; i++)
    n += counters[i];
  g_mutex_unlock (&link->lock);
  return n;
}

/**
 * e2ee_call_print_state:
 *
 * Prints where every party and receiver is, to tell why a wait timed out.
 */
void
e2ee_call_print_state (E2eeCall * call)
{
  guint i, j;

  for (i = 0; i < call->parties->len; i++) {
    E2eeCallParty *p = g_ptr_array_index (call->parties, i);

    g_printerr ("call: %s%s: %" G_GUINT64_FORMAT " sessions, %"
        G_GUINT64_FORMAT " keys received, key index %" G_GUINT64_FORMAT
        ", %" G_GUINT64_FORMAT " frames encrypted\n", p->id,
        p->gone ? " (gone)" : "", e2ee_call_stat (p->manager, "sessions"),
        e2ee_call_stat (p->manager, "keys-received"),
        e2ee_call_stat (p->manager, "key-index"),
        e2ee_call_stat (p->enc, "frames-out"));
    for (j = 0; j < p->links->len; j++) {
      E2eeCallLink *l = g_ptr_array_index (p->links, j);
      GstWebRTCPeerConnectionState pc = 0;
      GstWebRTCICEConnectionState ice = 0;

      g_object_get (l->webrtcbin, "connection-state", &pc,
          "ice-connection-state", &ice, NULL);
      g_printerr ("call:   <- %s: connection %d, ICE %d, %s, %"
          G_GUINT64_FORMAT " frames in, %" G_GUINT64_FORMAT " as sent, %"
          G_GUINT64_FORMAT " not, %" G_GUINT64_FORMAT " missing key, %"
          G_GUINT64_FORMAT " auth failed\n", l->remote->id, pc, ice,
          l->dec ? "media" : "no media", sum_kids (l, l->received),
          e2ee_call_link_get (l, &l->matched),
          e2ee_call_link_get (l, &l->mismatched),
          e2ee_call_stat (l->dec, "missing-key"),
          e2ee_call_stat (l->dec, "auth-failed"));
    }
  }
}


/**
 * e2ee_call_wait:
 * @done: the condition
 * @timeout_ms: the deadline
 *
 * Runs the default main context until @done returns %TRUE, a pipeline
 * fails, or @timeout_ms passed.
 *
 * Returns: whether @done returned %TRUE
 */
gboolean
e2ee_call_wait (E2eeCall * call, gboolean (*done) (gpointer data),
    gpointer data, guint timeout_ms)
{
  gint64 end = g_get_monotonic_time () + (gint64) timeout_ms * 1000;
  gboolean failed;

  for (;;) {
    while (g_main_context_iteration (NULL, FALSE));
    if (done (data))
      return TRUE;
    g_mutex_lock (&call->lock);
    failed = call->error != NULL;
    g_mutex_unlock (&call->lock);
    if (failed || g_get_monotonic_time () >= end)
      return FALSE;
    g_usleep (20 * 1000);
  }
}

/**
 * e2ee_call_set_capture:
 *
 * Keeps the last @max_frames encrypted frames out of @party's e2eeenc (0:
 * none), dropping those kept so far.
 */
void
e2ee_call_set_capture (E2eeCallParty * party, guint max_frames)
{
  g_mutex_lock (&party->lock);
  party->capture_max = max_frames;
  g_queue_clear_full (&party->captured, (GDestroyNotify) gst_buffer_unref);
  g_mutex_unlock (&party->lock);
}

/**
 * e2ee_call_take_captured:
 *
 * Returns: (transfer full) (element-type GstBuffer): the encrypted frames
 * kept so far, oldest first; the party keeps on capturing
 */
GList *
e2ee_call_take_captured (E2eeCallParty * party)
{
  GList *frames;

  g_mutex_lock (&party->lock);
  frames = party->captured.head;
  g_queue_init (&party->captured);
  g_mutex_unlock (&party->lock);
  return frames;
}

/**
 * e2ee_call_stat:
 * @object: an e2eeenc, an e2eedec or a key manager
 *
 * Returns: the counter @field of its stats, 0 if it has none
 */
guint64
e2ee_call_stat (gpointer object, const gchar * field)
{
  GstStructure *s = NULL;
  guint64 v = 0;
  guint u;

  if (!object)
    return 0;
  g_object_get (object, "stats", &s, NULL);
  if (!s)
    return 0;
  if (!gst_structure_get_uint64 (s, field, &v)
      && gst_structure_get_uint (s, field, &u))
    v = u;
  gst_structure_free (s);
  return v;
}

/**
 * e2ee_call_link_get:
 * @counter: a counter of @link
 *
 * Returns: its value, read under the link's lock
 */
guint64
e2ee_call_link_get (E2eeCallLink * link, const guint64 * counter)
{
  guint64 v;

  g_mutex_lock (&link->lock);
  v = *counter;
  g_mutex_unlock (&link->lock);
  return v;
}

/**
 * e2ee_call_link_first_match:
 *
 * Returns: the monotonic time @link's e2eedec first gave out a frame the
 * remote sent, 0 if never
 */
gint64
e2ee_call_link_first_match (E2eeCallLink * link)
{
  gint64 t;

  g_mutex_lock (&link->lock);
  t = link->first_match_time;
  g_mutex_unlock (&link->lock);
  return t;
}

/**
 * e2ee_call_link_dup_picture:
 * @pictures: (out) (optional): how many pictures came so far
 *
 * Returns: (transfer full) (nullable): the last picture decoded
 */
GstSample *
e2ee_call_link_dup_picture (E2eeCallLink * link, guint * pictures)
{
  GstSample *s;

  g_mutex_lock (&link->lock);
  s = link->last_picture ? gst_sample_ref (link->last_picture) : NULL;
  if (pictures)
    *pictures = link->pictures;
  g_mutex_unlock (&link->lock);
  return s;
}

/**
 * e2ee_call_party_own_key:
 * @index: (out) (optional): the key index of the last change
 * @time: (out) (optional): its monotonic time
 *
 * Returns: how many times key-changed told of @party's own key
 */
guint
e2ee_call_party_own_key (E2eeCallParty * party, guint * index, gint64 * time)
{
  guint n;

  g_mutex_lock (&party->lock);
  n = party->own_key_changes;
  if (index)
    *index = party->own_key_index;
  if (time)
    *time = party->own_key_time;
  g_mutex_unlock (&party->lock);
  return n;
}
