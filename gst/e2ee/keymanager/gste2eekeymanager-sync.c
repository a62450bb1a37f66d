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


/**
 * SECTION:gste2eekeysubscription
 * @title: GstE2eeKeySubscription
 * @short_description: a participant's media keys, kept in a key ring
 *
 * What #GstE2eeKeyManager offers e2eeenc and e2eedec (and any application
 * that opens or seals frames itself): the context that finds a manager, and
 * subscriptions. A subscription keeps the subscriber's #GstE2eeKeyRing
 * holding one participant's media keys: this participant's own key (the
 * encryptor's) or a remote participant's (the decryptor's). The keys put in
 * the ring are made inside the library, with cipher contexts of their own,
 * so key material never leaves it.
 *
 * The subscriber calls gst_e2ee_key_subscription_update() before each frame.
 * When no key changed anywhere in the manager this is one atomic read; the
 * manager's lock is taken only after a change, and keys are derived outside
 * it. The subscription remembers which participant object the keys in the
 * ring came from: when that participant leaves, or another one takes its
 * id, the ring is emptied at once, before any key of the newcomer's goes in,
 * so a leaver's keys never open a frame after the update that saw it leave.
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gste2eekeymanager-private.h"
#include <gst/e2ee/gste2eekeysubscription.h>

#include <string.h>
#include <openssl/crypto.h>

#define GST_CAT_DEFAULT gst_e2ee_key_manager_debug

/**
 * gst_e2ee_key_manager_new_context:
 * @manager: a key manager
 *
 * Returns: (transfer full): a persistent #GstContext of type
 *   %GST_E2EE_KEY_MANAGER_CONTEXT_TYPE holding @manager
 *
 * Since: 0.1
 */
GstContext *
gst_e2ee_key_manager_new_context (GstE2eeKeyManager * manager)
{
  GstContext *context;

  g_return_val_if_fail (GST_IS_E2EE_KEY_MANAGER (manager), NULL);

  /* an element is about to use it (e2eekeymanager asks for one when it
   * goes to READY): its state file is read now, and a problem with it
   * reaches the bus before the pipeline runs */
  _gst_e2ee_km_use_state (manager);
  context = gst_context_new (GST_E2EE_KEY_MANAGER_CONTEXT_TYPE, TRUE);
  gst_structure_set (gst_context_writable_structure (context),
      "key-manager", GST_TYPE_E2EE_KEY_MANAGER, manager, NULL);
  return context;
}

/**
 * gst_e2ee_key_manager_from_context:
 * @context: a context
 *
 * Returns: (transfer full) (nullable): the manager @context holds
 *
 * Since: 0.1
 */
GstE2eeKeyManager *
gst_e2ee_key_manager_from_context (GstContext * context)
{
  GstE2eeKeyManager *manager = NULL;

  g_return_val_if_fail (GST_IS_CONTEXT (context), NULL);

  if (!g_str_equal (gst_context_get_context_type (context),
          GST_E2EE_KEY_MANAGER_CONTEXT_TYPE))
    return NULL;
  gst_structure_get (gst_context_get_structure (context), "key-manager",
      GST_TYPE_E2EE_KEY_MANAGER, &manager, NULL);
  return manager;
}

struct _GstE2eeKeySubscription
{
  gint refcount;
  /* immutable after creation */
  GstE2eeKeyManager *manager;
  GstE2eeKeyRing *ring;
  gboolean remote;
  /* remote: whose keys; NULL for the only remote participant */
  gchar *participant;

  /* what is in the ring: changed by gst_e2ee_key_subscription_update only,
   * which is called by one thread at a time */
  /* the ring was emptied once and filled since */
  gboolean synced;
  /* the manager's generation counter when the ring was last filled */
  guint generation;
  /* the key schedule the keys in the ring were made with */
  GstE2eeKdf kdf;
  guint key_index;
  /* local: the manager's local_ratchets for the key in the ring */
  guint ratchets;
  /* remote: the participant the keys in the ring are of (its uid); 0 for
   * none */
  guint64 uid;
  /* per slot, the participant's (local: the manager's) key serial the slot
   * holds; 0 for none */
  guint serials[N_SLOTS];
  gboolean told_no_participant;
  /* remote: when its key was last asked for (monotonic time, 0: never) */
  gint64 request_time;
};

G_DEFINE_BOXED_TYPE (GstE2eeKeySubscription, gst_e2ee_key_subscription,
    gst_e2ee_key_subscription_ref, gst_e2ee_key_subscription_unref);

static GstE2eeKeySubscription *
subscription_new (GstE2eeKeyManager * manager, GstE2eeKeyRing * ring,
    gboolean remote, const gchar * participant)
{
  GstE2eeKeySubscription *sub = g_new0 (GstE2eeKeySubscription, 1);

  _gst_e2ee_km_use_state (manager);
  sub->refcount = 1;
  sub->manager = gst_object_ref (manager);
  sub->ring = gst_e2ee_key_ring_ref (ring);
  sub->remote = remote;
  sub->participant = g_strdup (participant);
  return sub;
}

/**
 * gst_e2ee_key_subscription_new_local:
 * @manager: a key manager
 * @ring: the ring to keep the key in
 *
 * Subscribes to this participant's own media key, the one to send with:
 * each update puts it in @ring when it changed, at its index.
 *
 * The first update empties @ring; from then on only the subscription
 * should change it.
 *
 * Returns: (transfer full): a subscription
 *
 * Since: 0.1
 */
GstE2eeKeySubscription *
gst_e2ee_key_subscription_new_local (GstE2eeKeyManager * manager,
    GstE2eeKeyRing * ring)
{
  g_return_val_if_fail (GST_IS_E2EE_KEY_MANAGER (manager), NULL);
  g_return_val_if_fail (ring != NULL, NULL);

  return subscription_new (manager, ring, FALSE, NULL);
}

/**
 * gst_e2ee_key_subscription_new_remote:
 * @manager: a key manager
 * @participant: (nullable): whose keys, by participant id; %NULL for the
 *   only remote participant that authenticated and sent keys (none while
 *   there are several; once chosen, it is kept while it stays in the call)
 * @ring: the ring to keep the keys in, of %GST_E2EE_KEY_RING_DEFAULT_SIZE
 *   slots (the web clients' size)
 *
 * Subscribes to a remote participant's media keys, the ones to open its
 * frames with: each update puts the keys that changed in @ring, slot by
 * slot. While there is no such participant @ring is empty; when it leaves,
 * or a new participant takes its id, @ring is emptied at once.
 *
 * The first update empties @ring; from then on only the subscription
 * should change it (a decryptor's ratchet may replace a key in it).
 *
 * Returns: (transfer full): a subscription
 *
 * Since: 0.1
 */
GstE2eeKeySubscription *
gst_e2ee_key_subscription_new_remote (GstE2eeKeyManager * manager,
    const gchar * participant, GstE2eeKeyRing * ring)
{
  g_return_val_if_fail (GST_IS_E2EE_KEY_MANAGER (manager), NULL);
  g_return_val_if_fail (ring != NULL, NULL);
  g_return_val_if_fail (gst_e2ee_key_ring_get_size (ring) == N_SLOTS, NULL);

  return subscription_new (manager, ring, TRUE, participant);
}

/**
 * gst_e2ee_key_subscription_ref:
 * @sub: a subscription
 *
 * Returns: (transfer full): @sub
 *
 * Since: 0.1
 */
GstE2eeKeySubscription *
gst_e2ee_key_subscription_ref (GstE2eeKeySubscription * sub)
{
  g_return_val_if_fail (sub != NULL, NULL);

  g_atomic_int_inc (&sub->refcount);
  return sub;
}

/**
 * gst_e2ee_key_subscription_unref:
 * @sub: (transfer full): a subscription
 *
 * Drops a reference; the last one ends the subscription. The keys already
 * in the ring stay there.
 *
 * Since: 0.1
 */
void
gst_e2ee_key_subscription_unref (GstE2eeKeySubscription * sub)
{
  g_return_if_fail (sub != NULL);

  if (!g_atomic_int_dec_and_test (&sub->refcount))
    return;
  gst_object_unref (sub->manager);
  gst_e2ee_key_ring_unref (sub->ring);
  g_free (sub->participant);
  g_free (sub);
}

/* Puts a key made from @material in @slot of the ring, or empties the slot
 * if @material is NULL; wipes @material. */
static gboolean
install_key (GstE2eeKeySubscription * sub, guint slot, GstE2eeKdf kdf,
    guint8 * material)
{
  GstE2eeKey *key = NULL;

  if (material) {
    key = gst_e2ee_key_new (kdf, material, MEDIA_KEY_SIZE, NULL);
    OPENSSL_cleanse (material, MEDIA_KEY_SIZE);
    if (!key) {
      GST_WARNING_OBJECT (sub->manager, "could not make a media key");
      return FALSE;
    }
  }
  gst_e2ee_key_ring_set_key (sub->ring, slot, key);
  if (key)
    gst_e2ee_key_unref (key);
  return TRUE;
}

static gboolean
update_local (GstE2eeKeySubscription * sub)
{
  GstE2eeKeyManager *manager = sub->manager;
  guint8 material[MEDIA_KEY_SIZE];
  GstE2eeKdf kdf;
  guint serial, index, ratchets;

  GST_E2EE_KEY_MANAGER_LOCK (manager);
  serial = manager->local_serial;
  index = manager->local_index;
  ratchets = manager->local_ratchets;
  kdf = manager->kdf;
  if (sub->synced && serial == sub->serials[0]) {
    GST_E2EE_KEY_MANAGER_UNLOCK (manager);
    return FALSE;
  }
  memcpy (material, manager->local_key, MEDIA_KEY_SIZE);
  GST_E2EE_KEY_MANAGER_UNLOCK (manager);

  if (!sub->synced)
    gst_e2ee_key_ring_clear (sub->ring);
  if (!install_key (sub, index, kdf, material)) {
    /* the ring is left as it was; the next update tries again */
    sub->synced = FALSE;
    return FALSE;
  }
  sub->synced = TRUE;
  sub->serials[0] = serial;
  sub->key_index = index;
  sub->ratchets = ratchets;
  sub->kdf = kdf;
  return TRUE;
}

/* Whether @p counts towards "the only remote participant": it proved it
 * holds its olm session (a message from it decrypted there) and gave us a
 * key. A hello costs nothing to forge (no session, no crypto, any router
 * can send one) and auto-admit lets its id join: counting such ids would
 * let one message make the choice ambiguous and turn media off. */
static gboolean
is_authenticated_sender (Participant * p)
{
  return p->joined && p->confirmed && p->last_index >= 0;
}

/* The participant whose keys to take: the one asked for, or the only one
 * in the call. The only one, once chosen, is kept while it stays in the
 * call: another participant that authenticates and sends keys later does
 * not take its place, nor make the choice ambiguous (an application that
 * receives several participants names the one it wants with
 * "participant"). Call with the manager lock held. */
static Participant *
resolve_locked (GstE2eeKeySubscription * sub)
{
  GstE2eeKeyManager *manager = sub->manager;
  Participant *p = NULL;

  if (sub->participant) {
    p = g_hash_table_lookup (manager->participants, sub->participant);
  } else {
    GHashTableIter iter;
    Participant *q;
    guint n = 0;

    g_hash_table_iter_init (&iter, manager->participants);
    while (g_hash_table_iter_next (&iter, NULL, (gpointer *) & q)) {
      if (sub->uid != 0 && q->uid == sub->uid && q->joined)
        return q;
      if (is_authenticated_sender (q)) {
        p = q;
        n++;
      }
    }
    if (n != 1)
      p = NULL;
  }
  return p && p->joined ? p : NULL;
}

static gboolean
update_remote (GstE2eeKeySubscription * sub)
{
  GstE2eeKeyManager *manager = sub->manager;
  guint8 keys[N_SLOTS][MEDIA_KEY_SIZE];
  gboolean have[N_SLOTS], changed[N_SLOTS];
  guint serials[N_SLOTS];
  gboolean emptied = FALSE, installed = FALSE, failed = FALSE;
  gboolean reset, tell_none = FALSE;
  Participant *p;
  GstE2eeKdf kdf;
  guint64 uid = 0;
  guint index = 0;
  guint i;

  GST_E2EE_KEY_MANAGER_LOCK (manager);
  p = resolve_locked (sub);
  kdf = manager->kdf;
  if (p) {
    uid = p->uid;
    if (p->last_index >= 0)
      index = (guint) p->last_index;
    if (uid != sub->uid)
      GST_INFO_OBJECT (manager, "a subscription now has the keys of %s", p->id);
  } else if (!sub->participant && !sub->told_no_participant) {
    sub->told_no_participant = TRUE;
    tell_none = TRUE;
  }
  /* keys of another participant (or none), or made another way: the ring
   * starts again from empty */
  reset = !sub->synced || uid != sub->uid || kdf != sub->kdf;
  for (i = 0; i < N_SLOTS; i++) {
    guint had = reset ? 0 : sub->serials[i];

    serials[i] = p ? p->serial[i] : 0;
    have[i] = p && p->have_key[i];
    changed[i] = serials[i] != had;
    if (changed[i] && have[i])
      memcpy (keys[i], p->keys[i], MEDIA_KEY_SIZE);
  }
  GST_E2EE_KEY_MANAGER_UNLOCK (manager);

  if (tell_none)
    GST_INFO_OBJECT (manager, "no single remote participant yet for a "
        "subscription to the only one");

  if (reset) {
    for (i = 0; i < N_SLOTS && !emptied; i++)
      emptied = sub->serials[i] != 0;
    gst_e2ee_key_ring_clear (sub->ring);
    memset (sub->serials, 0, sizeof (sub->serials));
    sub->uid = uid;
    sub->kdf = kdf;
  }
  for (i = 0; i < N_SLOTS; i++) {
    if (!changed[i])
      continue;
    if (install_key (sub, i, kdf, have[i] ? keys[i] : NULL)) {
      sub->serials[i] = serials[i];
      installed = TRUE;
    } else {
      failed = TRUE;
    }
  }
  OPENSSL_cleanse (keys, sizeof (keys));
  sub->key_index = index;
  /* a key that could not be made is tried again on the next update */
  sub->synced = !failed;
  return emptied || installed;
}

/**
 * gst_e2ee_key_subscription_update:
 * @sub: a subscription
 * @key_index: (out) (optional): the index of the key the participant sends
 *   with now (for a local subscription, the index to send with); 0 while
 *   there is none
 *
 * Brings the subscription's ring up to date: puts in it the keys that
 * changed since the last update and takes out those that are gone. Cheap
 * when nothing changed (one atomic read), so it can be called on every
 * frame.
 *
 * Not MT safe: one thread at a time may update a subscription (a streaming
 * thread). Different subscriptions of one manager may be updated from
 * different threads.
 *
 * Returns: %TRUE if keys were put in the ring or taken out of it
 *
 * Since: 0.1
 */
gboolean
gst_e2ee_key_subscription_update (GstE2eeKeySubscription * sub,
    guint * key_index)
{
  gboolean changed;
  guint gen;

  g_return_val_if_fail (sub != NULL, FALSE);

  gen = (guint) g_atomic_int_get (&sub->manager->generation);
  if (G_LIKELY (sub->synced && gen == sub->generation)) {
    if (key_index)
      *key_index = sub->key_index;
    return FALSE;
  }

  /* the counter is read before the keys: a change made after this read
   * bumps it again and is seen by the next update */
  sub->generation = gen;
  changed = sub->remote ? update_remote (sub) : update_local (sub);
  if (key_index)
    *key_index = sub->key_index;
  return changed;
}

/**
 * gst_e2ee_key_subscription_request_key:
 * @sub: a remote subscription
 *
 * A frame of the subscription's participant came under a key index that
 * is not in the ring (a decryptor's missing-key): asks its manager for the
 * participant's current key with gst_e2ee_key_manager_request_key(). A
 * decryptor may call this on every such frame: the subscription passes on
 * at most one request per 2 s, and the manager bounds them per participant.
 * For a subscription to the only remote participant, only once one is
 * chosen (a participant that sent no key at all is never chosen: name it).
 *
 * Not MT safe: called by the thread that updates @sub.
 *
 * Returns: %TRUE if a request went to the manager
 *
 * Since: 0.2
 */
gboolean
gst_e2ee_key_subscription_request_key (GstE2eeKeySubscription * sub)
{
  GstE2eeKeyManager *manager;
  gint64 now = g_get_monotonic_time ();
  Participant *p;
  gchar *id = NULL;

  g_return_val_if_fail (sub != NULL, FALSE);

  if (!sub->remote || (sub->request_time != 0 && now - sub->request_time <
          RECOVERY_INTERVAL_MS * G_TIME_SPAN_MILLISECOND))
    return FALSE;
  manager = sub->manager;
  GST_E2EE_KEY_MANAGER_LOCK (manager);
  p = resolve_locked (sub);
  if (p)
    id = g_strdup (p->id);
  GST_E2EE_KEY_MANAGER_UNLOCK (manager);
  if (!id)
    return FALSE;
  sub->request_time = now;
  gst_e2ee_key_manager_request_key (manager, id);
  g_free (id);
  return TRUE;
}

/**
 * gst_e2ee_key_subscription_dup_participant:
 * @sub: a subscription
 *
 * Whose keys the ring holds since the last
 * gst_e2ee_key_subscription_update(): the local participant's id for a
 * local subscription, the remote participant's (the one asked for, or the
 * only one) for a remote one. SFrame's KIDs name the sender with a hash of
 * it (see docs/keymanager.md), so a receiver refuses another sender's
 * frames before any key is tried.
 *
 * Not MT safe: call it from the thread that updates @sub.
 *
 * Returns: (transfer full) (nullable): the participant id, or %NULL while
 *   the ring holds nobody's keys
 *
 * Since: 0.2
 */
gchar *
gst_e2ee_key_subscription_dup_participant (GstE2eeKeySubscription * sub)
{
  GstE2eeKeyManager *manager;
  gchar *id = NULL;

  g_return_val_if_fail (sub != NULL, NULL);

  manager = sub->manager;
  if (!sub->remote)
    return gst_e2ee_key_manager_dup_local_id (manager);
  if (sub->uid == 0)
    return NULL;

  GST_E2EE_KEY_MANAGER_LOCK (manager);
  {
    GHashTableIter iter;
    Participant *p;

    g_hash_table_iter_init (&iter, manager->participants);
    while (g_hash_table_iter_next (&iter, NULL, (gpointer *) & p)) {
      if (p->uid == sub->uid) {
        id = g_strdup (p->id);
        break;
      }
    }
  }
  GST_E2EE_KEY_MANAGER_UNLOCK (manager);
  return id;
}

/**
 * gst_e2ee_key_subscription_get_ratchets:
 * @sub: a subscription
 *
 * For a local subscription: how many times the manager ratcheted the key
 * the ring holds for the current key index (the one
 * gst_e2ee_key_subscription_update() returned) since that index's key was
 * made: one per join. SFrame's KIDs carry it as the key's generation (see
 * docs/keymanager.md), the same for every encoder of the participant,
 * whenever it started.
 *
 * Not MT safe: call it from the thread that updates @sub.
 *
 * Returns: the ratchet count; 0 for a remote subscription
 *
 * Since: 0.2
 */
guint
gst_e2ee_key_subscription_get_ratchets (GstE2eeKeySubscription * sub)
{
  g_return_val_if_fail (sub != NULL, 0);

  return sub->remote ? 0 : sub->ratchets;
}
