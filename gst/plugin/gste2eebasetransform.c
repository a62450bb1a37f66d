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
 * The part e2eeenc and e2eedec share: the key properties, turned into a
 * GstE2eeKey on the streaming thread the first time a frame needs it (so a
 * key set in PLAYING applies from the next frame and the order of properties
 * on a gst-launch line does not matter), the key ring, the stream's codec and
 * the counters behind the "stats" property.
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gste2eebasetransform.h"
#include "gste2eemanagercontext.h"
#include "gste2eesframekeys.h"
#include "gste2eei18n.h"

#include <string.h>
#include <openssl/crypto.h>

GST_DEBUG_CATEGORY_STATIC (gst_e2ee_base_transform_debug);
#define GST_CAT_DEFAULT gst_e2ee_base_transform_debug

#define DEFAULT_KEY_INDEX 0
#define DEFAULT_KDF GST_E2EE_KDF_JITSI
#define DEFAULT_FORMAT GST_E2EE_FRAME_FORMAT_JFRAME
#define DEFAULT_SFRAME_SUITE GST_E2EE_SFRAME_SUITE_AES_128_GCM_SHA256_128
#define DEFAULT_KEY_ID 0

typedef struct
{
  /* GST_E2EE_BASE_TRANSFORM_LOCK */
  guint8 *material;
  /* GST_E2EE_BASE_TRANSFORM_LOCK */
  gsize material_len;
  /* GST_E2EE_BASE_TRANSFORM_LOCK; a key buffer was set (possibly of 0
   * bytes, which is an error) */
  gboolean have_material;
  /* GST_E2EE_BASE_TRANSFORM_LOCK */
  gchar *passphrase;
  /* GST_E2EE_BASE_TRANSFORM_LOCK */
  GstE2eeKdf kdf;
  /* GST_E2EE_BASE_TRANSFORM_LOCK */
  guint key_index;
  /* GST_E2EE_BASE_TRANSFORM_LOCK; written by the streaming thread only:
   * the index under which the key built from the properties went into the
   * ring, from the same snapshot as the key. Frames name this index, not
   * key_index, which may already be a newer one whose key is not built
   * yet (its slot then holds the key of 16 indexes earlier). */
  guint installed_index;
  /* GST_E2EE_BASE_TRANSFORM_LOCK; the key properties changed since the
   * ring was filled from them */
  gboolean dirty;
  /* GST_E2EE_BASE_TRANSFORM_LOCK; counts changes of the key properties */
  guint cookie;
  /* GST_E2EE_BASE_TRANSFORM_LOCK */
  GstE2eeCodec codec;
  /* GST_E2EE_BASE_TRANSFORM_LOCK */
  GstE2eeStats stats;

#ifdef GST_E2EE_HAVE_KEY_MANAGER
  /* GST_E2EE_BASE_TRANSFORM_LOCK; the key manager, if any */
  GstE2eeKeyManager *manager;
  /* GST_E2EE_BASE_TRANSFORM_LOCK; the manager or what the subclass
   * subscribes to changed: subscribe again before the next frame */
  gboolean resubscribe;
  /* streaming thread only (and start, stop, finalize): what keeps the
   * manager's keys in the ring */
  GstE2eeKeySubscription *subscription;
#endif

  /* immutable after init; the ring has a lock of its own */
  GstE2eeKeyRing *ring;

  /* GST_E2EE_BASE_TRANSFORM_LOCK; changed in READY or below only */
  GstE2eeFrameFormat format;
  /* GST_E2EE_BASE_TRANSFORM_LOCK; changed in READY or below only */
  GstE2eeSFrameSuite sframe_suite;
  /* GST_E2EE_BASE_TRANSFORM_LOCK; the KID of the key property's key */
  guint64 key_id;
  /* streaming thread only (and start, stop, finalize): format=sframe's
   * keys, from the key property or the key manager; the context is not
   * thread-safe and only that thread uses it */
  GstE2eeSFrameKeys sframe;
} GstE2eeBaseTransformPrivate;

G_DEFINE_ABSTRACT_TYPE_WITH_CODE (GstE2eeBaseTransform,
    gst_e2ee_base_transform, GST_TYPE_BASE_TRANSFORM,
    G_ADD_PRIVATE (GstE2eeBaseTransform);
    GST_DEBUG_CATEGORY_INIT (gst_e2ee_base_transform_debug, "e2eebase", 0,
        "e2ee element base"));

#define GET_PRIV(obj) \
    ((GstE2eeBaseTransformPrivate *) \
    gst_e2ee_base_transform_get_instance_private (GST_E2EE_BASE_TRANSFORM (obj)))

/* Frees format=sframe's context with every KID it had. */
static void
free_sframe (GstE2eeBaseTransformPrivate * priv)
{
  gst_e2ee_sframe_keys_reset (&priv->sframe);
}

static void
wipe_config_locked (GstE2eeBaseTransformPrivate * priv)
{
  if (priv->material) {
    OPENSSL_cleanse (priv->material, priv->material_len);
    g_clear_pointer (&priv->material, g_free);
    priv->material_len = 0;
  }
  priv->have_material = FALSE;
  if (priv->passphrase) {
    OPENSSL_cleanse (priv->passphrase, strlen (priv->passphrase));
    g_clear_pointer (&priv->passphrase, g_free);
  }
}

static void
mark_dirty_locked (GstE2eeBaseTransformPrivate * priv)
{
  priv->dirty = TRUE;
  priv->cookie++;
}

static void
gst_e2ee_base_transform_set_property (GObject * object, guint prop_id,
    const GValue * value, GParamSpec * pspec)
{
  GstE2eeBaseTransformPrivate *priv = GET_PRIV (object);

  switch (prop_id) {
    case GST_E2EE_BASE_TRANSFORM_PROP_KEY:{
      GstBuffer *buf = g_value_get_boxed (value);
      GstMapInfo map;

      GST_E2EE_BASE_TRANSFORM_LOCK (object);
      wipe_config_locked (priv);
      if (buf && gst_buffer_map (buf, &map, GST_MAP_READ)) {
        priv->material = g_memdup2 (map.data, map.size);
        priv->material_len = map.size;
        priv->have_material = TRUE;
        gst_buffer_unmap (buf, &map);
      }
      mark_dirty_locked (priv);
      GST_E2EE_BASE_TRANSFORM_UNLOCK (object);
      GST_DEBUG_OBJECT (object, "key set (%" G_GSIZE_FORMAT " bytes)",
          buf ? gst_buffer_get_size (buf) : 0);
      break;
    }
    case GST_E2EE_BASE_TRANSFORM_PROP_PASSPHRASE:{
      const gchar *pass = g_value_get_string (value);

      GST_E2EE_BASE_TRANSFORM_LOCK (object);
      wipe_config_locked (priv);
      priv->passphrase = g_strdup (pass);
      mark_dirty_locked (priv);
      GST_E2EE_BASE_TRANSFORM_UNLOCK (object);
      GST_DEBUG_OBJECT (object, "passphrase set");
      break;
    }
    case GST_E2EE_BASE_TRANSFORM_PROP_KEY_INDEX:
      GST_E2EE_BASE_TRANSFORM_LOCK (object);
      priv->key_index = g_value_get_uint (value);
      mark_dirty_locked (priv);
      GST_E2EE_BASE_TRANSFORM_UNLOCK (object);
      break;
    case GST_E2EE_BASE_TRANSFORM_PROP_KDF:
      GST_E2EE_BASE_TRANSFORM_LOCK (object);
      priv->kdf = g_value_get_enum (value);
      mark_dirty_locked (priv);
      GST_E2EE_BASE_TRANSFORM_UNLOCK (object);
      break;
#ifdef GST_E2EE_HAVE_KEY_MANAGER
    case GST_E2EE_BASE_TRANSFORM_PROP_KEY_MANAGER:
      GST_E2EE_BASE_TRANSFORM_LOCK (object);
      gst_object_replace ((GstObject **) & priv->manager,
          g_value_get_object (value));
      priv->resubscribe = TRUE;
      GST_E2EE_BASE_TRANSFORM_UNLOCK (object);
      break;
#endif
    case GST_E2EE_BASE_TRANSFORM_PROP_FORMAT:
      GST_E2EE_BASE_TRANSFORM_LOCK (object);
      priv->format = g_value_get_enum (value);
      mark_dirty_locked (priv);
      GST_E2EE_BASE_TRANSFORM_UNLOCK (object);
      break;
    case GST_E2EE_BASE_TRANSFORM_PROP_SFRAME_SUITE:
      GST_E2EE_BASE_TRANSFORM_LOCK (object);
      priv->sframe_suite = g_value_get_enum (value);
      mark_dirty_locked (priv);
      GST_E2EE_BASE_TRANSFORM_UNLOCK (object);
      break;
    case GST_E2EE_BASE_TRANSFORM_PROP_KEY_ID:
      GST_E2EE_BASE_TRANSFORM_LOCK (object);
      priv->key_id = g_value_get_uint64 (value);
      mark_dirty_locked (priv);
      GST_E2EE_BASE_TRANSFORM_UNLOCK (object);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      break;
  }
}

static GstStructure *
make_stats (GstE2eeBaseTransform * self)
{
  GstE2eeBaseTransformClass *klass = GST_E2EE_BASE_TRANSFORM_GET_CLASS (self);
  GstE2eeBaseTransformPrivate *priv = GET_PRIV (self);
  GstStructure *s;

  s = gst_structure_new_empty (klass->stats_name);
  GST_E2EE_BASE_TRANSFORM_LOCK (self);
  gst_structure_set (s,
      "frames-in", G_TYPE_UINT64, priv->stats.frames_in,
      "frames-out", G_TYPE_UINT64, priv->stats.frames_out,
      "bytes-in", G_TYPE_UINT64, priv->stats.bytes_in,
      "bytes-out", G_TYPE_UINT64, priv->stats.bytes_out,
      "dropped", G_TYPE_UINT64, priv->stats.dropped,
      "missing-key", G_TYPE_UINT64, priv->stats.missing_key,
      "auth-failed", G_TYPE_UINT64, priv->stats.auth_failed,
      "bad-frames", G_TYPE_UINT64, priv->stats.bad_frames,
      "ratchets", G_TYPE_UINT64, priv->stats.ratchets, NULL);
  if (klass->add_stats)
    klass->add_stats (self, s);
  GST_E2EE_BASE_TRANSFORM_UNLOCK (self);
  return s;
}

static void
gst_e2ee_base_transform_get_property (GObject * object, guint prop_id,
    GValue * value, GParamSpec * pspec)
{
  GstE2eeBaseTransform *self = GST_E2EE_BASE_TRANSFORM (object);
  GstE2eeBaseTransformPrivate *priv = GET_PRIV (object);

  switch (prop_id) {
    case GST_E2EE_BASE_TRANSFORM_PROP_KEY_INDEX:
      GST_E2EE_BASE_TRANSFORM_LOCK (object);
      g_value_set_uint (value, priv->key_index);
      GST_E2EE_BASE_TRANSFORM_UNLOCK (object);
      break;
    case GST_E2EE_BASE_TRANSFORM_PROP_KDF:
      GST_E2EE_BASE_TRANSFORM_LOCK (object);
      g_value_set_enum (value, priv->kdf);
      GST_E2EE_BASE_TRANSFORM_UNLOCK (object);
      break;
    case GST_E2EE_BASE_TRANSFORM_PROP_STATS:
      g_value_take_boxed (value, make_stats (self));
      break;
#ifdef GST_E2EE_HAVE_KEY_MANAGER
    case GST_E2EE_BASE_TRANSFORM_PROP_KEY_MANAGER:
      GST_E2EE_BASE_TRANSFORM_LOCK (object);
      g_value_set_object (value, priv->manager);
      GST_E2EE_BASE_TRANSFORM_UNLOCK (object);
      break;
#endif
    case GST_E2EE_BASE_TRANSFORM_PROP_FORMAT:
      GST_E2EE_BASE_TRANSFORM_LOCK (object);
      g_value_set_enum (value, priv->format);
      GST_E2EE_BASE_TRANSFORM_UNLOCK (object);
      break;
    case GST_E2EE_BASE_TRANSFORM_PROP_SFRAME_SUITE:
      GST_E2EE_BASE_TRANSFORM_LOCK (object);
      g_value_set_enum (value, priv->sframe_suite);
      GST_E2EE_BASE_TRANSFORM_UNLOCK (object);
      break;
    case GST_E2EE_BASE_TRANSFORM_PROP_KEY_ID:
      GST_E2EE_BASE_TRANSFORM_LOCK (object);
      g_value_set_uint64 (value, priv->key_id);
      GST_E2EE_BASE_TRANSFORM_UNLOCK (object);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      break;
  }
}

static void
gst_e2ee_base_transform_finalize (GObject * object)
{
  GstE2eeBaseTransformPrivate *priv = GET_PRIV (object);

  wipe_config_locked (priv);
  free_sframe (priv);
  gst_e2ee_key_ring_unref (priv->ring);
#ifdef GST_E2EE_HAVE_KEY_MANAGER
  g_clear_pointer (&priv->subscription, gst_e2ee_key_subscription_unref);
  gst_clear_object (&priv->manager);
#endif

  G_OBJECT_CLASS (gst_e2ee_base_transform_parent_class)->finalize (object);
}

static gboolean
gst_e2ee_base_transform_set_caps (GstBaseTransform * trans, GstCaps * incaps,
    GstCaps * outcaps)
{
  GstE2eeBaseTransformPrivate *priv = GET_PRIV (trans);
  GstE2eeCodec codec = gst_e2ee_codec_from_caps (incaps);

  if (codec == GST_E2EE_CODEC_UNKNOWN) {
    GST_WARNING_OBJECT (trans, "no clear-header rule for %" GST_PTR_FORMAT,
        incaps);
    return FALSE;
  }
  GST_E2EE_BASE_TRANSFORM_LOCK (trans);
  priv->codec = codec;
  GST_E2EE_BASE_TRANSFORM_UNLOCK (trans);
  return TRUE;
}

#ifdef GST_E2EE_HAVE_KEY_MANAGER
static void
gst_e2ee_base_transform_set_context (GstElement * element, GstContext * context)
{
  GstE2eeBaseTransformPrivate *priv = GET_PRIV (element);
  GstE2eeKeyManager *manager = gst_e2ee_key_manager_from_context (context);

  if (manager) {
    GST_E2EE_BASE_TRANSFORM_LOCK (element);
    /* an explicit key-manager property wins over a context */
    if (!priv->manager) {
      priv->manager = manager;
      priv->resubscribe = TRUE;
      manager = NULL;
    }
    GST_E2EE_BASE_TRANSFORM_UNLOCK (element);
    gst_clear_object (&manager);
  }
  GST_ELEMENT_CLASS (gst_e2ee_base_transform_parent_class)->set_context
      (element, context);
}

/* Asks the neighbours, then the application, for a key manager context. */
static void
find_manager (GstE2eeBaseTransform * self)
{
  GstBaseTransform *trans = GST_BASE_TRANSFORM (self);

  gst_e2ee_manager_context_find (GST_ELEMENT (self), trans->srcpad,
      trans->sinkpad);
}

static gboolean
gst_e2ee_base_transform_query (GstBaseTransform * trans,
    GstPadDirection direction, GstQuery * query)
{
  GstE2eeBaseTransformPrivate *priv = GET_PRIV (trans);
  GstE2eeKeyManager *manager = NULL;
  gboolean answered;

  if (GST_QUERY_TYPE (query) == GST_QUERY_CONTEXT) {
    GST_E2EE_BASE_TRANSFORM_LOCK (trans);
    if (priv->manager)
      manager = gst_object_ref (priv->manager);
    GST_E2EE_BASE_TRANSFORM_UNLOCK (trans);
    answered = gst_e2ee_manager_context_answer (query, manager);
    gst_clear_object (&manager);
    if (answered)
      return TRUE;
  }
  return GST_BASE_TRANSFORM_CLASS (gst_e2ee_base_transform_parent_class)->query
      (trans, direction, query);
}
#endif /* GST_E2EE_HAVE_KEY_MANAGER */

static gboolean
gst_e2ee_base_transform_start (GstBaseTransform * trans)
{
  GstE2eeBaseTransformPrivate *priv = GET_PRIV (trans);
#ifdef GST_E2EE_HAVE_KEY_MANAGER
  gboolean have_keys, sframe_managed;

  GST_E2EE_BASE_TRANSFORM_LOCK (trans);
  memset (&priv->stats, 0, sizeof (priv->stats));
  priv->resubscribe = TRUE;
  have_keys = priv->manager || priv->have_material || priv->passphrase;
  GST_E2EE_BASE_TRANSFORM_UNLOCK (trans);

  if (!have_keys)
    find_manager (GST_E2EE_BASE_TRANSFORM (trans));

  GST_E2EE_BASE_TRANSFORM_LOCK (trans);
  sframe_managed = priv->format == GST_E2EE_FRAME_FORMAT_SFRAME
      && priv->manager != NULL;
  GST_E2EE_BASE_TRANSFORM_UNLOCK (trans);
  /* the manager's keys take precedence over the key property; for
   * format=sframe they are installed frame by frame (begin_frame) */
  if (sframe_managed)
    return TRUE;
#else
  GST_E2EE_BASE_TRANSFORM_LOCK (trans);
  memset (&priv->stats, 0, sizeof (priv->stats));
  GST_E2EE_BASE_TRANSFORM_UNLOCK (trans);
#endif

  /* a bad key fails the state change, before any frame flows */
  return gst_e2ee_base_transform_update_keys (GST_E2EE_BASE_TRANSFORM (trans));
}

static gboolean
gst_e2ee_base_transform_stop (GstBaseTransform * trans)
{
  GstE2eeBaseTransformPrivate *priv = GET_PRIV (trans);

  /* forget ratchet state; the properties (or the manager's keys) are
   * applied afresh on restart */
#ifdef GST_E2EE_HAVE_KEY_MANAGER
  g_clear_pointer (&priv->subscription, gst_e2ee_key_subscription_unref);
#endif
  gst_e2ee_key_ring_clear (priv->ring);
  /* a restart draws a new random CTR: nothing of the old run is reused */
  free_sframe (priv);
  GST_E2EE_BASE_TRANSFORM_LOCK (trans);
  mark_dirty_locked (priv);
#ifdef GST_E2EE_HAVE_KEY_MANAGER
  priv->resubscribe = TRUE;
#endif
  GST_E2EE_BASE_TRANSFORM_UNLOCK (trans);
  return TRUE;
}

static void
gst_e2ee_base_transform_class_init (GstE2eeBaseTransformClass * klass)
{
  GObjectClass *gobject_class = G_OBJECT_CLASS (klass);
  GstBaseTransformClass *trans_class = GST_BASE_TRANSFORM_CLASS (klass);

  gobject_class->set_property = gst_e2ee_base_transform_set_property;
  gobject_class->get_property = gst_e2ee_base_transform_get_property;
  gobject_class->finalize = gst_e2ee_base_transform_finalize;

  trans_class->set_caps = GST_DEBUG_FUNCPTR (gst_e2ee_base_transform_set_caps);
  trans_class->start = GST_DEBUG_FUNCPTR (gst_e2ee_base_transform_start);
  trans_class->stop = GST_DEBUG_FUNCPTR (gst_e2ee_base_transform_stop);
#ifdef GST_E2EE_HAVE_KEY_MANAGER
  trans_class->query = GST_DEBUG_FUNCPTR (gst_e2ee_base_transform_query);
  GST_ELEMENT_CLASS (klass)->set_context =
      GST_DEBUG_FUNCPTR (gst_e2ee_base_transform_set_context);
#endif

  klass->stats_name = "application/x-e2ee-stats";

  /**
   * GstE2eeBaseTransform:key:
   *
   * The key material: 16 or 32 bytes, written as hex on a gst-launch line.
   * With kdf=jitsi, talk, livekit or livekit-256 it is the input of the key
   * schedule (the web clients use 32 bytes); with kdf=raw it is the AES key
   * itself. With format=sframe it is the SFrame base key (16 to 64 bytes)
   * of the KID #GstE2eeBaseTransform:key-id, and kdf does not apply. It can
   * be changed in PLAYING and applies from the next frame. It cannot be read
   * back.
   */
  g_object_class_install_property (gobject_class,
      GST_E2EE_BASE_TRANSFORM_PROP_KEY,
      g_param_spec_boxed ("key", "Key",
          "Key material, 16 or 32 bytes (SFrame: 16 to 64; hex on the command "
          "line); write-only",
          GST_TYPE_BUFFER,
          G_PARAM_WRITABLE | GST_PARAM_MUTABLE_PLAYING |
          G_PARAM_STATIC_STRINGS));

  /**
   * GstE2eeBaseTransform:key-index:
   *
   * The index of the key set through #GstE2eeBaseTransform:key. The sender
   * writes index % 16 (its key-ring slot) into every frame's trailer; the
   * receiver keeps keys of other indexes, so a sender can move to a new
   * index without losing frames in flight. Each frame names the index its
   * key was set with: a frame that races a change of key and key-index
   * goes under the old key and index, the new ones, or, between the two
   * property changes, the key with the index it was set under; never
   * under a key the slot held before.
   */
  g_object_class_install_property (gobject_class,
      GST_E2EE_BASE_TRANSFORM_PROP_KEY_INDEX,
      g_param_spec_uint ("key-index", "Key index",
          "Index of the key set through the key property", 0, G_MAXUINT,
          DEFAULT_KEY_INDEX,
          G_PARAM_READWRITE | GST_PARAM_MUTABLE_PLAYING |
          G_PARAM_STATIC_STRINGS));

  /**
   * GstE2eeBaseTransform:kdf:
   *
   * How the AES key is derived from the key material, and how it ratchets:
   * jitsi (Jitsi Meet), talk (Nextcloud Talk), livekit (LiveKit's default,
   * AES-128), livekit-256 (LiveKit with `keySize: 256`, AES-256) or raw
   * (the material is the AES key). See #GstE2eeKdf.
   */
  g_object_class_install_property (gobject_class,
      GST_E2EE_BASE_TRANSFORM_PROP_KDF,
      g_param_spec_enum ("kdf", "Key schedule",
          "How the AES key is derived from the key material",
          GST_TYPE_E2EE_KDF, DEFAULT_KDF,
          G_PARAM_READWRITE | GST_PARAM_MUTABLE_PLAYING |
          G_PARAM_STATIC_STRINGS));

  /**
   * GstE2eeBaseTransform:passphrase:
   *
   * A passphrase instead of a key, as LiveKit's shared-passphrase mode
   * (PBKDF2-SHA256, 100000 iterations); needs kdf=livekit or livekit-256.
   * Write-only.
   */
  g_object_class_install_property (gobject_class,
      GST_E2EE_BASE_TRANSFORM_PROP_PASSPHRASE,
      g_param_spec_string ("passphrase", "Passphrase",
          "Passphrase instead of a key (kdf=livekit or livekit-256 only); write-only",
          NULL,
          G_PARAM_WRITABLE | GST_PARAM_MUTABLE_PLAYING |
          G_PARAM_STATIC_STRINGS));

  /**
   * GstE2eeBaseTransform:stats:
   *
   * Counters: frames-in, frames-out, bytes-in, bytes-out, dropped,
   * missing-key, auth-failed, bad-frames, ratchets, and the element's own.
   */
  g_object_class_install_property (gobject_class,
      GST_E2EE_BASE_TRANSFORM_PROP_STATS,
      g_param_spec_boxed ("stats", "Statistics", "Frame and error counters",
          GST_TYPE_STRUCTURE, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));

#ifdef GST_E2EE_HAVE_KEY_MANAGER
  /* A library built without the key manager (-Dkey-manager=disabled, for
   * devices) has no GstE2eeKeyManager type: the elements then take static
   * keys only, and the property is absent rather than present and
   * useless. */
  /**
   * GstE2eeBaseTransform:key-manager:
   *
   * The key manager whose keys to use: the encryptor sends with this
   * participant's key, the decryptor opens the frames of
   * #GstE2eeDec:participant. Without it, the element looks for a context of
   * type "gst.e2ee.KeyManager" (an e2eekeymanager in the same pipeline
   * provides one) unless key or passphrase is set. A manager's keys take
   * precedence over key and passphrase, and use the manager's kdf.
   *
   * Absent from builds without the key manager (-Dkey-manager=disabled).
   */
  g_object_class_install_property (gobject_class,
      GST_E2EE_BASE_TRANSFORM_PROP_KEY_MANAGER,
      g_param_spec_object ("key-manager", "Key manager",
          "Key manager whose keys to use", GST_TYPE_E2EE_KEY_MANAGER,
          G_PARAM_READWRITE | GST_PARAM_MUTABLE_READY |
          G_PARAM_STATIC_STRINGS));
#endif

  /**
   * GstE2eeBaseTransform:format:
   *
   * The frame format: jframe (Jitsi Meet and LiveKit's trailer format, the
   * codec's first bytes clear) or sframe (RFC 9605: a header in front, the
   * whole frame encrypted, nothing clear; the input of an SFrame RTP
   * packetizer, not of a codec payloader). See #GstE2eeFrameFormat.
   *
   * Since: 0.2
   */
  g_object_class_install_property (gobject_class,
      GST_E2EE_BASE_TRANSFORM_PROP_FORMAT,
      g_param_spec_enum ("format", "Frame format",
          "How frames are encrypted", GST_TYPE_E2EE_FRAME_FORMAT,
          DEFAULT_FORMAT,
          G_PARAM_READWRITE | GST_PARAM_MUTABLE_READY |
          G_PARAM_STATIC_STRINGS));

  /**
   * GstE2eeBaseTransform:sframe-suite:
   *
   * The SFrame cipher suite (format=sframe): AES-GCM or AES-CTR with a
   * truncated HMAC. Sender and receiver must agree. See
   * #GstE2eeSFrameSuite.
   *
   * Since: 0.2
   */
  g_object_class_install_property (gobject_class,
      GST_E2EE_BASE_TRANSFORM_PROP_SFRAME_SUITE,
      g_param_spec_enum ("sframe-suite", "SFrame cipher suite",
          "SFrame cipher suite (format=sframe)",
          GST_TYPE_E2EE_SFRAME_SUITE, DEFAULT_SFRAME_SUITE,
          G_PARAM_READWRITE | GST_PARAM_MUTABLE_READY |
          G_PARAM_STATIC_STRINGS));

  /**
   * GstE2eeBaseTransform:key-id:
   *
   * The SFrame key identifier (KID) of the key set through
   * #GstE2eeBaseTransform:key (format=sframe), which is then the base key:
   * the sender writes it into every frame's header, the receiver keeps the
   * keys of the 15 KIDs before, so frames in flight under the previous key
   * still open after a change.
   *
   * Since: 0.2
   */
  g_object_class_install_property (gobject_class,
      GST_E2EE_BASE_TRANSFORM_PROP_KEY_ID,
      g_param_spec_uint64 ("key-id", "Key ID",
          "SFrame key identifier of the key set through the key property",
          0, G_MAXUINT64, DEFAULT_KEY_ID,
          G_PARAM_READWRITE | GST_PARAM_MUTABLE_PLAYING |
          G_PARAM_STATIC_STRINGS));

  gst_type_mark_as_plugin_api (GST_TYPE_E2EE_KDF, 0);
  gst_type_mark_as_plugin_api (GST_TYPE_E2EE_FRAME_FORMAT, 0);
  gst_type_mark_as_plugin_api (GST_TYPE_E2EE_SFRAME_SUITE, 0);
  gst_type_mark_as_plugin_api (GST_TYPE_E2EE_BASE_TRANSFORM, 0);
}

static void
gst_e2ee_base_transform_init (GstE2eeBaseTransform * self)
{
  GstE2eeBaseTransformPrivate *priv = GET_PRIV (self);

  priv->kdf = DEFAULT_KDF;
  priv->format = DEFAULT_FORMAT;
  priv->sframe_suite = DEFAULT_SFRAME_SUITE;
  priv->key_id = DEFAULT_KEY_ID;
  priv->key_index = DEFAULT_KEY_INDEX;
  priv->installed_index = DEFAULT_KEY_INDEX;
  priv->ring = gst_e2ee_key_ring_new (GST_E2EE_KEY_RING_DEFAULT_SIZE);
  gst_e2ee_sframe_keys_init (&priv->sframe, GST_OBJECT (self),
      GST_E2EE_SFRAME_KEY_DECRYPT);

  gst_base_transform_set_in_place (GST_BASE_TRANSFORM (self), TRUE);
}

/*
 * format=sframe: the key property is the base key of KID key-id, added to
 * the element's SFrame context (made on first use, with the suite of the
 * time: the suite changes only in READY, which frees the context). A
 * receiver keeps the keys of the 15 KIDs before (gste2eesframekeys.c); a
 * sender switches to the new one.
 * No key: no context, so the sender drops and the receiver refuses
 * everything (fail closed). Streaming thread (or start).
 */
static gboolean
update_sframe_key (GstE2eeBaseTransform * self, gboolean have_material,
    const guint8 * material, gsize material_len, gboolean have_passphrase,
    GstE2eeSFrameSuite suite, guint64 kid)
{
  GstE2eeBaseTransformClass *klass = GST_E2EE_BASE_TRANSFORM_GET_CLASS (self);
  GstE2eeBaseTransformPrivate *priv = GET_PRIV (self);

  if (!have_material) {
    if (have_passphrase) {
      GST_ELEMENT_ERROR (self, RESOURCE, SETTINGS,
          (_("A passphrase cannot be used with format=sframe.")),
          ("set key (the base key) and key-id"));
      return FALSE;
    }
    free_sframe (priv);
    return TRUE;
  }
  if (material_len < 16 || material_len > 64) {
    GST_ELEMENT_ERROR (self, RESOURCE, SETTINGS,
        (_("The SFrame base key must be 16 to 64 bytes long.")),
        ("key of %" G_GSIZE_FORMAT " bytes", material_len));
    return FALSE;
  }
  priv->sframe.usage = klass->sframe_usage;
  if (!gst_e2ee_sframe_keys_add_static (&priv->sframe, suite, kid, material,
          material_len)) {
    GST_ELEMENT_ERROR (self, LIBRARY, INIT,
        (_("Could not set up the cipher.")), ("SFrame key setup failed"));
    return FALSE;
  }
  if (klass->key_installed)
    klass->key_installed (self);
  return TRUE;
}

#ifdef GST_E2EE_HAVE_KEY_MANAGER
/* MT safe. */
static GstE2eeSFrameSuite
get_sframe_suite (GstE2eeBaseTransform * self)
{
  GstE2eeSFrameSuite suite;

  GST_E2EE_BASE_TRANSFORM_LOCK (self);
  suite = GET_PRIV (self)->sframe_suite;
  GST_E2EE_BASE_TRANSFORM_UNLOCK (self);
  return suite;
}

/*
 * format=sframe with a key manager, sender: sends with the ring's key of
 * @index (gste2eesframekeys.c). Posts an element error and returns FALSE
 * if the key cannot serve as a base key.
 */
static gboolean
sframe_send_update (GstE2eeBaseTransform * self, guint index)
{
  GstE2eeBaseTransformPrivate *priv = GET_PRIV (self);

  if (!gst_e2ee_sframe_keys_send_update (&priv->sframe, priv->subscription,
          priv->ring, get_sframe_suite (self), index)) {
    GST_ELEMENT_ERROR (self, LIBRARY, INIT,
        (_("Could not set up the cipher.")),
        ("the key manager's key cannot be an SFrame base key (kdf=raw?)"));
    return FALSE;
  }
  return TRUE;
}

/*
 * Receiver, before a frame is opened: makes sure the context has the key
 * of the frame's KID, if it is the subscribed sender's
 * (gst_e2ee_sframe_keys_prepare()). Streaming thread.
 */
GstE2eeFrameResult
gst_e2ee_base_transform_sframe_prepare (GstE2eeBaseTransform * self,
    GstBuffer * buf, guint window, guint * n_ratchets)
{
  GstE2eeBaseTransformPrivate *priv = GET_PRIV (self);
  guint8 header[GST_E2EE_SFRAME_MAX_HEADER_SIZE];
  GstE2eeSFrameSuite suite;
  GstE2eeFrameResult res;
  GstMapInfo map;
  guint64 kid;
  gsize n;

  if (!priv->subscription)
    return GST_E2EE_FRAME_OK;
  /* a known KID, the common case, without mapping (and so merging) the
   * whole frame */
  suite = get_sframe_suite (self);
  n = gst_buffer_extract (buf, 0, header, sizeof (header));
  if (gst_e2ee_sframe_header_read (header, n, &kid, NULL, NULL)
      && gst_e2ee_sframe_keys_knows (&priv->sframe, suite, kid))
    return GST_E2EE_FRAME_OK;
  if (!gst_buffer_map (buf, &map, GST_MAP_READ))
    return GST_E2EE_FRAME_CRYPTO_ERROR;
  res = gst_e2ee_sframe_keys_prepare (&priv->sframe, priv->subscription,
      priv->ring, suite, map.data, map.size, window, n_ratchets);
  gst_buffer_unmap (buf, &map);
  return res;
}
#endif /* GST_E2EE_HAVE_KEY_MANAGER */

/*
 * Builds the key from the properties if they changed since the last frame
 * and puts it in the ring at its index. Posts an element error and returns
 * FALSE if the properties make no usable key. Streaming thread (or start).
 */
gboolean
gst_e2ee_base_transform_update_keys (GstE2eeBaseTransform * self)
{
  GstE2eeBaseTransformClass *klass = GST_E2EE_BASE_TRANSFORM_GET_CLASS (self);
  GstE2eeBaseTransformPrivate *priv = GET_PRIV (self);
  guint8 *material = NULL;
  gsize material_len = 0;
  gboolean have_material;
  gchar *passphrase = NULL;
  GstE2eeKdf kdf;
  guint index, cookie;
  GstE2eeKey *key = NULL;
  const gchar *bad_passphrase = NULL;
  GError *err = NULL;
  GstE2eeFrameFormat format;
  GstE2eeSFrameSuite suite;
  guint64 kid;

  GST_E2EE_BASE_TRANSFORM_LOCK (self);
  if (!priv->dirty) {
    GST_E2EE_BASE_TRANSFORM_UNLOCK (self);
    return TRUE;
  }
  have_material = priv->have_material;
  if (priv->material) {
    material = g_memdup2 (priv->material, priv->material_len);
    material_len = priv->material_len;
  }
  passphrase = g_strdup (priv->passphrase);
  kdf = priv->kdf;
  index = priv->key_index;
  cookie = priv->cookie;
  format = priv->format;
  suite = priv->sframe_suite;
  kid = priv->key_id;
  GST_E2EE_BASE_TRANSFORM_UNLOCK (self);

  if (format == GST_E2EE_FRAME_FORMAT_SFRAME) {
    gboolean ok = update_sframe_key (self, have_material, material,
        material_len, passphrase != NULL, suite, kid);

    if (material)
      OPENSSL_cleanse (material, material_len);
    g_free (material);
    if (passphrase)
      OPENSSL_cleanse (passphrase, strlen (passphrase));
    g_free (passphrase);
    if (!ok)
      return FALSE;
    GST_E2EE_BASE_TRANSFORM_LOCK (self);
    if (priv->cookie == cookie)
      priv->dirty = FALSE;
    GST_E2EE_BASE_TRANSFORM_UNLOCK (self);
    return TRUE;
  }

  if (have_material) {
    key = gst_e2ee_key_new (kdf, material, material_len, &err);
    if (material)
      OPENSSL_cleanse (material, material_len);
    g_free (material);
  } else if (passphrase) {
    /* say what is wrong with it, not only that kdf must be livekit */
    if (kdf != GST_E2EE_KDF_LIVEKIT && kdf != GST_E2EE_KDF_LIVEKIT_256)
      bad_passphrase =
          _("A passphrase can only be used with kdf=livekit or livekit-256.");
    else if (*passphrase == '\0')
      bad_passphrase = _("The passphrase is empty.");
    else if (!g_utf8_validate (passphrase, -1, NULL))
      bad_passphrase = _("The passphrase is not valid UTF-8 text.");
    key = gst_e2ee_key_new_from_passphrase (kdf, passphrase, &err);
    OPENSSL_cleanse (passphrase, strlen (passphrase));
  } else {
    /* key and passphrase unset: forget every key, so the encryptor
     * stops sending (fail closed) and the decryptor stops accepting */
    gst_e2ee_key_ring_clear (priv->ring);
  }
  g_free (passphrase);

  if (err) {
    if (g_error_matches (err, GST_E2EE_ERROR, GST_E2EE_ERROR_KEY_LENGTH)) {
      GST_ELEMENT_ERROR (self, RESOURCE, SETTINGS,
          (_("The key must be 16 or 32 bytes long.")), ("%s", err->message));
    } else if (g_error_matches (err, GST_E2EE_ERROR, GST_E2EE_ERROR_PASSPHRASE)) {
      GST_ELEMENT_ERROR (self, RESOURCE, SETTINGS, ("%s", bad_passphrase ?
              bad_passphrase : _("The passphrase cannot be used.")),
          ("%s", err->message));
    } else {
      GST_ELEMENT_ERROR (self, LIBRARY, INIT,
          (_("Could not set up the cipher.")), ("%s", err->message));
    }
    g_error_free (err);
    return FALSE;
  }

  if (key) {
    gst_e2ee_key_ring_set_key (priv->ring, index, key);
    gst_e2ee_key_unref (key);
    GST_INFO_OBJECT (self, "installed key with index %u (kdf %d)", index, kdf);
  }

  GST_E2EE_BASE_TRANSFORM_LOCK (self);
  priv->installed_index = index;
  if (priv->cookie == cookie)
    priv->dirty = FALSE;
  GST_E2EE_BASE_TRANSFORM_UNLOCK (self);

  if (key && klass->key_installed)
    klass->key_installed (self);
  return TRUE;
}

GstE2eeKeyRing *
gst_e2ee_base_transform_get_ring (GstE2eeBaseTransform * self)
{
  return GET_PRIV (self)->ring;
}

/* MT safe. */
GstE2eeFrameFormat
gst_e2ee_base_transform_get_format (GstE2eeBaseTransform * self)
{
  GstE2eeFrameFormat format;

  GST_E2EE_BASE_TRANSFORM_LOCK (self);
  format = GET_PRIV (self)->format;
  GST_E2EE_BASE_TRANSFORM_UNLOCK (self);
  return format;
}

/* The SFrame context of format=sframe, or NULL without a key. Streaming
 * thread only, after gst_e2ee_base_transform_begin_frame(). */
GstE2eeSFrameContext *
gst_e2ee_base_transform_get_sframe (GstE2eeBaseTransform * self)
{
  return GET_PRIV (self)->sframe.ctx;
}

/*
 * Starts a frame on the streaming thread: applies changed key properties or
 * the key manager's changed keys, counts the frame in and tells the stream's
 * codec and the current key index. Returns FALSE (after posting an element
 * error) if the key properties are unusable.
 */
gboolean
gst_e2ee_base_transform_begin_frame (GstE2eeBaseTransform * self,
    GstBuffer * buf, GstE2eeCodec * codec, guint * key_index)
{
  GstE2eeBaseTransformPrivate *priv = GET_PRIV (self);
  gboolean dirty, managed = FALSE, counted;
#ifdef GST_E2EE_HAVE_KEY_MANAGER
  GstE2eeBaseTransformClass *klass = GST_E2EE_BASE_TRANSFORM_GET_CLASS (self);
  GstE2eeKeyManager *subscribe_to = NULL;
  guint manager_index = 0;
  gboolean sframe, changed;
#endif

  GST_E2EE_BASE_TRANSFORM_LOCK (self);
  dirty = priv->dirty;
#ifdef GST_E2EE_HAVE_KEY_MANAGER
  sframe = priv->format == GST_E2EE_FRAME_FORMAT_SFRAME;
#endif
#ifdef GST_E2EE_HAVE_KEY_MANAGER
  managed = priv->manager != NULL;
  if (managed && priv->resubscribe) {
    subscribe_to = gst_object_ref (priv->manager);
    priv->resubscribe = FALSE;
  }
#endif
  /* the common cases (the manager's keys; static keys, unchanged) take
   * the lock once */
  counted = managed || !dirty;
  if (counted) {
    priv->stats.frames_in++;
    priv->stats.bytes_in += gst_buffer_get_size (buf);
    *codec = priv->codec;
    *key_index = priv->installed_index;
  }
  GST_E2EE_BASE_TRANSFORM_UNLOCK (self);

#ifdef GST_E2EE_HAVE_KEY_MANAGER
  if (subscribe_to) {
    g_clear_pointer (&priv->subscription, gst_e2ee_key_subscription_unref);
    priv->subscription = klass->subscribe (self, subscribe_to, priv->ring);
    gst_object_unref (subscribe_to);
  }

  if (managed) {
    /* one atomic read per frame; the manager lock only on a change */
    changed = priv->subscription
        && gst_e2ee_key_subscription_update (priv->subscription,
        &manager_index);
    if (changed && klass->key_installed)
      klass->key_installed (self);
    *key_index = manager_index;
    if (sframe) {
      if (changed || subscribe_to)
        gst_e2ee_sframe_keys_ring_changed (&priv->sframe, priv->subscription,
            priv->ring);
      if (klass->sframe_usage == GST_E2EE_SFRAME_KEY_ENCRYPT)
        return sframe_send_update (self, manager_index);
    }
    return TRUE;
  }
#endif
  if (counted)
    return TRUE;

  if (!gst_e2ee_base_transform_update_keys (self))
    return FALSE;
  GST_E2EE_BASE_TRANSFORM_LOCK (self);
  priv->stats.frames_in++;
  priv->stats.bytes_in += gst_buffer_get_size (buf);
  *codec = priv->codec;
  *key_index = priv->installed_index;
  GST_E2EE_BASE_TRANSFORM_UNLOCK (self);
  return TRUE;
}

#ifdef GST_E2EE_HAVE_KEY_MANAGER
/**
 * gst_e2ee_base_transform_resubscribe:
 * @self: an element
 *
 * What the subclass subscribes to changed (e2eedec's participant): the
 * subscription is made again, with the ring emptied, before the next frame.
 *
 * MT safe.
 */
void
gst_e2ee_base_transform_resubscribe (GstE2eeBaseTransform * self)
{
  GstE2eeBaseTransformPrivate *priv = GET_PRIV (self);

  GST_E2EE_BASE_TRANSFORM_LOCK (self);
  priv->resubscribe = TRUE;
  GST_E2EE_BASE_TRANSFORM_UNLOCK (self);
}

/**
 * gst_e2ee_base_transform_request_key:
 * @self: an element
 *
 * A frame came under a key index the ring has no key for: the key manager
 * (if the keys are its) is asked for the sender's current key, bounded by
 * the subscription. Streaming thread, as gst_e2ee_base_transform_begin_frame.
 */
void
gst_e2ee_base_transform_request_key (GstE2eeBaseTransform * self)
{
  GstE2eeBaseTransformPrivate *priv = GET_PRIV (self);

  if (priv->subscription
      && gst_e2ee_key_subscription_request_key (priv->subscription))
    GST_DEBUG_OBJECT (self, "asked the key manager for the missing key");
}
#endif

/*
 * Drops @buf (returns GST_BASE_TRANSFORM_FLOW_DROPPED for the subclass to
 * return) and tells downstream that nothing comes for the time it covered,
 * with a GAP event: a sink then prerolls and an aggregator or muxer stops
 * waiting for this stream, as for any GStreamer element that drops. Without
 * a timestamp there is nothing to tell. Streaming thread.
 */
GstFlowReturn
gst_e2ee_base_transform_drop (GstE2eeBaseTransform * self, GstBuffer * buf)
{
  GstClockTime pts = GST_BUFFER_PTS (buf);

  if (GST_CLOCK_TIME_IS_VALID (pts))
    gst_pad_push_event (GST_BASE_TRANSFORM_SRC_PAD (self),
        gst_event_new_gap (pts, GST_BUFFER_DURATION (buf)));
  return GST_BASE_TRANSFORM_FLOW_DROPPED;
}

/* Whether @mem may be written where it is: not shared with another buffer
 * and not read-only (a sub-buffer's memory). Mapping it for writing then
 * copies nothing. */
gboolean
gst_e2ee_base_transform_memory_writable (GstMemory * mem)
{
  return !GST_MEMORY_IS_READONLY (mem) && gst_memory_is_writable (mem);
}

/* Call with GST_E2EE_BASE_TRANSFORM_LOCK held. */
GstE2eeStats *
gst_e2ee_base_transform_stats (GstE2eeBaseTransform * self)
{
  return &GET_PRIV (self)->stats;
}

/* Call with GST_E2EE_BASE_TRANSFORM_LOCK held. */
GstE2eeCodec
gst_e2ee_base_transform_get_codec_locked (GstE2eeBaseTransform * self)
{
  return GET_PRIV (self)->codec;
}
