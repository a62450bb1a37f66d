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
 * What GstE2eeKeyManager offers e2eeenc and e2eedec: the context that finds
 * it, and keys of their own made from its media keys, so that key material
 * never leaves the library and the per-frame path only reads a counter.
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gste2eekeymanager-private.h"

#include <string.h>
#include <openssl/crypto.h>

/**
 * gst_e2ee_key_manager_new_context:
 * @manager: a key manager
 *
 * Returns: (transfer full): a persistent #GstContext of type
 *   %GST_E2EE_KEY_MANAGER_CONTEXT_TYPE holding @manager
 */
GstContext *
gst_e2ee_key_manager_new_context (GstE2eeKeyManager * manager)
{
  GstContext *context;

  g_return_val_if_fail (GST_IS_E2EE_KEY_MANAGER (manager), NULL);

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

/**
 * gst_e2ee_key_manager_get_generation: (skip)
 * @manager: a key manager
 *
 * Returns: a counter that changes whenever a media key changes. Cheap (an
 * atomic read): e2eeenc and e2eedec call it on every frame.
 */
guint
gst_e2ee_key_manager_get_generation (GstE2eeKeyManager * manager)
{
  return (guint) g_atomic_int_get (&manager->generation);
}

/**
 * gst_e2ee_key_manager_sync_local: (skip)
 * @manager: a key manager
 * @ring: the caller's key ring
 * @serial: (inout): what the caller last got; 0 at first
 * @key_index: (out): the index to send with
 *
 * Puts this participant's current media key in @ring if it changed since
 * @serial. The key is made for the caller (cipher contexts of its own); the
 * material stays inside the library.
 *
 * Returns: %FALSE if the key could not be made
 */
gboolean
gst_e2ee_key_manager_sync_local (GstE2eeKeyManager * manager,
    GstE2eeKeyRing * ring, guint * serial, guint * key_index)
{
  guint8 material[MEDIA_KEY_SIZE];
  GstE2eeKdf kdf;
  GstE2eeKey *key;
  guint s, index;

  g_return_val_if_fail (GST_IS_E2EE_KEY_MANAGER (manager), FALSE);

  g_mutex_lock (&manager->lock);
  s = manager->local_serial;
  index = manager->local_index;
  if (s == *serial) {
    g_mutex_unlock (&manager->lock);
    *key_index = index;
    return TRUE;
  }
  memcpy (material, manager->local_key, MEDIA_KEY_SIZE);
  kdf = manager->kdf;
  g_mutex_unlock (&manager->lock);

  key = gst_e2ee_key_new (kdf, material, MEDIA_KEY_SIZE, NULL);
  OPENSSL_cleanse (material, sizeof (material));
  if (!key)
    return FALSE;
  gst_e2ee_key_ring_set_key (ring, index, key);
  gst_e2ee_key_unref (key);
  *serial = s;
  *key_index = index;
  return TRUE;
}

/**
 * gst_e2ee_key_manager_sync_remote: (skip)
 * @manager: a key manager
 * @participant: (nullable): whose keys; %NULL for the only participant
 * @ring: the caller's key ring, of the default size
 * @serials: (array fixed-size=16) (inout): per slot, what the caller got;
 *   zeros at first
 * @resolved: (out) (transfer full) (nullable): the participant whose keys
 *   are now in @ring, or %NULL if there is none (no such participant, or
 *   not exactly one when @participant is %NULL)
 *
 * Updates the slots of @ring whose key changed for that participant. When
 * the participant is not the one of the previous call, the caller must clear
 * @ring and @serials first.
 *
 * Returns: %FALSE if no participant matched (then @ring is untouched)
 */
gboolean
gst_e2ee_key_manager_sync_remote (GstE2eeKeyManager * manager,
    const gchar * participant, GstE2eeKeyRing * ring, guint * serials,
    gchar ** resolved)
{
  guint8 keys[N_SLOTS][MEDIA_KEY_SIZE];
  gboolean have[N_SLOTS], changed[N_SLOTS];
  guint new_serials[N_SLOTS];
  Participant *p = NULL;
  GstE2eeKdf kdf;
  guint i;

  g_return_val_if_fail (GST_IS_E2EE_KEY_MANAGER (manager), FALSE);
  g_return_val_if_fail (gst_e2ee_key_ring_get_size (ring) == N_SLOTS, FALSE);

  *resolved = NULL;
  g_mutex_lock (&manager->lock);
  if (participant) {
    p = g_hash_table_lookup (manager->participants, participant);
  } else {
    GHashTableIter iter;
    Participant *q;
    guint n = 0;

    g_hash_table_iter_init (&iter, manager->participants);
    while (g_hash_table_iter_next (&iter, NULL, (gpointer *) & q))
      if (q->joined) {
        p = q;
        n++;
      }
    if (n != 1)
      p = NULL;
  }
  if (!p || !p->joined) {
    g_mutex_unlock (&manager->lock);
    return FALSE;
  }
  *resolved = g_strdup (p->id);
  kdf = manager->kdf;
  for (i = 0; i < N_SLOTS; i++) {
    changed[i] = p->serial[i] != serials[i];
    have[i] = p->have_key[i];
    new_serials[i] = p->serial[i];
    if (changed[i] && have[i])
      memcpy (keys[i], p->keys[i], MEDIA_KEY_SIZE);
  }
  g_mutex_unlock (&manager->lock);

  for (i = 0; i < N_SLOTS; i++) {
    GstE2eeKey *key = NULL;

    if (!changed[i])
      continue;
    if (have[i]) {
      key = gst_e2ee_key_new (kdf, keys[i], MEDIA_KEY_SIZE, NULL);
      OPENSSL_cleanse (keys[i], MEDIA_KEY_SIZE);
    }
    gst_e2ee_key_ring_set_key (ring, i, key);
    if (key)
      gst_e2ee_key_unref (key);
    serials[i] = new_serials[i];
  }
  return TRUE;
}
