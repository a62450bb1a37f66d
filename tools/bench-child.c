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


/* The parts of tools/bench that run in a child process of their own, each
 * printing one JSON object on stdout:
 *
 * - allocs: heap allocations per frame in steady state, counted by
 *   bench-malloc-count (LD_PRELOAD) only while the frames are pushed, with
 *   G_SLICE=always-malloc so that GLib's slices count as well;
 * - rss: the resident memory that streams add to a process that already
 *   ran one (so code, OpenSSL's tables and GStreamer's caches are in). */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "bench.h"

#include <dlfcn.h>
#include <stdio.h>
#include <string.h>

#define ALLOC_FRAMES_MAX 1000
#define ALLOC_WARMUP 100

static const BenchCfg alloc_cfgs[] = {
  BENCH_CFG_NONE, BENCH_CFG_FLOOR1, BENCH_CFG_FLOOR, BENCH_CFG_ENC,
  BENCH_CFG_DEC, BENCH_CFG_DEC_DEPAY, BENCH_CFG_OURS, BENCH_CFG_SRTP_ICM,
  BENCH_CFG_SRTP_GCM, BENCH_CFG_SFRAME_GCM, BENCH_CFG_SFRAME_CTR_HMAC,
};

static void (*count_arm) (int on);
static unsigned long (*count_get) (void);

static void
armed (gboolean on)
{
  count_arm (on);
}

int
bench_child_allocs (BenchSize * sizes, guint n_sizes, const guint8 * material)
{
  guint i, j;
  GString *out = g_string_new ("{\"allocs\":[");

  count_arm = (void (*)(int)) dlsym (RTLD_DEFAULT, "bench_malloc_count_arm");
  count_get = (unsigned long (*)(void)) dlsym (RTLD_DEFAULT,
      "bench_malloc_count_get");
  if (!count_arm || !count_get) {
    g_printerr ("bench: allocation counting needs bench-malloc-count "
        "in LD_PRELOAD\n");
    return 2;
  }

  for (i = 0; i < n_sizes; i++) {
    BenchSize *bs = &sizes[i];
    guint frames = MIN (bs->frames, ALLOC_FRAMES_MAX);
    GError *err = NULL;

    g_string_append_printf (out, "%s{\"size\":%" G_GSIZE_FORMAT,
        i ? "," : "", bs->size);
    for (j = 0; j < G_N_ELEMENTS (alloc_cfgs); j++) {
      BenchCfg cfg = alloc_cfgs[j];
      BenchChain *c = bench_chain_new (cfg, bs, material, &err);
      guint64 cpu, wall;
      unsigned long before;

      if (!c || !bench_chain_verify (c, &err)
          || !bench_chain_run (c, ALLOC_WARMUP, NULL, &cpu, &wall, &err)) {
        /* srtp may be missing: say so, go on */
        g_printerr ("bench: allocs: %s\n", err->message);
        g_clear_error (&err);
        g_string_append_printf (out, ",\"%s\":null", bench_cfg_info[cfg].name);
        if (c)
          bench_chain_free (c);
        continue;
      }
      before = count_get ();
      if (!bench_chain_run (c, frames, armed, &cpu, &wall, &err)) {
        g_printerr ("bench: allocs: %s\n", err->message);
        return 1;
      }
      g_string_append_printf (out, ",\"%s\":%.3f", bench_cfg_info[cfg].name,
          (double) (count_get () - before) / frames);
      bench_chain_free (c);
    }
    g_string_append_printf (out, ",\"frames\":%u}", frames);
  }
  g_string_append (out, "]}\n");
  fputs (out->str, stdout);
  g_string_free (out, TRUE);
  return 0;
}

static guint64
vm_rss_kib (void)
{
  gchar *status = NULL, *p;
  guint64 kib = 0;

  if (g_file_get_contents ("/proc/self/status", &status, NULL, NULL)
      && (p = strstr (status, "VmRSS:")))
    kib = g_ascii_strtoull (p + strlen ("VmRSS:"), NULL, 10);
  g_free (status);
  return kib;
}

int
bench_child_rss (const BenchSize * bs, const guint8 * material,
    const gchar * kind, guint streams, guint frames)
{
  BenchCfg cfg = g_str_equal (kind, "e2ee") ? BENCH_CFG_OURS : BENCH_CFG_FLOOR;
  BenchChain **chains = g_new0 (BenchChain *, streams + 1);
  guint64 before = 0, after, cpu, wall;
  GError *err = NULL;
  guint i;

  for (i = 0; i <= streams; i++) {
    chains[i] = bench_chain_new (cfg, bs, material, &err);
    if (!chains[i] || !bench_chain_run (chains[i], frames, NULL, &cpu, &wall,
            &err)) {
      g_printerr ("bench: rss: %s\n", err->message);
      return 1;
    }
    if (i == 0)
      before = vm_rss_kib ();
  }
  after = vm_rss_kib ();

  g_print ("{\"kind\":\"%s\",\"streams\":%u,\"frames\":%u,"
      "\"rss_before_kib\":%" G_GUINT64_FORMAT ",\"rss_after_kib\":%"
      G_GUINT64_FORMAT "}\n", kind, streams, frames, before, after);

  for (i = 0; i <= streams; i++)
    bench_chain_free (chains[i]);
  g_free (chains);
  return 0;
}
