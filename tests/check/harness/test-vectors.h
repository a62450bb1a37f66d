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


/* The known-answer vectors of tests/data (jframe-vectors.json,
 * kdf-vectors.json) for the C tests, read with GLib alone: meson turns each
 * JSON file into GVariant text at build time (tests/data/json-to-gvariant.py)
 * so that the vectors are checked in every build, the minimal one without
 * json-glib (-Dkey-manager=disabled) included. Objects are a{sv}, arrays
 * typed arrays (as, aa{sv}, aas).
 *
 * What the accessors return is borrowed: it lives as long as the test
 * process (vectors are small and read-only), so the tests need not unref
 * anything. A missing member or a member of another type fails the test. */

#ifndef __E2EE_TEST_VECTORS_H__
#define __E2EE_TEST_VECTORS_H__

#include <gst/check/gstcheck.h>

G_BEGIN_DECLS

/* <$E2EE_TEST_VECTORS>/<name>.gvariant (name without extension), loaded
 * once per process */
GVariant *e2ee_vectors_load (const gchar * name);

GVariant *e2ee_vectors_object (GVariant * object, const gchar * member);
GVariant *e2ee_vectors_array (GVariant * object, const gchar * member);
const gchar *e2ee_vectors_string (GVariant * object, const gchar * member);
gint64 e2ee_vectors_int (GVariant * object, const gchar * member);

guint e2ee_vectors_length (GVariant * array);
GVariant *e2ee_vectors_element (GVariant * array, guint index);
const gchar *e2ee_vectors_string_element (GVariant * array, guint index);

G_END_DECLS

#endif /* __E2EE_TEST_VECTORS_H__ */
