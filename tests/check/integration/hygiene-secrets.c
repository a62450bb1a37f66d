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

/* The secrets the hygiene test looks for, and the matcher (see
 * hygiene-secrets.h and hygiene.c). */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "hygiene-secrets.h"

#include <gst/check/gstcheck.h>
#include <gst/e2ee/keymanager/gste2eekeymanager-test.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/kdf.h>
#include <string.h>

/* ------------------------------------------------------------------ */
/* The secrets, and a matcher that finds any of them in a byte range    */
/* without allocating or locking (it runs inside free()).               */

/* patterns are found by a rolling hash of their first WINDOW bytes */
#define WINDOW 16
#define HASH_BASE G_GUINT64_CONSTANT (0x100000001b3)
#define N_BUCKETS (1 << 18)
#define MAX_PATTERNS (1 << 17)

typedef struct
{
  const gchar *what;
  const guint8 *bytes;
  gsize len;
  guint64 prefix_hash;
  /* looked for in freed memory too (not the pickles: they are ciphertext) */
  gboolean in_memory;
  gint next;
} Pattern;

static Pattern patterns[MAX_PATTERNS];
static gint buckets[N_BUCKETS];
static gint n_patterns;
static GMutex patterns_lock;
static guint64 base_pow;

static guint64
window_hash (const guint8 * p)
{
  guint64 h = 0;
  guint i;

  for (i = 0; i < WINDOW; i++)
    h = h * HASH_BASE + p[i];
  return h;
}

static guint
bucket_of (guint64 h)
{
  return (guint) ((h * G_GUINT64_CONSTANT (0x9e3779b97f4a7c15)) >> 46);
}

void
matcher_init (void)
{
  guint i;

  /* once per process (without fork, both tests run in one) */
  if (base_pow)
    return;
  base_pow = 1;
  for (i = 0; i < WINDOW - 1; i++)
    base_pow *= HASH_BASE;
  for (i = 0; i < N_BUCKETS; i++)
    buckets[i] = -1;
}

/* Takes @bytes and @what. */
static void
add_pattern (gchar * what, guint8 * bytes, gsize len, gboolean in_memory)
{
  Pattern *p;
  guint b;
  gint i;

  g_assert (len >= WINDOW);
  g_mutex_lock (&patterns_lock);
  for (i = 0; i < n_patterns; i++) {
    if (patterns[i].len == len && memcmp (patterns[i].bytes, bytes, len) == 0) {
      g_mutex_unlock (&patterns_lock);
      /* freed outside the lock: free() may scan */
      OPENSSL_cleanse (bytes, len);
      g_free (bytes);
      g_free (what);
      return;
    }
  }
  g_assert (n_patterns < MAX_PATTERNS);
  p = &patterns[n_patterns];
  p->what = what;
  p->bytes = bytes;
  p->len = len;
  p->prefix_hash = window_hash (bytes);
  p->in_memory = in_memory;
  b = bucket_of (p->prefix_hash);
  p->next = buckets[b];
  /* published complete: free() on other threads reads without the lock */
  __atomic_store_n (&buckets[b], n_patterns, __ATOMIC_RELEASE);
  __atomic_store_n (&n_patterns, n_patterns + 1, __ATOMIC_RELEASE);
  g_mutex_unlock (&patterns_lock);
}

static const gchar b64_std[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
static const gchar b64_url[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/* The base64 characters that encode @secret whatever surrounds it, when it
 * starts @shift bytes into a 3-byte group. */
static gchar *
base64_core (const guint8 * secret, gsize len, guint shift,
    const gchar * alphabet, gsize * out_len)
{
  gsize total = shift + len, g, n = 0;
  gchar *out = g_malloc (total / 3 * 4 + 1);

  for (g = 0; g + 3 <= total; g += 3) {
    guint32 v = 0;
    guint k;

    if (g < shift)
      continue;
    for (k = 0; k < 3; k++)
      v = (v << 8) | secret[g + k - shift];
    out[n++] = alphabet[(v >> 18) & 63];
    out[n++] = alphabet[(v >> 12) & 63];
    out[n++] = alphabet[(v >> 6) & 63];
    out[n++] = alphabet[v & 63];
  }
  out[n] = '\0';
  *out_len = n;
  return out;
}

void
add_secret (const gchar * what, const guint8 * secret, gsize len,
    gboolean in_memory)
{
  gchar *hex = g_malloc (2 * len + 1), *hex_up = g_malloc (2 * len + 1);
  guint shift, a;
  gsize i;

  add_pattern (g_strdup_printf ("%s (raw)", what), g_memdup2 (secret, len),
      len, in_memory);
  for (i = 0; i < len; i++) {
    g_snprintf (hex + 2 * i, 3, "%02x", secret[i]);
    g_snprintf (hex_up + 2 * i, 3, "%02X", secret[i]);
  }
  add_pattern (g_strdup_printf ("%s (hex)", what), (guint8 *) hex, 2 * len,
      in_memory);
  add_pattern (g_strdup_printf ("%s (HEX)", what), (guint8 *) hex_up, 2 * len,
      in_memory);
  for (a = 0; a < 2; a++) {
    for (shift = 0; shift < 3; shift++) {
      gsize n;
      gchar *b64 = base64_core (secret, len, shift, a ? b64_url : b64_std, &n);

      if (n >= WINDOW && (a == 0 || strpbrk (b64, "-_")))
        add_pattern (g_strdup_printf ("%s (base64%s, shift %u)", what,
                a ? "url" : "", shift), (guint8 *) b64, n, in_memory);
      else {
        OPENSSL_cleanse (b64, n);
        g_free (b64);
      }
    }
  }
  /* GST_MEMDUMP's "xx xx xx" lines break every 16 bytes: any 8 bytes */
  for (i = 0; i + 8 <= len; i++) {
    gchar *spaced = g_malloc (8 * 3);
    guint k;

    for (k = 0; k < 8; k++)
      g_snprintf (spaced + 3 * k, 4, k < 7 ? "%02x " : "%02x", secret[i + k]);
    add_pattern (g_strdup_printf ("%s (memdump, byte %" G_GSIZE_FORMAT ")",
            what, i), (guint8 *) spaced, 8 * 3 - 1, in_memory);
  }
}

/* Calls @hit for every secret in @data. No allocation, no lock. */
void
scan (const guint8 * data, gsize len, gboolean memory, HitFunc hit,
    gpointer user_data)
{
  guint64 h;
  gsize i;

  if (len < WINDOW || __atomic_load_n (&n_patterns, __ATOMIC_ACQUIRE) == 0)
    return;
  h = window_hash (data);
  for (i = 0;; i++) {
    gint j = __atomic_load_n (&buckets[bucket_of (h)], __ATOMIC_ACQUIRE);

    for (; j >= 0; j = patterns[j].next) {
      const Pattern *p = &patterns[j];

      if (p->prefix_hash == h && p->len <= len - i && (p->in_memory || !memory)
          && memcmp (p->bytes, data + i, p->len) == 0)
        hit (j, i, user_data);
    }
    if (i + WINDOW >= len)
      break;
    h = (h - data[i] * base_pow) * HASH_BASE + data[i + WINDOW];
  }
}


typedef struct
{
  GPtrArray *found;
  guint canaries;
} TextHits;

/* Hits in text (log, caps, properties): "what: context" lines. */
static void
text_hit (gint pattern, gsize offset, gpointer user_data)
{
  TextHits *hits = user_data;

  if (g_str_has_prefix (patterns[pattern].what, CANARY))
    hits->canaries++;
  else if (hits->found->len < 20)
    g_ptr_array_add (hits->found, g_strdup_printf ("%s at offset %"
            G_GSIZE_FORMAT, patterns[pattern].what, offset));
}

/* No secret in @data, but @canaries canaries at least */
void
assert_no_secret_in (const gchar * where, const guint8 * data, gsize len,
    guint canaries)
{
  GPtrArray *found = g_ptr_array_new_with_free_func (g_free);
  TextHits hits = { found, 0 };

  scan (data, len, FALSE, text_hit, &hits);
  fail_unless (hits.canaries >= canaries, "the canary was not seen in %s",
      where);
  if (found->len) {
    guint i;

    for (i = 0; i < found->len; i++)
      g_printerr ("secret in %s: %s\n", where,
          (gchar *) g_ptr_array_index (found, i));
  }
  fail_unless (found->len == 0, "%u secret(s) in %s, first: %s", found->len,
      where, found->len ? (gchar *) g_ptr_array_index (found, 0) : "");
  g_ptr_array_unref (found);
}

/* ------------------------------------------------------------------ */
/* Key schedules, recomputed here as DESIGN.md gives them.              */

static void
hkdf (const guint8 * ikm, gsize ikm_len, const gchar * salt, gsize info_len,
    guint8 * out, gsize out_len)
{
  static const guint8 zero_info[128] = { 0, };
  EVP_KDF *kdf = EVP_KDF_fetch (NULL, OSSL_KDF_NAME_HKDF, NULL);
  EVP_KDF_CTX *ctx = EVP_KDF_CTX_new (kdf);
  OSSL_PARAM params[5], *p = params;

  *p++ = OSSL_PARAM_construct_utf8_string (OSSL_KDF_PARAM_DIGEST,
      (char *) "SHA256", 0);
  *p++ = OSSL_PARAM_construct_octet_string (OSSL_KDF_PARAM_KEY,
      (void *) ikm, ikm_len);
  *p++ = OSSL_PARAM_construct_octet_string (OSSL_KDF_PARAM_SALT,
      (void *) salt, strlen (salt));
  if (info_len)
    *p++ = OSSL_PARAM_construct_octet_string (OSSL_KDF_PARAM_INFO,
        (void *) zero_info, info_len);
  *p = OSSL_PARAM_construct_end ();
  fail_unless (EVP_KDF_derive (ctx, out, out_len, params) == 1);
  EVP_KDF_CTX_free (ctx);
  EVP_KDF_free (kdf);
}

void
pbkdf2 (const guint8 * pass, gsize len, guint8 * out, gsize out_len)
{
  fail_unless (PKCS5_PBKDF2_HMAC ((const char *) pass, (int) len,
          (const guint8 *) "LKFrameEncryptionKey", 20, 100000, EVP_sha256 (),
          (int) out_len, out) == 1);
}

static void
aes_key_of (GstE2eeKdf kdf, const guint8 * m, guint8 * aes)
{
  if (kdf == GST_E2EE_KDF_JITSI)
    hkdf (m, 32, "JFrameEncryptionKey", 0, aes, 16);
  else
    hkdf (m, 32, "LKFrameEncryptionKey", 128, aes, 16);
}

void
ratchet_of (GstE2eeKdf kdf, const guint8 * m, guint8 * next)
{
  if (kdf == GST_E2EE_KDF_JITSI)
    hkdf (m, 32, "JFrameRatchetKey", 0, next, 32);
  else
    hkdf (m, 32, "LKFrameEncryptionKey", 128, next, 32);
}

/* 32 bytes of HKDF material, its AES key and those of its ratchets */
void
add_material (const gchar * what, GstE2eeKdf kdf, const guint8 * material,
    guint depth)
{
  guint8 m[32], next[32], aes[16];
  guint step;

  memcpy (m, material, 32);
  for (step = 0; step <= depth; step++) {
    gchar *name = g_strdup_printf ("%s, ratchet %u", what, step);
    gchar *aes_name = g_strdup_printf ("AES key of %s", name);

    add_secret (name, m, 32, TRUE);
    aes_key_of (kdf, m, aes);
    add_secret (aes_name, aes, 16, TRUE);
    g_free (name);
    g_free (aes_name);
    ratchet_of (kdf, m, next);
    memcpy (m, next, 32);
  }
  OPENSSL_cleanse (m, sizeof (m));
  OPENSSL_cleanse (next, sizeof (next));
  OPENSSL_cleanse (aes, sizeof (aes));
}

/* Everything a manager holds now: its key, the next one, the keys it got */
void
add_manager_secrets (GstE2eeKeyManager * m)
{
  guint n, i;
  guint8 *keys = gst_e2ee_key_manager_test_dup_media_keys (m, &n);
  gchar *id = gst_e2ee_key_manager_dup_local_id (m);

  for (i = 0; i < n; i++) {
    gchar *what = g_strdup_printf ("media key %u seen at %s", i, id);

    add_material (what, GST_E2EE_KDF_JITSI, keys + i * 32, RATCHET_DEPTH);
    g_free (what);
  }
  OPENSSL_cleanse (keys, n * 32);
  g_free (keys);
  g_free (id);
}

/* The pickles of @m's account and sessions under its state key */
void
add_manager_pickles (GstE2eeKeyManager * m)
{
  GPtrArray *pickles = gst_e2ee_key_manager_test_dup_pickles (m, NULL, 0);
  guint i;

  for (i = 0; i < pickles->len; i++) {
    gchar *pickle = g_ptr_array_index (pickles, i);

    fail_unless (pickle && strlen (pickle) > 64);
    /* a 48-character piece is as unique as the whole. add_pattern() logs
     * nothing: it registers the bytes to look for in the logs, and the
     * label (only the pickle's number) is what a failure names */
    add_pattern (g_strdup_printf ("olm pickle %u (start)", i),
        g_memdup2 (pickle, 48), 48, FALSE);
    add_pattern (g_strdup_printf ("olm pickle %u (middle)", i),
        g_memdup2 (pickle + strlen (pickle) / 2, 48), 48, FALSE);
    OPENSSL_cleanse (pickle, strlen (pickle));
    g_free (pickle);
  }
  g_ptr_array_unref (pickles);
}

/* The secrets inside olm's objects: pickled under a key of ours, then
 * decrypted as libolm 3.2 writes them: unpadded base64 of AES-256-CBC of
 * the plaintext then an 8-byte HMAC-SHA-256, under 80 bytes of HKDF-SHA-256
 * (pickle key, no salt, info "Pickle"). */
static guint8 *
olm_unpickle (const gchar * pickle, const guint8 * key, gsize * out_len)
{
  EVP_KDF *kdf = EVP_KDF_fetch (NULL, OSSL_KDF_NAME_HKDF, NULL);
  EVP_KDF_CTX *kctx = EVP_KDF_CTX_new (kdf);
  EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new ();
  OSSL_PARAM params[4];
  guint8 derived[80], *raw, *plain;
  gchar *padded;
  gsize raw_len;
  int n1 = 0, n2 = 0;

  padded = g_strnfill ((strlen (pickle) + 3) / 4 * 4, '=');
  memcpy (padded, pickle, strlen (pickle));
  raw = g_base64_decode (padded, &raw_len);
  g_free (padded);
  fail_unless (raw_len > 8 && (raw_len - 8) % 16 == 0);

  params[0] = OSSL_PARAM_construct_utf8_string (OSSL_KDF_PARAM_DIGEST,
      (char *) "SHA256", 0);
  params[1] = OSSL_PARAM_construct_octet_string (OSSL_KDF_PARAM_KEY,
      (void *) key, 32);
  params[2] = OSSL_PARAM_construct_octet_string (OSSL_KDF_PARAM_INFO,
      (void *) "Pickle", 6);
  params[3] = OSSL_PARAM_construct_end ();
  fail_unless (EVP_KDF_derive (kctx, derived, sizeof (derived), params) == 1);
  EVP_KDF_CTX_free (kctx);
  EVP_KDF_free (kdf);

  plain = g_malloc (raw_len);
  fail_unless (EVP_DecryptInit_ex (ctx, EVP_aes_256_cbc (), NULL, derived,
          derived + 64) == 1);
  fail_unless (EVP_DecryptUpdate (ctx, plain, &n1, raw, raw_len - 8) == 1);
  fail_unless (EVP_DecryptFinal_ex (ctx, plain + n1, &n2) == 1,
      "not an olm pickle under this key");
  EVP_CIPHER_CTX_free (ctx);
  OPENSSL_cleanse (derived, sizeof (derived));
  g_free (raw);
  *out_len = n1 + n2;
  return plain;
}

typedef struct
{
  const guint8 *data;
  gsize len, pos;
} Reader;

static const guint8 *
take (Reader * r, gsize n)
{
  const guint8 *p = r->data + r->pos;

  fail_unless (r->pos + n <= r->len, "olm pickle shorter than expected");
  r->pos += n;
  return p;
}

static guint32
take_u32 (Reader * r)
{
  const guint8 *p = take (r, 4);

  return ((guint32) p[0] << 24) | ((guint32) p[1] << 16) | ((guint32) p[2] << 8)
      | p[3];
}

/* account pickle, version 4: identity keys (ed25519 public 32, private 64;
 * curve25519 public 32, private 32), one-time keys (count; id, published,
 * public, private), fallback keys (count byte; the same), next key id */
static void
add_olm_account_secrets (const gchar * who, const guint8 * plain, gsize len)
{
  Reader r = { plain, len, 0 };
  guint32 n, i;
  gchar *what;

  fail_unless_equals_int (take_u32 (&r), 4);
  take (&r, 32);
  what = g_strdup_printf ("ed25519 identity private key of %s", who);
  add_secret (what, take (&r, 64), 64, TRUE);
  g_free (what);
  take (&r, 32);
  what = g_strdup_printf ("curve25519 identity private key of %s", who);
  add_secret (what, take (&r, 32), 32, TRUE);
  g_free (what);
  for (n = take_u32 (&r), i = 0; i < n; i++) {
    take (&r, 4 + 1 + 32);
    what = g_strdup_printf ("one-time private key of %s", who);
    add_secret (what, take (&r, 32), 32, TRUE);
    g_free (what);
  }
  for (n = *take (&r, 1), i = 0; i < n; i++) {
    take (&r, 4 + 1 + 32);
    what = g_strdup_printf ("fallback private key of %s", who);
    add_secret (what, take (&r, 32), 32, TRUE);
    g_free (what);
  }
  take_u32 (&r);
  fail_unless_equals_int (r.pos, len);
}

/* session pickle, version 1: received flag, three public keys, then the
 * ratchet: root key; sender chain (count; ratchet key pair, chain key and
 * index); receiver chains (count; ratchet public key, chain key, index);
 * skipped message keys (count; ratchet public key, message key, index) */
static void
add_olm_session_secrets (const gchar * who, const guint8 * plain, gsize len)
{
  Reader r = { plain, len, 0 };
  guint32 n, i;
  gchar *what;

  fail_unless_equals_int (take_u32 (&r), 1);
  take (&r, 1 + 3 * 32);
  what = g_strdup_printf ("olm root key of a session of %s", who);
  add_secret (what, take (&r, 32), 32, TRUE);
  g_free (what);
  for (n = take_u32 (&r), i = 0; i < n; i++) {
    take (&r, 32);
    what = g_strdup_printf ("olm ratchet private key of %s", who);
    add_secret (what, take (&r, 32), 32, TRUE);
    g_free (what);
    what = g_strdup_printf ("olm sending chain key of %s", who);
    add_secret (what, take (&r, 32), 32, TRUE);
    g_free (what);
    take_u32 (&r);
  }
  for (n = take_u32 (&r), i = 0; i < n; i++) {
    take (&r, 32);
    what = g_strdup_printf ("olm receiving chain key of %s", who);
    add_secret (what, take (&r, 32), 32, TRUE);
    g_free (what);
    take_u32 (&r);
  }
  for (n = take_u32 (&r), i = 0; i < n; i++) {
    take (&r, 32);
    what = g_strdup_printf ("olm skipped message key of %s", who);
    add_secret (what, take (&r, 32), 32, TRUE);
    g_free (what);
    take_u32 (&r);
  }
  fail_unless_equals_int (r.pos, len);
}

/* The private keys of @m's olm account and the keys of its sessions */
void
add_manager_olm_secrets (GstE2eeKeyManager * m)
{
  static const guint8 pickle_key[32] = { 0x5a, };
  GPtrArray *pickles = gst_e2ee_key_manager_test_dup_pickles (m, pickle_key,
      sizeof (pickle_key));
  gchar *id = gst_e2ee_key_manager_dup_local_id (m);
  guint i;

  for (i = 0; i < pickles->len; i++) {
    gchar *pickle = g_ptr_array_index (pickles, i);
    gsize len;
    guint8 *plain = olm_unpickle (pickle, pickle_key, &len);

    if (i == 0)
      add_olm_account_secrets (id, plain, len);
    else
      add_olm_session_secrets (id, plain, len);
    OPENSSL_cleanse (plain, len);
    g_free (plain);
    g_free (pickle);
  }
  g_ptr_array_unref (pickles);
  g_free (id);
}

/* What pattern @i is, for reports */
const gchar *
secret_what (gint i)
{
  return patterns[i].what;
}

/* How many patterns there are */
gint
secret_count (void)
{
  return __atomic_load_n (&n_patterns, __ATOMIC_ACQUIRE);
}
