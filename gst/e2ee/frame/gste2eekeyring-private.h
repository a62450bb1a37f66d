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


#ifndef __GST_E2EE_KEY_RING_PRIVATE_H__
#define __GST_E2EE_KEY_RING_PRIVATE_H__

#include <gst/e2ee/gste2eekeyring.h>

G_BEGIN_DECLS

/* For the receiver algorithm (gste2eejframe.c): the key a slot held before
 * its current one, and the ratchet's compare-and-swap of a slot's key. */
G_GNUC_INTERNAL
GstE2eeKey * gst_e2ee_key_ring_get_previous_key (GstE2eeKeyRing * ring,
    guint index);

G_GNUC_INTERNAL
gboolean gst_e2ee_key_ring_replace_key (GstE2eeKeyRing * ring, guint index,
    GstE2eeKey * old_key, GstE2eeKey * new_key);

/* A counter that changes whenever a slot changes. */
G_GNUC_INTERNAL
guint gst_e2ee_key_ring_get_generation (GstE2eeKeyRing * ring);

G_END_DECLS

#endif /* __GST_E2EE_KEY_RING_PRIVATE_H__ */
