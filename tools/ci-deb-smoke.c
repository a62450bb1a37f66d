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

/* Built by tools/ci-deb.sh against the unpacked libgste2ee-1.0-dev package
 * (its pkg-config file, headers and link library) and run against the
 * unpacked library: a frame sealed and opened through the public API comes
 * back bit-exact, and a flipped byte of the sealed frame fails to
 * authenticate. The point is that the -dev package is complete enough to
 * build a program, so it stays this small. */

#include <gst/e2ee/e2ee.h>
#include <string.h>

int
main (void)
{
  guint8 material[32], frame[200], sealed[400], iv[GST_E2EE_IV_SIZE];
  GstE2eeIvSource ivs;
  GstE2eeKey *key;
  GstE2eeKeyRing *ring;
  GstE2eeFrameResult res;
  GError *err = NULL;
  gsize room, sealed_size = 0, offset = 0, len = 0;
  guint i;

  gst_init (NULL, NULL);
  if (!gst_e2ee_random_bytes (material, sizeof (material))
      || !gst_e2ee_iv_source_init (&ivs)) {
    g_printerr ("no randomness\n");
    return 1;
  }
  for (i = 0; i < sizeof (frame); i++)
    frame[i] = (guint8) (i * 7 + 1);

  key = gst_e2ee_key_new (GST_E2EE_KDF_JITSI, material, sizeof (material),
      &err);
  if (key == NULL) {
    g_printerr ("key: %s\n", err->message);
    return 1;
  }
  ring = gst_e2ee_key_ring_new (16);
  gst_e2ee_key_ring_set_key (ring, 3, key);

  room = gst_e2ee_jframe_sealed_size (GST_E2EE_CODEC_AUDIO, frame,
      sizeof (frame));
  g_assert (room <= sizeof (sealed));
  gst_e2ee_iv_source_next (&ivs, iv);
  res = gst_e2ee_jframe_seal_into (key, 3, iv, GST_E2EE_CODEC_AUDIO, frame,
      sizeof (frame), sealed, sizeof (sealed), &sealed_size);
  if (res != GST_E2EE_FRAME_OK
      || sealed_size != sizeof (frame) + GST_E2EE_JFRAME_TRAILER_SIZE
      || memcmp (sealed + 1, frame + 1, sizeof (frame) - 1) == 0) {
    g_printerr ("seal: %s, %" G_GSIZE_FORMAT " bytes\n",
        gst_e2ee_frame_result_to_string (res), sealed_size);
    return 1;
  }

  /* a flipped ciphertext byte: refused, whatever the ratchet tries */
  sealed[5] ^= 1;
  res = gst_e2ee_jframe_open (ring, GST_E2EE_CODEC_AUDIO, 8, sealed,
      sealed_size, &offset, &len, NULL);
  if (res != GST_E2EE_FRAME_AUTH_FAILED) {
    g_printerr ("tampered frame: %s\n", gst_e2ee_frame_result_to_string (res));
    return 1;
  }
  sealed[5] ^= 1;

  res = gst_e2ee_jframe_open (ring, GST_E2EE_CODEC_AUDIO, 8, sealed,
      sealed_size, &offset, &len, NULL);
  if (res != GST_E2EE_FRAME_OK || len != sizeof (frame)
      || memcmp (sealed + offset, frame, sizeof (frame)) != 0) {
    g_printerr ("open: %s\n", gst_e2ee_frame_result_to_string (res));
    return 1;
  }

  gst_e2ee_key_ring_unref (ring);
  gst_e2ee_key_unref (key);
  g_print ("sealed and opened a %" G_GSIZE_FORMAT "-byte frame bit-exact; "
      "a tampered one was refused\n", sizeof (frame));
  return 0;
}
