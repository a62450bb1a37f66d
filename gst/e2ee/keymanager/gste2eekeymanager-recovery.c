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
 * Recovery of GstE2eeKeyManager's sessions and keys (issue 14): what was
 * lost in a restart or on the way is sent again or made anew, each within
 * a bound that a hostile peer cannot stretch (RECOVERY_INTERVAL_MS,
 * MAX_RECOVERIES, the retry back-off up to MAX_RETRY_TIMEOUT_MS). See
 * "Recovery" in docs/keymanager.md. Everything here runs on the manager's
 * thread with the manager lock held.
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gste2eekeymanager-private.h"

#include <string.h>

#define GST_CAT_DEFAULT gst_e2ee_key_manager_debug

/* A retry of something sent to participant @id (the manager's thread) */
typedef struct
{
  GstE2eeKeyManager *self;
  gchar *id;
  gchar *uuid;
    gboolean (*func) (GstE2eeKeyManager * self, Participant * p,
      const gchar * uuid);
} Retry;

static void
retry_free (Retry * r)
{
  g_free (r->id);
  g_free (r->uuid);
  g_free (r);
}

static gboolean
retry_cb (gpointer user_data)
{
  Retry *r = user_data;
  GstE2eeKeyManager *self = r->self;
  gboolean sent = FALSE;
  Participant *p;

  GST_E2EE_KEY_MANAGER_LOCK (self);
  p = g_hash_table_lookup (self->participants, r->id);
  if (p)
    sent = r->func (self, p, r->uuid);
  GST_E2EE_KEY_MANAGER_UNLOCK (self);
  if (sent)
    _gst_e2ee_km_flush_queued (self);
  return G_SOURCE_REMOVE;
}

/* (re)arms @source to call @func for @p after *@ms, and doubles *@ms up to
 * MAX_RETRY_TIMEOUT_MS */
static void
arm_retry (GstE2eeKeyManager * self, Participant * p, GSource ** source,
    guint * ms, const gchar * uuid, gboolean (*func) (GstE2eeKeyManager *,
        Participant *, const gchar *))
{
  Retry *r = g_new0 (Retry, 1);

  _gst_e2ee_km_clear_source (source);
  r->self = self;
  r->id = g_strdup (p->id);
  r->uuid = g_strdup (uuid);
  r->func = func;
  *source = g_timeout_source_new (*ms);
  g_source_set_callback (*source, retry_cb, r, (GDestroyNotify) retry_free);
  g_source_attach (*source, self->context);
  *ms = MIN (*ms * 2, MAX_RETRY_TIMEOUT_MS);
}

static gboolean
hello_retry (GstE2eeKeyManager * self, Participant * p, const gchar * unused)
{
  /* returning G_SOURCE_REMOVE destroys it */
  g_clear_pointer (&p->hello_timeout, g_source_unref);
  if (p->curve25519 || !p->admitted)
    return FALSE;
  GST_DEBUG_OBJECT (self, "no answer from %s to our hello; again", p->id);
  _gst_e2ee_km_send_hello_locked (self, p->transport, p->id, FALSE);
  arm_retry (self, p, &p->hello_timeout, &p->hello_retry_ms, NULL, hello_retry);
  return TRUE;
}

/* @p was admitted and was sent our hello, but we have not heard its: the
 * hello or its answer may be lost */
void
_gst_e2ee_km_retry_hello_locked (GstE2eeKeyManager * self, Participant * p)
{
  if (!p->curve25519 && !p->hello_timeout)
    arm_retry (self, p, &p->hello_timeout, &p->hello_retry_ms, NULL,
        hello_retry);
}

const gchar *
_gst_e2ee_km_awaited_uuid (GstE2eeKeyManager * self, Participant * p)
{
  GHashTableIter iter;
  gpointer k, v;

  g_hash_table_iter_init (&iter, self->awaiting_ack);
  while (g_hash_table_iter_next (&iter, &k, &v))
    if (g_str_equal (v, p->id))
      return k;
  return NULL;
}

static gboolean
key_retry (GstE2eeKeyManager * self, Participant * p, const gchar * uuid)
{
  const gchar *awaited;
  gchar *fresh;

  g_clear_pointer (&p->key_timeout, g_source_unref);
  if (g_strcmp0 (p->key_uuid, uuid) != 0 || !p->joined || !p->session
      || !p->may_get_key)
    return FALSE;
  /* the key-info or its ack was lost: our key as it is now (a rotation
   * waiting for this participant keeps the uuid it waits for) */
  GST_DEBUG_OBJECT (self, "%s did not acknowledge our key; again", p->id);
  self->stats.keys_resent++;
  /* the same uuid, so that the wait keeps doubling (a new uuid is a new
   * key-info and starts again at 5 s) */
  awaited = _gst_e2ee_km_awaited_uuid (self, p);
  fresh = g_strdup (awaited ? awaited : uuid);
  _gst_e2ee_km_send_key_info_locked (self, p, "key-info", fresh);
  g_free (fresh);
  return TRUE;
}

/* a key-info with @uuid went to @p: it is sent again if its ack does not
 * come */
void
_gst_e2ee_km_key_sent_locked (GstE2eeKeyManager * self, Participant * p,
    const gchar * uuid)
{
  if (g_strcmp0 (p->key_uuid, uuid) != 0)
    p->key_retry_ms = REQUEST_TIMEOUT_MS;
  g_free (p->key_uuid);
  p->key_uuid = g_strdup (uuid);
  arm_retry (self, p, &p->key_timeout, &p->key_retry_ms, uuid, key_retry);
}

void
_gst_e2ee_km_key_acked_locked (Participant * p, const gchar * uuid)
{
  if (g_strcmp0 (p->key_uuid, uuid) == 0) {
    g_clear_pointer (&p->key_uuid, g_free);
    _gst_e2ee_km_clear_source (&p->key_timeout);
    p->key_retry_ms = REQUEST_TIMEOUT_MS;
  }
}

/* @p lost its end of our session (it says so, or what it sends does not
 * decrypt): a fresh one. Between two of ours only the lower id starts
 * sessions, as on a first join, so two managers that both lost theirs
 * never cross session-inits; the higher id's error ("Could not decrypt",
 * "No session found") is what asks the lower one. A peer whose hello was
 * not signed is not one of ours (every gst-e2ee manager signs its hello;
 * lib-jitsi-meet carries its keys in presence, unsigned): it never starts
 * a session again by itself, and takes a session-init from any id while
 * it has none, so towards it the higher id starts one too (once its
 * unsigned hello came: the state file does not say who signs). Bounded:
 * see RECOVERY_INTERVAL_MS. */
void
_gst_e2ee_km_recover_session_locked (GstE2eeKeyManager * self, Participant * p)
{
  gint64 now = g_get_monotonic_time ();

  if (!p->joined || !p->admitted)
    return;
  /* a participant restored from the state file counts as one of ours
   * until its hello says otherwise */
  if (strcmp (self->local_id, p->id) >= 0) {
    if (p->keys_signed || !p->hello_taken)
      return;
    /* lib-jitsi-meet answers a copy of our session-ack with "No session
     * found" while the session works: what it sent in the last moments
     * decrypted, so it holds the session (a new one would only be refused
     * as "Session already established") */
    if (p->works_time != 0 && now - p->works_time <
        RECOVERY_INTERVAL_MS * G_TIME_SPAN_MILLISECOND) {
      GST_DEBUG_OBJECT (self, "%s holds our session; no new one", p->id);
      self->stats.recoveries_refused++;
      return;
    }
  }
  /* one under way already: its retries take over (refused all the same:
   * every request is either acted on or counted) */
  if (p->pending_uuid) {
    self->stats.recoveries_refused++;
    return;
  }
  if ((p->recovery_time != 0 && now - p->recovery_time <
          RECOVERY_INTERVAL_MS * G_TIME_SPAN_MILLISECOND)
      || p->recoveries >= MAX_RECOVERIES) {
    GST_DEBUG_OBJECT (self, "no new session with %s yet (%u in a row)",
        p->id, p->recoveries);
    self->stats.recoveries_refused++;
    return;
  }
  p->recovery_time = now;
  p->recoveries++;
  self->stats.sessions_restarted++;
  GST_INFO_OBJECT (self, "%s lost our session: starting a new one", p->id);
  p->retry_timeout_ms = REQUEST_TIMEOUT_MS;
  _gst_e2ee_km_send_session_init_locked (self, p);
}

gboolean
_gst_e2ee_km_seen_body (Participant * p, guint hash)
{
  guint i;

  for (i = 0; i < p->n_seen_bodies; i++)
    if (p->seen_bodies[i] == hash)
      return TRUE;
  return FALSE;
}

void
_gst_e2ee_km_remember_body (Participant * p, guint hash)
{
  if (p->n_seen_bodies == MAX_SEEN_BODIES) {
    memmove (p->seen_bodies, p->seen_bodies + 1,
        (MAX_SEEN_BODIES - 1) * sizeof (guint));
    p->n_seen_bodies--;
  }
  p->seen_bodies[p->n_seen_bodies++] = hash;
}

gboolean
_gst_e2ee_km_is_pre_key (JsonObject * ct)
{
  JsonNode *n = json_object_get_member (ct, "type");

  return n && JSON_NODE_HOLDS_VALUE (n)
      && json_node_get_value_type (n) == G_TYPE_INT64
      && json_node_get_int (n) == 0;
}

/* @p answered our session-init with "Session already established": it
 * keeps a session with us that we do not have (lib-jitsi-meet keeps the
 * session of the first session-init until it sees us leave, and nothing on
 * the wire makes it give that up). Its next message on that session would
 * still give it to us (adoption), but a higher id sends only when it
 * rotates: the second such answer in a row (to two of our session-inits)
 * is told to the application once, which can act (the peer must see us
 * leave and join again, or our e2ee turned off and on). The retries go on
 * with their back-off all the same. */
void
_gst_e2ee_km_init_refused_locked (GstE2eeKeyManager * self, Participant * p)
{
  /* anyone can send the error in its name: only an answer to a
   * session-init of ours that waits counts, once per session-init */
  if (!p->pending_uuid || g_strcmp0 (p->refused_uuid, p->pending_uuid) == 0)
    return;
  g_free (p->refused_uuid);
  p->refused_uuid = g_strdup (p->pending_uuid);
  p->inits_refused++;
  if (p->inits_refused < 2 || p->stuck_warned)
    return;
  p->stuck_warned = TRUE;
  self->stats.sessions_stuck++;
  GST_WARNING_OBJECT (self, "%s keeps refusing a new session", p->id);
  _gst_e2ee_km_queue (self, QUEUED_WARNING, p->id,
      g_strdup_printf (_("%s keeps an olm session that we no longer have "
              "and refuses a new one (\"Session already established\"): "
              "no keys flow with it until it sees us leave the call and "
              "join again, or sees our end-to-end encryption turned off and "
              "on again"), p->id));
}

/* a session with @p works again (its ack came, or its message decrypted) */
void
_gst_e2ee_km_session_works_locked (Participant * p)
{
  p->works_time = g_get_monotonic_time ();
  p->recoveries = 0;
  p->inits_refused = 0;
  p->stuck_warned = FALSE;
  g_clear_pointer (&p->refused_uuid, g_free);
}

/* A pre-key message from @p that decrypts on none of its sessions: the
 * first message of a session it made from one of our one-time keys, whose
 * session-ack we never got (lost; lib-jitsi-meet then answers our next
 * session-init with "Session already established" and keeps that
 * session). olm checks that it was made with @p's identity key and one of
 * our one-time keys, which it then forgets, so a replay cannot do it
 * again. The session becomes @p's: one session on both sides. */
gchar *
_gst_e2ee_km_adopt_pre_key_locked (GstE2eeKeyManager * self, Participant * p,
    const gchar * body)
{
  GstE2eeOlmAccount *account = _gst_e2ee_km_account_locked (self);
  GstE2eeOlmSession *s;
  gchar *plain;

  s = gst_e2ee_olm_session_new_inbound (account, p->curve25519, body, NULL);
  if (!s)
    return NULL;
  plain = gst_e2ee_olm_session_decrypt (s, 0, body, NULL, NULL);
  if (!plain) {
    gst_e2ee_olm_session_free (s);
    return NULL;
  }
  GST_INFO_OBJECT (self, "%s uses a session made from our one-time key", p->id);
  gst_e2ee_olm_account_remove_one_time_keys (account, s);
  if (p->session)
    gst_e2ee_olm_session_free (p->session);
  p->session = s;
  g_clear_pointer (&p->session_uuid, g_free);
  _gst_e2ee_km_clear_pending (p);
  _gst_e2ee_km_clear_candidate (p);
  p->retry_timeout_ms = REQUEST_TIMEOUT_MS;
  self->stats.sessions++;
  self->stats.sessions_adopted++;
  self->state_dirty = TRUE;
  return plain;
}

/* A hello from @p, already in the call with a session, that asks for an
 * answer: it restarted (or its application admitted us again) and may have
 * lost our key with its memory. It gets our current key again on the
 * session; if that session is gone at its end, the error it answers with
 * starts a new one. Bounded like a recovery: anyone can send the hello. */
void
_gst_e2ee_km_resend_key_locked (GstE2eeKeyManager * self, Participant * p)
{
  gint64 now = g_get_monotonic_time ();
  gchar *uuid;

  if (!p->joined || !p->session || p->sent_serial == 0)
    return;
  if (p->key_resent_time != 0 && now - p->key_resent_time <
      RECOVERY_INTERVAL_MS * G_TIME_SPAN_MILLISECOND) {
    self->stats.recoveries_refused++;
    return;
  }
  p->key_resent_time = now;
  self->stats.keys_resent++;
  uuid = _gst_e2ee_km_new_uuid ();
  _gst_e2ee_km_send_key_info_locked (self, p, "key-info", uuid);
  g_free (uuid);
}

/* @p announced identity keys other than those we know: the same peer back
 * without its state file, or someone else using its id. By default it is
 * taken only through a relay that authenticated the sender (@sender): the
 * same member of the room with a new olm account. The relay could as well
 * have told us that it left and came back (its roster is what admits), so
 * the new identity keeps @p's admission (*@admitted) and this gives nobody
 * a power the relay did not have. On any other transport anyone can write
 * any id, and trust on first use refuses it, unless the application said
 * its transport is trusted (GST_E2EE_IDENTITY_CHANGE_ACCEPT). The old
 * participant leaves (its keys go, our key rotates) and the new one comes,
 * unverified, at most once per RECOVERY_INTERVAL_MS. A verified
 * participant is always refused. Returns TRUE if @p was removed. */
gboolean
_gst_e2ee_km_replace_identity_locked (GstE2eeKeyManager * self, Participant * p,
    const gchar * sender, gint64 * last, gboolean * admitted)
{
  gint64 now = g_get_monotonic_time ();

  if (p->verified || self->identity_change == GST_E2EE_IDENTITY_CHANGE_REFUSE
      || (!sender && self->identity_change != GST_E2EE_IDENTITY_CHANGE_ACCEPT))
    return FALSE;
  if (p->recovery_time != 0 && now - p->recovery_time <
      RECOVERY_INTERVAL_MS * G_TIME_SPAN_MILLISECOND) {
    self->stats.recoveries_refused++;
    return FALSE;
  }
  GST_INFO_OBJECT (self, "%s came back with a new identity", p->id);
  self->stats.identities_replaced++;
  *last = now;
  *admitted = p->admitted;
  _gst_e2ee_km_leave_locked (self, p);
  return TRUE;
}
