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
 * The olm module: the only code in gst-e2ee that sees libolm.
 *
 * It offers what lib-jitsi-meet's OlmAdapter takes from libolm's JavaScript
 * binding (Olm.Account, Olm.Session, Olm.SAS, Olm.Utility.sha256), and no
 * more, so that vodozemac (which speaks the same olm protocol) can replace
 * libolm behind it. libolm is deprecated upstream and has known timing side
 * channels (CVE-2024-45191, CVE-2024-45192, CVE-2024-45193).
 *
 * What it adds to libolm:
 *
 * - every error return is checked and becomes a #GError in the
 *   %GST_E2EE_ERROR_OLM code, with libolm's error name (never key material);
 * - all randomness comes from gst_e2ee_random_bytes() and is wiped after use;
 * - libolm's objects live in g_malloc()'d memory that is cleared with
 *   olm_clear_*() and OPENSSL_cleanse() before it is freed;
 * - every string from the network is checked before libolm sees it: unpadded
 *   standard base64, public keys exactly 43 characters, message bodies at
 *   most %GST_E2EE_OLM_MAX_BODY_LEN characters;
 * - libolm overwrites the buffers it is given by olm_create_inbound_session*,
 *   olm_matches_inbound_session*, olm_decrypt_max_plaintext_length,
 *   olm_decrypt, olm_unpickle_* and olm_sas_set_their_key: those calls get a
 *   private copy, wiped afterwards (after an unpickle it holds the decrypted
 *   account or session).
 *
 * Not MT safe: the caller serialises all calls on related objects.
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gste2eeolm-private.h"

#include <string.h>
#include <olm/olm.h>
#include <olm/sas.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>

/* unpadded base64 of a 32-byte Curve25519 or Ed25519 public key */
#define KEY_B64_LEN 43
/* pickles come from our own state file; this only bounds a corrupt one. An
 * account with libolm's 100 one-time keys pickles to under 10 KiB. */
#define MAX_PICKLE_LEN (1024 * 1024)
/* HKDF-SHA256 output limit */
#define MAX_SAS_BYTES (255 * 32)

struct _GstE2eeOlmAccount
{
  OlmAccount *olm;
  gpointer mem;
  gsize mem_size;
  gchar curve25519[KEY_B64_LEN + 1];
  gchar ed25519[KEY_B64_LEN + 1];
};

struct _GstE2eeOlmSession
{
  OlmSession *olm;
  gpointer mem;
  gsize mem_size;
};

struct _GstE2eeOlmSas
{
  OlmSAS *olm;
  gpointer mem;
  gsize mem_size;
  gchar pubkey[KEY_B64_LEN + 1];
};

static void
set_olm_error (GError ** error, const gchar * what, const gchar * olm_error)
{
  g_set_error (error, GST_E2EE_ERROR, GST_E2EE_ERROR_OLM, "%s: %s", what,
      olm_error);
}

/* Returns @len fresh random bytes (at least one byte is allocated, so a
 * zero-length request still gives a valid pointer), or NULL. */
static guint8 *
random_new (gsize len, GError ** error)
{
  guint8 *buf = g_malloc (MAX (len, 1));

  if (!gst_e2ee_random_bytes (buf, len)) {
    g_free (buf);
    g_set_error (error, GST_E2EE_ERROR, GST_E2EE_ERROR_RANDOM,
        "the CSPRNG failed");
    return NULL;
  }
  return buf;
}

static void
random_free (guint8 * buf, gsize len)
{
  OPENSSL_cleanse (buf, MAX (len, 1));
  g_free (buf);
}

/* A private copy of @len bytes of @str, NUL-terminated, for the libolm calls
 * that overwrite their input. Free with wiped_free(). */
static gchar *
scratch_copy (const gchar * str, gsize len)
{
  gchar *copy = g_malloc (len + 1);

  memcpy (copy, str, len);
  copy[len] = '\0';
  return copy;
}

static void
wiped_free (gchar * buf, gsize len)
{
  OPENSSL_cleanse (buf, len);
  g_free (buf);
}

/* Checks that @str is non-empty unpadded standard base64 (libolm's alphabet)
 * of at most @max_len characters, whose length can be decoded, and gives its
 * length. Never reads more than @max_len + 1 characters of @str. */
static gboolean
check_base64 (const gchar * str, gsize max_len, const gchar * what,
    gsize * out_len, GError ** error)
{
  gsize i;

  if (str == NULL) {
    g_set_error (error, GST_E2EE_ERROR, GST_E2EE_ERROR_OLM, "%s: missing",
        what);
    return FALSE;
  }
  for (i = 0; str[i] != '\0'; i++) {
    gchar c = str[i];

    if (i == max_len) {
      g_set_error (error, GST_E2EE_ERROR, GST_E2EE_ERROR_OLM,
          "%s: longer than %" G_GSIZE_FORMAT " characters", what, max_len);
      return FALSE;
    }
    if (!g_ascii_isalnum (c) && c != '+' && c != '/') {
      g_set_error (error, GST_E2EE_ERROR, GST_E2EE_ERROR_OLM,
          "%s: not unpadded base64", what);
      return FALSE;
    }
  }
  if (i == 0 || i % 4 == 1) {
    g_set_error (error, GST_E2EE_ERROR, GST_E2EE_ERROR_OLM,
        "%s: not unpadded base64 (length %" G_GSIZE_FORMAT ")", what, i);
    return FALSE;
  }
  *out_len = i;
  return TRUE;
}

/* A public key: exactly 43 characters of base64 (32 bytes). */
static gboolean
check_public_key (const gchar * key, const gchar * what, GError ** error)
{
  gsize len;

  if (!check_base64 (key, KEY_B64_LEN, what, &len, error))
    return FALSE;
  if (len != KEY_B64_LEN) {
    g_set_error (error, GST_E2EE_ERROR, GST_E2EE_ERROR_OLM,
        "%s: %" G_GSIZE_FORMAT " characters, a public key has %d", what, len,
        KEY_B64_LEN);
    return FALSE;
  }
  return TRUE;
}

/* ---- accounts ---- */

static GstE2eeOlmAccount *
account_alloc (void)
{
  GstE2eeOlmAccount *account = g_new0 (GstE2eeOlmAccount, 1);

  account->mem_size = olm_account_size ();
  account->mem = g_malloc (account->mem_size);
  account->olm = olm_account (account->mem);
  return account;
}

/**
 * gst_e2ee_olm_account_free:
 * @account: (nullable) (transfer full): an account
 *
 * Clears the account's private keys from memory and frees it.
 */
void
gst_e2ee_olm_account_free (GstE2eeOlmAccount * account)
{
  if (account == NULL)
    return;

  olm_clear_account (account->olm);
  OPENSSL_cleanse (account->mem, account->mem_size);
  g_free (account->mem);
  OPENSSL_cleanse (account, sizeof (*account));
  g_free (account);
}

/* Copies the value of "@name":"..." in libolm's identity-keys JSON into
 * @out, which has room for a public key. */
static gboolean
identity_key_from_json (const gchar * json, const gchar * name, gchar * out)
{
  gchar *needle = g_strdup_printf ("\"%s\":\"", name);
  const gchar *start = strstr (json, needle);
  const gchar *end;

  if (start)
    start += strlen (needle);
  g_free (needle);
  if (start == NULL)
    return FALSE;
  end = strchr (start, '"');
  if (end == NULL || end - start != KEY_B64_LEN)
    return FALSE;
  memcpy (out, start, KEY_B64_LEN);
  out[KEY_B64_LEN] = '\0';
  return check_public_key (out, name, NULL);
}

static gboolean
account_read_identity_keys (GstE2eeOlmAccount * account, GError ** error)
{
  gsize len = olm_account_identity_keys_length (account->olm);
  gchar *json = g_malloc (len + 1);
  gsize ret;
  gboolean ok;

  ret = olm_account_identity_keys (account->olm, json, len);
  if (ret == olm_error ()) {
    set_olm_error (error, "could not read the identity keys",
        olm_account_last_error (account->olm));
    g_free (json);
    return FALSE;
  }
  json[ret] = '\0';
  ok = identity_key_from_json (json, "curve25519", account->curve25519)
      && identity_key_from_json (json, "ed25519", account->ed25519);
  g_free (json);
  if (!ok)
    g_set_error (error, GST_E2EE_ERROR, GST_E2EE_ERROR_OLM,
        "libolm gave identity keys in an unexpected format");
  return ok;
}

/**
 * gst_e2ee_olm_account_new:
 * @error: (nullable): where to report a failure
 *
 * Makes a new olm account: a fresh Curve25519 identity key (for sessions)
 * and Ed25519 identity key (for signatures and SAS verification).
 *
 * Returns: (transfer full) (nullable): the account
 */
GstE2eeOlmAccount *
gst_e2ee_olm_account_new (GError ** error)
{
  GstE2eeOlmAccount *account = account_alloc ();
  gsize rlen = olm_create_account_random_length (account->olm);
  guint8 *random;
  gsize ret;

  random = random_new (rlen, error);
  if (random == NULL)
    goto fail;
  ret = olm_create_account (account->olm, random, rlen);
  random_free (random, rlen);
  if (ret == olm_error ()) {
    set_olm_error (error, "could not create an olm account",
        olm_account_last_error (account->olm));
    goto fail;
  }
  if (!account_read_identity_keys (account, error))
    goto fail;
  return account;

fail:
  gst_e2ee_olm_account_free (account);
  return NULL;
}

/**
 * gst_e2ee_olm_account_get_curve25519:
 * @account: an account
 *
 * Returns: (transfer none): the account's Curve25519 identity key, unpadded
 *   base64 (lib-jitsi-meet's `idKeys.curve25519`); owned by @account
 */
const gchar *
gst_e2ee_olm_account_get_curve25519 (GstE2eeOlmAccount * account)
{
  g_return_val_if_fail (account != NULL, NULL);

  return account->curve25519;
}

/**
 * gst_e2ee_olm_account_get_ed25519:
 * @account: an account
 *
 * Returns: (transfer none): the account's Ed25519 identity key, unpadded
 *   base64 (lib-jitsi-meet's `idKeys.ed25519`); owned by @account
 */
const gchar *
gst_e2ee_olm_account_get_ed25519 (GstE2eeOlmAccount * account)
{
  g_return_val_if_fail (account != NULL, NULL);

  return account->ed25519;
}

/* libolm lists the unpublished one-time keys as
 * {"curve25519":{"<key id>":"<key>"}}: gives the key if there is exactly
 * one. */
static gchar *
single_one_time_key_from_json (const gchar * json)
{
  static const gchar prefix[] = "{\"curve25519\":{\"";
  const gchar *p, *key, *end;

  if (!g_str_has_prefix (json, prefix))
    return NULL;
  p = strchr (json + strlen (prefix), '"');
  if (p == NULL || !g_str_has_prefix (p, "\":\""))
    return NULL;
  key = p + 3;
  end = strchr (key, '"');
  if (end == NULL || end - key != KEY_B64_LEN || strcmp (end, "\"}}") != 0)
    return NULL;
  return g_strndup (key, KEY_B64_LEN);
}

/**
 * gst_e2ee_olm_account_new_one_time_key:
 * @account: an account
 * @error: (nullable): where to report a failure
 *
 * Generates one new one-time key, marks it published and returns it, as
 * lib-jitsi-meet does before a session-init (generate_one_time_keys(1),
 * one_time_keys(), mark_keys_as_published()). libolm keeps the private part
 * until a session made from it is passed to
 * gst_e2ee_olm_account_remove_one_time_keys(), or until 100 newer keys
 * push it out.
 *
 * Returns: (transfer full) (nullable): the public one-time key, unpadded
 *   base64; g_free() it
 */
gchar *
gst_e2ee_olm_account_new_one_time_key (GstE2eeOlmAccount * account,
    GError ** error)
{
  gsize rlen, len, ret;
  guint8 *random;
  gchar *json, *key;

  g_return_val_if_fail (account != NULL, NULL);

  /* a key left unpublished by an earlier failure would be listed with the
   * new one: never hand it out */
  olm_account_mark_keys_as_published (account->olm);

  rlen = olm_account_generate_one_time_keys_random_length (account->olm, 1);
  random = random_new (rlen, error);
  if (random == NULL)
    return NULL;
  ret = olm_account_generate_one_time_keys (account->olm, 1, random, rlen);
  random_free (random, rlen);
  if (ret == olm_error ()) {
    set_olm_error (error, "could not generate a one-time key",
        olm_account_last_error (account->olm));
    return NULL;
  }

  len = olm_account_one_time_keys_length (account->olm);
  json = g_malloc (len + 1);
  ret = olm_account_one_time_keys (account->olm, json, len);
  if (ret == olm_error ()) {
    set_olm_error (error, "could not read the one-time key",
        olm_account_last_error (account->olm));
    g_free (json);
    return NULL;
  }
  json[ret] = '\0';
  key = single_one_time_key_from_json (json);
  g_free (json);
  if (key == NULL) {
    g_set_error (error, GST_E2EE_ERROR, GST_E2EE_ERROR_OLM,
        "libolm listed one-time keys in an unexpected format");
    return NULL;
  }
  olm_account_mark_keys_as_published (account->olm);
  return key;
}

/**
 * gst_e2ee_olm_account_remove_one_time_keys:
 * @account: an account
 * @session: an inbound session made from one of @account's one-time keys
 *
 * Forgets the one-time key @session was made from, so that nobody can start
 * another session with it (a replayed pre-key message then fails).
 *
 * Returns: %FALSE if @account had no such key (already removed, or @session
 *   is not inbound)
 */
gboolean
gst_e2ee_olm_account_remove_one_time_keys (GstE2eeOlmAccount * account,
    GstE2eeOlmSession * session)
{
  g_return_val_if_fail (account != NULL, FALSE);
  g_return_val_if_fail (session != NULL, FALSE);

  return olm_remove_one_time_keys (account->olm, session->olm) != olm_error ();
}

/**
 * gst_e2ee_olm_account_pickle:
 * @account: an account
 * @key: (array length=key_len): the pickle key
 * @key_len: its length, at least 1
 *
 * Serialises @account with its private keys, encrypted and authenticated by
 * libolm under a key derived from @key.
 *
 * Returns: (transfer full) (nullable): the base64 pickle; g_free() it
 */
gchar *
gst_e2ee_olm_account_pickle (GstE2eeOlmAccount * account,
    const guint8 * key, gsize key_len)
{
  gsize len, ret;
  gchar *pickle;

  g_return_val_if_fail (account != NULL, NULL);
  g_return_val_if_fail (key != NULL && key_len >= 1, NULL);

  len = olm_pickle_account_length (account->olm);
  pickle = g_malloc (len + 1);
  ret = olm_pickle_account (account->olm, key, key_len, pickle, len);
  if (ret == olm_error ()) {
    wiped_free (pickle, len + 1);
    return NULL;
  }
  pickle[ret] = '\0';
  return pickle;
}

/**
 * gst_e2ee_olm_account_unpickle:
 * @pickle: a pickle from gst_e2ee_olm_account_pickle()
 * @key: (array length=key_len): the pickle key it was made with
 * @key_len: its length, at least 1
 * @error: (nullable): where to report a wrong key or a corrupt pickle
 *
 * Returns: (transfer full) (nullable): the account
 */
GstE2eeOlmAccount *
gst_e2ee_olm_account_unpickle (const gchar * pickle, const guint8 * key,
    gsize key_len, GError ** error)
{
  GstE2eeOlmAccount *account;
  gchar *copy;
  gsize len, ret;

  g_return_val_if_fail (key != NULL && key_len >= 1, NULL);

  if (!check_base64 (pickle, MAX_PICKLE_LEN, "account pickle", &len, error))
    return NULL;

  account = account_alloc ();
  copy = scratch_copy (pickle, len);
  ret = olm_unpickle_account (account->olm, key, key_len, copy, len);
  /* now holds the decrypted private keys */
  wiped_free (copy, len);
  if (ret == olm_error ()) {
    set_olm_error (error, "could not unpickle the olm account",
        olm_account_last_error (account->olm));
    goto fail;
  }
  if (!account_read_identity_keys (account, error))
    goto fail;
  return account;

fail:
  gst_e2ee_olm_account_free (account);
  return NULL;
}

/* ---- sessions ---- */

static GstE2eeOlmSession *
session_alloc (void)
{
  GstE2eeOlmSession *session = g_new0 (GstE2eeOlmSession, 1);

  session->mem_size = olm_session_size ();
  session->mem = g_malloc (session->mem_size);
  session->olm = olm_session (session->mem);
  return session;
}

/**
 * gst_e2ee_olm_session_free:
 * @session: (nullable) (transfer full): a session
 *
 * Clears the session's ratchet keys from memory and frees it.
 */
void
gst_e2ee_olm_session_free (GstE2eeOlmSession * session)
{
  if (session == NULL)
    return;

  olm_clear_session (session->olm);
  OPENSSL_cleanse (session->mem, session->mem_size);
  g_free (session->mem);
  OPENSSL_cleanse (session, sizeof (*session));
  g_free (session);
}

/**
 * gst_e2ee_olm_session_new_outbound:
 * @account: our account
 * @their_curve25519: the peer's Curve25519 identity key (base64)
 * @their_one_time_key: a one-time key the peer published (base64)
 * @error: (nullable): where to report malformed keys or a failure
 *
 * Starts a session to the peer: the responder side of lib-jitsi-meet's
 * session-init (`session.create_outbound(account, idKey, otKey)`). Until the
 * peer answers, everything it encrypts is a pre-key message (type 0).
 *
 * Returns: (transfer full) (nullable): the session
 */
GstE2eeOlmSession *
gst_e2ee_olm_session_new_outbound (GstE2eeOlmAccount * account,
    const gchar * their_curve25519, const gchar * their_one_time_key,
    GError ** error)
{
  GstE2eeOlmSession *session;
  guint8 *random;
  gsize rlen, ret;

  g_return_val_if_fail (account != NULL, NULL);

  if (!check_public_key (their_curve25519, "identity key", error)
      || !check_public_key (their_one_time_key, "one-time key", error))
    return NULL;

  session = session_alloc ();
  rlen = olm_create_outbound_session_random_length (session->olm);
  random = random_new (rlen, error);
  if (random == NULL)
    goto fail;
  ret = olm_create_outbound_session (session->olm, account->olm,
      their_curve25519, KEY_B64_LEN, their_one_time_key, KEY_B64_LEN,
      random, rlen);
  random_free (random, rlen);
  if (ret == olm_error ()) {
    set_olm_error (error, "could not create an outbound olm session",
        olm_session_last_error (session->olm));
    goto fail;
  }
  return session;

fail:
  gst_e2ee_olm_session_free (session);
  return NULL;
}

/**
 * gst_e2ee_olm_session_new_inbound:
 * @account: our account, which published the one-time key the message uses
 * @their_curve25519: the identity key the sender announced (base64)
 * @prekey_body: the body of a pre-key message (type 0) from that sender
 * @error: (nullable): where to report a malformed or unexpected message
 *
 * Accepts a session: the initiator side of lib-jitsi-meet's session-ack.
 * Unlike lib-jitsi-meet's `create_inbound`, this fails unless the message was
 * made with @their_curve25519, so a participant cannot start a session under
 * another one's identity. Decrypt @prekey_body with the new session, and
 * call gst_e2ee_olm_account_remove_one_time_keys() once it decrypted.
 *
 * Returns: (transfer full) (nullable): the session
 */
GstE2eeOlmSession *
gst_e2ee_olm_session_new_inbound (GstE2eeOlmAccount * account,
    const gchar * their_curve25519, const gchar * prekey_body, GError ** error)
{
  GstE2eeOlmSession *session;
  gchar *copy;
  gsize len, ret;

  g_return_val_if_fail (account != NULL, NULL);

  if (!check_public_key (their_curve25519, "identity key", error)
      || !check_base64 (prekey_body, GST_E2EE_OLM_MAX_BODY_LEN,
          "pre-key message", &len, error))
    return NULL;

  session = session_alloc ();
  copy = scratch_copy (prekey_body, len);
  ret = olm_create_inbound_session_from (session->olm, account->olm,
      their_curve25519, KEY_B64_LEN, copy, len);
  wiped_free (copy, len);
  if (ret == olm_error ()) {
    set_olm_error (error, "could not create an inbound olm session",
        olm_session_last_error (session->olm));
    gst_e2ee_olm_session_free (session);
    return NULL;
  }
  return session;
}

/**
 * gst_e2ee_olm_session_encrypt:
 * @session: a session
 * @plaintext: (array length=len): what to encrypt
 * @len: its length
 * @msg_type: (out): 0 for a pre-key message, 1 for a normal one
 * @body: (out) (transfer full): the message, base64; g_free() it
 * @error: (nullable): where to report a failure
 *
 * Encrypts one message. The result is never longer than
 * %GST_E2EE_OLM_MAX_BODY_LEN, which is what peers accept.
 *
 * Returns: %TRUE on success
 */
gboolean
gst_e2ee_olm_session_encrypt (GstE2eeOlmSession * session,
    const gchar * plaintext, gsize len, guint * msg_type, gchar ** body,
    GError ** error)
{
  gsize type, rlen, mlen, ret;
  guint8 *random;
  gchar *out;

  g_return_val_if_fail (session != NULL, FALSE);
  g_return_val_if_fail (plaintext != NULL || len == 0, FALSE);
  g_return_val_if_fail (msg_type != NULL && body != NULL, FALSE);

  /* a bound well below what libolm's length arithmetic could wrap on */
  if (len > GST_E2EE_OLM_MAX_BODY_LEN) {
    g_set_error (error, GST_E2EE_ERROR, GST_E2EE_ERROR_OLM,
        "plaintext of %" G_GSIZE_FORMAT " bytes is too long", len);
    return FALSE;
  }
  type = olm_encrypt_message_type (session->olm);
  if (type == olm_error ()) {
    set_olm_error (error, "could not encrypt",
        olm_session_last_error (session->olm));
    return FALSE;
  }
  mlen = olm_encrypt_message_length (session->olm, len);
  if (mlen > GST_E2EE_OLM_MAX_BODY_LEN) {
    g_set_error (error, GST_E2EE_ERROR, GST_E2EE_ERROR_OLM,
        "plaintext of %" G_GSIZE_FORMAT " bytes makes a message longer "
        "than %d characters", len, GST_E2EE_OLM_MAX_BODY_LEN);
    return FALSE;
  }

  rlen = olm_encrypt_random_length (session->olm);
  random = random_new (rlen, error);
  if (random == NULL)
    return FALSE;
  out = g_malloc (mlen + 1);
  ret = olm_encrypt (session->olm, plaintext, len, random, rlen, out, mlen);
  random_free (random, rlen);
  if (ret == olm_error ()) {
    set_olm_error (error, "could not encrypt",
        olm_session_last_error (session->olm));
    g_free (out);
    return FALSE;
  }
  out[ret] = '\0';
  *msg_type = type == OLM_MESSAGE_TYPE_PRE_KEY ?
      GST_E2EE_OLM_MESSAGE_PRE_KEY : GST_E2EE_OLM_MESSAGE_NORMAL;
  *body = out;
  return TRUE;
}

/**
 * gst_e2ee_olm_session_decrypt:
 * @session: a session
 * @msg_type: the message type the sender gave: 0 (pre-key) or 1 (normal)
 * @body: the message, base64
 * @len: (out) (optional): the length of the plaintext
 * @error: (nullable): where to report a malformed, forged or replayed
 *   message
 *
 * Decrypts one message. A message that does not authenticate, or whose key
 * was already used (a replay), fails and leaves @session as it was. Messages
 * may arrive out of order within libolm's limits (40 skipped message keys
 * kept per chain, gaps of up to 2000 messages).
 *
 * Returns: (transfer full) (nullable): the plaintext, NUL-terminated;
 *   free it with gst_e2ee_olm_free_secret(). A plaintext with a NUL byte
 *   inside is refused, so the whole of it is wiped on free.
 */
gchar *
gst_e2ee_olm_session_decrypt (GstE2eeOlmSession * session, guint msg_type,
    const gchar * body, gsize * len, GError ** error)
{
  gchar *copy, *plain;
  gsize blen, max, ret;

  g_return_val_if_fail (session != NULL, NULL);

  if (msg_type != GST_E2EE_OLM_MESSAGE_PRE_KEY
      && msg_type != GST_E2EE_OLM_MESSAGE_NORMAL) {
    g_set_error (error, GST_E2EE_ERROR, GST_E2EE_ERROR_OLM,
        "unknown olm message type %u", msg_type);
    return NULL;
  }
  if (!check_base64 (body, GST_E2EE_OLM_MAX_BODY_LEN, "olm message", &blen,
          error))
    return NULL;

  copy = scratch_copy (body, blen);
  max = olm_decrypt_max_plaintext_length (session->olm, msg_type, copy, blen);
  if (max == olm_error ()) {
    wiped_free (copy, blen);
    set_olm_error (error, "could not decrypt",
        olm_session_last_error (session->olm));
    return NULL;
  }
  /* the length query decoded the copy in place: start again */
  memcpy (copy, body, blen);
  plain = g_malloc (max + 1);
  ret = olm_decrypt (session->olm, msg_type, copy, blen, plain, max);
  wiped_free (copy, blen);
  if (ret == olm_error ()) {
    wiped_free (plain, max + 1);
    set_olm_error (error, "could not decrypt",
        olm_session_last_error (session->olm));
    return NULL;
  }
  /* past the plaintext, the buffer may hold the cipher's padding */
  OPENSSL_cleanse (plain + ret, max + 1 - ret);
  plain[ret] = '\0';
  if (memchr (plain, '\0', ret) != NULL) {
    wiped_free (plain, max + 1);
    g_set_error (error, GST_E2EE_ERROR, GST_E2EE_ERROR_OLM,
        "the decrypted message contains a NUL byte");
    return NULL;
  }
  if (len)
    *len = ret;
  return plain;
}

/**
 * gst_e2ee_olm_free_secret:
 * @secret: (nullable) (transfer full): a string from
 *   gst_e2ee_olm_session_decrypt()
 *
 * Wipes and frees @secret.
 */
void
gst_e2ee_olm_free_secret (gchar * secret)
{
  if (secret == NULL)
    return;

  OPENSSL_cleanse (secret, strlen (secret));
  g_free (secret);
}

/**
 * gst_e2ee_olm_session_matches_inbound:
 * @session: a session
 * @their_curve25519: the identity key the sender announced (base64)
 * @prekey_body: the body of a pre-key message (type 0)
 *
 * Tells whether @prekey_body belongs to @session: a peer keeps sending
 * pre-key messages on a session until it first hears back, and those must
 * be decrypted with the existing session, not start a new one.
 *
 * Returns: %TRUE if @prekey_body was made by @their_curve25519 for @session;
 *   %FALSE if not, or if it is malformed
 */
gboolean
gst_e2ee_olm_session_matches_inbound (GstE2eeOlmSession * session,
    const gchar * their_curve25519, const gchar * prekey_body)
{
  gchar *copy;
  gsize len, ret;

  g_return_val_if_fail (session != NULL, FALSE);

  if (!check_public_key (their_curve25519, "identity key", NULL)
      || !check_base64 (prekey_body, GST_E2EE_OLM_MAX_BODY_LEN,
          "pre-key message", &len, NULL))
    return FALSE;

  copy = scratch_copy (prekey_body, len);
  ret = olm_matches_inbound_session_from (session->olm, their_curve25519,
      KEY_B64_LEN, copy, len);
  wiped_free (copy, len);
  return ret == 1;
}

/**
 * gst_e2ee_olm_session_get_id:
 * @session: a session
 *
 * Returns: (transfer full) (nullable): the session id, the same at both
 *   ends; g_free() it
 */
gchar *
gst_e2ee_olm_session_get_id (GstE2eeOlmSession * session)
{
  gsize len, ret;
  gchar *id;

  g_return_val_if_fail (session != NULL, NULL);

  len = olm_session_id_length (session->olm);
  id = g_malloc (len + 1);
  ret = olm_session_id (session->olm, id, len);
  if (ret == olm_error ()) {
    g_free (id);
    return NULL;
  }
  id[ret] = '\0';
  return id;
}

/**
 * gst_e2ee_olm_session_pickle:
 * @session: a session
 * @key: (array length=key_len): the pickle key
 * @key_len: its length, at least 1
 *
 * Serialises @session with its ratchet state, encrypted and authenticated by
 * libolm under a key derived from @key. A session must be pickled again
 * after every message it encrypts or decrypts, or a restored copy would
 * reuse or lose message keys.
 *
 * Returns: (transfer full) (nullable): the base64 pickle; g_free() it
 */
gchar *
gst_e2ee_olm_session_pickle (GstE2eeOlmSession * session,
    const guint8 * key, gsize key_len)
{
  gsize len, ret;
  gchar *pickle;

  g_return_val_if_fail (session != NULL, NULL);
  g_return_val_if_fail (key != NULL && key_len >= 1, NULL);

  len = olm_pickle_session_length (session->olm);
  pickle = g_malloc (len + 1);
  ret = olm_pickle_session (session->olm, key, key_len, pickle, len);
  if (ret == olm_error ()) {
    wiped_free (pickle, len + 1);
    return NULL;
  }
  pickle[ret] = '\0';
  return pickle;
}

/**
 * gst_e2ee_olm_session_unpickle:
 * @pickle: a pickle from gst_e2ee_olm_session_pickle()
 * @key: (array length=key_len): the pickle key it was made with
 * @key_len: its length, at least 1
 * @error: (nullable): where to report a wrong key or a corrupt pickle
 *
 * Returns: (transfer full) (nullable): the session
 */
GstE2eeOlmSession *
gst_e2ee_olm_session_unpickle (const gchar * pickle, const guint8 * key,
    gsize key_len, GError ** error)
{
  GstE2eeOlmSession *session;
  gchar *copy;
  gsize len, ret;

  g_return_val_if_fail (key != NULL && key_len >= 1, NULL);

  if (!check_base64 (pickle, MAX_PICKLE_LEN, "session pickle", &len, error))
    return NULL;

  session = session_alloc ();
  copy = scratch_copy (pickle, len);
  ret = olm_unpickle_session (session->olm, key, key_len, copy, len);
  /* now holds the decrypted ratchet state */
  wiped_free (copy, len);
  if (ret == olm_error ()) {
    set_olm_error (error, "could not unpickle the olm session",
        olm_session_last_error (session->olm));
    gst_e2ee_olm_session_free (session);
    return NULL;
  }
  return session;
}

/* ---- short authentication strings ---- */

/**
 * gst_e2ee_olm_sas_free:
 * @sas: (nullable) (transfer full): a SAS object
 *
 * Clears the SAS object's private key and shared secret from memory and
 * frees it.
 */
void
gst_e2ee_olm_sas_free (GstE2eeOlmSas * sas)
{
  if (sas == NULL)
    return;

  olm_clear_sas (sas->olm);
  OPENSSL_cleanse (sas->mem, sas->mem_size);
  g_free (sas->mem);
  OPENSSL_cleanse (sas, sizeof (*sas));
  g_free (sas);
}

/**
 * gst_e2ee_olm_sas_new:
 * @error: (nullable): where to report a failure
 *
 * Makes a SAS object with a fresh ephemeral Curve25519 key pair
 * (`new Olm.SAS()`).
 *
 * Returns: (transfer full) (nullable): the SAS object
 */
GstE2eeOlmSas *
gst_e2ee_olm_sas_new (GError ** error)
{
  GstE2eeOlmSas *sas;
  guint8 *random;
  gsize rlen;
  gpointer mem = g_malloc (olm_sas_size ());

  rlen = olm_create_sas_random_length (olm_sas (mem));
  g_free (mem);
  random = random_new (rlen, error);
  if (random == NULL)
    return NULL;
  sas = gst_e2ee_olm_sas_new_from_random (random, rlen, error);
  random_free (random, rlen);
  return sas;
}

/*
 * gst_e2ee_olm_sas_new_from_random:
 * @random: the SAS private key's randomness (olm_create_sas_random_length()
 *   bytes)
 * @len: its length
 *
 * A SAS object whose private key comes from @random: the tests use it to
 * reproduce known answers computed with libolm's JavaScript binding fed the
 * same bytes; everything else calls gst_e2ee_olm_sas_new().
 */
GstE2eeOlmSas *
gst_e2ee_olm_sas_new_from_random (const guint8 * random, gsize len,
    GError ** error)
{
  GstE2eeOlmSas *sas = g_new0 (GstE2eeOlmSas, 1);
  gsize ret;
  guint8 *copy;

  sas->mem_size = olm_sas_size ();
  sas->mem = g_malloc (sas->mem_size);
  sas->olm = olm_sas (sas->mem);

  if (len != olm_create_sas_random_length (sas->olm)) {
    g_set_error (error, GST_E2EE_ERROR, GST_E2EE_ERROR_OLM,
        "SAS randomness of the wrong length");
    goto fail;
  }
  /* libolm may scribble over the buffer it is given */
  copy = g_memdup2 (random, len);
  ret = olm_create_sas (sas->olm, copy, len);
  OPENSSL_cleanse (copy, len);
  g_free (copy);
  if (ret == olm_error ()) {
    set_olm_error (error, "could not create a SAS object",
        olm_sas_last_error (sas->olm));
    goto fail;
  }

  if (olm_sas_pubkey_length (sas->olm) != KEY_B64_LEN) {
    g_set_error (error, GST_E2EE_ERROR, GST_E2EE_ERROR_OLM,
        "unexpected SAS public key length");
    goto fail;
  }
  ret = olm_sas_get_pubkey (sas->olm, sas->pubkey, KEY_B64_LEN);
  if (ret == olm_error ()) {
    set_olm_error (error, "could not read the SAS public key",
        olm_sas_last_error (sas->olm));
    goto fail;
  }
  sas->pubkey[KEY_B64_LEN] = '\0';
  return sas;

fail:
  gst_e2ee_olm_sas_free (sas);
  return NULL;
}

/**
 * gst_e2ee_olm_sas_get_pubkey:
 * @sas: a SAS object
 *
 * Returns: (transfer none): the ephemeral public key to send in sas-key,
 *   unpadded base64; owned by @sas
 */
const gchar *
gst_e2ee_olm_sas_get_pubkey (GstE2eeOlmSas * sas)
{
  g_return_val_if_fail (sas != NULL, NULL);

  return sas->pubkey;
}

/**
 * gst_e2ee_olm_sas_set_their_key:
 * @sas: a SAS object
 * @their_key: the peer's ephemeral public key from its sas-key message
 * @error: (nullable): where to report a malformed key
 *
 * Computes the shared secret that the short authentication string and the
 * MACs derive from.
 *
 * Returns: %TRUE on success
 */
gboolean
gst_e2ee_olm_sas_set_their_key (GstE2eeOlmSas * sas, const gchar * their_key,
    GError ** error)
{
  gchar copy[KEY_B64_LEN + 1];
  gsize ret;

  g_return_val_if_fail (sas != NULL, FALSE);

  if (!check_public_key (their_key, "SAS key", error))
    return FALSE;

  memcpy (copy, their_key, sizeof (copy));
  ret = olm_sas_set_their_key (sas->olm, copy, KEY_B64_LEN);
  OPENSSL_cleanse (copy, sizeof (copy));
  if (ret == olm_error ()) {
    set_olm_error (error, "could not set the SAS key",
        olm_sas_last_error (sas->olm));
    return FALSE;
  }
  return TRUE;
}

/**
 * gst_e2ee_olm_sas_is_their_key_set:
 * @sas: a SAS object
 *
 * Returns: whether gst_e2ee_olm_sas_set_their_key() succeeded on @sas
 */
gboolean
gst_e2ee_olm_sas_is_their_key_set (GstE2eeOlmSas * sas)
{
  g_return_val_if_fail (sas != NULL, FALSE);

  return olm_sas_is_their_key_set (sas->olm) != 0;
}

/**
 * gst_e2ee_olm_sas_generate_bytes:
 * @sas: a SAS object with the peer's key set
 * @info: the info string both sides agree on
 * @out: (out caller-allocates) (array length=out_len): where to write
 * @out_len: how many bytes, 1 to 8160 (6 for gst_e2ee_sas_decimal() and
 *   gst_e2ee_sas_emoji_indexes())
 *
 * HKDF-SHA256 of the shared secret with @info (`sas.generate_bytes()`).
 *
 * Returns: %FALSE if the peer's key is not set or @out_len is out of range
 */
gboolean
gst_e2ee_olm_sas_generate_bytes (GstE2eeOlmSas * sas, const gchar * info,
    guint8 * out, gsize out_len)
{
  g_return_val_if_fail (sas != NULL, FALSE);
  g_return_val_if_fail (info != NULL, FALSE);
  g_return_val_if_fail (out != NULL, FALSE);

  if (out_len == 0 || out_len > MAX_SAS_BYTES)
    return FALSE;
  return olm_sas_generate_bytes (sas->olm, info, strlen (info), out,
      out_len) != olm_error ();
}

/**
 * gst_e2ee_olm_sas_calculate_mac:
 * @sas: a SAS object with the peer's key set
 * @input: what to authenticate (a key, or the list of key ids)
 * @info: the info string both sides agree on
 * @error: (nullable): where to report a failure
 *
 * The MAC of lib-jitsi-meet's sas-mac message: `sas.calculate_mac()` of
 * libolm's JavaScript binding, which calls olm_sas_calculate_mac(), not
 * olm_sas_calculate_mac_fixed_base64(). That is HMAC-SHA256 keyed with
 * HKDF-SHA256 (secret, @info), base64-encoded in place over its own input,
 * so it is not the standard base64 of the HMAC (Matrix's
 * "hkdf-hmac-sha256"; the fixed variant is "hkdf-hmac-sha256.v2"). Peers
 * compare these strings, so only the same variant interoperates.
 *
 * Returns: (transfer full) (nullable): the MAC, 43 base64 characters;
 *   g_free() it
 */
gchar *
gst_e2ee_olm_sas_calculate_mac (GstE2eeOlmSas * sas, const gchar * input,
    const gchar * info, GError ** error)
{
  gsize len, ret;
  gchar *mac;

  g_return_val_if_fail (sas != NULL, NULL);
  g_return_val_if_fail (input != NULL && info != NULL, NULL);

  if (!olm_sas_is_their_key_set (sas->olm)) {
    g_set_error (error, GST_E2EE_ERROR, GST_E2EE_ERROR_OLM,
        "could not calculate the SAS MAC: the peer's key is not set");
    return NULL;
  }
  len = olm_sas_mac_length (sas->olm);
  mac = g_malloc (len + 1);
  ret = olm_sas_calculate_mac (sas->olm, input, strlen (input), info,
      strlen (info), mac, len);
  if (ret == olm_error ()) {
    set_olm_error (error, "could not calculate the SAS MAC",
        olm_sas_last_error (sas->olm));
    g_free (mac);
    return NULL;
  }
  mac[len] = '\0';
  return mac;
}

/**
 * gst_e2ee_olm_sha256:
 * @input: a UTF-8 string
 *
 * What `Olm.Utility.sha256()` gives, used for the SAS commitment: SHA-256
 * of @input's bytes, unpadded base64.
 *
 * Returns: (transfer full) (nullable): the hash, 43 characters, or %NULL
 *   if OpenSSL failed; g_free() it
 */
gchar *
gst_e2ee_olm_sha256 (const gchar * input)
{
  guchar digest[32];
  unsigned int dlen = 0;
  gchar *b64;

  g_return_val_if_fail (input != NULL, NULL);

  if (EVP_Digest (input, strlen (input), digest, &dlen, EVP_sha256 (),
          NULL) != 1 || dlen != sizeof (digest))
    return NULL;
  b64 = g_base64_encode (digest, sizeof (digest));
  /* 32 bytes: 44 characters, the last one the padding '=' */
  b64[KEY_B64_LEN] = '\0';
  return b64;
}

/*
 * gst_e2ee_olm_account_sign:
 * @account: an account
 * @message: what to sign
 *
 * Returns: the ed25519 signature of @message with the account's
 * fingerprint key, unpadded base64 (olm_account_sign()), or %NULL
 */
gchar *
gst_e2ee_olm_account_sign (GstE2eeOlmAccount * account, const gchar * message)
{
  gsize len, ret;
  gchar *sig;

  g_return_val_if_fail (account != NULL && message != NULL, NULL);

  len = olm_account_signature_length (account->olm);
  sig = g_malloc (len + 1);
  ret = olm_account_sign (account->olm, message, strlen (message), sig, len);
  if (ret == olm_error ()) {
    g_free (sig);
    return NULL;
  }
  sig[ret] = '\0';
  return sig;
}

/*
 * gst_e2ee_olm_ed25519_verify:
 * @ed25519: an ed25519 public key, unpadded base64
 * @message: what was signed
 * @signature: the signature, unpadded base64
 *
 * Returns: whether @signature is @ed25519's signature of @message
 * (olm_ed25519_verify(), what Olm.Utility.ed25519_verify() calls)
 */
gboolean
gst_e2ee_olm_ed25519_verify (const gchar * ed25519, const gchar * message,
    const gchar * signature)
{
  gpointer mem;
  OlmUtility *util;
  gchar *sig;
  gsize ret;

  g_return_val_if_fail (ed25519 && message && signature, FALSE);

  mem = g_malloc (olm_utility_size ());
  util = olm_utility (mem);
  /* libolm decodes the signature in place */
  sig = g_strdup (signature);
  ret = olm_ed25519_verify (util, ed25519, strlen (ed25519), message,
      strlen (message), sig, strlen (sig));
  g_free (sig);
  olm_clear_utility (util);
  g_free (mem);
  return ret != olm_error ();
}
