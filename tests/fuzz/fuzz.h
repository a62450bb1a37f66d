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


/* What the fuzz targets of tests/fuzz share: libFuzzer's entry points, a
 * quiet GStreamer without a plugin registry, and the "other side" of a key
 * manager conversation (a real olm account and session). */

#ifndef __E2EE_FUZZ_H__
#define __E2EE_FUZZ_H__

#include <stddef.h>
#include <stdint.h>
#include <gst/gst.h>
#include <gst/e2ee/e2ee.h>
#include <gst/e2ee/keymanager/gste2eeolm-private.h>

G_BEGIN_DECLS

/* libFuzzer's interface; tests/fuzz/replay.c provides a main() that calls
 * them on files, for builds without libFuzzer. */
int LLVMFuzzerInitialize (int *argc, char ***argv);
int LLVMFuzzerTestOneInput (const uint8_t * data, size_t size);

/* The key material of tests/data/jframe-vectors.json (01 00 .. 00). */
extern const guint8 fuzz_media_key[32];
/* The key every state file of the fuzzers is sealed under. */
extern const guint8 fuzz_state_key[32];

/* SFrame: the KIDs the receivers of fuzz-sframe-open hold (each with
 * fuzz_media_key as base key, in every suite), which gen-corpus seals
 * under. */
#define FUZZ_SFRAME_N_KIDS 3
extern const guint64 fuzz_sframe_kids[FUZZ_SFRAME_N_KIDS];

void fuzz_init (void);

gchar *fuzz_tmp_dir (void);

/* A key manager ("alice") and a peer ("bob") with a real olm account that
 * has said hello and completed the olm handshake with it, so that what the
 * peer encrypts reaches the manager's key-info parser. There is one
 * manager (and so one protocol thread) for the whole run: a new peer
 * finds it with no participant, as fuzz_peer_free() left it. One peer at a
 * time. */
typedef struct
{
  GstE2eeKeyManager *manager;
  GstE2eeOlmAccount *account;
  GstE2eeOlmSession *session;
  GMutex lock;
  GQueue outbox;                /* JSON texts the manager sent, oldest first */
  guint64 inputs;
} FuzzPeer;

#define FUZZ_MANAGER_ID "alice"
#define FUZZ_PEER_ID "bob"

FuzzPeer *fuzz_peer_new (void);
void fuzz_peer_free (FuzzPeer * peer);
void fuzz_peer_deliver (FuzzPeer * peer, const gchar * json);
gchar *fuzz_peer_hello (FuzzPeer * peer);
gchar *fuzz_peer_olm_message (FuzzPeer * peer, const gchar * olm_type,
    const gchar * uuid, const guint8 * plaintext, gsize len);
guint64 fuzz_peer_stat (FuzzPeer * peer, const gchar * field);

G_END_DECLS

#endif /* __E2EE_FUZZ_H__ */
