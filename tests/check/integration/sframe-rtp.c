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

/* SFrame over RTP in both modes of draft-ietf-avtcore-rtp-sframe-02, every
 * codec through its real encoder:
 *
 * - per packet (T=1): encoder ! stock payloader ! tee; one branch depays
 *   the clear packets, the other goes through rtpsframeenc ! rtpsframedec
 *   before the same depayloader. The depayloaded frames of both branches
 *   must be equal byte for byte, and every packet must have been encrypted
 *   and decrypted. AV1 has no payloader in GStreamer 1.22: skipped (said).
 * - per frame (T=0): encoder ! tee; one branch records the encoder's
 *   frames, the other goes e2eeenc format=sframe ! rtpsframepay !
 *   rtpsframedepay ! e2eedec format=sframe: the frames out must be the
 *   encoder's, byte for byte.
 *
 * And every SFrame cipher suite, per packet, on VP8. */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <gst/check/gstcheck.h>
#include <gst/e2ee/e2ee.h>

#include "pipeline-util.h"

#define N_FRAMES 60
#define VIDEO_SRC "videotestsrc num-buffers=" G_STRINGIFY (N_FRAMES) \
    " pattern=smpte ! video/x-raw,format=I420,width=320,height=240," \
    "framerate=30/1"
#define AUDIO_SRC "audiotestsrc num-buffers=" G_STRINGIFY (N_FRAMES) \
    " samplesperbuffer=960 wave=ticks ! audio/x-raw,rate=48000,channels=2"

typedef struct
{
  const gchar *name;
  const gchar *src;
  const gchar *encoder;
  const gchar *pay;             /* NULL: no stock payloader */
  const gchar *depay;
  const gchar *needs[4];
} Codec;

static const Codec codecs[] = {
  {"opus", AUDIO_SRC, "opusenc frame-size=20", "rtpopuspay", "rtpopusdepay",
      {"opusenc", NULL}},
  {"vp8", VIDEO_SRC, "vp8enc deadline=1 keyframe-max-dist=30",
        "rtpvp8pay picture-id-mode=15-bit mtu=1100", "rtpvp8depay",
      {"vp8enc", NULL}},
  {"vp9", VIDEO_SRC, "vp9enc deadline=1 cpu-used=8 keyframe-max-dist=30 "
        "lag-in-frames=0", "rtpvp9pay mtu=1100", "rtpvp9depay",
      {"vp9enc", NULL}},
  {"h264", VIDEO_SRC, "x264enc speed-preset=ultrafast tune=zerolatency "
        "key-int-max=30 ! video/x-h264,stream-format=byte-stream,alignment=au",
      "rtph264pay mtu=1100", "rtph264depay", {"x264enc", NULL}},
  {"h265", VIDEO_SRC, "x265enc speed-preset=ultrafast tune=zerolatency "
        "key-int-max=30 ! video/x-h265,stream-format=byte-stream,alignment=au",
      "rtph265pay mtu=1100", "rtph265depay", {"x265enc", NULL}},
  {"av1", VIDEO_SRC, "av1enc cpu-used=8 usage-profile=realtime "
        "keyframe-max-dist=30 lag-in-frames=0 target-bitrate=400 ! av1parse ! "
        "video/x-av1,stream-format=obu-stream,alignment=tu", NULL, NULL,
      {"av1enc", "av1parse", NULL}},
};

static gchar *
hex_key (GstE2eeSFrameSuite suite, guint seed)
{
  /* RFC 9605 takes base keys of any length; the suites' own key size
   * (Nk) is what HKDF derives from it */
  gsize n = 16 + 16 * (suite % 3);
  GString *s = g_string_new (NULL);

  for (gsize i = 0; i < n; i++)
    g_string_append_printf (s, "%02x", (guint) ((i * 7 + seed) & 0xff));
  return g_string_free (s, FALSE);
}

static void
assert_same_frames (const gchar * what, Recorder * ref, Recorder * out,
    guint min)
{
  fail_unless (ref->frames->len >= min, "%s: only %u frames", what,
      ref->frames->len);
  fail_unless_equals_int (out->frames->len, ref->frames->len);
  for (guint i = 0; i < ref->frames->len; i++)
    fail_unless (g_bytes_equal (ref->frames->pdata[i], out->frames->pdata[i]),
        "%s: frame %u differs", what, i);
}

static void
run_per_packet (const Codec * c, GstE2eeSFrameSuite suite)
{
  gchar *key = hex_key (suite, 3), *desc;
  gchar *suite_nick;
  GEnumClass *klass = g_type_class_ref (GST_TYPE_E2EE_SFRAME_SUITE);
  GstElement *pipe;
  Recorder *ref, *out, *wire;
  guint64 n;

  suite_nick = g_strdup (g_enum_get_value (klass, suite)->value_nick);
  g_type_class_unref (klass);
  desc = g_strdup_printf ("%s ! %s ! %s ! tee name=t "
      "t. ! queue ! %s ! fakesink name=ref sync=false "
      "t. ! queue ! rtpsframeenc name=enc key=%s key-id=%u sframe-suite=%s ! "
      "rtpsframedec name=dec key=%s key-id=%u sframe-suite=%s ! %s ! "
      "fakesink name=out sync=false", c->src, c->encoder, c->pay, c->depay,
      key, 1000 + suite, suite_nick, key, 1000 + suite, suite_nick, c->depay);
  pipe = gst_parse_launch (desc, NULL);
  fail_unless (pipe != NULL, "%s", desc);
  ref = record (pipe, "ref", "sink");
  out = record (pipe, "out", "sink");
  wire = record (pipe, "dec", "sink");
  run_to_eos (pipe, 120);

  assert_same_frames (c->name, ref, out, N_FRAMES / 2);
  n = get_stat (pipe, "enc", "packets-in");
  fail_unless (n >= ref->frames->len);
  fail_unless_equals_uint64 (get_stat (pipe, "enc", "packets-out"), n);
  fail_unless_equals_uint64 (get_stat (pipe, "dec", "packets-out"), n);
  /* on the wire every payload is S|E|T and an SFrame */
  fail_unless_equals_int (wire->frames->len, n);
  for (guint i = 0; i < wire->frames->len; i++) {
    gsize size;
    const guint8 *d = g_bytes_get_data (wire->frames->pdata[i], &size);
    guint hl = 12 + 4 * (d[0] & 0x0f);

    if (d[0] & 0x10)
      hl += 4 + 4 * ((d[hl + 2] << 8) | d[hl + 3]);
    fail_unless (size > hl + 2);
    fail_unless_equals_int (d[hl], 0xe0);
  }

  recorder_free (ref);
  recorder_free (out);
  recorder_free (wire);
  gst_object_unref (pipe);
  g_free (desc);
  g_free (key);
  g_free (suite_nick);
}

static gboolean
have_sframe_format (const gchar * test)
{
  GstElement *e = gst_element_factory_make ("e2eeenc", NULL);
  gboolean ok = e && g_object_class_find_property (G_OBJECT_GET_CLASS (e),
      "format") != NULL;

  if (e)
    gst_object_unref (e);
  if (!ok)
    g_print ("SKIP %s: e2eeenc has no format property (SFrame core)\n", test);
  return ok;
}

static void
run_per_frame (const Codec * c)
{
  gchar *desc;
  GstElement *pipe;
  Recorder *ref, *out;

  desc = g_strdup_printf ("%s ! %s ! tee name=t "
      "t. ! queue ! fakesink name=ref sync=false "
      "t. ! queue ! e2eeenc format=sframe key=%s key-id=77 ! "
      "rtpsframepay name=pay mtu=1100 ! rtpsframedepay name=depay ! "
      "e2eedec name=dec format=sframe key=%s key-id=77 ! "
      "fakesink name=out sync=false", c->src, c->encoder,
      "000102030405060708090a0b0c0d0e0f", "000102030405060708090a0b0c0d0e0f");
  pipe = gst_parse_launch (desc, NULL);
  fail_unless (pipe != NULL, "%s", desc);
  ref = record (pipe, "ref", "sink");
  out = record (pipe, "out", "sink");
  run_to_eos (pipe, 120);

  assert_same_frames (c->name, ref, out, N_FRAMES / 2);
  fail_unless_equals_uint64 (get_stat (pipe, "depay", "frames"),
      ref->frames->len);
  fail_unless_equals_uint64 (get_stat (pipe, "depay", "frames-lost"), 0);

  recorder_free (ref);
  recorder_free (out);
  gst_object_unref (pipe);
  g_free (desc);
}

GST_START_TEST (test_per_packet)
{
  const Codec *c = &codecs[__i__];
  gchar *name = g_strdup_printf ("per-packet %s", c->name);

  if (c->pay == NULL)
    g_print ("SKIP %s: no RTP payloader for it in GStreamer 1.22\n", name);
  else if (have_elements (name, c->needs))
    run_per_packet (c, GST_E2EE_SFRAME_SUITE_AES_128_GCM_SHA256_128);
  g_free (name);
}

GST_END_TEST;

GST_START_TEST (test_per_frame)
{
  const Codec *c = &codecs[__i__];
  gchar *name = g_strdup_printf ("per-frame %s", c->name);

  if (have_elements (name, c->needs) && have_sframe_format (name))
    run_per_frame (c);
  g_free (name);
}

GST_END_TEST;

GST_START_TEST (test_per_packet_suites)
{
  run_per_packet (&codecs[1], (GstE2eeSFrameSuite) (__i__ + 1));
}

GST_END_TEST;

static Suite *
sframe_rtp_suite (void)
{
  Suite *s = suite_create ("sframe-rtp");
  TCase *tc = tcase_create ("codecs");

  tcase_set_timeout (tc, 600);
  suite_add_tcase (s, tc);
  tcase_add_loop_test (tc, test_per_packet, 0, G_N_ELEMENTS (codecs));
  tcase_add_loop_test (tc, test_per_frame, 0, G_N_ELEMENTS (codecs));
  tcase_add_loop_test (tc, test_per_packet_suites, 0, 8);
  return s;
}

GST_CHECK_MAIN (sframe_rtp);
