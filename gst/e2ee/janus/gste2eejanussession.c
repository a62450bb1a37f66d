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
 * One Janus session over Janus's HTTP API (libsoup 3, json-glib): requests
 * carry a random transaction; Janus answers each POST either at once
 * ("success", "error") or, for a plugin message it handles asynchronously,
 * with an "ack" and later an "event" with the same transaction that the
 * long poll (GET /janus/<session>?maxev=N) brings. Events with no
 * transaction of ours go to the event callback. A keepalive request every
 * keepalive interval keeps the session from timing out while the long poll
 * is idle. Any HTTP failure, Janus's "session not found" (458) or a
 * "timeout" event loses the session: the lost callback runs once.
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <libsoup/soup.h>
#include <string.h>

#include "gste2eejanus-private.h"

GST_DEBUG_CATEGORY_EXTERN (gst_e2ee_janus_room_debug);
#define GST_CAT_DEFAULT gst_e2ee_janus_room_debug

/* Janus's answers and events are small; anything bigger is refused */
#define MAX_REPLY_SIZE (1024 * 1024)
#define REQUEST_TIMEOUT_S 20
#define JANUS_ERROR_SESSION_NOT_FOUND 458
#define LONG_POLL_MAX_EVENTS 10

struct _GstE2eeJanusSession
{
  gint ref_count;
  gchar *url;
  GstObject *log_object;
  guint keepalive_ms;
  GstE2eeJanusEventFunc event_func;
  GstE2eeJanusLostFunc lost_func;
  gpointer user_data;

  SoupSession *soup;
  GCancellable *cancellable;
  guint64 id;
  /* transaction -> Request, every request in flight */
  GHashTable *pending;
  guint keepalive_source;
  gboolean closed;
  gboolean lost;
  gint *counters;
  /* test only (_gst_e2ee_janus_session_test_offline()): requests stay
   * pending, nothing goes to the network; transactions are t1, t2, ... */
  gboolean offline;
  guint n_offline;
};

typedef struct
{
  GstE2eeJanusSession *session;
  gchar *transaction;
  gboolean expect_event;
  gboolean create;
  GstE2eeJanusReplyFunc func;
  gpointer user_data;
  guint timeout_source;
} Request;

static void session_long_poll (GstE2eeJanusSession * session);

static GstE2eeJanusSession *
session_ref (GstE2eeJanusSession * session)
{
  g_atomic_int_inc (&session->ref_count);
  return session;
}

static void
session_unref (GstE2eeJanusSession * session)
{
  if (!g_atomic_int_dec_and_test (&session->ref_count))
    return;
  g_hash_table_unref (session->pending);
  g_object_unref (session->cancellable);
  g_object_unref (session->soup);
  gst_object_unref (session->log_object);
  g_free (session->url);
  g_free (session);
}

static void
request_free (Request * req)
{
  if (req->timeout_source)
    _gst_e2ee_janus_source_remove (req->timeout_source);
  g_free (req->transaction);
  g_free (req);
}

/* -- sources on the thread-default context (the room's) ----------------- */

guint
_gst_e2ee_janus_timeout_add (guint ms, GSourceFunc func, gpointer data,
    GDestroyNotify notify)
{
  GSource *source = g_timeout_source_new (ms);
  guint id;

  g_source_set_callback (source, func, data, notify);
  id = g_source_attach (source, g_main_context_get_thread_default ());
  g_source_unref (source);
  return id;
}

void
_gst_e2ee_janus_source_remove (guint id)
{
  GSource *source =
      g_main_context_find_source_by_id (g_main_context_get_thread_default (),
      id);

  if (source)
    g_source_destroy (source);
}

/* -- JSON helpers -------------------------------------------------------- */

const gchar *
_gst_e2ee_janus_json_string (JsonObject * obj, const gchar * member)
{
  JsonNode *node;

  if (!obj || !(node = json_object_get_member (obj, member)))
    return NULL;
  if (!JSON_NODE_HOLDS_VALUE (node)
      || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}

gboolean
_gst_e2ee_janus_json_uint64 (JsonObject * obj, const gchar * member,
    guint64 * value)
{
  JsonNode *node;
  gint64 v;

  if (!obj || !(node = json_object_get_member (obj, member)))
    return FALSE;
  if (!JSON_NODE_HOLDS_VALUE (node)
      || json_node_get_value_type (node) != G_TYPE_INT64)
    return FALSE;
  v = json_node_get_int (node);
  if (v < 0)
    return FALSE;
  *value = (guint64) v;
  return TRUE;
}

JsonObject *
_gst_e2ee_janus_json_object (JsonObject * obj, const gchar * member)
{
  JsonNode *node;

  if (!obj || !(node = json_object_get_member (obj, member)))
    return NULL;
  return JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
}

JsonArray *
_gst_e2ee_janus_json_array (JsonObject * obj, const gchar * member)
{
  JsonNode *node;

  if (!obj || !(node = json_object_get_member (obj, member)))
    return NULL;
  return JSON_NODE_HOLDS_ARRAY (node) ? json_node_get_array (node) : NULL;
}

JsonObject *
_gst_e2ee_janus_plugin_data (JsonObject * event)
{
  return _gst_e2ee_janus_json_object (_gst_e2ee_janus_json_object (event,
          "plugindata"), "data");
}

gboolean
_gst_e2ee_janus_reply_error (JsonObject * reply, gint * code,
    const gchar ** reason)
{
  JsonObject *err, *data;
  guint64 c = 0;

  if (g_strcmp0 (_gst_e2ee_janus_json_string (reply, "janus"), "error") == 0) {
    err = _gst_e2ee_janus_json_object (reply, "error");
    _gst_e2ee_janus_json_uint64 (err, "code", &c);
    *code = (gint) MIN (c, G_MAXINT);
    *reason = _gst_e2ee_janus_json_string (err, "reason");
    return TRUE;
  }
  data = _gst_e2ee_janus_plugin_data (reply);
  if (data && _gst_e2ee_janus_json_uint64 (data, "error_code", &c)) {
    *code = (gint) MIN (c, G_MAXINT);
    *reason = _gst_e2ee_janus_json_string (data, "error");
    return TRUE;
  }
  return FALSE;
}

static JsonNode *
parse_reply (GBytes * bytes, GError ** error)
{
  JsonParser *parser;
  JsonNode *root = NULL;
  gsize size = 0;
  const gchar *data = g_bytes_get_data (bytes, &size);

  if (size > MAX_REPLY_SIZE) {
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
        "Janus answer too big (%" G_GSIZE_FORMAT " bytes)", size);
    return NULL;
  }
  if (!data || size == 0) {
    /* (json_parser_load_from_data() takes no NULL data) */
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
        "empty Janus answer");
    return NULL;
  }
  parser = json_parser_new_immutable ();
  if (json_parser_load_from_data (parser, data, size, error)) {
    /* no root: only white space */
    if (json_parser_get_root (parser))
      root = json_node_ref (json_parser_get_root (parser));
    else
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
          "empty Janus answer");
  }
  g_object_unref (parser);
  if (root && !JSON_NODE_HOLDS_OBJECT (root) && !JSON_NODE_HOLDS_ARRAY (root)) {
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
        "Janus answer is no JSON object");
    json_node_unref (root);
    root = NULL;
  }
  return root;
}

/* -- losing the session -------------------------------------------------- */

static void
session_lose (GstE2eeJanusSession * session, const GError * error)
{
  if (session->closed || session->lost)
    return;
  session->lost = TRUE;
  GST_INFO_OBJECT (session->log_object, "Janus session %" G_GUINT64_FORMAT
      " lost: %s", session->id, error ? error->message : "?");
  session->lost_func (session, error, session->user_data);
}

static gboolean
reply_says_lost (JsonObject * reply)
{
  gint code = 0;
  const gchar *reason = NULL;
  const gchar *janus = _gst_e2ee_janus_json_string (reply, "janus");

  if (g_strcmp0 (janus, "timeout") == 0)
    return TRUE;
  return g_strcmp0 (janus, "error") == 0
      && _gst_e2ee_janus_reply_error (reply, &code, &reason)
      && code == JANUS_ERROR_SESSION_NOT_FOUND;
}

/* -- requests ------------------------------------------------------------ */

static void
request_complete (Request * req, JsonObject * reply, const GError * error)
{
  GstE2eeJanusSession *session = req->session;
  GstE2eeJanusReplyFunc func = req->func;
  gpointer user_data = req->user_data;

  /* frees req */
  g_hash_table_remove (session->pending, req->transaction);
  if (func)
    func (session, reply, error, user_data);
}

static gboolean
request_timeout (gpointer data)
{
  Request *req = data;
  GError *error = g_error_new (G_IO_ERROR, G_IO_ERROR_TIMED_OUT,
      "Janus did not answer in %d s", REQUEST_TIMEOUT_S);

  req->timeout_source = 0;
  request_complete (req, NULL, error);
  g_error_free (error);
  return G_SOURCE_REMOVE;
}

typedef struct
{
  GstE2eeJanusSession *session;
  gchar *transaction;
} PostData;

/* Janus's answer to the request @transaction: @bytes with HTTP @status,
 * or @error (taken) */
static void
post_answer (GstE2eeJanusSession * session, const gchar * transaction,
    guint status, GBytes * bytes, GError * error)
{
  JsonNode *root = NULL;
  JsonObject *reply = NULL;
  Request *req;

  if (session->closed)
    goto out;
  req = g_hash_table_lookup (session->pending, transaction);

  if (!error && status != SOUP_STATUS_OK)
    error = g_error_new (G_IO_ERROR, G_IO_ERROR_FAILED,
        "Janus answered HTTP %u", status);
  if (!error) {
    GST_TRACE_OBJECT (session->log_object, "Janus answered %s: %.*s",
        transaction, (gint) MIN (g_bytes_get_size (bytes), MAX_REPLY_SIZE),
        g_bytes_get_size (bytes) ? (const gchar *) g_bytes_get_data (bytes,
            NULL) : "");
    root = parse_reply (bytes, &error);
  }
  if (!error && !JSON_NODE_HOLDS_OBJECT (root))
    error = g_error_new (G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
        "Janus answer is no JSON object");
  if (error) {
    if (req)
      request_complete (req, NULL, error);
    session_lose (session, error);
    goto out;
  }

  reply = json_node_get_object (root);
  if (g_strcmp0 (_gst_e2ee_janus_json_string (reply, "transaction"),
          transaction) != 0) {
    GST_WARNING_OBJECT (session->log_object,
        "Janus answered with another transaction: ignored");
    goto out;
  }
  if (req) {
    if (req->expect_event
        && g_strcmp0 (_gst_e2ee_janus_json_string (reply, "janus"),
            "ack") == 0) {
      /* the answer comes as an event through the long poll */
    } else {
      if (req->create && !reply_says_lost (reply)) {
        guint64 id = 0;

        if (_gst_e2ee_janus_json_uint64 (_gst_e2ee_janus_json_object (reply,
                    "data"), "id", &id) && id != 0) {
          session->id = id;
          session_long_poll (session);
        }
      }
      request_complete (req, reply, NULL);
    }
  }
  if (!session->closed && reply_says_lost (reply)) {
    error = g_error_new (G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
        "Janus does not know the session any more");
    session_lose (session, error);
  }

out:
  g_clear_error (&error);
  if (root)
    json_node_unref (root);
}

/* The end of an HTTP exchange: its body (NULL and @error set on failure)
 * and its HTTP status. */
static GBytes *
exchange_finish (GObject * source, GAsyncResult * res, guint * status,
    GError ** error)
{
  SoupMessage *msg =
      soup_session_get_async_result_message (SOUP_SESSION (source), res);

  *status = msg ? soup_message_get_status (msg) : 0;
  return soup_session_send_and_read_finish (SOUP_SESSION (source), res, error);
}

static void
post_done (GObject * source, GAsyncResult * res, gpointer data)
{
  PostData *pd = data;
  GError *error = NULL;
  guint status;
  GBytes *bytes = exchange_finish (source, res, &status, &error);

  post_answer (pd->session, pd->transaction, status, bytes, error);
  if (bytes)
    g_bytes_unref (bytes);
  g_free (pd->transaction);
  session_unref (pd->session);
  g_free (pd);
}

static gchar *
new_transaction (GstE2eeJanusSession * session)
{
  static const gchar chars[] =
      "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
  gchar *t = g_malloc (17);
  gint i;

  if (session->offline) {
    g_free (t);
    return g_strdup_printf ("t%u", ++session->n_offline);
  }
  for (i = 0; i < 16; i++)
    t[i] = chars[g_random_int_range (0, sizeof (chars) - 1)];
  t[16] = '\0';
  return t;
}

static void
session_post (GstE2eeJanusSession * session, const gchar * path,
    JsonObject * body, gboolean expect_event, gboolean create,
    GstE2eeJanusReplyFunc func, gpointer user_data)
{
  Request *req = g_new0 (Request, 1);
  PostData *pd = g_new0 (PostData, 1);
  JsonNode *node;
  gchar *text, *uri;
  SoupMessage *msg;
  GBytes *bytes;
  gsize len = 0;

  req->session = session;
  req->transaction = new_transaction (session);
  req->expect_event = expect_event;
  req->create = create;
  req->func = func;
  req->user_data = user_data;
  json_object_set_string_member (body, "transaction", req->transaction);

  node = json_node_init_object (json_node_alloc (), body);
  text = json_to_string (node, FALSE);
  json_node_unref (node);
  len = strlen (text);
  bytes = g_bytes_new_take (text, len);

  uri = path ? g_strconcat (session->url, path, NULL) : g_strdup (session->url);
  msg = soup_message_new (SOUP_METHOD_POST, uri);
  g_free (uri);
  if (!msg) {
    GError *error = g_error_new (G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
        "invalid Janus URL");
    g_bytes_unref (bytes);
    request_free (req);
    g_free (pd);
    if (func)
      func (session, NULL, error, user_data);
    g_error_free (error);
    return;
  }
  soup_message_set_request_body_from_bytes (msg, "application/json", bytes);
  g_bytes_unref (bytes);

  g_hash_table_insert (session->pending, req->transaction, req);
  req->timeout_source = _gst_e2ee_janus_timeout_add (REQUEST_TIMEOUT_S
      * 1000, request_timeout, req, NULL);
  g_atomic_int_inc (&session->counters[0]);
  if (session->offline) {
    g_object_unref (msg);
    g_free (pd);
    return;
  }

  pd->session = session_ref (session);
  pd->transaction = g_strdup (req->transaction);
  soup_session_send_and_read_async (session->soup, msg, G_PRIORITY_DEFAULT,
      session->cancellable, post_done, pd);
  g_object_unref (msg);
}

static gchar *
handle_path (GstE2eeJanusSession * session, guint64 handle)
{
  if (handle)
    return g_strdup_printf ("/%" G_GUINT64_FORMAT "/%" G_GUINT64_FORMAT,
        session->id, handle);
  return g_strdup_printf ("/%" G_GUINT64_FORMAT, session->id);
}

static void
session_post_simple (GstE2eeJanusSession * session, guint64 handle,
    const gchar * janus, JsonObject * body, gboolean expect_event,
    GstE2eeJanusReplyFunc func, gpointer user_data)
{
  gchar *path = handle_path (session, handle);

  if (!body)
    body = json_object_new ();
  json_object_set_string_member (body, "janus", janus);
  session_post (session, path, body, expect_event, FALSE, func, user_data);
  json_object_unref (body);
  g_free (path);
}

/* -- the long poll ------------------------------------------------------- */

static void
dispatch_event (GstE2eeJanusSession * session, JsonObject * event)
{
  const gchar *janus = _gst_e2ee_janus_json_string (event, "janus");
  const gchar *transaction = _gst_e2ee_janus_json_string (event,
      "transaction");
  guint64 sender = 0;
  Request *req;

  g_atomic_int_inc (&session->counters[1]);
  if (!janus || g_strcmp0 (janus, "keepalive") == 0)
    return;
  if (reply_says_lost (event)) {
    GError *error = g_error_new (G_IO_ERROR, G_IO_ERROR_TIMED_OUT,
        "Janus timed the session out");
    session_lose (session, error);
    g_error_free (error);
    return;
  }
  _gst_e2ee_janus_json_uint64 (event, "sender", &sender);
  if (transaction && g_strcmp0 (janus, "event") == 0
      && (req = g_hash_table_lookup (session->pending, transaction))
      && req->expect_event) {
    request_complete (req, event, NULL);
    return;
  }
  GST_LOG_OBJECT (session->log_object, "Janus event %s from handle %"
      G_GUINT64_FORMAT, janus, sender);
  session->event_func (session, sender, event, session->user_data);
}

/* what the long poll brought with HTTP @status: one event or an array of
 * them; or @error (taken) */
static void
poll_answer (GstE2eeJanusSession * session, guint status, GBytes * bytes,
    GError * error)
{
  JsonNode *root = NULL;

  if (session->closed)
    goto out;
  if (!error && status != SOUP_STATUS_OK)
    error = g_error_new (G_IO_ERROR, G_IO_ERROR_FAILED,
        "Janus answered the long poll with HTTP %u", status);
  if (!error) {
    GST_TRACE_OBJECT (session->log_object, "Janus long poll: %.*s",
        (gint) MIN (g_bytes_get_size (bytes), MAX_REPLY_SIZE),
        g_bytes_get_size (bytes) ? (const gchar *) g_bytes_get_data (bytes,
            NULL) : "");
    root = parse_reply (bytes, &error);
  }
  if (error) {
    session_lose (session, error);
    goto out;
  }

  if (JSON_NODE_HOLDS_ARRAY (root)) {
    JsonArray *arr = json_node_get_array (root);
    guint i, n = json_array_get_length (arr);

    for (i = 0; i < n && !session->closed && !session->lost; i++) {
      JsonNode *el = json_array_get_element (arr, i);

      if (JSON_NODE_HOLDS_OBJECT (el))
        dispatch_event (session, json_node_get_object (el));
    }
  } else {
    dispatch_event (session, json_node_get_object (root));
  }
  if (!session->closed && !session->lost)
    session_long_poll (session);

out:
  g_clear_error (&error);
  if (root)
    json_node_unref (root);
}

static void
long_poll_done (GObject * source, GAsyncResult * res, gpointer data)
{
  GstE2eeJanusSession *session = data;
  GError *error = NULL;
  guint status;
  GBytes *bytes = exchange_finish (source, res, &status, &error);

  poll_answer (session, status, bytes, error);
  if (bytes)
    g_bytes_unref (bytes);
  session_unref (session);
}

static void
session_long_poll (GstE2eeJanusSession * session)
{
  gchar *uri;
  SoupMessage *msg;

  if (session->offline)
    return;
  uri = g_strdup_printf ("%s/%" G_GUINT64_FORMAT "?maxev=%d&rid=%"
      G_GINT64_FORMAT, session->url, session->id, LONG_POLL_MAX_EVENTS,
      g_get_real_time ());
  msg = soup_message_new (SOUP_METHOD_GET, uri);
  g_free (uri);
  if (!msg)
    return;
  soup_session_send_and_read_async (session->soup, msg, G_PRIORITY_DEFAULT,
      session->cancellable, long_poll_done, session_ref (session));
  g_object_unref (msg);
}

static gboolean
keepalive_tick (gpointer data)
{
  GstE2eeJanusSession *session = data;

  if (session->id && !session->lost)
    session_post_simple (session, 0, "keepalive", NULL, FALSE, NULL, NULL);
  return G_SOURCE_CONTINUE;
}

/* -- public (private) API ------------------------------------------------ */

GstE2eeJanusSession *
_gst_e2ee_janus_session_new (const gchar * url, GstObject * log_object,
    guint keepalive_ms, gint * counters, GstE2eeJanusEventFunc event_func,
    GstE2eeJanusLostFunc lost_func, gpointer user_data)
{
  GstE2eeJanusSession *session = g_new0 (GstE2eeJanusSession, 1);

  session->ref_count = 1;
  session->url = g_strdup (url);
  /* no trailing slash: paths are appended */
  while (g_str_has_suffix (session->url, "/"))
    session->url[strlen (session->url) - 1] = '\0';
  session->log_object = gst_object_ref (log_object);
  session->keepalive_ms = keepalive_ms;
  session->counters = counters;
  session->event_func = event_func;
  session->lost_func = lost_func;
  session->user_data = user_data;
  /* the long poll holds one connection; requests need others. No proxy:
   * libsoup 3 takes GLib's default resolver unless the property is set,
   * even to NULL ("no proxy"), and that one asks the desktop's settings
   * (libproxy, whose C++ exceptions valgrind flags in libunwind). A bot
   * reaches its Janus directly, whatever the host's proxy settings. */
  session->soup = soup_session_new_with_options ("max-conns-per-host", 8,
      "max-conns", 8, "user-agent", "gst-e2ee", "proxy-resolver", NULL, NULL);
  session->cancellable = g_cancellable_new ();
  session->pending = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
      (GDestroyNotify) request_free);
  return session;
}

void
_gst_e2ee_janus_session_create (GstE2eeJanusSession * session,
    GstE2eeJanusReplyFunc func, gpointer user_data)
{
  JsonObject *body = json_object_new ();

  json_object_set_string_member (body, "janus", "create");
  session_post (session, NULL, body, FALSE, TRUE, func, user_data);
  json_object_unref (body);
  if (session->keepalive_ms && !session->keepalive_source)
    session->keepalive_source =
        _gst_e2ee_janus_timeout_add (session->keepalive_ms, keepalive_tick,
        session, NULL);
}

void
_gst_e2ee_janus_session_attach (GstE2eeJanusSession * session,
    const gchar * plugin, GstE2eeJanusReplyFunc func, gpointer user_data)
{
  JsonObject *body = json_object_new ();

  json_object_set_string_member (body, "plugin", plugin);
  session_post_simple (session, 0, "attach", body, FALSE, func, user_data);
}

void
_gst_e2ee_janus_session_message (GstE2eeJanusSession * session,
    guint64 handle, JsonObject * body, JsonObject * jsep,
    GstE2eeJanusReplyFunc func, gpointer user_data)
{
  JsonObject *msg = json_object_new ();

  json_object_set_object_member (msg, "body", body);
  if (jsep)
    json_object_set_object_member (msg, "jsep", jsep);
  session_post_simple (session, handle, "message", msg, TRUE, func, user_data);
}

void
_gst_e2ee_janus_session_detach (GstE2eeJanusSession * session,
    guint64 handle, GstE2eeJanusReplyFunc func, gpointer user_data)
{
  session_post_simple (session, handle, "detach", NULL, FALSE, func, user_data);
}

void
_gst_e2ee_janus_session_destroy (GstE2eeJanusSession * session,
    GstE2eeJanusReplyFunc func, gpointer user_data)
{
  session_post_simple (session, 0, "destroy", NULL, FALSE, func, user_data);
}

guint64
_gst_e2ee_janus_session_get_id (GstE2eeJanusSession * session)
{
  return session->id;
}

void
_gst_e2ee_janus_session_free (GstE2eeJanusSession * session)
{
  if (!session)
    return;
  session->closed = TRUE;
  if (session->keepalive_source)
    _gst_e2ee_janus_source_remove (session->keepalive_source);
  session->keepalive_source = 0;
  g_cancellable_cancel (session->cancellable);
  g_hash_table_remove_all (session->pending);
  session_unref (session);
}

/* -- test only (gste2eejanusroom-test.c) --------------------------------- */

/* @session sends nothing from now on: its requests stay pending until
 * answered with _gst_e2ee_janus_session_test_answer(); it has the id @id
 * as if Janus had created it */
void
_gst_e2ee_janus_session_test_offline (GstE2eeJanusSession * session, guint64 id)
{
  session->offline = TRUE;
  session->id = id;
}

/* @data as the body of a long poll's answer (HTTP 200) */
void
_gst_e2ee_janus_session_test_poll (GstE2eeJanusSession * session,
    const gchar * data, gsize len)
{
  GBytes *bytes = g_bytes_new (data, len);

  /* as the long poll's own reference */
  session_ref (session);
  poll_answer (session, SOUP_STATUS_OK, bytes, NULL);
  session_unref (session);
  g_bytes_unref (bytes);
}

/* @data as Janus's answer (HTTP 200) to the oldest request still pending;
 * FALSE when none is */
gboolean
_gst_e2ee_janus_session_test_answer (GstE2eeJanusSession * session,
    const gchar * data, gsize len)
{
  GHashTableIter iter;
  gpointer key;
  guint64 n, oldest = G_MAXUINT64;
  gchar *transaction;
  GBytes *bytes;

  g_hash_table_iter_init (&iter, session->pending);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    if (((const gchar *) key)[0] == 't'
        && (n = g_ascii_strtoull ((const gchar *) key + 1, NULL, 10)) < oldest)
      oldest = n;
  if (oldest == G_MAXUINT64)
    return FALSE;
  transaction = g_strdup_printf ("t%" G_GUINT64_FORMAT, oldest);
  bytes = g_bytes_new (data, len);
  /* as post_done(): the answer may lose (and free) the session's owner's
   * state, not the session */
  session_ref (session);
  post_answer (session, transaction, SOUP_STATUS_OK, bytes, NULL);
  session_unref (session);
  g_bytes_unref (bytes);
  g_free (transaction);
  return TRUE;
}
