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
 * How a transport and the key manager's engine talk, in the way rtpmanager's
 * RTPSession calls up through RTPSessionCallbacks: a transport (one file
 * each: gste2eekeymanager-webrtc.c carries the protocol over a webrtcbin's
 * `e2ee` data channels) fills in a GstE2eeKmTransport with its table of
 * functions and calls the engine through the _gst_e2ee_km_transport_*()
 * functions below, and nothing else of the engine. The engine calls the
 * transport only through the table. Messages for a participant go out on
 * the transport it was last heard on; the application's own transport
 * (::send-message, ::receive-message and ::receive-message-from, a relay's)
 * is the NULL transport.
 */

#ifndef __GST_E2EE_KEY_MANAGER_TRANSPORT_H__
#define __GST_E2EE_KEY_MANAGER_TRANSPORT_H__

#include <gst/e2ee/gste2eekeymanager.h>

G_BEGIN_DECLS

typedef struct _GstE2eeKmTransport GstE2eeKmTransport;

typedef struct
{
  /* sends @text; the engine calls it only once the transport said it is
   * open, and never after it said it closed. Manager thread, no lock. */
  void (*send) (GstE2eeKmTransport * transport, const gchar * text);
  /* the engine lets the transport go (the engine is disposed): disconnect
   * from everything and free. No lock. */
  void (*free) (GstE2eeKmTransport * transport);
} GstE2eeKmTransportFuncs;

struct _GstE2eeKmTransport
{
  /* immutable once added */
  const GstE2eeKmTransportFuncs *funcs;
  /* transports of one group reach the same peers (the two data channels
   * of one webrtcbin): messages not yet authenticated may move a
   * participant between them, never to another group. Immutable. */
  gconstpointer group;

  /* the engine's, on its thread only */
  gboolean open;
  gboolean closed;
  /* sends that came before it opened */
  GQueue pending;
};

/* what a transport calls; any thread, no lock held */
void _gst_e2ee_km_transport_add (GstE2eeKeyManager * manager,
    GstE2eeKmTransport * transport);
void _gst_e2ee_km_transport_opened (GstE2eeKeyManager * manager,
    GstE2eeKmTransport * transport);
void _gst_e2ee_km_transport_closed (GstE2eeKeyManager * manager,
    GstE2eeKmTransport * transport);
gboolean _gst_e2ee_km_transport_received (GstE2eeKeyManager * manager,
    GstE2eeKmTransport * transport, const gchar * text);

/* the transports the engine can make */
gboolean _gst_e2ee_km_webrtc_attach (GstE2eeKeyManager * manager,
    GstElement * webrtcbin);

G_END_DECLS

#endif /* __GST_E2EE_KEY_MANAGER_TRANSPORT_H__ */
