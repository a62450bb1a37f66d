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

#ifndef __GST_E2EE_RTP_SFRAME_COMMON_H__
#define __GST_E2EE_RTP_SFRAME_COMMON_H__

#include <gst/gst.h>
#include <gst/e2ee/e2ee.h>

G_BEGIN_DECLS

/* The codecs the per-frame SFrame payloader and depayloader map between
 * their encoded-media caps and RTP caps: the RTP caps keep the codec's
 * encoding-name and clock-rate (the payload type stays the codec's, as the
 * draft requires), so the SDP names the codec and a=sframe says it is
 * encrypted. */
#define GST_E2EE_RTP_SFRAME_CODEC_CAPS \
    "video/x-vp8; video/x-vp9; " \
    "video/x-h264, stream-format = (string) byte-stream, " \
    "alignment = (string) au; " \
    "video/x-h265, stream-format = (string) byte-stream, " \
    "alignment = (string) au; " \
    "video/x-av1, stream-format = (string) obu-stream, " \
    "alignment = (string) tu; " \
    "audio/x-opus"

#define GST_E2EE_RTP_SFRAME_RTP_CAPS \
    "application/x-rtp, media = (string) { video, audio }, " \
    "payload = (int) [ 0, 127 ], clock-rate = (int) [ 1, MAX ], " \
    "encoding-name = (string) { VP8, VP9, H264, H265, AV1, OPUS }"

G_GNUC_INTERNAL
gboolean gst_e2ee_rtp_sframe_rtp_options (const GstCaps * codec_caps,
    const gchar ** media, const gchar ** encoding_name, guint * clock_rate,
    const gchar ** encoding_params);

G_GNUC_INTERNAL
GstCaps * gst_e2ee_rtp_sframe_codec_caps (const GstStructure * rtp_caps,
    gboolean * video);

G_GNUC_INTERNAL
void gst_e2ee_rtp_sframe_set_sdp_attribute (GstCaps * caps);

/* The static key of a per-packet element: key material, KID and suite as
 * set through properties, and the SFrame context made of them when first
 * needed after a change. Guarded by the element's object lock. */
typedef struct
{
  guint8 *material;             /* wiped when replaced or freed */
  gsize material_len;
  guint64 kid;
  GstE2eeSFrameSuite suite;
  gboolean dirty;
  GstE2eeSFrameContext *ctx;
} GstE2eeRtpSFrameKey;

G_GNUC_INTERNAL
void gst_e2ee_rtp_sframe_key_init (GstE2eeRtpSFrameKey * key);

G_GNUC_INTERNAL
void gst_e2ee_rtp_sframe_key_clear (GstE2eeRtpSFrameKey * key);

G_GNUC_INTERNAL
void gst_e2ee_rtp_sframe_key_set_material (GstE2eeRtpSFrameKey * key,
    GstBuffer * buf);

G_GNUC_INTERNAL
GstE2eeSFrameContext * gst_e2ee_rtp_sframe_key_context (
    GstE2eeRtpSFrameKey * key, GstE2eeSFrameKeyUsage usage,
    gboolean * bad_key);

G_GNUC_INTERNAL
void gst_e2ee_rtp_sframe_install_key_properties (GObjectClass * klass,
    guint prop_key, guint prop_key_id, guint prop_suite);

#define GST_E2EE_RTP_SFRAME_DEFAULT_SUITE \
    GST_E2EE_SFRAME_SUITE_AES_128_GCM_SHA256_128

G_END_DECLS

#endif /* __GST_E2EE_RTP_SFRAME_COMMON_H__ */
