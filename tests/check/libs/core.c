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


/* Core library: known-answer vectors of both key schedules, the JFrame
 * parser's bounds, the ratchet window, the key ring and the IV source. */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <gst/check/gstcheck.h>
#include <gst/e2ee/e2ee.h>
#include <gst/e2ee/frame/gste2eecodec-private.h>
#include <gst/e2ee/frame/gste2eejframe-private.h>
#include <gst/e2ee/frame/gste2eekey-private.h>
#include <gst/e2ee/frame/gste2eekeyring-private.h>
#include <openssl/evp.h>
#include <string.h>

#include "test-vectors.h"

/* GStreamer's GST_READ_* macros do unaligned loads, which UBSan reports */
static guint64
read_be64 (const guint8 * p)
{
  guint64 v = 0;
  guint i;

  for (i = 0; i < 8; i++)
    v = (v << 8) | p[i];
  return v;
}

static guint32
read_be32 (const guint8 * p)
{
  return ((guint32) p[0] << 24) | ((guint32) p[1] << 16) |
      ((guint32) p[2] << 8) | p[3];
}

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

static void
assert_bytes_equal (const guint8 * a, gsize alen, GBytes * b)
{
  gsize blen;
  const guint8 *bd = g_bytes_get_data (b, &blen);

  fail_unless_equals_uint64 (alen, blen);
  fail_unless (memcmp (a, bd, alen) == 0, "bytes differ");
}

/* tests/data/jframe-vectors.json */
static GVariant *
get_vectors (const gchar * member)
{
  return e2ee_vectors_object (e2ee_vectors_load ("jframe-vectors"), member);
}

/* tests/data/kdf-vectors.json: the talk and livekit-256 schedules, made by
 * tests/data/gen-kdf-vectors.mjs with WebCrypto */
static GVariant *
get_kdf_vectors (const gchar * member)
{
  return e2ee_vectors_object (e2ee_vectors_load ("kdf-vectors"), member);
}

static GstE2eeKey *
key_from_hex (GstE2eeKdf kdf, const gchar * h)
{
  GBytes *b = hex (h);
  gsize len;
  const guint8 *d = g_bytes_get_data (b, &len);
  GError *err = NULL;
  GstE2eeKey *key = gst_e2ee_key_new (kdf, d, len, &err);

  fail_unless (key != NULL, "%s", err ? err->message : "");
  g_bytes_unref (b);
  return key;
}

/* Seals a fixed probe with @key; two keys are the same AES key iff the
 * outputs are equal. */
static GBytes *
probe (GstE2eeKey * key)
{
  static const guint8 iv[12] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12 };
  guint8 data[32 + 16];

  memset (data, 0x5a, 32);
  fail_unless (gst_e2ee_key_seal (key, iv, NULL, 0, data, 32, data + 32));
  return g_bytes_new (data, sizeof (data));
}

static void
assert_same_aes_key (GstE2eeKey * a, GstE2eeKey * b)
{
  GBytes *pa = probe (a), *pb = probe (b);

  fail_unless (g_bytes_equal (pa, pb), "AES keys differ");
  g_bytes_unref (pa);
  g_bytes_unref (pb);
}

static GstE2eeCodec
codec_of (const gchar * media)
{
  GstCaps *caps = gst_caps_from_string (media);
  GstE2eeCodec codec = gst_e2ee_codec_from_caps (caps);

  gst_caps_unref (caps);
  fail_unless (codec != GST_E2EE_CODEC_UNKNOWN);
  return codec;
}

GST_START_TEST (test_jitsi_vectors)
{
  GVariant *j = get_vectors ("jitsi");
  GVariant *frames = e2ee_vectors_array (j, "frames");
  GstE2eeKey *key = key_from_hex (GST_E2EE_KDF_JITSI,
      e2ee_vectors_string (j, "key"));
  GstE2eeKeyRing *ring = gst_e2ee_key_ring_new (0);
  guint i;

  gst_e2ee_key_ring_set_key (ring, 0, key);

  for (i = 0; i < e2ee_vectors_length (frames); i++) {
    GVariant *f = e2ee_vectors_element (frames, i);
    GBytes *pt = hex (e2ee_vectors_string (f, "plaintext"));
    GBytes *ivb = hex (e2ee_vectors_string (f, "iv"));
    GBytes *expect = hex (e2ee_vectors_string (f, "encrypted"));
    GstE2eeCodec codec = codec_of (e2ee_vectors_string (f, "media"));
    guint kid = e2ee_vectors_int (f, "key_index");
    gsize len, out_size = 0;
    const guint8 *ivd = g_bytes_get_data (ivb, NULL);
    guint8 *buf;
    GstE2eeIvSource src;
    guint8 iv[12];

    /* the element's IV source produces exactly the vector's IV */
    gst_e2ee_iv_source_init_full (&src, read_be32 (ivd), read_be64 (ivd + 4));
    gst_e2ee_iv_source_next (&src, iv);
    fail_unless (memcmp (iv, ivd, 12) == 0);

    g_bytes_get_data (pt, &len);
    buf = g_malloc (len + GST_E2EE_JFRAME_TRAILER_SIZE);
    memcpy (buf, g_bytes_get_data (pt, NULL), len);
    fail_unless (gst_e2ee_jframe_seal (key, kid, iv, codec, buf, len,
            buf + len));
    assert_bytes_equal (buf, len + GST_E2EE_JFRAME_TRAILER_SIZE, expect);

    /* and decrypts back, in place, to the plaintext */
    fail_unless_equals_int (gst_e2ee_jframe_open (ring, codec, 8, buf,
            len + GST_E2EE_JFRAME_TRAILER_SIZE, NULL, &out_size, NULL),
        GST_E2EE_FRAME_OK);
    assert_bytes_equal (buf, out_size, pt);

    g_free (buf);
    g_bytes_unref (pt);
    g_bytes_unref (ivb);
    g_bytes_unref (expect);
  }
  gst_e2ee_key_ring_unref (ring);
  gst_e2ee_key_unref (key);
}

GST_END_TEST;

GST_START_TEST (test_jitsi_key_schedule)
{
  GVariant *j = get_vectors ("jitsi");
  GstE2eeKey *key = key_from_hex (GST_E2EE_KDF_JITSI,
      e2ee_vectors_string (j, "key"));
  GstE2eeKey *aes = key_from_hex (GST_E2EE_KDF_RAW,
      e2ee_vectors_string (j, "encryption_key"));
  GstE2eeKey *r1 = gst_e2ee_key_ratchet (key, NULL);
  GstE2eeKey *r1_expected = key_from_hex (GST_E2EE_KDF_JITSI,
      e2ee_vectors_string (j, "ratchet_1"));
  GstE2eeKey *r1_aes = key_from_hex (GST_E2EE_KDF_RAW,
      e2ee_vectors_string (j, "encryption_key_of_ratchet_1"));

  assert_same_aes_key (key, aes);
  fail_unless (r1 != NULL);
  assert_same_aes_key (r1, r1_expected);
  assert_same_aes_key (r1, r1_aes);

  gst_e2ee_key_unref (key);
  gst_e2ee_key_unref (aes);
  gst_e2ee_key_unref (r1);
  gst_e2ee_key_unref (r1_expected);
  gst_e2ee_key_unref (r1_aes);
}

GST_END_TEST;

GST_START_TEST (test_livekit_raw_key_schedule)
{
  GVariant *l = get_vectors ("livekit");
  GstE2eeKey *key = key_from_hex (GST_E2EE_KDF_LIVEKIT,
      e2ee_vectors_string (l, "raw_key"));
  GstE2eeKey *aes = key_from_hex (GST_E2EE_KDF_RAW,
      e2ee_vectors_string (l, "raw_key_encryption_key"));
  GstE2eeKey *r1 = gst_e2ee_key_ratchet (key, NULL);
  GstE2eeKey *r1_expected = key_from_hex (GST_E2EE_KDF_LIVEKIT,
      e2ee_vectors_string (l, "raw_key_ratchet_1"));
  GstE2eeKey *jitsi = key_from_hex (GST_E2EE_KDF_JITSI,
      e2ee_vectors_string (l, "raw_key"));
  GBytes *pa, *pb;

  assert_same_aes_key (key, aes);
  assert_same_aes_key (r1, r1_expected);

  /* same material, other schedule: another key */
  pa = probe (key);
  pb = probe (jitsi);
  fail_if (g_bytes_equal (pa, pb));
  g_bytes_unref (pa);
  g_bytes_unref (pb);

  gst_e2ee_key_unref (key);
  gst_e2ee_key_unref (aes);
  gst_e2ee_key_unref (r1);
  gst_e2ee_key_unref (r1_expected);
  gst_e2ee_key_unref (jitsi);
}

GST_END_TEST;

GST_START_TEST (test_livekit_passphrase_rounds)
{
  GVariant *l = get_vectors ("livekit");
  GVariant *rounds = e2ee_vectors_array (l, "keys_and_ciphertexts");
  GBytes *pt = hex (e2ee_vectors_string (l, "plaintext"));
  GstE2eeKey *key;
  GError *err = NULL;
  guint i;

  key = gst_e2ee_key_new_from_passphrase (GST_E2EE_KDF_LIVEKIT,
      e2ee_vectors_string (l, "passphrase"), &err);
  fail_unless (key != NULL);

  for (i = 0; i < e2ee_vectors_length (rounds); i++) {
    GVariant *r = e2ee_vectors_element (rounds, i);
    GstE2eeKey *aes = key_from_hex (GST_E2EE_KDF_RAW,
        e2ee_vectors_string_element (r, 0));
    GBytes *ct = hex (e2ee_vectors_string_element (r, 1));
    static const guint8 iv[12] = { 0 };
    gsize len;
    guint8 buf[64];
    GstE2eeKey *next;

    const guint8 *ptd = g_bytes_get_data (pt, &len);

    memcpy (buf, ptd, len);
    fail_unless (gst_e2ee_key_seal (key, iv, NULL, 0, buf, len, buf + len));
    assert_bytes_equal (buf, len + 16, ct);
    assert_same_aes_key (key, aes);

    next = gst_e2ee_key_ratchet (key, NULL);
    fail_unless (next != NULL);
    gst_e2ee_key_unref (key);
    key = next;
    gst_e2ee_key_unref (aes);
    g_bytes_unref (ct);
  }
  gst_e2ee_key_unref (key);
  g_bytes_unref (pt);
}

GST_END_TEST;

/* The key schedule of @kdf against kdf-vectors.json's @member: AES keys
 * of the material and of two ratchets, then each frame sealed to the
 * vector's bytes and opened by a ring that holds the unratcheted key (the
 * ratcheted frames through the ratchet window). */
static void
check_schedule_vectors (const gchar * member, GstE2eeKdf kdf)
{
  GVariant *v = get_kdf_vectors (member);
  GVariant *frames = e2ee_vectors_array (v, "frames");
  GstE2eeKey *key = key_from_hex (kdf, e2ee_vectors_string (v,
          "key"));
  GstE2eeKey *r[3] = { gst_e2ee_key_ref (key), NULL, NULL };
  static const gchar *aes_names[3] = { "encryption_key",
    "encryption_key_of_ratchet_1", "encryption_key_of_ratchet_2"
  };
  static const gchar *ratchet_names[3] = { NULL, "ratchet_1", "ratchet_2" };
  guint i;

  fail_unless (gst_e2ee_key_get_kdf (key) == kdf);
  fail_unless (gst_e2ee_key_can_ratchet (key));
  for (i = 0; i < 3; i++) {
    GstE2eeKey *aes = key_from_hex (GST_E2EE_KDF_RAW,
        e2ee_vectors_string (v, aes_names[i]));

    if (i > 0) {
      GstE2eeKey *expected = key_from_hex (kdf,
          e2ee_vectors_string (v, ratchet_names[i]));

      r[i] = gst_e2ee_key_ratchet (r[i - 1], NULL);
      fail_unless (r[i] != NULL);
      assert_same_aes_key (r[i], expected);
      gst_e2ee_key_unref (expected);
    }
    assert_same_aes_key (r[i], aes);
    gst_e2ee_key_unref (aes);
  }

  for (i = 0; i < e2ee_vectors_length (frames); i++) {
    GVariant *f = e2ee_vectors_element (frames, i);
    GBytes *pt = hex (e2ee_vectors_string (f, "plaintext"));
    GBytes *ivb = hex (e2ee_vectors_string (f, "iv"));
    GBytes *expect = hex (e2ee_vectors_string (f, "encrypted"));
    GstE2eeCodec codec = codec_of (e2ee_vectors_string (f, "media"));
    guint index = e2ee_vectors_int (f, "key_index");
    guint n = e2ee_vectors_int (f, "ratchets");
    GstE2eeKeyRing *ring = gst_e2ee_key_ring_new (0);
    gsize len, out_size = 0;
    guint n_ratchets = 0;
    guint8 *buf;

    fail_unless (n < 3);
    g_bytes_get_data (pt, &len);
    buf = g_malloc (len + GST_E2EE_JFRAME_TRAILER_SIZE);
    memcpy (buf, g_bytes_get_data (pt, NULL), len);
    fail_unless (gst_e2ee_jframe_seal (r[n], index % 16,
            g_bytes_get_data (ivb, NULL), codec, buf, len, buf + len));
    assert_bytes_equal (buf, len + GST_E2EE_JFRAME_TRAILER_SIZE, expect);

    gst_e2ee_key_ring_set_key (ring, index, key);
    fail_unless_equals_int (gst_e2ee_jframe_open (ring, codec, 8, buf,
            len + GST_E2EE_JFRAME_TRAILER_SIZE, NULL, &out_size,
            &n_ratchets), GST_E2EE_FRAME_OK);
    fail_unless_equals_int (n_ratchets, n);
    assert_bytes_equal (buf, out_size, pt);

    gst_e2ee_key_ring_unref (ring);
    g_free (buf);
    g_bytes_unref (pt);
    g_bytes_unref (ivb);
    g_bytes_unref (expect);
  }
  for (i = 0; i < 3; i++)
    gst_e2ee_key_unref (r[i]);
  gst_e2ee_key_unref (key);
}

GST_START_TEST (test_talk_vectors)
{
  check_schedule_vectors ("talk", GST_E2EE_KDF_TALK);
}

GST_END_TEST;

GST_START_TEST (test_livekit_256_vectors)
{
  GVariant *v = get_kdf_vectors ("livekit_256");
  GVariant *rounds = e2ee_vectors_array (v,
      "passphrase_encryption_keys");
  GstE2eeKey *key, *lk128, *material_aes;
  GBytes *pa, *pb;
  guint i;

  check_schedule_vectors ("livekit_256", GST_E2EE_KDF_LIVEKIT_256);

  /* LiveKit's keySize 256 changes the AES key, not the ratchet: the
   * ratchet of livekit-256 is the ratchet of livekit */
  key = key_from_hex (GST_E2EE_KDF_LIVEKIT_256, e2ee_vectors_string (v, "key"));
  lk128 = key_from_hex (GST_E2EE_KDF_LIVEKIT, e2ee_vectors_string (v, "key"));
  {
    GstE2eeKey *a = gst_e2ee_key_ratchet (lk128, NULL);
    GstE2eeKey *b = key_from_hex (GST_E2EE_KDF_LIVEKIT,
        e2ee_vectors_string (v, "ratchet_1"));

    assert_same_aes_key (a, b);
    gst_e2ee_key_unref (a);
    gst_e2ee_key_unref (b);
  }
  /* and an AES-256 key is not the AES-128 key of the same material */
  pa = probe (key);
  pb = probe (lk128);
  fail_if (g_bytes_equal (pa, pb));
  g_bytes_unref (pa);
  g_bytes_unref (pb);
  /* the AES-256 key is the material of the first ratchet (same HKDF) */
  material_aes = key_from_hex (GST_E2EE_KDF_RAW,
      e2ee_vectors_string (v, "ratchet_1"));
  assert_same_aes_key (key, material_aes);
  gst_e2ee_key_unref (material_aes);
  gst_e2ee_key_unref (key);
  gst_e2ee_key_unref (lk128);

  /* passphrase: PBKDF2 of 32 bytes, ratcheted as livekit's */
  key = gst_e2ee_key_new_from_passphrase (GST_E2EE_KDF_LIVEKIT_256,
      e2ee_vectors_string (v, "passphrase"), NULL);
  fail_unless (key != NULL);
  for (i = 0; i < e2ee_vectors_length (rounds); i++) {
    GstE2eeKey *aes = key_from_hex (GST_E2EE_KDF_RAW,
        e2ee_vectors_string_element (rounds, i));
    GstE2eeKey *next;

    assert_same_aes_key (key, aes);
    gst_e2ee_key_unref (aes);
    if (i + 1 == e2ee_vectors_length (rounds))
      break;
    next = gst_e2ee_key_ratchet (key, NULL);
    fail_unless (next != NULL);
    gst_e2ee_key_unref (key);
    key = next;
  }
  gst_e2ee_key_unref (key);
}

GST_END_TEST;

GST_START_TEST (test_bad_configuration)
{
  static const guint8 material[64] = { 1, };
  static const gsize bad[] = { 0, 1, 15, 17, 24, 31, 33, 64 };
  GError *err = NULL;
  guint i, k;

  for (k = GST_E2EE_KDF_JITSI; k <= GST_E2EE_KDF_LIVEKIT_256; k++) {
    for (i = 0; i < G_N_ELEMENTS (bad); i++) {
      fail_unless (gst_e2ee_key_new (k, material, bad[i], &err) == NULL);
      fail_unless (g_error_matches (err, GST_E2EE_ERROR,
              GST_E2EE_ERROR_KEY_LENGTH));
      g_clear_error (&err);
    }
  }

  fail_unless (gst_e2ee_key_new_from_passphrase (GST_E2EE_KDF_RAW, "secret",
          &err) == NULL);
  fail_unless (g_error_matches (err, GST_E2EE_ERROR,
          GST_E2EE_ERROR_PASSPHRASE));
  g_clear_error (&err);
  fail_unless (gst_e2ee_key_new_from_passphrase (GST_E2EE_KDF_JITSI, "secret",
          &err) == NULL);
  g_clear_error (&err);
  fail_unless (gst_e2ee_key_new_from_passphrase (GST_E2EE_KDF_TALK, "secret",
          &err) == NULL);
  g_clear_error (&err);
  fail_unless (gst_e2ee_key_new_from_passphrase (GST_E2EE_KDF_LIVEKIT, "",
          &err) == NULL);
  g_clear_error (&err);
  fail_unless (gst_e2ee_key_new_from_passphrase (GST_E2EE_KDF_LIVEKIT_256, "",
          &err) == NULL);
  g_clear_error (&err);
}

GST_END_TEST;

GST_START_TEST (test_raw_aes256)
{
  guint8 material[32], iv[12], data[100], expect[100 + 16], tag[16];
  GstE2eeKey *key;
  EVP_CIPHER_CTX *ctx;
  int outl;
  guint i;

  for (i = 0; i < sizeof (material); i++)
    material[i] = i * 7;
  for (i = 0; i < sizeof (data); i++)
    data[i] = i;
  memset (iv, 0x42, sizeof (iv));

  /* independent computation with OpenSSL directly */
  ctx = EVP_CIPHER_CTX_new ();
  fail_unless (EVP_EncryptInit_ex (ctx, EVP_aes_256_gcm (), NULL, material,
          iv) == 1);
  fail_unless (EVP_EncryptUpdate (ctx, NULL, &outl, data, 3) == 1);
  fail_unless (EVP_EncryptUpdate (ctx, expect, &outl, data + 3, 97) == 1);
  fail_unless (EVP_EncryptFinal_ex (ctx, expect + 97, &outl) == 1);
  fail_unless (EVP_CIPHER_CTX_ctrl (ctx, EVP_CTRL_GCM_GET_TAG, 16,
          expect + 97) == 1);
  EVP_CIPHER_CTX_free (ctx);

  key = gst_e2ee_key_new (GST_E2EE_KDF_RAW, material, 32, NULL);
  fail_unless (key != NULL);
  fail_if (gst_e2ee_key_can_ratchet (key));
  fail_unless (gst_e2ee_key_ratchet (key, NULL) == NULL);
  fail_unless (gst_e2ee_key_seal (key, iv, data, 3, data + 3, 97, tag));
  fail_unless (memcmp (data + 3, expect, 97) == 0);
  fail_unless (memcmp (tag, expect + 97, 16) == 0);

  fail_unless (gst_e2ee_key_open (key, iv, data, 3, data + 3, 97, tag));
  for (i = 0; i < sizeof (data); i++)
    fail_unless_equals_int (data[i], i);
  gst_e2ee_key_unref (key);
}

GST_END_TEST;

/* Encrypts a frame of @len bytes (first byte @first) under @key. */
static guint8 *
make_frame (GstE2eeKey * key, guint8 kid, GstE2eeCodec codec, guint8 first,
    gsize len, gsize * out_len, guint8 ** clear)
{
  static GstE2eeIvSource src;
  static gboolean src_init = FALSE;
  guint8 iv[12];
  guint8 *buf = g_malloc (len + GST_E2EE_JFRAME_TRAILER_SIZE);
  gsize i;

  if (!src_init) {
    fail_unless (gst_e2ee_iv_source_init (&src));
    src_init = TRUE;
  }
  for (i = 0; i < len; i++)
    buf[i] = (guint8) (i * 31 + 7);
  if (len > 0)
    buf[0] = first;
  if (clear)
    *clear = g_memdup2 (buf, len);
  gst_e2ee_iv_source_next (&src, iv);
  fail_unless (gst_e2ee_jframe_seal (key, kid, iv, codec, buf, len, buf + len));
  *out_len = len + GST_E2EE_JFRAME_TRAILER_SIZE;
  return buf;
}

static GstE2eeKey *
jitsi_key (guint8 seed)
{
  guint8 m[32];

  memset (m, seed, sizeof (m));
  return gst_e2ee_key_new (GST_E2EE_KDF_JITSI, m, sizeof (m), NULL);
}

GST_START_TEST (test_parse_bounds)
{
  GstE2eeKey *key = jitsi_key (1);
  GstE2eeKeyRing *ring = gst_e2ee_key_ring_new (0);
  GstE2eeJFrameInfo info;
  guint8 *frame, *copy;
  gsize len, n, out = 0;

  gst_e2ee_key_ring_set_key (ring, 0, key);
  frame = make_frame (key, 0, GST_E2EE_CODEC_VP8, 0x10, 200, &len, NULL);

  /* every truncation: shorter than the trailer, or a trailer that lands
   * elsewhere; each must fail without reading outside [0, n) */
  for (n = 0; n < len; n++) {
    GstE2eeFrameResult r;

    copy = g_memdup2 (frame, n);
    r = gst_e2ee_jframe_open (ring, GST_E2EE_CODEC_VP8, 8, copy, n, NULL, &out,
        NULL);
    fail_if (r == GST_E2EE_FRAME_OK, "truncated to %" G_GSIZE_FORMAT, n);
    if (n < GST_E2EE_JFRAME_TRAILER_SIZE)
      fail_unless_equals_int (r, GST_E2EE_FRAME_TOO_SHORT);
    fail_unless (n == 0 || memcmp (copy, frame, n) == 0,
        "a failed open changed the frame");
    g_free (copy);
  }

  /* the IV length byte must be 12 */
  copy = g_memdup2 (frame, len);
  copy[len - 2] = 16;
  fail_unless_equals_int (gst_e2ee_jframe_parse (GST_E2EE_CODEC_VP8, copy,
          len, &info), GST_E2EE_FRAME_BAD_IV_LENGTH);
  fail_unless_equals_int (gst_e2ee_jframe_open (ring, GST_E2EE_CODEC_VP8, 8,
          copy, len, NULL, &out, NULL), GST_E2EE_FRAME_BAD_IV_LENGTH);
  g_free (copy);

  /* a frame of exactly the trailer: everything is trailer */
  fail_unless_equals_int (gst_e2ee_jframe_parse (GST_E2EE_CODEC_VP8,
          frame + len - GST_E2EE_JFRAME_TRAILER_SIZE,
          GST_E2EE_JFRAME_TRAILER_SIZE, &info), GST_E2EE_FRAME_OK);
  fail_unless_equals_int (info.clear_len, 0);
  fail_unless_equals_int (info.ciphertext_len, 0);

  fail_unless_equals_int (gst_e2ee_jframe_parse (GST_E2EE_CODEC_VP8, frame,
          len, &info), GST_E2EE_FRAME_OK);
  fail_unless_equals_int (info.clear_len, 10);
  fail_unless_equals_int (info.ciphertext_len, 190);
  fail_unless_equals_int (info.kid, 0);

  g_free (frame);
  gst_e2ee_key_ring_unref (ring);
  gst_e2ee_key_unref (key);
}

GST_END_TEST;

GST_START_TEST (test_tamper_every_byte)
{
  GstE2eeKey *key = jitsi_key (2);
  GstE2eeKeyRing *ring = gst_e2ee_key_ring_new (0);
  guint8 *frame, *clear;
  gsize len, i, out = 0;

  gst_e2ee_key_ring_set_key (ring, 0, key);
  /* a VP8 delta frame (P bit 1): 3 clear bytes */
  frame = make_frame (key, 0, GST_E2EE_CODEC_VP8, 0x31, 64, &len, &clear);

  /* one bit of every byte, bit position rotating, and the whole of the
   * first, tag, IV and trailer bytes */
  for (i = 0; i < len; i++) {
    guint bit;

    for (bit = 0; bit < 8; bit++) {
      guint8 *copy;

      if (bit != i % 8 && i > 0 && i < len - 30)
        continue;
      copy = g_memdup2 (frame, len);
      copy[i] ^= 1 << bit;
      fail_if (gst_e2ee_jframe_open (ring, GST_E2EE_CODEC_VP8, 8, copy, len,
              NULL, &out, NULL) == GST_E2EE_FRAME_OK,
          "flipped bit %u of byte %" G_GSIZE_FORMAT " went unnoticed", bit, i);
      g_free (copy);
    }
  }

  /* untouched, it opens */
  fail_unless_equals_int (gst_e2ee_jframe_open (ring, GST_E2EE_CODEC_VP8, 8,
          frame, len, NULL, &out, NULL), GST_E2EE_FRAME_OK);
  fail_unless_equals_int (out, 64);
  fail_unless (memcmp (frame, clear, 64) == 0);

  g_free (frame);
  g_free (clear);
  gst_e2ee_key_ring_unref (ring);
  gst_e2ee_key_unref (key);
}

GST_END_TEST;

GST_START_TEST (test_missing_key)
{
  GstE2eeKey *key = jitsi_key (3);
  GstE2eeKeyRing *ring = gst_e2ee_key_ring_new (0);
  guint8 *frame;
  gsize len, out = 0;

  gst_e2ee_key_ring_set_key (ring, 0, key);
  frame = make_frame (key, 5, GST_E2EE_CODEC_AUDIO, 0xfc, 40, &len, NULL);
  fail_unless_equals_int (gst_e2ee_jframe_open (ring, GST_E2EE_CODEC_AUDIO, 8,
          frame, len, NULL, &out, NULL), GST_E2EE_FRAME_MISSING_KEY);

  /* KID 21 is slot 5 of a 16-slot ring, like the web clients' % 16 */
  gst_e2ee_key_ring_set_key (ring, 21, key);
  fail_unless_equals_int (gst_e2ee_jframe_open (ring, GST_E2EE_CODEC_AUDIO, 8,
          frame, len, NULL, &out, NULL), GST_E2EE_FRAME_OK);

  g_free (frame);
  gst_e2ee_key_ring_unref (ring);
  gst_e2ee_key_unref (key);
}

GST_END_TEST;

static GstE2eeKey *
ratchet_n (GstE2eeKey * key, guint n)
{
  GstE2eeKey *cur = gst_e2ee_key_ref (key);

  while (n--) {
    GstE2eeKey *next = gst_e2ee_key_ratchet (cur, NULL);

    gst_e2ee_key_unref (cur);
    cur = next;
  }
  return cur;
}

/* The split and out-of-place open that e2eedec uses for a trailer in its
 * own memory and for read-only frames: the same answers as the in-place
 * open, the input never written, nothing unauthenticated left in the
 * output. */
GST_START_TEST (test_open_split)
{
  GstE2eeKey *key = jitsi_key (1), *other = jitsi_key (2);
  GstE2eeKeyRing *ring = gst_e2ee_key_ring_new (0);
  GstE2eeKeyRing *wrong = gst_e2ee_key_ring_new (0);
  static const gsize sizes[] = { 1, 3, 10, 11, 200, 5000 };
  guint i, n_ratchets;

  gst_e2ee_key_ring_set_key (ring, 0, key);
  gst_e2ee_key_ring_set_key (wrong, 0, other);

  for (i = 0; i < G_N_ELEMENTS (sizes); i++) {
    guint8 *clear, *frame, *copy, *out;
    const guint8 *trailer;
    gsize len, body = sizes[i];

    frame = make_frame (key, 0, GST_E2EE_CODEC_VP8, 0x10, body, &len, &clear);
    trailer = frame + body;
    copy = g_memdup2 (frame, len);
    out = g_malloc (body + 1);

    /* out of place: plaintext in out, the frame untouched */
    memset (out, 0xee, body + 1);
    fail_unless_equals_int (gst_e2ee_jframe_open_split (ring,
            GST_E2EE_CODEC_VP8, 8, frame, out, body, trailer, &n_ratchets),
        GST_E2EE_FRAME_OK);
    fail_unless (body == 0 || memcmp (out, clear, body) == 0);
    fail_unless_equals_int (out[body], 0xee);
    fail_unless (memcmp (frame, copy, len) == 0, "the input was written");
    fail_unless_equals_int (n_ratchets, 0);

    /* the wrong key: out holds the input, not its decryption */
    memset (out, 0xee, body + 1);
    fail_if (gst_e2ee_jframe_open_split (wrong, GST_E2EE_CODEC_VP8, 0,
            frame, out, body, trailer, NULL) == GST_E2EE_FRAME_OK);
    fail_unless (body == 0 || memcmp (out, frame, body) == 0);

    /* in place, the trailer elsewhere (a memory of its own) */
    memcpy (out, frame, body);
    fail_unless_equals_int (gst_e2ee_jframe_open_split (ring,
            GST_E2EE_CODEC_VP8, 8, out, out, body, trailer, NULL),
        GST_E2EE_FRAME_OK);
    fail_unless (body == 0 || memcmp (out, clear, body) == 0);

    /* a flipped bit anywhere fails and leaves the bytes as they came */
    if (body > 0) {
      memcpy (out, frame, body);
      out[body / 2] ^= 0x20;
      fail_unless_equals_int (gst_e2ee_jframe_open_split (ring,
              GST_E2EE_CODEC_VP8, 8, out, out, body, trailer, NULL),
          GST_E2EE_FRAME_AUTH_FAILED);
      out[body / 2] ^= 0x20;
      fail_unless (memcmp (out, frame, body) == 0);
    }

    g_free (out);
    g_free (copy);
    g_free (clear);
    g_free (frame);
  }

  /* the trailer's own checks */
  {
    guint8 trailer[GST_E2EE_JFRAME_TRAILER_SIZE] = { 0 }, body[8] = { 0 };

    fail_unless_equals_int (gst_e2ee_jframe_open_split (ring,
            GST_E2EE_CODEC_VP8, 8, body, body, sizeof (body), trailer, NULL),
        GST_E2EE_FRAME_BAD_IV_LENGTH);
    trailer[GST_E2EE_JFRAME_TRAILER_SIZE - 2] = 12;
    trailer[GST_E2EE_JFRAME_TRAILER_SIZE - 1] = 16;
    fail_unless_equals_int (gst_e2ee_jframe_open_split (ring,
            GST_E2EE_CODEC_VP8, 8, body, body, sizeof (body), trailer, NULL),
        GST_E2EE_FRAME_MISSING_KEY);
    /* the codecs whose frames are rewritten need the whole frame */
    fail_unless_equals_int (gst_e2ee_jframe_open_split (ring,
            GST_E2EE_CODEC_H264, 8, body, body, sizeof (body), trailer, NULL),
        GST_E2EE_FRAME_BAD_HEADER);
  }

  gst_e2ee_key_ring_unref (ring);
  gst_e2ee_key_ring_unref (wrong);
  gst_e2ee_key_unref (key);
  gst_e2ee_key_unref (other);
}

GST_END_TEST;

/* Sealing into other memory (a frame that may not be written) gives the
 * bytes that sealing in place gives, and leaves the frame as it was. */
GST_START_TEST (test_seal_into_fixed)
{
  GstE2eeKey *key = jitsi_key (3);
  static const gsize sizes[] = { 1, 2, 10, 11, 300, 4000 };
  guint8 iv[12];
  guint i;

  memset (iv, 0x5c, sizeof (iv));
  for (i = 0; i < G_N_ELEMENTS (sizes); i++) {
    gsize size = sizes[i], sealed = 0, j;
    guint8 *frame = g_malloc (size), *copy, *in_place, *out;

    for (j = 0; j < size; j++)
      frame[j] = (guint8) (j * 29 + i);
    frame[0] = 0x10;
    copy = g_memdup2 (frame, size);
    in_place = g_malloc (size + GST_E2EE_JFRAME_TRAILER_SIZE);
    memcpy (in_place, frame, size);
    fail_unless (gst_e2ee_jframe_seal (key, 2, iv, GST_E2EE_CODEC_VP8,
            in_place, size, in_place + size));
    out = g_malloc (size + GST_E2EE_JFRAME_TRAILER_SIZE);
    fail_unless_equals_int (gst_e2ee_jframe_seal_into (key, 2, iv,
            GST_E2EE_CODEC_VP8, frame, size, out,
            size + GST_E2EE_JFRAME_TRAILER_SIZE, &sealed), GST_E2EE_FRAME_OK);
    fail_unless_equals_int (sealed, size + GST_E2EE_JFRAME_TRAILER_SIZE);
    fail_unless (memcmp (out, in_place, sealed) == 0, "size %" G_GSIZE_FORMAT,
        size);
    fail_unless (memcmp (frame, copy, size) == 0, "the frame was written");
    /* too little room: nothing written, the room it needs told */
    fail_unless_equals_int (gst_e2ee_jframe_seal_into (key, 2, iv,
            GST_E2EE_CODEC_VP8, frame, size, out, size, &sealed),
        GST_E2EE_FRAME_NO_SPACE);
    fail_unless_equals_int (sealed, size + GST_E2EE_JFRAME_TRAILER_SIZE);
    g_free (frame);
    g_free (copy);
    g_free (in_place);
    g_free (out);
  }
  gst_e2ee_key_unref (key);
}

GST_END_TEST;

GST_START_TEST (test_ratchet_window)
{
  GstE2eeKey *key = jitsi_key (4);
  guint steps;

  for (steps = 1; steps <= 9; steps++) {
    GstE2eeKeyRing *ring = gst_e2ee_key_ring_new (0);
    GstE2eeKey *sender = ratchet_n (key, steps);
    guint8 *frame, *clear;
    gsize len, out = 0;
    guint n = 0;
    GstE2eeFrameResult r;

    gst_e2ee_key_ring_set_key (ring, 0, key);
    frame = make_frame (sender, 0, GST_E2EE_CODEC_AUDIO, 0x78, 100, &len,
        &clear);
    r = gst_e2ee_jframe_open (ring, GST_E2EE_CODEC_AUDIO, 8, frame, len, NULL,
        &out, &n);
    g_free (frame);

    if (steps <= 8) {
      GstE2eeKey *in_ring;

      fail_unless_equals_int (r, GST_E2EE_FRAME_OK);
      fail_unless_equals_int (n, steps);
      /* the ring moved to the ratcheted key: the next frame needs none */
      in_ring = gst_e2ee_key_ring_get_key (ring, 0);
      assert_same_aes_key (in_ring, sender);
      gst_e2ee_key_unref (in_ring);
      frame = make_frame (sender, 0, GST_E2EE_CODEC_AUDIO, 0x78, 100, &len,
          NULL);
      fail_unless_equals_int (gst_e2ee_jframe_open (ring,
              GST_E2EE_CODEC_AUDIO, 8, frame, len, NULL, &out, &n),
          GST_E2EE_FRAME_OK);
      fail_unless_equals_int (n, 0);
      g_free (frame);
    } else {
      GstE2eeKey *in_ring;

      fail_unless_equals_int (r, GST_E2EE_FRAME_AUTH_FAILED);
      /* beyond the window the old key stays, and still works */
      in_ring = gst_e2ee_key_ring_get_key (ring, 0);
      fail_unless (in_ring == key);
      gst_e2ee_key_unref (in_ring);
      frame = make_frame (key, 0, GST_E2EE_CODEC_AUDIO, 0x78, 100, &len, NULL);
      fail_unless_equals_int (gst_e2ee_jframe_open (ring,
              GST_E2EE_CODEC_AUDIO, 8, frame, len, NULL, &out, &n),
          GST_E2EE_FRAME_OK);
      g_free (frame);
    }
    g_free (clear);
    gst_e2ee_key_unref (sender);
    gst_e2ee_key_ring_unref (ring);
  }

  gst_e2ee_key_unref (key);
}

GST_END_TEST;

GST_START_TEST (test_previous_key)
{
  GstE2eeKey *k1 = jitsi_key (5), *k2 = jitsi_key (6), *k3 = jitsi_key (7);
  GstE2eeKeyRing *ring = gst_e2ee_key_ring_new (0);
  guint8 *f1, *f2;
  gsize l1, l2, out = 0;

  gst_e2ee_key_ring_set_key (ring, 0, k1);
  f1 = make_frame (k1, 0, GST_E2EE_CODEC_AUDIO, 0x78, 50, &l1, NULL);
  f2 = make_frame (k1, 0, GST_E2EE_CODEC_AUDIO, 0x78, 50, &l2, NULL);

  /* a frame in flight across a key change still opens */
  gst_e2ee_key_ring_set_key (ring, 0, k2);
  fail_unless_equals_int (gst_e2ee_jframe_open (ring, GST_E2EE_CODEC_AUDIO, 0,
          f1, l1, NULL, &out, NULL), GST_E2EE_FRAME_OK);

  /* but only the one before: two changes later it is gone */
  gst_e2ee_key_ring_set_key (ring, 0, k3);
  fail_unless_equals_int (gst_e2ee_jframe_open (ring, GST_E2EE_CODEC_AUDIO, 8,
          f2, l2, NULL, &out, NULL), GST_E2EE_FRAME_AUTH_FAILED);

  /* emptying a slot forgets the previous key too */
  gst_e2ee_key_ring_set_key (ring, 0, NULL);
  fail_unless (gst_e2ee_key_ring_get_previous_key (ring, 0) == NULL);
  fail_unless_equals_int (gst_e2ee_jframe_open (ring, GST_E2EE_CODEC_AUDIO, 8,
          f2, l2, NULL, &out, NULL), GST_E2EE_FRAME_MISSING_KEY);

  g_free (f1);
  g_free (f2);
  gst_e2ee_key_ring_unref (ring);
  gst_e2ee_key_unref (k1);
  gst_e2ee_key_unref (k2);
  gst_e2ee_key_unref (k3);
}

GST_END_TEST;

/* What a forged frame (a trailer that looks valid, no key holder made it)
 * costs a receiver, counted: the key derivations and the AES-GCM passes
 * over its ciphertext. With a passphrase key each ratchet step is two
 * PBKDF2 runs of 100000 iterations: the window's steps may be derived
 * once, for the first frame that needs them, never again; and the GCM
 * passes stay within the bound of docs/security.md (attempts capped at
 * 2 + window + 8, plus one pass to restore the first). */
#define FORGED_WINDOW 8
#define FORGED_MAX_PASSES (2 + FORGED_WINDOW + 8 + 1)

static void
count_open (GstE2eeKeyRing * ring, GstE2eeCodec codec, const guint8 * frame,
    gsize len, GstE2eeFrameResult want, guint64 * derivations, guint64 * passes)
{
  guint8 *copy = g_memdup2 (frame, len);
  guint64 d0, p0, d1, p1;
  gsize out = 0;

  _gst_e2ee_key_get_counters (&d0, &p0);
  fail_unless_equals_int (gst_e2ee_jframe_open (ring, codec, FORGED_WINDOW,
          copy, len, NULL, &out, NULL), want);
  _gst_e2ee_key_get_counters (&d1, &p1);
  *derivations = d1 - d0;
  *passes = p1 - p0;
  g_free (copy);
}

GST_START_TEST (test_forged_frame_cost)
{
  GError *err = NULL;
  GstE2eeKey *key = gst_e2ee_key_new_from_passphrase (GST_E2EE_KDF_LIVEKIT,
      "correct horse battery staple", &err);
  GstE2eeKey *old = gst_e2ee_key_new_from_passphrase (GST_E2EE_KDF_LIVEKIT,
      "an older passphrase", &err);
  GstE2eeKeyRing *ring = gst_e2ee_key_ring_new (0);
  guint8 forged[1000 + GST_E2EE_JFRAME_TRAILER_SIZE], *h264, *frame;
  static const gchar *h264_header =
      /* SPS and PPS three times, so the receiver has several headers to
       * try; the slice's NAL unit header and one byte */
      "0000000167640016acd9405005bb0110000003001000000303c8f162d960"
      "0000000168ebe3cb22c0"
      "0000000167640016acd9405005bb0110000003001000000303c8f162d960"
      "0000000168ebe3cb22c0"
      "0000000167640016acd9405005bb0110000003001000000303c8f162d960"
      "0000000168ebe3cb22c0" "0000000165b8";
  GBytes *hb = hex (h264_header);
  gsize hlen, h264_len, len, out = 0, i;
  const guint8 *hd = g_bytes_get_data (hb, &hlen);
  guint64 d, p;
  guint n = 0;
  GstE2eeKey *sender;

  fail_unless (key != NULL && old != NULL);
  gst_e2ee_key_ring_set_key (ring, 0, old);
  gst_e2ee_key_ring_set_key (ring, 0, key);

  /* an Opus frame, random body, KID 0 */
  fail_unless (gst_e2ee_random_bytes (forged, sizeof (forged)));
  forged[sizeof (forged) - 2] = GST_E2EE_IV_SIZE;
  forged[sizeof (forged) - 1] = 0;

  /* the first forged frame derives the window (2 PBKDF2 runs a step) */
  count_open (ring, GST_E2EE_CODEC_AUDIO, forged, sizeof (forged),
      GST_E2EE_FRAME_AUTH_FAILED, &d, &p);
  fail_unless (d <= 2 * FORGED_WINDOW, "%" G_GUINT64_FORMAT, d);
  fail_unless (p <= FORGED_MAX_PASSES, "%" G_GUINT64_FORMAT, p);

  /* later ones derive nothing: the steps are cached in the key */
  for (i = 0; i < 3; i++) {
    forged[0] ^= 1;
    count_open (ring, GST_E2EE_CODEC_AUDIO, forged, sizeof (forged),
        GST_E2EE_FRAME_AUTH_FAILED, &d, &p);
    fail_unless_equals_uint64 (d, 0);
    /* current, previous and 8 ratchets, one pass each, and a restore */
    fail_unless (p <= FORGED_MAX_PASSES, "%" G_GUINT64_FORMAT, p);
    fail_unless_equals_uint64 (p, 2 + FORGED_WINDOW + 1);
  }

  /* an H.264 frame with three headers to try and both readings of the
   * trailer (it ends in 0c 0c: KID 12, or a KID 0 cut by the payloader),
   * KIDs 0 and 12 both holding keys with a previous key: without a cap
   * that is 3 headers x 10 keys x 2 readings */
  gst_e2ee_key_ring_set_key (ring, 12, old);
  gst_e2ee_key_ring_set_key (ring, 12, key);
  h264_len = hlen + 4000 + GST_E2EE_JFRAME_TRAILER_SIZE - 1;
  h264 = g_malloc (h264_len);
  memcpy (h264, hd, hlen);
  fail_unless (gst_e2ee_random_bytes (h264 + hlen, h264_len - hlen));
  /* no zero bytes: nothing to unescape, no start code */
  for (i = hlen; i < h264_len; i++)
    h264[i] |= 0x10;
  h264[h264_len - 2] = GST_E2EE_IV_SIZE;
  h264[h264_len - 1] = GST_E2EE_IV_SIZE;
  for (i = 0; i < 3; i++) {
    h264[h264_len - 20] ^= 1;
    count_open (ring, GST_E2EE_CODEC_H264, h264, h264_len,
        GST_E2EE_FRAME_AUTH_FAILED, &d, &p);
    fail_unless_equals_uint64 (d, 0);
    fail_unless (p <= FORGED_MAX_PASSES, "%" G_GUINT64_FORMAT, p);
  }

  /* the cap and the cache cost genuine frames nothing: one sealed three
   * ratchet steps ahead opens with no derivation, in two passes for the
   * current key (decrypted in place and put back), one for each other key
   * tried (the previous one and three ratchets, verified only) and one to
   * decrypt */
  sender = ratchet_n (key, 3);
  frame = make_frame (sender, 0, GST_E2EE_CODEC_AUDIO, 0x78, 500, &len, NULL);
  count_open (ring, GST_E2EE_CODEC_AUDIO, frame, len, GST_E2EE_FRAME_OK, &d,
      &p);
  fail_unless_equals_uint64 (d, 0);
  fail_unless_equals_uint64 (p, 2 + 1 + 3 + 1);
  g_free (frame);
  frame = make_frame (sender, 0, GST_E2EE_CODEC_AUDIO, 0x78, 500, &len, NULL);
  fail_unless_equals_int (gst_e2ee_jframe_open (ring, GST_E2EE_CODEC_AUDIO,
          FORGED_WINDOW, frame, len, NULL, &out, &n), GST_E2EE_FRAME_OK);
  fail_unless_equals_int (n, 0);
  g_free (frame);

  g_free (h264);
  g_bytes_unref (hb);
  gst_e2ee_key_unref (sender);
  gst_e2ee_key_unref (key);
  gst_e2ee_key_unref (old);
  gst_e2ee_key_ring_unref (ring);
}

GST_END_TEST;

GST_START_TEST (test_clear_header_rules)
{
  guint8 key_frame[20] = { 0x50, }, delta[20] = { 0x51, };
  GstE2eeKey *key = jitsi_key (8);
  GstE2eeKeyRing *ring = gst_e2ee_key_ring_new (0);
  gsize n;

  fail_unless_equals_int (gst_e2ee_codec_clear_size (GST_E2EE_CODEC_VP8,
          key_frame, 20), 10);
  fail_unless_equals_int (gst_e2ee_codec_clear_size (GST_E2EE_CODEC_VP8,
          delta, 20), 3);
  fail_unless_equals_int (gst_e2ee_codec_clear_size (GST_E2EE_CODEC_AUDIO,
          delta, 20), 1);
  fail_unless_equals_int (gst_e2ee_codec_clear_size (GST_E2EE_CODEC_VP8,
          key_frame, 4), 4);
  fail_unless_equals_int (gst_e2ee_codec_clear_size (GST_E2EE_CODEC_AUDIO,
          key_frame, 0), 0);

  /* frames shorter than their clear header round-trip */
  gst_e2ee_key_ring_set_key (ring, 0, key);
  for (n = 1; n <= 12; n++) {
    guint8 *clear, *frame;
    gsize len, out = 0;

    frame = make_frame (key, 0, GST_E2EE_CODEC_VP8, 0x50, n, &len, &clear);
    fail_unless_equals_int (gst_e2ee_jframe_open (ring, GST_E2EE_CODEC_VP8, 8,
            frame, len, NULL, &out, NULL), GST_E2EE_FRAME_OK);
    fail_unless_equals_int (out, n);
    fail_unless (memcmp (frame, clear, n) == 0);
    g_free (frame);
    g_free (clear);
  }
  gst_e2ee_key_ring_unref (ring);
  gst_e2ee_key_unref (key);
}

GST_END_TEST;

GST_START_TEST (test_iv_source)
{
  GstE2eeIvSource a, b;
  GHashTable *seen = g_hash_table_new_full (g_bytes_hash, g_bytes_equal,
      (GDestroyNotify) g_bytes_unref, NULL);
  guint8 iv[12], first_a[12], first_b[12];
  guint i;

  fail_unless (gst_e2ee_iv_source_init (&a));
  fail_unless (gst_e2ee_iv_source_init (&b));
  gst_e2ee_iv_source_next (&a, first_a);
  gst_e2ee_iv_source_next (&b, first_b);
  /* prefix and start drawn independently (2^-32 chance of a false failure
   * each) */
  fail_if (memcmp (first_a, first_b, 4) == 0);
  fail_if (memcmp (first_a + 4, first_b + 4, 8) == 0);

  g_hash_table_add (seen, g_bytes_new (first_a, 12));
  for (i = 0; i < 100000; i++) {
    gst_e2ee_iv_source_next (&a, iv);
    fail_unless (memcmp (iv, first_a, 4) == 0);
    fail_unless (read_be64 (iv + 4) == read_be64 (first_a + 4) + i + 1);
    fail_unless (g_hash_table_add (seen, g_bytes_new (iv, 12)), "IV repeated");
  }
  g_hash_table_unref (seen);

  /* the counter wraps instead of overflowing into the prefix */
  gst_e2ee_iv_source_init_full (&b, 0x01020304, G_MAXUINT64);
  gst_e2ee_iv_source_next (&b, iv);
  gst_e2ee_iv_source_next (&b, iv);
  fail_unless_equals_uint64 (read_be32 (iv), 0x01020304);
  fail_unless_equals_uint64 (read_be64 (iv + 4), 0);
}

GST_END_TEST;

static Suite *
core_suite (void)
{
  Suite *s = suite_create ("e2ee-core");
  TCase *tc = tcase_create ("general");

  suite_add_tcase (s, tc);
  tcase_set_timeout (tc, 120);
  tcase_add_test (tc, test_jitsi_vectors);
  tcase_add_test (tc, test_jitsi_key_schedule);
  tcase_add_test (tc, test_livekit_raw_key_schedule);
  tcase_add_test (tc, test_livekit_passphrase_rounds);
  tcase_add_test (tc, test_talk_vectors);
  tcase_add_test (tc, test_livekit_256_vectors);
  tcase_add_test (tc, test_bad_configuration);
  tcase_add_test (tc, test_raw_aes256);
  tcase_add_test (tc, test_parse_bounds);
  tcase_add_test (tc, test_tamper_every_byte);
  tcase_add_test (tc, test_missing_key);
  tcase_add_test (tc, test_open_split);
  tcase_add_test (tc, test_seal_into_fixed);
  tcase_add_test (tc, test_ratchet_window);
  tcase_add_test (tc, test_previous_key);
  tcase_add_test (tc, test_forged_frame_cost);
  tcase_add_test (tc, test_clear_header_rules);
  tcase_add_test (tc, test_iv_source);
  return s;
}

GST_CHECK_MAIN (core);
