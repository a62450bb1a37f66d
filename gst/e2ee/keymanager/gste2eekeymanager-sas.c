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
 * SAS verification for GstE2eeKeyManager, lib-jitsi-meet's flow (after
 * Matrix): sas-start, sas-accept with a commitment, sas-key both ways, the
 * codes, then sas-mac over the ed25519 key, as lib-jitsi-meet computes it
 * (the curve25519 key is bound to it by the hello's signature). A new
 * sas-start replaces one under way, so a failed SAS can be retried.
 * Manager thread, lock held.
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gste2eekeymanager-private.h"
#include "gste2eesas-private.h"

#include <string.h>

#define GST_CAT_DEFAULT gst_e2ee_key_manager_debug

#define SAS_NUM_BYTES 6

void
_gst_e2ee_km_sas_free (SasState * sas)
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

/* A SAS failed: always posted as an error. SAS messages travel in plain
 * JSON, so anyone on the path can start one in a participant's name or
 * break one under way: a participant verified earlier stays verified
 * unless the user took part in this one (compared the codes: confirmed
 * them, or said they differ), and only then is ::participant-verified
 * emitted with %FALSE. */
static void
sas_fail_locked (GstE2eeKeyManager * self, Participant * p, const gchar * why,
    gboolean user_compared)
{
  gboolean decisive = !p->verified || user_compared
      || (p->sas && p->sas->confirmed);

  GST_WARNING_OBJECT (self, "SAS with %s failed: %s%s", p->id, why,
      decisive ? "" : " (it stays verified: the codes were not compared)");
  _gst_e2ee_km_sas_free (p->sas);
  p->sas = NULL;
  _gst_e2ee_km_error_locked (self, p,
      g_strdup_printf (_("verification failed: %s"), why));
  if (decisive) {
    p->verified = FALSE;
    _gst_e2ee_km_queue (self, QUEUED_SIGNAL_VERIFIED, p->id, NULL);
  }
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

  if (!p->session) {
    GST_WARNING_OBJECT (self, "cannot start SAS with %s: no session", p->id);
    return;
  }
  if (p->sas) {
    /* the user starts again: what is left of an earlier attempt (one that
     * failed on the other side, or never finished) goes */
    GST_INFO_OBJECT (self, "SAS with %s started again", p->id);
    _gst_e2ee_km_sas_free (p->sas);
    p->sas = NULL;
  }
  txn = _gst_e2ee_km_new_uuid ();
  p->sas = sas_new (self, txn);
  g_free (txn);
  if (!p->sas)
    return;
  p->sas->initiator = TRUE;
  p->sas->start_json = g_strdup_printf ("{\"transactionId\":\"%s\"}",
      p->sas->transaction_id);
  /* a verified participant stays so until this one ends (sas_fail_locked) */
  _gst_e2ee_km_send_locked (self, p, "sas-start",
      _gst_e2ee_km_object_node (sas_data (p->sas)));
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
  const gchar *txn = _gst_e2ee_km_get_string (data, "transactionId");

  return p->sas && txn && g_str_equal (txn, p->sas->transaction_id);
}

void
_gst_e2ee_km_handle_sas_start (GstE2eeKeyManager * self, Participant * p,
    JsonObject * data, JsonNode * data_node)
{
  const gchar *txn = _gst_e2ee_km_get_string (data, "transactionId");
  JsonObject *accept;
  gchar *start_json, *c;

  if (!txn || !_gst_e2ee_km_valid_id (txn)) {
    self->stats.malformed++;
    return;
  }
  if (!p->session) {
    _gst_e2ee_km_send_error_locked (self, p,
        "No session found while processing sas-init");
    return;
  }
  if (p->sas && g_str_equal (p->sas->transaction_id, txn))
    return;
  if (p->sas && p->sas->initiator && !p->sas->commitment && p->keys_signed
      && strcmp (self->local_id, p->id) < 0) {
    /* both started at once: the lower id's start goes on, as its
     * session-init does; the peer drops its own when it gets ours. Only
     * with a peer that signs its keys (gst-e2ee): lib-jitsi-meet refuses
     * any start while it has one, so against it ours always yields */
    GST_DEBUG_OBJECT (self, "SAS starts crossed with %s: ours goes on", p->id);
    return;
  }
  if (p->sas && p->sas->initiator && !p->sas->commitment) {
    /* ours crossed theirs and yields: nothing failed */
    GST_DEBUG_OBJECT (self, "SAS starts crossed with %s: theirs goes on",
        p->id);
    _gst_e2ee_km_sas_free (p->sas);
    p->sas = NULL;
  } else if (p->sas) {
    /* a new start replaces the one under way, so a failed SAS can be
     * retried whatever state the failure left on either side (anyone on
     * the path could break one anyway); the broken one is reported */
    sas_fail_locked (self, p, "a new verification replaced this one", FALSE);
  }
  p->sas = sas_new (self, txn);
  if (!p->sas)
    return;
  /* anyone can send a sas-start: it does not undo a verification (see
   * sas_fail_locked) */
  /* the commitment covers the start message as the initiator wrote it */
  start_json = json_to_string (data_node, FALSE);
  p->sas->start_json = start_json;
  accept = sas_data (p->sas);
  c = commitment (gst_e2ee_olm_sas_get_pubkey (p->sas->sas), start_json);
  json_object_set_string_member (accept, "commitment", c);
  g_free (c);
  _gst_e2ee_km_send_locked (self, p, "sas-accept",
      _gst_e2ee_km_object_node (accept));
}

static void
send_sas_key_locked (GstE2eeKeyManager * self, Participant * p)
{
  JsonObject *data = sas_data (p->sas);

  json_object_set_string_member (data, "key",
      gst_e2ee_olm_sas_get_pubkey (p->sas->sas));
  _gst_e2ee_km_send_locked (self, p, "sas-key",
      _gst_e2ee_km_object_node (data));
  p->sas->key_sent = TRUE;
}

void
_gst_e2ee_km_handle_sas_accept (GstE2eeKeyManager * self, Participant * p,
    JsonObject * data)
{
  const gchar *c = _gst_e2ee_km_get_string (data, "commitment");

  if (!sas_txn_matches (p, data) || !p->sas->initiator || !c) {
    self->stats.refused++;
    return;
  }
  if (p->sas->commitment) {
    _gst_e2ee_km_send_error_locked (self, p,
        "Already received sas commitment message");
    return;
  }
  p->sas->commitment = g_strdup (c);
  send_sas_key_locked (self, p);
}

void
_gst_e2ee_km_handle_sas_key (GstE2eeKeyManager * self, Participant * p,
    JsonObject * data)
{
  const gchar *their_key = _gst_e2ee_km_get_string (data, "key");
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
      sas_fail_locked (self, p, "key before commitment", FALSE);
      return;
    }
    c = commitment (their_key, p->sas->start_json);
    if (!g_str_equal (c, p->sas->commitment)) {
      g_free (c);
      _gst_e2ee_km_send_error_locked (self, p,
          "OlmAdapter commitments mismatched");
      sas_fail_locked (self, p, "commitment mismatch", FALSE);
      return;
    }
    g_free (c);
  }
  if (!gst_e2ee_olm_sas_set_their_key (p->sas->sas, their_key, &err)) {
    g_error_free (err);
    sas_fail_locked (self, p, "unusable SAS key", FALSE);
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
    sas_fail_locked (self, p, "could not derive the codes", FALSE);
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
  gchar *key_id, *mac_ed, *keys;
  JsonObject *data, *mac;

  gst_e2ee_sas_jitsi_mac (p->sas->sas, self->local_id, p->id,
      p->sas->transaction_id,
      gst_e2ee_olm_account_get_ed25519 (_gst_e2ee_km_account_locked (self)),
      &key_id, &mac_ed, &keys);
  if (mac_ed && keys) {
    data = sas_data (p->sas);
    mac = json_object_new ();
    json_object_set_string_member (mac, key_id, mac_ed);
    json_object_set_object_member (data, "mac", mac);
    json_object_set_string_member (data, "keys", keys);
    _gst_e2ee_km_send_locked (self, p, "sas-mac",
        _gst_e2ee_km_object_node (data));
    p->sas->mac_sent = TRUE;
  } else {
    GST_WARNING_OBJECT (self, "could not compute the SAS MAC for %s", p->id);
  }
  g_free (mac_ed);
  g_free (keys);
  g_free (key_id);
}

static void
check_verified_locked (GstE2eeKeyManager * self, Participant * p)
{
  if (!p->sas || !p->sas->confirmed || !p->sas->their_mac_ok)
    return;
  p->verified = TRUE;
  GST_INFO_OBJECT (self, "%s verified", p->id);
  _gst_e2ee_km_queue (self, QUEUED_SIGNAL_VERIFIED, p->id, g_strdup ("1"));
  _gst_e2ee_km_sas_free (p->sas);
  p->sas = NULL;
}

static gint
compare_strings (gconstpointer a, gconstpointer b)
{
  return strcmp (*(const gchar **) a, *(const gchar **) b);
}

void
_gst_e2ee_km_handle_sas_mac (GstE2eeKeyManager * self, Participant * p,
    JsonObject * data)
{
  JsonObject *mac = _gst_e2ee_km_get_object (data, "mac");
  const gchar *keys = _gst_e2ee_km_get_string (data, "keys");
  gchar *base, *info, *expect, *ids;
  GList *members, *l;
  GPtrArray *sorted;
  gboolean have_ed = FALSE;

  if (!sas_txn_matches (p, data) || !mac || !keys
      || !gst_e2ee_olm_sas_is_their_key_set (p->sas->sas)) {
    self->stats.refused++;
    return;
  }
  base = g_strconcat (GST_E2EE_SAS_MAC_INFO, p->id, self->local_id,
      p->sas->transaction_id, NULL);

  members = json_object_get_members (mac);
  sorted = g_ptr_array_new ();
  for (l = members; l; l = l->next)
    g_ptr_array_add (sorted, l->data);
  g_ptr_array_sort (sorted, compare_strings);
  g_ptr_array_add (sorted, NULL);
  ids = g_strjoinv (",", (gchar **) sorted->pdata);
  g_ptr_array_unref (sorted);
  info = g_strconcat (base, GST_E2EE_SAS_MAC_KEY_IDS, NULL);
  expect = sas_mac (self, p, ids, info);
  g_free (info);
  g_free (ids);
  if (!expect || !g_str_equal (expect, keys)) {
    g_free (expect);
    g_list_free (members);
    g_free (base);
    sas_fail_locked (self, p, "key list MAC mismatch", FALSE);
    return;
  }
  g_free (expect);

  for (l = members; l; l = l->next) {
    const gchar *key_id = l->data;
    const gchar *theirs = _gst_e2ee_km_get_string (mac, key_id);
    const gchar *key = NULL;
    gboolean ok;

    if (g_str_has_prefix (key_id, "ed25519:")) {
      key = p->ed25519;
      have_ed = TRUE;
    } else if (g_str_has_prefix (key_id, "curve25519:")) {
      /* lib-jitsi-meet after its PR #3110, and gst-e2ee before this
       * version, MAC the curve25519 key too: checked, not required */
      key = p->curve25519;
    }
    if (!key || !theirs) {
      g_list_free (members);
      g_free (base);
      sas_fail_locked (self, p, "unknown key in MAC", FALSE);
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
      sas_fail_locked (self, p, "identity key MAC mismatch", FALSE);
      return;
    }
  }
  g_list_free (members);
  g_free (base);
  if (!have_ed) {
    sas_fail_locked (self, p, "MAC does not cover the ed25519 key", FALSE);
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
    sas_fail_locked (self, p, "the codes do not match", TRUE);
    return;
  }
  p->sas->confirmed = TRUE;
  if (!p->sas->mac_sent)
    send_sas_mac_locked (self, p);
  check_verified_locked (self, p);
}
