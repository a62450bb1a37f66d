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


#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "fuzz.h"

#include <json-glib/json-glib.h>
#include <glib/gstdio.h>
#include <stdlib.h>
#include <string.h>

const guint8 fuzz_media_key[32] = { 0x01 };

/* one KID in the config byte, one of 2 bytes, the largest */
const guint64 fuzz_sframe_kids[FUZZ_SFRAME_N_KIDS] = {
  5, 300, G_GUINT64_CONSTANT (0xffffffffffffffff)
};

const guint8 fuzz_state_key[32] = {
  0x73, 0x74, 0x61, 0x74, 0x65, 0x2d, 0x6b, 0x65, 0x79, 0x2d, 0x66, 0x6f,
  0x72, 0x2d, 0x74, 0x68, 0x65, 0x2d, 0x66, 0x75, 0x7a, 0x7a, 0x65, 0x72,
  0x73, 0x2d, 0x6f, 0x6e, 0x6c, 0x79, 0x21, 0x21
};

/* A critical is a precondition broken by input from outside: a bug. GLib
 * would raise SIGTRAP for a fatal one, which libFuzzer does not catch;
 * abort() gives a stack trace and a saved reproducer. */
static GLogWriterOutput
abort_on_critical (GLogLevelFlags level, const GLogField * fields,
    gsize n_fields, gpointer user_data)
{
  GLogWriterOutput ret = g_log_writer_default (level, fields, n_fields, NULL);

  if (level & (G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_ERROR))
    abort ();
  return ret;
}

static gpointer
init_once (gpointer data)
{
  /* no plugin is needed: skip the registry (and its scan of the system's
   * plugins, whose leaks are not ours) */
  g_setenv ("GST_REGISTRY_DISABLE", "yes", TRUE);
  gst_init (NULL, NULL);
  g_log_set_writer_func (abort_on_critical, NULL, NULL);
  return NULL;
}

void
fuzz_init (void)
{
  static GOnce once = G_ONCE_INIT;

  g_once (&once, init_once, NULL);
}

static gchar *tmp_dir;

static void
remove_tmp_dir (void)
{
  GDir *dir = g_dir_open (tmp_dir, 0, NULL);
  const gchar *name;

  while (dir && (name = g_dir_read_name (dir))) {
    gchar *path = g_build_filename (tmp_dir, name, NULL);

    g_unlink (path);
    g_free (path);
  }
  if (dir)
    g_dir_close (dir);
  g_rmdir (tmp_dir);
}

/* A private directory for the files a target writes, in memory where
 * possible (state files are fsync()ed), removed at exit. */
gchar *
fuzz_tmp_dir (void)
{
  if (!tmp_dir) {
    const gchar *base = g_access ("/dev/shm", W_OK) == 0 ? "/dev/shm" :
        g_get_tmp_dir ();

    tmp_dir = g_build_filename (base, "e2ee-fuzz-XXXXXX", NULL);
    if (!g_mkdtemp (tmp_dir))
      g_error ("cannot create a directory in %s", base);
    atexit (remove_tmp_dir);
  }
  return g_strdup (tmp_dir);
}

/* --- the peer --- */

/* One key manager for the whole run, whatever the number of peers: each
 * manager has a protocol thread of its own, and a manager per peer made a
 * thread start and end with every new peer, each with its per-thread state
 * (GLib's slice magazines and main-loop dispatch state, OpenSSL's DRBG).
 * libFuzzer checks for leaks right after such inputs (they allocate more
 * than they free), and LeakSanitizer does not scan a thread it cannot find
 * in its registry at that moment (one starting or ending): that state was
 * then reported as leaked, after tens of thousands of inputs, and never by
 * the reproducer. A new peer now makes the manager forget every
 * participant (remove-participant), so it starts again from a state like a
 * new manager's, on the same thread. */
static GstE2eeKeyManager *shared_manager;
/* the peer the manager talks to; messages to nobody else are kept */
static FuzzPeer *current_peer;
static GMutex current_lock;

static void
on_send_message (GstE2eeKeyManager * manager, const gchar * to,
    const gchar * json, gpointer user_data)
{
  g_mutex_lock (&current_lock);
  if (current_peer) {
    g_mutex_lock (&current_peer->lock);
    g_queue_push_tail (&current_peer->outbox, g_strdup (json));
    g_mutex_unlock (&current_peer->lock);
  }
  g_mutex_unlock (&current_lock);
}

/* at exit, before OpenSSL's own cleanup (registered earlier, so run
 * later): the manager's thread is joined and its state freed */
static void
release_shared_manager (void)
{
  g_clear_object (&shared_manager);
}

static GstE2eeKeyManager *
get_shared_manager (void)
{
  if (!shared_manager) {
    shared_manager = gst_object_ref_sink (gst_e2ee_key_manager_new
        (FUZZ_MANAGER_ID));
    /* no key change on a timer: each input alone decides what happens */
    g_object_set (shared_manager, "debounce", 60000, NULL);
    g_signal_connect (shared_manager, "send-message",
        G_CALLBACK (on_send_message), NULL);
    atexit (release_shared_manager);
  }
  return shared_manager;
}

static JsonObject *
member_object (JsonObject * obj, const gchar * name)
{
  JsonNode *node = obj ? json_object_get_member (obj, name) : NULL;

  return node && JSON_NODE_HOLDS_OBJECT (node) ?
      json_node_get_object (node) : NULL;
}

static const gchar *
member_string (JsonObject * obj, const gchar * name)
{
  JsonNode *node = obj ? json_object_get_member (obj, name) : NULL;

  return node && JSON_NODE_HOLDS_VALUE (node)
      && json_node_get_value_type (node) == G_TYPE_STRING ?
      json_node_get_string (node) : NULL;
}

/* Reads what the manager sent: decrypts what it encrypted for the peer, so
 * that the peer's session moves on as a real client's would. Returns the
 * data of the last olm message of @olm_type (or NULL), for the caller to
 * free. */
static JsonObject *
peer_drain (FuzzPeer * peer, const gchar * olm_type)
{
  JsonObject *found = NULL;
  gchar *text;

  for (;;) {
    JsonParser *parser;
    JsonObject *root, *olm, *data, *ct;
    const gchar *type, *body;

    g_mutex_lock (&peer->lock);
    text = g_queue_pop_head (&peer->outbox);
    g_mutex_unlock (&peer->lock);
    if (!text)
      break;

    parser = json_parser_new ();
    if (!json_parser_load_from_data (parser, text, -1, NULL)
        || !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
      g_error ("the manager sent something that is not JSON: %s", text);
    root = json_node_get_object (json_parser_get_root (parser));
    olm = member_object (root, "olm");
    data = member_object (olm, "data");
    type = member_string (olm, "type");
    ct = member_object (data, "ciphertext");
    body = member_string (ct, "body");
    if (peer->session && body && json_object_has_member (ct, "type")) {
      guint mtype = (guint) json_object_get_int_member (ct, "type");
      gchar *plain = gst_e2ee_olm_session_decrypt (peer->session, mtype,
          body, NULL, NULL);

      gst_e2ee_olm_free_secret (plain);
    }
    if (olm_type && type && data && g_str_equal (type, olm_type)) {
      if (found)
        json_object_unref (found);
      found = json_object_ref (data);
    }
    g_object_unref (parser);
    g_free (text);
  }
  return found;
}

/* Hands @json to the manager through its public receive path and waits
 * until it is handled and its answers read. */
void
fuzz_peer_deliver (FuzzPeer * peer, const gchar * json)
{
  gst_e2ee_key_manager_receive_message (peer->manager, json);
  gst_e2ee_key_manager_flush (peer->manager);
  peer_drain (peer, NULL);
  peer->inputs++;
}

gchar *
fuzz_peer_hello (FuzzPeer * peer)
{
  return g_strdup_printf ("{\"type\":\"e2ee-hello\",\"from\":\"%s\","
      "\"idKeys\":{\"curve25519\":\"%s\",\"ed25519\":\"%s\"}}", FUZZ_PEER_ID,
      gst_e2ee_olm_account_get_curve25519 (peer->account),
      gst_e2ee_olm_account_get_ed25519 (peer->account));
}

/* An olm message of @olm_type from the peer whose ciphertext carries
 * @plaintext, encrypted on the peer's session. */
gchar *
fuzz_peer_olm_message (FuzzPeer * peer, const gchar * olm_type,
    const gchar * uuid, const guint8 * plaintext, gsize len)
{
  JsonBuilder *b;
  JsonNode *root;
  gchar *body = NULL, *json;
  guint type = 0;

  if (!gst_e2ee_olm_session_encrypt (peer->session, (const gchar *) plaintext,
          len, &type, &body, NULL))
    return NULL;

  b = json_builder_new ();
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "type");
  json_builder_add_string_value (b, "olm");
  json_builder_set_member_name (b, "from");
  json_builder_add_string_value (b, FUZZ_PEER_ID);
  json_builder_set_member_name (b, "to");
  json_builder_add_string_value (b, FUZZ_MANAGER_ID);
  json_builder_set_member_name (b, "olm");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "type");
  json_builder_add_string_value (b, olm_type);
  json_builder_set_member_name (b, "data");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "ciphertext");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "type");
  json_builder_add_int_value (b, type);
  json_builder_set_member_name (b, "body");
  json_builder_add_string_value (b, body);
  json_builder_end_object (b);
  json_builder_set_member_name (b, "uuid");
  json_builder_add_string_value (b, uuid);
  json_builder_end_object (b);
  json_builder_end_object (b);
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  json = json_to_string (root, FALSE);
  json_node_unref (root);
  g_object_unref (b);
  g_free (body);
  return json;
}

guint64
fuzz_peer_stat (FuzzPeer * peer, const gchar * field)
{
  GstStructure *s = NULL;
  guint64 v = 0;

  g_object_get (peer->manager, "stats", &s, NULL);
  if (s) {
    gst_structure_get_uint64 (s, field, &v);
    gst_structure_free (s);
  }
  return v;
}

FuzzPeer *
fuzz_peer_new (void)
{
  static const gchar key_info[] = "{\"key\":\"ZnV6ei1wZWVyLW1lZGlhLWtleS0z"
      "Mi1ieXRlcy0hISE=\",\"keyIndex\":0}";
  FuzzPeer *peer = g_new0 (FuzzPeer, 1);
  JsonObject *init;
  GError *err = NULL;
  guint64 sessions, keys, failed;
  gchar *msg;

  fuzz_init ();
  g_mutex_init (&peer->lock);
  g_queue_init (&peer->outbox);
  peer->manager = gst_object_ref (get_shared_manager ());
  g_mutex_lock (&current_lock);
  current_peer = peer;
  g_mutex_unlock (&current_lock);
  sessions = fuzz_peer_stat (peer, "sessions");
  keys = fuzz_peer_stat (peer, "keys-received");
  failed = fuzz_peer_stat (peer, "decrypt-failed");
  peer->account = gst_e2ee_olm_account_new (&err);
  if (!peer->account)
    g_error ("no olm account: %s", err->message);

  /* hello; the manager has the lower id, so it sends session-init */
  msg = fuzz_peer_hello (peer);
  gst_e2ee_key_manager_receive_message (peer->manager, msg);
  gst_e2ee_key_manager_flush (peer->manager);
  g_free (msg);
  init = peer_drain (peer, "session-init");
  if (!init)
    g_error ("the key manager did not start a session");
  peer->session = gst_e2ee_olm_session_new_outbound (peer->account,
      member_string (init, "idKey"), member_string (init, "otKey"), &err);
  if (!peer->session)
    g_error ("no outbound session: %s", err->message);
  msg = fuzz_peer_olm_message (peer, "session-ack",
      member_string (init, "uuid"), (const guint8 *) key_info,
      strlen (key_info));
  json_object_unref (init);
  fuzz_peer_deliver (peer, msg);
  g_free (msg);

  /* one round trip, so that the peer's messages become normal ones */
  msg = fuzz_peer_olm_message (peer, "key-info", "fuzz-round-trip",
      (const guint8 *) "{}", 2);
  fuzz_peer_deliver (peer, msg);
  g_free (msg);

  if (fuzz_peer_stat (peer, "sessions") != sessions + 1
      || fuzz_peer_stat (peer, "keys-received") != keys + 1
      || fuzz_peer_stat (peer, "decrypt-failed") != failed)
    g_error ("the olm handshake with the key manager failed");
  peer->inputs = 0;
  return peer;
}

void
fuzz_peer_free (FuzzPeer * peer)
{
  gchar **ids;
  guint i;

  if (!peer)
    return;
  /* the manager forgets everyone (the peer, and whoever the inputs
   * announced), and says nothing more to this peer */
  ids = gst_e2ee_key_manager_list_participants (peer->manager);
  for (i = 0; ids[i]; i++)
    gst_e2ee_key_manager_remove_participant (peer->manager, ids[i]);
  g_strfreev (ids);
  gst_e2ee_key_manager_flush (peer->manager);
  g_mutex_lock (&current_lock);
  current_peer = NULL;
  g_mutex_unlock (&current_lock);
  gst_object_unref (peer->manager);
  gst_e2ee_olm_session_free (peer->session);
  gst_e2ee_olm_account_free (peer->account);
  g_queue_clear_full (&peer->outbox, g_free);
  g_mutex_clear (&peer->lock);
  g_free (peer);
}
