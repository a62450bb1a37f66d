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

/* Test-only accessors: see gste2eekeymanager-test.h. They hand secrets to
 * the secret-hygiene test, which looks for them in logs and freed memory:
 * nothing here may log them, and the caller wipes what it gets. */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gste2eekeymanager-test.h"
#include "gste2eekeymanager-private.h"

#include <string.h>

/* gst_e2ee_key_manager_test_dup_media_keys:
 * @n_keys: how many keys
 *
 * Every media key @self holds now: its own, the next one if it waits for
 * acknowledgements, and those of its participants, MEDIA_KEY_SIZE bytes
 * each. Wipe the block before freeing it.
 */
guint8 *
gst_e2ee_key_manager_test_dup_media_keys (GstE2eeKeyManager * self,
    guint * n_keys)
{
  GHashTableIter iter;
  Participant *p;
  guint8 *keys;
  guint n = 0, slot;

  GST_E2EE_KEY_MANAGER_LOCK (self);
  keys = g_malloc ((2 + g_hash_table_size (self->participants) * N_SLOTS) *
      MEDIA_KEY_SIZE);
  memcpy (keys + n++ * MEDIA_KEY_SIZE, self->local_key, MEDIA_KEY_SIZE);
  if (self->have_next_key)
    memcpy (keys + n++ * MEDIA_KEY_SIZE, self->next_key, MEDIA_KEY_SIZE);
  g_hash_table_iter_init (&iter, self->participants);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) & p))
    for (slot = 0; slot < N_SLOTS; slot++)
      if (p->have_key[slot])
        memcpy (keys + n++ * MEDIA_KEY_SIZE, p->keys[slot], MEDIA_KEY_SIZE);
  GST_E2EE_KEY_MANAGER_UNLOCK (self);
  *n_keys = n;
  return keys;
}

/* gst_e2ee_key_manager_test_dup_pickles:
 * @key: the pickle key; NULL: the manager's state key
 *
 * Returns: the pickle of @self's olm account, then those of its olm
 * sessions; an array without a free function (the caller wipes and frees
 * each).
 */
GPtrArray *
gst_e2ee_key_manager_test_dup_pickles (GstE2eeKeyManager * self,
    const guint8 * key, gsize key_len)
{
  GPtrArray *pickles = g_ptr_array_new ();
  GHashTableIter iter;
  Participant *p;

  GST_E2EE_KEY_MANAGER_LOCK (self);
  if (!key) {
    key = self->state_key;
    key_len = sizeof (self->state_key);
  }
  g_ptr_array_add (pickles, gst_e2ee_olm_account_pickle (self->account, key,
          key_len));
  g_hash_table_iter_init (&iter, self->participants);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) & p))
    if (p->session)
      g_ptr_array_add (pickles, gst_e2ee_olm_session_pickle (p->session, key,
              key_len));
  GST_E2EE_KEY_MANAGER_UNLOCK (self);
  return pickles;
}

/* gst_e2ee_key_manager_test_count_sessions:
 * Returns: how many participants of @self have an olm session now (the
 * `sessions` stat counts sessions ever made)
 */
guint
gst_e2ee_key_manager_test_count_sessions (GstE2eeKeyManager * self)
{
  GHashTableIter iter;
  Participant *p;
  guint n = 0;

  GST_E2EE_KEY_MANAGER_LOCK (self);
  g_hash_table_iter_init (&iter, self->participants);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) & p))
    if (p->session)
      n++;
  GST_E2EE_KEY_MANAGER_UNLOCK (self);
  return n;
}

/* gst_e2ee_key_manager_test_count_keys_awaiting_ack:
 * Returns: the key-infos of @self still waiting for an acknowledgement,
 * plus one for a next key not yet in use
 */
guint
gst_e2ee_key_manager_test_count_keys_awaiting_ack (GstE2eeKeyManager * self)
{
  guint n;

  GST_E2EE_KEY_MANAGER_LOCK (self);
  n = g_hash_table_size (self->awaiting_ack) + (self->have_next_key ? 1 : 0);
  GST_E2EE_KEY_MANAGER_UNLOCK (self);
  return n;
}
