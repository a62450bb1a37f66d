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
