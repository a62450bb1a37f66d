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


/* Fuzz target: RBSP escaping and the H.264/H.265 access-unit rules, through
 * the public API of gste2eerbsp.h and gste2eecodec.h (AV1 is reached
 * through gst_e2ee_codec_clear_size() here and through the JFrame target).
 *
 * Input: one byte of selector (bit 0: H.264 or H.265), then the bytes.
 * Checked, besides memory safety: unescape(escape(x)) == x, escaping in
 * place gives what escaping to another buffer gives, escaped bytes hold no
 * start code, and the canonical form of an access unit is as long as
 * measured and keeps its clear header inside it. */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "fuzz.h"
#include <gst/e2ee/frame/gste2eecodec-private.h>
#include <gst/e2ee/frame/gste2eerbsp-private.h>

#include <string.h>

int
LLVMFuzzerInitialize (int *argc, char ***argv)
{
  fuzz_init ();
  return 0;
}

static void
check_rbsp (const guint8 * data, gsize len)
{
  gsize need, out_len = 0, i, n;
  guint8 *esc, *inplace, *copy;

  need = gst_e2ee_rbsp_escaped_size (data, len);
  g_assert (need >= len && need - len <= len / 2 + 1);

  esc = g_malloc (need + 1);
  g_assert (gst_e2ee_rbsp_escape (data, len, esc, need, &out_len));
  g_assert (out_len == need);
  if (need > len) {
    gsize small = 0;

    g_assert (!gst_e2ee_rbsp_escape (data, len, esc, need - 1, &small));
    g_assert (small == need);
  }
  /* no 00 00 0x (x <= 2): no start code, no zero run a parser would cut */
  for (i = 0; i + 2 < need; i++)
    g_assert (!(esc[i] == 0 && esc[i + 1] == 0 && esc[i + 2] <= 2));

  inplace = g_malloc (need + 1);
  if (len)
    memcpy (inplace, data, len);
  out_len = 0;
  g_assert (gst_e2ee_rbsp_escape_in_place (inplace, len, need, &out_len));
  g_assert (out_len == need && memcmp (inplace, esc, need) == 0);
  g_free (inplace);

  n = gst_e2ee_rbsp_unescape (esc, need);
  g_assert (n == len && (len == 0 || memcmp (esc, data, len) == 0));
  g_free (esc);

  /* and any bytes at all unescape within their length */
  copy = len ? g_memdup2 (data, len) : NULL;
  g_assert (gst_e2ee_rbsp_unescape (copy, len) <= len);
  g_free (copy);
}

static void
check_nal (GstE2eeCodec codec, const guint8 * au, gsize len)
{
  gsize size, clear = G_MAXSIZE, written;
  guint8 *out;

  g_assert (gst_e2ee_codec_clear_size (codec, au, len) <= len);

  size = gst_e2ee_nal_canonical_size (codec, au, len, &clear);
  if (size == 0) {
    /* nothing to canonicalize: it must still not write out of bounds */
    guint8 small[8];

    gst_e2ee_nal_canonicalize (au, len, small, sizeof (small));
    return;
  }
  g_assert (clear <= size);
  out = g_malloc (size);
  written = gst_e2ee_nal_canonicalize (au, len, out, size);
  g_assert (written == size);
  /* the canonical form is a fixed point */
  g_assert (gst_e2ee_nal_canonical_size (codec, out, size, NULL) == size);
  g_assert (gst_e2ee_codec_clear_size (codec, out, size) <= size);
  if (size > 1)
    g_assert (gst_e2ee_nal_canonicalize (au, len, out, size - 1) == 0);
  g_free (out);
}

int
LLVMFuzzerTestOneInput (const uint8_t * data, size_t size)
{
  GstE2eeCodec codec;
  guint8 *copy;
  gsize len;

  if (size < 1)
    return 0;
  codec = (data[0] & 1) ? GST_E2EE_CODEC_H265 : GST_E2EE_CODEC_H264;
  len = size - 1;
  copy = len ? g_memdup2 (data + 1, len) : NULL;

  check_rbsp (copy, len);
  check_nal (codec, copy, len);
  g_assert (gst_e2ee_codec_clear_size (GST_E2EE_CODEC_AV1, copy, len) <= len);
  g_assert (gst_e2ee_codec_clear_size (GST_E2EE_CODEC_VP9, copy, len) <= len);

  g_free (copy);
  return 0;
}
