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


#ifndef __GST_E2EE_RBSP_PRIVATE_H__
#define __GST_E2EE_RBSP_PRIVATE_H__

#include <gst/e2ee/gste2eetypes.h>

G_BEGIN_DECLS

G_GNUC_INTERNAL
gsize gst_e2ee_rbsp_escaped_size (const guint8 * data, gsize len);

G_GNUC_INTERNAL
gboolean gst_e2ee_rbsp_escape (const guint8 * src, gsize len, guint8 * dst,
    gsize dst_size, gsize * out_len);

G_GNUC_INTERNAL
gboolean gst_e2ee_rbsp_escape_in_place (guint8 * buf, gsize len,
    gsize capacity, gsize * out_len);

G_GNUC_INTERNAL
gsize gst_e2ee_rbsp_unescape (guint8 * buf, gsize len);

G_END_DECLS

#endif /* __GST_E2EE_RBSP_PRIVATE_H__ */
