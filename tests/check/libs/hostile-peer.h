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

/* The hostile-peer test's cast: real key managers on the harness's router
 * (km-harness.h), and test peers that hold an olm account of their own (the
 * library's private olm module) and speak the protocol as the test says,
 * honestly or not; with helpers to make frames and check what decrypts. */

#ifndef __HOSTILE_PEER_H__
#define __HOSTILE_PEER_H__

#include "km-harness.h"
#include <gst/e2ee/keymanager/gste2eeolm-private.h>

G_BEGIN_DECLS
/* A test peer: an olm account driven by the test. */
    typedef struct
{
  gchar *id;
  GstE2eeOlmAccount *account;
  /* the one manager it talks to */
  GstE2eeKeyManager *m;
  gchar *m_id;
  gchar *m_curve;
  GstE2eeOlmSession *session;
  gchar *pending_uuid;
  /* its own media key, sent in key-info */
  guint8 key[KM_KEY_SIZE];
  guint key_index;
  /* answer session-init and key-info */
  gboolean respond;
  /* as lib-jitsi-meet: a session-init while it holds a session is
   * answered with the error "Session already established", a key-info
   * without one with "No session found while processing key-info" */
  gboolean jitsi;
  /* its next session-ack is lost on the way */
  gboolean lose_ack;

  GMutex lock;
  GQueue inbox;
  /* what it got from the manager */
  guint8 got_key[KM_KEY_SIZE];
  gint64 got_index;
  guint keys_got;
  guint errors;
  guint session_inits;
  guint decrypt_failed;
} Peer;

/* The test peers and what the router saw (km-harness.h hooks) */
typedef struct
{
  GMutex lock;
  GPtrArray *peers;
  /* every session-init seen, for replays */
  GPtrArray *session_inits;
  /* the peers' messages reach their manager through a relay that says
   * which peer sent each (receive_message_from), as the managers' do
   * after km_router_set_relay() */
  gboolean relay;
} Hostile;

/* key-changed signals seen */
typedef struct
{
  GMutex lock;
  GPtrArray *events;            /* "participant:index" */
} KeyEvents;

extern Hostile hostile;

gchar *olm_msg (const gchar * from, const gchar * to, const gchar * type,
    const gchar * data);
gchar *hello_msg (const gchar * from, const gchar * to, const gchar * curve,
    const gchar * ed);
gboolean deliver (GstE2eeKeyManager * m, gchar * msg);
gboolean deliver_from (GstE2eeKeyManager * m, const gchar * sender,
    gchar * msg);
gchar *key_info_plain (const guint8 * key, guint index);
Peer *peer_new (const gchar * id, GstE2eeKeyManager * m);
void hostile_init (void);
void hostile_reset (void);
void peer_free (Peer * peer);
void peer_drop (Peer * peer);
const gchar *peer_curve (Peer * peer);
const gchar *peer_ed (Peer * peer);
void peer_hello (Peer * peer, const gchar * as);
gchar *encrypted_data (GstE2eeOlmSession * session, const gchar * plain,
    const gchar * uuid);
void peer_send_plain (Peer * peer, const gchar * as, const gchar * type,
    const gchar * plain);
void peer_start_session (Peer * peer);
Peer *peer_joined (const gchar * id, GstE2eeKeyManager * m);
gboolean peer_key_works (Peer * peer, guint seed);
void key_events_init (KeyEvents * ev, GstE2eeKeyManager * m);
guint key_events_count (KeyEvents * ev, const gchar * prefix);
void key_events_clear (KeyEvents * ev, GstE2eeKeyManager * m);
GstBus *watch_bus (GstE2eeKeyManager * m);
void unwatch_bus (GstE2eeKeyManager * m, GstBus * bus);
gboolean bus_has (GstBus * bus, GstMessageType type, const gchar * needle);
guint bus_count (GstBus * bus, GstMessageType type);

G_END_DECLS
#endif /* __HOSTILE_PEER_H__ */
