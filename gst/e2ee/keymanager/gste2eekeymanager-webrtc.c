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
 * anything). Each channel is a GstE2eeKmTransport whose group is its
 * webrtcbin; it talks to the engine only through
 * gste2eekeymanager-transport.h.
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <gst/webrtc/webrtc.h>

#include "gste2eekeymanager-transport.h"

GST_DEBUG_CATEGORY_EXTERN (gst_e2ee_key_manager_debug);
#define GST_CAT_DEFAULT gst_e2ee_key_manager_debug
#define CHANNEL_LABEL "e2ee"

/* the GstE2eeKmTransport a data channel is, set on it once adopted */
#define CHANNEL_QUARK_NAME "gst-e2ee-key-manager-channel"

typedef struct
{
  GstE2eeKmTransport transport;
  /* all immutable */
  GstE2eeKeyManager *manager;
  GstElement *webrtcbin;
  GObject *dc;
  gboolean local;
} Channel;

/* adoption runs on webrtcbin's threads and the application's */
static GMutex adopt_lock;

static void
channel_send (GstE2eeKmTransport * transport, const gchar * text)
{
  Channel *ch = (Channel *) transport;

  g_signal_emit_by_name (ch->dc, "send-string", text);
}

static void
channel_free (GstE2eeKmTransport * transport)
{
  Channel *ch = (Channel *) transport;

  g_signal_handlers_disconnect_by_data (ch->dc, ch);
  g_signal_handlers_disconnect_by_data (ch->webrtcbin, ch->manager);
  g_mutex_lock (&adopt_lock);
  g_object_set_qdata (ch->dc, g_quark_from_static_string (CHANNEL_QUARK_NAME),
      NULL);
  g_mutex_unlock (&adopt_lock);
  g_object_unref (ch->dc);
  gst_object_unref (ch->webrtcbin);
  g_free (ch);
}

static const GstE2eeKmTransportFuncs channel_funcs = {
  channel_send,
  channel_free,
};

static void
on_open (GObject * dc, Channel * ch)
{
  GST_DEBUG_OBJECT (ch->manager, "%s e2ee data channel open",
      ch->local ? "our" : "the peer's");
  _gst_e2ee_km_transport_opened (ch->manager, &ch->transport);
}

static void
on_close (GObject * dc, Channel * ch)
{
  _gst_e2ee_km_transport_closed (ch->manager, &ch->transport);
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
  _gst_e2ee_km_transport_received (ch->manager, &ch->transport, text);
}

static void
on_message_data (GObject * dc, GBytes * data, Channel * ch)
{
  /* the protocol is text; binary messages are counted and dropped */
  _gst_e2ee_km_transport_received (ch->manager, &ch->transport, NULL);
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
  GQuark quark = g_quark_from_static_string (CHANNEL_QUARK_NAME);
  Channel *ch;
  GstWebRTCDataChannelState state;

  if (!is_e2ee_channel (dc))
    return;

  g_mutex_lock (&adopt_lock);
  if (g_object_get_qdata (dc, quark)) {
    g_mutex_unlock (&adopt_lock);
    return;
  }
  ch = g_new0 (Channel, 1);
  ch->transport.funcs = &channel_funcs;
  ch->transport.group = webrtcbin;
  ch->manager = self;
  ch->webrtcbin = gst_object_ref (webrtcbin);
  ch->dc = g_object_ref (dc);
  ch->local = local;
  g_object_set_qdata (dc, quark, ch);
  g_mutex_unlock (&adopt_lock);

  _gst_e2ee_km_transport_add (self, &ch->transport);
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

/* Any thread, without the engine's lock: creating the channel makes
 * webrtcbin call back into us. The engine calls it once per webrtcbin.
 * Returns FALSE if @webrtcbin cannot carry the protocol yet. */
gboolean
_gst_e2ee_km_webrtc_attach (GstE2eeKeyManager * self, GstElement * webrtcbin)
{
  GObject *dc = NULL;

  /* webrtcbin refuses data channels until it left NULL */
  if (GST_STATE (webrtcbin) == GST_STATE_NULL) {
    g_warning ("gst-e2ee: %s is in the NULL state; set it to READY before "
        "giving it to the key manager", GST_OBJECT_NAME (webrtcbin));
    return FALSE;
  }

  g_signal_connect (webrtcbin, "prepare-data-channel",
      G_CALLBACK (on_prepare_data_channel), self);
  g_signal_connect (webrtcbin, "on-data-channel",
      G_CALLBACK (on_data_channel), self);
  g_signal_emit_by_name (webrtcbin, "create-data-channel", CHANNEL_LABEL,
      NULL, &dc);
  if (!dc) {
    GST_WARNING_OBJECT (self, "could not create the e2ee data channel");
    return TRUE;
  }
  adopt_channel (self, webrtcbin, dc, TRUE);
  g_object_unref (dc);
  return TRUE;
}
