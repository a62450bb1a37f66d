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

/* Private to libgste2ee: not installed, not introspected, not exported. */

#ifndef __GST_E2EE_STATE_FILE_PRIVATE_H__
#define __GST_E2EE_STATE_FILE_PRIVATE_H__

#include <gst/e2ee/gste2eetypes.h>

G_BEGIN_DECLS

/* Length of the key of a state file (AES-256-GCM). */
#define GST_E2EE_STATE_KEY_SIZE 32

G_GNUC_INTERNAL
gboolean gst_e2ee_state_file_write (const gchar * path, const guint8 * key,
    const gchar * contents, gsize len, GError ** error);

G_GNUC_INTERNAL
gchar * gst_e2ee_state_file_read (const gchar * path, const guint8 * key,
    gsize * len, GError ** error);

G_GNUC_INTERNAL
void gst_e2ee_state_file_free_contents (gchar * contents, gsize len);

G_GNUC_INTERNAL
gboolean gst_e2ee_state_file_load_key (const gchar * key_path, guint8 * key,
    GError ** error);

G_END_DECLS

#endif /* __GST_E2EE_STATE_FILE_PRIVATE_H__ */
