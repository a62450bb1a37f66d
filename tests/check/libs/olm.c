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


/* The modules under the key manager, with real libolm: olm sessions set up
 * the way lib-jitsi-meet's OlmAdapter does it, replays, malformed input,
 * pickles, SAS key agreement and MACs, the SAS numbers and emoji, and the
 * encrypted state file with its key file. */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <gst/check/gstcheck.h>
#include <gst/e2ee/e2ee.h>
#include <gst/e2ee/keymanager/gste2eeolm-private.h>
#include <gst/e2ee/keymanager/gste2eesas-private.h>
#include <gst/e2ee/keymanager/gste2eestatefile-private.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <string.h>
#include <sys/stat.h>

static const guint8 pickle_key[] = "a pickle key of any length";

static void
assert_olm_error (GError * error)
{
  fail_unless (error != NULL);
  fail_unless (g_error_matches (error, GST_E2EE_ERROR, GST_E2EE_ERROR_OLM),
      "unexpected error: %s", error->message);
}

/* Decrypts @body on @session and checks it gives @expected. */
static void
assert_decrypts (GstE2eeOlmSession * session, guint type, const gchar * body,
    const gchar * expected)
{
  GError *error = NULL;
  gsize len = 0;
  gchar *plain;

  plain = gst_e2ee_olm_session_decrypt (session, type, body, &len, &error);
  fail_unless (plain != NULL, "decrypt failed: %s",
      error ? error->message : "?");
  fail_unless_equals_string (plain, expected);
  fail_unless_equals_uint64 (len, strlen (expected));
  gst_e2ee_olm_free_secret (plain);
}

static void
assert_decrypt_fails (GstE2eeOlmSession * session, guint type,
    const gchar * body)
{
  GError *error = NULL;
  gchar *plain;

  plain = gst_e2ee_olm_session_decrypt (session, type, body, NULL, &error);
  fail_unless (plain == NULL);
  assert_olm_error (error);
  g_error_free (error);
}

static gchar *
encrypt (GstE2eeOlmSession * session, const gchar * text, guint * type)
{
  GError *error = NULL;
  gchar *body = NULL;

  fail_unless (gst_e2ee_olm_session_encrypt (session, text, strlen (text),
          type, &body, &error), "encrypt failed: %s",
      error ? error->message : "?");
  fail_unless (body != NULL);
  return body;
}

typedef struct
{
  GstE2eeOlmAccount *a, *b;
  /* a: the initiator (lower id), b: the responder */
  GstE2eeOlmSession *sa, *sb;
  gchar *prekey;
} Pair;

/* lib-jitsi-meet: A sends session-init {idKey, otKey}; B makes an outbound
 * session and answers session-ack with key-info in a pre-key message; A
 * makes the inbound session from it, removes the one-time key, decrypts. */
static void
pair_setup (Pair * p)
{
  const gchar *key_info = "{\"key\":\"MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlh"
      "YmNkZWY=\",\"keyIndex\":0}";
  GError *error = NULL;
  gchar *otk, *id_a, *id_b;
  guint type = 99;

  p->a = gst_e2ee_olm_account_new (&error);
  fail_unless (p->a != NULL);
  p->b = gst_e2ee_olm_account_new (&error);
  fail_unless (p->b != NULL);

  otk = gst_e2ee_olm_account_new_one_time_key (p->a, &error);
  fail_unless (otk != NULL);
  fail_unless_equals_int (strlen (otk), 43);

  p->sb = gst_e2ee_olm_session_new_outbound (p->b,
      gst_e2ee_olm_account_get_curve25519 (p->a), otk, &error);
  fail_unless (p->sb != NULL);
  g_free (otk);

  p->prekey = encrypt (p->sb, key_info, &type);
  fail_unless_equals_int (type, GST_E2EE_OLM_MESSAGE_PRE_KEY);

  p->sa = gst_e2ee_olm_session_new_inbound (p->a,
      gst_e2ee_olm_account_get_curve25519 (p->b), p->prekey, &error);
  fail_unless (p->sa != NULL, "%s", error ? error->message : "?");
  fail_unless (gst_e2ee_olm_account_remove_one_time_keys (p->a, p->sa));
  assert_decrypts (p->sa, type, p->prekey, key_info);

  id_a = gst_e2ee_olm_session_get_id (p->sa);
  id_b = gst_e2ee_olm_session_get_id (p->sb);
  fail_unless (id_a != NULL && id_b != NULL);
  fail_unless_equals_string (id_a, id_b);
  g_free (id_a);
  g_free (id_b);
}

static void
pair_clear (Pair * p)
{
  gst_e2ee_olm_session_free (p->sa);
  gst_e2ee_olm_session_free (p->sb);
  gst_e2ee_olm_account_free (p->a);
  gst_e2ee_olm_account_free (p->b);
  g_free (p->prekey);
}

/* Sends @text from @from to @to and checks it arrives as a @type message. */
static void
send_and_check (GstE2eeOlmSession * from, GstE2eeOlmSession * to,
    const gchar * text, guint expected_type)
{
  guint type = 99;
  gchar *body = encrypt (from, text, &type);

  fail_unless_equals_int (type, expected_type);
  assert_decrypts (to, type, body, text);
  g_free (body);
}

GST_START_TEST (test_account)
{
  GstE2eeOlmAccount *a, *b;
  GError *error = NULL;
  gchar *k1, *k2;

  a = gst_e2ee_olm_account_new (&error);
  b = gst_e2ee_olm_account_new (&error);
  fail_unless (a != NULL && b != NULL);
  fail_unless_equals_int (strlen (gst_e2ee_olm_account_get_curve25519 (a)), 43);
  fail_unless_equals_int (strlen (gst_e2ee_olm_account_get_ed25519 (a)), 43);
  fail_unless (strcmp (gst_e2ee_olm_account_get_curve25519 (a),
          gst_e2ee_olm_account_get_ed25519 (a)) != 0);
  fail_unless (strcmp (gst_e2ee_olm_account_get_curve25519 (a),
          gst_e2ee_olm_account_get_curve25519 (b)) != 0);

  k1 = gst_e2ee_olm_account_new_one_time_key (a, &error);
  k2 = gst_e2ee_olm_account_new_one_time_key (a, &error);
  fail_unless (k1 != NULL && k2 != NULL);
  fail_unless (strcmp (k1, k2) != 0);
  g_free (k1);
  g_free (k2);

  gst_e2ee_olm_account_free (a);
  gst_e2ee_olm_account_free (b);
  gst_e2ee_olm_account_free (NULL);
}

GST_END_TEST;

GST_START_TEST (test_session_jitsi_flow)
{
  Pair p = { NULL, };
  gchar *bodies[10];
  gchar *text;
  guint i, type;

  pair_setup (&p);

  /* A has received: its first message is a normal one */
  send_and_check (p.sa, p.sb, "{\"key\":false}", GST_E2EE_OLM_MESSAGE_NORMAL);
  /* now B has heard from A: normal messages as well */
  send_and_check (p.sb, p.sa, "key-info from B", GST_E2EE_OLM_MESSAGE_NORMAL);

  /* many messages, both directions, in turns and in bursts */
  for (i = 0; i < 200; i++) {
    text = g_strdup_printf ("{\"key\":\"%u\",\"keyIndex\":%u}", i, i);
    if (i % 3 == 0)
      send_and_check (p.sa, p.sb, text, GST_E2EE_OLM_MESSAGE_NORMAL);
    else
      send_and_check (p.sb, p.sa, text, GST_E2EE_OLM_MESSAGE_NORMAL);
    g_free (text);
  }

  /* out of order within one chain: olm keeps the skipped keys */
  for (i = 0; i < G_N_ELEMENTS (bodies); i++) {
    text = g_strdup_printf ("message %u", i);
    bodies[i] = encrypt (p.sb, text, &type);
    fail_unless_equals_int (type, GST_E2EE_OLM_MESSAGE_NORMAL);
    g_free (text);
  }
  for (i = G_N_ELEMENTS (bodies); i > 0; i--) {
    text = g_strdup_printf ("message %u", i - 1);
    assert_decrypts (p.sa, GST_E2EE_OLM_MESSAGE_NORMAL, bodies[i - 1], text);
    g_free (text);
  }
  /* each key is used once: every one of them replayed fails */
  for (i = 0; i < G_N_ELEMENTS (bodies); i++) {
    assert_decrypt_fails (p.sa, GST_E2EE_OLM_MESSAGE_NORMAL, bodies[i]);
    g_free (bodies[i]);
  }
  /* and the session goes on */
  send_and_check (p.sb, p.sa, "still there", GST_E2EE_OLM_MESSAGE_NORMAL);
  send_and_check (p.sa, p.sb, "me too", GST_E2EE_OLM_MESSAGE_NORMAL);

  /* the empty message */
  send_and_check (p.sa, p.sb, "", GST_E2EE_OLM_MESSAGE_NORMAL);

  pair_clear (&p);
}

GST_END_TEST;

/* B sends several pre-key messages before it hears from A: the later ones
 * match A's session and decrypt on it. */
GST_START_TEST (test_session_prekey_burst)
{
  Pair p = { NULL, };
  GstE2eeOlmAccount *c;
  GError *error = NULL;
  gchar *second_body;
  guint type = 99;

  pair_setup (&p);
  c = gst_e2ee_olm_account_new (&error);
  fail_unless (c != NULL);

  second_body = encrypt (p.sb, "second", &type);
  fail_unless_equals_int (type, GST_E2EE_OLM_MESSAGE_PRE_KEY);
  fail_unless (gst_e2ee_olm_session_matches_inbound (p.sa,
          gst_e2ee_olm_account_get_curve25519 (p.b), second_body));
  fail_unless (gst_e2ee_olm_session_matches_inbound (p.sa,
          gst_e2ee_olm_account_get_curve25519 (p.b), p.prekey));
  fail_if (gst_e2ee_olm_session_matches_inbound (p.sa,
          gst_e2ee_olm_account_get_curve25519 (c), second_body));
  fail_if (gst_e2ee_olm_session_matches_inbound (p.sa,
          gst_e2ee_olm_account_get_curve25519 (p.b), "garbage!"));
  fail_if (gst_e2ee_olm_session_matches_inbound (p.sa, "short", second_body));
  assert_decrypts (p.sa, GST_E2EE_OLM_MESSAGE_PRE_KEY, second_body, "second");
  g_free (second_body);

  gst_e2ee_olm_account_free (c);
  pair_clear (&p);
}

GST_END_TEST;

GST_START_TEST (test_session_wrong_sender)
{
  GstE2eeOlmAccount *a, *b, *c;
  GstE2eeOlmSession *sb, *sa;
  GError *error = NULL;
  gchar *otk, *body;
  guint type;

  a = gst_e2ee_olm_account_new (&error);
  b = gst_e2ee_olm_account_new (&error);
  c = gst_e2ee_olm_account_new (&error);
  fail_unless (a && b && c);

  otk = gst_e2ee_olm_account_new_one_time_key (a, &error);
  fail_unless (otk != NULL);
  sb = gst_e2ee_olm_session_new_outbound (b,
      gst_e2ee_olm_account_get_curve25519 (a), otk, &error);
  fail_unless (sb != NULL);
  body = encrypt (sb, "hello", &type);

  /* made by B, claimed to be from C */
  sa = gst_e2ee_olm_session_new_inbound (a,
      gst_e2ee_olm_account_get_curve25519 (c), body, &error);
  fail_unless (sa == NULL);
  assert_olm_error (error);
  g_clear_error (&error);

  /* the failed attempt did not use up the one-time key */
  sa = gst_e2ee_olm_session_new_inbound (a,
      gst_e2ee_olm_account_get_curve25519 (b), body, &error);
  fail_unless (sa != NULL);
  fail_unless (gst_e2ee_olm_account_remove_one_time_keys (a, sa));
  assert_decrypts (sa, type, body, "hello");

  /* an outbound session has no one-time key of ours to remove */
  fail_if (gst_e2ee_olm_account_remove_one_time_keys (b, sb));

  gst_e2ee_olm_session_free (sa);
  gst_e2ee_olm_session_free (sb);
  g_free (body);
  g_free (otk);
  gst_e2ee_olm_account_free (a);
  gst_e2ee_olm_account_free (b);
  gst_e2ee_olm_account_free (c);
}

GST_END_TEST;

GST_START_TEST (test_session_replay)
{
  Pair p = { NULL, };
  GstE2eeOlmSession *again;
  GError *error = NULL;
  gchar *body;
  guint type;

  pair_setup (&p);

  /* the same pre-key message cannot start a second session: its one-time
   * key is gone */
  again = gst_e2ee_olm_session_new_inbound (p.a,
      gst_e2ee_olm_account_get_curve25519 (p.b), p.prekey, &error);
  fail_unless (again == NULL);
  assert_olm_error (error);
  g_clear_error (&error);
  fail_if (gst_e2ee_olm_account_remove_one_time_keys (p.a, p.sa));

  /* nor decrypt twice on the session it started */
  assert_decrypt_fails (p.sa, GST_E2EE_OLM_MESSAGE_PRE_KEY, p.prekey);

  /* a normal message, replayed */
  send_and_check (p.sa, p.sb, "ack", GST_E2EE_OLM_MESSAGE_NORMAL);
  body = encrypt (p.sb, "once", &type);
  assert_decrypts (p.sa, type, body, "once");
  assert_decrypt_fails (p.sa, type, body);
  g_free (body);

  /* the failures changed nothing */
  send_and_check (p.sb, p.sa, "after", GST_E2EE_OLM_MESSAGE_NORMAL);
  send_and_check (p.sa, p.sb, "after", GST_E2EE_OLM_MESSAGE_NORMAL);

  pair_clear (&p);
}

GST_END_TEST;

GST_START_TEST (test_session_malformed)
{
  Pair p = { NULL, };
  GstE2eeOlmSession *s;
  GError *error = NULL;
  gchar *body, *huge, *tampered;
  const gchar *curve;
  gsize i, len;
  guint type;
  const gchar *garbage[] = {
    "", "A", "AAAAA", "!!!!", "AAAA====", "AAAA AAAA", "\xff\xfe\xfd\xfc",
    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
    "AwogICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAg",
  };

  pair_setup (&p);
  curve = gst_e2ee_olm_account_get_curve25519 (p.b);

  for (i = 0; i < G_N_ELEMENTS (garbage); i++) {
    assert_decrypt_fails (p.sa, GST_E2EE_OLM_MESSAGE_NORMAL, garbage[i]);
    assert_decrypt_fails (p.sa, GST_E2EE_OLM_MESSAGE_PRE_KEY, garbage[i]);
    s = gst_e2ee_olm_session_new_inbound (p.a, curve, garbage[i], &error);
    fail_unless (s == NULL);
    assert_olm_error (error);
    g_clear_error (&error);
    fail_if (gst_e2ee_olm_session_matches_inbound (p.sa, curve, garbage[i]));
  }
  assert_decrypt_fails (p.sa, GST_E2EE_OLM_MESSAGE_NORMAL, NULL);

  /* huge: refused before libolm sees it */
  huge = g_malloc (GST_E2EE_OLM_MAX_BODY_LEN + 2);
  memset (huge, 'A', GST_E2EE_OLM_MAX_BODY_LEN + 1);
  huge[GST_E2EE_OLM_MAX_BODY_LEN + 1] = '\0';
  assert_decrypt_fails (p.sa, GST_E2EE_OLM_MESSAGE_NORMAL, huge);
  s = gst_e2ee_olm_session_new_inbound (p.a, curve, huge, &error);
  fail_unless (s == NULL);
  assert_olm_error (error);
  g_clear_error (&error);
  g_free (huge);

  /* a real message with any one byte changed, or cut short */
  send_and_check (p.sa, p.sb, "ack", GST_E2EE_OLM_MESSAGE_NORMAL);
  body = encrypt (p.sb, "{\"key\":\"secret\",\"keyIndex\":1}", &type);
  len = strlen (body);
  /* the last group of characters may carry unused bits: leave it out */
  for (i = 0; i < len - len % 4; i++) {
    tampered = g_strdup (body);
    tampered[i] = tampered[i] == 'A' ? 'B' : 'A';
    assert_decrypt_fails (p.sa, type, tampered);
    g_free (tampered);
  }
  for (i = 1; i < len; i += 7) {
    tampered = g_strndup (body, i);
    assert_decrypt_fails (p.sa, type, tampered);
    g_free (tampered);
  }
  /* wrong type */
  assert_decrypt_fails (p.sa, GST_E2EE_OLM_MESSAGE_PRE_KEY, body);
  assert_decrypt_fails (p.sa, 7, body);
  /* and after all that, the real one still decrypts */
  assert_decrypts (p.sa, type, body, "{\"key\":\"secret\",\"keyIndex\":1}");
  g_free (body);

  /* malformed keys for an outbound session */
  s = gst_e2ee_olm_session_new_outbound (p.a, "short", curve, &error);
  fail_unless (s == NULL);
  assert_olm_error (error);
  g_clear_error (&error);
  s = gst_e2ee_olm_session_new_outbound (p.a, curve,
      "!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!", &error);
  fail_unless (s == NULL);
  assert_olm_error (error);
  g_clear_error (&error);
  s = gst_e2ee_olm_session_new_outbound (p.a, curve, NULL, &error);
  fail_unless (s == NULL);
  assert_olm_error (error);
  g_clear_error (&error);

  /* a plaintext too long for a message peers accept */
  huge = g_malloc0 (GST_E2EE_OLM_MAX_BODY_LEN);
  fail_if (gst_e2ee_olm_session_encrypt (p.sa, huge,
          GST_E2EE_OLM_MAX_BODY_LEN, &type, &body, &error));
  assert_olm_error (error);
  g_clear_error (&error);
  g_free (huge);

  pair_clear (&p);
}

GST_END_TEST;

GST_START_TEST (test_session_nul_in_plaintext)
{
  Pair p = { NULL, };
  GError *error = NULL;
  gchar *body = NULL;
  guint type;

  pair_setup (&p);
  fail_unless (gst_e2ee_olm_session_encrypt (p.sb, "ab\0cd", 5, &type, &body,
          &error));
  assert_decrypt_fails (p.sa, type, body);
  g_free (body);
  pair_clear (&p);
}

GST_END_TEST;

GST_START_TEST (test_pickle)
{
  static const guint8 other_key[] = "another key";
  GstE2eeOlmAccount *a, *a2, *b;
  GstE2eeOlmSession *sa, *sb, *sa2, *bad_session;
  GError *error = NULL;
  gchar *otk, *pickle, *spickle, *body, *id1, *id2;
  guint type;

  a = gst_e2ee_olm_account_new (&error);
  b = gst_e2ee_olm_account_new (&error);
  fail_unless (a && b);
  otk = gst_e2ee_olm_account_new_one_time_key (a, &error);
  fail_unless (otk != NULL);

  /* the account, with its unused one-time key, survives a restart */
  pickle = gst_e2ee_olm_account_pickle (a, pickle_key, sizeof (pickle_key));
  fail_unless (pickle != NULL);
  fail_unless (strstr (pickle, gst_e2ee_olm_account_get_curve25519 (a))
      == NULL);
  a2 = gst_e2ee_olm_account_unpickle (pickle, pickle_key,
      sizeof (pickle_key), &error);
  fail_unless (a2 != NULL, "%s", error ? error->message : "?");
  fail_unless_equals_string (gst_e2ee_olm_account_get_curve25519 (a2),
      gst_e2ee_olm_account_get_curve25519 (a));
  fail_unless_equals_string (gst_e2ee_olm_account_get_ed25519 (a2),
      gst_e2ee_olm_account_get_ed25519 (a));

  fail_unless (gst_e2ee_olm_account_unpickle (pickle, other_key,
          sizeof (other_key), &error) == NULL);
  assert_olm_error (error);
  g_clear_error (&error);
  fail_unless (gst_e2ee_olm_account_unpickle (pickle, pickle_key, 1,
          &error) == NULL);
  assert_olm_error (error);
  g_clear_error (&error);
  fail_unless (gst_e2ee_olm_account_unpickle ("not a pickle", pickle_key,
          sizeof (pickle_key), &error) == NULL);
  assert_olm_error (error);
  g_clear_error (&error);
  /* an account pickle is not a session */
  bad_session = gst_e2ee_olm_session_unpickle (pickle, pickle_key,
      sizeof (pickle_key), &error);
  fail_unless (bad_session == NULL);
  assert_olm_error (error);
  g_clear_error (&error);
  pickle[strlen (pickle) / 2] ^= 1;
  fail_unless (gst_e2ee_olm_account_unpickle (pickle, pickle_key,
          sizeof (pickle_key), &error) == NULL);
  assert_olm_error (error);
  g_clear_error (&error);
  g_free (pickle);

  sb = gst_e2ee_olm_session_new_outbound (b,
      gst_e2ee_olm_account_get_curve25519 (a), otk, &error);
  fail_unless (sb != NULL);
  body = encrypt (sb, "to the restored account", &type);
  sa = gst_e2ee_olm_session_new_inbound (a2,
      gst_e2ee_olm_account_get_curve25519 (b), body, &error);
  fail_unless (sa != NULL, "%s", error ? error->message : "?");
  fail_unless (gst_e2ee_olm_account_remove_one_time_keys (a2, sa));
  assert_decrypts (sa, type, body, "to the restored account");
  g_free (body);
  send_and_check (sa, sb, "ack", GST_E2EE_OLM_MESSAGE_NORMAL);

  /* the session survives a restart and goes on */
  body = encrypt (sb, "sent while A was down", &type);
  spickle = gst_e2ee_olm_session_pickle (sa, pickle_key, sizeof (pickle_key));
  fail_unless (spickle != NULL);
  gst_e2ee_olm_session_free (sa);
  sa2 = gst_e2ee_olm_session_unpickle (spickle, pickle_key,
      sizeof (pickle_key), &error);
  fail_unless (sa2 != NULL, "%s", error ? error->message : "?");
  id1 = gst_e2ee_olm_session_get_id (sa2);
  id2 = gst_e2ee_olm_session_get_id (sb);
  fail_unless_equals_string (id1, id2);
  g_free (id1);
  g_free (id2);
  assert_decrypts (sa2, type, body, "sent while A was down");
  g_free (body);
  send_and_check (sa2, sb, "back", GST_E2EE_OLM_MESSAGE_NORMAL);
  send_and_check (sb, sa2, "welcome back", GST_E2EE_OLM_MESSAGE_NORMAL);

  fail_unless (gst_e2ee_olm_session_unpickle (spickle, other_key,
          sizeof (other_key), &error) == NULL);
  assert_olm_error (error);
  g_clear_error (&error);
  fail_unless (gst_e2ee_olm_account_unpickle (spickle, pickle_key,
          sizeof (pickle_key), &error) == NULL);
  assert_olm_error (error);
  g_clear_error (&error);
  g_free (spickle);

  gst_e2ee_olm_session_free (sa2);
  gst_e2ee_olm_session_free (sb);
  g_free (otk);
  gst_e2ee_olm_account_free (a);
  gst_e2ee_olm_account_free (a2);
  gst_e2ee_olm_account_free (b);
}

GST_END_TEST;

static gboolean
is_base64_char (guint8 c)
{
  return g_ascii_isalnum (c) || c == '+' || c == '/';
}

GST_START_TEST (test_sas)
{
  const gchar *info = "alice|AAAA|bob|BBBB";
  GstE2eeOlmSas *a, *b, *c;
  GError *error = NULL;
  guint8 ba[6], bb[6], bc[6], other[6];
  gchar *ma, *mb, *mc, *padded;
  guchar *raw;
  gsize raw_len, i;

  a = gst_e2ee_olm_sas_new (&error);
  b = gst_e2ee_olm_sas_new (&error);
  c = gst_e2ee_olm_sas_new (&error);
  fail_unless (a && b && c);
  fail_unless_equals_int (strlen (gst_e2ee_olm_sas_get_pubkey (a)), 43);
  fail_unless (strcmp (gst_e2ee_olm_sas_get_pubkey (a),
          gst_e2ee_olm_sas_get_pubkey (b)) != 0);

  /* nothing before the peer's key is known */
  fail_if (gst_e2ee_olm_sas_is_their_key_set (a));
  fail_if (gst_e2ee_olm_sas_generate_bytes (a, info, ba, 6));
  fail_unless (gst_e2ee_olm_sas_calculate_mac (a, "x", "y", &error) == NULL);
  assert_olm_error (error);
  g_clear_error (&error);

  /* malformed keys */
  fail_if (gst_e2ee_olm_sas_set_their_key (a, "short", &error));
  assert_olm_error (error);
  g_clear_error (&error);
  fail_if (gst_e2ee_olm_sas_set_their_key (a,
          "#AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", &error));
  assert_olm_error (error);
  g_clear_error (&error);
  fail_if (gst_e2ee_olm_sas_is_their_key_set (a));

  fail_unless (gst_e2ee_olm_sas_set_their_key (a,
          gst_e2ee_olm_sas_get_pubkey (b), &error));
  fail_unless (gst_e2ee_olm_sas_set_their_key (b,
          gst_e2ee_olm_sas_get_pubkey (a), &error));
  fail_unless (gst_e2ee_olm_sas_set_their_key (c,
          gst_e2ee_olm_sas_get_pubkey (b), &error));
  fail_unless (gst_e2ee_olm_sas_is_their_key_set (a));

  fail_unless (gst_e2ee_olm_sas_generate_bytes (a, info, ba, 6));
  fail_unless (gst_e2ee_olm_sas_generate_bytes (b, info, bb, 6));
  fail_unless (gst_e2ee_olm_sas_generate_bytes (c, info, bc, 6));
  fail_unless (memcmp (ba, bb, 6) == 0);
  /* a man in the middle (c talks to b with its own key) sees other codes */
  fail_unless (memcmp (ba, bc, 6) != 0);
  fail_unless (gst_e2ee_olm_sas_generate_bytes (a, "other info", other, 6));
  fail_unless (memcmp (ba, other, 6) != 0);
  fail_if (gst_e2ee_olm_sas_generate_bytes (a, info, other, 0));

  ma = gst_e2ee_olm_sas_calculate_mac (a, "ed25519key",
      "Jitsi-KEY_VERIFICATION_MACalicebobtxned25519:bob", &error);
  mb = gst_e2ee_olm_sas_calculate_mac (b, "ed25519key",
      "Jitsi-KEY_VERIFICATION_MACalicebobtxned25519:bob", &error);
  mc = gst_e2ee_olm_sas_calculate_mac (c, "ed25519key",
      "Jitsi-KEY_VERIFICATION_MACalicebobtxned25519:bob", &error);
  fail_unless (ma && mb && mc);
  fail_unless_equals_int (strlen (ma), 43);
  fail_unless_equals_string (ma, mb);
  fail_unless (strcmp (ma, mc) != 0);
  g_free (mb);
  mb = gst_e2ee_olm_sas_calculate_mac (b, "ed25519key2",
      "Jitsi-KEY_VERIFICATION_MACalicebobtxned25519:bob", &error);
  fail_unless (strcmp (ma, mb) != 0);

  /* It is olm_sas_calculate_mac(), as libolm's JS binding calls it, not the
   * _fixed_base64 variant: libolm base64-encodes the 32-byte HMAC in place,
   * so from the fourth 3-byte group on, the encoder reads back characters
   * it already wrote. Decoded, bytes 9 to 29 of such a MAC are all base64
   * characters; for a real HMAC that happens with probability 4^-21. */
  padded = g_strconcat (ma, "=", NULL);
  raw = g_base64_decode (padded, &raw_len);
  fail_unless_equals_int (raw_len, 32);
  for (i = 9; i < 30; i++)
    fail_unless (is_base64_char (raw[i]), "byte %u of the MAC", (guint) i);
  g_free (raw);
  g_free (padded);

  g_free (ma);
  g_free (mb);
  g_free (mc);
  gst_e2ee_olm_sas_free (a);
  gst_e2ee_olm_sas_free (b);
  gst_e2ee_olm_sas_free (c);
  gst_e2ee_olm_sas_free (NULL);
}

GST_END_TEST;

/* tests/data/sas-vectors.json: lib-jitsi-meet's SAS steps computed with
 * libolm's JavaScript binding from fixed SAS private keys
 * (tests/data/gen-sas-vectors.mjs). The same bytes here must give the same
 * public keys, codes, commitment and sas-mac (entry name, MAC, keys MAC):
 * what lib-jitsi-meet sends us is what we compute, and what we send is what
 * it checks. */
static GstE2eeOlmSas *
vector_sas (JsonObject * side)
{
  gsize len;
  const gchar *hex = json_object_get_string_member (side, "random");
  guint8 buf[32];
  GstE2eeOlmSas *sas;
  GError *err = NULL;
  guint i;

  len = strlen (hex) / 2;
  fail_unless_equals_int (len, sizeof (buf));
  for (i = 0; i < len; i++)
    buf[i] = (g_ascii_xdigit_value (hex[2 * i]) << 4)
        | g_ascii_xdigit_value (hex[2 * i + 1]);
  sas = gst_e2ee_olm_sas_new_from_random (buf, len, &err);
  fail_unless (sas != NULL, "%s", err ? err->message : "");
  fail_unless_equals_string (gst_e2ee_olm_sas_get_pubkey (sas),
      json_object_get_string_member (side, "pubkey"));
  return sas;
}

static void
check_vector_mac (GstE2eeOlmSas * sender_sas, GstE2eeOlmSas * receiver_sas,
    JsonObject * sender, JsonObject * receiver, const gchar * txn,
    JsonObject * expect)
{
  GstE2eeOlmSas *both[2] = { sender_sas, receiver_sas };
  guint i;

  /* the sender builds it, the receiver recomputes it: both must agree
   * with the binding */
  for (i = 0; i < 2; i++) {
    gchar *key_id, *mac, *keys;

    gst_e2ee_sas_jitsi_mac (both[i],
        json_object_get_string_member (sender, "id"),
        json_object_get_string_member (receiver, "id"), txn,
        json_object_get_string_member (sender, "ed25519"), &key_id, &mac,
        &keys);
    fail_unless_equals_string (key_id,
        json_object_get_string_member (expect, "keyId"));
    fail_unless_equals_string (mac,
        json_object_get_string_member (expect, "mac"));
    fail_unless_equals_string (keys,
        json_object_get_string_member (expect, "keys"));
    g_free (key_id);
    g_free (mac);
    g_free (keys);
  }
}

GST_START_TEST (test_sas_jitsi_vectors)
{
  JsonParser *parser = json_parser_new ();
  GError *err = NULL;
  gchar *path = g_build_filename (g_getenv ("E2EE_TEST_DATA"),
      "sas-vectors.json", NULL);
  JsonObject *v, *alice, *bob;
  GstE2eeOlmSas *a, *b;
  const gchar *txn;
  guint8 bytes[6], other[6];
  guint16 decimal[3];
  guint8 emoji[7];
  gchar *info, *c, *hex;
  JsonArray *arr;
  guint i;

  fail_unless (json_parser_load_from_file (parser, path, &err), "%s: %s",
      path, err ? err->message : "");
  v = json_node_get_object (json_parser_get_root (parser));
  alice = json_object_get_object_member (v, "alice");
  bob = json_object_get_object_member (v, "bob");
  txn = json_object_get_string_member (v, "transactionId");

  a = vector_sas (alice);
  b = vector_sas (bob);
  fail_unless (gst_e2ee_olm_sas_set_their_key (a,
          gst_e2ee_olm_sas_get_pubkey (b), NULL));
  fail_unless (gst_e2ee_olm_sas_set_their_key (b,
          gst_e2ee_olm_sas_get_pubkey (a), NULL));

  /* the codes' info: initiator's id and SAS key first, on both sides */
  info = g_strdup_printf ("%s|%s|%s|%s",
      json_object_get_string_member (alice, "id"),
      gst_e2ee_olm_sas_get_pubkey (a),
      json_object_get_string_member (bob, "id"),
      gst_e2ee_olm_sas_get_pubkey (b));
  fail_unless_equals_string (info, json_object_get_string_member (v, "info"));
  fail_unless (gst_e2ee_olm_sas_generate_bytes (a, info, bytes, 6));
  fail_unless (gst_e2ee_olm_sas_generate_bytes (b, info, other, 6));
  fail_unless (memcmp (bytes, other, 6) == 0);
  hex = g_malloc0 (13);
  for (i = 0; i < 6; i++)
    g_snprintf (hex + 2 * i, 3, "%02x", bytes[i]);
  fail_unless_equals_string (hex, json_object_get_string_member (v, "bytes"));
  g_free (hex);
  g_free (info);

  gst_e2ee_sas_decimal (bytes, decimal);
  arr = json_object_get_array_member (v, "decimal");
  for (i = 0; i < 3; i++)
    fail_unless_equals_int (decimal[i], json_array_get_int_element (arr, i));
  gst_e2ee_sas_emoji_indexes (bytes, emoji);
  arr = json_object_get_array_member (v, "emoji");
  for (i = 0; i < 7; i++)
    fail_unless_equals_int (emoji[i], json_array_get_int_element (arr, i));

  /* the responder's commitment over the start message */
  info = g_strconcat (gst_e2ee_olm_sas_get_pubkey (b),
      json_object_get_string_member (v, "startJson"), NULL);
  c = gst_e2ee_olm_sha256 (info);
  fail_unless_equals_string (c, json_object_get_string_member (v,
          "commitment"));
  g_free (c);
  g_free (info);

  check_vector_mac (a, b, alice, bob, txn,
      json_object_get_object_member (v, "macAliceToBob"));
  check_vector_mac (b, a, bob, alice, txn,
      json_object_get_object_member (v, "macBobToAlice"));

  gst_e2ee_olm_sas_free (a);
  gst_e2ee_olm_sas_free (b);
  g_object_unref (parser);
  g_free (path);
}

GST_END_TEST;

GST_START_TEST (test_sha256)
{
  gchar *h;

  /* Olm.Utility.sha256 gives unpadded base64 */
  h = gst_e2ee_olm_sha256 ("");
  fail_unless_equals_string (h, "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU");
  g_free (h);
  h = gst_e2ee_olm_sha256 ("abc");
  fail_unless_equals_string (h, "ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0");
  g_free (h);
  /* UTF-8 bytes: SHA-256 of "\xc3\xa9" (e acute) */
  h = gst_e2ee_olm_sha256 ("\xc3\xa9");
  fail_unless_equals_string (h, "SplVfkAzw1Od4utlRyAXytX5VX96BiWgnxw/biumnEw");
  g_free (h);
}

GST_END_TEST;

/* modules/e2ee/SAS.ts of lib-jitsi-meet, in order */
static const gchar *sas_names[] = {
  "dog", "cat", "lion", "horse", "unicorn", "pig", "elephant", "rabbit",
  "panda", "rooster", "penguin", "turtle", "fish", "octopus", "butterfly",
  "flower", "tree", "cactus", "mushroom", "globe", "moon", "cloud", "fire",
  "banana", "apple", "strawberry", "corn", "pizza", "cake", "heart",
  "smiley", "robot", "hat", "glasses", "spanner", "santa", "thumbs up",
  "umbrella", "hourglass", "clock", "gift", "light bulb", "book", "pencil",
  "paperclip", "scissors", "lock", "key", "hammer", "telephone", "flag",
  "train", "bicycle", "aeroplane", "rocket", "trophy", "ball", "guitar",
  "trumpet", "bell", "anchor", "headphones", "folder", "pin",
};

GST_START_TEST (test_sas_codes)
{
  static const guint8 seq[6] = { 0x00, 0x01, 0x02, 0x03, 0x04, 0x05 };
  static const guint8 ones[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
  static const guint8 zeros[6] = { 0, };
  static const guint8 mixed[6] = { 0xa5, 0x5a, 0x0f, 0xf0, 0x81, 0x7e };
  guint16 dec[3];
  guint8 emoji[7];
  guint i, j;

  G_STATIC_ASSERT (G_N_ELEMENTS (sas_names) == 64);

  /* 00 01 02 03 04 05 = 00000000 00000001 00000010 00000011 00000100 ...
   * 13-bit groups: 0000000000000 = 0, 0010000001000 = 1032,
   * 0000110000010 = 386 */
  gst_e2ee_sas_decimal (seq, dec);
  fail_unless_equals_int (dec[0], 1000);
  fail_unless_equals_int (dec[1], 2032);
  fail_unless_equals_int (dec[2], 1386);
  /* 6-bit groups: 000000 000000 000100 000010 000000 110000 010000 */
  gst_e2ee_sas_emoji_indexes (seq, emoji);
  fail_unless_equals_int (emoji[0], 0);
  fail_unless_equals_int (emoji[1], 0);
  fail_unless_equals_int (emoji[2], 4);
  fail_unless_equals_int (emoji[3], 2);
  fail_unless_equals_int (emoji[4], 0);
  fail_unless_equals_int (emoji[5], 48);
  fail_unless_equals_int (emoji[6], 16);
  fail_unless_equals_string (gst_e2ee_sas_emoji_name (emoji[2]), "unicorn");
  fail_unless_equals_string (gst_e2ee_sas_emoji_name (emoji[3]), "lion");
  fail_unless_equals_string (gst_e2ee_sas_emoji_name (emoji[5]), "hammer");
  fail_unless_equals_string (gst_e2ee_sas_emoji_name (emoji[6]), "tree");

  /* all ones: 8191 + 1000 each, and the last emoji, pin */
  gst_e2ee_sas_decimal (ones, dec);
  for (i = 0; i < 3; i++)
    fail_unless_equals_int (dec[i], 9191);
  gst_e2ee_sas_emoji_indexes (ones, emoji);
  for (i = 0; i < 7; i++)
    fail_unless_equals_int (emoji[i], 63);
  fail_unless_equals_string (gst_e2ee_sas_emoji_name (63), "pin");

  gst_e2ee_sas_decimal (zeros, dec);
  for (i = 0; i < 3; i++)
    fail_unless_equals_int (dec[i], 1000);
  gst_e2ee_sas_emoji_indexes (zeros, emoji);
  for (i = 0; i < 7; i++)
    fail_unless_equals_int (emoji[i], 0);

  /* a5 5a 0f f0 81 7e = 10100101 01011010 00001111 11110000 10000001 01111110
   * 13 bits: 1010010101011 = 5291, 0100000111111 = 2111,
   *          1100001000000 = 6208
   * 6 bits:  101001 010101 101000 001111 111100 001000 000101 */
  gst_e2ee_sas_decimal (mixed, dec);
  fail_unless_equals_int (dec[0], 6291);
  fail_unless_equals_int (dec[1], 3111);
  fail_unless_equals_int (dec[2], 7208);
  gst_e2ee_sas_emoji_indexes (mixed, emoji);
  fail_unless_equals_int (emoji[0], 41);
  fail_unless_equals_int (emoji[1], 21);
  fail_unless_equals_int (emoji[2], 40);
  fail_unless_equals_int (emoji[3], 15);
  fail_unless_equals_int (emoji[4], 60);
  fail_unless_equals_int (emoji[5], 8);
  fail_unless_equals_int (emoji[6], 5);

  /* the table: SAS.ts's names and symbols */
  for (i = 0; i < 64; i++) {
    const gchar *sym = gst_e2ee_sas_emoji_symbol (i);

    fail_unless_equals_string (gst_e2ee_sas_emoji_name (i), sas_names[i]);
    fail_unless (sym != NULL && sym[0] != '\0');
    fail_unless (g_utf8_validate (sym, -1, NULL));
    for (j = 0; j < i; j++)
      fail_unless (strcmp (sym, gst_e2ee_sas_emoji_symbol (j)) != 0);
  }
  fail_unless (gst_e2ee_sas_emoji_symbol (64) == NULL);
  fail_unless (gst_e2ee_sas_emoji_name (64) == NULL);
  fail_unless (gst_e2ee_sas_emoji_name (G_MAXUINT) == NULL);
  fail_unless_equals_string (gst_e2ee_sas_emoji_symbol (0), "\xf0\x9f\x90\xb6");
  /* SAS.ts writes some with the emoji presentation selector U+FE0F */
  fail_unless_equals_string (gst_e2ee_sas_emoji_symbol (21),
      "\xe2\x98\x81\xef\xb8\x8f");
  fail_unless_equals_string (gst_e2ee_sas_emoji_symbol (30),
      "\xf0\x9f\x99\x82");
  fail_unless_equals_string (gst_e2ee_sas_emoji_symbol (38), "\xe2\x8c\x9b");
  fail_unless_equals_string (gst_e2ee_sas_emoji_symbol (63),
      "\xf0\x9f\x93\x8c");
}

GST_END_TEST;

/* ---- state file ---- */

static const guint8 state_key[32] = {
  0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07,
  0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f,
  0x10, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17,
  0x18, 0x19, 0x1a, 0x1b, 0x1c, 0x1d, 0x1e, 0x1f,
};

static gchar *
make_tmp_dir (void)
{
  GError *error = NULL;
  gchar *dir = g_dir_make_tmp ("gste2ee-olm-XXXXXX", &error);

  fail_unless (dir != NULL, "%s", error ? error->message : "?");
  return dir;
}

static void
remove_tmp_dir (gchar * dir)
{
  GDir *d = g_dir_open (dir, 0, NULL);
  const gchar *name;

  while (d && (name = g_dir_read_name (d))) {
    gchar *path = g_build_filename (dir, name, NULL);

    g_unlink (path);
    g_free (path);
  }
  if (d)
    g_dir_close (d);
  g_rmdir (dir);
  g_free (dir);
}

static void
assert_state_error (const gchar * path, const guint8 * key)
{
  GError *error = NULL;
  gsize len = 0;
  gchar *contents;

  contents = gst_e2ee_state_file_read (path, key, &len, &error);
  fail_unless (contents == NULL);
  fail_unless (g_error_matches (error, GST_E2EE_ERROR, GST_E2EE_ERROR_STATE),
      "unexpected error: %s", error ? error->message : "none");
  g_error_free (error);
}

static void
write_raw (const gchar * path, const gchar * data, gsize len)
{
  fail_unless (g_file_set_contents (path, data, len, NULL));
}

GST_START_TEST (test_state_file)
{
  const gchar *state = "{\"account\":\"pickle\",\"sessions\":{}}";
  guint8 wrong_key[32];
  gchar *dir, *path, *other, *contents, *data, *copy;
  GError *error = NULL;
  gsize len, dlen, i;
  GStatBuf st;

  dir = make_tmp_dir ();
  path = g_build_filename (dir, "state", NULL);
  other = g_build_filename (dir, "broken", NULL);

  /* missing: G_FILE_ERROR_NOENT, so a first start can be told apart */
  contents = gst_e2ee_state_file_read (path, state_key, &len, &error);
  fail_unless (contents == NULL);
  fail_unless (g_error_matches (error, G_FILE_ERROR, G_FILE_ERROR_NOENT));
  g_clear_error (&error);

  fail_unless (gst_e2ee_state_file_write (path, state_key, state,
          strlen (state), &error));
  fail_unless (g_stat (path, &st) == 0);
  fail_unless_equals_int (st.st_mode & 07777, 0600);

  contents = gst_e2ee_state_file_read (path, state_key, &len, &error);
  fail_unless (contents != NULL, "%s", error ? error->message : "?");
  fail_unless_equals_uint64 (len, strlen (state));
  fail_unless_equals_string (contents, state);
  gst_e2ee_state_file_free_contents (contents, len);
  gst_e2ee_state_file_free_contents (NULL, 0);

  /* magic, IV, ciphertext, tag; no plaintext */
  fail_unless (g_file_get_contents (path, &data, &dlen, NULL));
  fail_unless_equals_uint64 (dlen, 16 + 12 + strlen (state) + 16);
  fail_unless (memcmp (data, "GSTE2EE-STATE-1\n", 16) == 0);
  fail_unless (g_strstr_len (data, dlen, "pickle") == NULL);

  /* another key */
  memcpy (wrong_key, state_key, 32);
  wrong_key[31] ^= 0x80;
  assert_state_error (path, wrong_key);

  /* any byte changed */
  for (i = 0; i < dlen; i++) {
    data[i] ^= 0x01;
    write_raw (other, data, dlen);
    assert_state_error (other, state_key);
    data[i] ^= 0x01;
  }
  /* cut anywhere */
  for (i = 0; i < dlen; i++) {
    write_raw (other, data, i);
    assert_state_error (other, state_key);
  }
  /* something appended */
  copy = g_malloc (dlen + 1);
  memcpy (copy, data, dlen);
  copy[dlen] = 'x';
  write_raw (other, copy, dlen + 1);
  assert_state_error (other, state_key);
  g_free (copy);

  /* rewriting: a fresh IV each time; the old mode is not kept */
  fail_unless (g_chmod (path, 0644) == 0);
  fail_unless (gst_e2ee_state_file_write (path, state_key, state,
          strlen (state), &error));
  fail_unless (g_stat (path, &st) == 0);
  fail_unless_equals_int (st.st_mode & 07777, 0600);
  fail_unless (g_file_get_contents (path, &copy, &len, NULL));
  fail_unless_equals_uint64 (len, dlen);
  fail_unless (memcmp (copy + 16, data + 16, 12) != 0);
  g_free (copy);
  g_free (data);

  /* empty state */
  fail_unless (gst_e2ee_state_file_write (path, state_key, "", 0, &error));
  contents = gst_e2ee_state_file_read (path, state_key, &len, &error);
  fail_unless (contents != NULL);
  fail_unless_equals_uint64 (len, 0);
  fail_unless_equals_string (contents, "");
  gst_e2ee_state_file_free_contents (contents, len);

  /* a directory that does not exist */
  g_free (other);
  other = g_build_filename (dir, "missing", "state", NULL);
  fail_if (gst_e2ee_state_file_write (other, state_key, state,
          strlen (state), &error));
  fail_unless (error != NULL);
  g_clear_error (&error);

  g_free (path);
  g_free (other);
  remove_tmp_dir (dir);
}

GST_END_TEST;

static void
assert_key_refused (const gchar * path)
{
  GError *error = NULL;
  guint8 key[32];

  fail_if (gst_e2ee_state_file_load_key (path, key, &error));
  fail_unless (g_error_matches (error, GST_E2EE_ERROR, GST_E2EE_ERROR_STATE),
      "unexpected error: %s", error ? error->message : "none");
  g_error_free (error);
}

GST_START_TEST (test_state_key)
{
  guint8 key[32], again[32], zeros[32] = { 0, };
  gchar *dir, *path, *data, *name;
  GError *error = NULL;
  GStatBuf st;
  GDir *d;
  gsize len;
  guint n;

  dir = make_tmp_dir ();
  path = g_build_filename (dir, "state.key", NULL);

  /* created on copy use: 32 random bytes, mode 0600, nothing else left */
  fail_unless (gst_e2ee_state_file_load_key (path, key, &error),
      "%s", error ? error->message : "?");
  fail_unless (g_stat (path, &st) == 0);
  fail_unless_equals_int (st.st_mode & 07777, 0600);
  fail_unless (g_file_get_contents (path, &data, &len, NULL));
  fail_unless_equals_uint64 (len, 32);
  fail_unless (memcmp (data, key, 32) == 0);
  fail_unless (memcmp (key, zeros, 32) != 0);
  g_free (data);
  d = g_dir_open (dir, 0, NULL);
  for (n = 0; (name = (gchar *) g_dir_read_name (d)); n++)
    fail_unless_equals_string (name, "state.key");
  g_dir_close (d);
  fail_unless_equals_int (n, 1);

  /* and reused */
  fail_unless (gst_e2ee_state_file_load_key (path, again, &error));
  fail_unless (memcmp (key, again, 32) == 0);

  /* a key file made by hand */
  g_unlink (path);
  write_raw (path, (const gchar *) state_key, 32);
  fail_unless (g_chmod (path, 0600) == 0);
  fail_unless (gst_e2ee_state_file_load_key (path, again, &error));
  fail_unless (memcmp (state_key, again, 32) == 0);

  /* refused: readable by others, or by the group, or writable by them */
  fail_unless (g_chmod (path, 0644) == 0);
  assert_key_refused (path);
  fail_unless (g_chmod (path, 0640) == 0);
  assert_key_refused (path);
  fail_unless (g_chmod (path, 0602) == 0);
  assert_key_refused (path);
  fail_unless (g_chmod (path, 0400) == 0);
  fail_unless (gst_e2ee_state_file_load_key (path, again, &error));

  /* refused: the wrong size */
  g_unlink (path);
  write_raw (path, (const gchar *) state_key, 31);
  fail_unless (g_chmod (path, 0600) == 0);
  assert_key_refused (path);
  g_unlink (path);
  write_raw (path, (const gchar *) state_key, 0);
  fail_unless (g_chmod (path, 0600) == 0);
  assert_key_refused (path);
  g_unlink (path);
  data = g_malloc0 (33);
  write_raw (path, data, 33);
  g_free (data);
  fail_unless (g_chmod (path, 0600) == 0);
  assert_key_refused (path);
  g_unlink (path);

  /* refused: not a file */
  fail_unless (g_mkdir (path, 0700) == 0);
  assert_key_refused (path);
  g_rmdir (path);

  /* no such directory: an error, not a key */
  g_free (path);
  path = g_build_filename (dir, "missing", "state.key", NULL);
  fail_if (gst_e2ee_state_file_load_key (path, key, &error));
  fail_unless (error != NULL);
  g_clear_error (&error);

  g_free (path);
  remove_tmp_dir (dir);
}

GST_END_TEST;

/* The key file and the state file together, as the key manager uses them. */
GST_START_TEST (test_state_account_round_trip)
{
  GstE2eeOlmAccount *a, *a2;
  guint8 key[32];
  gchar *dir, *key_path, *path, *pickle, *contents;
  GError *error = NULL;
  gsize len;

  dir = make_tmp_dir ();
  key_path = g_build_filename (dir, "key", NULL);
  path = g_build_filename (dir, "state", NULL);

  a = gst_e2ee_olm_account_new (&error);
  fail_unless (a != NULL);
  fail_unless (gst_e2ee_state_file_load_key (key_path, key, &error));
  pickle = gst_e2ee_olm_account_pickle (a, key, sizeof (key));
  fail_unless (gst_e2ee_state_file_write (path, key, pickle, strlen (pickle),
          &error));
  g_free (pickle);

  memset (key, 0, sizeof (key));
  fail_unless (gst_e2ee_state_file_load_key (key_path, key, &error));
  contents = gst_e2ee_state_file_read (path, key, &len, &error);
  fail_unless (contents != NULL);
  a2 = gst_e2ee_olm_account_unpickle (contents, key, sizeof (key), &error);
  fail_unless (a2 != NULL);
  gst_e2ee_state_file_free_contents (contents, len);
  fail_unless_equals_string (gst_e2ee_olm_account_get_curve25519 (a2),
      gst_e2ee_olm_account_get_curve25519 (a));

  gst_e2ee_olm_account_free (a);
  gst_e2ee_olm_account_free (a2);
  g_free (key_path);
  g_free (path);
  remove_tmp_dir (dir);
}

GST_END_TEST;

static Suite *
olm_suite (void)
{
  Suite *s = suite_create ("olm");
  TCase *tc = tcase_create ("olm");
  TCase *tc_sas = tcase_create ("sas");
  TCase *tc_state = tcase_create ("state");

  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_account);
  tcase_add_test (tc, test_session_jitsi_flow);
  tcase_add_test (tc, test_session_prekey_burst);
  tcase_add_test (tc, test_session_wrong_sender);
  tcase_add_test (tc, test_session_replay);
  tcase_add_test (tc, test_session_malformed);
  tcase_add_test (tc, test_session_nul_in_plaintext);
  tcase_add_test (tc, test_pickle);

  suite_add_tcase (s, tc_sas);
  tcase_add_test (tc_sas, test_sas);
  tcase_add_test (tc_sas, test_sha256);
  tcase_add_test (tc_sas, test_sas_jitsi_vectors);
  tcase_add_test (tc_sas, test_sas_codes);

  suite_add_tcase (s, tc_state);
  tcase_add_test (tc_state, test_state_file);
  tcase_add_test (tc_state, test_state_key);
  tcase_add_test (tc_state, test_state_account_round_trip);

  return s;
}

int
main (int argc, char **argv)
{
  /* Nothing here uses an element: without the plugin registry, the test
   * needs no plugin scan, which under the asan setup (no scanner process)
   * would load every system plugin into each test and report their leaks. */
  g_setenv ("GST_REGISTRY_DISABLE", "yes", TRUE);
  gst_check_init (&argc, &argv);
  return gst_check_run_suite (olm_suite (), "olm", __FILE__);
}
