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


#ifndef __GST_E2EE_JFRAME_PRIVATE_H__
#define __GST_E2EE_JFRAME_PRIVATE_H__

#include <gst/e2ee/gste2eejframe.h>

G_BEGIN_DECLS

/* GstE2eeJFrameInfo:
 * @clear_len: bytes of clear header (the AAD)
 * @ciphertext_len: bytes of ciphertext after the clear header
 * @tag: the GCM tag, inside the frame
 * @iv: the IV, inside the frame
 * @kid: the key index byte
 *
 * Where the parts of a JFrame are. */
typedef struct
{
  gsize clear_len;
  gsize ciphertext_len;
  const guint8 *tag;
  const guint8 *iv;
  guint8 kid;
} GstE2eeJFrameInfo;

/* The trailer of a frame that follows the standard layout, for tests, the
 * fuzzer and the receiver itself. */
G_GNUC_INTERNAL
GstE2eeFrameResult gst_e2ee_jframe_parse (GstE2eeCodec codec,
    const guint8 * frame, gsize size, GstE2eeJFrameInfo * info);

/* A fixed IV source, for tests and known-answer vectors. */
G_GNUC_INTERNAL
void gst_e2ee_iv_source_init_full (GstE2eeIvSource * src, guint32 prefix,
    guint64 counter);

G_END_DECLS

#endif /* __GST_E2EE_JFRAME_PRIVATE_H__ */
