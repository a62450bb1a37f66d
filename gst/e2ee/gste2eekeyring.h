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


#ifndef __GST_E2EE_KEY_RING_H__
#define __GST_E2EE_KEY_RING_H__

#include <gst/e2ee/gste2eekey.h>

G_BEGIN_DECLS

/**
 * GST_E2EE_KEY_RING_DEFAULT_SIZE:
 *
 * Slots in a key ring unless asked otherwise; the web clients use 16.
 *
 * Since: 0.1
 */
#define GST_E2EE_KEY_RING_DEFAULT_SIZE 16

/**
 * GstE2eeKeyRing:
 *
 * The keys of one sender, by key index. Each slot holds the current key and
 * the one it replaced, so frames still in flight under the replaced key
 * decrypt after a change.
 *
 * Since: 0.1
 */
typedef struct _GstE2eeKeyRing GstE2eeKeyRing;

GST_E2EE_API
GType gst_e2ee_key_ring_get_type (void);
#define GST_TYPE_E2EE_KEY_RING (gst_e2ee_key_ring_get_type ())

GST_E2EE_API
GstE2eeKeyRing * gst_e2ee_key_ring_new (guint size);

GST_E2EE_API
GstE2eeKeyRing * gst_e2ee_key_ring_ref (GstE2eeKeyRing * ring);

GST_E2EE_API
void gst_e2ee_key_ring_unref (GstE2eeKeyRing * ring);

GST_E2EE_API
guint gst_e2ee_key_ring_get_size (GstE2eeKeyRing * ring);

GST_E2EE_API
void gst_e2ee_key_ring_set_key (GstE2eeKeyRing * ring, guint index,
    GstE2eeKey * key);

GST_E2EE_API
GstE2eeKey * gst_e2ee_key_ring_get_key (GstE2eeKeyRing * ring, guint index);

GST_E2EE_API
void gst_e2ee_key_ring_clear (GstE2eeKeyRing * ring);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (GstE2eeKeyRing, gst_e2ee_key_ring_unref)

G_END_DECLS

#endif /* __GST_E2EE_KEY_RING_H__ */
