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

/*
 * rtpsframepay and rtpsframedepay (per-frame SFrame over RTP) under
 * GstHarness: the packets on the wire (descriptor bits, marker, payload
 * type, caps with a-sframe), frames put back together byte for byte, and
 * every malformed stream refused and counted: lost packets, S without E, E
 * without S, the wrong T, reserved bits, truncated packets, and a peer that
 * sends plain VP8 on a stream that negotiated SFrame.
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <gst/check/gstcheck.h>
#include <gst/check/gstharness.h>
#include <gst/rtp/gstrtpbuffer.h>
#include <gst/video/video.h>

#include <string.h>

#include <gst/e2ee/e2ee.h>

#include "element-harness.h"

static void
el_set_sframe_key (GstElement * e, const gchar * hex, guint64 kid)
{
  GstBuffer *key = el_key_buffer (hex);

  g_object_set (e, "key", key, "key-id", kid, NULL);
  gst_buffer_unref (key);
}

#define RTP_VP8_CAPS "application/x-rtp, media=(string)video, " \
    "clock-rate=(int)90000, encoding-name=(string)VP8, payload=(int)96"

static GstHarness *
make_pay (const gchar * caps, guint mtu)
{
  GstHarness *h = gst_harness_new ("rtpsframepay");

  g_object_set (h->element, "mtu", mtu, "pt", 100, NULL);
  gst_harness_set_src_caps_str (h, caps);
  return h;
}

static GstHarness *
make_depay (void)
{
  GstHarness *h = gst_harness_new ("rtpsframedepay");

  gst_harness_set_src_caps_str (h, RTP_VP8_CAPS);
  return h;
}

/* Pays @frame, checks every packet, and returns them. */
static GPtrArray *
pay_frame (GstHarness * h, GstBuffer * frame, gboolean video, guint mtu)
{
  GPtrArray *pkts = g_ptr_array_new_with_free_func ((GDestroyNotify)
      gst_buffer_unref);
  gsize size = gst_buffer_get_size (frame);
  GstBuffer *out;

  fail_unless_equals_int (gst_harness_push (h, frame), GST_FLOW_OK);
  while ((out = gst_harness_try_pull (h)))
    g_ptr_array_add (pkts, out);

  fail_unless (pkts->len >= 1);
  for (guint i = 0; i < pkts->len; i++) {
    GstRTPBuffer rtp = GST_RTP_BUFFER_INIT;
    guint8 d;
    gboolean last = i == pkts->len - 1;

    fail_unless (gst_buffer_get_size (pkts->pdata[i]) <= mtu);
    fail_unless (gst_rtp_buffer_map (pkts->pdata[i], GST_MAP_READ, &rtp));
    d = *(guint8 *) gst_rtp_buffer_get_payload (&rtp);
    fail_unless_equals_int (d, (i == 0 ? 0x80 : 0) | (last ? 0x40 : 0));
    fail_unless_equals_int (gst_rtp_buffer_get_marker (&rtp), video && last);
    fail_unless_equals_int (gst_rtp_buffer_get_payload_type (&rtp), 100);
    size -= gst_rtp_buffer_get_payload_len (&rtp) - 1;
    gst_rtp_buffer_unmap (&rtp);
  }
  fail_unless_equals_uint64 (size, 0);
  return pkts;
}

GST_START_TEST (test_pay_packets_and_caps)
{
  GstHarness *h = make_pay (VP8_CAPS, 500);
  GstBuffer *frame = el_frame (3000, 0x10, 1);
  GPtrArray *pkts = pay_frame (h, gst_buffer_ref (frame), TRUE, 500);
  GstCaps *caps = gst_pad_get_current_caps (h->sinkpad);
  GstStructure *s = gst_caps_get_structure (caps, 0);

  /* 3000 bytes in payloads of at most 500 - 12 - 1 */
  fail_unless_equals_int (pkts->len, 7);
  fail_unless_equals_string (gst_structure_get_string (s, "encoding-name"),
      "VP8");
  fail_unless_equals_string (gst_structure_get_string (s, "a-sframe"), "");
  gst_caps_unref (caps);
  g_ptr_array_unref (pkts);
  gst_buffer_unref (frame);
  gst_harness_teardown (h);

  /* audio: Opus caps, no marker */
  h = make_pay (OPUS_CAPS, 1200);
  frame = el_frame (1500, 0x78, 2);
  pkts = pay_frame (h, frame, FALSE, 1200);
  fail_unless_equals_int (pkts->len, 2);
  caps = gst_pad_get_current_caps (h->sinkpad);
  s = gst_caps_get_structure (caps, 0);
  fail_unless_equals_string (gst_structure_get_string (s, "encoding-name"),
      "OPUS");
  fail_unless_equals_string (gst_structure_get_string (s, "encoding-params"),
      "2");
  gst_caps_unref (caps);
  g_ptr_array_unref (pkts);
  gst_harness_teardown (h);
}

GST_END_TEST;

GST_START_TEST (test_round_trip_and_loss)
{
  GstHarness *pay = make_pay (VP8_CAPS, 300);
  GstHarness *depay = make_depay ();
  GstBuffer *out;

  for (guint i = 0; i < 10; i++) {
    GstBuffer *frame = el_frame (100 + i * 250, 0x10, i);
    GPtrArray *pkts = pay_frame (pay, gst_buffer_ref (frame), TRUE, 300);

    for (guint k = 0; k < pkts->len; k++) {
      /* frame 4 loses its second packet */
      if (i == 4 && k == 1)
        continue;
      fail_unless_equals_int (gst_harness_push (depay,
              gst_buffer_ref (pkts->pdata[k])), GST_FLOW_OK);
    }
    out = gst_harness_try_pull (depay);
    if (i == 4) {
      GstEvent *ev;
      gboolean gap = FALSE;

      fail_unless (out == NULL);
      /* downstream hears of the time the lost frame covered */
      while ((ev = gst_harness_try_pull_event (depay))) {
        if (GST_EVENT_TYPE (ev) == GST_EVENT_GAP)
          gap = TRUE;
        gst_event_unref (ev);
      }
      fail_unless (gap);
    } else {
      fail_unless (out != NULL);
      fail_unless (el_buffers_equal (out, frame), "frame %u differs", i);
      /* the frame after a loss is marked */
      fail_unless_equals_int (GST_BUFFER_FLAG_IS_SET (out,
              GST_BUFFER_FLAG_DISCONT), i == 0 || i == 5);
      gst_buffer_unref (out);
    }
    g_ptr_array_unref (pkts);
    gst_buffer_unref (frame);
  }
  fail_unless_equals_uint64 (el_stat (depay->element, "frames"), 9);
  fail_unless_equals_uint64 (el_stat (depay->element, "frames-lost"), 1);

  /* a loss on video asks upstream for a key frame */
  {
    GstEvent *ev;
    gboolean fku = FALSE;

    while ((ev = gst_harness_try_pull_upstream_event (depay))) {
      if (gst_video_event_is_force_key_unit (ev))
        fku = TRUE;
      gst_event_unref (ev);
    }
    fail_unless (fku);
  }
  gst_harness_teardown (pay);
  gst_harness_teardown (depay);
}

GST_END_TEST;

static GstBuffer *
rtp_packet (guint16 seq, guint32 ts, const guint8 * payload, gsize len)
{
  GstBuffer *buf = gst_rtp_buffer_new_allocate (len, 0, 0);
  GstRTPBuffer rtp = GST_RTP_BUFFER_INIT;

  gst_rtp_buffer_map (buf, GST_MAP_WRITE, &rtp);
  gst_rtp_buffer_set_seq (&rtp, seq);
  gst_rtp_buffer_set_timestamp (&rtp, ts);
  gst_rtp_buffer_set_payload_type (&rtp, 96);
  if (len)
    memcpy (gst_rtp_buffer_get_payload (&rtp), payload, len);
  gst_rtp_buffer_unmap (&rtp);
  return buf;
}

static void
push_desc (GstHarness * h, guint16 seq, guint32 ts, guint8 d, gsize len)
{
  guint8 p[32] = { 0 };

  p[0] = d;
  fail_unless_equals_int (gst_harness_push (h, rtp_packet (seq, ts, p, len)),
      GST_FLOW_OK);
}

GST_START_TEST (test_depay_malformed)
{
  GstHarness *h = make_depay ();
  GstBuffer *out;
  guint16 q = 1000;

  push_desc (h, q++, 1, 0x80, 20);      /* S ... */
  push_desc (h, q++, 2, 0xc0, 20);      /* ... S|E before its E */
  out = gst_harness_pull (h);
  fail_unless_equals_int (gst_buffer_get_size (out), 19);
  gst_buffer_unref (out);
  push_desc (h, q++, 3, 0x40, 20);      /* E without S */
  push_desc (h, q++, 4, 0xe0, 20);      /* T=1 in a T=0 stream */
  push_desc (h, q++, 5, 0xc4, 20);      /* a reserved bit */
  push_desc (h, q++, 6, 0xc0, 1);       /* descriptor only */
  push_desc (h, q++, 7, 0xc0, 0);       /* no payload at all */
  fail_unless (gst_harness_try_pull (h) == NULL);

  fail_unless_equals_uint64 (el_stat (h->element, "frames"), 1);
  fail_unless_equals_uint64 (el_stat (h->element, "start-without-end"), 1);
  fail_unless_equals_uint64 (el_stat (h->element, "end-without-start"), 1);
  fail_unless_equals_uint64 (el_stat (h->element, "wrong-mode"), 1);
  fail_unless_equals_uint64 (el_stat (h->element, "reserved-bits"), 1);
  fail_unless_equals_uint64 (el_stat (h->element, "truncated"), 2);
  gst_harness_teardown (h);
}

GST_END_TEST;

/* A peer that echoes a=sframe and sends plain VP8 through the stock
 * payloader: nothing reaches the decoder, it is counted, and the
 * application is warned once. */
GST_START_TEST (test_depay_refuses_plain_vp8)
{
  GstHarness *src =
      gst_harness_new_parse ("vp8enc deadline=1 keyframe-max-dist=10 "
      "! rtpvp8pay picture-id-mode=15-bit mtu=600");
  GstHarness *h = make_depay ();
  GstBus *bus = gst_bus_new ();
  GstMessage *msg;
  guint warnings = 0, pkts = 0;
  GstBuffer *b;

  gst_element_set_bus (h->element, bus);
  gst_harness_set_src_caps_str (src, "video/x-raw, format=I420, width=320, "
      "height=240, framerate=30/1");
  for (guint i = 0; i < 20; i++) {
    GstBuffer *raw = gst_buffer_new_allocate (NULL, 320 * 240 * 3 / 2, NULL);

    gst_buffer_memset (raw, 0, i * 7, 320 * 240);
    gst_buffer_memset (raw, 320 * 240, 128, 320 * 240 / 2);
    GST_BUFFER_PTS (raw) = i * GST_SECOND / 30;
    GST_BUFFER_DURATION (raw) = GST_SECOND / 30;
    fail_unless_equals_int (gst_harness_push (src, raw), GST_FLOW_OK);
    while ((b = gst_harness_try_pull (src))) {
      pkts++;
      fail_unless_equals_int (gst_harness_push (h, b), GST_FLOW_OK);
    }
  }
  fail_unless (pkts >= 20);
  fail_unless_equals_int (gst_harness_buffers_received (h), 0);
  fail_unless_equals_uint64 (el_stat (h->element, "frames"), 0);
  fail_unless (el_stat (h->element, "reserved-bits") > 0);
  while ((msg = gst_bus_pop_filtered (bus, GST_MESSAGE_WARNING))) {
    warnings++;
    gst_message_unref (msg);
  }
  fail_unless_equals_int (warnings, 1);

  gst_element_set_bus (h->element, NULL);
  gst_object_unref (bus);
  gst_harness_teardown (src);
  gst_harness_teardown (h);
}

GST_END_TEST;


#define KEY16 "000102030405060708090a0b0c0d0e0f"
#define KEY16_B "f0e0d0c0b0a090807060504030201000"

static GstHarness *
make_t1 (const gchar * factory, const gchar * key, guint64 kid)
{
  GstHarness *h = gst_harness_new (factory);

  if (key)
    el_set_sframe_key (h->element, key, kid);
  gst_harness_set_src_caps_str (h, RTP_VP8_CAPS);
  return h;
}

static guint32
rtp_ts (GstBuffer * b)
{
  GstRTPBuffer r = GST_RTP_BUFFER_INIT;
  guint32 ts;

  fail_unless (gst_rtp_buffer_map (b, GST_MAP_READ, &r));
  ts = gst_rtp_buffer_get_timestamp (&r);
  gst_rtp_buffer_unmap (&r);
  return ts;
}

/* Real VP8 packets from the stock payloader, at most @mtu bytes each. */
static GPtrArray *
vp8_packets (guint n_frames, guint mtu)
{
  gchar *desc = g_strdup_printf ("vp8enc deadline=1 keyframe-max-dist=10 ! "
      "rtpvp8pay picture-id-mode=15-bit mtu=%u", mtu);
  GstHarness *src = gst_harness_new_parse (desc);
  GPtrArray *pkts = g_ptr_array_new_with_free_func ((GDestroyNotify)
      gst_buffer_unref);
  GstBuffer *b;

  gst_harness_set_src_caps_str (src, "video/x-raw, format=I420, width=320, "
      "height=240, framerate=30/1");
  for (guint i = 0; i < n_frames; i++) {
    GstBuffer *raw = gst_buffer_new_allocate (NULL, 320 * 240 * 3 / 2, NULL);

    gst_buffer_memset (raw, 0, i * 7, 320 * 240);
    gst_buffer_memset (raw, 320 * 240, 128, 320 * 240 / 2);
    GST_BUFFER_PTS (raw) = i * GST_SECOND / 30;
    GST_BUFFER_DURATION (raw) = GST_SECOND / 30;
    fail_unless_equals_int (gst_harness_push (src, raw), GST_FLOW_OK);
    while ((b = gst_harness_try_pull (src)))
      g_ptr_array_add (pkts, b);
  }
  gst_harness_teardown (src);
  g_free (desc);
  return pkts;
}

GST_START_TEST (test_t1_round_trip_wire)
{
  GstHarness *enc = make_t1 ("rtpsframeenc", KEY16, 5);
  GstHarness *dec = make_t1 ("rtpsframedec", KEY16, 5);
  GPtrArray *pkts = vp8_packets (15, 600);
  GstCaps *caps;

  fail_unless (pkts->len >= 15);
  for (guint i = 0; i < pkts->len; i++) {
    GstRTPBuffer a = GST_RTP_BUFFER_INIT, w = GST_RTP_BUFFER_INIT;
    GstBuffer *wire, *plain;
    const guint8 *p;
    guint64 kid, ctr;
    gsize hs;

    wire = gst_harness_push_and_pull (enc, gst_buffer_ref (pkts->pdata[i]));
    fail_unless (wire != NULL);
    gst_rtp_buffer_map (pkts->pdata[i], GST_MAP_READ, &a);
    gst_rtp_buffer_map (wire, GST_MAP_READ, &w);
    /* the RTP header as the payloader wrote it, the payload S|E|T and one
     * SFrame whose KID is ours */
    fail_unless_equals_int (gst_rtp_buffer_get_seq (&w),
        gst_rtp_buffer_get_seq (&a));
    fail_unless_equals_int (gst_rtp_buffer_get_marker (&w),
        gst_rtp_buffer_get_marker (&a));
    fail_unless_equals_int (gst_rtp_buffer_get_timestamp (&w),
        gst_rtp_buffer_get_timestamp (&a));
    p = gst_rtp_buffer_get_payload (&w);
    fail_unless_equals_int (p[0], 0xe0);
    fail_unless (gst_e2ee_sframe_header_read (p + 1,
            gst_rtp_buffer_get_payload_len (&w) - 1, &kid, &ctr, &hs));
    fail_unless_equals_uint64 (kid, 5);
    fail_unless_equals_int (gst_rtp_buffer_get_payload_len (&w),
        gst_rtp_buffer_get_payload_len (&a) + 1 + hs + 16);
    /* not the clear payload: the VP8 descriptor and frame header are gone */
    fail_if (memcmp (p + 1 + hs, gst_rtp_buffer_get_payload (&a), 4) == 0);
    gst_rtp_buffer_unmap (&w);
    gst_rtp_buffer_unmap (&a);

    plain = gst_harness_push_and_pull (dec, wire);
    fail_unless (plain != NULL);
    fail_unless (el_buffers_equal (plain, pkts->pdata[i]),
        "packet %u differs after decryption", i);
    gst_buffer_unref (plain);
  }
  caps = gst_pad_get_current_caps (enc->sinkpad);
  fail_unless_equals_string (gst_structure_get_string
      (gst_caps_get_structure (caps, 0), "a-sframe"), "");
  gst_caps_unref (caps);
  caps = gst_pad_get_current_caps (dec->sinkpad);
  fail_if (gst_structure_has_field (gst_caps_get_structure (caps, 0),
          "a-sframe"));
  gst_caps_unref (caps);
  fail_unless_equals_uint64 (el_stat (enc->element, "packets-out"), pkts->len);
  fail_unless_equals_uint64 (el_stat (dec->element, "packets-out"), pkts->len);

  g_ptr_array_unref (pkts);
  gst_harness_teardown (enc);
  gst_harness_teardown (dec);
}

GST_END_TEST;

static GstBuffer *
with_payload (GstBuffer * model, const guint8 * payload, gsize len)
{
  GstRTPBuffer m = GST_RTP_BUFFER_INIT;
  GstBuffer *b;

  gst_rtp_buffer_map (model, GST_MAP_READ, &m);
  b = rtp_packet (gst_rtp_buffer_get_seq (&m),
      gst_rtp_buffer_get_timestamp (&m), payload, len);
  gst_rtp_buffer_unmap (&m);
  return b;
}

static void
push_dropped (GstHarness * h, GstBuffer * b)
{
  fail_unless_equals_int (gst_harness_push (h, b), GST_FLOW_OK);
  fail_unless (gst_harness_try_pull (h) == NULL);
}

GST_START_TEST (test_t1_malformed)
{
  GstHarness *enc = make_t1 ("rtpsframeenc", KEY16, 7);
  GstHarness *dec = make_t1 ("rtpsframedec", KEY16, 7);
  GstHarness *other = make_t1 ("rtpsframedec", KEY16_B, 7);
  GstHarness *nokid = make_t1 ("rtpsframedec", KEY16, 8);
  GstBus *bus = gst_bus_new ();
  GPtrArray *pkts = vp8_packets (2, 600);
  GstBuffer *wire, *b;
  guint8 *payload;
  gsize len;
  GstMessage *msg;
  guint warnings = 0;

  gst_element_set_bus (dec->element, bus);
  wire = gst_harness_push_and_pull (enc, gst_buffer_ref (pkts->pdata[0]));
  {
    GstRTPBuffer w = GST_RTP_BUFFER_INIT;

    gst_rtp_buffer_map (wire, GST_MAP_READ, &w);
    len = gst_rtp_buffer_get_payload_len (&w);
    payload = g_memdup2 (gst_rtp_buffer_get_payload (&w), len);
    gst_rtp_buffer_unmap (&w);
  }

  /* accepted once, then a replay */
  b = gst_harness_push_and_pull (dec, gst_buffer_ref (wire));
  fail_unless (b != NULL);
  gst_buffer_unref (b);
  push_dropped (dec, gst_buffer_ref (wire));
  fail_unless_equals_uint64 (el_stat (dec->element, "replayed"), 1);

  /* wrong key, unknown KID */
  push_dropped (other, gst_buffer_ref (wire));
  fail_unless_equals_uint64 (el_stat (other->element, "auth-failed"), 1);
  push_dropped (nokid, gst_buffer_ref (wire));
  fail_unless_equals_uint64 (el_stat (nokid->element, "missing-key"), 1);

  /* a flipped ciphertext bit */
  payload[len - 1] ^= 1;
  push_dropped (other, with_payload (wire, payload, len));
  payload[len - 1] ^= 1;

  /* descriptor bits: T=0 (with S|E and without), a reserved bit (plain
   * VP8) */
  payload[0] = 0xc0;
  push_dropped (dec, with_payload (wire, payload, len));
  payload[0] = 0x00;
  push_dropped (dec, with_payload (wire, payload, len));
  payload[0] = 0x90;
  push_dropped (dec, with_payload (wire, payload, len));
  payload[0] = 0xe0;
  fail_unless_equals_uint64 (el_stat (dec->element, "wrong-mode"), 2);
  fail_unless_equals_uint64 (el_stat (dec->element, "not-sframe"), 1);

  /* truncated: descriptor only; SFrame header cut short; a KID length of 8
   * with 2 bytes left; no room for the tag */
  push_dropped (dec, with_payload (wire, payload, 1));
  push_dropped (dec, with_payload (wire, payload, 2));
  {
    guint8 hdr[4] = { 0xe0, 0x70 | 0x08 | 0x07, 1, 2 };

    push_dropped (dec, with_payload (wire, hdr, sizeof (hdr)));
  }
  push_dropped (dec, with_payload (wire, payload, 1 + 3 + 4));
  fail_unless_equals_uint64 (el_stat (dec->element, "truncated"), 1);
  fail_unless (el_stat (dec->element, "bad-header") +
      el_stat (dec->element, "auth-failed") >= 3);
  fail_unless_equals_uint64 (el_stat (dec->element, "packets-out"), 1);

  /* one warning for the plain payload */
  while ((msg = gst_bus_pop_filtered (bus, GST_MESSAGE_WARNING))) {
    warnings++;
    gst_message_unref (msg);
  }
  fail_unless_equals_int (warnings, 1);
  gst_element_set_bus (dec->element, NULL);
  gst_object_unref (bus);

  g_free (payload);
  gst_buffer_unref (wire);
  g_ptr_array_unref (pkts);
  gst_harness_teardown (enc);
  gst_harness_teardown (dec);
  gst_harness_teardown (other);
  gst_harness_teardown (nokid);
}

GST_END_TEST;

/* Fail closed: no key, no media, on both sides. */
/* libwebrtc's per-packet mode seals every packet on its own but sets S and
 * E on the first and last packet of the video frame (T=1 on all): 0xa0,
 * 0x20..., 0x60, or 0xe0 for a frame of one packet. Every packet of such a
 * stream must come out decrypted, bit-exact. */
GST_START_TEST (test_t1_frame_boundary_descriptors)
{
  GstHarness *enc = make_t1 ("rtpsframeenc", KEY16, 9);
  GstHarness *dec = make_t1 ("rtpsframedec", KEY16, 9);
  GPtrArray *pkts = vp8_packets (4, 80);
  guint seen[4] = { 0, 0, 0, 0 };       /* 0x20, 0x60, 0xa0, 0xe0 */

  for (guint i = 0; i < pkts->len; i++) {
    GstRTPBuffer w = GST_RTP_BUFFER_INIT;
    GstBuffer *wire, *plain;
    guint32 ts = rtp_ts (pkts->pdata[i]);
    gboolean first, last;
    guint8 d;

    first = i == 0 || ts != rtp_ts (pkts->pdata[i - 1]);
    last = i == pkts->len - 1 || ts != rtp_ts (pkts->pdata[i + 1]);
    d = 0x20 | (first ? 0x80 : 0) | (last ? 0x40 : 0);
    seen[d >> 6]++;

    wire = gst_harness_push_and_pull (enc, gst_buffer_ref (pkts->pdata[i]));
    fail_unless (wire != NULL);
    wire = gst_buffer_make_writable (wire);
    fail_unless (gst_rtp_buffer_map (wire, GST_MAP_WRITE, &w));
    ((guint8 *) gst_rtp_buffer_get_payload (&w))[0] = d;
    gst_rtp_buffer_unmap (&w);

    plain = gst_harness_push_and_pull (dec, wire);
    fail_unless (plain != NULL, "packet %u (descriptor 0x%02x) dropped", i, d);
    fail_unless (el_buffers_equal (plain, pkts->pdata[i]),
        "packet %u differs after decryption", i);
    gst_buffer_unref (plain);
  }
  /* the key frame spans packets: first, middle and last all occurred */
  fail_unless (seen[0] > 0 && seen[1] > 0 && seen[2] > 0,
      "middle %u, last %u, first %u", seen[0], seen[1], seen[2]);
  fail_unless_equals_uint64 (el_stat (dec->element, "packets-out"), pkts->len);

  g_ptr_array_unref (pkts);
  gst_harness_teardown (enc);
  gst_harness_teardown (dec);
}

GST_END_TEST;

GST_START_TEST (test_t1_no_key)
{
  GstHarness *enc = make_t1 ("rtpsframeenc", NULL, 0);
  GstHarness *dec = make_t1 ("rtpsframedec", NULL, 0);
  GPtrArray *pkts = vp8_packets (1, 600);
  guint8 p[20] = { 0xe0, 0x00 };

  push_dropped (enc, gst_buffer_ref (pkts->pdata[0]));
  fail_unless_equals_uint64 (el_stat (enc->element, "no-key"), 1);
  push_dropped (dec, with_payload (pkts->pdata[0], p, sizeof (p)));
  fail_unless_equals_uint64 (el_stat (dec->element, "no-key"), 1);
  g_ptr_array_unref (pkts);
  gst_harness_teardown (enc);
  gst_harness_teardown (dec);
}

GST_END_TEST;

static Suite *
rtpsframe_suite (void)
{
  Suite *s = suite_create ("rtpsframe");
  TCase *tc = tcase_create ("per-frame");

  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_pay_packets_and_caps);
  tcase_add_test (tc, test_round_trip_and_loss);
  tcase_add_test (tc, test_depay_malformed);
  tcase_add_test (tc, test_depay_refuses_plain_vp8);

  tc = tcase_create ("per-packet");
  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_t1_round_trip_wire);
  tcase_add_test (tc, test_t1_malformed);
  tcase_add_test (tc, test_t1_frame_boundary_descriptors);
  tcase_add_test (tc, test_t1_no_key);
  return s;
}

GST_CHECK_MAIN (rtpsframe);
