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
 * The Janus HTTP API session under GstE2eeJanusRoom (private): create,
 * attach, message with transactions, the long-poll event loop, keepalives,
 * detach and destroy. Everything runs on the GMainContext that was the
 * thread-default one when the session was created (the room's thread); no
 * function here is thread-safe.
 */

#ifndef __GST_E2EE_JANUS_PRIVATE_H__
#define __GST_E2EE_JANUS_PRIVATE_H__

#include <gst/gst.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

typedef struct _GstE2eeJanusSession GstE2eeJanusSession;

/* @reply: the final answer to a request ("success", or for a plugin message
 * answered asynchronously the "event" that carries its transaction), or NULL
 * with @error set. Janus's own {"janus":"error"} answers come as @reply too. */
typedef void (*GstE2eeJanusReplyFunc) (GstE2eeJanusSession * session,
    JsonObject * reply, const GError * error, gpointer user_data);

/* an event of a handle that answers no request of ours */
typedef void (*GstE2eeJanusEventFunc) (GstE2eeJanusSession * session,
    guint64 handle, JsonObject * event, gpointer user_data);

/* the session is gone (HTTP failure, session unknown to Janus, timed out):
 * called once, from the main context; nothing works after it */
typedef void (*GstE2eeJanusLostFunc) (GstE2eeJanusSession * session,
    const GError * error, gpointer user_data);

/* @counters: two counters (requests sent, events received), updated
 * atomically, that outlive the session */
G_GNUC_INTERNAL
GstE2eeJanusSession *_gst_e2ee_janus_session_new (const gchar * url,
    GstObject * log_object, guint keepalive_ms, gint * counters,
    GstE2eeJanusEventFunc event_func, GstE2eeJanusLostFunc lost_func,
    gpointer user_data);

G_GNUC_INTERNAL
void _gst_e2ee_janus_session_create (GstE2eeJanusSession * session,
    GstE2eeJanusReplyFunc func, gpointer user_data);

G_GNUC_INTERNAL
void _gst_e2ee_janus_session_attach (GstE2eeJanusSession * session,
    const gchar * plugin, GstE2eeJanusReplyFunc func, gpointer user_data);

/* takes @body and @jsep */
G_GNUC_INTERNAL
void _gst_e2ee_janus_session_message (GstE2eeJanusSession * session,
    guint64 handle, JsonObject * body, JsonObject * jsep,
    GstE2eeJanusReplyFunc func, gpointer user_data);

G_GNUC_INTERNAL
void _gst_e2ee_janus_session_detach (GstE2eeJanusSession * session,
    guint64 handle, GstE2eeJanusReplyFunc func, gpointer user_data);

G_GNUC_INTERNAL
void _gst_e2ee_janus_session_destroy (GstE2eeJanusSession * session,
    GstE2eeJanusReplyFunc func, gpointer user_data);

G_GNUC_INTERNAL
guint64 _gst_e2ee_janus_session_get_id (GstE2eeJanusSession * session);

/* cancels everything in flight; no callback is called after it */
G_GNUC_INTERNAL
void _gst_e2ee_janus_session_free (GstE2eeJanusSession * session);

/* timeouts on the thread-default main context (g_timeout_add and
 * g_source_remove work on the global default one) */
G_GNUC_INTERNAL
guint _gst_e2ee_janus_timeout_add (guint ms, GSourceFunc func, gpointer data,
    GDestroyNotify notify);

G_GNUC_INTERNAL
void _gst_e2ee_janus_source_remove (guint id);

/* JSON helpers, checked: wrong type or absent gives the default */
G_GNUC_INTERNAL
const gchar *_gst_e2ee_janus_json_string (JsonObject * obj,
    const gchar * member);

G_GNUC_INTERNAL
gboolean _gst_e2ee_janus_json_uint64 (JsonObject * obj, const gchar * member,
    guint64 * value);

G_GNUC_INTERNAL
JsonObject *_gst_e2ee_janus_json_object (JsonObject * obj,
    const gchar * member);

G_GNUC_INTERNAL
JsonArray *_gst_e2ee_janus_json_array (JsonObject * obj,
    const gchar * member);

/* the plugin's answer in an event: plugindata.data, or NULL */
G_GNUC_INTERNAL
JsonObject *_gst_e2ee_janus_plugin_data (JsonObject * event);

/* Janus's error code and reason of an answer ({"janus":"error"} or a
 * plugin's "error_code"), FALSE when it is no error */
G_GNUC_INTERNAL
gboolean _gst_e2ee_janus_reply_error (JsonObject * reply, gint * code,
    const gchar ** reason);

/* test only (gste2eejanusroom-test.c) */
G_GNUC_INTERNAL
void _gst_e2ee_janus_session_test_offline (GstE2eeJanusSession * session,
    guint64 id);

G_GNUC_INTERNAL
void _gst_e2ee_janus_session_test_poll (GstE2eeJanusSession * session,
    const gchar * data, gsize len);

G_GNUC_INTERNAL
gboolean _gst_e2ee_janus_session_test_answer (GstE2eeJanusSession * session,
    const gchar * data, gsize len);

G_END_DECLS

#endif /* __GST_E2EE_JANUS_PRIVATE_H__ */
