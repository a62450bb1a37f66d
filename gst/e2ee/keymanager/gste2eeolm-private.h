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

/* Private to libgste2ee: not installed, not introspected, not exported.
 * The only interface to libolm in the project; nothing else includes
 * <olm/...>, so vodozemac can replace libolm behind these functions.
 *
 * None of these objects is MT safe: the key manager serialises all calls
 * under its lock. */

#ifndef __GST_E2EE_OLM_PRIVATE_H__
#define __GST_E2EE_OLM_PRIVATE_H__

#include <gst/e2ee/gste2eetypes.h>

G_BEGIN_DECLS

/* Longest olm message body (base64) accepted or produced. */
#define GST_E2EE_OLM_MAX_BODY_LEN (64 * 1024)

/* olm message types, as in the "type" field of lib-jitsi-meet's ciphertext */
#define GST_E2EE_OLM_MESSAGE_PRE_KEY 0
#define GST_E2EE_OLM_MESSAGE_NORMAL 1

typedef struct _GstE2eeOlmAccount GstE2eeOlmAccount;
typedef struct _GstE2eeOlmSession GstE2eeOlmSession;
typedef struct _GstE2eeOlmSas GstE2eeOlmSas;

G_GNUC_INTERNAL
GstE2eeOlmAccount * gst_e2ee_olm_account_new (GError ** error);

G_GNUC_INTERNAL
void gst_e2ee_olm_account_free (GstE2eeOlmAccount * account);

G_GNUC_INTERNAL
const gchar * gst_e2ee_olm_account_get_curve25519 (GstE2eeOlmAccount * account);

G_GNUC_INTERNAL
const gchar * gst_e2ee_olm_account_get_ed25519 (GstE2eeOlmAccount * account);

G_GNUC_INTERNAL
gchar * gst_e2ee_olm_account_new_one_time_key (GstE2eeOlmAccount * account,
    GError ** error);

G_GNUC_INTERNAL
gboolean gst_e2ee_olm_account_remove_one_time_keys (GstE2eeOlmAccount * account,
    GstE2eeOlmSession * session);

G_GNUC_INTERNAL
gchar * gst_e2ee_olm_account_pickle (GstE2eeOlmAccount * account,
    const guint8 * key, gsize key_len);

G_GNUC_INTERNAL
GstE2eeOlmAccount * gst_e2ee_olm_account_unpickle (const gchar * pickle,
    const guint8 * key, gsize key_len, GError ** error);

G_GNUC_INTERNAL
GstE2eeOlmSession * gst_e2ee_olm_session_new_outbound (
    GstE2eeOlmAccount * account, const gchar * their_curve25519,
    const gchar * their_one_time_key, GError ** error);

G_GNUC_INTERNAL
GstE2eeOlmSession * gst_e2ee_olm_session_new_inbound (
    GstE2eeOlmAccount * account, const gchar * their_curve25519,
    const gchar * prekey_body, GError ** error);

G_GNUC_INTERNAL
void gst_e2ee_olm_session_free (GstE2eeOlmSession * session);

G_GNUC_INTERNAL
gboolean gst_e2ee_olm_session_encrypt (GstE2eeOlmSession * session,
    const gchar * plaintext, gsize len, guint * msg_type, gchar ** body,
    GError ** error);

G_GNUC_INTERNAL
gchar * gst_e2ee_olm_session_decrypt (GstE2eeOlmSession * session,
    guint msg_type, const gchar * body, gsize * len, GError ** error);

G_GNUC_INTERNAL
void gst_e2ee_olm_free_secret (gchar * secret);

G_GNUC_INTERNAL
gboolean gst_e2ee_olm_session_matches_inbound (GstE2eeOlmSession * session,
    const gchar * their_curve25519, const gchar * prekey_body);

G_GNUC_INTERNAL
gchar * gst_e2ee_olm_session_get_id (GstE2eeOlmSession * session);

G_GNUC_INTERNAL
gchar * gst_e2ee_olm_session_pickle (GstE2eeOlmSession * session,
    const guint8 * key, gsize key_len);

G_GNUC_INTERNAL
GstE2eeOlmSession * gst_e2ee_olm_session_unpickle (const gchar * pickle,
    const guint8 * key, gsize key_len, GError ** error);

G_GNUC_INTERNAL
GstE2eeOlmSas * gst_e2ee_olm_sas_new (GError ** error);

G_GNUC_INTERNAL
GstE2eeOlmSas * gst_e2ee_olm_sas_new_from_random (const guint8 * random,
    gsize len, GError ** error);

G_GNUC_INTERNAL
gchar * gst_e2ee_olm_account_sign (GstE2eeOlmAccount * account,
    const gchar * message);

G_GNUC_INTERNAL
gboolean gst_e2ee_olm_ed25519_verify (const gchar * ed25519,
    const gchar * message, const gchar * signature);

G_GNUC_INTERNAL
void gst_e2ee_olm_sas_free (GstE2eeOlmSas * sas);

G_GNUC_INTERNAL
const gchar * gst_e2ee_olm_sas_get_pubkey (GstE2eeOlmSas * sas);

G_GNUC_INTERNAL
gboolean gst_e2ee_olm_sas_set_their_key (GstE2eeOlmSas * sas,
    const gchar * their_key, GError ** error);

G_GNUC_INTERNAL
gboolean gst_e2ee_olm_sas_is_their_key_set (GstE2eeOlmSas * sas);

G_GNUC_INTERNAL
gboolean gst_e2ee_olm_sas_generate_bytes (GstE2eeOlmSas * sas,
    const gchar * info, guint8 * out, gsize out_len);

G_GNUC_INTERNAL
gchar * gst_e2ee_olm_sas_calculate_mac (GstE2eeOlmSas * sas,
    const gchar * input, const gchar * info, GError ** error);

G_GNUC_INTERNAL
gchar * gst_e2ee_olm_sha256 (const gchar * input);

G_END_DECLS

#endif /* __GST_E2EE_OLM_PRIVATE_H__ */
