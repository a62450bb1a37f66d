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
 * GstE2eeJanusRoom's key transport: the TextRoom plugin on a data-only
 * PeerConnection. The key manager's send-message goes out as an addressed
 * TextRoom message; incoming messages go to the manager with the sender
 * Janus authenticated; the TextRoom's joins and leaves are the manager's
 * roster.
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <string.h>
#include <gst/sdp/sdp.h>

#include "gste2eejanusroom-private.h"

#define GST_CAT_DEFAULT gst_e2ee_janus_room_debug

/* -- the key manager ----------------------------------------------------- */

/* the sender is the username Janus authenticated for the TextRoom handle
 * that sent the message: the manager drops a message whose envelope claims
 * another (impersonations) or is addressed to someone else (not-for-us) */
static void
km_deliver (GstE2eeJanusRoom * room, const gchar * from, const gchar * text)
{
  if (!gst_e2ee_key_manager_receive_message_from (room->km, from, text)) {
    GST_OBJECT_LOCK (room);
    room->relay_refused++;
    GST_OBJECT_UNLOCK (room);
  }
}

static void
km_add (GstE2eeJanusRoom * room, const gchar * username)
{
  gpointer timer;

  if (!username || !*username || g_strcmp0 (username, room->display) == 0)
    return;
  if (g_hash_table_lookup_extended (room->roster, username, NULL, &timer)) {
    if (GPOINTER_TO_UINT (timer))
      _gst_e2ee_janus_source_remove (GPOINTER_TO_UINT (timer));
    g_hash_table_insert (room->roster, g_strdup (username), NULL);
    return;
  }
  g_hash_table_insert (room->roster, g_strdup (username), NULL);
  GST_DEBUG_OBJECT (room, "TextRoom participant %s", username);
  gst_e2ee_key_manager_add_participant (room->km, username);
}

static void
km_remove (GstE2eeJanusRoom * room, const gchar * username)
{
  gpointer timer;

  if (!g_hash_table_lookup_extended (room->roster, username, NULL, &timer))
    return;
  if (GPOINTER_TO_UINT (timer))
    _gst_e2ee_janus_source_remove (GPOINTER_TO_UINT (timer));
  g_hash_table_remove (room->roster, username);
  GST_DEBUG_OBJECT (room, "TextRoom participant %s left", username);
  gst_e2ee_key_manager_remove_participant (room->km, username);
}

typedef struct
{
  GstE2eeJanusRoom *room;
  gchar *username;
} GraceData;

static gboolean
roster_grace_over (gpointer data)
{
  GraceData *gd = data;

  /* the timer is over: km_remove must not remove it again */
  g_hash_table_insert (gd->room->roster, g_strdup (gd->username), NULL);
  km_remove (gd->room, gd->username);
  return G_SOURCE_REMOVE;
}

static void
grace_data_free (GraceData * gd)
{
  g_free (gd->username);
  g_free (gd);
}

/* our TextRoom join answer: who is there now; who is missing has some time
 * to come back */
static void
roster_reconcile (GstE2eeJanusRoom * room, JsonArray * participants)
{
  GHashTable *present = g_hash_table_new (g_str_hash, g_str_equal);
  GHashTableIter iter;
  gpointer key, value;
  GPtrArray *missing = g_ptr_array_new ();
  guint i, n = participants ? json_array_get_length (participants) : 0;

  for (i = 0; i < n; i++) {
    JsonNode *el = json_array_get_element (participants, i);
    const gchar *u;

    if (!JSON_NODE_HOLDS_OBJECT (el))
      continue;
    u = _gst_e2ee_janus_json_string (json_node_get_object (el), "username");
    if (u) {
      g_hash_table_add (present, (gpointer) u);
      km_add (room, u);
    }
  }
  g_hash_table_iter_init (&iter, room->roster);
  while (g_hash_table_iter_next (&iter, &key, &value))
    if (!value && !g_hash_table_contains (present, key))
      g_ptr_array_add (missing, g_strdup (key));
  for (i = 0; i < missing->len; i++) {
    GraceData *gd = g_new0 (GraceData, 1);
    guint id;

    gd->room = room;
    gd->username = g_ptr_array_index (missing, i);
    id = _gst_e2ee_janus_timeout_add (ROSTER_GRACE_S * 1000,
        roster_grace_over, gd, (GDestroyNotify) grace_data_free);
    g_hash_table_insert (room->roster, g_strdup (gd->username),
        GUINT_TO_POINTER (id));
  }
  g_ptr_array_free (missing, TRUE);
  g_hash_table_unref (present);
}

/* -- TextRoom ------------------------------------------------------------ */

void
tr_send_json (GstE2eeJanusRoom * room, JsonObject * obj)
{
  JsonNode *node = json_node_init_object (json_node_alloc (), obj);
  gchar *text = json_to_string (node, FALSE);

  json_node_unref (node);
  if (room->tr_channel)
    gst_webrtc_data_channel_send_string (room->tr_channel, text);
  g_free (text);
}

static void
tr_send_message (GstE2eeJanusRoom * room, const gchar * to, const gchar * text)
{
  JsonObject *obj = json_object_new ();
  gchar *t = g_strdup_printf ("m%08x", g_random_int ());

  json_object_set_string_member (obj, "textroom", "message");
  json_object_set_string_member (obj, "transaction", t);
  json_object_set_int_member (obj, "room", room->textroom_id);
  if (to)
    json_object_set_string_member (obj, "to", to);
  json_object_set_string_member (obj, "text", text);
  json_object_set_boolean_member (obj, "ack", FALSE);
  tr_send_json (room, obj);
  json_object_unref (obj);
  g_free (t);
  GST_OBJECT_LOCK (room);
  room->relay_out++;
  GST_OBJECT_UNLOCK (room);
  GST_LOG_OBJECT (room, "to %s: %s", to ? to : "(everyone)", text);
}

typedef struct
{
  GstE2eeJanusRoom *room;
  OutMessage *msg;
} OutData;

static void
out_data_free (OutData * od)
{
  gst_object_unref (od->room);
  if (od->msg)
    out_message_free (od->msg);
  g_free (od);
}

static gboolean
km_send_on_thread (gpointer data)
{
  OutData *od = data;
  GstE2eeJanusRoom *room = od->room;

  if (room->tr_joined) {
    tr_send_message (room, od->msg->to, od->msg->text);
  } else if (g_queue_get_length (&room->out_queue) < MAX_QUEUED_OUT) {
    g_queue_push_tail (&room->out_queue, od->msg);
    od->msg = NULL;
  } else {
    GST_OBJECT_LOCK (room);
    room->relay_refused++;
    GST_OBJECT_UNLOCK (room);
  }
  return G_SOURCE_REMOVE;
}

/* the key manager's thread */
void
km_send_message (GstE2eeKeyManager * km, const gchar * to,
    const gchar * text, GstE2eeJanusRoom * room)
{
  OutData *od;

  if (!text || strlen (text) > MAX_RELAY_MESSAGE) {
    GST_OBJECT_LOCK (room);
    room->relay_refused++;
    GST_OBJECT_UNLOCK (room);
    GST_WARNING_OBJECT (room, "key manager message too big for the relay");
    return;
  }
  od = g_new0 (OutData, 1);
  od->room = gst_object_ref (room);
  od->msg = g_new0 (OutMessage, 1);
  od->msg->to = g_strdup (to);
  od->msg->text = g_strdup (text);
  room_invoke (room, km_send_on_thread, od, (GDestroyNotify) out_data_free);
}

static void
tr_on_json (GstE2eeJanusRoom * room, JsonObject * obj)
{
  const gchar *what = _gst_e2ee_janus_json_string (obj, "textroom");
  const gchar *transaction = _gst_e2ee_janus_json_string (obj, "transaction");
  guint64 rid = 0;

  if (!what)
    return;
  if (transaction && room->tr_join_transaction
      && g_strcmp0 (transaction, room->tr_join_transaction) == 0) {
    g_clear_pointer (&room->tr_join_transaction, g_free);
    if (g_strcmp0 (what, "success") != 0) {
      const gchar *err = _gst_e2ee_janus_json_string (obj, "error");
      GError *error = g_error_new (GST_RESOURCE_ERROR,
          GST_RESOURCE_ERROR_FAILED, "TextRoom join refused: %s",
          err ? err : what);

      g_signal_emit (room, signals[SIGNAL_ERROR], 0, error);
      room_lose (room, error);
      g_error_free (error);
      return;
    }
    roster_reconcile (room, _gst_e2ee_janus_json_array (obj, "participants"));
    room->tr_joined = TRUE;
    GST_INFO_OBJECT (room, "joined TextRoom %" G_GUINT64_FORMAT,
        room->textroom_id);
    while (!g_queue_is_empty (&room->out_queue)) {
      OutMessage *m = g_queue_pop_head (&room->out_queue);

      tr_send_message (room, m->to, m->text);
      out_message_free (m);
    }
    maybe_joined (room);
    return;
  }
  if (g_strcmp0 (what, "error") == 0) {
    GST_OBJECT_LOCK (room);
    room->relay_refused++;
    GST_OBJECT_UNLOCK (room);
    GST_INFO_OBJECT (room, "TextRoom error: %s",
        _gst_e2ee_janus_json_string (obj, "error"));
    return;
  }
  if (!_gst_e2ee_janus_json_uint64 (obj, "room", &rid)
      || rid != room->textroom_id)
    return;
  if (g_strcmp0 (what, "message") == 0) {
    const gchar *from = _gst_e2ee_janus_json_string (obj, "from");
    const gchar *text = _gst_e2ee_janus_json_string (obj, "text");

    if (!from || !text || g_strcmp0 (from, room->display) == 0)
      return;
    if (strlen (text) > MAX_RELAY_MESSAGE) {
      GST_OBJECT_LOCK (room);
      room->relay_refused++;
      GST_OBJECT_UNLOCK (room);
      return;
    }
    GST_OBJECT_LOCK (room);
    room->relay_in++;
    GST_OBJECT_UNLOCK (room);
    GST_LOG_OBJECT (room, "from %s: %s", from, text);
    km_deliver (room, from, text);
  } else if (g_strcmp0 (what, "join") == 0) {
    km_add (room, _gst_e2ee_janus_json_string (obj, "username"));
  } else if (g_strcmp0 (what, "leave") == 0) {
    const gchar *u = _gst_e2ee_janus_json_string (obj, "username");

    if (u)
      km_remove (room, u);
  } else if (g_strcmp0 (what, "kicked") == 0
      || g_strcmp0 (what, "destroyed") == 0) {
    const gchar *u = _gst_e2ee_janus_json_string (obj, "username");

    if (g_strcmp0 (what, "destroyed") == 0 || g_strcmp0 (u, room->display) == 0) {
      GError *error = g_error_new (GST_RESOURCE_ERROR,
          GST_RESOURCE_ERROR_FAILED, "TextRoom %s", what);

      room_lose (room, error);
      g_error_free (error);
    } else if (u) {
      km_remove (room, u);
    }
  }
}

typedef struct
{
  GstE2eeJanusRoom *room;
  guint gen;
  gchar *text;
  GstWebRTCDataChannel *channel;
} DcData;

static void
dc_data_free (DcData * d)
{
  gst_object_unref (d->room);
  g_free (d->text);
  if (d->channel)
    g_object_unref (d->channel);
  g_free (d);
}

static gboolean
tr_message_on_thread (gpointer data)
{
  DcData *d = data;
  JsonParser *parser;

  if (d->gen != d->room->gen || d->room->stopping)
    return G_SOURCE_REMOVE;
  GST_TRACE_OBJECT (d->room, "TextRoom: %s", d->text);
  parser = json_parser_new_immutable ();
  /* (no root: only white space) */
  if (json_parser_load_from_data (parser, d->text, -1, NULL)
      && json_parser_get_root (parser)
      && JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    tr_on_json (d->room, json_node_get_object (json_parser_get_root (parser)));
  else
    GST_DEBUG_OBJECT (d->room, "TextRoom sent no JSON object");
  g_object_unref (parser);
  return G_SOURCE_REMOVE;
}

/* a text that came on the TextRoom channel of generation @gen; SCTP's
 * thread (or any) */
void
tr_receive (GstE2eeJanusRoom * room, guint gen, const gchar * text)
{
  DcData *d;

  if (!text)
    return;
  if (strlen (text) > 2 * MAX_RELAY_MESSAGE) {
    GST_OBJECT_LOCK (room);
    room->relay_refused++;
    GST_OBJECT_UNLOCK (room);
    return;
  }
  d = g_new0 (DcData, 1);
  d->room = gst_object_ref (room);
  d->gen = gen;
  d->text = g_strdup (text);
  room_invoke (room, tr_message_on_thread, d, (GDestroyNotify) dc_data_free);
}

/* SCTP's thread */
static void
tr_on_message_string (GstWebRTCDataChannel * channel, const gchar * text,
    GstE2eeJanusRoom * room)
{
  tr_receive (room, GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (channel),
              "gst-e2ee-janus-gen")), text);
}

static void
tr_send_join (GstE2eeJanusRoom * room)
{
  JsonObject *obj = json_object_new ();

  g_free (room->tr_join_transaction);
  room->tr_join_transaction = g_strdup_printf ("j%08x", g_random_int ());
  json_object_set_string_member (obj, "textroom", "join");
  json_object_set_string_member (obj, "transaction", room->tr_join_transaction);
  json_object_set_int_member (obj, "room", room->textroom_id);
  json_object_set_string_member (obj, "username", room->display);
  json_object_set_string_member (obj, "display", room->display);
  GST_OBJECT_LOCK (room);
  if (room->pin)
    json_object_set_string_member (obj, "pin", room->pin);
  GST_OBJECT_UNLOCK (room);
  tr_send_json (room, obj);
  json_object_unref (obj);
}

static gboolean
tr_open_on_thread (gpointer data)
{
  DcData *d = data;
  GstE2eeJanusRoom *room = d->room;

  if (d->gen != room->gen || room->stopping || room->tr_channel)
    return G_SOURCE_REMOVE;
  room->tr_channel = g_object_ref (d->channel);
  GST_DEBUG_OBJECT (room, "TextRoom data channel open");
  tr_send_join (room);
  return G_SOURCE_REMOVE;
}

static void
tr_on_open (GstWebRTCDataChannel * channel, GstE2eeJanusRoom * room)
{
  DcData *d = g_new0 (DcData, 1);

  d->room = gst_object_ref (room);
  d->gen = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (channel),
          "gst-e2ee-janus-gen"));
  d->channel = g_object_ref (channel);
  room_invoke (room, tr_open_on_thread, d, (GDestroyNotify) dc_data_free);
}

static void
tr_watch_channel (GstE2eeJanusRoom * room, GstWebRTCDataChannel * channel,
    guint gen)
{
  GstWebRTCDataChannelState state = 0;

  g_object_set_data (G_OBJECT (channel), "gst-e2ee-janus-gen",
      GUINT_TO_POINTER (gen));
  g_signal_connect (channel, "on-message-string",
      G_CALLBACK (tr_on_message_string), room);
  g_signal_connect (channel, "on-open", G_CALLBACK (tr_on_open), room);
  g_object_get (channel, "ready-state", &state, NULL);
  if (state == GST_WEBRTC_DATA_CHANNEL_STATE_OPEN)
    tr_on_open (channel, room);
}

/* webrtcbin's thread: the channel Janus opens */
static void
tr_on_data_channel (GstElement * webrtcbin, GstWebRTCDataChannel * channel,
    GstE2eeJanusRoom * room)
{
  tr_watch_channel (room, channel, GPOINTER_TO_UINT (g_object_get_data
          (G_OBJECT (webrtcbin), "gst-e2ee-janus-gen")));
}

static void
tr_acked (GstE2eeJanusSession * session, JsonObject * reply,
    const GError * error, gpointer data)
{
  GstE2eeJanusRoom *room = data;

  if (!reply_ok (room, reply, error, "the TextRoom answer") && !error) {
    GError *e = g_error_new (GST_RESOURCE_ERROR, GST_RESOURCE_ERROR_FAILED,
        "TextRoom setup failed");

    room_lose (room, e);
    g_error_free (e);
  }
}

static void
tr_answer_ready (GstE2eeJanusRoom * room, GstElement * webrtcbin,
    const gchar * sdp, gpointer data)
{
  JsonObject *body = json_object_new ();

  json_object_set_string_member (body, "request", "ack");
  _gst_e2ee_janus_session_message (room->session, room->tr_handle, body,
      jsep_new ("answer", sdp, FALSE), tr_acked, room);
}

static void
tr_offered (GstE2eeJanusSession * session, JsonObject * reply,
    const GError * error, gpointer data)
{
  GstE2eeJanusRoom *room = data;
  const gchar *offer;
  GstWebRTCDataChannel *channel = NULL;

  if (!reply_ok (room, reply, error, "the TextRoom setup"))
    goto fail;
  if (!(offer = event_offer (reply)))
    goto fail;

  if (!set_description (room->tr_webrtcbin, TRUE,
          GST_WEBRTC_SDP_TYPE_OFFER, offer))
    goto fail;
  /* a channel of our own, as Janus's JavaScript client does; Janus relays
   * TextRoom traffic on whichever channel is open */
  g_signal_emit_by_name (room->tr_webrtcbin, "create-data-channel",
      "JanusDataChannel", NULL, &channel);
  if (channel) {
    tr_watch_channel (room, channel, room->gen);
    g_object_unref (channel);
  }
  {
    Gather *g = gather_prepare (room, room->tr_webrtcbin, tr_answer_ready,
        NULL);

    if (!create_local (room->tr_webrtcbin, FALSE)) {
      gather_cancel (g);
      goto fail;
    }
    gather_start (g);
  }
  return;

fail:
  if (!error) {
    GError *e = g_error_new (GST_RESOURCE_ERROR, GST_RESOURCE_ERROR_FAILED,
        "TextRoom negotiation failed");

    room_lose (room, e);
    g_error_free (e);
  }
}

static gboolean
tr_make_webrtcbin (GstE2eeJanusRoom * room)
{
  room->tr_pipeline = gst_pipeline_new (NULL);
  room->tr_webrtcbin = gst_element_factory_make ("webrtcbin", NULL);
  if (!room->tr_webrtcbin) {
    gst_clear_object (&room->tr_pipeline);
    return FALSE;
  }
  g_object_set (room->tr_webrtcbin, "bundle-policy",
      GST_WEBRTC_BUNDLE_POLICY_MAX_BUNDLE, NULL);
  g_object_set_data (G_OBJECT (room->tr_webrtcbin), "gst-e2ee-janus-gen",
      GUINT_TO_POINTER (room->gen));
  gst_bin_add (GST_BIN (room->tr_pipeline), room->tr_webrtcbin);
  gst_object_ref (room->tr_webrtcbin);
  g_signal_connect (room->tr_webrtcbin, "on-data-channel",
      G_CALLBACK (tr_on_data_channel), room);
  g_signal_emit (room, signals[SIGNAL_WEBRTCBIN_SETUP], 0, room->tr_webrtcbin);
  if (gst_element_set_state (room->tr_pipeline, GST_STATE_PLAYING) ==
      GST_STATE_CHANGE_FAILURE)
    return FALSE;
  return TRUE;
}

void
tr_attached (GstE2eeJanusSession * session, JsonObject * reply,
    const GError * error, gpointer data)
{
  GstE2eeJanusRoom *room = data;
  JsonObject *body;

  if (!reply_ok (room, reply, error, "attaching TextRoom")
      || !_gst_e2ee_janus_json_uint64 (_gst_e2ee_janus_json_object (reply,
              "data"), "id", &room->tr_handle)) {
    GError *e = g_error_new (GST_RESOURCE_ERROR, GST_RESOURCE_ERROR_FAILED,
        "cannot attach the TextRoom plugin");

    room_lose (room, error ? error : e);
    g_error_free (e);
    return;
  }
  if (!tr_make_webrtcbin (room)) {
    GError *e = g_error_new (GST_RESOURCE_ERROR, GST_RESOURCE_ERROR_FAILED,
        "cannot run the TextRoom webrtcbin");

    emit_error (room, "%s", e->message);
    room_lose (room, e);
    g_error_free (e);
    return;
  }
  body = json_object_new ();
  json_object_set_string_member (body, "request", "setup");
  _gst_e2ee_janus_session_message (room->session, room->tr_handle, body, NULL,
      tr_offered, room);
}
