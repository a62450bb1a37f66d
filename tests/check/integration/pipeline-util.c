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

#include "pipeline-util.h"

#include <gst/check/gstcheck.h>

static void
recorder_add (Recorder * rec, GstBuffer * buf)
{
  GstMapInfo map;
  gboolean delta = GST_BUFFER_FLAG_IS_SET (buf, GST_BUFFER_FLAG_DELTA_UNIT);

  fail_unless (gst_buffer_map (buf, &map, GST_MAP_READ));
  g_mutex_lock (&rec->lock);
  g_ptr_array_add (rec->frames, g_bytes_new (map.data, map.size));
  g_array_append_val (rec->delta, delta);
  g_mutex_unlock (&rec->lock);
  gst_buffer_unmap (buf, &map);
}

static GstPadProbeReturn
record_cb (GstPad * pad, GstPadProbeInfo * info, gpointer user_data)
{
  Recorder *rec = user_data;

  if (info->type & GST_PAD_PROBE_TYPE_BUFFER) {
    recorder_add (rec, GST_PAD_PROBE_INFO_BUFFER (info));
  } else if (info->type & GST_PAD_PROBE_TYPE_BUFFER_LIST) {
    GstBufferList *list = GST_PAD_PROBE_INFO_BUFFER_LIST (info);
    guint i;

    for (i = 0; i < gst_buffer_list_length (list); i++)
      recorder_add (rec, gst_buffer_list_get (list, i));
  }
  return GST_PAD_PROBE_OK;
}

/* Records every buffer (and every buffer of a list) that crosses the pad
 * @pad_name of @element in @pipe. */
Recorder *
record (GstElement * pipe, const gchar * element, const gchar * pad_name)
{
  Recorder *rec = g_new0 (Recorder, 1);
  GstElement *e = gst_bin_get_by_name (GST_BIN (pipe), element);
  GstPad *pad;

  fail_unless (e != NULL, "no element %s", element);
  pad = gst_element_get_static_pad (e, pad_name);
  fail_unless (pad != NULL);
  g_mutex_init (&rec->lock);
  rec->frames = g_ptr_array_new_with_free_func ((GDestroyNotify)
      g_bytes_unref);
  rec->delta = g_array_new (FALSE, FALSE, sizeof (gboolean));
  gst_pad_add_probe (pad, GST_PAD_PROBE_TYPE_BUFFER |
      GST_PAD_PROBE_TYPE_BUFFER_LIST, record_cb, rec, NULL);
  gst_object_unref (pad);
  gst_object_unref (e);
  return rec;
}

void
recorder_free (Recorder * rec)
{
  g_ptr_array_unref (rec->frames);
  g_array_unref (rec->delta);
  g_mutex_clear (&rec->lock);
  g_free (rec);
}

/* A counter of the stats of @element in @pipe. */
guint64
get_stat (GstElement * pipe, const gchar * element, const gchar * field)
{
  GstElement *e = gst_bin_get_by_name (GST_BIN (pipe), element);
  GstStructure *s;
  guint64 v = G_MAXUINT64;

  fail_unless (e != NULL, "no element %s", element);
  g_object_get (e, "stats", &s, NULL);
  fail_unless (gst_structure_get_uint64 (s, field, &v), "no %s", field);
  gst_structure_free (s);
  gst_object_unref (e);
  return v;
}

/* Plays @pipe until EOS (failing on an error, or after @timeout_s seconds),
 * then sets it to NULL. */
void
run_to_eos (GstElement * pipe, guint timeout_s)
{
  GstBus *bus = gst_element_get_bus (pipe);
  GstMessage *msg;

  fail_unless (gst_element_set_state (pipe, GST_STATE_PLAYING) !=
      GST_STATE_CHANGE_FAILURE);
  msg = gst_bus_timed_pop_filtered (bus, timeout_s * GST_SECOND,
      GST_MESSAGE_ERROR | GST_MESSAGE_EOS);
  fail_unless (msg != NULL, "timeout");
  if (GST_MESSAGE_TYPE (msg) == GST_MESSAGE_ERROR) {
    GError *err = NULL;
    gchar *dbg = NULL;

    gst_message_parse_error (msg, &err, &dbg);
    fail ("error from %s: %s (%s)", GST_OBJECT_NAME (msg->src), err->message,
        dbg);
  }
  gst_message_unref (msg);
  gst_element_set_state (pipe, GST_STATE_NULL);
  gst_object_unref (bus);
}

GstElement *
launch (const gchar * desc)
{
  GError *err = NULL;
  GstElement *pipe = gst_parse_launch (desc, &err);

  fail_unless (pipe != NULL && err == NULL, "%s: %s", desc,
      err ? err->message : "");
  return pipe;
}

/* Prints why a test does not run and returns FALSE if an element is
 * missing (tools/common.sh installs them all for CI). */
gboolean
have_elements (const gchar * test, const gchar * const *names)
{
  for (; *names; names++) {
    GstElementFactory *f = gst_element_factory_find (*names);

    if (!f) {
      g_print ("SKIP %s: element %s is not installed\n", test, *names);
      return FALSE;
    }
    gst_object_unref (f);
  }
  return TRUE;
}
