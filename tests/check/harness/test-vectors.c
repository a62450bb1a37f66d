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


/* The test vectors through GVariant (test-vectors.h). */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "test-vectors.h"

/* every GVariant handed out, so what the tests borrow stays reachable */
static GPtrArray *kept;
static GHashTable *loaded;
G_LOCK_DEFINE_STATIC (vectors);

static GVariant *
keep (GVariant * value)
{
  G_LOCK (vectors);
  if (!kept)
    kept = g_ptr_array_new ();
  g_ptr_array_add (kept, value);
  G_UNLOCK (vectors);
  return value;
}

GVariant *
e2ee_vectors_load (const gchar * name)
{
  const gchar *dir = g_getenv ("E2EE_TEST_VECTORS");
  GVariant *value;
  GError *err = NULL;
  gchar *path, *text = NULL;

  fail_unless (dir != NULL, "E2EE_TEST_VECTORS is not set");
  G_LOCK (vectors);
  if (!loaded)
    loaded = g_hash_table_new (g_str_hash, g_str_equal);
  value = g_hash_table_lookup (loaded, name);
  G_UNLOCK (vectors);
  if (value)
    return value;

  path = g_strdup_printf ("%s/%s.gvariant", dir, name);
  fail_unless (g_file_get_contents (path, &text, NULL, &err), "%s: %s", path,
      err ? err->message : "");
  value = g_variant_parse (G_VARIANT_TYPE_VARDICT, text, NULL, NULL, &err);
  fail_unless (value != NULL, "%s: %s", path, err ? err->message : "");
  g_variant_ref_sink (value);
  g_free (text);
  g_free (path);

  G_LOCK (vectors);
  g_hash_table_insert (loaded, g_strdup (name), value);
  G_UNLOCK (vectors);
  return value;
}

static GVariant *
member (GVariant * object, const gchar * name, const GVariantType * type)
{
  GVariant *value = g_variant_lookup_value (object, name, type);

  fail_unless (value != NULL, "no member %s of type %s in the vectors", name,
      g_variant_type_peek_string (type));
  return keep (value);
}

GVariant *
e2ee_vectors_object (GVariant * object, const gchar * name)
{
  return member (object, name, G_VARIANT_TYPE_VARDICT);
}

GVariant *
e2ee_vectors_array (GVariant * object, const gchar * name)
{
  return member (object, name, G_VARIANT_TYPE_ARRAY);
}

const gchar *
e2ee_vectors_string (GVariant * object, const gchar * name)
{
  return g_variant_get_string (member (object, name, G_VARIANT_TYPE_STRING),
      NULL);
}

gint64
e2ee_vectors_int (GVariant * object, const gchar * name)
{
  return g_variant_get_int64 (member (object, name, G_VARIANT_TYPE_INT64));
}

guint
e2ee_vectors_length (GVariant * array)
{
  return g_variant_n_children (array);
}

GVariant *
e2ee_vectors_element (GVariant * array, guint index)
{
  fail_unless (index < g_variant_n_children (array));
  return keep (g_variant_get_child_value (array, index));
}

const gchar *
e2ee_vectors_string_element (GVariant * array, guint index)
{
  GVariant *value = e2ee_vectors_element (array, index);

  fail_unless (g_variant_is_of_type (value, G_VARIANT_TYPE_STRING));
  return g_variant_get_string (value, NULL);
}
