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


#ifndef __GST_E2EE_SFRAME_H__
#define __GST_E2EE_SFRAME_H__

#include <gst/e2ee/gste2eetypes.h>
#include <gst/e2ee/gste2eejframe.h>
#include <gst/e2ee/gste2eekey.h>

G_BEGIN_DECLS

/**
 * GST_E2EE_SFRAME_MAX_HEADER_SIZE:
 *
 * The largest SFrame header (RFC 9605 section 4.3): the config byte, 8 bytes
 * of KID and 8 bytes of CTR.
 *
 * Since: 0.2
 */
#define GST_E2EE_SFRAME_MAX_HEADER_SIZE 17

/**
 * GST_E2EE_SFRAME_MAX_TAG_SIZE:
 *
 * The largest authentication tag of any SFrame cipher suite.
 *
 * Since: 0.2
 */
#define GST_E2EE_SFRAME_MAX_TAG_SIZE 16

/**
 * GstE2eeSFrameSuite:
 * @GST_E2EE_SFRAME_SUITE_AES_128_CTR_HMAC_SHA256_80: 0x0001, AES-128-CTR with
 *   HMAC-SHA256, 10-byte tag
 * @GST_E2EE_SFRAME_SUITE_AES_128_CTR_HMAC_SHA256_64: 0x0002, 8-byte tag
 * @GST_E2EE_SFRAME_SUITE_AES_128_CTR_HMAC_SHA256_32: 0x0003, 4-byte tag
 * @GST_E2EE_SFRAME_SUITE_AES_128_GCM_SHA256_128: 0x0004, AES-128-GCM, HKDF
 *   with SHA-256, 16-byte tag (the RFC's mandatory-to-implement suite)
 * @GST_E2EE_SFRAME_SUITE_AES_256_GCM_SHA512_128: 0x0005, AES-256-GCM, HKDF
 *   with SHA-512, 16-byte tag
 * @GST_E2EE_SFRAME_SUITE_AES_256_CTR_HMAC_SHA512_80: 0x0006, AES-256-CTR with
 *   HMAC-SHA512, 10-byte tag (IANA registry, draft-barnes-sframe-iana-256)
 * @GST_E2EE_SFRAME_SUITE_AES_256_CTR_HMAC_SHA512_64: 0x0007, 8-byte tag
 * @GST_E2EE_SFRAME_SUITE_AES_256_CTR_HMAC_SHA512_32: 0x0008, 4-byte tag
 *
 * The SFrame cipher suites; the values are the IANA code points, which enter
 * the key derivation labels.
 *
 * Since: 0.2
 */
typedef enum
{
  GST_E2EE_SFRAME_SUITE_AES_128_CTR_HMAC_SHA256_80 = 1, /*< nick=aes-128-ctr-hmac-sha256-80 >*/
  GST_E2EE_SFRAME_SUITE_AES_128_CTR_HMAC_SHA256_64 = 2, /*< nick=aes-128-ctr-hmac-sha256-64 >*/
  GST_E2EE_SFRAME_SUITE_AES_128_CTR_HMAC_SHA256_32 = 3, /*< nick=aes-128-ctr-hmac-sha256-32 >*/
  GST_E2EE_SFRAME_SUITE_AES_128_GCM_SHA256_128 = 4, /*< nick=aes-128-gcm-sha256-128 >*/
  GST_E2EE_SFRAME_SUITE_AES_256_GCM_SHA512_128 = 5, /*< nick=aes-256-gcm-sha512-128 >*/
  GST_E2EE_SFRAME_SUITE_AES_256_CTR_HMAC_SHA512_80 = 6, /*< nick=aes-256-ctr-hmac-sha512-80 >*/
  GST_E2EE_SFRAME_SUITE_AES_256_CTR_HMAC_SHA512_64 = 7, /*< nick=aes-256-ctr-hmac-sha512-64 >*/
  GST_E2EE_SFRAME_SUITE_AES_256_CTR_HMAC_SHA512_32 = 8, /*< nick=aes-256-ctr-hmac-sha512-32 >*/
} GstE2eeSFrameSuite;

/**
 * GstE2eeSFrameKeyUsage:
 * @GST_E2EE_SFRAME_KEY_ENCRYPT: the key seals frames and is never used to
 *   open one
 * @GST_E2EE_SFRAME_KEY_DECRYPT: the key opens frames and is never used to
 *   seal one
 *
 * What a key may be used for: RFC 9605 section 4.4.1 requires each key to be
 * marked for encryption or for decryption, never both, so a receiver cannot
 * be made to accept frames under its own sending key.
 *
 * Since: 0.2
 */
typedef enum
{
  GST_E2EE_SFRAME_KEY_ENCRYPT = 1,
  GST_E2EE_SFRAME_KEY_DECRYPT = 2,
} GstE2eeSFrameKeyUsage;

/**
 * GstE2eeSFrameContext:
 *
 * The keys of one SFrame sender or one SFrame receiver (RFC 9605 section
 * 4.4.1), each with its cipher contexts, its CTR (sending) or its replay
 * window (receiving). Not thread-safe: the caller serialises every call on
 * one context (an element does it under its own lock).
 *
 * Since: 0.2
 */
typedef struct _GstE2eeSFrameContext GstE2eeSFrameContext;

/**
 * GST_TYPE_E2EE_SFRAME_CONTEXT:
 *
 * The boxed #GType of #GstE2eeSFrameContext (copying takes a reference).
 *
 * Since: 0.2
 */
#define GST_TYPE_E2EE_SFRAME_CONTEXT (gst_e2ee_sframe_context_get_type ())

GST_E2EE_API
GType gst_e2ee_sframe_context_get_type (void);

GST_E2EE_API
gsize gst_e2ee_sframe_header_write (guint64 kid, guint64 ctr, guint8 * out);

GST_E2EE_API
gboolean gst_e2ee_sframe_header_read (const guint8 * data, gsize size,
    guint64 * kid, guint64 * ctr, gsize * header_size);

GST_E2EE_API
gsize gst_e2ee_sframe_header_size (guint64 kid, guint64 ctr);

GST_E2EE_API
gboolean gst_e2ee_sframe_suite_is_valid (GstE2eeSFrameSuite suite);

GST_E2EE_API
gsize gst_e2ee_sframe_suite_tag_size (GstE2eeSFrameSuite suite);

GST_E2EE_API
gsize gst_e2ee_sframe_suite_key_size (GstE2eeSFrameSuite suite);

GST_E2EE_API
GstE2eeSFrameContext * gst_e2ee_sframe_context_new (GstE2eeSFrameSuite suite);

GST_E2EE_API
GstE2eeSFrameContext * gst_e2ee_sframe_context_ref (GstE2eeSFrameContext * ctx);

GST_E2EE_API
void gst_e2ee_sframe_context_free (GstE2eeSFrameContext * ctx);

GST_E2EE_API
GstE2eeSFrameSuite gst_e2ee_sframe_context_get_suite (GstE2eeSFrameContext * ctx);

GST_E2EE_API
gboolean gst_e2ee_sframe_context_add_key (GstE2eeSFrameContext * ctx,
    guint64 kid, const guint8 * base_key, gsize base_key_size,
    GstE2eeSFrameKeyUsage usage);

GST_E2EE_API
gboolean gst_e2ee_sframe_context_add_media_key (GstE2eeSFrameContext * ctx,
    guint64 kid, GstE2eeKey * key, GstE2eeSFrameKeyUsage usage);

GST_E2EE_API
gboolean gst_e2ee_sframe_context_remove_key (GstE2eeSFrameContext * ctx,
    guint64 kid);

GST_E2EE_API
gboolean gst_e2ee_sframe_context_set_encrypt_kid (GstE2eeSFrameContext * ctx,
    guint64 kid);

GST_E2EE_API
gboolean gst_e2ee_sframe_context_set_next_ctr (GstE2eeSFrameContext * ctx,
    guint64 kid, guint64 ctr);

GST_E2EE_API
gsize gst_e2ee_sframe_context_overhead (GstE2eeSFrameContext * ctx);

GST_E2EE_API
gsize gst_e2ee_sframe_context_next_header_size (GstE2eeSFrameContext * ctx);

GST_E2EE_API
GstE2eeFrameResult gst_e2ee_sframe_context_seal (GstE2eeSFrameContext * ctx,
    const guint8 * metadata, gsize metadata_size, const guint8 * plaintext,
    gsize size, guint8 * out, gsize out_size, gsize * sealed_size);

GST_E2EE_API
GstE2eeFrameResult gst_e2ee_sframe_context_open (GstE2eeSFrameContext * ctx,
    const guint8 * metadata, gsize metadata_size, const guint8 * sealed,
    gsize size, guint8 * out, gsize out_size, gsize * plain_size);

G_END_DECLS

#endif /* __GST_E2EE_SFRAME_H__ */
