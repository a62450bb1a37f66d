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

/* The hostile-peer test's test peers: see hostile-peer.h. */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "hostile-peer.h"

#include <json-glib/json-glib.h>
#include <string.h>

static void peer_pump (Peer * peer);

/* --- the cast --- */

Hostile hostile;

/* a message of a manager: to the test peers it is for, and the
 * session-inits kept for replays */
static void
observe (const gchar * from, const gchar * to, const gchar * msg,
    gpointer user_data)
{
  guint i;

  g_mutex_lock (&hostile.lock);
  if (strstr (msg, "\"session-init\""))
    g_ptr_array_add (hostile.session_inits, g_strdup (msg));
  for (i = 0; i < hostile.peers->len; i++) {
    Peer *peer = g_ptr_array_index (hostile.peers, i);

    if (!to || g_str_equal (to, peer->id)) {
      g_mutex_lock (&peer->lock);
      g_queue_push_tail (&peer->inbox, g_strdup (msg));
      g_mutex_unlock (&peer->lock);
    }
  }
  g_mutex_unlock (&hostile.lock);
}

/* in each round of km_settle (): the peers answer what they got */
static void
pump_peers (gpointer user_data)
{
  guint i;

  for (i = 0; i < hostile.peers->len; i++)
    peer_pump (g_ptr_array_index (hostile.peers, i));
}

void
hostile_init (void)
{
  KmRouterHooks *hooks = km_router_hooks ();

  g_mutex_init (&hostile.lock);
  hostile.peers = g_ptr_array_new ();
  hostile.session_inits = g_ptr_array_new_with_free_func (g_free);
  hooks->observe = observe;
  hooks->settle_round = pump_peers;
}

void
hostile_reset (void)
{
  guint i;

  /* managers first: their threads may still deliver to the peers */
  km_router_reset ();
  for (i = 0; i < hostile.peers->len; i++)
    peer_free (g_ptr_array_index (hostile.peers, i));
  g_ptr_array_unref (hostile.peers);
  g_ptr_array_unref (hostile.session_inits);
  g_mutex_clear (&hostile.lock);
  memset (&hostile, 0, sizeof (hostile));
}

/* --- messages --- */

gchar *
olm_msg (const gchar * from, const gchar * to, const gchar * type,
    const gchar * data)
{
  return g_strdup_printf ("{\"type\":\"olm\",\"from\":\"%s\",\"to\":\"%s\","
      "\"olm\":{\"type\":\"%s\",\"data\":%s}}", from, to, type, data);
}

gchar *
hello_msg (const gchar * from, const gchar * to, const gchar * curve,
    const gchar * ed)
{
  if (to)
    return g_strdup_printf ("{\"type\":\"e2ee-hello\",\"from\":\"%s\","
        "\"to\":\"%s\",\"idKeys\":{\"curve25519\":\"%s\",\"ed25519\":\"%s\"}}",
        from, to, curve, ed);
  return g_strdup_printf ("{\"type\":\"e2ee-hello\",\"from\":\"%s\","
      "\"idKeys\":{\"curve25519\":\"%s\",\"ed25519\":\"%s\"}}", from, curve,
      ed);
}

/* hands @msg (freed) to @m; returns what receive-message said */
gboolean
deliver (GstE2eeKeyManager * m, gchar * msg)
{
  gboolean ret = gst_e2ee_key_manager_receive_message (m, msg);

  g_free (msg);
  return ret;
}

/* hands @msg (freed) to @m as a relay does that says @sender wrote it */
gboolean
deliver_from (GstE2eeKeyManager * m, const gchar * sender, gchar * msg)
{
  gboolean ret = gst_e2ee_key_manager_receive_message_from (m, sender, msg);

  g_free (msg);
  return ret;
}

/* what @peer sends (@msg, freed), whatever its envelope says */
static gboolean
peer_deliver (Peer * peer, gchar * msg)
{
  if (hostile.relay)
    return deliver_from (peer->m, peer->id, msg);
  return deliver (peer->m, msg);
}

gchar *
key_info_plain (const guint8 * key, guint index)
{
  gchar *b64 = g_base64_encode (key, KM_KEY_SIZE);
  gchar *s = g_strdup_printf ("{\"key\":\"%s\",\"keyIndex\":%u}", b64, index);

  g_free (b64);
  return s;
}

/* --- the peer --- */

Peer *
peer_new (const gchar * id, GstE2eeKeyManager * m)
{
  Peer *peer = g_new0 (Peer, 1);
  GError *err = NULL;
  guint i;

  peer->id = g_strdup (id);
  peer->account = gst_e2ee_olm_account_new (&err);
  fail_unless (peer->account != NULL);
  peer->m = m;
  peer->m_id = gst_e2ee_key_manager_dup_local_id (m);
  g_object_get (m, "curve25519-key", &peer->m_curve, NULL);
  for (i = 0; i < KM_KEY_SIZE; i++)
    peer->key[i] = (guint8) (id[0] * 31 + i * 7);
  peer->respond = TRUE;
  peer->got_index = -1;
  g_mutex_init (&peer->lock);
  g_queue_init (&peer->inbox);
  g_mutex_lock (&hostile.lock);
  g_ptr_array_add (hostile.peers, peer);
  g_mutex_unlock (&hostile.lock);
  return peer;
}

void
peer_free (Peer * peer)
{
  if (peer->session)
    gst_e2ee_olm_session_free (peer->session);
  gst_e2ee_olm_account_free (peer->account);
  g_queue_clear_full (&peer->inbox, g_free);
  g_mutex_clear (&peer->lock);
  g_free (peer->pending_uuid);
  g_free (peer->m_id);
  g_free (peer->m_curve);
  g_free (peer->id);
  g_free (peer);
}

/* @peer goes: the router no longer hands it messages */
void
peer_drop (Peer * peer)
{
  g_mutex_lock (&hostile.lock);
  g_ptr_array_remove (hostile.peers, peer);
  g_mutex_unlock (&hostile.lock);
  peer_free (peer);
}

const gchar *
peer_curve (Peer * peer)
{
  return gst_e2ee_olm_account_get_curve25519 (peer->account);
}

const gchar *
peer_ed (Peer * peer)
{
  return gst_e2ee_olm_account_get_ed25519 (peer->account);
}

/* its hello, as @as (its own id unless given) */
void
peer_hello (Peer * peer, const gchar * as)
{
  peer_deliver (peer, hello_msg (as ? as : peer->id, peer->m_id,
          peer_curve (peer), peer_ed (peer)));
}

/* {"ciphertext":{...},"uuid":...} of @plain on @session */
gchar *
encrypted_data (GstE2eeOlmSession * session, const gchar * plain,
    const gchar * uuid)
{
  GError *err = NULL;
  gchar *body = NULL, *data;
  guint type = 0;

  fail_unless (gst_e2ee_olm_session_encrypt (session, plain, strlen (plain),
          &type, &body, &err), "encrypt: %s", err ? err->message : "?");
  data = g_strdup_printf ("{\"ciphertext\":{\"type\":%u,\"body\":\"%s\"},"
      "\"uuid\":\"%s\"}", type, body, uuid);
  g_free (body);
  return data;
}

/* Sends @plain to its manager as an olm message of @type on its session, in
 * an envelope from @as (its own id unless given). */
void
peer_send_plain (Peer * peer, const gchar * as, const gchar * type,
    const gchar * plain)
{
  gchar *uuid = g_uuid_string_random ();
  gchar *data;

  fail_unless (peer->session != NULL);
  data = encrypted_data (peer->session, plain, uuid);
  g_free (uuid);
  fail_unless (peer_deliver (peer, olm_msg (as ? as : peer->id, peer->m_id,
              type, data)));
  g_free (data);
}

static void
peer_send_key (Peer * peer, const gchar * type)
{
  gchar *plain = key_info_plain (peer->key, peer->key_index);

  peer_send_plain (peer, NULL, type, plain);
  g_free (plain);
}

/* It starts a session itself (it has the lower id), as after a restart
 * that lost its session but kept its account. */
void
peer_start_session (Peer * peer)
{
  GError *err = NULL;
  gchar *otk = gst_e2ee_olm_account_new_one_time_key (peer->account, &err);
  gchar *data;

  fail_unless (otk != NULL);
  g_free (peer->pending_uuid);
  peer->pending_uuid = g_uuid_string_random ();
  data = g_strdup_printf ("{\"idKey\":\"%s\",\"otKey\":\"%s\",\"uuid\":\"%s\"}",
      peer_curve (peer), otk, peer->pending_uuid);
  peer_deliver (peer, olm_msg (peer->id, peer->m_id, "session-init", data));
  g_free (data);
  g_free (otk);
}

static void
peer_take_plain (Peer * peer, gchar * plain)
{
  JsonParser *parser = json_parser_new ();
  JsonObject *o;

  if (plain && json_parser_load_from_data (parser, plain, -1, NULL)
      && JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser))) {
    o = json_node_get_object (json_parser_get_root (parser));
    if (json_object_has_member (o, "key")) {
      guchar *raw;
      gsize len;

      raw = g_base64_decode (json_object_get_string_member (o, "key"), &len);
      fail_unless_equals_int (len, KM_KEY_SIZE);
      memcpy (peer->got_key, raw, KM_KEY_SIZE);
      g_free (raw);
      peer->got_index = json_object_get_int_member (o, "keyIndex");
      peer->keys_got++;
    }
  }
  g_object_unref (parser);
  if (plain)
    gst_e2ee_olm_free_secret (plain);
}

static gchar *
peer_decrypt (Peer * peer, GstE2eeOlmSession * session, JsonObject * data)
{
  JsonObject *ct = json_object_get_object_member (data, "ciphertext");
  gchar *plain;

  plain = gst_e2ee_olm_session_decrypt (session,
      json_object_get_int_member (ct, "type"),
      json_object_get_string_member (ct, "body"), NULL, NULL);
  if (!plain)
    peer->decrypt_failed++;
  return plain;
}

static void
peer_handle (Peer * peer, const gchar * text)
{
  JsonParser *parser = json_parser_new ();
  JsonObject *root, *olm, *data;
  const gchar *type, *uuid;

  fail_unless (json_parser_load_from_data (parser, text, -1, NULL));
  root = json_node_get_object (json_parser_get_root (parser));
  if (!g_str_equal (json_object_get_string_member (root, "from"),
          peer->m_id) || !json_object_has_member (root, "olm"))
    goto out;
  olm = json_object_get_object_member (root, "olm");
  type = json_object_get_string_member (olm, "type");
  data = json_object_get_object_member (olm, "data");
  uuid = json_object_has_member (data, "uuid") ?
      json_object_get_string_member (data, "uuid") : NULL;

  if (g_str_equal (type, "error")) {
    peer->errors++;
  } else if (g_str_equal (type, "session-init")) {
    GstE2eeOlmSession *s;
    gchar *plain, *reply;

    peer->session_inits++;
    if (!peer->respond)
      goto out;
    if (peer->jitsi && peer->session) {
      peer_deliver (peer, olm_msg (peer->id, peer->m_id, "error",
              "{\"error\":\"Session already established\"}"));
      goto out;
    }
    s = gst_e2ee_olm_session_new_outbound (peer->account,
        json_object_get_string_member (data, "idKey"),
        json_object_get_string_member (data, "otKey"), NULL);
    fail_unless (s != NULL);
    if (peer->session)
      gst_e2ee_olm_session_free (peer->session);
    peer->session = s;
    plain = key_info_plain (peer->key, peer->key_index);
    reply = encrypted_data (s, plain, uuid);
    g_free (plain);
    if (peer->lose_ack)
      peer->lose_ack = FALSE;
    else
      peer_deliver (peer, olm_msg (peer->id, peer->m_id, "session-ack", reply));
    g_free (reply);
  } else if (g_str_equal (type, "session-ack")) {
    JsonObject *ct = json_object_get_object_member (data, "ciphertext");
    const gchar *body = json_object_get_string_member (ct, "body");
    GstE2eeOlmSession *s;

    if (!peer->pending_uuid || g_strcmp0 (uuid, peer->pending_uuid) != 0)
      goto out;
    s = gst_e2ee_olm_session_new_inbound (peer->account, peer->m_curve, body,
        NULL);
    fail_unless (s != NULL);
    gst_e2ee_olm_account_remove_one_time_keys (peer->account, s);
    if (peer->session)
      gst_e2ee_olm_session_free (peer->session);
    peer->session = s;
    g_clear_pointer (&peer->pending_uuid, g_free);
    peer_take_plain (peer, peer_decrypt (peer, s, data));
    /* as the manager does: its own key goes on the new session */
    if (peer->respond)
      peer_send_key (peer, "key-info");
  } else if (g_str_equal (type, "key-info")
      || g_str_equal (type, "key-info-ack")) {
    gchar *plain;

    if (!peer->session) {
      peer->decrypt_failed++;
      /* what lib-jitsi-meet answers (and then waits: it never starts a
       * session again by itself) */
      if (peer->jitsi)
        peer_deliver (peer, olm_msg (peer->id, peer->m_id, "error",
                "{\"error\":\"No session found while processing "
                "key-info\"}"));
      goto out;
    }
    plain = peer_decrypt (peer, peer->session, data);
    if (!plain)
      goto out;
    peer_take_plain (peer, plain);
    if (g_str_equal (type, "key-info") && peer->respond) {
      gchar *k = key_info_plain (peer->key, peer->key_index);
      gchar *reply = encrypted_data (peer->session, k, uuid);

      g_free (k);
      peer_deliver (peer, olm_msg (peer->id, peer->m_id, "key-info-ack",
              reply));
      g_free (reply);
    }
  }
out:
  g_object_unref (parser);
}

static void
peer_pump (Peer * peer)
{
  gchar *text;

  for (;;) {
    g_mutex_lock (&peer->lock);
    text = g_queue_pop_head (&peer->inbox);
    g_mutex_unlock (&peer->lock);
    if (!text)
      break;
    peer_handle (peer, text);
    g_free (text);
  }
}

/* A peer admitted by @m (auto-admit) with an olm session to it. */
Peer *
peer_joined (const gchar * id, GstE2eeKeyManager * m)
{
  Peer *peer = peer_new (id, m);

  peer_hello (peer, NULL);
  km_settle ();
  fail_unless (peer->session != NULL, "%s got no session", id);
  fail_unless (km_has_participant (m, id));
  return peer;
}

/* --- media --- */

/* the key @peer got from its manager decrypts that manager's frames */
gboolean
peer_key_works (Peer * peer, guint seed)
{
  GstHarness *enc, *dec;
  GstBuffer *f;
  gboolean ok;

  if (!peer->keys_got)
    return FALSE;
  enc = km_enc_for (peer->m);
  dec = km_dec_with_key (peer->got_key, peer->got_index);
  f = km_encrypt (enc, seed);
  ok = km_decrypts (dec, f, seed);
  gst_buffer_unref (f);
  gst_harness_teardown (enc);
  gst_harness_teardown (dec);
  return ok;
}

/* --- signals and the bus --- */


static void
on_key_changed (GstE2eeKeyManager * m, const gchar * who, guint index,
    KeyEvents * ev)
{
  g_mutex_lock (&ev->lock);
  g_ptr_array_add (ev->events, g_strdup_printf ("%s:%u", who, index));
  g_mutex_unlock (&ev->lock);
}

void
key_events_init (KeyEvents * ev, GstE2eeKeyManager * m)
{
  g_mutex_init (&ev->lock);
  ev->events = g_ptr_array_new_with_free_func (g_free);
  g_signal_connect (m, "key-changed", G_CALLBACK (on_key_changed), ev);
}

guint
key_events_count (KeyEvents * ev, const gchar * prefix)
{
  guint i, n = 0;

  g_mutex_lock (&ev->lock);
  for (i = 0; i < ev->events->len; i++)
    if (g_str_has_prefix (g_ptr_array_index (ev->events, i), prefix))
      n++;
  g_mutex_unlock (&ev->lock);
  return n;
}

void
key_events_clear (KeyEvents * ev, GstE2eeKeyManager * m)
{
  g_signal_handlers_disconnect_by_data (m, ev);
  g_ptr_array_unref (ev->events);
  g_mutex_clear (&ev->lock);
}

static void
post_error (GstE2eeKeyManager * m, GError * err, const gchar * debug,
    GstBus * bus)
{
  gst_bus_post (bus, gst_message_new_error (GST_OBJECT (m), err, debug));
}

static void
post_warning (GstE2eeKeyManager * m, GError * err, const gchar * debug,
    GstBus * bus)
{
  gst_bus_post (bus, gst_message_new_warning (GST_OBJECT (m), err, debug));
}

/* the manager's ::error and ::warning as messages on a bus of the test's,
 * as the e2eekeymanager element posts them */
GstBus *
watch_bus (GstE2eeKeyManager * m)
{
  GstBus *bus = gst_bus_new ();

  g_signal_connect (m, "error", G_CALLBACK (post_error), bus);
  g_signal_connect (m, "warning", G_CALLBACK (post_warning), bus);
  return bus;
}

void
unwatch_bus (GstE2eeKeyManager * m, GstBus * bus)
{
  g_signal_handlers_disconnect_by_data (m, bus);
  gst_object_unref (bus);
}

/* pops messages of @type; TRUE if one's text mentions @needle */
gboolean
bus_has (GstBus * bus, GstMessageType type, const gchar * needle)
{
  GstMessage *msg;
  gboolean found = FALSE;

  while ((msg = gst_bus_pop_filtered (bus, type))) {
    GError *err = NULL;

    if (type == GST_MESSAGE_ERROR)
      gst_message_parse_error (msg, &err, NULL);
    else
      gst_message_parse_warning (msg, &err, NULL);
    if (err && strstr (err->message, needle))
      found = TRUE;
    g_clear_error (&err);
    gst_message_unref (msg);
  }
  return found;
}

guint
bus_count (GstBus * bus, GstMessageType type)
{
  GstMessage *msg;
  guint n = 0;

  while ((msg = gst_bus_pop_filtered (bus, type))) {
    n++;
    gst_message_unref (msg);
  }
  return n;
}
