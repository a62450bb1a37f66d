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


/* Fuzz target: the key manager's message parser and dispatcher, through
 * its public receive path (gst_e2ee_key_manager_receive_message() and
 * gst_e2ee_key_manager_flush()), against a peer with a real olm account
 * and an established olm session.
 *
 * Input: one byte of mode, then the payload.
 *  - even mode byte: the payload is a raw message (JSON text up to its
 *    first NUL) from the transport: envelopes, hellos, session-init/ack,
 *    SAS, anything;
 *  - odd mode byte: the payload is the plaintext of an olm message that
 *    the peer encrypts on its session and sends in a valid envelope
 *    (key-info, key-info-ack or session-ack after bit 1 and 2), so that it
 *    gets past JSON and olm into the key-info parser.
 *
 * The manager and the peer live across inputs (an olm handshake costs
 * milliseconds); they are made anew every few thousand inputs and whenever
 * an input broke the session (a forged session-init, say), so that
 * encrypted payloads keep reaching the parser. */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "fuzz-peer.h"

#include <string.h>

#define MAX_INPUTS_PER_PEER 2000

static FuzzPeer *peer;

int
LLVMFuzzerInitialize (int *argc, char ***argv)
{
  fuzz_init ();
  return 0;
}

int
LLVMFuzzerTestOneInput (const uint8_t * data, size_t size)
{
  static const gchar *const olm_types[] = {
    "key-info", "key-info-ack", "session-ack", "key-info"
  };
  guint8 mode;
  gchar *text;

  if (size < 1 || size > 70 * 1024)
    return 0;
  if (!peer || peer->inputs >= MAX_INPUTS_PER_PEER) {
    fuzz_peer_free (peer);
    peer = fuzz_peer_new ();
  }
  mode = data[0];
  data++;
  size--;
  /* the library reads both up to the first NUL */
  text = g_strndup ((const gchar *) data, size);

  if (mode & 1) {
    guint64 failed = fuzz_peer_stat (peer, "decrypt-failed");
    gchar *msg = fuzz_peer_olm_message (peer, olm_types[(mode >> 1) & 3],
        "6ba7b810-9dad-11d1-80b4-00c04fd430c8", data, size);

    if (msg) {
      fuzz_peer_deliver (peer, msg);
      g_free (msg);
    }
    /* the session no longer matches: start again next time */
    if (!msg || fuzz_peer_stat (peer, "decrypt-failed") != failed)
      peer->inputs = MAX_INPUTS_PER_PEER;
  } else {
    fuzz_peer_deliver (peer, text);
  }
  g_free (text);
  return 0;
}
