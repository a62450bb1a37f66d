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

/* rtpsframeenc / rtpsframedec (per-packet SFrame, T=1) with keys from the
 * key manager, as e2eeenc/e2eedec format=sframe take them (sframe-keys.c):
 * base key = the sender's media key, KID = tag << 16 | key index << 8 |
 * ratchet generation; a join ratchets (new generation), a leave rotates
 * (new key index); a decoder refuses another sender's packets. The
 * packets are a real encoder's through the stock payloader (rtpvp8pay,
 * rtpopuspay), made once by a pipeline; the decrypted packets must be the
 * clear ones byte for byte, and the stock depayloader must give the same
 * frames from both. Managers on the in-process router of km-harness. */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <string.h>
#include <gst/rtp/gstrtpbuffer.h>

#include "km-harness.h"
#include "pipeline-util.h"

#define N_FRAMES 20
#define VP8_CAPS "application/x-rtp, media=(string)video, " \
    "clock-rate=(int)90000, encoding-name=(string)VP8, payload=(int)96"
#define OPUS_CAPS "application/x-rtp, media=(string)audio, " \
    "clock-rate=(int)48000, encoding-name=(string)OPUS, payload=(int)96, " \
    "encoding-params=(string)2"

typedef struct
{
  const gchar *caps;
  const gchar *depay;
  GPtrArray *packets;           /* GBytes: the payloader's clear packets */
} Stream;

/* The clear RTP packets of a real encoder and payloader */
static gboolean
make_stream (Stream * st, const gchar * test, gboolean video)
{
  static const gchar *const vp8[] = { "vp8enc", "rtpvp8pay", "rtpvp8depay",
    NULL
  };
  static const gchar *const opus[] = { "opusenc", "rtpopuspay",
    "rtpopusdepay", NULL
  };
  GstElement *pipe;
  Recorder *rec;

  if (!have_elements (test, video ? vp8 : opus))
    return FALSE;
  pipe = launch (video ?
      "videotestsrc num-buffers=" G_STRINGIFY (N_FRAMES) " pattern=smpte ! "
      "video/x-raw,format=I420,width=320,height=240,framerate=30/1 ! "
      "vp8enc deadline=1 keyframe-max-dist=10 ! "
      "rtpvp8pay pt=96 picture-id-mode=15-bit mtu=1100 ! fakesink name=out"
      : "audiotestsrc num-buffers=" G_STRINGIFY (N_FRAMES) " "
      "samplesperbuffer=960 wave=ticks ! audio/x-raw,rate=48000,channels=2 ! "
      "opusenc frame-size=20 ! rtpopuspay pt=96 ! fakesink name=out");
  rec = record (pipe, "out", "sink");
  run_to_eos (pipe, 120);
  gst_object_unref (pipe);
  st->caps = video ? VP8_CAPS : OPUS_CAPS;
  st->depay = video ? "rtpvp8depay" : "rtpopusdepay";
  st->packets = g_ptr_array_ref (rec->frames);
  recorder_free (rec);
  /* at least one packet per frame */
  fail_unless (st->packets->len >= N_FRAMES, "%u packets", st->packets->len);
  return TRUE;
}

static GstBuffer *
packet (Stream * st, guint i)
{
  return gst_buffer_new_wrapped_bytes (st->packets->pdata[i]);
}

/* rtpsframeenc or rtpsframedec with @m's keys, set before it starts;
 * @use_context: the manager comes as a GstContext instead of the
 * key-manager property */
static GstHarness *
rtp_harness (const gchar * factory, GstE2eeKeyManager * m,
    const gchar * participant, Stream * st, gboolean use_context)
{
  GstElement *e = gst_element_factory_make (factory, NULL);
  GstHarness *h;

  fail_unless (e != NULL);
  if (use_context) {
    GstContext *ctx = gst_e2ee_key_manager_new_context (m);

    gst_element_set_context (e, ctx);
    gst_context_unref (ctx);
  } else {
    g_object_set (e, "key-manager", m, NULL);
  }
  if (participant)
    g_object_set (e, "participant", participant, NULL);
  h = gst_harness_new_with_element (e, "sink", "src");
  gst_object_unref (e);
  gst_harness_set_src_caps_str (h, st->caps);
  return h;
}

/* The KID of the SFrame in an encrypted packet, after checking that the
 * RTP header is the clear packet's and the payload is S|E|T and an SFrame
 * that leaves nothing of the clear payload readable */
static guint64
kid_on_wire (GstBuffer * buf, GBytes * clear)
{
  GstRTPBuffer rtp = GST_RTP_BUFFER_INIT, crtp = GST_RTP_BUFFER_INIT;
  GstBuffer *cbuf = gst_buffer_new_wrapped_bytes (clear);
  const guint8 *p, *c;
  guint len, clen, hl;
  guint64 kid = G_MAXUINT64;
  GstMapInfo a, b;

  fail_unless (gst_rtp_buffer_map (buf, GST_MAP_READ, &rtp));
  fail_unless (gst_rtp_buffer_map (cbuf, GST_MAP_READ, &crtp));
  p = gst_rtp_buffer_get_payload (&rtp);
  len = gst_rtp_buffer_get_payload_len (&rtp);
  c = gst_rtp_buffer_get_payload (&crtp);
  clen = gst_rtp_buffer_get_payload_len (&crtp);
  hl = gst_rtp_buffer_get_header_len (&rtp);
  fail_unless_equals_int (hl, gst_rtp_buffer_get_header_len (&crtp));
  fail_unless_equals_int (gst_rtp_buffer_get_seq (&rtp),
      gst_rtp_buffer_get_seq (&crtp));
  fail_unless (len > clen + 1);
  fail_unless_equals_int (p[0], 0xe0);
  fail_unless (gst_e2ee_sframe_header_read (p + 1, len - 1, &kid, NULL, NULL));
  if (clen >= 16) {
    for (guint i = 0; i + 16 <= len; i++)
      fail_if (memcmp (p + i, c + clen - 16, 16) == 0);
  }
  gst_rtp_buffer_unmap (&crtp);
  gst_rtp_buffer_unmap (&rtp);
  gst_buffer_map (buf, &a, GST_MAP_READ);
  gst_buffer_map (cbuf, &b, GST_MAP_READ);
  /* the RTP header goes unchanged (no padding in these packets) */
  fail_unless (memcmp (a.data, b.data, hl) == 0);
  gst_buffer_unmap (buf, &a);
  gst_buffer_unmap (cbuf, &b);
  gst_buffer_unref (cbuf);
  return kid;
}

static GstBuffer *
seal (GstHarness * enc, Stream * st, guint i)
{
  GstBuffer *out;

  fail_unless_equals_int (gst_harness_push (enc, packet (st, i)), GST_FLOW_OK);
  out = gst_harness_try_pull (enc);
  fail_unless (out != NULL, "packet %u not sent", i);
  return out;
}

/* The decrypted packet if @dec opens @sealed, else NULL; it must then be
 * the clear packet @i byte for byte */
static GstBuffer *
open_packet (GstHarness * dec, Stream * st, GstBuffer * sealed, guint i)
{
  GstBuffer *out;

  fail_unless_equals_int (gst_harness_push (dec, gst_buffer_ref (sealed)),
      GST_FLOW_OK);
  out = gst_harness_try_pull (dec);
  if (out) {
    GstMapInfo map;

    gst_buffer_map (out, &map, GST_MAP_READ);
    fail_unless (g_bytes_get_size (st->packets->pdata[i]) == map.size
        && memcmp (g_bytes_get_data (st->packets->pdata[i], NULL), map.data,
            map.size) == 0, "packet %u differs", i);
    gst_buffer_unmap (out, &map);
  }
  return out;
}

static gboolean
opens (GstHarness * dec, Stream * st, GstBuffer * sealed, guint i)
{
  GstBuffer *out = open_packet (dec, st, sealed, i);

  if (out)
    gst_buffer_unref (out);
  return out != NULL;
}

/* What the stock depayloader makes of @packets (GstBuffers) */
static GPtrArray *
depay (Stream * st, GPtrArray * packets)
{
  GstHarness *h = gst_harness_new (st->depay);
  GPtrArray *frames = g_ptr_array_new_with_free_func ((GDestroyNotify)
      gst_buffer_unref);
  GstBuffer *b;

  gst_harness_set_src_caps_str (h, st->caps);
  for (guint i = 0; i < packets->len; i++)
    fail_unless_equals_int (gst_harness_push (h,
            gst_buffer_ref (packets->pdata[i])), GST_FLOW_OK);
  gst_harness_push_event (h, gst_event_new_eos ());
  while ((b = gst_harness_try_pull (h)))
    g_ptr_array_add (frames, b);
  gst_harness_teardown (h);
  return frames;
}

static gboolean
same_bytes (GstBuffer * a, GstBuffer * b)
{
  GstMapInfo ma, mb;
  gboolean same;

  gst_buffer_map (a, &ma, GST_MAP_READ);
  gst_buffer_map (b, &mb, GST_MAP_READ);
  same = ma.size == mb.size && memcmp (ma.data, mb.data, ma.size) == 0;
  gst_buffer_unmap (a, &ma);
  gst_buffer_unmap (b, &mb);
  return same;
}

/* The depayloader's frames from the decrypted packets are those from the
 * clear ones */
static void
assert_same_frames (Stream * st, GPtrArray * decrypted)
{
  GPtrArray *clear = g_ptr_array_new_with_free_func ((GDestroyNotify)
      gst_buffer_unref);
  GPtrArray *a, *b;

  for (guint i = 0; i < st->packets->len; i++)
    g_ptr_array_add (clear, packet (st, i));
  a = depay (st, clear);
  b = depay (st, decrypted);
  fail_unless (a->len >= N_FRAMES / 2, "only %u frames", a->len);
  fail_unless_equals_int (b->len, a->len);
  for (guint i = 0; i < a->len; i++)
    fail_unless (same_bytes (a->pdata[i], b->pdata[i]), "frame %u differs", i);
  g_ptr_array_unref (a);
  g_ptr_array_unref (b);
  g_ptr_array_unref (clear);
}

/* Every packet of @st from @enc to @dec: encrypted under @kid, decrypted
 * bit-exact, and the depayloaded frames the clear stream's */
static void
check_stream (Stream * st, GstHarness * enc, GstHarness * dec, guint64 kid)
{
  GPtrArray *decrypted = g_ptr_array_new_with_free_func ((GDestroyNotify)
      gst_buffer_unref);

  GstBuffer *last = NULL;

  for (guint i = 0; i < st->packets->len; i++) {
    GstBuffer *sealed = seal (enc, st, i), *out;

    fail_unless_equals_uint64 (kid_on_wire (sealed, st->packets->pdata[i]),
        kid);
    out = open_packet (dec, st, sealed, i);
    fail_unless (out != NULL, "packet %u did not open", i);
    g_ptr_array_add (decrypted, out);
    gst_clear_buffer (&last);
    last = sealed;
  }
  /* once: a replay is refused (after the stream, as the drop marks the
   * next packet a discontinuity, which costs the depayloader a frame) */
  fail_if (opens (dec, st, last, st->packets->len - 1));
  gst_buffer_unref (last);
  assert_same_frames (st, decrypted);
  g_ptr_array_unref (decrypted);

  fail_unless_equals_uint64 (km_element_stat (enc->element, "packets-in"),
      st->packets->len);
  fail_unless_equals_uint64 (km_element_stat (enc->element, "packets-out"),
      st->packets->len);
  fail_unless_equals_uint64 (km_element_stat (enc->element, "no-key"), 0);
  fail_unless_equals_uint64 (km_element_stat (dec->element, "packets-out"),
      st->packets->len);
  fail_unless_equals_uint64 (km_element_stat (dec->element, "replayed"), 1);
  fail_unless_equals_uint64 (km_element_stat (dec->element, "auth-failed"), 0);
}

static void
stream_clear (Stream * st)
{
  g_clear_pointer (&st->packets, g_ptr_array_unref);
}

/* Two managers: alice sends VP8 to bob, bob Opus to alice (her decoder
 * finds the manager through a GstContext, and the only remote
 * participant) */
GST_START_TEST (test_two_parties)
{
  GstE2eeKeyManager *a, *b;
  GstHarness *enc_a, *dec_b, *enc_b, *dec_a;
  Stream vp8 = { 0 }, opus = { 0 };

  if (!make_stream (&vp8, "two_parties", TRUE)
      || !make_stream (&opus, "two_parties", FALSE)) {
    stream_clear (&vp8);
    return;
  }
  a = km_party ("alice");
  b = km_party ("bob");
  km_join (a);
  km_join (b);
  km_settle ();

  enc_a = rtp_harness ("rtpsframeenc", a, NULL, &vp8, FALSE);
  dec_b = rtp_harness ("rtpsframedec", b, "alice", &vp8, FALSE);
  enc_b = rtp_harness ("rtpsframeenc", b, NULL, &opus, TRUE);
  dec_a = rtp_harness ("rtpsframedec", a, NULL, &opus, TRUE);

  /* each ratcheted its first key once, when the other joined */
  fail_unless_equals_uint64 (km_stat (a, "ratchets"), 1);
  check_stream (&vp8, enc_a, dec_b, km_sframe_kid ("alice", 0, 1));
  check_stream (&opus, enc_b, dec_a, km_sframe_kid ("bob", 0, 1));

  gst_harness_teardown (enc_a);
  gst_harness_teardown (dec_b);
  gst_harness_teardown (enc_b);
  gst_harness_teardown (dec_a);
  stream_clear (&vp8);
  stream_clear (&opus);
  km_router_reset ();
}

GST_END_TEST;

/* Three managers, VP8 packets from alice: carol joins (a new generation,
 * bob follows, carol cannot open what came before), then leaves (a new
 * key index: bob follows, also for a packet sent before, carol cannot open
 * what comes after) */
GST_START_TEST (test_join_and_leave)
{
  GstE2eeKeyManager *a, *b, *c;
  GstHarness *enc_a, *dec_b, *dec_c;
  GstBuffer *f, *before, *in_flight;
  Stream st = { 0 };
  guint n, i;

  if (!make_stream (&st, "join_and_leave", TRUE))
    return;
  n = st.packets->len;
  fail_unless (n >= 8);
  a = km_party ("alice");
  b = km_party ("bob");
  c = km_party ("carol");
  km_join (a);
  km_join (b);
  km_settle ();
  enc_a = rtp_harness ("rtpsframeenc", a, NULL, &st, FALSE);
  dec_b = rtp_harness ("rtpsframedec", b, "alice", &st, FALSE);

  /* key index 0, ratcheted once (bob joined) */
  before = seal (enc_a, &st, 0);
  fail_unless_equals_uint64 (kid_on_wire (before, st.packets->pdata[0]),
      km_sframe_kid ("alice", 0, 1));
  fail_unless (opens (dec_b, &st, before, 0));

  /* carol joins: same key index, next generation */
  km_join (c);
  km_settle ();
  fail_unless_equals_uint64 (km_stat (a, "ratchets"), 2);
  dec_c = rtp_harness ("rtpsframedec", c, "alice", &st, FALSE);
  for (i = 1; i < n / 2; i++) {
    f = seal (enc_a, &st, i);
    fail_unless_equals_uint64 (kid_on_wire (f, st.packets->pdata[i]),
        km_sframe_kid ("alice", 0, 2));
    fail_unless (opens (dec_c, &st, f, i));
    /* bob derives the next generation from the key he holds, once */
    fail_unless (opens (dec_b, &st, f, i));
    gst_buffer_unref (f);
  }
  fail_unless_equals_uint64 (km_element_stat (dec_b->element, "ratchets"), 1);
  /* carol cannot open what alice sent before she joined */
  fail_if (opens (dec_c, &st, before, 0));
  fail_unless_equals_uint64 (km_element_stat (dec_c->element, "missing-key"),
      1);

  /* sent before the leave, arrives after it */
  in_flight = seal (enc_a, &st, n / 2);

  /* carol leaves: a new key index, generation 0 */
  gst_e2ee_key_manager_remove_participant (a, "carol");
  gst_e2ee_key_manager_remove_participant (b, "carol");
  km_settle ();
  fail_unless_equals_uint64 (km_stat (a, "key-index"), 1);
  for (i = n / 2 + 1; i < n; i++) {
    f = seal (enc_a, &st, i);
    fail_unless_equals_uint64 (kid_on_wire (f, st.packets->pdata[i]),
        km_sframe_kid ("alice", 1, 0));
    fail_unless (opens (dec_b, &st, f, i));
    fail_if (opens (dec_c, &st, f, i));
    gst_buffer_unref (f);
  }
  fail_unless (opens (dec_b, &st, in_flight, n / 2));

  fail_unless_equals_uint64 (km_element_stat (dec_b->element, "packets-out"),
      n);
  fail_unless_equals_uint64 (km_element_stat (dec_b->element, "auth-failed"),
      0);
  fail_unless_equals_uint64 (km_element_stat (dec_c->element, "packets-out"),
      n / 2 - 1);
  fail_unless_equals_uint64 (km_element_stat (dec_c->element, "missing-key"),
      1 + (n - n / 2 - 1));
  fail_unless_equals_uint64 (km_element_stat (enc_a->element, "packets-out"),
      n);

  gst_buffer_unref (before);
  gst_buffer_unref (in_flight);
  gst_harness_teardown (enc_a);
  gst_harness_teardown (dec_b);
  gst_harness_teardown (dec_c);
  stream_clear (&st);
  km_router_reset ();
}

GST_END_TEST;

/* A decoder set to bob refuses alice's packets before trying a key, and
 * counts them; bob's open there. Without any key (no manager, no key
 * property) the encoder sends nothing */
GST_START_TEST (test_other_sender_refused)
{
  GstE2eeKeyManager *a, *b, *c;
  GstHarness *enc_a, *enc_b, *dec_c_bob, *dec_c_alice, *enc_none;
  GstBuffer *fa, *fb;
  Stream st = { 0 };

  if (!make_stream (&st, "other_sender_refused", FALSE))
    return;
  a = km_party ("alice");
  b = km_party ("bob");
  c = km_party ("carol");
  km_join (a);
  km_join (b);
  km_join (c);
  km_settle ();
  enc_a = rtp_harness ("rtpsframeenc", a, NULL, &st, FALSE);
  enc_b = rtp_harness ("rtpsframeenc", b, NULL, &st, FALSE);
  dec_c_bob = rtp_harness ("rtpsframedec", c, "bob", &st, FALSE);
  dec_c_alice = rtp_harness ("rtpsframedec", c, "alice", &st, FALSE);

  fa = seal (enc_a, &st, 0);
  fb = seal (enc_b, &st, 1);
  fail_if (kid_on_wire (fa, st.packets->pdata[0]) ==
      kid_on_wire (fb, st.packets->pdata[1]));
  fail_if (opens (dec_c_bob, &st, fa, 0));
  fail_unless_equals_uint64 (km_element_stat (dec_c_bob->element,
          "missing-key"), 1);
  fail_unless_equals_uint64 (km_element_stat (dec_c_bob->element,
          "ratchets"), 0);
  fail_unless (opens (dec_c_bob, &st, fb, 1));
  fail_unless (opens (dec_c_alice, &st, fa, 0));
  fail_if (opens (dec_c_alice, &st, fb, 1));
  fail_unless_equals_uint64 (km_element_stat (dec_c_alice->element,
          "missing-key"), 1);
  fail_unless_equals_uint64 (km_element_stat (dec_c_bob->element,
          "packets-out"), 1);
  fail_unless_equals_uint64 (km_element_stat (dec_c_bob->element,
          "packets-in"), 2);

  /* fail closed: no key at all, nothing goes out, counted */
  enc_none = gst_harness_new ("rtpsframeenc");
  gst_harness_set_src_caps_str (enc_none, st.caps);
  fail_unless_equals_int (gst_harness_push (enc_none, packet (&st, 0)),
      GST_FLOW_OK);
  fail_unless (gst_harness_try_pull (enc_none) == NULL);
  fail_unless_equals_uint64 (km_element_stat (enc_none->element, "no-key"), 1);

  gst_buffer_unref (fa);
  gst_buffer_unref (fb);
  gst_harness_teardown (enc_a);
  gst_harness_teardown (enc_b);
  gst_harness_teardown (dec_c_bob);
  gst_harness_teardown (dec_c_alice);
  gst_harness_teardown (enc_none);
  stream_clear (&st);
  km_router_reset ();
}

GST_END_TEST;

static Suite *
sframe_rtp_keys_suite (void)
{
  Suite *s = suite_create ("sframe-rtp-keys");
  TCase *tc = tcase_create ("general");

  suite_add_tcase (s, tc);
  tcase_set_timeout (tc, 120);
  tcase_add_test (tc, test_two_parties);
  tcase_add_test (tc, test_join_and_leave);
  tcase_add_test (tc, test_other_sender_refused);
  return s;
}

GST_CHECK_MAIN (sframe_rtp_keys);
