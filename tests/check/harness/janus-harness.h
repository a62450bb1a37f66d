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
 * A private Janus (Debian's janus 1.1.2) for tests, the demo and scripts,
 * started and stopped by them, in the private network namespace they run
 * in (docs/sfu.md). Janus never gathers ICE candidates on a loopback
 * interface, so the harness adds an `ifb` interface `janus0` carrying
 * 127.0.0.1/32 and enforces ICE on it; it refuses to start when the
 * namespace has any other interface (it is then not private).
 *
 * Rooms (VideoRoom and TextRoom alike):
 *   JANUS_HARNESS_ROOM          Opus; VP8, VP9, H.264
 *   JANUS_HARNESS_ROOM_E2EE     the same with require_e2ee = true
 *   JANUS_HARNESS_ROOM_RECORD   the same with record = true into
 *                               JanusHarness.record_dir
 */

#ifndef __JANUS_HARNESS_H__
#define __JANUS_HARNESS_H__

#include <glib.h>

G_BEGIN_DECLS

#define JANUS_HARNESS_ROOM 1234
#define JANUS_HARNESS_ROOM_E2EE 1235
#define JANUS_HARNESS_ROOM_RECORD 1236

typedef struct
{
  /* Janus's session_timeout in seconds (default 20): how long a client
   * that stopped talking stays in the rooms */
  guint session_timeout;
  /* where room JANUS_HARNESS_ROOM_RECORD records; NULL: a folder in dir */
  const gchar *record_dir;
} JanusHarnessOptions;

typedef struct
{
  /* the private folder: configuration and Janus's log (janus.log) */
  gchar *dir;
  gchar *record_dir;
  /* e.g. http://127.0.0.1:PORT/janus */
  gchar *url;
  guint port;
  GPid pid;
  guint session_timeout;
} JanusHarness;

/* NULL if Janus can run here; otherwise why not (free it) */
gchar *janus_harness_unavailable (void);

/* As GST_CHECK_MAIN (prefix) for a test program named @name, but when no
 * private Janus can run here it prints why and exits with 77 (meson:
 * skipped) instead */
#define JANUS_CHECK_MAIN(prefix, name)                                  \
int                                                                     \
main (int argc, char **argv)                                            \
{                                                                       \
  gchar *why = janus_harness_unavailable ();                            \
                                                                        \
  if (why) {                                                            \
    g_print ("SKIP: %s: %s\n", name, why);                              \
    g_free (why);                                                       \
    return 77;                                                          \
  }                                                                     \
  gst_check_init (&argc, &argv);                                        \
  return gst_check_run_suite (prefix##_suite (), name, __FILE__);       \
}

JanusHarness *janus_harness_start (const JanusHarnessOptions * options,
    GError ** error);
/* SIGTERM and wait (SIGKILL after 5 s); the folder stays */
void janus_harness_stop (JanusHarness * harness);
/* SIGKILL: Janus vanishes without a goodbye */
void janus_harness_kill (JanusHarness * harness);
/* starts a stopped or killed Janus again, on the same port */
gboolean janus_harness_restart (JanusHarness * harness, GError ** error);
/* stops Janus if running; removes the folder unless E2EE_KEEP_JANUS is
 * set (it says where it is) */
void janus_harness_free (JanusHarness * harness);

G_END_DECLS

#endif /* __JANUS_HARNESS_H__ */
