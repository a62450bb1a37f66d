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
 * The key-exchange protocol of GstE2eeKeyManager: lib-jitsi-meet's
 * OlmAdapter messages in a {type, from, to} envelope, the key lifecycle
 * (ratchet on join, new key on leave), and SAS verification. Everything here
 * runs on the manager's thread with the manager lock held; messages to send
 * and signals to emit are queued and dispatched after the lock is released.
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gste2eekeymanager-private.h"
#include <gst/e2ee/frame/gste2eekey-private.h>

#include <string.h>
#include <openssl/crypto.h>

#define GST_CAT_DEFAULT gst_e2ee_key_manager_debug

/* unpadded base64 of a 32-byte curve25519 or ed25519 key */
#define IDENTITY_KEY_B64_LEN 43
#define MAX_ID_LEN 256

/* uids of participants of every manager in the process; 0 is none */
G_LOCK_DEFINE_STATIC (last_uid);
static guint64 last_uid;

Participant *
_gst_e2ee_km_participant_new (const gchar * id)
{
  Participant *p = g_new0 (Participant, 1);

  G_LOCK (last_uid);
  p->uid = ++last_uid;
  G_UNLOCK (last_uid);
  p->id = g_strdup (id);
  p->used_otks = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
      g_free);
  g_queue_init (&p->used_otks_order);
  p->last_index = -1;
  p->retry_timeout_ms = REQUEST_TIMEOUT_MS;
  p->key_retry_ms = REQUEST_TIMEOUT_MS;
  p->hello_retry_ms = REQUEST_TIMEOUT_MS;
  return p;
}

void
_gst_e2ee_km_clear_source (GSource ** source)
{
  if (*source) {
    g_source_destroy (*source);
    g_clear_pointer (source, g_source_unref);
  }
}

void
_gst_e2ee_km_clear_candidate (Participant * p)
{
  if (p->candidate)
    gst_e2ee_olm_session_free (p->candidate);
  p->candidate = NULL;
  g_clear_pointer (&p->candidate_uuid, g_free);
}

void
_gst_e2ee_km_clear_pending (Participant * p)
{
  g_clear_pointer (&p->pending_uuid, g_free);
  if (p->pending_timeout) {
    g_source_destroy (p->pending_timeout);
    g_clear_pointer (&p->pending_timeout, g_source_unref);
  }
}

void
_gst_e2ee_km_participant_free (Participant * p)
{
  _gst_e2ee_km_clear_pending (p);
  _gst_e2ee_km_clear_candidate (p);
  _gst_e2ee_km_clear_source (&p->key_timeout);
  _gst_e2ee_km_clear_source (&p->hello_timeout);
  g_free (p->key_uuid);
  g_free (p->refused_uuid);
  if (p->session)
    gst_e2ee_olm_session_free (p->session);
  _gst_e2ee_km_sas_free (p->sas);
  g_queue_clear (&p->used_otks_order);
  g_hash_table_unref (p->used_otks);
  OPENSSL_cleanse (p->keys, sizeof (p->keys));
  g_free (p->session_uuid);
  g_free (p->last_error);
  g_free (p->curve25519);
  g_free (p->ed25519);
  g_free (p->id);
  g_free (p);
}

static void
bump_generation (GstE2eeKeyManager * self)
{
  g_atomic_int_inc (&self->generation);
}

/* --- message helpers --- */

JsonNode *
_gst_e2ee_km_object_node (JsonObject * obj)
{
  JsonNode *node = json_node_new (JSON_NODE_OBJECT);

  json_node_take_object (node, obj);
  return node;
}

const gchar *
_gst_e2ee_km_get_string (JsonObject * obj, const gchar * member)
{
  JsonNode *node;

  if (!obj || !json_object_has_member (obj, member))
    return NULL;
  node = json_object_get_member (obj, member);
  if (!JSON_NODE_HOLDS_VALUE (node)
      || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}

JsonObject *
_gst_e2ee_km_get_object (JsonObject * obj, const gchar * member)
{
  JsonNode *node;

  if (!obj || !json_object_has_member (obj, member))
    return NULL;
  node = json_object_get_member (obj, member);
  if (!JSON_NODE_HOLDS_OBJECT (node))
    return NULL;
  return json_node_get_object (node);
}

/* The object a JSON text holds, or NULL: a text of only white space parses
 * to no node at all. */
JsonObject *
_gst_e2ee_km_parse_object (JsonParser * parser, const gchar * text, gssize len)
{
  JsonNode *root;

  if (!json_parser_load_from_data (parser, text, len, NULL))
    return NULL;
  root = json_parser_get_root (parser);
  if (!root || !JSON_NODE_HOLDS_OBJECT (root))
    return NULL;
  return json_node_get_object (root);
}

gboolean
_gst_e2ee_km_valid_id (const gchar * id)
{
  return id && *id && strlen (id) <= MAX_ID_LEN && g_utf8_validate (id, -1,
      NULL);
}

/* What a hello's "signature" signs: the sender's id and both identity keys
 * as a JSON object with sorted members and no spaces (Matrix signs device
 * keys in canonical JSON). Signing the id too means a hello cannot be
 * replayed under another id. */
gchar *
_gst_e2ee_km_id_keys_message (const gchar * id, const gchar * curve25519,
    const gchar * ed25519)
{
  JsonObject *o = json_object_new ();
  JsonNode *node = json_node_new (JSON_NODE_OBJECT);
  gchar *text;

  json_object_set_string_member (o, "curve25519", curve25519);
  json_object_set_string_member (o, "ed25519", ed25519);
  json_object_set_string_member (o, "id", id);
  json_node_take_object (node, o);
  text = json_to_string (node, FALSE);
  json_node_unref (node);
  return text;
}

static gboolean
valid_identity_key (const gchar * key)
{
  guchar *raw;
  gsize len = 0;
  gchar *padded;

  if (!key || strlen (key) != IDENTITY_KEY_B64_LEN)
    return FALSE;
  padded = g_strconcat (key, "=", NULL);
  raw = g_base64_decode (padded, &len);
  g_free (padded);
  g_free (raw);
  return len == 32;
}

gchar *
_gst_e2ee_km_new_uuid (void)
{
  guint8 r[16];

  if (!gst_e2ee_random_bytes (r, sizeof (r)))
    return g_uuid_string_random ();
  /* RFC 4122 version 4 */
  r[6] = (r[6] & 0x0f) | 0x40;
  r[8] = (r[8] & 0x3f) | 0x80;
  return g_strdup_printf ("%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-"
      "%02x%02x%02x%02x%02x%02x", r[0], r[1], r[2], r[3], r[4], r[5], r[6],
      r[7], r[8], r[9], r[10], r[11], r[12], r[13], r[14], r[15]);
}

void
_gst_e2ee_km_send_error_locked (GstE2eeKeyManager * self, Participant * p,
    const gchar * error)
{
  JsonObject *data = json_object_new ();

  json_object_set_string_member (data, "error", error);
  _gst_e2ee_km_send_locked (self, p, "error", _gst_e2ee_km_object_node (data));
}

static JsonObject *
encrypt_to_object (GstE2eeKeyManager * self, Participant * p,
    GstE2eeOlmSession * session, const gchar * plaintext)
{
  JsonObject *ct;
  GError *err = NULL;
  gchar *body = NULL;
  guint type = 0;

  self->state_dirty = TRUE;
  if (!gst_e2ee_olm_session_encrypt (session, plaintext,
          strlen (plaintext), &type, &body, &err)) {
    GST_WARNING_OBJECT (self, "olm encryption for %s failed: %s", p->id,
        err->message);
    g_error_free (err);
    return NULL;
  }
  ct = json_object_new ();
  json_object_set_int_member (ct, "type", type);
  json_object_set_string_member (ct, "body", body);
  g_free (body);
  return ct;
}

/* {"key": base64, "keyIndex": n} of the key @p may have, or {} */
gchar *
_gst_e2ee_km_key_info_json (GstE2eeKeyManager * self, Participant * p)
{
  const guint8 *key;
  guint index;
  gchar *b64, *json;

  if (!p->may_get_key)
    return g_strdup ("{}");

  /* while a new key waits for acknowledgements, a newcomer gets only the
   * new one: the current one was used before it joined */
  if (self->have_next_key) {
    key = self->next_key;
    index = NEXT_KEY_INDEX (self->local_index);
    p->sent_serial = self->local_serial + 1;
  } else {
    key = self->local_key;
    index = self->local_index;
    p->sent_serial = self->local_serial;
  }
  b64 = g_base64_encode (key, MEDIA_KEY_SIZE);
  json = g_strdup_printf ("{\"key\":\"%s\",\"keyIndex\":%u}", b64, index);
  OPENSSL_cleanse (b64, strlen (b64));
  g_free (b64);
  self->stats.keys_sent++;
  return json;
}

static void
free_secret_json (gchar * json)
{
  if (json) {
    OPENSSL_cleanse (json, strlen (json));
    g_free (json);
  }
}

void
_gst_e2ee_km_send_key_info_locked (GstE2eeKeyManager * self, Participant * p,
    const gchar * olm_type, const gchar * uuid)
{
  gchar *plain = _gst_e2ee_km_key_info_json (self, p);
  JsonObject *ct = encrypt_to_object (self, p, p->session, plain);
  JsonObject *data;

  free_secret_json (plain);
  if (!ct)
    return;
  data = json_object_new ();
  json_object_set_object_member (data, "ciphertext", ct);
  json_object_set_string_member (data, "uuid", uuid);
  _gst_e2ee_km_send_locked (self, p, olm_type, _gst_e2ee_km_object_node (data));
  if (g_str_equal (olm_type, "key-info"))
    _gst_e2ee_km_key_sent_locked (self, p, uuid);
}

/* The string value of the top-level member "key" of the JSON object @text,
 * located by hand so that json-glib, which copies every string it parses
 * into memory it frees without wiping, never sees the key: the span
 * [*start, *start + *len) of @text. Base64 has no escapes: a value with one
 * is not taken (json-glib then refuses it). */
static gboolean
find_key_value (const gchar * text, gsize * start, gsize * len)
{
  gsize i = 0, n = strlen (text);
  gint depth = 0;

  while (i < n) {
    gchar c = text[i];

    if (c == '{' || c == '[') {
      depth++;
      i++;
    } else if (c == '}' || c == ']') {
      depth--;
      i++;
    } else if (c == '"') {
      gsize s = ++i, e, v;

      while (i < n && text[i] != '"')
        i += text[i] == '\\' ? 2 : 1;
      if (i >= n)
        return FALSE;
      e = i++;
      if (depth != 1 || e - s != 3 || memcmp (text + s, "key", 3) != 0)
        continue;
      v = i;
      while (v < n && g_ascii_isspace (text[v]))
        v++;
      if (v >= n || text[v] != ':')
        continue;
      v++;
      while (v < n && g_ascii_isspace (text[v]))
        v++;
      if (v >= n || text[v] != '"')
        return FALSE;
      s = ++v;
      while (v < n && text[v] != '"' && text[v] != '\\')
        v++;
      if (v >= n || text[v] != '"')
        return FALSE;
      *start = s;
      *len = v - s;
      return TRUE;
    } else {
      i++;
    }
  }
  return FALSE;
}

/* Stores a key-info plaintext from @p. Returns FALSE if it is malformed. */
static gboolean
store_key_info_locked (GstE2eeKeyManager * self, Participant * p,
    const gchar * plaintext)
{
  JsonParser *parser = json_parser_new ();
  JsonObject *obj;
  JsonNode *key_node, *index_node;
  gboolean ret = FALSE;
  guchar *raw = NULL;
  gsize len = 0, key_start = 0, key_len = 0;
  gchar *masked = g_strdup (plaintext), *b64 = NULL;
  gint64 index;
  guint slot;

  /* json-glib parses a copy in which the key is replaced by 'A's */
  if (find_key_value (masked, &key_start, &key_len)) {
    if (key_len > 64)
      goto out;
    b64 = g_strndup (masked + key_start, key_len);
    memset (masked + key_start, 'A', key_len);
  }
  obj = _gst_e2ee_km_parse_object (parser, masked, -1);
  if (!obj)
    goto out;

  /* {} : no key yet */
  if (!json_object_has_member (obj, "key")) {
    ret = TRUE;
    goto out;
  }
  key_node = json_object_get_member (obj, "key");
  index_node = json_object_get_member (obj, "keyIndex");
  if (!index_node || !JSON_NODE_HOLDS_VALUE (index_node)
      || json_node_get_value_type (index_node) != G_TYPE_INT64)
    goto out;
  index = json_node_get_int (index_node);
  if (index < 0 || index > G_MAXINT32)
    goto out;

  /* lib-jitsi-meet sends key: false when it stops encrypting */
  if (JSON_NODE_HOLDS_VALUE (key_node)
      && json_node_get_value_type (key_node) == G_TYPE_BOOLEAN
      && !json_node_get_boolean (key_node)) {
    guint i;

    for (i = 0; i < N_SLOTS; i++) {
      p->have_key[i] = FALSE;
      p->serial[i]++;
    }
    OPENSSL_cleanse (p->keys, sizeof (p->keys));
    bump_generation (self);
    ret = TRUE;
    goto out;
  }
  if (!JSON_NODE_HOLDS_VALUE (key_node)
      || json_node_get_value_type (key_node) != G_TYPE_STRING)
    goto out;
  /* the member json-glib read must be the one that was masked */
  {
    const gchar *seen = json_node_get_string (key_node);

    if (!b64 || strlen (seen) != key_len || strspn (seen, "A") != key_len)
      goto out;
  }
  raw = g_base64_decode (b64, &len);
  if (len != MEDIA_KEY_SIZE)
    goto out;

  slot = (guint) (index % N_SLOTS);
  /* the same key again (a key-info-ack carries the acker's current key,
   * which we usually have): nothing changes, nobody is told (as Jitsi) */
  if (p->have_key[slot] && p->last_index == index
      && CRYPTO_memcmp (p->keys[slot], raw, MEDIA_KEY_SIZE) == 0) {
    self->stats.keys_duplicate++;
    ret = TRUE;
    goto out;
  }
  memcpy (p->keys[slot], raw, MEDIA_KEY_SIZE);
  p->have_key[slot] = TRUE;
  p->serial[slot]++;
  p->last_index = index;
  bump_generation (self);
  self->stats.keys_received++;
  _gst_e2ee_km_queue (self, QUEUED_SIGNAL_KEY_CHANGED, p->id,
      g_strdup_printf ("%" G_GINT64_FORMAT, index));
  GST_INFO_OBJECT (self, "key with index %" G_GINT64_FORMAT " from %s",
      index, p->id);
  ret = TRUE;

out:
  if (raw) {
    OPENSSL_cleanse (raw, len);
    g_free (raw);
  }
  if (b64) {
    OPENSSL_cleanse (b64, key_len);
    g_free (b64);
  }
  OPENSSL_cleanse (masked, strlen (masked));
  g_free (masked);
  g_object_unref (parser);
  return ret;
}

/* Decrypts data.ciphertext of an olm message from @p. NULL on failure
 * (counted; an error goes back). Free with gst_e2ee_olm_free_secret(). */
static gchar *
decrypt_data_locked (GstE2eeKeyManager * self, Participant * p,
    JsonObject * data)
{
  JsonObject *ct = _gst_e2ee_km_get_object (data, "ciphertext");
  const gchar *body = _gst_e2ee_km_get_string (ct, "body");
  JsonNode *type_node;
  GError *err = NULL;
  gchar *plain;
  gint64 type;

  if (!p->session && !(ct && body && _gst_e2ee_km_is_pre_key (ct))) {
    self->stats.refused++;
    _gst_e2ee_km_send_error_locked (self, p, "No session found");
    _gst_e2ee_km_recover_session_locked (self, p);
    return NULL;
  }
  if (!ct || !body || !json_object_has_member (ct, "type")) {
    self->stats.malformed++;
    return NULL;
  }
  type_node = json_object_get_member (ct, "type");
  if (!JSON_NODE_HOLDS_VALUE (type_node)
      || json_node_get_value_type (type_node) != G_TYPE_INT64) {
    /* a string, a list...: counted like every other malformed message */
    self->stats.malformed++;
    return NULL;
  }
  type = json_node_get_int (type_node);
  if (type != 0 && type != 1) {
    self->stats.malformed++;
    return NULL;
  }
  self->state_dirty = TRUE;
  /* olm leaves a session as it was when a message does not decrypt on it */
  plain = p->session ? gst_e2ee_olm_session_decrypt (p->session, (guint) type,
      body, NULL, &err) : NULL;
  if (!plain && p->candidate) {
    g_clear_error (&err);
    plain = gst_e2ee_olm_session_decrypt (p->candidate, (guint) type, body,
        NULL, &err);
    if (plain) {
      /* it holds the other end of the new session: the old one is over */
      GST_INFO_OBJECT (self, "%s moved to its new olm session", p->id);
      self->state_dirty = TRUE;
      gst_e2ee_olm_session_free (p->session);
      p->session = p->candidate;
      p->candidate = NULL;
      g_free (p->session_uuid);
      p->session_uuid = p->candidate_uuid;
      p->candidate_uuid = NULL;
    }
  }
  if (!plain && type == 0) {
    plain = _gst_e2ee_km_adopt_pre_key_locked (self, p, body);
    if (plain)
      g_clear_error (&err);
  }
  if (!plain) {
    g_clear_error (&err);
    /* the same message again (a router that duplicates): it decrypted
     * once, the session is fine */
    if (_gst_e2ee_km_seen_body (p, g_str_hash (body))) {
      GST_DEBUG_OBJECT (self, "message from %s again; dropped", p->id);
      self->stats.duplicates++;
      return NULL;
    }
    GST_DEBUG_OBJECT (self, "message from %s does not decrypt", p->id);
    self->stats.decrypt_failed++;
    _gst_e2ee_km_send_error_locked (self, p, "Could not decrypt");
    _gst_e2ee_km_recover_session_locked (self, p);
    return NULL;
  }
  _gst_e2ee_km_remember_body (p, g_str_hash (body));
  _gst_e2ee_km_session_works_locked (p);
  _gst_e2ee_km_authenticated_locked (self, p);
  return plain;
}

/* Posts an element error about @p (takes @text). The same error about the
 * same participant is posted at most once a second: what a peer sends over
 * and over must not become a flood on the bus (each cause is counted in
 * stats anyway), and a different error is never held back. */
void
_gst_e2ee_km_error_locked (GstE2eeKeyManager * self, Participant * p,
    gchar * text)
{
  gint64 now = g_get_monotonic_time ();

  if (p->last_error && g_str_equal (p->last_error, text)
      && now - p->last_error_time < G_USEC_PER_SEC) {
    GST_DEBUG_OBJECT (self, "%s: %s (posted already)", p->id, text);
    g_free (text);
    return;
  }
  p->last_error_time = now;
  g_free (p->last_error);
  p->last_error = g_strdup (text);
  _gst_e2ee_km_queue (self, QUEUED_ERROR, p->id, text);
}

/* A message from @p decrypted on its session: it holds the other end, and
 * the transport the message came on is the way to it. */
void
_gst_e2ee_km_authenticated_locked (GstE2eeKeyManager * self, Participant * p)
{
  p->confirmed = TRUE;
  p->transport = self->receiving_transport;
  p->heard = TRUE;
}

/* --- key lifecycle --- */

static void
maybe_send_key_locked (GstE2eeKeyManager * self, Participant * p)
{
  gchar *uuid;

  if (!p->joined || !p->session || !p->may_get_key || p->sent_serial != 0)
    return;
  uuid = _gst_e2ee_km_new_uuid ();
  _gst_e2ee_km_send_key_info_locked (self, p, "key-info", uuid);
  g_free (uuid);
}

static gboolean debounce_cb (gpointer user_data);

static void
schedule_debounce_locked (GstE2eeKeyManager * self)
{
  if (self->debounce)
    return;
  self->debounce = g_timeout_source_new (self->debounce_ms);
  g_source_set_callback (self->debounce, debounce_cb, self, NULL);
  g_source_attach (self->debounce, self->context);
}

void
_gst_e2ee_km_join_locked (GstE2eeKeyManager * self, Participant * p)
{
  if (p->joined || !p->admitted || !p->curve25519)
    return;

  p->joined = TRUE;
  p->may_get_key = FALSE;
  p->sent_serial = 0;
  GST_INFO_OBJECT (self, "%s joined", p->id);
  _gst_e2ee_km_queue (self, QUEUED_SIGNAL_JOINED, p->id, NULL);

  /* the lower id initiates, as lib-jitsi-meet does */
  if (strcmp (self->local_id, p->id) < 0 && !p->session && !p->pending_uuid)
    _gst_e2ee_km_send_session_init_locked (self, p);

  self->pending_join = TRUE;
  schedule_debounce_locked (self);
}

static void
switch_key_locked (GstE2eeKeyManager * self)
{
  if (!self->have_next_key)
    return;
  memcpy (self->local_key, self->next_key, MEDIA_KEY_SIZE);
  OPENSSL_cleanse (self->next_key, MEDIA_KEY_SIZE);
  self->have_next_key = FALSE;
  self->local_index = NEXT_KEY_INDEX (self->local_index);
  self->local_serial++;
  self->local_ratchets = 0;
  g_hash_table_remove_all (self->awaiting_ack);
  if (self->switch_timeout) {
    g_source_destroy (self->switch_timeout);
    g_clear_pointer (&self->switch_timeout, g_source_unref);
  }
  /* participants sent the new key hold sent_serial == the new serial */
  bump_generation (self);

  GST_INFO_OBJECT (self, "switched to key index %u", self->local_index);
  /* the index a restart continues from (a save is one small write) */
  _gst_e2ee_km_save_state_locked (self);
  _gst_e2ee_km_queue (self, QUEUED_SIGNAL_KEY_CHANGED, self->local_id,
      g_strdup_printf ("%u", self->local_index));
}

static gboolean
switch_timeout_cb (gpointer user_data)
{
  GstE2eeKeyManager *self = user_data;

  GST_E2EE_KEY_MANAGER_LOCK (self);
  GST_DEBUG_OBJECT (self, "not every participant acknowledged the new key "
      "in time; switching anyway");
  g_clear_pointer (&self->switch_timeout, g_source_unref);
  switch_key_locked (self);
  GST_E2EE_KEY_MANAGER_UNLOCK (self);
  _gst_e2ee_km_flush_queued (self);
  return G_SOURCE_REMOVE;
}

void
_gst_e2ee_km_rotate_locked (GstE2eeKeyManager * self)
{
  GHashTableIter iter;
  Participant *p;

  /* a rotation already under way is replaced by a fresher key */
  if (!gst_e2ee_random_bytes (self->next_key, MEDIA_KEY_SIZE)) {
    GST_ERROR_OBJECT (self, "CSPRNG failure; key not rotated");
    return;
  }
  self->have_next_key = TRUE;
  self->stats.rotations++;
  g_hash_table_remove_all (self->awaiting_ack);

  g_hash_table_iter_init (&iter, self->participants);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) & p)) {
    gchar *uuid;

    if (!p->joined)
      continue;
    p->may_get_key = TRUE;
    if (!p->session)
      continue;
    uuid = _gst_e2ee_km_new_uuid ();
    _gst_e2ee_km_send_key_info_locked (self, p, "key-info", uuid);
    g_hash_table_insert (self->awaiting_ack, uuid, g_strdup (p->id));
  }

  if (g_hash_table_size (self->awaiting_ack) == 0) {
    switch_key_locked (self);
    return;
  }
  /* the new key's index is out: a restart must not take it again */
  _gst_e2ee_km_save_state_locked (self);
  if (self->switch_timeout) {
    g_source_destroy (self->switch_timeout);
    g_source_unref (self->switch_timeout);
  }
  self->switch_timeout = g_timeout_source_new (self->key_switch_timeout_ms);
  g_source_set_callback (self->switch_timeout, switch_timeout_cb, self, NULL);
  g_source_attach (self->switch_timeout, self->context);
}

static void
ratchet_locked (GstE2eeKeyManager * self)
{
  guint8 next[MEDIA_KEY_SIZE];
  GHashTableIter iter;
  Participant *p;

  if (!_gst_e2ee_key_ratchet_material (self->kdf, self->local_key,
          MEDIA_KEY_SIZE, next)) {
    /* a raw schedule has no ratchet: hide the past with a new key */
    _gst_e2ee_km_rotate_locked (self);
    return;
  }
  memcpy (self->local_key, next, MEDIA_KEY_SIZE);
  OPENSSL_cleanse (next, sizeof (next));
  self->local_serial++;
  self->local_ratchets++;
  self->stats.ratchets++;
  bump_generation (self);

  /* those who had the key follow through their ratchet window */
  g_hash_table_iter_init (&iter, self->participants);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) & p))
    if (p->sent_serial != 0)
      p->sent_serial = self->local_serial;

  GST_INFO_OBJECT (self, "ratcheted key index %u for newcomers",
      self->local_index);
  _gst_e2ee_km_queue (self, QUEUED_SIGNAL_KEY_CHANGED, self->local_id,
      g_strdup_printf ("%u", self->local_index));
}

static gboolean
debounce_cb (gpointer user_data)
{
  GstE2eeKeyManager *self = user_data;
  GHashTableIter iter;
  Participant *p;

  GST_E2EE_KEY_MANAGER_LOCK (self);
  g_clear_pointer (&self->debounce, g_source_unref);

  if (self->pending_leave) {
    /* a new key hides the future from leavers and, as it is new, the past
     * from anyone who joined in the same burst */
    _gst_e2ee_km_rotate_locked (self);
  } else if (self->pending_join) {
    ratchet_locked (self);
  }
  self->pending_join = self->pending_leave = FALSE;

  g_hash_table_iter_init (&iter, self->participants);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) & p)) {
    if (!p->joined)
      continue;
    p->may_get_key = TRUE;
    maybe_send_key_locked (self, p);
  }
  GST_E2EE_KEY_MANAGER_UNLOCK (self);
  _gst_e2ee_km_flush_queued (self);
  return G_SOURCE_REMOVE;
}

void
_gst_e2ee_km_leave_locked (GstE2eeKeyManager * self, Participant * p)
{
  gboolean was_joined = p->joined;
  gchar *id = g_strdup (p->id);
  GHashTableIter iter;
  gpointer key, value;

  GST_INFO_OBJECT (self, "%s left", id);
  /* its keys and session go at once; it must not get the next key */
  g_hash_table_iter_init (&iter, self->awaiting_ack);
  while (g_hash_table_iter_next (&iter, &key, &value))
    if (g_str_equal (value, id))
      g_hash_table_iter_remove (&iter);
  g_hash_table_remove (self->participants, id);
  if (g_hash_table_size (self->participants) < self->max_participants)
    self->limit_warned = FALSE;
  bump_generation (self);
  _gst_e2ee_km_save_state_locked (self);

  if (was_joined) {
    _gst_e2ee_km_queue (self, QUEUED_SIGNAL_LEFT, id, NULL);
    self->pending_leave = TRUE;
    schedule_debounce_locked (self);
  }
  if (self->have_next_key && g_hash_table_size (self->awaiting_ack) == 0)
    switch_key_locked (self);
  g_free (id);
}

/* --- sessions --- */

typedef struct
{
  GstE2eeKeyManager *self;
  gchar *id;
  gchar *uuid;
} PendingTimeout;

static void
pending_timeout_free (PendingTimeout * pt)
{
  g_free (pt->id);
  g_free (pt->uuid);
  g_free (pt);
}

static gboolean
pending_timeout_cb (gpointer user_data)
{
  PendingTimeout *pt = user_data;
  GstE2eeKeyManager *self = pt->self;
  gboolean retry = FALSE;
  Participant *p;

  GST_E2EE_KEY_MANAGER_LOCK (self);
  p = g_hash_table_lookup (self->participants, pt->id);
  if (p && p->pending_uuid && g_str_equal (p->pending_uuid, pt->uuid)) {
    GST_DEBUG_OBJECT (self, "%s did not answer session-init in time", p->id);
    g_clear_pointer (&p->pending_uuid, g_free);
    /* returning G_SOURCE_REMOVE destroys it */
    g_clear_pointer (&p->pending_timeout, g_source_unref);
    self->stats.session_init_timeouts++;
    /* the init or its ack may have been lost: try again, less and less
     * often, so a half-open handshake does not leave it without keys */
    if (p->joined && (!p->session || p->recoveries > 0)) {
      p->retry_timeout_ms = MIN (p->retry_timeout_ms * 2, MAX_RETRY_TIMEOUT_MS);
      _gst_e2ee_km_send_session_init_locked (self, p);
      retry = TRUE;
    }
  }
  GST_E2EE_KEY_MANAGER_UNLOCK (self);
  if (retry)
    _gst_e2ee_km_flush_queued (self);
  return G_SOURCE_REMOVE;
}

void
_gst_e2ee_km_send_session_init_locked (GstE2eeKeyManager * self,
    Participant * p)
{
  GError *err = NULL;
  JsonObject *data;
  PendingTimeout *pt;
  gchar *otk;

  otk =
      gst_e2ee_olm_account_new_one_time_key (_gst_e2ee_km_account_locked (self),
      &err);
  if (!otk) {
    GST_WARNING_OBJECT (self, "no one-time key: %s", err->message);
    g_error_free (err);
    return;
  }
  _gst_e2ee_km_clear_pending (p);
  p->pending_uuid = _gst_e2ee_km_new_uuid ();

  data = json_object_new ();
  json_object_set_string_member (data, "idKey",
      gst_e2ee_olm_account_get_curve25519 (_gst_e2ee_km_account_locked (self)));
  json_object_set_string_member (data, "otKey", otk);
  json_object_set_string_member (data, "uuid", p->pending_uuid);
  g_free (otk);
  _gst_e2ee_km_send_locked (self, p, "session-init",
      _gst_e2ee_km_object_node (data));

  pt = g_new0 (PendingTimeout, 1);
  pt->self = self;
  pt->id = g_strdup (p->id);
  pt->uuid = g_strdup (p->pending_uuid);
  p->pending_timeout = g_timeout_source_new (p->retry_timeout_ms);
  g_source_set_callback (p->pending_timeout, pending_timeout_cb, pt,
      (GDestroyNotify) pending_timeout_free);
  g_source_attach (p->pending_timeout, self->context);
  _gst_e2ee_km_save_state_locked (self);
}

/* @ot_key, and the uuid of the session-init that brought it: the same
 * pair again is a copy of that message, anything else with @ot_key a
 * replay */
static void
remember_otk (Participant * p, const gchar * ot_key, const gchar * uuid)
{
  gchar *copy = g_strdup (ot_key);

  if (g_queue_get_length (&p->used_otks_order) >= MAX_USED_OTKS)
    g_hash_table_remove (p->used_otks, g_queue_pop_head (&p->used_otks_order));
  g_hash_table_insert (p->used_otks, copy, g_strdup (uuid));
  g_queue_push_tail (&p->used_otks_order, copy);
}

static void
handle_session_init (GstE2eeKeyManager * self, Participant * p,
    JsonObject * data)
{
  const gchar *id_key = _gst_e2ee_km_get_string (data, "idKey");
  const gchar *ot_key = _gst_e2ee_km_get_string (data, "otKey");
  const gchar *uuid = _gst_e2ee_km_get_string (data, "uuid");
  GstE2eeOlmSession *session;
  GError *err = NULL;
  JsonObject *ct, *ack;
  gchar *plain;
  gint64 now;

  if (!id_key || !ot_key || !uuid || !_gst_e2ee_km_valid_id (uuid)) {
    self->stats.malformed++;
    return;
  }
  if (!p->admitted && self->auto_admit
      && g_strcmp0 (id_key, p->curve25519) == 0) {
    /* restored from the state file, and its session-init came before its
     * hello: the same rule as a hello (whose identity keys it carries) */
    p->admitted = TRUE;
    self->stats.readmitted++;
    _gst_e2ee_km_join_locked (self, p);
  }
  if (!p->admitted) {
    self->stats.refused++;
    _gst_e2ee_km_send_error_locked (self, p, "Not admitted");
    return;
  }
  if (g_strcmp0 (id_key, p->curve25519) != 0) {
    /* not the identity key it announced: someone else speaking for it */
    self->stats.impersonations++;
    _gst_e2ee_km_error_locked (self, p,
        g_strdup (_("session-init with an identity key other than the one "
                "announced")));
    _gst_e2ee_km_send_error_locked (self, p, "Identity key mismatch");
    return;
  }
  if (g_strcmp0 (g_hash_table_lookup (p->used_otks, ot_key), uuid) == 0) {
    /* the very session-init we answered, again (a router that duplicates,
     * a retransmission): its session-ack went already, and an error would
     * only be logged as one by the peer (lib-jitsi-meet does) */
    GST_DEBUG_OBJECT (self, "session-init from %s again; dropped", p->id);
    self->stats.duplicates++;
    return;
  }
  if ((p->session_uuid && g_str_equal (p->session_uuid, uuid))
      || (p->candidate_uuid && g_str_equal (p->candidate_uuid, uuid))
      || g_hash_table_contains (p->used_otks, ot_key)) {
    self->stats.refused++;
    _gst_e2ee_km_send_error_locked (self, p, "Session already established");
    return;
  }
  /* each costs an olm session: a few per participant and timeout window */
  now = g_get_monotonic_time ();
  if (now - p->inits_window_start >
      REQUEST_TIMEOUT_MS * G_TIME_SPAN_MILLISECOND) {
    p->inits_window_start = now;
    p->inits_in_window = 0;
  }
  if (p->inits_in_window >= MAX_SESSION_INITS) {
    GST_DEBUG_OBJECT (self, "too many session-inits from %s", p->id);
    self->stats.refused++;
    return;
  }
  p->inits_in_window++;

  session =
      gst_e2ee_olm_session_new_outbound (_gst_e2ee_km_account_locked (self),
      id_key, ot_key, &err);
  if (!session) {
    GST_DEBUG_OBJECT (self, "no session with %s: %s", p->id, err->message);
    g_error_free (err);
    self->stats.malformed++;
    _gst_e2ee_km_send_error_locked (self, p, "Could not create session");
    return;
  }
  remember_otk (p, ot_key, uuid);
  _gst_e2ee_km_clear_candidate (p);
  if (p->session) {
    /* anyone can send a session-init in its name: keep the session we have
     * until the participant proves it holds the new one (a message from it
     * decrypts on it), so a forged or replayed init cannot break it */
    p->candidate = session;
    p->candidate_uuid = g_strdup (uuid);
  } else {
    p->session = session;
    p->confirmed = FALSE;
    g_free (p->session_uuid);
    p->session_uuid = g_strdup (uuid);
  }
  _gst_e2ee_km_clear_pending (p);
  self->stats.sessions++;

  plain = _gst_e2ee_km_key_info_json (self, p);
  ct = encrypt_to_object (self, p, session, plain);
  free_secret_json (plain);
  if (!ct)
    return;
  ack = json_object_new ();
  json_object_set_object_member (ack, "ciphertext", ct);
  json_object_set_string_member (ack, "uuid", uuid);
  _gst_e2ee_km_send_locked (self, p, "session-ack",
      _gst_e2ee_km_object_node (ack));
  GST_INFO_OBJECT (self, "olm session with %s (responder)", p->id);
  _gst_e2ee_km_save_state_locked (self);
}

static void
handle_session_ack (GstE2eeKeyManager * self, Participant * p,
    JsonObject * data)
{
  const gchar *uuid = _gst_e2ee_km_get_string (data, "uuid");
  JsonObject *ct = _gst_e2ee_km_get_object (data, "ciphertext");
  const gchar *body = _gst_e2ee_km_get_string (ct, "body");
  GstE2eeOlmSession *session;
  GError *err = NULL;
  gchar *plain;

  if (!uuid || !ct || !body) {
    self->stats.malformed++;
    return;
  }
  if (!p->pending_uuid && p->session_uuid && g_str_equal (uuid,
          p->session_uuid)) {
    /* the ack we took already, again */
    self->stats.duplicates++;
    return;
  }
  if (!p->pending_uuid || !g_str_equal (uuid, p->pending_uuid)) {
    self->stats.refused++;
    _gst_e2ee_km_send_error_locked (self, p, "Invalid UUID");
    return;
  }
  /* fails unless the pre-key message was made with the identity key the
   * participant announced */
  session =
      gst_e2ee_olm_session_new_inbound (_gst_e2ee_km_account_locked (self),
      p->curve25519, body, &err);
  if (!session) {
    GST_DEBUG_OBJECT (self, "bad session-ack from %s: %s", p->id, err->message);
    g_error_free (err);
    self->stats.decrypt_failed++;
    _gst_e2ee_km_send_error_locked (self, p, "Could not create session");
    return;
  }
  gst_e2ee_olm_account_remove_one_time_keys (_gst_e2ee_km_account_locked (self),
      session);
  plain = gst_e2ee_olm_session_decrypt (session, 0, body, NULL, &err);
  if (!plain) {
    GST_DEBUG_OBJECT (self, "session-ack from %s does not decrypt: %s",
        p->id, err->message);
    g_error_free (err);
    gst_e2ee_olm_session_free (session);
    self->stats.decrypt_failed++;
    return;
  }
  if (p->session)
    gst_e2ee_olm_session_free (p->session);
  p->session = session;
  g_free (p->session_uuid);
  p->session_uuid = g_strdup (uuid);
  _gst_e2ee_km_clear_pending (p);
  _gst_e2ee_km_clear_candidate (p);
  p->retry_timeout_ms = REQUEST_TIMEOUT_MS;
  _gst_e2ee_km_session_works_locked (p);
  _gst_e2ee_km_authenticated_locked (self, p);
  self->stats.sessions++;
  GST_INFO_OBJECT (self, "olm session with %s (initiator)", p->id);

  if (!store_key_info_locked (self, p, plain))
    self->stats.malformed++;
  gst_e2ee_olm_free_secret (plain);
  /* a new session: the other end may have lost our key with the old one;
   * a new key on its way to it (a rotation waiting for its ack) goes again
   * on this session, under the uuid the rotation waits for */
  {
    const gchar *awaited = _gst_e2ee_km_awaited_uuid (self, p);

    if (awaited && p->joined && p->may_get_key) {
      _gst_e2ee_km_send_key_info_locked (self, p, "key-info", awaited);
    } else {
      p->sent_serial = 0;
      maybe_send_key_locked (self, p);
    }
  }
  _gst_e2ee_km_save_state_locked (self);
}

static void
handle_key_info (GstE2eeKeyManager * self, Participant * p,
    JsonObject * data, gboolean is_ack)
{
  const gchar *uuid = _gst_e2ee_km_get_string (data, "uuid");
  gchar *plain;

  if (!uuid || !_gst_e2ee_km_valid_id (uuid)) {
    self->stats.malformed++;
    return;
  }
  plain = decrypt_data_locked (self, p, data);
  if (!plain)
    return;
  if (!store_key_info_locked (self, p, plain)) {
    self->stats.malformed++;
    gst_e2ee_olm_free_secret (plain);
    _gst_e2ee_km_send_error_locked (self, p, "Invalid key-info");
    return;
  }
  gst_e2ee_olm_free_secret (plain);

  if (!is_ack) {
    _gst_e2ee_km_send_key_info_locked (self, p, "key-info-ack", uuid);
    return;
  }
  _gst_e2ee_km_key_acked_locked (p, uuid);
  {
    const gchar *who = g_hash_table_lookup (self->awaiting_ack, uuid);

    if (who && g_str_equal (who, p->id)) {
      g_hash_table_remove (self->awaiting_ack, uuid);
      if (self->have_next_key && g_hash_table_size (self->awaiting_ack) == 0)
        switch_key_locked (self);
    }
  }
}

/* --- dispatch --- */

/* @a and @b reach the same peers: one webrtcbin's channels, or both the
 * application's transport (NULL: one relay, or the application's mesh) */
static gboolean
same_way (GstE2eeKmTransport * a, GstE2eeKmTransport * b)
{
  if (!a || !b)
    return a == b;
  return a->group == b->group;
}

/* Where messages to @p go: the transport it was heard on. Anyone can write
 * "from": p->id on any transport, so a message not yet authenticated moves
 * it only between the transports of one group (both ends' e2ee channels of
 * one webrtcbin), or off a transport that closed; messages that decrypt
 * on its session move it anywhere (_gst_e2ee_km_authenticated_locked()).
 * The application's transport (a relay) is a group of its own: a peer at
 * the end of a webrtcbin cannot pull a participant reached over the relay
 * to itself with a message that only names it, nor the relay one reached
 * over a webrtcbin. */
static void
rebind_transport (Participant * p, GstE2eeKmTransport * transport)
{
  if (!p->heard || (p->transport && p->transport->closed)
      || same_way (p->transport, transport)) {
    p->transport = transport;
    p->heard = TRUE;
  }
}

static void
handle_hello (GstE2eeKeyManager * self, GstE2eeKmTransport * transport,
    const gchar * sender, const gchar * from, JsonObject * root)
{
  gint64 replaced = 0;
  gboolean keep_admission = FALSE;

  JsonObject *keys = _gst_e2ee_km_get_object (root, "idKeys");
  const gchar *curve = _gst_e2ee_km_get_string (keys, "curve25519");
  const gchar *ed = _gst_e2ee_km_get_string (keys, "ed25519");
  JsonNode *reply = json_object_get_member (root, "reply");
  gboolean is_reply = reply && JSON_NODE_HOLDS_VALUE (reply)
      && json_node_get_value_type (reply) == G_TYPE_BOOLEAN
      && json_node_get_boolean (reply);
  Participant *p;

  const gchar *signature = _gst_e2ee_km_get_string (root, "signature");
  gboolean keys_signed = FALSE;

  if (!valid_identity_key (curve) || !valid_identity_key (ed)) {
    self->stats.malformed++;
    return;
  }
  p = g_hash_table_lookup (self->participants, from);
  if (signature) {
    gchar *text = _gst_e2ee_km_id_keys_message (from, curve, ed);

    keys_signed = gst_e2ee_olm_ed25519_verify (ed, text, signature);
    g_free (text);
    if (!keys_signed) {
      /* someone on the way changed a key (or the id): nothing of this
       * hello is used, so no session is made with keys it announced */
      self->stats.bad_signatures++;
      GST_WARNING_OBJECT (self, "hello from %s: its identity keys' "
          "signature does not verify; refused", from);
      if (p) {
        _gst_e2ee_km_error_locked (self, p,
            g_strdup (_("a hello whose identity keys' signature does not "
                    "verify (changed on the way?): refused")));
      } else if (g_get_monotonic_time () - self->bad_signature_time >
          G_USEC_PER_SEC || !self->bad_signature_time) {
        /* a participant not yet known: posted at most once a second, so a
         * flood of forged hellos is counted, not posted one by one */
        self->bad_signature_time = g_get_monotonic_time ();
        _gst_e2ee_km_queue (self, QUEUED_ERROR, from,
            g_strdup (_("a hello whose identity keys' signature does not "
                    "verify (changed on the way?): refused")));
      }
      return;
    }
  }
  if (p && p->curve25519 && (!g_str_equal (p->curve25519, curve)
          || !g_str_equal (p->ed25519, ed))
      && _gst_e2ee_km_replace_identity_locked (self, p, sender, &replaced,
          &keep_admission))
    p = NULL;
  if (p && p->curve25519) {
    if (!g_str_equal (p->curve25519, curve) || !g_str_equal (p->ed25519, ed)) {
      self->stats.impersonations++;
      GST_WARNING_OBJECT (self, "%s announced other identity keys; refused",
          from);
      _gst_e2ee_km_error_locked (self, p,
          g_strdup (_("announced identity keys other than those it has")));
      return;
    }
    /* before its session works, its hello is all we know it by: it moves
     * it between webrtcbins, but not between a webrtcbin and the
     * application's transport, where the one that saw it first keeps it */
    if (transport && p->transport && !p->confirmed)
      p->transport = transport;
    else
      rebind_transport (p, transport);
    /* a peer restored from the state file learns it again */
    p->keys_signed = p->keys_signed || keys_signed;
    p->hello_taken = TRUE;
    if (!p->admitted && self->auto_admit) {
      /* known from the state file: admitted by its hello, as on a first
       * join (the file keeps sessions, not admissions) */
      p->admitted = TRUE;
      self->stats.readmitted++;
    }
    if (!is_reply)
      _gst_e2ee_km_resend_key_locked (self, p);
  } else {
    if (!p && g_hash_table_size (self->participants) >= self->max_participants) {
      /* a peer announcing ids by the thousand must not make us keep
       * participants, sessions and one-time keys without limit */
      self->stats.participants_refused++;
      GST_DEBUG_OBJECT (self, "participant limit reached; hello ignored");
      if (!self->limit_warned) {
        self->limit_warned = TRUE;
        _gst_e2ee_km_queue (self, QUEUED_WARNING, from,
            g_strdup_printf (_("%u participants: hellos from new ids are "
                    "ignored (max-participants)"), self->max_participants));
      }
      return;
    }
    if (!p) {
      p = _gst_e2ee_km_participant_new (from);
      g_hash_table_insert (self->participants, p->id, p);
    }
    p->curve25519 = g_strdup (curve);
    p->ed25519 = g_strdup (ed);
    p->keys_signed = keys_signed;
    p->hello_taken = TRUE;
    /* a replaced identity keeps the bound on replacements */
    p->recovery_time = replaced;
    p->transport = transport;
    p->heard = TRUE;
    if (self->auto_admit || keep_admission)
      p->admitted = TRUE;
  }
  /* answer a hello that asks (one that is not itself an answer), so that
   * it learns us even if it forgot us (a restart, a removal); answer an
   * answer only if we never sent ours, so two managers never bounce hellos */
  if (!is_reply || !p->hello_sent) {
    p->hello_sent = TRUE;
    _gst_e2ee_km_send_hello_locked (self, transport, from, TRUE);
  }
  _gst_e2ee_km_join_locked (self, p);
}

void
_gst_e2ee_km_handle_message_locked (GstE2eeKeyManager * self,
    GstE2eeKmTransport * transport, const gchar * sender, const gchar * text)
{
  JsonParser *parser;
  JsonObject *root, *olm, *data;
  JsonNode *data_node;
  const gchar *type, *from, *to, *olm_type;
  Participant *p;

  self->stats.messages_in++;
  if (strlen (text) > MAX_MESSAGE_SIZE) {
    self->stats.malformed++;
    return;
  }
  self->receiving_transport = transport;
  parser = json_parser_new_immutable ();
  root = _gst_e2ee_km_parse_object (parser, text, -1);
  if (!root) {
    GST_DEBUG_OBJECT (self, "malformed message");
    self->stats.malformed++;
    goto out;
  }
  type = _gst_e2ee_km_get_string (root, "type");
  from = _gst_e2ee_km_get_string (root, "from");
  to = _gst_e2ee_km_get_string (root, "to");
  if (!type || !_gst_e2ee_km_valid_id (from)
      || (json_object_has_member (root, "to")
          && !_gst_e2ee_km_valid_id (to))) {
    self->stats.malformed++;
    goto out;
  }
  if (sender && !g_str_equal (from, sender)) {
    /* the relay authenticated someone else: a member speaking for another */
    self->stats.impersonations++;
    GST_DEBUG_OBJECT (self, "a message from %s claims to be from %s; dropped",
        sender, from);
    goto out;
  }
  if (g_str_equal (from, self->local_id)) {
    /* our own message, echoed by a router */
    goto out;
  }
  if (to && !g_str_equal (to, self->local_id)) {
    self->stats.not_for_us++;
    goto out;
  }

  if (g_str_equal (type, "e2ee-hello")) {
    handle_hello (self, transport, sender, from, root);
    goto out;
  }
  if (!g_str_equal (type, "olm")) {
    self->stats.unknown_type++;
    goto out;
  }
  if (!to) {
    /* olm messages are 1:1 */
    self->stats.malformed++;
    goto out;
  }
  olm = _gst_e2ee_km_get_object (root, "olm");
  olm_type = _gst_e2ee_km_get_string (olm, "type");
  data = _gst_e2ee_km_get_object (olm, "data");
  if (!olm_type || !data) {
    self->stats.malformed++;
    goto out;
  }
  data_node = json_object_get_member (olm, "data");

  p = g_hash_table_lookup (self->participants, from);
  if (!p || !p->curve25519) {
    /* we need its identity keys (e2ee-hello) before anything else */
    self->stats.refused++;
    goto out;
  }
  rebind_transport (p, transport);

  if (g_str_equal (olm_type, "session-init"))
    handle_session_init (self, p, data);
  else if (g_str_equal (olm_type, "session-ack"))
    handle_session_ack (self, p, data);
  else if (g_str_equal (olm_type, "key-info"))
    handle_key_info (self, p, data, FALSE);
  else if (g_str_equal (olm_type, "key-info-ack"))
    handle_key_info (self, p, data, TRUE);
  else if (g_str_equal (olm_type, "sas-start"))
    _gst_e2ee_km_handle_sas_start (self, p, data, data_node);
  else if (g_str_equal (olm_type, "sas-accept"))
    _gst_e2ee_km_handle_sas_accept (self, p, data);
  else if (g_str_equal (olm_type, "sas-key"))
    _gst_e2ee_km_handle_sas_key (self, p, data);
  else if (g_str_equal (olm_type, "sas-mac"))
    _gst_e2ee_km_handle_sas_mac (self, p, data);
  else if (g_str_equal (olm_type, "error")) {
    const gchar *error = _gst_e2ee_km_get_string (data, "error");

    self->stats.errors_received++;
    GST_DEBUG_OBJECT (self, "%s reports an error", p->id);
    /* ours and lib-jitsi-meet's ("No session found while processing
     * key-info"): it does not hold our session any more. An error is
     * plain text that anyone can send in its name: what it can cost is
     * the recovery bound. "Session already established" is not one: the
     * session-ack of the same session-init is on its way, or was lost and
     * the retry (a new uuid and one-time key) takes over; from a peer
     * that keeps refusing, the application hears of it. */
    if (error && (g_str_has_prefix (error, "No session found")
            || g_str_has_prefix (error, "Could not decrypt")))
      _gst_e2ee_km_recover_session_locked (self, p);
    else if (error && g_str_has_prefix (error, "Session already established"))
      _gst_e2ee_km_init_refused_locked (self, p);
  } else {
    self->stats.unknown_type++;
  }

out:
  self->receiving_transport = NULL;
  g_object_unref (parser);
}
