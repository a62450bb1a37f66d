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

/* Test-only hooks of GstE2eeJanusRoom (gste2eejanusroom-test.h). Only
 * public GLib and GStreamer calls and the room's fields: a test links this
 * object alone, without a second copy of the room's code. */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gste2eejanusroom-private.h"
#include "gste2eejanusroom-test.h"

typedef struct
{
  GstE2eeJanusRoom *room;
  const gchar *text;
  gboolean done, sent;
  GMutex lock;
  GCond cond;
} RawSend;

static gboolean
send_on_thread (gpointer data)
{
  RawSend *rs = data;

  /* the room's thread owns tr_channel */
  if (rs->room->tr_channel && rs->room->tr_joined) {
    gst_webrtc_data_channel_send_string (rs->room->tr_channel, rs->text);
    rs->sent = TRUE;
  }
  g_mutex_lock (&rs->lock);
  rs->done = TRUE;
  g_cond_signal (&rs->cond);
  g_mutex_unlock (&rs->lock);
  return G_SOURCE_REMOVE;
}

/* gst_e2ee_janus_room_test_send_textroom:
 * @text: anything, sent as it is on the room's TextRoom data channel
 *
 * What a hostile room member can put on the relay: @text goes to Janus's
 * TextRoom plugin unchecked (garbage, forged requests, messages with any
 * text). Blocks until the room's thread has sent it (stopping the room runs
 * what is pending on its thread).
 *
 * Returns: whether it was sent (FALSE: the TextRoom is not joined).
 */
gboolean
gst_e2ee_janus_room_test_send_textroom (GstE2eeJanusRoom * room,
    const gchar * text)
{
  GMainContext *ctx = NULL;
  RawSend rs = { room, text, FALSE, FALSE };

  g_mutex_init (&rs.lock);
  g_cond_init (&rs.cond);
  GST_OBJECT_LOCK (room);
  if (room->running)
    ctx = g_main_context_ref (room->ctx);
  GST_OBJECT_UNLOCK (room);
  if (ctx) {
    g_main_context_invoke (ctx, send_on_thread, &rs);
    g_mutex_lock (&rs.lock);
    while (!rs.done)
      g_cond_wait (&rs.cond, &rs.lock);
    g_mutex_unlock (&rs.lock);
    g_main_context_unref (ctx);
  }
  g_mutex_clear (&rs.lock);
  g_cond_clear (&rs.cond);
  return rs.sent;
}

/* -- Janus as the adversary, without network (tests/fuzz/fuzz-janus-events)
 *
 * These reach the room's and the session's internal functions: they link
 * only where those are (the library's own objects: the fuzz targets and
 * their replay tests). tests/check compiles this file with
 * GST_E2EE_JANUS_ROOM_TEST_NO_INTERNALS, without them. */

#ifndef GST_E2EE_JANUS_ROOM_TEST_NO_INTERNALS

#define TEST_SESSION_ID 1
#define TEST_VR_HANDLE 2
#define TEST_TR_HANDLE 3
#define TEST_FEED_ID 4
#define TEST_SUB_HANDLE 5

/* gst_e2ee_janus_room_test_fake_join:
 *
 * Puts a room that is not started in the state of one that has joined the
 * VideoRoom (session 1, publisher handle 2, our feed 4), has a subscriber
 * handle (5) that has joined with no feed yet, and (with a key manager) has
 * attached the TextRoom (handle 3) and sent its join request with the
 * transaction "join", whose answer has not come yet. The session is offline
 * (_gst_e2ee_janus_session_test_offline()): what the room sends stays
 * pending. The subscriber has no webrtcbin: Janus's offers are parsed as
 * SDP, then refused (set_description()). The room's thread is the calling
 * thread, its context the thread-default one until
 * gst_e2ee_janus_room_test_fake_leave(). */
void
gst_e2ee_janus_room_test_fake_join (GstE2eeJanusRoom * room)
{
  GMainContext *ctx = g_main_context_new ();
  Subscriber *sub;

  g_return_if_fail (!room->running);
  GST_OBJECT_LOCK (room);
  room->ctx = ctx;
  room->running = TRUE;
  room->stopped = FALSE;
  GST_OBJECT_UNLOCK (room);
  g_main_context_push_thread_default (ctx);
  if (room->km)
    room->km_send_id = g_signal_connect (room->km, "send-message",
        G_CALLBACK (km_send_message), room);

  room->session = _gst_e2ee_janus_session_new (room->server_url,
      GST_OBJECT (room), 0, room->counters, session_event, session_lost, room);
  _gst_e2ee_janus_session_test_offline (room->session, TEST_SESSION_ID);
  room->vr_handle = TEST_VR_HANDLE;
  room->my_feed_id = TEST_FEED_ID;
  room->vr_joined = TRUE;
  if (room->km) {
    room->tr_handle = TEST_TR_HANDLE;
    room->tr_join_transaction = g_strdup ("join");
  }
  sub = subscriber_new (room, NULL, FALSE);
  sub->handle = TEST_SUB_HANDLE;
  sub->joined = TRUE;
  maybe_joined (room);
}

static void
drain (GstE2eeJanusRoom * room)
{
  /* what the room invoked on itself, and the key manager's messages (from
   * its thread) that are already queued */
  while (g_main_context_iteration (room->ctx, FALSE));
}

/* gst_e2ee_janus_room_test_feed:
 * @what: where @data comes from
 * @data: (array length=len): anything
 *
 * Gives @data to the room as Janus would have sent it, on the calling
 * thread (the room's, gst_e2ee_janus_room_test_fake_join()), then runs what
 * that queued on the room's context. A session the room lost meanwhile
 * takes no more (the room has torn it down and would reconnect).
 *
 * Returns: whether @data was taken (FALSE: no session, or no request
 * pending for an answer)
 */
gboolean
gst_e2ee_janus_room_test_feed (GstE2eeJanusRoom * room,
    GstE2eeJanusRoomTestInput what, const gchar * data, gsize len)
{
  gboolean taken = FALSE;
  gchar *text;

  g_return_val_if_fail (room->running && !room->thread, FALSE);
  switch (what) {
    case GST_E2EE_JANUS_ROOM_TEST_POLL:
      if (room->session) {
        _gst_e2ee_janus_session_test_poll (room->session, data, len);
        taken = TRUE;
      }
      break;
    case GST_E2EE_JANUS_ROOM_TEST_ANSWER:
      if (room->session)
        taken = _gst_e2ee_janus_session_test_answer (room->session, data, len);
      break;
    case GST_E2EE_JANUS_ROOM_TEST_TEXTROOM:
      /* a data channel's string: up to its first NUL */
      text = g_strndup (data, len);
      tr_receive (room, room->gen, text);
      g_free (text);
      taken = TRUE;
      break;
  }
  drain (room);
  /* what the key manager answers (a new participant's olm hello), on the
   * room's context before the next input */
  if (room->km) {
    gst_e2ee_key_manager_flush (room->km);
    drain (room);
  }
  return taken;
}

/* gst_e2ee_janus_room_test_fake_leave:
 *
 * Undoes gst_e2ee_janus_room_test_fake_join() as stopping would, without
 * the goodbye to Janus: the room is as new, not started. */
void
gst_e2ee_janus_room_test_fake_leave (GstE2eeJanusRoom * room)
{
  GMainContext *ctx;

  g_return_if_fail (room->running && !room->thread);
  if (room->km_send_id) {
    g_signal_handler_disconnect (room->km, room->km_send_id);
    room->km_send_id = 0;
  }
  stop_finish (room);
  drain (room);
  GST_OBJECT_LOCK (room);
  ctx = room->ctx;
  room->ctx = NULL;
  room->running = FALSE;
  GST_OBJECT_UNLOCK (room);
  g_main_context_pop_thread_default (ctx);
  g_main_context_unref (ctx);
  room->stopping = FALSE;
}

#endif /* GST_E2EE_JANUS_ROOM_TEST_NO_INTERNALS */
