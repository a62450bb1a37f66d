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
 * SECTION:element-e2eeenc
 * @title: e2eeenc
 * @see_also: e2eedec, e2eevp8pay
 *
 * Encrypts every encoded frame end to end, before the RTP payloader, in the
 * JFrame format of the Jitsi Meet and LiveKit web clients: the first bytes of
 * the frame that payloaders and routers read stay clear and authenticated
 * (the first byte of an audio frame: Opus's TOC byte, and the same one
 * byte for G.711, G.722 and raw AAC; 10 bytes of a VP8 or VP9 key frame, 3
 * of a delta frame; for H.264 and H.265 everything up to the first 2 bytes of the first
 * slice NAL unit, LiveKit's rule; for AV1 the temporal delimiter, sequence
 * header and the next OBU's header), the rest is AES-GCM ciphertext,
 * followed by the tag, the IV, the IV length and the key index. Caps do not
 * change, so the stock payloaders take the output.
 *
 * Audio, VP8 and VP9 frames are encrypted in place. Their trailer goes in
 * the room the encoder upstream left after the frame, which the element asks
 * for in the allocation query (encoders that allocate through
 * GstAudioEncoder or GstVideoEncoder, such as opusenc, leave it), or else in
 * a memory of its own appended to the buffer. H.264 and H.265 access
 * units are rewritten into the form the RTP depayloaders emit (4-byte start
 * codes, no trailing zero bytes) and the encrypted part is escaped so that
 * no start code appears in it; AV1 temporal units get the size of their
 * first encrypted OBU rewritten to span the rest. Those are written into new
 * memory, one allocation per frame. An access unit without a slice (or a
 * temporal unit without a frame) cannot be encrypted by these rules: it is
 * dropped and counted in bad-frames. H.264 and H.265 must be in byte-stream
 * form (put h264parse or h265parse in front of encoders that output avc or
 * hvc1).
 *
 * The sample-based audio payloaders (rtppcmupay, rtppcmapay, rtpg722pay)
 * keep an encrypted frame in one packet only if no max-ptime or MTU is
 * below its size (30 bytes more than the clear frame), and need
 * perfect-rtptime=false for timestamps that follow the frames rather than
 * the byte count. AAC goes through rtpmp4gpay.
 *
 * The element fails closed: with no key it drops frames (and warns once)
 * unless #GstE2eeEnc:allow-unencrypted is set.
 *
 * With #GstE2eeBaseTransform:format sframe it writes SFrames (RFC 9605)
 * instead: a header (the KID #GstE2eeBaseTransform:key-id and a counter that
 * starts at a random value), then the whole frame encrypted under
 * #GstE2eeBaseTransform:sframe-suite, then the tag; nothing stays clear, so
 * the output is for an SFrame RTP packetizer, not for the codec's payloader.
 * The key property is then the base key (16 to 64 bytes).
 * With #GstE2eeBaseTransform:key-manager (or its context) the base key is
 * this participant's media key and the KID names the sender, the key index
 * and the ratchet generation (docs/keymanager.md, "SFrame keys"): a join
 * changes the KID's generation, a leave its key index.
 *
 * ## Example launch lines
 * |[
 * gst-launch-1.0 audiotestsrc ! opusenc ! e2eeenc key=<64 hex digits> ! \
 *     rtpopuspay ! udpsink host=127.0.0.1 port=5000
 * ]|
 * |[
 * gst-launch-1.0 videotestsrc ! vp8enc deadline=1 ! e2eeenc key=<64 hex digits> ! \
 *     e2eevp8pay ! udpsink host=127.0.0.1 port=5002
 * ]| The stock rtpvp8pay of GStreamer 1.22 parses the VP8 partition header,
 * which is encrypted, and fails; e2eevp8pay does not parse it.
 * |[
 * gst-launch-1.0 videotestsrc ! x264enc tune=zerolatency ! \
 *     video/x-h264,stream-format=byte-stream,alignment=au ! \
 *     e2eeenc key=<64 hex digits> ! rtph264pay ! udpsink host=127.0.0.1 port=5004
 * ]|
 * |[
 * gst-launch-1.0 videotestsrc ! vp8enc deadline=1 ! e2eeenc format=sframe \
 *     sframe-suite=aes-128-ctr-hmac-sha256-80 key=<32 hex digits> key-id=7 ! \
 *     fakesink
 * ]| SFrame with AES-CTR and a 10-byte HMAC tag, KID 7.
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gste2eeenc.h"
#include "gste2eei18n.h"

GST_DEBUG_CATEGORY_STATIC (gst_e2ee_enc_debug);
#define GST_CAT_DEFAULT gst_e2ee_enc_debug

#define DEFAULT_ALLOW_UNENCRYPTED FALSE

enum
{
  PROP_ALLOW_UNENCRYPTED = GST_E2EE_BASE_TRANSFORM_PROP_LAST,
};

struct _GstE2eeEnc
{
  GstE2eeBaseTransform parent;

  /* GST_E2EE_BASE_TRANSFORM_LOCK */
  gboolean allow_unencrypted;
  /* GST_E2EE_BASE_TRANSFORM_LOCK; the missing key was warned about */
  gboolean warned_no_key;

  /* streaming thread only */
  GstE2eeIvSource iv_source;
};


static GstStaticPadTemplate sink_template = GST_STATIC_PAD_TEMPLATE ("sink",
    GST_PAD_SINK, GST_PAD_ALWAYS, GST_STATIC_CAPS (GST_E2EE_FRAME_CAPS));

static GstStaticPadTemplate src_template = GST_STATIC_PAD_TEMPLATE ("src",
    GST_PAD_SRC, GST_PAD_ALWAYS, GST_STATIC_CAPS (GST_E2EE_FRAME_CAPS));

#define gst_e2ee_enc_parent_class parent_class
G_DEFINE_TYPE_WITH_CODE (GstE2eeEnc, gst_e2ee_enc, GST_TYPE_E2EE_BASE_TRANSFORM,
    GST_DEBUG_CATEGORY_INIT (gst_e2ee_enc_debug, "e2eeenc", 0,
        "end-to-end frame encryptor"));
GST_ELEMENT_REGISTER_DEFINE (e2eeenc, "e2eeenc", GST_RANK_NONE,
    GST_TYPE_E2EE_ENC);

#ifdef GST_E2EE_HAVE_KEY_MANAGER
static GstE2eeKeySubscription *
gst_e2ee_enc_subscribe (GstE2eeBaseTransform * base,
    GstE2eeKeyManager * manager, GstE2eeKeyRing * ring)
{
  return gst_e2ee_key_subscription_new_local (manager, ring);
}
#endif

static gboolean
gst_e2ee_enc_start (GstBaseTransform * trans)
{
  GstE2eeEnc *self = GST_E2EE_ENC (trans);

  if (!gst_e2ee_iv_source_init (&self->iv_source)) {
    GST_ELEMENT_ERROR (self, LIBRARY, INIT,
        (_("Could not set up the cipher.")),
        ("the random number generator failed"));
    return FALSE;
  }
  GST_E2EE_BASE_TRANSFORM_LOCK (self);
  self->warned_no_key = FALSE;
  GST_E2EE_BASE_TRANSFORM_UNLOCK (self);

  return GST_BASE_TRANSFORM_CLASS (parent_class)->start (trans);
}

static GstFlowReturn
drop_without_key (GstE2eeEnc * self, GstBuffer * buf, gsize size)
{
  GstE2eeStats *stats = gst_e2ee_base_transform_stats (GST_E2EE_BASE_TRANSFORM
      (self));
  gboolean allow, warn = FALSE;

  GST_E2EE_BASE_TRANSFORM_LOCK (self);
  allow = self->allow_unencrypted;
  if (allow) {
    stats->unencrypted++;
    stats->frames_out++;
    stats->bytes_out += size;
  } else {
    stats->missing_key++;
    stats->dropped++;
    warn = !self->warned_no_key;
    self->warned_no_key = TRUE;
  }
  GST_E2EE_BASE_TRANSFORM_UNLOCK (self);

  if (allow) {
    GST_LOG_OBJECT (self, "no key, frame sent in clear as allowed");
    return GST_FLOW_OK;
  }
  if (warn)
    GST_ELEMENT_WARNING (self, RESOURCE, SETTINGS,
        (_("No encryption key is set: frames are dropped until one is.")),
        ("set the key, passphrase or key-manager property, or "
            "allow-unencrypted=true"));
  GST_LOG_OBJECT (self, "no key, frame dropped");
  return gst_e2ee_base_transform_drop (GST_E2EE_BASE_TRANSFORM (self), buf);
}

/* Seals into new memory that replaces the frame's (H.264, H.265, AV1; any
 * codec when the frame may not be written).
 * Takes the key's reference. */
static GstFlowReturn
seal_rewritten (GstE2eeEnc * self, GstBuffer * buf, GstE2eeKey * key,
    guint8 kid, GstE2eeCodec codec, gsize size)
{
  GstE2eeStats *stats = gst_e2ee_base_transform_stats (GST_E2EE_BASE_TRANSFORM
      (self));
  guint8 iv[GST_E2EE_IV_SIZE];
  GstE2eeFrameResult res = GST_E2EE_FRAME_BAD_HEADER;
  GstMemory *mem = NULL;
  GstMapInfo in, out;
  gsize room, sealed = 0;

  if (!gst_buffer_map (buf, &in, GST_MAP_READ)) {
    gst_e2ee_key_unref (key);
    GST_ELEMENT_ERROR (self, RESOURCE, FAILED, (NULL),
        ("could not map the frame"));
    return GST_FLOW_ERROR;
  }

  room = gst_e2ee_jframe_sealed_size (codec, in.data, in.size);
  if (room > 0) {
    gst_e2ee_iv_source_next (&self->iv_source, iv);
    /* a second round only for a frame that needs more escapes than the
     * room allows; the same IV gives the same bytes */
    while (TRUE) {
      mem = gst_allocator_alloc (NULL, room, NULL);
      gst_memory_map (mem, &out, GST_MAP_WRITE);
      res = gst_e2ee_jframe_seal_into (key, kid, iv, codec, in.data, in.size,
          out.data, out.size, &sealed);
      gst_memory_unmap (mem, &out);
      if (res != GST_E2EE_FRAME_NO_SPACE || sealed <= room)
        break;
      gst_memory_unref (mem);
      mem = NULL;
      room = sealed;
    }
  }
  gst_buffer_unmap (buf, &in);
  gst_e2ee_key_unref (key);

  if (res == GST_E2EE_FRAME_OK) {
    gst_memory_resize (mem, 0, sealed);
    gst_buffer_replace_all_memory (buf, mem);
    GST_E2EE_BASE_TRANSFORM_LOCK (self);
    stats->frames_out++;
    stats->bytes_out += sealed;
    GST_E2EE_BASE_TRANSFORM_UNLOCK (self);
    GST_LOG_OBJECT (self, "encrypted %" G_GSIZE_FORMAT " -> %" G_GSIZE_FORMAT
        " bytes (%s)", size, sealed, gst_e2ee_codec_to_string (codec));
    return GST_FLOW_OK;
  }

  if (mem)
    gst_memory_unref (mem);
  if (res == GST_E2EE_FRAME_BAD_HEADER) {
    /* fail closed: a frame the rule cannot split is not sent */
    GST_E2EE_BASE_TRANSFORM_LOCK (self);
    stats->bad_frames++;
    stats->dropped++;
    GST_E2EE_BASE_TRANSFORM_UNLOCK (self);
    GST_DEBUG_OBJECT (self, "%" G_GSIZE_FORMAT "-byte %s frame dropped: %s",
        size, gst_e2ee_codec_to_string (codec),
        gst_e2ee_frame_result_to_string (res));
    return gst_e2ee_base_transform_drop (GST_E2EE_BASE_TRANSFORM (self), buf);
  }
  GST_ELEMENT_ERROR (self, LIBRARY, ENCODE, (_("Encryption failed.")),
      ("%s", gst_e2ee_frame_result_to_string (res)));
  return GST_FLOW_ERROR;
}

/* Whether the frame is one memory we may write. */
static gboolean
frame_writable (GstBuffer * buf)
{
  return gst_buffer_n_memory (buf) == 1
      && gst_e2ee_base_transform_memory_writable (gst_buffer_peek_memory (buf,
          0));
}

/* Any format through its GstE2eeFrameFormatFuncs (format=sframe): sealed
 * in place when the format can and the frame's memory has room around it,
 * else into new memory that replaces the frame's. */
static GstFlowReturn
seal_with_format (GstE2eeEnc * self, GstBuffer * buf, GstE2eeCodec codec,
    gsize size)
{
  GstE2eeBaseTransform *base = GST_E2EE_BASE_TRANSFORM (self);
  GstE2eeStats *stats = gst_e2ee_base_transform_stats (base);
  const GstE2eeFrameFormatFuncs *funcs =
      gst_e2ee_frame_format_get_funcs (gst_e2ee_base_transform_get_format
      (base));
  gpointer state = gst_e2ee_base_transform_get_sframe (base);
  GstE2eeFrameResult res = GST_E2EE_FRAME_NO_SPACE;
  GstMemory *mem = NULL;
  GstMapInfo in, out;
  gsize room, sealed = 0;

  if (!state)
    return drop_without_key (self, buf, size);

  /* in place, in the room the encoder left before and after the frame as
   * asked (gst_e2ee_enc_propose_allocation): no allocation */
  if (funcs->seal_in_place && frame_writable (buf)) {
    GstMemory *m = gst_buffer_peek_memory (buf, 0);
    gsize offset, maxsize, start = 0;

    gst_memory_get_sizes (m, &offset, &maxsize);
    if (maxsize >= offset + size) {
      /* the whole block, to write before and after the frame */
      gst_memory_resize (m, -(gssize) offset, maxsize);
      if (gst_memory_map (m, &out, GST_MAP_READWRITE)) {
        res = funcs->seal_in_place (state, codec, out.data + offset, size,
            offset, maxsize - offset - size, &start, &sealed);
        gst_memory_unmap (m, &out);
      }
      if (res == GST_E2EE_FRAME_OK) {
        gst_memory_resize (m, start, sealed);
        goto sealed;
      }
      gst_memory_resize (m, offset, size);
      if (res != GST_E2EE_FRAME_NO_SPACE)
        goto failed;
    }
  }

  if (!gst_buffer_map (buf, &in, GST_MAP_READ)) {
    GST_ELEMENT_ERROR (self, RESOURCE, FAILED, (NULL),
        ("could not map the frame"));
    return GST_FLOW_ERROR;
  }
  room = funcs->max_sealed_size (state, codec, in.data, in.size);
  if (room > 0) {
    mem = gst_allocator_alloc (NULL, room, NULL);
    gst_memory_map (mem, &out, GST_MAP_WRITE);
    res = funcs->seal (state, codec, in.data, in.size, out.data, out.size,
        &sealed);
    gst_memory_unmap (mem, &out);
  }
  gst_buffer_unmap (buf, &in);

  if (res == GST_E2EE_FRAME_OK) {
    gst_memory_resize (mem, 0, sealed);
    gst_buffer_replace_all_memory (buf, mem);
    goto sealed;
  }
  if (mem)
    gst_memory_unref (mem);

failed:
  if (res == GST_E2EE_FRAME_MISSING_KEY)
    return drop_without_key (self, buf, size);
  if (res == GST_E2EE_FRAME_CTR_EXHAUSTED) {
    GST_ELEMENT_ERROR (self, RESOURCE, SETTINGS,
        (_("The encryption key is used up: set a new key.")),
        ("the SFrame counter reached 2^64-1 under this key"));
    return GST_FLOW_ERROR;
  }
  GST_ELEMENT_ERROR (self, LIBRARY, ENCODE, (_("Encryption failed.")),
      ("%s", gst_e2ee_frame_result_to_string (res)));
  return GST_FLOW_ERROR;

sealed:
  GST_E2EE_BASE_TRANSFORM_LOCK (self);
  stats->frames_out++;
  stats->bytes_out += sealed;
  GST_E2EE_BASE_TRANSFORM_UNLOCK (self);
  GST_LOG_OBJECT (self, "encrypted %" G_GSIZE_FORMAT " -> %" G_GSIZE_FORMAT
      " bytes%s", size, sealed, mem ? "" : " in place");
  return GST_FLOW_OK;
}


/* Whether the frame, one memory we may write (frame_writable()), has room
 * for the trailer after its @size bytes. */
static gboolean
has_room_for_trailer (GstBuffer * buf, gsize size)
{
  gsize offset, maxsize;

  gst_memory_get_sizes (gst_buffer_peek_memory (buf, 0), &offset, &maxsize);
  return maxsize >= offset && maxsize - offset >= size
      && maxsize - offset - size >= GST_E2EE_JFRAME_TRAILER_SIZE;
}

static GstFlowReturn
gst_e2ee_enc_transform_ip (GstBaseTransform * trans, GstBuffer * buf)
{
  GstE2eeEnc *self = GST_E2EE_ENC (trans);
  GstE2eeBaseTransform *base = GST_E2EE_BASE_TRANSFORM (trans);
  GstE2eeKeyRing *ring = gst_e2ee_base_transform_get_ring (base);
  GstE2eeStats *stats = gst_e2ee_base_transform_stats (base);
  guint8 iv[GST_E2EE_IV_SIZE];
  guint8 trailer[GST_E2EE_JFRAME_TRAILER_SIZE];
  GstE2eeCodec codec;
  GstE2eeKey *key;
  GstMemory *mem;
  GstMapInfo map;
  guint index;
  gsize size;
  gboolean ok, in_padding;

  if (!gst_e2ee_base_transform_begin_frame (base, buf, &codec, &index))
    return GST_FLOW_ERROR;

  size = gst_buffer_get_size (buf);
  if (size == 0) {
    /* DTX and padding: nothing to hide; a JFrame cannot be shorter than
     * its trailer, so the receiver tells them apart */
    GST_E2EE_BASE_TRANSFORM_LOCK (self);
    stats->frames_out++;
    GST_E2EE_BASE_TRANSFORM_UNLOCK (self);
    return GST_FLOW_OK;
  }

  if (gst_e2ee_base_transform_get_format (base) != GST_E2EE_FRAME_FORMAT_JFRAME)
    return seal_with_format (self, buf, codec, size);

  key = gst_e2ee_key_ring_get_key (ring, index);
  if (!key)
    return drop_without_key (self, buf, size);

  /* a frame whose memory is shared (a tee upstream: GstBaseTransform gave
   * us a buffer of our own around the same memory) is sealed into new
   * memory in one pass, rather than copied by the map and then sealed */
  if (!gst_e2ee_codec_seals_in_place (codec) || !frame_writable (buf))
    return seal_rewritten (self, buf, key, index % gst_e2ee_key_ring_get_size
        (ring), codec, size);

  /* the trailer goes in the padding the upstream encoder left after the
   * frame if it did as we asked (gst_e2ee_enc_propose_allocation) */
  in_padding = has_room_for_trailer (buf, size);
  if (in_padding)
    gst_buffer_set_size (buf, size + sizeof (trailer));

  if (!gst_buffer_map (buf, &map, GST_MAP_READWRITE)) {
    gst_e2ee_key_unref (key);
    GST_ELEMENT_ERROR (self, RESOURCE, FAILED, (NULL),
        ("could not map the frame writable"));
    return GST_FLOW_ERROR;
  }
  gst_e2ee_iv_source_next (&self->iv_source, iv);
  ok = gst_e2ee_jframe_seal (key, index % gst_e2ee_key_ring_get_size (ring),
      iv, codec, map.data, size, in_padding ? map.data + size : trailer);
  gst_buffer_unmap (buf, &map);
  gst_e2ee_key_unref (key);

  if (!ok) {
    GST_ELEMENT_ERROR (self, LIBRARY, ENCODE, (_("Encryption failed.")),
        ("AES-GCM seal failed"));
    return GST_FLOW_ERROR;
  }

  if (!in_padding) {
    /* the one allocation per frame: the trailer's memory */
    mem = gst_allocator_alloc (NULL, sizeof (trailer), NULL);
    gst_memory_map (mem, &map, GST_MAP_WRITE);
    memcpy (map.data, trailer, sizeof (trailer));
    gst_memory_unmap (mem, &map);
    gst_buffer_append_memory (buf, mem);
  }

  GST_E2EE_BASE_TRANSFORM_LOCK (self);
  stats->frames_out++;
  stats->bytes_out += size + sizeof (trailer);
  GST_E2EE_BASE_TRANSFORM_UNLOCK (self);

  GST_LOG_OBJECT (self, "encrypted %" G_GSIZE_FORMAT " bytes, key index %u",
      size, index);
  return GST_FLOW_OK;
}

/* Asks the encoder upstream to leave room for the trailer after each frame,
 * on top of what downstream asked for: encoders that allocate through
 * GstAudioEncoder or GstVideoEncoder (opusenc, for one) then make frames
 * that leave this element in one memory, with no allocation here. */
static gboolean
gst_e2ee_enc_propose_allocation (GstBaseTransform * trans,
    GstQuery * decide_query, GstQuery * query)
{
  GstAllocationParams params;
  GstAllocator *allocator = NULL;
  gsize prefix;

  /* what downstream answers, if it answers */
  GST_BASE_TRANSFORM_CLASS (parent_class)->propose_allocation (trans,
      decide_query, query);

  /* SFrame: its header goes before the frame (the tag fits in the
   * trailer's room) */
  prefix = gst_e2ee_base_transform_get_format (GST_E2EE_BASE_TRANSFORM
      (trans)) == GST_E2EE_FRAME_FORMAT_SFRAME ?
      GST_E2EE_SFRAME_MAX_HEADER_SIZE : 0;
  if (gst_query_get_n_allocation_params (query) > 0) {
    gst_query_parse_nth_allocation_param (query, 0, &allocator, &params);
    params.padding = MAX (params.padding, GST_E2EE_JFRAME_TRAILER_SIZE);
    params.prefix = MAX (params.prefix, prefix);
    gst_query_set_nth_allocation_param (query, 0, allocator, &params);
    if (allocator)
      gst_object_unref (allocator);
  } else {
    gst_allocation_params_init (&params);
    params.padding = GST_E2EE_JFRAME_TRAILER_SIZE;
    params.prefix = prefix;
    gst_query_add_allocation_param (query, NULL, &params);
  }
  return TRUE;
}

static void
gst_e2ee_enc_add_stats (GstE2eeBaseTransform * base, GstStructure * s)
{
  gst_structure_set (s, "unencrypted", G_TYPE_UINT64,
      gst_e2ee_base_transform_stats (base)->unencrypted, NULL);
}

static void
gst_e2ee_enc_set_property (GObject * object, guint prop_id,
    const GValue * value, GParamSpec * pspec)
{
  GstE2eeEnc *self = GST_E2EE_ENC (object);

  switch (prop_id) {
    case PROP_ALLOW_UNENCRYPTED:
      GST_E2EE_BASE_TRANSFORM_LOCK (self);
      self->allow_unencrypted = g_value_get_boolean (value);
      GST_E2EE_BASE_TRANSFORM_UNLOCK (self);
      break;
    default:
      G_OBJECT_CLASS (parent_class)->set_property (object, prop_id, value,
          pspec);
      break;
  }
}

static void
gst_e2ee_enc_get_property (GObject * object, guint prop_id, GValue * value,
    GParamSpec * pspec)
{
  GstE2eeEnc *self = GST_E2EE_ENC (object);

  switch (prop_id) {
    case PROP_ALLOW_UNENCRYPTED:
      GST_E2EE_BASE_TRANSFORM_LOCK (self);
      g_value_set_boolean (value, self->allow_unencrypted);
      GST_E2EE_BASE_TRANSFORM_UNLOCK (self);
      break;
    default:
      G_OBJECT_CLASS (parent_class)->get_property (object, prop_id, value,
          pspec);
      break;
  }
}

static void
gst_e2ee_enc_class_init (GstE2eeEncClass * klass)
{
  GObjectClass *gobject_class = G_OBJECT_CLASS (klass);
  GstElementClass *element_class = GST_ELEMENT_CLASS (klass);
  GstBaseTransformClass *trans_class = GST_BASE_TRANSFORM_CLASS (klass);
  GstE2eeBaseTransformClass *base_class = GST_E2EE_BASE_TRANSFORM_CLASS (klass);

  gobject_class->set_property = gst_e2ee_enc_set_property;
  gobject_class->get_property = gst_e2ee_enc_get_property;

  trans_class->start = GST_DEBUG_FUNCPTR (gst_e2ee_enc_start);
  trans_class->transform_ip = GST_DEBUG_FUNCPTR (gst_e2ee_enc_transform_ip);
  trans_class->propose_allocation =
      GST_DEBUG_FUNCPTR (gst_e2ee_enc_propose_allocation);

  base_class->stats_name = "application/x-e2ee-enc-stats";
  base_class->add_stats = gst_e2ee_enc_add_stats;
#ifdef GST_E2EE_HAVE_KEY_MANAGER
  base_class->subscribe = gst_e2ee_enc_subscribe;
#endif
  base_class->sframe_usage = GST_E2EE_SFRAME_KEY_ENCRYPT;

  /**
   * GstE2eeEnc:allow-unencrypted:
   *
   * Send frames in clear while no key is set, instead of dropping them.
   * Off by default: an end-to-end encrypted call must not leak media because
   * a key arrived late.
   */
  g_object_class_install_property (gobject_class, PROP_ALLOW_UNENCRYPTED,
      g_param_spec_boolean ("allow-unencrypted", "Allow unencrypted",
          "Send frames in clear while no key is set instead of dropping them",
          DEFAULT_ALLOW_UNENCRYPTED,
          G_PARAM_READWRITE | GST_PARAM_MUTABLE_PLAYING |
          G_PARAM_STATIC_STRINGS));

  gst_element_class_add_static_pad_template (element_class, &sink_template);
  gst_element_class_add_static_pad_template (element_class, &src_template);
  gst_element_class_set_static_metadata (element_class,
      "End-to-end frame encryptor", "Filter/Network/E2EE",
      "Encrypts encoded media frames end to end (JFrame or SFrame format)",
      "The gst-e2ee authors");
}

static void
gst_e2ee_enc_init (GstE2eeEnc * self)
{
  self->allow_unencrypted = DEFAULT_ALLOW_UNENCRYPTED;
}
