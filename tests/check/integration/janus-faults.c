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
 * GstE2eeJanusRoom's faults and secrecy through a real Janus
 * (harness/janus-harness.h, harness/janus-call.h), in the private network
 * namespace the tests run in:
 * - join: a keyless observer captures alice's ciphertext; carol joins and
 *   decrypts alice's current frames, but none of those sent before she
 *   joined; the observer decrypts nothing;
 * - leave: bob leaves, alice's key switches; bob's manager decrypts none of
 *   the frames sent after the switch, carol all of them;
 * - a participant in a child process is SIGKILLed: Janus times its session
 *   out, the others see it leave and rotate (the time is printed);
 * - a hostile room member sends garbage and forged messages through the
 *   TextRoom: counted, dropped, keys and media go on;
 * - a require_e2ee room: the room publishes there; a raw publish without
 *   "e2ee": true is refused (error 433).
 * Skips when Janus cannot run here.
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <string.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <gst/check/gstcheck.h>
#include <gst/check/gstharness.h>
#include <gst/webrtc/webrtc.h>
#include <libsoup/soup.h>
#include <json-glib/json-glib.h>

#include "janus-harness.h"
#include "janus-call.h"
#include "gste2eejanusroom-test.h"

/* Janus forgets a silent client after this; the rooms keep alive more often
 * (janus-call.c) */
#define SESSION_TIMEOUT_S 5

static JanusHarness *janus;

#define LOCK() g_mutex_lock (&janus_call_lock)
#define UNLOCK() g_mutex_unlock (&janus_call_lock)

/* -- helpers ------------------------------------------------------------- */

static void
join_all (JanusParty ** ps, guint n)
{
  guint i;

  for (i = 0; i < n; i++)
    janus_party_start (ps[i]);
  for (i = 0; i < n; i++) {
    JanusParty *pair[3] = { ps[i], ps[i], GUINT_TO_POINTER (1) };

    fail_unless (janus_call_wait_for (janus_call_joined_n, pair),
        "%s did not join", ps[i]->name);
  }
}

static void
wait_keys (JanusParty * a, JanusParty * b)
{
  JanusParty *ps[2] = { a, b };

  fail_unless (janus_call_wait_for (janus_call_keys_exchanged, ps),
      "no keys between %s and %s", a->name, b->name);
}

typedef struct
{
  JanusParty *p;
  const gchar *participant;
  guint n;
} Count;

static guint
n_captured_locked (JanusParty * p, const gchar * participant)
{
  GPtrArray *frames = g_hash_table_lookup (p->captured, participant);

  return frames ? frames->len : 0;
}

static gboolean
captured_at_least (gpointer data)
{
  Count *c = data;

  return n_captured_locked (c->p, c->participant) >= c->n;
}

static gboolean
received_at_least (gpointer data)
{
  Count *c = data;

  return janus_party_n_received_locked (c->p, c->participant) >= c->n;
}

/* key-changed told @p of a key of @participant with an index above @n */
static gboolean
key_index_above (gpointer data)
{
  Count *c = data;

  return janus_party_key_index_locked (c->p, c->participant) > (gint) c->n;
}

static gboolean
has_left (gpointer data)
{
  Count *c = data;

  return g_hash_table_contains (c->p->left_at, c->participant);
}

/* the captured frames of @participant from @from on (refs) */
static GPtrArray *
dup_captured (JanusParty * p, const gchar * participant, guint from, guint to)
{
  GPtrArray *out = g_ptr_array_new_with_free_func ((GDestroyNotify)
      g_bytes_unref);
  GPtrArray *frames;
  guint i;

  LOCK ();
  frames = g_hash_table_lookup (p->captured, participant);
  for (i = from; frames && i < MIN (to, frames->len); i++)
    g_ptr_array_add (out, g_bytes_ref (g_ptr_array_index (frames, i)));
  UNLOCK ();
  return out;
}

static guint64
stat_u64 (const GstStructure * s, const gchar * name)
{
  guint64 v = 0;

  fail_unless (gst_structure_get_uint64 (s, name, &v), "no %s", name);
  return v;
}

/* Feeds ciphertext @frames to an e2eedec reading @km's keys of
 * @participant; returns how many frames it let out and what it counted */
static guint
decrypt_offline (GPtrArray * frames, GstE2eeKeyManager * km,
    const gchar * participant, guint64 * auth_failed, guint64 * missing_key)
{
  GstHarness *h = gst_harness_new ("e2eedec");
  GstStructure *s = NULL;
  guint i, out;

  g_object_set (h->element, "key-manager", km, "participant", participant,
      NULL);
  gst_harness_set_src_caps_str (h, "video/x-vp8");
  for (i = 0; i < frames->len; i++) {
    GBytes *b = g_ptr_array_index (frames, i);

    fail_unless_equals_int (gst_harness_push (h,
            gst_buffer_new_wrapped_bytes (b)), GST_FLOW_OK);
  }
  out = gst_harness_buffers_received (h);
  g_object_get (h->element, "stats", &s, NULL);
  *auth_failed = stat_u64 (s, "auth-failed");
  *missing_key = stat_u64 (s, "missing-key");
  gst_structure_free (s);
  gst_harness_teardown (h);
  return out;
}

static guint
own_key_index (JanusParty * p)
{
  GstStructure *s = NULL;
  guint index = 0;

  g_object_get (p->km, "stats", &s, NULL);
  fail_unless (gst_structure_get_uint (s, "key-index", &index));
  gst_structure_free (s);
  return index;
}

/* JFrame's key id: the frame's last byte */
static guint
frame_kid (GBytes * frame)
{
  gsize size;
  const guint8 *data = g_bytes_get_data (frame, &size);

  return size ? data[size - 1] : G_MAXUINT;
}

/* -- fixture ------------------------------------------------------------- */

static void
janus_setup (void)
{
  GError *error = NULL;
  JanusHarnessOptions opts = { SESSION_TIMEOUT_S, NULL };

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

/* -- join secrecy -------------------------------------------------------- */

GST_START_TEST (test_join_secrecy)
{
  JanusParty a, o, c;
  JanusParty *ao[2] = { &a, &o };
  Count cap = { &o, "alice", JANUS_CALL_MIN_FRAMES };
  Count ckey = { &c, "alice", 0 };
  GPtrArray *before;
  guint64 auth_failed, missing_key;
  guint out;

  janus_party_init (&a, "alice");
  janus_party_init_full (&o, "observer", JANUS_HARNESS_ROOM, FALSE);
  janus_party_init (&c, "carol");
  join_all (ao, 2);

  /* alice publishes; the observer, in the room without keys, captures */
  janus_party_subscribe (&o);
  janus_party_publish (&a);
  fail_unless (janus_call_wait_for (captured_at_least, &cap),
      "the observer captured too few frames of alice");
  before = dup_captured (&o, "alice", 0, G_MAXUINT);

  /* carol joins, gets alice's key, decrypts what alice sends now */
  janus_party_start (&c);
  ckey.n = -1;
  fail_unless (janus_call_wait_for (key_index_above, &ckey),
      "carol got no key of alice");
  janus_party_subscribe (&c);
  janus_call_check_frames (&a, &c);

  /* ... but nothing alice sent before she joined */
  out = decrypt_offline (before, c.km, "alice", &auth_failed, &missing_key);
  g_print ("janus-faults: join: carol decrypted %u of the %u frames alice "
      "sent before she joined (auth-failed %" G_GUINT64_FORMAT
      ", missing-key %" G_GUINT64_FORMAT ")\n", out, before->len,
      auth_failed, missing_key);
  fail_unless_equals_int (out, 0);
  fail_unless_equals_int (auth_failed + missing_key, before->len);

  /* the observer, in the room all along, decrypted nothing ever */
  LOCK ();
  fail_unless (n_captured_locked (&o, "alice") > before->len);
  fail_unless_equals_int (janus_party_n_received_locked (&o, "alice"), 0);
  UNLOCK ();

  g_ptr_array_unref (before);
  janus_party_clear (&c);
  janus_party_clear (&o);
  janus_party_clear (&a);
}

GST_END_TEST;

/* -- leave secrecy ------------------------------------------------------- */

GST_START_TEST (test_leave_secrecy)
{
  JanusParty a, b, c, o;
  JanusParty *all[4] = { &a, &b, &c, &o };
  Count switched = { &a, "alice", 0 };
  Count cap = { &o, "alice", 0 };
  GPtrArray *after, *sent_after;
  guint64 auth_failed, missing_key;
  guint i, old_index, new_index, out, n_switch;
  gint bob_index;
  gint64 stopped_at, switch_at;

  janus_party_init (&a, "alice");
  janus_party_init (&b, "bob");
  janus_party_init (&c, "carol");
  janus_party_init_full (&o, "observer", JANUS_HARNESS_ROOM, FALSE);
  join_all (all, 4);
  wait_keys (&a, &b);
  wait_keys (&a, &c);

  janus_party_subscribe (&b);
  janus_party_subscribe (&c);
  janus_party_subscribe (&o);
  janus_party_publish (&a);
  janus_call_check_frames (&a, &b);
  janus_call_check_frames (&a, &c);

  /* bob leaves: alice's manager switches to a new key */
  old_index = own_key_index (&a);
  stopped_at = g_get_monotonic_time ();
  janus_party_media_down (&b);
  gst_e2ee_janus_room_stop (b.room);
  switched.n = old_index;
  fail_unless (janus_call_wait_for (key_index_above, &switched),
      "alice did not switch keys after bob left");
  LOCK ();
  new_index = janus_party_key_index_locked (&a, "alice");
  switch_at = *(gint64 *) g_hash_table_lookup (a.key_changed_at, "alice");
  n_switch = n_captured_locked (&o, "alice");
  bob_index = janus_party_key_index_locked (&b, "alice");
  UNLOCK ();
  g_print ("janus-faults: leave: bob stopped -> alice's key %u -> %u: "
      "%.0f ms\n", old_index, new_index, (switch_at - stopped_at) / 1000.0);

  /* what the observer captured after the switch, under the new key */
  cap.n = n_switch + 2 * JANUS_CALL_MIN_FRAMES;
  fail_unless (janus_call_wait_for (captured_at_least, &cap),
      "the observer captured too few frames after the switch");
  sent_after = dup_captured (&o, "alice", n_switch, G_MAXUINT);
  after = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  for (i = 0; i < sent_after->len; i++)
    if (frame_kid (g_ptr_array_index (sent_after, i)) == new_index % 256)
      g_ptr_array_add (after, g_bytes_ref (g_ptr_array_index (sent_after, i)));
  fail_unless (after->len >= JANUS_CALL_MIN_FRAMES,
      "only %u frames under the new key", after->len);

  /* bob's manager lives on, with what it had: nothing of them */
  out = decrypt_offline (after, b.km, "alice", &auth_failed, &missing_key);
  g_print ("janus-faults: leave: bob decrypted %u of %u frames sent after "
      "the switch (auth-failed %" G_GUINT64_FORMAT ", missing-key %"
      G_GUINT64_FORMAT ")\n", out, after->len, auth_failed, missing_key);
  fail_unless_equals_int (out, 0);
  fail_unless_equals_int (auth_failed + missing_key, after->len);
  LOCK ();
  fail_unless_equals_int (janus_party_key_index_locked (&b, "alice"),
      bob_index);
  UNLOCK ();

  /* carol, still there, decrypts every one of them */
  out = decrypt_offline (after, c.km, "alice", &auth_failed, &missing_key);
  fail_unless_equals_int (out, after->len);
  janus_call_check_frames (&a, &c);
  LOCK ();
  fail_unless_equals_int (janus_party_n_received_locked (&o, "alice"), 0);
  UNLOCK ();

  g_ptr_array_unref (after);
  g_ptr_array_unref (sent_after);
  janus_party_clear (&o);
  janus_party_clear (&c);
  janus_party_clear (&b);
  janus_party_clear (&a);
}

GST_END_TEST;

/* -- a participant vanishing --------------------------------------------- */

static void
child_setup (gpointer data)
{
  /* never outlive the test */
  prctl (PR_SET_PDEATHSIG, SIGKILL);
}

/* The child, the same program run as a check suite of one test
 * (janus_faults_suite): dave joins and publishes, then waits to be
 * killed. */
GST_START_TEST (test_vanish_child)
{
  JanusParty d;
  JanusParty *dd[3] = { &d, &d, GUINT_TO_POINTER (1) };

  janus_call_set_url (g_getenv ("E2EE_JANUS_VANISH_URL"));
  janus_party_init (&d, "dave");
  janus_party_start (&d);
  fail_unless (janus_call_wait_for (janus_call_joined_n, dd));
  janus_party_publish (&d);
  for (;;)
    pause ();
}

GST_END_TEST;

GST_START_TEST (test_vanish)
{
  JanusParty a, b;
  JanusParty *ab[2] = { &a, &b };
  Count dave_frames = { &a, "dave", JANUS_CALL_MIN_FRAMES };
  Count left_a = { &a, "dave", 0 }, left_b = { &b, "dave", 0 };
  Count rot_a = { &a, "alice", 0 }, rot_b = { &b, "bob", 0 };
  Count keys_a = { &a, "dave", 0 }, keys_b = { &b, "dave", 0 };
  JanusPair gone = { NULL, &a };
  JanusParty dave_name = { "dave" };
  gchar *argv[2] = { NULL };
  gchar **envp;
  GError *error = NULL;
  GPid pid;
  gint64 killed_at, t_left_a, t_left_b, t_rot_a, t_rot_b, t_gone;
  int status;

  janus_party_init (&a, "alice");
  janus_party_init (&b, "bob");
  join_all (ab, 2);
  janus_party_subscribe (&a);

  argv[0] = g_file_read_link ("/proc/self/exe", NULL);
  envp = g_environ_setenv (g_get_environ (), "E2EE_JANUS_VANISH_URL",
      janus->url, TRUE);
  envp = g_environ_setenv (envp, "CK_FORK", "no", TRUE);
  envp = g_environ_unsetenv (envp, "GST_CHECKS");
  fail_unless (g_spawn_async (NULL, argv, envp, G_SPAWN_DO_NOT_REAP_CHILD,
          child_setup, NULL, &pid, &error), "%s", error ? error->message : "");
  g_free (argv[0]);
  g_strfreev (envp);

  /* dave is in: keys both ways, its stream decrypts at alice */
  keys_a.n = keys_b.n = -1;
  fail_unless (janus_call_wait_for (key_index_above, &keys_a));
  fail_unless (janus_call_wait_for (key_index_above, &keys_b));
  fail_unless (janus_call_wait_for (received_at_least, &dave_frames),
      "alice decrypted too few frames of dave");
  rot_a.n = own_key_index (&a);
  rot_b.n = own_key_index (&b);

  /* no goodbye: nothing leaves dave's process any more */
  killed_at = g_get_monotonic_time ();
  kill (pid, SIGKILL);
  fail_unless_equals_int (waitpid (pid, &status, 0), pid);
  g_spawn_close_pid (pid);

  fail_unless (janus_call_wait_for (has_left, &left_a), "alice: dave stays");
  fail_unless (janus_call_wait_for (has_left, &left_b), "bob: dave stays");
  fail_unless (janus_call_wait_for (key_index_above, &rot_a),
      "alice did not rotate");
  fail_unless (janus_call_wait_for (key_index_above, &rot_b),
      "bob did not rotate");
  gone.pub = &dave_name;
  fail_unless (janus_call_wait_for (janus_call_stream_gone, &gone),
      "dave's stream stayed");
  LOCK ();
  t_left_a = *(gint64 *) g_hash_table_lookup (a.left_at, "dave");
  t_left_b = *(gint64 *) g_hash_table_lookup (b.left_at, "dave");
  t_rot_a = *(gint64 *) g_hash_table_lookup (a.key_changed_at, "alice");
  t_rot_b = *(gint64 *) g_hash_table_lookup (b.key_changed_at, "bob");
  t_gone = *(gint64 *) g_hash_table_lookup (a.removed, "dave");
  UNLOCK ();
  g_print ("janus-faults: vanish (session_timeout %u s): SIGKILL -> "
      "participant-left alice %.1f s, bob %.1f s; -> new key alice %.1f s, "
      "bob %.1f s; -> stream removed %.1f s\n", SESSION_TIMEOUT_S,
      (t_left_a - killed_at) / 1e6, (t_left_b - killed_at) / 1e6,
      (t_rot_a - killed_at) / 1e6, (t_rot_b - killed_at) / 1e6,
      (t_gone - killed_at) / 1e6);

  /* alice and bob go on: bob gets alice's new key */
  {
    Count bob_has = { &b, "alice", rot_a.n };

    fail_unless (janus_call_wait_for (key_index_above, &bob_has));
  }
  janus_party_clear (&b);
  janus_party_clear (&a);
}

GST_END_TEST;

/* -- a hostile room member ------------------------------------------------ */

typedef struct
{
  JanusParty *p;
  GstStructure *base;
  const gchar *field;
  guint64 delta;
} StatWait;

static gboolean
stat_grew (JanusParty * p, const GstStructure * base, const gchar * field,
    guint64 delta)
{
  GstStructure *s = NULL;
  gboolean ok;

  g_object_get (p->km, "stats", &s, NULL);
  ok = stat_u64 (s, field) >= stat_u64 (base, field) + delta;
  gst_structure_free (s);
  return ok;
}

/* stats change without a signal: look again every 50 ms, until the
 * deadline */
static gboolean
wait_stat (JanusParty * p, const GstStructure * base, const gchar * field,
    guint64 delta)
{
  gint64 deadline = g_get_monotonic_time () +
      JANUS_CALL_DEADLINE_S * G_TIME_SPAN_SECOND;

  while (!stat_grew (p, base, field, delta)) {
    if (g_get_monotonic_time () > deadline)
      return FALSE;
    g_usleep (50 * 1000);
  }
  return TRUE;
}

static void
send_raw (JanusParty * m, const gchar * text)
{
  fail_unless (gst_e2ee_janus_room_test_send_textroom (m->room, text));
}

/* a TextRoom message from @m carrying @text, to @to (NULL: everyone) */
static void
send_text (JanusParty * m, const gchar * to, const gchar * text)
{
  JsonBuilder *b = json_builder_new ();
  JsonNode *node;
  gchar *s;

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "textroom");
  json_builder_add_string_value (b, "message");
  json_builder_set_member_name (b, "transaction");
  json_builder_add_string_value (b, "hostile");
  json_builder_set_member_name (b, "room");
  json_builder_add_int_value (b, JANUS_HARNESS_ROOM);
  if (to) {
    json_builder_set_member_name (b, "to");
    json_builder_add_string_value (b, to);
  }
  json_builder_set_member_name (b, "text");
  json_builder_add_string_value (b, text);
  json_builder_set_member_name (b, "ack");
  json_builder_add_boolean_value (b, FALSE);
  json_builder_end_object (b);
  node = json_builder_get_root (b);
  s = json_to_string (node, FALSE);
  send_raw (m, s);
  g_free (s);
  json_node_unref (node);
  g_object_unref (b);
}

#define KEY_INFO(from, to, ct_type) "{\"type\":\"olm\",\"from\":\"" from \
  "\",\"to\":\"" to "\",\"olm\":{\"type\":\"key-info\",\"data\":{\"uuid\":" \
  "\"4a1c6c3e-0d52-4f8e-9a39-2b1d7e0c5f11\",\"ciphertext\":{\"type\":" \
  ct_type ",\"body\":\"AwogQUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVphYmNkZWZn\"}}}}"

GST_START_TEST (test_hostile_member)
{
  JanusParty a, b, m;
  JanusParty *all[3] = { &a, &b, &m };
  GstStructure *base_a = NULL, *base_b = NULL, *end_b = NULL;
  gchar *curve = NULL, *ed = NULL, *hello, *huge;
  Count rotated = { &b, "alice", 0 };
  guint old_index;

  janus_party_init (&a, "alice");
  janus_party_init (&b, "bob");
  janus_party_init (&m, "mallory");
  join_all (all, 3);
  wait_keys (&a, &b);
  wait_keys (&a, &m);
  wait_keys (&b, &m);
  janus_party_subscribe (&b);
  janus_party_publish (&a);
  janus_call_check_frames (&a, &b);

  g_object_get (a.km, "stats", &base_a, NULL);
  g_object_get (b.km, "stats", &base_b, NULL);
  g_object_get (m.km, "curve25519-key", &curve, "ed25519-key", &ed, NULL);

  /* garbage for Janus itself: not TextRoom requests at all */
  send_raw (&m, "\x01\x02 not json {{{");
  send_raw (&m, "[1,2,3]");
  send_raw (&m, "{\"textroom\":42,\"room\":\"1234\"}");
  send_raw (&m, "{\"textroom\":\"message\",\"transaction\":\"x\",\"room\":"
      "1234,\"text\":{\"a\":1}}");
  send_raw (&m, "{\"textroom\":\"message\",\"transaction\":\"x\",\"room\":"
      "1234,\"to\":[\"bob\"],\"text\":\"x\"}");

  /* garbage for the key managers, relayed by Janus */
  send_text (&m, "bob", "not json {{{");
  huge = g_strnfill (50000, 'A');
  hello = g_strdup_printf ("{\"type\":\"e2ee-hello\",\"from\":\"mallory\","
      "\"pad\":\"%s\"}", huge);
  send_text (&m, NULL, hello);
  g_free (hello);
  g_free (huge);
  send_text (&m, "bob", "{\"type\":5,\"from\":\"mallory\",\"to\":\"bob\"}");
  send_text (&m, "bob", "{\"type\":\"olm\",\"from\":[\"mallory\"],"
      "\"to\":\"bob\"}");
  send_text (&m, "bob", "{\"type\":\"olm\",\"from\":\"mallory\","
      "\"to\":\"bob\",\"olm\":\"key-info\"}");
  /* a ciphertext type that is a string */
  send_text (&m, "bob", KEY_INFO ("mallory", "bob", "\"1\""));

  /* forged: speaking for alice (the relay says mallory) */
  hello = g_strdup_printf ("{\"type\":\"e2ee-hello\",\"from\":\"alice\","
      "\"idKeys\":{\"curve25519\":\"%s\",\"ed25519\":\"%s\"}}", curve, ed);
  send_text (&m, NULL, hello);
  g_free (hello);
  send_text (&m, "bob", KEY_INFO ("alice", "bob", "1"));
  /* addressed to someone else */
  send_text (&m, "bob", KEY_INFO ("mallory", "alice", "1"));
  /* key-infos that no session of bob's made: an olm message and a
   * pre-key message of garbage */
  send_text (&m, "bob", KEY_INFO ("mallory", "bob", "1"));
  send_text (&m, "bob", KEY_INFO ("mallory", "bob", "0"));

  /* the last ones are counted: so is everything before them (one sender,
   * in order) */
  fail_unless (wait_stat (&b, base_b, "decrypt-failed", 2),
      "bob did not count the key-infos that do not decrypt");
  fail_unless (wait_stat (&a, base_a, "impersonations", 1),
      "alice did not count mallory speaking for her");
  g_object_get (b.km, "stats", &end_b, NULL);
  g_print ("janus-faults: hostile: bob counted malformed +%" G_GUINT64_FORMAT
      ", impersonations +%" G_GUINT64_FORMAT ", not-for-us +%"
      G_GUINT64_FORMAT ", decrypt-failed +%" G_GUINT64_FORMAT "\n",
      stat_u64 (end_b, "malformed") - stat_u64 (base_b, "malformed"),
      stat_u64 (end_b, "impersonations") - stat_u64 (base_b,
          "impersonations"),
      stat_u64 (end_b, "not-for-us") - stat_u64 (base_b, "not-for-us"),
      stat_u64 (end_b, "decrypt-failed") - stat_u64 (base_b, "decrypt-failed"));
  /* not JSON, huge and without keys, type 5, from a list, olm a string,
   * ciphertext type a string */
  fail_unless (stat_grew (&b, base_b, "malformed", 6));
  fail_unless (stat_grew (&b, base_b, "impersonations", 2));
  fail_unless (stat_grew (&b, base_b, "not-for-us", 1));
  gst_structure_free (end_b);
  /* Janus is still there */
  fail_unless_equals_int (kill (janus->pid, 0), 0);

  /* and the honest go on: a new key flows, frames decrypt */
  old_index = own_key_index (&a);
  gst_e2ee_key_manager_rotate_key (a.km);
  rotated.n = old_index;
  fail_unless (janus_call_wait_for (key_index_above, &rotated),
      "bob got no new key from alice after the attack");
  LOCK ();
  g_hash_table_remove (b.received, "alice");
  g_hash_table_remove (b.first_frame_at, "alice");
  UNLOCK ();
  janus_call_check_frames (&a, &b);

  gst_structure_free (base_a);
  gst_structure_free (base_b);
  g_free (curve);
  g_free (ed);
  janus_party_clear (&m);
  janus_party_clear (&b);
  janus_party_clear (&a);
}

GST_END_TEST;

/* -- require_e2ee -------------------------------------------------------- */

/* one request of Janus's HTTP API, as any client could make it */
static JsonObject *
janus_request (SoupSession * session, const gchar * url, const gchar * body)
{
  SoupMessage *msg;
  GBytes *reply;
  JsonParser *parser;
  JsonObject *obj = NULL;
  GError *error = NULL;

  if (body) {
    GBytes *b = g_bytes_new (body, strlen (body));

    msg = soup_message_new ("POST", url);
    soup_message_set_request_body_from_bytes (msg, "application/json", b);
    g_bytes_unref (b);
  } else {
    msg = soup_message_new ("GET", url);
  }
  reply = soup_session_send_and_read (session, msg, NULL, &error);
  fail_unless (reply != NULL, "%s: %s", url, error ? error->message : "");
  parser = json_parser_new ();
  if (json_parser_load_from_data (parser, g_bytes_get_data (reply, NULL),
          g_bytes_get_size (reply), NULL)
      && JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    obj = json_object_ref (json_node_get_object (json_parser_get_root
            (parser)));
  fail_unless (obj != NULL, "%s: no JSON object", url);
  g_object_unref (parser);
  g_bytes_unref (reply);
  g_object_unref (msg);
  return obj;
}

static guint64
reply_id (JsonObject * reply)
{
  JsonObject *data = json_object_get_object_member (reply, "data");

  fail_unless (data != NULL && json_object_has_member (data, "id"));
  return json_object_get_int_member (data, "id");
}

typedef struct
{
  GMutex lock;
  GCond cond;
  gchar *sdp;
} OfferWait;

static void
on_offer_created (GstPromise * promise, OfferWait * ow)
{
  const GstStructure *reply = gst_promise_get_reply (promise);
  GstWebRTCSessionDescription *offer = NULL;

  if (reply)
    gst_structure_get (reply, "offer", GST_TYPE_WEBRTC_SESSION_DESCRIPTION,
        &offer, NULL);
  g_mutex_lock (&ow->lock);
  ow->sdp = offer ? gst_sdp_message_as_text (offer->sdp) : g_strdup ("");
  g_cond_signal (&ow->cond);
  g_mutex_unlock (&ow->lock);
  if (offer)
    gst_webrtc_session_description_free (offer);
  gst_promise_unref (promise);
}

/* what webrtcbin offers for VP8 */
static gchar *
vp8_offer (GstElement ** pipeline)
{
  GstElement *webrtcbin;
  OfferWait ow = { 0 };
  gint64 deadline = g_get_monotonic_time () +
      JANUS_CALL_DEADLINE_S * G_TIME_SPAN_SECOND;

  *pipeline = gst_parse_launch ("videotestsrc is-live=true ! vp8enc "
      "deadline=1 ! rtpvp8pay ! application/x-rtp,media=video,"
      "encoding-name=VP8,payload=96,clock-rate=90000 ! webrtcbin name=w", NULL);
  fail_unless (*pipeline != NULL);
  webrtcbin = gst_bin_get_by_name (GST_BIN (*pipeline), "w");
  janus_call_loopback_webrtcbin (webrtcbin);
  fail_unless (gst_element_set_state (*pipeline, GST_STATE_PLAYING)
      != GST_STATE_CHANGE_FAILURE);
  g_mutex_init (&ow.lock);
  g_cond_init (&ow.cond);
  g_signal_emit_by_name (webrtcbin, "create-offer", NULL,
      gst_promise_new_with_change_func ((GstPromiseChangeFunc)
          on_offer_created, &ow, NULL));
  g_mutex_lock (&ow.lock);
  while (!ow.sdp)
    if (!g_cond_wait_until (&ow.cond, &ow.lock, deadline))
      break;
  g_mutex_unlock (&ow.lock);
  fail_unless (ow.sdp != NULL && *ow.sdp, "webrtcbin made no offer");
  gst_object_unref (webrtcbin);
  return ow.sdp;
}

/* A raw VideoRoom publish in room JANUS_HARNESS_ROOM_E2EE: the plugin's
 * event for it (ref) */
static JsonObject *
raw_publish (SoupSession * http, const gchar * sdp, gboolean e2ee,
    const gchar * display)
{
  JsonObject *reply, *event = NULL;
  JsonBuilder *b;
  JsonNode *node;
  gchar *body, *session_url, *handle_url, *poll_url;
  guint64 session, handle;
  gint64 deadline = g_get_monotonic_time () +
      JANUS_CALL_DEADLINE_S * G_TIME_SPAN_SECOND;

  reply = janus_request (http, janus->url,
      "{\"janus\":\"create\",\"transaction\":\"c\"}");
  session = reply_id (reply);
  json_object_unref (reply);
  session_url = g_strdup_printf ("%s/%" G_GUINT64_FORMAT, janus->url, session);
  reply = janus_request (http, session_url, "{\"janus\":\"attach\","
      "\"plugin\":\"janus.plugin.videoroom\",\"transaction\":\"a\"}");
  handle = reply_id (reply);
  json_object_unref (reply);
  handle_url = g_strdup_printf ("%s/%" G_GUINT64_FORMAT, session_url, handle);

  b = json_builder_new ();
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "janus");
  json_builder_add_string_value (b, "message");
  json_builder_set_member_name (b, "transaction");
  json_builder_add_string_value (b, "p");
  json_builder_set_member_name (b, "body");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "request");
  json_builder_add_string_value (b, "joinandconfigure");
  json_builder_set_member_name (b, "room");
  json_builder_add_int_value (b, JANUS_HARNESS_ROOM_E2EE);
  json_builder_set_member_name (b, "ptype");
  json_builder_add_string_value (b, "publisher");
  json_builder_set_member_name (b, "display");
  json_builder_add_string_value (b, display);
  json_builder_end_object (b);
  json_builder_set_member_name (b, "jsep");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "type");
  json_builder_add_string_value (b, "offer");
  json_builder_set_member_name (b, "sdp");
  json_builder_add_string_value (b, sdp);
  if (e2ee) {
    json_builder_set_member_name (b, "e2ee");
    json_builder_add_boolean_value (b, TRUE);
  }
  json_builder_end_object (b);
  json_builder_end_object (b);
  node = json_builder_get_root (b);
  body = json_to_string (node, FALSE);
  json_node_unref (node);
  g_object_unref (b);
  reply = janus_request (http, handle_url, body);
  g_free (body);
  fail_unless_equals_string (json_object_get_string_member (reply, "janus"),
      "ack");
  json_object_unref (reply);

  /* the answer comes as an event on the session's long poll */
  poll_url = g_strdup_printf ("%s?maxev=1", session_url);
  while (!event && g_get_monotonic_time () < deadline) {
    const gchar *t;

    reply = janus_request (http, poll_url, NULL);
    t = json_object_has_member (reply, "transaction") ?
        json_object_get_string_member (reply, "transaction") : NULL;
    if (g_strcmp0 (t, "p") == 0 && json_object_has_member (reply, "plugindata"))
      event = json_object_ref (reply);
    json_object_unref (reply);
  }
  fail_unless (event != NULL, "no answer to the publish");
  reply = janus_request (http, session_url,
      "{\"janus\":\"destroy\",\"transaction\":\"d\"}");
  json_object_unref (reply);
  g_free (poll_url);
  g_free (handle_url);
  g_free (session_url);
  return event;
}

static gint64
event_error_code (JsonObject * event)
{
  JsonObject *pd = json_object_get_object_member (event, "plugindata");
  JsonObject *data = pd ? json_object_get_object_member (pd, "data") : NULL;

  fail_unless (data != NULL);
  return json_object_has_member (data, "error_code") ?
      json_object_get_int_member (data, "error_code") : 0;
}

GST_START_TEST (test_require_e2ee)
{
  JanusParty a, b;
  SoupSession *http;
  GstElement *pipeline;
  JsonObject *event;
  gchar *sdp;

  /* the room publishes with "e2ee": true: Janus takes it, keys flow,
   * frames decrypt */
  janus_party_init_full (&a, "alice", JANUS_HARNESS_ROOM_E2EE, TRUE);
  janus_party_init_full (&b, "bob", JANUS_HARNESS_ROOM_E2EE, TRUE);
  janus_call_start_and_join (&a, &b);
  janus_call_publish_and_check (&a, &b);
  fail_unless_equals_int (a.errors, 0);

  /* a publisher without it is refused; the same offer with it is not */
  /* no proxy, as the client's own session (gste2eejanussession.c) */
  http = soup_session_new_with_options ("proxy-resolver", NULL, NULL);
  sdp = vp8_offer (&pipeline);
  event = raw_publish (http, sdp, FALSE, "plain");
  g_print ("janus-faults: require_e2ee: a publish without \"e2ee\": "
      "error %" G_GINT64_FORMAT "\n", event_error_code (event));
  fail_unless_equals_int (event_error_code (event), 433);
  fail_if (json_object_has_member (event, "jsep"));
  json_object_unref (event);
  event = raw_publish (http, sdp, TRUE, "flagged");
  fail_unless_equals_int (event_error_code (event), 0);
  fail_unless (json_object_has_member (event, "jsep"));
  json_object_unref (event);
  gst_element_set_state (pipeline, GST_STATE_NULL);
  gst_object_unref (pipeline);
  g_free (sdp);
  g_object_unref (http);

  janus_party_clear (&b);
  janus_party_clear (&a);
}

GST_END_TEST;

static Suite *
janus_faults_suite (void)
{
  Suite *s = suite_create ("janus");
  TCase *tc = tcase_create ("faults");

  if (g_getenv ("E2EE_JANUS_VANISH_URL")) {
    /* test_vanish's child */
    tcase_add_test (tc, test_vanish_child);
    suite_add_tcase (s, tc);
    return s;
  }
  suite_add_tcase (s, tc);
  tcase_add_checked_fixture (tc, janus_setup, janus_teardown);
  tcase_set_timeout (tc, 90);
  tcase_add_test (tc, test_join_secrecy);
  tcase_add_test (tc, test_leave_secrecy);
  tcase_add_test (tc, test_vanish);
  tcase_add_test (tc, test_hostile_member);
  tcase_add_test (tc, test_require_e2ee);
  return s;
}

JANUS_CHECK_MAIN (janus_faults, "janus-faults");
