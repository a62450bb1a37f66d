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
 * A program outside the tree, built against an installed gst-e2ee with
 * nothing but `pkg-config --cflags --libs gstreamer-e2ee-1.0`
 * (tests/install/check-install.sh): the installed headers compile, the .pc
 * file names everything to link, and the library seals and opens a frame.
 * It says whether the installed library has the key manager, which the
 * script compares with the build it installed.
 */

#include <gst/e2ee/e2ee.h>
#include <string.h>

int
main (int argc, char **argv)
{
  static const guint8 material[32] = { 0x01 };
  guint8 frame[100], sealed[100 + 64], iv[GST_E2EE_IV_SIZE];
  GstE2eeKeyRing *ring;
  GstE2eeKey *key;
  GstE2eeIvSource ivs;
  GError *err = NULL;
  gsize sealed_size = 0, offset = 0, size = 0;
  guint ratchets = 0, i;
  GstE2eeFrameResult res;

  gst_init (&argc, &argv);

  for (i = 0; i < sizeof (frame); i++)
    frame[i] = (guint8) (i * 7 + 2);    /* a VP8 delta frame: bit 0 set */

  key = gst_e2ee_key_new (GST_E2EE_KDF_JITSI, material, sizeof (material),
      &err);
  if (!key) {
    g_printerr ("gst_e2ee_key_new: %s\n", err->message);
    return 1;
  }
  if (!gst_e2ee_iv_source_init (&ivs))
    return 1;
  gst_e2ee_iv_source_next (&ivs, iv);
  res = gst_e2ee_jframe_seal_into (key, 0, iv, GST_E2EE_CODEC_VP8, frame,
      sizeof (frame), sealed, sizeof (sealed), &sealed_size);
  if (res != GST_E2EE_FRAME_OK) {
    g_printerr ("seal: %s\n", gst_e2ee_frame_result_to_string (res));
    return 1;
  }

  ring = gst_e2ee_key_ring_new (GST_E2EE_KEY_RING_DEFAULT_SIZE);
  gst_e2ee_key_ring_set_key (ring, 0, key);
  res = gst_e2ee_jframe_open (ring, GST_E2EE_CODEC_VP8, 0, sealed,
      sealed_size, &offset, &size, &ratchets);
  if (res != GST_E2EE_FRAME_OK || size != sizeof (frame)
      || memcmp (sealed + offset, frame, size) != 0) {
    g_printerr ("open: %s\n", gst_e2ee_frame_result_to_string (res));
    return 1;
  }
  g_print ("sealed %" G_GSIZE_FORMAT " bytes into %" G_GSIZE_FORMAT
      ", opened them again\n", sizeof (frame), sealed_size);

#ifdef GST_E2EE_HAVE_KEY_MANAGER
  {
    GstE2eeKeyManager *manager = gst_e2ee_key_manager_new ("installed");

    gst_object_ref_sink (manager);
    gst_object_unref (manager);
    g_print ("key manager: yes\n");
  }
#else
  g_print ("key manager: no\n");
#endif

  gst_e2ee_key_ring_unref (ring);
  gst_e2ee_key_unref (key);
  return 0;
}
