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

/* Secret hygiene (DESIGN.md section 6): a call with every kind of key (two
 * key managers over the application transport, static keys under the
 * jitsi, livekit and raw schedules, a livekit passphrase, SFrame base keys
 * under an AES-GCM and an AES-CTR+HMAC suite, a state file),
 * with a km_join (a ratchet), a rotation and a leave, logged at *:9. No secret
 * may appear in the log (GStreamer and GLib), in caps, in a bus message or
 * in a readable property; and every block freed while the call runs and
 * while it is torn down must have been wiped.
 *
 * Secrets are the static keys and passphrase, everything derived from them
 * (AES keys, ratchets), the managers' media keys (copied out by a test-only
 * accessor, gste2eekeymanager-test.h, with their AES keys and ratchets), the state key and the olm
 * pickles. Each is looked for as raw bytes, hex (both cases, and as
 * GST_MEMDUMP writes it), standard and URL-safe base64 at each of the three
 * alignments. Freed memory is seen by a free() of this executable that scans
 * each block before handing it to glibc (G_SLICE=always-malloc routes
 * GLib's slices there too; OpenSSL frees through free() as well). */

/* dladdr () */
#define _GNU_SOURCE

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <gst/app/app.h>
#include <gst/e2ee/e2ee.h>

#include "km-harness.h"

#include "hygiene-secrets.h"
#include <gst/e2ee/frame/gste2eesframe-private.h>
#include <glib/gstdio.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/kdf.h>
#include <openssl/rand.h>
#include <dlfcn.h>
#include <execinfo.h>
#include <malloc.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "e2ee-asan.h"

#define PASSPHRASE "correct horse battery staple, e2ee"

/* ------------------------------------------------------------------ */
/* free(): every block is scanned before glibc gets it back             */

#define MAX_FREE_HITS 32
#define HIT_FRAMES 16

/* the distinct places (backtraces) that freed a secret */
typedef struct
{
  gint pattern;
  guint count;
  gint n_frames;
  gpointer frames[HIT_FRAMES];
} FreeHit;

static gint armed;

#ifndef E2EE_ASAN
static FreeHit free_hits[MAX_FREE_HITS];
static gint n_free_hits;
static gint total_free_hits;
static gint free_hits_lock;
static guint64 bytes_scanned;
extern void __libc_free (void *ptr);
static __thread gboolean in_free_scan;

static void
free_hit (gint pattern, gsize offset, gpointer user_data)
{
  gint *reported = user_data;
  gpointer frames[HIT_FRAMES];
  gint n_frames, i;

  /* one report per block */
  if (*reported)
    return;
  *reported = 1;
  n_frames = backtrace (frames, HIT_FRAMES);
  while (__atomic_exchange_n (&free_hits_lock, 1, __ATOMIC_ACQUIRE));
  total_free_hits++;
  for (i = 0; i < n_free_hits; i++)
    if (free_hits[i].n_frames == n_frames
        && memcmp (free_hits[i].frames, frames, n_frames * sizeof (gpointer))
        == 0)
      break;
  if (i == n_free_hits && i < MAX_FREE_HITS) {
    free_hits[i].pattern = pattern;
    free_hits[i].n_frames = n_frames;
    memcpy (free_hits[i].frames, frames, sizeof (frames));
    n_free_hits++;
  }
  if (i < MAX_FREE_HITS)
    free_hits[i].count++;
  __atomic_store_n (&free_hits_lock, 0, __ATOMIC_RELEASE);
}

void
free (void *ptr)
{
  if (ptr && __atomic_load_n (&armed, __ATOMIC_RELAXED) && !in_free_scan) {
    gsize size = malloc_usable_size (ptr);
    gint reported = 0;

    in_free_scan = TRUE;
    __atomic_fetch_add (&bytes_scanned, size, __ATOMIC_RELAXED);
    scan (ptr, size, TRUE, free_hit, &reported);
    in_free_scan = FALSE;
  }
  __libc_free (ptr);
}

static void
report_free_hits (void)
{
  gint i;

  for (i = 0; i < n_free_hits; i++) {
    gint f;

    g_printerr ("freed without wiping, %u time(s) from here, e.g. %s\n",
        free_hits[i].count, secret_what (free_hits[i].pattern));
    /* frame 0 is free_hit (), 1 scan (), 2 free () */
    for (f = 3; f < free_hits[i].n_frames; f++) {
      Dl_info info;

      if (dladdr (free_hits[i].frames[f], &info) && info.dli_fname)
        g_printerr ("    %s (%s+%#lx)\n",
            info.dli_sname ? info.dli_sname : "?", info.dli_fname,
            (gulong) ((guint8 *) free_hits[i].frames[f] -
                (guint8 *) info.dli_fbase));
    }
  }
}
#endif

/* ------------------------------------------------------------------ */
/* Capture: GStreamer's log at *:9, GLib's, caps, bus messages.          */

static FILE *log_file;
static GMutex log_lock;
static guint64 lines_at[GST_LEVEL_COUNT];
static guint64 e2ee_lines;
static GString *seen_text;      /* caps and messages, under log_lock */

static void
log_function (GstDebugCategory * category, GstDebugLevel level,
    const gchar * file, const gchar * function, gint line, GObject * object,
    GstDebugMessage * message, gpointer user_data)
{
  gchar *text = gst_debug_log_get_line (category, level, file, function, line,
      object, message);

  g_mutex_lock (&log_lock);
  if (log_file) {
    fputs (text, log_file);
    if (level < GST_LEVEL_COUNT)
      lines_at[level]++;
    if (g_str_has_prefix (gst_debug_category_get_name (category), "e2ee"))
      e2ee_lines++;
  }
  g_mutex_unlock (&log_lock);
  g_free (text);
}

static void
glog_line (const gchar * domain, const gchar * message)
{
  g_mutex_lock (&log_lock);
  if (log_file)
    fprintf (log_file, "[g_log %s] %s\n", domain ? domain : "-", message);
  g_mutex_unlock (&log_lock);
}

static void
glog_handler (const gchar * domain, GLogLevelFlags level,
    const gchar * message, gpointer user_data)
{
  glog_line (domain, message);
  if (level & (G_LOG_LEVEL_ERROR | G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING))
    g_log_default_handler (domain, level, message, user_data);
}

static GLogWriterOutput
glog_writer (GLogLevelFlags level, const GLogField * fields, gsize n_fields,
    gpointer user_data)
{
  const gchar *domain = NULL, *message = NULL;
  gsize i;

  for (i = 0; i < n_fields; i++) {
    if (g_str_equal (fields[i].key, "GLIB_DOMAIN"))
      domain = fields[i].value;
    else if (g_str_equal (fields[i].key, "MESSAGE"))
      message = fields[i].value;
  }
  if (message)
    glog_line (domain, message);
  if (level & (G_LOG_LEVEL_ERROR | G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING))
    return g_log_writer_default (level, fields, n_fields, user_data);
  return G_LOG_WRITER_HANDLED;
}

static void
seen (const gchar * what, gchar * text)
{
  g_mutex_lock (&log_lock);
  g_string_append_printf (seen_text, "%s: %s\n", what, text);
  g_mutex_unlock (&log_lock);
  g_free (text);
}

static GstPadProbeReturn
caps_probe (GstPad * pad, GstPadProbeInfo * info, gpointer user_data)
{
  if (info->type & GST_PAD_PROBE_TYPE_EVENT_BOTH) {
    GstEvent *event = GST_PAD_PROBE_INFO_EVENT (info);

    if (GST_EVENT_TYPE (event) == GST_EVENT_CAPS) {
      GstCaps *caps;

      gst_event_parse_caps (event, &caps);
      seen ("caps event", gst_caps_to_string (caps));
    }
  } else if (info->type & GST_PAD_PROBE_TYPE_QUERY_BOTH) {
    GstQuery *query = GST_PAD_PROBE_INFO_QUERY (info);

    if (GST_QUERY_TYPE (query) == GST_QUERY_CAPS) {
      GstCaps *caps = NULL;

      gst_query_parse_caps_result (query, &caps);
      if (caps)
        seen ("caps query", gst_caps_to_string (caps));
    }
  }
  return GST_PAD_PROBE_OK;
}

static void
probe_pad (const GValue * item, gpointer user_data)
{
  gst_pad_add_probe (g_value_get_object (item),
      GST_PAD_PROBE_TYPE_EVENT_BOTH | GST_PAD_PROBE_TYPE_QUERY_BOTH,
      caps_probe, NULL, NULL);
}

static void
probe_element (const GValue * item, gpointer user_data)
{
  GstIterator *pads = gst_element_iterate_pads (g_value_get_object (item));

  gst_iterator_foreach (pads, probe_pad, NULL);
  gst_iterator_free (pads);
}

static GstBusSyncReply
bus_sync (GstBus * bus, GstMessage * msg, gpointer user_data)
{
  const GstStructure *s = gst_message_get_structure (msg);

  if (GST_MESSAGE_TYPE (msg) == GST_MESSAGE_ERROR) {
    GError *err;
    gchar *dbg;

    gst_message_parse_error (msg, &err, &dbg);
    g_printerr ("error from %s: %s (%s)\n", GST_MESSAGE_SRC_NAME (msg),
        err->message, dbg);
    g_error_free (err);
    g_free (dbg);
    g_atomic_int_inc ((gint *) user_data);
  }
  if (s)
    seen ("bus message", gst_structure_to_string (s));
  /* a sync handler that drops a message owns it */
  gst_message_unref (msg);
  return GST_BUS_DROP;
}

/* Every readable property of @obj, serialised. Also checks that the
 * secret-bearing ones are write-only. */
static void
read_properties (GObject * obj, GString * out)
{
  GParamSpec **specs;
  guint n, i;

  specs = g_object_class_list_properties (G_OBJECT_GET_CLASS (obj), &n);
  for (i = 0; i < n; i++) {
    GValue v = G_VALUE_INIT;
    gchar *s;

    if (g_str_equal (specs[i]->name, "key")
        || g_str_equal (specs[i]->name, "passphrase")
        || g_str_equal (specs[i]->name, "state-key"))
      fail_if (specs[i]->flags & G_PARAM_READABLE, "%s::%s is readable",
          G_OBJECT_TYPE_NAME (obj), specs[i]->name);
    if (!(specs[i]->flags & G_PARAM_READABLE))
      continue;
    g_value_init (&v, specs[i]->value_type);
    g_object_get_property (obj, specs[i]->name, &v);
    s = gst_value_serialize (&v);
    if (!s)
      s = g_strdup_value_contents (&v);
    g_string_append_printf (out, "%s::%s = %s\n", G_OBJECT_TYPE_NAME (obj),
        specs[i]->name, s);
    g_free (s);
    if (G_VALUE_HOLDS (&v, GST_TYPE_STRUCTURE) && g_value_get_boxed (&v)) {
      s = gst_structure_to_string (g_value_get_boxed (&v));
      g_string_append_printf (out, "  %s\n", s);
      g_free (s);
    }
    g_value_unset (&v);
  }
  g_free (specs);
}

/* ------------------------------------------------------------------ */
/* The call                                                             */

static void
on_key_changed (GstE2eeKeyManager * m, const gchar * who, guint index,
    gpointer user_data)
{
  add_manager_secrets (m);
}

static void
on_sas_ready (GstE2eeKeyManager * m, const gchar * who, gchar ** emoji,
    const gchar * decimal, gpointer user_data)
{
  g_atomic_int_inc ((gint *) user_data);
}

/* A manager on the harness's router whose keys, each time they change,
 * join the secrets looked for */
/* the KID of the static SFrame key: 2 bytes in the header */
#define SFRAME_KID G_GUINT64_CONSTANT (300)

static GstE2eeKeyManager *
party (const gchar * id)
{
  GstE2eeKeyManager *m = km_party (id);

  g_signal_connect (m, "key-changed", G_CALLBACK (on_key_changed), NULL);
  return m;
}

/* km_settle (), then every manager's keys join the secrets looked for */
static void
settle (void)
{
  guint i;

  km_settle ();
  for (i = 0; i < km_n_members (); i++)
    add_manager_secrets (km_member (i));
}

typedef struct
{
  const gchar *name;
  GstElement *pipeline;
  GstElement *src, *enc, *dec[2];
  gint decrypted[2];
  guint64 pts;
} Call;

static GstFlowReturn
on_sample (GstAppSink * sink, gpointer user_data)
{
  GstSample *sample = gst_app_sink_pull_sample (sink);

  g_atomic_int_inc ((gint *) user_data);
  gst_sample_unref (sample);
  return GST_FLOW_OK;
}

static gint bus_errors;

static Call *
call_new (const gchar * name, guint n_dec)
{
  Call *c = g_new0 (Call, 1);
  GstAppSinkCallbacks cb = { NULL, NULL, on_sample, };
  GString *desc = g_string_new (NULL);
  GstIterator *it;
  GstBus *bus;
  guint i;

  c->name = name;
  g_string_append (desc,
      "appsrc name=src format=time caps=\"" KM_OPUS_CAPS "\" "
      "! e2eeenc name=enc ! tee name=t ");
  for (i = 0; i < n_dec; i++)
    g_string_append_printf (desc, "t. ! queue ! e2eedec name=dec%u "
        "! appsink name=sink%u sync=false async=false ", i, i);
  c->pipeline = gst_parse_launch (desc->str, NULL);
  fail_unless (c->pipeline != NULL);
  g_string_free (desc, TRUE);
  gst_object_set_name (GST_OBJECT (c->pipeline), name);
  c->src = gst_bin_get_by_name (GST_BIN (c->pipeline), "src");
  c->enc = gst_bin_get_by_name (GST_BIN (c->pipeline), "enc");
  for (i = 0; i < n_dec; i++) {
    gchar *n = g_strdup_printf ("dec%u", i);
    GstElement *sink;

    c->dec[i] = gst_bin_get_by_name (GST_BIN (c->pipeline), n);
    g_free (n);
    n = g_strdup_printf ("sink%u", i);
    sink = gst_bin_get_by_name (GST_BIN (c->pipeline), n);
    g_free (n);
    gst_app_sink_set_callbacks (GST_APP_SINK (sink), &cb, &c->decrypted[i],
        NULL);
    gst_object_unref (sink);
  }
  it = gst_bin_iterate_recurse (GST_BIN (c->pipeline));
  gst_iterator_foreach (it, probe_element, NULL);
  gst_iterator_free (it);
  bus = gst_element_get_bus (c->pipeline);
  gst_bus_set_sync_handler (bus, bus_sync, &bus_errors, NULL);
  gst_object_unref (bus);
  return c;
}

static void
call_play (Call * c)
{
  fail_unless (gst_element_set_state (c->pipeline, GST_STATE_PLAYING) !=
      GST_STATE_CHANGE_FAILURE, "%s does not start", c->name);
}

static void
call_push (Call * c)
{
  GstBuffer *buf = gst_buffer_new_allocate (NULL, 160, NULL);

  gst_buffer_memset (buf, 0, 0x78 + (c->pts & 0x7), 160);
  GST_BUFFER_PTS (buf) = c->pts * 20 * GST_MSECOND;
  GST_BUFFER_DURATION (buf) = 20 * GST_MSECOND;
  c->pts++;
  fail_unless_equals_int (gst_app_src_push_buffer (GST_APP_SRC (c->src), buf),
      GST_FLOW_OK);
}

/* Pushes frames until decryptor @i decrypted @n more (the keys may take a
 * moment to arrive). */
static void
call_decrypts (Call * c, guint i, gint n)
{
  gint target = g_atomic_int_get (&c->decrypted[i]) + n;
  gint64 deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;

  while (g_atomic_int_get (&c->decrypted[i]) < target) {
    fail_unless (g_get_monotonic_time () < deadline,
        "%s: decryptor %u decrypted %d frames, wanted %d", c->name, i,
        g_atomic_int_get (&c->decrypted[i]), target);
    call_push (c);
    g_usleep (20 * 1000);
  }
}

static void
call_free (Call * c)
{
  guint i;

  gst_element_set_state (c->pipeline, GST_STATE_NULL);
  gst_object_unref (c->src);
  gst_object_unref (c->enc);
  for (i = 0; i < 2; i++)
    if (c->dec[i])
      gst_object_unref (c->dec[i]);
  gst_object_unref (c->pipeline);
  g_free (c);
}

/* Sets @key on @e from a buffer that is wiped afterwards (the element keeps
 * a copy of its own). */
static void
set_key (GstElement * e, const guint8 * key, gsize len, guint index)
{
  GstBuffer *buf = gst_buffer_new_memdup (key, len);
  GstMapInfo map;

  g_object_set (e, "key-index", index, "key", buf, NULL);
  fail_unless (gst_buffer_map (buf, &map, GST_MAP_WRITE));
  OPENSSL_cleanse (map.data, map.size);
  gst_buffer_unmap (buf, &map);
  gst_buffer_unref (buf);
}

GST_DEBUG_CATEGORY_STATIC (hygiene_debug);
#undef GST_CAT_DEFAULT
#define GST_CAT_DEFAULT hygiene_debug

typedef struct
{
  guint8 canary[32];
  gchar *dir;
  gchar *log_path;
  gchar *state_path;
  gchar *bob_state_path;
  GString *properties;
  guint8 jitsi[32], jitsi2[32], livekit[32], raw[16], state_key[32];
  guint8 sframe[16];
} Hygiene;

static void
hygiene_start (Hygiene * h)
{
  GSList *cats, *l;

  matcher_init ();
  h->dir = g_dir_make_tmp ("e2ee-hygiene-XXXXXX", NULL);
  fail_unless (h->dir != NULL);
  h->log_path = g_build_filename (h->dir, "debug.log", NULL);
  h->state_path = g_build_filename (h->dir, "alice.state", NULL);
  h->bob_state_path = g_build_filename (h->dir, "bob.state", NULL);
  h->properties = g_string_new (NULL);
  seen_text = g_string_new (NULL);
  log_file = fopen (h->log_path, "w");
  fail_unless (log_file != NULL);

  /* *:9, into our file only */
  gst_debug_remove_log_function (gst_debug_log_default);
  gst_debug_add_log_function (log_function, NULL, NULL);
  gst_debug_set_active (TRUE);
  gst_debug_set_threshold_from_string ("*:9", TRUE);
  gst_debug_set_default_threshold (GST_LEVEL_MEMDUMP);
  fail_unless (gst_debug_is_active ());
  fail_unless_equals_int (gst_debug_get_default_threshold (),
      GST_LEVEL_MEMDUMP);
  g_log_set_default_handler (glog_handler, NULL);
  GST_DEBUG_CATEGORY_INIT (hygiene_debug, "hygiene", 0, "secret hygiene test");

  /* the canary: in the log once at level 9, once through g_log */
  fail_unless (RAND_bytes (h->canary, sizeof (h->canary)) == 1);
  add_secret (CANARY, h->canary, sizeof (h->canary), TRUE);
  GST_MEMDUMP ("canary", h->canary, sizeof (h->canary));
  {
    gchar *b64 = g_base64_encode (h->canary, sizeof (h->canary));

    g_log ("GStreamer-E2EE", G_LOG_LEVEL_DEBUG, "canary %s", b64);
    g_free (b64);
  }

  /* the elements and the library register their categories at once */
  gst_object_unref (gst_element_factory_make ("e2eeenc", NULL));
  cats = gst_debug_get_all_categories ();
  for (l = cats; l; l = l->next)
    fail_unless_equals_int (gst_debug_category_get_threshold (l->data),
        GST_LEVEL_MEMDUMP);
  g_slist_free (cats);

  fail_unless (RAND_bytes (h->jitsi, sizeof (h->jitsi)) == 1);
  fail_unless (RAND_bytes (h->jitsi2, sizeof (h->jitsi2)) == 1);
  fail_unless (RAND_bytes (h->livekit, sizeof (h->livekit)) == 1);
  fail_unless (RAND_bytes (h->raw, sizeof (h->raw)) == 1);
  fail_unless (RAND_bytes (h->state_key, sizeof (h->state_key)) == 1);
  add_material ("static jitsi key", GST_E2EE_KDF_JITSI, h->jitsi,
      RATCHET_DEPTH + 1);
  add_material ("second static jitsi key", GST_E2EE_KDF_JITSI, h->jitsi2,
      RATCHET_DEPTH);
  add_material ("static livekit key", GST_E2EE_KDF_LIVEKIT, h->livekit,
      RATCHET_DEPTH);
  add_secret ("static raw key", h->raw, sizeof (h->raw), TRUE);
  fail_unless (RAND_bytes (h->sframe, sizeof (h->sframe)) == 1);
  add_secret ("static SFrame base key", h->sframe, sizeof (h->sframe), TRUE);
  {
    /* what SFrame derives from it: suite 4's AES key, suite 1's AES and
     * HMAC keys (apart: they are used apart); not the 12-byte salts, which
     * are shorter than the matcher's window and no key on their own */
    guint8 key[GST_E2EE_SFRAME_MAX_KEY_SIZE], salt[GST_E2EE_SFRAME_NONCE_SIZE];

    fail_unless (gst_e2ee_sframe_derive
        (GST_E2EE_SFRAME_SUITE_AES_128_GCM_SHA256_128, SFRAME_KID, h->sframe,
            sizeof (h->sframe), key, salt));
    add_secret ("SFrame suite 4 key", key, 16, TRUE);
    fail_unless (gst_e2ee_sframe_derive
        (GST_E2EE_SFRAME_SUITE_AES_128_CTR_HMAC_SHA256_80, SFRAME_KID,
            h->sframe, sizeof (h->sframe), key, salt));
    add_secret ("SFrame suite 1 AES key", key, 16, TRUE);
    add_secret ("SFrame suite 1 HMAC key", key + 16, 32, TRUE);
    OPENSSL_cleanse (key, sizeof (key));
    OPENSSL_cleanse (salt, sizeof (salt));
  }
  add_secret ("state key", h->state_key, sizeof (h->state_key), TRUE);
  add_secret ("passphrase", (const guint8 *) PASSPHRASE, strlen (PASSPHRASE),
      TRUE);
  {
    /* the passphrase's AES key, and two steps of its PBKDF2 ratchet */
    guint8 m[32], next[32], aes[16];
    guint step;

    pbkdf2 ((const guint8 *) PASSPHRASE, strlen (PASSPHRASE), aes, 16);
    add_secret ("AES key of the passphrase", aes, 16, TRUE);
    pbkdf2 ((const guint8 *) PASSPHRASE, strlen (PASSPHRASE), m, 32);
    for (step = 1; step <= 2; step++) {
      gchar *what = g_strdup_printf ("passphrase, ratchet %u", step);

      add_secret (what, m, 32, TRUE);
      g_free (what);
      pbkdf2 (m, 32, aes, 16);
      add_secret ("AES key of a passphrase ratchet", aes, 16, TRUE);
      pbkdf2 (m, 32, next, 32);
      memcpy (m, next, 32);
    }
    OPENSSL_cleanse (m, sizeof (m));
    OPENSSL_cleanse (next, sizeof (next));
    OPENSSL_cleanse (aes, sizeof (aes));
  }
}

/* The call itself. Freed memory is watched from the first key exchange
 * (set up before: GObject's own copy of a string property is not ours to
 * wipe) to the last unref. */
static void
hygiene_run (Hygiene * h, gboolean watch_free)
{
  GstE2eeKeyManager *a, *b, *c;
  Call *ab, *ba, *jitsi, *livekit, *pass, *raw, *sframe_gcm, *sframe_ctr;
  GstBuffer *state_key;
  GstMapInfo map;
  gchar *ids[2];
  guint i;

  /* alice's state file has the state-key property, bob's a key file */
  a = party ("alice");
  b = party ("bob");
  c = party ("carol");
  state_key = gst_buffer_new_memdup (h->state_key, sizeof (h->state_key));
  g_object_set (a, "state-key", state_key, "state-file", h->state_path, NULL);
  g_object_set (b, "state-file", h->bob_state_path, NULL);
  /* the state (and bob's key file) is made on first use */
  g_strfreev (gst_e2ee_key_manager_list_participants (b));
  {
    gchar *key_path = g_strconcat (h->bob_state_path, ".key", NULL);
    gchar *key;
    gsize len;

    fail_unless (g_file_get_contents (key_path, &key, &len, NULL));
    fail_unless_equals_int (len, 32);
    add_secret ("bob's state key file", (const guint8 *) key, len, TRUE);
    OPENSSL_cleanse (key, len);
    g_free (key);
    g_free (key_path);
  }

  ab = call_new ("alice-to-bob-and-carol", 2);
  g_object_set (ab->enc, "key-manager", a, NULL);
  g_object_set (ab->dec[0], "key-manager", b, "participant", "alice", NULL);
  g_object_set (ab->dec[1], "key-manager", c, "participant", "alice", NULL);
  ba = call_new ("bob-to-alice", 1);
  g_object_set (ba->enc, "key-manager", b, NULL);
  g_object_set (ba->dec[0], "key-manager", a, NULL);

  jitsi = call_new ("static-jitsi", 1);
  set_key (jitsi->enc, h->jitsi, 32, 0);
  set_key (jitsi->dec[0], h->jitsi, 32, 0);
  livekit = call_new ("static-livekit", 1);
  g_object_set (livekit->enc, "kdf", GST_E2EE_KDF_LIVEKIT, NULL);
  g_object_set (livekit->dec[0], "kdf", GST_E2EE_KDF_LIVEKIT, NULL);
  set_key (livekit->enc, h->livekit, 32, 0);
  set_key (livekit->dec[0], h->livekit, 32, 0);
  raw = call_new ("static-raw", 1);
  g_object_set (raw->enc, "kdf", GST_E2EE_KDF_RAW, NULL);
  g_object_set (raw->dec[0], "kdf", GST_E2EE_KDF_RAW, NULL);
  set_key (raw->enc, h->raw, 16, 0);
  set_key (raw->dec[0], h->raw, 16, 0);
  sframe_gcm = call_new ("static-sframe-gcm", 1);
  g_object_set (sframe_gcm->enc, "format", GST_E2EE_FRAME_FORMAT_SFRAME,
      "key-id", SFRAME_KID, NULL);
  g_object_set (sframe_gcm->dec[0], "format", GST_E2EE_FRAME_FORMAT_SFRAME,
      "key-id", SFRAME_KID, NULL);
  set_key (sframe_gcm->enc, h->sframe, sizeof (h->sframe), 0);
  set_key (sframe_gcm->dec[0], h->sframe, sizeof (h->sframe), 0);
  sframe_ctr = call_new ("static-sframe-ctr-hmac", 1);
  g_object_set (sframe_ctr->enc, "format", GST_E2EE_FRAME_FORMAT_SFRAME,
      "sframe-suite", GST_E2EE_SFRAME_SUITE_AES_128_CTR_HMAC_SHA256_80,
      "key-id", SFRAME_KID, NULL);
  g_object_set (sframe_ctr->dec[0], "format", GST_E2EE_FRAME_FORMAT_SFRAME,
      "sframe-suite", GST_E2EE_SFRAME_SUITE_AES_128_CTR_HMAC_SHA256_80,
      "key-id", SFRAME_KID, NULL);
  set_key (sframe_ctr->enc, h->sframe, sizeof (h->sframe), 0);
  set_key (sframe_ctr->dec[0], h->sframe, sizeof (h->sframe), 0);
  pass = call_new ("passphrase", 1);
  g_object_set (pass->enc, "kdf", GST_E2EE_KDF_LIVEKIT, "passphrase",
      PASSPHRASE, NULL);
  g_object_set (pass->dec[0], "kdf", GST_E2EE_KDF_LIVEKIT, "passphrase",
      PASSPHRASE, NULL);

  if (watch_free)
    g_atomic_int_set (&armed, 1);

  /* alice and bob */
  km_join (a);
  km_join (b);
  settle ();
  add_manager_olm_secrets (a);
  add_manager_olm_secrets (b);
  call_play (ab);
  call_play (ba);
  call_play (jitsi);
  call_play (livekit);
  call_play (raw);
  call_play (pass);
  call_play (sframe_gcm);
  call_play (sframe_ctr);
  call_decrypts (ab, 0, 5);
  call_decrypts (ba, 0, 5);
  call_decrypts (jitsi, 0, 5);
  call_decrypts (livekit, 0, 5);
  call_decrypts (raw, 0, 5);
  call_decrypts (pass, 0, 5);
  call_decrypts (sframe_gcm, 0, 5);
  call_decrypts (sframe_ctr, 0, 5);

  /* alice and bob compare their SAS */
  {
    gint64 deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;
    gint ready = 0;

    g_signal_connect (a, "sas-ready", G_CALLBACK (on_sas_ready), &ready);
    g_signal_connect (b, "sas-ready", G_CALLBACK (on_sas_ready), &ready);
    gst_e2ee_key_manager_start_sas (a, "bob");
    while (g_atomic_int_get (&ready) < 2) {
      fail_unless (g_get_monotonic_time () < deadline, "no SAS codes");
      g_usleep (20 * 1000);
    }
    gst_e2ee_key_manager_confirm_sas (a, "bob", TRUE);
    gst_e2ee_key_manager_confirm_sas (b, "alice", TRUE);
    while (!gst_e2ee_key_manager_is_verified (a, "bob")
        || !gst_e2ee_key_manager_is_verified (b, "alice")) {
      fail_unless (g_get_monotonic_time () < deadline, "SAS not verified");
      g_usleep (20 * 1000);
    }
    g_signal_handlers_disconnect_by_func (a, on_sas_ready, &ready);
    g_signal_handlers_disconnect_by_func (b, on_sas_ready, &ready);
  }

  /* carol joins: alice and bob ratchet, bob follows alice's ratchet */
  km_join (c);
  settle ();
  call_decrypts (ab, 1, 5);
  call_decrypts (ab, 0, 5);
  fail_unless (km_element_stat (ab->dec[0], "ratchets") >= 1);

  /* alice rotates, then carol leaves */
  gst_e2ee_key_manager_rotate_key (a);
  settle ();
  call_decrypts (ab, 0, 5);
  call_decrypts (ab, 1, 5);
  gst_e2ee_key_manager_remove_participant (a, "carol");
  gst_e2ee_key_manager_remove_participant (b, "carol");
  settle ();
  call_decrypts (ab, 0, 5);
  call_decrypts (ba, 0, 5);

  /* static keys: the sender ratchets (the receiver follows), then both
   * rotate to a key with the next index */
  {
    guint8 next[32];

    ratchet_of (GST_E2EE_KDF_JITSI, h->jitsi, next);
    set_key (jitsi->enc, next, 32, 0);
    OPENSSL_cleanse (next, sizeof (next));
  }
  call_decrypts (jitsi, 0, 5);
  fail_unless (km_element_stat (jitsi->dec[0], "ratchets") >= 1);
  set_key (jitsi->enc, h->jitsi2, 32, 1);
  set_key (jitsi->dec[0], h->jitsi2, 32, 1);
  call_decrypts (jitsi, 0, 5);

  add_manager_pickles (a);
  add_manager_pickles (b);
  for (i = 0; i < 3; i++) {
    GstE2eeKeyManager *m = i == 0 ? a : i == 1 ? b : c;

    add_manager_secrets (m);
    add_manager_olm_secrets (m);
  }

  /* every readable property, while the call runs */
  {
    Call *calls[] = { ab, ba, jitsi, livekit, raw, pass, sframe_gcm,
      sframe_ctr
    };
    GstE2eeKeyManager *ms[] = { a, b, c };

    for (i = 0; i < G_N_ELEMENTS (calls); i++) {
      GstIterator *it = gst_bin_iterate_recurse (GST_BIN (calls[i]->pipeline));
      GValue item = G_VALUE_INIT;

      while (gst_iterator_next (it, &item) == GST_ITERATOR_OK) {
        read_properties (g_value_get_object (&item), h->properties);
        g_value_reset (&item);
      }
      g_value_unset (&item);
      gst_iterator_free (it);
      read_properties (G_OBJECT (calls[i]->pipeline), h->properties);
    }
    for (i = 0; i < G_N_ELEMENTS (ms); i++)
      read_properties (G_OBJECT (ms[i]), h->properties);
  }

  /* the end of the call: everything is disposed of, still watched */
  call_free (ab);
  call_free (ba);
  call_free (jitsi);
  call_free (livekit);
  call_free (raw);
  call_free (pass);
  call_free (sframe_gcm);
  call_free (sframe_ctr);
  g_object_get (a, "curve25519-key", &ids[0], NULL);
  g_object_get (b, "curve25519-key", &ids[1], NULL);
  for (i = 0; i < km_n_members (); i++)
    g_signal_handlers_disconnect_by_func (km_member (i), on_key_changed, NULL);
  /* the managers' last references (the router's) */
  km_router_reset ();

  /* alice and bob start again from their state files */
  a = g_object_new (GST_TYPE_E2EE_KEY_MANAGER, "state-key", state_key,
      "state-file", h->state_path, NULL);
  b = g_object_new (GST_TYPE_E2EE_KEY_MANAGER, "state-file",
      h->bob_state_path, NULL);
  for (i = 0; i < 2; i++) {
    gchar *again;

    g_object_get (i ? b : a, "curve25519-key", &again, NULL);
    fail_unless_equals_string (again, ids[i]);
    g_free (again);
    g_free (ids[i]);
  }
  read_properties (G_OBJECT (a), h->properties);
  gst_object_unref (a);
  gst_object_unref (b);
  fail_unless (gst_buffer_map (state_key, &map, GST_MAP_WRITE));
  OPENSSL_cleanse (map.data, map.size);
  gst_buffer_unmap (state_key, &map);
  gst_buffer_unref (state_key);

  g_atomic_int_set (&armed, 0);
  fail_unless_equals_int (g_atomic_int_get (&bus_errors), 0);
}

static void
hygiene_finish (Hygiene * h)
{
  GMappedFile *mapped;
  GError *err = NULL;

  g_mutex_lock (&log_lock);
  fclose (log_file);
  log_file = NULL;
  g_mutex_unlock (&log_lock);
  gst_debug_set_default_threshold (GST_LEVEL_NONE);

  mapped = g_mapped_file_new (h->log_path, FALSE, &err);
  fail_unless (mapped != NULL, "%s", err ? err->message : "");
  g_print ("%" G_GSIZE_FORMAT " bytes of log, %" G_GUINT64_FORMAT
      " log lines, %" G_GUINT64_FORMAT " from e2ee, %d patterns\n",
      g_mapped_file_get_length (mapped), lines_at[GST_LEVEL_LOG],
      e2ee_lines, secret_count ());
  /* *:9 was really on */
  fail_unless (lines_at[GST_LEVEL_DEBUG] > 0 && lines_at[GST_LEVEL_LOG] > 0
      && lines_at[GST_LEVEL_TRACE] > 0 && lines_at[GST_LEVEL_MEMDUMP] > 0);
  fail_unless (e2ee_lines > 0);
  /* the canary's memdump and g_log line */
  assert_no_secret_in ("the debug log",
      (const guint8 *) g_mapped_file_get_contents (mapped),
      g_mapped_file_get_length (mapped), 2);
  g_mapped_file_unref (mapped);
  assert_no_secret_in ("caps and bus messages",
      (const guint8 *) seen_text->str, seen_text->len, 0);
  fail_unless (strstr (seen_text->str, "audio/x-opus") != NULL);
  assert_no_secret_in ("readable properties",
      (const guint8 *) h->properties->str, h->properties->len, 0);
  fail_unless (strstr (h->properties->str, "missing-key") != NULL);

  g_unlink (h->log_path);
  g_unlink (h->state_path);
  g_unlink (h->bob_state_path);
  {
    gchar *key_path = g_strconcat (h->bob_state_path, ".key", NULL);

    g_unlink (key_path);
    g_free (key_path);
  }
  g_rmdir (h->dir);
  g_free (h->dir);
  g_free (h->log_path);
  g_free (h->state_path);
  g_free (h->bob_state_path);
  g_string_free (h->properties, TRUE);
  g_string_free (seen_text, TRUE);
}

GST_START_TEST (test_no_secret_in_logs_caps_or_properties)
{
  Hygiene h = { 0, };

  hygiene_start (&h);
  hygiene_run (&h, FALSE);
  hygiene_finish (&h);
}

GST_END_TEST;

GST_START_TEST (test_secrets_wiped_when_freed)
{
#ifdef E2EE_ASAN
  g_print ("SKIP: test_secrets_wiped_when_freed needs its own free(), "
      "which AddressSanitizer replaces\n");
#else
  Hygiene h = { 0, };
  gpointer frames[4];

  /* backtrace() loads its unwinder on first use */
  backtrace (frames, G_N_ELEMENTS (frames));
  fail_unless (g_strcmp0 (g_getenv ("G_SLICE"), "always-malloc") == 0);
  hygiene_start (&h);

  /* the canary, freed unwiped by GLib, by a GstBuffer (slices) and by
   * OpenSSL, is seen three times */
  {
    guint8 *block = g_malloc (100);
    GstBuffer *buf = gst_buffer_new_memdup (h.canary, sizeof (h.canary));
    guint8 *ossl = OPENSSL_malloc (sizeof (h.canary));

    memcpy (block + 7, h.canary, sizeof (h.canary));
    memcpy (ossl, h.canary, sizeof (h.canary));
    g_atomic_int_set (&armed, 1);
    g_free (block);
    gst_buffer_unref (buf);
    OPENSSL_free (ossl);
    g_atomic_int_set (&armed, 0);
    fail_unless_equals_int (total_free_hits, 3);
    total_free_hits = n_free_hits = 0;
    memset (free_hits, 0, sizeof (free_hits));
  }

  hygiene_run (&h, TRUE);
  hygiene_finish (&h);
  g_print ("%" G_GUINT64_FORMAT " bytes of freed memory scanned\n",
      bytes_scanned);
  fail_unless (bytes_scanned > 0, "free() is not ours");
  report_free_hits ();
  fail_unless (total_free_hits == 0, "%d block(s) with a secret freed "
      "without wiping, from %d place(s)", total_free_hits, n_free_hits);
#endif
}

GST_END_TEST;

static Suite *
hygiene_suite (void)
{
  Suite *s = suite_create ("e2ee-hygiene");
  TCase *tc = tcase_create ("general");

  suite_add_tcase (s, tc);
  tcase_set_timeout (tc, 180);
  tcase_add_test (tc, test_no_secret_in_logs_caps_or_properties);
  tcase_add_test (tc, test_secrets_wiped_when_freed);
  return s;
}

int
main (int argc, char **argv)
{
  /* GLib's slice allocator must hand blocks to free(), where they are
   * scanned: it reads G_SLICE once, so start again with it set */
  if (g_strcmp0 (g_getenv ("G_SLICE"), "always-malloc") != 0) {
    g_setenv ("G_SLICE", "always-malloc", TRUE);
    execv ("/proc/self/exe", argv);
    g_error ("could not re-execute with G_SLICE=always-malloc");
  }
  g_log_set_writer_func (glog_writer, NULL, NULL);
  gst_check_init (&argc, &argv);
  return gst_check_run_suite (hygiene_suite (), "hygiene", __FILE__);
}
