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


#ifndef __GST_E2EE_KEY_MANAGER_H__
#define __GST_E2EE_KEY_MANAGER_H__

#include <gst/e2ee/gste2eekeyring.h>

G_BEGIN_DECLS

/**
 * GST_E2EE_KEY_MANAGER_CONTEXT_TYPE:
 *
 * The type of the #GstContext through which e2eeenc and e2eedec find a key
 * manager they were not given: its structure holds the manager in the field
 * "key-manager".
 *
 * Since: 0.1
 */
#define GST_E2EE_KEY_MANAGER_CONTEXT_TYPE "gst.e2ee.KeyManager"

#define GST_TYPE_E2EE_KEY_MANAGER (gst_e2ee_key_manager_get_type ())
GST_E2EE_API
G_DECLARE_FINAL_TYPE (GstE2eeKeyManager, gst_e2ee_key_manager, GST,
    E2EE_KEY_MANAGER, GstObject);

GST_E2EE_API
GstE2eeKeyManager * gst_e2ee_key_manager_new (const gchar * local_id);

GST_E2EE_API
gchar * gst_e2ee_key_manager_dup_local_id (GstE2eeKeyManager * manager);

GST_E2EE_API
void gst_e2ee_key_manager_add_webrtcbin (GstE2eeKeyManager * manager,
    GstElement * webrtcbin);

GST_E2EE_API
gboolean gst_e2ee_key_manager_add_participant (GstE2eeKeyManager * manager,
    const gchar * participant);

GST_E2EE_API
gboolean gst_e2ee_key_manager_remove_participant (GstE2eeKeyManager * manager,
    const gchar * participant);

GST_E2EE_API
void gst_e2ee_key_manager_rotate_key (GstE2eeKeyManager * manager);

GST_E2EE_API
gboolean gst_e2ee_key_manager_receive_message (GstE2eeKeyManager * manager,
    const gchar * message);

GST_E2EE_API
gboolean gst_e2ee_key_manager_receive_message_from (GstE2eeKeyManager * manager,
    const gchar * sender, const gchar * message);

GST_E2EE_API
gboolean gst_e2ee_key_manager_start_sas (GstE2eeKeyManager * manager,
    const gchar * participant);

GST_E2EE_API
gboolean gst_e2ee_key_manager_confirm_sas (GstE2eeKeyManager * manager,
    const gchar * participant, gboolean matches);

GST_E2EE_API
gboolean gst_e2ee_key_manager_is_verified (GstE2eeKeyManager * manager,
    const gchar * participant);

GST_E2EE_API
void gst_e2ee_key_manager_request_key (GstE2eeKeyManager * manager,
    const gchar * participant);

GST_E2EE_API
gboolean gst_e2ee_key_manager_has_signed_keys (GstE2eeKeyManager * manager,
    const gchar * participant);

GST_E2EE_API
gchar ** gst_e2ee_key_manager_list_participants (GstE2eeKeyManager * manager);

GST_E2EE_API
void gst_e2ee_key_manager_flush (GstE2eeKeyManager * manager);

GST_E2EE_API
GstContext * gst_e2ee_key_manager_new_context (GstE2eeKeyManager * manager);

GST_E2EE_API
GstE2eeKeyManager * gst_e2ee_key_manager_from_context (GstContext * context);

G_END_DECLS

#endif /* __GST_E2EE_KEY_MANAGER_H__ */
