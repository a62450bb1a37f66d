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
 * Keys: a static one (#GstE2eeRtpSFrameDec:key, #GstE2eeRtpSFrameDec:key-id),
 * or, in builds with the key manager, #GstE2eeRtpSFrameDec:participant's
 * from a #GstE2eeKeyManager (#GstE2eeRtpSFrameDec:key-manager or a
 * GstContext of type `gst.e2ee.KeyManager`), by KID as e2eedec
 * format=sframe finds them (docs/keymanager.md, "SFrame keys"); another
 * participant's packets are refused before any key is tried.
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
#include "gste2eertpsframe-keymanager.h"
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
  PROP_KEY_MANAGER,
  PROP_PARTICIPANT,
};

typedef struct
{
  guint64 packets_in, packets_out, no_key, not_sframe, wrong_mode,
      truncated, bad_header, missing_key, replayed, auth_failed, failed,
      ratchets;
} DecStats;

struct _GstE2eeRtpSFrameDec
{
  GstBaseTransform parent;

  /* protected by the object lock */
  GstE2eeRtpSFrameKey key;
  DecStats stats;
  gboolean warned_not_sframe;
  gboolean warned_no_key;
#ifdef GST_E2EE_HAVE_KEY_MANAGER
  /* the manager's keys, which take precedence over the key property */
  GstE2eeRtpSFrameManaged managed;
#endif
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
#ifdef GST_E2EE_HAVE_KEY_MANAGER
  GstE2eeSFrameSuite suite;
  guint index, n_ratchets = 0;
  gboolean managed;

  managed = gst_e2ee_rtp_sframe_managed_update (trans, &self->managed, &index);
#endif

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
#ifdef GST_E2EE_HAVE_KEY_MANAGER
  if (managed) {
    /* the key of the packet's KID, if it is the participant's; the
     * streaming thread's alone, the lock only guards the counters */
    suite = self->key.suite;
    GST_OBJECT_UNLOCK (self);
    res = gst_e2ee_sframe_keys_prepare (&self->managed.keys,
        self->managed.subscription, self->managed.ring, suite, payload + 1,
        len - 1, GST_E2EE_RTP_SFRAME_RATCHET_WINDOW, &n_ratchets);
    GST_OBJECT_LOCK (self);
    self->stats.ratchets += n_ratchets;
    if (res != GST_E2EE_FRAME_OK) {
      count_result (self, res);
      goto drop_locked;
    }
    ctx = self->managed.keys.ctx;
  } else
#endif
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
#ifdef GST_E2EE_HAVE_KEY_MANAGER
  /* a key-info of the sender's was lost: the manager asks for it again
   * (bounded by the subscription) */
  if (managed && res == GST_E2EE_FRAME_MISSING_KEY
      && self->managed.subscription
      && gst_e2ee_key_subscription_request_key (self->managed.subscription))
    GST_DEBUG_OBJECT (self, "asked the key manager for the missing key");
#endif
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
      "failed", G_TYPE_UINT64, self->stats.failed,
      "ratchets", G_TYPE_UINT64, self->stats.ratchets, NULL);
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
#ifdef GST_E2EE_HAVE_KEY_MANAGER
    case PROP_KEY_MANAGER:
      gst_object_replace ((GstObject **) & self->managed.manager,
          g_value_get_object (value));
      self->managed.resubscribe = TRUE;
      self->warned_no_key = FALSE;
      break;
    case PROP_PARTICIPANT:
      g_free (self->managed.participant);
      self->managed.participant = g_value_dup_string (value);
      self->managed.resubscribe = TRUE;
      break;
#endif
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
#ifdef GST_E2EE_HAVE_KEY_MANAGER
    case PROP_KEY_MANAGER:
      GST_OBJECT_LOCK (self);
      g_value_set_object (value, self->managed.manager);
      GST_OBJECT_UNLOCK (self);
      break;
    case PROP_PARTICIPANT:
      GST_OBJECT_LOCK (self);
      g_value_set_string (value, self->managed.participant);
      GST_OBJECT_UNLOCK (self);
      break;
#endif
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
#ifdef GST_E2EE_HAVE_KEY_MANAGER
  gst_e2ee_rtp_sframe_managed_clear (&self->managed);
#endif
  G_OBJECT_CLASS (parent_class)->finalize (object);
}

#ifdef GST_E2EE_HAVE_KEY_MANAGER
static gboolean
gst_e2ee_rtp_sframe_dec_start (GstBaseTransform * trans)
{
  GstE2eeRtpSFrameDec *self = GST_E2EE_RTP_SFRAME_DEC (trans);
  gboolean have_key;

  GST_OBJECT_LOCK (self);
  have_key = self->key.material != NULL;
  GST_OBJECT_UNLOCK (self);
  gst_e2ee_rtp_sframe_managed_start (trans, &self->managed, have_key);
  return TRUE;
}

static gboolean
gst_e2ee_rtp_sframe_dec_stop (GstBaseTransform * trans)
{
  GstE2eeRtpSFrameDec *self = GST_E2EE_RTP_SFRAME_DEC (trans);

  gst_e2ee_rtp_sframe_managed_stop (trans, &self->managed);
  return TRUE;
}

static void
gst_e2ee_rtp_sframe_dec_set_context (GstElement * element, GstContext * context)
{
  GstE2eeRtpSFrameDec *self = GST_E2EE_RTP_SFRAME_DEC (element);

  gst_e2ee_rtp_sframe_managed_set_context (element, &self->managed, context);
  GST_ELEMENT_CLASS (parent_class)->set_context (element, context);
}

static gboolean
gst_e2ee_rtp_sframe_dec_query (GstBaseTransform * trans,
    GstPadDirection direction, GstQuery * query)
{
  GstE2eeRtpSFrameDec *self = GST_E2EE_RTP_SFRAME_DEC (trans);

  if (gst_e2ee_rtp_sframe_managed_query (trans, &self->managed, query))
    return TRUE;
  return GST_BASE_TRANSFORM_CLASS (parent_class)->query (trans, direction,
      query);
}
#endif

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
#ifdef GST_E2EE_HAVE_KEY_MANAGER
  trans_class->start = GST_DEBUG_FUNCPTR (gst_e2ee_rtp_sframe_dec_start);
  trans_class->stop = GST_DEBUG_FUNCPTR (gst_e2ee_rtp_sframe_dec_stop);
  trans_class->query = GST_DEBUG_FUNCPTR (gst_e2ee_rtp_sframe_dec_query);
  element_class->set_context =
      GST_DEBUG_FUNCPTR (gst_e2ee_rtp_sframe_dec_set_context);
#endif

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
   * missing-key (unknown KID, or with a key manager another participant's
   * KID), replayed (a CTR seen before), auth-failed (wrong tag), failed
   * (anything else); ratchets (key derivations made to follow a sender's
   * ratchet generation, with a key manager).
   */
  g_object_class_install_property (gobject_class, PROP_STATS,
      g_param_spec_boxed ("stats", "Statistics", "Counters",
          GST_TYPE_STRUCTURE, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));

#ifdef GST_E2EE_HAVE_KEY_MANAGER
  /**
   * GstE2eeRtpSFrameDec:key-manager:
   *
   * A key manager whose keys to decrypt with, instead of
   * #GstE2eeRtpSFrameDec:key and #GstE2eeRtpSFrameDec:key-id, as e2eedec
   * with format=sframe does (docs/keymanager.md, "SFrame keys"): only
   * packets under a KID of #GstE2eeRtpSFrameDec:participant's open; a new
   * ratchet generation is derived forward (up to 8), a new key index is
   * taken from the manager, a participant who left opens nothing more.
   * Unset, and without a key, the element asks its neighbours and the
   * application for a GstContext of type `gst.e2ee.KeyManager`.
   *
   * Absent from builds without the key manager (-Dkey-manager=disabled).
   *
   * Since: 0.2
   */
  gst_e2ee_rtp_sframe_install_manager_property (gobject_class,
      PROP_KEY_MANAGER);

  /**
   * GstE2eeRtpSFrameDec:participant:
   *
   * With a key manager: whose packets these are, by participant id. Unset,
   * the only remote participant; with several, packets are dropped until
   * it is set. Another participant's packets are refused before any key is
   * tried, and counted as missing-key.
   *
   * Absent from builds without the key manager (-Dkey-manager=disabled).
   *
   * Since: 0.2
   */
  gst_e2ee_rtp_sframe_install_participant_property (gobject_class,
      PROP_PARTICIPANT);
#endif

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
#ifdef GST_E2EE_HAVE_KEY_MANAGER
  gst_e2ee_rtp_sframe_managed_init (&self->managed, GST_OBJECT (self),
      GST_E2EE_SFRAME_KEY_DECRYPT);
#endif
}
