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


#ifndef __GST_E2EE_JFRAME_H__
#define __GST_E2EE_JFRAME_H__

#include <gst/e2ee/gste2eekeyring.h>
#include <gst/e2ee/gste2eecodec.h>

G_BEGIN_DECLS

/**
 * GST_E2EE_JFRAME_TRAILER_SIZE:
 *
 * Bytes a JFrame adds to a frame: GCM tag (16), IV (12), IV length (1), KID (1).
 *
 * Since: 0.1
 */
#define GST_E2EE_JFRAME_TRAILER_SIZE \
    (GST_E2EE_AES_GCM_TAG_SIZE + GST_E2EE_IV_SIZE + 2)

/**
 * GstE2eeFrameResult:
 * @GST_E2EE_FRAME_OK: the frame was sealed or opened
 * @GST_E2EE_FRAME_TOO_SHORT: shorter than the trailer
 * @GST_E2EE_FRAME_BAD_IV_LENGTH: the IV-length byte is not 12
 * @GST_E2EE_FRAME_MISSING_KEY: the KID names an empty slot
 * @GST_E2EE_FRAME_AUTH_FAILED: no key within the ratchet window authenticates it
 * @GST_E2EE_FRAME_CRYPTO_ERROR: the crypto library failed
 * @GST_E2EE_FRAME_BAD_HEADER: the frame does not follow its codec's syntax
 *   (an H.264 or H.265 access unit without a slice NAL unit or a leading
 *   start code, an AV1 temporal unit without an OBU to protect or with an
 *   OBU size that does not fit), so it cannot be sealed, or was not sealed
 *   by a sender that follows the rules
 * @GST_E2EE_FRAME_NO_SPACE: the output memory is too small
 * @GST_E2EE_FRAME_REPLAY: SFrame: the frame's CTR was already accepted under
 *   its KID, or is older than the replay window (Since: 0.2)
 * @GST_E2EE_FRAME_CTR_EXHAUSTED: SFrame: the sending key's CTR reached
 *   2^64-1; the key must be replaced before another frame is sealed
 *   (Since: 0.2)
 *
 * For SFrame, %GST_E2EE_FRAME_MISSING_KEY means the KID names no key marked
 * for decryption, %GST_E2EE_FRAME_BAD_HEADER a truncated or non-minimal
 * header, %GST_E2EE_FRAME_TOO_SHORT a frame without room for the tag.
 *
 * What became of a frame.
 *
 * Since: 0.1
 */
typedef enum
{
  GST_E2EE_FRAME_OK = 0,
  GST_E2EE_FRAME_TOO_SHORT,
  GST_E2EE_FRAME_BAD_IV_LENGTH,
  GST_E2EE_FRAME_MISSING_KEY,
  GST_E2EE_FRAME_AUTH_FAILED,
  GST_E2EE_FRAME_CRYPTO_ERROR,
  GST_E2EE_FRAME_BAD_HEADER,
  GST_E2EE_FRAME_NO_SPACE,
  GST_E2EE_FRAME_REPLAY,
  GST_E2EE_FRAME_CTR_EXHAUSTED,
} GstE2eeFrameResult;

/**
 * GstE2eeIvSource:
 *
 * Makes IVs that do not repeat under one key: a random 32-bit prefix and a
 * 64-bit big-endian counter that starts at a random value and grows by one
 * per frame (wrapping modulo 2^64).
 *
 * Since: 0.1
 */
typedef struct
{
  /*< private >*/
  guint32 prefix;
  guint64 counter;
} GstE2eeIvSource;

GST_E2EE_API
gboolean gst_e2ee_iv_source_init (GstE2eeIvSource * src);

GST_E2EE_API
void gst_e2ee_iv_source_next (GstE2eeIvSource * src, guint8 * iv);

GST_E2EE_API
gboolean gst_e2ee_jframe_seal (GstE2eeKey * key, guint8 kid,
    const guint8 * iv, GstE2eeCodec codec, guint8 * frame, gsize size,
    guint8 * trailer);

GST_E2EE_API
gsize gst_e2ee_jframe_sealed_size (GstE2eeCodec codec, const guint8 * frame,
    gsize size);

GST_E2EE_API
GstE2eeFrameResult gst_e2ee_jframe_seal_into (GstE2eeKey * key, guint8 kid,
    const guint8 * iv, GstE2eeCodec codec, const guint8 * frame, gsize size,
    guint8 * out, gsize out_size, gsize * sealed_size);

GST_E2EE_API
GstE2eeFrameResult gst_e2ee_jframe_open (GstE2eeKeyRing * ring,
    GstE2eeCodec codec, guint ratchet_window, guint8 * frame, gsize size,
    gsize * out_offset, gsize * out_size, guint * n_ratchets);

GST_E2EE_API
GstE2eeFrameResult gst_e2ee_jframe_open_split (GstE2eeKeyRing * ring,
    GstE2eeCodec codec, guint ratchet_window, const guint8 * body,
    guint8 * out, gsize size, const guint8 * trailer, guint * n_ratchets);

GST_E2EE_API
const gchar * gst_e2ee_frame_result_to_string (GstE2eeFrameResult result);

G_END_DECLS

#endif /* __GST_E2EE_JFRAME_H__ */
