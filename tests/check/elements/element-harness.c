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

#include <string.h>

#include "element-harness.h"

/* GStreamer's GST_READ_* macros do unaligned loads, which UBSan reports */
guint64
el_read_be64 (const guint8 * p)
{
  guint64 v = 0;
  guint i;

  for (i = 0; i < 8; i++)
    v = (v << 8) | p[i];
  return v;
}

GstBuffer *
el_key_buffer (const gchar * hex)
{
  GValue v = G_VALUE_INIT;
  GstBuffer *buf;

  g_value_init (&v, GST_TYPE_BUFFER);
  fail_unless (gst_value_deserialize (&v, hex));
  buf = g_value_dup_boxed (&v);
  g_value_unset (&v);
  return buf;
}

void
el_set_key (GstElement * e, const gchar * hex, guint index)
{
  GstBuffer *buf = el_key_buffer (hex);

  g_object_set (e, "key-index", index, "key", buf, NULL);
  gst_buffer_unref (buf);
}

GstHarness *
el_harness (const gchar * factory, const gchar * caps, const gchar * key)
{
  GstHarness *h = gst_harness_new (factory);

  if (key)
    el_set_key (h->element, key, 0);
  gst_harness_set_src_caps_str (h, caps);
  return h;
}

guint64
el_stat (GstElement * e, const gchar * field)
{
  GstStructure *s;
  guint64 v = G_MAXUINT64;

  g_object_get (e, "stats", &s, NULL);
  fail_unless (gst_structure_get_uint64 (s, field, &v), "no field %s", field);
  gst_structure_free (s);
  return v;
}

/* A frame with a recognisable pattern; @first sets the VP8 P bit. */
GstBuffer *
el_frame (gsize size, guint8 first, guint seed)
{
  GstBuffer *buf = gst_buffer_new_allocate (NULL, size, NULL);
  GstMapInfo map;
  gsize i;

  gst_buffer_map (buf, &map, GST_MAP_WRITE);
  for (i = 0; i < size; i++)
    map.data[i] = (guint8) (i * 13 + seed * 101 + 1);
  if (size > 0)
    map.data[0] = first;
  gst_buffer_unmap (buf, &map);
  GST_BUFFER_PTS (buf) = seed * GST_MSECOND * 20;
  return buf;
}

gboolean
el_buffers_equal (GstBuffer * a, GstBuffer * b)
{
  GstMapInfo ma, mb;
  gboolean eq;

  gst_buffer_map (a, &ma, GST_MAP_READ);
  gst_buffer_map (b, &mb, GST_MAP_READ);
  eq = ma.size == mb.size && (ma.size == 0
      || memcmp (ma.data, mb.data, ma.size) == 0);
  gst_buffer_unmap (a, &ma);
  gst_buffer_unmap (b, &mb);
  return eq;
}

GstBuffer *
el_push_pull (GstHarness * h, GstBuffer * in)
{
  fail_unless_equals_int (gst_harness_push (h, in), GST_FLOW_OK);
  return gst_harness_try_pull (h);
}
