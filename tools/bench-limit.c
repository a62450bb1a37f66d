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


/* The limit: what OpenSSL's EVP interface costs for the cryptography of a
 * JFrame and nothing else. One encryption and one decryption context, keyed
 * once; per frame a new IV, the clear header as AAD, the rest of the frame
 * encrypted in place with its tag, then opened in place and the tag
 * checked: the calls gst_e2ee_key_seal() and gst_e2ee_key_open() make. */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "bench.h"

#include <string.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#define TAG_SIZE 16
#define IV_SIZE 12

struct _BenchLimit
{
  const BenchSize *bs;
  EVP_CIPHER_CTX *ectx;
  EVP_CIPHER_CTX *dctx;
  guint8 *work[BENCH_PAYLOADS];
  guint64 counter;
  guint next;
};

BenchLimit *
bench_limit_new (const BenchSize * bs)
{
  BenchLimit *l = g_new0 (BenchLimit, 1);
  guint8 key[16];
  guint i;

  l->bs = bs;
  for (i = 0; i < BENCH_PAYLOADS; i++)
    l->work[i] = g_memdup2 (bs->payload[i], bs->size);
  if (RAND_bytes (key, sizeof (key)) != 1)
    g_error ("bench: RAND_bytes failed");
  l->ectx = EVP_CIPHER_CTX_new ();
  l->dctx = EVP_CIPHER_CTX_new ();
  if (!l->ectx || !l->dctx
      || EVP_EncryptInit_ex (l->ectx, EVP_aes_128_gcm (), NULL, key,
          NULL) != 1
      || EVP_DecryptInit_ex (l->dctx, EVP_aes_128_gcm (), NULL, key, NULL) != 1)
    g_error ("bench: could not set up AES-128-GCM");
  memset (key, 0, sizeof (key));
  return l;
}

void
bench_limit_free (BenchLimit * l)
{
  guint i;

  EVP_CIPHER_CTX_free (l->ectx);
  EVP_CIPHER_CTX_free (l->dctx);
  for (i = 0; i < BENCH_PAYLOADS; i++)
    g_free (l->work[i]);
  g_free (l);
}

static gboolean
seal_open (BenchLimit * l, guint8 * frame)
{
  const BenchSize *bs = l->bs;
  gsize h = bs->clear_len;
  int len = (int) (bs->size - h), outl;
  guint8 iv[IV_SIZE] = { 0, }, tag[TAG_SIZE];
  guint64 ctr = l->counter++;
  guint i;

  for (i = 0; i < 8; i++)
    iv[4 + i] = (guint8) (ctr >> (56 - 8 * i));

  if (EVP_EncryptInit_ex (l->ectx, NULL, NULL, NULL, iv) != 1
      || EVP_EncryptUpdate (l->ectx, NULL, &outl, frame, (int) h) != 1
      || EVP_EncryptUpdate (l->ectx, frame + h, &outl, frame + h, len) != 1
      || EVP_EncryptFinal_ex (l->ectx, frame + h + len, &outl) != 1
      || EVP_CIPHER_CTX_ctrl (l->ectx, EVP_CTRL_GCM_GET_TAG, TAG_SIZE,
          tag) != 1)
    return FALSE;

  return EVP_DecryptInit_ex (l->dctx, NULL, NULL, NULL, iv) == 1
      && EVP_DecryptUpdate (l->dctx, NULL, &outl, frame, (int) h) == 1
      && EVP_DecryptUpdate (l->dctx, frame + h, &outl, frame + h, len) == 1
      && EVP_CIPHER_CTX_ctrl (l->dctx, EVP_CTRL_GCM_SET_TAG, TAG_SIZE,
      tag) == 1 && EVP_DecryptFinal_ex (l->dctx, frame + h + len, &outl) == 1;
}

/**
 * bench_limit_run:
 *
 * Seals then opens @frames frames, in place, on the same payloads as the
 * pipelines (so the frames are back in clear after each round trip).
 *
 * Returns: %FALSE if a tag did not verify
 */
gboolean
bench_limit_run (BenchLimit * l, guint frames, guint64 * cpu_ns,
    guint64 * wall_ns)
{
  guint64 c0, w0;
  guint i;
  gboolean ok = TRUE;

  w0 = bench_wall_ns ();
  c0 = bench_thread_cpu_ns ();
  for (i = 0; i < frames && ok; i++)
    ok = seal_open (l, l->work[l->next++ % BENCH_PAYLOADS]);
  *cpu_ns = bench_thread_cpu_ns () - c0;
  *wall_ns = bench_wall_ns () - w0;

  for (i = 0; i < BENCH_PAYLOADS && ok; i++)
    ok = memcmp (l->work[i], l->bs->payload[i], l->bs->size) == 0;
  return ok;
}
