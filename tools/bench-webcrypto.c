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


/* The "browser way": tools/bench-webcrypto.mjs under Node.js, kept running
 * for the whole benchmark so its measurements interleave with the others.
 * It is sent the frames and the key material over a pipe (never on a
 * command line) and answers one JSON line per request. */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "bench.h"

#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <json-glib/json-glib.h>

struct _BenchNode
{
  GPid pid;
  FILE *in;
  FILE *out;
  gchar *version;
  gboolean interop;
};

static void
add_b64 (JsonBuilder * b, const guint8 * data, gsize len)
{
  gchar *s = g_base64_encode (data, len);

  json_builder_add_string_value (b, s);
  g_free (s);
}

static gchar *
config_line (BenchSize * sizes, guint n_sizes, const guint8 * material)
{
  JsonBuilder *b = json_builder_new ();
  JsonGenerator *gen;
  JsonNode *root;
  gchar *line;
  guint i, k;

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "material");
  add_b64 (b, material, BENCH_MATERIAL_SIZE);
  json_builder_set_member_name (b, "sizes");
  json_builder_begin_array (b);
  for (i = 0; i < n_sizes; i++) {
    json_builder_begin_object (b);
    json_builder_set_member_name (b, "size");
    json_builder_add_int_value (b, sizes[i].size);
    json_builder_set_member_name (b, "clear_len");
    json_builder_add_int_value (b, sizes[i].clear_len);
    json_builder_set_member_name (b, "payloads");
    json_builder_begin_array (b);
    for (k = 0; k < BENCH_PAYLOADS; k++)
      add_b64 (b, sizes[i].payload[k], sizes[i].size);
    json_builder_end_array (b);
    json_builder_set_member_name (b, "jframes");
    json_builder_begin_array (b);
    for (k = 0; k < BENCH_PAYLOADS; k++)
      add_b64 (b, sizes[i].jframe[k], sizes[i].size + BENCH_JFRAME_TRAILER);
    json_builder_end_array (b);
    json_builder_end_object (b);
  }
  json_builder_end_array (b);
  json_builder_end_object (b);

  root = json_builder_get_root (b);
  gen = json_generator_new ();
  json_generator_set_root (gen, root);
  line = json_generator_to_data (gen, NULL);
  json_node_unref (root);
  g_object_unref (gen);
  g_object_unref (b);
  return line;
}

/* Sends @line, reads the one-line answer as a JSON object. */
static JsonObject *
exchange (BenchNode * node, const gchar * line, GError ** error)
{
  JsonParser *parser;
  JsonObject *obj = NULL;
  char *answer = NULL;
  size_t cap = 0;

  if (fputs (line, node->in) < 0 || fputc ('\n', node->in) < 0
      || fflush (node->in) != 0) {
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_BROKEN_PIPE,
        "node is gone (could not write)");
    return NULL;
  }
  if (getline (&answer, &cap, node->out) < 0) {
    free (answer);
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_BROKEN_PIPE,
        "node is gone (no answer)");
    return NULL;
  }

  parser = json_parser_new ();
  if (json_parser_load_from_data (parser, answer, -1, error)
      && JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser))) {
    obj = json_object_ref (json_node_get_object (json_parser_get_root
            (parser)));
    if (json_object_has_member (obj, "error")) {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "node: %s",
          json_object_get_string_member (obj, "error"));
      g_clear_pointer (&obj, json_object_unref);
    }
  } else if (error && !*error) {
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
        "node answered something that is not a JSON object");
  }
  g_object_unref (parser);
  free (answer);
  return obj;
}

/**
 * bench_node_new:
 * @script: path of bench-webcrypto.mjs
 * @skip_reason: (out): why there is no WebCrypto measurement, when %NULL
 *   is returned
 *
 * Starts the helper, sends it the frames, has it check that it decrypts
 * e2eeenc's JFrames and warm up.
 */
BenchNode *
bench_node_new (const gchar * script, BenchSize * sizes, guint n_sizes,
    const guint8 * material, gchar ** skip_reason)
{
  BenchNode *node;
  gchar *exe, *line;
  gchar *argv[4] = { NULL, };
  gint in_fd, out_fd;
  GPid pid;
  GError *err = NULL;
  JsonObject *ready;

  exe = g_find_program_in_path ("node");
  if (!exe)
    exe = g_find_program_in_path ("nodejs");
  if (!exe) {
    *skip_reason = g_strdup ("node is not installed (apt-get install nodejs)");
    return NULL;
  }
  if (!g_file_test (script, G_FILE_TEST_IS_REGULAR)) {
    *skip_reason = g_strdup_printf ("%s is missing", script);
    g_free (exe);
    return NULL;
  }

  argv[0] = exe;
  argv[1] = (gchar *) script;
  if (!g_spawn_async_with_pipes (NULL, argv, NULL, G_SPAWN_DO_NOT_REAP_CHILD,
          NULL, NULL, &pid, &in_fd, &out_fd, NULL, &err)) {
    *skip_reason = g_strdup_printf ("could not start node: %s", err->message);
    g_error_free (err);
    g_free (exe);
    return NULL;
  }
  g_free (exe);

  node = g_new0 (BenchNode, 1);
  node->pid = pid;
  node->in = fdopen (in_fd, "w");
  node->out = fdopen (out_fd, "r");

  line = config_line (sizes, n_sizes, material);
  ready = exchange (node, line, &err);
  g_free (line);
  if (!ready) {
    *skip_reason = g_strdup_printf ("the node helper failed: %s", err->message);
    g_error_free (err);
    bench_node_free (node);
    return NULL;
  }
  node->version = g_strdup_printf ("%s (OpenSSL %s)",
      json_object_get_string_member_with_default (ready, "node", "?"),
      json_object_get_string_member_with_default (ready, "openssl", "?"));
  node->interop = json_object_get_boolean_member_with_default (ready,
      "interop", FALSE);
  json_object_unref (ready);
  return node;
}

void
bench_node_free (BenchNode * node)
{
  int status;

  if (!node)
    return;
  if (node->in)
    fclose (node->in);
  if (node->out)
    fclose (node->out);
  if (node->pid) {
    waitpid (node->pid, &status, 0);
    g_spawn_close_pid (node->pid);
  }
  g_free (node->version);
  g_free (node);
}

gboolean
bench_node_run (BenchNode * node, guint size_index, guint frames,
    guint64 * cpu_ns, guint64 * wall_ns, GError ** error)
{
  gchar *line = g_strdup_printf ("{\"size_index\":%u,\"frames\":%u}",
      size_index, frames);
  JsonObject *res = exchange (node, line, error);

  g_free (line);
  if (!res)
    return FALSE;
  *cpu_ns = json_object_get_int_member_with_default (res, "cpu_ns", 0);
  *wall_ns = json_object_get_int_member_with_default (res, "wall_ns", 0);
  json_object_unref (res);
  return TRUE;
}

const gchar *
bench_node_get_version (BenchNode * node)
{
  return node->version;
}

gboolean
bench_node_get_interop (BenchNode * node)
{
  return node->interop;
}
