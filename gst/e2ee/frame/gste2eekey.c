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
 * SECTION:gste2eekey
 * @title: GstE2eeKey
 * @short_description: media keys, key schedules and ratchets
 *
 * A #GstE2eeKey is made from key material and a #GstE2eeKdf. It derives its
 * AES-GCM key once, at creation, and sets up one encryption and one
 * decryption context that every later frame reuses: the per-frame path does
 * no key derivation and no cipher setup, only an IV change.
 *
 * Key schedules, as the Jitsi Meet and LiveKit web clients implement them
 * with WebCrypto:
 *
 * - jitsi: AES-128 key = HKDF-SHA256 (material, salt "JFrameEncryptionKey",
 *   info empty, 16 bytes); ratchet = HKDF-SHA256 (material, salt
 *   "JFrameRatchetKey", info empty, 32 bytes).
 * - livekit, raw key: AES-128 key = HKDF-SHA256 (material, salt
 *   "LKFrameEncryptionKey", info 128 zero bytes, 16 bytes); ratchet: the same
 *   HKDF, 32 bytes.
 * - livekit, passphrase: AES-128 key = PBKDF2-SHA256 (material, salt
 *   "LKFrameEncryptionKey", 100000 iterations, 16 bytes); ratchet: the same
 *   PBKDF2, 32 bytes, which become the new PBKDF2 material.
 * - livekit-256 (LiveKit's `keySize: 256`): as livekit, but the HKDF (or
 *   PBKDF2) gives 32 bytes, an AES-256 key; the ratchet is livekit's.
 * - talk (Nextcloud Talk): as jitsi with the salts "TalkFrameEncryptionKey"
 *   and "TalkFrameRatchetKey".
 * - raw: the material is the AES key (AES-128 or AES-256); no ratchet.
 *
 * Material is kept only as long as the key lives and is wiped with
 * OPENSSL_cleanse() when the last reference goes.
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <gst/e2ee/gste2eekey.h>
#include "gste2eekey-private.h"

#include <string.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/kdf.h>

#define JITSI_ENC_SALT "JFrameEncryptionKey"
#define JITSI_RATCHET_SALT "JFrameRatchetKey"
#define LIVEKIT_SALT "LKFrameEncryptionKey"
#define TALK_ENC_SALT "TalkFrameEncryptionKey"
#define TALK_RATCHET_SALT "TalkFrameRatchetKey"
#define LIVEKIT_INFO_LEN 128
#define LIVEKIT_PBKDF2_ITERATIONS 100000
#define MATERIAL_SIZE 32
#define AES128_KEY_SIZE 16
#define AES256_KEY_SIZE 32

struct _GstE2eeKey
{
  gint refcount;
  GstE2eeKdf kdf;
  /* livekit and livekit-256 only: material is PBKDF2 input, not HKDF
   * input */
  gboolean pbkdf2;
  guint8 *material;
  gsize material_len;
  EVP_CIPHER_CTX *ectx;
  EVP_CIPHER_CTX *dctx;
  /* the next key of the ratchet, derived at most once (see
   * _gst_e2ee_key_get_next()); owned, set atomically */
  GstE2eeKey *next;
};

/* Work done by this thread, for tests that bound what a forged frame costs
 * (see _gst_e2ee_key_get_counters()). Per thread, so counting costs no
 * shared cache line on the streaming threads. */
static __thread guint64 counted_derivations;
static __thread guint64 counted_gcm_passes;

G_DEFINE_BOXED_TYPE (GstE2eeKey, gst_e2ee_key, gst_e2ee_key_ref,
    gst_e2ee_key_unref);

static gboolean
hkdf_sha256 (const guint8 * ikm, gsize ikm_len, const gchar * salt,
    const guint8 * info, gsize info_len, guint8 * out, gsize out_len)
{
  static EVP_KDF *kdf = NULL;
  EVP_KDF_CTX *kctx;
  OSSL_PARAM params[5], *p = params;
  gboolean ret;

  counted_derivations++;
  /* fetching is a provider lookup under locks: do it once per process */
  if (g_once_init_enter (&kdf)) {
    EVP_KDF *fetched = EVP_KDF_fetch (NULL, OSSL_KDF_NAME_HKDF, NULL);

    if (!fetched)
      g_error ("gst-e2ee: OpenSSL has no HKDF");
    g_once_init_leave (&kdf, fetched);
  }
  kctx = EVP_KDF_CTX_new (kdf);
  if (!kctx)
    return FALSE;

  *p++ = OSSL_PARAM_construct_utf8_string (OSSL_KDF_PARAM_DIGEST,
      (char *) "SHA256", 0);
  *p++ = OSSL_PARAM_construct_octet_string (OSSL_KDF_PARAM_KEY,
      (void *) ikm, ikm_len);
  *p++ = OSSL_PARAM_construct_octet_string (OSSL_KDF_PARAM_SALT,
      (void *) salt, strlen (salt));
  if (info_len > 0)
    *p++ = OSSL_PARAM_construct_octet_string (OSSL_KDF_PARAM_INFO,
        (void *) info, info_len);
  *p = OSSL_PARAM_construct_end ();

  ret = EVP_KDF_derive (kctx, out, out_len, params) == 1;
  EVP_KDF_CTX_free (kctx);
  return ret;
}

static gboolean
pbkdf2_sha256 (const guint8 * pass, gsize pass_len, guint8 * out, gsize out_len)
{
  if (pass_len > G_MAXINT)
    return FALSE;
  counted_derivations++;
  return PKCS5_PBKDF2_HMAC ((const char *) pass, (int) pass_len,
      (const unsigned char *) LIVEKIT_SALT, strlen (LIVEKIT_SALT),
      LIVEKIT_PBKDF2_ITERATIONS, EVP_sha256 (), (int) out_len, out) == 1;
}

/* Derives the AES key of @key's schedule into @aes, sets *aes_len. */
static gboolean
derive_aes_key (const GstE2eeKey * key, guint8 * aes, gsize * aes_len)
{
  static const guint8 zero_info[LIVEKIT_INFO_LEN] = { 0, };

  switch (key->kdf) {
    case GST_E2EE_KDF_JITSI:
      *aes_len = AES128_KEY_SIZE;
      return hkdf_sha256 (key->material, key->material_len, JITSI_ENC_SALT,
          NULL, 0, aes, AES128_KEY_SIZE);
    case GST_E2EE_KDF_TALK:
      *aes_len = AES128_KEY_SIZE;
      return hkdf_sha256 (key->material, key->material_len, TALK_ENC_SALT,
          NULL, 0, aes, AES128_KEY_SIZE);
    case GST_E2EE_KDF_LIVEKIT:
    case GST_E2EE_KDF_LIVEKIT_256:
      /* WebCrypto's deriveKey with AES-GCM of length 128 or 256: the first
       * 16 or 32 bytes of the same derivation */
      *aes_len = key->kdf == GST_E2EE_KDF_LIVEKIT_256 ? AES256_KEY_SIZE :
          AES128_KEY_SIZE;
      if (key->pbkdf2)
        return pbkdf2_sha256 (key->material, key->material_len, aes, *aes_len);
      return hkdf_sha256 (key->material, key->material_len, LIVEKIT_SALT,
          zero_info, sizeof (zero_info), aes, *aes_len);
    case GST_E2EE_KDF_RAW:
      *aes_len = key->material_len;
      memcpy (aes, key->material, key->material_len);
      return TRUE;
  }
  return FALSE;
}

static void
key_free (GstE2eeKey * key)
{
  /* the ratchet cached behind it goes (and is wiped) with it */
  if (key->next)
    gst_e2ee_key_unref (key->next);
  if (key->material) {
    OPENSSL_cleanse (key->material, key->material_len);
    g_free (key->material);
  }
  /* EVP_CIPHER_CTX_free() wipes the expanded key schedule */
  EVP_CIPHER_CTX_free (key->ectx);
  EVP_CIPHER_CTX_free (key->dctx);
  OPENSSL_cleanse (key, sizeof (*key));
  g_free (key);
}

/* Takes ownership of @material (which must be g_malloc'd). */
static GstE2eeKey *
key_new_take (GstE2eeKdf kdf, gboolean pbkdf2, guint8 * material,
    gsize material_len, GError ** error)
{
  GstE2eeKey *key;
  guint8 aes[AES256_KEY_SIZE];
  gsize aes_len = 0;
  const EVP_CIPHER *cipher;
  gboolean ok;

  key = g_new0 (GstE2eeKey, 1);
  key->refcount = 1;
  key->kdf = kdf;
  key->pbkdf2 = pbkdf2;
  key->material = material;
  key->material_len = material_len;

  if (!derive_aes_key (key, aes, &aes_len)) {
    g_set_error (error, GST_E2EE_ERROR, GST_E2EE_ERROR_CRYPTO,
        "key derivation failed");
    goto fail;
  }

  cipher = aes_len == AES256_KEY_SIZE ? EVP_aes_256_gcm () : EVP_aes_128_gcm ();
  key->ectx = EVP_CIPHER_CTX_new ();
  key->dctx = EVP_CIPHER_CTX_new ();
  ok = key->ectx && key->dctx
      && EVP_EncryptInit_ex (key->ectx, cipher, NULL, aes, NULL) == 1
      && EVP_DecryptInit_ex (key->dctx, cipher, NULL, aes, NULL) == 1;
  OPENSSL_cleanse (aes, sizeof (aes));
  if (!ok) {
    g_set_error (error, GST_E2EE_ERROR, GST_E2EE_ERROR_CRYPTO,
        "could not set up AES-GCM");
    goto fail;
  }

  /* raw keys never ratchet, so their material has no further use */
  if (kdf == GST_E2EE_KDF_RAW) {
    OPENSSL_cleanse (key->material, key->material_len);
    g_clear_pointer (&key->material, g_free);
    key->material_len = 0;
  }
  return key;

fail:
  key_free (key);
  return NULL;
}

/**
 * gst_e2ee_key_new:
 * @kdf: the key schedule
 * @material: (array length=len): the key material
 * @len: its length: 16 or 32 bytes
 * @error: (nullable): where to report a bad length or a crypto failure
 *
 * Makes a key from raw material. With %GST_E2EE_KDF_RAW a 16-byte key selects
 * AES-128-GCM and a 32-byte key AES-256-GCM; %GST_E2EE_KDF_LIVEKIT_256
 * derives an AES-256 key and the other schedules an AES-128 key, whatever the
 * material's length. The caller may wipe @material afterwards.
 *
 * Returns: (transfer full) (nullable): the new key
 *
 * MT safe.
 *
 * Since: 0.1
 */
GstE2eeKey *
gst_e2ee_key_new (GstE2eeKdf kdf, const guint8 * material, gsize len,
    GError ** error)
{
  g_return_val_if_fail (material != NULL || len == 0, NULL);
  g_return_val_if_fail (kdf <= GST_E2EE_KDF_LIVEKIT_256, NULL);

  if (len != AES128_KEY_SIZE && len != AES256_KEY_SIZE) {
    g_set_error (error, GST_E2EE_ERROR, GST_E2EE_ERROR_KEY_LENGTH,
        "key has %" G_GSIZE_FORMAT " bytes, must be 16 or 32", len);
    return NULL;
  }

  return key_new_take (kdf, FALSE, g_memdup2 (material, len), len, error);
}

/**
 * gst_e2ee_key_new_from_passphrase:
 * @kdf: the key schedule; only %GST_E2EE_KDF_LIVEKIT and
 *   %GST_E2EE_KDF_LIVEKIT_256 take a passphrase
 * @passphrase: a non-empty UTF-8 passphrase
 * @error: (nullable): where to report an unusable schedule or passphrase
 *
 * Makes a key from a passphrase as LiveKit's web client does (PBKDF2-SHA256,
 * 100000 iterations; 16 bytes for an AES-128 key, 32 for %GST_E2EE_KDF_LIVEKIT_256).
 * This is slow by design, and so is every ratchet of such a key.
 *
 * Returns: (transfer full) (nullable): the new key
 *
 * MT safe.
 *
 * Since: 0.1
 */
GstE2eeKey *
gst_e2ee_key_new_from_passphrase (GstE2eeKdf kdf, const gchar * passphrase,
    GError ** error)
{
  gsize len;

  g_return_val_if_fail (passphrase != NULL, NULL);

  if (kdf != GST_E2EE_KDF_LIVEKIT && kdf != GST_E2EE_KDF_LIVEKIT_256) {
    g_set_error (error, GST_E2EE_ERROR, GST_E2EE_ERROR_PASSPHRASE,
        "a passphrase needs kdf=livekit or kdf=livekit-256");
    return NULL;
  }
  len = strlen (passphrase);
  if (len == 0 || !g_utf8_validate (passphrase, len, NULL)) {
    g_set_error (error, GST_E2EE_ERROR, GST_E2EE_ERROR_PASSPHRASE,
        "the passphrase must be non-empty UTF-8");
    return NULL;
  }

  return key_new_take (kdf, TRUE, g_memdup2 (passphrase, len), len, error);
}

const guint8 *
_gst_e2ee_key_peek_material (const GstE2eeKey * key, gsize * len)
{
  *len = key->material_len;
  return key->material;
}

/**
 * gst_e2ee_key_ref:
 * @key: a key
 *
 * Returns: (transfer full): @key
 *
 * MT safe.
 *
 * Since: 0.1
 */
GstE2eeKey *
gst_e2ee_key_ref (GstE2eeKey * key)
{
  g_return_val_if_fail (key != NULL, NULL);

  g_atomic_int_inc (&key->refcount);
  return key;
}

/**
 * gst_e2ee_key_unref:
 * @key: (transfer full): a key
 *
 * Drops a reference; the last one wipes and frees the key.
 *
 * MT safe.
 *
 * Since: 0.1
 */
void
gst_e2ee_key_unref (GstE2eeKey * key)
{
  g_return_if_fail (key != NULL);

  if (g_atomic_int_dec_and_test (&key->refcount))
    key_free (key);
}

/**
 * gst_e2ee_key_get_kdf:
 * @key: a key
 *
 * Returns: the key schedule of @key
 *
 * Since: 0.1
 */
GstE2eeKdf
gst_e2ee_key_get_kdf (const GstE2eeKey * key)
{
  g_return_val_if_fail (key != NULL, GST_E2EE_KDF_RAW);

  return key->kdf;
}

/**
 * gst_e2ee_key_can_ratchet:
 * @key: a key
 *
 * Returns: whether @key's schedule has a ratchet (all but raw)
 *
 * Since: 0.1
 */
gboolean
gst_e2ee_key_can_ratchet (const GstE2eeKey * key)
{
  g_return_val_if_fail (key != NULL, FALSE);

  return key->kdf != GST_E2EE_KDF_RAW;
}

gboolean
_gst_e2ee_key_ratchet_material (GstE2eeKdf kdf, const guint8 * in,
    gsize in_len, guint8 * out)
{
  static const guint8 zero_info[LIVEKIT_INFO_LEN] = { 0, };

  switch (kdf) {
    case GST_E2EE_KDF_JITSI:
      return hkdf_sha256 (in, in_len, JITSI_RATCHET_SALT, NULL, 0, out,
          MATERIAL_SIZE);
    case GST_E2EE_KDF_TALK:
      return hkdf_sha256 (in, in_len, TALK_RATCHET_SALT, NULL, 0, out,
          MATERIAL_SIZE);
    case GST_E2EE_KDF_LIVEKIT:
    case GST_E2EE_KDF_LIVEKIT_256:
      return hkdf_sha256 (in, in_len, LIVEKIT_SALT, zero_info,
          sizeof (zero_info), out, MATERIAL_SIZE);
    case GST_E2EE_KDF_RAW:
      break;
  }
  return FALSE;
}

/**
 * gst_e2ee_key_ratchet:
 * @key: a key whose schedule has a ratchet
 * @error: (nullable): where to report a failure
 *
 * Makes the next key of @key's ratchet: its material is derived one-way from
 * @key's, so a holder of the new key cannot compute the old one.
 *
 * Returns: (transfer full) (nullable): the ratcheted key, or %NULL for a raw
 *   key or on failure
 *
 * MT safe.
 *
 * Since: 0.1
 */
GstE2eeKey *
gst_e2ee_key_ratchet (const GstE2eeKey * key, GError ** error)
{
  guint8 *next;
  gboolean ok = FALSE;

  g_return_val_if_fail (key != NULL, NULL);

  if (key->kdf == GST_E2EE_KDF_RAW) {
    g_set_error (error, GST_E2EE_ERROR, GST_E2EE_ERROR_KEY_LENGTH,
        "raw keys have no ratchet");
    return NULL;
  }

  next = g_malloc (MATERIAL_SIZE);
  if (key->pbkdf2)
    ok = pbkdf2_sha256 (key->material, key->material_len, next, MATERIAL_SIZE);
  else
    ok = _gst_e2ee_key_ratchet_material (key->kdf, key->material,
        key->material_len, next);
  if (!ok) {
    OPENSSL_cleanse (next, MATERIAL_SIZE);
    g_free (next);
    g_set_error (error, GST_E2EE_ERROR, GST_E2EE_ERROR_CRYPTO,
        "ratchet derivation failed");
    return NULL;
  }

  return key_new_take (key->kdf, key->pbkdf2, next, MATERIAL_SIZE, error);
}

/*
 * _gst_e2ee_key_get_next:
 * @key: a key whose schedule has a ratchet
 *
 * As gst_e2ee_key_ratchet(), but the next key is derived only the first
 * time and then kept by @key, which frees and wipes it with itself. A
 * receiver tries the same ratchet steps on every frame that does not
 * authenticate: without this, each forged frame would cost the derivations
 * of the whole window again (PBKDF2 for a passphrase key). A key that
 * replaces @key in a ring starts without a cache, as its ratchet differs.
 *
 * MT safe.
 *
 * Returns: (transfer full) (nullable): the next key, %NULL for a raw key or
 *   on failure
 */
GstE2eeKey *
_gst_e2ee_key_get_next (GstE2eeKey * key)
{
  GstE2eeKey *next;

  g_return_val_if_fail (key != NULL, NULL);

  next = g_atomic_pointer_get (&key->next);
  if (next)
    return gst_e2ee_key_ref (next);
  next = gst_e2ee_key_ratchet (key, NULL);
  if (!next)
    return NULL;
  /* two threads may race to derive it: one result is kept */
  if (!g_atomic_pointer_compare_and_exchange (&key->next, NULL, next)) {
    gst_e2ee_key_unref (next);
    next = g_atomic_pointer_get (&key->next);
  }
  return gst_e2ee_key_ref (next);
}

void
_gst_e2ee_key_get_counters (guint64 * derivations, guint64 * gcm_passes)
{
  if (derivations)
    *derivations = counted_derivations;
  if (gcm_passes)
    *gcm_passes = counted_gcm_passes;
}

/*
 * gst_e2ee_key_seal:
 * @key: a key
 * @iv: (array fixed-size=12): the IV, never used before under this key
 * @aad: (array length=aad_len) (nullable): additional authenticated data
 * @aad_len: length of @aad
 * @data: (array length=len) (inout): plaintext, encrypted in place
 * @len: length of @data
 * @tag: (out caller-allocates) (array fixed-size=16): the GCM tag
 *
 * AES-GCM encryption in place. @aad and @data must not overlap.
 *
 * Not MT safe for the same @key.
 *
 * Returns: %FALSE if OpenSSL failed (then @data is undefined)
 */
gboolean
gst_e2ee_key_seal (GstE2eeKey * key, const guint8 * iv, const guint8 * aad,
    gsize aad_len, guint8 * data, gsize len, guint8 * tag)
{
  return gst_e2ee_key_seal_into (key, iv, aad, aad_len, data, data, len, tag);
}

/*
 * gst_e2ee_key_seal_into:
 * @key: a key
 * @iv: (array fixed-size=12): the IV, never used before under this key
 * @aad: (array length=aad_len) (nullable): additional authenticated data
 * @aad_len: length of @aad
 * @in: (array length=len): plaintext
 * @out: (array length=len) (out caller-allocates): where the ciphertext
 *   goes: @in itself, or memory that does not overlap it
 * @len: length of @in and @out
 * @tag: (out caller-allocates) (array fixed-size=16): the GCM tag
 *
 * AES-GCM encryption from @in to @out, one pass over the data. @aad must
 * not overlap @out.
 *
 * Not MT safe for the same @key.
 *
 * Returns: %FALSE if OpenSSL failed (then @out is undefined)
 */
gboolean
gst_e2ee_key_seal_into (GstE2eeKey * key, const guint8 * iv,
    const guint8 * aad, gsize aad_len, const guint8 * in, guint8 * out,
    gsize len, guint8 * tag)
{
  EVP_CIPHER_CTX *ctx;
  int outl;

  g_return_val_if_fail (key != NULL && iv != NULL && tag != NULL, FALSE);
  g_return_val_if_fail ((in != NULL && out != NULL) || len == 0, FALSE);

  if (len > G_MAXINT || aad_len > G_MAXINT)
    return FALSE;

  ctx = key->ectx;
  counted_gcm_passes++;
  if (EVP_EncryptInit_ex (ctx, NULL, NULL, NULL, iv) != 1)
    return FALSE;
  if (aad_len > 0
      && EVP_EncryptUpdate (ctx, NULL, &outl, aad, (int) aad_len) != 1)
    return FALSE;
  if (len > 0 && EVP_EncryptUpdate (ctx, out, &outl, in, (int) len) != 1)
    return FALSE;
  if (EVP_EncryptFinal_ex (ctx, out + len, &outl) != 1)
    return FALSE;
  return EVP_CIPHER_CTX_ctrl (ctx, EVP_CTRL_GCM_GET_TAG,
      GST_E2EE_AES_GCM_TAG_SIZE, tag) == 1;
}

/*
 * gst_e2ee_key_open:
 * @key: a key
 * @iv: (array fixed-size=12): the IV the sender used
 * @aad: (array length=aad_len) (nullable): additional authenticated data
 * @aad_len: length of @aad
 * @data: (array length=len) (inout): ciphertext, decrypted in place
 * @len: length of @data
 * @tag: (array fixed-size=16): the GCM tag to check
 *
 * AES-GCM decryption in place. When the tag does not verify, @data is put back
 * as it was (the CTR keystream is applied a second time), so the caller can
 * try another key on the same bytes without having copied them.
 *
 * Not MT safe for the same @key.
 *
 * Returns: %TRUE if the frame is authentic and @data now holds the plaintext
 */
gboolean
gst_e2ee_key_open (GstE2eeKey * key, const guint8 * iv, const guint8 * aad,
    gsize aad_len, guint8 * data, gsize len, const guint8 * tag)
{
  return gst_e2ee_key_open_into (key, iv, aad, aad_len, data, data, len, tag);
}

/*
 * gst_e2ee_key_open_into:
 * @key: a key
 * @iv: (array fixed-size=12): the IV the sender used
 * @aad: (array length=aad_len) (nullable): additional authenticated data
 * @aad_len: length of @aad
 * @in: (array length=len): ciphertext
 * @out: (array length=len) (out caller-allocates): where the plaintext goes:
 *   @in itself, or memory that does not overlap it
 * @len: length of @in and @out
 * @tag: (array fixed-size=16): the GCM tag to check
 *
 * AES-GCM decryption from @in to @out, one pass over the data. When the tag
 * does not verify, @out holds what @in held (decrypted bytes of a frame
 * that is not authentic never stay in memory), so decrypting in place
 * leaves the ciphertext as it came.
 *
 * Not MT safe for the same @key.
 *
 * Returns: %TRUE if the frame is authentic and @out now holds the plaintext
 */
gboolean
gst_e2ee_key_open_into (GstE2eeKey * key, const guint8 * iv,
    const guint8 * aad, gsize aad_len, const guint8 * in, guint8 * out,
    gsize len, const guint8 * tag)
{
  EVP_CIPHER_CTX *ctx;
  guint8 tag_copy[GST_E2EE_AES_GCM_TAG_SIZE];
  int outl;
  gboolean decrypted = FALSE;

  g_return_val_if_fail (key != NULL && iv != NULL && tag != NULL, FALSE);
  g_return_val_if_fail ((in != NULL && out != NULL) || len == 0, FALSE);

  if (len > G_MAXINT || aad_len > G_MAXINT)
    return FALSE;

  /* the tag may sit in @out (a trailer right after the ciphertext) */
  memcpy (tag_copy, tag, sizeof (tag_copy));
  ctx = key->dctx;
  counted_gcm_passes++;
  if (EVP_DecryptInit_ex (ctx, NULL, NULL, NULL, iv) != 1)
    return FALSE;
  if (aad_len > 0
      && EVP_DecryptUpdate (ctx, NULL, &outl, aad, (int) aad_len) != 1)
    return FALSE;
  if (len > 0) {
    if (EVP_DecryptUpdate (ctx, out, &outl, in, (int) len) != 1)
      goto restore;
    decrypted = TRUE;
  }
  if (EVP_CIPHER_CTX_ctrl (ctx, EVP_CTRL_GCM_SET_TAG,
          GST_E2EE_AES_GCM_TAG_SIZE, tag_copy) != 1)
    goto restore;
  if (EVP_DecryptFinal_ex (ctx, out + len, &outl) == 1)
    return TRUE;

restore:
  if (in != out) {
    if (len > 0)
      memcpy (out, in, len);
  } else if (decrypted) {
    /* CTR is its own inverse: a second pass restores the ciphertext */
    counted_gcm_passes++;
    if (EVP_EncryptInit_ex (key->ectx, NULL, NULL, NULL, iv) != 1
        || EVP_EncryptUpdate (key->ectx, out, &outl, out, (int) len) != 1)
      g_critical ("gst-e2ee: could not restore a ciphertext");
  }
  return FALSE;
}

/*
 * gst_e2ee_key_verify:
 * @key: a key
 * @iv: (array fixed-size=12): the IV the sender used
 * @aad: (array length=aad_len) (nullable): additional authenticated data
 * @aad_len: length of @aad
 * @data: (array length=len): ciphertext, not changed
 * @len: length of @data
 * @tag: (array fixed-size=16): the GCM tag to check
 *
 * Whether @data authenticates, in one pass that writes nothing but a small
 * buffer on the stack (wiped): a receiver that tries several keys or
 * headers on one frame checks each this way and decrypts only the one that
 * works, instead of decrypting and restoring the frame for every attempt.
 *
 * Not MT safe for the same @key.
 */
gboolean
gst_e2ee_key_verify (GstE2eeKey * key, const guint8 * iv, const guint8 * aad,
    gsize aad_len, const guint8 * data, gsize len, const guint8 * tag)
{
  EVP_CIPHER_CTX *ctx;
  guint8 tag_copy[GST_E2EE_AES_GCM_TAG_SIZE];
  guint8 scratch[4096];
  gboolean ok = FALSE;
  gsize done;
  int outl;

  g_return_val_if_fail (key != NULL && iv != NULL && tag != NULL, FALSE);
  g_return_val_if_fail (data != NULL || len == 0, FALSE);

  if (len > G_MAXINT || aad_len > G_MAXINT)
    return FALSE;

  memcpy (tag_copy, tag, sizeof (tag_copy));
  ctx = key->dctx;
  counted_gcm_passes++;
  if (EVP_DecryptInit_ex (ctx, NULL, NULL, NULL, iv) != 1)
    return FALSE;
  if (aad_len > 0
      && EVP_DecryptUpdate (ctx, NULL, &outl, aad, (int) aad_len) != 1)
    return FALSE;
  for (done = 0; done < len; done += sizeof (scratch)) {
    gsize n = MIN (sizeof (scratch), len - done);

    if (EVP_DecryptUpdate (ctx, scratch, &outl, data + done, (int) n) != 1)
      goto out;
  }
  if (EVP_CIPHER_CTX_ctrl (ctx, EVP_CTRL_GCM_SET_TAG,
          GST_E2EE_AES_GCM_TAG_SIZE, tag_copy) != 1)
    goto out;
  ok = EVP_DecryptFinal_ex (ctx, scratch, &outl) == 1;

out:
  OPENSSL_cleanse (scratch, sizeof (scratch));
  return ok;
}
