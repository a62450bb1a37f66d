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

/* The SFrame keys of an element, shared by e2eeenc/e2eedec (format=sframe)
 * and rtpsframeenc/rtpsframedec so that frames and packets name and find
 * keys alike: an SFrame context with a bounded set of KIDs, filled from
 * static keys or from a key manager's ring (docs/keymanager.md, "SFrame
 * keys (format=sframe)"). */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <string.h>
#include <openssl/crypto.h>

#include "gste2eesframekeys.h"

GST_DEBUG_CATEGORY_STATIC (gst_e2ee_sframe_keys_debug);
#define GST_CAT_DEFAULT gst_e2ee_sframe_keys_debug

void
gst_e2ee_sframe_keys_init (GstE2eeSFrameKeys * keys, GstObject * owner,
    GstE2eeSFrameKeyUsage usage)
{
  GST_DEBUG_CATEGORY_INIT (gst_e2ee_sframe_keys_debug, "e2eesframekeys", 0,
      "SFrame keys of the e2ee elements");
  memset (keys, 0, sizeof (*keys));
  keys->owner = owner;
  keys->usage = usage;
}

/* Keeps the KIDs of the last GST_E2EE_KEY_RING_DEFAULT_SIZE keys, as the
 * JFrame ring keeps that many indexes: a receiver whose key-id keeps
 * changing holds a bounded number of keys; the oldest is removed (and
 * wiped). */
static void
forget_kid (GstE2eeSFrameKeys * keys, guint i)
{
  if (keys->ctx)
    gst_e2ee_sframe_context_remove_key (keys->ctx, keys->kids[i].kid);
  if (keys->kids[i].source)
    gst_e2ee_key_unref (keys->kids[i].source);
  memmove (&keys->kids[i], &keys->kids[i + 1],
      (keys->n_kids - i - 1) * sizeof (GstE2eeSFrameKid));
  keys->n_kids--;
}

static void
forget_kids (GstE2eeSFrameKeys * keys)
{
  while (keys->n_kids > 0)
    forget_kid (keys, keys->n_kids - 1);
}

static void
remember_kid (GstE2eeSFrameKeys * keys, guint64 kid, GstE2eeKey * source)
{
  guint i;

  for (i = 0; i < keys->n_kids; i++) {
    if (keys->kids[i].kid == kid) {
      GstE2eeSFrameKid k = keys->kids[i];

      /* most recent last */
      memmove (&keys->kids[i], &keys->kids[i + 1],
          (keys->n_kids - i - 1) * sizeof (GstE2eeSFrameKid));
      if (k.source)
        gst_e2ee_key_unref (k.source);
      k.source = source ? gst_e2ee_key_ref (source) : NULL;
      keys->kids[keys->n_kids - 1] = k;
      return;
    }
  }
  if (keys->n_kids == G_N_ELEMENTS (keys->kids))
    forget_kid (keys, 0);
  keys->kids[keys->n_kids].kid = kid;
  keys->kids[keys->n_kids].source = source ? gst_e2ee_key_ref (source) : NULL;
  keys->n_kids++;
}

/* The context and every KID in it go; what was learnt of the manager's
 * keys (whose they are, their generations) stays. */
static void
drop_context (GstE2eeSFrameKeys * keys)
{
  forget_kids (keys);
  g_clear_pointer (&keys->ctx, gst_e2ee_sframe_context_free);
#ifdef GST_E2EE_HAVE_KEY_MANAGER
  g_clear_pointer (&keys->send_key, gst_e2ee_key_unref);
  keys->send_generation = 0;
#endif
}

/* Frees the context with every KID it had and forgets the manager's keys:
 * a restart draws a new random CTR, nothing of the old run is reused. */
void
gst_e2ee_sframe_keys_reset (GstE2eeSFrameKeys * keys)
{
  drop_context (keys);
#ifdef GST_E2EE_HAVE_KEY_MANAGER
  for (guint i = 0; i < G_N_ELEMENTS (keys->anchor_key); i++)
    g_clear_pointer (&keys->anchor_key[i], gst_e2ee_key_unref);
  keys->have_tag = FALSE;
#endif
}

/* Makes the context if there is none. Another suite than the context's
 * (changed while playing) starts a new one: keys are bound to a suite. */
gboolean
gst_e2ee_sframe_keys_ensure_context (GstE2eeSFrameKeys * keys,
    GstE2eeSFrameSuite suite)
{
  if (keys->ctx && keys->suite == suite)
    return TRUE;
  drop_context (keys);
  keys->suite = suite;
  keys->ctx = gst_e2ee_sframe_context_new (suite);
  return keys->ctx != NULL;
}

/*
 * A static key: the base key of KID @kid, added to the context. A receiver
 * keeps the keys of the KIDs before (remember_kid()); a sender switches to
 * the new one. FALSE if the key does not fit the suite.
 */
gboolean
gst_e2ee_sframe_keys_add_static (GstE2eeSFrameKeys * keys,
    GstE2eeSFrameSuite suite, guint64 kid, const guint8 * material,
    gsize material_len)
{
  if (!gst_e2ee_sframe_keys_ensure_context (keys, suite))
    return FALSE;
  remember_kid (keys, kid, NULL);
  if (!gst_e2ee_sframe_context_add_key (keys->ctx, kid, material,
          material_len, keys->usage)
      || (keys->usage == GST_E2EE_SFRAME_KEY_ENCRYPT
          && !gst_e2ee_sframe_context_set_encrypt_kid (keys->ctx, kid))) {
    forget_kid (keys, keys->n_kids - 1);
    return FALSE;
  }
  GST_INFO_OBJECT (keys->owner, "installed SFrame key with KID %"
      G_GUINT64_FORMAT, kid);
  return TRUE;
}

#ifdef GST_E2EE_HAVE_KEY_MANAGER
/*
 * With a key manager (docs/keymanager.md, "SFrame keys"): the SFrame base
 * key of a sender is its media key material (the ring's key), and
 * KID = sender tag << 16 | key index << 8 | ratchet generation, the tag
 * being the first 4 bytes (big-endian) of SHA-256 of the sender's
 * participant id, and the generation the manager's ratchet count of that
 * index's key. A receiver finds the generation of a key it got by trial,
 * once, and derives later generations forward from it.
 */

guint32
gst_e2ee_sframe_keys_sender_tag (const gchar * participant)
{
  GChecksum *sum = g_checksum_new (G_CHECKSUM_SHA256);
  guint8 digest[32];
  gsize len = sizeof (digest);

  g_checksum_update (sum, (const guchar *) participant, strlen (participant));
  g_checksum_get_digest (sum, digest, &len);
  g_checksum_free (sum);
  return GST_READ_UINT32_BE (digest);
}

guint64
gst_e2ee_sframe_keys_managed_kid (guint32 tag, guint index, guint generation)
{
  return ((guint64) tag << 16) | ((guint64) (index & 0xff) << 8)
      | (generation & 0xff);
}

/*
 * The subscription changed the ring (or is new): learn whose keys it holds
 * now, and drop every KID made from a key that is no longer in the ring, so
 * a leaver's keys (emptied from the ring) never open a frame again.
 */
void
gst_e2ee_sframe_keys_ring_changed (GstE2eeSFrameKeys * keys,
    GstE2eeKeySubscription * sub, GstE2eeKeyRing * ring)
{
  gchar *id = sub ? gst_e2ee_key_subscription_dup_participant (sub) : NULL;
  guint32 tag = id ? gst_e2ee_sframe_keys_sender_tag (id) : 0;
  guint i;

  if (!id || !keys->have_tag || tag != keys->tag) {
    /* another sender: nothing of the last one's is kept */
    forget_kids (keys);
    for (i = 0; i < G_N_ELEMENTS (keys->anchor_key); i++)
      g_clear_pointer (&keys->anchor_key[i], gst_e2ee_key_unref);
    g_clear_pointer (&keys->send_key, gst_e2ee_key_unref);
  }
  keys->have_tag = id != NULL;
  keys->tag = tag;
  g_free (id);

  for (i = keys->n_kids; i-- > 0;) {
    GstE2eeKey *cur = gst_e2ee_key_ring_get_key (ring,
        (keys->kids[i].kid >> 8) & 0xff);

    if (keys->kids[i].source && cur != keys->kids[i].source)
      forget_kid (keys, i);
    if (cur)
      gst_e2ee_key_unref (cur);
  }
  for (i = 0; i < G_N_ELEMENTS (keys->anchor_key); i++) {
    GstE2eeKey *cur = gst_e2ee_key_ring_get_key (ring, i);

    if (keys->anchor_key[i] && cur != keys->anchor_key[i])
      g_clear_pointer (&keys->anchor_key[i], gst_e2ee_key_unref);
    if (cur)
      gst_e2ee_key_unref (cur);
  }
}

/*
 * Sender: sends with the ring's key of @index, under the KID of its
 * generation. Without a key nothing is sent (the context goes: fail
 * closed). FALSE if the key cannot serve as a base key (the caller posts
 * the error).
 */
gboolean
gst_e2ee_sframe_keys_send_update (GstE2eeSFrameKeys * keys,
    GstE2eeKeySubscription * sub, GstE2eeKeyRing * ring,
    GstE2eeSFrameSuite suite, guint index)
{
  GstE2eeKey *key = gst_e2ee_key_ring_get_key (ring, index);
  guint generation;
  guint64 kid;

  if (!key || !keys->have_tag) {
    if (key)
      gst_e2ee_key_unref (key);
    gst_e2ee_sframe_keys_reset (keys);
    return TRUE;
  }
  if (keys->ctx && keys->suite == suite && key == keys->send_key
      && index == keys->send_index) {
    gst_e2ee_key_unref (key);
    return TRUE;
  }

  /* the manager's count, not ours: every encoder of this participant,
   * started before or after a join, names a key alike */
  generation = sub ? gst_e2ee_key_subscription_get_ratchets (sub) : 0;

  kid = gst_e2ee_sframe_keys_managed_kid (keys->tag, index, generation);
  if (!gst_e2ee_sframe_keys_ensure_context (keys, suite)
      || !gst_e2ee_sframe_context_add_media_key (keys->ctx, kid, key,
          GST_E2EE_SFRAME_KEY_ENCRYPT)
      || !gst_e2ee_sframe_context_set_encrypt_kid (keys->ctx, kid)) {
    gst_e2ee_key_unref (key);
    return FALSE;
  }
  remember_kid (keys, kid, key);
  g_clear_pointer (&keys->send_key, gst_e2ee_key_unref);
  keys->send_key = key;
  keys->send_index = index;
  keys->send_generation = generation;
  GST_INFO_OBJECT (keys->owner, "sending with SFrame KID %"
      G_GINT64_MODIFIER "x (key index %u, generation %u)", kid, index,
      generation);
  return TRUE;
}

/* Whether the context holds KID @kid (for @suite): a frame under it needs
 * no preparation. */
gboolean
gst_e2ee_sframe_keys_knows (GstE2eeSFrameKeys * keys, GstE2eeSFrameSuite suite,
    guint64 kid)
{
  if (!keys->ctx || keys->suite != suite)
    return FALSE;
  for (guint i = 0; i < keys->n_kids; i++)
    if (keys->kids[i].kid == kid)
      return TRUE;
  return FALSE;
}

/*
 * Receiver, before the SFrame @sframe (header, ciphertext, tag) is opened:
 * makes sure the context has the key of its KID, if it is the subscribed
 * sender's. A KID seen before is there already. A new generation of a key
 * whose generation is known is derived forward (at most @window steps,
 * never backwards); the first KID of a new key is found by trial (its
 * generation, then up to @window ratchets), and only a KID whose key
 * authenticates the frame is kept, so forged frames cannot push real KIDs
 * out of the context. Without a subscription there is nothing to prepare.
 */
GstE2eeFrameResult
gst_e2ee_sframe_keys_prepare (GstE2eeSFrameKeys * keys,
    GstE2eeKeySubscription * sub, GstE2eeKeyRing * ring,
    GstE2eeSFrameSuite suite, const guint8 * sframe, gsize size,
    guint window, guint * n_ratchets)
{
  GstE2eeFrameResult res = GST_E2EE_FRAME_AUTH_FAILED;
  GstE2eeKey *key, *cur;
  guint index, slot, generation, lo = 0, hi = window, s;
  guint64 kid;
  gsize plain;
  guint8 *scratch;

  if (!sub)
    return GST_E2EE_FRAME_OK;

  if (!gst_e2ee_sframe_header_read (sframe, size, &kid, NULL, NULL))
    return GST_E2EE_FRAME_BAD_HEADER;
  if (gst_e2ee_sframe_keys_knows (keys, suite, kid))
    return GST_E2EE_FRAME_OK;
  /* another sender's frame (or a forged KID): refused unread */
  if (!keys->have_tag || (kid >> 16) != keys->tag)
    return GST_E2EE_FRAME_MISSING_KEY;

  index = (kid >> 8) & 0xff;
  generation = kid & 0xff;
  slot = index % gst_e2ee_key_ring_get_size (ring);
  key = gst_e2ee_key_ring_get_key (ring, index);
  if (!key)
    return GST_E2EE_FRAME_MISSING_KEY;
  if (keys->anchor_key[slot] == key) {
    lo = hi = (generation - keys->anchor_generation[slot]) & 0xff;
    if (lo > window) {
      gst_e2ee_key_unref (key);
      return GST_E2EE_FRAME_MISSING_KEY;
    }
  }
  if (!gst_e2ee_sframe_keys_ensure_context (keys, suite)) {
    gst_e2ee_key_unref (key);
    return GST_E2EE_FRAME_CRYPTO_ERROR;
  }

  /* out of place, as a failed attempt must leave the frame as it came;
   * only the first frame of a new KID pays for it */
  scratch = g_malloc (size);
  cur = gst_e2ee_key_ref (key);
  for (s = 0; s <= hi; s++) {
    GstE2eeFrameResult r;

    if (s > 0) {
      GstE2eeKey *next = gst_e2ee_key_can_ratchet (cur) ?
          gst_e2ee_key_ratchet (cur, NULL) : NULL;

      gst_e2ee_key_unref (cur);
      cur = next;
      if (!cur)
        break;
      (*n_ratchets)++;
    }
    if (s < lo)
      continue;
    if (!gst_e2ee_sframe_context_add_media_key (keys->ctx, kid, cur,
            GST_E2EE_SFRAME_KEY_DECRYPT)) {
      res = GST_E2EE_FRAME_CRYPTO_ERROR;
      break;
    }
    r = gst_e2ee_sframe_context_open (keys->ctx, NULL, 0, sframe, size,
        scratch, size, &plain);
    if (r == GST_E2EE_FRAME_OK) {
      /* again, with a fresh replay window for the real open */
      if (!gst_e2ee_sframe_context_add_media_key (keys->ctx, kid, cur,
              GST_E2EE_SFRAME_KEY_DECRYPT)) {
        res = GST_E2EE_FRAME_CRYPTO_ERROR;
        gst_e2ee_sframe_context_remove_key (keys->ctx, kid);
        break;
      }
      remember_kid (keys, kid, key);
      if (keys->anchor_key[slot] != key) {
        g_clear_pointer (&keys->anchor_key[slot], gst_e2ee_key_unref);
        keys->anchor_key[slot] = gst_e2ee_key_ref (key);
        keys->anchor_generation[slot] = (generation - s) & 0xff;
      }
      GST_INFO_OBJECT (keys->owner, "new SFrame KID %" G_GINT64_MODIFIER
          "x (%u ratchets from the key of index %u)", kid, s, index);
      res = GST_E2EE_FRAME_OK;
      break;
    }
    gst_e2ee_sframe_context_remove_key (keys->ctx, kid);
    if (r != GST_E2EE_FRAME_AUTH_FAILED) {
      res = r;
      break;
    }
  }
  if (cur)
    gst_e2ee_key_unref (cur);
  OPENSSL_cleanse (scratch, size);
  g_free (scratch);
  gst_e2ee_key_unref (key);
  return res;
}
#endif /* GST_E2EE_HAVE_KEY_MANAGER */
