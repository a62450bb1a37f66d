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

/* The key manager tests' harness: see km-harness.h. */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "km-harness.h"

#include <glib/gstdio.h>

#include <string.h>

/* A manager made by km_party(). The record outlives the manager (until
 * km_router_reset()): a send-message handler still running on the
 * manager's thread when it leaves reads it. */
typedef struct
{
  GstE2eeKeyManager *m;
  gchar *id;
  /* under router.lock */
  gboolean joined;
  gboolean left;
  /* messages the hold hook kept back, as {from, msg} pairs; under
   * router.lock */
  GPtrArray *held;
} Party;

static struct
{
  GMutex lock;
  /* Party *, in the order they were made; under lock */
  GPtrArray *parties;
  KmRouterHooks hooks;
  /* deliver with receive_message_from (the sender's id); under lock */
  gboolean relay;
} router;

static void
deliver (Party * to, const gchar * from, const gchar * msg)
{
  if (router.relay)
    gst_e2ee_key_manager_receive_message_from (to->m, from, msg);
  else
    gst_e2ee_key_manager_receive_message (to->m, msg);
}

/* what the hold hook kept back for @to, now; under router.lock */
static void
release_held (Party * to)
{
  guint i;

  if (!to->held)
    return;
  for (i = 0; i + 1 < to->held->len; i += 2)
    if (to->m && !to->left)
      deliver (to, g_ptr_array_index (to->held, i),
          g_ptr_array_index (to->held, i + 1));
  g_ptr_array_set_size (to->held, 0);
}

/* Delivers @msg to its recipient, or to everyone in the call but the
 * sender; nothing from or to a party that left. */
static void
on_send (GstE2eeKeyManager * m, const gchar * to, const gchar * msg,
    Party * from)
{
  KmRouterHooks *h = &router.hooks;
  guint i;

  g_mutex_lock (&router.lock);
  if (from->left) {
    g_mutex_unlock (&router.lock);
    return;
  }
  if (h->observe)
    h->observe (from->id, to, msg, h->user_data);
  for (i = 0; i < router.parties->len; i++) {
    Party *p = g_ptr_array_index (router.parties, i);
    gchar *t;

    if (p == from || !p->joined || p->left || (to && !g_str_equal (to, p->id)))
      continue;
    if (h->drop && h->drop (from->id, p->id, msg, h->user_data))
      continue;
    t = h->tamper ? h->tamper (from->id, p->id, msg, h->user_data) : NULL;
    if (h->hold && h->hold (from->id, p->id, msg, h->user_data)) {
      if (!p->held)
        p->held = g_ptr_array_new_with_free_func (g_free);
      g_ptr_array_add (p->held, g_strdup (from->id));
      g_ptr_array_add (p->held, t ? t : g_strdup (msg));
      continue;
    }
    deliver (p, from->id, t ? t : msg);
    if (h->twice && h->twice (from->id, p->id, msg, h->user_data))
      deliver (p, from->id, t ? t : msg);
    g_free (t);
    release_held (p);
  }
  g_mutex_unlock (&router.lock);
}

static void
router_init (void)
{
  if (router.parties)
    return;
  g_mutex_init (&router.lock);
  router.parties = g_ptr_array_new ();
  memset (&router.hooks, 0, sizeof (router.hooks));
}

/* What the test may change about the router: see KmRouterHooks */
KmRouterHooks *
km_router_hooks (void)
{
  router_init ();
  return &router.hooks;
}

/* TRUE: the router is a relay that says who sent each message (the
 * managers get them through gst_e2ee_key_manager_receive_message_from()),
 * as a Janus TextRoom does; FALSE (the default): through
 * gst_e2ee_key_manager_receive_message(), as a plain pipe */
void
km_router_set_relay (gboolean relay)
{
  router_init ();
  g_mutex_lock (&router.lock);
  router.relay = relay;
  g_mutex_unlock (&router.lock);
}

static Party *
party_of (GstE2eeKeyManager * m)
{
  guint i;

  for (i = 0; i < router.parties->len; i++) {
    Party *p = g_ptr_array_index (router.parties, i);

    if (p->m == m)
      return p;
  }
  fail ("not a party of the router");
  return NULL;
}

/* A manager on the router, not yet in the call; the router holds its
 * reference. A short debounce and a switch timeout that a loaded machine
 * does not reach: change them before km_join() if needed. */
GstE2eeKeyManager *
km_party (const gchar * id)
{
  return km_party_with_state (id, NULL);
}

/* km_party() with @state_file (NULL: none) as its state file, under the
 * harness's fixed state key */
/* the state-key of km_party_with_state ()'s managers */
const guint8 km_state_key[KM_KEY_SIZE] = { 'k', 'm', 0x42 };

GstE2eeKeyManager *
km_party_with_state (const gchar * id, const gchar * state_file)
{
  Party *p = g_new0 (Party, 1);

  router_init ();
  p->m = gst_object_ref_sink (gst_e2ee_key_manager_new (id));
  if (state_file) {
    GstBuffer *key = gst_buffer_new_memdup (km_state_key,
        sizeof (km_state_key));

    g_object_set (p->m, "state-key", key, "state-file", state_file, NULL);
    gst_buffer_unref (key);
  }
  p->id = gst_e2ee_key_manager_dup_local_id (p->m);
  g_object_set (p->m, "debounce", 50, "key-switch-timeout", 2000, NULL);
  g_signal_connect (p->m, "send-message", G_CALLBACK (on_send), p);
  g_mutex_lock (&router.lock);
  g_ptr_array_add (router.parties, p);
  g_mutex_unlock (&router.lock);
  return p->m;
}

/* @m enters the call: it admits everyone already there (sending them its
 * hello), as an application does when the transport says who is there. */
void
km_join (GstE2eeKeyManager * m)
{
  GPtrArray *others = g_ptr_array_new ();
  Party *p;
  guint i;

  g_mutex_lock (&router.lock);
  p = party_of (m);
  p->joined = TRUE;
  for (i = 0; i < router.parties->len; i++) {
    Party *o = g_ptr_array_index (router.parties, i);

    if (o != p && o->joined && !o->left)
      g_ptr_array_add (others, o->id);
  }
  g_mutex_unlock (&router.lock);
  /* the ids live as long as the router */
  for (i = 0; i < others->len; i++)
    gst_e2ee_key_manager_add_participant (m, g_ptr_array_index (others, i));
  g_ptr_array_unref (others);
}

/* @m is in the call (messages reach it) but admits nobody itself: its
 * application waits for the others' hellos, as over a webrtcbin's data
 * channel or with auto-admit */
void
km_enter (GstE2eeKeyManager * m)
{
  g_mutex_lock (&router.lock);
  party_of (m)->joined = TRUE;
  g_mutex_unlock (&router.lock);
}

/* @m leaves: nothing more goes to it or from it, and the router drops its
 * reference. The others are not told: the test removes it from them. */
static void
party_release (Party * p)
{
  /* the last reference must not go on the manager's own thread (a signal
   * emission holds one): without the handler it emits nothing to us, and
   * the flush waits for a handler still running */
  g_signal_handlers_disconnect_by_func (p->m, on_send, p);
  gst_e2ee_key_manager_flush (p->m);
  gst_object_unref (p->m);
  p->m = NULL;
}

void
km_leave (GstE2eeKeyManager * m)
{
  Party *p;

  g_mutex_lock (&router.lock);
  p = party_of (m);
  p->left = TRUE;
  g_mutex_unlock (&router.lock);
  party_release (p);
}

/* @m stops as a crash does (the others are not told) and a new manager
 * of the same id, with @state_file (NULL: none, so a new olm identity),
 * takes its place in the call and admits everyone there (km_join()).
 * Returns the new manager. */
GstE2eeKeyManager *
km_restart (GstE2eeKeyManager * m, const gchar * state_file)
{
  gchar *id = gst_e2ee_key_manager_dup_local_id (m);
  GstE2eeKeyManager *n;

  km_leave (m);
  n = km_party_with_state (id, state_file);
  g_free (id);
  km_join (n);
  return n;
}

/* how many managers are in the call */
guint
km_n_members (void)
{
  guint j, n = 0;

  for (j = 0; router.parties && j < router.parties->len; j++) {
    Party *p = g_ptr_array_index (router.parties, j);

    if (p->joined && !p->left)
      n++;
  }
  return n;
}

/* The @i-th manager in the call, in the order they were made */
GstE2eeKeyManager *
km_member (guint i)
{
  guint j, n = 0;

  for (j = 0; j < router.parties->len; j++) {
    Party *p = g_ptr_array_index (router.parties, j);

    if (p->joined && !p->left && n++ == i)
      return p->m;
  }
  fail ("no member %u", i);
  return NULL;
}

/* The end of the call: every manager still there goes, and the hooks */
void
km_router_reset (void)
{
  guint i;

  if (!router.parties)
    return;
  for (i = 0; i < router.parties->len; i++) {
    Party *p = g_ptr_array_index (router.parties, i);

    g_mutex_lock (&router.lock);
    p->left = TRUE;
    g_mutex_unlock (&router.lock);
    if (p->m)
      party_release (p);
  }
  for (i = 0; i < router.parties->len; i++) {
    Party *p = g_ptr_array_index (router.parties, i);

    if (p->held)
      g_ptr_array_unref (p->held);
    g_free (p->id);
    g_free (p);
  }
  g_ptr_array_unref (router.parties);
  g_mutex_clear (&router.lock);
  memset (&router, 0, sizeof (router));
}

/* the managers still there, each with a reference */
static GPtrArray *
dup_managers (void)
{
  GPtrArray *ms = g_ptr_array_new_with_free_func (gst_object_unref);
  guint i;

  router_init ();
  g_mutex_lock (&router.lock);
  for (i = 0; i < router.parties->len; i++) {
    Party *p = g_ptr_array_index (router.parties, i);

    if (!p->left)
      g_ptr_array_add (ms, gst_object_ref (p->m));
  }
  g_mutex_unlock (&router.lock);
  return ms;
}

/* Every manager handled what it was given and emitted what it queued */
void
km_flush_all (void)
{
  GPtrArray *ms = dup_managers ();
  guint i;

  for (i = 0; i < ms->len; i++)
    gst_e2ee_key_manager_flush (g_ptr_array_index (ms, i));
  g_ptr_array_unref (ms);
}

/* messages sent and received so far, by everyone */
static guint64
traffic (void)
{
  GPtrArray *ms = dup_managers ();
  guint64 n = 0;
  guint i;

  for (i = 0; i < ms->len; i++) {
    GstE2eeKeyManager *m = g_ptr_array_index (ms, i);

    n += km_stat (m, "messages-in") + km_stat (m, "messages-out");
  }
  g_ptr_array_unref (ms);
  return n;
}

/* every held message goes now */
static void
router_release_all (void)
{
  guint i;

  g_mutex_lock (&router.lock);
  for (i = 0; i < router.parties->len; i++)
    release_held (g_ptr_array_index (router.parties, i));
  g_mutex_unlock (&router.lock);
}

/* Messages cause messages: flush everyone until nothing moved for two
 * rounds, each longer than the debounce (50 ms). */
void
km_settle (void)
{
  guint round, quiet = 0;
  guint64 before = traffic (), after;

  for (round = 0; round < 40 && quiet < 2; round++) {
    g_usleep (60 * 1000);
    router_release_all ();
    km_flush_all ();
    if (router.hooks.settle_round)
      router.hooks.settle_round (router.hooks.user_data);
    after = traffic ();
    quiet = after == before ? quiet + 1 : 0;
    before = after;
  }
}

/* --- stats --- */

/* a counter of @m's stats (guint64 or guint) */
guint64
km_stat (GstE2eeKeyManager * m, const gchar * field)
{
  GstStructure *s;
  guint64 v = G_MAXUINT64;

  g_object_get (m, "stats", &s, NULL);
  if (!gst_structure_get_uint64 (s, field, &v)) {
    guint u;

    fail_unless (gst_structure_get_uint (s, field, &u), "no %s", field);
    v = u;
  }
  gst_structure_free (s);
  return v;
}

/* a counter of an e2eeenc's or e2eedec's stats */
guint64
km_element_stat (GstElement * e, const gchar * field)
{
  GstStructure *s;
  guint64 v = G_MAXUINT64;

  g_object_get (e, "stats", &s, NULL);
  fail_unless (gst_structure_get_uint64 (s, field, &v), "no %s", field);
  gst_structure_free (s);
  return v;
}

guint
km_n_participants (GstE2eeKeyManager * m)
{
  gchar **ids = gst_e2ee_key_manager_list_participants (m);
  guint n = g_strv_length (ids);

  g_strfreev (ids);
  return n;
}

gboolean
km_has_participant (GstE2eeKeyManager * m, const gchar * id)
{
  gchar **ids = gst_e2ee_key_manager_list_participants (m);
  gboolean ret = g_strv_contains ((const gchar * const *) ids, id);

  g_strfreev (ids);
  return ret;
}

/* --- media --- */

/* an e2eeenc that sends with @m's key */
GstHarness *
km_enc_for (GstE2eeKeyManager * m)
{
  GstHarness *h = gst_harness_new ("e2eeenc");

  g_object_set (h->element, "key-manager", m, NULL);
  gst_harness_set_src_caps_str (h, KM_OPUS_CAPS);
  return h;
}

/* an e2eedec with @m's keys of @participant (NULL: the only one) */
GstHarness *
km_dec_for (GstE2eeKeyManager * m, const gchar * participant)
{
  GstHarness *h = gst_harness_new ("e2eedec");

  g_object_set (h->element, "key-manager", m, "participant", participant, NULL);
  gst_harness_set_src_caps_str (h, KM_OPUS_CAPS);
  return h;
}

static GstHarness *
with_key (const gchar * factory, const guint8 * key, guint index)
{
  GstHarness *h = gst_harness_new (factory);
  GstBuffer *buf = gst_buffer_new_memdup (key, KM_KEY_SIZE);

  g_object_set (h->element, "key", buf, "key-index", index, NULL);
  gst_buffer_unref (buf);
  gst_harness_set_src_caps_str (h, KM_OPUS_CAPS);
  return h;
}

/* an e2eeenc with a static key: what a peer that holds @key sends */
GstHarness *
km_enc_with_key (const guint8 * key, guint index)
{
  return with_key ("e2eeenc", key, index);
}

GstHarness *
km_dec_with_key (const guint8 * key, guint index)
{
  return with_key ("e2eedec", key, index);
}

/* an Opus-sized frame whose bytes depend on @seed */
GstBuffer *
km_frame (guint seed)
{
  GstBuffer *buf = gst_buffer_new_allocate (NULL, 120, NULL);
  GstMapInfo map;
  guint i;

  gst_buffer_map (buf, &map, GST_MAP_WRITE);
  for (i = 0; i < map.size; i++)
    map.data[i] = (guint8) (i * 7 + seed * 13 + 0x78);
  gst_buffer_unmap (buf, &map);
  return buf;
}

/* km_frame (@seed) through @enc */
GstBuffer *
km_encrypt (GstHarness * enc, guint seed)
{
  GstBuffer *out;

  fail_unless_equals_int (gst_harness_push (enc, km_frame (seed)), GST_FLOW_OK);
  out = gst_harness_try_pull (enc);
  fail_unless (out != NULL);
  return out;
}

/* TRUE if @dec turns @encrypted back into km_frame (@seed) */
gboolean
km_decrypts (GstHarness * dec, GstBuffer * encrypted, guint seed)
{
  GstBuffer *out, *want = km_frame (seed);
  gboolean ok = FALSE;

  fail_unless_equals_int (gst_harness_push (dec, gst_buffer_ref (encrypted)),
      GST_FLOW_OK);
  out = gst_harness_try_pull (dec);
  if (out) {
    GstMapInfo a, b;

    gst_buffer_map (out, &a, GST_MAP_READ);
    gst_buffer_map (want, &b, GST_MAP_READ);
    ok = a.size == b.size && memcmp (a.data, b.data, a.size) == 0;
    gst_buffer_unmap (out, &a);
    gst_buffer_unmap (want, &b);
    gst_buffer_unref (out);
  }
  gst_buffer_unref (want);
  return ok;
}

/* the key index of an encrypted frame (its last byte) */
guint
km_kid_of (GstBuffer * buf)
{
  guint8 kid;

  gst_buffer_extract (buf, gst_buffer_get_size (buf) - 1, &kid, 1);
  return kid;
}

static gboolean
round_trip (GstHarness * enc, GstHarness * dec, guint seed)
{
  GstBuffer *f = km_encrypt (enc, seed);
  gboolean ok = km_decrypts (dec, f, seed);

  gst_buffer_unref (f);
  gst_harness_teardown (enc);
  gst_harness_teardown (dec);
  return ok;
}

/* a frame from @from's manager decrypts at @to's e2eedec for @from */
gboolean
km_call_works (GstE2eeKeyManager * from, GstE2eeKeyManager * to, guint seed)
{
  gchar *id = gst_e2ee_key_manager_dup_local_id (from);
  gboolean ok = round_trip (km_enc_for (from), km_dec_for (to, id), seed);

  g_free (id);
  return ok;
}

/* a frame under @key / @index decrypts at @m's e2eedec for @participant */
gboolean
km_key_works (GstE2eeKeyManager * m, const gchar * participant,
    const guint8 * key, guint index, guint seed)
{
  return round_trip (km_enc_with_key (key, index), km_dec_for (m, participant),
      seed);
}

/* A test's folder of state files: the files, then the folder */
void
km_remove_dir (gchar * dir)
{
  GDir *d = g_dir_open (dir, 0, NULL);
  const gchar *name;

  while (d && (name = g_dir_read_name (d))) {
    gchar *f = g_build_filename (dir, name, NULL);

    g_unlink (f);
    g_free (f);
  }
  if (d)
    g_dir_close (d);
  g_rmdir (dir);
  g_free (dir);
}

guint64
km_sframe_kid (const gchar * id, guint index, guint generation)
{
  GChecksum *sum = g_checksum_new (G_CHECKSUM_SHA256);
  guint8 digest[32];
  gsize len = sizeof (digest);
  guint64 tag;

  g_checksum_update (sum, (const guchar *) id, strlen (id));
  g_checksum_get_digest (sum, digest, &len);
  g_checksum_free (sum);
  tag = ((guint64) digest[0] << 24) | ((guint64) digest[1] << 16)
      | ((guint64) digest[2] << 8) | digest[3];
  return (tag << 16) | ((guint64) index << 8) | generation;
}
