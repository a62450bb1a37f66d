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
#include "gste2eesas.h"
#include "gste2eekey-private.h"

#include <string.h>
#include <openssl/crypto.h>

#define GST_CAT_DEFAULT gst_e2ee_key_manager_debug

#define SAS_NUM_BYTES 6
#define SAS_MAC_INFO "Jitsi-KEY_VERIFICATION_MAC"
#define SAS_MAC_KEY_IDS "Jitsi-KEY_IDS"
/* unpadded base64 of a 32-byte curve25519 or ed25519 key */
#define IDENTITY_KEY_B64_LEN 43
#define MAX_ID_LEN 256

Participant *
_gst_e2ee_km_participant_new (const gchar * id)
{
  Participant *p = g_new0 (Participant, 1);

  p->id = g_strdup (id);
  p->used_otks = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  p->last_index = -1;
  return p;
}

static void
sas_free (SasState * sas)
{
  if (!sas)
    return;
  if (sas->sas)
    gst_e2ee_olm_sas_free (sas->sas);
  g_free (sas->transaction_id);
  g_free (sas->start_json);
  g_free (sas->commitment);
  g_free (sas);
}

static void
clear_pending (Participant * p)
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
  clear_pending (p);
  if (p->session)
    gst_e2ee_olm_session_free (p->session);
  sas_free (p->sas);
  g_hash_table_unref (p->used_otks);
  OPENSSL_cleanse (p->keys, sizeof (p->keys));
  g_free (p->session_uuid);
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

static JsonNode *
object_node (JsonObject * obj)
{
  JsonNode *node = json_node_new (JSON_NODE_OBJECT);

  json_node_take_object (node, obj);
  return node;
}

static const gchar *
get_string (JsonObject * obj, const gchar * member)
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

static JsonObject *
get_object (JsonObject * obj, const gchar * member)
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

static gboolean
valid_id (const gchar * id)
{
  return id && *id && strlen (id) <= MAX_ID_LEN && g_utf8_validate (id, -1,
      NULL);
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

static gchar *
new_uuid (void)
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

static void
send_error_locked (GstE2eeKeyManager * self, Participant * p,
    const gchar * error)
{
  JsonObject *data = json_object_new ();

  json_object_set_string_member (data, "error", error);
  _gst_e2ee_km_send_locked (self, p, "error", object_node (data));
}

static JsonObject *
encrypt_to_object (GstE2eeKeyManager * self, Participant * p,
    const gchar * plaintext)
{
  JsonObject *ct;
  GError *err = NULL;
  gchar *body = NULL;
  guint type = 0;

  self->state_dirty = TRUE;
  if (!gst_e2ee_olm_session_encrypt (p->session, plaintext,
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
    index = self->local_index + 1;
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

static void
send_key_info_locked (GstE2eeKeyManager * self, Participant * p,
    const gchar * olm_type, const gchar * uuid)
{
  gchar *plain = _gst_e2ee_km_key_info_json (self, p);
  JsonObject *ct = encrypt_to_object (self, p, plain);
  JsonObject *data;

  free_secret_json (plain);
  if (!ct)
    return;
  data = json_object_new ();
  json_object_set_object_member (data, "ciphertext", ct);
  json_object_set_string_member (data, "uuid", uuid);
  _gst_e2ee_km_send_locked (self, p, olm_type, object_node (data));
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
  gsize len = 0;
  gint64 index;
  guint slot;

  obj = _gst_e2ee_km_parse_object (parser, plaintext, -1);
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
  {
    const gchar *b64 = json_node_get_string (key_node);

    if (strlen (b64) > 64)
      goto out;
    raw = g_base64_decode (b64, &len);
  }
  if (len != MEDIA_KEY_SIZE)
    goto out;

  slot = (guint) (index % N_SLOTS);
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
  g_object_unref (parser);
  return ret;
}

/* Decrypts data.ciphertext of an olm message from @p. NULL on failure
 * (counted; an error goes back). Free with gst_e2ee_olm_free_secret(). */
static gchar *
decrypt_data_locked (GstE2eeKeyManager * self, Participant * p,
    JsonObject * data)
{
  JsonObject *ct = get_object (data, "ciphertext");
  const gchar *body = get_string (ct, "body");
  JsonNode *type_node;
  GError *err = NULL;
  gchar *plain;
  gint64 type;

  if (!p->session) {
    self->stats.refused++;
    send_error_locked (self, p, "No session found");
    return NULL;
  }
  if (!ct || !body || !json_object_has_member (ct, "type")) {
    self->stats.malformed++;
    return NULL;
  }
  type_node = json_object_get_member (ct, "type");
  if (!JSON_NODE_HOLDS_VALUE (type_node)
      || json_node_get_value_type (type_node) != G_TYPE_INT64)
    return NULL;
  type = json_node_get_int (type_node);
  if (type != 0 && type != 1) {
    self->stats.malformed++;
    return NULL;
  }
  self->state_dirty = TRUE;
  plain = gst_e2ee_olm_session_decrypt (p->session, (guint) type, body, NULL,
      &err);
  if (!plain) {
    GST_DEBUG_OBJECT (self, "message from %s does not decrypt: %s", p->id,
        err->message);
    g_error_free (err);
    self->stats.decrypt_failed++;
    send_error_locked (self, p, "Could not decrypt");
    return NULL;
  }
  return plain;
}

/* --- key lifecycle --- */

static void send_session_init_locked (GstE2eeKeyManager * self,
    Participant * p);

static void
maybe_send_key_locked (GstE2eeKeyManager * self, Participant * p)
{
  gchar *uuid;

  if (!p->joined || !p->session || !p->may_get_key || p->sent_serial != 0)
    return;
  uuid = new_uuid ();
  send_key_info_locked (self, p, "key-info", uuid);
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
    send_session_init_locked (self, p);

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
  self->local_index++;
  self->local_serial++;
  g_hash_table_remove_all (self->awaiting_ack);
  if (self->switch_timeout) {
    g_source_destroy (self->switch_timeout);
    g_clear_pointer (&self->switch_timeout, g_source_unref);
  }
  /* participants sent the new key hold sent_serial == the new serial */
  bump_generation (self);

  GST_INFO_OBJECT (self, "switched to key index %u", self->local_index);
  _gst_e2ee_km_queue (self, QUEUED_SIGNAL_KEY_CHANGED, self->local_id,
      g_strdup_printf ("%u", self->local_index));
}

static gboolean
switch_timeout_cb (gpointer user_data)
{
  GstE2eeKeyManager *self = user_data;

  g_mutex_lock (&self->lock);
  GST_DEBUG_OBJECT (self, "not every participant acknowledged the new key "
      "in time; switching anyway");
  g_clear_pointer (&self->switch_timeout, g_source_unref);
  switch_key_locked (self);
  g_mutex_unlock (&self->lock);
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
    uuid = new_uuid ();
    send_key_info_locked (self, p, "key-info", uuid);
    g_hash_table_insert (self->awaiting_ack, uuid, g_strdup (p->id));
  }

  if (g_hash_table_size (self->awaiting_ack) == 0) {
    switch_key_locked (self);
    return;
  }
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

  g_mutex_lock (&self->lock);
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
  g_mutex_unlock (&self->lock);
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
  Participant *p;

  g_mutex_lock (&self->lock);
  p = g_hash_table_lookup (self->participants, pt->id);
  if (p && p->pending_uuid && g_str_equal (p->pending_uuid, pt->uuid)) {
    GST_DEBUG_OBJECT (self, "%s did not answer session-init in time", p->id);
    g_clear_pointer (&p->pending_uuid, g_free);
    g_clear_pointer (&p->pending_timeout, g_source_unref);
    self->stats.refused++;
  }
  g_mutex_unlock (&self->lock);
  return G_SOURCE_REMOVE;
}

static void
send_session_init_locked (GstE2eeKeyManager * self, Participant * p)
{
  GError *err = NULL;
  JsonObject *data;
  PendingTimeout *pt;
  gchar *otk;

  otk = gst_e2ee_olm_account_new_one_time_key (self->account, &err);
  if (!otk) {
    GST_WARNING_OBJECT (self, "no one-time key: %s", err->message);
    g_error_free (err);
    return;
  }
  clear_pending (p);
  p->pending_uuid = new_uuid ();

  data = json_object_new ();
  json_object_set_string_member (data, "idKey",
      gst_e2ee_olm_account_get_curve25519 (self->account));
  json_object_set_string_member (data, "otKey", otk);
  json_object_set_string_member (data, "uuid", p->pending_uuid);
  g_free (otk);
  _gst_e2ee_km_send_locked (self, p, "session-init", object_node (data));

  pt = g_new0 (PendingTimeout, 1);
  pt->self = self;
  pt->id = g_strdup (p->id);
  pt->uuid = g_strdup (p->pending_uuid);
  p->pending_timeout = g_timeout_source_new (REQUEST_TIMEOUT_MS);
  g_source_set_callback (p->pending_timeout, pending_timeout_cb, pt,
      (GDestroyNotify) pending_timeout_free);
  g_source_attach (p->pending_timeout, self->context);
  _gst_e2ee_km_save_state_locked (self);
}

static void
handle_session_init (GstE2eeKeyManager * self, Participant * p,
    JsonObject * data)
{
  const gchar *id_key = get_string (data, "idKey");
  const gchar *ot_key = get_string (data, "otKey");
  const gchar *uuid = get_string (data, "uuid");
  GstE2eeOlmSession *session;
  GError *err = NULL;
  JsonObject *ct, *ack;
  gchar *plain;

  if (!id_key || !ot_key || !uuid || !valid_id (uuid)) {
    self->stats.malformed++;
    return;
  }
  if (!p->admitted) {
    self->stats.refused++;
    send_error_locked (self, p, "Not admitted");
    return;
  }
  if (g_strcmp0 (id_key, p->curve25519) != 0) {
    /* not the identity key it announced: someone else speaking for it */
    self->stats.impersonations++;
    _gst_e2ee_km_queue (self, QUEUED_ERROR, p->id,
        g_strdup ("session-init with an identity key other than the one "
            "announced"));
    send_error_locked (self, p, "Identity key mismatch");
    return;
  }
  if ((p->session_uuid && g_str_equal (p->session_uuid, uuid))
      || g_hash_table_contains (p->used_otks, ot_key)) {
    self->stats.refused++;
    send_error_locked (self, p, "Session already established");
    return;
  }

  session = gst_e2ee_olm_session_new_outbound (self->account, id_key, ot_key,
      &err);
  if (!session) {
    GST_DEBUG_OBJECT (self, "no session with %s: %s", p->id, err->message);
    g_error_free (err);
    self->stats.malformed++;
    send_error_locked (self, p, "Could not create session");
    return;
  }
  g_hash_table_add (p->used_otks, g_strdup (ot_key));
  if (p->session)
    gst_e2ee_olm_session_free (p->session);
  p->session = session;
  g_free (p->session_uuid);
  p->session_uuid = g_strdup (uuid);
  clear_pending (p);
  self->stats.sessions++;

  plain = _gst_e2ee_km_key_info_json (self, p);
  ct = encrypt_to_object (self, p, plain);
  free_secret_json (plain);
  if (!ct)
    return;
  ack = json_object_new ();
  json_object_set_object_member (ack, "ciphertext", ct);
  json_object_set_string_member (ack, "uuid", uuid);
  _gst_e2ee_km_send_locked (self, p, "session-ack", object_node (ack));
  GST_INFO_OBJECT (self, "olm session with %s (responder)", p->id);
  _gst_e2ee_km_save_state_locked (self);
}

static void
handle_session_ack (GstE2eeKeyManager * self, Participant * p,
    JsonObject * data)
{
  const gchar *uuid = get_string (data, "uuid");
  JsonObject *ct = get_object (data, "ciphertext");
  const gchar *body = get_string (ct, "body");
  GstE2eeOlmSession *session;
  GError *err = NULL;
  gchar *plain;

  if (!uuid || !ct || !body) {
    self->stats.malformed++;
    return;
  }
  if (!p->pending_uuid || !g_str_equal (uuid, p->pending_uuid)) {
    self->stats.refused++;
    send_error_locked (self, p, "Invalid UUID");
    return;
  }
  /* fails unless the pre-key message was made with the identity key the
   * participant announced */
  session = gst_e2ee_olm_session_new_inbound (self->account, p->curve25519,
      body, &err);
  if (!session) {
    GST_DEBUG_OBJECT (self, "bad session-ack from %s: %s", p->id, err->message);
    g_error_free (err);
    self->stats.decrypt_failed++;
    send_error_locked (self, p, "Could not create session");
    return;
  }
  gst_e2ee_olm_account_remove_one_time_keys (self->account, session);
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
  clear_pending (p);
  self->stats.sessions++;
  GST_INFO_OBJECT (self, "olm session with %s (initiator)", p->id);

  if (!store_key_info_locked (self, p, plain))
    self->stats.malformed++;
  gst_e2ee_olm_free_secret (plain);
  maybe_send_key_locked (self, p);
  _gst_e2ee_km_save_state_locked (self);
}

static void
handle_key_info (GstE2eeKeyManager * self, Participant * p,
    JsonObject * data, gboolean is_ack)
{
  const gchar *uuid = get_string (data, "uuid");
  gchar *plain;

  if (!uuid || !valid_id (uuid)) {
    self->stats.malformed++;
    return;
  }
  plain = decrypt_data_locked (self, p, data);
  if (!plain)
    return;
  if (!store_key_info_locked (self, p, plain)) {
    self->stats.malformed++;
    gst_e2ee_olm_free_secret (plain);
    send_error_locked (self, p, "Invalid key-info");
    return;
  }
  gst_e2ee_olm_free_secret (plain);

  if (!is_ack) {
    send_key_info_locked (self, p, "key-info-ack", uuid);
    return;
  }
  {
    const gchar *who = g_hash_table_lookup (self->awaiting_ack, uuid);

    if (who && g_str_equal (who, p->id)) {
      g_hash_table_remove (self->awaiting_ack, uuid);
      if (self->have_next_key && g_hash_table_size (self->awaiting_ack) == 0)
        switch_key_locked (self);
    }
  }
}

/* --- SAS (lib-jitsi-meet's flow, after Matrix) --- */

static void
sas_fail_locked (GstE2eeKeyManager * self, Participant * p, const gchar * why)
{
  GST_WARNING_OBJECT (self, "SAS with %s failed: %s", p->id, why);
  sas_free (p->sas);
  p->sas = NULL;
  p->verified = FALSE;
  _gst_e2ee_km_queue (self, QUEUED_ERROR, p->id,
      g_strdup_printf ("verification failed: %s", why));
  _gst_e2ee_km_queue (self, QUEUED_SIGNAL_VERIFIED, p->id, NULL);
}

static SasState *
sas_new (GstE2eeKeyManager * self, const gchar * transaction_id)
{
  SasState *sas = g_new0 (SasState, 1);
  GError *err = NULL;

  sas->sas = gst_e2ee_olm_sas_new (&err);
  if (!sas->sas) {
    GST_WARNING_OBJECT (self, "no SAS: %s", err->message);
    g_error_free (err);
    g_free (sas);
    return NULL;
  }
  sas->transaction_id = g_strdup (transaction_id);
  return sas;
}

static JsonObject *
sas_data (SasState * sas)
{
  JsonObject *data = json_object_new ();

  json_object_set_string_member (data, "transactionId", sas->transaction_id);
  return data;
}

void
_gst_e2ee_km_start_sas_locked (GstE2eeKeyManager * self, Participant * p)
{
  gchar *txn;

  if (!p->session || p->sas) {
    GST_WARNING_OBJECT (self, "cannot start SAS with %s: %s", p->id,
        p->sas ? "one is under way" : "no session");
    return;
  }
  txn = new_uuid ();
  p->sas = sas_new (self, txn);
  g_free (txn);
  if (!p->sas)
    return;
  p->sas->initiator = TRUE;
  p->sas->start_json = g_strdup_printf ("{\"transactionId\":\"%s\"}",
      p->sas->transaction_id);
  p->verified = FALSE;
  _gst_e2ee_km_send_locked (self, p, "sas-start", object_node (sas_data
          (p->sas)));
}

static gchar *
commitment (const gchar * pubkey, const gchar * start_json)
{
  gchar *input = g_strconcat (pubkey, start_json, NULL);
  gchar *sha = gst_e2ee_olm_sha256 (input);

  g_free (input);
  return sha;
}

static gboolean
sas_txn_matches (Participant * p, JsonObject * data)
{
  const gchar *txn = get_string (data, "transactionId");

  return p->sas && txn && g_str_equal (txn, p->sas->transaction_id);
}

static void
handle_sas_start (GstE2eeKeyManager * self, Participant * p,
    JsonObject * data, JsonNode * data_node)
{
  const gchar *txn = get_string (data, "transactionId");
  JsonObject *accept;
  gchar *start_json, *c;

  if (!txn || !valid_id (txn)) {
    self->stats.malformed++;
    return;
  }
  if (!p->session) {
    send_error_locked (self, p, "No session found while processing sas-init");
    return;
  }
  if (p->sas) {
    sas_fail_locked (self, p, "a second verification started");
    return;
  }
  p->sas = sas_new (self, txn);
  if (!p->sas)
    return;
  p->verified = FALSE;
  /* the commitment covers the start message as the initiator wrote it */
  start_json = json_to_string (data_node, FALSE);
  p->sas->start_json = start_json;
  accept = sas_data (p->sas);
  c = commitment (gst_e2ee_olm_sas_get_pubkey (p->sas->sas), start_json);
  json_object_set_string_member (accept, "commitment", c);
  g_free (c);
  _gst_e2ee_km_send_locked (self, p, "sas-accept", object_node (accept));
}

static void
send_sas_key_locked (GstE2eeKeyManager * self, Participant * p)
{
  JsonObject *data = sas_data (p->sas);

  json_object_set_string_member (data, "key",
      gst_e2ee_olm_sas_get_pubkey (p->sas->sas));
  _gst_e2ee_km_send_locked (self, p, "sas-key", object_node (data));
  p->sas->key_sent = TRUE;
}

static void
handle_sas_accept (GstE2eeKeyManager * self, Participant * p, JsonObject * data)
{
  const gchar *c = get_string (data, "commitment");

  if (!sas_txn_matches (p, data) || !p->sas->initiator || !c) {
    self->stats.refused++;
    return;
  }
  if (p->sas->commitment) {
    send_error_locked (self, p, "Already received sas commitment message");
    return;
  }
  p->sas->commitment = g_strdup (c);
  send_sas_key_locked (self, p);
}

static void
handle_sas_key (GstE2eeKeyManager * self, Participant * p, JsonObject * data)
{
  const gchar *their_key = get_string (data, "key");
  guint8 bytes[SAS_NUM_BYTES];
  guint16 decimal[3];
  guint8 emoji[7];
  const gchar *pubkey;
  gchar *info, **names;
  GError *err = NULL;
  guint i;

  if (!sas_txn_matches (p, data) || !their_key) {
    self->stats.refused++;
    return;
  }
  if (gst_e2ee_olm_sas_is_their_key_set (p->sas->sas))
    return;
  if (p->sas->initiator) {
    gchar *c;

    if (!p->sas->commitment) {
      sas_fail_locked (self, p, "key before commitment");
      return;
    }
    c = commitment (their_key, p->sas->start_json);
    if (!g_str_equal (c, p->sas->commitment)) {
      g_free (c);
      send_error_locked (self, p, "OlmAdapter commitments mismatched");
      sas_fail_locked (self, p, "commitment mismatch");
      return;
    }
    g_free (c);
  }
  if (!gst_e2ee_olm_sas_set_their_key (p->sas->sas, their_key, &err)) {
    g_error_free (err);
    sas_fail_locked (self, p, "unusable SAS key");
    return;
  }
  pubkey = gst_e2ee_olm_sas_get_pubkey (p->sas->sas);
  if (p->sas->initiator)
    info = g_strdup_printf ("%s|%s|%s|%s", self->local_id, pubkey, p->id,
        their_key);
  else
    info = g_strdup_printf ("%s|%s|%s|%s", p->id, their_key, self->local_id,
        pubkey);
  if (!gst_e2ee_olm_sas_generate_bytes (p->sas->sas, info, bytes,
          sizeof (bytes))) {
    g_free (info);
    sas_fail_locked (self, p, "could not derive the codes");
    return;
  }
  g_free (info);

  gst_e2ee_sas_decimal (bytes, decimal);
  gst_e2ee_sas_emoji_indexes (bytes, emoji);
  names = g_new0 (gchar *, 8);
  for (i = 0; i < 7; i++)
    names[i] = g_strdup_printf ("%s %s", gst_e2ee_sas_emoji_symbol (emoji[i]),
        gst_e2ee_sas_emoji_name (emoji[i]));
  p->sas->codes_ready = TRUE;
  {
    Queued *q;

    _gst_e2ee_km_queue (self, QUEUED_SIGNAL_SAS_READY, p->id,
        g_strdup_printf ("%u %u %u", decimal[0], decimal[1], decimal[2]));
    q = g_queue_peek_tail (&self->queued);
    q->emoji = names;
  }
  if (!p->sas->key_sent)
    send_sas_key_locked (self, p);
}

static gchar *
sas_mac (GstE2eeKeyManager * self, Participant * p, const gchar * input,
    const gchar * info)
{
  GError *err = NULL;
  gchar *mac = gst_e2ee_olm_sas_calculate_mac (p->sas->sas, input, info, &err);

  if (!mac) {
    GST_WARNING_OBJECT (self, "SAS MAC failed: %s", err->message);
    g_error_free (err);
  }
  return mac;
}

static void
send_sas_mac_locked (GstE2eeKeyManager * self, Participant * p)
{
  gchar *base, *ed_id, *cu_id, *info, *ids, *mac_ed, *mac_cu, *keys;
  JsonObject *data, *mac;

  base = g_strconcat (SAS_MAC_INFO, self->local_id, p->id,
      p->sas->transaction_id, NULL);
  /* lib-jitsi-meet names the key after the peer; we add the curve25519
   * key, so the verification binds both identity keys */
  ed_id = g_strconcat ("ed25519:", p->id, NULL);
  cu_id = g_strconcat ("curve25519:", p->id, NULL);
  info = g_strconcat (base, ed_id, NULL);
  mac_ed = sas_mac (self, p, gst_e2ee_olm_account_get_ed25519 (self->account),
      info);
  g_free (info);
  info = g_strconcat (base, cu_id, NULL);
  mac_cu = sas_mac (self, p,
      gst_e2ee_olm_account_get_curve25519 (self->account), info);
  g_free (info);
  /* sorted: "curve25519:..." < "ed25519:..." */
  ids = g_strconcat (cu_id, ",", ed_id, NULL);
  info = g_strconcat (base, SAS_MAC_KEY_IDS, NULL);
  keys = sas_mac (self, p, ids, info);
  g_free (info);
  g_free (ids);

  if (mac_ed && mac_cu && keys) {
    data = sas_data (p->sas);
    mac = json_object_new ();
    json_object_set_string_member (mac, ed_id, mac_ed);
    json_object_set_string_member (mac, cu_id, mac_cu);
    json_object_set_object_member (data, "mac", mac);
    json_object_set_string_member (data, "keys", keys);
    _gst_e2ee_km_send_locked (self, p, "sas-mac", object_node (data));
    p->sas->mac_sent = TRUE;
  }
  g_free (mac_ed);
  g_free (mac_cu);
  g_free (keys);
  g_free (ed_id);
  g_free (cu_id);
  g_free (base);
}

static void
check_verified_locked (GstE2eeKeyManager * self, Participant * p)
{
  if (!p->sas || !p->sas->confirmed || !p->sas->their_mac_ok)
    return;
  p->verified = TRUE;
  GST_INFO_OBJECT (self, "%s verified", p->id);
  _gst_e2ee_km_queue (self, QUEUED_SIGNAL_VERIFIED, p->id, g_strdup ("1"));
  sas_free (p->sas);
  p->sas = NULL;
}

static gint
compare_strings (gconstpointer a, gconstpointer b)
{
  return strcmp (*(const gchar **) a, *(const gchar **) b);
}

static void
handle_sas_mac (GstE2eeKeyManager * self, Participant * p, JsonObject * data)
{
  JsonObject *mac = get_object (data, "mac");
  const gchar *keys = get_string (data, "keys");
  gchar *base, *info, *expect, *ids;
  GList *members, *l;
  GPtrArray *sorted;
  gboolean have_ed = FALSE, have_cu = FALSE;

  if (!sas_txn_matches (p, data) || !mac || !keys
      || !gst_e2ee_olm_sas_is_their_key_set (p->sas->sas)) {
    self->stats.refused++;
    return;
  }
  base = g_strconcat (SAS_MAC_INFO, p->id, self->local_id,
      p->sas->transaction_id, NULL);

  members = json_object_get_members (mac);
  sorted = g_ptr_array_new ();
  for (l = members; l; l = l->next)
    g_ptr_array_add (sorted, l->data);
  g_ptr_array_sort (sorted, compare_strings);
  g_ptr_array_add (sorted, NULL);
  ids = g_strjoinv (",", (gchar **) sorted->pdata);
  g_ptr_array_unref (sorted);
  info = g_strconcat (base, SAS_MAC_KEY_IDS, NULL);
  expect = sas_mac (self, p, ids, info);
  g_free (info);
  g_free (ids);
  if (!expect || !g_str_equal (expect, keys)) {
    g_free (expect);
    g_list_free (members);
    g_free (base);
    sas_fail_locked (self, p, "key list MAC mismatch");
    return;
  }
  g_free (expect);

  for (l = members; l; l = l->next) {
    const gchar *key_id = l->data;
    const gchar *theirs = get_string (mac, key_id);
    const gchar *key = NULL;
    gboolean ok;

    if (g_str_has_prefix (key_id, "ed25519:")) {
      key = p->ed25519;
      have_ed = TRUE;
    } else if (g_str_has_prefix (key_id, "curve25519:")) {
      key = p->curve25519;
      have_cu = TRUE;
    }
    if (!key || !theirs) {
      g_list_free (members);
      g_free (base);
      sas_fail_locked (self, p, "unknown key in MAC");
      return;
    }
    info = g_strconcat (base, key_id, NULL);
    expect = sas_mac (self, p, key, info);
    g_free (info);
    ok = expect && g_str_equal (expect, theirs);
    g_free (expect);
    if (!ok) {
      g_list_free (members);
      g_free (base);
      sas_fail_locked (self, p, "identity key MAC mismatch");
      return;
    }
  }
  g_list_free (members);
  g_free (base);
  if (!have_ed || !have_cu) {
    sas_fail_locked (self, p, "MAC does not cover both identity keys");
    return;
  }
  p->sas->their_mac_ok = TRUE;
  check_verified_locked (self, p);
}

void
_gst_e2ee_km_confirm_sas_locked (GstE2eeKeyManager * self, Participant * p,
    gboolean matches)
{
  if (!p->sas || !p->sas->codes_ready) {
    GST_WARNING_OBJECT (self, "no SAS codes to confirm with %s", p->id);
    return;
  }
  if (!matches) {
    sas_fail_locked (self, p, "the codes do not match");
    return;
  }
  p->sas->confirmed = TRUE;
  if (!p->sas->mac_sent)
    send_sas_mac_locked (self, p);
  check_verified_locked (self, p);
}

/* --- dispatch --- */

static void
handle_hello (GstE2eeKeyManager * self, Channel * channel, const gchar * from,
    JsonObject * root)
{
  JsonObject *keys = get_object (root, "idKeys");
  const gchar *curve = get_string (keys, "curve25519");
  const gchar *ed = get_string (keys, "ed25519");
  Participant *p;

  if (!valid_identity_key (curve) || !valid_identity_key (ed)) {
    self->stats.malformed++;
    return;
  }
  p = g_hash_table_lookup (self->participants, from);
  if (p && p->curve25519) {
    if (!g_str_equal (p->curve25519, curve) || !g_str_equal (p->ed25519, ed)) {
      self->stats.impersonations++;
      GST_WARNING_OBJECT (self, "%s announced other identity keys; refused",
          from);
      _gst_e2ee_km_queue (self, QUEUED_ERROR, from,
          g_strdup ("announced identity keys other than those it has"));
      return;
    }
    p->channel = channel;
  } else {
    if (!p) {
      p = _gst_e2ee_km_participant_new (from);
      g_hash_table_insert (self->participants, p->id, p);
    }
    p->curve25519 = g_strdup (curve);
    p->ed25519 = g_strdup (ed);
    p->channel = channel;
    if (self->auto_admit)
      p->admitted = TRUE;
  }
  /* answer, once, so that it learns us too */
  if (!p->hello_sent) {
    p->hello_sent = TRUE;
    _gst_e2ee_km_send_hello_locked (self, channel, from);
  }
  _gst_e2ee_km_join_locked (self, p);
}

void
_gst_e2ee_km_handle_message_locked (GstE2eeKeyManager * self,
    Channel * channel, const gchar * text)
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
  parser = json_parser_new_immutable ();
  root = _gst_e2ee_km_parse_object (parser, text, -1);
  if (!root) {
    GST_DEBUG_OBJECT (self, "malformed message");
    self->stats.malformed++;
    goto out;
  }
  type = get_string (root, "type");
  from = get_string (root, "from");
  to = get_string (root, "to");
  if (!type || !valid_id (from) || (json_object_has_member (root, "to")
          && !valid_id (to))) {
    self->stats.malformed++;
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
    handle_hello (self, channel, from, root);
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
  olm = get_object (root, "olm");
  olm_type = get_string (olm, "type");
  data = get_object (olm, "data");
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
  if (channel)
    p->channel = channel;

  if (g_str_equal (olm_type, "session-init"))
    handle_session_init (self, p, data);
  else if (g_str_equal (olm_type, "session-ack"))
    handle_session_ack (self, p, data);
  else if (g_str_equal (olm_type, "key-info"))
    handle_key_info (self, p, data, FALSE);
  else if (g_str_equal (olm_type, "key-info-ack"))
    handle_key_info (self, p, data, TRUE);
  else if (g_str_equal (olm_type, "sas-start"))
    handle_sas_start (self, p, data, data_node);
  else if (g_str_equal (olm_type, "sas-accept"))
    handle_sas_accept (self, p, data);
  else if (g_str_equal (olm_type, "sas-key"))
    handle_sas_key (self, p, data);
  else if (g_str_equal (olm_type, "sas-mac"))
    handle_sas_mac (self, p, data);
  else if (g_str_equal (olm_type, "error")) {
    self->stats.errors_received++;
    GST_DEBUG_OBJECT (self, "%s reports an error", p->id);
  } else {
    self->stats.unknown_type++;
  }

out:
  g_object_unref (parser);
}
