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


/**
 * SECTION:element-rtpsframepay
 * @title: rtpsframepay
 * @see_also: e2eeenc, rtpsframedepay, rtpsframeenc
 *
 * Puts SFrame ciphertexts of whole encoded frames in RTP packets, in the
 * per-frame mode (T=0) of draft-ietf-avtcore-rtp-sframe-02: the ciphertext
 * that e2eeenc format=sframe makes of a frame is cut into packets that fit
 * #GstRTPBasePayload:mtu, each behind the one-byte SFrame descriptor (S on
 * the first packet, E on the last, T clear). The payloader never looks
 * inside the frame, so one element serves every codec; the RTP caps keep
 * the codec's encoding-name and clock-rate (the payload type stays the
 * codec's) and carry `a-sframe`, which webrtcbin writes into the SDP as a
 * media-level `a=sframe`. On video the marker bit is set on the last packet
 * of a frame.
 *
 * A router sees nothing of the frame in this mode: not the key-frame flag,
 * not the picture size. It sees the RTP header (marker, timestamp,
 * sequence number) and the S/E bits.
 *
 * ## Example launch lines
 * |[
 * gst-launch-1.0 videotestsrc ! vp8enc deadline=1 ! \
 *     e2eeenc format=sframe key=<32 hex digits> key-id=1 ! \
 *     rtpsframepay mtu=1200 ! udpsink host=127.0.0.1 port=5002
 * ]| Encrypts VP8 video with SFrame and sends it per frame.
 * |[
 * gst-launch-1.0 udpsrc port=5002 \
 *     caps="application/x-rtp,media=video,clock-rate=90000,encoding-name=VP8" ! \
 *     rtpjitterbuffer ! rtpsframedepay ! \
 *     e2eedec format=sframe key=<32 hex digits> key-id=1 ! vp8dec ! autovideosink
 * ]| Receives it.
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <gst/rtp/gstrtpbuffer.h>
#include <gst/e2ee/e2ee.h>

#include "gste2eertpsframepay.h"
#include "gste2eertpsframe-common.h"
#include "gste2eei18n.h"

GST_DEBUG_CATEGORY_STATIC (gst_e2ee_rtp_sframe_pay_debug);
#define GST_CAT_DEFAULT gst_e2ee_rtp_sframe_pay_debug

struct _GstE2eeRtpSFramePay
{
  GstRTPBasePayload parent;

  /* streaming thread only */
  gboolean video;
};

static GstStaticPadTemplate sink_template = GST_STATIC_PAD_TEMPLATE ("sink",
    GST_PAD_SINK, GST_PAD_ALWAYS,
    GST_STATIC_CAPS (GST_E2EE_RTP_SFRAME_CODEC_CAPS));

static GstStaticPadTemplate src_template = GST_STATIC_PAD_TEMPLATE ("src",
    GST_PAD_SRC, GST_PAD_ALWAYS,
    GST_STATIC_CAPS (GST_E2EE_RTP_SFRAME_RTP_CAPS));

#define gst_e2ee_rtp_sframe_pay_parent_class parent_class
G_DEFINE_TYPE_WITH_CODE (GstE2eeRtpSFramePay, gst_e2ee_rtp_sframe_pay,
    GST_TYPE_RTP_BASE_PAYLOAD,
    GST_DEBUG_CATEGORY_INIT (gst_e2ee_rtp_sframe_pay_debug, "rtpsframepay", 0,
        "SFrame per-frame RTP payloader"));
GST_ELEMENT_REGISTER_DEFINE (rtpsframepay, "rtpsframepay", GST_RANK_NONE,
    GST_TYPE_E2EE_RTP_SFRAME_PAY);

static GstFlowReturn
gst_e2ee_rtp_sframe_pay_handle_buffer (GstRTPBasePayload * payload,
    GstBuffer * buffer)
{
  GstE2eeRtpSFramePay *self = GST_E2EE_RTP_SFRAME_PAY (payload);
  GstBufferList *list;
  guint header_size, mtu, n;
  gsize size, max_payload;

  size = gst_buffer_get_size (buffer);
  if (size == 0) {
    GST_LOG_OBJECT (self, "empty frame, nothing to send");
    gst_buffer_unref (buffer);
    return GST_FLOW_OK;
  }

  header_size = gst_rtp_buffer_calc_header_len
      (gst_rtp_base_payload_get_source_count (payload, buffer));
  mtu = GST_RTP_BASE_PAYLOAD_MTU (payload);
  if (mtu < header_size + 2) {
    gst_buffer_unref (buffer);
    GST_ELEMENT_ERROR (self, RESOURCE, SETTINGS,
        (_("The MTU is too small to send SFrame packets.")),
        ("mtu %u, RTP header %u bytes, descriptor 1 byte", mtu, header_size));
    return GST_FLOW_ERROR;
  }
  max_payload = mtu - header_size;
  n = gst_e2ee_sframe_rtp_fragment_count (size, max_payload);

  GST_LOG_OBJECT (self, "frame of %" G_GSIZE_FORMAT " bytes in %u packets",
      size, n);

  list = gst_buffer_list_new_sized (n);
  for (guint i = 0; i < n; i++) {
    GstRTPBuffer rtp = GST_RTP_BUFFER_INIT;
    GstBuffer *out;
    gsize offset, len;
    guint8 desc;
    gboolean last = i == n - 1;

    desc = gst_e2ee_sframe_rtp_fragment (size, max_payload, i, &offset, &len);
    /* the base class adds the CSRCs of source-info here */
    out = gst_rtp_base_payload_allocate_output_buffer (payload, 1, 0, 0);
    gst_rtp_buffer_map (out, GST_MAP_WRITE, &rtp);
    *(guint8 *) gst_rtp_buffer_get_payload (&rtp) = desc;
    /* RFC 3551: on video the marker ends a frame; on audio it would start
     * a talkspurt, which this element cannot tell */
    gst_rtp_buffer_set_marker (&rtp, self->video && last);
    gst_rtp_buffer_unmap (&rtp);

    if (self->video && last)
      GST_BUFFER_FLAG_SET (out, GST_BUFFER_FLAG_MARKER);
    /* the key-frame flag is all a frame tells of itself here (the
     * encoder's, not read from the ciphertext) */
    if (i != 0 || GST_BUFFER_FLAG_IS_SET (buffer, GST_BUFFER_FLAG_DELTA_UNIT))
      GST_BUFFER_FLAG_SET (out, GST_BUFFER_FLAG_DELTA_UNIT);
    GST_BUFFER_PTS (out) = GST_BUFFER_PTS (buffer);
    GST_BUFFER_DURATION (out) = GST_BUFFER_DURATION (buffer);

    /* shares the frame's memory, no copy of the payload */
    out = gst_buffer_append (out, gst_buffer_copy_region (buffer,
            GST_BUFFER_COPY_MEMORY, offset, len));
    gst_buffer_list_add (list, out);
  }
  gst_buffer_unref (buffer);

  return gst_rtp_base_payload_push_list (payload, list);
}

static gboolean
gst_e2ee_rtp_sframe_pay_set_caps (GstRTPBasePayload * payload, GstCaps * caps)
{
  GstE2eeRtpSFramePay *self = GST_E2EE_RTP_SFRAME_PAY (payload);
  const gchar *media, *encoding_name, *encoding_params;
  guint clock_rate;

  if (!gst_e2ee_rtp_sframe_rtp_options (caps, &media, &encoding_name,
          &clock_rate, &encoding_params))
    return FALSE;

  self->video = g_str_equal (media, "video");
  gst_rtp_base_payload_set_options (payload, media, TRUE, encoding_name,
      clock_rate);
  /* webrtcbin writes a string "a-sframe" field as a=sframe */
  if (encoding_params)
    return gst_rtp_base_payload_set_outcaps (payload, "encoding-params",
        G_TYPE_STRING, encoding_params, "a-sframe", G_TYPE_STRING, "", NULL);
  return gst_rtp_base_payload_set_outcaps (payload, "a-sframe", G_TYPE_STRING,
      "", NULL);
}

static void
gst_e2ee_rtp_sframe_pay_class_init (GstE2eeRtpSFramePayClass * klass)
{
  GstElementClass *element_class = GST_ELEMENT_CLASS (klass);
  GstRTPBasePayloadClass *pay_class = GST_RTP_BASE_PAYLOAD_CLASS (klass);

  pay_class->handle_buffer =
      GST_DEBUG_FUNCPTR (gst_e2ee_rtp_sframe_pay_handle_buffer);
  pay_class->set_caps = GST_DEBUG_FUNCPTR (gst_e2ee_rtp_sframe_pay_set_caps);

  gst_element_class_add_static_pad_template (element_class, &sink_template);
  gst_element_class_add_static_pad_template (element_class, &src_template);
  gst_element_class_set_static_metadata (element_class,
      "RTP SFrame payloader (per frame)", "Codec/Payloader/Network/RTP",
      "Puts SFrame-encrypted frames of any codec in RTP packets "
      "(draft-ietf-avtcore-rtp-sframe, T=0)", "The gst-e2ee authors");
}

static void
gst_e2ee_rtp_sframe_pay_init (GstE2eeRtpSFramePay * self)
{
}
