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

#include "gste2eemanagercontext.h"

/* Asks the neighbours, then the application, for a key manager context;
 * the answer reaches @element's set_context. */
void
gst_e2ee_manager_context_find (GstElement * element, GstPad * srcpad,
    GstPad * sinkpad)
{
  GstQuery *query;
  GstContext *context = NULL;

  query = gst_query_new_context (GST_E2EE_KEY_MANAGER_CONTEXT_TYPE);
  if (gst_pad_peer_query (srcpad, query)
      || gst_pad_peer_query (sinkpad, query)) {
    gst_query_parse_context (query, &context);
    if (context)
      gst_element_set_context (element, context);
  }
  gst_query_unref (query);
  if (!context) {
    gst_element_post_message (element,
        gst_message_new_need_context (GST_OBJECT (element),
            GST_E2EE_KEY_MANAGER_CONTEXT_TYPE));
  }
}

/* Answers a neighbour's context query with @manager (may be NULL: then
 * the query is not ours to answer). */
gboolean
gst_e2ee_manager_context_answer (GstQuery * query, GstE2eeKeyManager * manager)
{
  const gchar *type;
  GstContext *context;

  if (manager == NULL || GST_QUERY_TYPE (query) != GST_QUERY_CONTEXT
      || !gst_query_parse_context_type (query, &type)
      || !g_str_equal (type, GST_E2EE_KEY_MANAGER_CONTEXT_TYPE))
    return FALSE;
  context = gst_e2ee_key_manager_new_context (manager);
  gst_query_set_context (query, context);
  gst_context_unref (context);
  return TRUE;
}
