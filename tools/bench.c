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


/* tools/bench: what a frame costs in e2eeenc ! e2eedec, next to what it
 * cannot cost less than (OpenSSL's AES-128-GCM alone, plus GStreamer's own
 * per-buffer cost) and next to what a user has otherwise (srtpenc !
 * srtpdec, and WebCrypto as the web clients use it). Every configuration
 * gets the same frames; the measurements are interleaved, repeated, and
 * the median CPU time per frame is reported, as a table and as JSON.
 * docs/performance.md explains the method and the results. */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "bench.h"

#include <malloc.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <openssl/crypto.h>
#include <openssl/rand.h>
#include <json-glib/json-glib.h>

#define DEFAULT_SIZES "100,1200,10000,100000"
#define DEFAULT_ROUNDS 9
#define DEFAULT_STREAMS 100
#define BYTES_PER_MEASUREMENT (20 * 1000 * 1000)
#define FRAMES_MIN 1000
#define FRAMES_MAX 20000
#define WEBCRYPTO_FRAMES_MAX 500
#define WARMUP_FRAMES 200
#define RSS_SIZE 10000
#define RSS_FRAMES 50
#define AUDIO_MAX_SIZE 200

const BenchCfgInfo bench_cfg_info[BENCH_N_CFGS] = {
  [BENCH_CFG_LIMIT] = {"limit", "limit: OpenSSL seal+open"},
  [BENCH_CFG_FLOOR] = {"floor", "floor: identity ! identity"},
  [BENCH_CFG_OURS] = {"ours", "ours: e2eeenc ! e2eedec"},
  [BENCH_CFG_SRTP_ICM] = {"srtp_icm_hmac", "srtp AES-ICM+HMAC-SHA1-80"},
  [BENCH_CFG_SRTP_GCM] = {"srtp_gcm", "srtp AES-128-GCM"},
  [BENCH_CFG_WEBCRYPTO] = {"webcrypto", "WebCrypto (Node.js)"},
  [BENCH_CFG_FLOOR1] = {"floor1", "identity (one)"},
  [BENCH_CFG_ENC] = {"enc", "e2eeenc alone"},
  [BENCH_CFG_DEC] = {"dec", "e2eedec alone"},
  [BENCH_CFG_DEC_DEPAY] = {"dec_depay", "e2eedec on a depay's output"},
  [BENCH_CFG_SFRAME_GCM] = {"sframe_gcm", "ours, SFrame AES-128-GCM (4)"},
  [BENCH_CFG_SFRAME_CTR_HMAC] = {"sframe_ctr_hmac",
      "ours, SFrame AES-CTR+HMAC (1)"},
  [BENCH_CFG_LIMIT_CTR_HMAC] = {"limit_ctr_hmac",
      "limit: OpenSSL AES-CTR+HMAC"},
  [BENCH_CFG_NONE] = {"none", "no element"},
};

/* measured in this order, rotated by one each round */
static const BenchCfg timed_cfgs[] = {
  BENCH_CFG_LIMIT, BENCH_CFG_FLOOR, BENCH_CFG_OURS, BENCH_CFG_SRTP_ICM,
  BENCH_CFG_SRTP_GCM, BENCH_CFG_WEBCRYPTO, BENCH_CFG_FLOOR1, BENCH_CFG_ENC,
  BENCH_CFG_DEC, BENCH_CFG_DEC_DEPAY, BENCH_CFG_SFRAME_GCM,
  BENCH_CFG_SFRAME_CTR_HMAC, BENCH_CFG_LIMIT_CTR_HMAC,
};

#define N_TIMED G_N_ELEMENTS (timed_cfgs)

static gint opt_frames = 0;
static gint opt_rounds = DEFAULT_ROUNDS;
static gint opt_streams = DEFAULT_STREAMS;
static gchar *opt_sizes = NULL;
static gchar *opt_json = NULL;
static gchar *opt_child = NULL;
static gchar *opt_rss_kind = NULL;
static gchar *opt_plugin_dir = NULL;
static gchar *opt_script = NULL;
static gchar *opt_malloc_count = NULL;
static gboolean opt_no_webcrypto = FALSE;
static gboolean opt_no_allocs = FALSE;
static gboolean opt_no_rss = FALSE;
static gchar *opt_configs = NULL;

static GOptionEntry entries[] = {
  {"frames", 'n', 0, G_OPTION_ARG_INT, &opt_frames,
        "Frames per measurement, every size (default: 1000 to 20000, by size)",
      "N"},
  {"rounds", 'r', 0, G_OPTION_ARG_INT, &opt_rounds,
      "Interleaved rounds; the median is reported (default 9)", "N"},
  {"sizes", 's', 0, G_OPTION_ARG_STRING, &opt_sizes,
      "Frame sizes in bytes (default " DEFAULT_SIZES ")", "LIST"},
  {"streams", 0, 0, G_OPTION_ARG_INT, &opt_streams,
      "Concurrent streams for the memory measurement (default 100)", "N"},
  {"json", 'j', 0, G_OPTION_ARG_FILENAME, &opt_json,
      "Also write the JSON to FILE", "FILE"},
  {"no-webcrypto", 0, 0, G_OPTION_ARG_NONE, &opt_no_webcrypto,
      "Skip the Node.js WebCrypto measurement", NULL},
  {"no-allocs", 0, 0, G_OPTION_ARG_NONE, &opt_no_allocs,
      "Skip counting heap allocations", NULL},
  {"no-rss", 0, 0, G_OPTION_ARG_NONE, &opt_no_rss,
      "Skip the memory measurement", NULL},
  {"configs", 'c', 0, G_OPTION_ARG_STRING, &opt_configs,
        "Measure only these configurations (JSON names; for profiling)",
      "LIST"},
  {"plugin-dir", 0, 0, G_OPTION_ARG_FILENAME, &opt_plugin_dir,
      "Directory of the e2ee plugin (default: this build's)", "DIR"},
  {"webcrypto-script", 0, 0, G_OPTION_ARG_FILENAME, &opt_script,
      "bench-webcrypto.mjs (default: the source tree's)", "FILE"},
  {"malloc-count", 0, 0, G_OPTION_ARG_FILENAME, &opt_malloc_count,
      "The allocation-counting preload (default: this build's)", "FILE"},
  {"child", 0, G_OPTION_FLAG_HIDDEN, G_OPTION_ARG_STRING, &opt_child,
      NULL, NULL},
  {"rss-kind", 0, G_OPTION_FLAG_HIDDEN, G_OPTION_ARG_STRING, &opt_rss_kind,
      NULL, NULL},
  {NULL}
};

typedef struct
{
  gboolean available;
  gchar *skip_reason;
  GArray *cpu;                  /* double, ns per frame, one per round */
  GArray *wall;
  double cpu_ns;                /* medians */
  double wall_ns;
  double min_cpu_ns;
  double iqr;                   /* interquartile range / median */
} Result;

typedef struct
{
  BenchSize bs;
  BenchChain *chain[BENCH_N_CFGS];
  BenchLimit *limit;
  BenchLimit *limit_ctr_hmac;
  Result res[BENCH_N_CFGS];
  JsonObject *allocs;
} SizeRun;

guint64
bench_thread_cpu_ns (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_THREAD_CPUTIME_ID, &ts);
  return (guint64) ts.tv_sec * G_GUINT64_CONSTANT (1000000000) + ts.tv_nsec;
}

guint64
bench_wall_ns (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_MONOTONIC, &ts);
  return (guint64) ts.tv_sec * G_GUINT64_CONSTANT (1000000000) + ts.tv_nsec;
}

static int
compare_doubles (gconstpointer a, gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return x < y ? -1 : x > y;
}

/* The @q quantile of @a (0.5: the median), by linear interpolation. */
static double
quantile (GArray * a, double q)
{
  double *v, pos, r;
  guint n = a->len, i;

  if (n == 0)
    return NAN;
  v = g_memdup2 (a->data, n * sizeof (double));
  qsort (v, n, sizeof (double), compare_doubles);
  pos = q * (n - 1);
  i = (guint) pos;
  r = i + 1 < n ? v[i] + (pos - i) * (v[i + 1] - v[i]) : v[i];
  g_free (v);
  return r;
}

static double
median (GArray * a)
{
  return quantile (a, 0.5);
}

/* Plugins from this build only (and the system's, for identity and srtp),
 * with a registry of our own; set before gst_init(). */
static void
setup_environment (const gchar * plugin_dir)
{
  gchar *registry;

  g_setenv ("GST_PLUGIN_PATH_1_0", plugin_dir, TRUE);
  g_setenv ("GST_PLUGIN_SYSTEM_PATH_1_0", BENCH_SYSTEM_PLUGIN_DIR, FALSE);
  registry = g_build_filename (BENCH_BUILD_DIR, "registry-bench.bin", NULL);
  g_setenv ("GST_REGISTRY_1_0", registry, FALSE);
  g_free (registry);
}

static gboolean
check_plugin (const gchar * plugin_dir)
{
  GstElementFactory *f = gst_element_factory_find ("e2eeenc");
  GstPlugin *plugin;
  gboolean ok = FALSE;

  if (!f) {
    g_printerr ("bench: no e2eeenc in %s: build the plugin first\n",
        plugin_dir);
    return FALSE;
  }
  plugin = gst_plugin_feature_get_plugin (GST_PLUGIN_FEATURE (f));
  if (plugin && gst_plugin_get_filename (plugin)
      && g_str_has_prefix (gst_plugin_get_filename (plugin), plugin_dir))
    ok = TRUE;
  else
    g_printerr ("bench: e2eeenc comes from %s, not from %s\n",
        plugin ? gst_plugin_get_filename (plugin) : "?", plugin_dir);
  g_clear_object (&plugin);
  gst_object_unref (f);
  return ok;
}

static guint
default_frames (gsize size)
{
  return CLAMP (BYTES_PER_MEASUREMENT / size, FRAMES_MIN, FRAMES_MAX);
}

/* Random frames; Opus-sized ones are audio (1 clear byte), the others VP8
 * delta frames (P bit set: 3 clear bytes), the common case of a call. */
static gboolean
make_sizes (const gchar * list, SizeRun ** runs, guint * n_runs)
{
  gchar **parts = g_strsplit (list, ",", -1);
  guint n = g_strv_length (parts), i, k;
  SizeRun *r = g_new0 (SizeRun, n);

  for (i = 0; i < n; i++) {
    BenchSize *bs = &r[i].bs;
    guint64 size = g_ascii_strtoull (parts[i], NULL, 10);

    if (size < 4 || size > 16 * 1024 * 1024) {
      g_printerr ("bench: bad frame size '%s' (4 B to 16 MiB)\n", parts[i]);
      g_strfreev (parts);
      g_free (r);
      return FALSE;
    }
    bs->size = size;
    bs->frames = opt_frames > 0 ? (guint) opt_frames : default_frames (size);
    bs->audio = size <= AUDIO_MAX_SIZE;
    bs->clear_len = bs->audio ? 1 : 3;
    bs->caps = bs->audio ? "audio/x-opus" : "video/x-vp8";
    for (k = 0; k < BENCH_PAYLOADS; k++) {
      bs->payload[k] = g_malloc (size);
      if (RAND_bytes (bs->payload[k], (int) size) != 1)
        g_error ("bench: RAND_bytes failed");
      if (!bs->audio)
        bs->payload[k][0] |= 0x01;
    }
  }
  g_strfreev (parts);
  *runs = r;
  *n_runs = n;
  return TRUE;
}

static void
free_sizes (SizeRun * runs, guint n)
{
  guint i, k;

  for (i = 0; i < n; i++) {
    for (k = 0; k < BENCH_N_CFGS; k++) {
      if (runs[i].chain[k])
        bench_chain_free (runs[i].chain[k]);
      g_free (runs[i].res[k].skip_reason);
      if (runs[i].res[k].cpu)
        g_array_unref (runs[i].res[k].cpu);
      if (runs[i].res[k].wall)
        g_array_unref (runs[i].res[k].wall);
    }
    if (runs[i].limit)
      bench_limit_free (runs[i].limit);
    if (runs[i].limit_ctr_hmac)
      bench_limit_free (runs[i].limit_ctr_hmac);
    if (runs[i].allocs)
      json_object_unref (runs[i].allocs);
    for (k = 0; k < BENCH_PAYLOADS; k++) {
      g_free (runs[i].bs.payload[k]);
      g_free (runs[i].bs.jframe[k]);
    }
  }
  g_free (runs);
}

static guint
frames_for (BenchCfg cfg, const BenchSize * bs)
{
  if (cfg == BENCH_CFG_WEBCRYPTO)
    return MIN (bs->frames, WEBCRYPTO_FRAMES_MAX);
  return bs->frames;
}

static gboolean
selected (BenchCfg cfg)
{
  gchar **names;
  gboolean found;

  if (!opt_configs)
    return TRUE;
  names = g_strsplit (opt_configs, ",", -1);
  found = g_strv_contains ((const gchar * const *) names,
      bench_cfg_info[cfg].name);
  g_strfreev (names);
  return found;
}

/* Sets up and checks every configuration of one size; a configuration
 * that cannot run (srtp or node missing) is marked, the others go on. */
static gboolean
prepare (SizeRun * run, BenchNode * node, const gchar * node_skip,
    const guint8 * material)
{
  guint i;

  for (i = 0; i < N_TIMED; i++) {
    BenchCfg cfg = timed_cfgs[i];
    Result *res = &run->res[cfg];
    GError *err = NULL;
    guint64 cpu, wall;
    gboolean ok;

    res->cpu = g_array_new (FALSE, FALSE, sizeof (double));
    res->wall = g_array_new (FALSE, FALSE, sizeof (double));
    if (!selected (cfg)) {
      res->skip_reason = g_strdup ("not in --configs");
      continue;
    }
    switch (cfg) {
      case BENCH_CFG_LIMIT:
        run->limit = bench_limit_new (&run->bs, FALSE);
        ok = bench_limit_run (run->limit, WARMUP_FRAMES, &cpu, &wall);
        if (!ok)
          g_set_error (&err, GST_STREAM_ERROR, GST_STREAM_ERROR_FAILED,
              "OpenSSL's round trip failed");
        break;
      case BENCH_CFG_LIMIT_CTR_HMAC:
        run->limit_ctr_hmac = bench_limit_new (&run->bs, TRUE);
        ok = bench_limit_run (run->limit_ctr_hmac, WARMUP_FRAMES, &cpu, &wall);
        if (!ok)
          g_set_error (&err, GST_STREAM_ERROR, GST_STREAM_ERROR_FAILED,
              "OpenSSL's AES-CTR+HMAC round trip failed");
        break;
      case BENCH_CFG_WEBCRYPTO:
        if (!node) {
          res->skip_reason = g_strdup (node_skip);
          continue;
        }
        ok = TRUE;
        break;
      default:
        run->chain[cfg] = bench_chain_new (cfg, &run->bs, material, &err);
        ok = run->chain[cfg] && bench_chain_verify (run->chain[cfg], &err)
            && bench_chain_run (run->chain[cfg], MIN (WARMUP_FRAMES,
                run->bs.frames), NULL, &cpu, &wall, &err);
        break;
    }
    if (!ok) {
      if (cfg == BENCH_CFG_SRTP_ICM || cfg == BENCH_CFG_SRTP_GCM) {
        res->skip_reason = g_strdup (err->message);
        g_printerr ("bench: skipping %s: %s\n", bench_cfg_info[cfg].name,
            err->message);
        g_clear_error (&err);
        continue;
      }
      g_printerr ("bench: %s\n", err ? err->message : "setup failed");
      g_clear_error (&err);
      return FALSE;
    }
    res->available = TRUE;
  }
  return TRUE;
}

static gboolean
measure (SizeRun * run, guint index, BenchCfg cfg, BenchNode * node)
{
  Result *res = &run->res[cfg];
  guint frames = frames_for (cfg, &run->bs);
  guint64 cpu = 0, wall = 0;
  GError *err = NULL;
  gboolean ok;
  double v;

  if (!res->available)
    return TRUE;
  switch (cfg) {
    case BENCH_CFG_LIMIT:
      ok = bench_limit_run (run->limit, frames, &cpu, &wall);
      break;
    case BENCH_CFG_LIMIT_CTR_HMAC:
      ok = bench_limit_run (run->limit_ctr_hmac, frames, &cpu, &wall);
      break;
    case BENCH_CFG_WEBCRYPTO:
      ok = bench_node_run (node, index, frames, &cpu, &wall, &err);
      break;
    default:
      ok = bench_chain_run (run->chain[cfg], frames, NULL, &cpu, &wall, &err);
      break;
  }
  if (!ok) {
    g_printerr ("bench: %s, %" G_GSIZE_FORMAT " bytes: %s\n",
        bench_cfg_info[cfg].name, run->bs.size, err ? err->message : "failed");
    g_clear_error (&err);
    return FALSE;
  }
  v = (double) cpu / frames;
  g_array_append_val (res->cpu, v);
  v = (double) wall / frames;
  g_array_append_val (res->wall, v);
  return TRUE;
}

static gchar *
self_exe (void)
{
  gchar *exe = g_file_read_link ("/proc/self/exe", NULL);

  return exe ? exe : g_strdup ("bench");
}

/* Runs this program again with @args, returns its stdout as JSON. */
static JsonObject *
run_child (const gchar * const *args, gchar ** envp, gchar ** reason)
{
  GPtrArray *argv = g_ptr_array_new_with_free_func (g_free);
  gchar *out = NULL;
  gint status = 0;
  GError *err = NULL;
  JsonParser *parser;
  JsonObject *obj = NULL;
  gchar frames[32];
  guint i;

  g_ptr_array_add (argv, self_exe ());
  for (i = 0; args[i]; i++)
    g_ptr_array_add (argv, g_strdup (args[i]));
  g_ptr_array_add (argv, g_strdup ("--plugin-dir"));
  g_ptr_array_add (argv, g_strdup (opt_plugin_dir ? opt_plugin_dir :
          BENCH_PLUGIN_DIR));
  if (opt_frames > 0) {
    g_snprintf (frames, sizeof (frames), "%d", opt_frames);
    g_ptr_array_add (argv, g_strdup ("--frames"));
    g_ptr_array_add (argv, g_strdup (frames));
  }
  g_ptr_array_add (argv, NULL);

  if (!g_spawn_sync (NULL, (gchar **) argv->pdata, envp, G_SPAWN_DEFAULT,
          NULL, NULL, &out, NULL, &status, &err)
      || !g_spawn_check_wait_status (status, &err)) {
    *reason = g_strdup_printf ("child failed: %s", err->message);
    g_error_free (err);
    g_free (out);
    g_ptr_array_unref (argv);
    return NULL;
  }
  g_ptr_array_unref (argv);

  parser = json_parser_new ();
  if (json_parser_load_from_data (parser, out, -1, &err)
      && JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    obj = json_object_ref (json_node_get_object (json_parser_get_root
            (parser)));
  else
    *reason = g_strdup_printf ("child printed no JSON object: %s",
        err ? err->message : "not an object");
  g_clear_error (&err);
  g_object_unref (parser);
  g_free (out);
  return obj;
}

static gchar *
count_allocs (SizeRun * runs, guint n_runs)
{
  const gchar *preload = opt_malloc_count ? opt_malloc_count :
      BENCH_MALLOC_COUNT;
  const gchar *args[] = { "--child", "allocs", "--sizes", opt_sizes, NULL };
  gchar **envp, *reason = NULL, *ld;
  JsonObject *obj;
  JsonArray *arr;
  guint i;

  if (!*preload || !g_file_test (preload, G_FILE_TEST_IS_REGULAR))
    return g_strdup ("the allocation-counting preload was not built "
        "(sanitizer build?)");

  envp = g_get_environ ();
  ld = g_environ_getenv (envp, "LD_PRELOAD") ?
      g_strdup_printf ("%s:%s", preload, g_environ_getenv (envp,
          "LD_PRELOAD")) : g_strdup (preload);
  envp = g_environ_setenv (envp, "LD_PRELOAD", ld, TRUE);
  envp = g_environ_setenv (envp, "G_SLICE", "always-malloc", TRUE);
  g_free (ld);
  obj = run_child (args, envp, &reason);
  g_strfreev (envp);
  if (!obj)
    return reason;

  arr = json_object_get_array_member (obj, "allocs");
  for (i = 0; arr && i < json_array_get_length (arr) && i < n_runs; i++)
    runs[i].allocs = json_object_ref (json_array_get_object_element (arr, i));
  json_object_unref (obj);
  return NULL;
}

typedef struct
{
  gboolean available;
  gchar *skip_reason;
  guint64 e2ee_kib;             /* what the streams added */
  guint64 identity_kib;
} Rss;

static void
measure_rss (Rss * rss)
{
  gchar streams[16], size[16];
  const gchar *kinds[2] = { "e2ee", "identity" };
  guint64 *out[2] = { &rss->e2ee_kib, &rss->identity_kib };
  guint i;

  g_snprintf (streams, sizeof (streams), "%d", opt_streams);
  g_snprintf (size, sizeof (size), "%d", RSS_SIZE);
  for (i = 0; i < 2; i++) {
    const gchar *args[] = { "--child", "rss", "--rss-kind", kinds[i],
      "--streams", streams, "--sizes", size, NULL
    };
    JsonObject *obj = run_child (args, NULL, &rss->skip_reason);

    if (!obj)
      return;
    *out[i] = json_object_get_int_member (obj, "rss_after_kib")
        - json_object_get_int_member (obj, "rss_before_kib");
    json_object_unref (obj);
  }
  rss->available = TRUE;
}

static gchar *
cpu_model (void)
{
  gchar *info = NULL, *p, *end, *model = NULL;

  if (g_file_get_contents ("/proc/cpuinfo", &info, NULL, NULL)
      && (p = strstr (info, "model name")) && (p = strchr (p, ':'))) {
    end = strchr (p, '\n');
    model = g_strstrip (g_strndup (p + 1, end ? (gsize) (end - p - 1) :
            strlen (p + 1)));
  }
  g_free (info);
  return model ? model : g_strdup ("unknown");
}

static gchar *
loadavg (void)
{
  gchar *s = NULL;

  if (!g_file_get_contents ("/proc/loadavg", &s, NULL, NULL))
    return g_strdup ("unknown");
  return g_strstrip (s);
}

#define NS(run, cfg) ((run)->res[cfg].available ? (run)->res[cfg].cpu_ns : NAN)
#define ROUND(run, cfg, r) \
    g_array_index ((run)->res[cfg].cpu, double, r)

/* ours' throughput as a multiple of @cfg's (> 1: ours is faster), or of
 * limit + floor's: the median over the rounds of the ratio within each
 * round, whose measurements are seconds apart, so that a change of load
 * between rounds does not enter it */
static double
ratio_of (SizeRun * run, BenchCfg cfg, gboolean plus_floor)
{
  Result *ours = &run->res[BENCH_CFG_OURS], *x = &run->res[cfg];
  Result *floor = &run->res[BENCH_CFG_FLOOR];
  GArray *ratios;
  double r;
  guint i;

  if (!ours->available || !x->available || (plus_floor && !floor->available))
    return NAN;
  ratios = g_array_new (FALSE, FALSE, sizeof (double));
  for (i = 0; i < ours->cpu->len && i < x->cpu->len; i++) {
    r = (ROUND (run, cfg, i) + (plus_floor ? ROUND (run, BENCH_CFG_FLOOR,
                i) : 0)) / ROUND (run, BENCH_CFG_OURS, i);
    g_array_append_val (ratios, r);
  }
  r = median (ratios);
  g_array_unref (ratios);
  return r;
}

/* @a's throughput as a multiple of @b's, as ratio_of() computes it: the
 * SFrame rows against their own limits and against JFrame */
static double
ratio_between (SizeRun * run, BenchCfg a, BenchCfg b)
{
  Result *ra = &run->res[a], *rb = &run->res[b];
  GArray *ratios;
  double r;
  guint i;

  if (!ra->available || !rb->available)
    return NAN;
  ratios = g_array_new (FALSE, FALSE, sizeof (double));
  for (i = 0; i < ra->cpu->len && i < rb->cpu->len; i++) {
    r = ROUND (run, b, i) / ROUND (run, a, i);
    g_array_append_val (ratios, r);
  }
  r = median (ratios);
  g_array_unref (ratios);
  return r;
}

static double
ratio_vs (SizeRun * run, BenchCfg cfg)
{
  return ratio_of (run, cfg, FALSE);
}

static double
ratio_vs_floor_adjusted (SizeRun * run)
{
  return ratio_of (run, BENCH_CFG_LIMIT, TRUE);
}

static double
allocs_of (SizeRun * run, BenchCfg cfg)
{
  if (!run->allocs || !json_object_has_member (run->allocs,
          bench_cfg_info[cfg].name)
      || json_object_get_null_member (run->allocs, bench_cfg_info[cfg].name))
    return NAN;
  return json_object_get_double_member (run->allocs, bench_cfg_info[cfg].name);
}

static void
add_number (JsonBuilder * b, const gchar * name, double v)
{
  json_builder_set_member_name (b, name);
  if (isnan (v))
    json_builder_add_null_value (b);
  else
    json_builder_add_double_value (b, v);
}

/* "holds" is true, false, or null when a measurement is missing */
typedef struct
{
  const gchar *name;
  gint holds;
  gchar *detail;
} Target;

static void
check_target (GArray * targets, const gchar * name, gboolean known,
    gboolean holds, gchar * detail)
{
  Target t = { name, known ? (holds ? 1 : 0) : -1, detail };

  g_array_append_val (targets, t);
}

static GArray *
evaluate_targets (SizeRun * runs, guint n)
{
  GArray *targets = g_array_new (FALSE, FALSE, sizeof (Target));
  GString *d;
  gboolean known, holds;
  guint i;

  d = g_string_new (NULL);
  known = FALSE;
  holds = TRUE;
  for (i = 0; i < n; i++) {
    double r = ratio_vs (&runs[i], BENCH_CFG_LIMIT);

    if (runs[i].bs.size < 10000 || isnan (r))
      continue;
    known = TRUE;
    holds &= r >= 0.8;
    g_string_append_printf (d, "%s%" G_GSIZE_FORMAT " B: %.2f", d->len ?
        ", " : "", runs[i].bs.size, r);
  }
  check_target (targets, "ours >= 0.8 x limit at 10 kB and 100 kB", known,
      holds, g_string_free (d, FALSE));

  d = g_string_new (NULL);
  known = FALSE;
  holds = TRUE;
  for (i = 0; i < n; i++) {
    double a = ratio_vs (&runs[i], BENCH_CFG_SRTP_ICM);
    double b = ratio_vs (&runs[i], BENCH_CFG_SRTP_GCM);

    if (isnan (a) && isnan (b))
      continue;
    known = TRUE;
    holds &= (isnan (a) || a >= 1.0) && (isnan (b) || b >= 1.0);
    g_string_append_printf (d, "%s%" G_GSIZE_FORMAT " B: %.2f (ICM), %.2f "
        "(GCM)", d->len ? "; " : "", runs[i].bs.size, a, b);
  }
  check_target (targets, "ours >= srtpenc ! srtpdec, every size", known,
      holds, g_string_free (d, FALSE));

  d = g_string_new (NULL);
  known = FALSE;
  holds = TRUE;
  for (i = 0; i < n; i++) {
    double r = ratio_vs (&runs[i], BENCH_CFG_WEBCRYPTO);

    if (isnan (r))
      continue;
    known = TRUE;
    holds &= r >= 10.0;
    g_string_append_printf (d, "%s%" G_GSIZE_FORMAT " B: %.1f", d->len ?
        ", " : "", runs[i].bs.size, r);
  }
  check_target (targets, "ours >= 10 x WebCrypto, every size", known, holds,
      g_string_free (d, FALSE));

  d = g_string_new (NULL);
  known = FALSE;
  holds = TRUE;
  for (i = 0; i < n; i++) {
    double none = allocs_of (&runs[i], BENCH_CFG_NONE);
    double enc = allocs_of (&runs[i], BENCH_CFG_ENC) - none;
    double dec = allocs_of (&runs[i], BENCH_CFG_DEC) - none;
    double depay = allocs_of (&runs[i], BENCH_CFG_DEC_DEPAY) - none;
    double dec2 = allocs_of (&runs[i], BENCH_CFG_OURS) -
        allocs_of (&runs[i], BENCH_CFG_ENC);

    if (isnan (enc) || isnan (dec) || isnan (depay))
      continue;
    known = TRUE;
    holds &= enc <= 1.0 && dec <= 0.0 && depay <= 0.0;
    g_string_append_printf (d, "%s%" G_GSIZE_FORMAT " B: enc %.2f, dec %.2f "
        "on a writable frame, %.2f on a depayloader's sub-buffer, %.2f on "
        "e2eeenc's output", d->len ? "; " : "", runs[i].bs.size, enc, dec,
        depay, dec2);
  }
  check_target (targets, "allocations per frame: e2eedec 0, e2eeenc <= 1",
      known, holds, g_string_free (d, FALSE));
  return targets;
}

static void
print_table (SizeRun * runs, guint n, const Rss * rss, GArray * targets)
{
  guint i, j;

  g_print ("%-8s %-28s %12s %10s %12s %7s\n", "size", "configuration",
      "frames/s", "MB/s", "CPU ns/frame", "IQR");
  for (i = 0; i < n; i++) {
    SizeRun *run = &runs[i];

    for (j = 0; j < N_TIMED; j++) {
      BenchCfg cfg = timed_cfgs[j];
      Result *res = &run->res[cfg];
      gchar size[16] = "";

      if (j == 0)
        g_snprintf (size, sizeof (size), "%" G_GSIZE_FORMAT " B", run->bs.size);
      if (!res->available) {
        g_print ("%-8s %-28s skipped: %s\n", size, bench_cfg_info[cfg].label,
            res->skip_reason ? res->skip_reason : "?");
        continue;
      }
      g_print ("%-8s %-28s %12.0f %10.1f %12.0f %6.0f%%\n", size,
          bench_cfg_info[cfg].label, 1e9 / res->cpu_ns,
          run->bs.size * 1e3 / res->cpu_ns, res->cpu_ns, res->iqr * 100);
    }
    g_print ("%-8s ours/limit %.2f, ours/(limit+floor) %.2f, ours/srtp-icm "
        "%.2f, ours/srtp-gcm %.2f, ours/webcrypto %.1f\n", "",
        ratio_vs (run, BENCH_CFG_LIMIT), ratio_vs_floor_adjusted (run),
        ratio_vs (run, BENCH_CFG_SRTP_ICM), ratio_vs (run, BENCH_CFG_SRTP_GCM),
        ratio_vs (run, BENCH_CFG_WEBCRYPTO));
    g_print ("%-8s sframe-gcm/limit %.2f, sframe-ctr-hmac/limit-ctr-hmac "
        "%.2f, sframe-gcm/ours %.2f, sframe-ctr-hmac/ours %.2f\n", "",
        ratio_between (run, BENCH_CFG_SFRAME_GCM, BENCH_CFG_LIMIT),
        ratio_between (run, BENCH_CFG_SFRAME_CTR_HMAC,
            BENCH_CFG_LIMIT_CTR_HMAC),
        ratio_between (run, BENCH_CFG_SFRAME_GCM, BENCH_CFG_OURS),
        ratio_between (run, BENCH_CFG_SFRAME_CTR_HMAC, BENCH_CFG_OURS));
    if (run->allocs) {
      double none = allocs_of (run, BENCH_CFG_NONE);

      g_print ("%-8s allocations/frame: e2eeenc %.2f, e2eedec %.2f (%.2f on "
          "a depayloader's, %.2f on e2eeenc's output), e2eeenc ! e2eedec "
          "%.2f, identity x2 %.2f, srtp %.2f / %.2f\n", "",
          allocs_of (run, BENCH_CFG_ENC) - none,
          allocs_of (run, BENCH_CFG_DEC) - none,
          allocs_of (run, BENCH_CFG_DEC_DEPAY) - none,
          allocs_of (run, BENCH_CFG_OURS) - allocs_of (run, BENCH_CFG_ENC),
          allocs_of (run, BENCH_CFG_OURS) - none,
          allocs_of (run, BENCH_CFG_FLOOR) - none,
          allocs_of (run, BENCH_CFG_SRTP_ICM) - none,
          allocs_of (run, BENCH_CFG_SRTP_GCM) - none);
    }
  }
  if (rss->available)
    g_print ("memory: %d streams (e2eeenc ! e2eedec each) add %"
        G_GUINT64_FORMAT " KiB resident, identity x2 %" G_GUINT64_FORMAT
        " KiB: %.1f KiB per stream for e2ee\n", opt_streams, rss->e2ee_kib,
        rss->identity_kib,
        ((double) rss->e2ee_kib - (double) rss->identity_kib) / opt_streams);
  else
    g_print ("memory: skipped: %s\n", rss->skip_reason);
  for (i = 0; i < targets->len; i++) {
    Target *t = &g_array_index (targets, Target, i);

    g_print ("target %s: %s (%s)\n", t->name, t->holds < 0 ? "not measured" :
        t->holds ? "holds" : "DOES NOT HOLD", t->detail);
  }
}

static void
add_result (JsonBuilder * b, const BenchSize * bs, const Result * res)
{
  guint i;

  if (!res->available) {
    json_builder_add_null_value (b);
    return;
  }
  json_builder_begin_object (b);
  add_number (b, "frames_per_s", 1e9 / res->cpu_ns);
  add_number (b, "mb_per_s", bs->size * 1e3 / res->cpu_ns);
  add_number (b, "cpu_ns_per_frame", res->cpu_ns);
  add_number (b, "wall_ns_per_frame", res->wall_ns);
  add_number (b, "min_cpu_ns_per_frame", res->min_cpu_ns);
  add_number (b, "iqr", res->iqr);
  json_builder_set_member_name (b, "rounds_cpu_ns_per_frame");
  json_builder_begin_array (b);
  for (i = 0; i < res->cpu->len; i++)
    json_builder_add_double_value (b, g_array_index (res->cpu, double, i));
  json_builder_end_array (b);
  json_builder_end_object (b);
}

static gchar *
make_json (SizeRun * runs, guint n, const Rss * rss, BenchNode * node,
    const gchar * node_skip, const gchar * allocs_skip, GArray * targets,
    const gchar * load_start)
{
  JsonBuilder *b = json_builder_new ();
  JsonGenerator *gen;
  JsonNode *root;
  gchar *s, *cpu = cpu_model (), *load = loadavg ();
  guint i, j;

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "bench");
  json_builder_add_string_value (b, "gst-e2ee tools/bench");
  json_builder_set_member_name (b, "version");
  json_builder_add_string_value (b, VERSION);

  json_builder_set_member_name (b, "method");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "statistic");
  json_builder_add_string_value (b, "median over rounds");
  json_builder_set_member_name (b, "rounds");
  json_builder_add_int_value (b, opt_rounds);
  json_builder_set_member_name (b, "clock");
  json_builder_add_string_value (b, "CPU time of the pushing thread "
      "(CLOCK_THREAD_CPUTIME_ID); webcrypto: CPU time of the node process");
  json_builder_set_member_name (b, "ratios");
  json_builder_add_string_value (b, "ours_vs_X = CPU time per frame of X / "
      "CPU time per frame of ours (ours' throughput as a multiple of X's), "
      "the median over the rounds of the ratio within each round; "
      "floor-adjusted limit = limit + floor; iqr = interquartile range / "
      "median");
  json_builder_set_member_name (b, "build");
  json_builder_add_string_value (b, BENCH_BUILD_TYPE);
  json_builder_end_object (b);

  json_builder_set_member_name (b, "machine");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "cpu");
  json_builder_add_string_value (b, cpu);
  json_builder_set_member_name (b, "cores");
  json_builder_add_int_value (b, g_get_num_processors ());
  json_builder_set_member_name (b, "loadavg_start");
  json_builder_add_string_value (b, load_start);
  json_builder_set_member_name (b, "loadavg_end");
  json_builder_add_string_value (b, load);
  json_builder_set_member_name (b, "openssl");
  json_builder_add_string_value (b, OpenSSL_version (OPENSSL_VERSION));
  s = gst_version_string ();
  json_builder_set_member_name (b, "gstreamer");
  json_builder_add_string_value (b, s);
  g_free (s);
  json_builder_end_object (b);

  json_builder_set_member_name (b, "webcrypto");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "available");
  json_builder_add_boolean_value (b, node != NULL);
  json_builder_set_member_name (b, "node");
  if (node)
    json_builder_add_string_value (b, bench_node_get_version (node));
  else
    json_builder_add_null_value (b);
  json_builder_set_member_name (b, "decrypts_e2eeenc_frames");
  if (node)
    json_builder_add_boolean_value (b, bench_node_get_interop (node));
  else
    json_builder_add_null_value (b);
  json_builder_set_member_name (b, "skip_reason");
  if (node_skip)
    json_builder_add_string_value (b, node_skip);
  else
    json_builder_add_null_value (b);
  json_builder_end_object (b);

  json_builder_set_member_name (b, "sizes");
  json_builder_begin_array (b);
  for (i = 0; i < n; i++) {
    SizeRun *run = &runs[i];
    double none = allocs_of (run, BENCH_CFG_NONE);

    json_builder_begin_object (b);
    json_builder_set_member_name (b, "size");
    json_builder_add_int_value (b, run->bs.size);
    json_builder_set_member_name (b, "codec");
    json_builder_add_string_value (b, run->bs.audio ? "opus" : "vp8-delta");
    json_builder_set_member_name (b, "clear_bytes");
    json_builder_add_int_value (b, run->bs.clear_len);
    json_builder_set_member_name (b, "frames");
    json_builder_add_int_value (b, run->bs.frames);
    json_builder_set_member_name (b, "webcrypto_frames");
    json_builder_add_int_value (b, frames_for (BENCH_CFG_WEBCRYPTO, &run->bs));

    json_builder_set_member_name (b, "results");
    json_builder_begin_object (b);
    for (j = 0; j < N_TIMED; j++) {
      json_builder_set_member_name (b, bench_cfg_info[timed_cfgs[j]].name);
      add_result (b, &run->bs, &run->res[timed_cfgs[j]]);
    }
    json_builder_end_object (b);

    add_number (b, "floor_adjusted_limit_ns_per_frame",
        NS (run, BENCH_CFG_LIMIT) + NS (run, BENCH_CFG_FLOOR));
    json_builder_set_member_name (b, "ratios");
    json_builder_begin_object (b);
    add_number (b, "ours_vs_limit", ratio_vs (run, BENCH_CFG_LIMIT));
    add_number (b, "ours_vs_floor_adjusted_limit",
        ratio_vs_floor_adjusted (run));
    add_number (b, "ours_vs_srtp_icm_hmac", ratio_vs (run, BENCH_CFG_SRTP_ICM));
    add_number (b, "ours_vs_srtp_gcm", ratio_vs (run, BENCH_CFG_SRTP_GCM));
    add_number (b, "ours_vs_webcrypto", ratio_vs (run, BENCH_CFG_WEBCRYPTO));
    add_number (b, "sframe_gcm_vs_limit", ratio_between (run,
            BENCH_CFG_SFRAME_GCM, BENCH_CFG_LIMIT));
    add_number (b, "sframe_ctr_hmac_vs_limit_ctr_hmac", ratio_between (run,
            BENCH_CFG_SFRAME_CTR_HMAC, BENCH_CFG_LIMIT_CTR_HMAC));
    add_number (b, "sframe_gcm_vs_ours", ratio_between (run,
            BENCH_CFG_SFRAME_GCM, BENCH_CFG_OURS));
    add_number (b, "sframe_ctr_hmac_vs_ours", ratio_between (run,
            BENCH_CFG_SFRAME_CTR_HMAC, BENCH_CFG_OURS));
    json_builder_end_object (b);

    /* what the elements allocate, the driver's own (0) taken off */
    json_builder_set_member_name (b, "allocs_per_frame");
    if (run->allocs) {
      json_builder_begin_object (b);
      add_number (b, "e2eeenc", allocs_of (run, BENCH_CFG_ENC) - none);
      add_number (b, "e2eedec", allocs_of (run, BENCH_CFG_DEC) - none);
      add_number (b, "e2eedec_after_depayloader", allocs_of (run,
              BENCH_CFG_DEC_DEPAY) - none);
      add_number (b, "e2eeenc_e2eedec", allocs_of (run, BENCH_CFG_OURS) - none);
      /* e2eedec on e2eeenc's output (frame and trailer in two memories)
       * rather than on one memory as from a depayloader */
      add_number (b, "e2eedec_after_e2eeenc", allocs_of (run, BENCH_CFG_OURS)
          - allocs_of (run, BENCH_CFG_ENC));
      add_number (b, "identity", allocs_of (run, BENCH_CFG_FLOOR1) - none);
      add_number (b, "identity_identity", allocs_of (run, BENCH_CFG_FLOOR) -
          none);
      add_number (b, "srtp_icm_hmac", allocs_of (run, BENCH_CFG_SRTP_ICM) -
          none);
      add_number (b, "srtp_gcm", allocs_of (run, BENCH_CFG_SRTP_GCM) - none);
      add_number (b, "driver", none);
      json_builder_end_object (b);
    } else {
      json_builder_add_null_value (b);
    }
    json_builder_end_object (b);
  }
  json_builder_end_array (b);

  json_builder_set_member_name (b, "allocs_skip_reason");
  if (allocs_skip)
    json_builder_add_string_value (b, allocs_skip);
  else
    json_builder_add_null_value (b);

  json_builder_set_member_name (b, "rss");
  if (rss->available) {
    json_builder_begin_object (b);
    json_builder_set_member_name (b, "streams");
    json_builder_add_int_value (b, opt_streams);
    json_builder_set_member_name (b, "frame_size");
    json_builder_add_int_value (b, RSS_SIZE);
    json_builder_set_member_name (b, "e2ee_kib");
    json_builder_add_int_value (b, rss->e2ee_kib);
    json_builder_set_member_name (b, "identity_kib");
    json_builder_add_int_value (b, rss->identity_kib);
    add_number (b, "e2ee_minus_identity_kib",
        (double) rss->e2ee_kib - (double) rss->identity_kib);
    add_number (b, "per_stream_kib",
        ((double) rss->e2ee_kib - (double) rss->identity_kib) / opt_streams);
    json_builder_end_object (b);
  } else {
    json_builder_begin_object (b);
    json_builder_set_member_name (b, "skip_reason");
    json_builder_add_string_value (b, rss->skip_reason ? rss->skip_reason :
        "skipped");
    json_builder_end_object (b);
  }

  json_builder_set_member_name (b, "targets");
  json_builder_begin_array (b);
  for (i = 0; i < targets->len; i++) {
    Target *t = &g_array_index (targets, Target, i);

    json_builder_begin_object (b);
    json_builder_set_member_name (b, "name");
    json_builder_add_string_value (b, t->name);
    json_builder_set_member_name (b, "holds");
    if (t->holds < 0)
      json_builder_add_null_value (b);
    else
      json_builder_add_boolean_value (b, t->holds);
    json_builder_set_member_name (b, "detail");
    json_builder_add_string_value (b, t->detail);
    json_builder_end_object (b);
  }
  json_builder_end_array (b);
  json_builder_end_object (b);

  root = json_builder_get_root (b);
  gen = json_generator_new ();
  json_generator_set_pretty (gen, TRUE);
  json_generator_set_root (gen, root);
  s = json_generator_to_data (gen, NULL);
  json_node_unref (root);
  g_object_unref (gen);
  g_object_unref (b);
  g_free (cpu);
  g_free (load);
  return s;
}

static int
run_benchmark (SizeRun * runs, guint n, const guint8 * material)
{
  BenchNode *node = NULL;
  gchar *node_skip = NULL, *allocs_skip = NULL, *json, *load_start;
  Rss rss = { 0, };
  GArray *targets;
  guint r, i, j;
  int status = 0;

  load_start = loadavg ();
  if (opt_no_webcrypto || !selected (BENCH_CFG_WEBCRYPTO)) {
    node_skip = g_strdup (opt_no_webcrypto ? "--no-webcrypto" :
        "not in --configs");
  } else {
    BenchSize *sizes = g_new0 (BenchSize, n);

    for (i = 0; i < n; i++)
      sizes[i] = runs[i].bs;
    node = bench_node_new (opt_script ? opt_script : BENCH_SOURCE_DIR
        "/bench-webcrypto.mjs", sizes, n, material, &node_skip);
    g_free (sizes);
    if (!node)
      g_printerr ("bench: skipping webcrypto: %s\n", node_skip);
  }

  for (i = 0; i < n; i++)
    if (!prepare (&runs[i], node, node_skip, material))
      return 1;

  for (r = 0; r < (guint) opt_rounds; r++) {
    for (i = 0; i < n; i++) {
      SizeRun *run = &runs[(i + r) % n];

      for (j = 0; j < N_TIMED; j++)
        if (!measure (run, (i + r) % n, timed_cfgs[(j + r) % N_TIMED], node))
          return 1;
    }
  }
  for (i = 0; i < n; i++)
    for (j = 0; j < N_TIMED; j++) {
      Result *res = &runs[i].res[timed_cfgs[j]];

      if (!res->available)
        continue;
      res->cpu_ns = median (res->cpu);
      res->wall_ns = median (res->wall);
      res->min_cpu_ns = quantile (res->cpu, 0.0);
      res->iqr = (quantile (res->cpu, 0.75) - quantile (res->cpu, 0.25)) /
          res->cpu_ns;
    }

  if (opt_no_allocs)
    allocs_skip = g_strdup ("--no-allocs");
  else
    allocs_skip = count_allocs (runs, n);
  if (opt_no_rss)
    rss.skip_reason = g_strdup ("--no-rss");
  else
    measure_rss (&rss);

  targets = evaluate_targets (runs, n);
  print_table (runs, n, &rss, targets);
  json = make_json (runs, n, &rss, node, node_skip, allocs_skip, targets,
      load_start);
  g_print ("%s\n", json);
  if (opt_json && !g_file_set_contents (opt_json, json, -1, NULL)) {
    g_printerr ("bench: could not write %s\n", opt_json);
    status = 1;
  }

  for (i = 0; i < targets->len; i++)
    g_free (g_array_index (targets, Target, i).detail);
  g_array_unref (targets);
  g_free (json);
  g_free (rss.skip_reason);
  g_free (allocs_skip);
  g_free (node_skip);
  g_free (load_start);
  bench_node_free (node);
  return status;
}

int
main (int argc, char **argv)
{
  GOptionContext *ctx;
  GError *err = NULL;
  const gchar *plugin_dir;
  SizeRun *runs = NULL;
  guint n_runs = 0, i;
  guint8 material[BENCH_MATERIAL_SIZE];
  int status;

  /* a helper that dies must not take the benchmark with it */
  signal (SIGPIPE, SIG_IGN);

  ctx = g_option_context_new ("- cost per frame of e2eeenc ! e2eedec");
  g_option_context_set_summary (ctx, "Measures e2eeenc ! e2eedec against "
      "OpenSSL's AES-GCM, GStreamer's per-buffer floor, srtpenc ! srtpdec "
      "and WebCrypto; prints a table and a JSON object.");
  g_option_context_add_main_entries (ctx, entries, NULL);
  if (!g_option_context_parse (ctx, &argc, &argv, &err)) {
    g_printerr ("bench: %s\n", err->message);
    return 2;
  }
  g_option_context_free (ctx);
  if (!opt_sizes)
    opt_sizes = g_strdup (DEFAULT_SIZES);
  if (opt_rounds < 1 || opt_streams < 1 || opt_frames < 0) {
    g_printerr ("bench: --rounds and --streams must be at least 1\n");
    return 2;
  }

  plugin_dir = opt_plugin_dir ? opt_plugin_dir : BENCH_PLUGIN_DIR;
  setup_environment (plugin_dir);
  gst_init (NULL, NULL);
  if (!check_plugin (plugin_dir))
    return 1;
  if (g_getenv ("GST_DEBUG") && !opt_child)
    g_printerr ("bench: GST_DEBUG is set: timings include logging\n");

  if (RAND_bytes (material, sizeof (material)) != 1)
    g_error ("bench: RAND_bytes failed");
  if (!make_sizes (opt_sizes, &runs, &n_runs))
    return 2;

  if (g_strcmp0 (opt_child, "rss") == 0) {
    status = bench_child_rss (&runs[0].bs, material,
        opt_rss_kind ? opt_rss_kind : "e2ee", opt_streams,
        opt_frames > 0 ? (guint) opt_frames : RSS_FRAMES);
    goto out;
  }

  for (i = 0; i < n_runs; i++) {
    if (!bench_encrypt_jframes (&runs[i].bs, material, &err)) {
      g_printerr ("bench: %s\n", err->message);
      g_clear_error (&err);
      status = 1;
      goto out;
    }
  }

  if (g_strcmp0 (opt_child, "allocs") == 0) {
    BenchSize *sizes = g_new0 (BenchSize, n_runs);

    for (i = 0; i < n_runs; i++)
      sizes[i] = runs[i].bs;
    status = bench_child_allocs (sizes, n_runs, material);
    g_free (sizes);
    goto out;
  }
  if (opt_child) {
    g_printerr ("bench: unknown --child %s\n", opt_child);
    status = 2;
    goto out;
  }

  /* Keep glibc from giving the heap back to the kernel after every batch
   * and taking it again in the next: each round trip costs page faults
   * (microseconds each in a VM), lands on whichever configuration happens
   * to free or allocate at the top of the heap, and made the same
   * measurement vary tenfold. Allocations still cost what malloc and free
   * cost; the allocation counts are taken (in a child) with the defaults. */
  mallopt (M_TRIM_THRESHOLD, 256 * 1024 * 1024);
  mallopt (M_MMAP_THRESHOLD, 32 * 1024 * 1024);

  status = run_benchmark (runs, n_runs, material);

out:
  memset (material, 0, sizeof (material));
  free_sizes (runs, n_runs);
  gst_deinit ();
  return status;
}
