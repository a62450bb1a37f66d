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
 * SECTION:element-rtpsframeenc
 * @title: rtpsframeenc
 * @see_also: rtpsframedec, rtpsframepay
 *
 * Encrypts every RTP payload of a stock payloader (rtpvp8pay, rtpvp9pay,
 * rtph264pay, rtph265pay, rtpopuspay, ...) as one SFrame, in the
 * per-packet mode (T=1) of draft-ietf-avtcore-rtp-sframe-02: the payload is
 * replaced by the descriptor S|E|T (0xe0), the SFrame header and the
 * ciphertext. The RTP header (marker, timestamp, sequence number, SSRC,
 * CSRCs, header extensions) is copied unchanged, RTP padding is removed.
 *
 * The SFrame metadata (what is authenticated besides the SFrame header) is
 * empty, as the draft specifies no metadata for RTP: a router may rewrite
 * the SSRC, sequence numbers and header extensions (as SFUs do) without
 * breaking decryption, and in exchange none of them is authenticated end
 * to end (SRTP authenticates them hop by hop).
 *
 * A packet grows by 1 + SFrame header + tag bytes (at most 34 with the
 * suites of RFC 9605): give the payloader an #GstRTPBasePayload:mtu that
 * much smaller than the path's. The output caps are the input's with
 * `a-sframe`, which webrtcbin writes as a media-level `a=sframe`.
 *
 * Keys: a static one (#GstE2eeRtpSFrameEnc:key, #GstE2eeRtpSFrameEnc:key-id),
 * or, in builds with the key manager, this participant's media key from a
 * #GstE2eeKeyManager (#GstE2eeRtpSFrameEnc:key-manager or a GstContext of
 * type `gst.e2ee.KeyManager`), under the KIDs e2eeenc format=sframe uses
 * (docs/keymanager.md, "SFrame keys"): a join changes the ratchet
 * generation in the KID, a leave the key index.
 *
 * Fail closed: without a key every packet is dropped and counted, with one
 * warning; nothing is ever sent in clear.
 *
 * ## Example launch line
 * |[
 * gst-launch-1.0 videotestsrc ! vp8enc deadline=1 ! rtpvp8pay mtu=1166 ! \
 *     rtpsframeenc key=<32 hex digits> key-id=5 ! \
 *     udpsink host=127.0.0.1 port=5002
 * ]| Sends VP8 with every packet SFrame-encrypted.
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <gst/rtp/gstrtpbuffer.h>

#include "gste2eertpsframeenc.h"
#include "gste2eertpsframe-common.h"
#include "gste2eertpsframe-keymanager.h"
#include "gste2eei18n.h"

GST_DEBUG_CATEGORY_STATIC (gst_e2ee_rtp_sframe_enc_debug);
#define GST_CAT_DEFAULT gst_e2ee_rtp_sframe_enc_debug

enum
{
  PROP_0,
  PROP_KEY,
  PROP_KEY_ID,
  PROP_SUITE,
  PROP_STATS,
  PROP_KEY_MANAGER,
};

struct _GstE2eeRtpSFrameEnc
{
  GstBaseTransform parent;

  /* protected by the object lock */
  GstE2eeRtpSFrameKey key;
  guint64 packets_in, packets_out, no_key, failed;
  gboolean warned;
#ifdef GST_E2EE_HAVE_KEY_MANAGER
  /* the manager's keys, which take precedence over the key property */
  GstE2eeRtpSFrameManaged managed;
#endif
};

static GstStaticPadTemplate sink_template = GST_STATIC_PAD_TEMPLATE ("sink",
    GST_PAD_SINK, GST_PAD_ALWAYS, GST_STATIC_CAPS ("application/x-rtp"));

static GstStaticPadTemplate src_template = GST_STATIC_PAD_TEMPLATE ("src",
    GST_PAD_SRC, GST_PAD_ALWAYS, GST_STATIC_CAPS ("application/x-rtp"));

#define gst_e2ee_rtp_sframe_enc_parent_class parent_class
G_DEFINE_TYPE_WITH_CODE (GstE2eeRtpSFrameEnc, gst_e2ee_rtp_sframe_enc,
    GST_TYPE_BASE_TRANSFORM,
    GST_DEBUG_CATEGORY_INIT (gst_e2ee_rtp_sframe_enc_debug, "rtpsframeenc", 0,
        "SFrame per-packet RTP encrypter"));
GST_ELEMENT_REGISTER_DEFINE (rtpsframeenc, "rtpsframeenc", GST_RANK_NONE,
    GST_TYPE_E2EE_RTP_SFRAME_ENC);

static GstCaps *
gst_e2ee_rtp_sframe_enc_transform_caps (GstBaseTransform * trans,
    GstPadDirection direction, GstCaps * caps, GstCaps * filter)
{
  GstCaps *res = gst_caps_copy (caps);

  for (guint i = 0; i < gst_caps_get_size (res); i++) {
    GstStructure *s = gst_caps_get_structure (res, i);

    if (direction == GST_PAD_SINK)
      gst_structure_set (s, "a-sframe", G_TYPE_STRING, "", NULL);
    else
      gst_structure_remove_field (s, "a-sframe");
  }
  if (filter) {
    GstCaps *tmp = gst_caps_intersect_full (filter, res,
        GST_CAPS_INTERSECT_FIRST);

    gst_caps_unref (res);
    res = tmp;
  }
  return res;
}

static gboolean
gst_e2ee_rtp_sframe_enc_transform_size (GstBaseTransform * trans,
    GstPadDirection direction, GstCaps * caps, gsize size, GstCaps * othercaps,
    gsize * othersize)
{
  if (direction == GST_PAD_SINK)
    *othersize = size + 1 + GST_E2EE_SFRAME_MAX_HEADER_SIZE +
        GST_E2EE_SFRAME_MAX_TAG_SIZE;
  else
    *othersize = size;
  return TRUE;
}

static GstFlowReturn
gst_e2ee_rtp_sframe_enc_transform (GstBaseTransform * trans, GstBuffer * in,
    GstBuffer * out)
{
  GstE2eeRtpSFrameEnc *self = GST_E2EE_RTP_SFRAME_ENC (trans);
  GstRTPBuffer rtp = GST_RTP_BUFFER_INIT;
  GstE2eeSFrameContext *ctx;
  GstE2eeFrameResult res = GST_E2EE_FRAME_CRYPTO_ERROR;
  GstMapInfo map;
  gboolean bad_key = FALSE, managed = FALSE, warn = FALSE;
  gsize hl, sealed = 0;
#ifdef GST_E2EE_HAVE_KEY_MANAGER
  GstE2eeSFrameSuite suite;
  guint index;

  /* the manager's key: the KID of its index and generation */
  managed = gst_e2ee_rtp_sframe_managed_update (trans, &self->managed, &index);
  if (managed) {
    GST_OBJECT_LOCK (self);
    suite = self->key.suite;
    GST_OBJECT_UNLOCK (self);
    bad_key = !gst_e2ee_sframe_keys_send_update (&self->managed.keys,
        self->managed.subscription, self->managed.ring, suite, index);
  }
#endif

  if (!gst_rtp_buffer_map (in, GST_MAP_READ, &rtp)) {
    GST_DEBUG_OBJECT (self, "not an RTP packet, dropped");
    GST_OBJECT_LOCK (self);
    self->packets_in++;
    self->failed++;
    GST_OBJECT_UNLOCK (self);
    return GST_BASE_TRANSFORM_FLOW_DROPPED;
  }
  hl = gst_rtp_buffer_get_header_len (&rtp);
  if (!gst_buffer_map (out, &map, GST_MAP_WRITE)) {
    gst_rtp_buffer_unmap (&rtp);
    return GST_FLOW_ERROR;
  }
  gst_buffer_extract (in, 0, map.data, hl);
  /* the padding of the codec payload is not carried over */
  map.data[0] &= ~0x20;
  map.data[hl] = gst_e2ee_sframe_rtp_descriptor
      (GST_E2EE_SFRAME_RTP_PER_PACKET, TRUE, TRUE);

  GST_OBJECT_LOCK (self);
  self->packets_in++;
#ifdef GST_E2EE_HAVE_KEY_MANAGER
  if (managed)
    ctx = bad_key ? NULL : self->managed.keys.ctx;
  else
#endif
    ctx = gst_e2ee_rtp_sframe_key_context (&self->key,
        GST_E2EE_SFRAME_KEY_ENCRYPT, &bad_key);
  if (ctx)
    res = gst_e2ee_sframe_context_seal (ctx, NULL, 0,
        gst_rtp_buffer_get_payload (&rtp),
        gst_rtp_buffer_get_payload_len (&rtp), map.data + hl + 1,
        map.size - hl - 1, &sealed);
  if (ctx == NULL) {
    self->no_key++;
    warn = !self->warned;
    self->warned = TRUE;
  } else if (res != GST_E2EE_FRAME_OK) {
    self->failed++;
  } else {
    self->packets_out++;
  }
  GST_OBJECT_UNLOCK (self);

  gst_buffer_unmap (out, &map);
  gst_rtp_buffer_unmap (&rtp);

  if (bad_key) {
    GST_ELEMENT_ERROR (self, RESOURCE, SETTINGS,
        (_("The SFrame key does not fit the cipher suite.")),
        ("%s", managed ? "the key manager's key cannot be an SFrame base key "
            "(kdf=raw?)" : "key-id or key length refused by the suite"));
    return GST_FLOW_ERROR;
  }
  if (ctx == NULL) {
    if (warn)
      GST_ELEMENT_WARNING (self, STREAM, ENCODE,
          (_("No SFrame key: media is dropped, not sent in clear.")), (NULL));
    return GST_BASE_TRANSFORM_FLOW_DROPPED;
  }
  if (res != GST_E2EE_FRAME_OK) {
    GST_DEBUG_OBJECT (self, "seal failed: %s",
        gst_e2ee_frame_result_to_string (res));
    return GST_BASE_TRANSFORM_FLOW_DROPPED;
  }
  gst_buffer_set_size (out, hl + 1 + sealed);
  return GST_FLOW_OK;
}

static GstStructure *
make_stats (GstE2eeRtpSFrameEnc * self)
{
  GstStructure *s;

  GST_OBJECT_LOCK (self);
  s = gst_structure_new ("application/x-rtpsframeenc-stats",
      "packets-in", G_TYPE_UINT64, self->packets_in,
      "packets-out", G_TYPE_UINT64, self->packets_out,
      "no-key", G_TYPE_UINT64, self->no_key,
      "failed", G_TYPE_UINT64, self->failed, NULL);
  GST_OBJECT_UNLOCK (self);
  return s;
}

static void
gst_e2ee_rtp_sframe_enc_set_property (GObject * object, guint prop_id,
    const GValue * value, GParamSpec * pspec)
{
  GstE2eeRtpSFrameEnc *self = GST_E2EE_RTP_SFRAME_ENC (object);

  GST_OBJECT_LOCK (self);
  switch (prop_id) {
    case PROP_KEY:
      gst_e2ee_rtp_sframe_key_set_material (&self->key,
          g_value_get_boxed (value));
      self->warned = FALSE;
      break;
    case PROP_KEY_ID:
      self->key.kid = g_value_get_uint64 (value);
      self->key.dirty = TRUE;
      break;
    case PROP_SUITE:
      self->key.suite = g_value_get_enum (value);
      self->key.dirty = TRUE;
      break;
#ifdef GST_E2EE_HAVE_KEY_MANAGER
    case PROP_KEY_MANAGER:
      gst_object_replace ((GstObject **) & self->managed.manager,
          g_value_get_object (value));
      self->managed.resubscribe = TRUE;
      self->warned = FALSE;
      break;
#endif
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      break;
  }
  GST_OBJECT_UNLOCK (self);
}

static void
gst_e2ee_rtp_sframe_enc_get_property (GObject * object, guint prop_id,
    GValue * value, GParamSpec * pspec)
{
  GstE2eeRtpSFrameEnc *self = GST_E2EE_RTP_SFRAME_ENC (object);

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
#ifdef GST_E2EE_HAVE_KEY_MANAGER
    case PROP_KEY_MANAGER:
      GST_OBJECT_LOCK (self);
      g_value_set_object (value, self->managed.manager);
      GST_OBJECT_UNLOCK (self);
      break;
#endif
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      break;
  }
}

static void
gst_e2ee_rtp_sframe_enc_finalize (GObject * object)
{
  GstE2eeRtpSFrameEnc *self = GST_E2EE_RTP_SFRAME_ENC (object);

  gst_e2ee_rtp_sframe_key_clear (&self->key);
#ifdef GST_E2EE_HAVE_KEY_MANAGER
  gst_e2ee_rtp_sframe_managed_clear (&self->managed);
#endif
  G_OBJECT_CLASS (parent_class)->finalize (object);
}

static gboolean
gst_e2ee_rtp_sframe_enc_start (GstBaseTransform * trans)
{
  GstE2eeRtpSFrameEnc *self = GST_E2EE_RTP_SFRAME_ENC (trans);
#ifdef GST_E2EE_HAVE_KEY_MANAGER
  gboolean have_key;
#endif

  GST_OBJECT_LOCK (self);
  self->warned = FALSE;
#ifdef GST_E2EE_HAVE_KEY_MANAGER
  have_key = self->key.material != NULL;
#endif
  GST_OBJECT_UNLOCK (self);
#ifdef GST_E2EE_HAVE_KEY_MANAGER
  gst_e2ee_rtp_sframe_managed_start (trans, &self->managed, have_key);
#endif
  return TRUE;
}

static gboolean
gst_e2ee_rtp_sframe_enc_stop (GstBaseTransform * trans)
{
#ifdef GST_E2EE_HAVE_KEY_MANAGER
  GstE2eeRtpSFrameEnc *self = GST_E2EE_RTP_SFRAME_ENC (trans);

  gst_e2ee_rtp_sframe_managed_stop (trans, &self->managed);
#endif
  return TRUE;
}

#ifdef GST_E2EE_HAVE_KEY_MANAGER
static void
gst_e2ee_rtp_sframe_enc_set_context (GstElement * element, GstContext * context)
{
  GstE2eeRtpSFrameEnc *self = GST_E2EE_RTP_SFRAME_ENC (element);

  gst_e2ee_rtp_sframe_managed_set_context (element, &self->managed, context);
  GST_ELEMENT_CLASS (parent_class)->set_context (element, context);
}

static gboolean
gst_e2ee_rtp_sframe_enc_query (GstBaseTransform * trans,
    GstPadDirection direction, GstQuery * query)
{
  GstE2eeRtpSFrameEnc *self = GST_E2EE_RTP_SFRAME_ENC (trans);

  if (gst_e2ee_rtp_sframe_managed_query (trans, &self->managed, query))
    return TRUE;
  return GST_BASE_TRANSFORM_CLASS (parent_class)->query (trans, direction,
      query);
}
#endif

static void
gst_e2ee_rtp_sframe_enc_class_init (GstE2eeRtpSFrameEncClass * klass)
{
  GObjectClass *gobject_class = G_OBJECT_CLASS (klass);
  GstElementClass *element_class = GST_ELEMENT_CLASS (klass);
  GstBaseTransformClass *trans_class = GST_BASE_TRANSFORM_CLASS (klass);

  gobject_class->set_property = gst_e2ee_rtp_sframe_enc_set_property;
  gobject_class->get_property = gst_e2ee_rtp_sframe_enc_get_property;
  gobject_class->finalize = gst_e2ee_rtp_sframe_enc_finalize;
  trans_class->transform_caps =
      GST_DEBUG_FUNCPTR (gst_e2ee_rtp_sframe_enc_transform_caps);
  trans_class->transform_size =
      GST_DEBUG_FUNCPTR (gst_e2ee_rtp_sframe_enc_transform_size);
  trans_class->transform =
      GST_DEBUG_FUNCPTR (gst_e2ee_rtp_sframe_enc_transform);
  trans_class->start = GST_DEBUG_FUNCPTR (gst_e2ee_rtp_sframe_enc_start);
  trans_class->stop = GST_DEBUG_FUNCPTR (gst_e2ee_rtp_sframe_enc_stop);
#ifdef GST_E2EE_HAVE_KEY_MANAGER
  trans_class->query = GST_DEBUG_FUNCPTR (gst_e2ee_rtp_sframe_enc_query);
  element_class->set_context =
      GST_DEBUG_FUNCPTR (gst_e2ee_rtp_sframe_enc_set_context);
#endif

  /**
   * GstE2eeRtpSFrameEnc:key:
   *
   * The SFrame base key (RFC 9605 section 4.4.2), 16 to 64 bytes; hex
   * on the command line. Write-only, wiped when replaced.
   */
  /**
   * GstE2eeRtpSFrameEnc:key-id:
   *
   * The KID written into every SFrame header (up to 2^64 - 1).
   */
  /**
   * GstE2eeRtpSFrameEnc:sframe-suite:
   *
   * The SFrame cipher suite.
   */
  gst_e2ee_rtp_sframe_install_key_properties (gobject_class, PROP_KEY,
      PROP_KEY_ID, PROP_SUITE);

  /**
   * GstE2eeRtpSFrameEnc:stats:
   *
   * Counters: packets-in, packets-out (encrypted), no-key (dropped for want
   * of a key), failed (not RTP, or the seal failed).
   */
  g_object_class_install_property (gobject_class, PROP_STATS,
      g_param_spec_boxed ("stats", "Statistics", "Counters",
          GST_TYPE_STRUCTURE, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));

#ifdef GST_E2EE_HAVE_KEY_MANAGER
  /**
   * GstE2eeRtpSFrameEnc:key-manager:
   *
   * A key manager whose keys to send with, instead of #GstE2eeRtpSFrameEnc:key
   * and #GstE2eeRtpSFrameEnc:key-id, as e2eeenc with format=sframe does
   * (docs/keymanager.md, "SFrame keys"): the base key is this participant's
   * media key, the KID names the sender, the key index and the ratchet
   * generation, so a join (a ratchet) and a leave (a new key index) change
   * the KID. Unset, and without a key, the element asks its neighbours and
   * the application for a GstContext of type `gst.e2ee.KeyManager`. Until
   * the manager has a key every packet is dropped and counted as no-key.
   *
   * Absent from builds without the key manager (-Dkey-manager=disabled).
   *
   * Since: 0.2
   */
  gst_e2ee_rtp_sframe_install_manager_property (gobject_class,
      PROP_KEY_MANAGER);
#endif

  gst_element_class_add_static_pad_template (element_class, &sink_template);
  gst_element_class_add_static_pad_template (element_class, &src_template);
  gst_element_class_set_static_metadata (element_class,
      "RTP SFrame encrypter (per packet)", "Filter/Network/RTP/E2EE",
      "Encrypts each RTP payload of a codec payloader as one SFrame "
      "(draft-ietf-avtcore-rtp-sframe, T=1)", "The gst-e2ee authors");
}

static void
gst_e2ee_rtp_sframe_enc_init (GstE2eeRtpSFrameEnc * self)
{
  gst_e2ee_rtp_sframe_key_init (&self->key);
#ifdef GST_E2EE_HAVE_KEY_MANAGER
  gst_e2ee_rtp_sframe_managed_init (&self->managed, GST_OBJECT (self),
      GST_E2EE_SFRAME_KEY_ENCRYPT);
#endif
}
