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


#ifndef __GST_E2EE_KEY_H__
#define __GST_E2EE_KEY_H__

#include <gst/e2ee/gste2eetypes.h>

G_BEGIN_DECLS

/**
 * GstE2eeKey:
 *
 * One media key: its material under a key schedule, the AES-GCM key derived
 * from it, and the cipher contexts, set up once and reused for every frame.
 *
 * A key is immutable once made: ratcheting makes a new key. Its contexts are
 * not safe to use from two threads at once; each element owns the keys of its
 * own ring, so that never happens.
 *
 * Since: 0.1
 */
typedef struct _GstE2eeKey GstE2eeKey;

GST_E2EE_API
GType gst_e2ee_key_get_type (void);
#define GST_TYPE_E2EE_KEY (gst_e2ee_key_get_type ())

GST_E2EE_API
GstE2eeKey * gst_e2ee_key_new (GstE2eeKdf kdf, const guint8 * material,
    gsize len, GError ** error);

GST_E2EE_API
GstE2eeKey * gst_e2ee_key_new_from_passphrase (GstE2eeKdf kdf,
    const gchar * passphrase, GError ** error);

GST_E2EE_API
GstE2eeKey * gst_e2ee_key_ref (GstE2eeKey * key);

GST_E2EE_API
void gst_e2ee_key_unref (GstE2eeKey * key);

GST_E2EE_API
GstE2eeKdf gst_e2ee_key_get_kdf (const GstE2eeKey * key);

GST_E2EE_API
gboolean gst_e2ee_key_can_ratchet (const GstE2eeKey * key);

GST_E2EE_API
GstE2eeKey * gst_e2ee_key_ratchet (const GstE2eeKey * key, GError ** error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (GstE2eeKey, gst_e2ee_key_unref)

G_END_DECLS

#endif /* __GST_E2EE_KEY_H__ */
