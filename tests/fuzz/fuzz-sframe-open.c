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


/* Fuzz target: opening SFrames, as e2eedec format=sframe does it.
 *
 * Input: one byte choosing the cipher suite (modulo 8, plus 1), then the
 * frame. The receiver of each suite holds decryption keys for the KIDs of
 * fuzz_sframe_kids (base key fuzz_media_key), so frames sealed by
 * gen-corpus reach the cipher. Checked, besides memory safety: the
 * plaintext fits inside the frame; a frame that opens is exactly what
 * sealing its plaintext again under its KID and CTR gives (the round trip),
 * and opens in place to the same plaintext; a frame that does not open
 * leaves no plaintext in the output (untouched, or wiped to zeros). */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "fuzz.h"
#include <gst/e2ee/frame/gste2eesframe-private.h>

#include <string.h>

#define N_SUITES 8

static GstE2eeSFrameContext *receivers[N_SUITES];
static GstE2eeSFrameContext *senders[N_SUITES];

static void
add_receiver_key (GstE2eeSFrameContext * rx, guint64 kid)
{
  if (!gst_e2ee_sframe_context_add_key (rx, kid, fuzz_media_key,
          sizeof (fuzz_media_key), GST_E2EE_SFRAME_KEY_DECRYPT))
    g_error ("cannot add an SFrame key");
}

int
LLVMFuzzerInitialize (int *argc, char ***argv)
{
  guint s, k;

  fuzz_init ();
  for (s = 0; s < N_SUITES; s++) {
    receivers[s] = gst_e2ee_sframe_context_new (s + 1);
    senders[s] = gst_e2ee_sframe_context_new (s + 1);
    for (k = 0; k < FUZZ_SFRAME_N_KIDS; k++) {
      add_receiver_key (receivers[s], fuzz_sframe_kids[k]);
      if (!gst_e2ee_sframe_context_add_key (senders[s], fuzz_sframe_kids[k],
              fuzz_media_key, sizeof (fuzz_media_key),
              GST_E2EE_SFRAME_KEY_ENCRYPT))
        g_error ("cannot add an SFrame key");
    }
  }
  return 0;
}

int
LLVMFuzzerTestOneInput (const uint8_t * data, size_t size)
{
  GstE2eeSFrameContext *rx, *tx;
  GstE2eeFrameResult res;
  guint8 *frame, *out, *again;
  gsize len, plain = 0, hsize, sealed = 0, plain2 = 0;
  guint64 kid = 0, ctr = 0;
  guint s;

  if (size < 1)
    return 0;
  s = data[0] % N_SUITES;
  rx = receivers[s];
  tx = senders[s];
  len = size - 1;
  /* heap blocks of exactly the sizes the API promises to stay within */
  frame = len ? g_memdup2 (data + 1, len) : g_malloc (1);
  out = g_malloc (len ? len : 1);
  memset (out, 0xa5, len ? len : 1);

  res = gst_e2ee_sframe_context_open (rx, NULL, 0, frame, len, out, len,
      &plain);
  g_assert (gst_e2ee_frame_result_to_string (res) != NULL);
  if (res != GST_E2EE_FRAME_OK) {
    gsize i;

    /* untouched, or wiped (GCM decrypts before the tag is known) */
    for (i = 0; i < len; i++)
      g_assert (out[i] == 0xa5 || out[i] == 0);
    goto done;
  }

  g_assert (gst_e2ee_sframe_header_read (frame, len, &kid, &ctr, &hsize));
  g_assert (plain + hsize + gst_e2ee_sframe_suite_tag_size (s + 1) == len);

  /* the round trip: sealing the plaintext again gives the frame */
  again = g_malloc (len);
  g_assert (gst_e2ee_sframe_context_set_encrypt_kid (tx, kid));
  res = gst_e2ee_sframe_context_seal_with_ctr (tx, ctr, NULL, 0, out, plain,
      again, len, &sealed);
  g_assert_cmpint (res, ==, GST_E2EE_FRAME_OK);
  g_assert_cmpuint (sealed, ==, len);
  g_assert (memcmp (again, frame, len) == 0);
  g_free (again);

  /* a second time is a replay; after the key is set again, the frame
   * opens in place to the same plaintext */
  res = gst_e2ee_sframe_context_open (rx, NULL, 0, frame, len, out, len,
      &plain2);
  g_assert_cmpint (res, ==, GST_E2EE_FRAME_REPLAY);
  add_receiver_key (rx, kid);
  res = gst_e2ee_sframe_context_open (rx, NULL, 0, frame, len, frame + hsize,
      len - hsize, &plain2);
  g_assert_cmpint (res, ==, GST_E2EE_FRAME_OK);
  g_assert_cmpuint (plain2, ==, plain);
  g_assert (memcmp (frame + hsize, out, plain) == 0);
  /* the next input starts with a fresh window */
  add_receiver_key (rx, kid);

done:
  g_free (out);
  g_free (frame);
  return 0;
}
