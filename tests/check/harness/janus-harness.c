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

#include "janus-harness.h"

#include <errno.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netpacket/packet.h>
#include <sys/socket.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <libsoup/soup.h>

#define JANUS_IFACE "janus0"
/* the plugins and transports Janus may load; the others are disabled */
static const gchar *const wanted_plugins[] = {
  "libjanus_videoroom.so", "libjanus_textroom.so", NULL
};

static const gchar *const wanted_transports[] = {
  "libjanus_http.so", NULL
};

static gchar *
janus_lib_dir (void)
{
  static const gchar *const candidates[] = {
    "/usr/lib/x86_64-linux-gnu/janus", "/usr/lib/aarch64-linux-gnu/janus",
    "/usr/lib/arm-linux-gnueabihf/janus", "/usr/lib/janus",
    "/usr/local/lib/janus", NULL
  };
  guint i;

  for (i = 0; candidates[i]; i++) {
    gchar *p = g_build_filename (candidates[i], "plugins",
        "libjanus_videoroom.so", NULL);
    gboolean ok = g_file_test (p, G_FILE_TEST_EXISTS);

    g_free (p);
    if (ok)
      return g_strdup (candidates[i]);
  }
  return NULL;
}

/* the interfaces of this network namespace that are up, other than lo
 * and ours. Asked over netlink (getifaddrs): /sys/class/net shows the
 * namespace sysfs was mounted in, not ours. A new namespace has ifb0 and
 * ifb1, down, once the ifb module is loaded: down carries nothing. */
static gchar *
foreign_interfaces (void)
{
  struct ifaddrs *ifa, *i;
  GString *s = g_string_new (NULL);

  if (getifaddrs (&ifa) != 0)
    return g_string_free (s, TRUE);
  for (i = ifa; i; i = i->ifa_next) {
    if (!i->ifa_addr || i->ifa_addr->sa_family != AF_PACKET
        || !(i->ifa_flags & IFF_UP)
        || g_str_equal (i->ifa_name, "lo")
        || g_str_equal (i->ifa_name, JANUS_IFACE))
      continue;
    g_string_append_printf (s, "%s%s", s->len ? ", " : "", i->ifa_name);
  }
  freeifaddrs (ifa);
  if (s->len == 0)
    return g_string_free (s, TRUE);
  return g_string_free (s, FALSE);
}

gchar *
janus_harness_unavailable (void)
{
  gchar *janus = g_find_program_in_path ("janus");
  gchar *lib = janus_lib_dir ();
  gchar *foreign = foreign_interfaces ();
  gchar *why = NULL;

  if (!janus || !lib)
    why = g_strdup ("Janus is not installed (apt-get install janus)");
  else if (foreign)
    why = g_strdup_printf ("not in a private network namespace (it has %s):"
        " run inside `unshare -n` with lo up, as tools/check.sh does", foreign);
  else if (getuid () != 0)
    why = g_strdup ("needs root in its network namespace to add the "
        JANUS_IFACE " interface");
  g_free (janus);
  g_free (lib);
  g_free (foreign);
  return why;
}

static gboolean
run_ip (GError ** error, ...)
{
  GPtrArray *argv = g_ptr_array_new ();
  const gchar *arg;
  gint status = 0;
  gchar *err = NULL;
  gboolean ok;
  va_list ap;

  g_ptr_array_add (argv, (gpointer) "ip");
  va_start (ap, error);
  while ((arg = va_arg (ap, const gchar *)))
      g_ptr_array_add (argv, (gpointer) arg);
  va_end (ap);
  g_ptr_array_add (argv, NULL);
  ok = g_spawn_sync (NULL, (gchar **) argv->pdata, NULL, G_SPAWN_SEARCH_PATH |
      G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL, NULL, &err, &status, error)
      && g_spawn_check_wait_status (status, error);
  if (!ok && error && *error && err && *err)
    g_prefix_error (error, "ip: %s: ", g_strstrip (err));
  g_free (err);
  g_ptr_array_free (argv, TRUE);
  return ok;
}

/* Janus gathers no candidate on a loopback interface: give it an ifb one
 * carrying 127.0.0.1/32 (libnice there works with 127.0.0.1 only). Other
 * tests of the same run may be doing the same at the same moment. */
static gboolean
ensure_interface (GError ** error)
{
  GError *err = NULL;

  if (if_nametoindex (JANUS_IFACE) != 0)
    return TRUE;
  if (!run_ip (&err, "link", "add", JANUS_IFACE, "type", "ifb", NULL)) {
    if (if_nametoindex (JANUS_IFACE) == 0) {
      g_propagate_error (error, err);
      return FALSE;
    }
    g_clear_error (&err);
    return TRUE;
  }
  return run_ip (error, "link", "set", JANUS_IFACE, "addrgenmode", "none", NULL)
      && run_ip (error, "addr", "add", "127.0.0.1/32", "dev", JANUS_IFACE, NULL)
      && run_ip (error, "link", "set", JANUS_IFACE, "up", NULL);
}

static guint
free_port (GError ** error)
{
  GSocket *sock;
  GInetAddress *lo = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  GSocketAddress *addr = g_inet_socket_address_new (lo, 0), *bound;
  guint port = 0;

  sock = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM,
      G_SOCKET_PROTOCOL_TCP, error);
  if (sock && g_socket_bind (sock, addr, TRUE, error)
      && (bound = g_socket_get_local_address (sock, error))) {
    port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
    g_object_unref (bound);
  }
  g_clear_object (&sock);
  g_object_unref (addr);
  g_object_unref (lo);
  return port;
}

/* "disable" list: every .so in @dir that is not in @wanted */
static gchar *
disabled_list (const gchar * dir, const gchar * const *wanted)
{
  GDir *d = g_dir_open (dir, 0, NULL);
  GString *s = g_string_new (NULL);
  const gchar *name;

  while (d && (name = g_dir_read_name (d))) {
    if (!g_str_has_suffix (name, ".so")
        || g_strv_contains (wanted, name))
      continue;
    g_string_append_printf (s, "%s%s", s->len ? "," : "", name);
  }
  if (d)
    g_dir_close (d);
  return g_string_free (s, FALSE);
}

static gboolean
write_file (const gchar * dir, const gchar * name, const gchar * text,
    GError ** error)
{
  gchar *path = g_build_filename (dir, name, NULL);
  gboolean ok = g_file_set_contents (path, text, -1, error);

  g_free (path);
  return ok;
}

static gchar *
room_block (guint room, const gchar * extra)
{
  return g_strdup_printf ("room-%u: {\n"
      "  description = \"gst-e2ee test room %u\"\n"
      "  publishers = 64\n"
      "  bitrate = 0\n"
      "  audiocodec = \"opus\"\n"
      "  videocodec = \"vp8,vp9,h264\"\n%s}\n", room, room, extra);
}

static gboolean
write_config (JanusHarness * h, const gchar * lib, GError ** error)
{
  gchar *plugins = g_build_filename (lib, "plugins", NULL);
  gchar *transports = g_build_filename (lib, "transports", NULL);
  gchar *no_plugins = disabled_list (plugins, wanted_plugins);
  gchar *no_transports = disabled_list (transports, wanted_transports);
  gchar *janus, *http, *rec, *room, *room_e2ee, *room_rec, *videoroom,
      *textroom;
  gboolean ok;
  /* E2EE_JANUS_DEBUG_LEVEL: Janus's own log level (janus.log; 4 by
   * default, 5 shows PLIs and RTCP, 7 everything) */
  const gchar *level = g_getenv ("E2EE_JANUS_DEBUG_LEVEL");
  gint debug_level = level ? CLAMP (atoi (level), 0, 7) : 4;

  janus = g_strdup_printf ("general: {\n"
      "  configs_folder = \"%s\"\n"
      "  plugins_folder = \"%s\"\n"
      "  transports_folder = \"%s\"\n"
      "  events_folder = \"%s/events\"\n"
      "  loggers_folder = \"%s/loggers\"\n"
      "  debug_level = %d\n"
      "  debug_timestamps = true\n"
      "  server_name = \"gst-e2ee-test\"\n"
      "  session_timeout = %u\n"
      "}\n"
      "certificates: {\n}\n"
      "media: {\n  ipv6 = false\n}\n"
      "nat: {\n"
      "  nice_debug = false\n"
      "  ignore_mdns = true\n"
      "  ice_enforce_list = \"" JANUS_IFACE "\"\n"
      "}\n"
      "plugins: {\n  disable = \"%s\"\n}\n"
      "transports: {\n  disable = \"%s\"\n}\n"
      "loggers: {\n  disable = \"*\"\n}\n"
      "events: {\n  broadcast = false\n}\n",
      h->dir, plugins, transports, lib, lib, debug_level, h->session_timeout,
      no_plugins, no_transports);
  http = g_strdup_printf ("general: {\n"
      "  json = \"compact\"\n"
      "  base_path = \"/janus\"\n"
      "  http = true\n"
      "  port = %u\n"
      "  ip = \"127.0.0.1\"\n"
      "  https = false\n"
      "}\n"
      "admin: {\n  admin_http = false\n  admin_https = false\n}\n"
      "cors: {\n}\n", h->port);
  room = room_block (JANUS_HARNESS_ROOM, "");
  room_e2ee = room_block (JANUS_HARNESS_ROOM_E2EE, "  require_e2ee = true\n");
  rec = g_strdup_printf ("  record = true\n  rec_dir = \"%s\"\n",
      h->record_dir);
  room_rec = room_block (JANUS_HARNESS_ROOM_RECORD, rec);
  videoroom = g_strdup_printf ("general: {\n}\n%s%s%s", room, room_e2ee,
      room_rec);
  textroom = g_strdup_printf ("general: {\n  json = \"compact\"\n}\n"
      "room-%u: {\n  description = \"keys %u\"\n}\n"
      "room-%u: {\n  description = \"keys %u\"\n}\n"
      "room-%u: {\n  description = \"keys %u\"\n}\n",
      JANUS_HARNESS_ROOM, JANUS_HARNESS_ROOM, JANUS_HARNESS_ROOM_E2EE,
      JANUS_HARNESS_ROOM_E2EE, JANUS_HARNESS_ROOM_RECORD,
      JANUS_HARNESS_ROOM_RECORD);

  ok = write_file (h->dir, "janus.jcfg", janus, error)
      && write_file (h->dir, "janus.transport.http.jcfg", http, error)
      && write_file (h->dir, "janus.plugin.videoroom.jcfg", videoroom, error)
      && write_file (h->dir, "janus.plugin.textroom.jcfg", textroom, error);

  g_free (plugins);
  g_free (transports);
  g_free (no_plugins);
  g_free (no_transports);
  g_free (janus);
  g_free (http);
  g_free (rec);
  g_free (room);
  g_free (room_e2ee);
  g_free (room_rec);
  g_free (videoroom);
  g_free (textroom);
  return ok;
}

static void
child_setup (gpointer unused)
{
  /* never outlive the test that started it */
  prctl (PR_SET_PDEATHSIG, SIGKILL);
}

/* Janus answers GET <url>/info once its HTTP transport is up */
static gboolean
wait_ready (JanusHarness * h, GError ** error)
{
  /* no proxy, as the client's own session (gste2eejanussession.c) */
  SoupSession *session = soup_session_new_with_options ("timeout", 2,
      "proxy-resolver", NULL, NULL);
  gchar *info = g_strdup_printf ("%s/info", h->url);
  gint64 deadline = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;
  gboolean ready = FALSE;

  while (!ready && g_get_monotonic_time () < deadline) {
    SoupMessage *msg = soup_message_new ("GET", info);
    GBytes *body = soup_session_send_and_read (session, msg, NULL, NULL);
    gint status;

    ready = body && soup_message_get_status (msg) == SOUP_STATUS_OK;
    if (body)
      g_bytes_unref (body);
    g_object_unref (msg);
    if (!ready) {
      /* died on its configuration? */
      if (waitpid (h->pid, &status, WNOHANG) == h->pid) {
        h->pid = 0;
        break;
      }
      g_usleep (50 * 1000);
    }
  }
  g_free (info);
  g_object_unref (session);
  if (!ready)
    g_set_error (error, G_SPAWN_ERROR, G_SPAWN_ERROR_FAILED,
        "Janus did not answer on %s (log: %s/janus.log)", h->url, h->dir);
  return ready;
}

static gboolean
spawn_janus (JanusHarness * h, GError ** error)
{
  gchar *log = g_build_filename (h->dir, "janus.log", NULL);
  gchar *log_arg = g_strdup_printf ("--log-file=%s", log);
  gchar *cfg_arg = g_strdup_printf ("--configs-folder=%s", h->dir);
  gchar *argv[] = { (gchar *) "janus", cfg_arg, log_arg,
    (gchar *) "--disable-stdout", (gchar *) "--disable-colors", NULL
  };
  gboolean ok;

  ok = g_spawn_async (h->dir, argv, NULL, G_SPAWN_SEARCH_PATH |
      G_SPAWN_DO_NOT_REAP_CHILD | G_SPAWN_STDOUT_TO_DEV_NULL |
      G_SPAWN_STDERR_TO_DEV_NULL, child_setup, NULL, &h->pid, error);
  g_free (log);
  g_free (log_arg);
  g_free (cfg_arg);
  return ok && wait_ready (h, error);
}

JanusHarness *
janus_harness_start (const JanusHarnessOptions * options, GError ** error)
{
  JanusHarness *h;
  gchar *why = janus_harness_unavailable ();
  gchar *lib;

  if (why) {
    g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED, why);
    g_free (why);
    return NULL;
  }
  if (!ensure_interface (error))
    return NULL;

  h = g_new0 (JanusHarness, 1);
  h->session_timeout = options && options->session_timeout ?
      options->session_timeout : 20;
  h->dir = g_dir_make_tmp ("gst-e2ee-janus-XXXXXX", error);
  if (!h->dir)
    goto fail;
  h->record_dir = options && options->record_dir ?
      g_strdup (options->record_dir) : g_build_filename (h->dir, "recordings",
      NULL);
  g_mkdir_with_parents (h->record_dir, 0700);
  h->port = free_port (error);
  if (!h->port)
    goto fail;
  h->url = g_strdup_printf ("http://127.0.0.1:%u/janus", h->port);

  lib = janus_lib_dir ();
  if (!write_config (h, lib, error)) {
    g_free (lib);
    goto fail;
  }
  g_free (lib);
  if (!spawn_janus (h, error))
    goto fail;
  return h;

fail:
  janus_harness_free (h);
  return NULL;
}

static void
reap (JanusHarness * h, gint sig, guint grace_ms)
{
  gint64 deadline;
  gint status;

  if (!h->pid)
    return;
  kill (h->pid, sig);
  deadline = g_get_monotonic_time () + grace_ms * 1000;
  while (waitpid (h->pid, &status, WNOHANG) != h->pid) {
    if (g_get_monotonic_time () >= deadline) {
      kill (h->pid, SIGKILL);
      waitpid (h->pid, &status, 0);
      break;
    }
    g_usleep (20 * 1000);
  }
  g_spawn_close_pid (h->pid);
  h->pid = 0;
}

void
janus_harness_stop (JanusHarness * h)
{
  reap (h, SIGTERM, 5000);
}

void
janus_harness_kill (JanusHarness * h)
{
  reap (h, SIGKILL, 5000);
}

gboolean
janus_harness_restart (JanusHarness * h, GError ** error)
{
  janus_harness_stop (h);
  return spawn_janus (h, error);
}

void
janus_harness_free (JanusHarness * h)
{
  if (!h)
    return;
  janus_harness_stop (h);
  if (h->dir) {
    if (g_getenv ("E2EE_KEEP_JANUS")) {
      g_printerr ("janus-harness: kept %s\n", h->dir);
    } else {
      GFile *dir = g_file_new_for_path (h->dir);
      GFileEnumerator *e;
      GFileInfo *info;

      /* the folder holds only files, and recordings/ with files */
      gchar *rec_in_dir = g_build_filename (h->dir, "recordings", NULL);
      const gchar *dirs[] = { rec_in_dir, h->dir };
      guint i;

      for (i = 0; i < G_N_ELEMENTS (dirs); i++) {
        GFile *d = g_file_new_for_path (dirs[i]);

        e = g_file_enumerate_children (d, G_FILE_ATTRIBUTE_STANDARD_NAME,
            G_FILE_QUERY_INFO_NOFOLLOW_SYMLINKS, NULL, NULL);
        while (e && (info = g_file_enumerator_next_file (e, NULL, NULL))) {
          GFile *child = g_file_get_child (d, g_file_info_get_name (info));

          g_file_delete (child, NULL, NULL);
          g_object_unref (child);
          g_object_unref (info);
        }
        g_clear_object (&e);
        g_file_delete (d, NULL, NULL);
        g_object_unref (d);
      }
      g_free (rec_in_dir);
      g_object_unref (dir);
    }
  }
  g_free (h->dir);
  g_free (h->record_dir);
  g_free (h->url);
  g_free (h);
}
