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


#ifndef __GST_E2EE_SFRAME_PRIVATE_H__
#define __GST_E2EE_SFRAME_PRIVATE_H__

#include <gst/e2ee/gste2eesframe.h>

G_BEGIN_DECLS

/* Largest derived key: suites 6-8 take 32 bytes of AES-256 key and 64 of
 * HMAC-SHA512 key. */
#define GST_E2EE_SFRAME_MAX_KEY_SIZE 96
#define GST_E2EE_SFRAME_NONCE_SIZE 12

/* Known-answer entry points for tests and the fuzzers: the RFC's
 * intermediate values (sframe_key, sframe_salt) and the AES-CTR+HMAC AEAD
 * on its own (RFC 9605 appendix C.2). */
G_GNUC_INTERNAL
gboolean gst_e2ee_sframe_derive (GstE2eeSFrameSuite suite, guint64 kid,
    const guint8 * base_key, gsize base_key_size, guint8 * key,
    guint8 * salt);

G_GNUC_INTERNAL
gboolean gst_e2ee_sframe_ctr_hmac_encrypt (GstE2eeSFrameSuite suite,
    const guint8 * key, const guint8 * nonce, const guint8 * aad,
    gsize aad_size, const guint8 * pt, gsize size, guint8 * out);

G_GNUC_INTERNAL
gboolean gst_e2ee_sframe_ctr_hmac_decrypt (GstE2eeSFrameSuite suite,
    const guint8 * key, const guint8 * nonce, const guint8 * aad,
    gsize aad_size, const guint8 * ct, gsize size, guint8 * out);

/* Seal under an explicit CTR (the vectors fix it); the context's own CTR is
 * neither used nor advanced. */
G_GNUC_INTERNAL
GstE2eeFrameResult gst_e2ee_sframe_context_seal_with_ctr
    (GstE2eeSFrameContext * ctx, guint64 ctr, const guint8 * metadata,
    gsize metadata_size, const guint8 * plaintext, gsize size, guint8 * out,
    gsize out_size, gsize * sealed_size);

/* The next CTR the sending key would use, for tests. */
G_GNUC_INTERNAL
gboolean gst_e2ee_sframe_context_get_next_ctr (GstE2eeSFrameContext * ctx,
    guint64 * ctr);

G_END_DECLS

#endif /* __GST_E2EE_SFRAME_PRIVATE_H__ */
