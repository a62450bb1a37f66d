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


/* Real encoders, payloaders, depayloaders and decoders around e2eeenc and
 * e2eedec: the frames that leave e2eedec are the frames that entered
 * e2eeenc, byte for byte, and every one decodes; with a wrong key nothing
 * reaches the decoder. */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <gst/check/gstcheck.h>

#include "pipeline-util.h"
#include <string.h>

#define KEY_A "0100000000000000000000000000000000000000000000000000000000000000"
#define KEY_B "a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f90"


typedef struct
{
  const gchar *source;          /* up to and including the encoder */
  const gchar *pay;
  const gchar *depay;
  const gchar *decoder;
  guint n_frames;               /* at least; encoders may flush more */
  guint clear_bytes_key, clear_bytes_delta;
} Chain;

static const Chain vp8_chain = {
  "videotestsrc num-buffers=90 pattern=smpte ! "
      "video/x-raw,width=320,height=240,framerate=30/1 ! "
      "vp8enc deadline=1 keyframe-max-dist=30 target-bitrate=800000",
  "e2eevp8pay mtu=1200", "rtpvp8depay", "vp8dec", 90, 10, 3
};

static const Chain opus_chain = {
  "audiotestsrc num-buffers=100 samplesperbuffer=960 wave=sine freq=440 ! "
      "audio/x-raw,rate=48000,channels=2 ! opusenc bitrate=64000",
  "rtpopuspay", "rtpopusdepay", "opusdec", 100, 1, 1
};

static GstElement *
make_pipeline (const Chain * c, const gchar * dec_key)
{
  gchar *desc;
  GstElement *pipe;
  GError *err = NULL;

  desc = g_strdup_printf ("%s ! e2eeenc name=enc key=" KEY_A " ! %s ! %s ! "
      "e2eedec name=dec key=%s ! %s name=decoder ! fakesink name=sink "
      "sync=false", c->source, c->pay, c->depay, dec_key, c->decoder);
  pipe = gst_parse_launch (desc, &err);
  fail_unless (pipe != NULL, "%s: %s", desc, err ? err->message : "");
  g_free (desc);
  return pipe;
}

static void
check_bit_exact (const Chain * c)
{
  GstElement *pipe = make_pipeline (c, KEY_A);
  Recorder *clear_in = record (pipe, "enc", "sink");
  Recorder *wire = record (pipe, "enc", "src");
  Recorder *clear_out = record (pipe, "dec", "src");
  Recorder *decoded = record (pipe, "decoder", "src");
  guint i, n;

  run_to_eos (pipe, 60);

  n = clear_in->frames->len;
  fail_unless (n >= c->n_frames, "only %u frames", n);
  fail_unless_equals_int (wire->frames->len, n);
  fail_unless_equals_int (clear_out->frames->len, n);
  for (i = 0; i < n; i++) {
    GBytes *in = g_ptr_array_index (clear_in->frames, i);
    GBytes *w = g_ptr_array_index (wire->frames, i);
    gsize in_len, w_len, h;
    const guint8 *in_d = g_bytes_get_data (in, &in_len);
    const guint8 *w_d = g_bytes_get_data (w, &w_len);

    fail_unless (g_bytes_equal (in, g_ptr_array_index (clear_out->frames, i)),
        "frame %u differs after the round trip", i);
    /* on the wire: the clear header, then ciphertext, then the trailer */
    fail_unless_equals_int (w_len, in_len + 30);
    h = (c->clear_bytes_key != c->clear_bytes_delta && (in_d[0] & 1) == 0) ?
        c->clear_bytes_key : c->clear_bytes_delta;
    h = MIN (h, in_len);
    fail_unless (memcmp (in_d, w_d, h) == 0);
    if (in_len >= h + 8)
      fail_if (memcmp (in_d + h, w_d + h, in_len - h) == 0,
          "frame %u left in clear", i);
  }
  /* every frame decodes: one output per frame */
  fail_unless_equals_int (decoded->frames->len, n);
  fail_unless_equals_uint64 (get_stat (pipe, "dec", "auth-failed"), 0);
  fail_unless_equals_uint64 (get_stat (pipe, "dec", "frames-out"), n);

  recorder_free (clear_in);
  recorder_free (wire);
  recorder_free (clear_out);
  recorder_free (decoded);
  gst_object_unref (pipe);
}

static void
check_wrong_key (const Chain * c)
{
  GstElement *pipe = make_pipeline (c, KEY_B);
  Recorder *to_decoder = record (pipe, "decoder", "sink");
  Recorder *sent = record (pipe, "enc", "src");

  run_to_eos (pipe, 60);
  fail_unless (sent->frames->len >= c->n_frames);
  fail_unless_equals_int (to_decoder->frames->len, 0);
  fail_unless_equals_uint64 (get_stat (pipe, "dec", "auth-failed"),
      sent->frames->len);
  fail_unless_equals_uint64 (get_stat (pipe, "dec", "dropped"),
      sent->frames->len);
  recorder_free (sent);
  recorder_free (to_decoder);
  gst_object_unref (pipe);
}

GST_START_TEST (test_vp8_bit_exact)
{
  check_bit_exact (&vp8_chain);
}

GST_END_TEST;

GST_START_TEST (test_vp8_wrong_key)
{
  check_wrong_key (&vp8_chain);
}

GST_END_TEST;

GST_START_TEST (test_opus_bit_exact)
{
  check_bit_exact (&opus_chain);
}

GST_END_TEST;

GST_START_TEST (test_opus_wrong_key)
{
  check_wrong_key (&opus_chain);
}

GST_END_TEST;

/* One sender, two receivers behind a tee, one without the key: the
 * receiver that drops everything must not hold up the pipeline (its sink
 * prerolls on the gaps), and the other still gets every frame. */
GST_START_TEST (test_tee_one_receiver_without_key)
{
  GstElement *pipe;
  Recorder *sent, *good, *none;
  GError *err = NULL;

  pipe = gst_parse_launch ("audiotestsrc num-buffers=300 ! opusenc ! "
      "e2eeenc name=enc key=" KEY_A " ! tee name=u "
      "u. ! queue ! e2eedec name=good key=" KEY_A " ! fakesink sync=false "
      "u. ! queue ! e2eedec name=other key=" KEY_B " ! fakesink sync=false",
      &err);
  fail_unless (pipe != NULL, "%s", err ? err->message : "");
  sent = record (pipe, "enc", "src");
  good = record (pipe, "good", "src");
  none = record (pipe, "other", "src");

  run_to_eos (pipe, 60);
  fail_unless (sent->frames->len >= 300);
  fail_unless_equals_int (good->frames->len, sent->frames->len);
  fail_unless_equals_int (none->frames->len, 0);
  fail_unless_equals_uint64 (get_stat (pipe, "other", "auth-failed"),
      sent->frames->len);

  recorder_free (sent);
  recorder_free (good);
  recorder_free (none);
  gst_object_unref (pipe);
}

GST_END_TEST;

static Suite *
pipelines_suite (void)
{
  Suite *s = suite_create ("e2ee-pipelines");
  TCase *tc = tcase_create ("general");

  suite_add_tcase (s, tc);
  tcase_set_timeout (tc, 120);
  tcase_add_test (tc, test_vp8_bit_exact);
  tcase_add_test (tc, test_vp8_wrong_key);
  tcase_add_test (tc, test_opus_bit_exact);
  tcase_add_test (tc, test_opus_wrong_key);
  tcase_add_test (tc, test_tee_one_receiver_without_key);
  return s;
}

GST_CHECK_MAIN (pipelines);
