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

/* tools/bench-keydist: what it costs to give every participant of a room
 * every other participant's media key, against the size of the room (issue
 * 13). N key managers in this process are joined by an in-process relay on
 * the application transport, as a Janus TextRoom joins them: a message to
 * someone goes to that one's gst_e2ee_key_manager_receive_message_from(), a
 * message to no one to everyone else's, each told who sent it. They all
 * join at once, as a room's roster does (every manager admits every other).
 * Measured until every participant holds a key of every other one: the
 * messages and bytes that went through the relay, the wall time and the CPU
 * time of the whole process. Then, in one room, one participant leaves:
 * until everyone left holds everyone else's rotated key.
 *
 * Every key is then checked as a receiver uses it: a frame sealed with the
 * sender's own key ring opens with the receiver's ring for that sender
 * (through the default ratchet window), and the leaver's opens none of the
 * rotated keys. The exit status says whether every check passed; no time
 * is ever asserted. docs/performance.md has the figures and the command. */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <gst/gst.h>
#include <gst/e2ee/e2ee.h>
#include <json-glib/json-glib.h>

#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#define DEFAULT_SIZES "2,10,25,50"
#define DEFAULT_LEAVE_AT 50
/* the tests' value (the manager's default, 2 s, is a deliberate wait for
 * a burst of joins; see docs/performance.md) */
#define DEFAULT_DEBOUNCE_MS 50
#define DEFAULT_TIMEOUT_S 120
/* nothing through the relay for this long: the protocol is done */
#define QUIET_MS 300
#define POLL_MS 2
#define RATCHET_WINDOW 8
#define FRAME_SIZE 120

static gchar *opt_sizes = NULL;
static gint opt_leave_at = DEFAULT_LEAVE_AT;
static gint opt_debounce = DEFAULT_DEBOUNCE_MS;
static gint opt_timeout = DEFAULT_TIMEOUT_S;
static gchar *opt_json = NULL;

static GOptionEntry entries[] = {
  {"sizes", 's', 0, G_OPTION_ARG_STRING, &opt_sizes,
      "Room sizes (default " DEFAULT_SIZES ")", "LIST"},
  {"leave-at", 'l', 0, G_OPTION_ARG_INT, &opt_leave_at,
      "Room size in which one participant leaves, one of the sizes "
        "(default 50; 0: none)", "N"},
  {"debounce", 'd', 0, G_OPTION_ARG_INT, &opt_debounce,
      "The managers' debounce in ms (default 50)", "MS"},
  {"timeout", 't', 0, G_OPTION_ARG_INT, &opt_timeout,
      "Give up on a room after this many seconds (default 120)", "S"},
  {"json", 'j', 0, G_OPTION_ARG_FILENAME, &opt_json,
      "Also write the JSON to FILE", "FILE"},
  {NULL}
};

/* the managers' stats summed over the room, for the JSON */
static const gchar *const summed_stats[] = {
  "sessions", "keys-sent", "keys-received", "keys-duplicate", "ratchets",
  "rotations", "decrypt-failed", "refused", "errors-received", "dropped",
};

#define N_SUMMED G_N_ELEMENTS (summed_stats)

typedef struct _Room Room;

typedef struct
{
  Room *room;
  GstE2eeKeyManager *m;
  gchar *id;
  guint index;
  /* out of the room: nothing to it or from it; under room->lock */
  gboolean left;
  /* per sender, the highest key index received (-1: none); room->lock */
  gint64 *got;
} Member;

/* The relay, and what is measured of it. */
struct _Room
{
  GMutex lock;
  Member **members;
  guint n;

  /* everything below under lock */
  guint64 messages;
  guint64 bytes;
  guint64 deliveries;
  guint64 delivered_bytes;
  gint64 last_delivery;
  /* per sender, the key index every receiver must hold (-1: any) */
  gint64 *want;
  /* (receiver, sender) pairs still without it */
  guint missing;
  gint64 all_keys_time;
};

typedef struct
{
  guint n;
  guint64 messages;
  guint64 bytes;
  guint64 deliveries;
  guint64 delivered_bytes;
  gdouble wall_ms;
  gdouble settled_ms;
  gdouble cpu_ms;
  gboolean done;
  guint pairs_ok;
  guint pairs;
  guint64 stats[N_SUMMED];
} Result;


static guint64
stat_of (GstE2eeKeyManager * m, const gchar * field)
{
  GstStructure *st;
  guint64 v = 0;
  guint u;

  g_object_get (m, "stats", &st, NULL);
  if (!gst_structure_get_uint64 (st, field, &v) &&
      gst_structure_get_uint (st, field, &u))
    v = u;
  gst_structure_free (st);
  return v;
}

static gint64
cpu_us (void)
{
  struct rusage ru;

  getrusage (RUSAGE_SELF, &ru);
  return (gint64) ru.ru_utime.tv_sec * G_USEC_PER_SEC + ru.ru_utime.tv_usec
      + (gint64) ru.ru_stime.tv_sec * G_USEC_PER_SEC + ru.ru_stime.tv_usec;
}

/* The relay: on the sending manager's thread. */
static void
on_send (GstE2eeKeyManager * m, const gchar * to, const gchar * msg,
    Member * from)
{
  Room *room = from->room;
  gsize len = strlen (msg);
  guint i;

  g_mutex_lock (&room->lock);
  if (from->left) {
    g_mutex_unlock (&room->lock);
    return;
  }
  room->messages++;
  room->bytes += len;
  for (i = 0; i < room->n; i++) {
    Member *p = room->members[i];

    if (p == from || p->left || (to && !g_str_equal (to, p->id)))
      continue;
    gst_e2ee_key_manager_receive_message_from (p->m, from->id, msg);
    room->deliveries++;
    room->delivered_bytes += len;
  }
  room->last_delivery = g_get_monotonic_time ();
  g_mutex_unlock (&room->lock);
}

/* the member whose id is @id ("p007" is member 7), or NULL */
static Member *
member_of (Room * room, const gchar * id)
{
  guint64 i;

  if (id[0] != 'p' || !g_ascii_string_to_unsigned (id + 1, 10, 0,
          room->n - 1, &i, NULL))
    return NULL;
  return room->members[i];
}

/* On the receiving manager's thread. */
static void
on_key_changed (GstE2eeKeyManager * m, const gchar * participant,
    guint key_index, Member * r)
{
  Room *room = r->room;
  Member *s = member_of (room, participant);
  gint64 old;

  if (!s || s == r)
    return;
  g_mutex_lock (&room->lock);
  old = r->got[s->index];
  if ((gint64) key_index > old) {
    r->got[s->index] = key_index;
    if (!r->left && room->want[s->index] >= 0 && old < room->want[s->index]
        && (gint64) key_index >= room->want[s->index]) {
      if (--room->missing == 0)
        room->all_keys_time = g_get_monotonic_time ();
    }
  }
  g_mutex_unlock (&room->lock);
}

static Room *
room_new (guint n)
{
  Room *room = g_new0 (Room, 1);
  guint i, j;

  g_mutex_init (&room->lock);
  room->n = n;
  room->members = g_new0 (Member *, n);
  room->want = g_new (gint64, n);
  for (i = 0; i < n; i++) {
    Member *p = g_new0 (Member, 1);
    gchar *curve = NULL;

    p->room = room;
    p->index = i;
    p->id = g_strdup_printf ("p%03u", i);
    p->got = g_new (gint64, n);
    for (j = 0; j < n; j++)
      p->got[j] = -1;
    p->m = gst_object_ref_sink (gst_e2ee_key_manager_new (p->id));
    g_object_set (p->m, "debounce", opt_debounce, NULL);
    /* a participant has its identity before it joins a room: the olm
     * account is made here, outside the measurement */
    g_object_get (p->m, "curve25519-key", &curve, NULL);
    g_free (curve);
    g_signal_connect (p->m, "send-message", G_CALLBACK (on_send), p);
    g_signal_connect (p->m, "key-changed", G_CALLBACK (on_key_changed), p);
    room->members[i] = p;
  }
  return room;
}

static void
room_free (Room * room)
{
  guint i;

  /* no handler runs any more once each has been flushed without them */
  for (i = 0; i < room->n; i++)
    g_signal_handlers_disconnect_by_data (room->members[i]->m,
        room->members[i]);
  for (i = 0; i < room->n; i++)
    gst_e2ee_key_manager_flush (room->members[i]->m);
  for (i = 0; i < room->n; i++) {
    Member *p = room->members[i];

    gst_object_unref (p->m);
    g_free (p->id);
    g_free (p->got);
    g_free (p);
  }
  g_free (room->members);
  g_free (room->want);
  g_mutex_clear (&room->lock);
  g_free (room);
}

/* Sets what every member still in the room must get; under lock. */
static void
room_want_locked (Room * room, const gint64 * want)
{
  guint r, s;

  room->missing = 0;
  room->all_keys_time = 0;
  for (s = 0; s < room->n; s++)
    room->want[s] = room->members[s]->left ? -1 : want[s];
  for (r = 0; r < room->n; r++)
    for (s = 0; s < room->n; s++)
      if (r != s && !room->members[r]->left && room->want[s] >= 0
          && room->members[r]->got[s] < room->want[s])
        room->missing++;
  if (room->missing == 0)
    room->all_keys_time = g_get_monotonic_time ();
}

/* Runs until every pair holds its key and the relay has been quiet for
 * QUIET_MS, or the deadline. Fills @res from @t0 / @cpu0. */
static void
room_wait (Room * room, gint64 t0, gint64 cpu0, Result * res)
{
  gint64 deadline = t0 + (gint64) opt_timeout * G_USEC_PER_SEC;
  guint64 m0, b0, d0, db0;
  gboolean done = FALSE;
  guint i, k;

  for (i = 0; i < room->n; i++)
    for (k = 0; k < N_SUMMED; k++)
      res->stats[k] -= stat_of (room->members[i]->m, summed_stats[k]);

  g_mutex_lock (&room->lock);
  m0 = room->messages;
  b0 = room->bytes;
  d0 = room->deliveries;
  db0 = room->delivered_bytes;
  g_mutex_unlock (&room->lock);

  while (g_get_monotonic_time () < deadline) {
    gint64 now;

    g_usleep (POLL_MS * 1000);
    now = g_get_monotonic_time ();
    g_mutex_lock (&room->lock);
    done = room->missing == 0 && now - room->last_delivery > QUIET_MS * 1000;
    g_mutex_unlock (&room->lock);
    if (done)
      break;
  }
  res->cpu_ms = (cpu_us () - cpu0) / 1000.0;
  g_mutex_lock (&room->lock);
  res->done = done;
  res->messages = room->messages - m0;
  res->bytes = room->bytes - b0;
  res->deliveries = room->deliveries - d0;
  res->delivered_bytes = room->delivered_bytes - db0;
  res->wall_ms = done ? (room->all_keys_time - t0) / 1000.0 : -1;
  res->settled_ms = (room->last_delivery - t0) / 1000.0;
  g_mutex_unlock (&room->lock);
  for (i = 0; i < room->n; i++)
    for (k = 0; k < N_SUMMED; k++)
      res->stats[k] += stat_of (room->members[i]->m, summed_stats[k]);
}

/* --- the check: keys as a receiver uses them --- */

static GstE2eeKeySubscription *
subscribe (GstE2eeKeyManager * m, const gchar * participant,
    GstE2eeKeyRing ** ring, guint * index)
{
  GstE2eeKeySubscription *sub;

  *ring = gst_e2ee_key_ring_new (GST_E2EE_KEY_RING_DEFAULT_SIZE);
  sub = participant ? gst_e2ee_key_subscription_new_remote (m, participant,
      *ring) : gst_e2ee_key_subscription_new_local (m, *ring);
  gst_e2ee_key_subscription_update (sub, index);
  return sub;
}

/* A frame sealed with @s's current key, or NULL (no key) */
static guint8 *
seal_as (Member * s, gsize * size)
{
  GstE2eeKeyRing *ring;
  GstE2eeKeySubscription *sub;
  GstE2eeKey *key;
  GstE2eeIvSource ivs;
  guint8 iv[12], frame[FRAME_SIZE], *out = NULL;
  guint index = 0;
  gsize out_size = FRAME_SIZE + 64;
  guint i;

  sub = subscribe (s->m, NULL, &ring, &index);
  key = gst_e2ee_key_ring_get_key (ring, index);
  for (i = 0; i < FRAME_SIZE; i++)
    frame[i] = (guint8) (i * 7 + s->index);
  if (key && gst_e2ee_iv_source_init (&ivs)) {
    gst_e2ee_iv_source_next (&ivs, iv);
    out = g_malloc (out_size);
    if (gst_e2ee_jframe_seal_into (key, index & 0xff, iv,
            GST_E2EE_CODEC_AUDIO, frame, FRAME_SIZE, out, out_size,
            size) != GST_E2EE_FRAME_OK)
      g_clear_pointer (&out, g_free);
  }
  if (key)
    gst_e2ee_key_unref (key);
  gst_e2ee_key_subscription_unref (sub);
  gst_e2ee_key_ring_unref (ring);
  return out;
}

static gboolean
opens (Member * r, Member * s, const guint8 * sealed, gsize size)
{
  GstE2eeKeyRing *ring;
  GstE2eeKeySubscription *sub;
  guint8 *copy = g_memdup2 (sealed, size);
  gsize off, len;
  guint index, ratchets;
  gboolean ok;

  sub = subscribe (r->m, s->id, &ring, &index);
  ok = gst_e2ee_jframe_open (ring, GST_E2EE_CODEC_AUDIO, RATCHET_WINDOW,
      copy, size, &off, &len, &ratchets) == GST_E2EE_FRAME_OK;
  gst_e2ee_key_subscription_unref (sub);
  gst_e2ee_key_ring_unref (ring);
  g_free (copy);
  return ok;
}

/* How many (receiver, sender) pairs of members still in the room open the
 * sender's frames; *@leaver_opened: how many senders' frames @leaver opens */
static guint
check_keys (Room * room, guint * pairs, Member * leaver, guint * leaver_opened)
{
  guint r, s, ok = 0;

  *pairs = 0;
  if (leaver_opened)
    *leaver_opened = 0;
  for (s = 0; s < room->n; s++) {
    Member *sender = room->members[s];
    gsize size = 0;
    guint8 *sealed;

    if (sender->left)
      continue;
    sealed = seal_as (sender, &size);
    for (r = 0; r < room->n; r++) {
      Member *receiver = room->members[r];

      if (r == s || receiver->left)
        continue;
      (*pairs)++;
      if (sealed && opens (receiver, sender, sealed, size))
        ok++;
    }
    if (leaver && sealed && opens (leaver, sender, sealed, size))
      (*leaver_opened)++;
    g_free (sealed);
  }
  return ok;
}

/* --- the runs --- */

static Result
run_join (Room * room)
{
  gint64 *want = g_new0 (gint64, room->n);
  gint64 t0, cpu0;
  Result res = { room->n };
  guint i, j;

  g_mutex_lock (&room->lock);
  room_want_locked (room, want);
  room->last_delivery = g_get_monotonic_time ();
  g_mutex_unlock (&room->lock);
  g_free (want);

  t0 = g_get_monotonic_time ();
  cpu0 = cpu_us ();
  for (i = 0; i < room->n; i++)
    for (j = 0; j < room->n; j++)
      if (i != j)
        gst_e2ee_key_manager_add_participant (room->members[i]->m,
            room->members[j]->id);
  room_wait (room, t0, cpu0, &res);
  res.pairs_ok = check_keys (room, &res.pairs, NULL, NULL);
  return res;
}

/* The last member leaves; *@leaver_opened as check_keys() */
static Result
run_leave (Room * room, guint * leaver_opened)
{
  Member *leaver = room->members[room->n - 1];
  gint64 *want = g_new (gint64, room->n);
  gint64 t0, cpu0;
  Result res = { room->n - 1 };
  guint i;

  /* everyone left switches to a new key with the next index */
  for (i = 0; i < room->n; i++)
    want[i] = (gint64) stat_of (room->members[i]->m, "key-index") + 1;

  t0 = g_get_monotonic_time ();
  cpu0 = cpu_us ();
  g_mutex_lock (&room->lock);
  leaver->left = TRUE;
  room_want_locked (room, want);
  room->last_delivery = t0;
  g_mutex_unlock (&room->lock);
  g_free (want);
  /* the room's leave event, at every manager left */
  for (i = 0; i + 1 < room->n; i++)
    gst_e2ee_key_manager_remove_participant (room->members[i]->m, leaver->id);
  room_wait (room, t0, cpu0, &res);
  res.pairs_ok = check_keys (room, &res.pairs, leaver, leaver_opened);
  return res;
}

/* --- output --- */

static void
print_row (const gchar * what, const Result * r)
{
  g_print ("%-10s %9" G_GUINT64_FORMAT " %11" G_GUINT64_FORMAT " %11"
      G_GUINT64_FORMAT " %13" G_GUINT64_FORMAT " %10.1f %10.1f %9.1f "
      "%5u/%-5u\n", what, r->messages, r->bytes, r->deliveries,
      r->delivered_bytes, r->wall_ms, r->settled_ms, r->cpu_ms, r->pairs_ok,
      r->pairs);
}

static void
add_result (JsonBuilder * b, const Result * r)
{
  guint k;

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "participants");
  json_builder_add_int_value (b, r->n);
  json_builder_set_member_name (b, "messages");
  json_builder_add_int_value (b, r->messages);
  json_builder_set_member_name (b, "bytes");
  json_builder_add_int_value (b, r->bytes);
  json_builder_set_member_name (b, "deliveries");
  json_builder_add_int_value (b, r->deliveries);
  json_builder_set_member_name (b, "delivered_bytes");
  json_builder_add_int_value (b, r->delivered_bytes);
  json_builder_set_member_name (b, "all_keys_us");
  json_builder_add_int_value (b, (gint64) (r->wall_ms * 1000));
  json_builder_set_member_name (b, "settled_us");
  json_builder_add_int_value (b, (gint64) (r->settled_ms * 1000));
  json_builder_set_member_name (b, "cpu_us");
  json_builder_add_int_value (b, (gint64) (r->cpu_ms * 1000));
  json_builder_set_member_name (b, "pairs");
  json_builder_add_int_value (b, r->pairs);
  json_builder_set_member_name (b, "pairs_ok");
  json_builder_add_int_value (b, r->pairs_ok);
  json_builder_set_member_name (b, "stats");
  json_builder_begin_object (b);
  for (k = 0; k < N_SUMMED; k++) {
    json_builder_set_member_name (b, summed_stats[k]);
    json_builder_add_int_value (b, r->stats[k]);
  }
  json_builder_end_object (b);
  json_builder_end_object (b);
}

static gboolean
result_ok (const Result * r)
{
  return r->done && r->pairs_ok == r->pairs;
}

int
main (int argc, char **argv)
{
  GOptionContext *ctx;
  GError *err = NULL;
  gchar **sizes;
  JsonBuilder *b;
  JsonGenerator *gen;
  JsonNode *root;
  gchar *json;
  gboolean ok = TRUE, left = FALSE;
  Result lr = { 0 };
  guint i, leaver_opened = 0;

  ctx = g_option_context_new ("- key distribution against room size");
  g_option_context_set_summary (ctx, "N key managers joined through an "
      "in-process relay (receive_message_from), until every participant "
      "holds every other one's key; then one leave. Prints a table and one "
      "line of JSON; fails if a key is missing.");
  g_option_context_add_main_entries (ctx, entries, NULL);
  g_option_context_add_group (ctx, gst_init_get_option_group ());
  if (!g_option_context_parse (ctx, &argc, &argv, &err)) {
    g_printerr ("%s\n", err->message);
    return 2;
  }
  g_option_context_free (ctx);
  if (opt_debounce < 0 || opt_timeout <= 0) {
    g_printerr ("--debounce and --timeout must be positive\n");
    return 2;
  }

  sizes = g_strsplit (opt_sizes ? opt_sizes : DEFAULT_SIZES, ",", -1);
  b = json_builder_new ();
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "bench");
  json_builder_add_string_value (b, "keydist");
  json_builder_set_member_name (b, "debounce_ms");
  json_builder_add_int_value (b, opt_debounce);
  json_builder_set_member_name (b, "cpus");
  json_builder_add_int_value (b, g_get_num_processors ());
  json_builder_set_member_name (b, "joins");
  json_builder_begin_array (b);

  g_print ("debounce %d ms; all-keys: until every participant holds every "
      "other one's key;\nsettled: the relay's last message; cpu: the whole "
      "process (%u cores)\n\n", opt_debounce, g_get_num_processors ());
  g_print ("%-10s %9s %11s %11s %13s %10s %10s %9s %11s\n", "room",
      "messages", "bytes", "deliveries", "deliv. bytes", "all-keys",
      "settled", "cpu", "keys ok");
  g_print ("%-10s %9s %11s %11s %13s %10s %10s %9s\n", "", "", "", "", "",
      "(ms)", "(ms)", "(ms)");
  for (i = 0; sizes[i]; i++) {
    guint64 n;
    Room *room;
    Result res;
    gchar *what;

    if (!g_ascii_string_to_unsigned (sizes[i], 10, 2, 999, &n, NULL)) {
      g_printerr ("not a room size: %s\n", sizes[i]);
      return 2;
    }
    room = room_new (n);
    res = run_join (room);
    what = g_strdup_printf ("join %u", (guint) n);
    print_row (what, &res);
    g_free (what);
    add_result (b, &res);
    ok &= result_ok (&res);
    if (opt_leave_at > 0 && n == (guint64) opt_leave_at && !left) {
      left = TRUE;
      lr = run_leave (room, &leaver_opened);
      what = g_strdup_printf ("leave %u", (guint) n);
      print_row (what, &lr);
      g_free (what);
      if (leaver_opened)
        g_print ("  the leaver opens the new keys of %u senders!\n",
            leaver_opened);
      ok &= result_ok (&lr) && leaver_opened == 0;
    }
    room_free (room);
  }
  json_builder_end_array (b);
  if (left) {
    json_builder_set_member_name (b, "leave");
    add_result (b, &lr);
    json_builder_set_member_name (b, "leaver_opened");
    json_builder_add_int_value (b, leaver_opened);
  }
  json_builder_set_member_name (b, "ok");
  json_builder_add_boolean_value (b, ok);
  json_builder_end_object (b);
  g_strfreev (sizes);

  gen = json_generator_new ();
  root = json_builder_get_root (b);
  json_generator_set_root (gen, root);
  json = json_generator_to_data (gen, NULL);
  g_print ("\n%s\n", json);
  if (opt_json && !g_file_set_contents (opt_json, json, -1, &err)) {
    g_printerr ("%s\n", err->message);
    ok = FALSE;
  }
  g_free (json);
  json_node_unref (root);
  g_object_unref (gen);
  g_object_unref (b);
  if (!ok)
    g_printerr ("bench-keydist: some participant lacks a key\n");
  return ok ? 0 : 1;
}
