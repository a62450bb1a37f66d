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


/* A configuration of tools/bench as a pipeline without threads: a source
 * pad of ours pushes into the first element and a sink pad of ours takes
 * what the last one pushes, so every buffer goes through the elements on
 * the calling thread and its thread CPU time is the cost of the elements
 * (and of freeing the buffer at the end, which any sink pays). appsrc and
 * appsink would add a queue and a thread switch per buffer, the same for
 * every configuration, and on a shared two-core machine that is mostly
 * noise.
 *
 * Input buffers are made before the clock starts, in batches small enough
 * to stay in the cache, as a depayloader or an encoder would hand them
 * over: writable, one memory, refcount 1, allocated with the parameters
 * that downstream answers to an allocation query. */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "bench.h"

#include <string.h>
#include <gst/rtp/rtp.h>

/* about 256 KiB of frames per batch, which stays in the L2 cache of most
 * CPUs as the limit's few payloads do; at least two */
#define BATCH_BYTES (256 << 10)
#define BATCH_MIN 2
#define BATCH_MAX 1024
#define RTP_PT 96
#define RTP_SSRC 0x2e2ee001

typedef enum
{
  INPUT_PLAIN,
  INPUT_JFRAME,
  INPUT_JFRAME_SUB,
  INPUT_RTP,
} InputKind;

struct _BenchChain
{
  BenchCfg cfg;
  const BenchSize *bs;
  InputKind input;
  GstElement *pipeline;
  GstPad *src;
  GstPad *sink;
  GstCaps *caps;
  /* srtpdec's answer to request-key */
  GstCaps *srtp_caps;

  guint next;
  guint16 seq;
  guint32 ts;

  guint64 received;
  gboolean keep_last;
  GstBuffer *last;

  /* what downstream asked for in the allocation query, as an encoder
   * would use it */
  GstAllocator *allocator;
  GstAllocationParams params;

  GstBuffer **batch;
  guint batch_size;
};

static GstFlowReturn
sink_chain (GstPad * pad, GstObject * parent, GstBuffer * buf)
{
  BenchChain *c = gst_pad_get_element_private (pad);

  c->received++;
  if (c->keep_last)
    gst_buffer_replace (&c->last, buf);
  gst_buffer_unref (buf);
  return GST_FLOW_OK;
}

static gboolean
any_event (GstPad * pad, GstObject * parent, GstEvent * event)
{
  gst_event_unref (event);
  return TRUE;
}

static gboolean
sink_query (GstPad * pad, GstObject * parent, GstQuery * query)
{
  switch (GST_QUERY_TYPE (query)) {
    case GST_QUERY_CAPS:{
      GstCaps *filter, *caps;

      gst_query_parse_caps (query, &filter);
      caps = filter ? gst_caps_ref (filter) : gst_caps_new_any ();
      gst_query_set_caps_result (query, caps);
      gst_caps_unref (caps);
      return TRUE;
    }
    case GST_QUERY_ACCEPT_CAPS:
      gst_query_set_accept_caps_result (query, TRUE);
      return TRUE;
    default:
      return FALSE;
  }
}

static gboolean
src_query (GstPad * pad, GstObject * parent, GstQuery * query)
{
  BenchChain *c = gst_pad_get_element_private (pad);

  switch (GST_QUERY_TYPE (query)) {
    case GST_QUERY_CAPS:
      gst_query_set_caps_result (query, c->caps);
      return TRUE;
    case GST_QUERY_ACCEPT_CAPS:{
      GstCaps *caps;

      gst_query_parse_accept_caps (query, &caps);
      gst_query_set_accept_caps_result (query,
          gst_caps_can_intersect (caps, c->caps));
      return TRUE;
    }
    default:
      return FALSE;
  }
}

static GstCaps *
srtp_request_key (GstElement * dec, guint ssrc, BenchChain * c)
{
  return gst_caps_ref (c->srtp_caps);
}

static void
set_key (GstElement * bin, const gchar * name, const guint8 * material)
{
  GstElement *e = gst_bin_get_by_name (GST_BIN (bin), name);
  GstBuffer *key;

  if (!e)
    return;
  key = gst_buffer_new_memdup (material, BENCH_MATERIAL_SIZE);
  g_object_set (e, "key", key, NULL);
  gst_buffer_unref (key);
  gst_object_unref (e);
}

/* srtpenc ! srtpdec; the SRTP master key and salt are the first 30 (ICM:
 * 16 + 14) or 28 (GCM: 16 + 12) of the 32 random bytes of @material. srtpenc
 * puts them in its output caps, from which srtpdec takes them (request-key
 * answers the same); nothing here prints caps. */
static GstElement *
make_srtp (BenchChain * c, gboolean gcm, const guint8 * material,
    GstPad ** first, GstPad ** last, GError ** error)
{
  GstElement *bin, *enc, *dec;
  GstBuffer *key;
  GstPad *enc_src, *dec_sink;
  gboolean linked;
  guint8 master[30];
  gsize key_len = gcm ? 28 : 30;
  const gchar *cipher = gcm ? "aes-128-gcm" : "aes-128-icm";
  const gchar *auth = gcm ? "null" : "hmac-sha1-80";

  enc = gst_element_factory_make ("srtpenc", NULL);
  dec = gst_element_factory_make ("srtpdec", NULL);
  if (!enc || !dec) {
    g_set_error (error, GST_CORE_ERROR, GST_CORE_ERROR_MISSING_PLUGIN,
        "srtpenc or srtpdec is missing (gstreamer1.0-plugins-bad)");
    if (enc)
      gst_object_unref (enc);
    if (dec)
      gst_object_unref (dec);
    return NULL;
  }

  memcpy (master, material, MIN (sizeof (master), BENCH_MATERIAL_SIZE));
  key = gst_buffer_new_memdup (master, key_len);
  memset (master, 0, sizeof (master));
  gst_util_set_object_arg (G_OBJECT (enc), "rtp-cipher", cipher);
  gst_util_set_object_arg (G_OBJECT (enc), "rtp-auth", auth);
  gst_util_set_object_arg (G_OBJECT (enc), "rtcp-cipher", cipher);
  gst_util_set_object_arg (G_OBJECT (enc), "rtcp-auth", auth);
  g_object_set (enc, "key", key, NULL);

  c->srtp_caps = gst_caps_new_simple ("application/x-srtp",
      "srtp-key", GST_TYPE_BUFFER, key,
      "srtp-cipher", G_TYPE_STRING, cipher,
      "srtp-auth", G_TYPE_STRING, auth,
      "srtcp-cipher", G_TYPE_STRING, cipher,
      "srtcp-auth", G_TYPE_STRING, auth, NULL);
  gst_buffer_unref (key);
  g_signal_connect (dec, "request-key", G_CALLBACK (srtp_request_key), c);

  bin = gst_bin_new (NULL);
  gst_bin_add_many (GST_BIN (bin), enc, dec, NULL);
  *first = gst_element_request_pad_simple (enc, "rtp_sink_%u");
  enc_src = gst_element_get_static_pad (enc, "rtp_src_0");
  dec_sink = gst_element_get_static_pad (dec, "rtp_sink");
  *last = gst_element_get_static_pad (dec, "rtp_src");
  linked = *first && enc_src && dec_sink
      && gst_pad_link (enc_src, dec_sink) == GST_PAD_LINK_OK;
  g_clear_object (&enc_src);
  g_clear_object (&dec_sink);
  if (!linked) {
    g_set_error (error, GST_CORE_ERROR, GST_CORE_ERROR_NEGOTIATION,
        "could not link srtpenc to srtpdec");
    g_clear_object (first);
    g_clear_object (last);
    gst_object_unref (bin);
    return NULL;
  }
  return bin;
}

static const gchar *
description (BenchCfg cfg)
{
  switch (cfg) {
    case BENCH_CFG_FLOOR:
      return "identity signal-handoffs=false silent=true ! "
          "identity signal-handoffs=false silent=true";
    case BENCH_CFG_FLOOR1:
      return "identity signal-handoffs=false silent=true";
    case BENCH_CFG_OURS:
      return "e2eeenc name=enc ! e2eedec name=dec";
    case BENCH_CFG_ENC:
      return "e2eeenc name=enc";
    case BENCH_CFG_SFRAME_GCM:
      return "e2eeenc name=enc format=sframe "
          "sframe-suite=aes-128-gcm-sha256-128 ! e2eedec name=dec "
          "format=sframe sframe-suite=aes-128-gcm-sha256-128";
    case BENCH_CFG_SFRAME_CTR_HMAC:
      return "e2eeenc name=enc format=sframe "
          "sframe-suite=aes-128-ctr-hmac-sha256-80 ! e2eedec name=dec "
          "format=sframe sframe-suite=aes-128-ctr-hmac-sha256-80";
    case BENCH_CFG_DEC:
    case BENCH_CFG_DEC_DEPAY:
      return "e2eedec name=dec";
    default:
      return NULL;
  }
}

/* GstVideoEncoder and GstAudioEncoder allocate their output with the
 * allocator and parameters (alignment, padding) of the first entry of
 * downstream's answer to the allocation query; so does the driver. */
static void
query_allocation (BenchChain * c)
{
  GstQuery *query = gst_query_new_allocation (c->caps, TRUE);

  gst_allocation_params_init (&c->params);
  if (gst_pad_peer_query (c->src, query)
      && gst_query_get_n_allocation_params (query) > 0)
    gst_query_parse_nth_allocation_param (query, 0, &c->allocator, &c->params);
  gst_query_unref (query);
}

/**
 * bench_chain_new:
 * @cfg: a configuration that runs in GStreamer
 * @bs: the frames
 * @material: 32 bytes of key material for e2eeenc, e2eedec and srtp
 *
 * Returns: the configuration in PLAYING, its stream started
 */
BenchChain *
bench_chain_new (BenchCfg cfg, const BenchSize * bs, const guint8 * material,
    GError ** error)
{
  BenchChain *c = g_new0 (BenchChain, 1);
  GstElement *bin = NULL;
  GstPad *first = NULL, *last = NULL;
  GstSegment segment;
  gchar *stream_id;

  c->cfg = cfg;
  c->bs = bs;
  c->input = INPUT_PLAIN;
  c->batch_size = CLAMP (BATCH_BYTES / bs->size, BATCH_MIN, BATCH_MAX);
  c->batch = g_new0 (GstBuffer *, c->batch_size);

  switch (cfg) {
    case BENCH_CFG_SRTP_ICM:
    case BENCH_CFG_SRTP_GCM:
      c->input = INPUT_RTP;
      c->caps = gst_caps_new_simple ("application/x-rtp",
          "media", G_TYPE_STRING, bs->audio ? "audio" : "video",
          "clock-rate", G_TYPE_INT, bs->audio ? 48000 : 90000,
          "encoding-name", G_TYPE_STRING, bs->audio ? "OPUS" : "VP8",
          "payload", G_TYPE_INT, RTP_PT, "ssrc", G_TYPE_UINT, RTP_SSRC, NULL);
      bin = make_srtp (c, cfg == BENCH_CFG_SRTP_GCM, material, &first, &last,
          error);
      if (!bin)
        goto fail;
      break;
    case BENCH_CFG_NONE:
      c->caps = gst_caps_from_string (bs->caps);
      break;
    default:
      if (cfg == BENCH_CFG_DEC)
        c->input = INPUT_JFRAME;
      else if (cfg == BENCH_CFG_DEC_DEPAY)
        c->input = INPUT_JFRAME_SUB;
      c->caps = gst_caps_from_string (bs->caps);
      bin = gst_parse_bin_from_description (description (cfg), FALSE, error);
      if (!bin)
        goto fail;
      set_key (bin, "enc", material);
      set_key (bin, "dec", material);
      first = gst_bin_find_unlinked_pad (GST_BIN (bin), GST_PAD_SINK);
      last = gst_bin_find_unlinked_pad (GST_BIN (bin), GST_PAD_SRC);
      break;
  }

  c->pipeline = gst_pipeline_new (NULL);
  if (bin)
    gst_bin_add (GST_BIN (c->pipeline), bin);

  c->src = gst_pad_new ("bench-src", GST_PAD_SRC);
  c->sink = gst_pad_new ("bench-sink", GST_PAD_SINK);
  gst_pad_set_element_private (c->src, c);
  gst_pad_set_element_private (c->sink, c);
  gst_pad_set_query_function (c->src, src_query);
  gst_pad_set_event_function (c->src, any_event);
  gst_pad_set_chain_function (c->sink, sink_chain);
  gst_pad_set_event_function (c->sink, any_event);
  gst_pad_set_query_function (c->sink, sink_query);
  gst_pad_set_active (c->src, TRUE);
  gst_pad_set_active (c->sink, TRUE);

  if (bin) {
    if (!first || !last || gst_pad_link (c->src, first) != GST_PAD_LINK_OK
        || gst_pad_link (last, c->sink) != GST_PAD_LINK_OK) {
      g_set_error (error, GST_CORE_ERROR, GST_CORE_ERROR_NEGOTIATION,
          "could not link the %s configuration", bench_cfg_info[cfg].name);
      goto fail;
    }
  } else if (gst_pad_link (c->src, c->sink) != GST_PAD_LINK_OK) {
    g_set_error (error, GST_CORE_ERROR, GST_CORE_ERROR_NEGOTIATION,
        "could not link the source pad to the sink pad");
    goto fail;
  }
  g_clear_object (&first);
  g_clear_object (&last);

  if (gst_element_set_state (c->pipeline, GST_STATE_PLAYING) ==
      GST_STATE_CHANGE_FAILURE) {
    g_set_error (error, GST_CORE_ERROR, GST_CORE_ERROR_STATE_CHANGE,
        "the %s configuration does not start", bench_cfg_info[cfg].name);
    goto fail;
  }

  stream_id = g_strdup_printf ("bench/%s/%" G_GSIZE_FORMAT,
      bench_cfg_info[cfg].name, bs->size);
  gst_pad_push_event (c->src, gst_event_new_stream_start (stream_id));
  g_free (stream_id);
  gst_pad_push_event (c->src, gst_event_new_caps (c->caps));
  gst_segment_init (&segment, GST_FORMAT_TIME);
  gst_pad_push_event (c->src, gst_event_new_segment (&segment));
  query_allocation (c);
  return c;

fail:
  g_clear_object (&first);
  g_clear_object (&last);
  if (bin && !c->pipeline)
    gst_object_unref (bin);
  bench_chain_free (c);
  return NULL;
}

void
bench_chain_free (BenchChain * c)
{
  guint i;

  if (c->pipeline) {
    gst_element_set_state (c->pipeline, GST_STATE_NULL);
    gst_object_unref (c->pipeline);
  }
  if (c->src) {
    gst_pad_set_active (c->src, FALSE);
    gst_object_unref (c->src);
  }
  if (c->sink) {
    gst_pad_set_active (c->sink, FALSE);
    gst_object_unref (c->sink);
  }
  for (i = 0; i < c->batch_size; i++)
    gst_clear_buffer (&c->batch[i]);
  g_free (c->batch);
  gst_clear_buffer (&c->last);
  gst_clear_caps (&c->caps);
  gst_clear_caps (&c->srtp_caps);
  g_clear_object (&c->allocator);
  g_free (c);
}

/* The next input buffer, made as an encoder or a depayloader would. */
static GstBuffer *
make_input (BenchChain * c)
{
  const BenchSize *bs = c->bs;
  guint k = c->next++ % BENCH_PAYLOADS;
  GstBuffer *buf;

  switch (c->input) {
    case INPUT_PLAIN:
      buf = gst_buffer_new_allocate (c->allocator, bs->size, &c->params);
      gst_buffer_fill (buf, 0, bs->payload[k], bs->size);
      break;
    case INPUT_JFRAME:
      buf = gst_buffer_new_allocate (NULL, bs->size + BENCH_JFRAME_TRAILER,
          NULL);
      gst_buffer_fill (buf, 0, bs->jframe[k], bs->size + BENCH_JFRAME_TRAILER);
      break;
    case INPUT_JFRAME_SUB:{
      /* what rtpopusdepay, and rtpvp8depay for a frame in one packet, hand
       * over: the payload of the received packet as a sub-buffer, whose
       * memory is shared with the packet's and so read-only */
      GstBuffer *packet = gst_buffer_new_allocate (NULL,
          BENCH_RTP_HEADER + bs->size + BENCH_JFRAME_TRAILER, NULL);

      gst_buffer_fill (packet, BENCH_RTP_HEADER, bs->jframe[k],
          bs->size + BENCH_JFRAME_TRAILER);
      buf = gst_buffer_copy_region (packet, GST_BUFFER_COPY_ALL,
          BENCH_RTP_HEADER, bs->size + BENCH_JFRAME_TRAILER);
      gst_buffer_unref (packet);
      break;
    }
    case INPUT_RTP:{
      GstRTPBuffer rtp = GST_RTP_BUFFER_INIT;

      buf = gst_rtp_buffer_new_allocate (bs->size, 0, 0);
      gst_rtp_buffer_map (buf, GST_MAP_WRITE, &rtp);
      gst_rtp_buffer_set_payload_type (&rtp, RTP_PT);
      gst_rtp_buffer_set_ssrc (&rtp, RTP_SSRC);
      gst_rtp_buffer_set_seq (&rtp, c->seq++);
      gst_rtp_buffer_set_timestamp (&rtp, c->ts);
      gst_rtp_buffer_set_marker (&rtp, TRUE);
      memcpy (gst_rtp_buffer_get_payload (&rtp), bs->payload[k], bs->size);
      gst_rtp_buffer_unmap (&rtp);
      c->ts += bs->audio ? 960 : 3000;
      break;
    }
    default:
      g_assert_not_reached ();
  }
  GST_BUFFER_PTS (buf) = c->next * 20 * GST_MSECOND;
  return buf;
}

static gboolean
push (BenchChain * c, GstBuffer * buf, GError ** error)
{
  GstFlowReturn ret = gst_pad_push (c->src, buf);

  if (ret != GST_FLOW_OK) {
    g_set_error (error, GST_STREAM_ERROR, GST_STREAM_ERROR_FAILED,
        "%s, %" G_GSIZE_FORMAT " bytes: push returned %s",
        bench_cfg_info[c->cfg].name, c->bs->size, gst_flow_get_name (ret));
    return FALSE;
  }
  return TRUE;
}

static gboolean
output_matches (BenchChain * c, const guint8 * payload, GError ** error)
{
  const BenchSize *bs = c->bs;
  GstMapInfo map;
  gsize off = 0, want = bs->size;
  gboolean ok;

  if (!c->last) {
    g_set_error (error, GST_STREAM_ERROR, GST_STREAM_ERROR_FAILED,
        "%s, %" G_GSIZE_FORMAT " bytes: no frame came out",
        bench_cfg_info[c->cfg].name, bs->size);
    return FALSE;
  }
  if (c->input == INPUT_RTP)
    off = BENCH_RTP_HEADER;
  if (c->cfg == BENCH_CFG_ENC)
    want += BENCH_JFRAME_TRAILER;

  gst_buffer_map (c->last, &map, GST_MAP_READ);
  if (c->cfg == BENCH_CFG_ENC)
    /* encrypted: the clear header is kept, the rest is not the plaintext */
    ok = map.size == want
        && memcmp (map.data, payload, bs->clear_len) == 0
        && memcmp (map.data + bs->clear_len, payload + bs->clear_len,
        bs->size - bs->clear_len) != 0;
  else
    ok = map.size == off + want && memcmp (map.data + off, payload, want) == 0;
  gst_buffer_unmap (c->last, &map);
  gst_clear_buffer (&c->last);
  if (!ok)
    g_set_error (error, GST_STREAM_ERROR, GST_STREAM_ERROR_FAILED,
        "%s, %" G_GSIZE_FORMAT " bytes: the output is not what it should be",
        bench_cfg_info[c->cfg].name, bs->size);
  return ok;
}

/**
 * bench_chain_verify:
 *
 * Pushes each payload once and checks what comes out: the same bytes
 * (after a round trip, or from e2eedec), a JFrame of the right length
 * (e2eeenc). Untimed; a benchmark of something that does not work is no
 * benchmark.
 */
gboolean
bench_chain_verify (BenchChain * c, GError ** error)
{
  guint i;
  gboolean ok = TRUE;

  c->keep_last = TRUE;
  for (i = 0; i < BENCH_PAYLOADS && ok; i++) {
    guint k = c->next % BENCH_PAYLOADS;

    ok = push (c, make_input (c), error)
        && output_matches (c, c->bs->payload[k], error);
  }
  c->keep_last = FALSE;
  return ok;
}

/**
 * bench_chain_run:
 * @frames: how many frames to push
 * @armed: (nullable): called with TRUE just before each timed batch and
 *   with FALSE just after (the allocation counter)
 * @cpu_ns: (out): thread CPU time spent pushing
 * @wall_ns: (out): wall time spent pushing
 *
 * Only the pushes are timed: making the input buffers is the producer's
 * cost, not the elements'.
 */
gboolean
bench_chain_run (BenchChain * c, guint frames, void (*armed) (gboolean),
    guint64 * cpu_ns, guint64 * wall_ns, GError ** error)
{
  guint64 cpu = 0, wall = 0, received = c->received;
  guint done = 0;

  while (done < frames) {
    guint n = MIN (c->batch_size, frames - done), i;
    guint64 c0, w0;
    gboolean ok = TRUE;

    for (i = 0; i < n; i++)
      c->batch[i] = make_input (c);

    if (armed)
      armed (TRUE);
    w0 = bench_wall_ns ();
    c0 = bench_thread_cpu_ns ();
    for (i = 0; i < n && ok; i++) {
      GstBuffer *buf = c->batch[i];

      c->batch[i] = NULL;
      ok = push (c, buf, error);
    }
    cpu += bench_thread_cpu_ns () - c0;
    wall += bench_wall_ns () - w0;
    if (armed)
      armed (FALSE);

    for (; i < n; i++)
      gst_clear_buffer (&c->batch[i]);
    if (!ok)
      return FALSE;
    done += n;
  }

  if (c->received - received != frames) {
    g_set_error (error, GST_STREAM_ERROR, GST_STREAM_ERROR_FAILED,
        "%s, %" G_GSIZE_FORMAT " bytes: %" G_GUINT64_FORMAT " of %u frames "
        "came out", bench_cfg_info[c->cfg].name, c->bs->size,
        c->received - received, frames);
    return FALSE;
  }
  *cpu_ns = cpu;
  *wall_ns = wall;
  return TRUE;
}

/**
 * bench_encrypt_jframes:
 * @bs: frames whose jframe[] is to be filled
 *
 * Encrypts each payload with e2eeenc, as e2eedec alone is fed: the frame
 * and its trailer in one memory, as a depayloader delivers them.
 */
gboolean
bench_encrypt_jframes (BenchSize * bs, const guint8 * material, GError ** error)
{
  BenchChain *c = bench_chain_new (BENCH_CFG_ENC, bs, material, error);
  guint i;

  if (!c)
    return FALSE;
  c->keep_last = TRUE;
  for (i = 0; i < BENCH_PAYLOADS; i++) {
    guint k = c->next % BENCH_PAYLOADS;

    if (!push (c, make_input (c), error)
        || !c->last
        || gst_buffer_get_size (c->last) != bs->size + BENCH_JFRAME_TRAILER) {
      if (error && !*error)
        g_set_error (error, GST_STREAM_ERROR, GST_STREAM_ERROR_FAILED,
            "e2eeenc gave no JFrame of %" G_GSIZE_FORMAT " bytes", bs->size);
      bench_chain_free (c);
      return FALSE;
    }
    g_free (bs->jframe[k]);
    bs->jframe[k] = g_malloc (bs->size + BENCH_JFRAME_TRAILER);
    gst_buffer_extract (c->last, 0, bs->jframe[k],
        bs->size + BENCH_JFRAME_TRAILER);
    gst_clear_buffer (&c->last);
  }
  bench_chain_free (c);
  return TRUE;
}
