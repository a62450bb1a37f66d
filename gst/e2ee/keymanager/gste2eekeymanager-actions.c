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
 * What is asked of GstE2eeKeyManager, from any thread: the application's
 * calls (its public API and the actions behind them) and the transports'
 * (gste2eekeymanager-transport.h). Each hands a work item to the manager's
 * thread (gste2eekeymanager.c starts it), which does the work under the
 * lock and then flushes what it queued (sends, signals) with no lock held.
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gste2eekeymanager-private.h"

#include <string.h>
#include <openssl/crypto.h>

#define GST_CAT_DEFAULT gst_e2ee_key_manager_debug

/* --- work handed to the protocol thread --- */

typedef struct
{
  GstE2eeKeyManager *self;
  gchar *participant;
  gchar *text;
  GstE2eeKmTransport *transport;
  gboolean flag;
  GstElement *webrtcbin;
  /* flush */
  GMutex *mutex;
  GCond *cond;
  gboolean *done;
} Work;

static void
work_free (Work * w)
{
  g_free (w->participant);
  if (w->text) {
    OPENSSL_cleanse (w->text, strlen (w->text));
    g_free (w->text);
  }
  g_free (w);
}

static Work *
work_new (GstE2eeKeyManager * self, const gchar * participant)
{
  Work *w = g_new0 (Work, 1);

  w->self = self;
  w->participant = g_strdup (participant);
  return w;
}

static gboolean
do_receive (gpointer data)
{
  Work *w = data;

  GST_E2EE_KEY_MANAGER_LOCK (w->self);
  w->self->queued_in--;
  w->self->queued_in_bytes -= strlen (w->text);
  _gst_e2ee_km_handle_message_locked (w->self, w->transport, w->participant,
      w->text);
  GST_E2EE_KEY_MANAGER_UNLOCK (w->self);
  _gst_e2ee_km_flush_queued (w->self);
  return G_SOURCE_REMOVE;
}

/* The one way in for received messages: @sender, if not NULL, is who a
 * relay says wrote @text (receive-message-from). Returns FALSE if @text was
 * dropped unread. */
static gboolean
receive (GstE2eeKeyManager * self, GstE2eeKmTransport * transport,
    const gchar * sender, const gchar * text)
{
  gsize len = text ? strlen (text) : 0;
  Work *w;

  GST_E2EE_KEY_MANAGER_LOCK (self);
  if (!text || len > MAX_MESSAGE_SIZE) {
    self->stats.messages_in++;
    self->stats.malformed++;
    GST_E2EE_KEY_MANAGER_UNLOCK (self);
    return FALSE;
  }
  /* the thread is behind (a flood): what it cannot take in is dropped
   * here rather than queued without limit */
  if (self->queued_in >= MAX_QUEUED_MESSAGES
      || self->queued_in_bytes + len > MAX_QUEUED_BYTES) {
    self->stats.messages_in++;
    self->stats.dropped++;
    GST_E2EE_KEY_MANAGER_UNLOCK (self);
    GST_LOG_OBJECT (self, "too many messages waiting; dropped one");
    return FALSE;
  }
  self->queued_in++;
  self->queued_in_bytes += len;
  GST_E2EE_KEY_MANAGER_UNLOCK (self);

  w = work_new (self, sender);
  w->transport = transport;
  w->text = g_strdup (text);
  _gst_e2ee_km_invoke (self, do_receive, w, (GDestroyNotify) work_free);
  return TRUE;
}

/* Called by transports from their threads, and by receive-message (the
 * NULL transport). Returns FALSE if @text was dropped unread. */
gboolean
_gst_e2ee_km_transport_received (GstE2eeKeyManager * self,
    GstE2eeKmTransport * transport, const gchar * text)
{
  return receive (self, transport, NULL, text);
}

/* --- transports (gste2eekeymanager-transport.h) --- */

/* Any thread. */
void
_gst_e2ee_km_transport_add (GstE2eeKeyManager * self,
    GstE2eeKmTransport * transport)
{
  g_queue_init (&transport->pending);
  GST_E2EE_KEY_MANAGER_LOCK (self);
  g_ptr_array_add (self->transports, transport);
  GST_E2EE_KEY_MANAGER_UNLOCK (self);
}

static gboolean
do_transport_open (gpointer data)
{
  Work *w = data;
  GstE2eeKeyManager *self = w->self;
  GstE2eeKmTransport *t = w->transport;
  gchar *text;

  GST_E2EE_KEY_MANAGER_LOCK (self);
  t->open = !t->closed;
  if (t->open)
    _gst_e2ee_km_send_hello_locked (self, t, NULL, FALSE);
  GST_E2EE_KEY_MANAGER_UNLOCK (self);

  /* what was sent before it opened goes first */
  while ((text = g_queue_pop_head (&t->pending))) {
    _gst_e2ee_km_transport_send (t, text);
    g_free (text);
  }
  _gst_e2ee_km_flush_queued (self);
  return G_SOURCE_REMOVE;
}

/* A transport that closes hands its participants to another open transport
 * of its group, or takes them out of the call. */
static gboolean
do_transport_close (gpointer data)
{
  Work *w = data;
  GstE2eeKeyManager *self = w->self;
  GstE2eeKmTransport *t = w->transport, *other = NULL;
  GHashTableIter iter;
  Participant *p;
  GPtrArray *leaving = g_ptr_array_new_with_free_func (g_free);
  guint i;

  GST_E2EE_KEY_MANAGER_LOCK (self);
  t->open = FALSE;
  t->closed = TRUE;
  for (i = 0; i < self->transports->len; i++) {
    GstE2eeKmTransport *o = g_ptr_array_index (self->transports, i);

    if (o != t && o->group == t->group && o->open)
      other = o;
  }
  g_hash_table_iter_init (&iter, self->participants);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) & p)) {
    if (p->transport != t)
      continue;
    if (other)
      p->transport = other;
    else
      g_ptr_array_add (leaving, g_strdup (p->id));
  }
  for (i = 0; i < leaving->len; i++) {
    p = g_hash_table_lookup (self->participants,
        g_ptr_array_index (leaving, i));
    if (p)
      _gst_e2ee_km_leave_locked (self, p);
  }
  GST_E2EE_KEY_MANAGER_UNLOCK (self);
  g_ptr_array_unref (leaving);
  g_queue_clear_full (&t->pending, g_free);
  _gst_e2ee_km_flush_queued (self);
  return G_SOURCE_REMOVE;
}

/* Any thread. */
void
_gst_e2ee_km_transport_opened (GstE2eeKeyManager * self,
    GstE2eeKmTransport * transport)
{
  Work *w = work_new (self, NULL);

  w->transport = transport;
  _gst_e2ee_km_invoke (self, do_transport_open, w, (GDestroyNotify) work_free);
}

/* Any thread. */
void
_gst_e2ee_km_transport_closed (GstE2eeKeyManager * self,
    GstE2eeKmTransport * transport)
{
  Work *w = work_new (self, NULL);

  w->transport = transport;
  _gst_e2ee_km_invoke (self, do_transport_close, w, (GDestroyNotify) work_free);
}

static gboolean
do_add_participant (gpointer data)
{
  Work *w = data;
  GstE2eeKeyManager *self = w->self;
  Participant *p;

  GST_E2EE_KEY_MANAGER_LOCK (self);
  p = g_hash_table_lookup (self->participants, w->participant);
  if (!p) {
    p = _gst_e2ee_km_participant_new (w->participant);
    g_hash_table_insert (self->participants, p->id, p);
  }
  p->admitted = TRUE;
  _gst_e2ee_km_join_locked (self, p);
  /* it may not know us yet */
  if (!p->hello_sent) {
    p->hello_sent = TRUE;
    _gst_e2ee_km_send_hello_locked (self, p->transport, p->id, FALSE);
  }
  _gst_e2ee_km_retry_hello_locked (self, p);
  GST_E2EE_KEY_MANAGER_UNLOCK (self);
  _gst_e2ee_km_flush_queued (self);
  return G_SOURCE_REMOVE;
}

static gboolean
do_remove_participant (gpointer data)
{
  Work *w = data;
  GstE2eeKeyManager *self = w->self;
  Participant *p;

  GST_E2EE_KEY_MANAGER_LOCK (self);
  p = g_hash_table_lookup (self->participants, w->participant);
  if (p)
    _gst_e2ee_km_leave_locked (self, p);
  GST_E2EE_KEY_MANAGER_UNLOCK (self);
  _gst_e2ee_km_flush_queued (self);
  return G_SOURCE_REMOVE;
}

static gboolean
do_rotate (gpointer data)
{
  Work *w = data;

  GST_E2EE_KEY_MANAGER_LOCK (w->self);
  _gst_e2ee_km_rotate_locked (w->self);
  GST_E2EE_KEY_MANAGER_UNLOCK (w->self);
  _gst_e2ee_km_flush_queued (w->self);
  return G_SOURCE_REMOVE;
}

static gboolean
do_request_key (gpointer data)
{
  Work *w = data;
  GstE2eeKeyManager *self = w->self;
  Participant *p;

  GST_E2EE_KEY_MANAGER_LOCK (self);
  p = g_hash_table_lookup (self->participants, w->participant);
  if (p) {
    GST_DEBUG_OBJECT (self, "a key of %s is missing", p->id);
    _gst_e2ee_km_resend_key_locked (self, p);
  }
  GST_E2EE_KEY_MANAGER_UNLOCK (self);
  _gst_e2ee_km_flush_queued (self);
  return G_SOURCE_REMOVE;
}

static gboolean
do_sas (gpointer data)
{
  Work *w = data;
  GstE2eeKeyManager *self = w->self;
  Participant *p;

  GST_E2EE_KEY_MANAGER_LOCK (self);
  p = g_hash_table_lookup (self->participants, w->participant);
  if (p && w->text == NULL)
    _gst_e2ee_km_start_sas_locked (self, p);
  else if (p)
    _gst_e2ee_km_confirm_sas_locked (self, p, w->flag);
  GST_E2EE_KEY_MANAGER_UNLOCK (self);
  _gst_e2ee_km_flush_queued (self);
  return G_SOURCE_REMOVE;
}

static gboolean
do_flush (gpointer data)
{
  Work *w = data;

  g_mutex_lock (w->mutex);
  *w->done = TRUE;
  g_cond_broadcast (w->cond);
  g_mutex_unlock (w->mutex);
  return G_SOURCE_REMOVE;
}

/* --- public API --- */

/**
 * gst_e2ee_key_manager_new:
 * @local_id: (nullable): this participant's id, or %NULL for a random UUID
 *
 * Returns: (transfer full): a new key manager
 *
 * Since: 0.1
 */
GstE2eeKeyManager *
gst_e2ee_key_manager_new (const gchar * local_id)
{
  return g_object_new (GST_TYPE_E2EE_KEY_MANAGER, "local-id", local_id, NULL);
}

/**
 * gst_e2ee_key_manager_dup_local_id:
 * @manager: a key manager
 *
 * Returns: (transfer full): this participant's id
 *
 * MT safe.
 *
 * Since: 0.1
 */
gchar *
gst_e2ee_key_manager_dup_local_id (GstE2eeKeyManager * manager)
{
  gchar *id;

  g_return_val_if_fail (GST_IS_E2EE_KEY_MANAGER (manager), NULL);

  /* the state file may have it */
  _gst_e2ee_km_use_state (manager);
  GST_E2EE_KEY_MANAGER_LOCK (manager);
  id = g_strdup (manager->local_id);
  GST_E2EE_KEY_MANAGER_UNLOCK (manager);
  return id;
}

/**
 * gst_e2ee_key_manager_add_webrtcbin:
 * @manager: a key manager
 * @webrtcbin: a webrtcbin in the READY state or later (webrtcbin refuses data
 *   channels in NULL), before its offer or answer is made
 *
 * Creates the `e2ee` data channel on @webrtcbin and adopts the one the peer
 * creates, and carries the protocol over them. One manager serves any
 * number of webrtcbins (one per peer in a mesh, or one to a router).
 *
 * MT safe.
 *
 * Since: 0.1
 */
void
gst_e2ee_key_manager_add_webrtcbin (GstE2eeKeyManager * manager,
    GstElement * webrtcbin)
{
  g_return_if_fail (GST_IS_E2EE_KEY_MANAGER (manager));
  g_return_if_fail (GST_IS_ELEMENT (webrtcbin));

  GST_E2EE_KEY_MANAGER_LOCK (manager);
  if (g_ptr_array_find (manager->webrtcbins, webrtcbin, NULL)) {
    GST_E2EE_KEY_MANAGER_UNLOCK (manager);
    return;
  }
  g_ptr_array_add (manager->webrtcbins, gst_object_ref (webrtcbin));
  GST_E2EE_KEY_MANAGER_UNLOCK (manager);

  /* without the lock: the transport calls back into us */
  if (!_gst_e2ee_km_webrtc_attach (manager, webrtcbin)) {
    GST_E2EE_KEY_MANAGER_LOCK (manager);
    g_ptr_array_remove (manager->webrtcbins, webrtcbin);
    GST_E2EE_KEY_MANAGER_UNLOCK (manager);
  }
}

/**
 * gst_e2ee_key_manager_add_participant:
 * @manager: a key manager
 * @participant: a participant id
 *
 * Admits @participant to the call: once its identity is known (e2ee-hello)
 * it gets a session and keys. With #GstE2eeKeyManager:auto-admit (the
 * default) every participant that says hello is admitted anyway.
 *
 * Returns: %FALSE if @participant is not a valid id
 *
 * MT safe.
 *
 * Since: 0.1
 */
gboolean
gst_e2ee_key_manager_add_participant (GstE2eeKeyManager * manager,
    const gchar * participant)
{
  g_return_val_if_fail (GST_IS_E2EE_KEY_MANAGER (manager), FALSE);

  if (!participant || !*participant || strlen (participant) > 256)
    return FALSE;
  _gst_e2ee_km_invoke (manager, do_add_participant, work_new (manager,
          participant), (GDestroyNotify) work_free);
  return TRUE;
}

/**
 * gst_e2ee_key_manager_remove_participant:
 * @manager: a key manager
 * @participant: a participant id
 *
 * @participant left: its session and keys are dropped at once, and after
 * the debounce delay a new key goes to everyone else.
 *
 * Returns: %FALSE if @participant is not a valid id
 *
 * MT safe.
 *
 * Since: 0.1
 */
gboolean
gst_e2ee_key_manager_remove_participant (GstE2eeKeyManager * manager,
    const gchar * participant)
{
  g_return_val_if_fail (GST_IS_E2EE_KEY_MANAGER (manager), FALSE);

  if (!participant || !*participant)
    return FALSE;
  _gst_e2ee_km_invoke (manager, do_remove_participant, work_new (manager,
          participant), (GDestroyNotify) work_free);
  return TRUE;
}

/**
 * gst_e2ee_key_manager_rotate_key:
 * @manager: a key manager
 *
 * Makes a new random media key with the next index, sends it to every
 * participant and switches to it once acknowledged.
 *
 * MT safe.
 *
 * Since: 0.1
 */
void
gst_e2ee_key_manager_rotate_key (GstE2eeKeyManager * manager)
{
  g_return_if_fail (GST_IS_E2EE_KEY_MANAGER (manager));

  _gst_e2ee_km_invoke (manager, do_rotate, work_new (manager, NULL),
      (GDestroyNotify) work_free);
}

/**
 * gst_e2ee_key_manager_request_key:
 * @manager: a key manager
 * @participant: the remote participant whose key is missing
 *
 * Says that frames of @participant came under a key index we hold no key
 * for: a key-info of its was lost on the way (lib-jitsi-meet never sends
 * one again). The manager sends @participant our current key again on
 * the olm session (a key-info), and the key-info-ack it answers with
 * carries its own current key, from lib-jitsi-meet as from gst-e2ee. If
 * @participant lost that session, its error starts a new one (see
 * docs/keymanager.md). `e2eedec` calls this by itself, through its
 * #GstE2eeKeySubscription.
 *
 * At most once per 2 s per participant (the bound of a key re-sent on a
 * restarted peer's hello, shared with it): each key sent is counted
 * `keys-resent` in #GstE2eeKeyManager:stats, each request over the bound
 * `recoveries-refused`. Nothing happens for an unknown participant or one
 * without a session or our key.
 *
 * MT safe.
 *
 * Since: 0.2
 */
void
gst_e2ee_key_manager_request_key (GstE2eeKeyManager * manager,
    const gchar * participant)
{
  g_return_if_fail (GST_IS_E2EE_KEY_MANAGER (manager));
  g_return_if_fail (participant != NULL);

  _gst_e2ee_km_invoke (manager, do_request_key, work_new (manager,
          participant), (GDestroyNotify) work_free);
}

/**
 * gst_e2ee_key_manager_receive_message:
 * @manager: a key manager
 * @message: a protocol message (JSON text) from the application's transport
 *
 * Hands @message to the manager's thread. At most 1024 messages (and
 * 4 MiB) wait there: beyond that, a message is dropped unread and counted
 * `dropped` in #GstE2eeKeyManager:stats, so a flood cannot grow memory
 * without limit.
 *
 * Returns: %FALSE if @message was refused unread (larger than 64 KiB, or
 *   the manager too far behind)
 *
 * MT safe.
 *
 * Since: 0.1
 */
gboolean
gst_e2ee_key_manager_receive_message (GstE2eeKeyManager * manager,
    const gchar * message)
{
  g_return_val_if_fail (GST_IS_E2EE_KEY_MANAGER (manager), FALSE);

  return _gst_e2ee_km_transport_received (manager, NULL, message);
}

/**
 * gst_e2ee_key_manager_receive_message_from:
 * @manager: a key manager
 * @sender: who the relay that carried @message says wrote it: the user it
 *   authenticated (a Janus TextRoom message's `from`, a Matrix event's
 *   sender, an XMPP MUC occupant's nick)
 * @message: a protocol message (JSON text) from the relay
 *
 * Like gst_e2ee_key_manager_receive_message() (the same limits and queue),
 * for a transport that relays every member's messages and tells who sent
 * each: a room on a server (an SFU's data room, a chat room). A member of
 * the room can then no longer speak for another: a message whose envelope
 * names a sender (`from`) other than @sender is dropped unread and counted
 * `impersonations` in #GstE2eeKeyManager:stats. A message addressed (`to`)
 * to someone else is dropped unread too (`not-for-us`), as on any
 * transport. What the relay itself may still do (drop, delay, replay, lie
 * about who is in the room) is in docs/keymanager.md.
 *
 * Returns: %FALSE if @message was refused unread (larger than 64 KiB, or
 *   the manager too far behind); a message dropped for its envelope is
 *   only counted
 *
 * MT safe.
 *
 * Since: 0.1
 */
gboolean
gst_e2ee_key_manager_receive_message_from (GstE2eeKeyManager * manager,
    const gchar * sender, const gchar * message)
{
  g_return_val_if_fail (GST_IS_E2EE_KEY_MANAGER (manager), FALSE);
  g_return_val_if_fail (sender != NULL, FALSE);

  return receive (manager, NULL, sender, message);
}

/**
 * gst_e2ee_key_manager_start_sas:
 * @manager: a key manager
 * @participant: a participant with a session
 *
 * Starts a short-authentication-string verification with @participant;
 * #GstE2eeKeyManager::sas-ready tells the codes to compare.
 *
 * Returns: %FALSE if @participant is not a valid id
 *
 * MT safe.
 *
 * Since: 0.1
 */
gboolean
gst_e2ee_key_manager_start_sas (GstE2eeKeyManager * manager,
    const gchar * participant)
{
  g_return_val_if_fail (GST_IS_E2EE_KEY_MANAGER (manager), FALSE);

  if (!participant || !*participant)
    return FALSE;
  _gst_e2ee_km_invoke (manager, do_sas, work_new (manager, participant),
      (GDestroyNotify) work_free);
  return TRUE;
}

/**
 * gst_e2ee_key_manager_confirm_sas:
 * @manager: a key manager
 * @participant: a participant
 * @matches: whether the user saw the same codes on both sides
 *
 * The participant becomes verified when @matches is %TRUE and its MAC of
 * its ed25519 key checks (and of its curve25519 key, if it sent one);
 * %FALSE, or a MAC that does not check, posts an element error and leaves
 * it unverified. Whether its curve25519 key is verified too:
 * gst_e2ee_key_manager_has_signed_keys().
 *
 * Returns: %FALSE if @participant is not a valid id
 *
 * MT safe.
 *
 * Since: 0.1
 */
gboolean
gst_e2ee_key_manager_confirm_sas (GstE2eeKeyManager * manager,
    const gchar * participant, gboolean matches)
{
  Work *w;

  g_return_val_if_fail (GST_IS_E2EE_KEY_MANAGER (manager), FALSE);

  if (!participant || !*participant)
    return FALSE;
  w = work_new (manager, participant);
  w->text = g_strdup ("confirm");
  w->flag = matches;
  _gst_e2ee_km_invoke (manager, do_sas, w, (GDestroyNotify) work_free);
  return TRUE;
}

/**
 * gst_e2ee_key_manager_has_signed_keys:
 * @manager: a key manager
 * @participant: a participant id
 *
 * Whether @participant's curve25519 identity key (the one its olm session
 * uses) came signed by its ed25519 key. A SAS verifies the ed25519 key
 * (that is all lib-jitsi-meet MACs), so after #GstE2eeKeyManager::participant-verified
 * with %TRUE this says what was verified: %TRUE, both identity keys (the
 * session is with the person who compared the codes); %FALSE (a peer that
 * sends no signature, such as lib-jitsi-meet before its PR #3110), only
 * the ed25519 key, and the session's curve25519 key is still trusted on
 * first use. See docs/keymanager.md.
 *
 * Returns: %TRUE if @participant's identity keys came signed
 *
 * MT safe.
 *
 * Since: 0.1
 */
gboolean
gst_e2ee_key_manager_has_signed_keys (GstE2eeKeyManager * manager,
    const gchar * participant)
{
  Participant *p;
  gboolean ret;

  g_return_val_if_fail (GST_IS_E2EE_KEY_MANAGER (manager), FALSE);
  g_return_val_if_fail (participant != NULL, FALSE);

  _gst_e2ee_km_use_state (manager);
  GST_E2EE_KEY_MANAGER_LOCK (manager);
  p = g_hash_table_lookup (manager->participants, participant);
  ret = p && p->keys_signed;
  GST_E2EE_KEY_MANAGER_UNLOCK (manager);
  return ret;
}

/**
 * gst_e2ee_key_manager_is_verified:
 * @manager: a key manager
 * @participant: a participant id
 *
 * Returns: whether @participant passed a SAS verification
 *
 * MT safe.
 *
 * Since: 0.1
 */
gboolean
gst_e2ee_key_manager_is_verified (GstE2eeKeyManager * manager,
    const gchar * participant)
{
  Participant *p;
  gboolean ret;

  g_return_val_if_fail (GST_IS_E2EE_KEY_MANAGER (manager), FALSE);

  _gst_e2ee_km_use_state (manager);
  GST_E2EE_KEY_MANAGER_LOCK (manager);
  p = g_hash_table_lookup (manager->participants, participant);
  ret = p && p->verified;
  GST_E2EE_KEY_MANAGER_UNLOCK (manager);
  return ret;
}

/**
 * gst_e2ee_key_manager_list_participants:
 * @manager: a key manager
 *
 * Returns: (transfer full): the ids of the participants in the call, sorted
 *
 * MT safe.
 *
 * Since: 0.1
 */
gchar **
gst_e2ee_key_manager_list_participants (GstE2eeKeyManager * manager)
{
  GHashTableIter iter;
  Participant *p;
  GPtrArray *arr = g_ptr_array_new ();

  g_return_val_if_fail (GST_IS_E2EE_KEY_MANAGER (manager), NULL);

  _gst_e2ee_km_use_state (manager);
  GST_E2EE_KEY_MANAGER_LOCK (manager);
  g_hash_table_iter_init (&iter, manager->participants);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) & p))
    if (p->joined)
      g_ptr_array_add (arr, g_strdup (p->id));
  GST_E2EE_KEY_MANAGER_UNLOCK (manager);
  g_ptr_array_sort (arr, (GCompareFunc) g_strcmp0);
  g_ptr_array_add (arr, NULL);
  return (gchar **) g_ptr_array_free (arr, FALSE);
}

/**
 * gst_e2ee_key_manager_flush:
 * @manager: a key manager
 *
 * Waits until the protocol thread has handled everything given to it
 * before this call. For tests and orderly shutdowns. Must not be called
 * from a signal handler of @manager.
 *
 * Since: 0.1
 */
void
gst_e2ee_key_manager_flush (GstE2eeKeyManager * manager)
{
  GMutex mutex;
  GCond cond;
  gboolean done = FALSE;
  Work *w;

  g_return_if_fail (GST_IS_E2EE_KEY_MANAGER (manager));

  if (g_main_context_is_owner (manager->context))
    return;
  g_mutex_init (&mutex);
  g_cond_init (&cond);
  w = work_new (manager, NULL);
  w->mutex = &mutex;
  w->cond = &cond;
  w->done = &done;
  _gst_e2ee_km_invoke (manager, do_flush, w, (GDestroyNotify) work_free);
  g_mutex_lock (&mutex);
  while (!done)
    g_cond_wait (&cond, &mutex);
  g_mutex_unlock (&mutex);
  g_mutex_clear (&mutex);
  g_cond_clear (&cond);
}
