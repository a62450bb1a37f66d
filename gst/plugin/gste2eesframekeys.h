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

#ifndef __GST_E2EE_SFRAME_KEYS_H__
#define __GST_E2EE_SFRAME_KEYS_H__

#include <gst/gst.h>
#include <gst/e2ee/e2ee.h>

G_BEGIN_DECLS

/* A KID in the SFrame context and, with a key manager, the ring key it was
 * made from (owned; NULL for a static key's). */
typedef struct
{
  guint64 kid;
  GstE2eeKey *source;
} GstE2eeSFrameKid;

/*
 * The SFrame keys of one element (e2eeenc/e2eedec with format=sframe,
 * rtpsframeenc/rtpsframedec): an SFrame context, the KIDs it holds (at most
 * GST_E2EE_KEY_RING_DEFAULT_SIZE, oldest first) and, with a key manager,
 * what maps the manager's ring to KIDs (docs/keymanager.md, "SFrame keys").
 * Not thread-safe: the owner's streaming thread only (and start, stop,
 * finalize).
 */
typedef struct
{
  /* for logging only, not owned */
  GstObject *owner;
  GstE2eeSFrameKeyUsage usage;
  GstE2eeSFrameSuite suite;     /* of ctx, when there is one */
  GstE2eeSFrameContext *ctx;
  GstE2eeSFrameKid kids[GST_E2EE_KEY_RING_DEFAULT_SIZE];
  guint n_kids;
#ifdef GST_E2EE_HAVE_KEY_MANAGER
  /* the sender tag of the participant the ring's keys are of */
  guint32 tag;
  gboolean have_tag;
  /* sender: the key sent with, its key index and ratchet generation */
  GstE2eeKey *send_key;
  guint send_index;
  guint send_generation;
  /* receiver: per ring slot, a key whose generation is known */
  GstE2eeKey *anchor_key[GST_E2EE_KEY_RING_DEFAULT_SIZE];
  guint anchor_generation[GST_E2EE_KEY_RING_DEFAULT_SIZE];
#endif
} GstE2eeSFrameKeys;

G_GNUC_INTERNAL
void gst_e2ee_sframe_keys_init (GstE2eeSFrameKeys * keys, GstObject * owner,
    GstE2eeSFrameKeyUsage usage);

G_GNUC_INTERNAL
void gst_e2ee_sframe_keys_reset (GstE2eeSFrameKeys * keys);

G_GNUC_INTERNAL
gboolean gst_e2ee_sframe_keys_ensure_context (GstE2eeSFrameKeys * keys,
    GstE2eeSFrameSuite suite);

G_GNUC_INTERNAL
gboolean gst_e2ee_sframe_keys_add_static (GstE2eeSFrameKeys * keys,
    GstE2eeSFrameSuite suite, guint64 kid, const guint8 * material,
    gsize material_len);

#ifdef GST_E2EE_HAVE_KEY_MANAGER
G_GNUC_INTERNAL
guint32 gst_e2ee_sframe_keys_sender_tag (const gchar * participant);

G_GNUC_INTERNAL
guint64 gst_e2ee_sframe_keys_managed_kid (guint32 tag, guint index,
    guint generation);

G_GNUC_INTERNAL
void gst_e2ee_sframe_keys_ring_changed (GstE2eeSFrameKeys * keys,
    GstE2eeKeySubscription * sub, GstE2eeKeyRing * ring);

G_GNUC_INTERNAL
gboolean gst_e2ee_sframe_keys_send_update (GstE2eeSFrameKeys * keys,
    GstE2eeKeySubscription * sub, GstE2eeKeyRing * ring,
    GstE2eeSFrameSuite suite, guint index);

G_GNUC_INTERNAL
gboolean gst_e2ee_sframe_keys_knows (GstE2eeSFrameKeys * keys,
    GstE2eeSFrameSuite suite, guint64 kid);

G_GNUC_INTERNAL
GstE2eeFrameResult gst_e2ee_sframe_keys_prepare (GstE2eeSFrameKeys * keys,
    GstE2eeKeySubscription * sub, GstE2eeKeyRing * ring,
    GstE2eeSFrameSuite suite, const guint8 * sframe, gsize size,
    guint window, guint * n_ratchets);
#endif

G_END_DECLS

#endif /* __GST_E2EE_SFRAME_KEYS_H__ */
