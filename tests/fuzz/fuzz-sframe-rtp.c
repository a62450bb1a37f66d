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

/* Fuzz target: the per-frame SFrame RTP reassembly, as rtpsframedepay runs
 * it, and the descriptor check of both modes.
 *
 * Input: one byte of mode (bit 0: a maximum frame size of 64 bytes instead
 * of 1 MiB, so that the oversize path is reached), then packets, each
 * three bytes (sequence-number step as a signed byte, timestamp step, payload
 * length) and the payload (cut at the end of the input). Checked: every
 * complete frame is within the maximum size and is exactly the bytes after
 * the descriptors of the packets it came from; the counters add up. */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "fuzz.h"

#include <string.h>

int
LLVMFuzzerInitialize (int *argc, char ***argv)
{
  fuzz_init ();
  return 0;
}

int
LLVMFuzzerTestOneInput (const uint8_t * data, size_t size)
{
  GstE2eeSFrameRtpAssembler *a;
  GstE2eeSFrameRtpStats st;
  GByteArray *expect = g_byte_array_new ();
  gsize max, off = 1;
  guint16 seq = 0;
  guint32 ts = 0;
  guint64 frames = 0;

  if (size < 1)
    return 0;
  max = (data[0] & 1) ? 64 : 1024 * 1024;
  a = gst_e2ee_sframe_rtp_assembler_new (max);

  while (off + 3 <= size) {
    gsize len = MIN ((gsize) data[off + 2], size - off - 3);
    const guint8 *p = data + off + 3;
    GstE2eeSFrameRtpPush res;

    seq += (gint8) data[off];
    ts += data[off + 1];
    if (len > 0) {
      (void) gst_e2ee_sframe_rtp_descriptor_check (p[0],
          GST_E2EE_SFRAME_RTP_PER_PACKET);
    }
    /* a copy, so that ASan sees a read past the packet */
    {
      guint8 *pkt = g_memdup2 (p, len);

      res = gst_e2ee_sframe_rtp_assembler_push (a, seq, ts, pkt, len);
      g_free (pkt);
    }

    /* what the frame must be: the bytes after the descriptor since the
     * last accepted S */
    if (res != GST_E2EE_SFRAME_RTP_PUSH_DROPPED) {
      if (p[0] & GST_E2EE_SFRAME_RTP_S)
        g_byte_array_set_size (expect, 0);
      g_byte_array_append (expect, p + 1, len - 1);
    } else {
      g_byte_array_set_size (expect, 0);
    }

    if (res == GST_E2EE_SFRAME_RTP_PUSH_FRAME) {
      gsize fsize;
      const guint8 *f = gst_e2ee_sframe_rtp_assembler_frame (a, &fsize);

      g_assert (f != NULL && fsize > 0 && fsize <= max);
      g_assert (fsize == expect->len && memcmp (f, expect->data, fsize) == 0);
      frames++;
      g_byte_array_set_size (expect, 0);
    } else {
      gsize fsize;

      g_assert (gst_e2ee_sframe_rtp_assembler_frame (a, &fsize) == NULL);
    }
    off += 3 + len;
  }
  gst_e2ee_sframe_rtp_assembler_get_stats (a, &st);
  g_assert (st.frames == frames);
  g_assert (st.frames <= st.packets);
  g_assert (st.reserved_bits + st.wrong_mode + st.truncated <= st.packets);

  for (gsize n = 0; n < 4; n++) {
    gsize foff, flen;
    guint8 d = gst_e2ee_sframe_rtp_fragment (size, 2 + data[0], n, &foff,
        &flen);

    g_assert (foff + flen <= size);
    g_assert ((d & ~(GST_E2EE_SFRAME_RTP_S | GST_E2EE_SFRAME_RTP_E)) == 0);
  }

  g_byte_array_unref (expect);
  gst_e2ee_sframe_rtp_assembler_free (a);
  return 0;
}
