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
 * Proves that the plugin's user-facing messages are translated: the plugin
 * binds its gettext domain when it loads, its error messages go through _(),
 * and the catalogue that meson compiles from po/de.po is found and used.
 *
 * The catalogue is not installed when this runs, so once the plugin has
 * loaded (which binds the domain to the install prefix) the domain is bound
 * again to the build directory, E2EE_LOCALEDIR, which holds
 * de/LC_MESSAGES/gst-e2ee-1.0.mo.
 *
 * A stock Debian 12 has no German locale (locales-all or a generated
 * de_DE.UTF-8 are optional), but gettext honours LANGUAGE under any locale
 * other than "C", and glibc 2.35 and later always have C.UTF-8; so the test
 * runs with de_DE.UTF-8 if it exists, else with C.UTF-8 and LANGUAGE=de, and
 * skips (exit code 77) when neither can be set.
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <gst/check/gstcheck.h>

#include <libintl.h>
#include <locale.h>
#include <stdlib.h>
#include <unistd.h>
#include <glib/gstdio.h>

#define GERMAN_KEY_LENGTH_ERROR "Der Schlüssel muss 16 oder 32 Bytes lang sein."

static const gchar *
set_german_locale (void)
{
  static const gchar *const locales[] = { "de_DE.UTF-8", "C.UTF-8" };
  guint i;

  /* LANGUAGE first: it ranks above LC_ALL for gettext's catalogue search */
  g_setenv ("LANGUAGE", "de", TRUE);
  for (i = 0; i < G_N_ELEMENTS (locales); i++) {
    const gchar *set;

    g_setenv ("LC_ALL", locales[i], TRUE);
    set = setlocale (LC_ALL, "");
    if (set != NULL && !g_str_equal (set, "C") && !g_str_equal (set, "POSIX"))
      return set;
  }
  return NULL;
}

GST_START_TEST (test_key_length_error_is_translated)
{
  GstElement *pipeline, *enc;
  GstStateChangeReturn ret;
  GstBuffer *key;
  GstBus *bus;
  GstMessage *msg;
  GError *err = NULL;
  gchar *debug = NULL;

  pipeline = gst_parse_launch ("fakesrc ! e2eeenc name=enc ! fakesink", &err);
  fail_unless (pipeline != NULL, "could not build the pipeline: %s",
      err ? err->message : "?");
  g_clear_error (&err);

  /* making the element loaded the plugin, and plugin_init bound the domain */
  fail_unless_equals_string (bindtextdomain (GETTEXT_PACKAGE, NULL), LOCALEDIR);
  fail_unless_equals_string (bind_textdomain_codeset (GETTEXT_PACKAGE, NULL),
      "UTF-8");
  bindtextdomain (GETTEXT_PACKAGE, g_getenv ("E2EE_LOCALEDIR"));

  enc = gst_bin_get_by_name (GST_BIN (pipeline), "enc");
  key = gst_buffer_new_memdup ("\x00\x11", 2);
  g_object_set (enc, "key", key, NULL);
  gst_buffer_unref (key);
  gst_object_unref (enc);

  ret = gst_element_set_state (pipeline, GST_STATE_PAUSED);
  fail_unless_equals_int (ret, GST_STATE_CHANGE_FAILURE);

  bus = gst_element_get_bus (pipeline);
  msg = gst_bus_poll (bus, GST_MESSAGE_ERROR, 5 * GST_SECOND);
  fail_unless (msg != NULL, "no error message on the bus");
  gst_message_parse_error (msg, &err, &debug);
  GST_INFO ("error: %s (%s)", err->message, debug);
  fail_unless (g_error_matches (err, GST_RESOURCE_ERROR,
          GST_RESOURCE_ERROR_SETTINGS));
  fail_unless_equals_string (err->message, GERMAN_KEY_LENGTH_ERROR);

  g_error_free (err);
  g_free (debug);
  gst_message_unref (msg);
  gst_object_unref (bus);
  gst_element_set_state (pipeline, GST_STATE_NULL);
  gst_object_unref (pipeline);
}

GST_END_TEST;

#ifdef HAVE_KEY_MANAGER
/* The key manager's engine lives in the library, which translates its own
 * messages; the element posts them. */
GST_START_TEST (test_key_manager_error_is_translated)
{
  GstElement *pipeline, *km;
  GstBus *bus;
  GstMessage *msg;
  GError *err = NULL;
  gchar *debug = NULL, *path, *key_path;
  gint fd;

  pipeline = gst_parse_launch ("e2eekeymanager name=km fakesrc ! fakesink",
      &err);
  fail_unless (pipeline != NULL, "could not build the pipeline: %s",
      err ? err->message : "?");
  bindtextdomain (GETTEXT_PACKAGE, g_getenv ("E2EE_LOCALEDIR"));

  /* a state file that is not one */
  fd = g_file_open_tmp ("e2ee-state-XXXXXX", &path, NULL);
  fail_unless (fd >= 0);
  fail_unless (write (fd, "not a state file", 16) == 16);
  close (fd);
  km = gst_bin_get_by_name (GST_BIN (pipeline), "km");
  bus = gst_element_get_bus (pipeline);
  g_object_set (km, "state-file", path, NULL);
  /* the state is read on first use: when the element goes to READY */
  gst_element_set_state (pipeline, GST_STATE_READY);

  msg = gst_bus_poll (bus, GST_MESSAGE_ERROR, 5 * GST_SECOND);
  fail_unless (msg != NULL, "no error message on the bus");
  fail_unless (GST_MESSAGE_SRC (msg) == GST_OBJECT (km));
  gst_message_parse_error (msg, &err, &debug);
  GST_INFO ("error: %s (%s)", err->message, debug);
  fail_unless (g_error_matches (err, GST_RESOURCE_ERROR,
          GST_RESOURCE_ERROR_OPEN_READ));
  fail_unless (g_str_has_prefix (err->message,
          "Der Zustand der Schl\xc3\xbcsselverwaltung konnte nicht aus "),
      "%s", err->message);

  g_error_free (err);
  g_free (debug);
  gst_message_unref (msg);
  gst_object_unref (bus);
  gst_object_unref (km);
  gst_element_set_state (pipeline, GST_STATE_NULL);
  gst_object_unref (pipeline);
  g_unlink (path);
  key_path = g_strconcat (path, ".key", NULL);
  g_unlink (key_path);
  g_free (key_path);
  g_free (path);
}

GST_END_TEST;
#endif

static Suite *
translations_suite (void)
{
  Suite *s = suite_create ("translations");
  TCase *tc = tcase_create ("general");

  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_key_length_error_is_translated);
#ifdef HAVE_KEY_MANAGER
  tcase_add_test (tc, test_key_manager_error_is_translated);
#endif
  return s;
}

int
main (int argc, char **argv)
{
  const gchar *locale;

  if (g_getenv ("E2EE_LOCALEDIR") == NULL) {
    g_print ("SKIP: E2EE_LOCALEDIR is not set (run through meson test)\n");
    return 77;
  }
  locale = set_german_locale ();
  if (locale == NULL) {
    g_print ("SKIP: neither de_DE.UTF-8 nor C.UTF-8 can be set as locale, "
        "and gettext ignores LANGUAGE in the C locale\n");
    return 77;
  }
  g_print ("locale %s, LANGUAGE=%s\n", locale, g_getenv ("LANGUAGE"));

  gst_check_init (&argc, &argv);
  return gst_check_run_suite (translations_suite (), "translations", __FILE__);
}
