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

#include "fuzz.h"

#include <glib/gstdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

const guint8 fuzz_media_key[32] = { 0x01 };

/* one KID in the config byte, one of 2 bytes, the largest */
const guint64 fuzz_sframe_kids[FUZZ_SFRAME_N_KIDS] = {
  5, 300, G_GUINT64_CONSTANT (0xffffffffffffffff)
};

const guint8 fuzz_state_key[32] = {
  0x73, 0x74, 0x61, 0x74, 0x65, 0x2d, 0x6b, 0x65, 0x79, 0x2d, 0x66, 0x6f,
  0x72, 0x2d, 0x74, 0x68, 0x65, 0x2d, 0x66, 0x75, 0x7a, 0x7a, 0x65, 0x72,
  0x73, 0x2d, 0x6f, 0x6e, 0x6c, 0x79, 0x21, 0x21
};

/* A critical is a precondition broken by input from outside: a bug. GLib
 * would raise SIGTRAP for a fatal one, which libFuzzer does not catch;
 * abort() gives a stack trace and a saved reproducer. */
static GLogWriterOutput
abort_on_critical (GLogLevelFlags level, const GLogField * fields,
    gsize n_fields, gpointer user_data)
{
  GLogWriterOutput ret = g_log_writer_default (level, fields, n_fields, NULL);

  if (level & (G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_ERROR))
    abort ();
  return ret;
}

static gpointer
init_once (gpointer data)
{
  /* no plugin is needed: skip the registry (and its scan of the system's
   * plugins, whose leaks are not ours) */
  g_setenv ("GST_REGISTRY_DISABLE", "yes", TRUE);
  gst_init (NULL, NULL);
  g_log_set_writer_func (abort_on_critical, NULL, NULL);
  return NULL;
}

void
fuzz_init (void)
{
  static GOnce once = G_ONCE_INIT;

  g_once (&once, init_once, NULL);
}

static gchar *tmp_dir;

static void
remove_tmp_dir (void)
{
  GDir *dir = g_dir_open (tmp_dir, 0, NULL);
  const gchar *name;

  while (dir && (name = g_dir_read_name (dir))) {
    gchar *path = g_build_filename (tmp_dir, name, NULL);

    g_unlink (path);
    g_free (path);
  }
  if (dir)
    g_dir_close (dir);
  g_rmdir (tmp_dir);
}

/* A private directory for the files a target writes, in memory where
 * possible (state files are fsync()ed), removed at exit. */
gchar *
fuzz_tmp_dir (void)
{
  if (!tmp_dir) {
    const gchar *base = g_access ("/dev/shm", W_OK) == 0 ? "/dev/shm" :
        g_get_tmp_dir ();

    tmp_dir = g_build_filename (base, "e2ee-fuzz-XXXXXX", NULL);
    if (!g_mkdtemp (tmp_dir))
      g_error ("cannot create a directory in %s", base);
    atexit (remove_tmp_dir);
  }
  return g_strdup (tmp_dir);
}
