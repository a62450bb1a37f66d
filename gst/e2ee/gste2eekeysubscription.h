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


#ifndef __GST_E2EE_KEY_SUBSCRIPTION_H__
#define __GST_E2EE_KEY_SUBSCRIPTION_H__

#include <gst/e2ee/gste2eekeyring.h>
#include <gst/e2ee/gste2eekeymanager.h>

G_BEGIN_DECLS

/**
 * GstE2eeKeySubscription:
 *
 * One participant's media keys, kept in a #GstE2eeKeyRing of the
 * subscriber's: this participant's own key (what e2eeenc sends with) or a
 * remote participant's (what e2eedec opens frames with). Opaque.
 *
 * Since: 0.1
 */
typedef struct _GstE2eeKeySubscription GstE2eeKeySubscription;

GST_E2EE_API
GType gst_e2ee_key_subscription_get_type (void);
#define GST_TYPE_E2EE_KEY_SUBSCRIPTION (gst_e2ee_key_subscription_get_type ())

GST_E2EE_API
GstE2eeKeySubscription * gst_e2ee_key_subscription_new_local (
    GstE2eeKeyManager * manager, GstE2eeKeyRing * ring);

GST_E2EE_API
GstE2eeKeySubscription * gst_e2ee_key_subscription_new_remote (
    GstE2eeKeyManager * manager, const gchar * participant,
    GstE2eeKeyRing * ring);

GST_E2EE_API
GstE2eeKeySubscription * gst_e2ee_key_subscription_ref (
    GstE2eeKeySubscription * sub);

GST_E2EE_API
void gst_e2ee_key_subscription_unref (GstE2eeKeySubscription * sub);

GST_E2EE_API
gboolean gst_e2ee_key_subscription_update (GstE2eeKeySubscription * sub,
    guint * key_index);

GST_E2EE_API
gboolean gst_e2ee_key_subscription_request_key (GstE2eeKeySubscription * sub);

GST_E2EE_API
guint gst_e2ee_key_subscription_get_ratchets (GstE2eeKeySubscription * sub);

GST_E2EE_API
gchar * gst_e2ee_key_subscription_dup_participant (
    GstE2eeKeySubscription * sub);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (GstE2eeKeySubscription,
    gst_e2ee_key_subscription_unref)

G_END_DECLS

#endif /* __GST_E2EE_KEY_SUBSCRIPTION_H__ */
