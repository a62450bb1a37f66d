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


/* A main() for the fuzz targets in builds without libFuzzer: runs the
 * target once on each file given, or on each file of each directory given
 * (in name order), as `fuzzer -runs=0 DIR...` would. Used by the tests
 * that replay the seed corpora and the regression inputs, under ASan and
 * valgrind too. */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "fuzz.h"

#include <string.h>

static guint
run_file (const gchar * path)
{
  gchar *data;
  gsize len;
  GError *err = NULL;

  if (!g_file_get_contents (path, &data, &len, &err))
    g_error ("%s", err->message);
  LLVMFuzzerTestOneInput ((const uint8_t *) data, len);
  g_free (data);
  return 1;
}

static gint
compare_paths (gconstpointer a, gconstpointer b)
{
  return g_strcmp0 (*(const gchar * const *) a, *(const gchar * const *) b);
}

static guint
run_path (const gchar * path)
{
  GPtrArray *names;
  GDir *dir;
  const gchar *name;
  guint i, n = 0;

  /* a target without regressions yet has no directory for them */
  if (!g_file_test (path, G_FILE_TEST_EXISTS))
    return 0;
  if (!g_file_test (path, G_FILE_TEST_IS_DIR))
    return run_file (path);

  dir = g_dir_open (path, 0, NULL);
  if (!dir)
    return 0;
  names = g_ptr_array_new_with_free_func (g_free);
  while ((name = g_dir_read_name (dir)))
    if (name[0] != '.')
      g_ptr_array_add (names, g_build_filename (path, name, NULL));
  g_dir_close (dir);
  g_ptr_array_sort (names, compare_paths);
  for (i = 0; i < names->len; i++) {
    const gchar *file = g_ptr_array_index (names, i);

    if (g_file_test (file, G_FILE_TEST_IS_REGULAR))
      n += run_file (file);
  }
  g_ptr_array_unref (names);
  return n;
}

int
main (int argc, char **argv)
{
  guint n = 0;
  int i;

  LLVMFuzzerInitialize (&argc, &argv);
  for (i = 1; i < argc; i++)
    n += run_path (argv[i]);
  g_print ("%u input(s) replayed\n", n);
  return n > 0 ? 0 : 77;
}
