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


/* e2eeenc format=sframe ! e2eedec format=sframe with real encoders for
 * every codec and every cipher suite: the frames that leave e2eedec are the
 * encoder's, byte for byte, and decode; on the wire each frame is an SFrame
 * header (the configured KID, consecutive CTRs), ciphertext and tag, with
 * nothing of the frame left clear. Then what a receiver must refuse, and
 * count: a wrong key, a replayed frame, a truncated header, an unknown KID,
 * and a key manager, which format=sframe does not use yet. */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <gst/check/gstcheck.h>
#include <gst/check/gstharness.h>
#include <gst/e2ee/e2ee.h>

#include "pipeline-util.h"
#include <string.h>

#define KEY_A "000102030405060708090a0b0c0d0e0f"
#define KEY_B "a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f90"

#define N_VIDEO 60
#define N_AUDIO 100
#define VIDEO_SRC "videotestsrc num-buffers=" G_STRINGIFY (N_VIDEO) \
    " pattern=smpte ! video/x-raw,width=320,height=240,framerate=30/1 ! "
#define AUDIO_SRC "audiotestsrc num-buffers=" G_STRINGIFY (N_AUDIO) \
    " samplesperbuffer=960 ! "

typedef struct
{
  const gchar *name;
  const gchar *encoder;         /* source, encoder and caps after it */
  const gchar *decoder;
  const gchar *needs[4];
  guint n_frames;
  GstE2eeSFrameSuite suite;
  guint64 kid;
} Chain;

/* each suite at least once; KIDs of every header length class */
static const Chain chains[] = {
  {"opus", AUDIO_SRC "opusenc frame-size=20", "opusdec",
        {"opusenc", "opusdec", NULL}, N_AUDIO,
      GST_E2EE_SFRAME_SUITE_AES_128_CTR_HMAC_SHA256_80, 0},
  {"vp8", VIDEO_SRC "vp8enc deadline=1 keyframe-max-dist=30", "vp8dec",
        {"vp8enc", "vp8dec", NULL}, N_VIDEO,
      GST_E2EE_SFRAME_SUITE_AES_128_GCM_SHA256_128, 7},
  {"vp9", VIDEO_SRC "vp9enc deadline=1 cpu-used=8 keyframe-max-dist=30 "
        "lag-in-frames=0", "vp9dec", {"vp9enc", "vp9dec", NULL}, N_VIDEO,
      GST_E2EE_SFRAME_SUITE_AES_256_GCM_SHA512_128, 8},
  {"h264", VIDEO_SRC "x264enc speed-preset=ultrafast tune=zerolatency "
        "key-int-max=30 ! video/x-h264,stream-format=byte-stream,alignment=au",
        "avdec_h264", {"x264enc", "avdec_h264", NULL}, N_VIDEO,
      GST_E2EE_SFRAME_SUITE_AES_128_CTR_HMAC_SHA256_64, 1000},
  {"h265", VIDEO_SRC "x265enc speed-preset=ultrafast tune=zerolatency "
        "key-int-max=30 ! video/x-h265,stream-format=byte-stream,alignment=au",
        "avdec_h265", {"x265enc", "avdec_h265", NULL}, N_VIDEO,
      GST_E2EE_SFRAME_SUITE_AES_256_CTR_HMAC_SHA512_64, 70000},
  {"av1", VIDEO_SRC "av1enc cpu-used=8 usage-profile=realtime "
        "keyframe-max-dist=30 lag-in-frames=0 target-bitrate=400", "av1dec",
        {"av1enc", "av1dec", NULL}, N_VIDEO,
        GST_E2EE_SFRAME_SUITE_AES_256_CTR_HMAC_SHA512_32,
      G_GUINT64_CONSTANT (0xffffffffffffffff)},
  {"opus-32", AUDIO_SRC "opusenc frame-size=20", "opusdec",
        {"opusenc", "opusdec", NULL}, N_AUDIO,
      GST_E2EE_SFRAME_SUITE_AES_128_CTR_HMAC_SHA256_32, 3},
  {"vp8-ctr-hmac-256", VIDEO_SRC "vp8enc deadline=1 keyframe-max-dist=30",
        "vp8dec", {"vp8enc", "vp8dec", NULL}, N_VIDEO,
      GST_E2EE_SFRAME_SUITE_AES_256_CTR_HMAC_SHA512_80, 256},
};

static const gchar *
suite_nick (GstE2eeSFrameSuite suite)
{
  GEnumClass *klass = g_type_class_ref (GST_TYPE_E2EE_SFRAME_SUITE);
  GEnumValue *v = g_enum_get_value (klass, suite);
  const gchar *nick = v ? v->value_nick : NULL;

  g_type_class_unref (klass);
  fail_unless (nick != NULL);
  return nick;
}

static void
run_chain (const Chain * c)
{
  const gchar *needs_all[] = { "e2eeenc", "e2eedec", NULL };
  gchar *desc;
  GstElement *pipe;
  Recorder *clear, *wire, *dec_out, *decoded;
  guint64 first_ctr = 0;
  guint i, n;

  if (!have_elements (c->name, needs_all) || !have_elements (c->name, c->needs))
    return;
  desc = g_strdup_printf ("%s ! e2eeenc name=enc format=sframe "
      "sframe-suite=%s key=" KEY_A " key-id=%" G_GUINT64_FORMAT " ! "
      "e2eedec name=dec format=sframe sframe-suite=%s key=" KEY_A
      " key-id=%" G_GUINT64_FORMAT " ! %s name=decoder ! "
      "fakesink sync=false async=false", c->encoder, suite_nick (c->suite),
      c->kid, suite_nick (c->suite), c->kid, c->decoder);
  pipe = launch (desc);
  clear = record (pipe, "enc", "sink");
  wire = record (pipe, "enc", "src");
  dec_out = record (pipe, "dec", "src");
  decoded = record (pipe, "decoder", "src");
  run_to_eos (pipe, 120);

  n = clear->frames->len;
  fail_unless (n >= c->n_frames, "%s: %u frames", c->name, n);
  fail_unless_equals_int (wire->frames->len, n);
  fail_unless_equals_int (dec_out->frames->len, n);
  for (i = 0; i < n; i++) {
    gsize clen, wlen, hsize;
    const guint8 *cdata = g_bytes_get_data (g_ptr_array_index (clear->frames,
            i), &clen);
    const guint8 *wdata = g_bytes_get_data (g_ptr_array_index (wire->frames,
            i), &wlen);
    guint64 kid, ctr;

    fail_unless (g_bytes_equal (g_ptr_array_index (clear->frames, i),
            g_ptr_array_index (dec_out->frames, i)), "%s: frame %u differs",
        c->name, i);
    fail_unless (gst_e2ee_sframe_header_read (wdata, wlen, &kid, &ctr,
            &hsize), "%s: frame %u has no SFrame header", c->name, i);
    fail_unless_equals_uint64 (kid, c->kid);
    if (i == 0)
      first_ctr = ctr;
    fail_unless_equals_uint64 (ctr, first_ctr + i);
    fail_unless_equals_uint64 (wlen, hsize + clen +
        gst_e2ee_sframe_suite_tag_size (c->suite));
    /* nothing clear: not even the codec's first bytes (the TOC byte, the
     * VP8 key-frame bit); at most chance agreement */
    if (clen >= 8)
      fail_if (memcmp (wdata + hsize, cdata, 8) == 0,
          "%s: frame %u starts in clear", c->name, i);
  }
  /* every frame decodes (video decoders drain at EOS) */
  fail_unless_equals_int (decoded->frames->len, n);
  fail_unless_equals_uint64 (get_stat (pipe, "dec", "frames-out"), n);
  fail_unless_equals_uint64 (get_stat (pipe, "dec", "auth-failed"), 0);
  fail_unless_equals_uint64 (get_stat (pipe, "enc", "frames-out"), n);

  recorder_free (clear);
  recorder_free (wire);
  recorder_free (dec_out);
  recorder_free (decoded);
  gst_object_unref (pipe);
  g_free (desc);
}

#define CHAIN_TEST(i, id) \
GST_START_TEST (test_ ## id) \
{ \
  run_chain (&chains[i]); \
} \
GST_END_TEST;

CHAIN_TEST (0, opus);
CHAIN_TEST (1, vp8);
CHAIN_TEST (2, vp9);
CHAIN_TEST (3, h264);
CHAIN_TEST (4, h265);
CHAIN_TEST (5, av1);
CHAIN_TEST (6, opus_suite_3);
CHAIN_TEST (7, vp8_suite_6);

/* The receiver's key is another base key under the same KID: every frame
 * fails its tag, none reaches the decoder. */
GST_START_TEST (test_wrong_key)
{
  const gchar *needs[] = { "vp8enc", "vp8dec", NULL };
  GstElement *pipe;
  Recorder *sent, *to_decoder;

  if (!have_elements ("sframe-wrong-key", needs))
    return;
  pipe = launch (VIDEO_SRC "vp8enc deadline=1 ! e2eeenc name=enc "
      "format=sframe key=" KEY_A " key-id=5 ! e2eedec name=dec format=sframe "
      "key=" KEY_B " key-id=5 ! vp8dec name=decoder ! "
      "fakesink sync=false async=false");
  sent = record (pipe, "enc", "src");
  to_decoder = record (pipe, "decoder", "sink");
  run_to_eos (pipe, 120);
  fail_unless (sent->frames->len >= N_VIDEO);
  fail_unless_equals_int (to_decoder->frames->len, 0);
  fail_unless_equals_uint64 (get_stat (pipe, "dec", "auth-failed"),
      sent->frames->len);
  fail_unless_equals_uint64 (get_stat (pipe, "dec", "dropped"),
      sent->frames->len);
  recorder_free (sent);
  recorder_free (to_decoder);
  gst_object_unref (pipe);
}

GST_END_TEST;

static void
set_key (GstHarness * h, const gchar * key, guint64 kid)
{
  GstBuffer *kb;
  gsize len = strlen (key) / 2;
  guint8 *bytes = g_malloc (len);

  for (gsize i = 0; i < len; i++)
    bytes[i] = (g_ascii_xdigit_value (key[2 * i]) << 4)
        | g_ascii_xdigit_value (key[2 * i + 1]);
  kb = gst_buffer_new_wrapped (bytes, len);
  g_object_set (h->element, "key", kb, "key-id", kid, NULL);
  gst_buffer_unref (kb);
}

static GstHarness *
make_element (const gchar * name, const gchar * key, guint64 kid)
{
  GstHarness *h = gst_harness_new (name);

  g_object_set (h->element, "format", GST_E2EE_FRAME_FORMAT_SFRAME,
      "sframe-suite", GST_E2EE_SFRAME_SUITE_AES_128_CTR_HMAC_SHA256_80, NULL);
  set_key (h, key, kid);
  gst_harness_set_src_caps_str (h, "video/x-vp8");
  return h;
}

static GstBuffer *
frame (guint8 fill, gsize size)
{
  GstBuffer *b = gst_buffer_new_allocate (NULL, size, NULL);

  gst_buffer_memset (b, 0, fill, size);
  return b;
}

static guint64
harness_stat (GstHarness * h, const gchar * field)
{
  GstStructure *s;
  guint64 v = G_MAXUINT64;

  g_object_get (h->element, "stats", &s, NULL);
  fail_unless (gst_structure_get_uint64 (s, field, &v), "no %s", field);
  gst_structure_free (s);
  return v;
}

/* Hostile frames into e2eedec: each refused, counted under its name, and
 * nothing passed downstream; the valid frames around them still open. */
GST_START_TEST (test_refused_and_counted)
{
  GstHarness *enc = make_element ("e2eeenc", KEY_A, 9);
  GstHarness *dec = make_element ("e2eedec", KEY_A, 9);
  GstBuffer *sealed[3], *out, *bad;
  GstMapInfo map;
  guint i;

  for (i = 0; i < 3; i++) {
    fail_unless_equals_int (gst_harness_push (enc, frame (i + 1, 500)),
        GST_FLOW_OK);
    sealed[i] = gst_harness_pull (enc);
    fail_unless (sealed[i] != NULL);
  }

  /* a valid frame opens */
  fail_unless_equals_int (gst_harness_push (dec, gst_buffer_copy_deep
          (sealed[1])), GST_FLOW_OK);
  out = gst_harness_pull (dec);
  fail_unless (gst_buffer_map (out, &map, GST_MAP_READ));
  fail_unless_equals_uint64 (map.size, 500);
  fail_unless_equals_int (map.data[0], 2);
  gst_buffer_unmap (out, &map);
  gst_buffer_unref (out);

  /* replayed */
  gst_harness_push (dec, gst_buffer_copy_deep (sealed[1]));
  fail_unless_equals_uint64 (harness_stat (dec, "replayed"), 1);

  /* truncated header: a config byte announcing an 8-byte KID */
  bad = gst_buffer_new_allocate (NULL, 4, NULL);
  gst_buffer_memset (bad, 0, 0xf0, 4);
  gst_harness_push (dec, bad);
  fail_unless_equals_uint64 (harness_stat (dec, "bad-frames"), 1);
  /* non-minimal header: KID 5 in an extended field */
  bad = gst_buffer_copy_deep (sealed[2]);
  fail_unless (gst_buffer_map (bad, &map, GST_MAP_READ));
  {
    guint8 *data = g_malloc (map.size + 1);

    data[0] = 0x80 | (map.data[0] & 0x0f);
    data[1] = 5;
    memcpy (data + 2, map.data + 2, map.size - 2);
    gst_buffer_unmap (bad, &map);
    gst_buffer_unref (bad);
    bad = gst_buffer_new_wrapped (data, map.size);
  }
  gst_harness_push (dec, bad);
  fail_unless_equals_uint64 (harness_stat (dec, "bad-frames"), 2);

  /* unknown KID: the same frame relabelled 4 */
  bad = gst_buffer_copy_deep (sealed[2]);
  fail_unless (gst_buffer_map (bad, &map, GST_MAP_WRITE));
  /* sealed under KID 9: 0x80 | ..., a 1-byte KID follows */
  fail_unless_equals_int (map.data[0] & 0xf0, 0x80);
  map.data[1] = 0x0a;
  gst_buffer_unmap (bad, &map);
  gst_harness_push (dec, bad);
  fail_unless_equals_uint64 (harness_stat (dec, "missing-key"), 1);

  /* a flipped ciphertext bit */
  bad = gst_buffer_copy_deep (sealed[2]);
  fail_unless (gst_buffer_map (bad, &map, GST_MAP_WRITE));
  map.data[map.size / 2] ^= 0x10;
  gst_buffer_unmap (bad, &map);
  gst_harness_push (dec, bad);
  fail_unless_equals_uint64 (harness_stat (dec, "auth-failed"), 1);

  /* an older frame inside the window still opens, once */
  gst_harness_push (dec, gst_buffer_copy_deep (sealed[0]));
  gst_harness_push (dec, gst_buffer_copy_deep (sealed[2]));
  fail_unless_equals_int (gst_harness_buffers_received (dec), 3);
  fail_unless_equals_uint64 (harness_stat (dec, "frames-out"), 3);
  fail_unless_equals_uint64 (harness_stat (dec, "dropped"), 5);

  for (i = 0; i < 3; i++)
    gst_buffer_unref (sealed[i]);
  gst_harness_teardown (enc);
  gst_harness_teardown (dec);
}

GST_END_TEST;

static guint64
kid_of (GstBuffer * buf)
{
  GstMapInfo map;
  guint64 kid = G_MAXUINT64;

  fail_unless (gst_buffer_map (buf, &map, GST_MAP_READ));
  fail_unless (gst_e2ee_sframe_header_read (map.data, map.size, &kid, NULL,
          NULL));
  gst_buffer_unmap (buf, &map);
  return kid;
}

/* A new key and KID in PLAYING: the sender moves to it from the next frame;
 * the receiver, given the new key, still opens frames in flight under the
 * old one. */
GST_START_TEST (test_key_change_in_playing)
{
  GstHarness *enc = make_element ("e2eeenc", KEY_A, 1);
  GstHarness *dec = make_element ("e2eedec", KEY_A, 1);
  GstBuffer *old_frame, *new_frame;

  gst_harness_push (enc, frame (1, 300));
  old_frame = gst_harness_pull (enc);
  fail_unless_equals_uint64 (kid_of (old_frame), 1);
  set_key (enc, KEY_B, 2);
  gst_harness_push (enc, frame (2, 300));
  new_frame = gst_harness_pull (enc);
  fail_unless_equals_uint64 (kid_of (new_frame), 2);

  /* before the receiver has key 2 */
  gst_harness_push (dec, gst_buffer_ref (new_frame));
  fail_unless_equals_uint64 (harness_stat (dec, "missing-key"), 1);
  set_key (dec, KEY_B, 2);
  gst_harness_push (dec, gst_buffer_ref (new_frame));
  gst_harness_push (dec, gst_buffer_ref (old_frame));
  fail_unless_equals_int (gst_harness_buffers_received (dec), 2);
  fail_unless_equals_uint64 (harness_stat (dec, "frames-out"), 2);
  gst_buffer_unref (old_frame);
  gst_buffer_unref (new_frame);
  gst_harness_teardown (enc);
  gst_harness_teardown (dec);
}

GST_END_TEST;

/* Frames as depayloaders hand them over: a read-only sub-buffer of the
 * packet, or several memories; small ones too (a 3-byte Opus frame under a
 * 4-byte tag is a 16-byte SFrame with an 8-byte CTR, shorter than any
 * JFrame). Each opens into the element's own buffer, bit-exact, and the
 * input is left as it was. */
static void
check_output (GstHarness * dec, guint8 fill, gsize size)
{
  GstBuffer *out = gst_harness_pull (dec);
  GstMapInfo omap;

  fail_unless (out != NULL, "no output for %" G_GSIZE_FORMAT " bytes", size);
  fail_unless (gst_buffer_map (out, &omap, GST_MAP_READ));
  fail_unless_equals_uint64 (omap.size, size);
  for (gsize j = 0; j < omap.size; j++)
    fail_unless_equals_int (omap.data[j], fill);
  gst_buffer_unmap (out, &omap);
  gst_buffer_unref (out);
}

GST_START_TEST (test_read_only_and_split_input)
{
  GstHarness *enc = make_element ("e2eeenc", KEY_A, 3);
  GstHarness *dec = make_element ("e2eedec", KEY_A, 3);
  gsize sizes[] = { 3, 40, 2000 };

  g_object_set (enc->element, "sframe-suite",
      GST_E2EE_SFRAME_SUITE_AES_128_CTR_HMAC_SHA256_32, NULL);
  g_object_set (dec->element, "sframe-suite",
      GST_E2EE_SFRAME_SUITE_AES_128_CTR_HMAC_SHA256_32, NULL);
  for (guint i = 0; i < G_N_ELEMENTS (sizes); i++) {
    GstBuffer *sealed, *packet, *split;
    GstMapInfo map;
    gsize n;

    /* read-only: a sub-buffer of a "packet" with 12 bytes in front */
    gst_harness_push (enc, frame (0x40 + i, sizes[i]));
    sealed = gst_harness_pull (enc);
    n = gst_buffer_get_size (sealed);
    packet = gst_buffer_new_allocate (NULL, 12 + n, NULL);
    fail_unless (gst_buffer_map (sealed, &map, GST_MAP_READ));
    gst_buffer_fill (packet, 12, map.data, n);
    fail_unless_equals_int (gst_harness_push (dec,
            gst_buffer_copy_region (packet, GST_BUFFER_COPY_MEMORY, 12, n)),
        GST_FLOW_OK);
    check_output (dec, 0x40 + i, sizes[i]);
    /* the packet still holds the SFrame */
    fail_unless_equals_int (gst_buffer_memcmp (packet, 12, map.data, n), 0);
    gst_buffer_unmap (sealed, &map);
    gst_buffer_unref (packet);
    gst_buffer_unref (sealed);

    /* the next frame in two memories, split inside the header */
    gst_harness_push (enc, frame (0x50 + i, sizes[i]));
    sealed = gst_harness_pull (enc);
    n = gst_buffer_get_size (sealed);
    split = gst_buffer_copy_region (sealed, GST_BUFFER_COPY_MEMORY |
        GST_BUFFER_COPY_DEEP, 0, 2);
    split = gst_buffer_append (split, gst_buffer_copy_region (sealed,
            GST_BUFFER_COPY_MEMORY | GST_BUFFER_COPY_DEEP, 2, n - 2));
    fail_unless_equals_int (gst_buffer_n_memory (split), 2);
    fail_unless_equals_int (gst_harness_push (dec, split), GST_FLOW_OK);
    check_output (dec, 0x50 + i, sizes[i]);
    gst_buffer_unref (sealed);
  }
  fail_unless_equals_uint64 (harness_stat (dec, "frames-out"), 6);
  fail_unless_equals_uint64 (harness_stat (dec, "dropped"), 0);
  gst_harness_teardown (enc);
  gst_harness_teardown (dec);
}

GST_END_TEST;

/* A frame with room before and after it, as e2eeenc asks encoders for
 * (opusenc leaves it): sealed where it is, in the same memory, no
 * allocation; a frame without the room is sealed into new memory. Both
 * open. */
GST_START_TEST (test_sealed_in_place)
{
  GstHarness *enc = make_element ("e2eeenc", KEY_A, 3);
  GstHarness *dec = make_element ("e2eedec", KEY_A, 3);
  GstAllocationParams params;
  GstBuffer *in, *sealed;
  GstMemory *mem;
  guint round;

  gst_allocation_params_init (&params);
  params.prefix = GST_E2EE_SFRAME_MAX_HEADER_SIZE;
  params.padding = GST_E2EE_SFRAME_MAX_TAG_SIZE;
  for (round = 0; round < 2; round++) {
    in = gst_buffer_new_allocate (NULL, 500, round == 0 ? &params : NULL);
    gst_buffer_memset (in, 0, 0x61 + round, 500);
    mem = gst_memory_ref (gst_buffer_peek_memory (in, 0));
    fail_unless_equals_int (gst_harness_push (enc, in), GST_FLOW_OK);
    sealed = gst_harness_pull (enc);
    fail_unless_equals_int (gst_buffer_n_memory (sealed), 1);
    if (round == 0)
      fail_unless (gst_buffer_peek_memory (sealed, 0) == mem,
          "not sealed in place");
    else
      fail_unless (gst_buffer_peek_memory (sealed, 0) != mem);
    gst_memory_unref (mem);
    {
      GstMapInfo map;
      gsize hsize;

      fail_unless (gst_buffer_map (sealed, &map, GST_MAP_READ));
      fail_unless (gst_e2ee_sframe_header_read (map.data, map.size, NULL,
              NULL, &hsize));
      /* suite 1: a 10-byte tag */
      fail_unless_equals_uint64 (map.size, hsize + 500 + 10);
      gst_buffer_unmap (sealed, &map);
    }
    fail_unless_equals_int (gst_harness_push (dec, sealed), GST_FLOW_OK);
    check_output (dec, 0x61 + round, 500);
  }
  gst_harness_teardown (enc);
  gst_harness_teardown (dec);
}

GST_END_TEST;

/* A receiver whose key-id keeps changing keeps the keys of the last 16
 * KIDs, as the JFrame ring keeps 16 indexes: bounded memory, and the frames
 * of a recent key still open. */
GST_START_TEST (test_kid_history_bounded)
{
  GstHarness *enc = make_element ("e2eeenc", KEY_A, 100);
  GstHarness *dec = make_element ("e2eedec", KEY_A, 100);
  GstBuffer *oldest, *recent;
  guint64 kid;

  gst_harness_push (enc, frame (1, 64));
  oldest = gst_harness_pull (enc);
  /* KIDs 101 to 116: 100 is now the 17th oldest */
  for (kid = 101; kid <= 116; kid++) {
    set_key (dec, KEY_A, kid);
    /* a frame applies the key (a 1-byte one is refused as too short) */
    gst_harness_push (dec, frame (0, 1));
  }
  fail_unless_equals_uint64 (harness_stat (dec, "bad-frames"), 16);
  set_key (enc, KEY_A, 105);
  gst_harness_push (enc, frame (2, 64));
  recent = gst_harness_pull (enc);
  gst_harness_push (dec, oldest);
  fail_unless_equals_uint64 (harness_stat (dec, "missing-key"), 1);
  gst_harness_push (dec, recent);
  check_output (dec, 2, 64);
  gst_harness_teardown (enc);
  gst_harness_teardown (dec);
}

GST_END_TEST;

/* Keys the SFrame path cannot use are configuration errors, posted before
 * any frame flows. */
GST_START_TEST (test_bad_keys_refused)
{
  GstElement *e = gst_element_factory_make ("e2eeenc", NULL);
  GstBuffer *kb = gst_buffer_new_allocate (NULL, 15, NULL);

  /* 15 bytes: too short for a base key */
  g_object_set (e, "format", GST_E2EE_FRAME_FORMAT_SFRAME, "key", kb, NULL);
  fail_unless_equals_int (gst_element_set_state (e, GST_STATE_PAUSED),
      GST_STATE_CHANGE_FAILURE);
  gst_element_set_state (e, GST_STATE_NULL);
  gst_buffer_unref (kb);
  /* a passphrase: SFrame takes base keys only */
  g_object_set (e, "passphrase", "correct horse", NULL);
  fail_unless_equals_int (gst_element_set_state (e, GST_STATE_PAUSED),
      GST_STATE_CHANGE_FAILURE);
  gst_element_set_state (e, GST_STATE_NULL);
  gst_object_unref (e);
}

GST_END_TEST;


static Suite *
pipelines_sframe_suite (void)
{
  Suite *s = suite_create ("pipelines-sframe");
  TCase *tc = tcase_create ("general");

  suite_add_tcase (s, tc);
  tcase_set_timeout (tc, 300);
  tcase_add_test (tc, test_opus);
  tcase_add_test (tc, test_vp8);
  tcase_add_test (tc, test_vp9);
  tcase_add_test (tc, test_h264);
  tcase_add_test (tc, test_h265);
  tcase_add_test (tc, test_av1);
  tcase_add_test (tc, test_opus_suite_3);
  tcase_add_test (tc, test_vp8_suite_6);
  tcase_add_test (tc, test_wrong_key);
  tcase_add_test (tc, test_refused_and_counted);
  tcase_add_test (tc, test_key_change_in_playing);
  tcase_add_test (tc, test_read_only_and_split_input);
  tcase_add_test (tc, test_sealed_in_place);
  tcase_add_test (tc, test_kid_history_bounded);
  tcase_add_test (tc, test_bad_keys_refused);
  return s;
}

GST_CHECK_MAIN (pipelines_sframe);
