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

/**
 * SECTION:gste2eesframe
 * @title: SFrame
 * @short_description: RFC 9605 Secure Frame: header, key schedule, AEAD
 *
 * SFrame (RFC 9605) protects a whole media frame: a header of a config byte,
 * a key identifier (KID) and a counter (CTR), each in minimal big-endian
 * form, is followed by the ciphertext and the authentication tag.
 *
 * |[
 *  +-+-+-+-+-+-+-+-+---------+---------+------------------------+-------+
 *  |X|  K  |Y|  C  |  KID    |  CTR    | ciphertext             | tag   |
 *  +-+-+-+-+-+-+-+-+---------+---------+------------------------+-------+
 *   AAD = header || metadata          nonce = salt XOR CTR
 * ]|
 *
 * A #GstE2eeSFrameContext holds the keys of one sender or one receiver.
 * Each key is derived from a base key as RFC 9605 section 4.4.2 says:
 * sframe_secret = HKDF-Extract ("", base_key), then sframe_key and
 * sframe_salt are HKDF-Expand of it with the labels "SFrame 1.0 Secret key "
 * and "SFrame 1.0 Secret salt " followed by the KID (8 bytes) and the cipher
 * suite (2 bytes), big-endian. The AES-GCM suites go through OpenSSL's EVP
 * AEAD; the AES-CTR+HMAC suites are built as section 4.5.1 says from AES-CTR
 * and a truncated HMAC over the lengths, the nonce, the AAD and the
 * ciphertext, compared in constant time before anything is decrypted.
 *
 * Each key keeps its cipher (and HMAC) contexts keyed once, so sealing and
 * opening a frame with the GCM suites allocate nothing. With the CTR+HMAC
 * suites OpenSSL 3.0 itself allocates twice per tag: re-initialising an
 * HMAC context copies its digest contexts, and 3.0 creates a new algorithm
 * context on every digest (re-)initialisation, through EVP_MAC or
 * EVP_MD alike.
 *
 * Sending CTR: a key that may outlive the process (a static key given on a
 * command line, which the next run will use again) must not start its
 * counter where the previous run started it, so a new sending key starts at
 * a random value below 2^63 from OpenSSL's CSPRNG. That costs header bytes
 * (the CTR then takes 8 bytes instead of 1 to 3) and leaves at least 2^63
 * frames before the counter would wrap; two runs overlap with a probability
 * of about 2 L / 2^63 for runs of L frames. A key known to be fresh (one the
 * key manager just drew at random) may instead start at 0 with
 * gst_e2ee_sframe_context_set_next_ctr(). The counter never wraps: after
 * 2^64-1 the key refuses to seal (%GST_E2EE_FRAME_CTR_EXHAUSTED).
 *
 * Receiving: each KID has a replay window of 64 frames (a bit mask beside
 * the highest CTR accepted). A frame whose CTR was accepted already, or is
 * 64 or more behind the highest, is refused (%GST_E2EE_FRAME_REPLAY). 64
 * frames are two seconds of 30 frame/s video: any frame that late has
 * already been given up by a jitter buffer, and the window is one machine
 * word. The window moves only for frames that authenticate, so forged
 * frames cannot push it forward.
 *
 * Since: 0.2
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gste2eesframe-private.h"
#include "gste2eeframeformat-private.h"
#include "gste2eekey-private.h"

#include <string.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/kdf.h>

typedef struct
{
  gboolean gcm;
  gboolean sha512;
  gsize enc_key_size;           /* AES key (Nka for CTR+HMAC, Nk for GCM) */
  gsize key_size;               /* Nk: the whole derived sframe_key */
  gsize tag_size;               /* Nt */
  guint cipher;                 /* index into the fetched ciphers */
} SuiteInfo;

enum
{
  CIPHER_AES_128_CTR,
  CIPHER_AES_256_CTR,
  CIPHER_AES_128_GCM,
  CIPHER_AES_256_GCM,
  N_CIPHERS
};

static const gchar *const cipher_names[N_CIPHERS] = {
  "AES-128-CTR", "AES-256-CTR", "AES-128-GCM", "AES-256-GCM"
};

/* indexed by suite - 1 (RFC 9605 section 4.5 and the IANA registry) */
static const SuiteInfo suites[] = {
  {FALSE, FALSE, 16, 48, 10, CIPHER_AES_128_CTR},
  {FALSE, FALSE, 16, 48, 8, CIPHER_AES_128_CTR},
  {FALSE, FALSE, 16, 48, 4, CIPHER_AES_128_CTR},
  {TRUE, FALSE, 16, 16, 16, CIPHER_AES_128_GCM},
  {TRUE, TRUE, 32, 32, 16, CIPHER_AES_256_GCM},
  {FALSE, TRUE, 32, 96, 10, CIPHER_AES_256_CTR},
  {FALSE, TRUE, 32, 96, 8, CIPHER_AES_256_CTR},
  {FALSE, TRUE, 32, 96, 4, CIPHER_AES_256_CTR},
};

#define REPLAY_WINDOW 64
/* the sending CTR of a new key starts below this */
#define CTR_RANDOM_LIMIT (G_GUINT64_CONSTANT (1) << 63)

typedef struct
{
  guint64 kid;                  /* first: the hash table's key points here */
  GstE2eeSFrameKeyUsage usage;
  guint8 key[GST_E2EE_SFRAME_MAX_KEY_SIZE];
  guint8 salt[GST_E2EE_SFRAME_NONCE_SIZE];
  EVP_CIPHER_CTX *cipher;
  EVP_MAC_CTX *mac;             /* CTR+HMAC suites only */

  /* sending */
  guint64 next_ctr;
  gboolean used;                /* a frame was sealed: CTR only moves on */
  gboolean exhausted;

  /* receiving: bit i of window set = highest - i was accepted */
  gboolean seen;
  guint64 highest;
  guint64 window;
} SFrameKey;

struct _GstE2eeSFrameContext
{
  gint refcount;
  GstE2eeSFrameSuite suite;
  const SuiteInfo *info;
  GHashTable *keys;             /* &SFrameKey.kid -> SFrameKey */
  SFrameKey *encrypt_key;       /* in keys, or NULL */
};

G_DEFINE_BOXED_TYPE (GstE2eeSFrameContext, gst_e2ee_sframe_context,
    gst_e2ee_sframe_context_ref, gst_e2ee_sframe_context_free);

static const SuiteInfo *
suite_info (GstE2eeSFrameSuite suite)
{
  if (suite < 1 || suite > G_N_ELEMENTS (suites))
    return NULL;
  return &suites[suite - 1];
}

/* Fetching is a provider lookup under locks: once per process. */
static EVP_CIPHER *
get_cipher (guint i)
{
  static EVP_CIPHER *ciphers[N_CIPHERS];
  static gsize once = 0;

  if (g_once_init_enter (&once)) {
    guint j;

    for (j = 0; j < N_CIPHERS; j++) {
      ciphers[j] = EVP_CIPHER_fetch (NULL, cipher_names[j], NULL);
      if (!ciphers[j])
        g_error ("gst-e2ee: OpenSSL has no %s", cipher_names[j]);
    }
    g_once_init_leave (&once, 1);
  }
  return ciphers[i];
}

static EVP_MAC *
get_hmac (void)
{
  static EVP_MAC *mac = NULL;

  if (g_once_init_enter (&mac)) {
    EVP_MAC *fetched = EVP_MAC_fetch (NULL, OSSL_MAC_NAME_HMAC, NULL);

    if (!fetched)
      g_error ("gst-e2ee: OpenSSL has no HMAC");
    g_once_init_leave (&mac, fetched);
  }
  return mac;
}

static EVP_KDF *
get_hkdf (void)
{
  static EVP_KDF *kdf = NULL;

  if (g_once_init_enter (&kdf)) {
    EVP_KDF *fetched = EVP_KDF_fetch (NULL, OSSL_KDF_NAME_HKDF, NULL);

    if (!fetched)
      g_error ("gst-e2ee: OpenSSL has no HKDF");
    g_once_init_leave (&kdf, fetched);
  }
  return kdf;
}

static inline void
write_be64 (guint8 * p, guint64 v)
{
  gint i;

  for (i = 7; i >= 0; i--) {
    p[i] = v & 0xff;
    v >>= 8;
  }
}

static guint
minimal_length (guint64 v)
{
  guint n = 1;

  while (n < 8 && (v >> (8 * n)) != 0)
    n++;
  return n;
}

/**
 * gst_e2ee_sframe_header_size:
 * @kid: key identifier
 * @ctr: counter
 *
 * Returns: the length of the SFrame header that encodes @kid and @ctr
 *
 * Since: 0.2
 */
gsize
gst_e2ee_sframe_header_size (guint64 kid, guint64 ctr)
{
  return 1 + (kid < 8 ? 0 : minimal_length (kid))
      + (ctr < 8 ? 0 : minimal_length (ctr));
}

/**
 * gst_e2ee_sframe_header_write:
 * @kid: key identifier
 * @ctr: counter
 * @out: (out caller-allocates) (array fixed-size=17): at least
 *   %GST_E2EE_SFRAME_MAX_HEADER_SIZE bytes
 *
 * Writes the SFrame header of RFC 9605 section 4.3: a value below 8 goes in
 * the config byte, a larger one follows it in the fewest big-endian bytes
 * that hold it, KID first.
 *
 * Returns: the number of bytes written (1 to 17)
 *
 * Since: 0.2
 */
gsize
gst_e2ee_sframe_header_write (guint64 kid, guint64 ctr, guint8 * out)
{
  guint8 config = 0;
  gsize off = 1;
  guint n, i;

  g_return_val_if_fail (out != NULL, 0);

  if (kid < 8) {
    config |= kid << 4;
  } else {
    n = minimal_length (kid);
    config |= 0x80 | ((n - 1) << 4);
    for (i = 0; i < n; i++)
      out[off++] = kid >> (8 * (n - 1 - i));
  }
  if (ctr < 8) {
    config |= ctr;
  } else {
    n = minimal_length (ctr);
    config |= 0x08 | (n - 1);
    for (i = 0; i < n; i++)
      out[off++] = ctr >> (8 * (n - 1 - i));
  }
  out[0] = config;
  return off;
}

/* One extended field: refuses a field past the end and a value that a
 * shorter encoding (or the config byte itself) would have carried, so each
 * (KID, CTR) has exactly one header. */
static gboolean
read_field (const guint8 * data, gsize size, gsize * off, guint len,
    guint64 * value)
{
  guint64 v = 0;
  guint i;

  if (size - *off < len)
    return FALSE;
  if (len > 1 && data[*off] == 0)
    return FALSE;
  for (i = 0; i < len; i++)
    v = (v << 8) | data[*off + i];
  if (v < 8)
    return FALSE;
  *off += len;
  *value = v;
  return TRUE;
}

/**
 * gst_e2ee_sframe_header_read:
 * @data: (array length=size): the start of an SFrame
 * @size: bytes available at @data
 * @kid: (out) (optional): the key identifier
 * @ctr: (out) (optional): the counter
 * @header_size: (out) (optional): the length of the header
 *
 * Parses an SFrame header. Refuses a header that runs past @size and one
 * that is not in minimal form (an extended field holding a value below 8,
 * or a leading zero byte), as no conforming sender writes them and two
 * encodings of one value would give two AADs for one frame.
 *
 * Returns: %TRUE if @data starts with a valid header
 *
 * Since: 0.2
 */
gboolean
gst_e2ee_sframe_header_read (const guint8 * data, gsize size, guint64 * kid,
    guint64 * ctr, gsize * header_size)
{
  guint8 config;
  guint64 k, c;
  gsize off = 1;

  if (data == NULL || size < 1)
    return FALSE;
  config = data[0];
  k = (config >> 4) & 0x7;
  c = config & 0x7;
  if ((config & 0x80) && !read_field (data, size, &off, k + 1, &k))
    return FALSE;
  if ((config & 0x08) && !read_field (data, size, &off, c + 1, &c))
    return FALSE;
  if (kid)
    *kid = k;
  if (ctr)
    *ctr = c;
  if (header_size)
    *header_size = off;
  return TRUE;
}

/**
 * gst_e2ee_sframe_suite_is_valid:
 * @suite: a cipher suite value
 *
 * Returns: %TRUE if @suite is one of the suites this library implements
 *
 * Since: 0.2
 */
gboolean
gst_e2ee_sframe_suite_is_valid (GstE2eeSFrameSuite suite)
{
  return suite_info (suite) != NULL;
}

/**
 * gst_e2ee_sframe_suite_tag_size:
 * @suite: a cipher suite
 *
 * Returns: the length of @suite's authentication tag (Nt), 0 for an unknown
 *   suite
 *
 * Since: 0.2
 */
gsize
gst_e2ee_sframe_suite_tag_size (GstE2eeSFrameSuite suite)
{
  const SuiteInfo *info = suite_info (suite);

  return info ? info->tag_size : 0;
}

/**
 * gst_e2ee_sframe_suite_key_size:
 * @suite: a cipher suite
 *
 * The length (Nk) of the key that @suite derives from a base key: the AES
 * key for the GCM suites, the AES key followed by the HMAC key for the
 * CTR+HMAC suites (48 or 96 bytes). Base keys themselves may have any length
 * from 16 to 64 bytes (see gst_e2ee_sframe_context_add_key()).
 *
 * Returns: Nk in bytes, 0 for an unknown suite
 *
 * Since: 0.2
 */
gsize
gst_e2ee_sframe_suite_key_size (GstE2eeSFrameSuite suite)
{
  const SuiteInfo *info = suite_info (suite);

  return info ? info->key_size : 0;
}

static gboolean
hkdf (gboolean sha512, int mode, const guint8 * key, gsize key_size,
    const guint8 * info, gsize info_size, guint8 * out, gsize out_size)
{
  EVP_KDF_CTX *kctx;
  OSSL_PARAM params[5], *p = params;
  gboolean ret;

  kctx = EVP_KDF_CTX_new (get_hkdf ());
  if (!kctx)
    return FALSE;
  *p++ = OSSL_PARAM_construct_utf8_string (OSSL_KDF_PARAM_DIGEST,
      (char *) (sha512 ? "SHA512" : "SHA256"), 0);
  *p++ = OSSL_PARAM_construct_int (OSSL_KDF_PARAM_MODE, &mode);
  *p++ = OSSL_PARAM_construct_octet_string (OSSL_KDF_PARAM_KEY,
      (void *) key, key_size);
  /* Extract's salt is empty (RFC 9605 4.4.2): HMAC pads it with zeros, as
   * OpenSSL does when the salt is absent */
  if (info_size > 0)
    *p++ = OSSL_PARAM_construct_octet_string (OSSL_KDF_PARAM_INFO,
        (void *) info, info_size);
  *p = OSSL_PARAM_construct_end ();
  ret = EVP_KDF_derive (kctx, out, out_size, params) == 1;
  EVP_KDF_CTX_free (kctx);
  return ret;
}

/* "SFrame 1.0 Secret key " and "SFrame 1.0 Secret salt " are 22 and 23
 * bytes; KID (8) and cipher suite (2) follow, big-endian. */
static gsize
make_label (const gchar * prefix, guint64 kid, GstE2eeSFrameSuite suite,
    guint8 * out)
{
  gsize n = strlen (prefix);

  memcpy (out, prefix, n);
  write_be64 (out + n, kid);
  out[n + 8] = (suite >> 8) & 0xff;
  out[n + 9] = suite & 0xff;
  return n + 10;
}

gboolean
gst_e2ee_sframe_derive (GstE2eeSFrameSuite suite, guint64 kid,
    const guint8 * base_key, gsize base_key_size, guint8 * key, guint8 * salt)
{
  const SuiteInfo *info = suite_info (suite);
  guint8 secret[64];
  guint8 label[40];
  gsize secret_size, label_size;
  gboolean ok;

  if (!info)
    return FALSE;
  secret_size = info->sha512 ? 64 : 32;
  ok = hkdf (info->sha512, EVP_KDF_HKDF_MODE_EXTRACT_ONLY, base_key,
      base_key_size, NULL, 0, secret, secret_size);
  label_size = make_label ("SFrame 1.0 Secret key ", kid, suite, label);
  ok = ok && hkdf (info->sha512, EVP_KDF_HKDF_MODE_EXPAND_ONLY, secret,
      secret_size, label, label_size, key, info->key_size);
  label_size = make_label ("SFrame 1.0 Secret salt ", kid, suite, label);
  ok = ok && hkdf (info->sha512, EVP_KDF_HKDF_MODE_EXPAND_ONLY, secret,
      secret_size, label, label_size, salt, GST_E2EE_SFRAME_NONCE_SIZE);
  OPENSSL_cleanse (secret, sizeof (secret));
  return ok;
}

static void
sframe_key_free (gpointer data)
{
  SFrameKey *k = data;

  EVP_CIPHER_CTX_free (k->cipher);
  EVP_MAC_CTX_free (k->mac);
  OPENSSL_cleanse (k, sizeof (*k));
  g_free (k);
}

/* Keys the cipher (and HMAC) contexts once; per frame only the IV is set
 * and the HMAC re-initialised with the key it already holds. */
static gboolean
sframe_key_init_crypto (SFrameKey * k, const SuiteInfo * info, gboolean encrypt)
{
  EVP_CIPHER *cipher = get_cipher (info->cipher);
  int ok;

  k->cipher = EVP_CIPHER_CTX_new ();
  if (!k->cipher)
    return FALSE;
  /* CTR is its own inverse; GCM's direction is fixed with the key */
  if (info->gcm && !encrypt)
    ok = EVP_DecryptInit_ex2 (k->cipher, cipher, k->key, NULL, NULL);
  else
    ok = EVP_EncryptInit_ex2 (k->cipher, cipher, k->key, NULL, NULL);
  if (ok != 1)
    return FALSE;

  if (!info->gcm) {
    OSSL_PARAM params[2];

    params[0] = OSSL_PARAM_construct_utf8_string (OSSL_MAC_PARAM_DIGEST,
        (char *) (info->sha512 ? "SHA512" : "SHA256"), 0);
    params[1] = OSSL_PARAM_construct_end ();
    k->mac = EVP_MAC_CTX_new (get_hmac ());
    if (!k->mac)
      return FALSE;
    if (EVP_MAC_init (k->mac, k->key + info->enc_key_size,
            info->key_size - info->enc_key_size, params) != 1)
      return FALSE;
  }
  return TRUE;
}

static inline void
make_nonce (const SFrameKey * k, guint64 ctr, guint8 * nonce)
{
  guint8 be[8];
  guint i;

  write_be64 (be, ctr);
  memcpy (nonce, k->salt, 4);
  for (i = 0; i < 8; i++)
    nonce[4 + i] = k->salt[4 + i] ^ be[i];
}

/* RFC 9605 4.5.1 compute_tag: HMAC (auth_key, len(AAD) || len(ct) ||
 * Nt (8 bytes each, big-endian) || nonce || AAD || ct), truncated to Nt.
 * AAD is given as two parts so the header and the metadata need not be
 * contiguous. */
static gboolean
ctr_hmac_tag (EVP_MAC_CTX * mac, const SuiteInfo * info,
    const guint8 * nonce, const guint8 * aad1, gsize aad1_size,
    const guint8 * aad2, gsize aad2_size, const guint8 * ct, gsize ct_size,
    guint8 * tag)
{
  guint8 lens[24];
  guint8 full[64];
  gsize full_size = 0;
  gboolean ok;

  write_be64 (lens, aad1_size + aad2_size);
  write_be64 (lens + 8, ct_size);
  write_be64 (lens + 16, info->tag_size);
  ok = EVP_MAC_init (mac, NULL, 0, NULL) == 1
      && EVP_MAC_update (mac, lens, sizeof (lens)) == 1
      && EVP_MAC_update (mac, nonce, GST_E2EE_SFRAME_NONCE_SIZE) == 1
      && (aad1_size == 0 || EVP_MAC_update (mac, aad1, aad1_size) == 1)
      && (aad2_size == 0 || EVP_MAC_update (mac, aad2, aad2_size) == 1)
      && (ct_size == 0 || EVP_MAC_update (mac, ct, ct_size) == 1)
      && EVP_MAC_final (mac, full, &full_size, sizeof (full)) == 1
      && full_size >= info->tag_size;
  if (ok)
    memcpy (tag, full, info->tag_size);
  return ok;
}

static gboolean
aead_encrypt (SFrameKey * k, const SuiteInfo * info, const guint8 * nonce,
    const guint8 * aad1, gsize aad1_size, const guint8 * aad2,
    gsize aad2_size, const guint8 * pt, gsize size, guint8 * ct, guint8 * tag)
{
  int len;

  if (info->gcm) {
    return EVP_EncryptInit_ex2 (k->cipher, NULL, NULL, nonce, NULL) == 1
        && (aad1_size == 0
        || EVP_EncryptUpdate (k->cipher, NULL, &len, aad1, aad1_size) == 1)
        && (aad2_size == 0
        || EVP_EncryptUpdate (k->cipher, NULL, &len, aad2, aad2_size) == 1)
        && (size == 0 || EVP_EncryptUpdate (k->cipher, ct, &len, pt, size) == 1)
        && EVP_EncryptFinal_ex (k->cipher, ct + size, &len) == 1
        && EVP_CIPHER_CTX_ctrl (k->cipher, EVP_CTRL_GCM_GET_TAG,
        info->tag_size, tag) == 1;
  } else {
    guint8 iv[16];

    /* the initial counter block is the nonce and four zero bytes */
    memcpy (iv, nonce, GST_E2EE_SFRAME_NONCE_SIZE);
    memset (iv + GST_E2EE_SFRAME_NONCE_SIZE, 0, 4);
    return EVP_EncryptInit_ex2 (k->cipher, NULL, NULL, iv, NULL) == 1
        && (size == 0 || EVP_EncryptUpdate (k->cipher, ct, &len, pt, size) == 1)
        && ctr_hmac_tag (k->mac, info, nonce, aad1, aad1_size, aad2,
        aad2_size, ct, size, tag);
  }
}

/* Writes the plaintext to @pt only once the tag is known good for the
 * CTR+HMAC suites; GCM decrypts first and wipes @pt when the tag fails, so
 * no unauthenticated byte is ever left behind. */
static gboolean
aead_decrypt (SFrameKey * k, const SuiteInfo * info, const guint8 * nonce,
    const guint8 * aad1, gsize aad1_size, const guint8 * aad2,
    gsize aad2_size, const guint8 * ct, gsize size, const guint8 * tag,
    guint8 * pt)
{
  int len;

  if (info->gcm) {
    guint8 t[16];
    gboolean ok;

    memcpy (t, tag, info->tag_size);
    ok = EVP_DecryptInit_ex2 (k->cipher, NULL, NULL, nonce, NULL) == 1
        && (aad1_size == 0
        || EVP_DecryptUpdate (k->cipher, NULL, &len, aad1, aad1_size) == 1)
        && (aad2_size == 0
        || EVP_DecryptUpdate (k->cipher, NULL, &len, aad2, aad2_size) == 1)
        && (size == 0 || EVP_DecryptUpdate (k->cipher, pt, &len, ct, size) == 1)
        && EVP_CIPHER_CTX_ctrl (k->cipher, EVP_CTRL_GCM_SET_TAG,
        info->tag_size, t) == 1
        && EVP_DecryptFinal_ex (k->cipher, pt + size, &len) == 1;
    if (!ok && size > 0)
      OPENSSL_cleanse (pt, size);
    return ok;
  } else {
    guint8 expected[16];
    guint8 iv[16];

    if (!ctr_hmac_tag (k->mac, info, nonce, aad1, aad1_size, aad2,
            aad2_size, ct, size, expected))
      return FALSE;
    if (CRYPTO_memcmp (expected, tag, info->tag_size) != 0)
      return FALSE;
    memcpy (iv, nonce, GST_E2EE_SFRAME_NONCE_SIZE);
    memset (iv + GST_E2EE_SFRAME_NONCE_SIZE, 0, 4);
    return EVP_EncryptInit_ex2 (k->cipher, NULL, NULL, iv, NULL) == 1
        && (size == 0
        || EVP_EncryptUpdate (k->cipher, pt, &len, ct, size) == 1);
  }
}

/* The AEAD on its own, with a throwaway key: for the appendix C.2
 * vectors. */
static gboolean
ctr_hmac_once (GstE2eeSFrameSuite suite, gboolean encrypt, const guint8 * key,
    const guint8 * nonce, const guint8 * aad, gsize aad_size,
    const guint8 * in, gsize size, guint8 * out)
{
  const SuiteInfo *info = suite_info (suite);
  SFrameKey *k;
  gboolean ok;

  if (!info || info->gcm)
    return FALSE;
  k = g_new0 (SFrameKey, 1);
  memcpy (k->key, key, info->key_size);
  ok = sframe_key_init_crypto (k, info, encrypt);
  if (ok && encrypt)
    ok = aead_encrypt (k, info, nonce, aad, aad_size, NULL, 0, in, size, out,
        out + size);
  else if (ok)
    ok = aead_decrypt (k, info, nonce, aad, aad_size, NULL, 0, in, size,
        in + size, out);
  sframe_key_free (k);
  return ok;
}

gboolean
gst_e2ee_sframe_ctr_hmac_encrypt (GstE2eeSFrameSuite suite,
    const guint8 * key, const guint8 * nonce, const guint8 * aad,
    gsize aad_size, const guint8 * pt, gsize size, guint8 * out)
{
  return ctr_hmac_once (suite, TRUE, key, nonce, aad, aad_size, pt, size, out);
}

gboolean
gst_e2ee_sframe_ctr_hmac_decrypt (GstE2eeSFrameSuite suite,
    const guint8 * key, const guint8 * nonce, const guint8 * aad,
    gsize aad_size, const guint8 * ct, gsize size, guint8 * out)
{
  return ctr_hmac_once (suite, FALSE, key, nonce, aad, aad_size, ct, size, out);
}

/**
 * gst_e2ee_sframe_context_new:
 * @suite: the cipher suite of every key in the context
 *
 * Creates an empty context for one sender or one receiver. All of its keys
 * use @suite.
 *
 * Returns: (transfer full) (nullable): a new context, %NULL for an unknown
 *   suite. Free with gst_e2ee_sframe_context_free().
 *
 * Since: 0.2
 */
GstE2eeSFrameContext *
gst_e2ee_sframe_context_new (GstE2eeSFrameSuite suite)
{
  GstE2eeSFrameContext *ctx;
  const SuiteInfo *info = suite_info (suite);

  g_return_val_if_fail (info != NULL, NULL);

  ctx = g_new0 (GstE2eeSFrameContext, 1);
  ctx->refcount = 1;
  ctx->suite = suite;
  ctx->info = info;
  ctx->keys = g_hash_table_new_full (g_int64_hash, g_int64_equal, NULL,
      sframe_key_free);
  return ctx;
}

/**
 * gst_e2ee_sframe_context_ref:
 * @ctx: a context
 *
 * Takes a reference, for bindings (the boxed type copies by reference: a
 * real copy would repeat the sending counter). Both holders share one
 * context and its locking rule.
 *
 * Returns: (transfer full): @ctx
 *
 * Since: 0.2
 */
GstE2eeSFrameContext *
gst_e2ee_sframe_context_ref (GstE2eeSFrameContext * ctx)
{
  g_return_val_if_fail (ctx != NULL, NULL);
  g_atomic_int_inc (&ctx->refcount);
  return ctx;
}

/**
 * gst_e2ee_sframe_context_free:
 * @ctx: (transfer full) (nullable): a context
 *
 * Drops a reference to @ctx; the last one frees it and wipes every key in
 * it.
 *
 * Since: 0.2
 */
void
gst_e2ee_sframe_context_free (GstE2eeSFrameContext * ctx)
{
  if (!ctx || !g_atomic_int_dec_and_test (&ctx->refcount))
    return;
  g_hash_table_unref (ctx->keys);
  g_free (ctx);
}

/**
 * gst_e2ee_sframe_context_get_suite:
 * @ctx: a context
 *
 * Returns: the cipher suite of @ctx
 *
 * Since: 0.2
 */
GstE2eeSFrameSuite
gst_e2ee_sframe_context_get_suite (GstE2eeSFrameContext * ctx)
{
  g_return_val_if_fail (ctx != NULL, 0);
  return ctx->suite;
}

/**
 * gst_e2ee_sframe_context_add_key:
 * @ctx: a context
 * @kid: the key identifier the frames carry
 * @base_key: (array length=base_key_size): the base key, 16 to 64 bytes
 * @base_key_size: length of @base_key
 * @usage: whether the key seals or opens frames
 *
 * Derives @kid's key and salt from @base_key (RFC 9605 section 4.4.2) and
 * adds them, replacing (and wiping) a key @kid had before; a replaced
 * receiving key starts a new replay window. A sending key's counter starts
 * at a random value (see the section description and
 * gst_e2ee_sframe_context_set_next_ctr()). Adding a sending key does not
 * make it the one used: see gst_e2ee_sframe_context_set_encrypt_kid(), except
 * that the first sending key added to a context is selected.
 *
 * Returns: %TRUE on success; %FALSE if the base key has a bad length, the
 *   usage is not one of the two, or the crypto library or the CSPRNG failed
 *
 * Since: 0.2
 */
gboolean
gst_e2ee_sframe_context_add_key (GstE2eeSFrameContext * ctx, guint64 kid,
    const guint8 * base_key, gsize base_key_size, GstE2eeSFrameKeyUsage usage)
{
  SFrameKey *k;
  gboolean encrypt = usage == GST_E2EE_SFRAME_KEY_ENCRYPT;
  SFrameKey *old;

  g_return_val_if_fail (ctx != NULL, FALSE);
  g_return_val_if_fail (base_key != NULL, FALSE);
  g_return_val_if_fail (usage == GST_E2EE_SFRAME_KEY_ENCRYPT
      || usage == GST_E2EE_SFRAME_KEY_DECRYPT, FALSE);

  if (base_key_size < 16 || base_key_size > 64)
    return FALSE;

  k = g_new0 (SFrameKey, 1);
  k->kid = kid;
  k->usage = usage;
  if (!gst_e2ee_sframe_derive (ctx->suite, kid, base_key, base_key_size,
          k->key, k->salt) || !sframe_key_init_crypto (k, ctx->info, encrypt))
    goto fail;
  if (encrypt) {
    if (!gst_e2ee_random_bytes ((guint8 *) & k->next_ctr, sizeof (k->next_ctr)))
      goto fail;
    k->next_ctr %= CTR_RANDOM_LIMIT;
  }

  old = g_hash_table_lookup (ctx->keys, &kid);
  if (old && old == ctx->encrypt_key)
    ctx->encrypt_key = NULL;
  /* replace, not insert: the table's key points into the old value */
  g_hash_table_replace (ctx->keys, &k->kid, k);
  if (encrypt && ctx->encrypt_key == NULL)
    ctx->encrypt_key = k;
  return TRUE;

fail:
  sframe_key_free (k);
  return FALSE;
}

/**
 * gst_e2ee_sframe_context_add_media_key:
 * @ctx: a context
 * @kid: the key identifier the frames carry
 * @key: a media key made from material (a key manager's, through a
 *   #GstE2eeKeySubscription's ring), not a raw key
 * @usage: whether the key seals or opens frames
 *
 * gst_e2ee_sframe_context_add_key() with @key's material as the base key,
 * so a key manager's keys serve SFrame without their material leaving the
 * library. SFrame derives its key and salt with its own HKDF labels (which
 * contain @kid and the suite), JFrame with its salts: the two never share a
 * derived key.
 *
 * Returns: %TRUE on success; %FALSE if @key keeps no material (a raw key)
 *   or as gst_e2ee_sframe_context_add_key()
 *
 * Since: 0.2
 */
gboolean
gst_e2ee_sframe_context_add_media_key (GstE2eeSFrameContext * ctx,
    guint64 kid, GstE2eeKey * key, GstE2eeSFrameKeyUsage usage)
{
  const guint8 *material;
  gsize len = 0;

  g_return_val_if_fail (ctx != NULL, FALSE);
  g_return_val_if_fail (key != NULL, FALSE);

  material = _gst_e2ee_key_peek_material (key, &len);
  if (!material)
    return FALSE;
  return gst_e2ee_sframe_context_add_key (ctx, kid, material, len, usage);
}

/**
 * gst_e2ee_sframe_context_remove_key:
 * @ctx: a context
 * @kid: a key identifier
 *
 * Removes and wipes @kid's key. If it was the sending key, @ctx has no
 * sending key until gst_e2ee_sframe_context_set_encrypt_kid().
 *
 * Returns: %TRUE if @ctx had a key @kid
 *
 * Since: 0.2
 */
gboolean
gst_e2ee_sframe_context_remove_key (GstE2eeSFrameContext * ctx, guint64 kid)
{
  SFrameKey *k;

  g_return_val_if_fail (ctx != NULL, FALSE);

  k = g_hash_table_lookup (ctx->keys, &kid);
  if (!k)
    return FALSE;
  if (k == ctx->encrypt_key)
    ctx->encrypt_key = NULL;
  g_hash_table_remove (ctx->keys, &kid);
  return TRUE;
}

/**
 * gst_e2ee_sframe_context_set_encrypt_kid:
 * @ctx: a context
 * @kid: the key identifier of a key added for %GST_E2EE_SFRAME_KEY_ENCRYPT
 *
 * Selects the key that gst_e2ee_sframe_context_seal() uses.
 *
 * Returns: %TRUE if @kid names a sending key
 *
 * Since: 0.2
 */
gboolean
gst_e2ee_sframe_context_set_encrypt_kid (GstE2eeSFrameContext * ctx,
    guint64 kid)
{
  SFrameKey *k;

  g_return_val_if_fail (ctx != NULL, FALSE);

  k = g_hash_table_lookup (ctx->keys, &kid);
  if (!k || k->usage != GST_E2EE_SFRAME_KEY_ENCRYPT)
    return FALSE;
  ctx->encrypt_key = k;
  return TRUE;
}

/**
 * gst_e2ee_sframe_context_set_next_ctr:
 * @ctx: a context
 * @kid: the key identifier of a sending key
 * @ctr: the counter of the next frame sealed under it
 *
 * Sets where a sending key's counter starts, for keys known never to have
 * been used before (a fresh random key from a key manager may start at 0,
 * which keeps the header short). Once a frame was sealed under the key, the
 * counter may only move forward, so no CTR repeats under it.
 *
 * Returns: %TRUE if @kid names a sending key and @ctr does not move its
 *   counter back
 *
 * Since: 0.2
 */
gboolean
gst_e2ee_sframe_context_set_next_ctr (GstE2eeSFrameContext * ctx,
    guint64 kid, guint64 ctr)
{
  SFrameKey *k;

  g_return_val_if_fail (ctx != NULL, FALSE);

  k = g_hash_table_lookup (ctx->keys, &kid);
  if (!k || k->usage != GST_E2EE_SFRAME_KEY_ENCRYPT)
    return FALSE;
  if (k->used && (k->exhausted || ctr < k->next_ctr))
    return FALSE;
  k->next_ctr = ctr;
  return TRUE;
}

gboolean
gst_e2ee_sframe_context_get_next_ctr (GstE2eeSFrameContext * ctx, guint64 * ctr)
{
  if (!ctx->encrypt_key || ctx->encrypt_key->exhausted)
    return FALSE;
  *ctr = ctx->encrypt_key->next_ctr;
  return TRUE;
}

/**
 * gst_e2ee_sframe_context_overhead:
 * @ctx: a context
 *
 * The most bytes gst_e2ee_sframe_context_seal() adds to a frame under the
 * current sending key: its longest header (KID as it is, CTR at 8 bytes)
 * and the tag. With no sending key, the bound for any key.
 *
 * Returns: the overhead in bytes
 *
 * Since: 0.2
 */
gsize
gst_e2ee_sframe_context_overhead (GstE2eeSFrameContext * ctx)
{
  g_return_val_if_fail (ctx != NULL, 0);

  if (!ctx->encrypt_key)
    return GST_E2EE_SFRAME_MAX_HEADER_SIZE + ctx->info->tag_size;
  return gst_e2ee_sframe_header_size (ctx->encrypt_key->kid, G_MAXUINT64)
      + ctx->info->tag_size;
}

/**
 * gst_e2ee_sframe_context_next_header_size:
 * @ctx: a context
 *
 * The length of the header the next gst_e2ee_sframe_context_seal() writes,
 * for sealing in place (the frame then starts that many bytes into the
 * output).
 *
 * Returns: the header length, 0 without a usable sending key
 *
 * Since: 0.2
 */
gsize
gst_e2ee_sframe_context_next_header_size (GstE2eeSFrameContext * ctx)
{
  g_return_val_if_fail (ctx != NULL, 0);

  if (!ctx->encrypt_key || ctx->encrypt_key->exhausted)
    return 0;
  return gst_e2ee_sframe_header_size (ctx->encrypt_key->kid,
      ctx->encrypt_key->next_ctr);
}

static gboolean
overlaps (const guint8 * a, gsize a_size, const guint8 * b, gsize b_size)
{
  return a < b + b_size && b < a + a_size;
}

static GstE2eeFrameResult
seal (GstE2eeSFrameContext * ctx, SFrameKey * k, guint64 ctr,
    const guint8 * metadata, gsize metadata_size, const guint8 * plaintext,
    gsize size, guint8 * out, gsize out_size, gsize * sealed_size)
{
  const SuiteInfo *info = ctx->info;
  guint8 nonce[GST_E2EE_SFRAME_NONCE_SIZE];
  gsize hlen = gst_e2ee_sframe_header_size (k->kid, ctr);

  if (size > G_MAXSIZE - hlen - info->tag_size
      || size > G_MAXINT || metadata_size > G_MAXINT)
    return GST_E2EE_FRAME_NO_SPACE;
  if (out_size < hlen + size + info->tag_size)
    return GST_E2EE_FRAME_NO_SPACE;
  /* in place (the frame right after its header) or apart; a partial
   * overlap would read plaintext already overwritten */
  g_return_val_if_fail (size == 0 || plaintext == out + hlen
      || !overlaps (plaintext, size, out, hlen + size + info->tag_size),
      GST_E2EE_FRAME_CRYPTO_ERROR);

  gst_e2ee_sframe_header_write (k->kid, ctr, out);
  make_nonce (k, ctr, nonce);
  if (!aead_encrypt (k, info, nonce, out, hlen, metadata, metadata_size,
          plaintext, size, out + hlen, out + hlen + size))
    return GST_E2EE_FRAME_CRYPTO_ERROR;
  if (sealed_size)
    *sealed_size = hlen + size + info->tag_size;
  return GST_E2EE_FRAME_OK;
}

/**
 * gst_e2ee_sframe_context_seal:
 * @ctx: a context with a sending key
 * @metadata: (array length=metadata_size) (nullable): bytes authenticated
 *   but not sent (RFC 9605's metadata), or %NULL
 * @metadata_size: length of @metadata
 * @plaintext: (array length=size): the frame
 * @size: length of @plaintext
 * @out: (array length=out_size): where the SFrame goes: header, ciphertext,
 *   tag; either apart from @plaintext, or (in place) exactly
 *   gst_e2ee_sframe_context_next_header_size() bytes before it
 * @out_size: room at @out; @size plus gst_e2ee_sframe_context_overhead()
 *   always suffices
 * @sealed_size: (out) (optional): bytes written to @out
 *
 * Seals a frame under the sending key with its next counter, and advances
 * the counter. Allocates nothing.
 *
 * Returns: %GST_E2EE_FRAME_OK; %GST_E2EE_FRAME_MISSING_KEY with no sending
 *   key, %GST_E2EE_FRAME_CTR_EXHAUSTED when its counter is used up,
 *   %GST_E2EE_FRAME_NO_SPACE when @out is too small (the counter is then
 *   not consumed), %GST_E2EE_FRAME_CRYPTO_ERROR if OpenSSL failed
 *
 * Since: 0.2
 */
GstE2eeFrameResult
gst_e2ee_sframe_context_seal (GstE2eeSFrameContext * ctx,
    const guint8 * metadata, gsize metadata_size, const guint8 * plaintext,
    gsize size, guint8 * out, gsize out_size, gsize * sealed_size)
{
  SFrameKey *k;
  GstE2eeFrameResult res;

  g_return_val_if_fail (ctx != NULL, GST_E2EE_FRAME_CRYPTO_ERROR);
  g_return_val_if_fail (plaintext != NULL || size == 0,
      GST_E2EE_FRAME_CRYPTO_ERROR);
  g_return_val_if_fail (metadata != NULL || metadata_size == 0,
      GST_E2EE_FRAME_CRYPTO_ERROR);
  g_return_val_if_fail (out != NULL, GST_E2EE_FRAME_CRYPTO_ERROR);

  k = ctx->encrypt_key;
  if (!k)
    return GST_E2EE_FRAME_MISSING_KEY;
  if (k->exhausted)
    return GST_E2EE_FRAME_CTR_EXHAUSTED;
  res = seal (ctx, k, k->next_ctr, metadata, metadata_size, plaintext, size,
      out, out_size, sealed_size);
  /* a counter that reached a CRYPTO_ERROR may have been used: skip it */
  if (res == GST_E2EE_FRAME_OK || res == GST_E2EE_FRAME_CRYPTO_ERROR) {
    k->used = TRUE;
    if (k->next_ctr == G_MAXUINT64)
      k->exhausted = TRUE;
    else
      k->next_ctr++;
  }
  return res;
}

GstE2eeFrameResult
gst_e2ee_sframe_context_seal_with_ctr (GstE2eeSFrameContext * ctx,
    guint64 ctr, const guint8 * metadata, gsize metadata_size,
    const guint8 * plaintext, gsize size, guint8 * out, gsize out_size,
    gsize * sealed_size)
{
  if (!ctx->encrypt_key)
    return GST_E2EE_FRAME_MISSING_KEY;
  return seal (ctx, ctx->encrypt_key, ctr, metadata, metadata_size,
      plaintext, size, out, out_size, sealed_size);
}

static gboolean
replay_check (const SFrameKey * k, guint64 ctr)
{
  guint64 behind;

  if (!k->seen || ctr > k->highest)
    return TRUE;
  behind = k->highest - ctr;
  if (behind >= REPLAY_WINDOW)
    return FALSE;
  return ((k->window >> behind) & 1) == 0;
}

static void
replay_update (SFrameKey * k, guint64 ctr)
{
  if (!k->seen) {
    k->seen = TRUE;
    k->highest = ctr;
    k->window = 1;
  } else if (ctr > k->highest) {
    guint64 ahead = ctr - k->highest;

    k->window = ahead >= REPLAY_WINDOW ? 1 : (k->window << ahead) | 1;
    k->highest = ctr;
  } else {
    k->window |= G_GUINT64_CONSTANT (1) << (k->highest - ctr);
  }
}

/**
 * gst_e2ee_sframe_context_open:
 * @ctx: a context with receiving keys
 * @metadata: (array length=metadata_size) (nullable): the metadata the
 *   sender authenticated, or %NULL
 * @metadata_size: length of @metadata
 * @sealed: (array length=size): an SFrame: header, ciphertext, tag
 * @size: length of @sealed
 * @out: (array length=out_size): where the plaintext goes: either exactly
 *   at the ciphertext inside @sealed (in place: @sealed plus the header
 *   length) or in memory that does not overlap @sealed
 * @out_size: room at @out; @size always suffices
 * @plain_size: (out) (optional): length of the plaintext
 *
 * Opens a frame: reads its header, finds the receiving key its KID names,
 * checks the replay window, then authenticates (in constant time) and
 * decrypts. Nothing unauthenticated is left at @out: on failure the bytes
 * written there are wiped, so an in-place call destroys the ciphertext.
 * Allocates nothing.
 *
 * Returns: %GST_E2EE_FRAME_OK; %GST_E2EE_FRAME_BAD_HEADER for a truncated
 *   or non-minimal header, %GST_E2EE_FRAME_TOO_SHORT when no tag fits after
 *   it, %GST_E2EE_FRAME_MISSING_KEY when the KID names no receiving key,
 *   %GST_E2EE_FRAME_REPLAY for a CTR already accepted or too old,
 *   %GST_E2EE_FRAME_NO_SPACE when @out is too small,
 *   %GST_E2EE_FRAME_AUTH_FAILED when the tag does not match
 *
 * Since: 0.2
 */
GstE2eeFrameResult
gst_e2ee_sframe_context_open (GstE2eeSFrameContext * ctx,
    const guint8 * metadata, gsize metadata_size, const guint8 * sealed,
    gsize size, guint8 * out, gsize out_size, gsize * plain_size)
{
  const SuiteInfo *info;
  guint8 nonce[GST_E2EE_SFRAME_NONCE_SIZE];
  guint64 kid, ctr;
  gsize hlen, ct_size;
  SFrameKey *k;

  g_return_val_if_fail (ctx != NULL, GST_E2EE_FRAME_CRYPTO_ERROR);
  g_return_val_if_fail (sealed != NULL || size == 0,
      GST_E2EE_FRAME_CRYPTO_ERROR);
  g_return_val_if_fail (metadata != NULL || metadata_size == 0,
      GST_E2EE_FRAME_CRYPTO_ERROR);
  g_return_val_if_fail (out != NULL, GST_E2EE_FRAME_CRYPTO_ERROR);

  info = ctx->info;
  if (!gst_e2ee_sframe_header_read (sealed, size, &kid, &ctr, &hlen))
    return GST_E2EE_FRAME_BAD_HEADER;
  if (size - hlen < info->tag_size)
    return GST_E2EE_FRAME_TOO_SHORT;
  ct_size = size - hlen - info->tag_size;
  if (ct_size > G_MAXINT || metadata_size > G_MAXINT)
    return GST_E2EE_FRAME_TOO_SHORT;
  g_return_val_if_fail (ct_size == 0 || out == sealed + hlen
      || !overlaps (out, ct_size, sealed, size), GST_E2EE_FRAME_CRYPTO_ERROR);

  k = g_hash_table_lookup (ctx->keys, &kid);
  if (!k || k->usage != GST_E2EE_SFRAME_KEY_DECRYPT)
    return GST_E2EE_FRAME_MISSING_KEY;
  if (!replay_check (k, ctr))
    return GST_E2EE_FRAME_REPLAY;
  if (out_size < ct_size)
    return GST_E2EE_FRAME_NO_SPACE;

  make_nonce (k, ctr, nonce);
  if (!aead_decrypt (k, info, nonce, sealed, hlen, metadata, metadata_size,
          sealed + hlen, ct_size, sealed + hlen + ct_size, out))
    return GST_E2EE_FRAME_AUTH_FAILED;
  replay_update (k, ctr);
  if (plain_size)
    *plain_size = ct_size;
  return GST_E2EE_FRAME_OK;
}

/* SFrame as a GstE2eeFrameFormatFuncs: state is a GstE2eeSFrameContext.
 * The whole frame is encrypted whatever the codec (RFC 9605: SFrame over an
 * encoded frame leaves nothing clear), with no metadata. */
static gsize
sframe_clear_bytes (GstE2eeCodec codec, const guint8 * frame, gsize size)
{
  return 0;
}

static gsize
sframe_max_sealed_size (gpointer state, GstE2eeCodec codec,
    const guint8 * frame, gsize size)
{
  gsize overhead = gst_e2ee_sframe_context_overhead (state);

  return size > G_MAXSIZE - overhead ? 0 : size + overhead;
}

static GstE2eeFrameResult
sframe_seal (gpointer state, GstE2eeCodec codec, const guint8 * frame,
    gsize size, guint8 * out, gsize out_size, gsize * sealed_size)
{
  return gst_e2ee_sframe_context_seal (state, NULL, 0, frame, size, out,
      out_size, sealed_size);
}

static GstE2eeFrameResult
sframe_open (gpointer state, GstE2eeCodec codec, guint8 * frame, gsize size,
    gsize * out_offset, gsize * out_size)
{
  gsize hsize;

  if (!gst_e2ee_sframe_header_read (frame, size, NULL, NULL, &hsize))
    return GST_E2EE_FRAME_BAD_HEADER;
  *out_offset = hsize;
  return gst_e2ee_sframe_context_open (state, NULL, 0, frame, size,
      frame + hsize, size - hsize, out_size);
}

static GstE2eeFrameResult
sframe_seal_in_place (gpointer state, GstE2eeCodec codec, guint8 * frame,
    gsize size, gsize before, gsize after, gsize * start, gsize * sealed_size)
{
  GstE2eeSFrameContext *ctx = state;
  gsize hlen = gst_e2ee_sframe_context_next_header_size (ctx);

  if (hlen == 0)
    return gst_e2ee_sframe_context_seal (ctx, NULL, 0, frame, size, frame,
        0, sealed_size);
  if (hlen > before || ctx->info->tag_size > after)
    return GST_E2EE_FRAME_NO_SPACE;
  *start = before - hlen;
  return gst_e2ee_sframe_context_seal (ctx, NULL, 0, frame, size,
      frame - hlen, hlen + size + after, sealed_size);
}

const GstE2eeFrameFormatFuncs _gst_e2ee_sframe_funcs = {
  GST_E2EE_FRAME_FORMAT_SFRAME,
  sframe_clear_bytes,
  sframe_max_sealed_size,
  sframe_seal,
  sframe_open,
  sframe_seal_in_place,
  {NULL}
};
