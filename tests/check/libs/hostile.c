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

/* GstE2eeKeyManager against peers that speak its protocol maliciously:
 * messages for someone else, replayed and forged session-inits, key-info in
 * another participant's name, absurd key indexes, floods, huge fields,
 * half-open handshakes, impersonation, and hellos by the thousand. The
 * honest side is real key managers joined by an in-process router; the
 * hostile side is a test peer with an olm account of its own (the library's
 * private olm module), so it can make genuine olm messages. Each test checks
 * what an application sees: keys in e2eedec's rings (frames that decrypt or
 * not), participants, signals, bus messages and stats. docs/security.md
 * lists which test proves what. */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "hostile-peer.h"

#include <glib/gstdio.h>

#include <json-glib/json-glib.h>
#include <string.h>

/* A message whose "to" is someone else is ignored and counted, even
 * when it is a genuine olm message that would change keys if handled. */
GST_START_TEST (test_wrong_recipient)
{
  GstE2eeKeyManager *a, *b;
  Peer *mallory;
  guint8 other_key[KM_KEY_SIZE];
  guint64 in, keys, not_for_us, sessions, refused, malformed;
  KeyEvents ev;
  gchar *plain, *data, *uuid;

  hostile_init ();
  a = km_party ("alice");
  b = km_party ("bob");
  km_join (a);
  km_join (b);
  km_settle ();
  mallory = peer_joined ("mallory", a);
  km_settle ();
  fail_unless (km_key_works (a, "mallory", mallory->key, 0, 1));
  key_events_init (&ev, a);

  in = km_stat (a, "messages-in");
  keys = km_stat (a, "keys-received");
  not_for_us = km_stat (a, "not-for-us");
  sessions = km_stat (a, "sessions");
  refused = km_stat (a, "refused");
  malformed = km_stat (a, "malformed");

  /* a key-info that decrypts on mallory's session, addressed to bob */
  memset (other_key, 0x5a, sizeof (other_key));
  plain = key_info_plain (other_key, 3);
  uuid = g_uuid_string_random ();
  data = encrypted_data (mallory->session, plain, uuid);
  deliver (a, olm_msg ("mallory", "bob", "key-info", data));
  deliver (a, olm_msg ("mallory", "carol", "key-info", data));
  /* a session-init for bob, and a stranger's hello for carol */
  deliver (a, olm_msg ("mallory", "bob", "session-init",
          "{\"idKey\":\"x\",\"otKey\":\"y\",\"uuid\":\"z\"}"));
  deliver (a, hello_msg ("zed", "carol", peer_curve (mallory),
          peer_ed (mallory)));
  /* "to" that is not an id at all */
  deliver (a, g_strdup ("{\"type\":\"olm\",\"from\":\"mallory\",\"to\":7,"
          "\"olm\":{\"type\":\"key-info\",\"data\":{}}}"));
  deliver (a, g_strdup ("{\"type\":\"olm\",\"from\":\"mallory\",\"to\":\"\","
          "\"olm\":{\"type\":\"key-info\",\"data\":{}}}"));
  km_settle ();

  fail_unless_equals_uint64 (km_stat (a, "messages-in"), in + 6);
  fail_unless_equals_uint64 (km_stat (a, "not-for-us"), not_for_us + 4);
  fail_unless_equals_uint64 (km_stat (a, "malformed"), malformed + 2);
  fail_unless_equals_uint64 (km_stat (a, "keys-received"), keys);
  fail_unless_equals_uint64 (km_stat (a, "sessions"), sessions);
  fail_unless_equals_uint64 (km_stat (a, "refused"), refused);
  fail_unless_equals_int (key_events_count (&ev, ""), 0);
  /* no participant "zed", no key 3 for mallory, nothing to answer */
  fail_unless_equals_int (km_n_participants (a), 2);
  fail_if (km_has_participant (a, "zed"));
  fail_if (km_key_works (a, "mallory", other_key, 3, 2));
  fail_unless (km_key_works (a, "mallory", mallory->key, 0, 3));
  fail_unless_equals_int (mallory->errors, 0);

  /* the decryptor that missed key 3 asked for mallory's key: her answer
   * (her key 0 again) comes first */
  km_settle ();
  keys = km_stat (a, "keys-received");
  /* the same message to alice is handled: the one above was genuine */
  deliver (a, olm_msg ("mallory", "alice", "key-info", data));
  km_settle ();
  fail_unless_equals_uint64 (km_stat (a, "keys-received"), keys + 1);
  fail_unless (km_key_works (a, "mallory", other_key, 3, 4));
  fail_unless (km_call_works (b, a, 5));

  g_free (plain);
  g_free (data);
  g_free (uuid);
  key_events_clear (&ev, a);
  hostile_reset ();
}

GST_END_TEST;

static gboolean
twice_session_init (const gchar * from, const gchar * to, const gchar * msg,
    gpointer user_data)
{
  return strstr (msg, "\"session-init\"") != NULL;
}

/* replaces the uuid of a session-init: a router replaying it as new */
static gchar *
with_new_uuid (const gchar * msg)
{
  JsonParser *parser = json_parser_new ();
  JsonObject *data;
  gchar *uuid = g_uuid_string_random (), *out;
  JsonGenerator *gen = json_generator_new ();

  fail_unless (json_parser_load_from_data (parser, msg, -1, NULL));
  data = json_object_get_object_member (json_object_get_object_member
      (json_node_get_object (json_parser_get_root (parser)), "olm"), "data");
  json_object_set_string_member (data, "uuid", uuid);
  json_generator_set_root (gen, json_parser_get_root (parser));
  out = json_generator_to_data (gen, NULL);
  g_object_unref (gen);
  g_object_unref (parser);
  g_free (uuid);
  return out;
}

/* A session-init delivered twice, replayed after the session is up,
 * replayed with a new uuid, or forged in the initiator's name with a
 * one-time key of the attacker's: the responder keeps the session that
 * works (a forged one stays a candidate that never gets confirmed), each
 * refusal is counted, and keys keep flowing both ways. */
GST_START_TEST (test_replayed_session_init)
{
  GstE2eeKeyManager *a, *b;
  GstE2eeOlmAccount *forger;
  gchar *init, *otk, *data, *alice_curve, *o, *d, *plain;
  guint64 refused, sessions, keys;
  GError *err = NULL;
  Peer *aaron;

  hostile_init ();
  km_router_hooks ()->twice = twice_session_init;
  a = km_party ("alice");
  b = km_party ("bob");
  km_join (a);
  km_join (b);
  km_settle ();
  km_router_hooks ()->twice = NULL;

  /* the copy was dropped quietly (a duplicate: no error, which
   * lib-jitsi-meet would log as one); one session on each side */
  fail_unless_equals_int (hostile.session_inits->len, 1);
  fail_unless_equals_uint64 (km_stat (b, "sessions"), 1);
  fail_unless_equals_uint64 (km_stat (b, "duplicates"), 1);
  fail_unless_equals_uint64 (km_stat (b, "refused"), 0);
  fail_unless_equals_uint64 (km_stat (a, "errors-received"), 0);
  fail_unless_equals_uint64 (km_stat (a, "sessions"), 1);
  fail_unless (km_call_works (a, b, 1));
  fail_unless (km_call_works (b, a, 2));

  /* replayed after the session is up: a copy of the one answered,
   * dropped quietly; nothing changes */
  init = g_strdup (g_ptr_array_index (hostile.session_inits, 0));
  refused = km_stat (b, "refused");
  sessions = km_stat (b, "sessions");
  gst_e2ee_key_manager_receive_message (b, init);
  gst_e2ee_key_manager_receive_message (b, init);
  km_settle ();
  fail_unless_equals_uint64 (km_stat (b, "duplicates"), 3);
  fail_unless_equals_uint64 (km_stat (b, "refused"), refused);
  fail_unless_equals_uint64 (km_stat (a, "errors-received"), 0);
  /* with a new uuid: the one-time key was used already: a replay,
   * refused with an error */
  deliver (b, with_new_uuid (init));
  km_settle ();
  fail_unless_equals_uint64 (km_stat (b, "refused"), refused + 1);
  fail_unless_equals_uint64 (km_stat (a, "errors-received"), 1);
  fail_unless_equals_uint64 (km_stat (b, "sessions"), sessions);

  /* forged: alice's (public) identity key and a one-time key of a
   * forger's account. bob cannot tell yet, so he answers on a new
   * session, but keeps the one that works until alice uses the new one:
   * she never can */
  forger = gst_e2ee_olm_account_new (&err);
  otk = gst_e2ee_olm_account_new_one_time_key (forger, &err);
  g_object_get (a, "curve25519-key", &alice_curve, NULL);
  data = g_strdup_printf ("{\"idKey\":\"%s\",\"otKey\":\"%s\","
      "\"uuid\":\"forged-uuid\"}", alice_curve, otk);
  deliver (b, olm_msg ("alice", "bob", "session-init", data));
  km_settle ();
  /* its session-ack went to alice, who refused it: no such uuid */
  fail_unless (km_stat (a, "refused") >= 1);

  keys = km_stat (b, "keys-received") + km_stat (b, "keys-duplicate");
  gst_e2ee_key_manager_rotate_key (a);
  gst_e2ee_key_manager_rotate_key (b);
  km_settle ();
  /* alice's new key, and hers again in her key-info-ack (taken, and
   * counted as a duplicate) */
  fail_unless_equals_uint64 (km_stat (b, "keys-received") + km_stat (b,
          "keys-duplicate"), keys + 2);
  fail_unless_equals_uint64 (km_stat (a, "key-index"), 1);
  fail_unless_equals_uint64 (km_stat (b, "key-index"), 1);
  fail_unless (km_call_works (a, b, 3));
  fail_unless (km_call_works (b, a, 4));
  fail_unless_equals_uint64 (km_stat (b, "decrypt-failed"), 0);
  fail_unless_equals_uint64 (km_stat (a, "decrypt-failed"), 0);

  /* a burst of forged inits costs a few olm sessions, not one each */
  sessions = km_stat (b, "sessions");
  refused = km_stat (b, "refused");
  {
    guint i;

    for (i = 0; i < 20; i++) {
      o = gst_e2ee_olm_account_new_one_time_key (forger, &err);
      d = g_strdup_printf ("{\"idKey\":\"%s\",\"otKey\":\"%s\","
          "\"uuid\":\"burst-%u\"}", alice_curve, o, i);
      deliver (b, olm_msg ("alice", "bob", "session-init", d));
      g_free (d);
      g_free (o);
    }
  }
  km_settle ();
  /* 4 per 5 s: the burst may straddle two windows on a slow machine */
  fail_unless (km_stat (b, "sessions") - sessions <= 8);
  fail_unless (km_stat (b, "refused") - refused >= 12);
  fail_unless (km_call_works (a, b, 5));

  /* forged right after bob answered aaron's own init, before aaron used
   * the session (so bob cannot know yet that it works): still only a
   * candidate, and aaron's session is the one that works */
  aaron = peer_new ("aaron", b);
  aaron->respond = FALSE;
  peer_hello (aaron, NULL);
  km_settle ();
  peer_start_session (aaron);
  km_settle ();
  fail_unless (aaron->session != NULL);
  o = gst_e2ee_olm_account_new_one_time_key (forger, &err);
  d = g_strdup_printf ("{\"idKey\":\"%s\",\"otKey\":\"%s\","
      "\"uuid\":\"forged-2\"}", peer_curve (aaron), o);
  deliver (b, olm_msg ("aaron", "bob", "session-init", d));
  g_free (d);
  g_free (o);
  km_settle ();
  aaron->respond = TRUE;
  plain = key_info_plain (aaron->key, 0);
  peer_send_plain (aaron, NULL, "key-info", plain);
  g_free (plain);
  km_settle ();
  fail_unless (km_key_works (b, "aaron", aaron->key, 0, 6));
  gst_e2ee_key_manager_rotate_key (b);
  km_settle ();
  fail_unless_equals_int (aaron->got_index, 2);
  fail_unless (peer_key_works (aaron, 7));
  fail_unless_equals_int (aaron->decrypt_failed, 0);

  gst_e2ee_olm_account_free (forger);
  g_free (otk);
  g_free (data);
  g_free (init);
  g_free (alice_curve);
  hostile_reset ();
}

GST_END_TEST;

/* Mallory, who has a genuine session with alice, tries to get her key
 * used as bob's. */
GST_START_TEST (test_key_info_for_another)
{
  GstE2eeKeyManager *a, *b;
  Peer *mallory;
  guint64 keys, failed, imp, refused;
  GstBus *bus;
  gchar *plain;

  hostile_init ();
  a = km_party ("alice");
  b = km_party ("bob");
  km_join (a);
  km_join (b);
  km_settle ();
  mallory = peer_joined ("mallory", a);
  mallory->key_index = 5;
  km_settle ();
  bus = watch_bus (a);
  fail_unless (km_call_works (b, a, 1));
  keys = km_stat (a, "keys-received");
  failed = km_stat (a, "decrypt-failed");
  imp = km_stat (a, "impersonations");
  refused = km_stat (a, "refused");

  /* key-info on mallory's session in an envelope from bob: it does not
   * decrypt on bob's session */
  plain = key_info_plain (mallory->key, 5);
  peer_send_plain (mallory, "bob", "key-info", plain);
  g_free (plain);
  /* the same, index 0: bob's current slot */
  plain = key_info_plain (mallory->key, 0);
  peer_send_plain (mallory, "bob", "key-info", plain);
  peer_send_plain (mallory, "bob", "key-info-ack", plain);
  g_free (plain);
  /* in her own name, a plaintext that names bob: only her keys change */
  plain = g_strdup_printf ("{\"from\":\"bob\",\"participant\":\"bob\","
      "\"key\":\"%s\",\"keyIndex\":5}", "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBka"
      "GxwdHh8=");
  peer_send_plain (mallory, NULL, "key-info", plain);
  g_free (plain);
  /* a session-init as bob with her identity key, a session-ack as bob */
  {
    GError *err = NULL;
    gchar *otk = gst_e2ee_olm_account_new_one_time_key (mallory->account,
        &err);
    gchar *data = g_strdup_printf ("{\"idKey\":\"%s\",\"otKey\":\"%s\","
        "\"uuid\":\"u1\"}", peer_curve (mallory), otk);

    deliver (a, olm_msg ("bob", "alice", "session-init", data));
    g_free (data);
    data = encrypted_data (mallory->session, "{}", "u2");
    deliver (a, olm_msg ("bob", "alice", "session-ack", data));
    g_free (data);
    g_free (otk);
  }
  km_settle ();

  fail_unless_equals_uint64 (km_stat (a, "decrypt-failed"), failed + 3);
  fail_unless_equals_uint64 (km_stat (a, "impersonations"), imp + 1);
  fail_unless_equals_uint64 (km_stat (a, "refused"), refused + 1);
  /* only mallory's own key-info counted */
  fail_unless_equals_uint64 (km_stat (a, "keys-received"), keys + 1);
  fail_unless (bus_has (bus, GST_MESSAGE_ERROR, "bob"));

  /* bob's ring: mallory's key under no index; bob's frames still decrypt */
  fail_if (km_key_works (a, "bob", mallory->key, 5, 2));
  fail_if (km_key_works (a, "bob", mallory->key, 0, 3));
  fail_unless (km_call_works (b, a, 4));
  /* the key she sent in her own name went to her ring only */
  {
    guint8 k[KM_KEY_SIZE];
    guint i;

    for (i = 0; i < KM_KEY_SIZE; i++)
      k[i] = i;
    fail_unless (km_key_works (a, "mallory", k, 5, 5));
    fail_if (km_key_works (a, "bob", k, 5, 6));
  }
  /* and bob's keys still reach alice */
  gst_e2ee_key_manager_rotate_key (b);
  km_settle ();
  fail_unless (km_call_works (b, a, 7));

  unwatch_bus (a, bus);
  hostile_reset ();
}

GST_END_TEST;

/* Key indexes: 0..2^31-1 are taken (slot = index % 16, as the ring and
 * the KID byte say); anything else, and keys not of 32 bytes, are refused
 * without touching the ring. */
GST_START_TEST (test_key_index_bounds)
{
  GstE2eeKeyManager *a;
  Peer *mallory;
  guint8 k1[KM_KEY_SIZE], k2[KM_KEY_SIZE];
  guint64 malformed, keys;
  KeyEvents ev;
  guint i, n_bad;
  gchar *b64, *plain;
  const gchar *bad_index[] = {
    "2147483648", "4294967296", "4294967299", "9223372036854775807",
    "-1", "-2147483648", "-9223372036854775808", "1.5", "3.0", "1e30",
    "99999999999999999999999", "\"3\"", "true", "null", "[3]", "{}",
  };
  const gchar *bad_key[] = {
    /* 31, 33, 16 and 0 bytes; not base64; not a string */
    "\"AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHg==\"",
    "\"AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8g\"",
    "\"AAECAwQFBgcICQoLDA0ODw==\"",
    "\"\"", "\"!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!\"",
    "12", "true", "null", "{\"k\":1}",
  };

  hostile_init ();
  a = km_party ("alice");
  km_join (a);
  mallory = peer_joined ("mallory", a);
  km_settle ();
  key_events_init (&ev, a);
  for (i = 0; i < KM_KEY_SIZE; i++) {
    k1[i] = 0xa0 + i;
    k2[i] = 0x11 * (i + 1);
  }
  b64 = g_base64_encode (k2, KM_KEY_SIZE);

  /* the largest index: slot 15, and KID 15 on the wire */
  plain = key_info_plain (k1, G_MAXINT32);
  peer_send_plain (mallory, NULL, "key-info", plain);
  g_free (plain);
  km_settle ();
  fail_unless (km_key_works (a, "mallory", k1, G_MAXINT32, 1));
  fail_unless_equals_int (key_events_count (&ev, "mallory:2147483647"), 1);
  /* it jumps back: an index is only a label */
  plain = key_info_plain (k2, 1);
  peer_send_plain (mallory, NULL, "key-info", plain);
  g_free (plain);
  km_settle ();
  fail_unless (km_key_works (a, "mallory", k2, 1, 2));
  fail_unless (km_key_works (a, "mallory", k1, G_MAXINT32, 3));

  malformed = km_stat (a, "malformed");
  keys = km_stat (a, "keys-received");
  n_bad = 0;
  for (i = 0; i < G_N_ELEMENTS (bad_index); i++, n_bad++) {
    plain = g_strdup_printf ("{\"key\":\"%s\",\"keyIndex\":%s}", b64,
        bad_index[i]);
    peer_send_plain (mallory, NULL, "key-info", plain);
    g_free (plain);
  }
  for (i = 0; i < G_N_ELEMENTS (bad_key); i++, n_bad++) {
    plain = g_strdup_printf ("{\"key\":%s,\"keyIndex\":4}", bad_key[i]);
    peer_send_plain (mallory, NULL, "key-info", plain);
    g_free (plain);
  }
  /* no index at all */
  plain = g_strdup_printf ("{\"key\":\"%s\"}", b64);
  peer_send_plain (mallory, NULL, "key-info", plain);
  g_free (plain);
  n_bad++;
  /* a 10 000-character key */
  {
    gchar *big = g_strnfill (10000, 'A');

    plain = g_strdup_printf ("{\"key\":\"%s\",\"keyIndex\":4}", big);
    peer_send_plain (mallory, NULL, "key-info", plain);
    g_free (plain);
    g_free (big);
    n_bad++;
  }
  km_settle ();

  fail_unless_equals_uint64 (km_stat (a, "malformed"), malformed + n_bad);
  fail_unless_equals_uint64 (km_stat (a, "keys-received"), keys);
  /* every refusal was answered, and nothing was installed: 2^32 + 3 did
   * not land in slot 3 nor 2^31 in slot 0, k2 is still in slot 1 only */
  fail_unless (mallory->errors >= n_bad);
  fail_if (km_key_works (a, "mallory", k2, 3, 4));
  fail_if (km_key_works (a, "mallory", k2, 0, 5));
  fail_if (km_key_works (a, "mallory", k2, 4, 6));
  fail_unless (km_key_works (a, "mallory", k2, 1, 7));
  fail_unless (km_key_works (a, "mallory", k1, G_MAXINT32, 8));
  fail_unless_equals_int (key_events_count (&ev, "mallory:"), 2);

  g_free (b64);
  key_events_clear (&ev, a);
  hostile_reset ();
}

GST_END_TEST;

/* Stalls a manager's thread inside a send-message handler. */
typedef struct
{
  GMutex lock;
  GCond cond;
  gboolean stall;
  gboolean stalled;
} Stall;

static void
on_send_stall (GstE2eeKeyManager * m, const gchar * to, const gchar * msg,
    Stall * st)
{
  g_mutex_lock (&st->lock);
  if (st->stall) {
    st->stalled = TRUE;
    g_cond_broadcast (&st->cond);
    while (st->stall)
      g_cond_wait (&st->cond, &st->lock);
  }
  g_mutex_unlock (&st->lock);
}

/* Waits until the counter @field of @m's stats reaches @want. */
static gboolean
wait_stat (GstE2eeKeyManager * m, const gchar * field, guint64 want,
    gint64 timeout_us)
{
  gint64 end = g_get_monotonic_time () + timeout_us;

  while (km_stat (m, field) < want) {
    if (g_get_monotonic_time () > end)
      return FALSE;
    g_usleep (10 * 1000);
  }
  return TRUE;
}

/* 10 000 messages at once, garbage and well-formed but useless: what the
 * manager's thread has not taken in is bounded (1024 messages, 4 MiB); the
 * rest is dropped unread and counted; the manager stays responsive. */
GST_START_TEST (test_flood)
{
  GstE2eeKeyManager *a, *b;
  Peer *mallory;
  Stall st = { 0, };
  guint i, accepted = 0;
  guint64 in, dropped, keys;
  gchar *msgs[6], *data, *huge_field, *big;
  gint64 start, took;

  hostile_init ();
  a = km_party ("alice");
  b = km_party ("bob");
  km_join (a);
  km_join (b);
  km_settle ();
  mallory = peer_joined ("mallory", a);
  mallory->respond = FALSE;
  g_mutex_init (&st.lock);
  g_cond_init (&st.cond);
  g_signal_connect (a, "send-message", G_CALLBACK (on_send_stall), &st);

  data = encrypted_data (mallory->session, "{}", "u");
  msgs[0] = g_strdup ("{not json");
  msgs[1] = hello_msg ("mallory", "alice", peer_curve (mallory),
      peer_ed (mallory));
  /* a genuine message, over and over: olm refuses the replays */
  msgs[2] = olm_msg ("mallory", "alice", "key-info", data);
  msgs[3] = olm_msg ("mallory", "alice", "key-info",
      "{\"ciphertext\":{\"type\":1,\"body\":\"AAAAAAAAAAAAAAAAAAAAAAAA\"},"
      "\"uuid\":\"u\"}");
  msgs[4] = olm_msg ("mallory", "carol", "sas-start", "{}");
  msgs[5] = g_strdup ("{\"type\":\"olm\",\"from\":\"mallory\",\"to\":\"alice\","
      "\"olm\":{\"type\":\"session-ack\",\"data\":{\"uuid\":\"x\","
      "\"ciphertext\":{\"type\":0,\"body\":\"AAAA\"}}}}");
  g_free (data);

  /* alice's thread is held: exactly 1024 small messages wait for it */
  g_mutex_lock (&st.lock);
  st.stall = TRUE;
  g_mutex_unlock (&st.lock);
  gst_e2ee_key_manager_add_participant (a, "nobody");
  g_mutex_lock (&st.lock);
  while (!st.stalled)
    g_cond_wait (&st.cond, &st.lock);
  g_mutex_unlock (&st.lock);

  in = km_stat (a, "messages-in");
  dropped = km_stat (a, "dropped");
  start = g_get_monotonic_time ();
  for (i = 0; i < 10000; i++)
    if (gst_e2ee_key_manager_receive_message (a, msgs[i % 6]))
      accepted++;
  took = g_get_monotonic_time () - start;
  GST_INFO ("10000 messages handed over in %" G_GINT64_FORMAT " us", took);
  fail_unless_equals_int (accepted, 1024);
  fail_unless_equals_uint64 (km_stat (a, "dropped"), dropped + 10000 - 1024);

  /* big messages: 4 MiB waiting at most */
  huge_field = g_strnfill (60 * 1024, 'A');
  big = hello_msg ("mallory", "alice", huge_field, huge_field);
  fail_if (gst_e2ee_key_manager_receive_message (a, big));
  g_free (big);
  big = g_strdup_printf ("{\"type\":\"x\",\"from\":\"m\",\"pad\":\"%s\"}",
      huge_field);
  dropped = km_stat (a, "dropped");
  accepted = 0;
  for (i = 0; i < 200; i++)
    if (gst_e2ee_key_manager_receive_message (a, big))
      accepted++;
  /* 1024 small ones wait already: all refused */
  fail_unless_equals_int (accepted, 0);
  fail_unless_equals_uint64 (km_stat (a, "dropped"), dropped + 200);

  g_mutex_lock (&st.lock);
  st.stall = FALSE;
  g_cond_broadcast (&st.cond);
  g_mutex_unlock (&st.lock);
  gst_e2ee_key_manager_flush (a);

  /* everything that came in is accounted for */
  fail_unless_equals_uint64 (km_stat (a, "messages-in"), in + 10000 + 1 + 200);
  /* now with big messages only: at most 4 MiB of them wait */
  g_mutex_lock (&st.lock);
  st.stall = TRUE;
  st.stalled = FALSE;
  g_mutex_unlock (&st.lock);
  gst_e2ee_key_manager_add_participant (a, "nobody-else");
  g_mutex_lock (&st.lock);
  while (!st.stalled)
    g_cond_wait (&st.cond, &st.lock);
  g_mutex_unlock (&st.lock);
  accepted = 0;
  for (i = 0; i < 200; i++)
    if (gst_e2ee_key_manager_receive_message (a, big))
      accepted++;
  fail_unless_equals_int (accepted, (4 * 1024 * 1024) / strlen (big));
  g_mutex_lock (&st.lock);
  st.stall = FALSE;
  g_cond_broadcast (&st.cond);
  g_mutex_unlock (&st.lock);
  gst_e2ee_key_manager_flush (a);
  g_signal_handlers_disconnect_by_data (a, &st);

  /* not stalled: 10 000 as fast as they come; then a rotation still
   * reaches bob in bounded time */
  for (i = 0; i < 10000; i++)
    gst_e2ee_key_manager_receive_message (a, msgs[i % 6]);
  keys = km_stat (b, "keys-received");
  start = g_get_monotonic_time ();
  gst_e2ee_key_manager_rotate_key (a);
  mallory->respond = TRUE;
  fail_unless (wait_stat (b, "keys-received", keys + 1,
          20 * G_USEC_PER_SEC), "the new key did not reach bob");
  GST_INFO ("rotation reached bob %" G_GINT64_FORMAT " us after the flood",
      g_get_monotonic_time () - start);
  km_settle ();
  fail_unless (km_stat (a, "decrypt-failed") > 0);
  fail_unless_equals_uint64 (km_stat (a, "key-index"), 1);
  fail_unless (km_call_works (a, b, 1));
  fail_unless_equals_int (km_n_participants (a), 2);

  for (i = 0; i < 6; i++)
    g_free (msgs[i]);
  g_free (big);
  g_free (huge_field);
  g_mutex_clear (&st.lock);
  g_cond_clear (&st.cond);
  hostile_reset ();
}

GST_END_TEST;

/* 10 MB strings inside otherwise valid messages are refused unread;
 * fields that fit the 64 KiB limit but not their purpose are refused. */
GST_START_TEST (test_huge_fields)
{
  GstE2eeKeyManager *a, *b;
  Peer *mallory;
  gchar *huge, *big, *plain, *data;
  guint64 malformed, failed, keys;
  guint n;

  hostile_init ();
  a = km_party ("alice");
  b = km_party ("bob");
  km_join (a);
  km_join (b);
  km_settle ();
  mallory = peer_joined ("mallory", a);
  km_settle ();
  malformed = km_stat (a, "malformed");
  failed = km_stat (a, "decrypt-failed");
  keys = km_stat (a, "keys-received");

  huge = g_strnfill (10 * 1024 * 1024, 'A');
  fail_if (deliver (a, hello_msg ("zed", NULL, huge, peer_ed (mallory))));
  data = g_strdup_printf ("{\"ciphertext\":{\"type\":1,\"body\":\"%s\"},"
      "\"uuid\":\"u\"}", huge);
  fail_if (deliver (a, olm_msg ("mallory", "alice", "key-info", data)));
  g_free (data);
  data = g_strdup_printf ("{\"idKey\":\"%s\",\"otKey\":\"x\",\"uuid\":\"u\"}",
      huge);
  fail_if (deliver (a, olm_msg ("mallory", "alice", "session-init", data)));
  g_free (data);
  fail_if (deliver (a, olm_msg ("mallory", huge, "key-info", "{}")));
  g_free (huge);
  km_settle ();
  fail_unless_equals_uint64 (km_stat (a, "malformed"), malformed + 4);

  /* 60 KB fields, under the message limit */
  big = g_strnfill (60 * 1024, 'A');
  malformed = km_stat (a, "malformed");
  n = 0;
  fail_unless (deliver (a, hello_msg ("zed", NULL, big, peer_ed (mallory))));
  n++;
  fail_unless (deliver (a, hello_msg (big, NULL, peer_curve (mallory),
              peer_ed (mallory))));
  n++;
  data = g_strdup_printf ("{\"uuid\":\"%s\",\"ciphertext\":{\"type\":1,"
      "\"body\":\"AAAA\"}}", big);
  fail_unless (deliver (a, olm_msg ("mallory", "alice", "key-info", data)));
  g_free (data);
  n++;
  data = g_strdup_printf ("{\"transactionId\":\"%s\"}", big);
  fail_unless (deliver (a, olm_msg ("mallory", "alice", "sas-start", data)));
  g_free (data);
  n++;
  /* a 60 KB olm body that is not a message: decrypt-failed */
  data = g_strdup_printf ("{\"ciphertext\":{\"type\":1,\"body\":\"%s\"},"
      "\"uuid\":\"u\"}", big);
  fail_unless (deliver (a, olm_msg ("mallory", "alice", "key-info", data)));
  g_free (data);
  /* a genuine key-info carrying a 40 KB key */
  {
    gchar *k = g_strnfill (40 * 1024, 'B');

    plain = g_strdup_printf ("{\"key\":\"%s\",\"keyIndex\":2}", k);
    peer_send_plain (mallory, NULL, "key-info", plain);
    g_free (plain);
    g_free (k);
    n++;
  }
  km_settle ();
  fail_unless_equals_uint64 (km_stat (a, "malformed"), malformed + n);
  fail_unless_equals_uint64 (km_stat (a, "decrypt-failed"), failed + 1);
  fail_unless_equals_uint64 (km_stat (a, "keys-received"), keys);
  fail_if (km_has_participant (a, "zed"));
  fail_unless_equals_int (km_n_participants (a), 2);
  fail_unless (km_key_works (a, "mallory", mallory->key, 0, 1));
  fail_unless (km_call_works (b, a, 2));
  fail_unless (km_call_works (a, b, 3));

  g_free (big);
  hostile_reset ();
}

GST_END_TEST;

static gint dropped_acks, dropped_inits;

/* loses carol's first session-ack to alice and alice's first
 * session-init to bob */
static gboolean
drop_first_handshakes (const gchar * from, const gchar * to,
    const gchar * msg, gpointer user_data)
{
  if (g_str_equal (from, "carol") && g_str_equal (to, "alice")
      && strstr (msg, "\"session-ack\""))
    return g_atomic_int_add (&dropped_acks, 1) == 0;
  if (g_str_equal (from, "alice") && g_str_equal (to, "bob")
      && strstr (msg, "\"session-init\""))
    return g_atomic_int_add (&dropped_inits, 1) == 0;
  return FALSE;
}

/* Half-open handshakes: a lost session-init, a lost session-ack, a peer
 * that lost its session but kept its account, a peer back with a new
 * account. Each ends with a working session and keys flowing. */
GST_START_TEST (test_half_open)
{
  GstE2eeKeyManager *a, *b, *c, *b2;
  Peer *aaron;
  GstBus *bus;
  guint64 sessions, imp;

  hostile_init ();
  dropped_acks = dropped_inits = 0;
  km_router_hooks ()->drop = drop_first_handshakes;
  a = km_party ("alice");
  b = km_party ("bob");
  c = km_party ("carol");
  km_join (a);
  km_join (b);
  km_join (c);
  km_settle ();
  /* alice (the initiator of both) has no session with bob, whose
   * session-init was lost; carol has a session alice never got the ack
   * of (and one with bob), but carol's own key-info, a pre-key message on
   * it, gives alice that session at once (since issue 14: before, alice
   * waited for her retry) */
  fail_unless_equals_int (g_atomic_int_get (&dropped_acks), 1);
  fail_unless_equals_int (g_atomic_int_get (&dropped_inits), 1);
  fail_unless_equals_uint64 (km_stat (a, "sessions"), 1);
  fail_unless_equals_uint64 (km_stat (a, "sessions-adopted"), 1);
  fail_if (km_call_works (b, a, 1));
  fail_unless (km_call_works (a, c, 2));
  fail_unless_equals_uint64 (km_stat (c, "sessions"), 2);

  /* alice tries again with bob once her session-init times out (5 s) */
  fail_unless (wait_stat (a, "sessions", 2, 15 * G_USEC_PER_SEC));
  km_settle ();
  /* counted as what it is, not as something alice refused */
  fail_unless (km_stat (a, "session-init-timeouts") >= 1);
  fail_unless_equals_uint64 (km_stat (c, "sessions"), 2);
  fail_unless (km_call_works (a, b, 3));
  fail_unless (km_call_works (b, a, 4));
  fail_unless (km_call_works (a, c, 5));
  fail_unless (km_call_works (c, a, 6));
  km_router_hooks ()->drop = NULL;

  /* aaron (lower id than bob: the initiator) lost his session but kept his
   * account: his new session-init is a candidate at bob until aaron uses
   * it; then it replaces the old one and keys flow both ways */
  aaron = peer_new ("aaron", b);
  peer_hello (aaron, NULL);
  km_settle ();
  fail_unless_equals_int (aaron->session_inits, 0);
  peer_start_session (aaron);
  km_settle ();
  fail_unless (aaron->session != NULL);
  fail_unless (km_key_works (b, "aaron", aaron->key, 0, 7));
  fail_unless (peer_key_works (aaron, 8));
  sessions = km_stat (b, "sessions");
  gst_e2ee_olm_session_free (aaron->session);
  aaron->session = NULL;
  aaron->keys_got = 0;
  aaron->key[0] ^= 0xff;
  aaron->key_index = 1;
  peer_start_session (aaron);
  km_settle ();
  fail_unless_equals_uint64 (km_stat (b, "sessions"), sessions + 1);
  fail_unless (aaron->session != NULL);
  fail_unless (peer_key_works (aaron, 9));
  fail_unless (aaron->keys_got >= 1);
  fail_unless (km_key_works (b, "aaron", aaron->key, 1, 10));
  /* bob now talks on the new session */
  aaron->keys_got = 0;
  gst_e2ee_key_manager_rotate_key (b);
  km_settle ();
  fail_unless (aaron->keys_got >= 1);
  fail_unless_equals_int (aaron->got_index, 1);
  fail_unless (peer_key_works (aaron, 11));
  fail_unless_equals_int (aaron->decrypt_failed, 0);

  /* aaron back with a new account: its hello and its session-init are
   * refused (it could be anyone) until the application removes aaron */
  peer_drop (aaron);
  aaron = peer_new ("aaron", b);
  aaron->key[1] ^= 0x55;
  imp = km_stat (b, "impersonations");
  peer_hello (aaron, NULL);
  peer_start_session (aaron);
  km_settle ();
  fail_unless_equals_uint64 (km_stat (b, "impersonations"), imp + 2);
  fail_if (aaron->session != NULL);
  fail_if (km_key_works (b, "aaron", aaron->key, 0, 12));
  gst_e2ee_key_manager_remove_participant (b, "aaron");
  km_settle ();
  peer_hello (aaron, NULL);
  km_settle ();
  peer_start_session (aaron);
  km_settle ();
  fail_unless (aaron->session != NULL);
  fail_unless (km_key_works (b, "aaron", aaron->key, 0, 13));
  fail_unless (peer_key_works (aaron, 14));

  /* bob restarts with a new account: alice refuses the new identity (it
   * could be anyone's) and tells the application, and keeps the old
   * session, until the application removes bob; then bob is new to her */
  bus = watch_bus (a);
  peer_drop (aaron);
  km_leave (b);
  b2 = km_party ("bob");
  km_join (b2);
  km_settle ();
  fail_unless (km_stat (a, "impersonations") >= 1);
  fail_unless (bus_has (bus, GST_MESSAGE_ERROR, "bob"));
  fail_if (km_call_works (b2, a, 15));
  gst_e2ee_key_manager_remove_participant (a, "bob");
  km_settle ();
  gst_e2ee_key_manager_add_participant (a, "bob");
  km_settle ();
  fail_unless (km_has_participant (a, "bob"));
  fail_unless (km_call_works (b2, a, 16));
  fail_unless (km_call_works (a, b2, 17));

  unwatch_bus (a, bus);
  hostile_reset ();
}

GST_END_TEST;

/* Impersonation: a hello in a known participant's name with other
 * identity keys is refused, counted and reported; the real participant's
 * session and keys stay. First contact is trust on first use. */
GST_START_TEST (test_impersonation)
{
  GstE2eeKeyManager *a, *b, *c;
  Peer *mallory, *eve;
  GstBus *bus;
  guint64 imp, sessions;
  gchar *bob_curve, *bob_ed;
  guint i;

  hostile_init ();
  a = km_party ("alice");
  b = km_party ("bob");
  km_join (a);
  km_join (b);
  km_settle ();
  bus = watch_bus (a);
  mallory = peer_new ("mallory", a);
  imp = km_stat (a, "impersonations");
  sessions = km_stat (a, "sessions");
  g_object_get (b, "curve25519-key", &bob_curve, "ed25519-key", &bob_ed, NULL);

  /* all keys hers; then one of bob's keys with one of hers, each way;
   * directed and broadcast */
  peer_hello (mallory, "bob");
  deliver (a, hello_msg ("bob", NULL, peer_curve (mallory), peer_ed (mallory)));
  deliver (a, hello_msg ("bob", "alice", bob_curve, peer_ed (mallory)));
  deliver (a, hello_msg ("bob", "alice", peer_curve (mallory), bob_ed));
  km_settle ();
  fail_unless_equals_uint64 (km_stat (a, "impersonations"), imp + 4);
  fail_unless (bus_has (bus, GST_MESSAGE_ERROR, "bob"));
  fail_unless_equals_uint64 (km_stat (a, "sessions"), sessions);
  fail_unless_equals_int (km_n_participants (a), 1);
  fail_unless (km_call_works (b, a, 1));
  fail_unless (km_call_works (a, b, 2));
  gst_e2ee_key_manager_rotate_key (b);
  km_settle ();
  fail_unless (km_call_works (b, a, 3));

  /* over and over: each counted, but the same error is not posted again
   * within a second (the bus is not a channel for the attacker's flood) */
  imp = km_stat (a, "impersonations");
  for (i = 0; i < 200; i++)
    peer_hello (mallory, "bob");
  km_settle ();
  fail_unless_equals_uint64 (km_stat (a, "impersonations"), imp + 200);
  fail_unless (bus_count (bus, GST_MESSAGE_ERROR) <= 3);

  /* TOFU: eve says hello as carol before carol does; alice trusts the
   * first keys she sees for an id, and refuses carol's own. SAS would
   * show it (test_sas_tampered_identity in keymanager.c). */
  eve = peer_new ("eve", a);
  peer_hello (eve, "carol");
  km_settle ();
  fail_unless (km_has_participant (a, "carol"));
  imp = km_stat (a, "impersonations");
  c = km_party ("carol");
  km_join (c);
  km_settle ();
  fail_unless_equals_uint64 (km_stat (a, "impersonations"), imp + 1);
  fail_unless (bus_has (bus, GST_MESSAGE_ERROR, "carol"));
  fail_if (km_call_works (c, a, 4));
  fail_if (km_call_works (a, c, 5));
  /* bob, who met carol herself, is fine */
  fail_unless (km_call_works (c, b, 6));

  g_free (bob_curve);
  g_free (bob_ed);
  unwatch_bus (a, bus);
  hostile_reset ();
}

GST_END_TEST;

/* Issue 13: through a relay that says who sent each message (a Janus
 * TextRoom's "from"), a member of the room cannot speak for another: what
 * names a sender other than the relay's is dropped unread and counted
 * `impersonations`, whatever it carries, and what is addressed to someone
 * else is dropped unread (`not-for-us`). Over a plain pipe, mallory's hello
 * as carol would make alice trust mallory's keys for carol (trust on first
 * use) and refuse carol's own when she comes. */
GST_START_TEST (test_relay_forged_sender)
{
  GstE2eeKeyManager *a, *b, *c;
  Peer *mallory;
  KeyEvents ev;
  guint64 imp, sessions, not_for_us, keys, failed, out;
  guint8 other_key[KM_KEY_SIZE];
  gchar *plain, *data, *uuid, *bob_curve, *bob_ed;

  hostile_init ();
  hostile.relay = TRUE;
  km_router_set_relay (TRUE);
  a = km_party ("alice");
  b = km_party ("bob");
  km_join (a);
  km_join (b);
  km_settle ();
  mallory = peer_joined ("mallory", a);
  km_settle ();
  fail_unless (km_key_works (a, "mallory", mallory->key, 0, 1));
  key_events_init (&ev, a);
  imp = km_stat (a, "impersonations");
  sessions = km_stat (a, "sessions");
  not_for_us = km_stat (a, "not-for-us");
  keys = km_stat (a, "keys-received");
  failed = km_stat (a, "decrypt-failed");
  g_object_get (b, "curve25519-key", &bob_curve, "ed25519-key", &bob_ed, NULL);

  /* hellos as carol (not there yet) with mallory's keys, to alice and to
   * everyone; one as bob with bob's own keys (they are public) */
  peer_hello (mallory, "carol");
  fail_unless (deliver_from (a, "mallory", hello_msg ("carol", NULL,
              peer_curve (mallory), peer_ed (mallory))));
  deliver_from (a, "mallory", hello_msg ("bob", "alice", bob_curve, bob_ed));
  /* an olm message as bob: not even tried on bob's session */
  memset (other_key, 0x5a, sizeof (other_key));
  plain = key_info_plain (other_key, 3);
  peer_send_plain (mallory, "bob", "key-info", plain);
  out = km_stat (a, "messages-out");
  km_settle ();

  fail_unless_equals_uint64 (km_stat (a, "impersonations"), imp + 4);
  fail_unless_equals_uint64 (km_stat (a, "decrypt-failed"), failed);
  fail_unless_equals_uint64 (km_stat (a, "sessions"), sessions);
  fail_unless_equals_uint64 (km_stat (a, "keys-received"), keys);
  /* nothing answered: no hello back, no error to bob */
  fail_unless_equals_uint64 (km_stat (a, "messages-out"), out);
  fail_unless_equals_int (key_events_count (&ev, ""), 0);
  fail_if (km_has_participant (a, "carol"));
  fail_unless (km_call_works (b, a, 2));

  /* mallory's own key-info, genuine, addressed to bob: not read */
  uuid = g_uuid_string_random ();
  data = encrypted_data (mallory->session, plain, uuid);
  deliver_from (a, "mallory", olm_msg ("mallory", "bob", "key-info", data));
  km_settle ();
  fail_unless_equals_uint64 (km_stat (a, "not-for-us"), not_for_us + 1);
  fail_unless_equals_uint64 (km_stat (a, "keys-received"), keys);
  fail_if (km_key_works (a, "mallory", other_key, 3, 3));
  /* the decryptor that missed key 3 asked for mallory's key: her answer
   * (her key 0 again) comes first */
  km_settle ();
  keys = km_stat (a, "keys-received");
  /* the same to alice is taken: it was genuine */
  deliver_from (a, "mallory", olm_msg ("mallory", "alice", "key-info", data));
  km_settle ();
  fail_unless_equals_uint64 (km_stat (a, "keys-received"), keys + 1);
  fail_unless (km_key_works (a, "mallory", other_key, 3, 4));

  /* carol herself comes, and gets a session and keys both ways */
  c = km_party ("carol");
  km_join (c);
  km_settle ();
  fail_unless (km_has_participant (a, "carol"));
  fail_unless (km_call_works (c, a, 5));
  fail_unless (km_call_works (a, c, 6));
  fail_unless_equals_uint64 (km_stat (c, "impersonations"), 0);

  g_free (plain);
  g_free (data);
  g_free (uuid);
  g_free (bob_curve);
  g_free (bob_ed);
  key_events_clear (&ev, a);
  hostile_reset ();
}

GST_END_TEST;

/* Issue 12, item 2: an e2eedec without "participant" takes the only
 * remote participant. A hello from a new id (no session, no crypto: any
 * router can send one, and auto-admit lets the id join) must not make
 * that choice ambiguous and turn media off. A second participant that
 * does authenticate and send keys does not replace the chosen one either;
 * when the chosen one leaves, its keys go and the only one left is taken. */
GST_START_TEST (test_forged_hello_default_participant)
{
  GstE2eeKeyManager *a, *b;
  GstHarness *enc, *dec, *dec2, *menc;
  GstBuffer *f;
  Peer *stranger, *mallory;
  guint i;

  hostile_init ();
  a = km_party ("alice");
  b = km_party ("bob");
  km_join (a);
  km_join (b);
  km_settle ();
  enc = km_enc_for (b);
  dec = km_dec_for (a, NULL);
  for (i = 1; i <= 10; i++) {
    f = km_encrypt (enc, i);
    fail_unless (km_decrypts (dec, f, i), "frame %u before the hello", i);
    gst_buffer_unref (f);
  }

  /* one forged hello from a stranger, who never answers */
  stranger = peer_new ("zed", a);
  stranger->respond = FALSE;
  peer_hello (stranger, NULL);
  km_settle ();
  fail_unless (km_has_participant (a, "zed"));
  for (i = 11; i <= 20; i++) {
    f = km_encrypt (enc, i);
    fail_unless (km_decrypts (dec, f, i), "frame %u after a forged hello", i);
    gst_buffer_unref (f);
  }
  /* a decryptor made now makes the same choice */
  dec2 = km_dec_for (a, NULL);
  f = km_encrypt (enc, 21);
  fail_unless (km_decrypts (dec2, f, 21));
  gst_buffer_unref (f);
  gst_harness_teardown (dec2);

  /* a second participant that authenticates and sends a key: the running
   * decryptor keeps bob; a new one has two to choose from and takes none */
  mallory = peer_joined ("mallory", a);
  km_settle ();
  fail_unless (km_key_works (a, "mallory", mallory->key, 0, 22));
  f = km_encrypt (enc, 23);
  fail_unless (km_decrypts (dec, f, 23));
  dec2 = km_dec_for (a, NULL);
  fail_if (km_decrypts (dec2, f, 23));
  gst_buffer_unref (f);
  gst_harness_teardown (dec2);

  /* bob leaves: his keys go at once, and mallory is now the only one */
  f = km_encrypt (enc, 24);
  gst_e2ee_key_manager_remove_participant (a, "bob");
  km_settle ();
  fail_if (km_decrypts (dec, f, 24));
  gst_buffer_unref (f);
  menc = km_enc_with_key (mallory->key, 0);
  f = km_encrypt (menc, 25);
  fail_unless (km_decrypts (dec, f, 25));
  gst_buffer_unref (f);

  gst_harness_teardown (menc);
  gst_harness_teardown (enc);
  gst_harness_teardown (dec);
  hostile_reset ();
}

GST_END_TEST;

/* Hellos from a thousand ids: at most max-participants participants
 * (default 100), the rest counted and one warning; the application's own
 * add-participant still works. */
GST_START_TEST (test_participant_cap)
{
  GstE2eeKeyManager *a, *b;
  Peer *mallory;
  GstBus *bus;
  guint max, i;
  gchar *id;

  hostile_init ();
  a = km_party ("alice");
  g_object_get (a, "max-participants", &max, NULL);
  fail_unless_equals_int (max, 100);
  b = km_party ("bob");
  km_join (a);
  km_join (b);
  km_settle ();
  bus = watch_bus (a);
  mallory = peer_new ("mallory", a);

  for (i = 0; i < 1000; i++) {
    id = g_strdup_printf ("z%04u", i);
    /* each gets an answer and, as alice has the lower id, a session-init
     * with a one-time key */
    deliver (a, hello_msg (id, NULL, peer_curve (mallory), peer_ed (mallory)));
    g_free (id);
  }
  km_settle ();
  fail_unless_equals_uint64 (km_stat (a, "participants"), 100);
  fail_unless_equals_uint64 (km_stat (a, "participants-refused"), 1000 - 99);
  fail_unless_equals_int (km_n_participants (a), 100);
  fail_unless (km_has_participant (a, "z0098"));
  fail_if (km_has_participant (a, "z0099"));
  /* at most one session-init each (and alice's to bob) */
  fail_unless (hostile.session_inits->len <= 1 + 99);
  fail_unless (bus_has (bus, GST_MESSAGE_WARNING, "max-participants"));
  /* bob, known before, is unaffected */
  fail_unless (km_call_works (b, a, 1));
  fail_unless (km_call_works (a, b, 2));

  /* the application may still add whom it wants */
  fail_unless (gst_e2ee_key_manager_add_participant (a, "zz-app"));
  km_settle ();
  fail_unless_equals_uint64 (km_stat (a, "participants"), 101);
  /* a leave makes room again; a lower limit refuses more */
  for (i = 0; i < 10; i++) {
    id = g_strdup_printf ("z%04u", i);
    gst_e2ee_key_manager_remove_participant (a, id);
    g_free (id);
  }
  km_settle ();
  g_object_set (a, "max-participants", 95, NULL);
  for (i = 2000; i < 2010; i++) {
    id = g_strdup_printf ("z%04u", i);
    deliver (a, hello_msg (id, NULL, peer_curve (mallory), peer_ed (mallory)));
    g_free (id);
  }
  km_settle ();
  fail_unless_equals_uint64 (km_stat (a, "participants"), 95);
  fail_unless (km_has_participant (a, "z2003"));
  fail_if (km_has_participant (a, "z2004"));

  /* with auto-admit off, strangers are capped the same way */
  {
    GstE2eeKeyManager *d = km_party ("dave");

    g_object_set (d, "auto-admit", FALSE, "max-participants", 10, NULL);
    for (i = 0; i < 50; i++) {
      id = g_strdup_printf ("y%04u", i);
      deliver (d, hello_msg (id, NULL, peer_curve (mallory),
              peer_ed (mallory)));
      g_free (id);
    }
    km_settle ();
    fail_unless_equals_uint64 (km_stat (d, "participants"), 10);
    fail_unless_equals_uint64 (km_stat (d, "participants-refused"), 40);
    fail_unless_equals_int (km_n_participants (d), 0);
  }

  unwatch_bus (a, bus);
  hostile_reset ();
}

GST_END_TEST;

/* Issue 14: our session-ack lost, and the peer answers the retry as
 * lib-jitsi-meet does ("Session already established", keeping the session
 * it made). Its next message, a pre-key message on that session, makes
 * the session ours too: one working session on both sides, keys both
 * ways, and no more session-inits. */
GST_START_TEST (test_already_established)
{
  GstE2eeKeyManager *a;
  Peer *zed;
  gchar *plain;
  guint64 inits;
  gint64 end;

  hostile_init ();
  a = km_party ("alice");
  km_join (a);
  zed = peer_new ("zed", a);
  zed->jitsi = TRUE;
  zed->lose_ack = TRUE;
  /* alice has the lower id: she starts the session */
  peer_hello (zed, NULL);
  km_settle ();
  fail_unless (zed->session != NULL);
  fail_unless_equals_int (zed->session_inits, 1);
  /* her retry (after 5 s) gets the error */
  end = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;
  while (zed->session_inits < 2 && g_get_monotonic_time () < end)
    km_settle ();
  fail_unless_equals_int (zed->session_inits, 2);
  fail_unless (km_stat (a, "errors-received") >= 1);
  fail_if (km_key_works (a, "zed", zed->key, 0, 1));

  plain = key_info_plain (zed->key, 0);
  peer_send_plain (zed, NULL, "key-info", plain);
  g_free (plain);
  km_settle ();
  fail_unless_equals_uint64 (km_stat (a, "sessions-adopted"), 1);
  fail_unless (km_key_works (a, "zed", zed->key, 0, 2));
  fail_unless (peer_key_works (zed, 3));
  /* the same session both ways from now on: a rotation reaches zed */
  inits = zed->session_inits;
  zed->keys_got = 0;
  gst_e2ee_key_manager_rotate_key (a);
  km_settle ();
  fail_unless (zed->keys_got >= 1);
  fail_unless_equals_int (zed->got_index, 1);
  fail_unless (peer_key_works (zed, 4));
  fail_unless_equals_int (zed->decrypt_failed, 0);
  fail_unless_equals_int (zed->session_inits, inits);
  hostile_reset ();
}

GST_END_TEST;

/* Issue 14: bob restarts with his state file and has not yet heard
 * aaron's hello when aaron (the lower id, as a lib-jitsi-meet peer that saw
 * bob come back) sends a new session-init at once. The session-init
 * carries the identity key bob restored: under auto-admit it admits
 * aaron again as his hello would (before: refused, "Not admitted", and a
 * Jitsi peer never retries). */
GST_START_TEST (test_restart_init_before_hello)
{
  gchar *dir = g_dir_make_tmp ("e2ee-hostile-XXXXXX", NULL);
  gchar *path = g_build_filename (dir, "bob.state", NULL);
  gchar *key_path = g_strconcat (path, ".key", NULL);
  GstE2eeKeyManager *b;
  Peer *aaron;

  hostile_init ();
  b = km_party_with_state ("bob", path);
  km_join (b);
  aaron = peer_new ("aaron", b);
  peer_hello (aaron, NULL);
  km_settle ();
  peer_start_session (aaron);
  km_settle ();
  fail_unless (km_key_works (b, "aaron", aaron->key, 0, 1));

  km_leave (b);
  b = km_party_with_state ("bob", path);
  km_enter (b);
  aaron->m = b;
  aaron->keys_got = 0;
  aaron->key[0] ^= 0x5a;
  peer_start_session (aaron);
  km_settle ();
  fail_unless_equals_uint64 (km_stat (b, "readmitted"), 1);
  fail_unless (km_key_works (b, "aaron", aaron->key, 0, 2));
  fail_unless (peer_key_works (aaron, 3));

  hostile_reset ();
  g_unlink (path);
  g_unlink (key_path);
  g_rmdir (dir);
  g_free (path);
  g_free (key_path);
  g_free (dir);
}

GST_END_TEST;

static Suite *
hostile_suite (void)
{
  Suite *s = suite_create ("e2ee-hostile");
  TCase *tc = tcase_create ("general");

  suite_add_tcase (s, tc);
  tcase_set_timeout (tc, 120);
  tcase_add_test (tc, test_wrong_recipient);
  tcase_add_test (tc, test_replayed_session_init);
  tcase_add_test (tc, test_key_info_for_another);
  tcase_add_test (tc, test_key_index_bounds);
  tcase_add_test (tc, test_flood);
  tcase_add_test (tc, test_huge_fields);
  tcase_add_test (tc, test_half_open);
  tcase_add_test (tc, test_already_established);
  tcase_add_test (tc, test_restart_init_before_hello);
  tcase_add_test (tc, test_impersonation);
  tcase_add_test (tc, test_relay_forged_sender);
  tcase_add_test (tc, test_participant_cap);
  tcase_add_test (tc, test_forged_hello_default_participant);
  return s;
}

GST_CHECK_MAIN (hostile);
