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

/* e2eevp8pay: RFC 7741 packets for encrypted VP8 frames, reassembled by the
 * stock rtpvp8depay, and what a router can still read from them. */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <string.h>

#include <gst/check/gstcheck.h>
#include <gst/check/gstharness.h>
#include <gst/rtp/gstrtpbuffer.h>
#include <gst/rtp/gstrtpmeta.h>
#include <gst/video/video.h>

#define TEST_KEY \
  "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"

#define RTP_HEADER_SIZE 12
#define FRAME_DURATION (40 * GST_MSECOND)
/* 40 ms at 90 kHz */
#define FRAME_TICKS 3600

/* The RFC 7741 payload descriptor and the RTP fields of one packet, read
 * the way a receiver or a router reads them. */
typedef struct
{
  guint8 byte0;
  gboolean x, n, s;
  guint pid;
  gboolean i, m;
  gint picture_id;              /* -1 when absent */
  guint desc_size;
  gboolean marker;
  guint32 timestamp;
  guint16 seq;
  guint8 pt;
  guint packet_size;
  GBytes *payload;              /* the VP8 bytes after the descriptor */
} Vp8Packet;

/* One frame as a router sees it: only the packets, never the frame. */
typedef struct
{
  gboolean key;
  guint width, height;
  gint picture_id;
  guint n_packets;
  gsize size;
} RouterFrame;

static void
vp8_packet_clear (Vp8Packet * pkt)
{
  g_clear_pointer (&pkt->payload, g_bytes_unref);
}

static void
parse_vp8_packet (GstBuffer * buf, Vp8Packet * pkt)
{
  GstRTPBuffer rtp = GST_RTP_BUFFER_INIT;
  const guint8 *p;
  guint len, off = 1;

  memset (pkt, 0, sizeof (*pkt));
  fail_unless (gst_rtp_buffer_map (buf, GST_MAP_READ, &rtp),
      "not an RTP packet");
  p = gst_rtp_buffer_get_payload (&rtp);
  len = gst_rtp_buffer_get_payload_len (&rtp);
  fail_unless (len >= 1);

  pkt->byte0 = p[0];
  pkt->x = (p[0] & 0x80) != 0;
  pkt->n = (p[0] & 0x20) != 0;
  pkt->s = (p[0] & 0x10) != 0;
  pkt->pid = p[0] & 0x07;
  pkt->picture_id = -1;
  if (pkt->x) {
    guint8 ext;

    fail_unless (len > off);
    ext = p[off++];
    pkt->i = (ext & 0x80) != 0;
    if (pkt->i) {
      fail_unless (len > off);
      pkt->m = (p[off] & 0x80) != 0;
      if (pkt->m) {
        fail_unless (len > off + 1);
        pkt->picture_id = ((p[off] & 0x7f) << 8) | p[off + 1];
        off += 2;
      } else {
        pkt->picture_id = p[off] & 0x7f;
        off += 1;
      }
    }
    if (ext & 0x40)             /* L: TL0PICIDX */
      off++;
    if (ext & 0x30)             /* T or K: TID/Y/KEYIDX */
      off++;
  }
  fail_unless (len > off, "packet without VP8 payload");
  pkt->desc_size = off;
  pkt->payload = g_bytes_new (p + off, len - off);
  pkt->marker = gst_rtp_buffer_get_marker (&rtp);
  pkt->timestamp = gst_rtp_buffer_get_timestamp (&rtp);
  pkt->seq = gst_rtp_buffer_get_seq (&rtp);
  pkt->pt = gst_rtp_buffer_get_payload_type (&rtp);
  gst_rtp_buffer_unmap (&rtp);
  pkt->packet_size = gst_buffer_get_size (buf);
}

/* What an SFU does with the packets: a frame starts at S=1, PID=0; the P
 * bit of the first VP8 byte says key frame; a key frame's bytes 3..9 hold
 * the start code and the picture size. */
static GArray *
router_view (GPtrArray * packets)
{
  GArray *frames = g_array_new (FALSE, TRUE, sizeof (RouterFrame));
  RouterFrame *cur = NULL;
  guint i;

  for (i = 0; i < packets->len; i++) {
    Vp8Packet pkt;
    const guint8 *d;
    gsize len;

    parse_vp8_packet (g_ptr_array_index (packets, i), &pkt);
    d = g_bytes_get_data (pkt.payload, &len);
    if (pkt.s && pkt.pid == 0) {
      RouterFrame f = { 0, };

      f.key = (d[0] & 0x01) == 0;
      f.picture_id = pkt.picture_id;
      if (f.key) {
        fail_unless (len >= 10, "key frame start too short for its header");
        fail_unless (d[3] == 0x9d && d[4] == 0x01 && d[5] == 0x2a,
            "no VP8 start code in clear on frame %u", frames->len);
        f.width = GST_READ_UINT16_LE (d + 6) & 0x3fff;
        f.height = GST_READ_UINT16_LE (d + 8) & 0x3fff;
      }
      g_array_append_val (frames, f);
      cur = &g_array_index (frames, RouterFrame, frames->len - 1);
    }
    fail_unless (cur != NULL, "stream does not start with a frame start");
    fail_unless_equals_int (pkt.picture_id, cur->picture_id);
    cur->n_packets++;
    cur->size += len;
    vp8_packet_clear (&pkt);
  }

  return frames;
}

static GstBuffer *
make_frame (gsize size, gboolean key, guint seed)
{
  GstBuffer *buf = gst_buffer_new_allocate (NULL, size, NULL);
  GstMapInfo map;
  gsize i;

  gst_buffer_map (buf, &map, GST_MAP_WRITE);
  for (i = 0; i < size; i++)
    map.data[i] = (guint8) (i * 31 + seed * 7 + (i >> 8));
  /* show_frame=1, version 0; P=0 on key frames */
  if (size > 0)
    map.data[0] = key ? 0x10 : 0x11;
  gst_buffer_unmap (buf, &map);
  if (!key)
    GST_BUFFER_FLAG_SET (buf, GST_BUFFER_FLAG_DELTA_UNIT);

  return buf;
}

static void
assert_same_bytes (GBytes * got, GBytes * want, const gchar * what, guint n)
{
  const guint8 *a, *b;
  gsize la, lb, k;

  a = g_bytes_get_data (got, &la);
  b = g_bytes_get_data (want, &lb);
  for (k = 0; k < MIN (la, lb) && a[k] == b[k]; k++);
  fail_unless (la == lb && k == la,
      "%s %u differs: %" G_GSIZE_FORMAT " bytes vs %" G_GSIZE_FORMAT
      ", first difference at byte %" G_GSIZE_FORMAT, what, n, la, lb, k);
}

static GBytes *
buffer_bytes (GstBuffer * buf)
{
  GstMapInfo map;
  GBytes *bytes;

  fail_unless (gst_buffer_map (buf, &map, GST_MAP_READ));
  bytes = g_bytes_new (map.data, map.size);
  gst_buffer_unmap (buf, &map);

  return bytes;
}

static GstHarness *
new_pay_harness (const gchar * props)
{
  gchar *desc = g_strdup_printf ("e2eevp8pay %s", props);
  GstHarness *h = gst_harness_new_parse (desc);

  g_free (desc);
  gst_harness_set_src_caps_str (h, "video/x-vp8");

  return h;
}

/* Pushes one frame and returns its packets, parsed. */
static GArray *
pay_frame (GstHarness * h, GstBuffer * frame, GstClockTime pts)
{
  GArray *pkts = g_array_new (FALSE, TRUE, sizeof (Vp8Packet));
  GstBuffer *out;

  GST_BUFFER_PTS (frame) = pts;
  GST_BUFFER_DURATION (frame) = FRAME_DURATION;
  fail_unless_equals_int (gst_harness_push (h, frame), GST_FLOW_OK);
  while ((out = gst_harness_try_pull (h))) {
    Vp8Packet pkt;

    parse_vp8_packet (out, &pkt);
    fail_unless_equals_uint64 (GST_BUFFER_PTS (out), pts);
    /* the first packet of a key frame is where a receiver can start */
    if (pkts->len == 0) {
      const guint8 *d = g_bytes_get_data (pkt.payload, NULL);

      fail_unless_equals_int (GST_BUFFER_FLAG_IS_SET (out,
              GST_BUFFER_FLAG_DELTA_UNIT), (d[0] & 0x01) != 0);
    } else {
      fail_unless (GST_BUFFER_FLAG_IS_SET (out, GST_BUFFER_FLAG_DELTA_UNIT));
    }
    fail_unless_equals_int (GST_BUFFER_FLAG_IS_SET (out,
            GST_BUFFER_FLAG_MARKER), pkt.marker);
    g_array_append_val (pkts, pkt);
    gst_buffer_unref (out);
  }

  return pkts;
}

static void
free_packets (GArray * pkts)
{
  guint i;

  for (i = 0; i < pkts->len; i++)
    vp8_packet_clear (&g_array_index (pkts, Vp8Packet, i));
  g_array_unref (pkts);
}

/* Checks the RFC 7741 framing of one frame's packets and that their
 * payloads put together are the frame. */
static void
check_frame_packets (GArray * pkts, GBytes * frame, guint mtu, gint picture_id)
{
  GByteArray *joined = g_byte_array_new ();
  GBytes *joined_bytes;
  Vp8Packet *head = &g_array_index (pkts, Vp8Packet, 0);
  guint i;

  for (i = 0; i < pkts->len; i++) {
    Vp8Packet *pkt = &g_array_index (pkts, Vp8Packet, i);
    gboolean is_first = i == 0, is_last = i == pkts->len - 1;
    const guint8 *d;
    gsize len;

    fail_unless_equals_int (pkt->s, is_first);
    fail_unless_equals_int (pkt->pid, 0);
    fail_unless_equals_int (pkt->n, FALSE);
    fail_unless_equals_int (pkt->marker, is_last);
    fail_unless_equals_int (pkt->pt, 96);
    fail_unless_equals_int (pkt->timestamp, head->timestamp);
    fail_unless_equals_int (pkt->seq, (guint16) (head->seq + i));
    fail_unless (pkt->packet_size <= mtu, "packet %u of %u bytes > mtu %u",
        i, pkt->packet_size, mtu);
    /* every packet but the last is filled to the MTU */
    if (!is_last)
      fail_unless_equals_int (pkt->packet_size, mtu);
    if (picture_id < 0) {
      fail_unless_equals_int (pkt->byte0, is_first ? 0x10 : 0x00);
      fail_unless_equals_int (pkt->desc_size, 1);
    } else {
      fail_unless_equals_int (pkt->byte0, is_first ? 0x90 : 0x80);
      fail_unless_equals_int (pkt->i, TRUE);
      fail_unless_equals_int (pkt->picture_id, picture_id);
    }
    d = g_bytes_get_data (pkt->payload, &len);
    g_byte_array_append (joined, d, len);
  }
  joined_bytes = g_byte_array_free_to_bytes (joined);
  assert_same_bytes (joined_bytes, frame, "reassembled frame", 0);
  g_bytes_unref (joined_bytes);
}

GST_START_TEST (test_fragmentation)
{
  GstHarness *h = new_pay_harness ("mtu=1000");
  GstBuffer *frame = make_frame (2500, TRUE, 1);
  GBytes *bytes = buffer_bytes (frame);
  GArray *pkts, *pkts2;
  GstCaps *caps;
  GstStructure *s;
  guint32 ts0;

  pkts = pay_frame (h, frame, 0);
  /* 1000 - 12 (RTP) - 1 (descriptor) = 987 bytes: 987 + 987 + 526 */
  fail_unless_equals_int (pkts->len, 3);
  fail_unless_equals_int (g_bytes_get_size (g_array_index (pkts, Vp8Packet,
              2).payload), 526);
  check_frame_packets (pkts, bytes, 1000, -1);
  ts0 = g_array_index (pkts, Vp8Packet, 0).timestamp;
  g_bytes_unref (bytes);

  /* a delta frame 40 ms later: its own timestamp, all packets delta */
  frame = make_frame (1200, FALSE, 2);
  bytes = buffer_bytes (frame);
  pkts2 = pay_frame (h, frame, FRAME_DURATION);
  fail_unless_equals_int (pkts2->len, 2);
  check_frame_packets (pkts2, bytes, 1000, -1);
  fail_unless_equals_int (g_array_index (pkts2, Vp8Packet, 0).timestamp,
      ts0 + FRAME_TICKS);
  fail_unless_equals_int (g_array_index (pkts2, Vp8Packet, 0).seq,
      (guint16) (g_array_index (pkts, Vp8Packet, 2).seq + 1));
  g_bytes_unref (bytes);

  caps = gst_pad_get_current_caps (h->sinkpad);
  fail_unless (caps != NULL);
  s = gst_caps_get_structure (caps, 0);
  fail_unless (gst_structure_has_name (s, "application/x-rtp"));
  fail_unless_equals_string (gst_structure_get_string (s, "media"), "video");
  fail_unless_equals_string (gst_structure_get_string (s, "encoding-name"),
      "VP8");
  {
    gint pt = 0, rate = 0;

    fail_unless (gst_structure_get_int (s, "payload", &pt));
    fail_unless (gst_structure_get_int (s, "clock-rate", &rate));
    fail_unless_equals_int (pt, 96);
    fail_unless_equals_int (rate, 90000);
  }
  gst_caps_unref (caps);

  free_packets (pkts);
  free_packets (pkts2);
  gst_harness_teardown (h);
}

GST_END_TEST;

GST_START_TEST (test_picture_id_15bit)
{
  GstHarness *h =
      new_pay_harness ("mtu=1000 picture-id-mode=15-bit "
      "picture-id-offset=32766");
  const gint expected[] = { 0x7ffe, 0x7fff, 0x0000, 0x0001 };
  guint f;

  for (f = 0; f < G_N_ELEMENTS (expected); f++) {
    GstBuffer *frame = make_frame (2500, f == 0, f);
    GBytes *bytes = buffer_bytes (frame);
    GArray *pkts = pay_frame (h, frame, f * FRAME_DURATION);
    guint i;

    /* 1000 - 12 - 4 = 984 bytes: 984 + 984 + 532 */
    fail_unless_equals_int (pkts->len, 3);
    for (i = 0; i < pkts->len; i++) {
      Vp8Packet *pkt = &g_array_index (pkts, Vp8Packet, i);

      fail_unless_equals_int (pkt->x, TRUE);
      fail_unless_equals_int (pkt->m, TRUE);
      fail_unless_equals_int (pkt->desc_size, 4);
    }
    check_frame_packets (pkts, bytes, 1000, expected[f]);
    g_bytes_unref (bytes);
    free_packets (pkts);
  }

  gst_harness_teardown (h);
}

GST_END_TEST;

GST_START_TEST (test_picture_id_7bit)
{
  GstHarness *h = new_pay_harness ("picture-id-mode=7-bit "
      "picture-id-offset=126");
  const gint expected[] = { 126, 127, 0 };
  guint f;

  for (f = 0; f < G_N_ELEMENTS (expected); f++) {
    GstBuffer *frame = make_frame (100, TRUE, f);
    GBytes *bytes = buffer_bytes (frame);
    GArray *pkts = pay_frame (h, frame, f * FRAME_DURATION);
    Vp8Packet *pkt = &g_array_index (pkts, Vp8Packet, 0);

    fail_unless_equals_int (pkts->len, 1);
    fail_unless_equals_int (pkt->m, FALSE);
    fail_unless_equals_int (pkt->desc_size, 3);
    check_frame_packets (pkts, bytes, 1400, expected[f]);
    g_bytes_unref (bytes);
    free_packets (pkts);
  }

  gst_harness_teardown (h);
}

GST_END_TEST;

GST_START_TEST (test_empty_buffer)
{
  GstHarness *h = new_pay_harness ("");
  GstBuffer *frame;
  GBytes *bytes;
  GArray *pkts;

  fail_unless_equals_int (gst_harness_push (h, gst_buffer_new ()), GST_FLOW_OK);
  fail_unless_equals_int (gst_harness_buffers_in_queue (h), 0);
  fail_unless_equals_int (gst_harness_buffers_received (h), 0);

  /* and the next frame goes out as usual */
  frame = make_frame (1, TRUE, 0);
  bytes = buffer_bytes (frame);
  pkts = pay_frame (h, frame, 0);
  fail_unless_equals_int (pkts->len, 1);
  check_frame_packets (pkts, bytes, 1400, -1);
  g_bytes_unref (bytes);
  free_packets (pkts);

  gst_harness_teardown (h);
}

GST_END_TEST;

GST_START_TEST (test_force_key_unit_upstream)
{
  GstHarness *h = new_pay_harness ("");
  GstEvent *event;
  gboolean found = FALSE;

  fail_unless (gst_harness_push_upstream_event (h,
          gst_video_event_new_upstream_force_key_unit (GST_CLOCK_TIME_NONE,
              TRUE, 1)));
  /* after whatever else the payloader sent upstream (reconfigure) */
  while (!found && (event = gst_harness_try_pull_upstream_event (h))) {
    found = gst_video_event_is_force_key_unit (event);
    gst_event_unref (event);
  }
  fail_unless (found, "the force-key-unit event did not get through");

  gst_harness_teardown (h);
}

GST_END_TEST;

GST_START_TEST (test_draft_encoding_name)
{
  GstHarness *h = gst_harness_new ("e2eevp8pay");
  GstCaps *caps;
  GstBuffer *out;

  /* the peer's caps first: they are what the payloader asks at set_caps */
  gst_harness_set_sink_caps_str (h,
      "application/x-rtp, encoding-name=(string)VP8-DRAFT-IETF-01");
  gst_harness_set_src_caps_str (h, "video/x-vp8");
  fail_unless_equals_int (gst_harness_push (h, make_frame (50, TRUE, 0)),
      GST_FLOW_OK);
  out = gst_harness_try_pull (h);
  fail_unless (out != NULL);
  gst_buffer_unref (out);
  caps = gst_pad_get_current_caps (h->sinkpad);
  fail_unless_equals_string (gst_structure_get_string
      (gst_caps_get_structure (caps, 0), "encoding-name"), "VP8-DRAFT-IETF-01");
  gst_caps_unref (caps);

  gst_harness_teardown (h);
}

GST_END_TEST;

GST_START_TEST (test_mtu_too_small)
{
  GstHarness *h = new_pay_harness ("mtu=28 source-info=true");
  guint32 csrcs[15] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15 };
  GstBuffer *frame;

  /* 12 + 15 CSRCs * 4 bytes of RTP header leave no room at all */
  frame = make_frame (100, TRUE, 0);
  gst_buffer_add_rtp_source_meta (frame, NULL, csrcs, G_N_ELEMENTS (csrcs));
  fail_unless_equals_int (gst_harness_push (h, frame), GST_FLOW_ERROR);
  fail_unless_equals_int (gst_harness_buffers_in_queue (h), 0);

  gst_harness_teardown (h);
}

GST_END_TEST;

GST_START_TEST (test_meta_copied)
{
  GstHarness *h = new_pay_harness ("mtu=100");
  GstCaps *ref = gst_caps_new_empty_simple ("timestamp/x-ntp");
  GstBuffer *frame = make_frame (300, TRUE, 0), *out;
  guint n = 0;

  gst_buffer_add_reference_timestamp_meta (frame, ref, 12345, 0);
  GST_BUFFER_PTS (frame) = 0;
  fail_unless_equals_int (gst_harness_push (h, frame), GST_FLOW_OK);
  while ((out = gst_harness_try_pull (h))) {
    GstReferenceTimestampMeta *meta =
        gst_buffer_get_reference_timestamp_meta (out, ref);

    fail_unless (meta != NULL, "packet %u lost the reference timestamp", n);
    fail_unless_equals_uint64 (meta->timestamp, 12345);
    gst_buffer_unref (out);
    n++;
  }
  fail_unless (n > 1);
  gst_caps_unref (ref);

  gst_harness_teardown (h);
}

GST_END_TEST;

/* pipelines */

static GstPadProbeReturn
collect_packets (GstPad * pad, GstPadProbeInfo * info, gpointer user_data)
{
  GPtrArray *packets = user_data;

  if (GST_PAD_PROBE_INFO_TYPE (info) & GST_PAD_PROBE_TYPE_BUFFER) {
    g_ptr_array_add (packets,
        gst_buffer_ref (GST_PAD_PROBE_INFO_BUFFER (info)));
  } else if (GST_PAD_PROBE_INFO_TYPE (info) & GST_PAD_PROBE_TYPE_BUFFER_LIST) {
    GstBufferList *list = GST_PAD_PROBE_INFO_BUFFER_LIST (info);
    guint i;

    for (i = 0; i < gst_buffer_list_length (list); i++)
      g_ptr_array_add (packets, gst_buffer_ref (gst_buffer_list_get (list, i)));
  }

  return GST_PAD_PROBE_OK;
}

static GPtrArray *
probe_packets (GstElement * pipeline, const gchar * name)
{
  GstElement *el = gst_bin_get_by_name (GST_BIN (pipeline), name);
  GstPad *pad = gst_element_get_static_pad (el, "src");
  GPtrArray *packets =
      g_ptr_array_new_with_free_func ((GDestroyNotify) gst_buffer_unref);

  gst_pad_add_probe (pad, GST_PAD_PROBE_TYPE_BUFFER |
      GST_PAD_PROBE_TYPE_BUFFER_LIST, collect_packets, packets, NULL);
  gst_object_unref (pad);
  gst_object_unref (el);

  return packets;
}

static void
run_to_eos (GstElement * pipeline)
{
  GstBus *bus = gst_element_get_bus (pipeline);
  GstMessage *msg;

  fail_unless (gst_element_set_state (pipeline, GST_STATE_PLAYING) !=
      GST_STATE_CHANGE_FAILURE);
  msg = gst_bus_timed_pop_filtered (bus, 60 * GST_SECOND,
      GST_MESSAGE_EOS | GST_MESSAGE_ERROR);
  fail_unless (msg != NULL, "pipeline timed out");
  if (GST_MESSAGE_TYPE (msg) == GST_MESSAGE_ERROR) {
    GError *err = NULL;
    gchar *dbg = NULL;

    gst_message_parse_error (msg, &err, &dbg);
    fail ("pipeline error from %s: %s (%s)", GST_OBJECT_NAME (msg->src),
        err->message, GST_STR_NULL (dbg));
  }
  gst_message_unref (msg);
  gst_object_unref (bus);
}

/* Drains an appsink through its action signals (the test does not link
 * libgstapp); before the pipeline stops, which would flush it. */
static GPtrArray *
drain_appsink (GstElement * pipeline, const gchar * name)
{
  GstElement *sink = gst_bin_get_by_name (GST_BIN (pipeline), name);
  GPtrArray *frames =
      g_ptr_array_new_with_free_func ((GDestroyNotify) gst_buffer_unref);
  GstSample *sample = NULL;

  for (;;) {
    g_signal_emit_by_name (sink, "try-pull-sample", (guint64) 0, &sample);
    if (!sample)
      break;
    g_ptr_array_add (frames, gst_buffer_ref (gst_sample_get_buffer (sample)));
    gst_sample_unref (sample);
    sample = NULL;
  }
  gst_object_unref (sink);

  return frames;
}

/* loop index 0: no picture ID (1-byte descriptor), 1: 15-bit (4 bytes) */
GST_START_TEST (test_pipeline_encrypted_roundtrip)
{
  const guint mtu = 400, n_frames = 60;
  const guint desc_size = __i__ == 0 ? 1 : 4;
  const guint per_packet = mtu - RTP_HEADER_SIZE - desc_size;
  GstElement *pipeline;
  GPtrArray *before, *after, *packets;
  GArray *view;
  GError *err = NULL;
  gchar *desc;
  guint i, fragmented_keys = 0, keys = 0;

  desc = g_strdup_printf ("videotestsrc num-buffers=60 ! "
      "video/x-raw,width=320,height=240,framerate=30/1 ! "
      "vp8enc deadline=1 keyframe-max-dist=10 ! "
      "e2eeenc key=" TEST_KEY " ! tee name=t "
      "t. ! queue ! appsink name=before sync=false wait-on-eos=false "
      "t. ! queue ! e2eevp8pay name=pay mtu=%u picture-id-mode=%s ! "
      "rtpvp8depay ! appsink name=after sync=false wait-on-eos=false", mtu,
      __i__ == 0 ? "none" : "15-bit");
  pipeline = gst_parse_launch (desc, &err);
  g_free (desc);
  fail_unless (pipeline != NULL, "could not build the pipeline: %s",
      err ? err->message : "?");
  packets = probe_packets (pipeline, "pay");

  run_to_eos (pipeline);
  before = drain_appsink (pipeline, "before");
  after = drain_appsink (pipeline, "after");
  gst_element_set_state (pipeline, GST_STATE_NULL);

  fail_unless_equals_int (before->len, n_frames);
  fail_unless_equals_int (after->len, n_frames);
  for (i = 0; i < n_frames; i++) {
    GstBuffer *in = g_ptr_array_index (before, i);
    GstBuffer *out = g_ptr_array_index (after, i);
    GBytes *a = buffer_bytes (out), *b = buffer_bytes (in);
    const guint8 *d = g_bytes_get_data (b, NULL);

    assert_same_bytes (a, b, "depayloaded frame", i);
    fail_unless_equals_int (GST_BUFFER_FLAG_IS_SET (out,
            GST_BUFFER_FLAG_DELTA_UNIT), (d[0] & 0x01) != 0);
    g_bytes_unref (a);
    g_bytes_unref (b);
  }

  /* the same frames, seen in the packets */
  for (i = 0; i < packets->len; i++)
    fail_unless (gst_buffer_get_size (g_ptr_array_index (packets, i)) <= mtu);
  view = router_view (packets);
  fail_unless_equals_int (view->len, n_frames);
  for (i = 0; i < n_frames; i++) {
    RouterFrame *f = &g_array_index (view, RouterFrame, i);
    gsize size = gst_buffer_get_size (g_ptr_array_index (before, i));

    fail_unless_equals_uint64 (f->size, size);
    fail_unless_equals_int (f->n_packets, (size + per_packet - 1) / per_packet);
    if (__i__ == 0) {
      fail_unless_equals_int (f->picture_id, -1);
    } else if (i > 0) {
      gint prev = g_array_index (view, RouterFrame, i - 1).picture_id;

      fail_unless_equals_int (f->picture_id, (prev + 1) & 0x7fff);
    }
    if (f->key) {
      keys++;
      if (size > mtu) {
        fail_unless (f->n_packets > 1);
        fragmented_keys++;
      }
    }
  }
  GST_INFO ("%u key frames, %u of them fragmented", keys, fragmented_keys);
  fail_unless (keys >= n_frames / 10, "only %u key frames", keys);
  fail_unless (fragmented_keys >= 1, "no key frame was over %u bytes", mtu);
  fail_unless (g_array_index (view, RouterFrame, 0).key);

  g_array_unref (view);
  g_ptr_array_unref (packets);
  g_ptr_array_unref (before);
  g_ptr_array_unref (after);
  gst_object_unref (pipeline);
}

GST_END_TEST;

GST_START_TEST (test_router_view)
{
  const guint n_frames = 30;
  GstElement *pipeline;
  GPtrArray *clear_pkts, *enc_pkts;
  GArray *clear_view, *enc_view;
  GError *err = NULL;
  guint i, keys = 0;

  /* one encoder run, paid out both in clear and encrypted */
  pipeline = gst_parse_launch ("videotestsrc num-buffers=30 ! "
      "video/x-raw,width=320,height=240,framerate=30/1 ! "
      "vp8enc deadline=1 keyframe-max-dist=10 ! tee name=t "
      "t. ! queue ! e2eevp8pay name=clearpay ! fakesink sync=false "
      "t. ! queue ! e2eeenc key=" TEST_KEY " ! e2eevp8pay name=encpay ! "
      "fakesink sync=false", &err);
  fail_unless (pipeline != NULL, "could not build the pipeline: %s",
      err ? err->message : "?");
  clear_pkts = probe_packets (pipeline, "clearpay");
  enc_pkts = probe_packets (pipeline, "encpay");

  run_to_eos (pipeline);
  gst_element_set_state (pipeline, GST_STATE_NULL);

  clear_view = router_view (clear_pkts);
  enc_view = router_view (enc_pkts);
  fail_unless_equals_int (clear_view->len, n_frames);
  fail_unless_equals_int (enc_view->len, n_frames);
  for (i = 0; i < n_frames; i++) {
    RouterFrame *c = &g_array_index (clear_view, RouterFrame, i);
    RouterFrame *e = &g_array_index (enc_view, RouterFrame, i);

    fail_unless_equals_int (e->key, c->key);
    fail_unless_equals_int (e->width, c->width);
    fail_unless_equals_int (e->height, c->height);
    /* and the rest of it really is encrypted: a trailer was added */
    fail_unless (e->size > c->size);
    if (c->key) {
      keys++;
      fail_unless_equals_int (c->width, 320);
      fail_unless_equals_int (c->height, 240);
    }
  }
  fail_unless (g_array_index (enc_view, RouterFrame, 0).key);
  fail_unless (keys >= n_frames / 10, "only %u key frames", keys);

  g_array_unref (clear_view);
  g_array_unref (enc_view);
  g_ptr_array_unref (clear_pkts);
  g_ptr_array_unref (enc_pkts);
  gst_object_unref (pipeline);
}

GST_END_TEST;

static Suite *
vp8pay_suite (void)
{
  Suite *s = suite_create ("e2eevp8pay");
  TCase *tc = tcase_create ("packets");
  TCase *tc_pipe = tcase_create ("pipelines");

  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_fragmentation);
  tcase_add_test (tc, test_picture_id_15bit);
  tcase_add_test (tc, test_picture_id_7bit);
  tcase_add_test (tc, test_empty_buffer);
  tcase_add_test (tc, test_force_key_unit_upstream);
  tcase_add_test (tc, test_draft_encoding_name);
  tcase_add_test (tc, test_mtu_too_small);
  tcase_add_test (tc, test_meta_copied);

  suite_add_tcase (s, tc_pipe);
  tcase_set_timeout (tc_pipe, 100);
  tcase_add_loop_test (tc_pipe, test_pipeline_encrypted_roundtrip, 0, 2);
  tcase_add_test (tc_pipe, test_router_view);

  return s;
}

GST_CHECK_MAIN (vp8pay);
