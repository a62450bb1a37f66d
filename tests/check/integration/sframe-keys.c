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

/* format=sframe with keys from the key manager (issue 15, item 4): the
 * SFrame base key of a sender is its media key, its KIDs are
 * tag << 16 | key index << 8 | ratchet generation (docs/keymanager.md,
 * "SFrame"), a join ratchets (new generation), a leave rotates (new key
 * index), and a decoder refuses another sender's frames. Managers on the
 * in-process router of km-harness; frames through e2eeenc and e2eedec. */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "km-harness.h"

#include <string.h>

/* an element with format=sframe and @m's keys, set before it starts */
static GstHarness *
sframe_harness (const gchar * factory, GstE2eeKeyManager * m,
    const gchar * participant)
{
  GstElement *e = gst_element_factory_make (factory, NULL);
  GstHarness *h;

  fail_unless (e != NULL);
  g_object_set (e, "format", GST_E2EE_FRAME_FORMAT_SFRAME, "key-manager", m,
      NULL);
  if (participant)
    g_object_set (e, "participant", participant, NULL);
  h = gst_harness_new_with_element (e, "sink", "src");
  gst_object_unref (e);
  gst_harness_set_src_caps_str (h, KM_OPUS_CAPS);
  return h;
}

/* The KID in the SFrame header on the wire */
static guint64
kid_on_wire (GstBuffer * buf)
{
  guint8 header[GST_E2EE_SFRAME_MAX_HEADER_SIZE];
  gsize n = gst_buffer_extract (buf, 0, header, sizeof (header));
  guint64 kid = G_MAXUINT64;

  fail_unless (gst_e2ee_sframe_header_read (header, n, &kid, NULL, NULL));
  return kid;
}

/* The frame left encrypted: nothing of km_frame() in clear */
static void
check_sealed (GstBuffer * buf, guint seed)
{
  GstBuffer *plain = km_frame (seed);
  GstMapInfo a, b;
  gsize i;

  gst_buffer_map (buf, &a, GST_MAP_READ);
  gst_buffer_map (plain, &b, GST_MAP_READ);
  fail_unless (a.size > b.size);
  for (i = 0; i + 16 <= a.size; i++)
    fail_if (memcmp (a.data + i, b.data + 1, 16) == 0);
  gst_buffer_unmap (buf, &a);
  gst_buffer_unmap (plain, &b);
  gst_buffer_unref (plain);
}

GST_START_TEST (test_two_parties)
{
  GstE2eeKeyManager *a = km_party ("alice"), *b = km_party ("bob");
  GstHarness *enc_a, *dec_b, *enc_b, *dec_a;
  GstBuffer *f;
  guint i;

  km_join (a);
  km_join (b);
  km_settle ();

  enc_a = sframe_harness ("e2eeenc", a, NULL);
  dec_b = sframe_harness ("e2eedec", b, "alice");
  enc_b = sframe_harness ("e2eeenc", b, NULL);
  dec_a = sframe_harness ("e2eedec", a, NULL);  /* the only remote one */

  /* each ratcheted its first key once, when the other joined */
  fail_unless_equals_uint64 (km_stat (a, "ratchets"), 1);
  fail_unless_equals_uint64 (km_stat (b, "ratchets"), 1);
  for (i = 1; i <= 5; i++) {
    f = km_encrypt (enc_a, i);
    check_sealed (f, i);
    fail_unless_equals_uint64 (kid_on_wire (f), km_sframe_kid ("alice", 0, 1));
    fail_unless (km_decrypts (dec_b, f, i));
    gst_buffer_unref (f);

    f = km_encrypt (enc_b, 100 + i);
    fail_unless_equals_uint64 (kid_on_wire (f), km_sframe_kid ("bob", 0, 1));
    fail_unless (km_decrypts (dec_a, f, 100 + i));
    /* once: a replay is refused */
    fail_if (km_decrypts (dec_a, f, 100 + i));
    gst_buffer_unref (f);
  }
  fail_unless_equals_uint64 (km_element_stat (dec_b->element, "frames-out"), 5);
  fail_unless_equals_uint64 (km_element_stat (dec_a->element, "replayed"), 5);
  fail_unless_equals_uint64 (km_element_stat (dec_b->element, "auth-failed"),
      0);

  gst_harness_teardown (enc_a);
  gst_harness_teardown (dec_b);
  gst_harness_teardown (enc_b);
  gst_harness_teardown (dec_a);
  km_router_reset ();
}

GST_END_TEST;

/* Three managers: carol joins (alice ratchets: a new generation, bob
 * follows, carol cannot open what came before, an encoder started later
 * agrees on the KID), then leaves (a new key
 * index: bob follows, carol cannot open what comes after) */
GST_START_TEST (test_join_and_leave)
{
  GstE2eeKeyManager *a, *b, *c;
  GstHarness *enc_a, *enc_a2, *dec_b, *dec_b2, *dec_c;
  GstBuffer *before, *after_join, *in_flight, *after_leave, *f;

  a = km_party ("alice");
  b = km_party ("bob");
  c = km_party ("carol");
  km_join (a);
  km_join (b);
  km_settle ();
  enc_a = sframe_harness ("e2eeenc", a, NULL);
  dec_b = sframe_harness ("e2eedec", b, "alice");
  before = km_encrypt (enc_a, 1);
  /* key index 0, ratcheted once (bob joined) */
  fail_unless_equals_uint64 (km_stat (a, "ratchets"), 1);
  fail_unless_equals_uint64 (kid_on_wire (before),
      km_sframe_kid ("alice", 0, 1));
  fail_unless (km_decrypts (dec_b, before, 1));

  /* carol joins: same key index, next generation */
  km_join (c);
  km_settle ();
  fail_unless_equals_uint64 (km_stat (a, "key-index"), 0);
  fail_unless_equals_uint64 (km_stat (a, "ratchets"), 2);
  dec_c = sframe_harness ("e2eedec", c, "alice");
  after_join = km_encrypt (enc_a, 2);
  fail_unless_equals_uint64 (kid_on_wire (after_join),
      km_sframe_kid ("alice", 0, 2));
  fail_unless (km_decrypts (dec_c, after_join, 2));
  /* bob derives the next generation from the key he holds */
  fail_unless (km_decrypts (dec_b, after_join, 2));
  fail_unless_equals_uint64 (km_element_stat (dec_b->element, "ratchets"), 1);
  /* carol cannot open what alice sent before she joined */
  fail_if (km_decrypts (dec_c, before, 1));
  fail_unless_equals_uint64 (km_element_stat (dec_c->element, "missing-key"),
      1);
  fail_unless_equals_uint64 (km_element_stat (dec_c->element, "frames-out"), 1);

  /* an encoder started after the join (a restarted stream, or another
   * stream of alice's) names the key as the first one does: the
   * generation is the manager's count. Its own stream: its own decoder
   * (the CTRs of two encoders are unrelated, a replay window is per
   * stream) */
  enc_a2 = sframe_harness ("e2eeenc", a, NULL);
  dec_b2 = sframe_harness ("e2eedec", b, "alice");
  f = km_encrypt (enc_a2, 5);
  fail_unless_equals_uint64 (kid_on_wire (f), km_sframe_kid ("alice", 0, 2));
  fail_unless (km_decrypts (dec_b2, f, 5));
  gst_buffer_unref (f);
  gst_harness_teardown (enc_a2);
  gst_harness_teardown (dec_b2);

  /* sent before the leave, arrives after it */
  in_flight = km_encrypt (enc_a, 3);

  /* carol leaves: a new key index, generation 0 */
  gst_e2ee_key_manager_remove_participant (a, "carol");
  gst_e2ee_key_manager_remove_participant (b, "carol");
  km_settle ();
  fail_unless_equals_uint64 (km_stat (a, "key-index"), 1);
  after_leave = km_encrypt (enc_a, 4);
  fail_unless_equals_uint64 (kid_on_wire (after_leave),
      km_sframe_kid ("alice", 1, 0));
  fail_unless (km_decrypts (dec_b, after_leave, 4));
  fail_unless (km_decrypts (dec_b, in_flight, 3));
  fail_if (km_decrypts (dec_c, after_leave, 4));
  fail_unless_equals_uint64 (km_element_stat (dec_c->element, "missing-key"),
      2);
  fail_unless_equals_uint64 (km_element_stat (dec_b->element, "frames-out"), 4);
  fail_unless_equals_uint64 (km_element_stat (dec_b->element, "auth-failed"),
      0);

  gst_buffer_unref (before);
  gst_buffer_unref (after_join);
  gst_buffer_unref (in_flight);
  gst_buffer_unref (after_leave);
  gst_harness_teardown (enc_a);
  gst_harness_teardown (dec_b);
  gst_harness_teardown (dec_c);
  km_router_reset ();
}

GST_END_TEST;

/* A decoder set to bob refuses alice's frames before trying a key, and
 * counts them; bob's own frames open there */
GST_START_TEST (test_other_sender_refused)
{
  GstE2eeKeyManager *a, *b, *c;
  GstHarness *enc_a, *enc_b, *dec_c_bob, *dec_c_alice;
  GstBuffer *fa, *fb;

  a = km_party ("alice");
  b = km_party ("bob");
  c = km_party ("carol");
  km_join (a);
  km_join (b);
  km_join (c);
  km_settle ();
  enc_a = sframe_harness ("e2eeenc", a, NULL);
  enc_b = sframe_harness ("e2eeenc", b, NULL);
  dec_c_bob = sframe_harness ("e2eedec", c, "bob");
  dec_c_alice = sframe_harness ("e2eedec", c, "alice");

  fa = km_encrypt (enc_a, 1);
  fb = km_encrypt (enc_b, 2);
  fail_if (kid_on_wire (fa) == kid_on_wire (fb));
  fail_if (km_decrypts (dec_c_bob, fa, 1));
  fail_unless_equals_uint64 (km_element_stat (dec_c_bob->element,
          "missing-key"), 1);
  fail_unless_equals_uint64 (km_element_stat (dec_c_bob->element,
          "ratchets"), 0);
  fail_unless (km_decrypts (dec_c_bob, fb, 2));
  fail_unless (km_decrypts (dec_c_alice, fa, 1));
  fail_if (km_decrypts (dec_c_alice, fb, 2));
  fail_unless_equals_uint64 (km_element_stat (dec_c_alice->element,
          "missing-key"), 1);
  fail_unless_equals_uint64 (km_element_stat (dec_c_bob->element,
          "frames-out"), 1);

  gst_buffer_unref (fa);
  gst_buffer_unref (fb);
  gst_harness_teardown (enc_a);
  gst_harness_teardown (enc_b);
  gst_harness_teardown (dec_c_bob);
  gst_harness_teardown (dec_c_alice);
  km_router_reset ();
}

GST_END_TEST;

static Suite *
sframe_keys_suite (void)
{
  Suite *s = suite_create ("sframe-keys");
  TCase *tc = tcase_create ("general");

  suite_add_tcase (s, tc);
  tcase_set_timeout (tc, 120);
  tcase_add_test (tc, test_two_parties);
  tcase_add_test (tc, test_join_and_leave);
  tcase_add_test (tc, test_other_sender_refused);
  return s;
}

GST_CHECK_MAIN (sframe_keys);
