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
 * GstE2eeKeyManager's webrtcbin transport: the `e2ee` data channel. The
 * manager creates one on each webrtcbin and adopts the one the peer creates
 * (handlers attached in prepare-data-channel, before the channel can carry
 * anything). A message goes out on the channel its recipient was last heard
 * on; a channel that closes takes its participants out of the call.
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#define GST_USE_UNSTABLE_API
#include <gst/webrtc/webrtc.h>

#include "gste2eekeymanager-private.h"

#include <string.h>

#define GST_CAT_DEFAULT gst_e2ee_key_manager_debug
#define CHANNEL_LABEL "e2ee"

typedef struct
{
  GstE2eeKeyManager *self;
  Channel *channel;
} ChannelWork;

static gboolean
do_channel_open (gpointer data)
{
  ChannelWork *cw = data;
  GstE2eeKeyManager *self = cw->self;
  Channel *ch = cw->channel;
  gchar *text;

  g_mutex_lock (&self->lock);
  ch->open = TRUE;
  GST_DEBUG_OBJECT (self, "%s e2ee data channel open",
      ch->local ? "our" : "the peer's");
  _gst_e2ee_km_send_hello_locked (self, ch, NULL, FALSE);
  g_mutex_unlock (&self->lock);

  while ((text = g_queue_pop_head (&ch->pending))) {
    _gst_e2ee_km_channel_send (ch, text);
    g_free (text);
  }
  _gst_e2ee_km_flush_queued (self);
  return G_SOURCE_REMOVE;
}

static gboolean
do_channel_close (gpointer data)
{
  ChannelWork *cw = data;
  GstE2eeKeyManager *self = cw->self;
  Channel *ch = cw->channel, *other = NULL;
  GHashTableIter iter;
  Participant *p;
  GPtrArray *leaving = g_ptr_array_new_with_free_func (g_free);
  guint i;

  g_mutex_lock (&self->lock);
  ch->open = FALSE;
  ch->closed = TRUE;
  /* the other channel of the same webrtcbin, if it is still up */
  for (i = 0; i < self->channels->len; i++) {
    Channel *c = g_ptr_array_index (self->channels, i);

    if (c != ch && c->webrtcbin == ch->webrtcbin && c->open)
      other = c;
  }
  g_hash_table_iter_init (&iter, self->participants);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) & p)) {
    if (p->channel != ch)
      continue;
    if (other)
      p->channel = other;
    else
      g_ptr_array_add (leaving, g_strdup (p->id));
  }
  for (i = 0; i < leaving->len; i++) {
    p = g_hash_table_lookup (self->participants,
        g_ptr_array_index (leaving, i));
    if (p)
      _gst_e2ee_km_leave_locked (self, p);
  }
  g_mutex_unlock (&self->lock);
  g_ptr_array_unref (leaving);
  g_queue_clear_full (&ch->pending, g_free);
  _gst_e2ee_km_flush_queued (self);
  return G_SOURCE_REMOVE;
}

static void
invoke_channel (Channel * ch, GSourceFunc func)
{
  ChannelWork *cw = g_new0 (ChannelWork, 1);

  cw->self = ch->manager;
  cw->channel = ch;
  _gst_e2ee_km_invoke (ch->manager, func, cw, g_free);
}

static void
on_open (GObject * dc, Channel * ch)
{
  invoke_channel (ch, do_channel_open);
}

static void
on_close (GObject * dc, Channel * ch)
{
  invoke_channel (ch, do_channel_close);
}

static void
on_error (GObject * dc, GError * error, Channel * ch)
{
  GST_DEBUG_OBJECT (ch->manager, "e2ee data channel error: %s",
      error ? error->message : "?");
}

static void
on_message_string (GObject * dc, const gchar * text, Channel * ch)
{
  _gst_e2ee_km_receive_from_channel (ch->manager, ch, text);
}

static void
on_message_data (GObject * dc, GBytes * data, Channel * ch)
{
  /* the protocol is text; binary messages are counted and dropped */
  _gst_e2ee_km_receive_from_channel (ch->manager, ch, NULL);
}

static gboolean
is_e2ee_channel (GObject * dc)
{
  gchar *label = NULL;
  gboolean ret;

  g_object_get (dc, "label", &label, NULL);
  ret = g_strcmp0 (label, CHANNEL_LABEL) == 0;
  g_free (label);
  return ret;
}

/* Takes the channel on, once; any thread. */
static void
adopt_channel (GstE2eeKeyManager * self, GstElement * webrtcbin,
    GObject * dc, gboolean local)
{
  Channel *ch;
  GstWebRTCDataChannelState state;
  guint i;

  if (!is_e2ee_channel (dc))
    return;

  g_mutex_lock (&self->lock);
  for (i = 0; i < self->channels->len; i++) {
    if (((Channel *) g_ptr_array_index (self->channels, i))->dc == dc) {
      g_mutex_unlock (&self->lock);
      return;
    }
  }
  ch = g_new0 (Channel, 1);
  ch->manager = self;
  ch->webrtcbin = webrtcbin;
  ch->dc = g_object_ref (dc);
  ch->local = local;
  g_queue_init (&ch->pending);
  g_ptr_array_add (self->channels, ch);
  g_mutex_unlock (&self->lock);

  g_signal_connect (dc, "on-open", G_CALLBACK (on_open), ch);
  g_signal_connect (dc, "on-close", G_CALLBACK (on_close), ch);
  g_signal_connect (dc, "on-error", G_CALLBACK (on_error), ch);
  g_signal_connect (dc, "on-message-string", G_CALLBACK (on_message_string),
      ch);
  g_signal_connect (dc, "on-message-data", G_CALLBACK (on_message_data), ch);

  /* adopted late (on-data-channel): it is open already */
  g_object_get (dc, "ready-state", &state, NULL);
  if (state == GST_WEBRTC_DATA_CHANNEL_STATE_OPEN)
    on_open (dc, ch);
  GST_DEBUG_OBJECT (self, "%s e2ee data channel attached",
      local ? "our" : "the peer's");
}

static void
on_prepare_data_channel (GstElement * webrtcbin, GObject * dc,
    gboolean is_local, GstE2eeKeyManager * self)
{
  adopt_channel (self, webrtcbin, dc, is_local);
}

static void
on_data_channel (GstElement * webrtcbin, GObject * dc, GstE2eeKeyManager * self)
{
  adopt_channel (self, webrtcbin, dc, FALSE);
}

/* Any thread, without the lock: creating the channel makes webrtcbin call
 * back into us. */
void
_gst_e2ee_km_attach_webrtcbin (GstE2eeKeyManager * self, GstElement * webrtcbin)
{
  GObject *dc = NULL;
  guint i;

  /* webrtcbin refuses data channels until it left NULL */
  if (GST_STATE (webrtcbin) == GST_STATE_NULL) {
    g_warning ("gst-e2ee: %s is in the NULL state; set it to READY before "
        "giving it to the key manager", GST_OBJECT_NAME (webrtcbin));
    return;
  }

  g_mutex_lock (&self->lock);
  for (i = 0; i < self->webrtcbins->len; i++) {
    if (g_ptr_array_index (self->webrtcbins, i) == webrtcbin) {
      g_mutex_unlock (&self->lock);
      return;
    }
  }
  g_ptr_array_add (self->webrtcbins, gst_object_ref (webrtcbin));
  g_mutex_unlock (&self->lock);

  g_signal_connect (webrtcbin, "prepare-data-channel",
      G_CALLBACK (on_prepare_data_channel), self);
  g_signal_connect (webrtcbin, "on-data-channel",
      G_CALLBACK (on_data_channel), self);
  g_signal_emit_by_name (webrtcbin, "create-data-channel", CHANNEL_LABEL,
      NULL, &dc);
  if (!dc) {
    GST_WARNING_OBJECT (self, "could not create the e2ee data channel");
    return;
  }
  adopt_channel (self, webrtcbin, dc, TRUE);
  g_object_unref (dc);
}

/* Manager thread, lock not held. */
void
_gst_e2ee_km_channel_send (Channel * ch, const gchar * text)
{
  if (ch->closed)
    return;
  if (!ch->open) {
    g_queue_push_tail (&ch->pending, g_strdup (text));
    return;
  }
  g_signal_emit_by_name (ch->dc, "send-string", text);
}

void
_gst_e2ee_km_channel_free (Channel * ch)
{
  g_signal_handlers_disconnect_by_data (ch->dc, ch);
  g_signal_handlers_disconnect_by_data (ch->webrtcbin, ch->manager);
  g_queue_clear_full (&ch->pending, g_free);
  g_object_unref (ch->dc);
  g_free (ch);
}
