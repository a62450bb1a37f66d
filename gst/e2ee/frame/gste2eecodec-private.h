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


#ifndef __GST_E2EE_CODEC_PRIVATE_H__
#define __GST_E2EE_CODEC_PRIVATE_H__

#include <gst/e2ee/gste2eecodec.h>

G_BEGIN_DECLS

/* The clear-header rule, and the canonical form of H.264 and H.265 access
 * units, for the frame formats (gste2eejframe.c); see the SECTION of
 * gste2eecodec.c. */
G_GNUC_INTERNAL
gsize gst_e2ee_codec_clear_size (GstE2eeCodec codec, const guint8 * frame,
    gsize size);

G_GNUC_INTERNAL
gsize gst_e2ee_nal_canonical_size (GstE2eeCodec codec, const guint8 * au,
    gsize size, gsize * clear_size);

G_GNUC_INTERNAL
gsize gst_e2ee_nal_canonicalize (const guint8 * au, gsize size, guint8 * out,
    gsize out_size);


/* How many NAL units of a clear header the receiver looks at when the
 * payloader or depayloader may have added parameter sets to it. */
#define GST_E2EE_NAL_MAX_HEADER_UNITS 32

/* One NAL unit of a clear header. */
typedef struct
{
  gsize sc_start;               /* first byte of its start code */
  gsize start;                  /* its NAL unit header */
  gsize end;                    /* past its last byte, trailing zeros cut */
  guint type;
} GstE2eeNalUnit;

G_GNUC_INTERNAL
guint _gst_e2ee_nal_header_units (GstE2eeCodec codec, const guint8 * frame,
    gsize clear, GstE2eeNalUnit * units, guint max);

G_GNUC_INTERNAL
gboolean _gst_e2ee_nal_is_parameter_set (GstE2eeCodec codec, guint type);

/* Where the parts of an AV1 temporal unit are: the OBUs that stay clear and
 * the header of the first other OBU (prefix_len bytes), its size field
 * (size_len bytes holding obu_size), and whether the first byte of its
 * payload stays clear too (first_len, 0 or 1). */
typedef struct
{
  gsize prefix_len;
  gsize size_len;
  guint64 obu_size;
  gsize first_len;
  guint type;
} GstE2eeAv1Layout;

G_GNUC_INTERNAL
gboolean _gst_e2ee_av1_parse (const guint8 * tu, gsize size, gboolean sealed,
    GstE2eeAv1Layout * layout);

G_GNUC_INTERNAL
guint _gst_e2ee_leb128_read (const guint8 * data, gsize len, guint64 * value);

G_GNUC_INTERNAL
guint _gst_e2ee_leb128_size (guint64 value);

G_GNUC_INTERNAL
void _gst_e2ee_leb128_write (guint64 value, guint8 * out);

G_END_DECLS

#endif /* __GST_E2EE_CODEC_PRIVATE_H__ */
