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
 * GstE2eeKeyManager's state file: the olm account and sessions, pickled by
 * libolm under the state key and the whole encrypted again with AES-256-GCM
 * (gste2eestatefile.c), so a restarted bot keeps its identity keys and
 * resumes its sessions.
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gste2eekeymanager-private.h"
#include "gste2eestatefile-private.h"

#include <string.h>
#include <openssl/crypto.h>

#define GST_CAT_DEFAULT gst_e2ee_key_manager_debug
#define STATE_VERSION 1

static gboolean
ensure_state_key_locked (GstE2eeKeyManager * self, GError ** error)
{
  gchar *key_path;
  gboolean ok;

  if (self->have_state_key)
    return TRUE;
  key_path = g_strconcat (self->state_file, ".key", NULL);
  ok = gst_e2ee_state_file_load_key (key_path, self->state_key, error);
  g_free (key_path);
  self->have_state_key = ok;
  return ok;
}

/* A save failed: the identity would be lost at the next start. Told once,
 * until a save works again (saves follow every session change). Takes
 * @err. */
static void
save_failed_locked (GstE2eeKeyManager * self, GError * err)
{
  GST_WARNING_OBJECT (self, "state not saved: %s", err->message);
  if (!self->state_save_failed) {
    self->state_save_failed = TRUE;
    _gst_e2ee_km_queue_problem (self, TRUE, GST_RESOURCE_ERROR_OPEN_WRITE,
        g_strdup_printf (_("Could not save the key manager state to %s."),
            self->state_file), err->message);
  }
  g_error_free (err);
}

/* Loads the state file set by state-file, once (see set_state_file):
 * a state that cannot be read is never overwritten (state-file is
 * forgotten), and the application is told through ::error. Returns TRUE
 * if something was queued to be emitted. With the lock. */
gboolean
_gst_e2ee_km_load_pending_state_locked (GstE2eeKeyManager * self)
{
  guint queued = g_queue_get_length (&self->queued);
  GError *err = NULL;

  if (!self->state_pending)
    return FALSE;
  self->state_pending = FALSE;
  if (_gst_e2ee_km_load_state_locked (self, self->explicit_id, &err)) {
    /* a first start writes the new identity at once */
    _gst_e2ee_km_save_state_locked (self);
  } else {
    gchar *path = self->state_file;

    self->state_file = NULL;
    _gst_e2ee_km_queue_problem (self, TRUE, GST_RESOURCE_ERROR_OPEN_READ,
        g_strdup_printf (_("Could not restore the key manager state from "
                "%s."), path), err->message);
    g_error_free (err);
    g_free (path);
  }
  return g_queue_get_length (&self->queued) != queued;
}

void
_gst_e2ee_km_save_state_locked (GstE2eeKeyManager * self)
{
  JsonBuilder *b;
  JsonNode *root;
  GHashTableIter iter;
  Participant *p;
  gchar *json, *pickle;
  GError *err = NULL;

  /* never loaded (the manager was not used): nothing to save, and a
   * state we have not read is never overwritten */
  if (!self->state_file || self->state_pending
      || !_gst_e2ee_km_account_locked (self))
    return;
  if (!ensure_state_key_locked (self, &err)) {
    save_failed_locked (self, err);
    return;
  }

  b = json_builder_new ();
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "version");
  json_builder_add_int_value (b, STATE_VERSION);
  json_builder_set_member_name (b, "local-id");
  json_builder_add_string_value (b, self->local_id);
  /* the index our first key takes after a restart: one our peers have not
   * seen from us (not secret; optional, so a state without it, from an
   * earlier version, still loads) */
  json_builder_set_member_name (b, "next-key-index");
  json_builder_add_int_value (b, NEXT_KEY_INDEX (self->have_next_key ?
          NEXT_KEY_INDEX (self->local_index) : self->local_index));
  pickle = gst_e2ee_olm_account_pickle (self->account, self->state_key,
      sizeof (self->state_key));
  json_builder_set_member_name (b, "account");
  json_builder_add_string_value (b, pickle);
  g_free (pickle);
  json_builder_set_member_name (b, "participants");
  json_builder_begin_array (b);
  g_hash_table_iter_init (&iter, self->participants);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) & p)) {
    if (!p->session || !p->curve25519)
      continue;
    json_builder_begin_object (b);
    json_builder_set_member_name (b, "id");
    json_builder_add_string_value (b, p->id);
    json_builder_set_member_name (b, "curve25519");
    json_builder_add_string_value (b, p->curve25519);
    json_builder_set_member_name (b, "ed25519");
    json_builder_add_string_value (b, p->ed25519);
    json_builder_set_member_name (b, "verified");
    json_builder_add_boolean_value (b, p->verified);
    json_builder_set_member_name (b, "session-uuid");
    json_builder_add_string_value (b, p->session_uuid ? p->session_uuid : "");
    pickle = gst_e2ee_olm_session_pickle (p->session, self->state_key,
        sizeof (self->state_key));
    json_builder_set_member_name (b, "session");
    json_builder_add_string_value (b, pickle);
    g_free (pickle);
    json_builder_end_object (b);
  }
  json_builder_end_array (b);
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  json = json_to_string (root, FALSE);
  json_node_unref (root);
  g_object_unref (b);

  if (!gst_e2ee_state_file_write (self->state_file, self->state_key, json,
          strlen (json), &err))
    save_failed_locked (self, err);
  else
    self->state_save_failed = FALSE;
  OPENSSL_cleanse (json, strlen (json));
  g_free (json);
}

/* Members of a parsed state, of the expected type or the default: the
 * state is authenticated, but a reader must not trust its shape. */
static const gchar *
member_string (JsonObject * o, const gchar * name)
{
  JsonNode *n = json_object_get_member (o, name);

  if (!n || !JSON_NODE_HOLDS_VALUE (n)
      || json_node_get_value_type (n) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (n);
}

static gint64
member_int (JsonObject * o, const gchar * name)
{
  JsonNode *n = json_object_get_member (o, name);

  if (!n || !JSON_NODE_HOLDS_VALUE (n)
      || json_node_get_value_type (n) != G_TYPE_INT64)
    return -1;
  return json_node_get_int (n);
}

static gboolean
member_bool (JsonObject * o, const gchar * name)
{
  JsonNode *n = json_object_get_member (o, name);

  return n && JSON_NODE_HOLDS_VALUE (n)
      && json_node_get_value_type (n) == G_TYPE_BOOLEAN
      && json_node_get_boolean (n);
}

/* Loads the state file if there is one; FALSE with @error if it exists but
 * cannot be read (wrong key, tampered): we never overwrite it then. */
gboolean
_gst_e2ee_km_load_state_locked (GstE2eeKeyManager * self,
    gboolean keep_local_id, GError ** error)
{
  JsonParser *parser = NULL;
  JsonObject *root;
  JsonArray *arr;
  JsonNode *node;
  gchar *contents;
  gsize len = 0;
  GError *err = NULL;
  GstE2eeOlmAccount *account;
  const gchar *s;
  gint64 next_index;
  guint i;

  if (!ensure_state_key_locked (self, error))
    return FALSE;
  contents = gst_e2ee_state_file_read (self->state_file, self->state_key,
      &len, &err);
  if (!contents) {
    if (g_error_matches (err, G_FILE_ERROR, G_FILE_ERROR_NOENT)) {
      g_error_free (err);
      return TRUE;
    }
    g_propagate_error (error, err);
    return FALSE;
  }

  parser = json_parser_new ();
  root = _gst_e2ee_km_parse_object (parser, contents, len);
  if (!root)
    goto bad;
  if (member_int (root, "version") != STATE_VERSION)
    goto bad;
  s = member_string (root, "account");
  if (!s)
    goto bad;
  account = gst_e2ee_olm_account_unpickle (s, self->state_key,
      sizeof (self->state_key), &err);
  if (!account) {
    g_propagate_error (error, err);
    goto fail;
  }
  if (self->account)
    gst_e2ee_olm_account_free (self->account);
  self->account = account;

  s = member_string (root, "local-id");
  if (s && *s && !keep_local_id) {
    g_free (self->local_id);
    self->local_id = g_strdup (s);
  }

  /* lib-jitsi-meet keeps our last key in its slot after we left, and its
   * decryptor may write it back over a new key given in that same slot
   * (docs/keymanager.md, "Key lifecycle"): our first key after a restart
   * goes in the next slot */
  next_index = member_int (root, "next-key-index");
  if (next_index >= 0 && next_index <= G_MAXINT32) {
    self->local_index = (guint) next_index;
    self->local_serial++;
    g_atomic_int_inc (&self->generation);
  }

  node = json_object_get_member (root, "participants");
  arr = node && JSON_NODE_HOLDS_ARRAY (node) ? json_node_get_array (node) :
      NULL;
  for (i = 0; arr && i < json_array_get_length (arr); i++) {
    JsonNode *elem = json_array_get_element (arr, i);
    JsonObject *o;
    const gchar *id, *cu, *ed, *sess, *uuid;
    GstE2eeOlmSession *session;
    Participant *p;

    if (!JSON_NODE_HOLDS_OBJECT (elem))
      continue;
    o = json_node_get_object (elem);
    id = member_string (o, "id");
    cu = member_string (o, "curve25519");
    ed = member_string (o, "ed25519");
    sess = member_string (o, "session");
    uuid = member_string (o, "session-uuid");
    if (!id || !cu || !ed || !sess)
      continue;
    session = gst_e2ee_olm_session_unpickle (sess, self->state_key,
        sizeof (self->state_key), NULL);
    if (!session)
      continue;
    p = _gst_e2ee_km_participant_new (id);
    p->curve25519 = g_strdup (cu);
    p->ed25519 = g_strdup (ed);
    p->session = session;
    /* it was in use before the restart */
    p->confirmed = TRUE;
    p->session_uuid = uuid && *uuid ? g_strdup (uuid) : NULL;
    p->verified = member_bool (o, "verified");
    g_hash_table_replace (self->participants, p->id, p);
  }
  GST_INFO_OBJECT (self, "restored identity and %u session(s) from %s",
      g_hash_table_size (self->participants), self->state_file);
  gst_e2ee_state_file_free_contents (contents, len);
  g_object_unref (parser);
  return TRUE;

bad:
  g_set_error (error, GST_E2EE_ERROR, GST_E2EE_ERROR_STATE,
      "%s is not a key manager state", self->state_file);
fail:
  gst_e2ee_state_file_free_contents (contents, len);
  if (parser)
    g_object_unref (parser);
  return FALSE;
}
