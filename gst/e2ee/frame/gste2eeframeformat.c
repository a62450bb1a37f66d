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
 * SECTION:gste2eeframeformat
 * @title: Frame formats
 * @short_description: JFrame and SFrame behind one table of functions
 *
 * The elements seal and open frames through a #GstE2eeFrameFormatFuncs
 * table and know nothing else about the format. JFrame (gste2eejframe.c)
 * and SFrame (gste2eesframe.c) each define one; a third format is one new
 * file with its table, and one line here.
 *
 * Since: 0.2
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gste2eeframeformat-private.h"

/**
 * gst_e2ee_frame_format_get_funcs:
 * @format: a frame format
 *
 * Returns: (transfer none) (nullable): the functions of @format, %NULL for
 *   an unknown format
 *
 * Since: 0.2
 */
const GstE2eeFrameFormatFuncs *
gst_e2ee_frame_format_get_funcs (GstE2eeFrameFormat format)
{
  switch (format) {
    case GST_E2EE_FRAME_FORMAT_JFRAME:
      return &_gst_e2ee_jframe_funcs;
    case GST_E2EE_FRAME_FORMAT_SFRAME:
      return &_gst_e2ee_sframe_funcs;
  }
  return NULL;
}
