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
 * e2ee-browser: a GStreamer bot and a browser in one end-to-end encrypted
 * call.
 *
 * Serves a web page and its WebSocket signalling on 127.0.0.1 (libsoup 3).
 * Each page that joins gets a call of its own (browser-call.c): webrtcbin
 * sends the bot's VP8 test pattern and Opus tone, encrypted by e2eeenc, and
 * gets the page's camera and microphone, which e2eedec decrypts. The page
 * encrypts and decrypts with WebRTC encoded transforms in the JFrame format
 * (www/), written from docs/wire-format.md.
 *
 * Keys, --keys:
 *   shared  one key for everyone, typed into the page (--key, --key-file,
 *           or a fresh one, shown once in the link the program prints);
 *   relay   the bot runs a GstE2eeKeyManager; for each page the program
 *           runs a key agent (browser-keyagent.c) that gets the bot's key
 *           through an olm session with the manager, makes the page's own
 *           key, and relays both to the page over the WebSocket. The
 *           program is then inside the page's trust boundary: fine for a
 *           bot that serves its own page, not for a router.
 *
 * See docs/browser.md. Uninstalled:
 *   meson devenv -C build -w . build/examples/browser/e2ee-browser
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stdlib.h>
#include <string.h>

#include <glib-unix.h>
#include <gst/gst.h>
#include <json-glib/json-glib.h>
#include <libsoup/soup.h>
#include <openssl/crypto.h>
#include <openssl/rand.h>

#include "browser-call.h"
#include "browser-keyagent.h"
#include "browser-json.h"

#define RESOURCE_PREFIX "/org/gst-e2ee/browser/"
#define KEY_SIZE 32
#define MAX_MESSAGE_SIZE (256 * 1024)
#define BOT_ID "bot"
#define KEY_SWITCH_TIMEOUT_MS 3000

typedef struct
{
  SoupServer *server;
  GMainLoop *loop;
  gchar *address;
  gchar *ice_address;
  guint port;
  gchar **origins;
  gboolean relay;
  GBytes *key;
  GstE2eeKeyManager *manager;
  guint tone_hz;
  gboolean display;
  guint next_peer;
  guint next_agent;
  GList *peers;
} App;

typedef struct
{
  App *app;
  guint id;
  SoupWebsocketConnection *conn;
  BrowserCall *call;
  BrowserKeyAgent *agent;
} Peer;

/* ---- static files ---- */

static const struct
{
  const gchar *path;
  const gchar *resource;
  const gchar *type;
} files[] = {
  {"/", "index.html", "text/html; charset=utf-8"},
  {"/index.html", "index.html", "text/html; charset=utf-8"},
  {"/app.js", "app.js", "text/javascript; charset=utf-8"},
  {"/e2ee-worker.js", "e2ee-worker.js", "text/javascript; charset=utf-8"},
  {"/jframe.js", "jframe.js", "text/javascript; charset=utf-8"},
  {"/style.css", "style.css", "text/css; charset=utf-8"},
};

static void
serve_file (SoupServer * server, SoupServerMessage * msg, const char *path,
    GHashTable * query, gpointer user_data)
{
  const gchar *method = soup_server_message_get_method (msg);
  SoupMessageHeaders *headers;
  GBytes *data = NULL;
  gchar *name;
  guint i;

  if (strcmp (method, "GET") != 0 && strcmp (method, "HEAD") != 0) {
    soup_server_message_set_status (msg, SOUP_STATUS_METHOD_NOT_ALLOWED, NULL);
    return;
  }
  for (i = 0; i < G_N_ELEMENTS (files); i++) {
    if (strcmp (path, files[i].path) == 0)
      break;
  }
  if (i == G_N_ELEMENTS (files)) {
    soup_server_message_set_status (msg, SOUP_STATUS_NOT_FOUND, NULL);
    return;
  }
  name = g_strconcat (RESOURCE_PREFIX, files[i].resource, NULL);
  data = g_resources_lookup_data (name, G_RESOURCE_LOOKUP_FLAGS_NONE, NULL);
  g_free (name);
  if (!data) {
    soup_server_message_set_status (msg, SOUP_STATUS_INTERNAL_SERVER_ERROR,
        NULL);
    return;
  }
  headers = soup_server_message_get_response_headers (msg);
  soup_message_headers_replace (headers, "Cache-Control", "no-store");
  soup_message_headers_replace (headers, "X-Content-Type-Options", "nosniff");
  soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
  soup_server_message_set_response (msg, files[i].type, SOUP_MEMORY_COPY,
      g_bytes_get_data (data, NULL), g_bytes_get_size (data));
  g_bytes_unref (data);
}

/* ---- the WebSocket ---- */

static void
peer_send (Peer * peer, const gchar * text)
{
  if (peer->conn && soup_websocket_connection_get_state (peer->conn) ==
      SOUP_WEBSOCKET_STATE_OPEN)
    soup_websocket_connection_send_text (peer->conn, text);
}

static void
peer_send_builder (Peer * peer, JsonBuilder * b)
{
  JsonNode *root = json_builder_get_root (b);
  gchar *text = json_to_string (root, FALSE);

  peer_send (peer, text);
  g_free (text);
  json_node_unref (root);
  g_object_unref (b);
}

static void
peer_send_error (Peer * peer, const gchar * message)
{
  JsonBuilder *b = json_builder_new ();

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "type");
  json_builder_add_string_value (b, "error");
  json_builder_set_member_name (b, "message");
  json_builder_add_string_value (b, message);
  json_builder_end_object (b);
  peer_send_builder (peer, b);
}

static void
call_send (const gchar * text, gpointer user_data)
{
  peer_send (user_data, text);
}

static void
peer_hang_up (Peer * peer)
{
  if (peer->call) {
    browser_call_free (peer->call);
    peer->call = NULL;
    g_print ("e2ee-browser: page %u left\n", peer->id);
  }
  if (peer->agent) {
    browser_key_agent_free (peer->agent);
    peer->agent = NULL;
  }
}

static void
peer_join (Peer * peer)
{
  App *app = peer->app;
  BrowserCallConfig config = { 0, };
  GError *error = NULL;
  gchar *participant = NULL;

  peer_hang_up (peer);
  config.ice_address = app->ice_address ? app->ice_address : app->address;
  config.tone_hz = app->tone_hz;
  config.display = app->display;
  if (app->relay) {
    /* a fresh participant for every join; "page-" sorts after BOT_ID, so
     * the bot's manager opens the olm session */
    participant = g_strdup_printf ("page-%u", ++app->next_agent);
    peer->agent = browser_key_agent_new (app->manager, participant,
        call_send, peer);
    if (!peer->agent) {
      peer_send_error (peer, "no key agent");
      g_free (participant);
      return;
    }
    config.manager = app->manager;
    config.participant = participant;
  } else {
    config.key = app->key;
  }
  peer->call = browser_call_new (&config, call_send, peer, &error);
  g_free (participant);
  if (!peer->call) {
    g_printerr ("e2ee-browser: cannot start a call: %s\n", error->message);
    peer_send_error (peer, error->message);
    g_clear_error (&error);
    peer_hang_up (peer);
    return;
  }
  g_print ("e2ee-browser: page %u joined\n", peer->id);
}

static void
peer_send_stats (Peer * peer, gint64 id)
{
  JsonObject *obj = peer->call ? browser_call_get_stats (peer->call) :
      json_object_new ();
  JsonNode *root = json_node_new (JSON_NODE_OBJECT);
  gchar *text;

  json_object_set_string_member (obj, "type", "stats");
  json_object_set_int_member (obj, "id", id);
  json_node_take_object (root, obj);
  text = json_to_string (root, FALSE);
  peer_send (peer, text);
  g_free (text);
  json_node_unref (root);
}

static void
on_ws_message (SoupWebsocketConnection * conn, gint type, GBytes * message,
    Peer * peer)
{
  JsonParser *parser = json_parser_new ();
  JsonObject *obj;
  JsonNode *root;
  const gchar *what;
  gsize size;
  const gchar *data = g_bytes_get_data (message, &size);

  if (type != SOUP_WEBSOCKET_DATA_TEXT
      || !json_parser_load_from_data (parser, data, size, NULL)
      || !(root = json_parser_get_root (parser))
      || !JSON_NODE_HOLDS_OBJECT (root)) {
    peer_send_error (peer, "not a JSON object");
    goto done;
  }
  obj = json_node_get_object (root);
  what = browser_json_string (obj, "type");
  if (!what)
    what = "";

  if (strcmp (what, "join") == 0) {
    peer_join (peer);
  } else if (strcmp (what, "leave") == 0) {
    peer_hang_up (peer);
  } else if (strcmp (what, "key-installed") == 0) {
    const gchar *ack = browser_json_string (obj, "ack");

    if (peer->agent && ack)
      browser_key_agent_key_installed (peer->agent, ack);
  } else if (strcmp (what, "get-stats") == 0) {
    peer_send_stats (peer, browser_json_int (obj, "id", 0));
  } else if (!peer->call) {
    /* the rest is about a call */
  } else if (strcmp (what, "answer") == 0) {
    const gchar *sdp = browser_json_string (obj, "sdp");

    if (sdp)
      browser_call_set_answer (peer->call, sdp);
  } else if (strcmp (what, "ice") == 0) {
    const gchar *candidate = browser_json_string (obj, "candidate");
    gint64 mline = browser_json_int (obj, "sdpMLineIndex", -1);

    if (candidate && mline >= 0 && mline < 16)
      browser_call_add_ice_candidate (peer->call, (guint) mline, candidate);
  } else if (strcmp (what, "hashes") == 0) {
    JsonNode *frames = json_object_get_member (obj, "frames");
    const gchar *kind = browser_json_string (obj, "kind");

    if (frames && JSON_NODE_HOLDS_ARRAY (frames))
      browser_call_add_hashes (peer->call, kind, json_node_get_array (frames));
  }

done:
  g_object_unref (parser);
}

static void
on_ws_closed (SoupWebsocketConnection * conn, Peer * peer)
{
  App *app = peer->app;

  peer_hang_up (peer);
  app->peers = g_list_remove (app->peers, peer);
  g_clear_object (&peer->conn);
  g_free (peer);
}

static gboolean
origin_allowed (App * app, const gchar * origin)
{
  return origin && g_strv_contains ((const gchar * const *) app->origins,
      origin);
}

static void
on_websocket (SoupServer * server, SoupServerMessage * msg, const char *path,
    SoupWebsocketConnection * conn, gpointer user_data)
{
  App *app = user_data;
  const gchar *origin = soup_websocket_connection_get_origin (conn);
  JsonBuilder *b;
  Peer *peer;

  /* Any web page the user visits may open a WebSocket to 127.0.0.1: only
   * our own page may talk to the bot (in relay mode it hands out keys). */
  if (!origin_allowed (app, origin)) {
    g_printerr ("e2ee-browser: refused a WebSocket from origin %s\n",
        origin ? origin : "(none)");
    soup_websocket_connection_close (conn,
        SOUP_WEBSOCKET_CLOSE_POLICY_VIOLATION, "origin not allowed");
    return;
  }

  peer = g_new0 (Peer, 1);
  peer->app = app;
  peer->id = ++app->next_peer;
  peer->conn = g_object_ref (conn);
  soup_websocket_connection_set_max_incoming_payload_size (conn,
      MAX_MESSAGE_SIZE);
  app->peers = g_list_prepend (app->peers, peer);
  g_signal_connect (conn, "message", G_CALLBACK (on_ws_message), peer);
  g_signal_connect (conn, "closed", G_CALLBACK (on_ws_closed), peer);

  b = json_builder_new ();
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "type");
  json_builder_add_string_value (b, "hello");
  json_builder_set_member_name (b, "mode");
  json_builder_add_string_value (b, app->relay ? "relay" : "shared");
  json_builder_set_member_name (b, "kdf");
  json_builder_add_string_value (b, "jitsi");
  json_builder_set_member_name (b, "tone");
  json_builder_add_int_value (b, app->tone_hz);
  json_builder_end_object (b);
  peer_send_builder (peer, b);
}

/* ---- the key manager's messages, for the key agents ---- */

typedef struct
{
  App *app;
  gchar *to;
  gchar *text;
} Routed;

static void
routed_free (Routed * r)
{
  g_free (r->to);
  g_free (r->text);
  g_free (r);
}

static gboolean
route_to_agents (gpointer data)
{
  Routed *r = data;
  GList *l;

  for (l = r->app->peers; l; l = l->next) {
    Peer *peer = l->data;

    if (peer->agent && (!r->to
            || strcmp (r->to, browser_key_agent_get_id (peer->agent)) == 0))
      browser_key_agent_receive (peer->agent, r->text);
  }
  return G_SOURCE_REMOVE;
}

/* On the manager's thread: the agents live on the main context. */
static void
on_manager_send (GstE2eeKeyManager * manager, const gchar * to,
    const gchar * text, App * app)
{
  Routed *r = g_new0 (Routed, 1);

  r->app = app;
  r->to = g_strdup (to);
  r->text = g_strdup (text);
  g_main_context_invoke_full (NULL, G_PRIORITY_DEFAULT, route_to_agents, r,
      (GDestroyNotify) routed_free);
}

/* ---- start ---- */

typedef struct
{
  gsize len;
  guint8 data[];
} KeyBox;

static void
key_box_free (gpointer data)
{
  KeyBox *box = data;

  OPENSSL_cleanse (box->data, box->len);
  g_free (box);
}

/* A GBytes that wipes the key when it goes. */
static GBytes *
key_bytes_new (const guint8 * key, gsize len)
{
  KeyBox *box = g_malloc (sizeof (KeyBox) + len);

  box->len = len;
  memcpy (box->data, key, len);
  return g_bytes_new_with_free_func (box->data, len, key_box_free, box);
}

static GBytes *
key_from_hex (const gchar * text, GError ** error)
{
  gchar *hex = g_strstrip (g_strdup (text));
  gsize len = strlen (hex), i;
  guint8 *key;
  GBytes *bytes = NULL;

  if (len != 32 && len != 64) {
    g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
        "a key is 32 or 64 hex digits");
    goto out;
  }
  key = g_malloc (len / 2);
  for (i = 0; i < len / 2; i++) {
    gint hi = g_ascii_xdigit_value (hex[2 * i]);
    gint lo = g_ascii_xdigit_value (hex[2 * i + 1]);

    if (hi < 0 || lo < 0) {
      OPENSSL_cleanse (key, len / 2);
      g_free (key);
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
          "a key is 32 or 64 hex digits");
      goto out;
    }
    key[i] = (guint8) (hi << 4 | lo);
  }
  bytes = key_bytes_new (key, len / 2);
  OPENSSL_cleanse (key, len / 2);
  g_free (key);
out:
  OPENSSL_cleanse (hex, len);
  g_free (hex);
  return bytes;
}

static gchar *
hex_of (GBytes * bytes)
{
  gsize size, i;
  const guint8 *data = g_bytes_get_data (bytes, &size);
  gchar *hex = g_malloc (2 * size + 1);

  for (i = 0; i < size; i++)
    g_snprintf (hex + 2 * i, 3, "%02x", data[i]);
  return hex;
}

static gboolean
on_signal (gpointer user_data)
{
  App *app = user_data;

  g_main_loop_quit (app->loop);
  return G_SOURCE_REMOVE;
}

static gboolean
start_listening (App * app, GError ** error)
{
  GInetAddress *addr = g_inet_address_new_from_string (app->address);
  GSocketAddress *sa;
  GSList *uris;
  gboolean ok;

  if (!addr) {
    g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
        "%s is not an IP address", app->address);
    return FALSE;
  }
  sa = g_inet_socket_address_new (addr, app->port);
  g_object_unref (addr);
  ok = soup_server_listen (app->server, sa, 0, error);
  g_object_unref (sa);
  if (!ok)
    return FALSE;

  uris = soup_server_get_uris (app->server);
  app->port = uris ? g_uri_get_port (uris->data) : 0;
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);

  app->origins = g_new0 (gchar *, 3);
  app->origins[0] = g_strdup_printf ("http://%s:%u", app->address, app->port);
  if (strcmp (app->address, "127.0.0.1") == 0)
    app->origins[1] = g_strdup_printf ("http://localhost:%u", app->port);
  return TRUE;
}

int
main (int argc, char **argv)
{
  App app = { 0, };
  gchar *address = NULL, *ice_address = NULL, *key_hex = NULL, *key_file =
      NULL, *keys = NULL;
  gint port = 0, tone = 440;
  gboolean display = FALSE, generated = FALSE;
  GError *error = NULL;
  GOptionContext *ctx;
  GOptionEntry entries[] = {
    {"address", 'a', 0, G_OPTION_ARG_STRING, &address,
        "Address of the web server, and of ICE unless --ice-address "
          "(default 127.0.0.1)", "ADDR"},
    {"ice-address", 0, 0, G_OPTION_ARG_STRING, &ice_address,
        "Local address for the media (ICE), if not --address", "ADDR"},
    {"port", 'p', 0, G_OPTION_ARG_INT, &port,
        "Port of the web server (default: a free one)", "PORT"},
    {"keys", 0, 0, G_OPTION_ARG_STRING, &keys,
        "Where the page's keys come from: shared (default) or relay", "MODE"},
    {"key", 'k', 0, G_OPTION_ARG_STRING, &key_hex,
          "The shared key, 64 hex digits (shows in ps: prefer --key-file)",
        "HEX"},
    {"key-file", 0, 0, G_OPTION_ARG_FILENAME, &key_file,
        "A file holding the shared key in hex", "FILE"},
    {"tone", 0, 0, G_OPTION_ARG_INT, &tone,
        "Frequency of the bot's tone in Hz (default 440)", "HZ"},
    {"display", 'd', 0, G_OPTION_ARG_NONE, &display,
        "Show and play what the page sends", NULL},
    {NULL}
  };

  ctx = g_option_context_new ("- a GStreamer bot in an end-to-end "
      "encrypted call with a browser");
  g_option_context_add_main_entries (ctx, entries, NULL);
  g_option_context_add_group (ctx, gst_init_get_option_group ());
  if (!g_option_context_parse (ctx, &argc, &argv, &error)) {
    g_printerr ("e2ee-browser: %s\n", error->message);
    return 2;
  }
  g_option_context_free (ctx);

  app.address = address ? address : g_strdup ("127.0.0.1");
  app.ice_address = ice_address;
  app.port = CLAMP (port, 0, 65535);
  app.tone_hz = CLAMP (tone, 50, 20000);
  app.display = display;
  app.relay = g_strcmp0 (keys, "relay") == 0;
  if (keys && !app.relay && strcmp (keys, "shared") != 0) {
    g_printerr ("e2ee-browser: --keys is shared or relay\n");
    return 2;
  }

  if (app.relay) {
    if (key_hex || key_file) {
      g_printerr ("e2ee-browser: --key and --key-file are for --keys=shared\n");
      return 2;
    }
    app.manager = gst_e2ee_key_manager_new (BOT_ID);
    gst_object_ref_sink (app.manager);
    /* a page acknowledges a new key only once its worker holds it, a trip
     * over the WebSocket and through WebCrypto: give it longer than an olm
     * peer before the bot switches to the key anyway */
    g_object_set (app.manager, "key-switch-timeout", KEY_SWITCH_TIMEOUT_MS,
        NULL);
    g_signal_connect (app.manager, "send-message",
        G_CALLBACK (on_manager_send), &app);
  } else if (key_hex || key_file) {
    gchar *text = NULL;

    if (key_file && !g_file_get_contents (key_file, &text, NULL, &error)) {
      g_printerr ("e2ee-browser: %s\n", error->message);
      return 2;
    }
    app.key = key_from_hex (text ? text : key_hex, &error);
    if (text) {
      OPENSSL_cleanse (text, strlen (text));
      g_free (text);
    }
    if (!app.key) {
      g_printerr ("e2ee-browser: %s\n", error->message);
      return 2;
    }
  } else {
    guint8 key[KEY_SIZE];

    if (RAND_bytes (key, KEY_SIZE) != 1) {
      g_printerr ("e2ee-browser: no randomness for a key\n");
      return 1;
    }
    app.key = key_bytes_new (key, KEY_SIZE);
    OPENSSL_cleanse (key, KEY_SIZE);
    generated = TRUE;
  }
  if (key_hex)
    OPENSSL_cleanse (key_hex, strlen (key_hex));

  app.server = soup_server_new ("server-header", "e2ee-browser", NULL);
  soup_server_add_handler (app.server, NULL, serve_file, &app, NULL);
  if (!start_listening (&app, &error)) {
    g_printerr ("e2ee-browser: cannot listen on %s: %s\n", app.address,
        error->message);
    return 1;
  }
  soup_server_add_websocket_handler (app.server, "/ws", NULL, NULL,
      on_websocket, &app, NULL);

  g_print ("e2ee-browser: listening on http://%s:%u/\n", app.address, app.port);
  if (generated) {
    gchar *hex = hex_of (app.key);

    /* the person must type the key into the page: this is the one place
     * it is shown; the fragment never goes to a server */
    g_print ("e2ee-browser: shared key made for this run; open\n"
        "  http://%s:%u/#key=%s\n", app.address, app.port, hex);
    OPENSSL_cleanse (hex, strlen (hex));
    g_free (hex);
  }

  app.loop = g_main_loop_new (NULL, FALSE);
  g_unix_signal_add (SIGINT, on_signal, &app);
  g_unix_signal_add (SIGTERM, on_signal, &app);
  g_main_loop_run (app.loop);

  while (app.peers) {
    Peer *peer = app.peers->data;

    peer_hang_up (peer);
    app.peers = g_list_delete_link (app.peers, app.peers);
    g_signal_handlers_disconnect_by_data (peer->conn, peer);
    g_clear_object (&peer->conn);
    g_free (peer);
  }
  if (app.manager)
    g_signal_handlers_disconnect_by_data (app.manager, &app);
  soup_server_disconnect (app.server);
  g_object_unref (app.server);
  g_main_loop_unref (app.loop);
  g_clear_pointer (&app.key, g_bytes_unref);
  gst_clear_object (&app.manager);
  g_strfreev (app.origins);
  g_free (app.address);
  g_free (app.ice_address);
  g_free (key_hex);
  g_free (key_file);
  g_free (keys);
  return 0;
}
