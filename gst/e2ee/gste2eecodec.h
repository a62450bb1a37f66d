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

G_END_DECLS

#endif /* __GST_E2EE_CODEC_H__ */
