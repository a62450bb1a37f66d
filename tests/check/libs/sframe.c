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


/* SFrame (RFC 9605): every vector of tests/data/sframe/ (header encodings,
 * the AES-CTR+HMAC AEAD, full SFrame for suites 1-8), then what the vectors
 * do not cover: minimal-encoding refusal, key usage, the replay window, the
 * sending counter's start and end, malformed frames, round trips. */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <gst/check/gstcheck.h>
#include <gst/e2ee/e2ee.h>
#include <gst/e2ee/frame/gste2eesframe-private.h>
#include <gst/e2ee/frame/gste2eejframe-private.h>
#include <json-glib/json-glib.h>
#include <stdlib.h>
#include <string.h>

#define ALL_SUITES 8

typedef struct
{
  guint8 data[256];
  gsize len;
} Bytes;

/* hex into a fixed buffer: the text vectors wrap values over lines, so
 * whitespace is skipped */
static Bytes
unhex (const gchar * str)
{
  Bytes b = { {0}, 0 };
  gint hi = -1;

  for (; *str; str++) {
    gint v;

    if (g_ascii_isspace (*str))
      continue;
    v = g_ascii_xdigit_value (*str);
    fail_unless (v >= 0, "not hex: %s", str);
    if (hi < 0) {
      hi = v;
    } else {
      fail_unless (b.len < sizeof (b.data));
      b.data[b.len++] = (hi << 4) | v;
      hi = -1;
    }
  }
  fail_unless (hi < 0, "odd hex length");
  return b;
}

static Bytes
member_hex (JsonObject * o, const gchar * name)
{
  return unhex (json_object_get_string_member (o, name));
}

#define assert_bytes(a, alen, b) G_STMT_START {                     \
    fail_unless_equals_uint64 ((alen), (b).len);                    \
    fail_unless (memcmp ((a), (b).data, (b).len) == 0, "bytes differ"); \
  } G_STMT_END

static gchar *
data_path (const gchar * name)
{
  return g_build_filename (g_getenv ("E2EE_TEST_DATA"), "sframe", name, NULL);
}

static JsonParser *
load_json (const gchar * name)
{
  JsonParser *parser = json_parser_new ();
  GError *err = NULL;
  gchar *path = data_path (name);

  fail_unless (json_parser_load_from_file (parser, path, &err), "%s: %s",
      path, err ? err->message : "");
  g_free (path);
  return parser;
}

static JsonArray *
vector_array (JsonParser * parser, const gchar * member)
{
  JsonObject *root = json_node_get_object (json_parser_get_root (parser));

  fail_unless (json_object_has_member (root, member), "no %s", member);
  return json_object_get_array_member (root, member);
}

/* kid and ctr of the full-SFrame vectors are small; the header vectors
 * (up to 2^64-1) come from the text file, which writes them in hex */
static guint64
member_u64 (JsonObject * o, const gchar * name)
{
  gint64 v = json_object_get_int_member (o, name);

  fail_unless (v >= 0);
  return (guint64) v;
}

/* Header vectors: RFC 9605 appendix C.1, text form (kid and ctr in hex, so
 * exact up to 2^64-1), checked against the JSON's encodings in order. */
GST_START_TEST (test_header_vectors)
{
  gchar *path = data_path ("rfc9605-appendix-c1-header.txt");
  gchar *text = NULL, **lines;
  JsonParser *parser = load_json ("rfc9605-test-vectors.json");
  JsonArray *json = vector_array (parser, "header");
  guint64 kid = 0, ctr = 0;
  guint n = 0, i, max_seen = 0;

  fail_unless (g_file_get_contents (path, &text, NULL, NULL));
  lines = g_strsplit (text, "\n", -1);
  for (i = 0; lines[i]; i++) {
    const gchar *l = lines[i];

    if (g_str_has_prefix (l, "kid: ")) {
      kid = g_ascii_strtoull (l + 5, NULL, 16);
    } else if (g_str_has_prefix (l, "ctr: ")) {
      ctr = g_ascii_strtoull (l + 5, NULL, 16);
    } else if (g_str_has_prefix (l, "header: ")) {
      /* long values go on over indented lines */
      GString *h = g_string_new (l + 8);
      Bytes want;
      Bytes from_json;
      /* one more: a byte after the header */
      guint8 out[GST_E2EE_SFRAME_MAX_HEADER_SIZE + 1];
      guint64 rkid, rctr;
      gsize len, hsize;

      while (lines[i + 1] && g_ascii_isspace (lines[i + 1][0]))
        g_string_append (h, lines[++i]);
      want = unhex (h->str);
      g_string_free (h, TRUE);
      fail_unless (n < json_array_get_length (json));
      from_json = member_hex (json_array_get_object_element (json, n),
          "encoded");
      assert_bytes (want.data, want.len, from_json);

      len = gst_e2ee_sframe_header_write (kid, ctr, out);
      assert_bytes (out, len, want);
      fail_unless_equals_uint64 (gst_e2ee_sframe_header_size (kid, ctr), len);
      fail_unless (gst_e2ee_sframe_header_read (want.data, want.len, &rkid,
              &rctr, &hsize));
      fail_unless_equals_uint64 (rkid, kid);
      fail_unless_equals_uint64 (rctr, ctr);
      fail_unless_equals_uint64 (hsize, want.len);
      /* trailing bytes belong to the ciphertext, not the header */
      out[len] = 0xaa;
      fail_unless (gst_e2ee_sframe_header_read (out, len + 1, &rkid, &rctr,
              &hsize));
      fail_unless_equals_uint64 (hsize, want.len);
      /* every truncation refused */
      for (hsize = 0; hsize < want.len; hsize++)
        fail_if (gst_e2ee_sframe_header_read (want.data, hsize, NULL, NULL,
                NULL));
      if (kid == G_MAXUINT64 && ctr == G_MAXUINT64)
        max_seen++;
      n++;
    }
  }
  fail_unless_equals_int (n, json_array_get_length (json));
  fail_unless_equals_int (n, 289);
  fail_unless_equals_int (max_seen, 1);
  g_strfreev (lines);
  g_free (text);
  g_free (path);
  g_object_unref (parser);
}

GST_END_TEST;

GST_START_TEST (test_header_refuses_non_minimal)
{
  /* each decodes to a value a shorter header carries */
  static const struct
  {
    const gchar *hex;
    const gchar *why;
  } bad[] = {
    {"8005", "KID 5 in an extended field"},
    {"8007", "KID 7 in an extended field"},
    {"0800", "CTR 0 in an extended field"},
    {"0807", "CTR 7 in an extended field"},
    {"900008", "KID with a leading zero byte"},
    {"0900ff", "CTR with a leading zero byte"},
    {"f000ffffffffffffff", "8-byte KID with a leading zero"},
    {"0f00ffffffffffffff", "8-byte CTR with a leading zero"},
    {"", "empty"},
    {"80", "KID length past the end"},
    {"f0ffffffffffffff", "8-byte KID one byte short"},
    {"ffffffffffffffffffffffffffffffff", "16 bytes of KID and CTR for 17"},
  };
  guint i;

  for (i = 0; i < G_N_ELEMENTS (bad); i++) {
    Bytes b = unhex (bad[i].hex);

    fail_if (gst_e2ee_sframe_header_read (b.data, b.len, NULL, NULL, NULL),
        "accepted %s (%s)", bad[i].hex, bad[i].why);
  }
}

GST_END_TEST;

GST_START_TEST (test_header_max)
{
  guint8 out[GST_E2EE_SFRAME_MAX_HEADER_SIZE];
  guint64 kid, ctr;
  gsize len, hsize;

  len = gst_e2ee_sframe_header_write (G_MAXUINT64, G_MAXUINT64, out);
  fail_unless_equals_uint64 (len, GST_E2EE_SFRAME_MAX_HEADER_SIZE);
  fail_unless_equals_int (out[0], 0xff);
  fail_unless (gst_e2ee_sframe_header_read (out, len, &kid, &ctr, &hsize));
  fail_unless_equals_uint64 (kid, G_MAXUINT64);
  fail_unless_equals_uint64 (ctr, G_MAXUINT64);
  fail_unless_equals_uint64 (hsize, 17);

  /* every boundary of every length, both fields */
  for (guint bits = 3; bits <= 64; bits++) {
    guint64 v = bits == 64 ? G_MAXUINT64 : (G_GUINT64_CONSTANT (1) << bits);
    guint64 vals[] = { v - 1, v };

    for (guint j = 0; j < 2; j++) {
      len = gst_e2ee_sframe_header_write (vals[j], vals[1 - j], out);
      fail_unless (gst_e2ee_sframe_header_read (out, len, &kid, &ctr, &hsize));
      fail_unless_equals_uint64 (kid, vals[j]);
      fail_unless_equals_uint64 (ctr, vals[1 - j]);
      fail_unless_equals_uint64 (hsize, len);
    }
  }
}

GST_END_TEST;

static void
check_aead_vector (JsonObject * v)
{
  GstE2eeSFrameSuite suite = member_u64 (v, "cipher_suite");
  Bytes key = member_hex (v, "key"), enc_key = member_hex (v, "enc_key");
  Bytes auth_key = member_hex (v, "auth_key"), nonce = member_hex (v, "nonce");
  Bytes aad = member_hex (v, "aad"), pt = member_hex (v, "pt");
  Bytes ct = member_hex (v, "ct");
  guint8 out[256];

  fail_unless_equals_uint64 (key.len, gst_e2ee_sframe_suite_key_size (suite));
  /* RFC 9605 4.5.1: the encryption key comes first_ctr */
  fail_unless (memcmp (key.data, enc_key.data, enc_key.len) == 0);
  fail_unless (memcmp (key.data + enc_key.len, auth_key.data,
          auth_key.len) == 0);
  fail_unless_equals_uint64 (ct.len,
      pt.len + gst_e2ee_sframe_suite_tag_size (suite));

  fail_unless (gst_e2ee_sframe_ctr_hmac_encrypt (suite, key.data,
          nonce.data, aad.data, aad.len, pt.data, pt.len, out));
  assert_bytes (out, pt.len + gst_e2ee_sframe_suite_tag_size (suite), ct);

  memset (out, 0, sizeof (out));
  fail_unless (gst_e2ee_sframe_ctr_hmac_decrypt (suite, key.data,
          nonce.data, aad.data, aad.len, ct.data, pt.len, out));
  assert_bytes (out, pt.len, pt);

  /* any flipped bit of ciphertext, tag or AAD fails, and leaves the output
   * untouched */
  for (gsize i = 0; i < ct.len; i++) {
    ct.data[i] ^= 0x01;
    memset (out, 0x5a, sizeof (out));
    fail_if (gst_e2ee_sframe_ctr_hmac_decrypt (suite, key.data, nonce.data,
            aad.data, aad.len, ct.data, pt.len, out));
    fail_unless_equals_int (out[0], 0x5a);
    ct.data[i] ^= 0x01;
  }
  aad.data[0] ^= 0x80;
  fail_if (gst_e2ee_sframe_ctr_hmac_decrypt (suite, key.data, nonce.data,
          aad.data, aad.len, ct.data, pt.len, out));
}

GST_START_TEST (test_aes_ctr_hmac_vectors)
{
  JsonParser *rfc = load_json ("rfc9605-test-vectors.json");
  JsonParser *wg = load_json ("sframe-wg-test-vectors-3d07d8f.json");
  const gchar *members[] = { "aes_ctr_hmac", "aes_256_ctr_hmac" };
  JsonArray *a;
  guint i, n = 0;

  a = vector_array (rfc, "aes_ctr_hmac");
  for (i = 0; i < json_array_get_length (a); i++, n++)
    check_aead_vector (json_array_get_object_element (a, i));
  fail_unless_equals_int (n, 3);
  for (guint m = 0; m < G_N_ELEMENTS (members); m++) {
    a = vector_array (wg, members[m]);
    for (i = 0; i < json_array_get_length (a); i++, n++)
      check_aead_vector (json_array_get_object_element (a, i));
  }
  fail_unless_equals_int (n, 9);
  g_object_unref (rfc);
  g_object_unref (wg);
}

GST_END_TEST;

/* One full-SFrame vector: the derivation's intermediate values, the sealed
 * frame under the vector's CTR, then opening it (and refusing it again). */
static void
check_sframe_vector (JsonObject * v, guint * suites_seen)
{
  GstE2eeSFrameSuite suite = member_u64 (v, "cipher_suite");
  guint64 kid = member_u64 (v, "kid"), ctr = member_u64 (v, "ctr");
  Bytes base_key = member_hex (v, "base_key");
  Bytes key_label = member_hex (v, "sframe_key_label");
  Bytes salt_label = member_hex (v, "sframe_salt_label");
  Bytes sframe_key = member_hex (v, "sframe_key");
  Bytes sframe_salt = member_hex (v, "sframe_salt");
  Bytes metadata = member_hex (v, "metadata"), nonce = member_hex (v, "nonce");
  Bytes aad = member_hex (v, "aad"), pt = member_hex (v, "pt");
  Bytes ct = member_hex (v, "ct");
  guint8 key[GST_E2EE_SFRAME_MAX_KEY_SIZE], salt[GST_E2EE_SFRAME_NONCE_SIZE];
  guint8 label[64], out[256], plain[256];
  GstE2eeSFrameContext *tx, *rx;
  gsize len, n, hsize;

  fail_unless (gst_e2ee_sframe_suite_is_valid (suite));
  suites_seen[suite - 1]++;

  /* the labels as RFC 9605 4.4.2 spells them, against the vector's */
  n = strlen ("SFrame 1.0 Secret key ");
  memcpy (label, "SFrame 1.0 Secret key ", n);
  for (guint i = 0; i < 8; i++)
    label[n + i] = kid >> (56 - 8 * i);
  label[n + 8] = suite >> 8;
  label[n + 9] = suite & 0xff;
  assert_bytes (label, n + 10, key_label);
  fail_unless_equals_uint64 (salt_label.len, n + 11);
  fail_unless (memcmp (salt_label.data, "SFrame 1.0 Secret salt ", n + 1)
      == 0);

  fail_unless (gst_e2ee_sframe_derive (suite, kid, base_key.data,
          base_key.len, key, salt));
  assert_bytes (key, gst_e2ee_sframe_suite_key_size (suite), sframe_key);
  assert_bytes (salt, sizeof (salt), sframe_salt);
  /* nonce = salt XOR CTR, left-padded */
  for (guint i = 0; i < 12; i++)
    fail_unless_equals_int (nonce.data[i], salt[i] ^ (i < 4 ? 0 :
            (guint8) (ctr >> (8 * (11 - i)))));

  tx = gst_e2ee_sframe_context_new (suite);
  fail_unless (gst_e2ee_sframe_context_add_key (tx, kid, base_key.data,
          base_key.len, GST_E2EE_SFRAME_KEY_ENCRYPT));
  fail_unless_equals_int (gst_e2ee_sframe_context_seal_with_ctr (tx, ctr,
          metadata.data, metadata.len, pt.data, pt.len, out, sizeof (out),
          &len), GST_E2EE_FRAME_OK);
  assert_bytes (out, len, ct);
  /* AAD = header || metadata */
  fail_unless (gst_e2ee_sframe_header_read (ct.data, ct.len, NULL, NULL,
          &hsize));
  fail_unless_equals_uint64 (aad.len, hsize + metadata.len);
  fail_unless (memcmp (aad.data, ct.data, hsize) == 0);
  fail_unless (memcmp (aad.data + hsize, metadata.data, metadata.len) == 0);

  rx = gst_e2ee_sframe_context_new (suite);
  fail_unless (gst_e2ee_sframe_context_add_key (rx, kid, base_key.data,
          base_key.len, GST_E2EE_SFRAME_KEY_DECRYPT));
  /* without the metadata the tag fails */
  fail_unless_equals_int (gst_e2ee_sframe_context_open (rx, NULL, 0, ct.data,
          ct.len, plain, sizeof (plain), &len), GST_E2EE_FRAME_AUTH_FAILED);
  fail_unless_equals_int (gst_e2ee_sframe_context_open (rx, metadata.data,
          metadata.len, ct.data, ct.len, plain, sizeof (plain), &len),
      GST_E2EE_FRAME_OK);
  assert_bytes (plain, len, pt);
  fail_unless_equals_int (gst_e2ee_sframe_context_open (rx, metadata.data,
          metadata.len, ct.data, ct.len, plain, sizeof (plain), &len),
      GST_E2EE_FRAME_REPLAY);
  gst_e2ee_sframe_context_free (tx);
  gst_e2ee_sframe_context_free (rx);
}

GST_START_TEST (test_sframe_vectors)
{
  static const struct
  {
    const gchar *file, *member;
    guint count;
  } sets[] = {
    {"rfc9605-test-vectors.json", "sframe", 5},
    {"sframe-wg-test-vectors-3d07d8f.json", "sframe", 5},
    {"sframe-wg-test-vectors-aes256-3d07d8f.json",
        "sframe_aes_256_ctr_hmac", 3},
  };
  guint suites_seen[ALL_SUITES] = { 0 };

  for (guint s = 0; s < G_N_ELEMENTS (sets); s++) {
    JsonParser *p = load_json (sets[s].file);
    JsonArray *a = vector_array (p, sets[s].member);

    fail_unless_equals_int (json_array_get_length (a), sets[s].count);
    for (guint i = 0; i < json_array_get_length (a); i++)
      check_sframe_vector (json_array_get_object_element (a, i), suites_seen);
    g_object_unref (p);
  }
  for (guint s = 0; s < ALL_SUITES; s++)
    fail_unless (suites_seen[s] > 0, "no vector for suite %u", s + 1);
}

GST_END_TEST;

static const guint8 base_key_a[16] = "0123456789abcdef";
static const guint8 base_key_b[32] = "another base key, 32 bytes long";

static void
make_pair (GstE2eeSFrameSuite suite, guint64 kid, GstE2eeSFrameContext ** tx,
    GstE2eeSFrameContext ** rx)
{
  *tx = gst_e2ee_sframe_context_new (suite);
  *rx = gst_e2ee_sframe_context_new (suite);
  fail_unless (gst_e2ee_sframe_context_add_key (*tx, kid, base_key_a,
          sizeof (base_key_a), GST_E2EE_SFRAME_KEY_ENCRYPT));
  fail_unless (gst_e2ee_sframe_context_add_key (*rx, kid, base_key_a,
          sizeof (base_key_a), GST_E2EE_SFRAME_KEY_DECRYPT));
}

/* Frames of many sizes through every suite, separate buffers and in place;
 * the header carries the counter the sender advanced. */
GST_START_TEST (test_roundtrip_all_suites)
{
  guint8 frame[1500], sealed[1600], plain[1600];
  guint64 kids[] = { 0, 7, 8, 1000, G_MAXUINT64 };

  for (guint i = 0; i < sizeof (frame); i++)
    frame[i] = g_random_int ();
  for (guint s = 1; s <= ALL_SUITES; s++) {
    for (guint k = 0; k < G_N_ELEMENTS (kids); k++) {
      GstE2eeSFrameContext *tx, *rx;
      guint64 first_ctr = 0, kid, ctr;

      make_pair (s, kids[k], &tx, &rx);
      fail_unless (gst_e2ee_sframe_context_get_next_ctr (tx, &first_ctr));
      fail_unless (first_ctr < (G_GUINT64_CONSTANT (1) << 63));
      for (guint f = 0; f < 40; f++) {
        gsize size = (f * 37) % sizeof (frame), len, plen, hsize;

        fail_unless_equals_int (gst_e2ee_sframe_context_seal (tx, NULL, 0,
                frame, size, sealed, sizeof (sealed), &len), GST_E2EE_FRAME_OK);
        fail_unless (len <= size + gst_e2ee_sframe_context_overhead (tx));
        fail_unless (gst_e2ee_sframe_header_read (sealed, len, &kid, &ctr,
                &hsize));
        fail_unless_equals_uint64 (kid, kids[k]);
        fail_unless_equals_uint64 (ctr, first_ctr + f);
        fail_unless_equals_uint64 (len,
            hsize + size + gst_e2ee_sframe_suite_tag_size (s));
        if (size > 16)
          fail_if (memcmp (sealed + hsize, frame, 16) == 0);
        if (f % 2) {
          fail_unless_equals_int (gst_e2ee_sframe_context_open (rx, NULL, 0,
                  sealed, len, plain, sizeof (plain), &plen),
              GST_E2EE_FRAME_OK);
          fail_unless_equals_uint64 (plen, size);
          fail_unless (memcmp (plain, frame, size) == 0);
        } else {
          /* in place: the plaintext replaces the ciphertext */
          fail_unless_equals_int (gst_e2ee_sframe_context_open (rx, NULL, 0,
                  sealed, len, sealed + hsize, len - hsize, &plen),
              GST_E2EE_FRAME_OK);
          fail_unless_equals_uint64 (plen, size);
          fail_unless (memcmp (sealed + hsize, frame, size) == 0);
        }
      }
      gst_e2ee_sframe_context_free (tx);
      gst_e2ee_sframe_context_free (rx);
    }
  }
}

GST_END_TEST;

/* RFC 9605 4.4.1: a key marked for one direction is useless for the
 * other. */
GST_START_TEST (test_key_usage)
{
  GstE2eeSFrameContext *tx, *rx;
  guint8 frame[100] = { 1, 2, 3 }, sealed[200], plain[200];
  gsize len;

  make_pair (GST_E2EE_SFRAME_SUITE_AES_128_GCM_SHA256_128, 3, &tx, &rx);
  /* the receiver cannot seal with its decrypt key */
  fail_if (gst_e2ee_sframe_context_set_encrypt_kid (rx, 3));
  fail_if (gst_e2ee_sframe_context_set_next_ctr (rx, 3, 0));
  fail_unless_equals_int (gst_e2ee_sframe_context_seal (rx, NULL, 0, frame,
          sizeof (frame), sealed, sizeof (sealed), &len),
      GST_E2EE_FRAME_MISSING_KEY);
  /* the sender cannot open its own frames */
  fail_unless_equals_int (gst_e2ee_sframe_context_seal (tx, NULL, 0, frame,
          sizeof (frame), sealed, sizeof (sealed), &len), GST_E2EE_FRAME_OK);
  fail_unless_equals_int (gst_e2ee_sframe_context_open (tx, NULL, 0, sealed,
          len, plain, sizeof (plain), NULL), GST_E2EE_FRAME_MISSING_KEY);
  fail_unless_equals_int (gst_e2ee_sframe_context_open (rx, NULL, 0, sealed,
          len, plain, sizeof (plain), NULL), GST_E2EE_FRAME_OK);

  /* removing the key makes its KID unknown */
  fail_unless (gst_e2ee_sframe_context_remove_key (rx, 3));
  fail_if (gst_e2ee_sframe_context_remove_key (rx, 3));
  fail_unless_equals_int (gst_e2ee_sframe_context_seal (tx, NULL, 0, frame,
          sizeof (frame), sealed, sizeof (sealed), &len), GST_E2EE_FRAME_OK);
  fail_unless_equals_int (gst_e2ee_sframe_context_open (rx, NULL, 0, sealed,
          len, plain, sizeof (plain), NULL), GST_E2EE_FRAME_MISSING_KEY);
  fail_unless (gst_e2ee_sframe_context_remove_key (tx, 3));
  fail_unless_equals_int (gst_e2ee_sframe_context_seal (tx, NULL, 0, frame,
          sizeof (frame), sealed, sizeof (sealed), &len),
      GST_E2EE_FRAME_MISSING_KEY);

  /* base keys of bad lengths are refused */
  fail_if (gst_e2ee_sframe_context_add_key (tx, 1, base_key_a, 15,
          GST_E2EE_SFRAME_KEY_ENCRYPT));
  fail_if (gst_e2ee_sframe_context_add_key (tx, 1, frame, 65,
          GST_E2EE_SFRAME_KEY_ENCRYPT));
  gst_e2ee_sframe_context_free (tx);
  gst_e2ee_sframe_context_free (rx);
}

GST_END_TEST;

/* Several KIDs in one receiver, and the sender switching between two. */
GST_START_TEST (test_kid_switch)
{
  GstE2eeSFrameContext *tx, *rx;
  guint8 frame[64] = { 9 }, sealed[128], plain[128];
  gsize len;
  guint64 kid;

  make_pair (GST_E2EE_SFRAME_SUITE_AES_128_CTR_HMAC_SHA256_80, 1, &tx, &rx);
  fail_unless (gst_e2ee_sframe_context_add_key (tx, 300, base_key_b,
          sizeof (base_key_b), GST_E2EE_SFRAME_KEY_ENCRYPT));
  fail_unless (gst_e2ee_sframe_context_add_key (rx, 300, base_key_b,
          sizeof (base_key_b), GST_E2EE_SFRAME_KEY_DECRYPT));
  for (guint i = 0; i < 6; i++) {
    fail_unless (gst_e2ee_sframe_context_set_encrypt_kid (tx, i % 2 ? 300 : 1));
    fail_unless_equals_int (gst_e2ee_sframe_context_seal (tx, NULL, 0, frame,
            sizeof (frame), sealed, sizeof (sealed), &len), GST_E2EE_FRAME_OK);
    fail_unless (gst_e2ee_sframe_header_read (sealed, len, &kid, NULL, NULL));
    fail_unless_equals_uint64 (kid, i % 2 ? 300 : 1);
    fail_unless_equals_int (gst_e2ee_sframe_context_open (rx, NULL, 0, sealed,
            len, plain, sizeof (plain), NULL), GST_E2EE_FRAME_OK);
    fail_unless (memcmp (plain, frame, sizeof (frame)) == 0);
  }
  fail_if (gst_e2ee_sframe_context_set_encrypt_kid (tx, 2));
  gst_e2ee_sframe_context_free (tx);
  gst_e2ee_sframe_context_free (rx);
}

GST_END_TEST;

/* The replay window: 64 frames behind the highest accepted CTR, each CTR
 * once; a forged frame far ahead does not move it. */
GST_START_TEST (test_replay_window)
{
  GstE2eeSFrameContext *tx, *rx;
  guint8 frame[32] = { 0 }, plain[64];
  guint8 sealed[200][64];
  gsize len[200];

  make_pair (GST_E2EE_SFRAME_SUITE_AES_128_GCM_SHA256_128, 5, &tx, &rx);
  fail_unless (gst_e2ee_sframe_context_set_next_ctr (tx, 5, 1000));
  for (guint i = 0; i < 200; i++) {
    frame[0] = i;
    fail_unless_equals_int (gst_e2ee_sframe_context_seal (tx, NULL, 0, frame,
            sizeof (frame), sealed[i], sizeof (sealed[i]), &len[i]),
        GST_E2EE_FRAME_OK);
  }
#define OPEN(i) gst_e2ee_sframe_context_open (rx, NULL, 0, sealed[i], len[i], \
    plain, sizeof (plain), NULL)
  fail_unless_equals_int (OPEN (100), GST_E2EE_FRAME_OK);
  fail_unless_equals_int (OPEN (100), GST_E2EE_FRAME_REPLAY);
  /* 63 behind: still in the window, each once */
  for (guint i = 99; i >= 37; i--) {
    fail_unless_equals_int (OPEN (i), GST_E2EE_FRAME_OK);
    fail_unless_equals_int (plain[0], i);
    fail_unless_equals_int (OPEN (i), GST_E2EE_FRAME_REPLAY);
  }
  /* 64 behind: out */
  fail_unless_equals_int (OPEN (36), GST_E2EE_FRAME_REPLAY);
  fail_unless_equals_int (OPEN (0), GST_E2EE_FRAME_REPLAY);

  /* a forged frame (bad tag) with a CTR far ahead moves nothing */
  {
    guint8 forged[64];
    gsize flen;

    fail_unless (gst_e2ee_sframe_context_set_next_ctr (tx, 5, 1000000));
    fail_unless_equals_int (gst_e2ee_sframe_context_seal (tx, NULL, 0, frame,
            sizeof (frame), forged, sizeof (forged), &flen), GST_E2EE_FRAME_OK);
    forged[flen - 1] ^= 1;
    fail_unless_equals_int (gst_e2ee_sframe_context_open (rx, NULL, 0, forged,
            flen, plain, sizeof (plain), NULL), GST_E2EE_FRAME_AUTH_FAILED);
  }
  fail_unless_equals_int (OPEN (101), GST_E2EE_FRAME_OK);
  /* a jump of more than the window clears it */
  fail_unless_equals_int (OPEN (199), GST_E2EE_FRAME_OK);
  fail_unless_equals_int (OPEN (150), GST_E2EE_FRAME_OK);
  fail_unless_equals_int (OPEN (136), GST_E2EE_FRAME_OK);
  fail_unless_equals_int (OPEN (136), GST_E2EE_FRAME_REPLAY);
  fail_unless_equals_int (OPEN (135), GST_E2EE_FRAME_REPLAY);
#undef OPEN
  gst_e2ee_sframe_context_free (tx);
  gst_e2ee_sframe_context_free (rx);
}

GST_END_TEST;

/* The sending counter: random start below 2^63, only forward once used,
 * and no wrap at 2^64-1. */
GST_START_TEST (test_ctr_policy)
{
  GstE2eeSFrameContext *tx, *rx, *tx2;
  guint8 frame[16] = { 0 }, sealed[64], plain[64];
  guint64 a, b, ctr;
  gsize len;

  make_pair (GST_E2EE_SFRAME_SUITE_AES_256_GCM_SHA512_128, 2, &tx, &rx);
  tx2 =
      gst_e2ee_sframe_context_new
      (GST_E2EE_SFRAME_SUITE_AES_256_GCM_SHA512_128);
  fail_unless (gst_e2ee_sframe_context_add_key (tx2, 2, base_key_a,
          sizeof (base_key_a), GST_E2EE_SFRAME_KEY_ENCRYPT));
  /* two runs with the same static key start apart */
  fail_unless (gst_e2ee_sframe_context_get_next_ctr (tx, &a));
  fail_unless (gst_e2ee_sframe_context_get_next_ctr (tx2, &b));
  fail_unless (a != b);
  fail_unless (a < (G_GUINT64_CONSTANT (1) << 63));
  fail_unless (b < (G_GUINT64_CONSTANT (1) << 63));

  /* a fresh key may start at 0: a 1-byte header */
  fail_unless (gst_e2ee_sframe_context_set_next_ctr (tx, 2, 0));
  fail_unless_equals_int (gst_e2ee_sframe_context_seal (tx, NULL, 0, frame,
          sizeof (frame), sealed, sizeof (sealed), &len), GST_E2EE_FRAME_OK);
  fail_unless_equals_int (sealed[0], 0x20);
  fail_unless_equals_uint64 (len, 1 + 16 + 16);
  /* once used, never back */
  fail_if (gst_e2ee_sframe_context_set_next_ctr (tx, 2, 0));
  fail_unless (gst_e2ee_sframe_context_set_next_ctr (tx, 2, G_MAXUINT64 - 1));
  fail_unless_equals_int (gst_e2ee_sframe_context_seal (tx, NULL, 0, frame,
          sizeof (frame), sealed, sizeof (sealed), &len), GST_E2EE_FRAME_OK);
  fail_unless_equals_int (gst_e2ee_sframe_context_seal (tx, NULL, 0, frame,
          sizeof (frame), sealed, sizeof (sealed), &len), GST_E2EE_FRAME_OK);
  fail_unless (gst_e2ee_sframe_header_read (sealed, len, NULL, &ctr, NULL));
  fail_unless_equals_uint64 (ctr, G_MAXUINT64);
  fail_unless_equals_int (gst_e2ee_sframe_context_open (rx, NULL, 0, sealed,
          len, plain, sizeof (plain), NULL), GST_E2EE_FRAME_OK);
  /* exhausted: refuses, and cannot be rewound */
  fail_unless_equals_int (gst_e2ee_sframe_context_seal (tx, NULL, 0, frame,
          sizeof (frame), sealed, sizeof (sealed), &len),
      GST_E2EE_FRAME_CTR_EXHAUSTED);
  fail_if (gst_e2ee_sframe_context_set_next_ctr (tx, 2, G_MAXUINT64));
  fail_if (gst_e2ee_sframe_context_get_next_ctr (tx, &ctr));
  /* a too-small output does not consume a counter */
  fail_unless_equals_int (gst_e2ee_sframe_context_seal (tx2, NULL, 0, frame,
          sizeof (frame), sealed, 20, &len), GST_E2EE_FRAME_NO_SPACE);
  fail_unless (gst_e2ee_sframe_context_get_next_ctr (tx2, &ctr));
  fail_unless_equals_uint64 (ctr, b);
  gst_e2ee_sframe_context_free (tx);
  gst_e2ee_sframe_context_free (tx2);
  gst_e2ee_sframe_context_free (rx);
}

GST_END_TEST;

/* Hostile frames: each refused with its own result, nothing left in the
 * output. */
GST_START_TEST (test_malformed)
{
  GstE2eeSFrameContext *tx, *rx, *wrong;
  guint8 frame[100], sealed[200], plain[200];
  gsize len, hsize;

  memset (frame, 0x33, sizeof (frame));
  make_pair (GST_E2EE_SFRAME_SUITE_AES_128_CTR_HMAC_SHA256_32, 9, &tx, &rx);
  fail_unless_equals_int (gst_e2ee_sframe_context_seal (tx, NULL, 0, frame,
          sizeof (frame), sealed, sizeof (sealed), &len), GST_E2EE_FRAME_OK);
  fail_unless (gst_e2ee_sframe_header_read (sealed, len, NULL, NULL, &hsize));

  /* truncated header */
  fail_unless_equals_int (gst_e2ee_sframe_context_open (rx, NULL, 0, sealed,
          hsize - 1, plain, sizeof (plain), NULL), GST_E2EE_FRAME_BAD_HEADER);
  fail_unless_equals_int (gst_e2ee_sframe_context_open (rx, NULL, 0, sealed,
          0, plain, sizeof (plain), NULL), GST_E2EE_FRAME_BAD_HEADER);
  /* no room for the tag */
  fail_unless_equals_int (gst_e2ee_sframe_context_open (rx, NULL, 0, sealed,
          hsize + 3, plain, sizeof (plain), NULL), GST_E2EE_FRAME_TOO_SHORT);
  /* truncated body: the tag is then wrong */
  memset (plain, 0x77, sizeof (plain));
  fail_unless_equals_int (gst_e2ee_sframe_context_open (rx, NULL, 0, sealed,
          len - 1, plain, sizeof (plain), NULL), GST_E2EE_FRAME_AUTH_FAILED);
  fail_unless_equals_int (plain[0], 0x77);
  /* output too small */
  fail_unless_equals_int (gst_e2ee_sframe_context_open (rx, NULL, 0, sealed,
          len, plain, 10, NULL), GST_E2EE_FRAME_NO_SPACE);

  /* same KID, another base key: the tag fails */
  wrong = gst_e2ee_sframe_context_new
      (GST_E2EE_SFRAME_SUITE_AES_128_CTR_HMAC_SHA256_32);
  fail_unless (gst_e2ee_sframe_context_add_key (wrong, 9, base_key_b,
          sizeof (base_key_b), GST_E2EE_SFRAME_KEY_DECRYPT));
  fail_unless_equals_int (gst_e2ee_sframe_context_open (wrong, NULL, 0,
          sealed, len, plain, sizeof (plain), NULL),
      GST_E2EE_FRAME_AUTH_FAILED);
  /* another suite, same base key: other keys, the tag fails */
  gst_e2ee_sframe_context_free (wrong);
  wrong = gst_e2ee_sframe_context_new
      (GST_E2EE_SFRAME_SUITE_AES_128_CTR_HMAC_SHA256_80);
  fail_unless (gst_e2ee_sframe_context_add_key (wrong, 9, base_key_a,
          sizeof (base_key_a), GST_E2EE_SFRAME_KEY_DECRYPT));
  fail_unless_equals_int (gst_e2ee_sframe_context_open (wrong, NULL, 0,
          sealed, len, plain, sizeof (plain), NULL),
      GST_E2EE_FRAME_AUTH_FAILED);
  /* an unknown KID */
  sealed[0] = (sealed[0] & 0x0f) | 0x40;
  fail_unless_equals_int (gst_e2ee_sframe_context_open (rx, NULL, 0, sealed,
          len, plain, sizeof (plain), NULL), GST_E2EE_FRAME_MISSING_KEY);
  sealed[0] = (sealed[0] & 0x0f) | 0x10 * 9;
  /* 0x90: KID length 2 now, a non-minimal or other header */
  fail_if (gst_e2ee_sframe_context_open (rx, NULL, 0, sealed, len, plain,
          sizeof (plain), NULL) == GST_E2EE_FRAME_OK);
  gst_e2ee_sframe_context_free (wrong);
  gst_e2ee_sframe_context_free (tx);
  gst_e2ee_sframe_context_free (rx);
}

GST_END_TEST;

/* Both formats through the one table the elements use: JFrame's entries
 * give exactly what the JFrame functions give, SFrame's what the context
 * gives, and each opens what it sealed, in place. */
GST_START_TEST (test_frame_format_table)
{
  static const guint8 vp8_key_frame[] = { 0x50, 0x42, 0x00, 0x9d, 0x01, 0x2a,
    0x40, 0x01, 0xf0, 0x00, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff, 1, 2, 3, 4
  };
  const GstE2eeFrameFormatFuncs *jf =
      gst_e2ee_frame_format_get_funcs (GST_E2EE_FRAME_FORMAT_JFRAME);
  const GstE2eeFrameFormatFuncs *sf =
      gst_e2ee_frame_format_get_funcs (GST_E2EE_FRAME_FORMAT_SFRAME);
  guint8 out[128], direct[128], iv[GST_E2EE_IV_SIZE];
  GstE2eeIvSource ivs_a, ivs_b;
  GstE2eeJFrameState js = { 0 };
  GstE2eeSFrameContext *tx, *rx;
  GstE2eeKey *key;
  gsize n, m, off, plain;

  fail_unless (jf != NULL && sf != NULL);
  fail_unless_equals_int (jf->format, GST_E2EE_FRAME_FORMAT_JFRAME);
  fail_unless_equals_int (sf->format, GST_E2EE_FRAME_FORMAT_SFRAME);
  fail_unless (gst_e2ee_frame_format_get_funcs (7) == NULL);

  /* JFrame: 10 clear bytes of a VP8 key frame; SFrame: none */
  fail_unless_equals_uint64 (jf->clear_bytes (GST_E2EE_CODEC_VP8,
          vp8_key_frame, sizeof (vp8_key_frame)), 10);
  fail_unless_equals_uint64 (sf->clear_bytes (GST_E2EE_CODEC_VP8,
          vp8_key_frame, sizeof (vp8_key_frame)), 0);

  js.ring = gst_e2ee_key_ring_new (16);
  key = gst_e2ee_key_new (GST_E2EE_KDF_JITSI, base_key_b,
      sizeof (base_key_b), NULL);
  fail_unless (key != NULL);
  gst_e2ee_key_ring_set_key (js.ring, 3, key);
  js.key_index = 3;
  gst_e2ee_iv_source_init_full (&ivs_a, 0x01020304, 77);
  gst_e2ee_iv_source_init_full (&ivs_b, 0x01020304, 77);
  js.iv_source = &ivs_a;
  js.ratchet_window = 8;
  fail_unless (jf->max_sealed_size (&js, GST_E2EE_CODEC_VP8, vp8_key_frame,
          sizeof (vp8_key_frame)) <= sizeof (out));
  fail_unless_equals_int (jf->seal (&js, GST_E2EE_CODEC_VP8, vp8_key_frame,
          sizeof (vp8_key_frame), out, sizeof (out), &n), GST_E2EE_FRAME_OK);
  gst_e2ee_iv_source_next (&ivs_b, iv);
  fail_unless_equals_int (gst_e2ee_jframe_seal_into (key, 3, iv,
          GST_E2EE_CODEC_VP8, vp8_key_frame, sizeof (vp8_key_frame), direct,
          sizeof (direct), &m), GST_E2EE_FRAME_OK);
  fail_unless_equals_uint64 (n, m);
  fail_unless (memcmp (out, direct, n) == 0);
  fail_unless_equals_int (jf->open (&js, GST_E2EE_CODEC_VP8, out, n, &off,
          &plain), GST_E2EE_FRAME_OK);
  fail_unless_equals_uint64 (plain, sizeof (vp8_key_frame));
  fail_unless (memcmp (out + off, vp8_key_frame, plain) == 0);
  gst_e2ee_key_unref (key);
  gst_e2ee_key_ring_unref (js.ring);

  make_pair (GST_E2EE_SFRAME_SUITE_AES_128_GCM_SHA256_128, 11, &tx, &rx);
  fail_unless_equals_uint64 (sf->max_sealed_size (tx, GST_E2EE_CODEC_VP8,
          vp8_key_frame, sizeof (vp8_key_frame)),
      sizeof (vp8_key_frame) + gst_e2ee_sframe_context_overhead (tx));
  fail_unless_equals_int (sf->seal (tx, GST_E2EE_CODEC_VP8, vp8_key_frame,
          sizeof (vp8_key_frame), out, sizeof (out), &n), GST_E2EE_FRAME_OK);
  fail_unless_equals_int (sf->open (rx, GST_E2EE_CODEC_VP8, out, n, &off,
          &plain), GST_E2EE_FRAME_OK);
  fail_unless_equals_uint64 (plain, sizeof (vp8_key_frame));
  fail_unless (memcmp (out + off, vp8_key_frame, plain) == 0);
  out[0] = 0xff;
  fail_unless_equals_int (sf->open (rx, GST_E2EE_CODEC_VP8, out, 5, &off,
          &plain), GST_E2EE_FRAME_BAD_HEADER);

  /* in place: the header before the frame, the tag after it; too little
   * room on either side is refused before anything is written or a
   * counter used */
  fail_unless (jf->seal_in_place == NULL);
  fail_unless (sf->seal_in_place != NULL);
  {
    guint8 block[17 + sizeof (vp8_key_frame) + 16];
    guint8 *f = block + 17;
    gsize start = 0, hlen = gst_e2ee_sframe_context_next_header_size (tx);

    fail_unless (hlen > 0);
    memcpy (f, vp8_key_frame, sizeof (vp8_key_frame));
    fail_unless_equals_int (sf->seal_in_place (tx, GST_E2EE_CODEC_VP8, f,
            sizeof (vp8_key_frame), hlen - 1, 16, &start, &n),
        GST_E2EE_FRAME_NO_SPACE);
    fail_unless_equals_int (sf->seal_in_place (tx, GST_E2EE_CODEC_VP8, f,
            sizeof (vp8_key_frame), 17, 15, &start, &n),
        GST_E2EE_FRAME_NO_SPACE);
    fail_unless_equals_uint64 (gst_e2ee_sframe_context_next_header_size (tx),
        hlen);
    fail_unless_equals_int (sf->seal_in_place (tx, GST_E2EE_CODEC_VP8, f,
            sizeof (vp8_key_frame), 17, 16, &start, &n), GST_E2EE_FRAME_OK);
    fail_unless_equals_uint64 (start, 17 - hlen);
    fail_unless_equals_uint64 (n, hlen + sizeof (vp8_key_frame) + 16);
    fail_unless_equals_int (sf->open (rx, GST_E2EE_CODEC_VP8, block + start,
            n, &off, &plain), GST_E2EE_FRAME_OK);
    fail_unless_equals_uint64 (plain, sizeof (vp8_key_frame));
    fail_unless (memcmp (block + start + off, vp8_key_frame, plain) == 0);
  }
  gst_e2ee_sframe_context_free (tx);
  gst_e2ee_sframe_context_free (rx);
}

GST_END_TEST;

static Suite *
sframe_suite (void)
{
  Suite *s = suite_create ("sframe");
  TCase *tc = tcase_create ("general");

  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_header_vectors);
  tcase_add_test (tc, test_header_refuses_non_minimal);
  tcase_add_test (tc, test_header_max);
  tcase_add_test (tc, test_aes_ctr_hmac_vectors);
  tcase_add_test (tc, test_sframe_vectors);
  tcase_add_test (tc, test_roundtrip_all_suites);
  tcase_add_test (tc, test_key_usage);
  tcase_add_test (tc, test_kid_switch);
  tcase_add_test (tc, test_replay_window);
  tcase_add_test (tc, test_ctr_policy);
  tcase_add_test (tc, test_malformed);
  tcase_add_test (tc, test_frame_format_table);
  return s;
}

GST_CHECK_MAIN (sframe);
