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


/**
 * SECTION:gste2eerbsp
 * @title: RBSP escaping
 * @short_description: keeping start codes out of encrypted H.264 and H.265
 *
 * An H.264 or H.265 byte stream separates NAL units with the start code
 * `00 00 01`; a payloader or a decoder that met one inside ciphertext would
 * cut the frame there. The encrypted part of a frame is therefore escaped
 * as the codecs escape their own payloads (emulation prevention): wherever
 * two zero bytes are followed by a byte of 3 or less, a `03` is inserted
 * before that byte. The receiver drops the `03` of every `00 00 03`.
 *
 * These are the rules of LiveKit's web client (writeRbsp and parseRbsp),
 * which differ in one way from the codecs' own: the zero count restarts
 * after each inserted byte, so `00 00 00 00` becomes `00 00 03 00 00`, and
 * the receiver removes a `03` after two zeros whatever follows it. Only
 * the part after the clear header is escaped; the count starts at zero
 * there, whatever the header ends with.
 *
 * Pure functions: no allocation, every access within the lengths given.
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gste2eerbsp-private.h"

#include <string.h>

#define EMULATION_BYTE 0x03

/**
 * gst_e2ee_rbsp_escaped_size:
 * @data: (array length=len): bytes to escape
 * @len: their length
 *
 * Returns: the length of @data once escaped
 */
gsize
gst_e2ee_rbsp_escaped_size (const guint8 * data, gsize len)
{
  gsize i, n = len;
  guint zeros = 0;

  g_return_val_if_fail (data != NULL || len == 0, 0);

  for (i = 0; i < len; i++) {
    if (zeros >= 2 && data[i] <= EMULATION_BYTE) {
      n++;
      zeros = 0;
    }
    zeros = data[i] == 0 ? zeros + 1 : 0;
  }
  return n;
}

/**
 * gst_e2ee_rbsp_escape:
 * @src: (array length=len): bytes to escape
 * @len: their length
 * @dst: (array length=dst_size) (out caller-allocates): where to write them
 * @dst_size: room at @dst
 * @out_len: (out): the escaped length (also when it does not fit)
 *
 * Writes @src escaped to @dst. @dst may be the same memory as @src moved
 * towards its end: writing never overtakes reading as long as @dst is at
 * most @src minus the number of bytes the escaping adds (which is how
 * gst_e2ee_rbsp_escape_in_place() uses it); otherwise they must not overlap.
 *
 * Returns: %FALSE, writing nothing, if @dst_size is too small
 */
gboolean
gst_e2ee_rbsp_escape (const guint8 * src, gsize len, guint8 * dst,
    gsize dst_size, gsize * out_len)
{
  gsize i, o = 0, need;
  guint zeros = 0;

  g_return_val_if_fail (src != NULL || len == 0, FALSE);
  g_return_val_if_fail (dst != NULL || dst_size == 0, FALSE);
  g_return_val_if_fail (out_len != NULL, FALSE);

  need = gst_e2ee_rbsp_escaped_size (src, len);
  *out_len = need;
  if (need > dst_size)
    return FALSE;

  for (i = 0; i < len; i++) {
    guint8 b = src[i];

    if (zeros >= 2 && b <= EMULATION_BYTE) {
      dst[o++] = EMULATION_BYTE;
      zeros = 0;
    }
    dst[o++] = b;
    zeros = b == 0 ? zeros + 1 : 0;
  }
  return TRUE;
}

/**
 * gst_e2ee_rbsp_escape_in_place:
 * @buf: (array length=capacity) (inout): @len bytes to escape, then room
 * @len: bytes to escape
 * @capacity: bytes at @buf, at least @len
 * @out_len: (out): the escaped length (also when it does not fit)
 *
 * Escapes the first @len bytes of @buf in place. Almost every encrypted
 * frame needs no escape at all (ciphertext rarely holds `00 00 0x` with
 * x <= 3), and then nothing is moved.
 *
 * Returns: %FALSE, leaving @buf unchanged, if the escaped bytes do not fit
 *   in @capacity
 */
gboolean
gst_e2ee_rbsp_escape_in_place (guint8 * buf, gsize len, gsize capacity,
    gsize * out_len)
{
  gsize need, extra;

  g_return_val_if_fail (buf != NULL || capacity == 0, FALSE);
  g_return_val_if_fail (len <= capacity, FALSE);
  g_return_val_if_fail (out_len != NULL, FALSE);

  need = gst_e2ee_rbsp_escaped_size (buf, len);
  *out_len = need;
  if (need == len)
    return TRUE;
  if (need > capacity)
    return FALSE;

  /* move the bytes to the end of the room, then escape them forward: the
   * writer stays behind the reader by the escapes still to come */
  extra = need - len;
  memmove (buf + extra, buf, len);
  return gst_e2ee_rbsp_escape (buf + extra, len, buf, need, out_len);
}

/**
 * gst_e2ee_rbsp_unescape:
 * @buf: (array length=len) (inout): escaped bytes, unescaped in place
 * @len: their length
 *
 * Drops the `03` of every `00 00 03` (the output never grows, so it can be
 * done in place).
 *
 * Returns: the unescaped length
 */
gsize
gst_e2ee_rbsp_unescape (guint8 * buf, gsize len)
{
  gsize i = 0, o = 0;

  g_return_val_if_fail (buf != NULL || len == 0, 0);

  /* the first escape is rarely there; find it before moving anything */
  while (i + 2 < len && !(buf[i] == 0 && buf[i + 1] == 0
          && buf[i + 2] == EMULATION_BYTE))
    i++;
  if (i + 2 >= len)
    return len;
  o = i;

  while (i < len) {
    if (len - i >= 3 && buf[i] == 0 && buf[i + 1] == 0
        && buf[i + 2] == EMULATION_BYTE) {
      buf[o++] = 0;
      buf[o++] = 0;
      i += 3;
    } else {
      buf[o++] = buf[i++];
    }
  }
  return o;
}
