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

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "e2ee-picture.h"

#include <math.h>

#include <gst/app/gstappsink.h>
#include <gst/video/video.h>

/* the bottom right corner of the smpte pattern is fresh random noise in
 * every frame: left out of comparisons */
#define NOISE_TOP(h) ((h) * 3 / 4)
#define NOISE_LEFT(w) ((w) * 3 / 4)

/**
 * e2ee_picture_render_reference:
 * @pattern: a videotestsrc pattern
 *
 * Renders @pattern as vp8enc gets it (I420) and the examples convert it
 * back (RGB): a still pattern decoded should look like this.
 *
 * Returns: (transfer full) (nullable): the picture
 */
GstSample *
e2ee_picture_render_reference (const gchar * pattern, gint width,
    gint height, GError ** error)
{
  GstElement *pipeline, *sink;
  GstSample *sample;
  gchar *desc;

  desc = g_strdup_printf ("videotestsrc pattern=%s num-buffers=1 ! "
      "video/x-raw,format=I420,width=%d,height=%d ! videoconvert ! "
      "video/x-raw,format=RGB ! appsink name=sink", pattern, width, height);
  pipeline = gst_parse_launch_full (desc, NULL, GST_PARSE_FLAG_FATAL_ERRORS,
      error);
  g_free (desc);
  if (!pipeline)
    return NULL;
  sink = gst_bin_get_by_name (GST_BIN (pipeline), "sink");
  gst_element_set_state (pipeline, GST_STATE_PLAYING);
  sample = gst_app_sink_try_pull_sample (GST_APP_SINK (sink), 5 * GST_SECOND);
  gst_element_set_state (pipeline, GST_STATE_NULL);
  gst_object_unref (sink);
  gst_object_unref (pipeline);
  if (!sample)
    g_set_error (error, GST_CORE_ERROR, GST_CORE_ERROR_FAILED,
        "could not render the reference pattern");
  return sample;
}

/**
 * e2ee_picture_psnr:
 * @a: an RGB picture
 * @b: another, of the same size
 *
 * Returns: the PSNR of @a against @b in dB, the bottom right corner left
 * out; infinite if they are the same, NAN if they cannot be compared
 */
gdouble
e2ee_picture_psnr (GstSample * a, GstSample * b)
{
  GstVideoInfo ia, ib;
  GstVideoFrame fa, fb;
  gdouble sum = 0.0, n = 0.0, mse;
  gint x, y;

  if (!a || !b)
    return NAN;
  if (!gst_video_info_from_caps (&ia, gst_sample_get_caps (a)) ||
      !gst_video_info_from_caps (&ib, gst_sample_get_caps (b)) ||
      GST_VIDEO_INFO_FORMAT (&ia) != GST_VIDEO_FORMAT_RGB ||
      GST_VIDEO_INFO_FORMAT (&ib) != GST_VIDEO_FORMAT_RGB ||
      ia.width != ib.width || ia.height != ib.height)
    return NAN;
  if (!gst_video_frame_map (&fa, &ia, gst_sample_get_buffer (a), GST_MAP_READ))
    return NAN;
  if (!gst_video_frame_map (&fb, &ib, gst_sample_get_buffer (b), GST_MAP_READ)) {
    gst_video_frame_unmap (&fa);
    return NAN;
  }
  for (y = 0; y < ia.height; y++) {
    const guint8 *ra = (const guint8 *) GST_VIDEO_FRAME_PLANE_DATA (&fa, 0) +
        y * GST_VIDEO_FRAME_PLANE_STRIDE (&fa, 0);
    const guint8 *rb = (const guint8 *) GST_VIDEO_FRAME_PLANE_DATA (&fb, 0) +
        y * GST_VIDEO_FRAME_PLANE_STRIDE (&fb, 0);
    gint w = y >= NOISE_TOP (ia.height) ? NOISE_LEFT (ia.width) : ia.width;

    for (x = 0; x < w * 3; x++) {
      gdouble d = (gdouble) ra[x] - rb[x];
      sum += d * d;
    }
    n += w * 3;
  }
  gst_video_frame_unmap (&fa);
  gst_video_frame_unmap (&fb);

  mse = sum / n;
  return mse == 0.0 ? INFINITY : 10.0 * log10 (255.0 * 255.0 / mse);
}

/**
 * e2ee_picture_write_png:
 *
 * Writes @sample, a raw video picture, as a PNG file at @path.
 */
gboolean
e2ee_picture_write_png (GstSample * sample, const gchar * path, GError ** error)
{
  GstCaps *caps = gst_caps_new_empty_simple ("image/png");
  GstSample *png;
  GstMapInfo map;
  gboolean ok;

  png = gst_video_convert_sample (sample, caps, 5 * GST_SECOND, error);
  gst_caps_unref (caps);
  if (!png)
    return FALSE;
  gst_buffer_map (gst_sample_get_buffer (png), &map, GST_MAP_READ);
  ok = g_file_set_contents (path, (const gchar *) map.data, map.size, error);
  gst_buffer_unmap (gst_sample_get_buffer (png), &map);
  gst_sample_unref (png);
  return ok;
}
