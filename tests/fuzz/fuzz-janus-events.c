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


/* Fuzz target: Janus as the adversary. What an SFU's operator can send our
 * Janus client, given to the client's own parsing and dispatch code
 * (gst/e2ee/janus/) without network, through the room's test hooks
 * (gste2eejanusroom-test.h): a room with a key manager, in the state of one
 * that has joined the VideoRoom, has a subscriber handle and waits for the
 * answer to its TextRoom join (transaction "join"); see
 * gst_e2ee_janus_room_test_fake_join() for its handles and ids.
 *
 * Input: lines; the first character of each says what the rest is:
 *  P: the body of an answer to the long poll (session events: event,
 *     webrtcup, hangup, detached, timeout, media, slowlink, error, with
 *     VideoRoom and TextRoom plugin data, jsep offers);
 *  A: the answer to the oldest request the room sent that is still pending
 *     (requests are numbered: transactions "t1", "t2", ...);
 *  T: a string on the TextRoom data channel (join answer, message, join,
 *     leave, kicked, destroyed, error).
 * Other lines are ignored. Janus's SDP offers are parsed, then refused: the
 * subscriber has no webrtcbin (too heavy for a fuzzer). */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "fuzz-peer.h"
#include <gst/e2ee/janus/gste2eejanusroom-test.h>

#include <stdlib.h>
#include <string.h>

#define MAX_LINES 64

static GstE2eeKeyManager *manager;

static void
release_manager (void)
{
  gst_clear_object (&manager);
}

int
LLVMFuzzerInitialize (int *argc, char ***argv)
{
  fuzz_init ();
  manager = gst_object_ref_sink (gst_e2ee_key_manager_new (FUZZ_MANAGER_ID));
  /* no key change on a timer: each input alone decides what happens */
  g_object_set (manager, "debounce", 60000, NULL);
  atexit (release_manager);
  return 0;
}

int
LLVMFuzzerTestOneInput (const uint8_t * data, size_t size)
{
  GstE2eeJanusRoom *room;
  const gchar *p = (const gchar *) data, *end = p + size;
  gchar **ids;
  guint i, lines = 0;

  /* a port nobody listens on: nothing is sent anyway (offline session) */
  room = gst_object_ref_sink (gst_e2ee_janus_room_new
      ("http://127.0.0.1:9/janus", 1234, manager));
  gst_e2ee_janus_room_test_fake_join (room);
  while (p < end && lines++ < MAX_LINES) {
    const gchar *nl = memchr (p, '\n', end - p);
    const gchar *line_end = nl ? nl : end;

    if (line_end > p) {
      const gchar *payload = p + 1;
      gsize len = line_end - payload;

      switch (p[0]) {
        case 'P':
          gst_e2ee_janus_room_test_feed (room, GST_E2EE_JANUS_ROOM_TEST_POLL,
              payload, len);
          break;
        case 'A':
          gst_e2ee_janus_room_test_feed (room,
              GST_E2EE_JANUS_ROOM_TEST_ANSWER, payload, len);
          break;
        case 'T':
          gst_e2ee_janus_room_test_feed (room,
              GST_E2EE_JANUS_ROOM_TEST_TEXTROOM, payload, len);
          break;
        default:
          break;
      }
    }
    p = nl ? nl + 1 : end;
  }
  gst_e2ee_janus_room_test_fake_leave (room);
  gst_object_unref (room);

  /* the manager forgets whoever the input announced */
  ids = gst_e2ee_key_manager_list_participants (manager);
  for (i = 0; ids[i]; i++)
    gst_e2ee_key_manager_remove_participant (manager, ids[i]);
  g_strfreev (ids);
  gst_e2ee_key_manager_flush (manager);
  return 0;
}
