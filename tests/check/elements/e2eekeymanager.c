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
 * The e2eekeymanager element: a pipeline holding one ends like any other
 * (it has no pads and is neither a source nor a sink), making one costs no
 * thread (gst-inspect, plugin scans), it forwards the engine's properties,
 * signals and actions, and its engine is what e2eeenc finds.
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <string.h>
#include <gst/check/gstcheck.h>
#include <gst/e2ee/e2ee.h>

/* gst-inspect-1.0 is not instrumented: it cannot load an ASan build's
 * plugin */
#include "e2ee-asan.h"

#define KEY_HEX "000102030405060708090a0b0c0d0e0f" \
    "101112131415161718191a1b1c1d1e1f"

/* Plays @description to its end: TRUE on EOS, FALSE on an error or if
 * nothing ended it within a minute (the bug: a bin waiting for EOS from a
 * manager flagged as a sink waits for ever). */
static gboolean
run_to_eos (const gchar * description)
{
  GError *err = NULL;
  GstElement *pipe = gst_parse_launch (description, &err);
  GstBus *bus;
  GstMessage *msg;
  gboolean eos;

  fail_unless (pipe != NULL, "%s: %s", description, err ? err->message : "");
  bus = gst_element_get_bus (pipe);
  fail_unless_equals_int (gst_element_set_state (pipe, GST_STATE_PLAYING),
      GST_STATE_CHANGE_ASYNC);
  msg = gst_bus_timed_pop_filtered (bus, 60 * GST_SECOND,
      GST_MESSAGE_EOS | GST_MESSAGE_ERROR);
  eos = msg && GST_MESSAGE_TYPE (msg) == GST_MESSAGE_EOS;
  if (msg && !eos) {
    gst_message_parse_error (msg, &err, NULL);
    GST_WARNING ("%s: %s", description, err->message);
    g_clear_error (&err);
  }
  if (msg)
    gst_message_unref (msg);
  gst_element_set_state (pipe, GST_STATE_NULL);
  gst_object_unref (bus);
  gst_object_unref (pipe);
  return eos;
}

GST_START_TEST (test_pipeline_with_manager_ends)
{
  /* the line of the bug report: static key, the manager beside it */
  fail_unless (run_to_eos ("audiotestsrc num-buffers=10 ! opusenc ! "
          "e2eeenc key=" KEY_HEX " ! fakesink e2eekeymanager"));
  /* e2eeenc with its keys from the manager (no webrtcbin, nobody joins:
   * every frame is dropped, and the pipeline still ends) */
  fail_unless (run_to_eos ("e2eekeymanager local-id=bot "
          "audiotestsrc num-buffers=10 ! opusenc ! e2eeenc ! fakesink"));
  fail_unless (run_to_eos ("e2eekeymanager audiotestsrc num-buffers=10 ! "
          "opusenc ! e2eeenc key=" KEY_HEX " ! e2eedec key=" KEY_HEX
          " ! opusdec ! fakesink"));
}

GST_END_TEST;

/* the number of threads of this process called @name */
static guint
count_threads (const gchar * name)
{
  GDir *dir = g_dir_open ("/proc/self/task", 0, NULL);
  const gchar *tid;
  guint n = 0;

  fail_unless (dir != NULL);
  while ((tid = g_dir_read_name (dir))) {
    gchar *path = g_build_filename ("/proc/self/task", tid, "comm", NULL);
    gchar *comm = NULL;

    if (g_file_get_contents (path, &comm, NULL, NULL)) {
      g_strchomp (comm);
      if (g_str_equal (comm, name))
        n++;
    }
    g_free (comm);
    g_free (path);
  }
  g_dir_close (dir);
  return n;
}

/* A joined thread can stay listed in /proc/self/task a moment after
 * pthread_join() returned: under qemu-user the guest's join returns when
 * the emulator clears the thread id, before the host thread has exited. So
 * the count is awaited (a thread that was not joined still fails). */
static guint
await_threads (const gchar * name, guint want)
{
  gint64 deadline = g_get_monotonic_time () + 10 * G_TIME_SPAN_SECOND;
  guint n;

  while ((n = count_threads (name)) != want
      && g_get_monotonic_time () < deadline)
    g_usleep (1000);
  return n;
}

static gint thread_started_logs;

static void
log_func (GstDebugCategory * category, GstDebugLevel level,
    const gchar * file, const gchar * function, gint line, GObject * object,
    GstDebugMessage * message, gpointer user_data)
{
  const gchar *text = gst_debug_message_get (message);

  if (text && strstr (text, "starting the protocol thread"))
    g_atomic_int_inc (&thread_started_logs);
}

/* What gst-inspect does: make the element, read every readable property. */
static void
inspect_like (GstElement * element)
{
  GParamSpec **specs;
  guint n, i;

  specs = g_object_class_list_properties (G_OBJECT_GET_CLASS (element), &n);
  for (i = 0; i < n; i++) {
    GValue v = G_VALUE_INIT;

    if (!(specs[i]->flags & G_PARAM_READABLE))
      continue;
    g_value_init (&v, specs[i]->value_type);
    g_object_get_property (G_OBJECT (element), specs[i]->name, &v);
    g_value_unset (&v);
  }
  g_free (specs);
}

/* gst-inspect-1.0 of the architecture under test. In a cross build meson
 * runs the tests through the cross file's exe_wrapper (qemu-user,
 * tools/ci-cross.sh), says so in MESON_EXE_WRAPPER, and names the
 * target's gst-inspect-1.0 in the sysroot in E2EE_GST_INSPECT
 * (tests/check/meson.build): a program spawned from the emulated test
 * would otherwise be the build machine's, which cannot load this plugin. */
static gchar **
inspect_argv (void)
{
  const gchar *wrapper = g_getenv ("MESON_EXE_WRAPPER");
  GStrvBuilder *builder = g_strv_builder_new ();
  gchar **wrapper_argv = NULL, **argv;
  gchar *inspect;

  if (g_getenv ("E2EE_GST_INSPECT"))
    inspect = g_strdup (g_getenv ("E2EE_GST_INSPECT"));
  else
    inspect = g_find_program_in_path ("gst-inspect-1.0");
  fail_unless (inspect != NULL, "no gst-inspect-1.0 in PATH");
  if (wrapper != NULL && *wrapper != '\0') {
    fail_unless (g_shell_parse_argv (wrapper, NULL, &wrapper_argv, NULL),
        "MESON_EXE_WRAPPER: %s", wrapper);
    g_strv_builder_addv (builder, (const gchar **) wrapper_argv);
    g_strfreev (wrapper_argv);
  }
  g_strv_builder_add_many (builder, inspect, "e2eekeymanager", NULL);
  argv = g_strv_builder_end (builder);
  g_strv_builder_unref (builder);
  g_free (inspect);
  return argv;
}

GST_START_TEST (test_no_thread_until_used)
{
  GstElement *element;
  GstE2eeKeyManager *engine;
  gchar *out = NULL, *err = NULL;
  gint status;
  gchar **argv;
  gchar **envp;

  gst_debug_set_threshold_for_name ("e2eekeymanager", GST_LEVEL_DEBUG);
  gst_debug_add_log_function (log_func, NULL, NULL);

  element = gst_element_factory_make ("e2eekeymanager", NULL);
  fail_unless (element != NULL);
  inspect_like (element);
  fail_unless_equals_int (count_threads ("e2ee-keymanager"), 0);
  fail_unless_equals_int (g_atomic_int_get (&thread_started_logs), 0);

  /* canary: first use starts it, and both ways of looking see it */
  g_object_get (element, "key-manager", &engine, NULL);
  fail_unless (GST_IS_E2EE_KEY_MANAGER (engine));
  fail_unless (gst_e2ee_key_manager_add_participant (engine, "bob"));
  gst_e2ee_key_manager_flush (engine);
  fail_unless_equals_int (count_threads ("e2ee-keymanager"), 1);
  fail_unless_equals_int (g_atomic_int_get (&thread_started_logs), 1);
  gst_object_unref (engine);
  gst_object_unref (element);
  /* the last reference joined it */
  fail_unless_equals_int (await_threads ("e2ee-keymanager", 0), 0);
  gst_debug_remove_log_function (log_func);

#ifdef E2EE_ASAN
  g_print ("test_no_thread_until_used: the gst-inspect-1.0 part is skipped "
      "under AddressSanitizer (it cannot load an instrumented plugin)\n");
  (void) argv;
  (void) envp;
  (void) inspect_argv;
  (void) out;
  (void) err;
  (void) status;
#else
  /* the real gst-inspect-1.0, with the engine's debug log on */
  envp = g_get_environ ();
  envp = g_environ_setenv (envp, "GST_DEBUG", "e2eekeymanager:6", TRUE);
  envp = g_environ_setenv (envp, "GST_DEBUG_NO_COLOR", "1", TRUE);
  argv = inspect_argv ();
  fail_unless (g_spawn_sync (NULL, argv, envp, G_SPAWN_SEARCH_PATH, NULL,
          NULL, &out, &err, &status, NULL));
  g_strfreev (argv);
  fail_unless (g_spawn_check_wait_status (status, NULL), "gst-inspect: %s",
      err);
  fail_unless (strstr (out, "Factory Details") != NULL, "%s", out);
  fail_unless (strstr (out, "participant-joined") != NULL, "%s", out);
  fail_if (strstr (err, "starting the protocol thread") != NULL, "%s", err);
  g_strfreev (envp);
  g_free (out);
  g_free (err);
#endif
}

GST_END_TEST;

static void
on_joined (GstElement * element, const gchar * participant, gchar ** seen)
{
  g_free (g_atomic_pointer_exchange (seen, g_strdup (participant)));
}

/* the peer's receive-message action, from our send-message signal */
static void
relay (GstElement * element, const gchar * to, const gchar * message,
    GstElement * peer)
{
  gboolean ok;

  g_signal_emit_by_name (peer, "receive-message", message, &ok);
}

/* Properties, signals and actions reach the engine and come back. */
GST_START_TEST (test_forwarding)
{
  GstElement *a = gst_element_factory_make ("e2eekeymanager", NULL);
  GstElement *b = gst_element_factory_make ("e2eekeymanager", NULL);
  GstE2eeKeyManager *engine, *mine;
  GstStructure *stats;
  gchar *id = NULL, *seen = NULL, *key_a = NULL, *key_engine = NULL;
  guint debounce = 0;
  guint64 sessions = 0;
  gboolean ok = FALSE;
  gint64 deadline;

  g_object_set (a, "local-id", "alice", "debounce", 50, NULL);
  g_object_get (a, "key-manager", &engine, "local-id", &id,
      "curve25519-key", &key_a, NULL);
  fail_unless_equals_string (id, "alice");
  g_object_get (engine, "debounce", &debounce, "curve25519-key", &key_engine,
      NULL);
  fail_unless_equals_int (debounce, 50);
  fail_unless_equals_string (key_a, key_engine);

  /* an engine of the application's own, wrapped */
  mine = gst_object_ref_sink (gst_e2ee_key_manager_new ("bob"));
  g_object_set (b, "key-manager", mine, NULL);
  g_free (id);
  g_object_get (b, "local-id", &id, NULL);
  fail_unless_equals_string (id, "bob");

  /* a session through the elements' send-message and receive-message;
   * participant-joined comes out of the element */
  g_signal_connect (a, "send-message", G_CALLBACK (relay), b);
  g_signal_connect (b, "send-message", G_CALLBACK (relay), a);
  g_signal_connect (a, "participant-joined", G_CALLBACK (on_joined), &seen);
  g_signal_emit_by_name (a, "add-participant", "bob", &ok);
  fail_unless (ok);
  ok = FALSE;
  g_signal_emit_by_name (b, "add-participant", "alice", &ok);
  fail_unless (ok);

  deadline = g_get_monotonic_time () + 30 * G_TIME_SPAN_SECOND;
  while (g_get_monotonic_time () < deadline) {
    g_object_get (a, "stats", &stats, NULL);
    gst_structure_get_uint64 (stats, "sessions", &sessions);
    gst_structure_free (stats);
    if (sessions >= 1 && g_atomic_pointer_get (&seen))
      break;
    g_usleep (10 * 1000);
  }
  fail_unless (sessions >= 1, "no session through the elements");
  fail_unless_equals_string (g_atomic_pointer_get (&seen), "bob");

  g_free (id);
  g_free (key_a);
  g_free (key_engine);
  gst_object_unref (engine);
  gst_object_unref (mine);
  gst_object_unref (a);
  gst_object_unref (b);
  g_free (seen);
}

GST_END_TEST;

static Suite *
e2eekeymanager_suite (void)
{
  Suite *s = suite_create ("e2eekeymanager");
  TCase *tc = tcase_create ("general");

  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_pipeline_with_manager_ends);
  tcase_add_test (tc, test_no_thread_until_used);
  tcase_add_test (tc, test_forwarding);
  return s;
}

GST_CHECK_MAIN (e2eekeymanager);
