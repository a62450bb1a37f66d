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
 * One call with a page: webrtcbin offers a VP8 and an Opus m-line, both
 * sendrecv. The bot's media goes vp8enc ! e2eeenc ! e2eevp8pay and
 * opusenc ! e2eeenc ! rtpopuspay into webrtcbin; what the page sends comes
 * out of webrtcbin and goes rtpvp8depay / rtpopusdepay ! e2eedec.
 *
 * Bit-exactness: the page reports the RTP timestamp and the SHA-256 of
 * every clear frame it encrypted, in the order it encrypted them. A probe on
 * each depayloader's sink pad notes the RTP timestamp of the packet being
 * depayloaded, and one on e2eedec's source pad, on the same thread, hashes
 * the frame that comes out of it. An output is "matched" if the page
 * reported that hash for that timestamp, "different" if it reported another
 * hash, or none although it has already reported a later timestamp; until
 * then (the reports travel over the WebSocket and may lag the media by
 * seconds on a loaded machine) it is pending.
 *
 * Threads: webrtcbin's signals and the probes run on GStreamer's threads;
 * everything for the page is handed to the main context, where the
 * WebSocket lives. The call is reference counted so that work queued for
 * the main context outlives browser_call_free() safely.
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <gst/webrtc/webrtc.h>
#include <gst/sdp/sdp.h>
#include <string.h>

#include <gst/rtp/gstrtpbuffer.h>

#include "browser-call.h"

/* the page's reports kept for matching; older ones are forgotten once
 * there are more than REPORTED_MAX */
#define REPORTED_KEEP (60 * G_TIME_SPAN_SECOND)
#define REPORTED_MAX 20000
#define SHA256_HEX_LEN 64

#define VIDEO_RTP_CAPS "application/x-rtp,media=video,encoding-name=VP8," \
    "payload=96,clock-rate=90000,rtcp-fb-nack-pli=(boolean)true," \
    "rtcp-fb-ccm-fir=(boolean)true"
#define AUDIO_RTP_CAPS "application/x-rtp,media=audio,encoding-name=OPUS," \
    "payload=97,clock-rate=48000"

/* %u: the tone's frequency */
#define SEND_DESC \
    "webrtcbin name=webrtc bundle-policy=max-bundle latency=100 " \
    "videotestsrc is-live=true pattern=smpte ! " \
    "video/x-raw,width=320,height=240,framerate=30/1 ! " \
    "timeoverlay halignment=right valignment=bottom font-desc=\"Sans 10\" ! " \
    "videoconvert ! queue max-size-buffers=2 leaky=downstream ! " \
    "vp8enc deadline=1 keyframe-max-dist=30 target-bitrate=600000 ! " \
    "e2eeenc name=venc ! e2eevp8pay picture-id-mode=15-bit ! " \
    "queue ! " VIDEO_RTP_CAPS " ! webrtc. " \
    "audiotestsrc is-live=true wave=sine freq=%u volume=0.3 ! " \
    "audioconvert ! audioresample ! queue ! opusenc ! " \
    "e2eeenc name=aenc ! rtpopuspay ! queue ! " AUDIO_RTP_CAPS " ! webrtc."

typedef enum
{
  KIND_VIDEO,
  KIND_AUDIO,
  N_KINDS
} Kind;

static const gchar *const kind_names[N_KINDS] = { "video", "audio" };

typedef struct
{
  gchar hash[SHA256_HEX_LEN + 1];
  guint32 rtp_timestamp;
  gint64 time;
} Frame;

typedef struct
{
  /* streaming thread only: the RTP timestamp being depayloaded */
  guint32 rtp_timestamp;

  /* all protected by the call's lock */
  GstElement *dec;
  /* the page's reports: RTP timestamp -> Frame */
  GHashTable *reported;
  gboolean have_reports;
  guint32 last_reported;
  /* e2eedec's outputs not yet matched: Frame */
  GQueue pending;
  guint64 outputs;
  guint64 matched;
  guint64 different;
  gint64 first_output;
} Stream;

struct _BrowserCall
{
  gint refcount;
  GMainContext *context;

  /* main context only; NULL once the call is freed */
  BrowserCallSendFunc send;
  gpointer user_data;
  guint bus_watch;

  /* immutable after browser_call_new() */
  GstElement *pipeline;
  GstElement *webrtc;
  GstElement *encoders[N_KINDS];
  GBytes *key;
  GstE2eeKeyManager *manager;
  gchar *participant;
  gboolean display;
  gint64 start_time;

  GMutex lock;
  /* protected by lock */
  gboolean offered;
  Stream streams[N_KINDS];
};

static BrowserCall *
browser_call_ref (BrowserCall * call)
{
  g_atomic_int_inc (&call->refcount);
  return call;
}

static void
browser_call_unref (BrowserCall * call)
{
  guint i;

  if (!g_atomic_int_dec_and_test (&call->refcount))
    return;

  for (i = 0; i < N_KINDS; i++) {
    Stream *s = &call->streams[i];

    gst_clear_object (&s->dec);
    g_hash_table_unref (s->reported);
    g_queue_clear_full (&s->pending, g_free);
    gst_clear_object (&call->encoders[i]);
  }
  gst_clear_object (&call->webrtc);
  gst_clear_object (&call->pipeline);
  g_clear_pointer (&call->key, g_bytes_unref);
  gst_clear_object (&call->manager);
  g_free (call->participant);
  g_main_context_unref (call->context);
  g_mutex_clear (&call->lock);
  g_free (call);
}

/* ---- messages for the page ---- */

typedef struct
{
  BrowserCall *call;
  gchar *text;
} PageMessage;

static void
page_message_free (PageMessage * m)
{
  browser_call_unref (m->call);
  g_free (m->text);
  g_free (m);
}

static gboolean
deliver_to_page (gpointer data)
{
  PageMessage *m = data;

  if (m->call->send)
    m->call->send (m->text, m->call->user_data);
  return G_SOURCE_REMOVE;
}

/* From any thread: takes @builder's object and sends it to the page. */
static void
post_to_page (BrowserCall * call, JsonBuilder * builder)
{
  PageMessage *m = g_new0 (PageMessage, 1);
  JsonNode *root = json_builder_get_root (builder);

  m->call = browser_call_ref (call);
  m->text = json_to_string (root, FALSE);
  json_node_unref (root);
  g_object_unref (builder);
  g_main_context_invoke_full (call->context, G_PRIORITY_DEFAULT,
      deliver_to_page, m, (GDestroyNotify) page_message_free);
}

static void
post_error (BrowserCall * call, const gchar * message)
{
  JsonBuilder *b = json_builder_new ();

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "type");
  json_builder_add_string_value (b, "error");
  json_builder_set_member_name (b, "message");
  json_builder_add_string_value (b, message);
  json_builder_end_object (b);
  post_to_page (call, b);
}

/* ---- signalling ---- */

static void
on_offer_created (GstPromise * promise, gpointer user_data)
{
  BrowserCall *call = user_data;
  GstWebRTCSessionDescription *offer = NULL;
  const GstStructure *reply;
  JsonBuilder *b;
  gchar *text;

  reply = gst_promise_get_reply (promise);
  if (reply)
    gst_structure_get (reply, "offer", GST_TYPE_WEBRTC_SESSION_DESCRIPTION,
        &offer, NULL);
  if (!offer) {
    g_printerr ("e2ee-browser: webrtcbin made no offer\n");
    post_error (call, "the bot could not make an offer");
    return;
  }
  g_signal_emit_by_name (call->webrtc, "set-local-description", offer, NULL);
  text = gst_sdp_message_as_text (offer->sdp);
  gst_webrtc_session_description_free (offer);

  b = json_builder_new ();
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "type");
  json_builder_add_string_value (b, "offer");
  json_builder_set_member_name (b, "sdp");
  json_builder_add_string_value (b, text);
  json_builder_end_object (b);
  g_free (text);
  post_to_page (call, b);
}

static void
on_negotiation_needed (GstElement * webrtc, BrowserCall * call)
{
  GstPromise *promise;
  gboolean offered;

  g_mutex_lock (&call->lock);
  offered = call->offered;
  call->offered = TRUE;
  g_mutex_unlock (&call->lock);
  if (offered)
    return;

  promise = gst_promise_new_with_change_func (on_offer_created,
      browser_call_ref (call), (GDestroyNotify) browser_call_unref);
  g_signal_emit_by_name (webrtc, "create-offer", NULL, promise);
}

static void
on_ice_candidate (GstElement * webrtc, guint mline, const gchar * candidate,
    BrowserCall * call)
{
  JsonBuilder *b = json_builder_new ();

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "type");
  json_builder_add_string_value (b, "ice");
  json_builder_set_member_name (b, "sdpMLineIndex");
  json_builder_add_int_value (b, mline);
  json_builder_set_member_name (b, "candidate");
  json_builder_add_string_value (b, candidate);
  json_builder_end_object (b);
  post_to_page (call, b);
}

void
browser_call_set_answer (BrowserCall * call, const gchar * sdp)
{
  GstSDPMessage *msg;
  GstWebRTCSessionDescription *answer;

  if (gst_sdp_message_new_from_text (sdp, &msg) != GST_SDP_OK) {
    post_error (call, "the answer is not SDP");
    return;
  }
  answer = gst_webrtc_session_description_new (GST_WEBRTC_SDP_TYPE_ANSWER, msg);
  g_signal_emit_by_name (call->webrtc, "set-remote-description", answer, NULL);
  gst_webrtc_session_description_free (answer);
}

void
browser_call_add_ice_candidate (BrowserCall * call, guint mline,
    const gchar * candidate)
{
  g_signal_emit_by_name (call->webrtc, "add-ice-candidate", mline, candidate);
}

/* ---- what the page sends ---- */

static void
reconcile_locked (Stream * s)
{
  GList *l = s->pending.head;

  while (l) {
    GList *next = l->next;
    Frame *o = l->data;
    Frame *r = g_hash_table_lookup (s->reported,
        GUINT_TO_POINTER (o->rtp_timestamp));

    if (r && strcmp (r->hash, o->hash) == 0) {
      s->matched++;
    } else if (r || (s->have_reports
            && (gint32) (s->last_reported - o->rtp_timestamp) > 0)) {
      /* another frame than the page's, or one it never reported (it
       * reports in order) */
      s->different++;
    } else {
      l = next;
      continue;
    }
    g_free (o);
    g_queue_delete_link (&s->pending, l);
    l = next;
  }
}

static gboolean
is_old_report (gpointer key, gpointer value, gpointer user_data)
{
  return ((Frame *) value)->time < *(gint64 *) user_data;
}

void
browser_call_add_hashes (BrowserCall * call, const gchar * kind,
    JsonArray * frames)
{
  gint64 now = g_get_monotonic_time ();
  guint i, n = json_array_get_length (frames);
  Stream *s;

  if (g_strcmp0 (kind, "video") == 0)
    s = &call->streams[KIND_VIDEO];
  else if (g_strcmp0 (kind, "audio") == 0)
    s = &call->streams[KIND_AUDIO];
  else
    return;

  g_mutex_lock (&call->lock);
  for (i = 0; i < n; i++) {
    JsonNode *node = json_array_get_element (frames, i);
    JsonNode *ts_node, *hash_node;
    JsonArray *frame;
    const gchar *hash;
    gint64 ts;
    Frame *r;

    /* [rtp timestamp, "sha-256 in hex"] */
    if (!JSON_NODE_HOLDS_ARRAY (node))
      continue;
    frame = json_node_get_array (node);
    if (json_array_get_length (frame) != 2)
      continue;
    ts_node = json_array_get_element (frame, 0);
    hash_node = json_array_get_element (frame, 1);
    if (!JSON_NODE_HOLDS_VALUE (ts_node)
        || json_node_get_value_type (ts_node) != G_TYPE_INT64
        || !JSON_NODE_HOLDS_VALUE (hash_node)
        || json_node_get_value_type (hash_node) != G_TYPE_STRING)
      continue;
    ts = json_node_get_int (ts_node);
    hash = json_node_get_string (hash_node);
    if (ts < 0 || ts > G_MAXUINT32 || strlen (hash) != SHA256_HEX_LEN
        || strspn (hash, "0123456789abcdef") != SHA256_HEX_LEN)
      continue;
    r = g_new0 (Frame, 1);
    memcpy (r->hash, hash, SHA256_HEX_LEN + 1);
    r->rtp_timestamp = (guint32) ts;
    r->time = now;
    g_hash_table_replace (s->reported, GUINT_TO_POINTER (r->rtp_timestamp), r);
    s->last_reported = r->rtp_timestamp;
    s->have_reports = TRUE;
  }
  if (g_hash_table_size (s->reported) > REPORTED_MAX) {
    gint64 limit = now - REPORTED_KEEP;

    g_hash_table_foreach_remove (s->reported, is_old_report, &limit);
  }
  reconcile_locked (s);
  g_mutex_unlock (&call->lock);
}

typedef struct
{
  BrowserCall *call;
  Kind kind;
} ProbeData;

/* On the streaming thread of the page's stream, before the depayloader. */
static GstPadProbeReturn
on_rtp_packet (GstPad * pad, GstPadProbeInfo * info, gpointer user_data)
{
  ProbeData *pd = user_data;
  GstRTPBuffer rtp = GST_RTP_BUFFER_INIT;

  if (gst_rtp_buffer_map (GST_PAD_PROBE_INFO_BUFFER (info), GST_MAP_READ, &rtp)) {
    pd->call->streams[pd->kind].rtp_timestamp =
        gst_rtp_buffer_get_timestamp (&rtp);
    gst_rtp_buffer_unmap (&rtp);
  }
  return GST_PAD_PROBE_OK;
}

/* On the same thread: the depayloader pushes the frame while it handles
 * the frame's last packet, so rtp_timestamp is the frame's. */
static GstPadProbeReturn
on_decrypted_frame (GstPad * pad, GstPadProbeInfo * info, gpointer user_data)
{
  ProbeData *pd = user_data;
  BrowserCall *call = pd->call;
  GstBuffer *buf = GST_PAD_PROBE_INFO_BUFFER (info);
  Stream *s = &call->streams[pd->kind];
  GstMapInfo map;
  gchar *hash;
  Frame *o;

  if (!gst_buffer_map (buf, &map, GST_MAP_READ))
    return GST_PAD_PROBE_OK;
  hash = g_compute_checksum_for_data (G_CHECKSUM_SHA256, map.data, map.size);
  gst_buffer_unmap (buf, &map);
  o = g_new0 (Frame, 1);
  g_strlcpy (o->hash, hash, sizeof (o->hash));
  g_free (hash);
  o->rtp_timestamp = s->rtp_timestamp;
  o->time = g_get_monotonic_time ();

  g_mutex_lock (&call->lock);
  s->outputs++;
  if (s->first_output < 0)
    s->first_output = o->time;
  g_queue_push_tail (&s->pending, o);
  reconcile_locked (s);
  g_mutex_unlock (&call->lock);
  return GST_PAD_PROBE_OK;
}

/* A stream from the page: depayload, decrypt, and either show it or drop
 * it after the probe. */
static void
on_pad_added (GstElement * webrtc, GstPad * pad, BrowserCall * call)
{
  GstCaps *caps;
  GstStructure *st;
  const gchar *media;
  Kind kind;
  gchar *desc;
  GstElement *bin, *dec, *depay;
  GstPad *sink, *src;
  GError *error = NULL;
  ProbeData *pd;

  if (GST_PAD_DIRECTION (pad) != GST_PAD_SRC)
    return;
  caps = gst_pad_get_current_caps (pad);
  if (!caps)
    caps = gst_pad_query_caps (pad, NULL);
  st = gst_caps_get_structure (caps, 0);
  media = gst_structure_get_string (st, "media");
  if (g_strcmp0 (media, "video") == 0) {
    kind = KIND_VIDEO;
    desc = g_strdup_printf ("rtpvp8depay name=depay request-keyframe=true "
        "wait-for-keyframe=true ! e2eedec name=dec ! %s",
        call->display ? "queue ! vp8dec ! videoconvert ! autovideosink" :
        "fakesink sync=false async=false");
  } else if (g_strcmp0 (media, "audio") == 0) {
    kind = KIND_AUDIO;
    desc = g_strdup_printf ("rtpopusdepay name=depay ! e2eedec name=dec ! %s",
        call->display ? "queue ! opusdec ! audioconvert ! audioresample ! "
        "autoaudiosink" : "fakesink sync=false async=false");
  } else {
    gst_caps_unref (caps);
    return;
  }
  gst_caps_unref (caps);

  bin = gst_parse_bin_from_description (desc, TRUE, &error);
  g_free (desc);
  if (!bin) {
    g_printerr ("e2ee-browser: %s\n", error->message);
    g_clear_error (&error);
    return;
  }
  dec = gst_bin_get_by_name (GST_BIN (bin), "dec");
  if (call->manager) {
    g_object_set (dec, "key-manager", call->manager, "participant",
        call->participant, NULL);
  } else {
    GstBuffer *key = gst_buffer_new_wrapped_bytes (call->key);

    g_object_set (dec, "key", key, NULL);
    gst_buffer_unref (key);
  }

  /* no reference: the pipeline, and so the probe, goes with the call */
  pd = g_new0 (ProbeData, 1);
  pd->call = call;
  pd->kind = kind;
  depay = gst_bin_get_by_name (GST_BIN (bin), "depay");
  sink = gst_element_get_static_pad (depay, "sink");
  gst_pad_add_probe (sink, GST_PAD_PROBE_TYPE_BUFFER, on_rtp_packet, pd, NULL);
  gst_object_unref (sink);
  gst_object_unref (depay);
  src = gst_element_get_static_pad (dec, "src");
  gst_pad_add_probe (src, GST_PAD_PROBE_TYPE_BUFFER, on_decrypted_frame, pd,
      g_free);
  gst_object_unref (src);

  g_mutex_lock (&call->lock);
  gst_object_replace ((GstObject **) & call->streams[kind].dec,
      GST_OBJECT (dec));
  g_mutex_unlock (&call->lock);
  gst_object_unref (dec);

  gst_bin_add (GST_BIN (call->pipeline), bin);
  gst_element_sync_state_with_parent (bin);
  sink = gst_element_get_static_pad (bin, "sink");
  if (gst_pad_link (pad, sink) != GST_PAD_LINK_OK)
    g_printerr ("e2ee-browser: cannot link the page's %s\n", kind_names[kind]);
  gst_object_unref (sink);
}

static gboolean
on_bus_message (GstBus * bus, GstMessage * message, gpointer user_data)
{
  BrowserCall *call = user_data;
  GError *error = NULL;
  gchar *debug = NULL;

  switch (GST_MESSAGE_TYPE (message)) {
    case GST_MESSAGE_ERROR:
      gst_message_parse_error (message, &error, &debug);
      g_printerr ("e2ee-browser: error from %s: %s (%s)\n",
          GST_MESSAGE_SRC_NAME (message), error->message, debug ? debug : "");
      post_error (call, error->message);
      g_clear_error (&error);
      g_free (debug);
      break;
    case GST_MESSAGE_WARNING:
      gst_message_parse_warning (message, &error, &debug);
      g_printerr ("e2ee-browser: warning from %s: %s\n",
          GST_MESSAGE_SRC_NAME (message), error->message);
      g_clear_error (&error);
      g_free (debug);
      break;
    default:
      break;
  }
  return G_SOURCE_CONTINUE;
}

/* Loopback only, unless told otherwise: no STUN or TURN server, one local
 * address, no ICE-TCP, no UPnP. */
static void
configure_ice (GstElement * webrtc, const gchar * address)
{
  GObject *ice = NULL, *agent = NULL;
  gboolean added = FALSE;

  g_object_get (webrtc, "ice-agent", &ice, NULL);
  if (!ice)
    return;
  g_signal_emit_by_name (ice, "add-local-ip-address", address, &added);
  if (!added)
    g_printerr ("e2ee-browser: ICE cannot use the address %s\n", address);
  if (g_object_class_find_property (G_OBJECT_GET_CLASS (ice), "ice-tcp"))
    g_object_set (ice, "ice-tcp", FALSE, NULL);
  if (g_object_class_find_property (G_OBJECT_GET_CLASS (ice), "agent"))
    g_object_get (ice, "agent", &agent, NULL);
  if (agent && g_object_class_find_property (G_OBJECT_GET_CLASS (agent),
          "upnp"))
    g_object_set (agent, "upnp", FALSE, NULL);
  g_clear_object (&agent);
  g_object_unref (ice);
}

BrowserCall *
browser_call_new (const BrowserCallConfig * config, BrowserCallSendFunc send,
    gpointer user_data, GError ** error)
{
  BrowserCall *call;
  gchar *desc;
  GstBus *bus;
  guint i;

  g_return_val_if_fail (config->key || config->manager, NULL);

  call = g_new0 (BrowserCall, 1);
  call->refcount = 1;
  call->context = g_main_context_ref_thread_default ();
  call->send = send;
  call->user_data = user_data;
  call->display = config->display;
  call->start_time = g_get_monotonic_time ();
  if (config->key)
    call->key = g_bytes_ref (config->key);
  if (config->manager)
    call->manager = gst_object_ref (config->manager);
  call->participant = g_strdup (config->participant);
  g_mutex_init (&call->lock);
  for (i = 0; i < N_KINDS; i++) {
    call->streams[i].reported = g_hash_table_new_full (NULL, NULL, NULL,
        g_free);
    g_queue_init (&call->streams[i].pending);
    call->streams[i].first_output = -1;
  }

  desc = g_strdup_printf (SEND_DESC, config->tone_hz);
  call->pipeline = gst_parse_launch (desc, error);
  g_free (desc);
  if (!call->pipeline) {
    browser_call_unref (call);
    return NULL;
  }
  gst_object_ref_sink (call->pipeline);
  call->webrtc = gst_bin_get_by_name (GST_BIN (call->pipeline), "webrtc");
  call->encoders[KIND_VIDEO] = gst_bin_get_by_name (GST_BIN (call->pipeline),
      "venc");
  call->encoders[KIND_AUDIO] = gst_bin_get_by_name (GST_BIN (call->pipeline),
      "aenc");
  configure_ice (call->webrtc, config->ice_address);

  for (i = 0; i < N_KINDS; i++) {
    if (call->manager) {
      g_object_set (call->encoders[i], "key-manager", call->manager, NULL);
    } else {
      GstBuffer *key = gst_buffer_new_wrapped_bytes (call->key);

      g_object_set (call->encoders[i], "key", key, NULL);
      gst_buffer_unref (key);
    }
  }

  g_signal_connect (call->webrtc, "on-negotiation-needed",
      G_CALLBACK (on_negotiation_needed), call);
  g_signal_connect (call->webrtc, "on-ice-candidate",
      G_CALLBACK (on_ice_candidate), call);
  g_signal_connect (call->webrtc, "pad-added", G_CALLBACK (on_pad_added), call);

  bus = gst_element_get_bus (call->pipeline);
  call->bus_watch = gst_bus_add_watch (bus, on_bus_message, call);
  gst_object_unref (bus);

  if (gst_element_set_state (call->pipeline, GST_STATE_PLAYING) ==
      GST_STATE_CHANGE_FAILURE) {
    g_set_error (error, GST_CORE_ERROR, GST_CORE_ERROR_STATE_CHANGE,
        "the call's pipeline does not start");
    browser_call_free (call);
    return NULL;
  }
  return call;
}

/* ---- statistics ---- */

static void
add_uint (JsonBuilder * b, const gchar * name, guint64 value)
{
  json_builder_set_member_name (b, name);
  json_builder_add_int_value (b, (gint64) value);
}

static guint64
stat_field (const GstStructure * st, const gchar * name)
{
  guint64 v = 0;

  if (st)
    gst_structure_get_uint64 (st, name, &v);
  return v;
}

JsonObject *
browser_call_get_stats (BrowserCall * call)
{
  JsonBuilder *b = json_builder_new ();
  GstWebRTCPeerConnectionState state;
  GEnumValue *ev;
  JsonNode *root;
  JsonObject *obj;
  guint i;

  g_object_get (call->webrtc, "connection-state", &state, NULL);
  ev = g_enum_get_value (g_type_class_peek
      (GST_TYPE_WEBRTC_PEER_CONNECTION_STATE), state);

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "connection");
  json_builder_add_string_value (b, ev ? ev->value_nick : "unknown");

  for (i = 0; i < N_KINDS; i++) {
    Stream *s = &call->streams[i];
    GstStructure *dec_stats = NULL, *enc_stats = NULL;
    GstElement *dec;
    guint64 matched, different, pending, outputs;
    gint64 first;

    g_mutex_lock (&call->lock);
    reconcile_locked (s);
    dec = s->dec ? gst_object_ref (s->dec) : NULL;
    matched = s->matched;
    different = s->different;
    pending = s->pending.length;
    outputs = s->outputs;
    first = s->first_output;
    g_mutex_unlock (&call->lock);

    if (dec) {
      g_object_get (dec, "stats", &dec_stats, NULL);
      gst_object_unref (dec);
    }
    g_object_get (call->encoders[i], "stats", &enc_stats, NULL);

    json_builder_set_member_name (b, kind_names[i]);
    json_builder_begin_object (b);
    /* what the bot decrypted from the page */
    add_uint (b, "decrypted", outputs);
    add_uint (b, "framesIn", stat_field (dec_stats, "frames-in"));
    add_uint (b, "authFailed", stat_field (dec_stats, "auth-failed"));
    add_uint (b, "missingKey", stat_field (dec_stats, "missing-key"));
    add_uint (b, "badFrames", stat_field (dec_stats, "bad-frames"));
    add_uint (b, "dropped", stat_field (dec_stats, "dropped"));
    add_uint (b, "ratchets", stat_field (dec_stats, "ratchets"));
    add_uint (b, "matched", matched);
    add_uint (b, "different", different);
    add_uint (b, "pending", pending);
    json_builder_set_member_name (b, "firstFrameMs");
    if (first >= 0)
      json_builder_add_int_value (b, (first - call->start_time) / 1000);
    else
      json_builder_add_null_value (b);
    /* what the bot encrypted for the page */
    add_uint (b, "encrypted", stat_field (enc_stats, "frames-out"));
    add_uint (b, "sendDropped", stat_field (enc_stats, "dropped"));
    json_builder_end_object (b);

    if (dec_stats)
      gst_structure_free (dec_stats);
    if (enc_stats)
      gst_structure_free (enc_stats);
  }
  json_builder_end_object (b);

  root = json_builder_get_root (b);
  obj = json_object_ref (json_node_get_object (root));
  json_node_unref (root);
  g_object_unref (b);
  return obj;
}

void
browser_call_free (BrowserCall * call)
{
  call->send = NULL;
  if (call->bus_watch) {
    g_source_remove (call->bus_watch);
    call->bus_watch = 0;
  }
  if (call->pipeline)
    gst_element_set_state (call->pipeline, GST_STATE_NULL);
  browser_call_unref (call);
}
