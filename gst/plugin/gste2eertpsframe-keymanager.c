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

/* rtpsframeenc and rtpsframedec with keys from a key manager: the same
 * subscription, KIDs and join/leave behaviour as e2eeenc/e2eedec with
 * format=sframe (the SFrame part is gste2eesframekeys.c, shared with them),
 * wrapped for an element whose static keys are properties. */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gste2eertpsframe-keymanager.h"
#include "gste2eemanagercontext.h"

void
gst_e2ee_rtp_sframe_managed_init (GstE2eeRtpSFrameManaged * m,
    GstObject * owner, GstE2eeSFrameKeyUsage usage)
{
  m->manager = NULL;
  m->participant = NULL;
  m->resubscribe = TRUE;
  m->subscription = NULL;
  m->ring = gst_e2ee_key_ring_new (GST_E2EE_KEY_RING_DEFAULT_SIZE);
  gst_e2ee_sframe_keys_init (&m->keys, owner, usage);
}

void
gst_e2ee_rtp_sframe_managed_clear (GstE2eeRtpSFrameManaged * m)
{
  g_clear_pointer (&m->subscription, gst_e2ee_key_subscription_unref);
  gst_e2ee_sframe_keys_reset (&m->keys);
  g_clear_pointer (&m->ring, gst_e2ee_key_ring_unref);
  gst_clear_object (&m->manager);
  g_clear_pointer (&m->participant, g_free);
}

/* Without a key manager or a static key, asks the neighbours and the
 * application for a manager (GstContext gst.e2ee.KeyManager). */
void
gst_e2ee_rtp_sframe_managed_start (GstBaseTransform * trans,
    GstE2eeRtpSFrameManaged * m, gboolean have_static_key)
{
  gboolean have_manager;

  GST_OBJECT_LOCK (trans);
  m->resubscribe = TRUE;
  have_manager = m->manager != NULL;
  GST_OBJECT_UNLOCK (trans);
  if (!have_manager && !have_static_key)
    gst_e2ee_manager_context_find (GST_ELEMENT (trans), trans->srcpad,
        trans->sinkpad);
}

/* A restart subscribes again and draws a new random CTR. */
void
gst_e2ee_rtp_sframe_managed_stop (GstBaseTransform * trans,
    GstE2eeRtpSFrameManaged * m)
{
  g_clear_pointer (&m->subscription, gst_e2ee_key_subscription_unref);
  gst_e2ee_key_ring_clear (m->ring);
  gst_e2ee_sframe_keys_reset (&m->keys);
  GST_OBJECT_LOCK (trans);
  m->resubscribe = TRUE;
  GST_OBJECT_UNLOCK (trans);
}

void
gst_e2ee_rtp_sframe_managed_set_context (GstElement * element,
    GstE2eeRtpSFrameManaged * m, GstContext * context)
{
  GstE2eeKeyManager *manager = gst_e2ee_key_manager_from_context (context);

  if (!manager)
    return;
  GST_OBJECT_LOCK (element);
  /* an explicit key-manager property wins over a context */
  if (!m->manager) {
    m->manager = manager;
    m->resubscribe = TRUE;
    manager = NULL;
  }
  GST_OBJECT_UNLOCK (element);
  gst_clear_object (&manager);
}

/* Answers a neighbour's context query with our manager. */
gboolean
gst_e2ee_rtp_sframe_managed_query (GstBaseTransform * trans,
    GstE2eeRtpSFrameManaged * m, GstQuery * query)
{
  GstE2eeKeyManager *manager = NULL;
  gboolean answered;

  if (GST_QUERY_TYPE (query) != GST_QUERY_CONTEXT)
    return FALSE;
  GST_OBJECT_LOCK (trans);
  if (m->manager)
    manager = gst_object_ref (m->manager);
  GST_OBJECT_UNLOCK (trans);
  answered = gst_e2ee_manager_context_answer (query, manager);
  gst_clear_object (&manager);
  return answered;
}

/*
 * Before a packet, without the object lock: FALSE if the element has no
 * key manager (its static key applies). Otherwise (re)subscribes when the
 * manager or the participant changed, takes the manager's changes into
 * the ring and the SFrame keys, and tells the current key index (the
 * sender's to send with). Streaming thread.
 */
gboolean
gst_e2ee_rtp_sframe_managed_update (GstBaseTransform * trans,
    GstE2eeRtpSFrameManaged * m, guint * key_index)
{
  GstE2eeKeyManager *subscribe_to = NULL;
  gchar *participant = NULL;
  gboolean changed;

  GST_OBJECT_LOCK (trans);
  if (!m->manager) {
    GST_OBJECT_UNLOCK (trans);
    return FALSE;
  }
  if (m->resubscribe) {
    subscribe_to = gst_object_ref (m->manager);
    participant = g_strdup (m->participant);
    m->resubscribe = FALSE;
  }
  GST_OBJECT_UNLOCK (trans);

  *key_index = 0;
  if (subscribe_to) {
    g_clear_pointer (&m->subscription, gst_e2ee_key_subscription_unref);
    gst_e2ee_key_ring_clear (m->ring);
    if (m->keys.usage == GST_E2EE_SFRAME_KEY_ENCRYPT) {
      m->subscription = gst_e2ee_key_subscription_new_local (subscribe_to,
          m->ring);
    } else {
      GST_INFO_OBJECT (trans, "taking the keys of %s", participant ?
          participant : "the only remote participant");
      m->subscription = gst_e2ee_key_subscription_new_remote (subscribe_to,
          participant, m->ring);
    }
    gst_object_unref (subscribe_to);
    g_free (participant);
  }
  /* one atomic read per packet; the manager lock only on a change */
  changed = m->subscription
      && gst_e2ee_key_subscription_update (m->subscription, key_index);
  if (changed || subscribe_to)
    gst_e2ee_sframe_keys_ring_changed (&m->keys, m->subscription, m->ring);
  return TRUE;
}

void
gst_e2ee_rtp_sframe_install_manager_property (GObjectClass * klass,
    guint prop_id)
{
  /* documented in each element's class_init, as gtk-doc wants */
  g_object_class_install_property (klass, prop_id,
      g_param_spec_object ("key-manager", "Key manager",
          "Key manager whose keys to use (instead of key and key-id)",
          GST_TYPE_E2EE_KEY_MANAGER,
          G_PARAM_READWRITE | GST_PARAM_MUTABLE_READY |
          G_PARAM_STATIC_STRINGS));
}

void
gst_e2ee_rtp_sframe_install_participant_property (GObjectClass * klass,
    guint prop_id)
{
  g_object_class_install_property (klass, prop_id,
      g_param_spec_string ("participant", "Participant",
          "Whose keys to decrypt with (default: the only remote participant)",
          NULL, G_PARAM_READWRITE | GST_PARAM_MUTABLE_PLAYING |
          G_PARAM_STATIC_STRINGS));
}
