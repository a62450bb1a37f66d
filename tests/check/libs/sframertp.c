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
 * The SFrame RTP payload descriptor and the per-frame reassembly state
 * machine (gst/e2ee/gste2eesframertp.h): every way a packet or a frame is
 * refused is driven here and checked in the counters, and every frame that
 * comes out is compared byte for byte with what was cut into packets.
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <gst/check/gstcheck.h>
#include <gst/e2ee/e2ee.h>

#include <string.h>

#define S GST_E2EE_SFRAME_RTP_S
#define E GST_E2EE_SFRAME_RTP_E
#define T GST_E2EE_SFRAME_RTP_T

GST_START_TEST (test_descriptor_bits)
{
  fail_unless_equals_int (gst_e2ee_sframe_rtp_descriptor
      (GST_E2EE_SFRAME_RTP_PER_FRAME, TRUE, FALSE), 0x80);
  fail_unless_equals_int (gst_e2ee_sframe_rtp_descriptor
      (GST_E2EE_SFRAME_RTP_PER_FRAME, FALSE, TRUE), 0x40);
  fail_unless_equals_int (gst_e2ee_sframe_rtp_descriptor
      (GST_E2EE_SFRAME_RTP_PER_FRAME, FALSE, FALSE), 0x00);
  fail_unless_equals_int (gst_e2ee_sframe_rtp_descriptor
      (GST_E2EE_SFRAME_RTP_PER_PACKET, TRUE, TRUE), 0xe0);

  /* every byte: exactly the documented ones pass */
  for (guint b = 0; b < 256; b++) {
    GstE2eeSFrameRtpCheck f = gst_e2ee_sframe_rtp_descriptor_check (b,
        GST_E2EE_SFRAME_RTP_PER_FRAME);
    GstE2eeSFrameRtpCheck p = gst_e2ee_sframe_rtp_descriptor_check (b,
        GST_E2EE_SFRAME_RTP_PER_PACKET);

    if (b & 0x1f) {
      fail_unless_equals_int (f, GST_E2EE_SFRAME_RTP_CHECK_RESERVED);
      fail_unless_equals_int (p, GST_E2EE_SFRAME_RTP_CHECK_RESERVED);
    } else if (b & T) {
      fail_unless_equals_int (f, GST_E2EE_SFRAME_RTP_CHECK_WRONG_MODE);
      /* any S and E: libwebrtc marks the frame's first and last packet
       * (0xa0, 0x20, 0x60), we send 0xe0 */
      fail_unless_equals_int (p, GST_E2EE_SFRAME_RTP_CHECK_OK);
    } else {
      fail_unless_equals_int (f, GST_E2EE_SFRAME_RTP_CHECK_OK);
      fail_unless_equals_int (p, GST_E2EE_SFRAME_RTP_CHECK_WRONG_MODE);
    }
  }
  /* plain VP8 (RFC 7741: X|S = 0x90, S = 0x10) and H.264 (FU-A 0x7c, a
   * non-IDR slice 0x41) are refused, not taken for SFrame */
  fail_unless_equals_int (gst_e2ee_sframe_rtp_descriptor_check (0x90,
          GST_E2EE_SFRAME_RTP_PER_FRAME), GST_E2EE_SFRAME_RTP_CHECK_RESERVED);
  fail_unless_equals_int (gst_e2ee_sframe_rtp_descriptor_check (0x10,
          GST_E2EE_SFRAME_RTP_PER_PACKET), GST_E2EE_SFRAME_RTP_CHECK_RESERVED);
  fail_unless_equals_int (gst_e2ee_sframe_rtp_descriptor_check (0x7c,
          GST_E2EE_SFRAME_RTP_PER_FRAME), GST_E2EE_SFRAME_RTP_CHECK_RESERVED);
  fail_unless_equals_int (gst_e2ee_sframe_rtp_descriptor_check (0x41,
          GST_E2EE_SFRAME_RTP_PER_FRAME), GST_E2EE_SFRAME_RTP_CHECK_RESERVED);
}

GST_END_TEST;

GST_START_TEST (test_fragments_cover_frame)
{
  static const gsize sizes[] = { 1, 2, 1199, 1200, 1201, 5000, 65536 };
  static const gsize mtus[] = { 2, 3, 100, 1200 };

  fail_unless_equals_int (gst_e2ee_sframe_rtp_fragment_count (0, 1200), 0);
  fail_unless_equals_int (gst_e2ee_sframe_rtp_fragment_count (10, 1), 0);
  fail_unless_equals_int (gst_e2ee_sframe_rtp_fragment_count (1199, 1200), 1);
  fail_unless_equals_int (gst_e2ee_sframe_rtp_fragment_count (1200, 1200), 2);

  for (guint i = 0; i < G_N_ELEMENTS (sizes); i++) {
    for (guint j = 0; j < G_N_ELEMENTS (mtus); j++) {
      guint n = gst_e2ee_sframe_rtp_fragment_count (sizes[i], mtus[j]);
      gsize next = 0, min = G_MAXSIZE, max = 0;
      gboolean ok = TRUE;

      fail_unless (n > 0);
      /* one assertion per case: check's per-assertion bookkeeping would
       * cost more than the 65536 fragments themselves */
      for (guint k = 0; k < n; k++) {
        gsize off, len;
        guint8 d = gst_e2ee_sframe_rtp_fragment (sizes[i], mtus[j], k, &off,
            &len);

        ok = ok && off == next && len >= 1 && len + 1 <= mtus[j]
            && !!(d & S) == (k == 0) && !!(d & E) == (k == n - 1)
            && (d & ~(S | E)) == 0;
        next += len;
        min = MIN (min, len);
        max = MAX (max, len);
      }
      fail_unless (ok, "size %" G_GSIZE_FORMAT " mtu %" G_GSIZE_FORMAT,
          sizes[i], mtus[j]);
      fail_unless_equals_uint64 (next, sizes[i]);
      fail_unless (max - min <= 1);
    }
  }
}

GST_END_TEST;

/* Cuts @frame as a sender does and pushes the packets whose bit is set in
 * @keep (all when @keep is 0), starting at sequence number @seq. */
static GstE2eeSFrameRtpPush
push_frame (GstE2eeSFrameRtpAssembler * a, guint16 * seq, guint32 ts,
    const guint8 * frame, gsize size, gsize mtu, guint64 drop)
{
  GstE2eeSFrameRtpPush last = GST_E2EE_SFRAME_RTP_PUSH_DROPPED;
  guint n = gst_e2ee_sframe_rtp_fragment_count (size, mtu);
  guint8 *pkt = g_malloc (mtu);

  for (guint k = 0; k < n; k++) {
    gsize off, len;

    pkt[0] = gst_e2ee_sframe_rtp_fragment (size, mtu, k, &off, &len);
    memcpy (pkt + 1, frame + off, len);
    if (!(drop & (G_GUINT64_CONSTANT (1) << k)))
      last = gst_e2ee_sframe_rtp_assembler_push (a, *seq, ts, pkt, len + 1);
    (*seq)++;
  }
  g_free (pkt);
  return last;
}

static void
check_frame (GstE2eeSFrameRtpAssembler * a, const guint8 * frame, gsize size)
{
  gsize got_size;
  const guint8 *got = gst_e2ee_sframe_rtp_assembler_frame (a, &got_size);

  fail_unless (got != NULL);
  fail_unless_equals_uint64 (got_size, size);
  fail_unless (memcmp (got, frame, size) == 0);
}

static guint8 *
make_frame (gsize size, guint seed)
{
  guint8 *f = g_malloc (size);

  for (gsize i = 0; i < size; i++)
    f[i] = (guint8) (i * 31 + seed);
  return f;
}

GST_START_TEST (test_assembler_round_trip)
{
  GstE2eeSFrameRtpAssembler *a = gst_e2ee_sframe_rtp_assembler_new (1 << 20);
  GstE2eeSFrameRtpStats st;
  guint16 seq = 65530;          /* wraps inside the stream */

  for (guint i = 0; i < 20; i++) {
    gsize size = 1 + i * 997;
    guint8 *f = make_frame (size, i);

    fail_unless_equals_int (push_frame (a, &seq, i * 3000, f, size, 1200, 0),
        GST_E2EE_SFRAME_RTP_PUSH_FRAME);
    check_frame (a, f, size);
    g_free (f);
  }
  gst_e2ee_sframe_rtp_assembler_get_stats (a, &st);
  fail_unless_equals_uint64 (st.frames, 20);
  fail_unless_equals_uint64 (st.frames_lost + st.start_without_end +
      st.end_without_start + st.reserved_bits + st.wrong_mode + st.truncated +
      st.oversize + st.discarded, 0);
  gst_e2ee_sframe_rtp_assembler_free (a);
}

GST_END_TEST;

GST_START_TEST (test_assembler_loss)
{
  GstE2eeSFrameRtpAssembler *a = gst_e2ee_sframe_rtp_assembler_new (1 << 20);
  GstE2eeSFrameRtpStats st;
  guint8 *f = make_frame (5000, 7);
  guint16 seq = 100;

  /* middle packet lost, first packet lost, last packet lost: three frames
   * lost, each counted once; the frame after each is whole */
  fail_unless_equals_int (push_frame (a, &seq, 0, f, 5000, 1200, 1 << 2),
      GST_E2EE_SFRAME_RTP_PUSH_DROPPED);
  fail_unless_equals_int (push_frame (a, &seq, 1, f, 5000, 1200, 0),
      GST_E2EE_SFRAME_RTP_PUSH_FRAME);
  check_frame (a, f, 5000);
  fail_unless_equals_int (push_frame (a, &seq, 2, f, 5000, 1200, 1 << 0),
      GST_E2EE_SFRAME_RTP_PUSH_DROPPED);
  fail_unless (gst_e2ee_sframe_rtp_assembler_frame (a, &(gsize) {
          0}
      ) == NULL);
  fail_unless_equals_int (push_frame (a, &seq, 3, f, 5000, 1200, 0),
      GST_E2EE_SFRAME_RTP_PUSH_FRAME);
  fail_unless_equals_int (push_frame (a, &seq, 4, f, 5000, 1200, 1 << 4),
      GST_E2EE_SFRAME_RTP_PUSH_PENDING);
  fail_unless_equals_int (push_frame (a, &seq, 5, f, 5000, 1200, 0),
      GST_E2EE_SFRAME_RTP_PUSH_FRAME);
  check_frame (a, f, 5000);

  gst_e2ee_sframe_rtp_assembler_get_stats (a, &st);
  fail_unless_equals_uint64 (st.frames, 3);
  fail_unless_equals_uint64 (st.frames_lost, 3);
  fail_unless_equals_uint64 (st.start_without_end, 0);
  fail_unless_equals_uint64 (st.end_without_start, 0);
  g_free (f);
  gst_e2ee_sframe_rtp_assembler_free (a);
}

GST_END_TEST;

static GstE2eeSFrameRtpPush
push1 (GstE2eeSFrameRtpAssembler * a, guint16 seq, guint32 ts, guint8 d,
    gsize size)
{
  guint8 buf[64] = { 0 };

  buf[0] = d;
  return gst_e2ee_sframe_rtp_assembler_push (a, seq, ts, buf, size);
}

GST_START_TEST (test_assembler_malformed)
{
  GstE2eeSFrameRtpAssembler *a = gst_e2ee_sframe_rtp_assembler_new (100);
  GstE2eeSFrameRtpStats st;
  guint16 q = 0;

  /* S without E: a second S replaces the open frame */
  fail_unless_equals_int (push1 (a, q++, 1, S, 10),
      GST_E2EE_SFRAME_RTP_PUSH_PENDING);
  fail_unless_equals_int (push1 (a, q++, 2, S | E, 10),
      GST_E2EE_SFRAME_RTP_PUSH_FRAME);
  /* E without S, in sequence after a whole frame */
  fail_unless_equals_int (push1 (a, q++, 3, E, 10),
      GST_E2EE_SFRAME_RTP_PUSH_DROPPED);
  /* a middle fragment without S, then its E: one count, both discarded */
  fail_unless_equals_int (push1 (a, q++, 4, 0, 10),
      GST_E2EE_SFRAME_RTP_PUSH_DROPPED);
  fail_unless_equals_int (push1 (a, q++, 4, E, 10),
      GST_E2EE_SFRAME_RTP_PUSH_DROPPED);
  /* wrong T, reserved bits, truncated: each refused, the open frame too */
  fail_unless_equals_int (push1 (a, q++, 5, S, 10),
      GST_E2EE_SFRAME_RTP_PUSH_PENDING);
  fail_unless_equals_int (push1 (a, q++, 5, T, 10),
      GST_E2EE_SFRAME_RTP_PUSH_DROPPED);
  fail_unless_equals_int (push1 (a, q++, 5, E, 10),
      GST_E2EE_SFRAME_RTP_PUSH_DROPPED);
  fail_unless_equals_int (push1 (a, q++, 6, S | E | 0x01, 10),
      GST_E2EE_SFRAME_RTP_PUSH_DROPPED);
  fail_unless_equals_int (push1 (a, q++, 7, S | E, 1),
      GST_E2EE_SFRAME_RTP_PUSH_DROPPED);
  fail_unless_equals_int (gst_e2ee_sframe_rtp_assembler_push (a, q++, 7, NULL,
          0), GST_E2EE_SFRAME_RTP_PUSH_DROPPED);
  /* a fragment with another timestamp: the open frame lost its E */
  fail_unless_equals_int (push1 (a, q++, 8, S, 10),
      GST_E2EE_SFRAME_RTP_PUSH_PENDING);
  fail_unless_equals_int (push1 (a, q++, 9, E, 10),
      GST_E2EE_SFRAME_RTP_PUSH_DROPPED);
  /* oversize: 3 x 63 bytes > 100 */
  fail_unless_equals_int (push1 (a, q++, 10, S, 64),
      GST_E2EE_SFRAME_RTP_PUSH_PENDING);
  fail_unless_equals_int (push1 (a, q++, 10, 0, 64),
      GST_E2EE_SFRAME_RTP_PUSH_DROPPED);
  fail_unless_equals_int (push1 (a, q++, 10, E, 64),
      GST_E2EE_SFRAME_RTP_PUSH_DROPPED);
  /* and the stream recovers at the next S */
  fail_unless_equals_int (push1 (a, q++, 11, S | E, 20),
      GST_E2EE_SFRAME_RTP_PUSH_FRAME);

  gst_e2ee_sframe_rtp_assembler_get_stats (a, &st);
  fail_unless_equals_uint64 (st.packets, q);
  fail_unless_equals_uint64 (st.frames, 2);
  fail_unless_equals_uint64 (st.start_without_end, 2);
  fail_unless_equals_uint64 (st.end_without_start, 2);
  fail_unless_equals_uint64 (st.wrong_mode, 1);
  fail_unless_equals_uint64 (st.reserved_bits, 1);
  fail_unless_equals_uint64 (st.truncated, 2);
  fail_unless_equals_uint64 (st.oversize, 1);
  fail_unless_equals_uint64 (st.frames_lost, 0);

  /* reset forgets the open frame and the sequence number, counts nothing */
  fail_unless_equals_int (push1 (a, 500, 12, S, 10),
      GST_E2EE_SFRAME_RTP_PUSH_PENDING);
  gst_e2ee_sframe_rtp_assembler_reset (a);
  fail_unless_equals_int (push1 (a, 9, 13, S | E, 10),
      GST_E2EE_SFRAME_RTP_PUSH_FRAME);
  gst_e2ee_sframe_rtp_assembler_get_stats (a, &st);
  /* 17 -> 500 jumped between frames onto an S: nothing is known lost */
  fail_unless_equals_uint64 (st.frames_lost, 0);
  fail_unless_equals_uint64 (st.start_without_end, 2);
  gst_e2ee_sframe_rtp_assembler_free (a);
}

GST_END_TEST;

/* A copy (what bindings make of the boxed type) goes on on its own. */
GST_START_TEST (test_assembler_copy)
{
  GstE2eeSFrameRtpAssembler *a = gst_e2ee_sframe_rtp_assembler_new (1 << 20);
  GstE2eeSFrameRtpAssembler *b;
  guint8 *f = make_frame (5000, 3);
  guint8 pkt[1200];
  guint16 seq = 0;

  for (guint k = 0; k < 2; k++) {
    gsize off, len;

    pkt[0] = gst_e2ee_sframe_rtp_fragment (5000, 1200, k, &off, &len);
    memcpy (pkt + 1, f + off, len);
    gst_e2ee_sframe_rtp_assembler_push (a, seq++, 0, pkt, len + 1);
  }
  b = gst_e2ee_sframe_rtp_assembler_copy (a);
  for (guint k = 2; k < 5; k++) {
    gsize off, len;

    pkt[0] = gst_e2ee_sframe_rtp_fragment (5000, 1200, k, &off, &len);
    memcpy (pkt + 1, f + off, len);
    gst_e2ee_sframe_rtp_assembler_push (a, seq, 0, pkt, len + 1);
    gst_e2ee_sframe_rtp_assembler_push (b, seq++, 0, pkt, len + 1);
  }
  check_frame (a, f, 5000);
  gst_e2ee_sframe_rtp_assembler_free (a);
  check_frame (b, f, 5000);
  gst_e2ee_sframe_rtp_assembler_free (b);
  g_free (f);
}

GST_END_TEST;

static Suite *
sframertp_suite (void)
{
  Suite *s = suite_create ("sframertp");
  TCase *tc = tcase_create ("general");

  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_descriptor_bits);
  tcase_add_test (tc, test_fragments_cover_frame);
  tcase_add_test (tc, test_assembler_round_trip);
  tcase_add_test (tc, test_assembler_loss);
  tcase_add_test (tc, test_assembler_malformed);
  tcase_add_test (tc, test_assembler_copy);
  return s;
}

GST_CHECK_MAIN (sframertp);
