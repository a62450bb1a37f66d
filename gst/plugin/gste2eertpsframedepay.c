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
 * SECTION:element-rtpsframedepay
 * @title: rtpsframedepay
 * @see_also: e2eedec, rtpsframepay, rtpsframedec
 *
 * Puts per-frame SFrame ciphertexts (T=0 of
 * draft-ietf-avtcore-rtp-sframe-02) back together from their RTP packets,
 * S to E in sequence-number order, for e2eedec format=sframe to decrypt.
 * The output caps are those of the codec the RTP caps name (VP8, VP9, H264,
 * H265, AV1, OPUS).
 *
 * Nothing that is not per-frame SFrame gets through: a packet whose
 * descriptor has a reserved bit or the T bit of per-packet mode is refused,
 * and a frame is given up when a packet is missing, when a new S comes
 * before its E, when a fragment comes with no S, or when it grows past
 * #GstE2eeRtpSFrameDepay:max-frame-size. Each case is counted in
 * #GstE2eeRtpSFrameDepay:stats. A peer that negotiated a=sframe but sends
 * plain codec payloads (Chromium 156 echoes a=sframe and sends plain VP8)
 * has all its packets refused: the first refusal posts a warning, and no
 * frame reaches the decoder. On video a lost frame sends a force-key-unit
 * event upstream, which rtpbin and webrtcbin turn into a PLI.
 *
 * ## Example launch line
 * |[
 * gst-launch-1.0 udpsrc port=5002 \
 *     caps="application/x-rtp,media=video,clock-rate=90000,encoding-name=VP8" ! \
 *     rtpjitterbuffer ! rtpsframedepay ! \
 *     e2eedec format=sframe key=<32 hex digits> key-id=1 ! vp8dec ! autovideosink
 * ]| Receives VP8 sent by rtpsframepay.
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <gst/rtp/gstrtpbuffer.h>
#include <gst/video/video.h>
#include <gst/e2ee/e2ee.h>

#include "gste2eertpsframedepay.h"
#include "gste2eertpsframe-common.h"
#include "gste2eei18n.h"

GST_DEBUG_CATEGORY_STATIC (gst_e2ee_rtp_sframe_depay_debug);
#define GST_CAT_DEFAULT gst_e2ee_rtp_sframe_depay_debug

#define DEFAULT_MAX_FRAME_SIZE (8 * 1024 * 1024)
#define DEFAULT_REQUEST_KEYFRAME TRUE

enum
{
  PROP_0,
  PROP_MAX_FRAME_SIZE,
  PROP_REQUEST_KEYFRAME,
  PROP_STATS,
};

struct _GstE2eeRtpSFrameDepay
{
  GstRTPBaseDepayload parent;

  /* protected by the object lock: the assembler (so that "stats" reads
   * its counters while the streaming thread pushes) and the settings */
  GstE2eeSFrameRtpAssembler *assembler;
  guint max_frame_size;
  gboolean request_keyframe;

  /* streaming thread only */
  gboolean video;
  gboolean warned;
  gboolean discont;
};

static GstStaticPadTemplate sink_template = GST_STATIC_PAD_TEMPLATE ("sink",
    GST_PAD_SINK, GST_PAD_ALWAYS,
    GST_STATIC_CAPS (GST_E2EE_RTP_SFRAME_RTP_CAPS));

static GstStaticPadTemplate src_template = GST_STATIC_PAD_TEMPLATE ("src",
    GST_PAD_SRC, GST_PAD_ALWAYS,
    GST_STATIC_CAPS (GST_E2EE_RTP_SFRAME_CODEC_CAPS));

#define gst_e2ee_rtp_sframe_depay_parent_class parent_class
G_DEFINE_TYPE_WITH_CODE (GstE2eeRtpSFrameDepay, gst_e2ee_rtp_sframe_depay,
    GST_TYPE_RTP_BASE_DEPAYLOAD,
    GST_DEBUG_CATEGORY_INIT (gst_e2ee_rtp_sframe_depay_debug, "rtpsframedepay",
        0, "SFrame per-frame RTP depayloader"));
GST_ELEMENT_REGISTER_DEFINE (rtpsframedepay, "rtpsframedepay", GST_RANK_NONE,
    GST_TYPE_E2EE_RTP_SFRAME_DEPAY);

static gboolean
gst_e2ee_rtp_sframe_depay_set_caps (GstRTPBaseDepayload * depay, GstCaps * caps)
{
  GstE2eeRtpSFrameDepay *self = GST_E2EE_RTP_SFRAME_DEPAY (depay);
  GstStructure *s = gst_caps_get_structure (caps, 0);
  GstCaps *outcaps;
  gint clock_rate = 0;
  gboolean res;

  outcaps = gst_e2ee_rtp_sframe_codec_caps (s, &self->video);
  if (outcaps == NULL) {
    GST_ELEMENT_ERROR (self, STREAM, CODEC_NOT_FOUND,
        (_("The RTP stream names a codec that SFrame cannot carry here.")),
        ("caps %" GST_PTR_FORMAT, caps));
    return FALSE;
  }
  if (gst_structure_get_int (s, "clock-rate", &clock_rate))
    depay->clock_rate = clock_rate;
  res = gst_pad_set_caps (GST_RTP_BASE_DEPAYLOAD_SRCPAD (depay), outcaps);
  gst_caps_unref (outcaps);
  return res;
}

static void
stats_diff (const GstE2eeSFrameRtpStats * a, const GstE2eeSFrameRtpStats * b,
    guint64 * lost, guint64 * refused)
{
  *lost = b->frames_lost - a->frames_lost;
  *refused = (b->reserved_bits - a->reserved_bits) +
      (b->wrong_mode - a->wrong_mode);
}

static GstBuffer *
gst_e2ee_rtp_sframe_depay_process (GstRTPBaseDepayload * depay,
    GstRTPBuffer * rtp)
{
  GstE2eeRtpSFrameDepay *self = GST_E2EE_RTP_SFRAME_DEPAY (depay);
  GstE2eeSFrameRtpStats before, after;
  GstE2eeSFrameRtpPush res;
  GstBuffer *out = NULL;
  guint64 lost, refused;

  GST_OBJECT_LOCK (self);
  gst_e2ee_sframe_rtp_assembler_get_stats (self->assembler, &before);
  res = gst_e2ee_sframe_rtp_assembler_push (self->assembler,
      gst_rtp_buffer_get_seq (rtp), gst_rtp_buffer_get_timestamp (rtp),
      gst_rtp_buffer_get_payload (rtp), gst_rtp_buffer_get_payload_len (rtp));
  gst_e2ee_sframe_rtp_assembler_get_stats (self->assembler, &after);
  if (res == GST_E2EE_SFRAME_RTP_PUSH_FRAME) {
    gsize size;
    const guint8 *frame =
        gst_e2ee_sframe_rtp_assembler_frame (self->assembler, &size);

    out = gst_buffer_new_memdup (frame, size);
  }
  GST_OBJECT_UNLOCK (self);

  stats_diff (&before, &after, &lost, &refused);
  if (refused && !self->warned) {
    self->warned = TRUE;
    GST_ELEMENT_WARNING (self, STREAM, DECRYPT,
        (_("Received media that is not SFrame on a stream that negotiated "
                "SFrame; it is dropped.")),
        ("first payload byte 0x%02x is no per-frame SFrame descriptor",
            gst_rtp_buffer_get_payload_len (rtp) ?
            *(guint8 *) gst_rtp_buffer_get_payload (rtp) : 0));
  }
  if (res == GST_E2EE_SFRAME_RTP_PUSH_DROPPED) {
    GstClockTime pts = GST_BUFFER_PTS (rtp->buffer);
    GstPad *srcpad = GST_RTP_BASE_DEPAYLOAD_SRCPAD (depay);
    GstEvent *segment;

    GST_DEBUG_OBJECT (self, "packet %u dropped", gst_rtp_buffer_get_seq (rtp));
    self->discont = TRUE;
    /* tell downstream about the time the dropped frame covered, so sinks
     * and aggregators do not wait for it; once per frame (its last packet
     * or a loss), and only after a segment went out */
    segment = gst_pad_get_sticky_event (srcpad, GST_EVENT_SEGMENT, 0);
    if (segment && GST_CLOCK_TIME_IS_VALID (pts) && (lost
            || gst_rtp_buffer_get_marker (rtp)))
      gst_pad_push_event (srcpad, gst_event_new_gap (pts, GST_CLOCK_TIME_NONE));
    if (segment)
      gst_event_unref (segment);
    if (lost && self->video) {
      gboolean request;

      GST_OBJECT_LOCK (self);
      request = self->request_keyframe;
      GST_OBJECT_UNLOCK (self);
      if (request)
        gst_pad_push_event (GST_RTP_BASE_DEPAYLOAD_SINKPAD (depay),
            gst_video_event_new_upstream_force_key_unit (GST_CLOCK_TIME_NONE,
                TRUE, 0));
    }
  }
  if (out && self->discont) {
    GST_BUFFER_FLAG_SET (out, GST_BUFFER_FLAG_DISCONT);
    self->discont = FALSE;
  }
  return out;
}

static gboolean
gst_e2ee_rtp_sframe_depay_handle_event (GstRTPBaseDepayload * depay,
    GstEvent * event)
{
  GstE2eeRtpSFrameDepay *self = GST_E2EE_RTP_SFRAME_DEPAY (depay);

  if (GST_EVENT_TYPE (event) == GST_EVENT_FLUSH_STOP) {
    GST_OBJECT_LOCK (self);
    gst_e2ee_sframe_rtp_assembler_reset (self->assembler);
    GST_OBJECT_UNLOCK (self);
  }
  return GST_RTP_BASE_DEPAYLOAD_CLASS (parent_class)->handle_event (depay,
      event);
}

static GstStateChangeReturn
gst_e2ee_rtp_sframe_depay_change_state (GstElement * element,
    GstStateChange transition)
{
  GstE2eeRtpSFrameDepay *self = GST_E2EE_RTP_SFRAME_DEPAY (element);

  if (transition == GST_STATE_CHANGE_READY_TO_PAUSED) {
    GST_OBJECT_LOCK (self);
    /* a new stream: the counters start again, with the size set now */
    gst_e2ee_sframe_rtp_assembler_free (self->assembler);
    self->assembler = gst_e2ee_sframe_rtp_assembler_new (self->max_frame_size);
    GST_OBJECT_UNLOCK (self);
    self->warned = FALSE;
    self->discont = TRUE;
  }
  return GST_ELEMENT_CLASS (parent_class)->change_state (element, transition);
}

static GstStructure *
make_stats (GstE2eeRtpSFrameDepay * self)
{
  GstE2eeSFrameRtpStats st;

  GST_OBJECT_LOCK (self);
  gst_e2ee_sframe_rtp_assembler_get_stats (self->assembler, &st);
  GST_OBJECT_UNLOCK (self);

  return gst_structure_new ("application/x-rtpsframedepay-stats",
      "packets", G_TYPE_UINT64, st.packets,
      "frames", G_TYPE_UINT64, st.frames,
      "frames-lost", G_TYPE_UINT64, st.frames_lost,
      "start-without-end", G_TYPE_UINT64, st.start_without_end,
      "end-without-start", G_TYPE_UINT64, st.end_without_start,
      "reserved-bits", G_TYPE_UINT64, st.reserved_bits,
      "wrong-mode", G_TYPE_UINT64, st.wrong_mode,
      "truncated", G_TYPE_UINT64, st.truncated,
      "oversize", G_TYPE_UINT64, st.oversize,
      "discarded", G_TYPE_UINT64, st.discarded, NULL);
}

static void
gst_e2ee_rtp_sframe_depay_set_property (GObject * object, guint prop_id,
    const GValue * value, GParamSpec * pspec)
{
  GstE2eeRtpSFrameDepay *self = GST_E2EE_RTP_SFRAME_DEPAY (object);

  switch (prop_id) {
    case PROP_MAX_FRAME_SIZE:
      GST_OBJECT_LOCK (self);
      self->max_frame_size = g_value_get_uint (value);
      GST_OBJECT_UNLOCK (self);
      break;
    case PROP_REQUEST_KEYFRAME:
      GST_OBJECT_LOCK (self);
      self->request_keyframe = g_value_get_boolean (value);
      GST_OBJECT_UNLOCK (self);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      break;
  }
}

static void
gst_e2ee_rtp_sframe_depay_get_property (GObject * object, guint prop_id,
    GValue * value, GParamSpec * pspec)
{
  GstE2eeRtpSFrameDepay *self = GST_E2EE_RTP_SFRAME_DEPAY (object);

  switch (prop_id) {
    case PROP_MAX_FRAME_SIZE:
      GST_OBJECT_LOCK (self);
      g_value_set_uint (value, self->max_frame_size);
      GST_OBJECT_UNLOCK (self);
      break;
    case PROP_REQUEST_KEYFRAME:
      GST_OBJECT_LOCK (self);
      g_value_set_boolean (value, self->request_keyframe);
      GST_OBJECT_UNLOCK (self);
      break;
    case PROP_STATS:
      g_value_take_boxed (value, make_stats (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      break;
  }
}

static void
gst_e2ee_rtp_sframe_depay_finalize (GObject * object)
{
  GstE2eeRtpSFrameDepay *self = GST_E2EE_RTP_SFRAME_DEPAY (object);

  gst_e2ee_sframe_rtp_assembler_free (self->assembler);
  G_OBJECT_CLASS (parent_class)->finalize (object);
}

static void
gst_e2ee_rtp_sframe_depay_class_init (GstE2eeRtpSFrameDepayClass * klass)
{
  GObjectClass *gobject_class = G_OBJECT_CLASS (klass);
  GstElementClass *element_class = GST_ELEMENT_CLASS (klass);
  GstRTPBaseDepayloadClass *depay_class = GST_RTP_BASE_DEPAYLOAD_CLASS (klass);

  gobject_class->set_property = gst_e2ee_rtp_sframe_depay_set_property;
  gobject_class->get_property = gst_e2ee_rtp_sframe_depay_get_property;
  gobject_class->finalize = gst_e2ee_rtp_sframe_depay_finalize;
  element_class->change_state =
      GST_DEBUG_FUNCPTR (gst_e2ee_rtp_sframe_depay_change_state);
  depay_class->set_caps =
      GST_DEBUG_FUNCPTR (gst_e2ee_rtp_sframe_depay_set_caps);
  depay_class->process_rtp_packet =
      GST_DEBUG_FUNCPTR (gst_e2ee_rtp_sframe_depay_process);
  depay_class->handle_event =
      GST_DEBUG_FUNCPTR (gst_e2ee_rtp_sframe_depay_handle_event);

  /**
   * GstE2eeRtpSFrameDepay:max-frame-size:
   *
   * The largest SFrame ciphertext put back together, in bytes. A frame
   * that grows past it is given up and counted as oversize, so a peer
   * cannot make the receiver hold more memory. Read when the element
   * goes from READY to PAUSED.
   */
  g_object_class_install_property (gobject_class, PROP_MAX_FRAME_SIZE,
      g_param_spec_uint ("max-frame-size", "Maximum frame size",
          "Largest SFrame ciphertext reassembled, in bytes", 1, G_MAXINT,
          DEFAULT_MAX_FRAME_SIZE,
          G_PARAM_READWRITE | GST_PARAM_MUTABLE_READY |
          G_PARAM_STATIC_STRINGS));

  /**
   * GstE2eeRtpSFrameDepay:request-keyframe:
   *
   * Whether a lost video frame sends a force-key-unit event upstream
   * (rtpbin and webrtcbin send a PLI for it), so that video recovers at
   * once rather than at the sender's next key frame.
   */
  g_object_class_install_property (gobject_class, PROP_REQUEST_KEYFRAME,
      g_param_spec_boolean ("request-keyframe", "Request keyframe",
          "Request a key frame when a video frame is lost",
          DEFAULT_REQUEST_KEYFRAME,
          G_PARAM_READWRITE | GST_PARAM_MUTABLE_PLAYING |
          G_PARAM_STATIC_STRINGS));

  /**
   * GstE2eeRtpSFrameDepay:stats:
   *
   * Counters since the element went to PAUSED: packets, frames,
   * frames-lost, start-without-end, end-without-start, reserved-bits,
   * wrong-mode, truncated, oversize, discarded (see
   * #GstE2eeSFrameRtpStats for what each counts).
   */
  g_object_class_install_property (gobject_class, PROP_STATS,
      g_param_spec_boxed ("stats", "Statistics", "Reassembly counters",
          GST_TYPE_STRUCTURE, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));

  gst_element_class_add_static_pad_template (element_class, &sink_template);
  gst_element_class_add_static_pad_template (element_class, &src_template);
  gst_element_class_set_static_metadata (element_class,
      "RTP SFrame depayloader (per frame)", "Codec/Depayloader/Network/RTP",
      "Reassembles SFrame-encrypted frames of any codec from RTP packets "
      "(draft-ietf-avtcore-rtp-sframe, T=0)", "The gst-e2ee authors");
}

static void
gst_e2ee_rtp_sframe_depay_init (GstE2eeRtpSFrameDepay * self)
{
  self->max_frame_size = DEFAULT_MAX_FRAME_SIZE;
  self->request_keyframe = DEFAULT_REQUEST_KEYFRAME;
  self->assembler = gst_e2ee_sframe_rtp_assembler_new (self->max_frame_size);
}
