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

/* GstE2eeJanusRoom's insides, shared by its files: gste2eejanusroom.c (the
 * object, its thread, the session's life), gste2eejanusroom-textroom.c (the
 * key manager's transport and the TextRoom roster) and
 * gste2eejanusroom-media.c (webrtcbin negotiation, the VideoRoom roster,
 * publishing, subscribing). */

#ifndef __GST_E2EE_JANUS_ROOM_PRIVATE_H__
#define __GST_E2EE_JANUS_ROOM_PRIVATE_H__

#include <gst/webrtc/webrtc.h>
#include <gst/e2ee/gste2eejanusroom.h>
#include "gste2eejanus-private.h"

G_BEGIN_DECLS

GST_DEBUG_CATEGORY_EXTERN (gst_e2ee_janus_room_debug);

#define DEFAULT_KEEPALIVE_MS 15000
#define DEFAULT_RECONNECT_MS 2000
#define FIRST_BACKOFF_MS 250
#define GATHER_TIMEOUT_MS 5000
#define STOP_TIMEOUT_MS 2000
/* a TextRoom participant missing after our rejoin is removed when it has not
 * come back by then (the others reconnect at their own pace) */
#define ROSTER_GRACE_S 20
#define MAX_RELAY_MESSAGE 65535
#define MAX_QUEUED_OUT 256

enum
{
  SIGNAL_WEBRTCBIN_SETUP,
  SIGNAL_JOINED,
  SIGNAL_DISCONNECTED,
  SIGNAL_PUBLISHER_ADDED,
  SIGNAL_PUBLISHER_REMOVED,
  SIGNAL_STREAM_ADDED,
  SIGNAL_STREAM_REMOVED,
  SIGNAL_REQUEST_WEBRTCBIN,
  SIGNAL_RELEASE_WEBRTCBIN,
  SIGNAL_ERROR,
  LAST_SIGNAL
};

#define signals _gst_e2ee_janus_room_signals
G_GNUC_INTERNAL extern guint signals[LAST_SIGNAL];



typedef struct
{
  guint64 feed_id;
  gchar *participant;
  gchar *kind;
} MidInfo;

/* One multistream subscriber handle and its webrtcbin. Janus 1.1.2 reuses
 * an m-line a leaver's stream left inactive for the next stream of the same
 * kind and codec, and webrtcbin 1.22 refuses to make an inactive
 * transceiver active again ("transceiver direction changes are not
 * implemented"): a handle with such a hole takes no new publisher; the next
 * ones go to a new handle on a webrtcbin the application gives
 * (request-webrtcbin). */
typedef struct
{
  GstE2eeJanusRoom *room;
  GstElement *webrtcbin;
  guint64 handle;
  gboolean busy;
  gboolean joined;
  /* the room asked the application for it: given back with
   * release-webrtcbin when all of its streams are gone */
  gboolean requested;
  /* an m-line of it went inactive: no new feed on it */
  gboolean holes;
  gboolean detaching;
  /* feed ids asked for */
  GHashTable *feeds;
  /* Janus's offer that came while busy */
  JsonObject *pending_offer;
  /* OBJECT_LOCK (written on the room's thread): mid -> MidInfo, the
   * active streams */
  GHashTable *mids;
} Subscriber;

typedef struct
{
  gchar *to;
  gchar *text;
} OutMessage;

struct _GstE2eeJanusRoom
{
  GstObject parent;

  /* immutable after construction */
  gchar *server_url;
  guint64 room_id;
  guint64 textroom_id;
  GstE2eeKeyManager *km;
  gchar *display;

  /* OBJECT_LOCK */
  gchar *pin;
  guint keepalive_ms;
  guint reconnect_ms;
  guint reconnects, relay_in, relay_out, relay_refused;
  /* atomic: HTTP requests sent, events received */
  gint counters[2];
  guint n_publishers, n_streams;
  gboolean joined;
  gboolean running;
  GThread *thread;
  GMainContext *ctx;
  GMainLoop *loop;
  gboolean stopped;
  GCond cond;
  gulong km_send_id;

  /* the room's thread only */
  guint gen;
  GstE2eeJanusSession *session;
  guint64 vr_handle, tr_handle, my_feed_id;
  gboolean vr_joined, tr_joined, joined_emitted, stopping;
  GstElement *tr_pipeline, *tr_webrtcbin;
  GstWebRTCDataChannel *tr_channel;
  gchar *tr_join_transaction;
  GHashTable *publishers;       /* guint64 feed id -> display */
  GHashTable *roster;           /* username -> grace timer id (0: present) */
  GQueue out_queue;             /* OutMessage, until the TextRoom is joined */
  /* Subscriber, the application's (subscribe()) first; the list changes on
   * the room's thread under OBJECT_LOCK, so other threads read it locked */
  GList *subs;
  /* feed ids the application gave no webrtcbin for, until they go */
  GHashTable *refused_feeds;
  GstElement *pub_webrtcbin;
  guint reconnect_source;
  guint backoff_ms;
  guint stop_source;
};

typedef struct
{
  GstE2eeJanusRoom *room;
  GstElement *webrtcbin;
} MediaData;

typedef struct _Gather Gather;

typedef void (*SdpReadyFunc) (GstE2eeJanusRoom * room, GstElement * webrtcbin,
    const gchar * sdp, gpointer data);

#define mid_info_free _gst_e2ee_janus_room_mid_info_free
#define out_message_free _gst_e2ee_janus_room_out_message_free
#define emit_error _gst_e2ee_janus_room_emit_error
#define room_invoke _gst_e2ee_janus_room_invoke
#define reply_ok _gst_e2ee_janus_room_reply_ok
#define room_lose _gst_e2ee_janus_room_lose
#define maybe_joined _gst_e2ee_janus_room_maybe_joined
#define set_description _gst_e2ee_janus_room_set_description
#define create_local _gst_e2ee_janus_room_create_local
#define gather_prepare _gst_e2ee_janus_room_gather_prepare
#define gather_start _gst_e2ee_janus_room_gather_start
#define gather_cancel _gst_e2ee_janus_room_gather_cancel
#define jsep_new _gst_e2ee_janus_room_jsep_new
#define event_offer _gst_e2ee_janus_room_event_offer
#define vr_attached _gst_e2ee_janus_room_vr_attached
#define vr_on_data _gst_e2ee_janus_room_vr_on_data
#define sub_on_offer _gst_e2ee_janus_room_sub_on_offer
#define sub_on_event _gst_e2ee_janus_room_sub_on_event
#define sub_find_handle _gst_e2ee_janus_room_sub_find_handle
#define subscriber_free _gst_e2ee_janus_room_subscriber_free
#define subs_release_all _gst_e2ee_janus_room_subs_release_all
#define subscriber_new _gst_e2ee_janus_room_subscriber_new
#define sub_update_streams _gst_e2ee_janus_room_sub_update_streams
#define publish_on_thread _gst_e2ee_janus_room_publish_on_thread
#define subscribe_on_thread _gst_e2ee_janus_room_subscribe_on_thread
#define media_data_free _gst_e2ee_janus_room_media_data_free
#define tr_attached _gst_e2ee_janus_room_tr_attached
#define km_send_message _gst_e2ee_janus_room_km_send_message
#define tr_send_json _gst_e2ee_janus_room_tr_send_json
#define tr_receive _gst_e2ee_janus_room_tr_receive
#define session_event _gst_e2ee_janus_room_session_event
#define session_lost _gst_e2ee_janus_room_session_lost
#define stop_finish _gst_e2ee_janus_room_stop_finish

G_GNUC_INTERNAL void mid_info_free (MidInfo * info);
G_GNUC_INTERNAL void out_message_free (OutMessage * m);
G_GNUC_INTERNAL void emit_error (GstE2eeJanusRoom * room,
    const gchar * format, ...) G_GNUC_PRINTF (2, 3);
G_GNUC_INTERNAL void room_invoke (GstE2eeJanusRoom * room, GSourceFunc func,
    gpointer data, GDestroyNotify notify);
G_GNUC_INTERNAL gboolean reply_ok (GstE2eeJanusRoom * room,
    JsonObject * reply, const GError * error, const gchar * what);
G_GNUC_INTERNAL void room_lose (GstE2eeJanusRoom * room,
    const GError * error);
G_GNUC_INTERNAL void maybe_joined (GstE2eeJanusRoom * room);

/* gste2eejanusroom-media.c */
G_GNUC_INTERNAL gboolean set_description (GstElement * webrtcbin,
    gboolean remote, GstWebRTCSDPType type, const gchar * sdp_text);
G_GNUC_INTERNAL gboolean create_local (GstElement * webrtcbin,
    gboolean offer);
G_GNUC_INTERNAL Gather *gather_prepare (GstE2eeJanusRoom * room,
    GstElement * webrtcbin, SdpReadyFunc func, gpointer data);
G_GNUC_INTERNAL void gather_start (Gather * g);
G_GNUC_INTERNAL void gather_cancel (Gather * g);
G_GNUC_INTERNAL JsonObject *jsep_new (const gchar * type, const gchar * sdp,
    gboolean e2ee);
G_GNUC_INTERNAL const gchar *event_offer (JsonObject * event);
G_GNUC_INTERNAL void vr_attached (GstE2eeJanusSession * session,
    JsonObject * reply, const GError * error, gpointer data);
G_GNUC_INTERNAL void vr_on_data (GstE2eeJanusRoom * room, JsonObject * data);
G_GNUC_INTERNAL gboolean sub_on_offer (Subscriber * sub, JsonObject * event);
G_GNUC_INTERNAL void sub_on_event (Subscriber * sub, JsonObject * event);
G_GNUC_INTERNAL void sub_update_streams (Subscriber * sub,
    JsonArray * streams);
G_GNUC_INTERNAL Subscriber *sub_find_handle (GstE2eeJanusRoom * room,
    guint64 handle);
G_GNUC_INTERNAL void subscriber_free (Subscriber * sub);
G_GNUC_INTERNAL void subs_release_all (GstE2eeJanusRoom * room);
G_GNUC_INTERNAL Subscriber *subscriber_new (GstE2eeJanusRoom * room,
    GstElement * webrtcbin, gboolean requested);
G_GNUC_INTERNAL gboolean publish_on_thread (gpointer data);
G_GNUC_INTERNAL gboolean subscribe_on_thread (gpointer data);
G_GNUC_INTERNAL void media_data_free (MediaData * md);

/* gste2eejanusroom-textroom.c */
G_GNUC_INTERNAL void tr_attached (GstE2eeJanusSession * session,
    JsonObject * reply, const GError * error, gpointer data);
G_GNUC_INTERNAL void km_send_message (GstE2eeKeyManager * km,
    const gchar * to, const gchar * text, GstE2eeJanusRoom * room);
G_GNUC_INTERNAL void tr_send_json (GstE2eeJanusRoom * room,
    JsonObject * obj);
G_GNUC_INTERNAL void tr_receive (GstE2eeJanusRoom * room, guint gen,
    const gchar * text);

G_GNUC_INTERNAL void session_event (GstE2eeJanusSession * session,
    guint64 handle, JsonObject * event, gpointer data);
G_GNUC_INTERNAL void session_lost (GstE2eeJanusSession * session,
    const GError * error, gpointer data);
G_GNUC_INTERNAL void stop_finish (GstE2eeJanusRoom * room);

G_END_DECLS

#endif /* __GST_E2EE_JANUS_ROOM_PRIVATE_H__ */
