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
 * SECTION:gste2eekeyring
 * @title: GstE2eeKeyRing
 * @short_description: the keys of one sender, by key index
 *
 * A ring has a fixed number of slots (16 by default, as the Jitsi and LiveKit
 * web clients). Key index n lives in slot n % size, and a frame's KID byte
 * names the slot. Setting a key keeps the slot's former key as "previous",
 * so that frames already encrypted under it still open; the decryptor tries
 * the current key, then the previous one, then the ratchet.
 *
 * The ring takes its own lock only to swap key references; cryptography
 * happens outside it, on a reference, so the streaming thread never waits
 * for a key exchange and the other way round.
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gste2eekeyring-private.h"

typedef struct
{
  GstE2eeKey *current;
  GstE2eeKey *previous;
} Slot;

struct _GstE2eeKeyRing
{
  gint refcount;
  guint size;
  GMutex lock;
  /* protected by lock */
  guint generation;
  Slot *slots;
};

G_DEFINE_BOXED_TYPE (GstE2eeKeyRing, gst_e2ee_key_ring, gst_e2ee_key_ring_ref,
    gst_e2ee_key_ring_unref);

/**
 * gst_e2ee_key_ring_new:
 * @size: number of slots, 1 to 256; 0 for the default
 *
 * Returns: (transfer full): an empty ring
 *
 * Since: 0.1
 */
GstE2eeKeyRing *
gst_e2ee_key_ring_new (guint size)
{
  GstE2eeKeyRing *ring;

  g_return_val_if_fail (size <= 256, NULL);

  if (size == 0)
    size = GST_E2EE_KEY_RING_DEFAULT_SIZE;

  ring = g_new0 (GstE2eeKeyRing, 1);
  ring->refcount = 1;
  ring->size = size;
  g_mutex_init (&ring->lock);
  ring->slots = g_new0 (Slot, size);
  return ring;
}

/**
 * gst_e2ee_key_ring_ref:
 * @ring: a ring
 *
 * Returns: (transfer full): @ring
 *
 * Since: 0.1
 */
GstE2eeKeyRing *
gst_e2ee_key_ring_ref (GstE2eeKeyRing * ring)
{
  g_return_val_if_fail (ring != NULL, NULL);

  g_atomic_int_inc (&ring->refcount);
  return ring;
}

/**
 * gst_e2ee_key_ring_unref:
 * @ring: (transfer full): a ring
 *
 * Drops a reference; the last one releases every key (which wipes them).
 *
 * Since: 0.1
 */
void
gst_e2ee_key_ring_unref (GstE2eeKeyRing * ring)
{
  g_return_if_fail (ring != NULL);

  if (!g_atomic_int_dec_and_test (&ring->refcount))
    return;

  gst_e2ee_key_ring_clear (ring);
  g_free (ring->slots);
  g_mutex_clear (&ring->lock);
  g_free (ring);
}

/**
 * gst_e2ee_key_ring_get_size:
 * @ring: a ring
 *
 * Returns: the number of slots
 *
 * Since: 0.1
 */
guint
gst_e2ee_key_ring_get_size (GstE2eeKeyRing * ring)
{
  g_return_val_if_fail (ring != NULL, 0);

  return ring->size;
}

/**
 * gst_e2ee_key_ring_set_key:
 * @ring: a ring
 * @index: the key index
 * @key: (transfer none) (nullable): the key, or %NULL to empty the slot
 *
 * Puts @key in slot @index % size; the key it replaces becomes the slot's
 * previous key. %NULL empties the slot, previous key included.
 *
 * MT safe.
 *
 * Since: 0.1
 */
void
gst_e2ee_key_ring_set_key (GstE2eeKeyRing * ring, guint index, GstE2eeKey * key)
{
  Slot *slot;
  GstE2eeKey *drop1 = NULL, *drop2 = NULL;

  g_return_if_fail (ring != NULL);

  g_mutex_lock (&ring->lock);
  slot = &ring->slots[index % ring->size];
  if (key) {
    drop1 = slot->previous;
    slot->previous = slot->current;
    slot->current = gst_e2ee_key_ref (key);
  } else {
    drop1 = slot->previous;
    drop2 = slot->current;
    slot->previous = slot->current = NULL;
  }
  ring->generation++;
  g_mutex_unlock (&ring->lock);

  if (drop1)
    gst_e2ee_key_unref (drop1);
  if (drop2)
    gst_e2ee_key_unref (drop2);
}

/**
 * gst_e2ee_key_ring_get_key:
 * @ring: a ring
 * @index: a key index or KID
 *
 * Returns: (transfer full) (nullable): the current key of the slot
 *
 * MT safe.
 *
 * Since: 0.1
 */
GstE2eeKey *
gst_e2ee_key_ring_get_key (GstE2eeKeyRing * ring, guint index)
{
  GstE2eeKey *key;

  g_return_val_if_fail (ring != NULL, NULL);

  g_mutex_lock (&ring->lock);
  key = ring->slots[index % ring->size].current;
  if (key)
    gst_e2ee_key_ref (key);
  g_mutex_unlock (&ring->lock);
  return key;
}

/*
 * gst_e2ee_key_ring_get_previous_key:
 * @ring: a ring
 * @index: a key index or KID
 *
 * Returns: (transfer full) (nullable): the key the slot held before
 *
 * MT safe.
 */
GstE2eeKey *
gst_e2ee_key_ring_get_previous_key (GstE2eeKeyRing * ring, guint index)
{
  GstE2eeKey *key;

  g_return_val_if_fail (ring != NULL, NULL);

  g_mutex_lock (&ring->lock);
  key = ring->slots[index % ring->size].previous;
  if (key)
    gst_e2ee_key_ref (key);
  g_mutex_unlock (&ring->lock);
  return key;
}

/*
 * gst_e2ee_key_ring_replace_key:
 * @ring: a ring
 * @index: a key index or KID
 * @old_key: the key the caller read from the slot
 * @new_key: (transfer none): its replacement (a ratchet of it)
 *
 * Replaces the slot's current key by @new_key only if it is still @old_key,
 * so a ratchet found on the streaming thread never overwrites a key that the
 * application set meanwhile. @old_key becomes the previous key.
 *
 * Returns: %TRUE if the slot was changed
 *
 * MT safe.
 */
gboolean
gst_e2ee_key_ring_replace_key (GstE2eeKeyRing * ring, guint index,
    GstE2eeKey * old_key, GstE2eeKey * new_key)
{
  Slot *slot;
  GstE2eeKey *drop = NULL;
  gboolean ret = FALSE;

  g_return_val_if_fail (ring != NULL && new_key != NULL, FALSE);

  g_mutex_lock (&ring->lock);
  slot = &ring->slots[index % ring->size];
  if (slot->current == old_key) {
    drop = slot->previous;
    slot->previous = slot->current;
    slot->current = gst_e2ee_key_ref (new_key);
    ring->generation++;
    ret = TRUE;
  }
  g_mutex_unlock (&ring->lock);

  if (drop)
    gst_e2ee_key_unref (drop);
  return ret;
}

/*
 * gst_e2ee_key_ring_get_generation:
 * @ring: a ring
 *
 * Returns: a counter that changes whenever a slot changes
 */
guint
gst_e2ee_key_ring_get_generation (GstE2eeKeyRing * ring)
{
  guint gen;

  g_return_val_if_fail (ring != NULL, 0);

  g_mutex_lock (&ring->lock);
  gen = ring->generation;
  g_mutex_unlock (&ring->lock);
  return gen;
}

/**
 * gst_e2ee_key_ring_clear:
 * @ring: a ring
 *
 * Empties every slot.
 *
 * MT safe.
 *
 * Since: 0.1
 */
void
gst_e2ee_key_ring_clear (GstE2eeKeyRing * ring)
{
  guint i;

  g_return_if_fail (ring != NULL);

  for (i = 0; i < ring->size; i++)
    gst_e2ee_key_ring_set_key (ring, i, NULL);
}
