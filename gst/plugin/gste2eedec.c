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
 * element asks upstream for a key frame, so the picture recovers at once;
 * at most one request per #GstE2eeDec:min-force-key-unit-interval, so
 * packet loss does not turn into a storm of key frames.
 *
 * Frames are decrypted in place when their memory may be written (a frame
 * a depayloader reassembled from several packets; e2eeenc's output, whose
 * trailer memory is dropped). A depayloader's sub-buffer of the received
 * packet is read-only: its plaintext is written, in the same single pass,
 * into a buffer from the element's own pool, sized by the frames that
 * authenticated. Either way no frame costs an allocation in steady state.
 * Frames over #GstE2eeDec:max-frame-size are dropped unread.
 *
 * H.264 and H.265 frames are unescaped, and copies of parameter sets that
 * rtph264pay/rtph265pay (config-interval) or the depayloaders (the caps'
 * sprop-parameter-sets) add to the clear header are accepted and kept, so the
 * output is what the depayloader gives for the unencrypted stream. AV1
 * frames get their original OBU size back.
 *
 * With #GstE2eeBaseTransform:format sframe the element opens SFrames (RFC
 * 9605) instead: the key property is the base key of the KID
 * #GstE2eeBaseTransform:key-id, the suite is
 * #GstE2eeBaseTransform:sframe-suite, the keys of the 15 KIDs before stay
 * usable, and a frame whose CTR was already accepted under its KID (or is
 * 64 or more behind) is dropped and counted in replayed. With static keys
 * there is no ratchet. With #GstE2eeBaseTransform:key-manager the keys are
 * #GstE2eeDec:participant's, by KID (docs/keymanager.md, "SFrame keys"):
 * another sender's frames are refused (missing-key), a new generation of
 * the sender's key is derived within #GstE2eeDec:ratchet-window.
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
 * |[
 * gst-launch-1.0 videotestsrc num-buffers=100 ! vp8enc deadline=1 ! \
 *     e2eeenc format=sframe key=<32 hex digits> key-id=7 ! \
 *     e2eedec format=sframe key=<32 hex digits> key-id=7 ! vp8dec ! fakesink
 * ]| SFrame (suite aes-128-gcm-sha256-128, KID 7) end to end; over RTP it
 * needs an SFrame packetizer between the two.
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
#define DEFAULT_MIN_FORCE_KEY_UNIT_INTERVAL GST_SECOND
#define DEFAULT_MAX_FRAME_SIZE (16 * 1024 * 1024)
#define MIN_MAX_FRAME_SIZE 1024
/* the output pool's buffers: at first, and never less */
#define POOL_INITIAL_SIZE (16 * 1024)
#define POOL_MIN_SIZE 4096
/* frames out of the pool over which the largest one that authenticated
 * decides whether the pool shrinks */
#define POOL_WINDOW 300

enum
{
  PROP_RATCHET_WINDOW = GST_E2EE_BASE_TRANSFORM_PROP_LAST,
  PROP_ON_FAILURE,
  PROP_PARTICIPANT,
  PROP_MIN_FORCE_KEY_UNIT_INTERVAL,
  PROP_MAX_FRAME_SIZE,
};

struct _GstE2eeDec
{
  GstE2eeBaseTransform parent;

  /* atomic: read once per frame */
  guint ratchet_window;
  /* atomic: read once per frame; larger frames are dropped unread */
  guint max_frame_size;

  /* GST_E2EE_BASE_TRANSFORM_LOCK */
  GstE2eeDecOnFailure on_failure;
  /* GST_E2EE_BASE_TRANSFORM_LOCK; a frame failed since the last one that
   * decrypted */
  gboolean failing;
  /* GST_E2EE_BASE_TRANSFORM_LOCK; whose keys, with a key manager (NULL:
   * the only remote participant) */
  gchar *participant;
  /* GST_E2EE_BASE_TRANSFORM_LOCK; running time between two key-frame
   * requests (0: no limit, GST_CLOCK_TIME_NONE: never ask) */
  GstClockTime min_force_key_unit_interval;
  /* GST_E2EE_BASE_TRANSFORM_LOCK; key-frame requests that the interval
   * held back (the count in stats) */
  guint64 key_frame_requests_suppressed;
  /* GST_E2EE_BASE_TRANSFORM_LOCK; frames over max-frame-size */
  guint64 oversized;

  /* streaming thread only (and start): a key frame is wanted, but the
   * last request was too recent; running time of that request and of the
   * frame being decrypted */
  gboolean key_frame_pending;
  GstClockTime last_key_frame_request;
  GstClockTime frame_running_time;

  /* streaming thread only: the frame being decrypted, and the output
   * buffers for frames that cannot be decrypted in place */
  GstE2eeCodec frame_codec;
  guint frame_index;
  gboolean frame_oversized;
  GstBufferPool *pool;
  gsize pool_size;
  /* the pool's buffer size that authenticated frames call for: the pool
   * is made again at this size before the next frame that needs it */
  gsize pool_wanted;
  /* the largest authenticated frame of the current window, and how many
   * frames the window holds */
  gsize window_max;
  guint window_frames;
};


static GstStaticPadTemplate sink_template = GST_STATIC_PAD_TEMPLATE ("sink",
    GST_PAD_SINK, GST_PAD_ALWAYS, GST_STATIC_CAPS (GST_E2EE_FRAME_CAPS));

static GstStaticPadTemplate src_template = GST_STATIC_PAD_TEMPLATE ("src",
    GST_PAD_SRC, GST_PAD_ALWAYS, GST_STATIC_CAPS (GST_E2EE_FRAME_CAPS));

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

/*
 * Sends the pending key-frame request if the last one was at least
 * min-force-key-unit-interval earlier, in running time (the frames' time,
 * not the machine's: the same stream gives the same requests however busy
 * the machine is). Streaming thread, on a frame that decrypted.
 */
static void
send_key_frame_request (GstE2eeDec * self)
{
  GstE2eeBaseTransform *base = GST_E2EE_BASE_TRANSFORM (self);
  GstClockTime now = self->frame_running_time;
  GstClockTime last = self->last_key_frame_request;
  GstClockTime interval;
  GstEvent *event;
  gboolean allowed;

  GST_E2EE_BASE_TRANSFORM_LOCK (self);
  interval = self->min_force_key_unit_interval;
  /* as GstVideoDecoder: without a running time there is nothing to limit
   * by; after a jump back in time (a new segment) the limit restarts */
  allowed = interval == 0 || !GST_CLOCK_TIME_IS_VALID (now)
      || (GST_CLOCK_TIME_IS_VALID (interval)
      && (!GST_CLOCK_TIME_IS_VALID (last) || now < last
          || now - last >= interval));
  if (allowed)
    gst_e2ee_base_transform_stats (base)->key_frame_requests++;
  GST_E2EE_BASE_TRANSFORM_UNLOCK (self);

  if (!allowed)
    return;
  self->key_frame_pending = FALSE;
  self->last_key_frame_request = now;
  GST_DEBUG_OBJECT (self, "requesting a key frame");
  /* all-headers FALSE, as GstVideoDecoder asks: webrtcbin's rtpsession
   * turns it into a PLI. With TRUE it sends an RFC 5104 FIR wherever
   * "ccm fir" was negotiated, and SFUs forward only PLIs (Janus 1.1.2
   * drops a subscriber's FIR): the request never reached the sender. A
   * payloader sends parameter sets with every key frame anyway
   * (rtph264pay config-interval=-1). */
  event = gst_video_event_new_upstream_force_key_unit (GST_CLOCK_TIME_NONE,
      FALSE, 0);
  gst_pad_push_event (GST_BASE_TRANSFORM_SINK_PAD (self), event);
}

/*
 * Decryption recovered, or a new key arrived after failures: the decoder
 * needs a key frame. It is asked for at once, or, if the last request was
 * too recent, once min-force-key-unit-interval has passed, unless a key
 * frame came through meanwhile. A loss every few frames (H.264 access units
 * with a slice missing) so costs at most one key frame per interval.
 * Streaming thread.
 */
static void
request_key_frame (GstE2eeDec * self)
{
  GstE2eeBaseTransform *base = GST_E2EE_BASE_TRANSFORM (self);

  GST_E2EE_BASE_TRANSFORM_LOCK (self);
  if (gst_e2ee_base_transform_get_codec_locked (base) == GST_E2EE_CODEC_AUDIO) {
    GST_E2EE_BASE_TRANSFORM_UNLOCK (self);
    return;
  }
  GST_E2EE_BASE_TRANSFORM_UNLOCK (self);

  self->key_frame_pending = TRUE;
  send_key_frame_request (self);
  if (self->key_frame_pending) {
    GST_E2EE_BASE_TRANSFORM_LOCK (self);
    self->key_frame_requests_suppressed++;
    GST_E2EE_BASE_TRANSFORM_UNLOCK (self);
    GST_LOG_OBJECT (self, "key-frame request held back: the last one was "
        "less than min-force-key-unit-interval ago");
  }
}

static void
gst_e2ee_dec_key_installed (GstE2eeBaseTransform * base)
{
  GstE2eeDec *self = GST_E2EE_DEC (base);
  gboolean failing;

  GST_E2EE_BASE_TRANSFORM_LOCK (self);
  failing = self->failing;
  self->failing = FALSE;
  GST_E2EE_BASE_TRANSFORM_UNLOCK (self);

  if (failing)
    request_key_frame (self);
}

#ifdef GST_E2EE_HAVE_KEY_MANAGER
static GstE2eeKeySubscription *
gst_e2ee_dec_subscribe (GstE2eeBaseTransform * base,
    GstE2eeKeyManager * manager, GstE2eeKeyRing * ring)
{
  GstE2eeDec *self = GST_E2EE_DEC (base);
  GstE2eeKeySubscription *sub;
  gchar *participant;

  GST_E2EE_BASE_TRANSFORM_LOCK (self);
  participant = g_strdup (self->participant);
  GST_E2EE_BASE_TRANSFORM_UNLOCK (self);

  GST_DEBUG_OBJECT (self, "subscribing to the keys of %s",
      participant ? participant : "the only remote participant");
  sub = gst_e2ee_key_subscription_new_remote (manager, participant, ring);
  g_free (participant);
  return sub;
}
#endif

/* Whether the @region_size bytes at the start of @buf are in one memory
 * that may be written: the frame is then decrypted in place. */
static gboolean
region_writable (GstBuffer * buf, gsize region_size)
{
  guint idx, len;
  gsize skip;

  if (!gst_buffer_is_writable (buf))
    return FALSE;
  if (region_size == 0)
    return TRUE;
  if (!gst_buffer_find_memory (buf, 0, region_size, &idx, &len, &skip)
      || len != 1)
    return FALSE;
  return gst_e2ee_base_transform_memory_writable (gst_buffer_peek_memory (buf,
          idx));
}

/* Maps the @region_size bytes at the start of @buf, which are in one memory,
 * without merging it with the memories after it (e2eeenc's trailer). */
static gboolean
map_region (GstBuffer * buf, gsize region_size, GstMapInfo * map,
    GstMapFlags flags, guint8 ** data)
{
  static guint8 empty;
  guint idx, len;
  gsize skip;

  if (region_size == 0) {
    map->memory = NULL;
    *data = &empty;
    return TRUE;
  }
  if (!gst_buffer_find_memory (buf, 0, region_size, &idx, &len, &skip)
      || len != 1 || !gst_buffer_map_range (buf, idx, 1, map, flags))
    return FALSE;
  *data = map->data + skip;
  return TRUE;
}

static void
unmap_region (GstBuffer * buf, GstMapInfo * map)
{
  if (map->memory)
    gst_buffer_unmap (buf, map);
}

static gsize
round_to_page (gsize size)
{
  return (size + 4095) & ~(gsize) 4095;
}

/*
 * An output buffer of at least @size bytes. From the element's pool when
 * the frame fits its buffers: in steady state no allocation. A frame
 * larger than any that authenticated so far gets a buffer of its own,
 * freed with it, for an unauthenticated frame must not decide how large
 * the buffers of every later frame are; the pool grows once such a frame
 * authenticates (pool_note_authenticated()).
 */
static GstFlowReturn
acquire_output (GstE2eeDec * self, gsize size, GstBuffer ** outbuf)
{
  if (!self->pool || self->pool_wanted != self->pool_size) {
    gsize pool_size = MAX (self->pool_wanted, POOL_MIN_SIZE);
    GstBufferPool *pool;
    GstStructure *config;

    pool = gst_buffer_pool_new ();
    config = gst_buffer_pool_get_config (pool);
    gst_buffer_pool_config_set_params (config, NULL, (guint) pool_size, 0, 0);
    if (!gst_buffer_pool_set_config (pool, config)
        || !gst_buffer_pool_set_active (pool, TRUE)) {
      gst_object_unref (pool);
      return GST_FLOW_ERROR;
    }
    GST_DEBUG_OBJECT (self, "output pool of %" G_GSIZE_FORMAT "-byte buffers",
        pool_size);
    if (self->pool) {
      /* buffers still downstream are freed when they come back */
      gst_buffer_pool_set_active (self->pool, FALSE);
      gst_object_unref (self->pool);
    }
    self->pool = pool;
    self->pool_size = self->pool_wanted = pool_size;
  }
  if (size > self->pool_size) {
    *outbuf = gst_buffer_new_allocate (NULL, size, NULL);
    return *outbuf ? GST_FLOW_OK : GST_FLOW_ERROR;
  }
  return gst_buffer_pool_acquire_buffer (self->pool, outbuf, NULL);
}

/*
 * A frame of @size bytes decrypted out of place authenticated: the pool
 * grows to take such frames, and shrinks when no frame of a window of
 * POOL_WINDOW came near its buffers' size (a large key frame long ago),
 * so what it holds follows the authenticated stream. Streaming thread.
 */
static void
pool_note_authenticated (GstE2eeDec * self, gsize size)
{
  self->window_max = MAX (self->window_max, size);
  /* doubling, within max-frame-size: the buffer size stays a guint */
  if (size > self->pool_size)
    self->pool_wanted = round_to_page (MAX (size, MIN (2 * self->pool_size,
                (gsize) (guint) g_atomic_int_get (&self->max_frame_size))));
  if (++self->window_frames < POOL_WINDOW)
    return;
  if (self->window_max < self->pool_size / 4)
    self->pool_wanted = MAX (round_to_page (2 * self->window_max),
        POOL_MIN_SIZE);
  self->window_max = 0;
  self->window_frames = 0;
}

/*
 * Frames are decrypted in place when they can be: the part to decrypt is in
 * one memory that may be written (a frame a depayloader reassembled, or the
 * frame part of e2eeenc's output, whose trailer is a memory of its own and
 * is read out separately). A depayloader's sub-buffer of the received packet
 * is read-only: its plaintext goes, in the same single pass of AES-GCM, into
 * a buffer of the element's pool, so no frame costs an allocation.
 */
static GstFlowReturn
gst_e2ee_dec_prepare_output_buffer (GstBaseTransform * trans,
    GstBuffer * inbuf, GstBuffer ** outbuf)
{
  GstE2eeDec *self = GST_E2EE_DEC (trans);
  GstE2eeBaseTransform *base = GST_E2EE_BASE_TRANSFORM (trans);
  GstFlowReturn ret;
  gsize size, region;
  gboolean sframe;

  /* before begin_frame: a new key may ask for a key frame */
  self->frame_running_time = trans->segment.format == GST_FORMAT_TIME ?
      gst_segment_to_running_time (&trans->segment, GST_FORMAT_TIME,
      GST_BUFFER_PTS (inbuf)) : GST_CLOCK_TIME_NONE;
  if (!gst_e2ee_base_transform_begin_frame (base, inbuf, &self->frame_codec,
          &self->frame_index))
    return GST_FLOW_ERROR;

  size = gst_buffer_get_size (inbuf);
  /* dropped unread in transform(): nothing allocated for it */
  self->frame_oversized =
      size > (gsize) (guint) g_atomic_int_get (&self->max_frame_size);
  if (self->frame_oversized) {
    *outbuf = inbuf;
    return GST_FLOW_OK;
  }
  /* a JFrame shorter than its trailer is refused unread; an SFrame has no
   * such floor (a small Opus frame under a 4-byte tag is 10 bytes) */
  sframe = gst_e2ee_base_transform_get_format (base) !=
      GST_E2EE_FRAME_FORMAT_JFRAME;
  if (sframe)
    region = size;
  else if (gst_e2ee_codec_seals_in_place (self->frame_codec))
    region = size >= GST_E2EE_JFRAME_TRAILER_SIZE ?
        size - GST_E2EE_JFRAME_TRAILER_SIZE : 0;
  else
    region = size;

  if ((!sframe && size < GST_E2EE_JFRAME_TRAILER_SIZE)
      || region_writable (inbuf, region)) {
    *outbuf = inbuf;
    return GST_FLOW_OK;
  }

  ret = acquire_output (self, size, outbuf);
  if (ret != GST_FLOW_OK) {
    GST_ELEMENT_ERROR (self, RESOURCE, FAILED, (NULL),
        ("could not get a %" G_GSIZE_FORMAT "-byte output buffer", size));
    return ret;
  }
  if (!GST_BASE_TRANSFORM_GET_CLASS (trans)->copy_metadata (trans, inbuf,
          *outbuf))
    GST_WARNING_OBJECT (self, "could not copy the frame's metadata");
  return GST_FLOW_OK;
}

/* Audio, VP8, VP9: the trailer is the last 30 bytes; the rest is decrypted
 * from @inbuf into @outbuf, or in place when they are the same. */
static GstE2eeFrameResult
open_fixed (GstE2eeDec * self, GstE2eeKeyRing * ring, guint window,
    GstBuffer * inbuf, GstBuffer * outbuf, gsize size, gsize * out_size,
    guint * n_ratchets)
{
  guint8 trailer[GST_E2EE_JFRAME_TRAILER_SIZE];
  GstE2eeFrameResult res = GST_E2EE_FRAME_CRYPTO_ERROR;
  GstMapInfo in, out;
  gsize body;
  guint8 *data;

  if (size < GST_E2EE_JFRAME_TRAILER_SIZE)
    return GST_E2EE_FRAME_TOO_SHORT;
  body = size - GST_E2EE_JFRAME_TRAILER_SIZE;
  *out_size = body;

  if (inbuf == outbuf && gst_buffer_n_memory (inbuf) == 1) {
    /* the usual frame: one memory, one map */
    if (!gst_buffer_map (inbuf, &in, GST_MAP_READWRITE))
      return GST_E2EE_FRAME_CRYPTO_ERROR;
    res = gst_e2ee_jframe_open_split (ring, self->frame_codec, window,
        in.data, in.data, body, in.data + body, n_ratchets);
    gst_buffer_unmap (inbuf, &in);
    return res;
  }

  gst_buffer_extract (inbuf, body, trailer, sizeof (trailer));
  if (inbuf == outbuf) {
    if (!map_region (inbuf, body, &in, GST_MAP_READWRITE, &data))
      return GST_E2EE_FRAME_CRYPTO_ERROR;
    res = gst_e2ee_jframe_open_split (ring, self->frame_codec, window, data,
        data, body, trailer, n_ratchets);
    unmap_region (inbuf, &in);
  } else if (gst_buffer_map (outbuf, &out, GST_MAP_WRITE)) {
    if (map_region (inbuf, body, &in, GST_MAP_READ, &data)) {
      res = gst_e2ee_jframe_open_split (ring, self->frame_codec, window, data,
          out.data, body, trailer, n_ratchets);
      unmap_region (inbuf, &in);
    } else {
      /* in several memories: gathered, then opened in place */
      gst_buffer_extract (inbuf, 0, out.data, body);
      res = gst_e2ee_jframe_open_split (ring, self->frame_codec, window,
          out.data, out.data, body, trailer, n_ratchets);
    }
    gst_buffer_unmap (outbuf, &out);
  }
  return res;
}

/* H.264, H.265 (unescaped in place) and AV1 (size field moved back): opened
 * in place, in @inbuf's one writable memory or in a copy in @outbuf. */
static GstE2eeFrameResult
open_rewritten (GstE2eeDec * self, GstE2eeKeyRing * ring, guint window,
    GstBuffer * inbuf, GstBuffer * outbuf, gsize size, gsize * out_offset,
    gsize * out_size, guint * n_ratchets)
{
  GstE2eeFrameResult res;
  GstMapInfo map;
  guint8 *data;

  if (inbuf == outbuf) {
    if (!map_region (inbuf, size, &map, GST_MAP_READWRITE, &data))
      return GST_E2EE_FRAME_CRYPTO_ERROR;
  } else {
    if (!gst_buffer_map (outbuf, &map, GST_MAP_WRITE))
      return GST_E2EE_FRAME_CRYPTO_ERROR;
    data = map.data;
    gst_buffer_extract (inbuf, 0, data, size);
  }
  res = gst_e2ee_jframe_open (ring, self->frame_codec, window, data,
      size, out_offset, out_size, n_ratchets);
  if (inbuf == outbuf)
    unmap_region (inbuf, &map);
  else
    gst_buffer_unmap (outbuf, &map);
  return res;
}

/* Any format through its GstE2eeFrameFormatFuncs (format=sframe): opened
 * in place, in @inbuf's one writable memory or in a copy in @outbuf. */
static GstE2eeFrameResult
open_with_format (GstE2eeDec * self, GstBuffer * inbuf, GstBuffer * outbuf,
    gsize size, gsize * out_offset, gsize * out_size)
{
  GstE2eeBaseTransform *base = GST_E2EE_BASE_TRANSFORM (self);
  const GstE2eeFrameFormatFuncs *funcs =
      gst_e2ee_frame_format_get_funcs (gst_e2ee_base_transform_get_format
      (base));
  gpointer state = gst_e2ee_base_transform_get_sframe (base);
  GstE2eeFrameResult res;
  GstMapInfo map;
  guint8 *data;

  if (!state)
    return GST_E2EE_FRAME_MISSING_KEY;
  if (inbuf == outbuf) {
    if (!map_region (inbuf, size, &map, GST_MAP_READWRITE, &data))
      return GST_E2EE_FRAME_CRYPTO_ERROR;
  } else {
    if (!gst_buffer_map (outbuf, &map, GST_MAP_WRITE))
      return GST_E2EE_FRAME_CRYPTO_ERROR;
    data = map.data;
    gst_buffer_extract (inbuf, 0, data, size);
  }
  res = funcs->open (state, self->frame_codec, data, size, out_offset,
      out_size);
  if (inbuf == outbuf)
    unmap_region (inbuf, &map);
  else
    gst_buffer_unmap (outbuf, &map);
  return res;
}

/* Leaves @buf holding @size bytes from @offset, without memories outside
 * them (a trailer's memory left empty would make downstream merge). */
static void
trim_buffer (GstBuffer * buf, gsize offset, gsize size)
{
  guint idx, len, n = gst_buffer_n_memory (buf);
  gsize skip;

  if (n > 1 && size > 0
      && gst_buffer_find_memory (buf, offset, size, &idx, &len, &skip)) {
    if (idx + len < n)
      gst_buffer_remove_memory_range (buf, idx + len, -1);
    if (idx > 0)
      gst_buffer_remove_memory_range (buf, 0, idx);
    offset = skip;
  }
  gst_buffer_resize (buf, offset, size);
}

static GstFlowReturn
gst_e2ee_dec_transform (GstBaseTransform * trans, GstBuffer * inbuf,
    GstBuffer * outbuf)
{
  GstE2eeDec *self = GST_E2EE_DEC (trans);
  GstE2eeBaseTransform *base = GST_E2EE_BASE_TRANSFORM (trans);
  GstE2eeKeyRing *ring = gst_e2ee_base_transform_get_ring (base);
  GstE2eeStats *stats = gst_e2ee_base_transform_stats (base);
  GstE2eeFrameResult res;
  gsize size, out_offset = 0, out_size = 0;
  guint window, n_ratchets = 0;
  gboolean passthrough = FALSE, recovered = FALSE;

  size = gst_buffer_get_size (inbuf);
  if (size == 0) {
    GST_E2EE_BASE_TRANSFORM_LOCK (self);
    stats->frames_out++;
    GST_E2EE_BASE_TRANSFORM_UNLOCK (self);
    return GST_FLOW_OK;
  }

  window = (guint) g_atomic_int_get (&self->ratchet_window);

  if (self->frame_oversized) {
    GST_E2EE_BASE_TRANSFORM_LOCK (self);
    self->oversized++;
    self->failing = TRUE;
    passthrough = self->on_failure == GST_E2EE_DEC_ON_FAILURE_PASSTHROUGH;
    if (passthrough) {
      stats->passthrough++;
      stats->frames_out++;
      stats->bytes_out += size;
    } else {
      stats->dropped++;
    }
    GST_E2EE_BASE_TRANSFORM_UNLOCK (self);
    GST_DEBUG_OBJECT (self, "%" G_GSIZE_FORMAT "-byte frame over "
        "max-frame-size%s", size, passthrough ? ", passed through" :
        ", dropped");
    return passthrough ? GST_FLOW_OK : gst_e2ee_base_transform_drop (base,
        inbuf);
  }

  if (gst_e2ee_base_transform_get_format (base) != GST_E2EE_FRAME_FORMAT_JFRAME) {
#ifdef GST_E2EE_HAVE_KEY_MANAGER
    /* the key manager's key for the frame's KID */
    res = gst_e2ee_base_transform_sframe_prepare (base, inbuf, window,
        &n_ratchets);
    if (res == GST_E2EE_FRAME_OK)
#endif
      res = open_with_format (self, inbuf, outbuf, size, &out_offset,
          &out_size);
  } else if (gst_e2ee_codec_seals_in_place (self->frame_codec))
    res = open_fixed (self, ring, window, inbuf, outbuf, size, &out_size,
        &n_ratchets);
  else
    res = open_rewritten (self, ring, window, inbuf, outbuf, size,
        &out_offset, &out_size, &n_ratchets);

  GST_E2EE_BASE_TRANSFORM_LOCK (self);
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
    case GST_E2EE_FRAME_CTR_EXHAUSTED:
      stats->bad_frames++;
      break;
    case GST_E2EE_FRAME_REPLAY:
      stats->replayed++;
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
  GST_E2EE_BASE_TRANSFORM_UNLOCK (self);

#ifdef GST_E2EE_HAVE_KEY_MANAGER
  /* a key-info of the sender's was lost (lib-jitsi-meet never sends one
   * again): the manager asks for it */
  if (res == GST_E2EE_FRAME_MISSING_KEY)
    gst_e2ee_base_transform_request_key (base);
#endif

  if (res == GST_E2EE_FRAME_OK) {
    if (outbuf != inbuf)
      pool_note_authenticated (self, size);
    trim_buffer (outbuf, out_offset, out_size);
    if (self->key_frame_pending
        && !GST_BUFFER_FLAG_IS_SET (inbuf, GST_BUFFER_FLAG_DELTA_UNIT))
      self->key_frame_pending = FALSE;
    if (recovered)
      request_key_frame (self);
    else if (self->key_frame_pending)
      send_key_frame_request (self);
    GST_LOG_OBJECT (self, "decrypted %" G_GSIZE_FORMAT " -> %" G_GSIZE_FORMAT
        " bytes (%u ratchets%s)", size, out_size, n_ratchets,
        inbuf == outbuf ? "" : ", out of place");
    return GST_FLOW_OK;
  }

  GST_DEBUG_OBJECT (self, "%" G_GSIZE_FORMAT "-byte frame not decrypted: %s%s",
      size, gst_e2ee_frame_result_to_string (res),
      passthrough ? ", passed through" : ", dropped");
  if (passthrough && inbuf != outbuf) {
    /* the frame as it came */
    GstMapInfo out;

    gst_buffer_resize (outbuf, 0, size);
    if (!gst_buffer_map (outbuf, &out, GST_MAP_WRITE))
      return gst_e2ee_base_transform_drop (base, inbuf);
    gst_buffer_extract (inbuf, 0, out.data, size);
    gst_buffer_unmap (outbuf, &out);
  }
  return passthrough ? GST_FLOW_OK : gst_e2ee_base_transform_drop (base, inbuf);
}

static void
gst_e2ee_dec_add_stats (GstE2eeBaseTransform * base, GstStructure * s)
{
  GstE2eeStats *stats = gst_e2ee_base_transform_stats (base);

  gst_structure_set (s,
      "passthrough", G_TYPE_UINT64, stats->passthrough,
      "key-frame-requests", G_TYPE_UINT64, stats->key_frame_requests,
      "key-frame-requests-suppressed", G_TYPE_UINT64,
      GST_E2EE_DEC (base)->key_frame_requests_suppressed,
      "oversized", G_TYPE_UINT64, GST_E2EE_DEC (base)->oversized,
      "replayed", G_TYPE_UINT64, stats->replayed, NULL);
}

static gboolean
gst_e2ee_dec_start (GstBaseTransform * trans)
{
  GstE2eeDec *self = GST_E2EE_DEC (trans);

  GST_E2EE_BASE_TRANSFORM_LOCK (self);
  self->failing = FALSE;
  self->key_frame_requests_suppressed = 0;
  self->oversized = 0;
  GST_E2EE_BASE_TRANSFORM_UNLOCK (self);
  self->pool_wanted = POOL_INITIAL_SIZE;
  self->window_max = 0;
  self->window_frames = 0;
  self->key_frame_pending = FALSE;
  self->last_key_frame_request = GST_CLOCK_TIME_NONE;

  return GST_BASE_TRANSFORM_CLASS (parent_class)->start (trans);
}

static gboolean
gst_e2ee_dec_stop (GstBaseTransform * trans)
{
  GstE2eeDec *self = GST_E2EE_DEC (trans);

  if (self->pool) {
    gst_buffer_pool_set_active (self->pool, FALSE);
    gst_clear_object (&self->pool);
    self->pool_size = 0;
  }

  return GST_BASE_TRANSFORM_CLASS (parent_class)->stop (trans);
}

static void
gst_e2ee_dec_set_property (GObject * object, guint prop_id,
    const GValue * value, GParamSpec * pspec)
{
  GstE2eeDec *self = GST_E2EE_DEC (object);

  switch (prop_id) {
    case PROP_RATCHET_WINDOW:
      g_atomic_int_set (&self->ratchet_window, g_value_get_uint (value));
      break;
    case PROP_ON_FAILURE:
      GST_E2EE_BASE_TRANSFORM_LOCK (self);
      self->on_failure = g_value_get_enum (value);
      GST_E2EE_BASE_TRANSFORM_UNLOCK (self);
      break;
#ifdef GST_E2EE_HAVE_KEY_MANAGER
    case PROP_PARTICIPANT:
      GST_E2EE_BASE_TRANSFORM_LOCK (self);
      g_free (self->participant);
      self->participant = g_value_dup_string (value);
      GST_E2EE_BASE_TRANSFORM_UNLOCK (self);
      gst_e2ee_base_transform_resubscribe (GST_E2EE_BASE_TRANSFORM (self));
      break;
#endif
    case PROP_MIN_FORCE_KEY_UNIT_INTERVAL:
      GST_E2EE_BASE_TRANSFORM_LOCK (self);
      self->min_force_key_unit_interval = g_value_get_uint64 (value);
      GST_E2EE_BASE_TRANSFORM_UNLOCK (self);
      break;
    case PROP_MAX_FRAME_SIZE:
      g_atomic_int_set (&self->max_frame_size, g_value_get_uint (value));
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
      g_value_set_uint (value, g_atomic_int_get (&self->ratchet_window));
      break;
    case PROP_ON_FAILURE:
      GST_E2EE_BASE_TRANSFORM_LOCK (self);
      g_value_set_enum (value, self->on_failure);
      GST_E2EE_BASE_TRANSFORM_UNLOCK (self);
      break;
#ifdef GST_E2EE_HAVE_KEY_MANAGER
    case PROP_PARTICIPANT:
      GST_E2EE_BASE_TRANSFORM_LOCK (self);
      g_value_set_string (value, self->participant);
      GST_E2EE_BASE_TRANSFORM_UNLOCK (self);
      break;
#endif
    case PROP_MIN_FORCE_KEY_UNIT_INTERVAL:
      GST_E2EE_BASE_TRANSFORM_LOCK (self);
      g_value_set_uint64 (value, self->min_force_key_unit_interval);
      GST_E2EE_BASE_TRANSFORM_UNLOCK (self);
      break;
    case PROP_MAX_FRAME_SIZE:
      g_value_set_uint (value, g_atomic_int_get (&self->max_frame_size));
      break;
    default:
      G_OBJECT_CLASS (parent_class)->get_property (object, prop_id, value,
          pspec);
      break;
  }
}

static void
gst_e2ee_dec_finalize (GObject * object)
{
  GstE2eeDec *self = GST_E2EE_DEC (object);

  g_free (self->participant);

  G_OBJECT_CLASS (parent_class)->finalize (object);
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
  gobject_class->finalize = gst_e2ee_dec_finalize;

  trans_class->start = GST_DEBUG_FUNCPTR (gst_e2ee_dec_start);
  trans_class->stop = GST_DEBUG_FUNCPTR (gst_e2ee_dec_stop);
  trans_class->prepare_output_buffer =
      GST_DEBUG_FUNCPTR (gst_e2ee_dec_prepare_output_buffer);
  trans_class->transform = GST_DEBUG_FUNCPTR (gst_e2ee_dec_transform);

  base_class->stats_name = "application/x-e2ee-dec-stats";
  base_class->add_stats = gst_e2ee_dec_add_stats;
  base_class->key_installed = gst_e2ee_dec_key_installed;
#ifdef GST_E2EE_HAVE_KEY_MANAGER
  base_class->subscribe = gst_e2ee_dec_subscribe;
#endif
  base_class->sframe_usage = GST_E2EE_SFRAME_KEY_DECRYPT;

  /**
   * GstE2eeDec:ratchet-window:
   *
   * How many ratchet steps past its current key the element tries on a
   * frame that does not authenticate (8 in the web clients). 0 turns the
   * ratchet off. Each step costs a key derivation on the streaming thread
   * the first time a key needs it (PBKDF2 for passphrase keys is slow); the
   * derived keys are kept, so a forged frame costs no derivation after
   * that, and the attempts per frame are capped at ratchet-window + 10
   * (docs/security.md).
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

#ifdef GST_E2EE_HAVE_KEY_MANAGER
  /* only with a key manager, as GstE2eeBaseTransform:key-manager */
  /**
   * GstE2eeDec:participant:
   *
   * With a key manager: whose frames these are, by participant id. Unset,
   * the only remote participant; with several, frames are dropped until it
   * is set. When the participant leaves, its keys go at once, and a new
   * participant with the same id starts with none of them. A frame under a
   * key index the participant never gave us (its key-info was lost) makes
   * the manager ask it for its current key, at most once per 2 s
   * (gst_e2ee_key_subscription_request_key()).
   *
   * Absent from builds without the key manager (-Dkey-manager=disabled).
   */
  g_object_class_install_property (gobject_class, PROP_PARTICIPANT,
      g_param_spec_string ("participant", "Participant",
          "Whose keys to decrypt with (default: the only remote participant)",
          NULL, G_PARAM_READWRITE | GST_PARAM_MUTABLE_PLAYING |
          G_PARAM_STATIC_STRINGS));
#endif

  /**
   * GstE2eeDec:min-force-key-unit-interval:
   *
   * Minimum time between two key-frame requests to upstream, in running
   * time (nanoseconds), as GstVideoDecoder's property of the same name: 0
   * asks on every recovery, GST_CLOCK_TIME_NONE never asks. A request held
   * back is sent when the interval has passed, unless a key frame arrived
   * meanwhile, and is counted in key-frame-requests-suppressed. The default,
   * one second, bounds the key frames that packet loss makes the sender
   * produce to one a second (at most 3.3 % of the frames at 30 frames a
   * second) while a broken picture still recovers within about a second
   * and a round trip. Running time, not the wall clock, so that the same
   * stream gives the same requests however loaded the machine is.
   */
  g_object_class_install_property (gobject_class,
      PROP_MIN_FORCE_KEY_UNIT_INTERVAL,
      g_param_spec_uint64 ("min-force-key-unit-interval",
          "Minimum force key unit interval",
          "Minimum running time between key-frame requests in nanoseconds "
          "(0: no limit, 18446744073709551615: never ask)", 0, G_MAXUINT64,
          DEFAULT_MIN_FORCE_KEY_UNIT_INTERVAL,
          G_PARAM_READWRITE | GST_PARAM_MUTABLE_PLAYING |
          G_PARAM_STATIC_STRINGS));

  /**
   * GstE2eeDec:max-frame-size:
   *
   * The largest frame, in bytes, the element takes: larger ones are
   * dropped (or passed through, with on-failure=passthrough) unread and
   * counted in the oversized counter of stats. It bounds what whoever feeds
   * the depayloader can make the element allocate for one frame. Frames
   * that cannot be decrypted in place are decrypted into buffers of a pool
   * sized by the frames that authenticated, which shrinks when they get
   * smaller; a larger frame gets a buffer of its own. The default, 16 MiB,
   * is far above the frames of a real-time call (the key frames of a 4K
   * stream at 50 Mbit/s take a few MiB).
   */
  g_object_class_install_property (gobject_class, PROP_MAX_FRAME_SIZE,
      g_param_spec_uint ("max-frame-size", "Maximum frame size",
          "Largest frame in bytes; larger ones are dropped unread",
          MIN_MAX_FRAME_SIZE, G_MAXINT, DEFAULT_MAX_FRAME_SIZE,
          G_PARAM_READWRITE | GST_PARAM_MUTABLE_PLAYING |
          G_PARAM_STATIC_STRINGS));

  gst_element_class_add_static_pad_template (element_class, &sink_template);
  gst_element_class_add_static_pad_template (element_class, &src_template);
  gst_element_class_set_static_metadata (element_class,
      "End-to-end frame decryptor", "Filter/Network/E2EE",
      "Decrypts encoded media frames encrypted end to end "
      "(JFrame or SFrame format)", "The gst-e2ee authors");

  gst_type_mark_as_plugin_api (GST_TYPE_E2EE_DEC_ON_FAILURE, 0);
}

static void
gst_e2ee_dec_init (GstE2eeDec * self)
{
  self->ratchet_window = DEFAULT_RATCHET_WINDOW;
  self->on_failure = DEFAULT_ON_FAILURE;
  self->min_force_key_unit_interval = DEFAULT_MIN_FORCE_KEY_UNIT_INTERVAL;
  self->max_frame_size = DEFAULT_MAX_FRAME_SIZE;
  self->pool_wanted = POOL_INITIAL_SIZE;
  self->last_key_frame_request = GST_CLOCK_TIME_NONE;
  /* in place when the frame's memory may be written, else into a buffer
   * of our pool (gst_e2ee_dec_prepare_output_buffer) */
  gst_base_transform_set_in_place (GST_BASE_TRANSFORM (self), FALSE);
}
