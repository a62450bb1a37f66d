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
 * GstE2eeJanusRoom's media side: webrtcbin negotiation (offers, answers,
 * waiting for ICE gathering: the SDP goes to Janus complete, no trickle),
 * the VideoRoom publisher handle (its roster of publishers, publishing) and
 * the multistream subscriber handle with Janus's mid -> feed table.
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <string.h>
#include <gst/sdp/sdp.h>

#include "gste2eejanusroom-private.h"

#define GST_CAT_DEFAULT gst_e2ee_janus_room_debug

static void sub_sync (GstE2eeJanusRoom * room);
static void sub_next (Subscriber * sub);

struct _Gather
{
  gint ref_count;
  GstE2eeJanusRoom *room;
  GstElement *webrtcbin;
  guint gen;
  gulong notify_id;
  guint timeout_source;
  gboolean done;
  SdpReadyFunc func;
  gpointer data;
};

/* @sdp_text: an SDP of @type; FALSE when webrtcbin refuses it. Without
 * @webrtcbin (the test hooks' subscriber, gste2eejanusroom-test.c) the
 * SDP is parsed, then refused. */
gboolean
set_description (GstElement * webrtcbin, gboolean remote,
    GstWebRTCSDPType type, const gchar * sdp_text)
{
  GstSDPMessage *sdp = NULL;
  GstWebRTCSessionDescription *desc;
  GstPromise *promise;
  const GstStructure *reply;
  gboolean ok;

  /* an empty SDP is a critical in gst_sdp_message_parse_buffer(); a failed
   * parse leaves the message allocated */
  if (!sdp_text || !*sdp_text)
    return FALSE;
  if (gst_sdp_message_new_from_text (sdp_text, &sdp) != GST_SDP_OK) {
    if (sdp)
      gst_sdp_message_free (sdp);
    return FALSE;
  }
  if (!webrtcbin) {
    gst_sdp_message_free (sdp);
    return FALSE;
  }
  desc = gst_webrtc_session_description_new (type, sdp);
  promise = gst_promise_new ();
  g_signal_emit_by_name (webrtcbin, remote ? "set-remote-description" :
      "set-local-description", desc, promise);
  ok = gst_promise_wait (promise) == GST_PROMISE_RESULT_REPLIED;
  reply = gst_promise_get_reply (promise);
  if (reply && gst_structure_has_field (reply, "error"))
    ok = FALSE;
  gst_promise_unref (promise);
  gst_webrtc_session_description_free (desc);
  return ok;
}

/* create-offer or create-answer, then set-local-description */
gboolean
create_local (GstElement * webrtcbin, gboolean offer)
{
  GstPromise *promise = gst_promise_new ();
  const GstStructure *reply;
  GstWebRTCSessionDescription *desc = NULL;
  gboolean ok = FALSE;

  g_signal_emit_by_name (webrtcbin, offer ? "create-offer" : "create-answer",
      NULL, promise);
  if (gst_promise_wait (promise) == GST_PROMISE_RESULT_REPLIED
      && (reply = gst_promise_get_reply (promise)))
    gst_structure_get (reply, offer ? "offer" : "answer",
        GST_TYPE_WEBRTC_SESSION_DESCRIPTION, &desc, NULL);
  gst_promise_unref (promise);
  if (!desc)
    return FALSE;

  promise = gst_promise_new ();
  g_signal_emit_by_name (webrtcbin, "set-local-description", desc, promise);
  ok = gst_promise_wait (promise) == GST_PROMISE_RESULT_REPLIED;
  reply = gst_promise_get_reply (promise);
  if (reply && gst_structure_has_field (reply, "error"))
    ok = FALSE;
  gst_promise_unref (promise);
  gst_webrtc_session_description_free (desc);
  return ok;
}

/* -- waiting for ICE gathering ------------------------------------------- */


static void
gather_unref (Gather * g)
{
  if (!g_atomic_int_dec_and_test (&g->ref_count))
    return;
  gst_object_unref (g->webrtcbin);
  gst_object_unref (g->room);
  g_free (g);
}

static void
gather_finish (Gather * g)
{
  GstE2eeJanusRoom *room = g->room;
  GstWebRTCSessionDescription *desc = NULL;
  gchar *text = NULL;

  if (g->done)
    return;
  g->done = TRUE;
  g_signal_handler_disconnect (g->webrtcbin, g->notify_id);
  if (g->timeout_source)
    _gst_e2ee_janus_source_remove (g->timeout_source);
  g->timeout_source = 0;
  if (g->gen == room->gen && !room->stopping) {
    g_object_get (g->webrtcbin, "local-description", &desc, NULL);
    if (desc) {
      text = gst_sdp_message_as_text (desc->sdp);
      gst_webrtc_session_description_free (desc);
    }
    GST_DEBUG_OBJECT (room, "local SDP ready:\n%s", text);
    g->func (room, g->webrtcbin, text, g->data);
    g_free (text);
  }
  /* the owner's reference */
  gather_unref (g);
}

static gboolean
gather_check (gpointer data)
{
  Gather *g = data;
  GstWebRTCICEGatheringState state = GST_WEBRTC_ICE_GATHERING_STATE_NEW;

  if (g->done)
    return G_SOURCE_REMOVE;
  g_object_get (g->webrtcbin, "ice-gathering-state", &state, NULL);
  if (state == GST_WEBRTC_ICE_GATHERING_STATE_COMPLETE) {
    g_atomic_int_inc (&g->ref_count);
    gather_finish (g);
    gather_unref (g);
  }
  return G_SOURCE_REMOVE;
}

static gboolean
gather_timeout (gpointer data)
{
  Gather *g = data;

  g->timeout_source = 0;
  GST_INFO_OBJECT (g->room, "ICE gathering not complete after %d ms: "
      "sending what was gathered", GATHER_TIMEOUT_MS);
  g_atomic_int_inc (&g->ref_count);
  gather_finish (g);
  gather_unref (g);
  return G_SOURCE_REMOVE;
}

/* webrtcbin's thread */
static void
gather_notify (GObject * webrtcbin, GParamSpec * pspec, Gather * g)
{
  g_atomic_int_inc (&g->ref_count);
  room_invoke (g->room, gather_check, g, (GDestroyNotify) gather_unref);
}

/* connect before set-local-description: gathering may end at once */
Gather *
gather_prepare (GstE2eeJanusRoom * room, GstElement * webrtcbin,
    SdpReadyFunc func, gpointer data)
{
  Gather *g = g_new0 (Gather, 1);

  g->ref_count = 1;
  g->room = gst_object_ref (room);
  g->webrtcbin = gst_object_ref (webrtcbin);
  g->gen = room->gen;
  g->func = func;
  g->data = data;
  g->notify_id = g_signal_connect (webrtcbin, "notify::ice-gathering-state",
      G_CALLBACK (gather_notify), g);
  return g;
}

void
gather_start (Gather * g)
{
  g->timeout_source =
      _gst_e2ee_janus_timeout_add (GATHER_TIMEOUT_MS, gather_timeout, g, NULL);
  gather_check (g);
}

void
gather_cancel (Gather * g)
{
  g->done = TRUE;
  g_signal_handler_disconnect (g->webrtcbin, g->notify_id);
  gather_unref (g);
}

JsonObject *
jsep_new (const gchar * type, const gchar * sdp, gboolean e2ee)
{
  JsonObject *jsep = json_object_new ();

  json_object_set_string_member (jsep, "type", type);
  json_object_set_string_member (jsep, "sdp", sdp);
  json_object_set_boolean_member (jsep, "trickle", FALSE);
  if (e2ee)
    json_object_set_boolean_member (jsep, "e2ee", TRUE);
  return jsep;
}

/* the SDP of an offer in an event, or NULL */
const gchar *
event_offer (JsonObject * event)
{
  JsonObject *jsep = _gst_e2ee_janus_json_object (event, "jsep");

  if (g_strcmp0 (_gst_e2ee_janus_json_string (jsep, "type"), "offer") != 0)
    return NULL;
  return _gst_e2ee_janus_json_string (jsep, "sdp");
}

static const gchar *
event_answer (JsonObject * event)
{
  JsonObject *jsep = _gst_e2ee_janus_json_object (event, "jsep");

  if (g_strcmp0 (_gst_e2ee_janus_json_string (jsep, "type"), "answer") != 0)
    return NULL;
  return _gst_e2ee_janus_json_string (jsep, "sdp");
}

/* answers @offer on @webrtcbin; @func gets the answer once gathered (not
 * called when this fails: FALSE) */
static gboolean
answer_offer (GstE2eeJanusRoom * room, GstElement * webrtcbin,
    const gchar * offer, SdpReadyFunc func, gpointer data)
{
  Gather *g;

  if (!set_description (webrtcbin, TRUE, GST_WEBRTC_SDP_TYPE_OFFER, offer))
    return FALSE;
  g = gather_prepare (room, webrtcbin, func, data);
  if (!create_local (webrtcbin, FALSE)) {
    gather_cancel (g);
    return FALSE;
  }
  gather_start (g);
  return TRUE;
}

/* -- VideoRoom: the roster of publishers --------------------------------- */

static void
publisher_add (GstE2eeJanusRoom * room, JsonObject * pub)
{
  guint64 id = 0;
  const gchar *display = _gst_e2ee_janus_json_string (pub, "display");
  guint64 *key;

  if (!_gst_e2ee_janus_json_uint64 (pub, "id", &id) || id == 0
      || id == room->my_feed_id)
    return;
  if (g_hash_table_contains (room->publishers, &id))
    return;
  key = g_new (guint64, 1);
  *key = id;
  g_hash_table_insert (room->publishers, key, g_strdup (display));
  GST_OBJECT_LOCK (room);
  room->n_publishers = g_hash_table_size (room->publishers);
  GST_OBJECT_UNLOCK (room);
  GST_INFO_OBJECT (room, "publisher %" G_GUINT64_FORMAT " (%s)", id, display);
  g_signal_emit (room, signals[SIGNAL_PUBLISHER_ADDED], 0, id, display);
}

static void
publisher_remove (GstE2eeJanusRoom * room, guint64 id)
{
  gchar *display;
  gpointer key;
  GList *l;

  if (!g_hash_table_steal_extended (room->publishers, &id, &key,
          (gpointer *) & display))
    return;
  g_free (key);
  GST_OBJECT_LOCK (room);
  room->n_publishers = g_hash_table_size (room->publishers);
  GST_OBJECT_UNLOCK (room);
  for (l = room->subs; l; l = l->next)
    g_hash_table_remove (((Subscriber *) l->data)->feeds, &id);
  g_hash_table_remove (room->refused_feeds, &id);
  GST_INFO_OBJECT (room, "publisher %" G_GUINT64_FORMAT " (%s) gone", id,
      display);
  g_signal_emit (room, signals[SIGNAL_PUBLISHER_REMOVED], 0, id, display);
  g_free (display);
}

/* a VideoRoom event or answer on the publisher handle */
void
vr_on_data (GstE2eeJanusRoom * room, JsonObject * data)
{
  JsonArray *pubs = _gst_e2ee_janus_json_array (data, "publishers");
  guint64 id;
  guint i, n;
  gboolean changed = FALSE;

  n = pubs ? json_array_get_length (pubs) : 0;
  for (i = 0; i < n; i++) {
    JsonNode *el = json_array_get_element (pubs, i);

    if (JSON_NODE_HOLDS_OBJECT (el)) {
      publisher_add (room, json_node_get_object (el));
      changed = TRUE;
    }
  }
  if (_gst_e2ee_janus_json_uint64 (data, "unpublished", &id))
    publisher_remove (room, id);
  if (_gst_e2ee_janus_json_uint64 (data, "leaving", &id))
    publisher_remove (room, id);
  if (changed)
    sub_sync (room);
}

static void
vr_joined (GstE2eeJanusSession * session, JsonObject * reply,
    const GError * error, gpointer data)
{
  GstE2eeJanusRoom *room = data;
  JsonObject *pd = _gst_e2ee_janus_plugin_data (reply);

  if (!reply_ok (room, reply, error, "joining the VideoRoom")
      || g_strcmp0 (_gst_e2ee_janus_json_string (pd, "videoroom"),
          "joined") != 0
      || !_gst_e2ee_janus_json_uint64 (pd, "id", &room->my_feed_id)) {
    GError *e = g_error_new (GST_RESOURCE_ERROR, GST_RESOURCE_ERROR_FAILED,
        "cannot join VideoRoom %" G_GUINT64_FORMAT, room->room_id);

    room_lose (room, error ? error : e);
    g_error_free (e);
    return;
  }
  GST_INFO_OBJECT (room, "joined VideoRoom %" G_GUINT64_FORMAT " as %s (%"
      G_GUINT64_FORMAT ")", room->room_id, room->display, room->my_feed_id);
  room->vr_joined = TRUE;
  vr_on_data (room, pd);
  maybe_joined (room);
}

void
vr_attached (GstE2eeJanusSession * session, JsonObject * reply,
    const GError * error, gpointer data)
{
  GstE2eeJanusRoom *room = data;
  JsonObject *body;

  if (!reply_ok (room, reply, error, "attaching VideoRoom")
      || !_gst_e2ee_janus_json_uint64 (_gst_e2ee_janus_json_object (reply,
              "data"), "id", &room->vr_handle)) {
    GError *e = g_error_new (GST_RESOURCE_ERROR, GST_RESOURCE_ERROR_FAILED,
        "cannot attach the VideoRoom plugin");

    room_lose (room, error ? error : e);
    g_error_free (e);
    return;
  }
  body = json_object_new ();
  json_object_set_string_member (body, "request", "join");
  json_object_set_string_member (body, "ptype", "publisher");
  json_object_set_int_member (body, "room", room->room_id);
  json_object_set_string_member (body, "display", room->display);
  GST_OBJECT_LOCK (room);
  if (room->pin)
    json_object_set_string_member (body, "pin", room->pin);
  GST_OBJECT_UNLOCK (room);
  _gst_e2ee_janus_session_message (room->session, room->vr_handle, body, NULL,
      vr_joined, room);
}

/* -- publishing ---------------------------------------------------------- */

void
media_data_free (MediaData * md)
{
  gst_object_unref (md->room);
  gst_object_unref (md->webrtcbin);
  g_free (md);
}

static void
pub_answered (GstE2eeJanusSession * session, JsonObject * reply,
    const GError * error, gpointer data)
{
  GstE2eeJanusRoom *room = data;
  const gchar *answer;
  GstElement *webrtcbin = room->pub_webrtcbin;

  if (!reply_ok (room, reply, error, "the publication")) {
    if (error)
      emit_error (room, "publishing failed: %s", error->message);
    return;
  }
  if (!(answer = event_answer (reply)) || !webrtcbin) {
    emit_error (room, "Janus answered the publication without an SDP");
    return;
  }
  if (!set_description (webrtcbin, TRUE, GST_WEBRTC_SDP_TYPE_ANSWER, answer))
    emit_error (room, "webrtcbin refused Janus's answer to the publication");
  else
    GST_INFO_OBJECT (room, "published");
}

static void
pub_offer_ready (GstE2eeJanusRoom * room, GstElement * webrtcbin,
    const gchar * sdp, gpointer data)
{
  JsonObject *body = json_object_new ();

  json_object_set_string_member (body, "request", "publish");
  json_object_set_string_member (body, "display", room->display);
  _gst_e2ee_janus_session_message (room->session, room->vr_handle, body,
      jsep_new ("offer", sdp, TRUE), pub_answered, room);
}

/* Janus drops RTP whose SSRC the publisher's SDP does not name (it reads
 * no mid header extension from webrtcbin), and webrtcbin names an SSRC only
 * once the caps on its sink pad carry one, i.e. after the payloader's first
 * buffer: the offer waits for that. */
#define SSRC_POLL_MS 20
#define SSRC_WAIT_US (10 * G_TIME_SPAN_SECOND)

static gboolean
sink_pads_have_ssrc (GstElement * webrtcbin)
{
  GstIterator *it = gst_element_iterate_sink_pads (webrtcbin);
  GValue item = G_VALUE_INIT;
  gboolean all = TRUE, any = FALSE, done = FALSE;

  while (!done) {
    switch (gst_iterator_next (it, &item)) {
      case GST_ITERATOR_OK:{
        GstCaps *caps = gst_pad_get_current_caps (g_value_get_object (&item));

        any = TRUE;
        if (!caps || gst_caps_is_empty (caps)
            || !gst_structure_has_field (gst_caps_get_structure (caps, 0),
                "ssrc"))
          all = FALSE;
        if (caps)
          gst_caps_unref (caps);
        g_value_reset (&item);
        break;
      }
      case GST_ITERATOR_RESYNC:
        gst_iterator_resync (it);
        all = TRUE;
        any = FALSE;
        break;
      default:
        done = TRUE;
        break;
    }
  }
  g_value_unset (&item);
  gst_iterator_free (it);
  return any && all;
}

static void
publish_now (GstE2eeJanusRoom * room, GstElement * webrtcbin)
{
  Gather *g;

  gst_object_replace ((GstObject **) & room->pub_webrtcbin,
      GST_OBJECT (webrtcbin));
  g = gather_prepare (room, webrtcbin, pub_offer_ready, NULL);
  if (!create_local (webrtcbin, TRUE)) {
    gather_cancel (g);
    emit_error (room, "webrtcbin could not create an offer to publish");
    return;
  }
  gather_start (g);
}

typedef struct
{
  MediaData *md;
  guint gen;
  gint64 deadline;
} PublishWait;

static void
publish_wait_free (PublishWait * w)
{
  media_data_free (w->md);
  g_free (w);
}

static gboolean
publish_poll (gpointer data)
{
  PublishWait *w = data;
  GstE2eeJanusRoom *room = w->md->room;
  gboolean ready;

  if (w->gen != room->gen || room->stopping)
    return G_SOURCE_REMOVE;
  ready = sink_pads_have_ssrc (w->md->webrtcbin);
  if (!ready && g_get_monotonic_time () < w->deadline)
    return G_SOURCE_CONTINUE;
  if (!ready)
    GST_WARNING_OBJECT (room, "no SSRC in the caps of %" GST_PTR_FORMAT
        " yet: publishing anyway, Janus may drop its RTP", w->md->webrtcbin);
  publish_now (room, w->md->webrtcbin);
  return G_SOURCE_REMOVE;
}

gboolean
publish_on_thread (gpointer data)
{
  MediaData *md = data;
  GstE2eeJanusRoom *room = md->room;
  PublishWait *w;

  if (!room->vr_joined || room->stopping) {
    emit_error (room, "cannot publish: not joined");
    return G_SOURCE_REMOVE;
  }
  if (sink_pads_have_ssrc (md->webrtcbin)) {
    publish_now (room, md->webrtcbin);
    return G_SOURCE_REMOVE;
  }
  w = g_new0 (PublishWait, 1);
  w->md = g_new0 (MediaData, 1);
  w->md->room = gst_object_ref (room);
  w->md->webrtcbin = gst_object_ref (md->webrtcbin);
  w->gen = room->gen;
  w->deadline = g_get_monotonic_time () + SSRC_WAIT_US;
  _gst_e2ee_janus_timeout_add (SSRC_POLL_MS, publish_poll, w,
      (GDestroyNotify) publish_wait_free);
  return G_SOURCE_REMOVE;
}

/* -- subscribing --------------------------------------------------------- */

/* Janus 1.1.2's VideoRoom puts a new publisher's stream on an m-line that a
 * leaver's stream left inactive when kind and codec match
 * (janus_videoroom_subscriber_stream_add_or_replace: "Reusing m-line"), and
 * GStreamer 1.22's webrtcbin refuses to change the direction of an existing
 * transceiver to anything but inactive ("transceiver direction changes are
 * not implemented"). So a subscriber handle with such a hole takes no new
 * publisher: the newcomers go to a new handle, on a webrtcbin the
 * application gives (request-webrtcbin); a handle of those whose streams
 * are all gone is detached and its webrtcbin given back
 * (release-webrtcbin). Where nobody leaves, one handle carries everything,
 * as Janus's multistream means it to. */

/* @webrtcbin: NULL only for the test hooks' subscriber
 * (gste2eejanusroom-test.c), whose offers set_description() refuses */
Subscriber *
subscriber_new (GstE2eeJanusRoom * room, GstElement * webrtcbin,
    gboolean requested)
{
  Subscriber *sub = g_new0 (Subscriber, 1);

  sub->room = room;
  sub->webrtcbin = webrtcbin ? gst_object_ref (webrtcbin) : NULL;
  sub->requested = requested;
  sub->feeds = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free,
      NULL);
  sub->mids = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
      (GDestroyNotify) mid_info_free);
  GST_OBJECT_LOCK (room);
  room->subs = g_list_append (room->subs, sub);
  GST_OBJECT_UNLOCK (room);
  return sub;
}

void
subscriber_free (Subscriber * sub)
{
  gst_clear_object (&sub->webrtcbin);
  g_hash_table_unref (sub->feeds);
  g_hash_table_unref (sub->mids);
  if (sub->pending_offer)
    json_object_unref (sub->pending_offer);
  g_free (sub);
}

static void
subscriber_release (GstE2eeJanusRoom * room, Subscriber * sub)
{
  GstElement *webrtcbin =
      sub->webrtcbin ? gst_object_ref (sub->webrtcbin) : NULL;
  gboolean requested = sub->requested;

  GST_OBJECT_LOCK (room);
  room->subs = g_list_remove (room->subs, sub);
  GST_OBJECT_UNLOCK (room);
  subscriber_free (sub);
  if (requested && webrtcbin) {
    GST_INFO_OBJECT (room, "releasing %" GST_PTR_FORMAT, webrtcbin);
    g_signal_emit (room, signals[SIGNAL_RELEASE_WEBRTCBIN], 0, webrtcbin);
  }
  gst_clear_object (&webrtcbin);
}

/* the session went (disconnected, stop): every handle is gone; the
 * webrtcbins the room asked for go back to the application */
void
subs_release_all (GstE2eeJanusRoom * room)
{
  while (room->subs)
    subscriber_release (room, room->subs->data);
}

Subscriber *
sub_find_handle (GstE2eeJanusRoom * room, guint64 handle)
{
  GList *l;

  for (l = room->subs; l && handle; l = l->next) {
    Subscriber *sub = l->data;

    if (sub->handle == handle && !sub->detaching)
      return sub;
  }
  return NULL;
}

static gboolean
sub_alive (GstE2eeJanusRoom * room, Subscriber * sub)
{
  return g_list_find (room->subs, sub) && !sub->detaching;
}

/* Janus's stream table of a subscriber handle (attached and updated
 * events): which mid carries which feed */
void
sub_update_streams (Subscriber * sub, JsonArray * streams)
{
  GstE2eeJanusRoom *room = sub->room;
  GHashTable *table = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
      (GDestroyNotify) mid_info_free);
  GHashTable *old;
  GHashTableIter iter;
  gpointer key, value;
  GPtrArray *added = g_ptr_array_new ();
  GPtrArray *removed = g_ptr_array_new_with_free_func ((GDestroyNotify)
      mid_info_free);
  GPtrArray *removed_mids = g_ptr_array_new_with_free_func (g_free);
  guint i, n = json_array_get_length (streams), total = 0;
  GList *l;

  for (i = 0; i < n; i++) {
    JsonNode *el = json_array_get_element (streams, i);
    JsonObject *s;
    JsonNode *active;
    const gchar *mid, *type, *display;
    guint64 feed = 0;
    MidInfo *info;

    if (!JSON_NODE_HOLDS_OBJECT (el))
      continue;
    s = json_node_get_object (el);
    mid = _gst_e2ee_janus_json_string (s, "mid");
    type = _gst_e2ee_janus_json_string (s, "type");
    active = json_object_get_member (s, "active");
    if (!mid || !type || g_strcmp0 (type, "data") == 0)
      continue;
    if ((active && JSON_NODE_HOLDS_VALUE (active)
            && json_node_get_value_type (active) == G_TYPE_BOOLEAN
            && !json_node_get_boolean (active))
        || !_gst_e2ee_janus_json_uint64 (s, "feed_id", &feed) || feed == 0) {
      /* an m-line that carries nothing now: Janus would reuse it */
      if (!sub->holes)
        GST_INFO_OBJECT (room, "mid %s of subscriber handle %"
            G_GUINT64_FORMAT " went inactive: new publishers go to another "
            "handle", mid, sub->handle);
      sub->holes = TRUE;
      continue;
    }
    display = g_hash_table_lookup (room->publishers, &feed);
    if (!display)
      display = _gst_e2ee_janus_json_string (s, "feed_display");
    info = g_new0 (MidInfo, 1);
    info->feed_id = feed;
    info->participant = g_strdup (display);
    info->kind = g_strdup (type);
    g_hash_table_insert (table, g_strdup (mid), info);
  }

  GST_OBJECT_LOCK (room);
  old = sub->mids;
  sub->mids = table;
  g_hash_table_iter_init (&iter, old);
  while (g_hash_table_iter_next (&iter, &key, &value)) {
    MidInfo *o = value, *nw = g_hash_table_lookup (table, key);

    if (!nw || nw->feed_id != o->feed_id) {
      g_hash_table_iter_steal (&iter);
      g_ptr_array_add (removed_mids, key);
      g_ptr_array_add (removed, o);
    }
  }
  g_hash_table_iter_init (&iter, table);
  while (g_hash_table_iter_next (&iter, &key, &value)) {
    MidInfo *o = g_hash_table_lookup (old, key);

    if (!o || o->feed_id != ((MidInfo *) value)->feed_id)
      g_ptr_array_add (added, key);
  }
  for (l = room->subs; l; l = l->next)
    total += g_hash_table_size (((Subscriber *) l->data)->mids);
  room->n_streams = total;
  GST_OBJECT_UNLOCK (room);
  if (removed->len)
    sub->holes = TRUE;

  for (i = 0; i < removed->len; i++) {
    MidInfo *o = g_ptr_array_index (removed, i);

    g_signal_emit (room, signals[SIGNAL_STREAM_REMOVED], 0, sub->webrtcbin,
        g_ptr_array_index (removed_mids, i), o->feed_id, o->participant);
  }
  /* only this thread replaces the table: the entries stay valid */
  for (i = 0; i < added->len; i++) {
    const gchar *mid = g_ptr_array_index (added, i);
    MidInfo *info = g_hash_table_lookup (table, mid);

    GST_INFO_OBJECT (room, "mid %s of %" GST_PTR_FORMAT " carries %s of %s "
        "(feed %" G_GUINT64_FORMAT ")", mid, sub->webrtcbin, info->kind,
        info->participant, info->feed_id);
    g_signal_emit (room, signals[SIGNAL_STREAM_ADDED], 0, sub->webrtcbin, mid,
        info->feed_id, info->participant, info->kind);
  }
  g_hash_table_unref (old);
  g_ptr_array_free (added, TRUE);
  g_ptr_array_free (removed, TRUE);
  g_ptr_array_free (removed_mids, TRUE);
}

static void
sub_detached (GstE2eeJanusSession * session, JsonObject * reply,
    const GError * error, gpointer data)
{
  Subscriber *sub = data;

  GST_DEBUG_OBJECT (sub->room, "subscriber handle %" G_GUINT64_FORMAT
      " detached", sub->handle);
  subscriber_release (sub->room, sub);
}

/* a handle the room asked a webrtcbin for, whose streams are all gone, is
 * detached and its webrtcbin given back; TRUE when it goes */
static gboolean
sub_maybe_release (Subscriber * sub)
{
  GstE2eeJanusRoom *room = sub->room;
  GHashTableIter iter;
  gpointer key;
  gboolean empty;

  if (!sub->requested || sub->busy || sub->detaching || !sub->joined
      || sub->pending_offer)
    return FALSE;
  GST_OBJECT_LOCK (room);
  empty = g_hash_table_size (sub->mids) == 0;
  GST_OBJECT_UNLOCK (room);
  if (!empty)
    return FALSE;
  /* a feed asked for but not in the table yet is still coming */
  g_hash_table_iter_init (&iter, sub->feeds);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    if (g_hash_table_contains (room->publishers, key))
      return FALSE;
  GST_INFO_OBJECT (room, "subscriber handle %" G_GUINT64_FORMAT " carries "
      "nothing any more: detaching it", sub->handle);
  sub->detaching = TRUE;
  _gst_e2ee_janus_session_detach (room->session, sub->handle, sub_detached,
      sub);
  return TRUE;
}

static void
sub_started (GstE2eeJanusSession * session, JsonObject * reply,
    const GError * error, gpointer data)
{
  Subscriber *sub = data;
  GstE2eeJanusRoom *room = sub->room;

  sub->busy = FALSE;
  if (!reply_ok (room, reply, error, "starting the subscription"))
    return;
  sub->joined = TRUE;
  GST_DEBUG_OBJECT (room, "subscription %" G_GUINT64_FORMAT " started",
      sub->handle);
  sub_next (sub);
}

static void
sub_answer_ready (GstE2eeJanusRoom * room, GstElement * webrtcbin,
    const gchar * sdp, gpointer data)
{
  Subscriber *sub = data;
  JsonObject *body;

  if (!sub_alive (room, sub) || sub->webrtcbin != webrtcbin)
    return;
  body = json_object_new ();
  json_object_set_string_member (body, "request", "start");
  _gst_e2ee_janus_session_message (room->session, sub->handle, body,
      jsep_new ("answer", sdp, FALSE), sub_started, sub);
}

/* an event of a subscriber handle; one that came while a request of ours
 * was in flight is kept (the last one) until it is done */
void
sub_on_event (Subscriber * sub, JsonObject * event)
{
  JsonArray *streams =
      _gst_e2ee_janus_json_array (_gst_e2ee_janus_plugin_data (event),
      "streams");

  if (!sub->busy) {
    if (!sub_on_offer (sub, event) && !sub_maybe_release (sub))
      sub_sync (sub->room);
    return;
  }
  if (event_offer (event)) {
    if (sub->pending_offer)
      json_object_unref (sub->pending_offer);
    sub->pending_offer = json_object_ref (event);
  } else if (streams) {
    sub_update_streams (sub, streams);
  }
}

/* after a request: an offer Janus made meanwhile first, then the roster */
static void
sub_next (Subscriber * sub)
{
  JsonObject *pending = sub->pending_offer;

  sub->pending_offer = NULL;
  if (pending) {
    gboolean answering = sub_on_offer (sub, pending);

    json_object_unref (pending);
    if (answering)
      return;
  }
  if (sub_maybe_release (sub))
    return;
  sub_sync (sub->room);
}

/* an event of a subscriber handle with Janus's offer: attached, updated,
 * or Janus's own update when a publisher goes */
gboolean
sub_on_offer (Subscriber * sub, JsonObject * event)
{
  GstE2eeJanusRoom *room = sub->room;
  JsonObject *pd = _gst_e2ee_janus_plugin_data (event);
  JsonArray *streams = _gst_e2ee_janus_json_array (pd, "streams");
  const gchar *offer = event_offer (event);

  if (streams)
    sub_update_streams (sub, streams);
  if (!offer)
    return FALSE;
  sub->busy = TRUE;
  if (!answer_offer (room, sub->webrtcbin, offer, sub_answer_ready, sub)) {
    sub->busy = FALSE;
    emit_error (room, "the subscriber webrtcbin refused Janus's offer");
    return FALSE;
  }
  return TRUE;
}

static void
sub_requested (GstE2eeJanusSession * session, JsonObject * reply,
    const GError * error, gpointer data)
{
  Subscriber *sub = data;

  sub->busy = FALSE;
  if (!reply_ok (sub->room, reply, error, "the subscription")) {
    /* what was asked for is not subscribed: the next change of the roster
     * asks again */
    if (!sub->joined)
      g_hash_table_remove_all (sub->feeds);
    return;
  }
  if (!sub_on_offer (sub, reply))
    sub_next (sub);
}

static void
sub_attached (GstE2eeJanusSession * session, JsonObject * reply,
    const GError * error, gpointer data)
{
  Subscriber *sub = data;

  sub->busy = FALSE;
  if (!reply_ok (sub->room, reply, error, "attaching the subscriber")
      || !_gst_e2ee_janus_json_uint64 (_gst_e2ee_janus_json_object (reply,
              "data"), "id", &sub->handle))
    return;
  sub_sync (sub->room);
}

static gboolean
feed_subscribed (GstE2eeJanusRoom * room, gconstpointer feed)
{
  GList *l;

  for (l = room->subs; l; l = l->next)
    if (g_hash_table_contains (((Subscriber *) l->data)->feeds, feed))
      return TRUE;
  return g_hash_table_contains (room->refused_feeds, feed);
}

/* the handle that takes new publishers: the newest one, unless it has a
 * hole; NULL: a new one is needed */
static Subscriber *
sub_current (GstE2eeJanusRoom * room)
{
  GList *last = g_list_last (room->subs);
  Subscriber *sub = last ? last->data : NULL;

  if (!sub || sub->holes || sub->detaching)
    return NULL;
  return sub;
}

/* asks the application for a webrtcbin for a new subscriber handle */
static Subscriber *
sub_request (GstE2eeJanusRoom * room, guint64 feed)
{
  const gchar *display = g_hash_table_lookup (room->publishers, &feed);
  GstElement *webrtcbin = NULL;
  Subscriber *sub;

  GST_INFO_OBJECT (room, "asking for a webrtcbin for feed %" G_GUINT64_FORMAT
      " (%s)", feed, display);
  g_signal_emit (room, signals[SIGNAL_REQUEST_WEBRTCBIN], 0, feed, display,
      &webrtcbin);
  if (room->stopping || !room->session) {
    gst_clear_object (&webrtcbin);
    return NULL;
  }
  if (!webrtcbin) {
    g_hash_table_add (room->refused_feeds, g_memdup2 (&feed, sizeof (guint64)));
    emit_error (room, "no webrtcbin for publisher %" G_GUINT64_FORMAT
        " (%s): not subscribed", feed, display);
    return NULL;
  }
  sub = subscriber_new (room, webrtcbin, TRUE);
  gst_object_unref (webrtcbin);
  return sub;
}

/* subscribes to the publishers not subscribed yet, one request at a time
 * per handle */
static void
sub_sync (GstE2eeJanusRoom * room)
{
  Subscriber *sub;
  JsonArray *feeds;
  JsonObject *body;
  GHashTableIter iter;
  gpointer key;
  guint64 first = 0;

  if (!room->subs || !room->session || room->stopping)
    return;
  feeds = json_array_new ();
  g_hash_table_iter_init (&iter, room->publishers);
  while (g_hash_table_iter_next (&iter, &key, NULL)) {
    JsonObject *f;

    if (feed_subscribed (room, key))
      continue;
    if (!first)
      first = *(guint64 *) key;
    f = json_object_new ();
    json_object_set_int_member (f, "feed", *(guint64 *) key);
    json_array_add_object_element (feeds, f);
  }
  if (json_array_get_length (feeds) == 0) {
    json_array_unref (feeds);
    return;
  }
  sub = sub_current (room);
  if (!sub && !(sub = sub_request (room, first))) {
    json_array_unref (feeds);
    /* refused: the others may still have their turn */
    if (!room->stopping && room->session)
      sub_sync (room);
    return;
  }
  if (sub->busy) {
    json_array_unref (feeds);
    return;
  }
  if (!sub->handle) {
    json_array_unref (feeds);
    sub->busy = TRUE;
    _gst_e2ee_janus_session_attach (room->session, "janus.plugin.videoroom",
        sub_attached, sub);
    return;
  }
  g_hash_table_iter_init (&iter, room->publishers);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    if (!feed_subscribed (room, key))
      g_hash_table_add (sub->feeds, g_memdup2 (key, sizeof (guint64)));

  body = json_object_new ();
  if (!sub->joined) {
    json_object_set_string_member (body, "request", "join");
    json_object_set_string_member (body, "ptype", "subscriber");
    json_object_set_int_member (body, "room", room->room_id);
    json_object_set_boolean_member (body, "use_msid", FALSE);
    GST_OBJECT_LOCK (room);
    if (room->pin)
      json_object_set_string_member (body, "pin", room->pin);
    GST_OBJECT_UNLOCK (room);
    json_object_set_array_member (body, "streams", feeds);
  } else {
    json_object_set_string_member (body, "request", "update");
    json_object_set_array_member (body, "subscribe", feeds);
  }
  sub->busy = TRUE;
  _gst_e2ee_janus_session_message (room->session, sub->handle, body, NULL,
      sub_requested, sub);
}

gboolean
subscribe_on_thread (gpointer data)
{
  MediaData *md = data;
  GstE2eeJanusRoom *room = md->room;

  if (!room->vr_joined || room->stopping) {
    emit_error (room, "cannot subscribe: not joined");
    return G_SOURCE_REMOVE;
  }
  if (room->subs) {
    emit_error (room, "already subscribed on another webrtcbin");
    return G_SOURCE_REMOVE;
  }
  subscriber_new (room, md->webrtcbin, FALSE);
  sub_sync (room);
  return G_SOURCE_REMOVE;
}
