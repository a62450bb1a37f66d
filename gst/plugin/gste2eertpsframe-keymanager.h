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

#ifndef __GST_E2EE_RTP_SFRAME_KEY_MANAGER_H__
#define __GST_E2EE_RTP_SFRAME_KEY_MANAGER_H__

#include <gst/gst.h>
#include <gst/base/gstbasetransform.h>
#include <gst/e2ee/e2ee.h>

#include "gste2eesframekeys.h"

G_BEGIN_DECLS

#ifdef GST_E2EE_HAVE_KEY_MANAGER
/* the ratchet generations a receiver derives forward, as e2eedec's
 * default ratchet-window */
#define GST_E2EE_RTP_SFRAME_RATCHET_WINDOW 8

/*
 * What a per-packet SFrame element keeps to take its keys from a key
 * manager: the manager and, on the receiver, whose packets these are
 * (guarded by the element's object lock); the subscription that fills a
 * ring with that participant's keys and the SFrame keys made from it
 * (streaming thread only, and start, stop, finalize).
 */
typedef struct
{
  GstE2eeKeyManager *manager;
  gchar *participant;
  gboolean resubscribe;

  GstE2eeKeySubscription *subscription;
  GstE2eeKeyRing *ring;
  GstE2eeSFrameKeys keys;
} GstE2eeRtpSFrameManaged;

G_GNUC_INTERNAL
void gst_e2ee_rtp_sframe_managed_init (GstE2eeRtpSFrameManaged * m,
    GstObject * owner, GstE2eeSFrameKeyUsage usage);

G_GNUC_INTERNAL
void gst_e2ee_rtp_sframe_managed_clear (GstE2eeRtpSFrameManaged * m);

G_GNUC_INTERNAL
void gst_e2ee_rtp_sframe_managed_start (GstBaseTransform * trans,
    GstE2eeRtpSFrameManaged * m, gboolean have_static_key);

G_GNUC_INTERNAL
void gst_e2ee_rtp_sframe_managed_stop (GstBaseTransform * trans,
    GstE2eeRtpSFrameManaged * m);

G_GNUC_INTERNAL
void gst_e2ee_rtp_sframe_managed_set_context (GstElement * element,
    GstE2eeRtpSFrameManaged * m, GstContext * context);

G_GNUC_INTERNAL
gboolean gst_e2ee_rtp_sframe_managed_query (GstBaseTransform * trans,
    GstE2eeRtpSFrameManaged * m, GstQuery * query);

G_GNUC_INTERNAL
gboolean gst_e2ee_rtp_sframe_managed_update (GstBaseTransform * trans,
    GstE2eeRtpSFrameManaged * m, guint * key_index);

G_GNUC_INTERNAL
void gst_e2ee_rtp_sframe_install_manager_property (GObjectClass * klass,
    guint prop_id);

G_GNUC_INTERNAL
void gst_e2ee_rtp_sframe_install_participant_property (GObjectClass * klass,
    guint prop_id);
#endif

G_END_DECLS

#endif /* __GST_E2EE_RTP_SFRAME_KEY_MANAGER_H__ */
