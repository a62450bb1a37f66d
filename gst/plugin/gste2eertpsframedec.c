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
 * SECTION:element-rtpsframedec
 * @title: rtpsframedec
 * @see_also: rtpsframeenc, rtpsframedepay
 *
 * Decrypts RTP packets that rtpsframeenc (or any sender of the per-packet
 * mode, T=1, of draft-ietf-avtcore-rtp-sframe-02) encrypted, for the stock
 * depayloader behind it: the payload must be a descriptor with T set and
 * no reserved bit, then one SFrame, which is opened (KID lookup, replay
 * window, tag check) and replaced by the plaintext codec payload. S and E
 * may take any value: rtpsframeenc sends S|E|T (0xe0) on every packet, as
 * the draft does for an SFrame that fits one packet, while libwebrtc sets
 * S and E on the first and last packet of a video frame; either way each
 * packet carries one whole SFrame. The RTP header passes
 * unchanged; the output caps are the input's without `a-sframe`.
 *
 * Nothing gets through that did not decrypt: a packet with another
 * descriptor (a peer that negotiated a=sframe but sends plain media, as
 * Chromium 156 does with VP8; the first such packet posts a warning), an
 * SFrame under an unknown KID, a replayed CTR, a wrong tag or a truncated
 * header is dropped and counted in #GstE2eeRtpSFrameDec:stats.
 *
 * ## Example launch line
 * |[
 * gst-launch-1.0 udpsrc port=5002 \
 *     caps="application/x-rtp,media=video,clock-rate=90000,encoding-name=VP8" ! \
 *     rtpsframedec key=<32 hex digits> key-id=5 ! rtpjitterbuffer ! \
 *     rtpvp8depay ! vp8dec ! autovideosink
 * ]| Receives what the rtpsframeenc example sends.
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <gst/rtp/gstrtpbuffer.h>

#include "gste2eertpsframedec.h"
#include "gste2eertpsframe-common.h"
#include "gste2eei18n.h"

GST_DEBUG_CATEGORY_STATIC (gst_e2ee_rtp_sframe_dec_debug);
#define GST_CAT_DEFAULT gst_e2ee_rtp_sframe_dec_debug

enum
{
  PROP_0,
  PROP_KEY,
  PROP_KEY_ID,
  PROP_SUITE,
  PROP_STATS,
};

typedef struct
{
  guint64 packets_in, packets_out, no_key, not_sframe, wrong_mode,
      truncated, bad_header, missing_key, replayed, auth_failed, failed;
} DecStats;

struct _GstE2eeRtpSFrameDec
{
  GstBaseTransform parent;

  /* protected by the object lock */
  GstE2eeRtpSFrameKey key;
  DecStats stats;
  gboolean warned_not_sframe;
  gboolean warned_no_key;
};

static GstStaticPadTemplate sink_template = GST_STATIC_PAD_TEMPLATE ("sink",
    GST_PAD_SINK, GST_PAD_ALWAYS, GST_STATIC_CAPS ("application/x-rtp"));

static GstStaticPadTemplate src_template = GST_STATIC_PAD_TEMPLATE ("src",
    GST_PAD_SRC, GST_PAD_ALWAYS, GST_STATIC_CAPS ("application/x-rtp"));

#define gst_e2ee_rtp_sframe_dec_parent_class parent_class
G_DEFINE_TYPE_WITH_CODE (GstE2eeRtpSFrameDec, gst_e2ee_rtp_sframe_dec,
    GST_TYPE_BASE_TRANSFORM,
    GST_DEBUG_CATEGORY_INIT (gst_e2ee_rtp_sframe_dec_debug, "rtpsframedec", 0,
        "SFrame per-packet RTP decrypter"));
GST_ELEMENT_REGISTER_DEFINE (rtpsframedec, "rtpsframedec", GST_RANK_NONE,
    GST_TYPE_E2EE_RTP_SFRAME_DEC);

static GstCaps *
gst_e2ee_rtp_sframe_dec_transform_caps (GstBaseTransform * trans,
    GstPadDirection direction, GstCaps * caps, GstCaps * filter)
{
  GstCaps *res = gst_caps_copy (caps);

  /* what comes in may say a-sframe, what goes out is plain */
  for (guint i = 0; i < gst_caps_get_size (res); i++)
    gst_structure_remove_field (gst_caps_get_structure (res, i), "a-sframe");
  if (filter) {
    GstCaps *tmp = gst_caps_intersect_full (filter, res,
        GST_CAPS_INTERSECT_FIRST);

    gst_caps_unref (res);
    res = tmp;
  }
  return res;
}

/* Call with the object lock. */
static void
count_check (GstE2eeRtpSFrameDec * self, GstE2eeSFrameRtpCheck check)
{
  switch (check) {
    case GST_E2EE_SFRAME_RTP_CHECK_RESERVED:
      self->stats.not_sframe++;
      break;
    case GST_E2EE_SFRAME_RTP_CHECK_WRONG_MODE:
      self->stats.wrong_mode++;
      break;
    default:
      break;
  }
}

/* Call with the object lock. */
static void
count_result (GstE2eeRtpSFrameDec * self, GstE2eeFrameResult res)
{
  switch (res) {
    case GST_E2EE_FRAME_OK:
      self->stats.packets_out++;
      break;
    case GST_E2EE_FRAME_TOO_SHORT:
    case GST_E2EE_FRAME_BAD_HEADER:
      self->stats.bad_header++;
      break;
    case GST_E2EE_FRAME_MISSING_KEY:
      self->stats.missing_key++;
      break;
    case GST_E2EE_FRAME_REPLAY:
      self->stats.replayed++;
      break;
    case GST_E2EE_FRAME_AUTH_FAILED:
      self->stats.auth_failed++;
      break;
    default:
      self->stats.failed++;
      break;
  }
}

static GstFlowReturn
gst_e2ee_rtp_sframe_dec_transform (GstBaseTransform * trans, GstBuffer * in,
    GstBuffer * out)
{
  GstE2eeRtpSFrameDec *self = GST_E2EE_RTP_SFRAME_DEC (trans);
  GstRTPBuffer rtp = GST_RTP_BUFFER_INIT;
  GstE2eeSFrameRtpCheck check = GST_E2EE_SFRAME_RTP_CHECK_OK;
  GstE2eeFrameResult res = GST_E2EE_FRAME_CRYPTO_ERROR;
  GstE2eeSFrameContext *ctx = NULL;
  GstMapInfo map;
  const guint8 *payload;
  gboolean bad_key = FALSE, warn_not_sframe = FALSE, warn_no_key = FALSE;
  gsize hl, len, plain = 0;
  guint8 first = 0;

  if (!gst_rtp_buffer_map (in, GST_MAP_READ, &rtp)) {
    GST_OBJECT_LOCK (self);
    self->stats.packets_in++;
    self->stats.truncated++;
    GST_OBJECT_UNLOCK (self);
    GST_DEBUG_OBJECT (self, "not an RTP packet, dropped");
    return GST_BASE_TRANSFORM_FLOW_DROPPED;
  }
  hl = gst_rtp_buffer_get_header_len (&rtp);
  payload = gst_rtp_buffer_get_payload (&rtp);
  len = gst_rtp_buffer_get_payload_len (&rtp);
  if (!gst_buffer_map (out, &map, GST_MAP_WRITE)) {
    gst_rtp_buffer_unmap (&rtp);
    return GST_FLOW_ERROR;
  }

  GST_OBJECT_LOCK (self);
  self->stats.packets_in++;
  if (len < 2) {
    self->stats.truncated++;
    goto drop_locked;
  }
  first = payload[0];
  check = gst_e2ee_sframe_rtp_descriptor_check (first,
      GST_E2EE_SFRAME_RTP_PER_PACKET);
  if (check != GST_E2EE_SFRAME_RTP_CHECK_OK) {
    count_check (self, check);
    if (check == GST_E2EE_SFRAME_RTP_CHECK_RESERVED) {
      warn_not_sframe = !self->warned_not_sframe;
      self->warned_not_sframe = TRUE;
    }
    goto drop_locked;
  }
  ctx = gst_e2ee_rtp_sframe_key_context (&self->key,
      GST_E2EE_SFRAME_KEY_DECRYPT, &bad_key);
  if (ctx == NULL) {
    self->stats.no_key++;
    warn_no_key = !self->warned_no_key;
    self->warned_no_key = TRUE;
    goto drop_locked;
  }
  /* the copy of the header stays in front of the plaintext */
  res = gst_e2ee_sframe_context_open (ctx, NULL, 0, payload + 1, len - 1,
      map.data + hl, map.size - hl, &plain);
  count_result (self, res);
  if (res != GST_E2EE_FRAME_OK)
    goto drop_locked;
  GST_OBJECT_UNLOCK (self);

  gst_buffer_extract (in, 0, map.data, hl);
  map.data[0] &= ~0x20;         /* no padding follows the plaintext */
  gst_buffer_unmap (out, &map);
  gst_rtp_buffer_unmap (&rtp);
  gst_buffer_set_size (out, hl + plain);
  return GST_FLOW_OK;

drop_locked:
  GST_OBJECT_UNLOCK (self);
  gst_buffer_unmap (out, &map);
  gst_rtp_buffer_unmap (&rtp);

  if (bad_key) {
    GST_ELEMENT_ERROR (self, RESOURCE, SETTINGS,
        (_("The SFrame key does not fit the cipher suite.")),
        ("key-id or key length refused by the suite"));
    return GST_FLOW_ERROR;
  }
  if (warn_not_sframe)
    GST_ELEMENT_WARNING (self, STREAM, DECRYPT,
        (_("Received media that is not SFrame on a stream that negotiated "
                "SFrame; it is dropped.")),
        ("first payload byte 0x%02x is no per-packet SFrame descriptor",
            first));
  if (warn_no_key)
    GST_ELEMENT_WARNING (self, STREAM, DECRYPT,
        (_("No SFrame key: media is dropped.")), (NULL));
  GST_DEBUG_OBJECT (self, "packet dropped: descriptor 0x%02x, check %d, %s",
      first, check, gst_e2ee_frame_result_to_string (res));
  return GST_BASE_TRANSFORM_FLOW_DROPPED;
}

static GstStructure *
make_stats (GstE2eeRtpSFrameDec * self)
{
  GstStructure *s;

  GST_OBJECT_LOCK (self);
  s = gst_structure_new ("application/x-rtpsframedec-stats",
      "packets-in", G_TYPE_UINT64, self->stats.packets_in,
      "packets-out", G_TYPE_UINT64, self->stats.packets_out,
      "no-key", G_TYPE_UINT64, self->stats.no_key,
      "not-sframe", G_TYPE_UINT64, self->stats.not_sframe,
      "wrong-mode", G_TYPE_UINT64, self->stats.wrong_mode,
      "truncated", G_TYPE_UINT64, self->stats.truncated,
      "bad-header", G_TYPE_UINT64, self->stats.bad_header,
      "missing-key", G_TYPE_UINT64, self->stats.missing_key,
      "replayed", G_TYPE_UINT64, self->stats.replayed,
      "auth-failed", G_TYPE_UINT64, self->stats.auth_failed,
      "failed", G_TYPE_UINT64, self->stats.failed, NULL);
  GST_OBJECT_UNLOCK (self);
  return s;
}

static void
gst_e2ee_rtp_sframe_dec_set_property (GObject * object, guint prop_id,
    const GValue * value, GParamSpec * pspec)
{
  GstE2eeRtpSFrameDec *self = GST_E2EE_RTP_SFRAME_DEC (object);

  GST_OBJECT_LOCK (self);
  switch (prop_id) {
    case PROP_KEY:
      gst_e2ee_rtp_sframe_key_set_material (&self->key,
          g_value_get_boxed (value));
      self->warned_no_key = FALSE;
      break;
    case PROP_KEY_ID:
      self->key.kid = g_value_get_uint64 (value);
      self->key.dirty = TRUE;
      break;
    case PROP_SUITE:
      self->key.suite = g_value_get_enum (value);
      self->key.dirty = TRUE;
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      break;
  }
  GST_OBJECT_UNLOCK (self);
}

static void
gst_e2ee_rtp_sframe_dec_get_property (GObject * object, guint prop_id,
    GValue * value, GParamSpec * pspec)
{
  GstE2eeRtpSFrameDec *self = GST_E2EE_RTP_SFRAME_DEC (object);

  switch (prop_id) {
    case PROP_KEY_ID:
      GST_OBJECT_LOCK (self);
      g_value_set_uint64 (value, self->key.kid);
      GST_OBJECT_UNLOCK (self);
      break;
    case PROP_SUITE:
      GST_OBJECT_LOCK (self);
      g_value_set_enum (value, self->key.suite);
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
gst_e2ee_rtp_sframe_dec_finalize (GObject * object)
{
  GstE2eeRtpSFrameDec *self = GST_E2EE_RTP_SFRAME_DEC (object);

  gst_e2ee_rtp_sframe_key_clear (&self->key);
  G_OBJECT_CLASS (parent_class)->finalize (object);
}

static void
gst_e2ee_rtp_sframe_dec_class_init (GstE2eeRtpSFrameDecClass * klass)
{
  GObjectClass *gobject_class = G_OBJECT_CLASS (klass);
  GstElementClass *element_class = GST_ELEMENT_CLASS (klass);
  GstBaseTransformClass *trans_class = GST_BASE_TRANSFORM_CLASS (klass);

  gobject_class->set_property = gst_e2ee_rtp_sframe_dec_set_property;
  gobject_class->get_property = gst_e2ee_rtp_sframe_dec_get_property;
  gobject_class->finalize = gst_e2ee_rtp_sframe_dec_finalize;
  trans_class->transform_caps =
      GST_DEBUG_FUNCPTR (gst_e2ee_rtp_sframe_dec_transform_caps);
  trans_class->transform =
      GST_DEBUG_FUNCPTR (gst_e2ee_rtp_sframe_dec_transform);

  /**
   * GstE2eeRtpSFrameDec:key:
   *
   * The sender's SFrame base key, 16 to 64 bytes; hex on the command
   * line. Write-only, wiped when replaced.
   */
  /**
   * GstE2eeRtpSFrameDec:key-id:
   *
   * The KID of #GstE2eeRtpSFrameDec:key: an SFrame under any other KID is
   * dropped and counted as missing-key.
   */
  /**
   * GstE2eeRtpSFrameDec:sframe-suite:
   *
   * The SFrame cipher suite the sender uses.
   */
  gst_e2ee_rtp_sframe_install_key_properties (gobject_class, PROP_KEY,
      PROP_KEY_ID, PROP_SUITE);

  /**
   * GstE2eeRtpSFrameDec:stats:
   *
   * Counters: packets-in, packets-out (decrypted); dropped as no-key (none
   * set), not-sframe (a reserved descriptor bit: plain media), wrong-mode
   * (T=0), truncated (no byte after the descriptor), bad-header
   * (truncated or non-minimal SFrame header, no room for the tag),
   * missing-key (unknown KID), replayed (a CTR seen before), auth-failed
   * (wrong tag), failed (anything else).
   */
  g_object_class_install_property (gobject_class, PROP_STATS,
      g_param_spec_boxed ("stats", "Statistics", "Counters",
          GST_TYPE_STRUCTURE, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));

  gst_element_class_add_static_pad_template (element_class, &sink_template);
  gst_element_class_add_static_pad_template (element_class, &src_template);
  gst_element_class_set_static_metadata (element_class,
      "RTP SFrame decrypter (per packet)", "Filter/Network/RTP/E2EE",
      "Decrypts RTP payloads that are each one SFrame "
      "(draft-ietf-avtcore-rtp-sframe, T=1) for a codec depayloader",
      "The gst-e2ee authors");
}

static void
gst_e2ee_rtp_sframe_dec_init (GstE2eeRtpSFrameDec * self)
{
  gst_e2ee_rtp_sframe_key_init (&self->key);
}
