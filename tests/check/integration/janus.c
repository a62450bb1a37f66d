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
 * GstE2eeJanusRoom against a real Janus (harness/janus-harness.h), with real
 * webrtcbins, encoders and key managers, in the private network namespace
 * the tests run in:
 * - two rooms with key managers see each other through the TextRoom and
 *   exchange their keys over it;
 * - one publishes VP8 through e2eeenc and e2eevp8pay, the other subscribes
 *   (multistream) and decrypts with the participant Janus's mid table
 *   names: every decrypted frame is byte for byte a frame the publisher's
 *   e2eeenc was given;
 * - a publisher leaves, a newcomer and the leaver again publish: the room
 *   subscribes them on a second webrtcbin (request-webrtcbin), both
 *   decrypted byte for byte, and gives it back when they are gone;
 * - Janus killed and started again: both rooms say disconnected, then
 *   joined, and publishing again works.
 * Skips when Janus cannot run here (not installed, or not in a private
 * network namespace). Prints how long joining and the first decrypted frame
 * took (figures, not assertions).
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <string.h>
#include <gst/check/gstcheck.h>
#include <gst/e2ee/e2ee.h>

#include "janus-harness.h"
#include "janus-call.h"

static JanusHarness *janus;

/* -- tests --------------------------------------------------------------- */

static void
janus_setup (void)
{
  GError *error = NULL;
  JanusHarnessOptions opts = { 10, NULL };

  janus = janus_harness_start (&opts, &error);
  fail_unless (janus != NULL, "Janus: %s", error ? error->message : "");
  janus_call_set_url (janus->url);
}

static void
janus_teardown (void)
{
  janus_harness_free (janus);
  janus = NULL;
}

GST_START_TEST (test_keys_over_textroom)
{
  JanusParty a, b;
  JanusParty *ps[2] = { &a, &b };
  gchar **list;

  janus_party_init (&a, "alice");
  janus_party_init (&b, "bob");
  janus_call_start_and_join (&a, &b);
  fail_unless (janus_call_wait_for (janus_call_keys_exchanged, ps),
      "no keys through the TextRoom");

  list = gst_e2ee_key_manager_list_participants (a.km);
  fail_unless (g_strv_contains ((const gchar * const *) list, "bob"));
  g_strfreev (list);
  list = gst_e2ee_key_manager_list_participants (b.km);
  fail_unless (g_strv_contains ((const gchar * const *) list, "alice"));
  g_strfreev (list);
  {
    GstStructure *s = NULL;
    guint in = 0, out = 0;

    g_object_get (a.room, "stats", &s, NULL);
    gst_structure_get_uint (s, "relay-messages-in", &in);
    gst_structure_get_uint (s, "relay-messages-out", &out);
    fail_unless (in > 0 && out > 0);
    gst_structure_free (s);
  }
  janus_party_clear (&a);
  janus_party_clear (&b);
}

GST_END_TEST;

GST_START_TEST (test_publish_subscribe)
{
  JanusParty a, b;

  janus_party_init (&a, "alice");
  janus_party_init (&b, "bob");
  janus_call_start_and_join (&a, &b);
  janus_call_publish_and_check (&a, &b);
  janus_party_clear (&a);
  janus_party_clear (&b);
}

GST_END_TEST;

/* the subscriber follows the roster: a second publisher is added to the
 * subscription (update), each mid decrypted as the participant Janus names,
 * and a publisher that leaves takes its stream with it */
GST_START_TEST (test_two_publishers)
{
  JanusParty a, b, c;
  JanusParty *ab[2] = { &a, &b }, *cb[2] = {
    &c, &b
  };
  JanusParty *abc[3] = { &a, &b, GUINT_TO_POINTER (1) };
  JanusPair gone = { &c, &b };

  janus_party_init (&a, "alice");
  janus_party_init (&b, "bob");
  janus_party_init (&c, "carol");
  janus_call_start_and_join (&a, &b);
  janus_party_start (&c);
  abc[0] = &c;
  fail_unless (janus_call_wait_for (janus_call_joined_n, abc),
      "carol did not join");
  fail_unless (janus_call_wait_for (janus_call_keys_exchanged, ab),
      "no keys alice-bob");
  fail_unless (janus_call_wait_for (janus_call_keys_exchanged, cb),
      "no keys carol-bob");

  janus_party_subscribe (&b);
  janus_party_publish (&a);
  janus_call_check_frames (&a, &b);
  janus_party_publish (&c);
  janus_call_check_frames (&c, &b);
  /* alice's stream still flows and is still alice's */
  janus_call_check_frames (&a, &b);

  janus_party_clear (&c);
  fail_unless (janus_call_wait_for (janus_call_stream_gone, &gone),
      "carol's stream stayed");
  janus_party_clear (&a);
  janus_party_clear (&b);
}

GST_END_TEST;

static guint
room_stat (JanusParty * p, const gchar * field)
{
  GstStructure *s = NULL;
  guint v = 0;

  g_object_get (p->room, "stats", &s, NULL);
  gst_structure_get_uint (s, field, &v);
  gst_structure_free (s);
  return v;
}

static gboolean
one_released (gpointer data)
{
  return ((JanusParty *) data)->released->len >= 1;
}

/* a publisher that left and comes back must not find what it decrypted
 * before among what it decrypts now */
static void
forget_frames_of (JanusParty * sub, const gchar * participant)
{
  g_mutex_lock (&janus_call_lock);
  g_hash_table_remove (sub->received, participant);
  g_hash_table_remove (sub->first_frame_at, participant);
  g_hash_table_remove (sub->captured, participant);
  g_hash_table_remove (sub->removed, participant);
  g_mutex_unlock (&janus_call_lock);
}

/* A publisher leaves: its m-line on the subscription goes inactive, which
 * Janus 1.1.2 would reuse for the next publisher's stream and webrtcbin
 * 1.22 cannot make active again. The room subscribes the newcomer (carol)
 * and the leaver coming back (alice again) on a second subscriber handle,
 * on a webrtcbin it asks for; both are decrypted byte for byte; once all of
 * that handle's streams are gone its webrtcbin is given back. */
GST_START_TEST (test_leave_and_rejoin)
{
  JanusParty a, b, c, a2;
  JanusParty *ab[2] = { &a, &b }, *cb[2] = {
    &c, &b
  }, *a2b[2] = {
    &a2, &b
  };
  JanusParty *joined[3] = { &c, &b, GUINT_TO_POINTER (1) };
  JanusPair a_gone = { &a, &b }, c_gone = {
    &c, &b
  }, a2_gone = {
    &a2, &b
  };
  GstElement *w;

  janus_party_init (&a, "alice");
  janus_party_init (&b, "bob");
  janus_call_start_and_join (&a, &b);
  fail_unless (janus_call_wait_for (janus_call_keys_exchanged, ab),
      "no keys alice-bob");
  janus_party_subscribe (&b);
  janus_party_publish (&a);
  janus_call_check_frames (&a, &b);
  fail_unless_equals_int (room_stat (&b, "subscriptions"), 1);

  /* alice leaves: her m-line goes inactive */
  janus_party_clear (&a);
  fail_unless (janus_call_wait_for (janus_call_stream_gone, &a_gone),
      "alice's stream stayed");
  fail_unless_equals_int (b.requested, 0);

  /* a newcomer: on a second handle and webrtcbin */
  janus_party_init (&c, "carol");
  janus_party_start (&c);
  fail_unless (janus_call_wait_for (janus_call_joined_n, joined),
      "carol did not join");
  fail_unless (janus_call_wait_for (janus_call_keys_exchanged, cb),
      "no keys carol-bob");
  janus_party_publish (&c);
  janus_call_check_frames (&c, &b);
  fail_unless_equals_int (b.requested, 1);
  fail_unless_equals_int (room_stat (&b, "subscriptions"), 2);

  /* the leaver comes back (a new key manager with the same id) */
  forget_frames_of (&b, "alice");
  janus_party_init (&a2, "alice");
  joined[0] = &a2;
  janus_party_start (&a2);
  fail_unless (janus_call_wait_for (janus_call_joined_n, joined),
      "alice did not join again");
  fail_unless (janus_call_wait_for (janus_call_keys_exchanged, a2b),
      "no keys alice-bob again");
  janus_party_publish (&a2);
  janus_call_check_frames (&a2, &b);
  /* carol still flows, still carol's */
  janus_call_check_frames (&c, &b);
  /* the second handle had no hole yet: alice joined carol there */
  fail_unless_equals_int (b.requested, 1);
  fail_unless (b.errors == 0, "bob's room reported errors");

  /* both leave: the second handle carries nothing and is given back */
  janus_party_clear (&c);
  fail_unless (janus_call_wait_for (janus_call_stream_gone, &c_gone),
      "carol's stream stayed");
  janus_party_clear (&a2);
  fail_unless (janus_call_wait_for (janus_call_stream_gone, &a2_gone),
      "alice's stream stayed");
  fail_unless (janus_call_wait_for (one_released, &b),
      "no webrtcbin given back");
  g_mutex_lock (&janus_call_lock);
  w = gst_object_ref (g_ptr_array_index (b.released, 0));
  g_mutex_unlock (&janus_call_lock);
  gst_element_set_state (w, GST_STATE_NULL);
  gst_bin_remove (GST_BIN (b.sub_pipeline), w);
  gst_object_unref (w);
  fail_unless_equals_int (room_stat (&b, "subscriptions"), 1);
  janus_party_clear (&b);
}

GST_END_TEST;

GST_START_TEST (test_janus_restart)
{
  JanusParty a, b;
  JanusParty *ps[3] = { &a, &b, GUINT_TO_POINTER (2) };
  GError *error = NULL;
  guint reconnects = 0;
  GstStructure *s = NULL;
  gint64 restarted_at;

  janus_party_init (&a, "alice");
  janus_party_init (&b, "bob");
  janus_call_start_and_join (&a, &b);
  janus_call_publish_and_check (&a, &b);

  janus_harness_kill (janus);
  fail_unless (janus_call_wait_for (janus_call_disconnected_both, ps),
      "no disconnected");
  /* what the application does on disconnected: its webrtcbins are dead */
  janus_party_media_down (&a);
  janus_party_media_down (&b);
  restarted_at = g_get_monotonic_time ();
  fail_unless (janus_harness_restart (janus, &error), "%s",
      error ? error->message : "");
  fail_unless (janus_call_wait_for (janus_call_joined_n, ps),
      "not joined again");
  g_print ("janus: Janus restarted -> both joined again: %.0f ms\n",
      (g_get_monotonic_time () - restarted_at) / 1000.0);

  janus_call_publish_and_check (&a, &b);
  g_object_get (a.room, "stats", &s, NULL);
  gst_structure_get_uint (s, "reconnects", &reconnects);
  fail_unless (reconnects >= 1);
  gst_structure_free (s);
  janus_party_clear (&a);
  janus_party_clear (&b);
}

GST_END_TEST;

static Suite *
janus_suite (void)
{
  Suite *s = suite_create ("janus");
  TCase *tc = tcase_create ("general");

  suite_add_tcase (s, tc);
  tcase_add_checked_fixture (tc, janus_setup, janus_teardown);
  tcase_set_timeout (tc, 60);
  tcase_add_test (tc, test_keys_over_textroom);
  tcase_add_test (tc, test_publish_subscribe);
  tcase_add_test (tc, test_two_publishers);
  tcase_add_test (tc, test_leave_and_rejoin);
  tcase_add_test (tc, test_janus_restart);
  return s;
}

JANUS_CHECK_MAIN (janus, "janus");
