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


#ifndef __GST_E2EE_KEY_MANAGER_PRIVATE_H__
#define __GST_E2EE_KEY_MANAGER_PRIVATE_H__

#include <gst/e2ee/gste2eekeymanager.h>
#include "gste2eekeymanager-transport.h"
#include "gste2eeolm-private.h"

#include <json-glib/json-glib.h>

/* what the user sees (the ::error and ::warning texts) is translated */
#ifdef ENABLE_NLS
#include <glib/gi18n-lib.h>
#else
#define _(String) (String)
#define N_(String) (String)
#endif

G_BEGIN_DECLS
#define MEDIA_KEY_SIZE 32
/* key indexes are 0..2^31-1 on the wire (a JSON integer every client
 * reads); the one after the largest is 0 */
#define NEXT_KEY_INDEX(i) (((i) + 1) & G_MAXINT32)
#define N_SLOTS GST_E2EE_KEY_RING_DEFAULT_SIZE
/* bigger messages are refused unparsed: olm messages carrying a key are a
 * few hundred bytes */
#define MAX_MESSAGE_SIZE (64 * 1024)
#define REQUEST_TIMEOUT_MS 5000
/* an initiator whose session-init went unanswered tries again, waiting
 * twice as long each time up to this */
#define MAX_RETRY_TIMEOUT_MS 60000
/* received messages waiting for the manager's thread: beyond either bound
 * a message is dropped unread, so a flood cannot grow memory without limit */
#define MAX_QUEUED_MESSAGES 1024
#define MAX_QUEUED_BYTES (4 * 1024 * 1024)
/* session-inits accepted from one participant per REQUEST_TIMEOUT_MS: each
 * costs an olm session (several curve25519 operations) */
#define MAX_SESSION_INITS 4
/* one-time keys remembered per participant against replayed session-inits;
 * past this the oldest are forgotten (a replay can then at worst replace
 * the unused candidate session, see Participant) */
#define MAX_USED_OTKS 128
#define DEFAULT_MAX_PARTICIPANTS 100
/* recovery of a session the peer lost (a restart, a lost message): at most
 * one fresh session (or one re-sent key) per participant per
 * RECOVERY_INTERVAL_MS, and at most MAX_RECOVERIES in a row before a
 * message decrypts again on a session, so neither a hostile peer's
 * endless "no session" errors nor two peers that both lost theirs can
 * make it a loop */
#define RECOVERY_INTERVAL_MS 2000
#define MAX_RECOVERIES 8
/* bodies of olm messages that decrypted, remembered per participant so
 * that a duplicate is dropped quietly, not taken for a lost session */
#define MAX_SEEN_BODIES 32
GST_DEBUG_CATEGORY_EXTERN (gst_e2ee_key_manager_debug);

typedef struct _Participant Participant;
typedef struct _SasState SasState;

struct _SasState
{
  GstE2eeOlmSas *sas;
  gchar *transaction_id;
  gchar *start_json;
  gchar *commitment;
  gboolean initiator;
  gboolean key_sent;
  gboolean codes_ready;
  gboolean mac_sent;
  gboolean their_mac_ok;
  gboolean confirmed;
};

struct _Participant
{
  gchar *id;
  /* never reused, unlike the id: a key subscription tells this participant
   * from a later one of the same id by it; immutable */
  guint64 uid;
  /* identity keys, trusted on first use */
  gchar *curve25519;
  gchar *ed25519;
  /* the application admitted it (or auto-admit) */
  gboolean admitted;
  /* admitted and heard from: counted in the call */
  gboolean joined;
  /* we sent it our identity (e2ee-hello) */
  gboolean hello_sent;
  GstE2eeOlmSession *session;
  /* uuid of the session-init that made the session, against replays */
  gchar *session_uuid;
  /* a message from it decrypted on the session: it holds the other end */
  gboolean confirmed;
  /* responder: a session made from a later session-init; it replaces the
   * session only once a message from the participant decrypts on it, so an
   * unauthenticated session-init (forged or replayed) cannot break one */
  GstE2eeOlmSession *candidate;
  gchar *candidate_uuid;
  /* initiator: our session-init waiting for its session-ack */
  gchar *pending_uuid;
  GSource *pending_timeout;
  guint retry_timeout_ms;
  /* session-inits accepted in the current window, against floods */
  gint64 inits_window_start;
  guint inits_in_window;
  /* one-time keys we made outbound sessions from (-> the uuid of their
   * session-init), against replays, in the order they came */
  GHashTable *used_otks;
  GQueue used_otks_order;
  /* where messages to it go (NULL: the application's send-message) */
  GstE2eeKmTransport *transport;
  /* a message from it was taken in on @transport: until then, the first
   * one that comes binds it, wherever it comes from */
  gboolean heard;
  /* the ratchet that hides earlier media from it has happened */
  gboolean may_get_key;
  /* serial of our local key it last got (0: none) */
  guint sent_serial;
  SasState *sas;
  gboolean verified;
  /* its curve25519 key came in a hello signed by its ed25519 key, so a SAS
   * that verifies the ed25519 key vouches for both (docs/keymanager.md) */
  gboolean keys_signed;
  /* a hello of its was taken since we started (a participant restored from
   * the state file is not known to sign or not until then) */
  gboolean hello_taken;
  /* recoveries (see RECOVERY_INTERVAL_MS): the last one (monotonic time,
   * 0: none) and how many since a message last decrypted */
  gint64 recovery_time;
  guint recoveries;
  /* when a message of its last decrypted on a session (monotonic time) */
  gint64 works_time;
  /* our session-inits it answered "Session already established" in a row,
   * the last one's uuid, and whether the application was told */
  guint inits_refused;
  gchar *refused_uuid;
  gboolean stuck_warned;
  /* the uuid of the last key-info we sent it, until its key-info-ack:
   * sent again (our current key) when the ack does not come, each time
   * waiting twice as long up to MAX_RETRY_TIMEOUT_MS */
  gchar *key_uuid;
  GSource *key_timeout;
  guint key_retry_ms;
  /* admitted before we knew it: our hello again until its answer */
  GSource *hello_timeout;
  guint hello_retry_ms;
  /* the last time our key was sent again on its (restart) hello */
  gint64 key_resent_time;
  /* hashes of the last message bodies that decrypted, oldest first */
  guint seen_bodies[MAX_SEEN_BODIES];
  guint n_seen_bodies;
  /* the last error posted about it, and when (monotonic time) */
  gchar *last_error;
  gint64 last_error_time;

  /* its media keys: read by elements under the manager lock */
  guint8 keys[N_SLOTS][MEDIA_KEY_SIZE];
  gboolean have_key[N_SLOTS];
  guint serial[N_SLOTS];
  gint64 last_index;
};

typedef struct
{
  guint64 messages_in;
  guint64 messages_out;
  guint64 malformed;
  guint64 not_for_us;
  guint64 unknown_type;
  guint64 refused;
  guint64 decrypt_failed;
  guint64 errors_received;
  guint64 impersonations;
  guint64 bad_signatures;
  guint64 dropped;
  guint64 participants_refused;
  guint64 sessions;
  guint64 keys_sent;
  guint64 keys_received;
  guint64 keys_duplicate;
  guint64 ratchets;
  guint64 rotations;
  /* recovery */
  guint64 readmitted;
  guint64 sessions_restarted;
  guint64 sessions_adopted;
  guint64 keys_resent;
  guint64 identities_replaced;
  guint64 duplicates;
  guint64 recoveries_refused;
  /* participants that kept refusing our session-inits ("Session already
   * established"), reported */
  guint64 sessions_stuck;
  /* our session-inits that got no session-ack in time */
  guint64 session_init_timeouts;
} ManagerStats;

typedef enum
{
  QUEUED_SEND,
  QUEUED_SIGNAL_JOINED,
  QUEUED_SIGNAL_LEFT,
  QUEUED_SIGNAL_KEY_CHANGED,
  QUEUED_SIGNAL_SAS_READY,
  QUEUED_SIGNAL_VERIFIED,
  QUEUED_ERROR,
  QUEUED_WARNING,
  /* ::error (flag TRUE) or ::warning about the manager itself: text is
   * the message, debug the details, index the GST_RESOURCE_ERROR code */
  QUEUED_PROBLEM,
} QueuedKind;

/* Something to do once the lock is released: a message to send, a signal
 * to emit, an error to post (libnice's pattern). */
typedef struct
{
  QueuedKind kind;
  gchar *participant;
  gchar *text;
  GstE2eeKmTransport *transport;
  guint index;
  gboolean flag;
  gchar **emoji;
  gchar *debug;
} Queued;

#define GST_E2EE_KEY_MANAGER_LOCK(m) g_mutex_lock (&(m)->lock)
#define GST_E2EE_KEY_MANAGER_UNLOCK(m) g_mutex_unlock (&(m)->lock)
#define GST_E2EE_KEY_MANAGER_THREAD_LOCK(m) g_mutex_lock (&(m)->thread_lock)
#define GST_E2EE_KEY_MANAGER_THREAD_UNLOCK(m) g_mutex_unlock (&(m)->thread_lock)

struct _GstE2eeKeyManager
{
  GstObject parent;

  /* protects everything below unless noted */
  GMutex lock;
  /* atomic; changes whenever a key elements use changes */
  gint generation;

  gchar *local_id;
  /* local-id was set, not drawn: a state file does not override it */
  gboolean explicit_id;
  GstE2eeKdf kdf;
  guint debounce_ms;
  guint key_switch_timeout_ms;
  gboolean auto_admit;
  GstE2eeIdentityChange identity_change;
  guint max_participants;
  /* the participant limit was reached and the application told so */
  gboolean limit_warned;
  /* when a bad hello signature was last posted (at most one a second) */
  gint64 bad_signature_time;
  gchar *state_file;
  /* state-file was set and is loaded on first use, once every property
   * (state-key included) had its chance to be set, whatever their order */
  gboolean state_pending;
  /* the last save failed and the application was told */
  gboolean state_save_failed;
  /* a session changed since the state was last saved */
  gboolean state_dirty;

  /* the media key we send with */
  guint8 local_key[MEDIA_KEY_SIZE];
  guint local_index;
  guint local_serial;
  /* ratchet steps applied to local_key since local_index's key was made
   * (SFrame's KID generation, see docs/keymanager.md) */
  guint local_ratchets;
  /* a new key sent to everyone, used once acknowledged or on timeout */
  guint8 next_key[MEDIA_KEY_SIZE];
  gboolean have_next_key;
  GHashTable *awaiting_ack;     /* uuid -> participant id */
  GSource *switch_timeout;
  GSource *debounce;
  gboolean pending_join;
  gboolean pending_leave;

  GstE2eeOlmAccount *account;
  guint8 state_key[32];
  gboolean have_state_key;

  GHashTable *participants;     /* id -> Participant */
  /* GstE2eeKmTransport, each freed through its table on dispose */
  GPtrArray *transports;
  GPtrArray *webrtcbins;

  ManagerStats stats;
  GQueue queued;
  /* the transport of the message being handled (manager thread) */
  GstE2eeKmTransport *receiving_transport;
  /* received messages handed to the thread and not yet handled */
  guint queued_in;
  gsize queued_in_bytes;

  /* the protocol thread, started by the first work handed to it (so that a
   * manager nobody uses, as in gst-inspect, has none); THREAD_LOCK */
  GMutex thread_lock;
  GThread *thread;
  /* disposed: no thread starts any more; THREAD_LOCK */
  gboolean thread_stopped;
  /* shared with the work handed to the thread: cleared when the manager
   * goes away on that thread, so work still queued is then skipped */
  struct _KmAlive *alive;
  GMainContext *context;
  GMainLoop *loop;
};

/* gste2eekeymanager.c */
GstE2eeOlmAccount *_gst_e2ee_km_account_locked (GstE2eeKeyManager * self);
void _gst_e2ee_km_transport_send (GstE2eeKmTransport * transport,
    const gchar * text);
void _gst_e2ee_km_queue (GstE2eeKeyManager * self, QueuedKind kind,
    const gchar * participant, gchar * text);
void _gst_e2ee_km_send_locked (GstE2eeKeyManager * self, Participant * p,
    const gchar * olm_type, JsonNode * data);
void _gst_e2ee_km_send_hello_locked (GstE2eeKeyManager * self,
    GstE2eeKmTransport * transport, const gchar * to, gboolean reply);
void _gst_e2ee_km_flush_queued (GstE2eeKeyManager * self);
void _gst_e2ee_km_invoke (GstE2eeKeyManager * self, GSourceFunc func,
    gpointer data, GDestroyNotify notify);

void _gst_e2ee_km_queue_problem (GstE2eeKeyManager * self, gboolean error,
    gint code, gchar * message, const gchar * debug);
void _gst_e2ee_km_use_state (GstE2eeKeyManager * self);

/* gste2eekeymanager-state.c */
gboolean _gst_e2ee_km_load_pending_state_locked (GstE2eeKeyManager * self);
void _gst_e2ee_km_save_state_locked (GstE2eeKeyManager * self);
gboolean _gst_e2ee_km_load_state_locked (GstE2eeKeyManager * self,
    gboolean keep_local_id, GError ** error);

/* gste2eekeymanager-protocol.c */
JsonObject *_gst_e2ee_km_parse_object (JsonParser * parser,
    const gchar * text, gssize len);
void _gst_e2ee_km_handle_message_locked (GstE2eeKeyManager * self,
    GstE2eeKmTransport * transport, const gchar * sender, const gchar * text);
void _gst_e2ee_km_participant_free (Participant * p);
Participant *_gst_e2ee_km_participant_new (const gchar * id);
void _gst_e2ee_km_join_locked (GstE2eeKeyManager * self, Participant * p);
void _gst_e2ee_km_authenticated_locked (GstE2eeKeyManager * self,
    Participant * p);
void _gst_e2ee_km_error_locked (GstE2eeKeyManager * self, Participant * p,
    gchar * text);
void _gst_e2ee_km_leave_locked (GstE2eeKeyManager * self, Participant * p);
void _gst_e2ee_km_rotate_locked (GstE2eeKeyManager * self);
gchar *_gst_e2ee_km_key_info_json (GstE2eeKeyManager * self, Participant * p);
JsonNode *_gst_e2ee_km_object_node (JsonObject * obj);
const gchar *_gst_e2ee_km_get_string (JsonObject * obj, const gchar * member);
JsonObject *_gst_e2ee_km_get_object (JsonObject * obj, const gchar * member);
gboolean _gst_e2ee_km_valid_id (const gchar * id);
G_GNUC_INTERNAL
gchar *_gst_e2ee_km_id_keys_message (const gchar * id, const gchar * curve25519,
    const gchar * ed25519);

gchar *_gst_e2ee_km_new_uuid (void);
void _gst_e2ee_km_send_error_locked (GstE2eeKeyManager * self,
    Participant * p, const gchar * error);


void _gst_e2ee_km_clear_source (GSource ** source);
void _gst_e2ee_km_clear_candidate (Participant * p);
void _gst_e2ee_km_clear_pending (Participant * p);
void _gst_e2ee_km_send_key_info_locked (GstE2eeKeyManager * self,
    Participant * p, const gchar * olm_type, const gchar * uuid);
void _gst_e2ee_km_send_session_init_locked (GstE2eeKeyManager * self,
    Participant * p);

/* gste2eekeymanager-recovery.c */
void _gst_e2ee_km_key_sent_locked (GstE2eeKeyManager * self, Participant * p,
    const gchar * uuid);
void _gst_e2ee_km_key_acked_locked (Participant * p, const gchar * uuid);
void _gst_e2ee_km_retry_hello_locked (GstE2eeKeyManager * self,
    Participant * p);
const gchar *_gst_e2ee_km_awaited_uuid (GstE2eeKeyManager * self,
    Participant * p);
void _gst_e2ee_km_recover_session_locked (GstE2eeKeyManager * self,
    Participant * p);
void _gst_e2ee_km_init_refused_locked (GstE2eeKeyManager * self,
    Participant * p);
void _gst_e2ee_km_session_works_locked (Participant * p);
gboolean _gst_e2ee_km_seen_body (Participant * p, guint hash);
void _gst_e2ee_km_remember_body (Participant * p, guint hash);
gboolean _gst_e2ee_km_is_pre_key (JsonObject * ct);
gchar *_gst_e2ee_km_adopt_pre_key_locked (GstE2eeKeyManager * self,
    Participant * p, const gchar * body);
void _gst_e2ee_km_resend_key_locked (GstE2eeKeyManager * self,
    Participant * p);
gboolean _gst_e2ee_km_replace_identity_locked (GstE2eeKeyManager * self,
    Participant * p, const gchar * sender, gint64 * last, gboolean * admitted);

/* gste2eekeymanager-sas.c */
void _gst_e2ee_km_sas_free (SasState * sas);
void _gst_e2ee_km_start_sas_locked (GstE2eeKeyManager * self, Participant * p);
void _gst_e2ee_km_confirm_sas_locked (GstE2eeKeyManager * self,
    Participant * p, gboolean matches);
void _gst_e2ee_km_handle_sas_start (GstE2eeKeyManager * self, Participant * p,
    JsonObject * data, JsonNode * data_node);
void _gst_e2ee_km_handle_sas_accept (GstE2eeKeyManager * self,
    Participant * p, JsonObject * data);
void _gst_e2ee_km_handle_sas_key (GstE2eeKeyManager * self, Participant * p,
    JsonObject * data);
void _gst_e2ee_km_handle_sas_mac (GstE2eeKeyManager * self, Participant * p,
    JsonObject * data);

G_END_DECLS
#endif /* __GST_E2EE_KEY_MANAGER_PRIVATE_H__ */
