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


/* Issue 14, item 1: the key manager recovers by itself from restarts
 * (with and without the state file, stale state files, either id order,
 * two and three managers) and from lost, duplicated and reordered
 * messages, within a bound a hostile peer cannot stretch. Everything goes
 * over the harness's router on the application transport; nobody calls
 * add-participant but km_join() once per manager (a restarted manager is
 * a new process that learns the call once). */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "km-harness.h"
#include "hostile-peer.h"
#include <gst/e2ee/keymanager/gste2eestatefile-private.h>
#include <json-glib/json-glib.h>

#include <glib/gstdio.h>
#include <string.h>

/* generous: a lost message is sent again after 5 s, the next loss 10 s */
#define RECOVERY_DEADLINE (40 * G_USEC_PER_SEC)

/* a frame from @from decrypts at @to, once the protocol got there (each
 * round a settle, so retries on timers get their turn) */
static gboolean
works_soon (GstE2eeKeyManager * from, GstE2eeKeyManager * to, guint seed)
{
  gint64 end = g_get_monotonic_time () + RECOVERY_DEADLINE;

  do {
    km_settle ();
    if (km_call_works (from, to, seed))
      return TRUE;
    g_usleep (100 * 1000);
  } while (g_get_monotonic_time () < end);
  return FALSE;
}

/* every member's frames decrypt at every other member */
static void
check_all_pairs (guint seed)
{
  guint i, j, n = km_n_members ();

  for (i = 0; i < n; i++)
    for (j = 0; j < n; j++)
      if (i != j)
        fail_unless (works_soon (km_member (i), km_member (j), seed + i * 8 +
                j), "member %u's frames do not decrypt at member %u", i, j);
}

static guint64
sum_stat (const gchar * field)
{
  guint i;
  guint64 n = 0;

  for (i = 0; i < km_n_members (); i++)
    n += km_stat (km_member (i), field);
  return n;
}

static gboolean
wait_stat_at_least (GstE2eeKeyManager * m, const gchar * field, guint64 v)
{
  gint64 end = g_get_monotonic_time () + RECOVERY_DEADLINE;

  while (km_stat (m, field) < v && g_get_monotonic_time () < end)
    g_usleep (50 * 1000);
  return km_stat (m, field) >= v;
}

static gchar *
state_path (const gchar * dir, const gchar * id)
{
  gchar *name = g_strconcat (id, ".state", NULL);
  gchar *path = g_build_filename (dir, name, NULL);

  g_free (name);
  return path;
}

static gchar *
snapshot (const gchar * path)
{
  gchar *contents = NULL, *snap;
  gsize len;

  fail_unless (g_file_get_contents (path, &contents, &len, NULL));
  snap = g_base64_encode ((guchar *) contents, len);
  g_free (contents);
  return snap;
}

static void
restore_snapshot (const gchar * path, const gchar * snap)
{
  gsize len;
  guchar *raw = g_base64_decode (snap, &len);

  fail_unless (g_file_set_contents (path, (gchar *) raw, len, NULL));
  g_free (raw);
}

/* Three managers with state files; each restarted in turn (alice the
 * lowest id, carol the highest, bob in between), then bob again right
 * after alice (a restart before and after the peer's). While one is down
 * another rotates its key: the restarted one gets the current key, and a
 * frame under the key from before its restart does not decrypt there. */
GST_START_TEST (test_restart_with_state)
{
  gchar *dir = g_dir_make_tmp ("e2ee-recovery-XXXXXX", NULL);
  const gchar *ids[] = { "alice", "bob", "carol", "alice", "bob" };
  GstE2eeKeyManager *m[3];
  guint r, i;

  for (i = 0; i < 3; i++) {
    gchar *path = state_path (dir, ids[i]);

    m[i] = km_party_with_state (ids[i], path);
    g_free (path);
    km_join (m[i]);
  }
  check_all_pairs (0);

  for (r = 0; r < G_N_ELEMENTS (ids); r++) {
    guint who = r % 3, other = (who + 1) % 3;
    gchar *path = state_path (dir, ids[r]);
    GstHarness *enc, *dec;
    GstBuffer *old;
    guint index = km_stat (m[other], "key-index");

    /* a frame under the other's key as it is before the restart */
    enc = km_enc_for (m[other]);
    old = km_encrypt (enc, 100 + r);
    gst_harness_teardown (enc);

    km_leave (m[who]);
    gst_e2ee_key_manager_rotate_key (m[other]);
    /* the one that is down never acknowledges: the switch comes on the
     * timeout */
    fail_unless (wait_stat_at_least (m[other], "key-index", index + 1));
    m[who] = km_party_with_state (ids[r], path);
    km_join (m[who]);
    g_free (path);
    check_all_pairs (10 * (r + 1));

    {
      gchar *id = gst_e2ee_key_manager_dup_local_id (m[other]);

      dec = km_dec_for (m[who], id);
      g_free (id);
    }
    fail_if (km_decrypts (dec, old, 100 + r),
        "a key from before the restart was revived");
    gst_harness_teardown (dec);
    gst_buffer_unref (old);
  }
  /* the two that stayed sent their current key again on the hello */
  fail_unless (sum_stat ("keys-resent") >= 1);
  fail_unless_equals_uint64 (sum_stat ("identities-replaced"), 0);

  km_router_reset ();
  km_remove_dir (dir);
}

GST_END_TEST;

static void
keep_hello (const gchar * from, const gchar * to, const gchar * msg,
    gpointer user_data)
{
  gchar **hello = user_data;

  if (g_str_equal (from, "alice") && g_strcmp0 (to, "bob") == 0
      && strstr (msg, "\"e2ee-hello\"") && !*hello)
    *hello = g_strdup (msg);
}

/* bob restarts with his state file and admits nobody himself (auto-admit,
 * waiting for hellos): alice's hello, known from the state file, admits
 * her again as on a first join, and keys flow both ways, with no action
 * of either application. Before issue 14, a participant restored from
 * the state file was never admitted by its hello. */
GST_START_TEST (test_restart_readmitted_by_hello)
{
  gchar *dir = g_dir_make_tmp ("e2ee-recovery-XXXXXX", NULL);
  gchar *pa = state_path (dir, "alice"), *pb = state_path (dir, "bob");
  GstE2eeKeyManager *a, *b;
  gchar *hello = NULL;

  km_router_hooks ()->observe = keep_hello;
  km_router_hooks ()->user_data = &hello;
  a = km_party_with_state ("alice", pa);
  b = km_party_with_state ("bob", pb);
  km_join (a);
  km_join (b);
  fail_unless (works_soon (a, b, 1));
  fail_unless (works_soon (b, a, 2));
  fail_unless (hello != NULL);

  km_leave (b);
  b = km_party_with_state ("bob", pb);
  km_enter (b);
  km_settle ();
  /* what alice's hello would do on a new data channel */
  gst_e2ee_key_manager_receive_message (b, hello);
  fail_unless (works_soon (a, b, 3));
  fail_unless (works_soon (b, a, 4));
  fail_unless_equals_uint64 (km_stat (b, "readmitted"), 1);
  fail_unless_equals_uint64 (km_stat (b, "sessions-restarted"), 0);

  g_free (hello);
  g_free (pa);
  g_free (pb);
  km_router_reset ();
  km_remove_dir (dir);
}

GST_END_TEST;

/* A restart from a state file older than the sessions (a crash before the
 * last save, a restored backup): the restored session is behind the
 * peer's, what either sends does not decrypt on the other side, and a new
 * session follows. Once for the lower id, once for the higher, once for
 * both at the same time, from states of different times, so that both
 * lost the session the other holds (they must not ping-pong: one or two
 * new sessions, started by the lower id only). */
GST_START_TEST (test_restart_stale_state)
{
  guint variant;

  for (variant = 0; variant < 3; variant++) {
    gchar *dir = g_dir_make_tmp ("e2ee-recovery-XXXXXX", NULL);
    gchar *pa = state_path (dir, "alice"), *pb = state_path (dir, "bob");
    GstE2eeKeyManager *a = km_party_with_state ("alice", pa);
    GstE2eeKeyManager *b = km_party_with_state ("bob", pb);
    gchar *sa, *sb;
    guint i;

    km_join (a);
    km_join (b);
    fail_unless (works_soon (a, b, 1));
    fail_unless (works_soon (b, a, 2));
    gst_e2ee_key_manager_flush (a);
    gst_e2ee_key_manager_flush (b);
    /* the sessions move on past the snapshots; for both at once, taken
     * at different times (snapshots of the same moment hold the two ends
     * of the same sessions, and simply work) */
    sa = snapshot (pa);
    sb = variant == 2 ? NULL : snapshot (pb);
    for (i = 0; i < 4; i++) {
      gst_e2ee_key_manager_rotate_key (a);
      gst_e2ee_key_manager_rotate_key (b);
      km_settle ();
      if (i == 1 && !sb) {
        gst_e2ee_key_manager_flush (b);
        sb = snapshot (pb);
      }
    }

    if (variant != 1) {
      km_leave (a);
      restore_snapshot (pa, sa);
      a = km_party_with_state ("alice", pa);
    }
    if (variant != 0) {
      km_leave (b);
      restore_snapshot (pb, sb);
      b = km_party_with_state ("bob", pb);
    }
    if (variant != 1)
      km_join (a);
    if (variant != 0)
      km_join (b);
    fail_unless (works_soon (a, b, 3), "variant %u", variant);
    fail_unless (works_soon (b, a, 4), "variant %u", variant);
    km_settle ();
    /* only the lower id starts sessions */
    fail_unless_equals_uint64 (km_stat (b, "sessions-restarted"), 0);
    fail_unless (km_stat (a, "sessions-restarted") >= 1, "variant %u", variant);
    fail_unless (km_stat (a, "sessions-restarted") <= 2, "variant %u", variant);
    /* and it settles: no message keeps causing another */
    {
      guint64 before = km_stat (a, "messages-out") + km_stat (b,
          "messages-out");

      km_settle ();
      g_usleep (300 * 1000);
      km_settle ();
      fail_unless (km_stat (a, "messages-out") + km_stat (b,
              "messages-out") <= before + 4, "variant %u: still talking",
          variant);
    }
    fail_unless (km_call_works (a, b, 5));
    fail_unless (km_call_works (b, a, 6));

    g_free (sa);
    g_free (sb);
    g_free (pa);
    g_free (pb);
    km_router_reset ();
    km_remove_dir (dir);
  }
}

GST_END_TEST;

/* A restart without the state file, under the same id, through a relay
 * that says who sent each message: a new olm identity of the same member
 * of the room. The old participant leaves (its keys go, a rotation), the
 * new one comes in, with no action of the others; lower and higher id. */
GST_START_TEST (test_restart_without_state_relay)
{
  GstE2eeKeyManager *a, *b, *c;

  km_router_set_relay (TRUE);
  a = km_party ("alice");
  b = km_party ("bob");
  c = km_party ("carol");
  km_join (a);
  km_join (b);
  km_join (c);
  check_all_pairs (0);

  b = km_restart (b, NULL);
  check_all_pairs (20);
  fail_unless_equals_uint64 (km_stat (a, "identities-replaced"), 1);
  fail_unless_equals_uint64 (km_stat (c, "identities-replaced"), 1);

  a = km_restart (a, NULL);
  check_all_pairs (40);
  fail_unless_equals_uint64 (km_stat (b, "identities-replaced"), 1);
  fail_unless_equals_uint64 (km_stat (c, "identities-replaced"), 2);
  fail_unless_equals_int (km_n_participants (c), 2);
  km_router_reset ();
}

GST_END_TEST;

/* The same on a plain transport (no sender given), where the application
 * said its transport is trusted (identity-change=accept): keys flow again
 * with no action of the others, lower and higher id. With the default, a
 * new identity under a known id there is refused (trust on first use:
 * anyone can write any id; test_impersonation in hostile.c). */
GST_START_TEST (test_restart_without_state_plain)
{
  GstE2eeKeyManager *a, *b, *c;
  guint64 imp;

  a = km_party ("alice");
  b = km_party ("bob");
  c = km_party ("carol");
  g_object_set (a, "identity-change", GST_E2EE_IDENTITY_CHANGE_ACCEPT, NULL);
  g_object_set (c, "identity-change", GST_E2EE_IDENTITY_CHANGE_ACCEPT, NULL);
  km_join (a);
  km_join (b);
  km_join (c);
  check_all_pairs (0);

  b = km_restart (b, NULL);
  g_object_set (b, "identity-change", GST_E2EE_IDENTITY_CHANGE_ACCEPT, NULL);
  check_all_pairs (20);
  fail_unless_equals_uint64 (km_stat (a, "identities-replaced"), 1);
  fail_unless_equals_uint64 (km_stat (c, "identities-replaced"), 1);
  fail_unless_equals_uint64 (km_stat (a, "impersonations"), 0);

  a = km_restart (a, NULL);
  check_all_pairs (40);
  fail_unless_equals_uint64 (km_stat (b, "identities-replaced"), 1);
  fail_unless_equals_uint64 (km_stat (c, "identities-replaced"), 2);
  fail_unless_equals_int (km_n_participants (c), 2);

  /* the default on a plain transport: carol refuses the new alice */
  g_object_set (c, "identity-change", GST_E2EE_IDENTITY_CHANGE_RELAYED, NULL);
  imp = km_stat (c, "impersonations");
  a = km_restart (a, NULL);
  km_settle ();
  fail_unless (km_stat (c, "impersonations") > imp);
  fail_unless_equals_uint64 (km_stat (c, "identities-replaced"), 2);
  fail_if (km_call_works (a, c, 60));
  fail_unless (works_soon (a, b, 61));
  km_router_reset ();
}

GST_END_TEST;

static void
on_verified (GstE2eeKeyManager * m, const gchar * who, gboolean ok,
    gpointer user_data)
{
  if (ok)
    g_atomic_int_inc ((gint *) user_data);
}

/* A participant verified by SAS is never replaced, not even through a
 * relay: the new identity is refused and reported until the application
 * removes the old one; the old keys are not revived either. */
GST_START_TEST (test_restart_without_state_verified)
{
  GstE2eeKeyManager *a, *b;
  gint verified = 0;
  guint64 imp;

  km_router_set_relay (TRUE);
  a = km_party ("alice");
  b = km_party ("bob");
  km_join (a);
  km_join (b);
  check_all_pairs (0);
  g_signal_connect (a, "participant-verified", G_CALLBACK (on_verified),
      &verified);
  g_signal_connect (b, "participant-verified", G_CALLBACK (on_verified),
      &verified);
  fail_unless (gst_e2ee_key_manager_start_sas (a, "bob"));
  km_settle ();
  fail_unless (gst_e2ee_key_manager_confirm_sas (a, "bob", TRUE));
  fail_unless (gst_e2ee_key_manager_confirm_sas (b, "alice", TRUE));
  km_settle ();
  fail_unless_equals_int (g_atomic_int_get (&verified), 2);
  fail_unless (gst_e2ee_key_manager_is_verified (a, "bob"));

  imp = km_stat (a, "impersonations");
  b = km_restart (b, NULL);
  km_settle ();
  fail_unless (km_stat (a, "impersonations") > imp);
  fail_unless_equals_uint64 (km_stat (a, "identities-replaced"), 0);
  fail_if (km_call_works (b, a, 10));
  fail_if (km_call_works (a, b, 11));

  /* the application lets the new bob in: it is a new, unverified one */
  gst_e2ee_key_manager_remove_participant (a, "bob");
  gst_e2ee_key_manager_add_participant (a, "bob");
  check_all_pairs (20);
  fail_if (gst_e2ee_key_manager_is_verified (a, "bob"));
  km_router_reset ();
}

GST_END_TEST;

/* --- lost, duplicated, reordered messages --- */

typedef struct
{
  const gchar *kind;
  gint dropped;
  guint count;
} DropOnce;

static gboolean
drop_once (const gchar * from, const gchar * to, const gchar * msg,
    gpointer user_data)
{
  DropOnce *d = user_data;
  gchar *quoted = g_strdup_printf ("\"%s\"", d->kind);
  gboolean hit = strstr (msg, quoted) != NULL;

  g_free (quoted);
  if (hit && g_atomic_int_compare_and_exchange (&d->dropped, 0, 1))
    return TRUE;
  return FALSE;
}

/* Every message of a session setup lost once, one kind per round (the
 * first of its kind, whichever way it goes): keys flow again. */
GST_START_TEST (test_lost_message)
{
  const gchar *kinds[] = { "e2ee-hello", "session-init", "session-ack",
    "key-info", "key-info-ack"
  };
  guint k;

  for (k = 0; k < G_N_ELEMENTS (kinds); k++) {
    DropOnce d = { kinds[k], 0 };
    GstE2eeKeyManager *a, *b, *c;

    km_router_hooks ()->drop = drop_once;
    km_router_hooks ()->user_data = &d;
    a = km_party ("alice");
    b = km_party ("bob");
    km_join (a);
    km_join (b);
    fail_unless (works_soon (a, b, 1), "%s lost", kinds[k]);
    fail_unless (works_soon (b, a, 2), "%s lost", kinds[k]);
    fail_unless_equals_int (g_atomic_int_get (&d.dropped), 1);

    /* again with a third member coming in */
    d.dropped = 0;
    c = km_party ("carol");
    km_join (c);
    check_all_pairs (10);
    fail_unless_equals_int (g_atomic_int_get (&d.dropped), 1);
    km_router_reset ();
  }
}

GST_END_TEST;

static gboolean
every_message (const gchar * from, const gchar * to, const gchar * msg,
    gpointer user_data)
{
  return TRUE;
}

/* every other message to each recipient is held back behind the next */
static gboolean
every_other (const gchar * from, const gchar * to, const gchar * msg,
    gpointer user_data)
{
  gint *n = user_data;

  return g_atomic_int_add (n, 1) % 2 == 0;
}

/* Every message twice: the copies are dropped quietly (no error, no new
 * session); three managers, then a rotation. */
GST_START_TEST (test_duplicated)
{
  GstE2eeKeyManager *a, *b, *c;

  km_router_hooks ()->twice = every_message;
  a = km_party ("alice");
  b = km_party ("bob");
  c = km_party ("carol");
  km_join (a);
  km_join (b);
  km_join (c);
  check_all_pairs (0);
  gst_e2ee_key_manager_rotate_key (b);
  km_settle ();
  check_all_pairs (20);
  fail_unless (sum_stat ("duplicates") > 0);
  fail_unless_equals_uint64 (sum_stat ("sessions-restarted"), 0);
  fail_unless_equals_uint64 (sum_stat ("decrypt-failed"), 0);
  km_router_reset ();
}

GST_END_TEST;

/* Messages swapped pairwise: keys flow, then a rotation too. */
GST_START_TEST (test_reordered)
{
  GstE2eeKeyManager *a, *b, *c;
  gint n = 0;

  km_router_hooks ()->hold = every_other;
  km_router_hooks ()->user_data = &n;
  a = km_party ("alice");
  b = km_party ("bob");
  c = km_party ("carol");
  km_join (a);
  km_join (b);
  km_join (c);
  check_all_pairs (0);
  gst_e2ee_key_manager_rotate_key (a);
  km_settle ();
  check_all_pairs (20);
  fail_unless (g_atomic_int_get (&n) > 10);
  km_router_reset ();
}

GST_END_TEST;

/* A hostile peer (or anyone on the path) sends "no session" errors in
 * bob's name without end: alice (the lower id, who starts sessions)
 * starts at most one new session per 2 s, and bob (the higher id)
 * none; the call goes on. */
GST_START_TEST (test_no_session_flood)
{
  GstE2eeKeyManager *a, *b;
  const gchar *to_a = "{\"type\":\"olm\",\"from\":\"bob\",\"to\":\"alice\","
      "\"olm\":{\"type\":\"error\",\"data\":{\"error\":"
      "\"No session found while processing key-info\"}}}";
  const gchar *to_b = "{\"type\":\"olm\",\"from\":\"alice\",\"to\":\"bob\","
      "\"olm\":{\"type\":\"error\",\"data\":{\"error\":\"Could not decrypt\"}}}";
  gint64 start, took;
  guint64 bound;
  guint i;

  a = km_party ("alice");
  b = km_party ("bob");
  km_join (a);
  km_join (b);
  fail_unless (works_soon (a, b, 1));
  fail_unless (works_soon (b, a, 2));

  start = g_get_monotonic_time ();
  for (i = 0; i < 500; i++) {
    gst_e2ee_key_manager_receive_message (a, to_a);
    gst_e2ee_key_manager_receive_message (b, to_b);
    if (i % 50 == 0)
      km_settle ();
  }
  km_settle ();
  took = g_get_monotonic_time () - start;
  /* one at once, then one per 2 s at most */
  bound = 1 + took / (2 * G_USEC_PER_SEC);
  GST_INFO ("%" G_GUINT64_FORMAT " new sessions in %" G_GINT64_FORMAT " us",
      km_stat (a, "sessions-restarted"), took);
  fail_unless (km_stat (a, "sessions-restarted") >= 1);
  fail_unless (km_stat (a, "sessions-restarted") <= bound);
  /* every other one refused (over the bound, or one under way), however
   * slowly the machine went through them */
  fail_unless (km_stat (a, "sessions-restarted") +
      km_stat (a, "recoveries-refused") >= 500);
  fail_unless_equals_uint64 (km_stat (b, "sessions-restarted"), 0);
  fail_unless (km_call_works (a, b, 3));
  fail_unless (km_call_works (b, a, 4));
  km_router_reset ();
}

GST_END_TEST;

/* --- against a peer that is not one of ours (lib-jitsi-meet's ways, as
 * the hostile test's peer plays them: an unsigned hello, never a
 * session-init again, errors only) --- */

/* Jitsi finding 1: amy (the lower id, as a lib-jitsi-meet peer) starts
 * the session, and zed's session-ack is lost on the way. amy then answers
 * zed's key-info with "No session found while processing key-info" and
 * never starts a session again. zed, the higher id, starts the fresh
 * session himself, since amy's hello was not signed (between two of ours
 * only the lower id does): keys flow both ways, counted. Before, zed sent
 * his key into that error for good. */
GST_START_TEST (test_higher_id_recovers_unsigned)
{
  GstE2eeKeyManager *z;
  Peer *amy;
  gint64 end;

  hostile_init ();
  z = km_party ("zed");
  km_join (z);
  amy = peer_new ("amy", z);
  amy->jitsi = TRUE;
  /* at once, as lib-jitsi-meet does on a join: before zed's join
   * debounce, so zed's key comes in a key-info after his session-ack */
  peer_hello (amy, NULL);
  peer_start_session (amy);
  /* amy forgets what she waits for: zed's session-ack is lost to her */
  g_clear_pointer (&amy->pending_uuid, g_free);
  end = g_get_monotonic_time () + RECOVERY_DEADLINE;
  do {
    km_settle ();
    if (amy->keys_got >= 1 && km_key_works (z, "amy", amy->key, 0, 1))
      break;
    g_usleep (100 * 1000);
  } while (g_get_monotonic_time () < end);
  fail_unless (amy->keys_got >= 1, "zed's key never reached amy");
  fail_unless (km_key_works (z, "amy", amy->key, 0, 2));
  fail_unless (peer_key_works (amy, 3));
  fail_unless_equals_uint64 (km_stat (z, "sessions-restarted"), 1);
  fail_unless (km_stat (z, "errors-received") >= 1);
  hostile_reset ();
}

GST_END_TEST;

/* ...but not when the error cannot be right: lib-jitsi-meet answers a
 * copy of our session-ack (a router that duplicates) with "No session
 * found" while the session works. Its key-info decrypted just before: no
 * new session, which it would only refuse. */
GST_START_TEST (test_higher_id_ignores_stray_error)
{
  GstE2eeKeyManager *z;
  Peer *amy;
  gchar *plain;

  hostile_init ();
  z = km_party ("zed");
  km_join (z);
  amy = peer_new ("amy", z);
  amy->jitsi = TRUE;
  peer_hello (amy, NULL);
  peer_start_session (amy);
  km_settle ();
  fail_unless (amy->session != NULL);
  fail_unless (km_key_works (z, "amy", amy->key, 0, 1));
  plain = key_info_plain (amy->key, 0);
  peer_send_plain (amy, NULL, "key-info", plain);
  g_free (plain);
  deliver (z, olm_msg ("amy", "zed", "error",
          "{\"error\":\"No session found\"}"));
  km_settle ();
  fail_unless_equals_uint64 (km_stat (z, "sessions-restarted"), 0);
  fail_unless_equals_int (amy->session_inits, 0);
  fail_unless (km_stat (z, "recoveries-refused") >= 1);
  fail_unless (peer_key_works (amy, 2));
  hostile_reset ();
}

GST_END_TEST;

/* ...but only towards a peer that does not sign: between two of ours the
 * higher id still never starts a session (test_no_session_flood checks
 * it for bob), so two managers never cross session-inits. */
GST_START_TEST (test_higher_id_signed_waits)
{
  GstE2eeKeyManager *a, *b;
  const gchar *to_b = "{\"type\":\"olm\",\"from\":\"alice\",\"to\":\"bob\","
      "\"olm\":{\"type\":\"error\",\"data\":{\"error\":"
      "\"No session found while processing key-info\"}}}";

  a = km_party ("alice");
  b = km_party ("bob");
  km_join (a);
  km_join (b);
  fail_unless (works_soon (a, b, 1));
  fail_unless (works_soon (b, a, 2));
  fail_unless (gst_e2ee_key_manager_has_signed_keys (b, "alice"));
  gst_e2ee_key_manager_receive_message (b, to_b);
  km_settle ();
  fail_unless_equals_uint64 (km_stat (b, "errors-received"), 1);
  fail_unless_equals_uint64 (km_stat (b, "sessions-restarted"), 0);
  km_router_reset ();
}

GST_END_TEST;

/* Jitsi finding 2: alice (the lower id) restarts without her state file;
 * zed, as lib-jitsi-meet, keeps the session of before and answers every
 * new session-init "Session already established" (nothing on the wire
 * makes it give that session up). The second such answer in a row posts
 * one warning that names zed and says what the application can do, and
 * counts it (sessions-stuck); more answers do not post it again. */
GST_START_TEST (test_already_established_reported)
{
  GstE2eeKeyManager *a;
  GstBus *bus;
  Peer *zed;
  gint64 end;
  guint i;

  hostile_init ();
  a = km_party ("alice");
  km_join (a);
  zed = peer_new ("zed", a);
  zed->jitsi = TRUE;
  peer_hello (zed, NULL);
  km_settle ();
  fail_unless (zed->session != NULL);

  a = km_restart (a, NULL);
  zed->m = a;
  g_free (zed->m_curve);
  g_object_get (a, "curve25519-key", &zed->m_curve, NULL);
  bus = watch_bus (a);
  peer_hello (zed, NULL);
  km_settle ();
  fail_unless_equals_int (zed->session_inits, 2);
  fail_unless_equals_uint64 (km_stat (a, "sessions-stuck"), 0);
  /* her retry (after 5 s) is refused too */
  end = g_get_monotonic_time () + RECOVERY_DEADLINE;
  while (km_stat (a, "sessions-stuck") < 1 && g_get_monotonic_time () < end) {
    km_settle ();
    g_usleep (50 * 1000);
  }
  fail_unless_equals_int (zed->session_inits, 3);
  fail_unless_equals_uint64 (km_stat (a, "sessions-stuck"), 1);
  fail_unless (bus_has (bus, GST_MESSAGE_WARNING, "zed"));
  /* the same answer again (or forged in zed's name): no second warning */
  for (i = 0; i < 5; i++)
    deliver (a, olm_msg ("zed", "alice", "error",
            "{\"error\":\"Session already established\"}"));
  km_settle ();
  fail_unless_equals_uint64 (km_stat (a, "sessions-stuck"), 1);
  fail_unless_equals_int (bus_count (bus, GST_MESSAGE_WARNING), 0);
  /* the retries go on, bounded: one waits */
  fail_unless (km_stat (a, "session-init-timeouts") >= 1);
  unwatch_bus (a, bus);
  hostile_reset ();
}

GST_END_TEST;

static gboolean
drop_key_info_to_bob (const gchar * from, const gchar * to, const gchar * msg,
    gpointer user_data)
{
  return g_str_equal (from, "alice") && g_strcmp0 (to, "bob") == 0
      && strstr (msg, "\"key-info\"") != NULL;
}

/* Jitsi finding 3: alice rotates and every key-info of hers to bob is
 * lost (a lib-jitsi-meet sender never sends one again; the router here
 * drops alice's own retries too). bob's e2eedec gets alice's frames under
 * the new index, a key it does not have (missing-key): it asks bob's
 * manager, which sends bob's key to alice again, and alice's key-info-ack
 * carries her current key. Counted keys-resent. Before, nothing reacted
 * and bob's decryptor dropped alice's frames for good. */
GST_START_TEST (test_missing_key_requested)
{
  GstE2eeKeyManager *a, *b;
  GstHarness *enc, *dec;
  GstBuffer *buf = NULL;
  gboolean ok = FALSE;
  guint64 resent;
  gint64 start, end;
  guint seed = 10;

  a = km_party ("alice");
  b = km_party ("bob");
  km_join (a);
  km_join (b);
  fail_unless (works_soon (a, b, 1));
  fail_unless (works_soon (b, a, 2));
  enc = km_enc_for (a);
  dec = km_dec_for (b, "alice");
  buf = km_encrypt (enc, 3);
  fail_unless (km_decrypts (dec, buf, 3));
  gst_buffer_unref (buf);

  km_router_hooks ()->drop = drop_key_info_to_bob;
  resent = km_stat (b, "keys-resent");
  gst_e2ee_key_manager_rotate_key (a);
  /* bob never acknowledges: alice switches on the timeout */
  fail_unless (wait_stat_at_least (a, "key-index", 1));
  start = g_get_monotonic_time ();
  end = start + RECOVERY_DEADLINE;
  do {
    km_settle ();
    buf = km_encrypt (enc, ++seed);
    fail_unless_equals_int (km_kid_of (buf), 1);
    ok = km_decrypts (dec, buf, seed);
    gst_buffer_unref (buf);
    if (!ok)
      g_usleep (100 * 1000);
  } while (!ok && g_get_monotonic_time () < end);
  GST_INFO ("alice's new key at bob after %" G_GINT64_FORMAT " ms",
      (g_get_monotonic_time () - start) / 1000);
  fail_unless (ok, "bob never got alice's new key");
  fail_unless (km_element_stat (dec->element, "missing-key") >= 1);
  fail_unless (km_stat (b, "keys-resent") > resent);
  gst_harness_teardown (enc);
  gst_harness_teardown (dec);
  km_router_reset ();
}

GST_END_TEST;

/* the state file at @path as an earlier version wrote it: without
 * "next-key-index" */
static void
strip_next_key_index (const gchar * path)
{
  JsonParser *parser = json_parser_new ();
  JsonObject *root;
  gchar *contents, *out;
  GError *err = NULL;
  gsize len;

  contents = gst_e2ee_state_file_read (path, km_state_key, &len, &err);
  fail_unless (contents != NULL, "%s", err ? err->message : "?");
  fail_unless (json_parser_load_from_data (parser, contents, len, NULL));
  root = json_node_get_object (json_parser_get_root (parser));
  fail_unless (json_object_has_member (root, "next-key-index"));
  json_object_remove_member (root, "next-key-index");
  out = json_to_string (json_parser_get_root (parser), FALSE);
  fail_unless (gst_e2ee_state_file_write (path, km_state_key, out,
          strlen (out), &err));
  gst_e2ee_state_file_free_contents (contents, len);
  gst_e2ee_state_file_free_contents (out, strlen (out));
  g_object_unref (parser);
}

/* the key index of @m's frames */
static guint
kid_sent (GstE2eeKeyManager * m)
{
  GstHarness *enc = km_enc_for (m);
  GstBuffer *buf = km_encrypt (enc, 7);
  guint kid = km_kid_of (buf);

  gst_buffer_unref (buf);
  gst_harness_teardown (enc);
  return kid;
}

/* Jitsi finding 6: after a restart with its state file, alice's first
 * key takes an index her peers have not seen from her (the state file
 * keeps the next one), not index 0 again, where lib-jitsi-meet still
 * holds her key of before and its decryptor may write that back over the
 * new one. After a rotation too. A state file of an earlier version
 * (without the index) still loads, and starts at 0 as before. */
GST_START_TEST (test_restart_next_key_index)
{
  gchar *dir = g_dir_make_tmp ("e2ee-recovery-XXXXXX", NULL);
  gchar *pa = state_path (dir, "alice"), *pb = state_path (dir, "bob");
  GstE2eeKeyManager *a = km_party_with_state ("alice", pa);
  GstE2eeKeyManager *b = km_party_with_state ("bob", pb);

  km_join (a);
  km_join (b);
  fail_unless (works_soon (a, b, 1));
  fail_unless (works_soon (b, a, 2));
  fail_unless_equals_int (kid_sent (a), 0);

  a = km_restart (a, pa);
  fail_unless (works_soon (a, b, 3));
  fail_unless (works_soon (b, a, 4));
  fail_unless_equals_uint64 (km_stat (a, "key-index"), 1);
  fail_unless_equals_int (kid_sent (a), 1);

  gst_e2ee_key_manager_rotate_key (a);
  fail_unless (wait_stat_at_least (a, "key-index", 2));
  a = km_restart (a, pa);
  fail_unless (works_soon (a, b, 5));
  fail_unless_equals_uint64 (km_stat (a, "key-index"), 3);
  fail_unless_equals_int (kid_sent (a), 3);

  km_leave (a);
  strip_next_key_index (pa);
  a = km_party_with_state ("alice", pa);
  km_join (a);
  fail_unless (works_soon (a, b, 6));
  fail_unless (works_soon (b, a, 7));
  fail_unless_equals_uint64 (km_stat (a, "key-index"), 0);
  fail_unless_equals_uint64 (km_stat (a, "identities-replaced") +
      km_stat (b, "identities-replaced"), 0);

  g_free (pa);
  g_free (pb);
  km_router_reset ();
  km_remove_dir (dir);
}

GST_END_TEST;

static Suite *
keymanager_recovery_suite (void)
{
  Suite *s = suite_create ("e2ee-keymanager-recovery");
  TCase *tc = tcase_create ("general");

  suite_add_tcase (s, tc);
  tcase_set_timeout (tc, 240);
  tcase_add_test (tc, test_restart_with_state);
  tcase_add_test (tc, test_restart_readmitted_by_hello);
  tcase_add_test (tc, test_restart_stale_state);
  tcase_add_test (tc, test_restart_without_state_relay);
  tcase_add_test (tc, test_restart_without_state_plain);
  tcase_add_test (tc, test_restart_without_state_verified);
  tcase_add_test (tc, test_lost_message);
  tcase_add_test (tc, test_duplicated);
  tcase_add_test (tc, test_reordered);
  tcase_add_test (tc, test_no_session_flood);
  tcase_add_test (tc, test_higher_id_recovers_unsigned);
  tcase_add_test (tc, test_higher_id_ignores_stray_error);
  tcase_add_test (tc, test_higher_id_signed_waits);
  tcase_add_test (tc, test_already_established_reported);
  tcase_add_test (tc, test_missing_key_requested);
  tcase_add_test (tc, test_restart_next_key_index);
  return s;
}

GST_CHECK_MAIN (keymanager_recovery);
