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

#ifndef __GST_E2EE_MANAGER_CONTEXT_H__
#define __GST_E2EE_MANAGER_CONTEXT_H__

#include <gst/gst.h>
#include <gst/e2ee/e2ee.h>

G_BEGIN_DECLS

#ifdef GST_E2EE_HAVE_KEY_MANAGER
/* How every keyed element finds its key manager through a GstContext of
 * type GST_E2EE_KEY_MANAGER_CONTEXT_TYPE, and hands its own to others. */
G_GNUC_INTERNAL
void gst_e2ee_manager_context_find (GstElement * element, GstPad * srcpad,
    GstPad * sinkpad);

G_GNUC_INTERNAL
gboolean gst_e2ee_manager_context_answer (GstQuery * query,
    GstE2eeKeyManager * manager);
#endif

G_END_DECLS

#endif /* __GST_E2EE_MANAGER_CONTEXT_H__ */
