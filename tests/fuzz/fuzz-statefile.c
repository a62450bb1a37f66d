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


/* Fuzz target: loading a key manager's state.
 *
 * Input: one byte of mode (modulo 4), then the payload:
 *  0: the payload is a state file as found on disk, read with
 *     gst_e2ee_state_file_read() under a fixed key (magic, lengths, tag);
 *  1: the payload is the plaintext of a state file: it is sealed under the
 *     fixed key and given to a new key manager (state-key, state-file), so
 *     it reaches the state's JSON and the olm unpickling of its account and
 *     sessions;
 *  2, 3: the payload is an olm account or session pickle, unpickled with
 *     the fixed key. */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "fuzz-peer.h"
#include <gst/e2ee/keymanager/gste2eestatefile-private.h>

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <string.h>

static gchar *path;
static GstBuffer *state_key;

int
LLVMFuzzerInitialize (int *argc, char ***argv)
{
  gchar *dir;

  fuzz_init ();
  dir = fuzz_tmp_dir ();
  path = g_build_filename (dir, "state", NULL);
  g_free (dir);
  state_key = gst_buffer_new_memdup (fuzz_state_key, sizeof (fuzz_state_key));
  return 0;
}

static void
write_raw (const guint8 * data, gsize size)
{
  if (!g_file_set_contents (path, (const gchar *) data, size, NULL))
    g_error ("cannot write %s", path);
}

static void
load_file (void)
{
  GError *err = NULL;
  gsize len = 0;
  gchar *contents = gst_e2ee_state_file_read (path, fuzz_state_key, &len,
      &err);

  if (contents) {
    g_assert (contents[len] == '\0');
    gst_e2ee_state_file_free_contents (contents, len);
  } else {
    g_assert (err != NULL);
    g_error_free (err);
  }
}

static void
load_manager (const guint8 * data, gsize size)
{
  GstE2eeKeyManager *manager;

  if (!gst_e2ee_state_file_write (path, fuzz_state_key, (const gchar *) data,
          size, NULL))
    g_error ("cannot write %s", path);
  manager = gst_object_ref_sink (gst_e2ee_key_manager_new (NULL));
  g_object_set (manager, "state-key", state_key, "state-file", path, NULL);
  /* the state is loaded on first use; this does not start the manager's
   * thread */
  g_strfreev (gst_e2ee_key_manager_list_participants (manager));
  gst_object_unref (manager);
}

int
LLVMFuzzerTestOneInput (const uint8_t * data, size_t size)
{
  gchar *text;

  if (size < 1)
    return 0;

  switch (data[0] % 4) {
    case 0:
      write_raw (data + 1, size - 1);
      load_file ();
      break;
    case 1:
      load_manager (data + 1, size - 1);
      break;
    case 2:
      text = g_strndup ((const gchar *) data + 1, size - 1);
      gst_e2ee_olm_account_free (gst_e2ee_olm_account_unpickle (text,
              fuzz_state_key, sizeof (fuzz_state_key), NULL));
      g_free (text);
      break;
    case 3:
      text = g_strndup ((const gchar *) data + 1, size - 1);
      gst_e2ee_olm_session_free (gst_e2ee_olm_session_unpickle (text,
              fuzz_state_key, sizeof (fuzz_state_key), NULL));
      g_free (text);
      break;
  }
  g_unlink (path);
  return 0;
}
