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


/* Fuzz target: the SFrame header (RFC 9605 section 4.3).
 *
 * Input: one byte of mode (unused, as every seed file has one), then the
 * bytes. Checked, besides memory safety: a header that parses lies inside
 * the input, is exactly what writing its KID and CTR gives (one encoding
 * per value: non-minimal forms are refused), and no prefix of it parses;
 * and KID and CTR read from the first 16 bytes survive write then read. */

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

static guint64
read_be64 (const guint8 * p)
{
  guint64 v = 0;
  guint i;

  for (i = 0; i < 8; i++)
    v = (v << 8) | p[i];
  return v;
}

int
LLVMFuzzerTestOneInput (const uint8_t * data, size_t size)
{
  guint8 out[GST_E2EE_SFRAME_MAX_HEADER_SIZE];
  guint64 kid, ctr, kid2, ctr2;
  gsize hsize, len, i;
  guint8 *buf;

  if (size < 1)
    return 0;
  data++;
  size--;
  /* a heap block of exactly the input's size: any over-read is caught */
  buf = size ? g_memdup2 (data, size) : NULL;

  if (gst_e2ee_sframe_header_read (buf, size, &kid, &ctr, &hsize)) {
    g_assert (hsize >= 1 && hsize <= size);
    g_assert (hsize <= GST_E2EE_SFRAME_MAX_HEADER_SIZE);
    g_assert_cmpuint (gst_e2ee_sframe_header_size (kid, ctr), ==, hsize);
    len = gst_e2ee_sframe_header_write (kid, ctr, out);
    g_assert_cmpuint (len, ==, hsize);
    g_assert (memcmp (out, buf, hsize) == 0);
    for (i = 0; i < hsize; i++)
      g_assert (!gst_e2ee_sframe_header_read (buf, i, NULL, NULL, NULL));
  }

  if (size >= 16) {
    kid = read_be64 (buf);
    ctr = read_be64 (buf + 8);
    len = gst_e2ee_sframe_header_write (kid, ctr, out);
    g_assert (len >= 1 && len <= GST_E2EE_SFRAME_MAX_HEADER_SIZE);
    g_assert (gst_e2ee_sframe_header_read (out, len, &kid2, &ctr2, &hsize));
    g_assert_cmpuint (hsize, ==, len);
    g_assert_cmpuint (kid2, ==, kid);
    g_assert_cmpuint (ctr2, ==, ctr);
  }
  g_free (buf);
  return 0;
}
