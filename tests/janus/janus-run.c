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

/*
 * janus-run [--record-dir DIR] [--session-timeout S] -- COMMAND [ARG...]
 *
 * Starts a private Janus (tests/check/harness/janus-harness.h: its rooms,
 * its ifb interface; only inside a private network namespace), runs
 * COMMAND with E2EE_JANUS_URL, E2EE_JANUS_ROOM, E2EE_JANUS_ROOM_E2EE,
 * E2EE_JANUS_ROOM_RECORD and E2EE_JANUS_RECORD_DIR set, stops Janus and
 * exits with COMMAND's status (77, "skipped" to meson, when Janus cannot
 * run here). For the demo and the Python tests; the C tests use the
 * harness directly. E2EE_JANUS_RUN_PID is janus-run's own pid: SIGUSR1 to
 * it kills Janus (SIGKILL) and starts it again on the same port, so a
 * command can test what a crash of the SFU does.
 */

#include <signal.h>
#include <unistd.h>
#include <sys/wait.h>

#include <glib-unix.h>

#include "janus-harness.h"

typedef struct
{
  GMainLoop *loop;
  JanusHarness *janus;
  GPid child;
  gint status;
} Run;

static gboolean
forward_signal (gpointer data)
{
  Run *run = data;

  /* SIGINT and SIGTERM are the command's to handle */
  kill (run->child, SIGTERM);
  return G_SOURCE_CONTINUE;
}

/* SIGUSR1: Janus crashes (SIGKILL, no goodbye) and comes back on the same
 * port, with the same rooms, as a restarted server would */
static gboolean
restart_janus (gpointer data)
{
  Run *run = data;
  GError *err = NULL;

  janus_harness_kill (run->janus);
  g_printerr ("janus-run: Janus killed\n");
  if (!janus_harness_restart (run->janus, &err)) {
    g_printerr ("janus-run: Janus did not come back: %s\n", err->message);
    g_clear_error (&err);
  } else {
    g_printerr ("janus-run: Janus restarted\n");
  }
  return G_SOURCE_CONTINUE;
}

static void
child_exited (GPid pid, gint status, gpointer data)
{
  Run *run = data;

  run->status = status;
  g_spawn_close_pid (pid);
  g_main_loop_quit (run->loop);
}

int
main (int argc, char **argv)
{
  gchar *record_dir = NULL, *why;
  gint session_timeout = 0;
  GOptionEntry entries[] = {
    {"record-dir", 0, 0, G_OPTION_ARG_FILENAME, &record_dir,
        "Where the recording room writes", "DIR"},
    {"session-timeout", 0, 0, G_OPTION_ARG_INT, &session_timeout,
        "Janus's session timeout in seconds (default 20)", "S"},
    {NULL}
  };
  GOptionContext *ctx = g_option_context_new ("-- COMMAND [ARG...]");
  JanusHarnessOptions opts = { 0, };
  JanusHarness *h;
  GError *err = NULL;
  Run run = { 0, };
  gchar **env, *room, *pid_str;
  gint status = 0, rc;

  g_option_context_add_main_entries (ctx, entries, NULL);
  g_option_context_set_summary (ctx, "Runs COMMAND beside a private Janus "
      "(VideoRoom and TextRoom rooms 1234, 1235 with require_e2ee, 1236 "
      "recording). Only inside a private network namespace.");
  if (g_option_context_parse (ctx, &argc, &argv, &err) && argc >= 2
      && g_str_equal (argv[1], "--")) {
    argv++;
    argc--;
  }
  if (err || argc < 2) {
    g_printerr ("janus-run: %s\n", err ? err->message : "no COMMAND given");
    return 2;
  }
  g_option_context_free (ctx);

  why = janus_harness_unavailable ();
  if (why) {
    g_printerr ("janus-run: skipped: %s\n", why);
    return 77;
  }
  opts.session_timeout = session_timeout > 0 ? session_timeout : 0;
  opts.record_dir = record_dir;
  h = janus_harness_start (&opts, &err);
  if (!h) {
    g_printerr ("janus-run: %s\n", err->message);
    return 1;
  }

  env = g_get_environ ();
  env = g_environ_setenv (env, "E2EE_JANUS_URL", h->url, TRUE);
  room = g_strdup_printf ("%u", JANUS_HARNESS_ROOM);
  env = g_environ_setenv (env, "E2EE_JANUS_ROOM", room, TRUE);
  g_free (room);
  room = g_strdup_printf ("%u", JANUS_HARNESS_ROOM_E2EE);
  env = g_environ_setenv (env, "E2EE_JANUS_ROOM_E2EE", room, TRUE);
  g_free (room);
  room = g_strdup_printf ("%u", JANUS_HARNESS_ROOM_RECORD);
  env = g_environ_setenv (env, "E2EE_JANUS_ROOM_RECORD", room, TRUE);
  g_free (room);
  env = g_environ_setenv (env, "E2EE_JANUS_RECORD_DIR", h->record_dir, TRUE);

  run.janus = h;
  run.loop = g_main_loop_new (NULL, FALSE);
  g_unix_signal_add (SIGINT, forward_signal, &run);
  g_unix_signal_add (SIGTERM, forward_signal, &run);
  g_unix_signal_add (SIGUSR1, restart_janus, &run);
  env = g_environ_setenv (env, "E2EE_JANUS_RUN_PID",
      pid_str = g_strdup_printf ("%d", (gint) getpid ()), TRUE);
  g_free (pid_str);
  if (!g_spawn_async (NULL, argv + 1, env, G_SPAWN_SEARCH_PATH |
          G_SPAWN_DO_NOT_REAP_CHILD | G_SPAWN_CHILD_INHERITS_STDIN, NULL,
          NULL, &run.child, &err)) {
    g_printerr ("janus-run: %s\n", err->message);
    janus_harness_free (h);
    return 1;
  }
  g_child_watch_add (run.child, child_exited, &run);
  g_main_loop_run (run.loop);
  g_main_loop_unref (run.loop);
  status = run.status;
  rc = WIFEXITED (status) ? WEXITSTATUS (status) : 128 + WTERMSIG (status);

  g_strfreev (env);
  janus_harness_free (h);
  g_free (record_dir);
  return rc;
}
