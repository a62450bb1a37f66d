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

/* What the pipeline tests share: recording the buffers that cross a pad,
 * reading an element's stats, running a pipeline to its end. */

#ifndef __E2EE_PIPELINE_UTIL_H__
#define __E2EE_PIPELINE_UTIL_H__

#include <gst/gst.h>

G_BEGIN_DECLS typedef struct
{
  GMutex lock;
  GPtrArray *frames;            /* GBytes; RTP packets for the pay pads */
  GArray *delta;                /* gboolean: the buffer's DELTA_UNIT flag */
} Recorder;

Recorder *record (GstElement * pipe, const gchar * element,
    const gchar * pad_name);

void recorder_free (Recorder * rec);

guint64 get_stat (GstElement * pipe, const gchar * element,
    const gchar * field);

void run_to_eos (GstElement * pipe, guint timeout_s);

GstElement *launch (const gchar * desc);

gboolean have_elements (const gchar * test, const gchar * const *names);

G_END_DECLS
#endif /* __E2EE_PIPELINE_UTIL_H__ */
