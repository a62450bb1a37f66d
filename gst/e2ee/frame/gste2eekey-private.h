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


#ifndef __GST_E2EE_KEY_PRIVATE_H__
#define __GST_E2EE_KEY_PRIVATE_H__

#include <gst/e2ee/gste2eekey.h>

G_BEGIN_DECLS

/* One ratchet step of 32 bytes of raw material under @kdf, for the key
 * manager, which keeps material rather than keys. FALSE for kdf=raw. */
G_GNUC_INTERNAL
gboolean _gst_e2ee_key_ratchet_material (GstE2eeKdf kdf, const guint8 * in,
    gsize in_len, guint8 * out);

/* The key's material (NULL for kdf=raw, which drops it), for SFrame, which
 * takes a key manager's media key material as its base key
 * (gst_e2ee_sframe_context_add_media_key()). */
G_GNUC_INTERNAL
const guint8 *_gst_e2ee_key_peek_material (const GstE2eeKey * key,
    gsize * len);

/* AES-GCM with the key's contexts, for the frame formats (gste2eejframe.c):
 * applications seal and open whole frames. */
G_GNUC_INTERNAL
gboolean gst_e2ee_key_seal (GstE2eeKey * key, const guint8 * iv,
    const guint8 * aad, gsize aad_len, guint8 * data, gsize len,
    guint8 * tag);

G_GNUC_INTERNAL
gboolean gst_e2ee_key_seal_into (GstE2eeKey * key, const guint8 * iv,
    const guint8 * aad, gsize aad_len, const guint8 * in, guint8 * out,
    gsize len, guint8 * tag);

G_GNUC_INTERNAL
gboolean gst_e2ee_key_open (GstE2eeKey * key, const guint8 * iv,
    const guint8 * aad, gsize aad_len, guint8 * data, gsize len,
    const guint8 * tag);

G_GNUC_INTERNAL
gboolean gst_e2ee_key_open_into (GstE2eeKey * key, const guint8 * iv,
    const guint8 * aad, gsize aad_len, const guint8 * in, guint8 * out,
    gsize len, const guint8 * tag);

G_GNUC_INTERNAL
gboolean gst_e2ee_key_verify (GstE2eeKey * key, const guint8 * iv,
    const guint8 * aad, gsize aad_len, const guint8 * data, gsize len,
    const guint8 * tag);

/* The next key of @key's ratchet, derived once and cached in @key (the
 * receiver's ratchet window). */
G_GNUC_INTERNAL
GstE2eeKey * _gst_e2ee_key_get_next (GstE2eeKey * key);

/* For tests: how many key derivations (one HKDF or PBKDF2 run each) and
 * AES-GCM passes over frame data (seal, open, verify, restore) the calling
 * thread has done so far. */
G_GNUC_INTERNAL
void _gst_e2ee_key_get_counters (guint64 * derivations, guint64 * gcm_passes);

G_END_DECLS

#endif /* __GST_E2EE_KEY_PRIVATE_H__ */
