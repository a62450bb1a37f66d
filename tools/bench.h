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


/* Shared by the parts of tools/bench: the frames, the configurations that
 * are measured and the way a measurement is taken. See docs/performance.md
 * for what the numbers mean. */

#ifndef __E2EE_BENCH_H__
#define __E2EE_BENCH_H__

#include <gst/gst.h>

G_BEGIN_DECLS
/* distinct payloads per size, used in turn */
#define BENCH_PAYLOADS 4
#define BENCH_MATERIAL_SIZE 32
#define BENCH_JFRAME_TRAILER 30
#define BENCH_RTP_HEADER 12
/* One frame size: BENCH_PAYLOADS random frames of @size bytes, the clear
 * header their codec keeps (1 byte of Opus, 3 of a VP8 delta frame), and
 * the same frames as e2eeenc encrypted them (for e2eedec alone). */
    typedef struct
{
  gsize size;
  guint frames;
  gboolean audio;
  gsize clear_len;
  const gchar *caps;
  guint8 *payload[BENCH_PAYLOADS];
  guint8 *jframe[BENCH_PAYLOADS];
} BenchSize;

/* What a configuration puts between the source pad and the sink pad. */
typedef enum
{
  BENCH_CFG_LIMIT,              /* no GStreamer: OpenSSL seal then open */
  BENCH_CFG_FLOOR,              /* identity ! identity */
  BENCH_CFG_OURS,               /* e2eeenc ! e2eedec */
  BENCH_CFG_SRTP_ICM,           /* srtpenc ! srtpdec, AES-128-ICM + HMAC-SHA1-80 */
  BENCH_CFG_SRTP_GCM,           /* srtpenc ! srtpdec, AES-128-GCM */
  BENCH_CFG_WEBCRYPTO,          /* Node.js, outside this process */
  BENCH_CFG_FLOOR1,             /* identity */
  BENCH_CFG_ENC,                /* e2eeenc alone */
  BENCH_CFG_DEC,                /* e2eedec alone, on JFrames in one memory */
  BENCH_CFG_DEC_DEPAY,          /* e2eedec alone, on a depayloader's output */
  BENCH_CFG_SFRAME_GCM,         /* e2eeenc ! e2eedec, format=sframe, suite 4 */
  BENCH_CFG_SFRAME_CTR_HMAC,    /* e2eeenc ! e2eedec, format=sframe, suite 1 */
  BENCH_CFG_LIMIT_CTR_HMAC,     /* no GStreamer: OpenSSL AES-128-CTR + HMAC */
  BENCH_CFG_NONE,               /* source pad linked to sink pad */
  BENCH_N_CFGS
} BenchCfg;

typedef struct
{
  const gchar *name;            /* JSON key */
  const gchar *label;           /* table */
} BenchCfgInfo;

extern const BenchCfgInfo bench_cfg_info[BENCH_N_CFGS];

typedef struct _BenchChain BenchChain;

/* bench-chain.c: a configuration as a pipeline driven from this thread */
BenchChain *bench_chain_new (BenchCfg cfg, const BenchSize * bs,
    const guint8 * material, GError ** error);
void bench_chain_free (BenchChain * chain);
gboolean bench_chain_verify (BenchChain * chain, GError ** error);
gboolean bench_chain_run (BenchChain * chain, guint frames,
    void (*armed) (gboolean on), guint64 * cpu_ns, guint64 * wall_ns,
    GError ** error);
gboolean bench_encrypt_jframes (BenchSize * bs, const guint8 * material,
    GError ** error);

/* bench-limit.c: OpenSSL's AES-128-GCM, the same call sequence as the
 * elements but nothing else; or (@ctr_hmac) AES-128-CTR and HMAC-SHA256,
 * SFrame suite 1's calls */
typedef struct _BenchLimit BenchLimit;
BenchLimit *bench_limit_new (const BenchSize * bs, gboolean ctr_hmac);
void bench_limit_free (BenchLimit * limit);
gboolean bench_limit_run (BenchLimit * limit, guint frames, guint64 * cpu_ns,
    guint64 * wall_ns);

/* bench-webcrypto.c: the Node.js helper */
typedef struct _BenchNode BenchNode;
BenchNode *bench_node_new (const gchar * script, BenchSize * sizes,
    guint n_sizes, const guint8 * material, gchar ** skip_reason);
void bench_node_free (BenchNode * node);
gboolean bench_node_run (BenchNode * node, guint size_index, guint frames,
    guint64 * cpu_ns, guint64 * wall_ns, GError ** error);
const gchar *bench_node_get_version (BenchNode * node);
gboolean bench_node_get_interop (BenchNode * node);

/* bench-child.c: what runs in a child process */
int bench_child_allocs (BenchSize * sizes, guint n_sizes,
    const guint8 * material);
int bench_child_rss (const BenchSize * bs, const guint8 * material,
    const gchar * kind, guint streams, guint frames);

/* bench.c: the clocks */
guint64 bench_thread_cpu_ns (void);
guint64 bench_wall_ns (void);

G_END_DECLS

#endif /* __E2EE_BENCH_H__ */
