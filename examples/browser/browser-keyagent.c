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
 * A page has no olm, so the program speaks the key manager's protocol for
 * it: the agent has an olm account of its own, announces it with
 * e2ee-hello, answers the manager's session-init with a session-ack that
 * carries the page's media key (made here, 32 bytes from OpenSSL's CSPRNG),
 * and relays every key-info the manager sends (the bot's key, ratcheted
 * when the page joined, a new one when someone left) to the page, which
 * installs it in its receive ring.
 *
 * The media keys of the page thus exist in this process, in clear: the
 * program is inside the page's trust boundary. That is what a bot serving
 * its own page can offer; a page that must not trust the server needs olm
 * in the page (lib-jitsi-meet's OlmAdapter with olm's WebAssembly build).
 *
 * Only the answering side of the protocol is here (the manager's id sorts
 * first, so the manager initiates), and no SAS.
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <string.h>

#include <json-glib/json-glib.h>
#include <olm/olm.h>
#include <openssl/crypto.h>
#include <openssl/rand.h>

#include "browser-keyagent.h"
#include "browser-json.h"

#define MEDIA_KEY_SIZE 32
#define MAX_UUID_LEN 64
#define UUID_CHARS "0123456789abcdefABCDEF-"
/* key-info messages whose acknowledgement waits for the page */
#define MAX_AWAITING 16

struct _BrowserKeyAgent
{
  GstE2eeKeyManager *manager;
  gchar *id;
  BrowserCallSendFunc to_page;
  gpointer user_data;

  guint8 *account_mem;
  OlmAccount *account;
  gchar *curve25519;
  gchar *ed25519;

  /* the manager, once it said hello */
  gchar *peer_id;
  gchar *peer_curve25519;
  guint8 *session_mem;
  OlmSession *session;

  guint8 key[MEDIA_KEY_SIZE];
  guint key_index;

  /* uuids of key-info messages the page has not confirmed yet */
  GPtrArray *awaiting;
};

static gboolean
random_bytes (guint8 * buf, gsize len)
{
  return len == 0 || RAND_bytes (buf, (int) len) == 1;
}

static gchar *
to_json (JsonNode * node)
{
  gchar *text = json_to_string (node, FALSE);

  json_node_unref (node);
  return text;
}

static void
free_secret (gchar * text)
{
  if (text) {
    OPENSSL_cleanse (text, strlen (text));
    g_free (text);
  }
}

static void
send_to_manager (BrowserKeyAgent * agent, JsonNode * node)
{
  gchar *text = to_json (node);

  gst_e2ee_key_manager_receive_message (agent->manager, text);
  g_free (text);
}

/* {"type":"key","direction":..,"index":n,"key":base64[,"ack":id]} for the
 * page; with @ack, the page answers key-installed once its transforms hold
 * the key */
static void
send_key_to_page (BrowserKeyAgent * agent, const gchar * direction,
    const guint8 * key, guint index, const gchar * ack)
{
  gchar *b64 = g_base64_encode (key, MEDIA_KEY_SIZE);
  gchar *ack_member = ack ? g_strdup_printf (",\"ack\":\"%s\"", ack) :
      g_strdup ("");
  gchar *text = g_strdup_printf ("{\"type\":\"key\",\"direction\":\"%s\","
      "\"index\":%u,\"key\":\"%s\"%s}", direction, index, b64, ack_member);

  g_free (ack_member);

  agent->to_page (text, agent->user_data);
  free_secret (text);
  free_secret (b64);
}

static JsonNode *
envelope (BrowserKeyAgent * agent, const gchar * type, JsonObject ** out)
{
  JsonNode *node = json_node_new (JSON_NODE_OBJECT);
  JsonObject *obj = json_object_new ();

  json_object_set_string_member (obj, "type", type);
  json_object_set_string_member (obj, "from", agent->id);
  json_node_take_object (node, obj);
  *out = obj;
  return node;
}

static void
send_olm (BrowserKeyAgent * agent, const gchar * olm_type, JsonObject * data)
{
  JsonObject *obj, *olm = json_object_new ();
  JsonNode *node = envelope (agent, "olm", &obj);

  json_object_set_string_member (obj, "to", agent->peer_id);
  json_object_set_string_member (olm, "type", olm_type);
  json_object_set_object_member (olm, "data", data);
  json_object_set_object_member (obj, "olm", olm);
  send_to_manager (agent, node);
}

/* {"type": t, "body": b} of the page's key-info, or NULL */
static JsonObject *
encrypt_key_info (BrowserKeyAgent * agent)
{
  gchar *b64 = g_base64_encode (agent->key, MEDIA_KEY_SIZE);
  gchar *plain = g_strdup_printf ("{\"key\":\"%s\",\"keyIndex\":%u}", b64,
      agent->key_index);
  gsize plain_len = strlen (plain);
  gsize rlen = olm_encrypt_random_length (agent->session);
  gsize type = olm_encrypt_message_type (agent->session);
  gsize mlen = olm_encrypt_message_length (agent->session, plain_len);
  guint8 *random = g_malloc (MAX (rlen, 1));
  gchar *body = g_malloc (mlen + 1);
  JsonObject *ct = NULL;

  if (random_bytes (random, rlen)
      && olm_encrypt (agent->session, plain, plain_len, random, rlen, body,
          mlen) != olm_error ()) {
    body[mlen] = '\0';
    ct = json_object_new ();
    json_object_set_int_member (ct, "type", (gint64) type);
    json_object_set_string_member (ct, "body", body);
  } else {
    g_printerr ("e2ee-browser: key agent %s: olm encryption failed: %s\n",
        agent->id, olm_session_last_error (agent->session));
  }
  OPENSSL_cleanse (random, rlen);
  g_free (random);
  g_free (body);
  free_secret (plain);
  free_secret (b64);
  return ct;
}

/* The plaintext of data.ciphertext, or NULL. */
static gchar *
decrypt (BrowserKeyAgent * agent, JsonObject * data)
{
  JsonObject *ct;
  const gchar *body;
  gint64 type;
  gchar *msg, *plain;
  gsize max, len;

  ct = browser_json_object (data, "ciphertext");
  if (!agent->session || !ct)
    return NULL;
  body = browser_json_string (ct, "body");
  type = browser_json_int (ct, "type", -1);
  if (!body || (type != 0 && type != 1))
    return NULL;

  /* olm decodes the message in place: each call gets a fresh copy */
  msg = g_strdup (body);
  max = olm_decrypt_max_plaintext_length (agent->session, (gsize) type, msg,
      strlen (msg));
  g_free (msg);
  if (max == olm_error ())
    return NULL;
  plain = g_malloc (max + 1);
  msg = g_strdup (body);
  len = olm_decrypt (agent->session, (gsize) type, msg, strlen (msg), plain,
      max);
  g_free (msg);
  if (len == olm_error ()) {
    g_printerr ("e2ee-browser: key agent %s: a message does not decrypt: "
        "%s\n", agent->id, olm_session_last_error (agent->session));
    OPENSSL_cleanse (plain, max);
    g_free (plain);
    return NULL;
  }
  plain[len] = '\0';
  return plain;
}

static void
handle_hello (BrowserKeyAgent * agent, const gchar * from, JsonObject * root)
{
  JsonObject *keys;
  const gchar *curve;

  keys = browser_json_object (root, "idKeys");
  curve = browser_json_string (keys, "curve25519");
  if (!curve)
    return;
  if (agent->peer_id) {
    if (strcmp (agent->peer_id, from) != 0
        || strcmp (agent->peer_curve25519, curve) != 0)
      g_printerr ("e2ee-browser: key agent %s: ignored a hello from %s\n",
          agent->id, from);
    return;
  }
  agent->peer_id = g_strdup (from);
  agent->peer_curve25519 = g_strdup (curve);
}

static void
handle_session_init (BrowserKeyAgent * agent, JsonObject * data)
{
  const gchar *id_key, *ot_key, *uuid;
  JsonObject *ack, *ct;
  guint8 *random;
  gsize rlen;

  id_key = browser_json_string (data, "idKey");
  ot_key = browser_json_string (data, "otKey");
  uuid = browser_json_string (data, "uuid");
  if (!id_key || !ot_key || !uuid)
    return;
  /* only the identity the manager announced may open a session */
  if (strcmp (id_key, agent->peer_curve25519) != 0) {
    g_printerr ("e2ee-browser: key agent %s: session-init with another "
        "identity key; refused\n", agent->id);
    return;
  }

  if (agent->session) {
    olm_clear_session (agent->session);
    g_free (agent->session_mem);
  }
  agent->session_mem = g_malloc (olm_session_size ());
  agent->session = olm_session (agent->session_mem);
  rlen = olm_create_outbound_session_random_length (agent->session);
  random = g_malloc (rlen);
  if (!random_bytes (random, rlen)
      || olm_create_outbound_session (agent->session, agent->account,
          id_key, strlen (id_key), ot_key, strlen (ot_key), random,
          rlen) == olm_error ()) {
    g_printerr ("e2ee-browser: key agent %s: no olm session: %s\n",
        agent->id, olm_session_last_error (agent->session));
    olm_clear_session (agent->session);
    g_clear_pointer (&agent->session_mem, g_free);
    agent->session = NULL;
  }
  OPENSSL_cleanse (random, rlen);
  g_free (random);
  if (!agent->session)
    return;

  /* the pre-key message that makes the manager's inbound session carries
   * the page's key */
  ct = encrypt_key_info (agent);
  if (!ct)
    return;
  ack = json_object_new ();
  json_object_set_object_member (ack, "ciphertext", ct);
  json_object_set_string_member (ack, "uuid", uuid);
  send_olm (agent, "session-ack", ack);
}

static void
send_key_info_ack (BrowserKeyAgent * agent, const gchar * uuid)
{
  JsonObject *reply, *ct = encrypt_key_info (agent);

  if (!ct)
    return;
  reply = json_object_new ();
  json_object_set_object_member (reply, "ciphertext", ct);
  json_object_set_string_member (reply, "uuid", uuid);
  send_olm (agent, "key-info-ack", reply);
}

/* A key-info from the manager: its key goes to the page. The manager moves
 * to a new key once everyone acknowledged it, so the acknowledgement waits
 * until the page says its transforms hold the key
 * (browser_key_agent_key_installed()); the manager's key-switch-timeout
 * bounds the wait. */
static void
handle_key_info (BrowserKeyAgent * agent, JsonObject * data, gboolean is_ack)
{
  const gchar *uuid = browser_json_string (data, "uuid");
  JsonParser *parser;
  JsonObject *info;
  const gchar *b64;
  gchar *plain;
  guchar *key = NULL;
  gsize key_len = 0;
  gint64 index;
  gboolean relayed = FALSE;

  /* the uuid goes into a JSON text for the page as it is */
  if (!uuid || strlen (uuid) > MAX_UUID_LEN
      || uuid[strspn (uuid, UUID_CHARS)] != '\0'
      || !(plain = decrypt (agent, data)))
    return;
  parser = json_parser_new ();
  if (json_parser_load_from_data (parser, plain, -1, NULL)
      && JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser))) {
    info = json_node_get_object (json_parser_get_root (parser));
    index = browser_json_int (info, "keyIndex", -1);
    b64 = browser_json_string (info, "key");
    if (b64)
      key = g_base64_decode (b64, &key_len);
    if (key && key_len == MEDIA_KEY_SIZE && index >= 0 && index <= G_MAXINT32) {
      relayed = !(agent->awaiting->len >= MAX_AWAITING);
      if (relayed && !is_ack)
        g_ptr_array_add (agent->awaiting, g_strdup (uuid));
      send_key_to_page (agent, "receive", key, (guint) index,
          relayed && !is_ack ? uuid : NULL);
    }
    if (key) {
      OPENSSL_cleanse (key, key_len);
      g_free (key);
    }
  }
  g_object_unref (parser);
  free_secret (plain);

  if (!is_ack && !relayed)
    send_key_info_ack (agent, uuid);
}

void
browser_key_agent_key_installed (BrowserKeyAgent * agent, const gchar * ack)
{
  guint i;

  for (i = 0; i < agent->awaiting->len; i++) {
    if (strcmp (g_ptr_array_index (agent->awaiting, i), ack) == 0) {
      send_key_info_ack (agent, ack);
      g_ptr_array_remove_index (agent->awaiting, i);
      return;
    }
  }
}

void
browser_key_agent_receive (BrowserKeyAgent * agent, const gchar * text)
{
  JsonParser *parser = json_parser_new ();
  JsonObject *root, *olm, *data;
  const gchar *type, *from, *to, *olm_type;

  if (!json_parser_load_from_data (parser, text, -1, NULL)
      || !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    goto out;
  root = json_node_get_object (json_parser_get_root (parser));
  type = browser_json_string (root, "type");
  from = browser_json_string (root, "from");
  to = browser_json_string (root, "to");
  if (!type || !from || (to && strcmp (to, agent->id) != 0))
    goto out;

  if (strcmp (type, "e2ee-hello") == 0) {
    handle_hello (agent, from, root);
    goto out;
  }
  if (strcmp (type, "olm") != 0 || !agent->peer_id
      || strcmp (from, agent->peer_id) != 0)
    goto out;
  olm = browser_json_object (root, "olm");
  olm_type = browser_json_string (olm, "type");
  data = browser_json_object (olm, "data");
  if (!olm_type || !data)
    goto out;

  if (strcmp (olm_type, "session-init") == 0)
    handle_session_init (agent, data);
  else if (strcmp (olm_type, "key-info") == 0)
    handle_key_info (agent, data, FALSE);
  else if (strcmp (olm_type, "key-info-ack") == 0)
    handle_key_info (agent, data, TRUE);
  else if (strcmp (olm_type, "error") == 0)
    g_printerr ("e2ee-browser: key agent %s: the manager reports: %s\n",
        agent->id, browser_json_string (data, "error") ?
        browser_json_string (data, "error") : "?");

out:
  g_object_unref (parser);
}

static gboolean
create_account (BrowserKeyAgent * agent)
{
  JsonParser *parser;
  JsonObject *keys;
  gsize rlen, klen;
  guint8 *random;
  gchar *json;
  gboolean ok = FALSE;

  agent->account_mem = g_malloc (olm_account_size ());
  agent->account = olm_account (agent->account_mem);
  rlen = olm_create_account_random_length (agent->account);
  random = g_malloc (rlen);
  if (random_bytes (random, rlen)
      && olm_create_account (agent->account, random, rlen) != olm_error ())
    ok = TRUE;
  OPENSSL_cleanse (random, rlen);
  g_free (random);
  if (!ok)
    return FALSE;

  klen = olm_account_identity_keys_length (agent->account);
  json = g_malloc0 (klen + 1);
  if (olm_account_identity_keys (agent->account, json, klen) == olm_error ()) {
    g_free (json);
    return FALSE;
  }
  parser = json_parser_new ();
  ok = json_parser_load_from_data (parser, json, -1, NULL)
      && JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser));
  if (ok) {
    keys = json_node_get_object (json_parser_get_root (parser));
    agent->curve25519 = g_strdup (browser_json_string (keys, "curve25519"));
    agent->ed25519 = g_strdup (browser_json_string (keys, "ed25519"));
    ok = agent->curve25519 && agent->ed25519;
  }
  g_object_unref (parser);
  g_free (json);
  return ok;
}

BrowserKeyAgent *
browser_key_agent_new (GstE2eeKeyManager * manager, const gchar * id,
    BrowserCallSendFunc to_page, gpointer user_data)
{
  BrowserKeyAgent *agent = g_new0 (BrowserKeyAgent, 1);
  JsonObject *obj, *keys;
  JsonNode *hello;

  agent->manager = gst_object_ref (manager);
  agent->id = g_strdup (id);
  agent->to_page = to_page;
  agent->user_data = user_data;
  agent->awaiting = g_ptr_array_new_with_free_func (g_free);

  if (!create_account (agent) || !random_bytes (agent->key, MEDIA_KEY_SIZE)) {
    g_printerr ("e2ee-browser: key agent %s: no olm account or key\n", id);
    browser_key_agent_free (agent);
    return NULL;
  }

  /* the page encrypts with its key from now on; the manager gets it with
   * the session-ack */
  send_key_to_page (agent, "send", agent->key, agent->key_index, NULL);

  hello = envelope (agent, "e2ee-hello", &obj);
  keys = json_object_new ();
  json_object_set_string_member (keys, "curve25519", agent->curve25519);
  json_object_set_string_member (keys, "ed25519", agent->ed25519);
  json_object_set_object_member (obj, "idKeys", keys);
  send_to_manager (agent, hello);
  return agent;
}

const gchar *
browser_key_agent_get_id (BrowserKeyAgent * agent)
{
  return agent->id;
}

void
browser_key_agent_free (BrowserKeyAgent * agent)
{
  /* the manager moves everyone left to a new key, which this page never
   * gets */
  gst_e2ee_key_manager_remove_participant (agent->manager, agent->id);
  if (agent->session) {
    olm_clear_session (agent->session);
    g_free (agent->session_mem);
  }
  if (agent->account) {
    olm_clear_account (agent->account);
    g_free (agent->account_mem);
  }
  OPENSSL_cleanse (agent->key, sizeof (agent->key));
  gst_object_unref (agent->manager);
  g_free (agent->id);
  g_free (agent->curve25519);
  g_free (agent->ed25519);
  g_free (agent->peer_id);
  g_free (agent->peer_curve25519);
  g_ptr_array_unref (agent->awaiting);
  g_free (agent);
}
