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
 * checked: the calls gst_e2ee_key_seal() and gst_e2ee_key_open() make.
 * SFrame's AES-128-GCM suite makes the same calls over the whole frame, with
 * its header (a few bytes) as AAD: the same limit serves it.
 *
 * The CTR+HMAC limit is SFrame suite 1's cryptography and nothing else:
 * AES-128-CTR over the frame in place, HMAC-SHA256 over the lengths, nonce,
 * a 9-byte header as AAD and the ciphertext, truncated to 10 bytes; then
 * the HMAC recomputed, compared in constant time, and the frame decrypted.
 * One cipher and one HMAC context each way, keyed once. */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "bench.h"

#include <string.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#define TAG_SIZE 16
#define IV_SIZE 12
#define CTR_HMAC_TAG_SIZE 10
#define SFRAME_HEADER_SIZE 9

struct _BenchLimit
{
  const BenchSize *bs;
  EVP_CIPHER_CTX *ectx;
  EVP_CIPHER_CTX *dctx;
  gboolean ctr_hmac;
  EVP_MAC_CTX *emac;
  EVP_MAC_CTX *dmac;
  guint8 *work[BENCH_PAYLOADS];
  guint64 counter;
  guint next;
};

BenchLimit *
bench_limit_new (const BenchSize * bs, gboolean ctr_hmac)
{
  BenchLimit *l = g_new0 (BenchLimit, 1);
  guint8 key[16 + 32];
  const EVP_CIPHER *cipher = ctr_hmac ? EVP_aes_128_ctr () : EVP_aes_128_gcm ();
  guint i;

  l->bs = bs;
  l->ctr_hmac = ctr_hmac;
  for (i = 0; i < BENCH_PAYLOADS; i++)
    l->work[i] = g_memdup2 (bs->payload[i], bs->size);
  if (RAND_bytes (key, sizeof (key)) != 1)
    g_error ("bench: RAND_bytes failed");
  l->ectx = EVP_CIPHER_CTX_new ();
  l->dctx = EVP_CIPHER_CTX_new ();
  if (!l->ectx || !l->dctx
      || EVP_EncryptInit_ex (l->ectx, cipher, NULL, key, NULL) != 1
      || (ctr_hmac ? EVP_EncryptInit_ex (l->dctx, cipher, NULL, key, NULL) :
          EVP_DecryptInit_ex (l->dctx, cipher, NULL, key, NULL)) != 1)
    g_error ("bench: could not set up %s", ctr_hmac ? "AES-128-CTR" :
        "AES-128-GCM");
  if (ctr_hmac) {
    EVP_MAC *mac = EVP_MAC_fetch (NULL, OSSL_MAC_NAME_HMAC, NULL);
    OSSL_PARAM params[2];

    params[0] = OSSL_PARAM_construct_utf8_string (OSSL_MAC_PARAM_DIGEST,
        (char *) "SHA256", 0);
    params[1] = OSSL_PARAM_construct_end ();
    l->emac = mac ? EVP_MAC_CTX_new (mac) : NULL;
    l->dmac = mac ? EVP_MAC_CTX_new (mac) : NULL;
    if (!l->emac || !l->dmac
        || EVP_MAC_init (l->emac, key + 16, 32, params) != 1
        || EVP_MAC_init (l->dmac, key + 16, 32, params) != 1)
      g_error ("bench: could not set up HMAC-SHA256");
    EVP_MAC_free (mac);
  }
  OPENSSL_cleanse (key, sizeof (key));
  return l;
}

void
bench_limit_free (BenchLimit * l)
{
  guint i;

  EVP_CIPHER_CTX_free (l->ectx);
  EVP_CIPHER_CTX_free (l->dctx);
  EVP_MAC_CTX_free (l->emac);
  EVP_MAC_CTX_free (l->dmac);
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

static gboolean
ctr_hmac_tag (EVP_MAC_CTX * mac, const guint8 * nonce, const guint8 * aad,
    const guint8 * ct, gsize len, guint8 * tag)
{
  guint8 lens[24] = { 0, }, full[32];
  gsize full_len = 0;
  guint i;

  for (i = 0; i < 8; i++) {
    lens[7 - i] = (guint8) ((guint64) SFRAME_HEADER_SIZE >> (8 * i));
    lens[15 - i] = (guint8) ((guint64) len >> (8 * i));
    lens[23 - i] = (guint8) ((guint64) CTR_HMAC_TAG_SIZE >> (8 * i));
  }
  if (EVP_MAC_init (mac, NULL, 0, NULL) != 1
      || EVP_MAC_update (mac, lens, sizeof (lens)) != 1
      || EVP_MAC_update (mac, nonce, IV_SIZE) != 1
      || EVP_MAC_update (mac, aad, SFRAME_HEADER_SIZE) != 1
      || EVP_MAC_update (mac, ct, len) != 1
      || EVP_MAC_final (mac, full, &full_len, sizeof (full)) != 1)
    return FALSE;
  memcpy (tag, full, CTR_HMAC_TAG_SIZE);
  return TRUE;
}

static gboolean
seal_open_ctr_hmac (BenchLimit * l, guint8 * frame)
{
  int len = (int) l->bs->size, outl;
  guint8 iv[16] = { 0, }, header[SFRAME_HEADER_SIZE] = { 0x0f, };
  guint8 tag[CTR_HMAC_TAG_SIZE], check[CTR_HMAC_TAG_SIZE];
  guint64 ctr = l->counter++;
  guint i;

  for (i = 0; i < 8; i++) {
    iv[4 + i] = (guint8) (ctr >> (56 - 8 * i));
    header[1 + i] = iv[4 + i];
  }
  if (EVP_EncryptInit_ex (l->ectx, NULL, NULL, NULL, iv) != 1
      || EVP_EncryptUpdate (l->ectx, frame, &outl, frame, len) != 1
      || !ctr_hmac_tag (l->emac, iv, header, frame, len, tag))
    return FALSE;
  return ctr_hmac_tag (l->dmac, iv, header, frame, len, check)
      && CRYPTO_memcmp (tag, check, sizeof (tag)) == 0
      && EVP_EncryptInit_ex (l->dctx, NULL, NULL, NULL, iv) == 1
      && EVP_EncryptUpdate (l->dctx, frame, &outl, frame, len) == 1;
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
    ok = l->ctr_hmac ? seal_open_ctr_hmac (l, l->work[l->next++ %
            BENCH_PAYLOADS]) : seal_open (l, l->work[l->next++ %
            BENCH_PAYLOADS]);
  *cpu_ns = bench_thread_cpu_ns () - c0;
  *wall_ns = bench_wall_ns () - w0;

  for (i = 0; i < BENCH_PAYLOADS && ok; i++)
    ok = memcmp (l->work[i], l->bs->payload[i], l->bs->size) == 0;
  return ok;
}
