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
 * SECTION:element-e2eedec
 * @title: e2eedec
 * @see_also: e2eeenc
 *
 * Decrypts frames that e2eeenc, or a Jitsi Meet or LiveKit web client,
 * encrypted end to end, after the RTP depayloader. Each frame names its key
 * by index; a frame that does not authenticate under that key is retried
 * with the slot's previous key and then along the key's ratchet, up to
 * #GstE2eeDec:ratchet-window steps, as the web clients do when a sender
 * ratchets its key for a newcomer.
 *
 * Frames that cannot be decrypted never reach the decoder, unless
 * #GstE2eeDec:on-failure is passthrough, which shows what an eavesdropper
 * without the key sees. When decryption works again after failures, the
 * element asks upstream for a key frame, so the picture recovers at once.
 *
 * H.264 and H.265 frames are unescaped, and copies of parameter sets that
 * rtph264pay/rtph265pay (config-interval) or the depayloaders (the caps'
 * sprop-parameter-sets) add to the clear header are accepted and kept, so the
 * output is what the depayloader gives for the unencrypted stream. AV1
 * frames get their original OBU size back.
 *
 * ## Example launch lines
 * |[
 * gst-launch-1.0 udpsrc port=5002 caps="application/x-rtp,media=video,clock-rate=90000,encoding-name=VP8" ! \
 *     rtpvp8depay ! e2eedec key=<64 hex digits> ! vp8dec ! videoconvert ! autovideosink
 * ]|
 * |[
 * gst-launch-1.0 udpsrc port=5004 caps="application/x-rtp,media=video,clock-rate=90000,encoding-name=H264" ! \
 *     rtph264depay ! e2eedec key=<64 hex digits> ! avdec_h264 ! videoconvert ! autovideosink
 * ]|
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gste2eedec.h"
#include "gste2eei18n.h"

#include <gst/video/video.h>

GST_DEBUG_CATEGORY_STATIC (gst_e2ee_dec_debug);
#define GST_CAT_DEFAULT gst_e2ee_dec_debug

#define DEFAULT_RATCHET_WINDOW 8
#define MAX_RATCHET_WINDOW 64
#define DEFAULT_ON_FAILURE GST_E2EE_DEC_ON_FAILURE_DROP

enum
{
  PROP_RATCHET_WINDOW = GST_E2EE_BASE_TRANSFORM_PROP_LAST,
  PROP_ON_FAILURE,
};

struct _GstE2eeDec
{
  GstE2eeBaseTransform parent;

  /* protected by the object lock */
  guint ratchet_window;
  GstE2eeDecOnFailure on_failure;
  /* a frame failed since the last one that decrypted */
  gboolean failing;
};

/* H.264 and H.265: Annex B access units, the form LiveKit's rule is defined
 * on (h264parse/h265parse convert avc/hvc1); AV1: temporal units of OBUs
 * with size fields (av1enc leaves stream-format out, av1parse sets it) */
#define E2EE_CAPS "audio/x-opus; video/x-vp8; video/x-vp9; " \
    "video/x-h264, stream-format = (string) byte-stream, " \
    "alignment = (string) au; " \
    "video/x-h265, stream-format = (string) byte-stream, " \
    "alignment = (string) au; " \
    "video/x-av1, alignment = (string) tu"

static GstStaticPadTemplate sink_template = GST_STATIC_PAD_TEMPLATE ("sink",
    GST_PAD_SINK, GST_PAD_ALWAYS, GST_STATIC_CAPS (E2EE_CAPS));

static GstStaticPadTemplate src_template = GST_STATIC_PAD_TEMPLATE ("src",
    GST_PAD_SRC, GST_PAD_ALWAYS, GST_STATIC_CAPS (E2EE_CAPS));

GType
gst_e2ee_dec_on_failure_get_type (void)
{
  static GType type = 0;
  static const GEnumValue values[] = {
    {GST_E2EE_DEC_ON_FAILURE_DROP, "Drop frames that do not decrypt", "drop"},
    {GST_E2EE_DEC_ON_FAILURE_PASSTHROUGH,
          "Pass them on still encrypted (what an eavesdropper sees)",
        "passthrough"},
    {0, NULL, NULL},
  };

  if (g_once_init_enter (&type)) {
    GType tmp = g_enum_register_static ("GstE2eeDecOnFailure", values);
    g_once_init_leave (&type, tmp);
  }
  return type;
}

#define gst_e2ee_dec_parent_class parent_class
G_DEFINE_TYPE_WITH_CODE (GstE2eeDec, gst_e2ee_dec, GST_TYPE_E2EE_BASE_TRANSFORM,
    GST_DEBUG_CATEGORY_INIT (gst_e2ee_dec_debug, "e2eedec", 0,
        "end-to-end frame decryptor"));
GST_ELEMENT_REGISTER_DEFINE (e2eedec, "e2eedec", GST_RANK_NONE,
    GST_TYPE_E2EE_DEC);

static void
request_key_frame (GstE2eeDec * self)
{
  GstE2eeBaseTransform *base = GST_E2EE_BASE_TRANSFORM (self);
  GstE2eeCodec codec;
  GstEvent *event;

  GST_OBJECT_LOCK (self);
  codec = gst_e2ee_base_transform_get_codec_locked (base);
  if (codec == GST_E2EE_CODEC_AUDIO) {
    GST_OBJECT_UNLOCK (self);
    return;
  }
  gst_e2ee_base_transform_stats (base)->key_frame_requests++;
  GST_OBJECT_UNLOCK (self);

  GST_DEBUG_OBJECT (self, "decryption recovered, requesting a key frame");
  event = gst_video_event_new_upstream_force_key_unit (GST_CLOCK_TIME_NONE,
      TRUE, 0);
  gst_pad_push_event (GST_BASE_TRANSFORM_SINK_PAD (self), event);
}

static void
gst_e2ee_dec_key_installed (GstE2eeBaseTransform * base)
{
  GstE2eeDec *self = GST_E2EE_DEC (base);
  gboolean failing;

  GST_OBJECT_LOCK (self);
  failing = self->failing;
  self->failing = FALSE;
  GST_OBJECT_UNLOCK (self);

  if (failing)
    request_key_frame (self);
}

static GstFlowReturn
gst_e2ee_dec_transform_ip (GstBaseTransform * trans, GstBuffer * buf)
{
  GstE2eeDec *self = GST_E2EE_DEC (trans);
  GstE2eeBaseTransform *base = GST_E2EE_BASE_TRANSFORM (trans);
  GstE2eeStats *stats = gst_e2ee_base_transform_stats (base);
  GstE2eeFrameResult res;
  GstE2eeCodec codec;
  GstMapInfo map;
  gsize size, out_offset = 0, out_size = 0;
  guint index, window, n_ratchets = 0;
  gboolean passthrough = FALSE, recovered = FALSE;

  if (!gst_e2ee_base_transform_begin_frame (base, buf, &codec, &index))
    return GST_FLOW_ERROR;

  size = gst_buffer_get_size (buf);
  if (size == 0) {
    GST_OBJECT_LOCK (self);
    stats->frames_out++;
    GST_OBJECT_UNLOCK (self);
    return GST_FLOW_OK;
  }

  GST_OBJECT_LOCK (self);
  window = self->ratchet_window;
  GST_OBJECT_UNLOCK (self);

  if (!gst_buffer_map (buf, &map, GST_MAP_READWRITE)) {
    GST_ELEMENT_ERROR (self, RESOURCE, FAILED, (NULL),
        ("could not map the frame writable"));
    return GST_FLOW_ERROR;
  }
  res = gst_e2ee_jframe_open_full (gst_e2ee_base_transform_get_ring (base),
      codec, window, map.data, map.size, &out_offset, &out_size, &n_ratchets);
  gst_buffer_unmap (buf, &map);

  GST_OBJECT_LOCK (self);
  stats->ratchets += n_ratchets;
  switch (res) {
    case GST_E2EE_FRAME_OK:
      stats->frames_out++;
      stats->bytes_out += out_size;
      recovered = self->failing;
      self->failing = FALSE;
      break;
    case GST_E2EE_FRAME_MISSING_KEY:
      stats->missing_key++;
      break;
    case GST_E2EE_FRAME_TOO_SHORT:
    case GST_E2EE_FRAME_BAD_IV_LENGTH:
    case GST_E2EE_FRAME_BAD_HEADER:
      stats->bad_frames++;
      break;
    case GST_E2EE_FRAME_AUTH_FAILED:
    case GST_E2EE_FRAME_CRYPTO_ERROR:
    case GST_E2EE_FRAME_NO_SPACE:
      stats->auth_failed++;
      break;
  }
  if (res != GST_E2EE_FRAME_OK) {
    self->failing = TRUE;
    passthrough = self->on_failure == GST_E2EE_DEC_ON_FAILURE_PASSTHROUGH;
    if (passthrough) {
      stats->passthrough++;
      stats->frames_out++;
      stats->bytes_out += size;
    } else {
      stats->dropped++;
    }
  }
  GST_OBJECT_UNLOCK (self);

  if (res == GST_E2EE_FRAME_OK) {
    gst_buffer_resize (buf, out_offset, out_size);
    if (recovered)
      request_key_frame (self);
    GST_LOG_OBJECT (self, "decrypted %" G_GSIZE_FORMAT " -> %" G_GSIZE_FORMAT
        " bytes (%u ratchets)", size, out_size, n_ratchets);
    return GST_FLOW_OK;
  }

  GST_DEBUG_OBJECT (self, "%" G_GSIZE_FORMAT "-byte frame not decrypted: %s%s",
      size, gst_e2ee_frame_result_to_string (res),
      passthrough ? ", passed through" : ", dropped");
  return passthrough ? GST_FLOW_OK : GST_BASE_TRANSFORM_FLOW_DROPPED;
}

static void
gst_e2ee_dec_add_stats (GstE2eeBaseTransform * base, GstStructure * s)
{
  GstE2eeStats *stats = gst_e2ee_base_transform_stats (base);

  gst_structure_set (s,
      "passthrough", G_TYPE_UINT64, stats->passthrough,
      "key-frame-requests", G_TYPE_UINT64, stats->key_frame_requests, NULL);
}

static gboolean
gst_e2ee_dec_start (GstBaseTransform * trans)
{
  GstE2eeDec *self = GST_E2EE_DEC (trans);

  GST_OBJECT_LOCK (self);
  self->failing = FALSE;
  GST_OBJECT_UNLOCK (self);

  return GST_BASE_TRANSFORM_CLASS (parent_class)->start (trans);
}

static void
gst_e2ee_dec_set_property (GObject * object, guint prop_id,
    const GValue * value, GParamSpec * pspec)
{
  GstE2eeDec *self = GST_E2EE_DEC (object);

  switch (prop_id) {
    case PROP_RATCHET_WINDOW:
      GST_OBJECT_LOCK (self);
      self->ratchet_window = g_value_get_uint (value);
      GST_OBJECT_UNLOCK (self);
      break;
    case PROP_ON_FAILURE:
      GST_OBJECT_LOCK (self);
      self->on_failure = g_value_get_enum (value);
      GST_OBJECT_UNLOCK (self);
      break;
    default:
      G_OBJECT_CLASS (parent_class)->set_property (object, prop_id, value,
          pspec);
      break;
  }
}

static void
gst_e2ee_dec_get_property (GObject * object, guint prop_id, GValue * value,
    GParamSpec * pspec)
{
  GstE2eeDec *self = GST_E2EE_DEC (object);

  switch (prop_id) {
    case PROP_RATCHET_WINDOW:
      GST_OBJECT_LOCK (self);
      g_value_set_uint (value, self->ratchet_window);
      GST_OBJECT_UNLOCK (self);
      break;
    case PROP_ON_FAILURE:
      GST_OBJECT_LOCK (self);
      g_value_set_enum (value, self->on_failure);
      GST_OBJECT_UNLOCK (self);
      break;
    default:
      G_OBJECT_CLASS (parent_class)->get_property (object, prop_id, value,
          pspec);
      break;
  }
}

static void
gst_e2ee_dec_class_init (GstE2eeDecClass * klass)
{
  GObjectClass *gobject_class = G_OBJECT_CLASS (klass);
  GstElementClass *element_class = GST_ELEMENT_CLASS (klass);
  GstBaseTransformClass *trans_class = GST_BASE_TRANSFORM_CLASS (klass);
  GstE2eeBaseTransformClass *base_class = GST_E2EE_BASE_TRANSFORM_CLASS (klass);

  gobject_class->set_property = gst_e2ee_dec_set_property;
  gobject_class->get_property = gst_e2ee_dec_get_property;

  trans_class->start = GST_DEBUG_FUNCPTR (gst_e2ee_dec_start);
  trans_class->transform_ip = GST_DEBUG_FUNCPTR (gst_e2ee_dec_transform_ip);

  base_class->stats_name = "application/x-e2ee-dec-stats";
  base_class->add_stats = gst_e2ee_dec_add_stats;
  base_class->key_installed = gst_e2ee_dec_key_installed;
  base_class->remote_keys = TRUE;

  gst_e2ee_base_transform_install_participant_property (gobject_class);

  /**
   * GstE2eeDec:ratchet-window:
   *
   * How many ratchet steps past its current key the element tries on a
   * frame that does not authenticate (8 in the web clients). 0 turns the
   * ratchet off. Each step costs a key derivation on the streaming thread,
   * and a PBKDF2 one (passphrase keys) is slow.
   */
  g_object_class_install_property (gobject_class, PROP_RATCHET_WINDOW,
      g_param_spec_uint ("ratchet-window", "Ratchet window",
          "Ratchet steps to try on a frame that does not authenticate", 0,
          MAX_RATCHET_WINDOW, DEFAULT_RATCHET_WINDOW,
          G_PARAM_READWRITE | GST_PARAM_MUTABLE_PLAYING |
          G_PARAM_STATIC_STRINGS));

  /**
   * GstE2eeDec:on-failure:
   *
   * What to do with a frame that cannot be decrypted: drop it (default), or
   * pass it on still encrypted, which is what an eavesdropper sees.
   */
  g_object_class_install_property (gobject_class, PROP_ON_FAILURE,
      g_param_spec_enum ("on-failure", "On failure",
          "What to do with a frame that cannot be decrypted",
          GST_TYPE_E2EE_DEC_ON_FAILURE, DEFAULT_ON_FAILURE,
          G_PARAM_READWRITE | GST_PARAM_MUTABLE_PLAYING |
          G_PARAM_STATIC_STRINGS));

  gst_element_class_add_static_pad_template (element_class, &sink_template);
  gst_element_class_add_static_pad_template (element_class, &src_template);
  gst_element_class_set_static_metadata (element_class,
      "End-to-end frame decryptor", "Filter/Network/E2EE",
      "Decrypts encoded media frames encrypted end to end "
      "(Jitsi/LiveKit JFrame format)", "The gst-e2ee authors");

  gst_type_mark_as_plugin_api (GST_TYPE_E2EE_DEC_ON_FAILURE, 0);
}

static void
gst_e2ee_dec_init (GstE2eeDec * self)
{
  self->ratchet_window = DEFAULT_RATCHET_WINDOW;
  self->on_failure = DEFAULT_ON_FAILURE;
}
