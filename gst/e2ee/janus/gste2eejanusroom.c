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

/**
 * SECTION:gste2eejanusroom
 * @title: GstE2eeJanusRoom
 * @short_description: one participant in a Janus VideoRoom, with the key
 *   manager's messages over TextRoom
 * @see_also: #GstE2eeKeyManager
 *
 * A #GstE2eeJanusRoom puts an application (a bot, a recorder, a camera)
 * into a room of a Janus SFU over Janus's HTTP API (long poll). The SFU
 * relays media it cannot read: the frames are encrypted end to end by
 * `e2eeenc` before they reach the publisher's webrtcbin and decrypted by
 * `e2eedec` after the subscriber's, with the keys of a #GstE2eeKeyManager.
 *
 * The room does three things on one Janus session:
 *
 * - Key transport. With a key manager, it attaches the TextRoom plugin on a
 *   data-only PeerConnection (a webrtcbin of its own, in a pipeline of its
 *   own; #GstE2eeJanusRoom::webrtcbin-setup lets the application apply its
 *   network policy to it first) and joins the TextRoom as the manager's
 *   local id. The manager's #GstE2eeKeyManager::send-message goes out as an
 *   addressed TextRoom message; TextRoom messages in go to the manager with
 *   the sender Janus authenticated; TextRoom joins and leaves (and the
 *   participant list of our own join) add and remove the manager's
 *   participants. TextRoom rather than VideoRoom data channels, because the
 *   key protocol is one to one and a subscriber-only participant (a
 *   recorder) must be able to send too.
 * - Roster. A VideoRoom handle joins as a publisher (display = the manager's
 *   local id) without publishing, which brings the publishers as they come
 *   (#GstE2eeJanusRoom::publisher-added) and go
 *   (#GstE2eeJanusRoom::publisher-removed).
 *   gst_e2ee_janus_room_publish() publishes on that handle.
 * - Subscribing. gst_e2ee_janus_room_subscribe() gives the room a webrtcbin
 *   for one multistream subscriber handle that follows the roster: every
 *   publisher but ourselves is subscribed as it comes; Janus removes the
 *   streams of the publishers that go. #GstE2eeJanusRoom::stream-added says
 *   which participant a mid of a webrtcbin carries before its pad appears,
 *   and gst_e2ee_janus_room_dup_participant_for_mid() answers the same from
 *   any thread: that is the `participant` of the `e2eedec` on that pad.
 *   Janus rewrites SSRCs, so a stream's sender is only known this way.
 * - More subscriber webrtcbins after a leave. Once a publisher has left,
 *   the subscription cannot take new publishers: Janus 1.1.2 would offer a
 *   newcomer's stream on the m-line the leaver left inactive, and
 *   GStreamer 1.22's webrtcbin cannot make an inactive transceiver active
 *   again. The room then subscribes newcomers on a new subscriber handle,
 *   on a webrtcbin it asks the application for
 *   (#GstE2eeJanusRoom::request-webrtcbin), and gives such a webrtcbin back
 *   (#GstE2eeJanusRoom::release-webrtcbin) when all of its streams are
 *   gone. A room where nobody leaves uses the one webrtcbin given to
 *   gst_e2ee_janus_room_subscribe(). Mids are per webrtcbin.
 *
 * gst_e2ee_janus_room_start() returns at once; the room runs a thread of its
 * own (with its own #GMainContext) and emits every signal there, without a
 * lock held. #GstE2eeJanusRoom::joined comes after each (re)join: create the
 * media webrtcbins then and call gst_e2ee_janus_room_publish() and
 * gst_e2ee_janus_room_subscribe(). #GstE2eeJanusRoom::disconnected means
 * Janus went away: every webrtcbin handed to the room is dead; tear them
 * down. The room retries (backoff up to #GstE2eeJanusRoom:reconnect-interval)
 * and emits #GstE2eeJanusRoom::joined again.
 *
 * |[
 * km = GstE2ee.KeyManager.new ("bot-1")
 * room = GstE2ee.JanusRoom.new ("http://127.0.0.1:8088/janus", 1234, km)
 * room.connect ("joined", on_joined)       # build webrtcbin, room.publish (w)
 * room.connect ("disconnected", on_gone)   # tear the webrtcbins down
 * room.start ()
 * ]|
 *
 * The webrtcbins given to the room must use `bundle-policy=max-bundle`
 * (Janus needs it). The SDP is sent once ICE gathering is complete (no
 * trickle).
 *
 * Since: 0.1
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <string.h>

#include "gste2eejanusroom-private.h"

GST_DEBUG_CATEGORY (gst_e2ee_janus_room_debug);
#define GST_CAT_DEFAULT gst_e2ee_janus_room_debug

enum
{
  PROP_0,
  PROP_SERVER_URL,
  PROP_ROOM,
  PROP_TEXTROOM,
  PROP_KEY_MANAGER,
  PROP_DISPLAY,
  PROP_PIN,
  PROP_KEEPALIVE_INTERVAL,
  PROP_RECONNECT_INTERVAL,
  PROP_STATS,
};

guint signals[LAST_SIGNAL];

G_DEFINE_TYPE (GstE2eeJanusRoom, gst_e2ee_janus_room, GST_TYPE_OBJECT);

static void room_connect (GstE2eeJanusRoom * room);

/* -- small helpers ------------------------------------------------------- */

void
mid_info_free (MidInfo * info)
{
  g_free (info->participant);
  g_free (info->kind);
  g_free (info);
}

void
out_message_free (OutMessage * m)
{
  g_free (m->to);
  g_free (m->text);
  g_free (m);
}

void
emit_error (GstE2eeJanusRoom * room, const gchar * format, ...)
{
  va_list args;
  GError *error;

  va_start (args, format);
  error = g_error_new_valist (GST_RESOURCE_ERROR, GST_RESOURCE_ERROR_FAILED,
      format, args);
  va_end (args);
  GST_WARNING_OBJECT (room, "%s", error->message);
  g_signal_emit (room, signals[SIGNAL_ERROR], 0, error);
  g_error_free (error);
}

/* runs @func on the room's thread (at once when called there); dropped with
 * @notify when the room is not running */
void
room_invoke (GstE2eeJanusRoom * room, GSourceFunc func, gpointer data,
    GDestroyNotify notify)
{
  GMainContext *ctx = NULL;

  GST_OBJECT_LOCK (room);
  if (room->running)
    ctx = g_main_context_ref (room->ctx);
  GST_OBJECT_UNLOCK (room);
  if (!ctx) {
    if (notify)
      notify (data);
    return;
  }
  g_main_context_invoke_full (ctx, G_PRIORITY_DEFAULT, func, data, notify);
  g_main_context_unref (ctx);
}

/* a reply callback's check: the error, or Janus's (or the plugin's) */
gboolean
reply_ok (GstE2eeJanusRoom * room, JsonObject * reply, const GError * error,
    const gchar * what)
{
  gint code = 0;
  const gchar *reason = NULL;

  if (error) {
    GST_INFO_OBJECT (room, "%s failed: %s", what, error->message);
    return FALSE;
  }
  if (_gst_e2ee_janus_reply_error (reply, &code, &reason)) {
    emit_error (room, "Janus refused %s: %d %s", what, code,
        reason ? reason : "");
    return FALSE;
  }
  return TRUE;
}


/* -- the session's life -------------------------------------------------- */

void
session_event (GstE2eeJanusSession * session, guint64 handle,
    JsonObject * event, gpointer data)
{
  GstE2eeJanusRoom *room = data;
  const gchar *janus = _gst_e2ee_janus_json_string (event, "janus");
  JsonObject *pd = _gst_e2ee_janus_plugin_data (event);
  Subscriber *sub;

  if (handle && handle == room->vr_handle) {
    if (g_strcmp0 (janus, "event") == 0 && pd)
      vr_on_data (room, pd);
  } else if ((sub = sub_find_handle (room, handle))) {
    if (g_strcmp0 (janus, "event") == 0 && pd)
      sub_on_event (sub, event);
  } else if (handle && handle == room->tr_handle) {
    if (g_strcmp0 (janus, "hangup") == 0) {
      GError *e = g_error_new (GST_RESOURCE_ERROR, GST_RESOURCE_ERROR_FAILED,
          "Janus hung the TextRoom PeerConnection up");

      room_lose (room, e);
      g_error_free (e);
    }
  }
}

void
session_lost (GstE2eeJanusSession * session, const GError * error,
    gpointer data)
{
  room_lose (data, error);
}

void
maybe_joined (GstE2eeJanusRoom * room)
{
  if (room->joined_emitted || !room->vr_joined
      || (room->km && !room->tr_joined))
    return;
  room->joined_emitted = TRUE;
  room->backoff_ms = 0;
  GST_OBJECT_LOCK (room);
  room->joined = TRUE;
  GST_OBJECT_UNLOCK (room);
  GST_INFO_OBJECT (room, "joined room %" G_GUINT64_FORMAT, room->room_id);
  g_signal_emit (room, signals[SIGNAL_JOINED], 0);
}

/* everything of the session goes; the roster of the TextRoom stays until
 * the next join answer */
static void
room_teardown (GstE2eeJanusRoom * room)
{
  room->gen++;
  if (room->session) {
    _gst_e2ee_janus_session_free (room->session);
    room->session = NULL;
  }
  if (room->tr_pipeline) {
    g_signal_handlers_disconnect_by_data (room->tr_webrtcbin, room);
    gst_element_set_state (room->tr_pipeline, GST_STATE_NULL);
  }
  if (room->tr_channel) {
    g_signal_handlers_disconnect_by_data (room->tr_channel, room);
    g_clear_object (&room->tr_channel);
  }
  gst_clear_object (&room->tr_webrtcbin);
  gst_clear_object (&room->tr_pipeline);
  g_clear_pointer (&room->tr_join_transaction, g_free);
  gst_clear_object (&room->pub_webrtcbin);
  g_hash_table_remove_all (room->publishers);
  g_hash_table_remove_all (room->refused_feeds);
  g_queue_clear_full (&room->out_queue, (GDestroyNotify) out_message_free);
  room->vr_handle = room->tr_handle = room->my_feed_id = 0;
  room->vr_joined = room->tr_joined = FALSE;

  GST_OBJECT_LOCK (room);
  room->joined = FALSE;
  room->n_publishers = room->n_streams = 0;
  GST_OBJECT_UNLOCK (room);
  /* last: the application's handlers may call back in */
  subs_release_all (room);
}

static gboolean
reconnect_now (gpointer data)
{
  GstE2eeJanusRoom *room = data;

  room->reconnect_source = 0;
  GST_OBJECT_LOCK (room);
  room->reconnects++;
  GST_OBJECT_UNLOCK (room);
  room_connect (room);
  return G_SOURCE_REMOVE;
}

void
room_lose (GstE2eeJanusRoom * room, const GError * error)
{
  gboolean was_joined = room->joined_emitted;
  guint max_ms;

  if (room->stopping || !room->session)
    return;
  GST_INFO_OBJECT (room, "lost Janus: %s", error ? error->message : "?");
  room_teardown (room);
  room->joined_emitted = FALSE;
  if (was_joined)
    g_signal_emit (room, signals[SIGNAL_DISCONNECTED], 0);
  if (room->stopping)
    return;
  GST_OBJECT_LOCK (room);
  max_ms = MAX (room->reconnect_ms, FIRST_BACKOFF_MS);
  GST_OBJECT_UNLOCK (room);
  room->backoff_ms = room->backoff_ms ? MIN (room->backoff_ms * 2, max_ms) :
      MIN (FIRST_BACKOFF_MS, max_ms);
  if (!room->reconnect_source)
    room->reconnect_source =
        _gst_e2ee_janus_timeout_add (room->backoff_ms, reconnect_now, room,
        NULL);
}

static void
session_created (GstE2eeJanusSession * session, JsonObject * reply,
    const GError * error, gpointer data)
{
  GstE2eeJanusRoom *room = data;

  if (!reply_ok (room, reply, error, "creating a session")
      || !_gst_e2ee_janus_session_get_id (session)) {
    GError *e = g_error_new (GST_RESOURCE_ERROR, GST_RESOURCE_ERROR_FAILED,
        "cannot create a Janus session");

    room_lose (room, error ? error : e);
    g_error_free (e);
    return;
  }
  GST_DEBUG_OBJECT (room, "Janus session %" G_GUINT64_FORMAT,
      _gst_e2ee_janus_session_get_id (session));
  _gst_e2ee_janus_session_attach (session, "janus.plugin.videoroom",
      vr_attached, room);
  if (room->km)
    _gst_e2ee_janus_session_attach (session, "janus.plugin.textroom",
        tr_attached, room);
}

static void
room_connect (GstE2eeJanusRoom * room)
{
  guint keepalive;

  if (room->stopping)
    return;
  GST_OBJECT_LOCK (room);
  keepalive = room->keepalive_ms;
  GST_OBJECT_UNLOCK (room);
  room->session = _gst_e2ee_janus_session_new (room->server_url,
      GST_OBJECT (room), keepalive, room->counters, session_event,
      session_lost, room);
  _gst_e2ee_janus_session_create (room->session, session_created, room);
}

static gboolean
start_on_thread (gpointer data)
{
  room_connect (data);
  return G_SOURCE_REMOVE;
}

static gpointer
room_thread (gpointer data)
{
  GstE2eeJanusRoom *room = data;
  GMainContext *ctx;
  GMainLoop *loop;

  GST_OBJECT_LOCK (room);
  ctx = g_main_context_ref (room->ctx);
  loop = g_main_loop_ref (room->loop);
  GST_OBJECT_UNLOCK (room);
  g_main_context_push_thread_default (ctx);
  g_main_loop_run (loop);
  /* what was queued and never ran (cancelled HTTP requests, hops from
   * other threads) lets go of what it holds */
  while (g_main_context_iteration (ctx, FALSE));
  g_main_context_pop_thread_default (ctx);
  g_main_loop_unref (loop);
  g_main_context_unref (ctx);
  return NULL;
}

/* -- stopping ------------------------------------------------------------ */

void
stop_finish (GstE2eeJanusRoom * room)
{
  GHashTableIter iter;
  gpointer value;
  GMainLoop *loop;

  if (room->stop_source)
    _gst_e2ee_janus_source_remove (room->stop_source);
  room->stop_source = 0;
  if (room->reconnect_source)
    _gst_e2ee_janus_source_remove (room->reconnect_source);
  room->reconnect_source = 0;
  room_teardown (room);
  /* a later start() begins afresh */
  room->joined_emitted = FALSE;
  room->backoff_ms = 0;
  g_hash_table_iter_init (&iter, room->roster);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    if (GPOINTER_TO_UINT (value))
      _gst_e2ee_janus_source_remove (GPOINTER_TO_UINT (value));
  g_hash_table_remove_all (room->roster);
  GST_OBJECT_LOCK (room);
  loop = room->loop ? g_main_loop_ref (room->loop) : NULL;
  room->stopped = TRUE;
  g_cond_broadcast (&room->cond);
  GST_OBJECT_UNLOCK (room);
  if (loop) {
    g_main_loop_quit (loop);
    g_main_loop_unref (loop);
  }
}

static gboolean
stop_timeout (gpointer data)
{
  GstE2eeJanusRoom *room = data;

  room->stop_source = 0;
  GST_INFO_OBJECT (room, "Janus did not answer the goodbye in time");
  stop_finish (room);
  return G_SOURCE_REMOVE;
}

static void
stop_destroyed (GstE2eeJanusSession * session, JsonObject * reply,
    const GError * error, gpointer data)
{
  GST_DEBUG_OBJECT (data, "session destroyed");
  stop_finish (data);
}

static gboolean
stop_on_thread (gpointer data)
{
  GstE2eeJanusRoom *room = data;

  if (room->stopping)
    return G_SOURCE_REMOVE;
  room->stopping = TRUE;
  if (room->tr_channel && room->tr_joined) {
    JsonObject *obj = json_object_new ();

    json_object_set_string_member (obj, "textroom", "leave");
    json_object_set_string_member (obj, "transaction", "leave");
    json_object_set_int_member (obj, "room", room->textroom_id);
    tr_send_json (room, obj);
    json_object_unref (obj);
  }
  if (room->session && _gst_e2ee_janus_session_get_id (room->session)) {
    /* destroying the session detaches its handles: Janus tells the others
     * we left both rooms */
    room->stop_source =
        _gst_e2ee_janus_timeout_add (STOP_TIMEOUT_MS, stop_timeout, room, NULL);
    _gst_e2ee_janus_session_destroy (room->session, stop_destroyed, room);
  } else {
    stop_finish (room);
  }
  return G_SOURCE_REMOVE;
}

/* -- public API ---------------------------------------------------------- */

/**
 * gst_e2ee_janus_room_new:
 * @server_url: Janus's HTTP API, such as `http://127.0.0.1:8088/janus`
 * @room: the VideoRoom (and by default TextRoom) number
 * @key_manager: (nullable) (transfer none): the key manager whose messages
 *   go over the TextRoom, whose local id is our display name and whose
 *   participants follow the TextRoom's; %NULL: no TextRoom (media only,
 *   such as a subscriber without keys)
 *
 * Returns: (transfer full): a new room, not started
 *
 * Since: 0.1
 */
GstE2eeJanusRoom *
gst_e2ee_janus_room_new (const gchar * server_url, guint64 room,
    GstE2eeKeyManager * key_manager)
{
  g_return_val_if_fail (server_url != NULL, NULL);
  g_return_val_if_fail (key_manager == NULL
      || GST_IS_E2EE_KEY_MANAGER (key_manager), NULL);

  return g_object_new (GST_TYPE_E2EE_JANUS_ROOM, "server-url", server_url,
      "room", room, "key-manager", key_manager, NULL);
}

/**
 * gst_e2ee_janus_room_start:
 * @room: a #GstE2eeJanusRoom
 *
 * Starts the room's thread, which creates a Janus session, joins the
 * TextRoom (with a key manager) and the VideoRoom, and emits
 * #GstE2eeJanusRoom::joined once both are joined. Returns at once. Does
 * nothing when started already.
 *
 * MT safe.
 *
 * Since: 0.1
 */
void
gst_e2ee_janus_room_start (GstE2eeJanusRoom * room)
{
  g_return_if_fail (GST_IS_E2EE_JANUS_ROOM (room));

  GST_OBJECT_LOCK (room);
  if (room->thread) {
    GST_OBJECT_UNLOCK (room);
    return;
  }
  room->ctx = g_main_context_new ();
  room->loop = g_main_loop_new (room->ctx, FALSE);
  room->running = TRUE;
  room->stopped = FALSE;
  room->thread = g_thread_new ("janus-room", room_thread, room);
  GST_OBJECT_UNLOCK (room);

  if (room->km)
    room->km_send_id = g_signal_connect (room->km, "send-message",
        G_CALLBACK (km_send_message), room);
  room_invoke (room, start_on_thread, gst_object_ref (room), gst_object_unref);
}

/**
 * gst_e2ee_janus_room_stop:
 * @room: a #GstE2eeJanusRoom
 *
 * Leaves both rooms and destroys the Janus session (which detaches its
 * handles, so the others see us leave at once), waiting at most 2 s for
 * Janus; then the room's thread ends. Called from a signal handler of the
 * room itself, it only starts that and returns. Safe to call twice; the
 * room can be started again afterwards.
 *
 * MT safe.
 *
 * Since: 0.1
 */
void
gst_e2ee_janus_room_stop (GstE2eeJanusRoom * room)
{
  GThread *thread;
  GMainContext *ctx;
  GMainLoop *loop;
  gint64 deadline;

  g_return_if_fail (GST_IS_E2EE_JANUS_ROOM (room));

  GST_OBJECT_LOCK (room);
  thread = room->thread;
  if (!thread || !room->running) {
    GST_OBJECT_UNLOCK (room);
    return;
  }
  if (thread == g_thread_self ()) {
    GST_OBJECT_UNLOCK (room);
    stop_on_thread (room);
    return;
  }
  GST_OBJECT_UNLOCK (room);

  if (room->km_send_id) {
    g_signal_handler_disconnect (room->km, room->km_send_id);
    room->km_send_id = 0;
  }
  room_invoke (room, stop_on_thread, gst_object_ref (room), gst_object_unref);

  deadline = g_get_monotonic_time () + (STOP_TIMEOUT_MS + 500) * 1000;
  GST_OBJECT_LOCK (room);
  while (!room->stopped)
    if (!g_cond_wait_until (&room->cond, GST_OBJECT_GET_LOCK (room), deadline))
      break;
  room->running = FALSE;
  room->thread = NULL;
  ctx = room->ctx;
  loop = room->loop;
  room->ctx = NULL;
  room->loop = NULL;
  GST_OBJECT_UNLOCK (room);

  g_main_loop_quit (loop);
  g_thread_join (thread);
  /* what came in between */
  g_main_context_push_thread_default (ctx);
  while (g_main_context_iteration (ctx, FALSE));
  g_main_context_pop_thread_default (ctx);
  g_main_loop_unref (loop);
  g_main_context_unref (ctx);
  room->stopping = FALSE;
}

typedef struct
{
  GstE2eeJanusRoom *room;
  GstElement *webrtcbin;
  GSourceFunc func;
} PublicCall;

static gboolean
room_call (GstE2eeJanusRoom * room, GstElement * webrtcbin, GSourceFunc func)
{
  MediaData *md;
  gboolean joined;

  GST_OBJECT_LOCK (room);
  joined = room->joined && room->running;
  GST_OBJECT_UNLOCK (room);
  if (!joined)
    return FALSE;
  md = g_new0 (MediaData, 1);
  md->room = gst_object_ref (room);
  md->webrtcbin = gst_object_ref (webrtcbin);
  room_invoke (room, func, md, (GDestroyNotify) media_data_free);
  return TRUE;
}

/**
 * gst_e2ee_janus_room_publish:
 * @room: a #GstE2eeJanusRoom
 * @webrtcbin: (transfer none): a webrtcbin (bundle-policy max-bundle) whose
 *   send transceivers or sink pads are linked, in PLAYING
 *
 * Publishes @webrtcbin's media in the VideoRoom: the room creates the offer
 * (flagged end-to-end encrypted for Janus), waits for ICE gathering, sends
 * it and sets Janus's answer. Asynchronous: failures come as
 * #GstE2eeJanusRoom::error. @webrtcbin is dead after
 * #GstE2eeJanusRoom::disconnected.
 *
 * Returns: %FALSE when the room is not joined
 *
 * MT safe.
 *
 * Since: 0.1
 */
gboolean
gst_e2ee_janus_room_publish (GstE2eeJanusRoom * room, GstElement * webrtcbin)
{
  g_return_val_if_fail (GST_IS_E2EE_JANUS_ROOM (room), FALSE);
  g_return_val_if_fail (GST_IS_ELEMENT (webrtcbin), FALSE);

  return room_call (room, webrtcbin, publish_on_thread);
}

/**
 * gst_e2ee_janus_room_subscribe:
 * @room: a #GstE2eeJanusRoom
 * @webrtcbin: (transfer none): a webrtcbin (bundle-policy max-bundle) in
 *   PLAYING, with nothing negotiated yet
 *
 * Subscribes @webrtcbin to every publisher in the room but ourselves, now
 * and as they come (one multistream subscriber handle; Janus offers, the
 * room answers). Each stream is announced with
 * #GstE2eeJanusRoom::stream-added before its pad appears on @webrtcbin.
 * One subscriber webrtcbin per join. Asynchronous: failures come as
 * #GstE2eeJanusRoom::error.
 *
 * Returns: %FALSE when the room is not joined
 *
 * MT safe.
 *
 * Since: 0.1
 */
gboolean
gst_e2ee_janus_room_subscribe (GstE2eeJanusRoom * room, GstElement * webrtcbin)
{
  g_return_val_if_fail (GST_IS_E2EE_JANUS_ROOM (room), FALSE);
  g_return_val_if_fail (GST_IS_ELEMENT (webrtcbin), FALSE);

  return room_call (room, webrtcbin, subscribe_on_thread);
}

/**
 * gst_e2ee_janus_room_dup_participant_for_mid:
 * @room: a #GstE2eeJanusRoom
 * @webrtcbin: (transfer none): a subscriber webrtcbin of the room: the one
 *   given to gst_e2ee_janus_room_subscribe() or one the application gave
 *   through #GstE2eeJanusRoom::request-webrtcbin
 * @mid: a media id of @webrtcbin (a pad's transceiver's mid)
 * @feed_id: (out) (optional): the VideoRoom feed id that @mid carries
 *
 * The participant (the publisher's display name: its key manager's local
 * id) whose stream @mid of @webrtcbin carries now, from Janus's own table
 * (Janus rewrites SSRCs: they tell nothing). Use it as `e2eedec`'s
 * `participant`. Mids are per webrtcbin (each subscriber handle numbers
 * its m-lines from 0), hence @webrtcbin.
 *
 * Returns: (transfer full) (nullable): the participant, or %NULL when @mid
 *   carries nothing now (or @webrtcbin is not a subscriber of the room)
 *
 * MT safe.
 *
 * Since: 0.1
 */
gchar *
gst_e2ee_janus_room_dup_participant_for_mid (GstE2eeJanusRoom * room,
    GstElement * webrtcbin, const gchar * mid, guint64 * feed_id)
{
  MidInfo *info = NULL;
  gchar *participant = NULL;
  GList *l;

  g_return_val_if_fail (GST_IS_E2EE_JANUS_ROOM (room), NULL);
  g_return_val_if_fail (GST_IS_ELEMENT (webrtcbin), NULL);
  g_return_val_if_fail (mid != NULL, NULL);

  GST_OBJECT_LOCK (room);
  for (l = room->subs; l && !info; l = l->next) {
    Subscriber *sub = l->data;

    if (sub->webrtcbin == webrtcbin)
      info = g_hash_table_lookup (sub->mids, mid);
  }
  if (info) {
    participant = g_strdup (info->participant);
    if (feed_id)
      *feed_id = info->feed_id;
  } else if (feed_id) {
    *feed_id = 0;
  }
  GST_OBJECT_UNLOCK (room);
  return participant;
}

/* -- GObject ------------------------------------------------------------- */

static GstStructure *
room_stats (GstE2eeJanusRoom * room)
{
  GstStructure *s;

  GST_OBJECT_LOCK (room);
  s = gst_structure_new ("application/x-e2ee-janus-room-stats",
      "reconnects", G_TYPE_UINT, room->reconnects,
      "requests", G_TYPE_UINT, (guint) g_atomic_int_get (&room->counters[0]),
      "events", G_TYPE_UINT, (guint) g_atomic_int_get (&room->counters[1]),
      "publishers", G_TYPE_UINT, room->n_publishers,
      "streams", G_TYPE_UINT, room->n_streams,
      "subscriptions", G_TYPE_UINT, g_list_length (room->subs),
      "relay-messages-in", G_TYPE_UINT, room->relay_in,
      "relay-messages-out", G_TYPE_UINT, room->relay_out,
      "relay-refused", G_TYPE_UINT, room->relay_refused, NULL);
  GST_OBJECT_UNLOCK (room);
  return s;
}

static void
gst_e2ee_janus_room_set_property (GObject * object, guint prop_id,
    const GValue * value, GParamSpec * pspec)
{
  GstE2eeJanusRoom *room = GST_E2EE_JANUS_ROOM (object);

  switch (prop_id) {
    case PROP_SERVER_URL:
      room->server_url = g_value_dup_string (value);
      break;
    case PROP_ROOM:
      room->room_id = g_value_get_uint64 (value);
      break;
    case PROP_TEXTROOM:
      room->textroom_id = g_value_get_uint64 (value);
      break;
    case PROP_KEY_MANAGER:
      room->km = g_value_dup_object (value);
      break;
    case PROP_PIN:
      GST_OBJECT_LOCK (room);
      g_free (room->pin);
      room->pin = g_value_dup_string (value);
      GST_OBJECT_UNLOCK (room);
      break;
    case PROP_KEEPALIVE_INTERVAL:
      GST_OBJECT_LOCK (room);
      room->keepalive_ms = g_value_get_uint (value);
      GST_OBJECT_UNLOCK (room);
      break;
    case PROP_RECONNECT_INTERVAL:
      GST_OBJECT_LOCK (room);
      room->reconnect_ms = g_value_get_uint (value);
      GST_OBJECT_UNLOCK (room);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      break;
  }
}

static void
gst_e2ee_janus_room_get_property (GObject * object, guint prop_id,
    GValue * value, GParamSpec * pspec)
{
  GstE2eeJanusRoom *room = GST_E2EE_JANUS_ROOM (object);

  switch (prop_id) {
    case PROP_SERVER_URL:
      g_value_set_string (value, room->server_url);
      break;
    case PROP_ROOM:
      g_value_set_uint64 (value, room->room_id);
      break;
    case PROP_TEXTROOM:
      g_value_set_uint64 (value, room->textroom_id);
      break;
    case PROP_KEY_MANAGER:
      g_value_set_object (value, room->km);
      break;
    case PROP_DISPLAY:
      g_value_set_string (value, room->display);
      break;
    case PROP_KEEPALIVE_INTERVAL:
      GST_OBJECT_LOCK (room);
      g_value_set_uint (value, room->keepalive_ms);
      GST_OBJECT_UNLOCK (room);
      break;
    case PROP_RECONNECT_INTERVAL:
      GST_OBJECT_LOCK (room);
      g_value_set_uint (value, room->reconnect_ms);
      GST_OBJECT_UNLOCK (room);
      break;
    case PROP_STATS:
      g_value_take_boxed (value, room_stats (room));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      break;
  }
}

static void
gst_e2ee_janus_room_constructed (GObject * object)
{
  GstE2eeJanusRoom *room = GST_E2EE_JANUS_ROOM (object);

  G_OBJECT_CLASS (gst_e2ee_janus_room_parent_class)->constructed (object);
  if (!room->textroom_id)
    room->textroom_id = room->room_id;
  if (room->km)
    room->display = gst_e2ee_key_manager_dup_local_id (room->km);
  if (!room->display)
    room->display = g_uuid_string_random ();
}

static void
gst_e2ee_janus_room_dispose (GObject * object)
{
  GstE2eeJanusRoom *room = GST_E2EE_JANUS_ROOM (object);

  gst_e2ee_janus_room_stop (room);
  G_OBJECT_CLASS (gst_e2ee_janus_room_parent_class)->dispose (object);
}

static void
gst_e2ee_janus_room_finalize (GObject * object)
{
  GstE2eeJanusRoom *room = GST_E2EE_JANUS_ROOM (object);

  if (room->thread) {
    /* last reference dropped on the room's own thread */
    g_thread_unref (room->thread);
  }
  if (room->km_send_id)
    g_signal_handler_disconnect (room->km, room->km_send_id);
  gst_clear_object (&room->km);
  g_free (room->server_url);
  g_free (room->display);
  g_free (room->pin);
  g_hash_table_unref (room->publishers);
  g_hash_table_unref (room->refused_feeds);
  g_hash_table_unref (room->roster);
  g_cond_clear (&room->cond);
  G_OBJECT_CLASS (gst_e2ee_janus_room_parent_class)->finalize (object);
}

static void
gst_e2ee_janus_room_init (GstE2eeJanusRoom * room)
{
  room->keepalive_ms = DEFAULT_KEEPALIVE_MS;
  room->reconnect_ms = DEFAULT_RECONNECT_MS;
  room->refused_feeds = g_hash_table_new_full (g_int64_hash, g_int64_equal,
      g_free, NULL);
  room->publishers = g_hash_table_new_full (g_int64_hash, g_int64_equal,
      g_free, g_free);
  room->roster = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_queue_init (&room->out_queue);
  g_cond_init (&room->cond);
}

/* GStreamer 1.22's webrtcbin never sinks its ICE agent's floating
 * reference: a language binding that reads `ice-agent` sinks it and frees
 * the agent when its wrapper goes. Sinking it here first makes the
 * reference webrtcbin's. */
static void
webrtcbin_setup_default (GstE2eeJanusRoom * room, GstElement * webrtcbin)
{
  GObject *ice = NULL;

  if (!webrtcbin
      || !g_object_class_find_property (G_OBJECT_GET_CLASS (webrtcbin),
          "ice-agent"))
    return;
  g_object_get (webrtcbin, "ice-agent", &ice, NULL);
  if (!ice)
    return;
  if (g_object_is_floating (ice))
    g_object_ref_sink (ice);
  g_object_unref (ice);
}

/* request-webrtcbin: the first handler that gives a webrtcbin wins */
static gboolean
first_element_wins (GSignalInvocationHint * ihint, GValue * return_accu,
    const GValue * handler_return, gpointer data)
{
  GObject *obj = g_value_get_object (handler_return);

  g_value_set_object (return_accu, obj);
  return obj == NULL;
}

/* The handler's webrtcbin is (transfer none): it stays the application's
 * pipeline's, and the room takes a reference of its own. GLib's generic
 * marshaller would take the handler's reference instead (transfer full),
 * so a C handler returning an element its bin owns would lose it. */
static void
marshal_element__uint64_string (GClosure * closure, GValue * return_value,
    guint n_param_values, const GValue * param_values,
    gpointer invocation_hint, gpointer marshal_data)
{
  typedef GstElement *(*Func) (gpointer instance, guint64 feed,
      const gchar * participant, gpointer data);
  GCClosure *cc = (GCClosure *) closure;
  gpointer data1, data2;
  Func callback;
  GstElement *ret;

  g_return_if_fail (return_value != NULL);
  g_return_if_fail (n_param_values == 3);

  if (G_CCLOSURE_SWAP_DATA (closure)) {
    data1 = closure->data;
    data2 = g_value_peek_pointer (param_values + 0);
  } else {
    data1 = g_value_peek_pointer (param_values + 0);
    data2 = closure->data;
  }
  callback = (Func) (marshal_data ? marshal_data : cc->callback);
  ret = callback (data1, g_value_get_uint64 (param_values + 1),
      g_value_get_string (param_values + 2), data2);
  g_value_set_object (return_value, ret);
}

static void
gst_e2ee_janus_room_class_init (GstE2eeJanusRoomClass * klass)
{
  GObjectClass *gobject_class = G_OBJECT_CLASS (klass);

  GST_DEBUG_CATEGORY_INIT (gst_e2ee_janus_room_debug, "e2eejanusroom", 0,
      "gst-e2ee Janus room client");

  gobject_class->set_property = gst_e2ee_janus_room_set_property;
  gobject_class->get_property = gst_e2ee_janus_room_get_property;
  gobject_class->constructed = gst_e2ee_janus_room_constructed;
  gobject_class->dispose = gst_e2ee_janus_room_dispose;
  gobject_class->finalize = gst_e2ee_janus_room_finalize;

  /**
   * GstE2eeJanusRoom:server-url:
   *
   * Janus's HTTP API, such as `http://127.0.0.1:8088/janus`.
   *
   * Since: 0.1
   */
  g_object_class_install_property (gobject_class, PROP_SERVER_URL,
      g_param_spec_string ("server-url", "Server URL",
          "Janus's HTTP API URL", NULL,
          G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));

  /**
   * GstE2eeJanusRoom:room:
   *
   * The VideoRoom number.
   *
   * Since: 0.1
   */
  g_object_class_install_property (gobject_class, PROP_ROOM,
      g_param_spec_uint64 ("room", "Room", "The VideoRoom number", 0,
          G_MAXUINT64, 0,
          G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));

  /**
   * GstE2eeJanusRoom:textroom:
   *
   * The TextRoom number that carries the key manager's messages; 0: the
   * same as #GstE2eeJanusRoom:room.
   *
   * Since: 0.1
   */
  g_object_class_install_property (gobject_class, PROP_TEXTROOM,
      g_param_spec_uint64 ("textroom", "TextRoom",
          "The TextRoom number (0: the same as room)", 0, G_MAXUINT64, 0,
          G_PARAM_READWRITE | G_PARAM_CONSTRUCT | G_PARAM_STATIC_STRINGS));

  /**
   * GstE2eeJanusRoom:key-manager:
   *
   * The key manager whose messages the TextRoom carries; %NULL: media only.
   *
   * Since: 0.1
   */
  g_object_class_install_property (gobject_class, PROP_KEY_MANAGER,
      g_param_spec_object ("key-manager", "Key manager",
          "The key manager whose messages the TextRoom carries",
          GST_TYPE_E2EE_KEY_MANAGER,
          G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));

  /**
   * GstE2eeJanusRoom:display:
   *
   * Our name in both rooms (TextRoom username, VideoRoom display): the key
   * manager's local id, or a random one without a manager.
   *
   * Since: 0.1
   */
  g_object_class_install_property (gobject_class, PROP_DISPLAY,
      g_param_spec_string ("display", "Display", "Our name in both rooms",
          NULL, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));

  /**
   * GstE2eeJanusRoom:pin:
   *
   * The rooms' pin, if they have one. Used at the next join.
   *
   * Since: 0.1
   */
  g_object_class_install_property (gobject_class, PROP_PIN,
      g_param_spec_string ("pin", "Pin", "The rooms' pin", NULL,
          G_PARAM_WRITABLE | G_PARAM_STATIC_STRINGS));

  /**
   * GstE2eeJanusRoom:keepalive-interval:
   *
   * Milliseconds between keepalives (Janus's default session timeout is
   * 60 s). Used from the next session on.
   *
   * Since: 0.1
   */
  g_object_class_install_property (gobject_class, PROP_KEEPALIVE_INTERVAL,
      g_param_spec_uint ("keepalive-interval", "Keepalive interval",
          "Milliseconds between keepalives", 0, G_MAXUINT,
          DEFAULT_KEEPALIVE_MS, G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS));

  /**
   * GstE2eeJanusRoom:reconnect-interval:
   *
   * The longest wait, in milliseconds, between two attempts to reach Janus
   * again (the wait doubles from 250 ms up to this).
   *
   * Since: 0.1
   */
  g_object_class_install_property (gobject_class, PROP_RECONNECT_INTERVAL,
      g_param_spec_uint ("reconnect-interval", "Reconnect interval",
          "Longest wait between attempts to reconnect (ms)", 0, G_MAXUINT,
          DEFAULT_RECONNECT_MS, G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS));

  /**
   * GstE2eeJanusRoom:stats:
   *
   * Counters: `reconnects` (attempts after a loss), `requests` (HTTP
   * requests sent), `events` (events received), `publishers` and `streams`
   * (now), `subscriptions` (subscriber handles now: 1, more after a
   * publisher left, see #GstE2eeJanusRoom::request-webrtcbin),
   * `relay-messages-in` and `relay-messages-out` (key manager
   * messages through the TextRoom), `relay-refused` (too big, or refused by
   * the TextRoom, or dropped while the queue before the join was full).
   *
   * Since: 0.1
   */
  /* gst_structure_get_type (), not GST_TYPE_STRUCTURE: that is 0 until
   * gst_init (), and g-ir-scanner's dump of the class does not call it
   * (the property was missing from the GIR, with criticals) */
  g_object_class_install_property (gobject_class, PROP_STATS,
      g_param_spec_boxed ("stats", "Statistics", "Counters",
          gst_structure_get_type (),
          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));

  /**
   * GstE2eeJanusRoom::webrtcbin-setup:
   * @room: the room
   * @webrtcbin: the webrtcbin of the TextRoom's data-only PeerConnection
   *
   * Emitted before the room uses a webrtcbin of its own, so the application
   * applies its network policy (ICE servers, local addresses) to it.
   *
   * An action signal too: an application can emit it for its own media
   * webrtcbins to apply the same policy in the same handler. Its default
   * handler, which runs first, takes webrtcbin's floating reference to its
   * ICE agent: GStreamer 1.22 leaves it floating, so reading `ice-agent`
   * from Python (PyGObject) would free the agent under webrtcbin's feet.
   *
   * Since: 0.1
   */
  signals[SIGNAL_WEBRTCBIN_SETUP] =
      g_signal_new_class_handler ("webrtcbin-setup",
      G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_FIRST | G_SIGNAL_ACTION,
      G_CALLBACK (webrtcbin_setup_default), NULL, NULL, NULL, G_TYPE_NONE, 1,
      GST_TYPE_ELEMENT);

  /**
   * GstE2eeJanusRoom::joined:
   * @room: the room
   *
   * Emitted each time the room is joined (after start and after every
   * reconnect): create the media webrtcbins then and publish and subscribe.
   *
   * Since: 0.1
   */
  signals[SIGNAL_JOINED] = g_signal_new ("joined", G_TYPE_FROM_CLASS (klass),
      G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  /**
   * GstE2eeJanusRoom::disconnected:
   * @room: the room
   *
   * Janus went away (or timed our session out): every webrtcbin given to
   * the room is dead; tear them down. The room tries again and emits
   * #GstE2eeJanusRoom::joined when it is back.
   *
   * Since: 0.1
   */
  signals[SIGNAL_DISCONNECTED] =
      g_signal_new ("disconnected", G_TYPE_FROM_CLASS (klass),
      G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  /**
   * GstE2eeJanusRoom::publisher-added:
   * @room: the room
   * @feed_id: the VideoRoom feed id
   * @participant: (nullable): its display name (its key manager's local id)
   *
   * A participant publishes in the room (never ourselves).
   *
   * Since: 0.1
   */
  signals[SIGNAL_PUBLISHER_ADDED] =
      g_signal_new ("publisher-added", G_TYPE_FROM_CLASS (klass),
      G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_UINT64,
      G_TYPE_STRING);

  /**
   * GstE2eeJanusRoom::publisher-removed:
   * @room: the room
   * @feed_id: the VideoRoom feed id
   * @participant: (nullable): its display name
   *
   * A publisher stopped publishing or left.
   *
   * Since: 0.1
   */
  signals[SIGNAL_PUBLISHER_REMOVED] =
      g_signal_new ("publisher-removed", G_TYPE_FROM_CLASS (klass),
      G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_UINT64,
      G_TYPE_STRING);

  /**
   * GstE2eeJanusRoom::stream-added:
   * @room: the room
   * @webrtcbin: the subscriber webrtcbin that carries it
   * @mid: the mid on @webrtcbin
   * @feed_id: the feed it carries
   * @participant: (nullable): the publisher's display name
   * @kind: "video" or "audio"
   *
   * Janus's stream table says @mid of @webrtcbin carries @feed_id now.
   * Emitted before the room answers the offer that brings it, so before its
   * pad appears. Mids are per webrtcbin: the same mid on two webrtcbins
   * carries two streams.
   *
   * Since: 0.1
   */
  signals[SIGNAL_STREAM_ADDED] =
      g_signal_new ("stream-added", G_TYPE_FROM_CLASS (klass),
      G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE, 5,
      GST_TYPE_ELEMENT, G_TYPE_STRING, G_TYPE_UINT64, G_TYPE_STRING,
      G_TYPE_STRING);

  /**
   * GstE2eeJanusRoom::stream-removed:
   * @room: the room
   * @webrtcbin: the subscriber webrtcbin that carried it
   * @mid: the mid on @webrtcbin
   * @feed_id: the feed it carried
   * @participant: (nullable): the publisher's display name
   *
   * @mid of @webrtcbin carries @feed_id no more.
   *
   * Since: 0.1
   */
  signals[SIGNAL_STREAM_REMOVED] =
      g_signal_new ("stream-removed", G_TYPE_FROM_CLASS (klass),
      G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE, 4,
      GST_TYPE_ELEMENT, G_TYPE_STRING, G_TYPE_UINT64, G_TYPE_STRING);

  /**
   * GstE2eeJanusRoom::request-webrtcbin:
   * @room: the room
   * @feed_id: the publisher that needs it (the first one it will carry;
   *   publishers that come after it may share it)
   * @participant: (nullable): that publisher's display name
   *
   * The room needs another subscriber webrtcbin: a publisher left, and the
   * subscription can take no new publisher any more. Janus 1.1.2 offers a
   * newcomer's stream on the m-line a leaver's stream left inactive (same
   * kind and codec: "Reusing m-line" in its VideoRoom), and GStreamer
   * 1.22's webrtcbin refuses to make an inactive transceiver active again
   * ("transceiver direction changes are not implemented"). So the room
   * subscribes the newcomers on a new subscriber handle, on a webrtcbin the
   * application gives here: create one (bundle-policy max-bundle, the same
   * network policy and `pad-added` handling as the one given to
   * gst_e2ee_janus_room_subscribe()), add it to a pipeline, set it to
   * PLAYING and return it. Its streams are announced as for the first
   * (#GstE2eeJanusRoom::stream-added with this webrtcbin). Return %NULL to
   * refuse: the publisher is then not subscribed (#GstE2eeJanusRoom::error)
   * until it publishes again. Where nobody leaves, the room never asks.
   *
   * Emitted from the room's thread, as rtpbin's `request-*` signals are
   * from its streaming threads; the first handler that returns a webrtcbin
   * wins. The webrtcbin comes back through
   * #GstE2eeJanusRoom::release-webrtcbin.
   *
   * Returns: (transfer none) (nullable): a webrtcbin in PLAYING, or %NULL
   *
   * Since: 0.1
   */
  signals[SIGNAL_REQUEST_WEBRTCBIN] =
      g_signal_new ("request-webrtcbin", G_TYPE_FROM_CLASS (klass),
      G_SIGNAL_RUN_LAST, 0, first_element_wins, NULL,
      marshal_element__uint64_string, GST_TYPE_ELEMENT, 2, G_TYPE_UINT64,
      G_TYPE_STRING);

  /**
   * GstE2eeJanusRoom::release-webrtcbin:
   * @room: the room
   * @webrtcbin: a webrtcbin the application gave through
   *   #GstE2eeJanusRoom::request-webrtcbin
   *
   * The room is done with @webrtcbin: all of its streams are gone (its
   * subscriber handle is detached), or Janus went away
   * (#GstE2eeJanusRoom::disconnected follows), or the room stopped. Set it
   * to NULL and take it out of its pipeline, from the application's own
   * thread (this is emitted from the room's thread, possibly while
   * @webrtcbin's last pads are still being removed). Never emitted for the
   * webrtcbin given to gst_e2ee_janus_room_subscribe().
   *
   * Since: 0.1
   */
  signals[SIGNAL_RELEASE_WEBRTCBIN] =
      g_signal_new ("release-webrtcbin", G_TYPE_FROM_CLASS (klass),
      G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE, 1, GST_TYPE_ELEMENT);

  /**
   * GstE2eeJanusRoom::error:
   * @room: the room
   * @error: what failed
   *
   * Something the application asked for failed, or Janus refused a request.
   *
   * Since: 0.1
   */
  signals[SIGNAL_ERROR] = g_signal_new ("error", G_TYPE_FROM_CLASS (klass),
      G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_ERROR);
}
