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


/* What the element tests share (elements/e2eeenc-e2eedec*.c): keys,
 * harnesses, frames, stats. */

#ifndef __E2EE_ELEMENT_HARNESS_H__
#define __E2EE_ELEMENT_HARNESS_H__

#include <gst/check/gstcheck.h>
#include <gst/check/gstharness.h>

#define KEY_A "0100000000000000000000000000000000000000000000000000000000000000"
#define KEY_B "a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f90"
#define OPUS_CAPS "audio/x-opus, channel-mapping-family=(int)0"
#define VP8_CAPS "video/x-vp8, width=(int)320, height=(int)240, framerate=(fraction)30/1"

guint64 el_read_be64 (const guint8 * p);
GstBuffer *el_key_buffer (const gchar * hex);
void el_set_key (GstElement * e, const gchar * hex, guint index);
GstHarness *el_harness (const gchar * factory, const gchar * caps,
    const gchar * key);
guint64 el_stat (GstElement * e, const gchar * field);
GstBuffer *el_frame (gsize size, guint8 first, guint seed);
gboolean el_buffers_equal (GstBuffer * a, GstBuffer * b);
GstBuffer *el_push_pull (GstHarness * h, GstBuffer * in);

void e2ee_elements_add_memory_tests (TCase * tc);

#endif /* __E2EE_ELEMENT_HARNESS_H__ */
