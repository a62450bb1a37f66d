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


#ifndef __GST_E2EE_CODEC_H__
#define __GST_E2EE_CODEC_H__

#include <gst/e2ee/gste2eetypes.h>

G_BEGIN_DECLS

GST_E2EE_API
GstE2eeCodec gst_e2ee_codec_from_caps (const GstCaps * caps);

GST_E2EE_API
const gchar * gst_e2ee_codec_to_string (GstE2eeCodec codec);

GST_E2EE_API
gboolean gst_e2ee_codec_seals_in_place (GstE2eeCodec codec);

GST_E2EE_API
gsize gst_e2ee_codec_clear_size (GstE2eeCodec codec, const guint8 * frame,
    gsize size);

GST_E2EE_API
gsize gst_e2ee_nal_canonical_size (GstE2eeCodec codec, const guint8 * au,
    gsize size, gsize * clear_size);

GST_E2EE_API
gsize gst_e2ee_nal_canonicalize (const guint8 * au, gsize size, guint8 * out,
    gsize out_size);

G_END_DECLS

#endif /* __GST_E2EE_CODEC_H__ */
