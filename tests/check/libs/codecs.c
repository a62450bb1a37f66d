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


/* Core codec rules: RBSP escaping, the clear header of each codec, the
 * canonical form of H.264/H.265 access units, sealing and opening frames of
 * the codecs that are rewritten (H.264, H.265, AV1), known answers from
 * LiveKit's web client, and malformed input of every kind. */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <gst/check/gstcheck.h>
#include <gst/e2ee/e2ee.h>
#include <gst/e2ee/frame/gste2eecodec-private.h>
#include <gst/e2ee/frame/gste2eerbsp-private.h>
#include <string.h>

#define TRAILER GST_E2EE_JFRAME_TRAILER_SIZE

static const guint8 raw_key[16] = {
  0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07,
  0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f
};

static const guint8 iv_one[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1 };

/* An H.264 access unit: AUD, SPS (with an emulation prevention byte),
 * PPS, IDR slice; 4- and 3-byte start codes. */
#define H264_AU \
    "0000000109f0" \
    "00000167640016acd9405005bb0110000003001000000303c8f162d960" \
    "00000168ebe3cb22c0" \
    "000001658884002100000301fffe000003000002ab"

/* What LiveKit's web client (livekit-client 2.23.0: processNALUsForEncryption,
 * normalizeAnnexBStartCodes, writeRbsp, run in Node.js 20 with WebCrypto)
 * makes of H264_AU with AES-128 key 000102..0f, IV 00..01 and KID 0: the
 * header's start codes made 4 bytes long, the rest escaped (the zero IV
 * needs five escapes). */
#define H264_AU_LIVEKIT \
    "0000000109f00000000167640016acd9405005bb0110000003001000000303c8f162d960" \
    "0000000168ebe3cb22c00000000165883ed58e63cdeacbd1b04444ff23a50c8f8fcd5a13" \
    "a46af46a24349586ffdc3b0f00000300000300000300000300000300010c00"

/* An H.265 access unit: VPS, SPS, PPS, IDR_W_RADL slice. */
/* its canonical form: clear header and length */
#define H264_CLEAR 52
#define H264_CANONICAL 68

#define H265_AU \
    "0000000140010c01ffff016000000300900000030000030078959809" \
    "0000000142010101600000030090000003000003007805a0020080201659659a4932bc" \
    "05a80808082000000300200000030321" \
    "0000014401c172b46240" \
    "0000012601af0840f7d5c76b0000030100ff"

/* LiveKit's output for H265_AU, same key and IV, KID 3. */
#define H265_AU_LIVEKIT \
    "0000000140010c01ffff016000000300900000030000030078959809000000014201010160" \
    "0000030090000003000003007805a0020080201659659a4932bc05a80808082000000300" \
    "200000030321000000014401c172b4624000000001260115ddef94182ea12e4e4745fcdc" \
    "209e638797326dd5ab1f9e6dc8e2ba6000000300000300000300000300000300010c03"

static GBytes *
hex (const gchar * str)
{
  gsize len = strlen (str), i;
  guint8 *out;

  fail_unless (len % 2 == 0);
  out = g_malloc (len / 2 + 1);
  for (i = 0; i < len / 2; i++) {
    gint hi = g_ascii_xdigit_value (str[2 * i]);
    gint lo = g_ascii_xdigit_value (str[2 * i + 1]);
    fail_unless (hi >= 0 && lo >= 0);
    out[i] = (hi << 4) | lo;
  }
  return g_bytes_new_take (out, len / 2);
}

static guint8 *
hex_dup (const gchar * str, gsize * len)
{
  GBytes *b = hex (str);
  guint8 *d = g_bytes_unref_to_data (b, len);

  return d;
}

static void
assert_mem (const guint8 * a, gsize alen, const guint8 * b, gsize blen)
{
  gsize i;

  fail_unless_equals_uint64 (alen, blen);
  for (i = 0; i < alen; i++)
    fail_unless (a[i] == b[i], "byte %" G_GSIZE_FORMAT ": %02x != %02x", i,
        a[i], b[i]);
}

static GstE2eeKey *
make_key (void)
{
  GstE2eeKey *k = gst_e2ee_key_new (GST_E2EE_KDF_RAW, raw_key,
      sizeof (raw_key), NULL);

  fail_unless (k != NULL);
  return k;
}

static GstE2eeKeyRing *
make_ring (guint slot)
{
  GstE2eeKeyRing *ring = gst_e2ee_key_ring_new (16);
  GstE2eeKey *k = make_key ();

  gst_e2ee_key_ring_set_key (ring, slot, k);
  gst_e2ee_key_unref (k);
  return ring;
}

/* Seals @frame (any codec) into new memory. */
static guint8 *
seal (GstE2eeCodec codec, guint8 kid, const guint8 * iv, const guint8 * frame,
    gsize size, gsize * out_len)
{
  GstE2eeKey *k = make_key ();
  gsize room = gst_e2ee_jframe_sealed_size (codec, frame, size);
  guint8 *out;

  fail_unless (room > 0);
  out = g_malloc (room);
  fail_unless_equals_int (gst_e2ee_jframe_seal_into (k, kid, iv, codec, frame,
          size, out, room, out_len), GST_E2EE_FRAME_OK);
  fail_unless (*out_len <= room);
  gst_e2ee_key_unref (k);
  return out;
}

/* Opens a copy of @frame; returns the plaintext frame or NULL. */
/* off where a test modifies escapes, which the receiver cannot put back */
static gboolean check_restored = TRUE;

static guint8 *
open_copy (GstE2eeKeyRing * ring, GstE2eeCodec codec, const guint8 * frame,
    gsize size, gsize * out_len, GstE2eeFrameResult * res)
{
  guint8 *copy = g_memdup2 (frame, size), *out = NULL;
  gsize off = 0, n = 0;

  *res = gst_e2ee_jframe_open (ring, codec, 0, copy, size, &off, &n, NULL);
  if (*res == GST_E2EE_FRAME_OK) {
    fail_unless (off + n <= size);
    out = g_memdup2 (copy + off, n);
    *out_len = n;
  } else if (check_restored) {
    /* a frame that does not open is left as it came */
    assert_mem (copy, size, frame, size);
  }
  g_free (copy);
  return out;
}

static gboolean
has_start_code (const guint8 * d, gsize len)
{
  gsize i;

  for (i = 0; i + 2 < len; i++)
    if (d[i] == 0 && d[i + 1] == 0 && d[i + 2] <= 2)
      return TRUE;
  return FALSE;
}

/* ---- RBSP ---- */

static void
check_escape (const gchar * in_hex, const gchar * out_hex)
{
  gsize in_len, want_len, n;
  guint8 *in = hex_dup (in_hex, &in_len), *want = hex_dup (out_hex, &want_len);
  guint8 *buf = g_malloc0 (want_len + 4);

  fail_unless_equals_uint64 (gst_e2ee_rbsp_escaped_size (in, in_len), want_len);
  fail_unless (gst_e2ee_rbsp_escape (in, in_len, buf, want_len, &n));
  assert_mem (buf, n, want, want_len);
  /* too little room: nothing written, the length needed told */
  if (want_len > 0) {
    memset (buf, 0xee, want_len);
    fail_if (gst_e2ee_rbsp_escape (in, in_len, buf, want_len - 1, &n));
    fail_unless_equals_uint64 (n, want_len);
    fail_unless (buf[0] == 0xee);
  }
  /* in place */
  memcpy (buf, in, in_len);
  fail_unless (gst_e2ee_rbsp_escape_in_place (buf, in_len, want_len + 4, &n));
  assert_mem (buf, n, want, want_len);
  /* and back */
  n = gst_e2ee_rbsp_unescape (buf, n);
  assert_mem (buf, n, in, in_len);
  g_free (in);
  g_free (want);
  g_free (buf);
}

GST_START_TEST (test_rbsp_vectors)
{
  check_escape ("", "");
  check_escape ("000000", "00000300");
  check_escape ("000001", "00000301");
  check_escape ("000002", "00000302");
  check_escape ("000003", "00000303");
  check_escape ("000004", "000004");
  check_escape ("0000", "0000");
  /* the count restarts after an escape (LiveKit's writeRbsp) */
  check_escape ("00000000", "0000030000");
  check_escape ("000000000000", "0000030000030000");
  check_escape ("0000000001", "00000300000301");
  check_escape ("ff00000c00", "ff00000c00");
  /* a trailer's end: IV-length byte and KID 0 */
  check_escape ("00000000000000000c00", "00000300000300000300000c00");
}

GST_END_TEST;

GST_START_TEST (test_rbsp_unescape_edges)
{
  guint8 a[] = { 0x00, 0x00, 0x03 };
  guint8 b[] = { 0x00, 0x00, 0x03, 0xff };
  guint8 c[] = { 0x00, 0x03, 0x00, 0x00 };
  guint8 d[] = { 0x00, 0x00, 0x03, 0x00, 0x00, 0x03 };
  guint8 e[] = { 0x00, 0x00 };

  /* an escape at the very end */
  fail_unless_equals_uint64 (gst_e2ee_rbsp_unescape (a, 3), 2);
  fail_unless (a[0] == 0 && a[1] == 0);
  /* removed whatever follows, as LiveKit's parseRbsp does */
  fail_unless_equals_uint64 (gst_e2ee_rbsp_unescape (b, 4), 3);
  fail_unless (b[2] == 0xff);
  fail_unless_equals_uint64 (gst_e2ee_rbsp_unescape (c, 4), 4);
  fail_unless_equals_uint64 (gst_e2ee_rbsp_unescape (d, 6), 4);
  fail_unless_equals_uint64 (gst_e2ee_rbsp_unescape (e, 2), 2);
  fail_unless_equals_uint64 (gst_e2ee_rbsp_unescape (NULL, 0), 0);
}

GST_END_TEST;

GST_START_TEST (test_rbsp_random_round_trip)
{
  GRand *r = g_rand_new_with_seed (42);
  guint round;

  for (round = 0; round < 2000; round++) {
    gsize len = g_rand_int_range (r, 0, 300), i, n, room;
    guint8 *in = g_malloc (len + 1), *buf;

    /* mostly zeros and small bytes, so escapes are everywhere */
    for (i = 0; i < len; i++) {
      guint v = g_rand_int_range (r, 0, 10);
      in[i] = v < 6 ? 0 : v < 9 ? v - 6 : (guint) g_rand_int_range (r, 0, 256);
    }
    room = gst_e2ee_rbsp_escaped_size (in, len);
    fail_unless (room <= len + len / 2 + 1);
    buf = g_malloc (room + 1);
    memcpy (buf, in, len);
    fail_unless (gst_e2ee_rbsp_escape_in_place (buf, len, room, &n));
    fail_unless_equals_uint64 (n, room);
    fail_if (has_start_code (buf, n), "a start code survived escaping");
    n = gst_e2ee_rbsp_unescape (buf, n);
    assert_mem (buf, n, in, len);
    /* not enough room: left as it was */
    if (room > len) {
      memcpy (buf, in, len);
      fail_if (gst_e2ee_rbsp_escape_in_place (buf, len, room - 1, &n));
      assert_mem (buf, len, in, len);
    }
    g_free (in);
    g_free (buf);
  }
  g_rand_free (r);
}

GST_END_TEST;

/* ---- clear headers ---- */

GST_START_TEST (test_codec_from_caps)
{
  static const struct
  {
    const gchar *caps;
    GstE2eeCodec codec;
  } cases[] = {
    {"audio/x-opus", GST_E2EE_CODEC_AUDIO},
    {"audio/x-mulaw,rate=8000,channels=1", GST_E2EE_CODEC_AUDIO},
    {"audio/x-alaw,rate=8000,channels=1", GST_E2EE_CODEC_AUDIO},
    {"audio/G722,rate=16000,channels=1", GST_E2EE_CODEC_AUDIO},
    {"audio/mpeg,mpegversion=4,stream-format=raw", GST_E2EE_CODEC_AUDIO},
    {"audio/mpeg,mpegversion=4", GST_E2EE_CODEC_AUDIO},
    {"audio/mpeg,mpegversion=4,stream-format=adts", GST_E2EE_CODEC_UNKNOWN},
    {"audio/mpeg,mpegversion=4,stream-format=loas", GST_E2EE_CODEC_UNKNOWN},
    {"audio/x-raw,format=S16LE", GST_E2EE_CODEC_UNKNOWN},
    {"video/x-vp8", GST_E2EE_CODEC_VP8},
    {"video/x-vp9", GST_E2EE_CODEC_VP9},
    {"video/x-h264,stream-format=byte-stream,alignment=au",
        GST_E2EE_CODEC_H264},
    {"video/x-h264", GST_E2EE_CODEC_H264},
    {"video/x-h264,stream-format=avc,alignment=au", GST_E2EE_CODEC_UNKNOWN},
    {"video/x-h264,stream-format=byte-stream,alignment=nal",
        GST_E2EE_CODEC_UNKNOWN},
    {"video/x-h265,stream-format=byte-stream,alignment=au",
        GST_E2EE_CODEC_H265},
    {"video/x-h265,stream-format=hvc1,alignment=au", GST_E2EE_CODEC_UNKNOWN},
    {"video/x-av1,alignment=tu", GST_E2EE_CODEC_AV1},
    {"video/x-av1,stream-format=obu-stream,alignment=tu", GST_E2EE_CODEC_AV1},
    {"video/x-av1,stream-format=annexb,alignment=tu", GST_E2EE_CODEC_UNKNOWN},
    {"video/x-av1,stream-format=obu-stream,alignment=frame",
        GST_E2EE_CODEC_UNKNOWN},
    {"video/x-raw", GST_E2EE_CODEC_UNKNOWN},
  };
  guint i;

  for (i = 0; i < G_N_ELEMENTS (cases); i++) {
    GstCaps *caps = gst_caps_from_string (cases[i].caps);

    fail_unless_equals_int (gst_e2ee_codec_from_caps (caps), cases[i].codec);
    gst_caps_unref (caps);
  }
  fail_unless (gst_e2ee_codec_seals_in_place (GST_E2EE_CODEC_VP9));
  fail_if (gst_e2ee_codec_seals_in_place (GST_E2EE_CODEC_H264));
  fail_if (gst_e2ee_codec_seals_in_place (GST_E2EE_CODEC_AV1));
  fail_unless_equals_string (gst_e2ee_codec_to_string (GST_E2EE_CODEC_H265),
      "h265");
}

GST_END_TEST;

GST_START_TEST (test_vp9_clear_size)
{
  /* profile 0: 10 (marker) 0 0 (profile) 0 (show_existing) 0 (key) 1 1 */
  const guint8 key0[] = { 0x83, 0x49, 0x83, 0x42, 0, 0, 0, 0, 0, 0, 0, 0 };
  /* profile 0 inter frame: frame_type 1 */
  const guint8 inter0[] = { 0x86, 0, 0, 0 };
  /* profile 0, show_existing_frame */
  const guint8 existing[] = { 0x88 };
  /* profile 3 (both bits), reserved 0, show_existing 0, key 0 */
  const guint8 key3[] = { 0xb1, 0x24, 0xc1, 0xa1, 0, 0, 0, 0, 0, 0, 0 };
  /* profile 3 inter */
  const guint8 inter3[] = { 0xb2, 0, 0, 0 };
  /* not a VP9 frame marker */
  const guint8 junk[] = { 0x00, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 };

  fail_unless_equals_int (gst_e2ee_codec_clear_size (GST_E2EE_CODEC_VP9, key0,
          sizeof (key0)), 10);
  fail_unless_equals_int (gst_e2ee_codec_clear_size (GST_E2EE_CODEC_VP9, key0,
          4), 4);
  fail_unless_equals_int (gst_e2ee_codec_clear_size (GST_E2EE_CODEC_VP9,
          inter0, sizeof (inter0)), 3);
  fail_unless_equals_int (gst_e2ee_codec_clear_size (GST_E2EE_CODEC_VP9,
          existing, sizeof (existing)), 1);
  fail_unless_equals_int (gst_e2ee_codec_clear_size (GST_E2EE_CODEC_VP9, key3,
          sizeof (key3)), 10);
  fail_unless_equals_int (gst_e2ee_codec_clear_size (GST_E2EE_CODEC_VP9,
          inter3, sizeof (inter3)), 3);
  fail_unless_equals_int (gst_e2ee_codec_clear_size (GST_E2EE_CODEC_VP9, junk,
          sizeof (junk)), 3);
  fail_unless_equals_int (gst_e2ee_codec_clear_size (GST_E2EE_CODEC_VP9, junk,
          0), 0);
}

GST_END_TEST;

static gsize
nal_clear (GstE2eeCodec codec, const gchar * hex_str)
{
  gsize len, h;
  guint8 *d = hex_dup (hex_str, &len);

  h = gst_e2ee_codec_clear_size (codec, d, len);
  g_free (d);
  return h;
}

GST_START_TEST (test_nal_clear_size)
{
  /* AUD (6 bytes with its start code), then the slice header and 1 byte */
  fail_unless_equals_int (nal_clear (GST_E2EE_CODEC_H264,
          "0000000109f0000001418899"), 6 + 3 + 2);
  fail_unless_equals_int (nal_clear (GST_E2EE_CODEC_H264, H264_AU), 49);
  /* slice-less access units: SPS and PPS only, SEI only */
  fail_unless_equals_int (nal_clear (GST_E2EE_CODEC_H264,
          "00000001674200000168ce"), 0);
  fail_unless_equals_int (nal_clear (GST_E2EE_CODEC_H264, "0000000106050102"),
      0);
  /* data before the first start code */
  fail_unless_equals_int (nal_clear (GST_E2EE_CODEC_H264, "ff0000016588"), 0);
  /* zero bytes before it are fine */
  fail_unless_equals_int (nal_clear (GST_E2EE_CODEC_H264, "00000000016588"), 7);
  /* a start code at the very end, a slice cut after its header */
  fail_unless_equals_int (nal_clear (GST_E2EE_CODEC_H264, "0000000109f0000001"),
      0);
  fail_unless_equals_int (nal_clear (GST_E2EE_CODEC_H264, "0000000165"), 0);
  fail_unless_equals_int (nal_clear (GST_E2EE_CODEC_H264, ""), 0);
  /* only types 1 and 5 are slices (LiveKit) */
  fail_unless_equals_int (nal_clear (GST_E2EE_CODEC_H264,
          "00000001148899000000016188"), 13);
  /* H.265: VPS/SPS/PPS/SEI/AUD are not slices, types 0-9 and 16-21 are;
   * 0x26 0x01 is IDR_W_RADL */
  fail_unless_equals_int (nal_clear (GST_E2EE_CODEC_H265, H265_AU), 94);
  fail_unless_equals_int (nal_clear (GST_E2EE_CODEC_H265,
          "000000014e01050000000146015000000100018899"), 19);
  fail_unless_equals_int (nal_clear (GST_E2EE_CODEC_H265, "000000012a01aa"), 6);
  fail_unless_equals_int (nal_clear (GST_E2EE_CODEC_H265, "00000001160100"), 0);
  fail_unless_equals_int (nal_clear (GST_E2EE_CODEC_H265,
          "0000000140010c0000000144010000014e01"), 0);
}

GST_END_TEST;

static void
check_canonical (GstE2eeCodec codec, const gchar * in_hex,
    const gchar * want_hex, gsize want_clear)
{
  gsize len, want_len, h = 0, n;
  guint8 *in = hex_dup (in_hex, &len);
  guint8 *want = want_hex ? hex_dup (want_hex, &want_len) : NULL;
  guint8 out[256];

  n = gst_e2ee_nal_canonical_size (codec, in, len, &h);
  if (!want) {
    fail_unless_equals_uint64 (n, 0);
    g_free (in);
    return;
  }
  fail_unless_equals_uint64 (n, want_len);
  fail_unless_equals_uint64 (h, want_clear);
  fail_unless_equals_uint64 (gst_e2ee_nal_canonicalize (in, len, out,
          sizeof (out)), want_len);
  assert_mem (out, want_len, want, want_len);
  /* one byte short: nothing */
  fail_unless_equals_uint64 (gst_e2ee_nal_canonicalize (in, len, out,
          want_len - 1), 0);
  /* canonical is canonical */
  fail_unless_equals_uint64 (gst_e2ee_nal_canonical_size (codec, out,
          want_len, &h), want_len);
  fail_unless_equals_uint64 (gst_e2ee_codec_clear_size (codec, out, want_len),
      want_clear);
  g_free (in);
  g_free (want);
}

GST_START_TEST (test_nal_canonical_form)
{
  /* 3-byte start codes get a zero byte; the NAL units stay as they are,
   * 00 00 03 included */
  check_canonical (GST_E2EE_CODEC_H264,
      "0000010930" "0000016588000003010203",
      "0000000109300000000165880000030102" "03", 12);
  /* leading zero bytes and trailing zeros of each NAL unit go (as
   * rtph264pay drops them), a lone zero byte stays */
  check_canonical (GST_E2EE_CODEC_H264,
      "000000000001093000000000000165880000" "00000100",
      "000000010930000000016588" "0000000100", 12);
  /* empty NAL units go, a start code at the very end too */
  check_canonical (GST_E2EE_CODEC_H264,
      "00000100000165aa000001", "0000000165aa", 6);
  /* no slice, or junk before the first start code: not sealable */
  check_canonical (GST_E2EE_CODEC_H264, "0000000167420000000168ce", NULL, 0);
  check_canonical (GST_E2EE_CODEC_H264, "aa0000016588", NULL, 0);
  check_canonical (GST_E2EE_CODEC_H264, "000001", NULL, 0);
  check_canonical (GST_E2EE_CODEC_H264, "", NULL, 0);
  /* a slice of one byte has no second clear byte */
  check_canonical (GST_E2EE_CODEC_H264, "0000000165", NULL, 0);
  check_canonical (GST_E2EE_CODEC_H265,
      "00000140010c" "0000012601af", "0000000140010c" "000000012601af", 13);
}

GST_END_TEST;

/* ---- H.264 and H.265 frames ---- */

static void
check_livekit_vector (GstE2eeCodec codec, const gchar * au_hex,
    const gchar * lk_hex, guint8 kid)
{
  GstE2eeKeyRing *ring = make_ring (kid);
  GstE2eeFrameResult res;
  gsize au_len, lk_len, len, out_len, canon_len;
  guint8 *au = hex_dup (au_hex, &au_len), *lk = hex_dup (lk_hex, &lk_len);
  guint8 *sealed, *out, *canon;

  /* our sender makes LiveKit's bytes */
  sealed = seal (codec, kid, iv_one, au, au_len, &len);
  assert_mem (sealed, len, lk, lk_len);

  /* and opens them, giving the access unit in canonical form */
  canon_len = gst_e2ee_nal_canonical_size (codec, au, au_len, NULL);
  canon = g_malloc (canon_len);
  gst_e2ee_nal_canonicalize (au, au_len, canon, canon_len);
  out = open_copy (ring, codec, lk, lk_len, &out_len, &res);
  fail_unless_equals_int (res, GST_E2EE_FRAME_OK);
  assert_mem (out, out_len, canon, canon_len);
  g_free (out);

  /* with the KID 0 that rtph264pay cuts off */
  if (kid == 0) {
    fail_unless (lk[lk_len - 1] == 0);
    out = open_copy (ring, codec, lk, lk_len - 1, &out_len, &res);
    fail_unless_equals_int (res, GST_E2EE_FRAME_OK);
    assert_mem (out, out_len, canon, canon_len);
    g_free (out);
  }

  g_free (canon);
  g_free (sealed);
  g_free (au);
  g_free (lk);
  gst_e2ee_key_ring_unref (ring);
}

GST_START_TEST (test_livekit_h264_vector)
{
  check_livekit_vector (GST_E2EE_CODEC_H264, H264_AU, H264_AU_LIVEKIT, 0);
}

GST_END_TEST;

GST_START_TEST (test_livekit_h265_vector)
{
  check_livekit_vector (GST_E2EE_CODEC_H265, H265_AU, H265_AU_LIVEKIT, 3);
}

GST_END_TEST;

/* Seals H264_AU with the IV given and checks the sealed frame's form. */
static guint8 *
seal_h264 (const guint8 * iv, guint8 kid, gsize * len, gsize * clear)
{
  gsize au_len;
  guint8 *au = hex_dup (H264_AU, &au_len), *sealed;

  sealed = seal (GST_E2EE_CODEC_H264, kid, iv, au, au_len, len);
  *clear = gst_e2ee_codec_clear_size (GST_E2EE_CODEC_H264, sealed, *len);
  fail_unless_equals_uint64 (*clear, H264_CLEAR);
  fail_if (has_start_code (sealed + *clear, *len - *clear));
  g_free (au);
  return sealed;
}

GST_START_TEST (test_h264_kid_cut_and_ambiguous)
{
  GstE2eeKeyRing *ring = make_ring (0);
  GstE2eeFrameResult res;
  guint8 iv[12] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 0x0c };
  guint8 *sealed, *out;
  gsize len, h, out_len;
  GstE2eeKey *k;

  /* an IV ending in 0x0c and KID 0 cut: the last two bytes read as KID 12,
   * which the ring does not hold, then as a cut KID 0 */
  sealed = seal_h264 (iv, 0, &len, &h);
  fail_unless (sealed[len - 3] == 0x0c && sealed[len - 2] == 0x0c);
  out = open_copy (ring, GST_E2EE_CODEC_H264, sealed, len - 1, &out_len, &res);
  fail_unless_equals_int (res, GST_E2EE_FRAME_OK);
  fail_unless_equals_uint64 (out_len, H264_CANONICAL);
  g_free (out);

  /* with a key in slot 12 too, both readings are tried */
  k = make_key ();
  gst_e2ee_key_ring_set_key (ring, 12, k);
  gst_e2ee_key_unref (k);
  out = open_copy (ring, GST_E2EE_CODEC_H264, sealed, len - 1, &out_len, &res);
  fail_unless_equals_int (res, GST_E2EE_FRAME_OK);
  g_free (out);
  g_free (sealed);

  /* a real KID 12 */
  sealed = seal_h264 (iv, 12, &len, &h);
  out = open_copy (ring, GST_E2EE_CODEC_H264, sealed, len, &out_len, &res);
  fail_unless_equals_int (res, GST_E2EE_FRAME_OK);
  g_free (out);
  /* cutting a non-zero KID is not repaired: read as KID 0, whose key is
   * another */
  gst_e2ee_key_ring_unref (ring);
  ring = make_ring (12);
  k = gst_e2ee_key_new (GST_E2EE_KDF_JITSI, raw_key, sizeof (raw_key), NULL);
  gst_e2ee_key_ring_set_key (ring, 0, k);
  gst_e2ee_key_unref (k);
  out = open_copy (ring, GST_E2EE_CODEC_H264, sealed, len - 1, &out_len, &res);
  fail_unless_equals_int (res, GST_E2EE_FRAME_AUTH_FAILED);
  g_free (sealed);
  gst_e2ee_key_ring_unref (ring);
}

GST_END_TEST;

GST_START_TEST (test_h264_wrong_key_restores_escapes)
{
  GstE2eeKeyRing *ring = gst_e2ee_key_ring_new (16);
  GstE2eeFrameResult res;
  guint8 zero_iv[12] = { 0, };
  guint8 m[32] = { 7, };
  GstE2eeKey *other = gst_e2ee_key_new (GST_E2EE_KDF_JITSI, m, sizeof (m),
      NULL);
  guint8 *sealed, *out;
  gsize len, h, out_len;

  gst_e2ee_key_ring_set_key (ring, 0, other);
  gst_e2ee_key_unref (other);
  /* an all-zero IV: escapes right at the trailer boundary */
  sealed = seal_h264 (zero_iv, 0, &len, &h);
  fail_unless (gst_e2ee_rbsp_escaped_size (sealed + h, len - h) > len - h - 1);
  /* open_copy checks that the frame is put back byte for byte */
  out = open_copy (ring, GST_E2EE_CODEC_H264, sealed, len, &out_len, &res);
  fail_unless_equals_int (res, GST_E2EE_FRAME_AUTH_FAILED);
  fail_unless (out == NULL);
  out = open_copy (ring, GST_E2EE_CODEC_H264, sealed, len - 1, &out_len, &res);
  fail_unless_equals_int (res, GST_E2EE_FRAME_AUTH_FAILED);
  g_free (sealed);
  gst_e2ee_key_ring_unref (ring);
}

GST_END_TEST;

GST_START_TEST (test_h264_tamper_and_truncate)
{
  GstE2eeKeyRing *ring = make_ring (0);
  GstE2eeFrameResult res;
  guint8 *sealed, *out;
  gsize len, h, out_len, i;

  sealed = seal_h264 (iv_one, 0, &len, &h);
  check_restored = FALSE;
  /* every byte matters: header (00 00 03 of the SPS included), ciphertext,
   * tag, IV */
  for (i = 0; i + 2 < len; i++) {
    guint8 *copy = g_memdup2 (sealed, len);

    copy[i] ^= 0x40;
    out = open_copy (ring, GST_E2EE_CODEC_H264, copy, len, &out_len, &res);
    fail_if (res == GST_E2EE_FRAME_OK, "byte %" G_GSIZE_FORMAT, i);
    g_free (out);
    g_free (copy);
  }
  /* every shorter frame fails cleanly */
  for (i = 0; i < len - 1; i++) {
    out = open_copy (ring, GST_E2EE_CODEC_H264, sealed, i, &out_len, &res);
    fail_if (res == GST_E2EE_FRAME_OK, "length %" G_GSIZE_FORMAT, i);
    g_free (out);
  }
  check_restored = TRUE;
  g_free (sealed);
  gst_e2ee_key_ring_unref (ring);
}

GST_END_TEST;

GST_START_TEST (test_h264_slice_less)
{
  GstE2eeKey *k = make_key ();
  GstE2eeKeyRing *ring = make_ring (0);
  GstE2eeFrameResult res;
  gsize len, n = 0, out_len;
  guint8 *au = hex_dup ("0000000167640016acd9000000010600", &len);
  guint8 out[256], *o;

  fail_unless_equals_uint64 (gst_e2ee_jframe_sealed_size (GST_E2EE_CODEC_H264,
          au, len), 0);
  fail_unless_equals_int (gst_e2ee_jframe_seal_into (k, 0, iv_one,
          GST_E2EE_CODEC_H264, au, len, out, sizeof (out), &n),
      GST_E2EE_FRAME_BAD_HEADER);
  /* received without a slice: not opened */
  memset (out, 0x55, sizeof (out));
  memcpy (out, au, len);
  o = open_copy (ring, GST_E2EE_CODEC_H264, out, len + 40, &out_len, &res);
  fail_unless_equals_int (res, GST_E2EE_FRAME_BAD_HEADER);
  fail_unless (o == NULL);
  g_free (au);
  gst_e2ee_key_unref (k);
  gst_e2ee_key_ring_unref (ring);
}

GST_END_TEST;

GST_START_TEST (test_h264_no_space)
{
  GstE2eeKey *k = make_key ();
  guint8 zero_iv[12] = { 0, };
  gsize au_len, n = 0, n2 = 0, room;
  guint8 *au = hex_dup (H264_AU, &au_len), *small, *big;

  room = gst_e2ee_jframe_sealed_size (GST_E2EE_CODEC_H264, au, au_len);
  big = g_malloc (room);
  fail_unless_equals_int (gst_e2ee_jframe_seal_into (k, 0, zero_iv,
          GST_E2EE_CODEC_H264, au, au_len, big, room, &n), GST_E2EE_FRAME_OK);
  /* room for the unescaped frame only: told how much is needed */
  small = g_malloc (n);
  fail_unless_equals_int (gst_e2ee_jframe_seal_into (k, 0, zero_iv,
          GST_E2EE_CODEC_H264, au, au_len, small, n - 4, &n2),
      GST_E2EE_FRAME_NO_SPACE);
  fail_unless (n2 >= n - 4);
  fail_unless_equals_int (gst_e2ee_jframe_seal_into (k, 0, zero_iv,
          GST_E2EE_CODEC_H264, au, au_len, small, n - 1, &n2),
      GST_E2EE_FRAME_NO_SPACE);
  fail_unless_equals_uint64 (n2, n);
  /* again with that much: the same bytes */
  fail_unless_equals_int (gst_e2ee_jframe_seal_into (k, 0, zero_iv,
          GST_E2EE_CODEC_H264, au, au_len, small, n2, &n2), GST_E2EE_FRAME_OK);
  assert_mem (small, n2, big, n);
  g_free (small);
  g_free (big);
  g_free (au);
  gst_e2ee_key_unref (k);
}

GST_END_TEST;

/* Builds a received frame: @prefix, then @sealed with @insert put in just
 * before its slice (at @h - 6: the slice's 4-byte start code and 2 bytes). */
static guint8 *
add_parameter_sets (const guint8 * sealed, gsize len, gsize h,
    const gchar * prefix_hex, const gchar * insert_hex, gsize * out_len)
{
  gsize plen = 0, ilen = 0;
  guint8 *p = prefix_hex ? hex_dup (prefix_hex, &plen) : NULL;
  guint8 *ins = insert_hex ? hex_dup (insert_hex, &ilen) : NULL;
  guint8 *out = g_malloc (plen + len + ilen);

  if (plen)
    memcpy (out, p, plen);
  memcpy (out + plen, sealed, h - 6);
  if (ilen)
    memcpy (out + plen + h - 6, ins, ilen);
  memcpy (out + plen + h - 6 + ilen, sealed + h - 6, len - h + 6);
  *out_len = plen + len + ilen;
  g_free (p);
  g_free (ins);
  return out;
}

#define SPS "0000000167640016acd9405005bb0110000003001000000303c8f162d960"
#define PPS "0000000168ebe3cb22c0"
#define OTHER_SPS "0000000167640016acd9405005bb0110000003001000000303c8f162d961"

GST_START_TEST (test_h264_added_parameter_sets)
{
  static const struct
  {
    const gchar *prefix, *insert;
    gboolean ok;
  } cases[] = {
    /* rtph264depay: sprop-parameter-sets in front of the first AU */
    {SPS PPS, NULL, TRUE},
    /* rtph264pay config-interval=-1: before the IDR slice */
    {NULL, SPS PPS, TRUE},
    {SPS PPS, SPS PPS, TRUE},
    {PPS, NULL, TRUE},
    /* not copies of authenticated ones: refused */
    {OTHER_SPS, NULL, FALSE},
    {NULL, OTHER_SPS, FALSE},
    {SPS OTHER_SPS PPS, NULL, FALSE},
    /* not parameter sets */
    {"0000000106050102", NULL, FALSE},
  };
  GstE2eeKeyRing *ring = make_ring (0);
  gsize len, h, i, au_len;
  guint8 *sealed = seal_h264 (iv_one, 0, &len, &h);
  guint8 *au = hex_dup (H264_AU, &au_len), canon[H264_CANONICAL];

  fail_unless_equals_uint64 (gst_e2ee_nal_canonicalize (au, au_len, canon,
          sizeof (canon)), H264_CANONICAL);
  g_free (au);

  for (i = 0; i < G_N_ELEMENTS (cases); i++) {
    GstE2eeFrameResult res;
    gsize rlen, out_len;
    guint8 *rx = add_parameter_sets (sealed, len, h, cases[i].prefix,
        cases[i].insert, &rlen);
    guint8 *out = open_copy (ring, GST_E2EE_CODEC_H264, rx, rlen, &out_len,
        &res);

    if (cases[i].ok) {
      gsize rh = rlen - (len - H264_CLEAR);

      fail_unless (res == GST_E2EE_FRAME_OK, "case %u: %d", (guint) i, res);

      /* the copies stay: the output is the received header and plaintext */
      fail_unless_equals_uint64 (out_len, rh + H264_CANONICAL - H264_CLEAR);
      assert_mem (out, rh, rx, rh);
      assert_mem (out + rh, out_len - rh, canon + H264_CLEAR,
          H264_CANONICAL - H264_CLEAR);
    } else {
      fail_unless (res == GST_E2EE_FRAME_AUTH_FAILED, "case %u: %d", (guint) i,
          res);
    }
    g_free (out);
    g_free (rx);
  }
  g_free (sealed);
  gst_e2ee_key_ring_unref (ring);
}

GST_END_TEST;

/* Issue 12, item 8: copies the payloader or depayloader may add are
 * tolerated only where they change nothing. The sender's header holds two
 * different SPS with the same id (the later one is in force); a copy of the
 * earlier one put before the slice would make the slice decode against it,
 * so it must not authenticate, nor any reordering of the copies; copies
 * that repeat the header's last word on each id (what rtph264pay inserts),
 * and copies in front of the header (rtph264depay's sprop-parameter-sets,
 * overridden by what follows) still do. */
#define SLICE264 "00000001658884002100000301fffe000003000002ab"
#define VPS265 "0000000140010c01ffff016000000300900000030000030078959809"
#define SPS265 "0000000142010101600000030090000003000003007805a002008020" \
    "1659659a4932bc05a80808082000000300200000030321"
#define OTHER_SPS265 "0000000142010101600000030090000003000003007805a002008020" \
    "1659659a4932bc05a80808082000000300200000030323"
#define PPS265 "000000014401c172b46240"
#define SLICE265 "000000012601af0840f7d5c76b0000030100ff"

GST_START_TEST (test_parameter_set_copies_pinned)
{
  static const struct
  {
    GstE2eeCodec codec;
    const gchar *au, *prefix, *insert;
    gboolean ok;
  } cases[] = {
    /* an older SPS copied after the newer one: refused */
    {GST_E2EE_CODEC_H264, SPS OTHER_SPS PPS SLICE264, NULL, SPS, FALSE},
    {GST_E2EE_CODEC_H264, SPS OTHER_SPS PPS SLICE264, NULL, SPS PPS, FALSE},
    {GST_E2EE_CODEC_H264, SPS OTHER_SPS PPS SLICE264, SPS PPS, SPS, FALSE},
    /* reordered copies: refused */
    {GST_E2EE_CODEC_H264, SPS OTHER_SPS PPS SLICE264, NULL,
        OTHER_SPS SPS PPS, FALSE},
    /* copies that end on the header's own last word: accepted */
    {GST_E2EE_CODEC_H264, SPS OTHER_SPS PPS SLICE264, NULL,
        OTHER_SPS PPS, TRUE},
    {GST_E2EE_CODEC_H264, SPS OTHER_SPS PPS SLICE264, NULL,
        SPS OTHER_SPS PPS, TRUE},
    {GST_E2EE_CODEC_H264, SPS OTHER_SPS PPS SLICE264, NULL, PPS, TRUE},
    /* copies in front: overridden by the header, accepted */
    {GST_E2EE_CODEC_H264, SPS OTHER_SPS PPS SLICE264, OTHER_SPS, NULL, TRUE},
    {GST_E2EE_CODEC_H264, SPS OTHER_SPS PPS SLICE264, SPS PPS, NULL, TRUE},
    {GST_E2EE_CODEC_H264, SPS OTHER_SPS PPS SLICE264, SPS PPS,
        OTHER_SPS PPS, TRUE},
    /* the same for H.265 (VPS, SPS, PPS) */
    {GST_E2EE_CODEC_H265, VPS265 SPS265 OTHER_SPS265 PPS265 SLICE265, NULL,
        SPS265, FALSE},
    {GST_E2EE_CODEC_H265, VPS265 SPS265 OTHER_SPS265 PPS265 SLICE265, NULL,
        OTHER_SPS265 SPS265 PPS265, FALSE},
    {GST_E2EE_CODEC_H265, VPS265 SPS265 OTHER_SPS265 PPS265 SLICE265, NULL,
        VPS265 OTHER_SPS265 PPS265, TRUE},
    {GST_E2EE_CODEC_H265, VPS265 SPS265 OTHER_SPS265 PPS265 SLICE265,
        VPS265 SPS265 PPS265, NULL, TRUE},
  };
  GstE2eeKeyRing *ring = make_ring (0);
  gsize i;

  for (i = 0; i < G_N_ELEMENTS (cases); i++) {
    GstE2eeFrameResult res;
    gsize au_len, len, h, rlen, out_len = 0;
    guint8 *au = hex_dup (cases[i].au, &au_len);
    guint8 *sealed = seal (cases[i].codec, 0, iv_one, au, au_len, &len);
    guint8 *rx, *out;

    h = gst_e2ee_codec_clear_size (cases[i].codec, sealed, len);
    fail_unless (h > 6);
    /* as sent, it opens */
    out = open_copy (ring, cases[i].codec, sealed, len, &out_len, &res);
    fail_unless (res == GST_E2EE_FRAME_OK, "case %u: %d", (guint) i, res);
    assert_mem (out, out_len, au, au_len);
    g_free (out);

    rx = add_parameter_sets (sealed, len, h, cases[i].prefix,
        cases[i].insert, &rlen);
    out = open_copy (ring, cases[i].codec, rx, rlen, &out_len, &res);
    if (cases[i].ok) {
      gsize rh = rlen - (len - h);

      fail_unless (res == GST_E2EE_FRAME_OK, "case %u: %d", (guint) i, res);
      /* the copies stay, and the rest is the sender's frame */
      assert_mem (out, rh, rx, rh);
      assert_mem (out + rh, out_len - rh, au + h, au_len - h);
    } else {
      fail_unless (res == GST_E2EE_FRAME_AUTH_FAILED, "case %u: %d",
          (guint) i, res);
    }
    g_free (out);
    g_free (rx);
    g_free (sealed);
    g_free (au);
  }
  gst_e2ee_key_ring_unref (ring);
}

GST_END_TEST;

/* ---- AV1 ---- */

/* temporal delimiter, sequence header (4 bytes of payload), frame OBU
 * (first payload byte 0x10: show_existing_frame 0, frame_type KEY_FRAME),
 * then a metadata OBU */
#define AV1_TU \
    "1200" "0a04" "00000001" "3206" "10aabbccddee" "2a02" "0102"

GST_START_TEST (test_av1_seal_open)
{
  GstE2eeKeyRing *ring = make_ring (0);
  GstE2eeFrameResult res;
  gsize tu_len, len, out_len, clear;
  guint8 *tu = hex_dup (AV1_TU, &tu_len), *sealed, *out;
  guint64 span;

  sealed = seal (GST_E2EE_CODEC_AV1, 0, iv_one, tu, tu_len, &len);
  /* TD, sequence header, frame OBU header clear; its size now spans the
   * rest: frame header byte, 6 + 4 - 1 bytes and the original size field
   * (1), 30 bytes of trailer */
  fail_unless (memcmp (sealed, tu, 9) == 0);
  span = sealed[9];
  fail_unless_equals_uint64 (span, 1 + 1 + 5 + 4 + TRAILER);
  fail_unless_equals_uint64 (len, 10 + span);
  fail_unless (sealed[10] == 0x10);
  clear = gst_e2ee_codec_clear_size (GST_E2EE_CODEC_AV1, sealed, len);
  fail_unless_equals_uint64 (clear, 11);
  /* the metadata OBU is not readable any more */
  fail_if (memcmp (sealed + 11 + 1 + 5, tu + 16, 4) == 0);

  out = open_copy (ring, GST_E2EE_CODEC_AV1, sealed, len, &out_len, &res);
  fail_unless_equals_int (res, GST_E2EE_FRAME_OK);
  assert_mem (out, out_len, tu, tu_len);
  g_free (out);

  /* the old API moves the frame to the start */
  {
    guint8 *copy = g_memdup2 (sealed, len);

    fail_unless_equals_int (gst_e2ee_jframe_open (ring, GST_E2EE_CODEC_AV1, 0,
            copy, len, NULL, &out_len, NULL), GST_E2EE_FRAME_OK);
    assert_mem (copy, out_len, tu, tu_len);
    g_free (copy);
  }
  g_free (sealed);
  g_free (tu);
  gst_e2ee_key_ring_unref (ring);
}

GST_END_TEST;

GST_START_TEST (test_av1_size_fields)
{
  GstE2eeKeyRing *ring = make_ring (0);
  GstE2eeFrameResult res;
  gsize tu_len, len, out_len, i;
  /* a frame header OBU with an extension byte and a non-minimal size field
   * (3 bytes for 2), alone in the unit; then a 200-byte tile group */
  GString *s = g_string_new ("1200" "1e00" "828000" "10ff");
  guint8 *tu, *sealed, *out;

  g_string_append (s, "22c801");
  for (i = 0; i < 200; i++)
    g_string_append_printf (s, "%02x", (guint) (i * 7) & 0xff);
  tu = hex_dup (s->str, &tu_len);
  g_string_free (s, TRUE);

  sealed = seal (GST_E2EE_CODEC_AV1, 0, iv_one, tu, tu_len, &len);
  /* TD (its size field included), OBU header with extension, a 2-byte
   * span, the frame header's first byte */
  fail_unless_equals_uint64 (gst_e2ee_codec_clear_size (GST_E2EE_CODEC_AV1,
          sealed, len), 2 + 2 + 2 + 1);
  out = open_copy (ring, GST_E2EE_CODEC_AV1, sealed, len, &out_len, &res);
  fail_unless_equals_int (res, GST_E2EE_FRAME_OK);
  assert_mem (out, out_len, tu, tu_len);
  g_free (out);
  g_free (sealed);
  g_free (tu);
  gst_e2ee_key_ring_unref (ring);
}

GST_END_TEST;

GST_START_TEST (test_av1_bad_input)
{
  static const gchar *unsealable[] = {
    "",
    "1200",                     /* temporal delimiter only */
    "12000a0400000001",         /* and a sequence header: nothing to protect */
    "1000",                     /* no size field */
    "9200",                     /* forbidden bit */
    "1205",                     /* size beyond the end */
    "12ffffffffffffffff7f",     /* size field of more than 8 bytes */
    "1200" "3200",              /* a frame OBU without its first byte */
    "1c",                       /* extension flag, no extension byte */
  };
  GstE2eeKey *k = make_key ();
  GstE2eeKeyRing *ring = make_ring (0);
  GstE2eeFrameResult res;
  gsize i, len, tu_len, sealed_len, out_len;
  guint8 out[128], *tu, *sealed, *o;

  for (i = 0; i < G_N_ELEMENTS (unsealable); i++) {
    guint8 *d = hex_dup (unsealable[i], &len);

    fail_unless (gst_e2ee_jframe_sealed_size (GST_E2EE_CODEC_AV1, d, len) == 0,
        "case %u", (guint) i);
    if (len > 0)
      fail_unless_equals_int (gst_e2ee_jframe_seal_into (k, 0, iv_one,
              GST_E2EE_CODEC_AV1, d, len, out, sizeof (out), &out_len),
          GST_E2EE_FRAME_BAD_HEADER);
    g_free (d);
  }

  /* every shorter and every longer received frame is refused */
  tu = hex_dup (AV1_TU, &tu_len);
  sealed = seal (GST_E2EE_CODEC_AV1, 0, iv_one, tu, tu_len, &sealed_len);
  for (i = 0; i < sealed_len; i++) {
    o = open_copy (ring, GST_E2EE_CODEC_AV1, sealed, i, &out_len, &res);
    fail_if (res == GST_E2EE_FRAME_OK);
    g_free (o);
  }
  {
    guint8 *longer = g_malloc0 (sealed_len + 1);

    memcpy (longer, sealed, sealed_len);
    o = open_copy (ring, GST_E2EE_CODEC_AV1, longer, sealed_len + 1, &out_len,
        &res);
    fail_if (res == GST_E2EE_FRAME_OK);
    g_free (o);
    g_free (longer);
  }
  /* the clear part is authenticated */
  for (i = 0; i < 9; i++) {
    guint8 *copy = g_memdup2 (sealed, sealed_len);

    copy[i] ^= 0x01;
    o = open_copy (ring, GST_E2EE_CODEC_AV1, copy, sealed_len, &out_len, &res);
    fail_if (res == GST_E2EE_FRAME_OK, "byte %u", (guint) i);
    g_free (o);
    g_free (copy);
  }
  g_free (sealed);
  g_free (tu);
  gst_e2ee_key_unref (k);
  gst_e2ee_key_ring_unref (ring);
}

GST_END_TEST;

/* ---- the in-place codecs through seal_into ---- */

GST_START_TEST (test_seal_into_in_place_codecs)
{
  const guint8 vp9_key[] = { 0x82, 0x49, 0x83, 0x42, 0x00, 0x13, 0xf0, 0x0e,
    0xf0, 0x00, 0x11, 0x22, 0x33
  };
  GstE2eeKeyRing *ring = make_ring (0);
  GstE2eeKey *k = make_key ();
  GstE2eeFrameResult res;
  guint8 trailer[TRAILER], copy[sizeof (vp9_key)], *sealed, *out;
  gsize len, out_len;

  /* seal_into and seal agree */
  sealed = seal (GST_E2EE_CODEC_VP9, 5, iv_one, vp9_key, sizeof (vp9_key),
      &len);
  fail_unless_equals_uint64 (len, sizeof (vp9_key) + TRAILER);
  memcpy (copy, vp9_key, sizeof (copy));
  fail_unless (gst_e2ee_jframe_seal (k, 5, iv_one, GST_E2EE_CODEC_VP9, copy,
          sizeof (copy), trailer));
  assert_mem (sealed, sizeof (copy), copy, sizeof (copy));
  assert_mem (sealed + sizeof (copy), TRAILER, trailer, TRAILER);
  /* 10 clear bytes on this key frame */
  fail_unless (memcmp (sealed, vp9_key, 10) == 0);
  fail_if (memcmp (sealed + 10, vp9_key + 10, 3) == 0);

  gst_e2ee_key_ring_unref (ring);
  ring = make_ring (5);
  out = open_copy (ring, GST_E2EE_CODEC_VP9, sealed, len, &out_len, &res);
  fail_unless_equals_int (res, GST_E2EE_FRAME_OK);
  assert_mem (out, out_len, vp9_key, sizeof (vp9_key));
  g_free (out);
  g_free (sealed);
  gst_e2ee_key_unref (k);
  gst_e2ee_key_ring_unref (ring);
}

GST_END_TEST;

static Suite *
codecs_suite (void)
{
  Suite *s = suite_create ("codecs");
  TCase *tc = tcase_create ("general");

  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_rbsp_vectors);
  tcase_add_test (tc, test_rbsp_unescape_edges);
  tcase_add_test (tc, test_rbsp_random_round_trip);
  tcase_add_test (tc, test_codec_from_caps);
  tcase_add_test (tc, test_vp9_clear_size);
  tcase_add_test (tc, test_nal_clear_size);
  tcase_add_test (tc, test_nal_canonical_form);
  tcase_add_test (tc, test_livekit_h264_vector);
  tcase_add_test (tc, test_livekit_h265_vector);
  tcase_add_test (tc, test_h264_kid_cut_and_ambiguous);
  tcase_add_test (tc, test_h264_wrong_key_restores_escapes);
  tcase_add_test (tc, test_h264_tamper_and_truncate);
  tcase_add_test (tc, test_h264_slice_less);
  tcase_add_test (tc, test_h264_no_space);
  tcase_add_test (tc, test_h264_added_parameter_sets);
  tcase_add_test (tc, test_parameter_set_copies_pinned);
  tcase_add_test (tc, test_av1_seal_open);
  tcase_add_test (tc, test_av1_size_fields);
  tcase_add_test (tc, test_av1_bad_input);
  tcase_add_test (tc, test_seal_into_in_place_codecs);
  return s;
}

GST_CHECK_MAIN (codecs);
