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


/* Writes the seed corpora of tests/fuzz/corpus/: real frames sealed with
 * the library for every codec, real protocol messages and plaintexts, a
 * real state file, its plaintext and real pickles. Not run by the tests:
 *
 *   ninja -C build tests/fuzz/gen-corpus
 *   build/tests/fuzz/gen-corpus tests/fuzz/corpus
 *
 * Its output is committed; rerun it when a format changes. */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "fuzz-peer.h"
#include <gst/e2ee/keymanager/gste2eestatefile-private.h>
#include <gst/e2ee/frame/gste2eesframe-private.h>

#include <glib/gstdio.h>
#include <string.h>

static const gchar *out_dir;

static void
put (const gchar * target, const gchar * name, guint8 mode,
    const guint8 * data, gsize len)
{
  gchar *dir = g_build_filename (out_dir, target, NULL);
  gchar *path = g_build_filename (dir, name, NULL);
  guint8 *buf = g_malloc (len + 1);

  buf[0] = mode;
  if (len)
    memcpy (buf + 1, data, len);
  g_mkdir_with_parents (dir, 0755);
  if (!g_file_set_contents (path, (const gchar *) buf, len + 1, NULL))
    g_error ("cannot write %s", path);
  g_free (buf);
  g_free (path);
  g_free (dir);
}

static void
put_text (const gchar * target, const gchar * name, guint8 mode,
    const gchar * text)
{
  put (target, name, mode, (const guint8 *) text, strlen (text));
}

/* --- frames --- */

static const guint8 opus[] = { 0xfc, 0xff, 0xfe, 0x01, 0x02, 0x03, 0x04,
  0x05, 0x06, 0x07, 0x08
};

static const guint8 vp8_key[] = { 0x10, 0x02, 0x00, 0x9d, 0x01, 0x2a, 0x40,
  0x01, 0xf0, 0x00, 0x00, 0x47, 0x08, 0x85, 0x85, 0x88, 0x99, 0x84
};

static const guint8 vp8_delta[] = { 0x31, 0x02, 0x00, 0x11, 0x22, 0x33, 0x44,
  0x55
};

static const guint8 vp9_key[] = { 0x82, 0x49, 0x83, 0x42, 0x00, 0x13, 0xf0,
  0x0b, 0x3f, 0x00, 0x00, 0x01, 0x02, 0x03, 0x04, 0x05
};

static const guint8 vp9_delta[] = { 0x86, 0x00, 0x40, 0x92, 0x88, 0x2c, 0x12,
  0x34
};

/* AUD, SPS, PPS, IDR slice with an emulation prevention byte */
static const guint8 h264_idr[] = {
  0x00, 0x00, 0x00, 0x01, 0x09, 0xf0,
  0x00, 0x00, 0x00, 0x01, 0x67, 0x42, 0xc0, 0x1e, 0xda, 0x02, 0x80, 0xbf,
  0xe5, 0xc0, 0x44, 0x00, 0x00, 0x03, 0x00, 0x04, 0x00, 0x00, 0x03, 0x00,
  0xf0, 0x3c, 0x58, 0xb9, 0x20,
  0x00, 0x00, 0x00, 0x01, 0x68, 0xce, 0x3c, 0x80,
  0x00, 0x00, 0x01, 0x65, 0x88, 0x84, 0x00, 0x33, 0xff, 0x00, 0x00, 0x03,
  0x01, 0x12, 0x34, 0x00, 0x00, 0x00, 0x00
};

static const guint8 h264_delta[] = {
  0x00, 0x00, 0x00, 0x01, 0x41, 0x9a, 0x02, 0x04, 0x00, 0x00, 0x03, 0x02,
  0x55, 0x66
};

/* VPS, SPS, PPS, IDR_W_RADL */
static const guint8 h265_idr[] = {
  0x00, 0x00, 0x00, 0x01, 0x40, 0x01, 0x0c, 0x01, 0xff, 0xff, 0x01, 0x60,
  0x00, 0x00, 0x03, 0x00, 0x90, 0x00, 0x00, 0x03, 0x00, 0x00, 0x03, 0x00,
  0x5d, 0x95, 0x98, 0x09,
  0x00, 0x00, 0x00, 0x01, 0x42, 0x01, 0x01, 0x01, 0x60, 0x00, 0x00, 0x03,
  0x00, 0x90, 0x00, 0x00, 0x03, 0x00, 0x00, 0x03, 0x00, 0x5d, 0xa0, 0x02,
  0x80, 0x80, 0x2d, 0x16, 0x59, 0x59, 0xa4, 0x93, 0x2b, 0xc0, 0x5a, 0x70,
  0x80, 0x00, 0x01, 0xf4, 0x80, 0x00, 0x3a, 0x98, 0x04,
  0x00, 0x00, 0x00, 0x01, 0x44, 0x01, 0xc1, 0x72, 0xb4, 0x62, 0x40,
  0x00, 0x00, 0x00, 0x01, 0x26, 0x01, 0xaf, 0x06, 0xb8, 0x63, 0xef, 0x3a,
  0x00, 0x00, 0x03, 0x01, 0x7f
};

static const guint8 h265_delta[] = {
  0x00, 0x00, 0x00, 0x01, 0x02, 0x01, 0xd0, 0x09, 0x7e, 0x10, 0x00, 0x00,
  0x02
};

/* temporal delimiter, sequence header, frame OBU (sizes in one byte) */
static const guint8 av1_key[] = {
  0x12, 0x00,
  0x0a, 0x0b, 0x00, 0x00, 0x00, 0x24, 0xc4, 0xff, 0xdf, 0x00, 0x68, 0x02,
  0x10,
  0x32, 0x0a, 0x10, 0x00, 0x80, 0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06
};

static const guint8 av1_delta[] = {
  0x12, 0x00,
  0x32, 0x06, 0x30, 0x03, 0x11, 0x22, 0x33, 0x44
};

typedef struct
{
  const gchar *name;
  GstE2eeCodec codec;
  const guint8 *data;
  gsize len;
} Sample;

#define SAMPLE(n, c, a) { n, c, a, sizeof (a) }

static const Sample samples[] = {
  SAMPLE ("audio", GST_E2EE_CODEC_AUDIO, opus),
  SAMPLE ("vp8-key", GST_E2EE_CODEC_VP8, vp8_key),
  SAMPLE ("vp8-delta", GST_E2EE_CODEC_VP8, vp8_delta),
  SAMPLE ("vp9-key", GST_E2EE_CODEC_VP9, vp9_key),
  SAMPLE ("vp9-delta", GST_E2EE_CODEC_VP9, vp9_delta),
  SAMPLE ("h264-idr", GST_E2EE_CODEC_H264, h264_idr),
  SAMPLE ("h264-delta", GST_E2EE_CODEC_H264, h264_delta),
  SAMPLE ("h265-idr", GST_E2EE_CODEC_H265, h265_idr),
  SAMPLE ("h265-delta", GST_E2EE_CODEC_H265, h265_delta),
  SAMPLE ("av1-key", GST_E2EE_CODEC_AV1, av1_key),
  SAMPLE ("av1-delta", GST_E2EE_CODEC_AV1, av1_delta),
};

/* the two frames of tests/data/jframe-vectors.json ("jitsi") */
static const gchar *vectors[][2] = {
  {"vector-opus", "de4e6eb83ed30a6575a565a35a25dad91139a7f90000007b0000000000"
        "0000000c00"},
  {"vector-vp8", "deadbeefdeadbeefdead23487c06518f951ffca144a3e444f5bce69d000"
        "0014100000000000000000c00"},
};

static void
put_sealed (const Sample * s, GstE2eeKey * key, guint8 kid,
    const gchar * suffix)
{
  static const guint8 iv[GST_E2EE_IV_SIZE] = { 0, 0, 0, 0x7b, 0, 0, 0, 0,
    0, 0, 0, 1
  };
  gsize room = gst_e2ee_jframe_sealed_size (s->codec, s->data, s->len);
  gsize sealed = 0;
  guint8 *out;
  gchar *name;

  if (room == 0)
    g_error ("%s cannot be sealed", s->name);
  out = g_malloc (room);
  if (gst_e2ee_jframe_seal_into (key, kid, iv, s->codec, s->data, s->len, out,
          room, &sealed) != GST_E2EE_FRAME_OK)
    g_error ("%s: sealing failed", s->name);
  name = g_strconcat (s->name, suffix, NULL);
  put ("jframe", name, (guint8) s->codec, out, sealed);
  g_free (name);
  g_free (out);
}

static void
gen_frames (void)
{
  GstE2eeKey *jitsi = gst_e2ee_key_new (GST_E2EE_KDF_JITSI, fuzz_media_key,
      sizeof (fuzz_media_key), NULL);
  GstE2eeKey *livekit = gst_e2ee_key_new (GST_E2EE_KDF_LIVEKIT,
      fuzz_media_key, sizeof (fuzz_media_key), NULL);
  GstE2eeKey *ratcheted = gst_e2ee_key_ratchet (jitsi, NULL);
  guint i;

  for (i = 0; i < G_N_ELEMENTS (samples); i++) {
    const Sample *s = &samples[i];

    put_sealed (s, jitsi, 0, "");
    put_sealed (s, livekit, 1, "-livekit");
    /* the codec byte picks the codec */
    put ("codec", s->name, s->codec == GST_E2EE_CODEC_H265, s->data, s->len);
  }
  put_sealed (&samples[0], ratcheted, 0, "-ratcheted");
  put_sealed (&samples[5], ratcheted, 0, "-ratcheted");
  for (i = 0; i < G_N_ELEMENTS (vectors); i++) {
    gsize n = strlen (vectors[i][1]) / 2, j;
    guint8 *bin = g_malloc (n);

    for (j = 0; j < n; j++)
      bin[j] = (g_ascii_xdigit_value (vectors[i][1][2 * j]) << 4) |
          g_ascii_xdigit_value (vectors[i][1][2 * j + 1]);
    put ("jframe", vectors[i][0], i == 0 ? GST_E2EE_CODEC_AUDIO :
        GST_E2EE_CODEC_VP8, bin, n);
    g_free (bin);
  }
  gst_e2ee_key_unref (ratcheted);
  gst_e2ee_key_unref (livekit);
  gst_e2ee_key_unref (jitsi);
}

/* --- SFrame --- */

/* Frames sealed under every suite and KID the fuzz-sframe-open receivers
 * hold, with CTRs of every header length; headers in every length class,
 * and the non-minimal and truncated forms a receiver refuses. */
static void
gen_sframe (void)
{
  static const guint64 ctrs[] = { 0, 7, 8, 0x12345678,
    G_GUINT64_CONSTANT (0xffffffffffffffff)
  };
  static const gchar *bad_headers[] = { "8005", "0807", "900008", "f0ff",
    "0f00ffffffffffffff", ""
  };
  guint8 out[256], hdr[GST_E2EE_SFRAME_MAX_HEADER_SIZE];
  guint s, k, c, i;

  for (s = 1; s <= 8; s++) {
    GstE2eeSFrameContext *tx = gst_e2ee_sframe_context_new (s);

    for (k = 0; k < FUZZ_SFRAME_N_KIDS; k++) {
      if (!gst_e2ee_sframe_context_add_key (tx, fuzz_sframe_kids[k],
              fuzz_media_key, sizeof (fuzz_media_key),
              GST_E2EE_SFRAME_KEY_ENCRYPT)
          || !gst_e2ee_sframe_context_set_encrypt_kid (tx, fuzz_sframe_kids[k]))
        g_error ("SFrame key setup failed");
      for (c = 0; c < G_N_ELEMENTS (ctrs); c++) {
        gsize len = (c * 29) % 60, sealed = 0;
        guint8 pt[64];
        gchar *name;

        for (i = 0; i < len; i++)
          pt[i] = i * 7 + c;
        if (gst_e2ee_sframe_context_seal_with_ctr (tx, ctrs[c], NULL, 0, pt,
                len, out, sizeof (out), &sealed) != GST_E2EE_FRAME_OK)
          g_error ("SFrame seal failed");
        name = g_strdup_printf ("suite%u-kid%u-ctr%u", s, k, c);
        /* the mode byte picks the suite: (byte % 8) + 1 */
        put ("sframe-open", name, s - 1, out, sealed);
        g_free (name);
      }
    }
    gst_e2ee_sframe_context_free (tx);
  }

  for (k = 0; k < FUZZ_SFRAME_N_KIDS; k++) {
    for (c = 0; c < G_N_ELEMENTS (ctrs); c++) {
      gsize len = gst_e2ee_sframe_header_write (fuzz_sframe_kids[k], ctrs[c],
          hdr);
      gchar *name = g_strdup_printf ("kid%u-ctr%u", k, c);

      put ("sframe-header", name, 0, hdr, len);
      g_free (name);
    }
  }
  for (i = 0; i < G_N_ELEMENTS (bad_headers); i++) {
    gsize n = strlen (bad_headers[i]) / 2, j;
    gchar *name = g_strdup_printf ("refused-%u", i);

    for (j = 0; j < n; j++)
      hdr[j] = (g_ascii_xdigit_value (bad_headers[i][2 * j]) << 4) |
          g_ascii_xdigit_value (bad_headers[i][2 * j + 1]);
    put ("sframe-header", name, 0, hdr, n);
    g_free (name);
  }
}

/* --- key manager messages --- */

static gchar *
envelope (const gchar * to, const gchar * olm_type, const gchar * data)
{
  return g_strdup_printf ("{\"type\":\"olm\",\"from\":\"%s\",\"to\":\"%s\","
      "\"olm\":{\"type\":\"%s\",\"data\":%s}}", FUZZ_PEER_ID, to, olm_type,
      data);
}

static void
put_envelope (const gchar * name, const gchar * olm_type, const gchar * data)
{
  gchar *msg = envelope (FUZZ_MANAGER_ID, olm_type, data);

  put_text ("keymanager", name, 0, msg);
  g_free (msg);
}

static void
gen_messages (void)
{
  FuzzPeer *peer = fuzz_peer_new ();
  const gchar *curve = gst_e2ee_olm_account_get_curve25519 (peer->account);
  const gchar *b64_32 = "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY";
  gchar *s, *d, *msg;

  s = fuzz_peer_hello (peer);
  put_text ("keymanager", "hello", 0, s);
  g_free (s);
  s = g_strdup_printf ("{\"type\":\"e2ee-hello\",\"from\":\"carol\","
      "\"idKeys\":{\"curve25519\":\"%s\",\"ed25519\":\"%s\"}}", b64_32, b64_32);
  put_text ("keymanager", "hello-newcomer", 0, s);
  g_free (s);

  d = g_strdup_printf ("{\"idKey\":\"%s\",\"otKey\":\"%s\",\"uuid\":\"u-1\"}",
      curve, b64_32);
  put_envelope ("session-init", "session-init", d);
  g_free (d);

  /* real olm ciphertexts, replayed: refused after the first */
  s = g_strdup_printf ("{\"key\":\"%s=\",\"keyIndex\":1}", b64_32);
  msg = fuzz_peer_olm_message (peer, "key-info", "u-2", (const guint8 *) s,
      strlen (s));
  g_free (s);
  put_text ("keymanager", "key-info", 0, msg);
  g_free (msg);
  msg = fuzz_peer_olm_message (peer, "key-info-ack", "u-3",
      (const guint8 *) "{}", 2);
  put_text ("keymanager", "key-info-ack", 0, msg);
  g_free (msg);
  put_envelope ("session-ack", "session-ack",
      "{\"ciphertext\":{\"type\":0,\"body\":\"AwogAAAA\"},\"uuid\":\"u-1\"}");
  put_envelope ("sas-start", "sas-start", "{\"transactionId\":\"t-1\"}");
  put_envelope ("sas-accept", "sas-accept",
      "{\"transactionId\":\"t-1\",\"commitment\":\"abc\"}");
  d = g_strdup_printf ("{\"transactionId\":\"t-1\",\"key\":\"%s\"}", b64_32);
  put_envelope ("sas-key", "sas-key", d);
  g_free (d);
  put_envelope ("sas-mac", "sas-mac",
      "{\"transactionId\":\"t-1\",\"mac\":{\"ed25519:bob\":\"x\","
      "\"curve25519:bob\":\"y\"},\"keys\":\"z\"}");
  put_envelope ("error", "error", "{\"error\":\"Could not decrypt\"}");
  msg = envelope ("carol", "key-info", "{}");
  put_text ("keymanager", "not-for-us", 0, msg);
  g_free (msg);

  /* plaintexts the peer encrypts (odd mode byte) */
  put_text ("keymanager", "plain-key-info", 1,
      "{\"key\":\"MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=\","
      "\"keyIndex\":5}");
  put_text ("keymanager", "plain-key-info-ack", 3, "{}");
  put_text ("keymanager", "plain-key-false", 1,
      "{\"key\":false,\"keyIndex\":0}");
  put_text ("keymanager", "plain-session-ack", 5, "{}");
  fuzz_peer_free (peer);
}

/* --- state --- */

static void
gen_state (void)
{
  FuzzPeer *peer = fuzz_peer_new ();
  GstE2eeKeyManager *m;
  GstBuffer *key;
  gchar *dir = fuzz_tmp_dir ();
  gchar *path = g_build_filename (dir, "gen-state", NULL);
  gchar *contents, *pickle;
  gsize len = 0;

  /* a state with one session: the peer's manager, saved */
  key = gst_buffer_new_memdup (fuzz_state_key, sizeof (fuzz_state_key));
  m = peer->manager;
  g_object_set (m, "state-key", key, "state-file", path, NULL);
  gst_buffer_unref (key);
  /* the state is loaded (here: written) on first use */
  g_strfreev (gst_e2ee_key_manager_list_participants (m));
  if (!g_file_get_contents (path, &contents, &len, NULL))
    g_error ("no state written");
  put ("statefile", "file", 0, (const guint8 *) contents, len);
  g_free (contents);
  contents = gst_e2ee_state_file_read (path, fuzz_state_key, &len, NULL);
  g_assert (contents);
  put ("statefile", "plaintext", 1, (const guint8 *) contents, len);
  gst_e2ee_state_file_free_contents (contents, len);

  pickle = gst_e2ee_olm_account_pickle (peer->account, fuzz_state_key,
      sizeof (fuzz_state_key));
  put_text ("statefile", "account-pickle", 2, pickle);
  g_free (pickle);
  pickle = gst_e2ee_olm_session_pickle (peer->session, fuzz_state_key,
      sizeof (fuzz_state_key));
  put_text ("statefile", "session-pickle", 3, pickle);
  g_free (pickle);

  put_text ("statefile", "plaintext-minimal", 1,
      "{\"version\":1,\"local-id\":\"x\",\"account\":\"AAAA\","
      "\"participants\":[]}");
  g_object_set (m, "state-file", NULL, NULL);
  fuzz_peer_free (peer);
  g_unlink (path);
  g_free (path);
  g_free (dir);
}

int
LLVMFuzzerInitialize (int *argc, char ***argv)
{
  return 0;
}

int
LLVMFuzzerTestOneInput (const uint8_t * data, size_t size)
{
  return 0;
}

/* --- SFrame RTP per-frame packets (fuzz-sframe-rtp.c's format) --- */

static void
add_packet (GByteArray * in, gint8 seq_step, guint8 ts_step, guint8 desc,
    guint8 len, guint8 fill)
{
  guint8 hdr[3] = { (guint8) seq_step, ts_step, len };

  g_byte_array_append (in, hdr, 3);
  if (len > 0) {
    g_byte_array_append (in, &desc, 1);
    for (guint i = 1; i < len; i++)
      g_byte_array_append (in, &fill, 1);
  }
}

static void
gen_sframe_rtp (void)
{
  GByteArray *in = g_byte_array_new ();

  /* three frames of 1, 2 and 3 packets */
  add_packet (in, 1, 0, 0xc0, 20, 1);
  add_packet (in, 1, 30, 0x80, 40, 2);
  add_packet (in, 1, 0, 0x40, 10, 3);
  add_packet (in, 1, 30, 0x80, 40, 4);
  add_packet (in, 1, 0, 0x00, 40, 5);
  add_packet (in, 1, 0, 0x40, 40, 6);
  put ("sframe-rtp", "frames", 0, in->data, in->len);
  /* the same with a lost packet and a reordered one */
  g_byte_array_set_size (in, 0);
  add_packet (in, 1, 0, 0x80, 40, 1);
  add_packet (in, 2, 0, 0x40, 40, 2);
  add_packet (in, 1, 30, 0xc0, 20, 3);
  add_packet (in, -1, 0, 0xc0, 20, 4);
  put ("sframe-rtp", "loss", 0, in->data, in->len);
  /* S without E, E without S, T=1, reserved bits, truncated, oversize */
  g_byte_array_set_size (in, 0);
  add_packet (in, 1, 0, 0x80, 30, 1);
  add_packet (in, 1, 30, 0x80, 30, 2);
  add_packet (in, 1, 0, 0x40, 30, 3);
  add_packet (in, 1, 30, 0x40, 30, 4);
  add_packet (in, 1, 30, 0xe0, 30, 5);
  add_packet (in, 1, 30, 0xc1, 30, 6);
  add_packet (in, 1, 30, 0xc0, 1, 7);
  add_packet (in, 1, 30, 0xc0, 0, 8);
  add_packet (in, 1, 30, 0x80, 60, 9);
  add_packet (in, 1, 0, 0x40, 60, 10);
  put ("sframe-rtp", "malformed", 1, in->data, in->len);
  g_byte_array_unref (in);
}

int
main (int argc, char **argv)
{
  if (argc != 2) {
    g_printerr ("usage: %s CORPUS-DIR\n", argv[0]);
    return 2;
  }
  out_dir = argv[1];
  fuzz_init ();
  gen_frames ();
  gen_sframe ();
  gen_messages ();
  gen_state ();
  gen_sframe_rtp ();
  return 0;
}
