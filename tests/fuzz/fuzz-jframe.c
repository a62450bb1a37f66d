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


/* Fuzz target: JFrame parsing and decryption, as e2eedec does it.
 *
 * Input: one byte choosing the codec (modulo the number of GstE2eeCodec
 * values), then the frame as it arrives from the depayloader. The ring
 * holds the key of tests/data/jframe-vectors.json (Jitsi schedule) in slot
 * 0 and the same material under the LiveKit schedule in slot 1, so frames
 * sealed with either reach the clear-header rules and the cipher. */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "fuzz.h"
#include <gst/e2ee/frame/gste2eecodec-private.h>
#include <gst/e2ee/frame/gste2eejframe-private.h>

#include <string.h>

#define RATCHET_WINDOW 2

static const GstE2eeCodec codecs[] = {
  GST_E2EE_CODEC_UNKNOWN, GST_E2EE_CODEC_AUDIO, GST_E2EE_CODEC_VP8,
  GST_E2EE_CODEC_H264, GST_E2EE_CODEC_H265, GST_E2EE_CODEC_VP9,
  GST_E2EE_CODEC_AV1,
};

static GstE2eeKeyRing *ring;
static GstE2eeKey *keys[2];

static void
reset_ring (void)
{
  gst_e2ee_key_ring_set_key (ring, 0, keys[0]);
  gst_e2ee_key_ring_set_key (ring, 1, keys[1]);
}

int
LLVMFuzzerInitialize (int *argc, char ***argv)
{
  fuzz_init ();
  keys[0] = gst_e2ee_key_new (GST_E2EE_KDF_JITSI, fuzz_media_key,
      sizeof (fuzz_media_key), NULL);
  keys[1] = gst_e2ee_key_new (GST_E2EE_KDF_LIVEKIT, fuzz_media_key,
      sizeof (fuzz_media_key), NULL);
  g_assert (keys[0] && keys[1]);
  ring = gst_e2ee_key_ring_new (16);
  reset_ring ();
  return 0;
}

/* Reads every byte of [p, p + len), so that ASan sees a range that is not
 * the frame's. */
static guint8
touch (const guint8 * p, gsize len)
{
  guint8 x = 0;
  gsize i;

  for (i = 0; i < len; i++)
    x ^= p[i];
  return x;
}

int
LLVMFuzzerTestOneInput (const uint8_t * data, size_t size)
{
  GstE2eeCodec codec;
  GstE2eeJFrameInfo info;
  GstE2eeFrameResult res;
  guint8 *frame;
  gsize len, offset = 0, out_size = 0, clear;
  guint n_ratchets = 0;
  volatile guint8 sink;

  if (size < 1)
    return 0;
  codec = codecs[data[0] % G_N_ELEMENTS (codecs)];
  len = size - 1;
  /* a heap block of exactly the frame's size: any over-read is caught */
  frame = len ? g_memdup2 (data + 1, len) : NULL;

  clear = gst_e2ee_codec_clear_size (codec, frame, len);
  g_assert (clear <= len);

  if (gst_e2ee_jframe_parse (codec, frame, len, &info) == GST_E2EE_FRAME_OK) {
    g_assert (info.clear_len <= len);
    g_assert (info.ciphertext_len <= len - info.clear_len);
    g_assert (info.tag >= frame && info.tag + GST_E2EE_AES_GCM_TAG_SIZE <=
        frame + len);
    g_assert (info.iv >= frame && info.iv + GST_E2EE_IV_SIZE <= frame + len);
  }

  /* e2eedec's way for a read-only frame or a trailer in its own memory:
   * the body decrypted out of place, into a block of exactly its size */
  if (gst_e2ee_codec_seals_in_place (codec)
      && len >= GST_E2EE_JFRAME_TRAILER_SIZE) {
    gsize body = len - GST_E2EE_JFRAME_TRAILER_SIZE;
    guint8 *out = g_malloc (body ? body : 1);

    res = gst_e2ee_jframe_open_split (ring, codec, RATCHET_WINDOW, frame, out,
        body, frame + body, &n_ratchets);
    g_assert (n_ratchets <= RATCHET_WINDOW);
    if (res != GST_E2EE_FRAME_OK)
      g_assert (body == 0 || memcmp (out, frame, body) == 0);
    g_free (out);
    if (n_ratchets > 0)
      reset_ring ();
    n_ratchets = 0;
  }

  res = gst_e2ee_jframe_open (ring, codec, RATCHET_WINDOW, frame, len,
      &offset, &out_size, &n_ratchets);
  if (res == GST_E2EE_FRAME_OK) {
    g_assert (offset <= len && out_size <= len - offset);
    sink = touch (frame + offset, out_size);
    (void) sink;
  }
  g_assert (n_ratchets <= RATCHET_WINDOW);
  g_assert (gst_e2ee_frame_result_to_string (res) != NULL);
  /* a ratchet that worked replaced the key: the next input starts over */
  if (n_ratchets > 0)
    reset_ring ();

  g_free (frame);
  return 0;
}
