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

/* What the examples do with decoded pictures: compare them with the test
 * pattern that was sent, and write them as PNG. */

#ifndef __E2EE_PICTURE_H__
#define __E2EE_PICTURE_H__

#include <gst/gst.h>

G_BEGIN_DECLS

GstSample *e2ee_picture_render_reference (const gchar * pattern, gint width,
    gint height, GError ** error);

gdouble e2ee_picture_psnr (GstSample * a, GstSample * b);

gboolean e2ee_picture_write_png (GstSample * sample, const gchar * path,
    GError ** error);

G_END_DECLS

#endif /* __E2EE_PICTURE_H__ */
