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

/* The key manager tests' harness (libs/keymanager.c, libs/hostile.c,
 * integration/hygiene.c, integration/soak.c): real GstE2eeKeyManagers in
 * one process, joined by an in-process router on the application
 * transport (send-message / receive-message), with helpers to let the
 * protocol settle, read stats, and make, encrypt and check frames under
 * GstHarness.
 *
 * There is one router per test process (gst-check runs each test in a
 * process of its own, or one after the other): km_party() makes a manager
 * on it, km_join() lets it in, km_leave() out, km_router_reset() ends the
 * call; km_restart() (or km_leave() and km_party_with_state()) stands for
 * a restart, km_enter() for a manager that waits for hellos instead of
 * admitting anyone. A test changes what the router does (drop, duplicate,
 * tamper, hold back to reorder) through km_router_hooks(),
 * and makes it a relay that tells who sent each message (as a Janus
 * TextRoom or a chat room does) with km_router_set_relay(). */

#ifndef __KM_HARNESS_H__
#define __KM_HARNESS_H__

#include <gst/check/gstcheck.h>
#include <gst/check/gstharness.h>
#include <gst/e2ee/e2ee.h>

G_BEGIN_DECLS

#define KM_OPUS_CAPS "audio/x-opus, channel-mapping-family=(int)0"
#define KM_KEY_SIZE 32

/* What a test may do to the router's messages; every hook is optional and
 * runs on the sending manager's thread. @to is the recipient's id; @from
 * the sender's. Set them between settles. */
typedef struct
{
  /* a replacement for @msg (the router frees it), or NULL to leave it */
  gchar *(*tamper) (const gchar * from, const gchar * to, const gchar * msg,
      gpointer user_data);
  /* TRUE: @to does not get @msg */
  gboolean (*drop) (const gchar * from, const gchar * to, const gchar * msg,
      gpointer user_data);
  /* TRUE: @to gets @msg twice */
  gboolean (*twice) (const gchar * from, const gchar * to, const gchar * msg,
      gpointer user_data);
  /* TRUE: @to gets @msg later, after the next message the router gives
   * it (or at the next round of km_settle()): a reordering */
  gboolean (*hold) (const gchar * from, const gchar * to, const gchar * msg,
      gpointer user_data);
  /* sees each message once, as sent (@to NULL: to everyone): for
   * recipients that are not managers (a test's own peers) */
  void (*observe) (const gchar * from, const gchar * to, const gchar * msg,
      gpointer user_data);
  /* called in each round of km_settle(), after the managers' flush: a
   * test's own peers answer there */
  void (*settle_round) (gpointer user_data);
  gpointer user_data;
} KmRouterHooks;

KmRouterHooks *km_router_hooks (void);
void km_router_set_relay (gboolean relay);
void km_router_reset (void);

GstE2eeKeyManager *km_party (const gchar * id);
GstE2eeKeyManager *km_party_with_state (const gchar * id,
    const gchar * state_file);
extern const guint8 km_state_key[KM_KEY_SIZE];
GstE2eeKeyManager *km_restart (GstE2eeKeyManager * m,
    const gchar * state_file);
void km_join (GstE2eeKeyManager * m);
void km_enter (GstE2eeKeyManager * m);
void km_leave (GstE2eeKeyManager * m);
guint km_n_members (void);
GstE2eeKeyManager *km_member (guint i);
void km_flush_all (void);
void km_settle (void);

guint64 km_stat (GstE2eeKeyManager * m, const gchar * field);
guint64 km_element_stat (GstElement * e, const gchar * field);
guint km_n_participants (GstE2eeKeyManager * m);
gboolean km_has_participant (GstE2eeKeyManager * m, const gchar * id);

GstHarness *km_enc_for (GstE2eeKeyManager * m);
GstHarness *km_dec_for (GstE2eeKeyManager * m, const gchar * participant);
GstHarness *km_enc_with_key (const guint8 * key, guint index);
GstHarness *km_dec_with_key (const guint8 * key, guint index);
GstBuffer *km_frame (guint seed);
GstBuffer *km_encrypt (GstHarness * enc, guint seed);
gboolean km_decrypts (GstHarness * dec, GstBuffer * encrypted, guint seed);
guint km_kid_of (GstBuffer * buf);
gboolean km_call_works (GstE2eeKeyManager * from, GstE2eeKeyManager * to,
    guint seed);
gboolean km_key_works (GstE2eeKeyManager * m, const gchar * participant,
    const guint8 * key, guint index, guint seed);

/* the KID docs/keymanager.md ("SFrame keys") says @id's frames carry
 * under key index @index and ratchet generation @generation, computed
 * here independently of the elements */
guint64 km_sframe_kid (const gchar * id, guint index, guint generation);

/* removes @dir (a folder of state files) and frees the string */
void km_remove_dir (gchar * dir);

G_END_DECLS

#endif /* __KM_HARNESS_H__ */
