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

#ifndef __GST_E2EE_JANUS_ROOM_H__
#define __GST_E2EE_JANUS_ROOM_H__

#include <gst/gst.h>
#include <gst/e2ee/gste2eekeymanager.h>

G_BEGIN_DECLS

/**
 * GstE2eeJanusRoom:
 *
 * One participant's presence in a Janus VideoRoom (media) and TextRoom
 * (the key manager's messages, addressed one to one) on one Janus session,
 * over Janus's HTTP API. Opaque.
 *
 * Since: 0.1
 */
#define GST_TYPE_E2EE_JANUS_ROOM (gst_e2ee_janus_room_get_type ())
GST_E2EE_API
G_DECLARE_FINAL_TYPE (GstE2eeJanusRoom, gst_e2ee_janus_room, GST,
    E2EE_JANUS_ROOM, GstObject);

GST_E2EE_API
GstE2eeJanusRoom * gst_e2ee_janus_room_new (const gchar * server_url,
    guint64 room, GstE2eeKeyManager * key_manager);

GST_E2EE_API
void gst_e2ee_janus_room_start (GstE2eeJanusRoom * room);

GST_E2EE_API
void gst_e2ee_janus_room_stop (GstE2eeJanusRoom * room);

GST_E2EE_API
gboolean gst_e2ee_janus_room_publish (GstE2eeJanusRoom * room,
    GstElement * webrtcbin);

GST_E2EE_API
gboolean gst_e2ee_janus_room_subscribe (GstE2eeJanusRoom * room,
    GstElement * webrtcbin);

GST_E2EE_API
gchar * gst_e2ee_janus_room_dup_participant_for_mid (GstE2eeJanusRoom * room,
    GstElement * webrtcbin, const gchar * mid, guint64 * feed_id);

G_END_DECLS

#endif /* __GST_E2EE_JANUS_ROOM_H__ */
