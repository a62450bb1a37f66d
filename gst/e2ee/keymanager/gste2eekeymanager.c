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


/**
 * SECTION:gste2eekeymanager
 * @title: GstE2eeKeyManager
 * @short_description: olm sessions with every participant, and their keys
 *
 * A key manager gives each participant of a call its own media key and
 * hands it to every other participant through olm (libolm's Double Ratchet)
 * 1:1 sessions, with the messages of lib-jitsi-meet's OlmAdapter:
 * e2ee-hello (identity keys), session-init / session-ack, key-info /
 * key-info-ack, sas-* and error, each in an envelope
 * `{"type", "from", "to"}` so that one data channel through a router can
 * serve many participants.
 *
 * It carries messages over the `e2ee` data channel of every webrtcbin it is
 * given (#GstE2eeKeyManager:webrtcbin, gst_e2ee_key_manager_add_webrtcbin()),
 * or over any transport of the application: #GstE2eeKeyManager::send-message
 * out, #GstE2eeKeyManager::receive-message in, or
 * #GstE2eeKeyManager::receive-message-from when a relay (an SFU's data
 * room, a chat room) tells who sent each message.
 *
 * Keys: the manager starts with a random 32-byte key, index 0. When
 * participants join, it ratchets its key (same index; the others follow
 * through their ratchet window) and gives the newcomers the ratcheted key,
 * so they cannot decrypt what was sent before. When participants leave, it
 * makes a new random key with the next index, sends it to everyone left and
 * switches to it once they all acknowledged it or after
 * #GstE2eeKeyManager:key-switch-timeout. Joins and leaves within
 * #GstE2eeKeyManager:debounce cost one change.
 *
 * The manager is an engine, a plain #GstObject that needs no pipeline (as
 * rtpmanager's RTPSession is to its element): applications and GI users own
 * one directly. The plugin's `e2eekeymanager` element wraps one for
 * gst-launch lines and pipelines: it forwards every property, signal and
 * action under the same name, provides the #GstContext of type
 * %GST_E2EE_KEY_MANAGER_CONTEXT_TYPE through which e2eeenc and e2eedec find
 * it (they also take it through their `key-manager` property), and posts
 * #GstE2eeKeyManager::error and #GstE2eeKeyManager::warning on the bus.
 *
 * Transports (the webrtcbin data channels, the application's own through
 * #GstE2eeKeyManager::send-message and #GstE2eeKeyManager::receive-message)
 * talk to the engine through a table of functions, one file each.
 *
 * The protocol runs on a thread of the manager's own, started by the first
 * work handed to it (a manager nobody uses has none, and no olm account
 * either); signals are emitted from it, never with a lock held, so
 * handlers may call back into the manager. Nothing the manager does blocks
 * a streaming thread: elements hold a #GstE2eeKeySubscription, whose update
 * is one atomic read per frame while no key changed.
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gste2eekeymanager-private.h"

#include <string.h>
#include <openssl/crypto.h>

GST_DEBUG_CATEGORY (gst_e2ee_key_manager_debug);
#define GST_CAT_DEFAULT gst_e2ee_key_manager_debug

#define DEFAULT_DEBOUNCE_MS 2000
#define DEFAULT_KEY_SWITCH_TIMEOUT_MS 1000
#define DEFAULT_AUTO_ADMIT TRUE
#define DEFAULT_IDENTITY_CHANGE GST_E2EE_IDENTITY_CHANGE_RELAYED
#define DEFAULT_KDF GST_E2EE_KDF_JITSI

enum
{
  PROP_0,
  PROP_LOCAL_ID,
  PROP_WEBRTCBIN,
  PROP_STATE_FILE,
  PROP_STATE_KEY,
  PROP_KDF,
  PROP_DEBOUNCE,
  PROP_KEY_SWITCH_TIMEOUT,
  PROP_AUTO_ADMIT,
  PROP_IDENTITY_CHANGE,
  PROP_MAX_PARTICIPANTS,
  PROP_CURVE25519,
  PROP_ED25519,
  PROP_STATS,
};

enum
{
  SIGNAL_PARTICIPANT_JOINED,
  SIGNAL_PARTICIPANT_LEFT,
  SIGNAL_KEY_CHANGED,
  SIGNAL_SAS_READY,
  SIGNAL_PARTICIPANT_VERIFIED,
  SIGNAL_SEND_MESSAGE,
  SIGNAL_ADD_PARTICIPANT,
  SIGNAL_REMOVE_PARTICIPANT,
  SIGNAL_ROTATE_KEY,
  SIGNAL_START_SAS,
  SIGNAL_CONFIRM_SAS,
  SIGNAL_RECEIVE_MESSAGE,
  SIGNAL_RECEIVE_MESSAGE_FROM,
  SIGNAL_ADD_WEBRTCBIN,
  SIGNAL_ERROR,
  SIGNAL_WARNING,
  LAST_SIGNAL
};

static guint signals[LAST_SIGNAL];

G_DEFINE_TYPE_WITH_CODE (GstE2eeKeyManager, gst_e2ee_key_manager,
    GST_TYPE_OBJECT,
    GST_DEBUG_CATEGORY_INIT (gst_e2ee_key_manager_debug, "e2eekeymanager", 0,
        "end-to-end encryption key manager"));

/* --- the protocol thread and the queue of deferred work --- */

/* The thread holds its own references to the context and the loop: the
 * manager may be finalized on this thread (its last reference dropped by a
 * signal emission or a work item running here), and the loop then still
 * returns through them. */
typedef struct
{
  GMainContext *context;
  GMainLoop *loop;
} ThreadData;

static gpointer
thread_func (gpointer data)
{
  ThreadData *t = data;

  g_main_context_push_thread_default (t->context);
  g_main_loop_run (t->loop);
  g_main_context_pop_thread_default (t->context);
  g_main_loop_unref (t->loop);
  g_main_context_unref (t->context);
  g_free (t);
  return NULL;
}

/* Work handed to the thread does not keep the manager alive (the
 * application's last unref disposes it at once, joining the thread, which
 * runs what is queued first). When the last reference goes on the thread
 * itself, the manager is gone before the work queued behind it runs: that
 * work sees the flag cleared and is skipped. */
struct _KmAlive
{
  gint refcount;
  gint alive;
};

static struct _KmAlive *
alive_ref (struct _KmAlive *a)
{
  g_atomic_int_inc (&a->refcount);
  return a;
}

static void
alive_unref (struct _KmAlive *a)
{
  if (g_atomic_int_dec_and_test (&a->refcount))
    g_free (a);
}

typedef struct
{
  struct _KmAlive *alive;
  /* valid while alive is set */
  GstE2eeKeyManager *self;
  GSourceFunc func;
  gpointer data;
  GDestroyNotify notify;
} Invocation;

static gboolean
invocation_dispatch (gpointer data)
{
  Invocation *inv = data;

  if (!g_atomic_int_get (&inv->alive->alive))
    return G_SOURCE_REMOVE;
  /* whatever the work, the state file is loaded first */
  _gst_e2ee_km_use_state (inv->self);
  return inv->func (inv->data);
}

static void
invocation_free (gpointer data)
{
  Invocation *inv = data;

  if (inv->notify)
    inv->notify (inv->data);
  alive_unref (inv->alive);
  g_free (inv);
}

/* The thread starts with the first work handed to it, not in init: a
 * plugin scan or gst-inspect makes a manager and never uses it. */
static void
ensure_thread (GstE2eeKeyManager * self)
{
  ThreadData *t;

  GST_E2EE_KEY_MANAGER_THREAD_LOCK (self);
  if (self->thread || self->thread_stopped) {
    GST_E2EE_KEY_MANAGER_THREAD_UNLOCK (self);
    return;
  }
  t = g_new (ThreadData, 1);
  t->context = g_main_context_ref (self->context);
  t->loop = g_main_loop_ref (self->loop);
  GST_DEBUG_OBJECT (self, "starting the protocol thread");
  self->thread = g_thread_new ("e2ee-keymanager", thread_func, t);
  GST_E2EE_KEY_MANAGER_THREAD_UNLOCK (self);
}

void
_gst_e2ee_km_invoke (GstE2eeKeyManager * self, GSourceFunc func,
    gpointer data, GDestroyNotify notify)
{
  Invocation *inv;

  ensure_thread (self);
  inv = g_new (Invocation, 1);

  inv->alive = alive_ref (self->alive);
  inv->self = self;
  inv->func = func;
  inv->data = data;
  inv->notify = notify;
  g_main_context_invoke_full (self->context, G_PRIORITY_DEFAULT,
      invocation_dispatch, inv, invocation_free);
}

/* The olm account is made on first use, not in init (see
 * ensure_thread). With the lock. */
GstE2eeOlmAccount *
_gst_e2ee_km_account_locked (GstE2eeKeyManager * self)
{
  GError *err = NULL;

  /* the identity may be in the state file */
  _gst_e2ee_km_load_pending_state_locked (self);
  if (self->account)
    return self->account;
  self->account = gst_e2ee_olm_account_new (&err);
  if (!self->account) {
    g_critical ("gst-e2ee: no olm account: %s", err->message);
    g_error_free (err);
  }
  return self->account;
}

void
_gst_e2ee_km_queue (GstE2eeKeyManager * self, QueuedKind kind,
    const gchar * participant, gchar * text)
{
  Queued *q = g_new0 (Queued, 1);

  q->kind = kind;
  q->participant = g_strdup (participant);
  q->text = text;
  g_queue_push_tail (&self->queued, q);
}

static void
queued_free (Queued * q)
{
  if (q->text) {
    OPENSSL_cleanse (q->text, strlen (q->text));
    g_free (q->text);
  }
  g_free (q->participant);
  g_strfreev (q->emoji);
  g_free (q->debug);
  g_free (q);
}

/* Manager thread, lock not held. */
void
_gst_e2ee_km_transport_send (GstE2eeKmTransport * t, const gchar * text)
{
  if (t->closed)
    return;
  if (!t->open) {
    g_queue_push_tail (&t->pending, g_strdup (text));
    return;
  }
  t->funcs->send (t, text);
}

/* Emits ::error or ::warning (the e2eekeymanager element posts them on the
 * bus). Takes @message. Lock not held. */
static void
emit_problem (GstE2eeKeyManager * self, guint signal, gint code,
    gchar * message, const gchar * debug)
{
  GError *err = g_error_new_literal (GST_RESOURCE_ERROR, code, message);

  GST_WARNING_OBJECT (self, "%s (%s)", message, GST_STR_NULL (debug));
  g_signal_emit (self, signals[signal], 0, err, debug);
  g_error_free (err);
  g_free (message);
}

/* Sends, emits and posts what was queued under the lock. Manager thread,
 * lock not held. */
void
_gst_e2ee_km_flush_queued (GstE2eeKeyManager * self)
{
  Queued *q;

  /* a handler may drop the application's last reference */
  gst_object_ref (self);

  /* olm sessions move on with every message: keep the saved copy current */
  GST_E2EE_KEY_MANAGER_LOCK (self);
  if (self->state_dirty) {
    self->state_dirty = FALSE;
    _gst_e2ee_km_save_state_locked (self);
  }
  GST_E2EE_KEY_MANAGER_UNLOCK (self);

  for (;;) {
    GST_E2EE_KEY_MANAGER_LOCK (self);
    q = g_queue_pop_head (&self->queued);
    if (q && q->kind == QUEUED_SEND) {
      self->stats.messages_out++;
    }
    GST_E2EE_KEY_MANAGER_UNLOCK (self);
    if (!q)
      break;

    switch (q->kind) {
      case QUEUED_SEND:
        if (q->transport)
          _gst_e2ee_km_transport_send (q->transport, q->text);
        else
          g_signal_emit (self, signals[SIGNAL_SEND_MESSAGE], 0,
              q->participant, q->text);
        break;
      case QUEUED_SIGNAL_JOINED:
        g_signal_emit (self, signals[SIGNAL_PARTICIPANT_JOINED], 0,
            q->participant);
        break;
      case QUEUED_SIGNAL_LEFT:
        g_signal_emit (self, signals[SIGNAL_PARTICIPANT_LEFT], 0,
            q->participant);
        break;
      case QUEUED_SIGNAL_KEY_CHANGED:
        g_signal_emit (self, signals[SIGNAL_KEY_CHANGED], 0, q->participant,
            (guint) g_ascii_strtoull (q->text, NULL, 10));
        break;
      case QUEUED_SIGNAL_SAS_READY:
        g_signal_emit (self, signals[SIGNAL_SAS_READY], 0, q->participant,
            q->emoji, q->text);
        break;
      case QUEUED_SIGNAL_VERIFIED:
        g_signal_emit (self, signals[SIGNAL_PARTICIPANT_VERIFIED], 0,
            q->participant, q->text != NULL);
        break;
      case QUEUED_ERROR:
        emit_problem (self, SIGNAL_ERROR, GST_RESOURCE_ERROR_NOT_AUTHORIZED,
            g_strdup_printf (_("End-to-end encryption: participant %s: %s"),
                q->participant, q->text), NULL);
        break;
      case QUEUED_WARNING:
        emit_problem (self, SIGNAL_WARNING, GST_RESOURCE_ERROR_NOT_AUTHORIZED,
            g_strdup_printf (_("End-to-end encryption: %s"), q->text), NULL);
        break;
      case QUEUED_PROBLEM:
        emit_problem (self, q->flag ? SIGNAL_ERROR : SIGNAL_WARNING,
            (gint) q->index, g_strdup (q->text), q->debug);
        break;
    }
    queued_free (q);
  }
  gst_object_unref (self);
}

/* Queues ::error or ::warning about the manager itself. Takes @message.
 * With the lock. */
void
_gst_e2ee_km_queue_problem (GstE2eeKeyManager * self, gboolean error,
    gint code, gchar * message, const gchar * debug)
{
  Queued *q;

  _gst_e2ee_km_queue (self, QUEUED_PROBLEM, NULL, message);
  q = g_queue_peek_tail (&self->queued);
  q->flag = error;
  q->index = (guint) code;
  q->debug = g_strdup (debug);
}

/* Loads the state file if it was set and not loaded yet: the first use of
 * the manager (an element using it, a property that depends on the
 * identity, any work for its thread). What the load has to say (an
 * unreadable state, a state that cannot be saved) is emitted on the
 * calling thread, as a setter would, without starting the manager's
 * thread. Any thread, lock not held. */
void
_gst_e2ee_km_use_state (GstE2eeKeyManager * self)
{
  GQueue problems = G_QUEUE_INIT;
  Queued *q;

  GST_E2EE_KEY_MANAGER_LOCK (self);
  if (_gst_e2ee_km_load_pending_state_locked (self)) {
    GList *l = self->queued.head;

    while (l) {
      GList *next = l->next;

      q = l->data;
      if (q->kind == QUEUED_PROBLEM) {
        g_queue_delete_link (&self->queued, l);
        g_queue_push_tail (&problems, q);
      }
      l = next;
    }
  }
  GST_E2EE_KEY_MANAGER_UNLOCK (self);

  while ((q = g_queue_pop_head (&problems))) {
    emit_problem (self, q->flag ? SIGNAL_ERROR : SIGNAL_WARNING,
        (gint) q->index, g_strdup (q->text), q->debug);
    queued_free (q);
  }
}

static JsonNode *
envelope (GstE2eeKeyManager * self, const gchar * type, const gchar * to)
{
  JsonObject *obj = json_object_new ();
  JsonNode *node = json_node_new (JSON_NODE_OBJECT);

  json_object_set_string_member (obj, "type", type);
  json_object_set_string_member (obj, "from", self->local_id);
  if (to)
    json_object_set_string_member (obj, "to", to);
  json_node_take_object (node, obj);
  return node;
}

static void
queue_send_node (GstE2eeKeyManager * self, GstE2eeKmTransport * transport,
    const gchar * to, JsonNode * node)
{
  Queued *q;

  _gst_e2ee_km_queue (self, QUEUED_SEND, to, json_to_string (node, FALSE));
  q = g_queue_peek_tail (&self->queued);
  q->transport = transport;
  json_node_unref (node);
}

void
_gst_e2ee_km_send_locked (GstE2eeKeyManager * self, Participant * p,
    const gchar * olm_type, JsonNode * data)
{
  JsonNode *node = envelope (self, "olm", p->id);
  JsonObject *olm = json_object_new ();

  json_object_set_string_member (olm, "type", olm_type);
  json_object_set_member (olm, "data", data);
  json_object_set_object_member (json_node_get_object (node), "olm", olm);
  queue_send_node (self, p->transport, p->id, node);
}

/* @reply: it answers a hello, and asks for no answer */
void
_gst_e2ee_km_send_hello_locked (GstE2eeKeyManager * self,
    GstE2eeKmTransport * transport, const gchar * to, gboolean reply)
{
  JsonNode *node = envelope (self, "e2ee-hello", to);
  JsonObject *keys = json_object_new ();

  json_object_set_string_member (keys, "curve25519",
      gst_e2ee_olm_account_get_curve25519 (_gst_e2ee_km_account_locked (self)));
  json_object_set_string_member (keys, "ed25519",
      gst_e2ee_olm_account_get_ed25519 (_gst_e2ee_km_account_locked (self)));
  json_object_set_object_member (json_node_get_object (node), "idKeys", keys);
  {
    /* the ed25519 key vouches for the curve25519 key (as Matrix device
     * keys are signed), so a SAS over the ed25519 key alone, the one
     * lib-jitsi-meet MACs, covers both: docs/keymanager.md */
    GstE2eeOlmAccount *account = _gst_e2ee_km_account_locked (self);
    gchar *signed_text = _gst_e2ee_km_id_keys_message (self->local_id,
        gst_e2ee_olm_account_get_curve25519 (account),
        gst_e2ee_olm_account_get_ed25519 (account));
    gchar *sig = gst_e2ee_olm_account_sign (account, signed_text);

    if (sig)
      json_object_set_string_member (json_node_get_object (node),
          "signature", sig);
    g_free (sig);
    g_free (signed_text);
  }
  if (reply)
    json_object_set_boolean_member (json_node_get_object (node), "reply", TRUE);
  queue_send_node (self, transport, to, node);
}

/* --- GObject --- */

static GstStructure *
make_stats (GstE2eeKeyManager * self)
{
  GstStructure *s;

  GST_E2EE_KEY_MANAGER_LOCK (self);
  s = gst_structure_new ("application/x-e2ee-key-manager-stats",
      "participants", G_TYPE_UINT, g_hash_table_size (self->participants),
      "key-index", G_TYPE_UINT, self->local_index,
      "messages-in", G_TYPE_UINT64, self->stats.messages_in,
      "messages-out", G_TYPE_UINT64, self->stats.messages_out,
      "malformed", G_TYPE_UINT64, self->stats.malformed,
      "not-for-us", G_TYPE_UINT64, self->stats.not_for_us,
      "unknown-type", G_TYPE_UINT64, self->stats.unknown_type,
      "refused", G_TYPE_UINT64, self->stats.refused,
      "decrypt-failed", G_TYPE_UINT64, self->stats.decrypt_failed,
      "errors-received", G_TYPE_UINT64, self->stats.errors_received,
      "impersonations", G_TYPE_UINT64, self->stats.impersonations,
      "bad-signatures", G_TYPE_UINT64, self->stats.bad_signatures,
      "dropped", G_TYPE_UINT64, self->stats.dropped,
      "participants-refused", G_TYPE_UINT64, self->stats.participants_refused,
      "sessions", G_TYPE_UINT64, self->stats.sessions,
      "keys-sent", G_TYPE_UINT64, self->stats.keys_sent,
      "keys-received", G_TYPE_UINT64, self->stats.keys_received,
      "keys-duplicate", G_TYPE_UINT64, self->stats.keys_duplicate,
      "ratchets", G_TYPE_UINT64, self->stats.ratchets,
      "rotations", G_TYPE_UINT64, self->stats.rotations,
      "readmitted", G_TYPE_UINT64, self->stats.readmitted,
      "sessions-restarted", G_TYPE_UINT64, self->stats.sessions_restarted,
      "sessions-adopted", G_TYPE_UINT64, self->stats.sessions_adopted,
      "keys-resent", G_TYPE_UINT64, self->stats.keys_resent,
      "identities-replaced", G_TYPE_UINT64, self->stats.identities_replaced,
      "duplicates", G_TYPE_UINT64, self->stats.duplicates,
      "recoveries-refused", G_TYPE_UINT64, self->stats.recoveries_refused,
      "sessions-stuck", G_TYPE_UINT64, self->stats.sessions_stuck,
      "session-init-timeouts", G_TYPE_UINT64,
      self->stats.session_init_timeouts, NULL);
  GST_E2EE_KEY_MANAGER_UNLOCK (self);
  return s;
}

/* Only remembers @path: the state is loaded on first use
 * (_gst_e2ee_km_use_state), when every property had its chance to be set,
 * so that state-key after state-file (as on a gst-launch line) reads and
 * writes the state under state-key, as state-key before it does. */
static void
set_state_file (GstE2eeKeyManager * self, const gchar * path)
{
  GST_E2EE_KEY_MANAGER_LOCK (self);
  g_free (self->state_file);
  self->state_file = g_strdup (path);
  self->state_pending = path != NULL;
  self->state_save_failed = FALSE;
  GST_E2EE_KEY_MANAGER_UNLOCK (self);
}

static void
gst_e2ee_key_manager_set_property (GObject * object, guint prop_id,
    const GValue * value, GParamSpec * pspec)
{
  GstE2eeKeyManager *self = GST_E2EE_KEY_MANAGER (object);

  switch (prop_id) {
    case PROP_LOCAL_ID:{
      const gchar *id = g_value_get_string (value);

      GST_E2EE_KEY_MANAGER_LOCK (self);
      if (id && *id) {
        g_free (self->local_id);
        self->local_id = g_strdup (id);
        self->explicit_id = TRUE;
      }
      GST_E2EE_KEY_MANAGER_UNLOCK (self);
      break;
    }
    case PROP_WEBRTCBIN:{
      GstElement *wb = g_value_get_object (value);

      if (wb)
        gst_e2ee_key_manager_add_webrtcbin (self, wb);
      break;
    }
    case PROP_STATE_FILE:
      set_state_file (self, g_value_get_string (value));
      break;
    case PROP_STATE_KEY:{
      GstBuffer *buf = g_value_get_boxed (value);
      GstMapInfo map;

      GST_E2EE_KEY_MANAGER_LOCK (self);
      if (buf && gst_buffer_map (buf, &map, GST_MAP_READ)) {
        if (map.size == sizeof (self->state_key)) {
          memcpy (self->state_key, map.data, map.size);
          self->have_state_key = TRUE;
          /* a state already loaded is written under the new key from the
           * next save on (the next start must give this key) */
          if (self->state_file && !self->state_pending)
            self->state_dirty = TRUE;
        } else {
          GST_WARNING_OBJECT (self, "state-key must be 32 bytes; ignored");
        }
        gst_buffer_unmap (buf, &map);
      }
      GST_E2EE_KEY_MANAGER_UNLOCK (self);
      break;
    }
    case PROP_KDF:
      GST_E2EE_KEY_MANAGER_LOCK (self);
      self->kdf = g_value_get_enum (value);
      self->local_serial++;
      GST_E2EE_KEY_MANAGER_UNLOCK (self);
      g_atomic_int_inc (&self->generation);
      break;
    case PROP_DEBOUNCE:
      GST_E2EE_KEY_MANAGER_LOCK (self);
      self->debounce_ms = g_value_get_uint (value);
      GST_E2EE_KEY_MANAGER_UNLOCK (self);
      break;
    case PROP_KEY_SWITCH_TIMEOUT:
      GST_E2EE_KEY_MANAGER_LOCK (self);
      self->key_switch_timeout_ms = g_value_get_uint (value);
      GST_E2EE_KEY_MANAGER_UNLOCK (self);
      break;
    case PROP_AUTO_ADMIT:
      GST_E2EE_KEY_MANAGER_LOCK (self);
      self->auto_admit = g_value_get_boolean (value);
      GST_E2EE_KEY_MANAGER_UNLOCK (self);
      break;
    case PROP_IDENTITY_CHANGE:
      GST_E2EE_KEY_MANAGER_LOCK (self);
      self->identity_change = g_value_get_enum (value);
      GST_E2EE_KEY_MANAGER_UNLOCK (self);
      break;
    case PROP_MAX_PARTICIPANTS:
      GST_E2EE_KEY_MANAGER_LOCK (self);
      self->max_participants = g_value_get_uint (value);
      GST_E2EE_KEY_MANAGER_UNLOCK (self);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      break;
  }
}

static void
gst_e2ee_key_manager_get_property (GObject * object, guint prop_id,
    GValue * value, GParamSpec * pspec)
{
  GstE2eeKeyManager *self = GST_E2EE_KEY_MANAGER (object);

  switch (prop_id) {
    case PROP_LOCAL_ID:
      g_value_take_string (value, gst_e2ee_key_manager_dup_local_id (self));
      break;
    case PROP_WEBRTCBIN:
      GST_E2EE_KEY_MANAGER_LOCK (self);
      g_value_set_object (value, self->webrtcbins->len ?
          g_ptr_array_index (self->webrtcbins, self->webrtcbins->len - 1) :
          NULL);
      GST_E2EE_KEY_MANAGER_UNLOCK (self);
      break;
    case PROP_STATE_FILE:
      GST_E2EE_KEY_MANAGER_LOCK (self);
      g_value_set_string (value, self->state_file);
      GST_E2EE_KEY_MANAGER_UNLOCK (self);
      break;
    case PROP_KDF:
      GST_E2EE_KEY_MANAGER_LOCK (self);
      g_value_set_enum (value, self->kdf);
      GST_E2EE_KEY_MANAGER_UNLOCK (self);
      break;
    case PROP_DEBOUNCE:
      GST_E2EE_KEY_MANAGER_LOCK (self);
      g_value_set_uint (value, self->debounce_ms);
      GST_E2EE_KEY_MANAGER_UNLOCK (self);
      break;
    case PROP_KEY_SWITCH_TIMEOUT:
      GST_E2EE_KEY_MANAGER_LOCK (self);
      g_value_set_uint (value, self->key_switch_timeout_ms);
      GST_E2EE_KEY_MANAGER_UNLOCK (self);
      break;
    case PROP_AUTO_ADMIT:
      GST_E2EE_KEY_MANAGER_LOCK (self);
      g_value_set_boolean (value, self->auto_admit);
      GST_E2EE_KEY_MANAGER_UNLOCK (self);
      break;
    case PROP_IDENTITY_CHANGE:
      GST_E2EE_KEY_MANAGER_LOCK (self);
      g_value_set_enum (value, self->identity_change);
      GST_E2EE_KEY_MANAGER_UNLOCK (self);
      break;
    case PROP_MAX_PARTICIPANTS:
      GST_E2EE_KEY_MANAGER_LOCK (self);
      g_value_set_uint (value, self->max_participants);
      GST_E2EE_KEY_MANAGER_UNLOCK (self);
      break;
    case PROP_CURVE25519:
      _gst_e2ee_km_use_state (self);
      GST_E2EE_KEY_MANAGER_LOCK (self);
      g_value_set_string (value,
          gst_e2ee_olm_account_get_curve25519 (_gst_e2ee_km_account_locked
              (self)));
      GST_E2EE_KEY_MANAGER_UNLOCK (self);
      break;
    case PROP_ED25519:
      _gst_e2ee_km_use_state (self);
      GST_E2EE_KEY_MANAGER_LOCK (self);
      g_value_set_string (value,
          gst_e2ee_olm_account_get_ed25519 (_gst_e2ee_km_account_locked
              (self)));
      GST_E2EE_KEY_MANAGER_UNLOCK (self);
      break;
    case PROP_STATS:
      g_value_take_boxed (value, make_stats (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      break;
  }
}

static gboolean
quit_loop (gpointer loop)
{
  g_main_loop_quit (loop);
  return G_SOURCE_REMOVE;
}

static void
gst_e2ee_key_manager_dispose (GObject * object)
{
  GstE2eeKeyManager *self = GST_E2EE_KEY_MANAGER (object);
  GPtrArray *transports;
  guint i;

  /* no thread starts after this: work handed to a disposed manager is
   * dropped with its context */
  GST_E2EE_KEY_MANAGER_THREAD_LOCK (self);
  self->thread_stopped = TRUE;
  GST_E2EE_KEY_MANAGER_THREAD_UNLOCK (self);
  if (self->thread && self->thread == g_thread_self ()) {
    /* the last reference went on our own thread, which cannot join
     * itself: the loop ends when this dispatch returns, and the thread
     * then drops its references and exits on its own */
    g_atomic_int_set (&self->alive->alive, FALSE);
    g_main_loop_quit (self->loop);
    g_thread_unref (self->thread);
    self->thread = NULL;
  } else if (self->thread) {
    /* through the loop itself: a quit before the thread runs the loop
     * would be lost */
    GSource *source = g_idle_source_new ();

    g_source_set_callback (source, quit_loop, self->loop, NULL);
    g_source_attach (source, self->context);
    g_source_unref (source);
    g_thread_join (self->thread);
    self->thread = NULL;
  }
  GST_E2EE_KEY_MANAGER_LOCK (self);
  transports = self->transports;
  self->transports = g_ptr_array_new ();
  g_ptr_array_set_size (self->webrtcbins, 0);
  GST_E2EE_KEY_MANAGER_UNLOCK (self);
  for (i = 0; i < transports->len; i++) {
    GstE2eeKmTransport *t = g_ptr_array_index (transports, i);

    g_queue_clear_full (&t->pending, g_free);
    t->funcs->free (t);
  }
  g_ptr_array_unref (transports);

  G_OBJECT_CLASS (gst_e2ee_key_manager_parent_class)->dispose (object);
}

static void
gst_e2ee_key_manager_finalize (GObject * object)
{
  GstE2eeKeyManager *self = GST_E2EE_KEY_MANAGER (object);

  _gst_e2ee_km_save_state_locked (self);
  g_queue_clear_full (&self->queued, (GDestroyNotify) queued_free);
  if (self->debounce) {
    g_source_destroy (self->debounce);
    g_source_unref (self->debounce);
  }
  if (self->switch_timeout) {
    g_source_destroy (self->switch_timeout);
    g_source_unref (self->switch_timeout);
  }
  g_hash_table_unref (self->participants);
  g_hash_table_unref (self->awaiting_ack);
  g_ptr_array_unref (self->transports);
  g_ptr_array_unref (self->webrtcbins);
  if (self->account)
    gst_e2ee_olm_account_free (self->account);
  OPENSSL_cleanse (self->local_key, sizeof (self->local_key));
  OPENSSL_cleanse (self->next_key, sizeof (self->next_key));
  OPENSSL_cleanse (self->state_key, sizeof (self->state_key));
  g_atomic_int_set (&self->alive->alive, FALSE);
  alive_unref (self->alive);
  g_main_loop_unref (self->loop);
  g_main_context_unref (self->context);
  g_free (self->local_id);
  g_free (self->state_file);
  g_mutex_clear (&self->thread_lock);
  g_mutex_clear (&self->lock);

  G_OBJECT_CLASS (gst_e2ee_key_manager_parent_class)->finalize (object);
}

static void
gst_e2ee_key_manager_class_init (GstE2eeKeyManagerClass * klass)
{
  GObjectClass *gobject_class = G_OBJECT_CLASS (klass);

#ifdef ENABLE_NLS
  /* the manager's errors are translated for applications that use it
   * without the plugin too */
  bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
#endif

  gobject_class->set_property = gst_e2ee_key_manager_set_property;
  gobject_class->get_property = gst_e2ee_key_manager_get_property;
  gobject_class->dispose = gst_e2ee_key_manager_dispose;
  gobject_class->finalize = gst_e2ee_key_manager_finalize;

  /**
   * GstE2eeKeyManager:local-id:
   *
   * This participant's id in the protocol's envelopes. A random UUID unless
   * set (or restored from #GstE2eeKeyManager:state-file). Set it before the
   * manager talks to anyone.
   *
   * Since: 0.1
   */
  g_object_class_install_property (gobject_class, PROP_LOCAL_ID,
      g_param_spec_string ("local-id", "Local id",
          "This participant's id (default: a random UUID)", NULL,
          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS));

  /**
   * GstE2eeKeyManager:webrtcbin:
   *
   * A webrtcbin to carry the protocol over (its `e2ee` data channel).
   * Setting it adds the webrtcbin (the manager keeps every one it was
   * given); reading it gives the last one added.
   *
   * Since: 0.1
   */
  g_object_class_install_property (gobject_class, PROP_WEBRTCBIN,
      g_param_spec_object ("webrtcbin", "webrtcbin",
          "A webrtcbin whose e2ee data channel carries the protocol (adds)",
          GST_TYPE_ELEMENT, G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS));

  /**
   * GstE2eeKeyManager:state-file:
   *
   * Where to keep the olm account and sessions, encrypted (AES-256-GCM)
   * and written atomically, so a restarted bot keeps its identity. The key
   * is #GstE2eeKeyManager:state-key, or else a random key kept in a file
   * of its own next to it (`<state-file>.key`, mode 0600, owned by this
   * user, not a symbolic link). An existing state is loaded on first use
   * (an element using the manager, the identity keys or local id read, any
   * message or action), not when the property is set, so the order of
   * state-file and state-key does not matter. A state that cannot be read
   * (another key, tampered, not a regular file) or saved (a missing or
   * read-only directory) is reported through ::error.
   *
   * Since: 0.1
   */
  g_object_class_install_property (gobject_class, PROP_STATE_FILE,
      g_param_spec_string ("state-file", "State file",
          "File keeping the olm account and sessions, encrypted", NULL,
          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS));

  /**
   * GstE2eeKeyManager:state-key:
   *
   * 32 bytes that encrypt the state file, instead of a key file; before or
   * after #GstE2eeKeyManager:state-file. Set once a state was loaded, the
   * state is saved under it from then on. Write-only.
   *
   * Since: 0.1
   */
  g_object_class_install_property (gobject_class, PROP_STATE_KEY,
      g_param_spec_boxed ("state-key", "State key",
          "32-byte key of the state file (write-only)", gst_buffer_get_type (),
          G_PARAM_WRITABLE | G_PARAM_STATIC_STRINGS));

  /**
   * GstE2eeKeyManager:kdf:
   *
   * The key schedule the media keys are used with, by e2eeenc, e2eedec and
   * the ratchet on joins. jitsi, as lib-jitsi-meet.
   *
   * Since: 0.1
   */
  g_object_class_install_property (gobject_class, PROP_KDF,
      g_param_spec_enum ("kdf", "Key schedule",
          "Key schedule of the media keys", GST_TYPE_E2EE_KDF, DEFAULT_KDF,
          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS));

  /**
   * GstE2eeKeyManager:debounce:
   *
   * Milliseconds to wait after a join or a leave before the key changes, so
   * that a burst of joins and leaves costs one change.
   *
   * Since: 0.1
   */
  g_object_class_install_property (gobject_class, PROP_DEBOUNCE,
      g_param_spec_uint ("debounce", "Debounce",
          "Milliseconds to gather joins and leaves into one key change", 0,
          60000, DEFAULT_DEBOUNCE_MS,
          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS));

  /**
   * GstE2eeKeyManager:key-switch-timeout:
   *
   * Milliseconds to wait for every participant to acknowledge a new key
   * before sending with it anyway.
   *
   * Since: 0.1
   */
  g_object_class_install_property (gobject_class, PROP_KEY_SWITCH_TIMEOUT,
      g_param_spec_uint ("key-switch-timeout", "Key switch timeout",
          "Milliseconds to wait for acknowledgements of a new key", 0,
          60000, DEFAULT_KEY_SWITCH_TIMEOUT_MS,
          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS));

  /**
   * GstE2eeKeyManager:auto-admit:
   *
   * Admit every participant that says hello. Off, only those given to
   * #GstE2eeKeyManager::add-participant get sessions and keys.
   *
   * Since: 0.1
   */
  g_object_class_install_property (gobject_class, PROP_AUTO_ADMIT,
      g_param_spec_boolean ("auto-admit", "Auto admit",
          "Give sessions and keys to every participant that says hello",
          DEFAULT_AUTO_ADMIT, G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS));

  /**
   * GstE2eeKeyManager:identity-change:
   *
   * What to do with a participant we know that says hello with other
   * identity keys under the same id (the same peer restarted without its
   * state file, or someone else using its id): see #GstE2eeIdentityChange.
   * A replacement is counted `identities-replaced` in
   * #GstE2eeKeyManager:stats, a refusal `impersonations` (and an element
   * error). The default takes it only from a relay that says who sent it.
   *
   * Since: 0.2
   */
  g_object_class_install_property (gobject_class, PROP_IDENTITY_CHANGE,
      g_param_spec_enum ("identity-change", "Identity change",
          "What to do with a known participant back with new identity keys "
          "(a restart without its state file)",
          GST_TYPE_E2EE_IDENTITY_CHANGE, DEFAULT_IDENTITY_CHANGE,
          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS));

  /**
   * GstE2eeKeyManager:max-participants:
   *
   * The most participants the manager keeps track of. A hello from a new
   * id beyond it is ignored (counted `participants-refused` in
   * #GstE2eeKeyManager:stats, one element warning each time the limit is
   * reached), so that a peer announcing ids by the thousand cannot make it
   * create participants, olm sessions and one-time keys without limit.
   * Participants given to #GstE2eeKeyManager::add-participant are always
   * taken, and count.
   *
   * Since: 0.1
   */
  g_object_class_install_property (gobject_class, PROP_MAX_PARTICIPANTS,
      g_param_spec_uint ("max-participants", "Max participants",
          "The most participants kept; hellos from new ids beyond it are "
          "ignored", 1, G_MAXINT, DEFAULT_MAX_PARTICIPANTS,
          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS));

  /**
   * GstE2eeKeyManager:curve25519-key:
   *
   * This participant's public curve25519 identity key (unpadded base64).
   *
   * Since: 0.1
   */
  g_object_class_install_property (gobject_class, PROP_CURVE25519,
      g_param_spec_string ("curve25519-key", "Curve25519 identity key",
          "Public curve25519 identity key", NULL,
          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));

  /**
   * GstE2eeKeyManager:ed25519-key:
   *
   * This participant's public ed25519 identity key (unpadded base64).
   *
   * Since: 0.1
   */
  g_object_class_install_property (gobject_class, PROP_ED25519,
      g_param_spec_string ("ed25519-key", "Ed25519 identity key",
          "Public ed25519 identity key", NULL,
          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));

  /**
   * GstE2eeKeyManager:stats:
   *
   * Counters: messages in and out, malformed, not-for-us, unknown-type,
   * refused, decrypt-failed, errors-received, impersonations,
   * bad-signatures (hellos whose identity keys' signature did not verify:
   * refused), dropped,
   * participants-refused, sessions, keys-sent, keys-received,
   * keys-duplicate (a key we had already, not signalled again), ratchets,
   * rotations; participants, key-index. Recovery (see docs/keymanager.md):
   * readmitted (a participant restored from the state file admitted by its
   * hello or session-init), sessions-restarted (a fresh olm session started
   * because the peer lost ours: its error, or its messages did not
   * decrypt), sessions-adopted (a session the peer made from our one-time
   * key, whose session-ack was lost, taken from its first message),
   * keys-resent (our current key sent again on a restarted
   * peer's hello), identities-replaced (a participant back with a new olm
   * account, see #GstE2eeKeyManager:identity-change), duplicates (a
   * message that arrived twice, dropped quietly),
   * recoveries-refused (a recovery over its bound: one per participant
   * every 2 s, 8 in a row without a message decrypting), sessions-stuck
   * (participants reported for answering two of our session-inits in a
   * row with "Session already established"), session-init-timeouts (our
   * session-inits that got no session-ack in time; refused counts only
   * what we refused).
   *
   * Since: 0.1
   */
  g_object_class_install_property (gobject_class, PROP_STATS,
      g_param_spec_boxed ("stats", "Statistics",
          "Protocol counters, and recovery counters: readmitted, "
          "sessions-restarted, sessions-adopted, keys-resent, "
          "identities-replaced, duplicates, recoveries-refused, "
          "sessions-stuck, session-init-timeouts",
          gst_structure_get_type (),
          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));

  /**
   * GstE2eeKeyManager::participant-joined:
   * @manager: the manager
   * @participant: its id
   *
   * A participant is in the call: admitted, and its identity known.
   * Emitted from the manager's thread.
   *
   * Since: 0.1
   */
  signals[SIGNAL_PARTICIPANT_JOINED] =
      g_signal_new ("participant-joined", G_TYPE_FROM_CLASS (klass),
      G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);

  /**
   * GstE2eeKeyManager::participant-left:
   * @manager: the manager
   * @participant: its id
   *
   * A participant left; its keys are gone. Emitted from the manager's
   * thread.
   *
   * Since: 0.1
   */
  signals[SIGNAL_PARTICIPANT_LEFT] =
      g_signal_new ("participant-left", G_TYPE_FROM_CLASS (klass),
      G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);

  /**
   * GstE2eeKeyManager::key-changed:
   * @manager: the manager
   * @participant: whose key: a remote id, or the local id for our own
   * @key_index: the index of the new (or ratcheted) key
   *
   * A media key changed. Emitted from the manager's thread. Never carries
   * the key.
   *
   * Since: 0.1
   */
  signals[SIGNAL_KEY_CHANGED] =
      g_signal_new ("key-changed", G_TYPE_FROM_CLASS (klass),
      G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_STRING,
      G_TYPE_UINT);

  /**
   * GstE2eeKeyManager::sas-ready:
   * @manager: the manager
   * @participant: the participant being verified
   * @emoji: the 7 emoji, each "symbol name"
   * @decimal: the 3 numbers, space-separated
   *
   * The codes to compare with what the other side shows; then call
   * #GstE2eeKeyManager::confirm-sas.
   *
   * Since: 0.1
   */
  signals[SIGNAL_SAS_READY] =
      g_signal_new ("sas-ready", G_TYPE_FROM_CLASS (klass),
      G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE, 3, G_TYPE_STRING,
      G_TYPE_STRV, G_TYPE_STRING);

  /**
   * GstE2eeKeyManager::participant-verified:
   * @manager: the manager
   * @participant: the participant
   * @verified: %TRUE if both sides confirmed and the MACs checked
   *
   * The end of a SAS verification. %TRUE proves the participant's ed25519
   * key (all that lib-jitsi-meet MACs); its curve25519 key, the one its
   * olm session uses, is proven too only if its hello signed it:
   * gst_e2ee_key_manager_has_signed_keys() says (docs/keymanager.md).
   *
   * Since: 0.1
   */
  signals[SIGNAL_PARTICIPANT_VERIFIED] =
      g_signal_new ("participant-verified", G_TYPE_FROM_CLASS (klass),
      G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_STRING,
      G_TYPE_BOOLEAN);

  /**
   * GstE2eeKeyManager::send-message:
   * @manager: the manager
   * @to: (nullable): the recipient, %NULL for everyone
   * @message: the JSON text to deliver
   *
   * A message for a participant reached through the application's own
   * transport (one that did not come over a webrtcbin).
   *
   * Since: 0.1
   */
  signals[SIGNAL_SEND_MESSAGE] =
      g_signal_new ("send-message", G_TYPE_FROM_CLASS (klass),
      G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_STRING,
      G_TYPE_STRING);

  /**
   * GstE2eeKeyManager::add-participant:
   * @manager: the manager
   * @participant: an id
   *
   * Action: see gst_e2ee_key_manager_add_participant().
   *
   * Since: 0.1
   */
  signals[SIGNAL_ADD_PARTICIPANT] =
      g_signal_new_class_handler ("add-participant", G_TYPE_FROM_CLASS (klass),
      G_SIGNAL_RUN_LAST | G_SIGNAL_ACTION,
      G_CALLBACK (gst_e2ee_key_manager_add_participant), NULL, NULL, NULL,
      G_TYPE_BOOLEAN, 1, G_TYPE_STRING);

  /**
   * GstE2eeKeyManager::remove-participant:
   * @manager: the manager
   * @participant: an id
   *
   * Action: see gst_e2ee_key_manager_remove_participant().
   *
   * Since: 0.1
   */
  signals[SIGNAL_REMOVE_PARTICIPANT] =
      g_signal_new_class_handler ("remove-participant",
      G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST | G_SIGNAL_ACTION,
      G_CALLBACK (gst_e2ee_key_manager_remove_participant), NULL, NULL, NULL,
      G_TYPE_BOOLEAN, 1, G_TYPE_STRING);

  /**
   * GstE2eeKeyManager::rotate-key:
   * @manager: the manager
   *
   * Action: see gst_e2ee_key_manager_rotate_key().
   *
   * Since: 0.1
   */
  signals[SIGNAL_ROTATE_KEY] =
      g_signal_new_class_handler ("rotate-key", G_TYPE_FROM_CLASS (klass),
      G_SIGNAL_RUN_LAST | G_SIGNAL_ACTION,
      G_CALLBACK (gst_e2ee_key_manager_rotate_key), NULL, NULL, NULL,
      G_TYPE_NONE, 0);

  /**
   * GstE2eeKeyManager::start-sas:
   * @manager: the manager
   * @participant: an id
   *
   * Action: see gst_e2ee_key_manager_start_sas().
   *
   * Since: 0.1
   */
  signals[SIGNAL_START_SAS] =
      g_signal_new_class_handler ("start-sas", G_TYPE_FROM_CLASS (klass),
      G_SIGNAL_RUN_LAST | G_SIGNAL_ACTION,
      G_CALLBACK (gst_e2ee_key_manager_start_sas), NULL, NULL, NULL,
      G_TYPE_BOOLEAN, 1, G_TYPE_STRING);

  /**
   * GstE2eeKeyManager::confirm-sas:
   * @manager: the manager
   * @participant: an id
   * @matches: whether the codes were the same on both sides
   *
   * Action: see gst_e2ee_key_manager_confirm_sas().
   *
   * Since: 0.1
   */
  signals[SIGNAL_CONFIRM_SAS] =
      g_signal_new_class_handler ("confirm-sas", G_TYPE_FROM_CLASS (klass),
      G_SIGNAL_RUN_LAST | G_SIGNAL_ACTION,
      G_CALLBACK (gst_e2ee_key_manager_confirm_sas), NULL, NULL, NULL,
      G_TYPE_BOOLEAN, 2, G_TYPE_STRING, G_TYPE_BOOLEAN);

  /**
   * GstE2eeKeyManager::receive-message:
   * @manager: the manager
   * @message: a message from the application's transport
   *
   * Action: see gst_e2ee_key_manager_receive_message().
   *
   * Since: 0.1
   */
  signals[SIGNAL_RECEIVE_MESSAGE] =
      g_signal_new_class_handler ("receive-message",
      G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST | G_SIGNAL_ACTION,
      G_CALLBACK (gst_e2ee_key_manager_receive_message), NULL, NULL, NULL,
      G_TYPE_BOOLEAN, 1, G_TYPE_STRING);

  /**
   * GstE2eeKeyManager::receive-message-from:
   * @manager: the manager
   * @sender: who the relay says wrote @message
   * @message: a message from the relay
   *
   * Action: see gst_e2ee_key_manager_receive_message_from().
   *
   * Since: 0.1
   */
  signals[SIGNAL_RECEIVE_MESSAGE_FROM] =
      g_signal_new_class_handler ("receive-message-from",
      G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST | G_SIGNAL_ACTION,
      G_CALLBACK (gst_e2ee_key_manager_receive_message_from), NULL, NULL,
      NULL, G_TYPE_BOOLEAN, 2, G_TYPE_STRING, G_TYPE_STRING);

  /**
   * GstE2eeKeyManager::add-webrtcbin:
   * @manager: the manager
   * @webrtcbin: a webrtcbin
   *
   * Action: see gst_e2ee_key_manager_add_webrtcbin().
   *
   * Since: 0.1
   */
  signals[SIGNAL_ADD_WEBRTCBIN] =
      g_signal_new_class_handler ("add-webrtcbin", G_TYPE_FROM_CLASS (klass),
      G_SIGNAL_RUN_LAST | G_SIGNAL_ACTION,
      G_CALLBACK (gst_e2ee_key_manager_add_webrtcbin), NULL, NULL, NULL,
      G_TYPE_NONE, 1, GST_TYPE_ELEMENT);

  /**
   * GstE2eeKeyManager::error:
   * @manager: the manager
   * @error: what went wrong, in the #GST_RESOURCE_ERROR domain, translated
   * @debug: (nullable): details for developers, not translated
   *
   * Something the user must know: a participant's identity changed
   * (impersonation), a verification failed, the state file could not be
   * read. The e2eekeymanager element posts it as an element error. Emitted
   * from the manager's thread (or the thread that set
   * #GstE2eeKeyManager:state-file), no lock held.
   *
   * Since: 0.1
   */
  signals[SIGNAL_ERROR] =
      g_signal_new ("error", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
      NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_ERROR, G_TYPE_STRING);

  /**
   * GstE2eeKeyManager::warning:
   * @manager: the manager
   * @error: what happened, in the #GST_RESOURCE_ERROR domain, translated
   * @debug: (nullable): details for developers, not translated
   *
   * Like #GstE2eeKeyManager::error, for what does not stop the call (the
   * participant limit was reached). The element posts it as a warning.
   *
   * Since: 0.1
   */
  signals[SIGNAL_WARNING] =
      g_signal_new ("warning", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
      0, NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_ERROR, G_TYPE_STRING);
}

static void
gst_e2ee_key_manager_init (GstE2eeKeyManager * self)
{
  g_mutex_init (&self->lock);
  self->local_id = g_uuid_string_random ();
  self->kdf = DEFAULT_KDF;
  self->debounce_ms = DEFAULT_DEBOUNCE_MS;
  self->key_switch_timeout_ms = DEFAULT_KEY_SWITCH_TIMEOUT_MS;
  self->auto_admit = DEFAULT_AUTO_ADMIT;
  self->identity_change = DEFAULT_IDENTITY_CHANGE;
  self->max_participants = DEFAULT_MAX_PARTICIPANTS;
  self->participants = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
      (GDestroyNotify) _gst_e2ee_km_participant_free);
  self->awaiting_ack = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
      g_free);
  self->transports = g_ptr_array_new ();
  self->webrtcbins = g_ptr_array_new_with_free_func (gst_object_unref);
  g_queue_init (&self->queued);

  g_mutex_init (&self->thread_lock);
  if (!gst_e2ee_random_bytes (self->local_key, MEDIA_KEY_SIZE))
    g_critical ("gst-e2ee: CSPRNG failure");
  self->local_serial = 1;

  self->alive = g_new (struct _KmAlive, 1);
  self->alive->refcount = 1;
  self->alive->alive = TRUE;
  self->context = g_main_context_new ();
  self->loop = g_main_loop_new (self->context, FALSE);
}
