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
 * SECTION:gste2eejframe
 * @title: JFrame
 * @short_description: the frame format of Jitsi Meet and LiveKit
 *
 * |[
 *  | clear header (H) | AES-GCM ciphertext | tag (16) | IV (12) | 0x0C | KID |
 * ]|
 *
 * The clear header is the additional authenticated data. H depends on the
 * codec (see gst_e2ee_codec_clear_size()), and is never more than the frame
 * holds: a frame shorter than its codec's H is all header and an empty
 * ciphertext, and our receiver, which sees the same first byte and the same
 * length, comes to the same H. (The web clients cannot make such frames and
 * do not open them; no real VP8 or Opus frame is that short.)
 *
 * An application needs one call each way:
 *
 * - gst_e2ee_jframe_seal_into() seals a frame of any codec into memory the
 *   caller provides, gst_e2ee_jframe_sealed_size() bytes of it: H.264, H.265
 *   and AV1 frames change size when sealed (canonical form and RBSP
 *   escaping; a rewritten OBU size), the others grow by the trailer;
 * - gst_e2ee_jframe_open() opens a frame of any codec in place, since
 *   opening only shrinks it, and leaves the frame as it was when no key
 *   authenticates it.
 *
 * Two more calls spare the e2eeenc and e2eedec elements a copy of audio, VP8
 * and VP9 frames, whose sealed form is the frame plus a trailer:
 * gst_e2ee_jframe_seal() encrypts the frame's own bytes and writes the
 * 30-byte trailer where the caller wants it (the element puts it in a memory
 * of its own), and gst_e2ee_jframe_open_split() opens a frame whose trailer
 * is kept apart from its body, into the body itself or into other memory.
 *
 * A sender draws its IVs from a #GstE2eeIvSource.
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gste2eejframe-private.h"
#include "gste2eeframeformat-private.h"
#include "gste2eekey-private.h"
#include "gste2eekeyring-private.h"
#include "gste2eecodec-private.h"
#include "gste2eerbsp-private.h"

#include <string.h>

#define IV_LENGTH_BYTE GST_E2EE_IV_SIZE
/* room for RBSP escapes beyond the sealed size: random bytes need one in
 * about four million, the trailer a few at most; a frame that needs more is
 * sealed again into a larger buffer (gst_e2ee_jframe_seal_into()) */
#define ESCAPE_SLACK(len) (16 + (len) / 1024)
#define MAX_AAD_CANDIDATES 4

/**
 * gst_e2ee_iv_source_init:
 * @src: (out caller-allocates): an IV source
 *
 * Draws the 32-bit prefix and the 64-bit starting counter from the CSPRNG.
 * Each instance thus walks its own stretch of a 96-bit space: two instances
 * under one key (a restart, audio and video sharing a key, participants
 * sharing a passphrase) collide only if their prefixes match and their
 * counter ranges overlap, a chance of about n / 2^95 for n frames, and the
 * IV tells an observer neither when the sender started nor how many frames
 * it has sent.
 *
 * Returns: %FALSE if the CSPRNG failed
 *
 * Since: 0.1
 */
gboolean
gst_e2ee_iv_source_init (GstE2eeIvSource * src)
{
  guint8 r[12];
  guint32 prefix = 0;
  guint64 counter = 0;
  guint i;

  g_return_val_if_fail (src != NULL, FALSE);

  if (!gst_e2ee_random_bytes (r, sizeof (r)))
    return FALSE;
  for (i = 0; i < 4; i++)
    prefix = (prefix << 8) | r[i];
  for (i = 4; i < 12; i++)
    counter = (counter << 8) | r[i];
  gst_e2ee_iv_source_init_full (src, prefix, counter);
  return TRUE;
}

/*
 * gst_e2ee_iv_source_init_full:
 * @src: (out caller-allocates): an IV source
 * @prefix: the fixed field
 * @counter: the first counter value
 *
 * For tests and known-answer vectors.
 */
void
gst_e2ee_iv_source_init_full (GstE2eeIvSource * src, guint32 prefix,
    guint64 counter)
{
  g_return_if_fail (src != NULL);

  src->prefix = prefix;
  src->counter = counter;
}

/**
 * gst_e2ee_iv_source_next:
 * @src: an IV source
 * @iv: (out caller-allocates) (array fixed-size=12): the next IV
 *
 * Not MT safe.
 *
 * Since: 0.1
 */
void
gst_e2ee_iv_source_next (GstE2eeIvSource * src, guint8 * iv)
{
  guint i;

  /* byte by byte: @iv has no alignment */
  for (i = 0; i < 4; i++)
    iv[i] = (guint8) (src->prefix >> (24 - 8 * i));
  for (i = 0; i < 8; i++)
    iv[4 + i] = (guint8) (src->counter >> (56 - 8 * i));
  src->counter++;
}

/* H for a frame whose trailer is standard, for gst_e2ee_jframe_parse():
 * @body bytes precede the trailer. 0 means the frame does not follow its
 * codec's syntax. */
static gsize
parse_clear_len (GstE2eeCodec codec, const guint8 * frame, gsize size,
    gsize body)
{
  switch (codec) {
    case GST_E2EE_CODEC_H264:
    case GST_E2EE_CODEC_H265:
      return gst_e2ee_codec_clear_size (codec, frame, body);
    case GST_E2EE_CODEC_AV1:{
      gsize h = gst_e2ee_codec_clear_size (codec, frame, size);

      /* the ciphertext holds at least the original size field */
      return h < body ? h : 0;
    }
    default:
      return gst_e2ee_codec_clear_size (codec, frame, body);
  }
}

/*
 * gst_e2ee_jframe_parse:
 * @codec: the stream's codec
 * @frame: (array length=size): a received JFrame (for H.264 and H.265,
 *   unescaped)
 * @size: its length
 * @info: (out caller-allocates): where the parts are
 *
 * Checks every length before reading it.
 *
 * Returns: %GST_E2EE_FRAME_OK, %GST_E2EE_FRAME_TOO_SHORT,
 *   %GST_E2EE_FRAME_BAD_IV_LENGTH or %GST_E2EE_FRAME_BAD_HEADER
 */
GstE2eeFrameResult
gst_e2ee_jframe_parse (GstE2eeCodec codec, const guint8 * frame, gsize size,
    GstE2eeJFrameInfo * info)
{
  gsize body;

  g_return_val_if_fail (info != NULL, GST_E2EE_FRAME_TOO_SHORT);
  g_return_val_if_fail (frame != NULL || size == 0, GST_E2EE_FRAME_TOO_SHORT);

  if (size < GST_E2EE_JFRAME_TRAILER_SIZE)
    return GST_E2EE_FRAME_TOO_SHORT;
  if (frame[size - 2] != IV_LENGTH_BYTE)
    return GST_E2EE_FRAME_BAD_IV_LENGTH;

  body = size - GST_E2EE_JFRAME_TRAILER_SIZE;
  info->kid = frame[size - 1];
  info->iv = frame + size - 2 - GST_E2EE_IV_SIZE;
  info->tag = info->iv - GST_E2EE_AES_GCM_TAG_SIZE;
  info->clear_len = parse_clear_len (codec, frame, size, body);
  if (info->clear_len == 0 && !gst_e2ee_codec_seals_in_place (codec))
    return GST_E2EE_FRAME_BAD_HEADER;
  info->ciphertext_len = body - info->clear_len;
  return GST_E2EE_FRAME_OK;
}

static void
write_trailer (guint8 * trailer, const guint8 * iv, guint8 kid)
{
  memcpy (trailer + GST_E2EE_AES_GCM_TAG_SIZE, iv, GST_E2EE_IV_SIZE);
  trailer[GST_E2EE_JFRAME_TRAILER_SIZE - 2] = IV_LENGTH_BYTE;
  trailer[GST_E2EE_JFRAME_TRAILER_SIZE - 1] = kid;
}

/**
 * gst_e2ee_jframe_seal:
 * @key: the sender's current key
 * @kid: the KID byte to write (the key index's ring slot)
 * @iv: (array fixed-size=12): a fresh IV
 * @codec: the stream's codec, one that seals in place (see
 *   gst_e2ee_codec_seals_in_place())
 * @frame: (array length=size) (inout): the clear frame; all but its clear
 *   header is encrypted in place
 * @size: its length, at least 1
 * @trailer: (out caller-allocates) (array fixed-size=30): the bytes to
 *   append: tag, IV, IV length, KID
 *
 * Returns: %FALSE if the crypto library failed; then nothing may be sent
 *
 * Since: 0.1
 */
gboolean
gst_e2ee_jframe_seal (GstE2eeKey * key, guint8 kid, const guint8 * iv,
    GstE2eeCodec codec, guint8 * frame, gsize size, guint8 * trailer)
{
  gsize h;

  g_return_val_if_fail (key != NULL && iv != NULL && trailer != NULL, FALSE);
  g_return_val_if_fail (frame != NULL && size > 0, FALSE);
  g_return_val_if_fail (gst_e2ee_codec_seals_in_place (codec), FALSE);

  h = gst_e2ee_codec_clear_size (codec, frame, size);
  if (!gst_e2ee_key_seal (key, iv, frame, h, frame + h, size - h, trailer))
    return FALSE;
  write_trailer (trailer, iv, kid);
  return TRUE;
}

/**
 * gst_e2ee_jframe_sealed_size:
 * @codec: the stream's codec
 * @frame: (array length=size): a clear frame
 * @size: its length
 *
 * How much room gst_e2ee_jframe_seal_into() needs for @frame: the size of
 * the sealed frame, and for H.264 and H.265 some room for escapes, which
 * random bytes need in about one byte in four million.
 *
 * Returns: the room to give, or 0 if @frame is empty or cannot be sealed
 *   (an H.264 or H.265 access unit without a slice NAL unit, an AV1 temporal
 *   unit without an OBU to protect)
 *
 * Since: 0.1
 */
gsize
gst_e2ee_jframe_sealed_size (GstE2eeCodec codec, const guint8 * frame,
    gsize size)
{
  g_return_val_if_fail (frame != NULL || size == 0, 0);

  if (size == 0)
    return 0;

  switch (codec) {
    case GST_E2EE_CODEC_H264:
    case GST_E2EE_CODEC_H265:{
      gsize h = 0, canon = gst_e2ee_nal_canonical_size (codec, frame, size,
          &h);
      gsize escaped = canon - h + GST_E2EE_JFRAME_TRAILER_SIZE;

      if (canon == 0)
        return 0;
      return h + escaped + ESCAPE_SLACK (escaped);
    }
    case GST_E2EE_CODEC_AV1:{
      GstE2eeAv1Layout l;
      gsize span;

      if (!_gst_e2ee_av1_parse (frame, size, FALSE, &l))
        return 0;
      span = size - l.prefix_len + GST_E2EE_JFRAME_TRAILER_SIZE;
      if (span > G_MAXUINT32)
        return 0;
      return l.prefix_len + _gst_e2ee_leb128_size (span) + span;
    }
    default:
      return size + GST_E2EE_JFRAME_TRAILER_SIZE;
  }
}

static GstE2eeFrameResult
seal_nal (GstE2eeKey * key, guint8 kid, const guint8 * iv,
    GstE2eeCodec codec, const guint8 * frame, gsize size, guint8 * out,
    gsize out_size, gsize * sealed_size)
{
  gsize h = 0, canon, body, escaped;

  canon = gst_e2ee_nal_canonical_size (codec, frame, size, &h);
  if (canon == 0)
    return GST_E2EE_FRAME_BAD_HEADER;
  body = canon - h;
  if (out_size < canon + GST_E2EE_JFRAME_TRAILER_SIZE) {
    *sealed_size = gst_e2ee_jframe_sealed_size (codec, frame, size);
    return GST_E2EE_FRAME_NO_SPACE;
  }
  if (gst_e2ee_nal_canonicalize (frame, size, out, out_size) != canon)
    return GST_E2EE_FRAME_BAD_HEADER;
  if (!gst_e2ee_key_seal (key, iv, out, h, out + h, body, out + canon))
    return GST_E2EE_FRAME_CRYPTO_ERROR;
  write_trailer (out + canon, iv, kid);
  /* LiveKit escapes ciphertext and trailer alike */
  if (!gst_e2ee_rbsp_escape_in_place (out + h,
          body + GST_E2EE_JFRAME_TRAILER_SIZE, out_size - h, &escaped)) {
    *sealed_size = h + escaped;
    return GST_E2EE_FRAME_NO_SPACE;
  }
  *sealed_size = h + escaped;
  return GST_E2EE_FRAME_OK;
}

/* P || h || leb128(S) || q || E(leb128(s) || X) || trailer, where S spans the
 * rest of the frame (see the SECTION of gste2eecodec.c) */
static GstE2eeFrameResult
seal_av1 (GstE2eeKey * key, guint8 kid, const guint8 * iv,
    const guint8 * frame, gsize size, guint8 * out, gsize out_size,
    gsize * sealed_size)
{
  GstE2eeAv1Layout l;
  gsize rest, span, span_len, h, total;

  if (!_gst_e2ee_av1_parse (frame, size, FALSE, &l))
    return GST_E2EE_FRAME_BAD_HEADER;
  total = gst_e2ee_jframe_sealed_size (GST_E2EE_CODEC_AV1, frame, size);
  if (total == 0)
    return GST_E2EE_FRAME_BAD_HEADER;
  *sealed_size = total;
  if (out_size < total)
    return GST_E2EE_FRAME_NO_SPACE;

  span = size - l.prefix_len + GST_E2EE_JFRAME_TRAILER_SIZE;
  span_len = _gst_e2ee_leb128_size (span);
  rest = size - l.prefix_len - l.size_len - l.first_len;
  h = l.prefix_len + span_len + l.first_len;

  memcpy (out, frame, l.prefix_len);
  _gst_e2ee_leb128_write (span, out + l.prefix_len);
  memcpy (out + l.prefix_len + span_len,
      frame + l.prefix_len + l.size_len, l.first_len);
  /* the original size field, byte for byte, then the rest */
  memcpy (out + h, frame + l.prefix_len, l.size_len);
  memcpy (out + h + l.size_len, frame + l.prefix_len + l.size_len +
      l.first_len, rest);
  if (!gst_e2ee_key_seal (key, iv, out, h, out + h, l.size_len + rest,
          out + h + l.size_len + rest))
    return GST_E2EE_FRAME_CRYPTO_ERROR;
  write_trailer (out + h + l.size_len + rest, iv, kid);
  return GST_E2EE_FRAME_OK;
}

/**
 * gst_e2ee_jframe_seal_into:
 * @key: the sender's current key
 * @kid: the KID byte to write (the key index's ring slot)
 * @iv: (array fixed-size=12): a fresh IV
 * @codec: the stream's codec
 * @frame: (array length=size): the clear frame, not changed
 * @size: its length, at least 1
 * @out: (array length=out_size) (out caller-allocates): where the sealed
 *   frame goes; must not overlap @frame
 * @out_size: room at @out, best gst_e2ee_jframe_sealed_size()
 * @sealed_size: (out): the length of the sealed frame, or with
 *   %GST_E2EE_FRAME_NO_SPACE the room it needs
 *
 * Seals @frame into new memory; the only way for codecs whose sealed frame
 * is not the clear frame plus a trailer, and for the others (audio, VP8,
 * VP9) the way for a frame that may not be written: the clear header is
 * copied and the rest encrypted from @frame to @out in one pass. H.264 and H.265 access units are
 * put in canonical form (gst_e2ee_nal_canonicalize()), sealed, and the part
 * after the clear header escaped (gst_e2ee_rbsp_escape()). AV1 temporal
 * units get their first protected OBU's size rewritten.
 *
 * When an H.264 or H.265 frame needs more escapes than the room allows,
 * which random ciphertext practically never does, the result is
 * %GST_E2EE_FRAME_NO_SPACE: call again with @sealed_size bytes and the same
 * @iv, which gives the same bytes (nothing else is ever encrypted under that
 * IV).
 *
 * Returns: %GST_E2EE_FRAME_OK, %GST_E2EE_FRAME_BAD_HEADER (the frame cannot
 *   be sealed: drop it), %GST_E2EE_FRAME_NO_SPACE or
 *   %GST_E2EE_FRAME_CRYPTO_ERROR (nothing may be sent)
 *
 * Since: 0.1
 */
GstE2eeFrameResult
gst_e2ee_jframe_seal_into (GstE2eeKey * key, guint8 kid, const guint8 * iv,
    GstE2eeCodec codec, const guint8 * frame, gsize size, guint8 * out,
    gsize out_size, gsize * sealed_size)
{
  gsize h;

  g_return_val_if_fail (key != NULL && iv != NULL, GST_E2EE_FRAME_CRYPTO_ERROR);
  g_return_val_if_fail (frame != NULL && size > 0, GST_E2EE_FRAME_TOO_SHORT);
  g_return_val_if_fail (out != NULL || out_size == 0,
      GST_E2EE_FRAME_CRYPTO_ERROR);
  g_return_val_if_fail (sealed_size != NULL, GST_E2EE_FRAME_CRYPTO_ERROR);

  switch (codec) {
    case GST_E2EE_CODEC_H264:
    case GST_E2EE_CODEC_H265:
      return seal_nal (key, kid, iv, codec, frame, size, out, out_size,
          sealed_size);
    case GST_E2EE_CODEC_AV1:
      return seal_av1 (key, kid, iv, frame, size, out, out_size, sealed_size);
    default:
      break;
  }

  *sealed_size = size + GST_E2EE_JFRAME_TRAILER_SIZE;
  if (out_size < *sealed_size)
    return GST_E2EE_FRAME_NO_SPACE;
  /* the clear header copied, the rest encrypted on its way to @out */
  h = gst_e2ee_codec_clear_size (codec, frame, size);
  memcpy (out, frame, h);
  if (!gst_e2ee_key_seal_into (key, iv, frame, h, frame + h, out + h,
          size - h, out + size))
    return GST_E2EE_FRAME_CRYPTO_ERROR;
  write_trailer (out + size, iv, kid);
  return GST_E2EE_FRAME_OK;
}

/* The additional authenticated data to try, besides the clear header as it
 * came: H.264 and H.265 payloaders and depayloaders add copies of parameter
 * sets the sender did not authenticate (see add_nal_candidates()). */
typedef struct
{
  const guint8 *data[MAX_AAD_CANDIDATES];
  gsize len[MAX_AAD_CANDIDATES];
  guint n;
} AadCandidates;

/* What one frame may cost the receiver. Besides the current key there are
 * the previous key and up to ratchet_window ratchets to try, each with up
 * to MAX_AAD_CANDIDATES headers and, for H.264 and H.265, two readings of
 * the trailer: a forged frame would get them all. So the attempts per frame
 * are capped at the keys a frame can need (2 + ratchet_window) plus
 * EXTRA_ATTEMPTS, which covers every header and trailer reading of the
 * current key; the first attempt decrypts in place (the frame that
 * authenticates at once costs one pass) and the others only verify (one
 * pass that writes nothing), so a frame that does not authenticate costs at
 * most attempts + 1 GCM passes over its ciphertext (the + 1 puts the first
 * attempt's bytes back), and one that does at most attempts + 2. The
 * ratchet's keys are cached in the keys themselves
 * (_gst_e2ee_key_get_next()): no derivation after the first frame that
 * needs them. */
#define EXTRA_ATTEMPTS (MAX_AAD_CANDIDATES * 2)

typedef struct
{
  guint attempts;
  guint max_attempts;
} OpenBudget;

static void
budget_init (OpenBudget * budget, guint ratchet_window)
{
  budget->attempts = 0;
  budget->max_attempts = 2 + ratchet_window + EXTRA_ATTEMPTS;
}

/* @in and @out: the frame, and where its plaintext goes (the same, or
 * memory that does not overlap it) */
static gboolean
try_open (GstE2eeKey * key, const GstE2eeJFrameInfo * info,
    const AadCandidates * aad, const guint8 * in, guint8 * out,
    OpenBudget * budget)
{
  const guint8 *ct_in = in + info->clear_len;
  guint8 *ct_out = out + info->clear_len;
  guint i;

  for (i = 0; i < aad->n && budget->attempts < budget->max_attempts; i++) {
    if (budget->attempts++ == 0) {
      if (gst_e2ee_key_open_into (key, info->iv, aad->data[i], aad->len[i],
              ct_in, ct_out, info->ciphertext_len, info->tag))
        return TRUE;
    } else if (gst_e2ee_key_verify (key, info->iv, aad->data[i],
            aad->len[i], ct_in, info->ciphertext_len, info->tag)) {
      return gst_e2ee_key_open_into (key, info->iv, aad->data[i],
          aad->len[i], ct_in, ct_out, info->ciphertext_len, info->tag);
    }
  }
  return FALSE;
}

/* The receiver algorithm proper, on a parsed frame. */
static GstE2eeFrameResult
open_parsed (GstE2eeKeyRing * ring, const GstE2eeJFrameInfo * info,
    const AadCandidates * aad, guint ratchet_window, const guint8 * in,
    guint8 * out, guint * n_ratchets, OpenBudget * budget)
{
  GstE2eeFrameResult res;
  GstE2eeKey *key, *prev, *cur;
  guint i;

  /* Senders write the slot (index % ring size), and the web clients look
   * the KID up without a modulo; a larger KID is not a key we hold. It is
   * not authenticated, so accepting aliases would let a modified frame
   * through. */
  if (info->kid >= gst_e2ee_key_ring_get_size (ring))
    return GST_E2EE_FRAME_MISSING_KEY;
  key = gst_e2ee_key_ring_get_key (ring, info->kid);
  if (!key)
    return GST_E2EE_FRAME_MISSING_KEY;

  if (try_open (key, info, aad, in, out, budget)) {
    gst_e2ee_key_unref (key);
    return GST_E2EE_FRAME_OK;
  }

  prev = gst_e2ee_key_ring_get_previous_key (ring, info->kid);
  if (prev) {
    gboolean ok = try_open (prev, info, aad, in, out, budget);

    gst_e2ee_key_unref (prev);
    if (ok) {
      gst_e2ee_key_unref (key);
      return GST_E2EE_FRAME_OK;
    }
  }

  res = GST_E2EE_FRAME_AUTH_FAILED;
  cur = gst_e2ee_key_ref (key);
  for (i = 1; i <= ratchet_window && gst_e2ee_key_can_ratchet (cur) &&
      budget->attempts < budget->max_attempts; i++) {
    GstE2eeKey *next = _gst_e2ee_key_get_next (cur);

    gst_e2ee_key_unref (cur);
    cur = next;
    if (!cur) {
      res = GST_E2EE_FRAME_CRYPTO_ERROR;
      break;
    }
    if (try_open (cur, info, aad, in, out, budget)) {
      gst_e2ee_key_ring_replace_key (ring, info->kid, key, cur);
      if (n_ratchets)
        *n_ratchets = i;
      res = GST_E2EE_FRAME_OK;
      break;
    }
  }
  if (cur)
    gst_e2ee_key_unref (cur);
  gst_e2ee_key_unref (key);
  return res;
}

static void
aad_add (AadCandidates * aad, const guint8 * data, gsize len)
{
  if (aad->n < MAX_AAD_CANDIDATES) {
    aad->data[aad->n] = data;
    aad->len[aad->n] = len;
    aad->n++;
  }
}

/* Whether every unit in @mask has a byte-identical copy among the units
 * outside it (the slice, last, excluded). */
static gboolean
copies_remain (const guint8 * frame, const GstE2eeNalUnit * u, guint n,
    guint32 mask)
{
  guint i, j;

  for (i = 0; i + 1 < n; i++) {
    gboolean found = FALSE;

    if (!(mask & (1u << i)))
      continue;
    for (j = 0; j + 1 < n && !found; j++) {
      gsize len = u[i].end - u[i].start;

      if ((mask & (1u << j)) || u[j].end - u[j].start != len)
        continue;
      found = memcmp (frame + u[i].start, frame + u[j].start, len) == 0;
    }
    if (!found)
      return FALSE;
  }
  return TRUE;
}

static gboolean
same_unit (const guint8 * frame, const GstE2eeNalUnit * a,
    const GstE2eeNalUnit * b)
{
  gsize len = a->end - a->start;

  return b->end - b->start == len
      && memcmp (frame + a->start, frame + b->start, len) == 0;
}

/* Whether the copies in @mask, a run just before the slice, leave the
 * decoder where the authenticated units (those outside @mask and
 * @removed, the slice excluded) leave it. A parameter set replaces the one
 * of its type with the same id; a copy of an authenticated unit U, coming
 * after all of them, would bring U back over a later unit of its type with
 * U's id (an older SPS over a newer one). Ids are not parsed: for each copy
 * of U, every authenticated unit of U's type after U's last authenticated
 * occurrence must be copied again after it in the run, so the last word on
 * each id is the authenticated one. The copies rtph264pay and rtph265pay
 * insert (every parameter set they hold, in order of type) pass. */
static gboolean
copies_harmless (const guint8 * frame, const GstE2eeNalUnit * u, guint n,
    guint32 mask, guint32 removed)
{
  guint32 kept = ~(mask | removed);
  guint i, j, k, m;

  for (i = 0; i + 1 < n; i++) {
    gint last = -1;

    if (!(mask & (1u << i)))
      continue;
    for (j = 0; j + 1 < n; j++)
      if ((kept & (1u << j)) && same_unit (frame, &u[i], &u[j]))
        last = (gint) j;
    if (last < 0)
      return FALSE;
    for (k = last + 1; k + 1 < n; k++) {
      gboolean again = FALSE;

      if (!(kept & (1u << k)) || u[k].type != u[i].type)
        continue;
      for (m = i + 1; m + 1 < n && !again; m++)
        again = (mask & (1u << m)) && same_unit (frame, &u[k], &u[m]);
      if (!again)
        return FALSE;
    }
  }
  return TRUE;
}

/* The largest run of parameter sets from unit @first going forwards
 * (@step 1, a run at the start of the header) or backwards (@step -1, a
 * run before the slice) whose removal, with the units of @removed, leaves a
 * copy of each (and, before the slice, leaves the decoder where the rest
 * leaves it: copies_harmless()); 0 if there is none. */
static guint32
duplicate_run (GstE2eeCodec codec, const guint8 * frame,
    const GstE2eeNalUnit * u, guint n, gint first, gint step, guint32 removed)
{
  guint len = 0, k;
  gint i;

  for (i = first; i >= 0 && i + 1 < (gint) n && !(removed & (1u << i)) &&
      _gst_e2ee_nal_is_parameter_set (codec, u[i].type); i += step)
    len++;
  for (k = len; k > 0; k--) {
    guint32 mask = 0;
    guint m;

    for (m = 0; m < k; m++)
      mask |= 1u << (first + step * (gint) m);
    if (copies_remain (frame, u, n, mask | removed)
        && (step > 0 || copies_harmless (frame, u, n, mask, removed)))
      return mask;
  }
  return 0;
}

/*
 * rtph264depay and rtph265depay put the parameter sets of the caps'
 * sprop-parameter-sets in front of the first access unit they output, and
 * rtph264pay/rtph265pay with config-interval insert the current ones just
 * before each IDR slice; neither happens to the sender's header. Those
 * copies are not authenticated, so besides the header as it came the
 * receiver tries it without a leading run, without the run before the
 * slice, and without both (each run as long as copies remain). Only
 * copies of parameter sets that are themselves in the header qualify, and
 * before the slice only copies that change nothing the header set
 * (copies_harmless()); at the start, copies are overridden by the
 * authenticated units that follow. So nothing unauthenticated reaches the
 * decoder but duplicates that leave it as the sender's header would, and
 * the header's units themselves (content and order, start codes included)
 * are all authenticated. Returns scratch memory holding the candidates, or
 * NULL if there are none.
 */
static guint8 *
add_nal_candidates (GstE2eeCodec codec, const guint8 * frame, gsize h,
    AadCandidates * aad)
{
  GstE2eeNalUnit u[GST_E2EE_NAL_MAX_HEADER_UNITS];
  guint32 masks[3] = { 0, 0, 0 };
  guint n, i, c, n_masks = 0;
  guint8 *scratch;

  n = _gst_e2ee_nal_header_units (codec, frame, h, u, G_N_ELEMENTS (u));
  if (n < 3)
    return NULL;

  masks[0] = duplicate_run (codec, frame, u, n, 0, 1, 0);
  masks[1] = duplicate_run (codec, frame, u, n, n - 2, -1, 0);
  if (masks[0]) {
    guint32 before_slice = duplicate_run (codec, frame, u, n, n - 2, -1,
        masks[0]);

    if (before_slice)
      masks[2] = masks[0] | before_slice;
  }

  for (c = 0; c < 3; c++)
    if (masks[c] && (c == 0 || masks[c] != masks[0]))
      n_masks++;
  if (n_masks == 0)
    return NULL;

  scratch = g_malloc (h * n_masks);
  for (c = 0, n_masks = 0; c < 3; c++) {
    guint8 *out = scratch + h * n_masks;
    gsize len = 0;

    if (!masks[c] || (c > 0 && masks[c] == masks[0]))
      continue;
    for (i = 0; i < n; i++) {
      gsize from = u[i].sc_start, to = i + 1 < n ? u[i + 1].sc_start : h;

      if (masks[c] & (1u << i))
        continue;
      memcpy (out + len, frame + from, to - from);
      len += to - from;
    }
    aad_add (aad, out, len);
    n_masks++;
  }
  return scratch;
}

static GstE2eeFrameResult
worse (GstE2eeFrameResult a, GstE2eeFrameResult b)
{
  /* an authentication failure says more than a missing key */
  if (a == GST_E2EE_FRAME_AUTH_FAILED || b == GST_E2EE_FRAME_AUTH_FAILED)
    return GST_E2EE_FRAME_AUTH_FAILED;
  return a != GST_E2EE_FRAME_OK ? a : b;
}

/*
 * H.264 and H.265. The clear header is found on the frame as it came; the
 * rest is unescaped in place. rtph264pay and rtph265pay drop the zero bytes
 * at the end of a NAL unit, so a KID of 0 goes missing on the way: a frame
 * that ends with the IV-length byte is read as having KID 0. When the last
 * two bytes are both 0x0c (KID 12, or KID 0 cut after an IV ending in 0x0c)
 * both readings are tried.
 */
static GstE2eeFrameResult
open_nal (GstE2eeKeyRing * ring, GstE2eeCodec codec, guint ratchet_window,
    guint8 * frame, gsize size, gsize * out_size, guint * n_ratchets)
{
  GstE2eeFrameResult res = GST_E2EE_FRAME_OK;
  AadCandidates aad = { {NULL}, {0}, 0 };
  OpenBudget budget;
  gboolean full, cut;
  guint8 *scratch = NULL;
  gsize h, n, escaped;
  guint layout;

  h = gst_e2ee_codec_clear_size (codec, frame, size);
  if (h == 0)
    return GST_E2EE_FRAME_BAD_HEADER;
  n = h + gst_e2ee_rbsp_unescape (frame + h, size - h);

  full = n - h >= GST_E2EE_JFRAME_TRAILER_SIZE && frame[n - 2] ==
      IV_LENGTH_BYTE;
  cut = n - h >= GST_E2EE_JFRAME_TRAILER_SIZE - 1 && frame[n - 1] ==
      IV_LENGTH_BYTE;
  if (!full && !cut) {
    res = n - h < GST_E2EE_JFRAME_TRAILER_SIZE - 1 ?
        GST_E2EE_FRAME_TOO_SHORT : GST_E2EE_FRAME_BAD_IV_LENGTH;
    goto failed;
  }

  aad_add (&aad, frame, h);
  scratch = add_nal_candidates (codec, frame, h, &aad);
  /* one budget for both readings of the trailer */
  budget_init (&budget, ratchet_window);

  res = GST_E2EE_FRAME_MISSING_KEY;
  for (layout = 0; layout < 2; layout++) {
    GstE2eeJFrameInfo info;
    GstE2eeFrameResult r;
    gsize end;

    if ((layout == 0 && !full) || (layout == 1 && !cut))
      continue;
    /* the trailer ends at n, or one byte later for a cut KID 0 */
    end = layout == 0 ? n : n + 1;
    info.kid = layout == 0 ? frame[n - 1] : 0;
    info.iv = frame + end - 2 - GST_E2EE_IV_SIZE;
    info.tag = info.iv - GST_E2EE_AES_GCM_TAG_SIZE;
    info.clear_len = h;
    info.ciphertext_len = (gsize) (info.tag - frame) - h;
    r = open_parsed (ring, &info, &aad, ratchet_window, frame, frame,
        n_ratchets, &budget);
    if (r == GST_E2EE_FRAME_OK) {
      *out_size = h + info.ciphertext_len;
      g_free (scratch);
      return GST_E2EE_FRAME_OK;
    }
    res = layout == 0 || !full ? r : worse (res, r);
  }
  g_free (scratch);

failed:
  /* put the escapes back, so the frame is as it came (exactly, for any
   * frame a sender escaped) */
  if (n != size)
    gst_e2ee_rbsp_escape_in_place (frame + h, n - h, size - h, &escaped);
  return res;
}

/*
 * AV1: the receiver checks that the first protected OBU spans the frame,
 * opens it, and puts the original size field, which is the first plaintext,
 * back in its place. The clear part moves forward by the length of the
 * spanning size field; *out_offset says by how much.
 */
static GstE2eeFrameResult
open_av1 (GstE2eeKeyRing * ring, guint ratchet_window, guint8 * frame,
    gsize size, gsize * out_offset, gsize * out_size, guint * n_ratchets)
{
  AadCandidates aad = { {NULL}, {0}, 0 };
  OpenBudget budget;
  GstE2eeJFrameInfo info;
  GstE2eeFrameResult res;
  GstE2eeAv1Layout l;
  guint8 size_field[8], first = 0;
  guint64 obu_size;
  gsize x_len;
  guint b;

  res = gst_e2ee_jframe_parse (GST_E2EE_CODEC_AV1, frame, size, &info);
  if (res != GST_E2EE_FRAME_OK)
    return res;
  if (!_gst_e2ee_av1_parse (frame, size, TRUE, &l))
    return GST_E2EE_FRAME_BAD_HEADER;
  aad_add (&aad, frame, info.clear_len);
  budget_init (&budget, ratchet_window);
  res = open_parsed (ring, &info, &aad, ratchet_window, frame, frame,
      n_ratchets, &budget);
  if (res != GST_E2EE_FRAME_OK)
    return res;

  /* authentic, so made by a key holder; still checked before use */
  b = _gst_e2ee_leb128_read (frame + info.clear_len, info.ciphertext_len,
      &obu_size);
  if (b == 0)
    return GST_E2EE_FRAME_BAD_HEADER;
  x_len = info.ciphertext_len - b;
  if (obu_size < l.first_len || obu_size - l.first_len > x_len)
    return GST_E2EE_FRAME_BAD_HEADER;

  memcpy (size_field, frame + info.clear_len, b);
  if (l.first_len)
    first = frame[l.prefix_len + l.size_len];
  memmove (frame + l.size_len, frame, l.prefix_len);
  memcpy (frame + l.size_len + l.prefix_len, size_field, b);
  if (l.first_len)
    frame[l.size_len + l.prefix_len + b] = first;
  *out_offset = l.size_len;
  *out_size = l.prefix_len + b + l.first_len + x_len;
  return GST_E2EE_FRAME_OK;
}

/* The original frame ends up at *@out_offset in @frame (AV1: its size
 * field is shorter than the sent one). */
static GstE2eeFrameResult
open_at (GstE2eeKeyRing * ring, GstE2eeCodec codec, guint ratchet_window,
    guint8 * frame, gsize size, gsize * out_offset, gsize * out_size,
    guint * n_ratchets)
{
  AadCandidates aad = { {NULL}, {0}, 0 };
  OpenBudget budget;
  GstE2eeJFrameInfo info;
  GstE2eeFrameResult res;

  switch (codec) {
    case GST_E2EE_CODEC_H264:
    case GST_E2EE_CODEC_H265:
      if (size == 0)
        return GST_E2EE_FRAME_TOO_SHORT;
      return open_nal (ring, codec, ratchet_window, frame, size, out_size,
          n_ratchets);
    case GST_E2EE_CODEC_AV1:
      return open_av1 (ring, ratchet_window, frame, size, out_offset,
          out_size, n_ratchets);
    default:
      break;
  }

  res = gst_e2ee_jframe_parse (codec, frame, size, &info);
  if (res != GST_E2EE_FRAME_OK)
    return res;
  aad_add (&aad, frame, info.clear_len);
  budget_init (&budget, ratchet_window);
  res = open_parsed (ring, &info, &aad, ratchet_window, frame, frame,
      n_ratchets, &budget);
  if (res == GST_E2EE_FRAME_OK)
    *out_size = info.clear_len + info.ciphertext_len;
  return res;
}

/**
 * gst_e2ee_jframe_open:
 * @ring: the sender's key ring
 * @codec: the stream's codec
 * @ratchet_window: how many ratchet steps to try past the current key
 * @frame: (array length=size) (inout): the received JFrame, decrypted in
 *   place on success
 * @size: its length
 * @out_offset: (out) (optional): on success, where the original frame
 *   starts in @frame (0 except for AV1); %NULL to have it moved to the start
 *   of @frame
 * @out_size: (out): on success, the length of the original frame: clear
 *   header and plaintext
 * @n_ratchets: (out) (optional): ratchet steps this frame took
 *
 * Opens a JFrame of any codec, in place. The receiver algorithm of Jitsi
 * Meet: the KID's current key; then the key that slot held before (frames
 * in flight across a key change); then up to @ratchet_window ratchets of the
 * current key, keeping the ratcheted key in the ring if one authenticates. A
 * key that has no ratchet is tried once.
 *
 * H.264 and H.265 frames are unescaped before the trailer is read, a KID of
 * 0 that the payloader cut off is restored, and parameter sets that the
 * payloader or depayloader added to the clear header are allowed when they
 * copy authenticated ones (they stay in the output, which is then what the
 * depayloader would have given for the unencrypted frame).
 *
 * An opened AV1 frame gets back its original OBU size field, which is
 * shorter than the one it was sent with, so it starts a few bytes into the
 * buffer. With @out_offset it stays there and *@out_offset says where,
 * which saves a move for a caller that can use a sub-buffer; without, it is
 * moved to the start of @frame.
 *
 * When no key authenticates the frame, @frame is left as it came (for
 * H.264 and H.265: unless its escaping was not the form a sender makes,
 * which only a modified frame has). When an AV1 frame authenticates but its
 * hidden size field is invalid (only a key holder can make such a frame),
 * the result is %GST_E2EE_FRAME_BAD_HEADER and @frame holds plaintext.
 *
 * For audio, VP8 and VP9 frames whose trailer is not stored right after
 * their body, or whose plaintext must go to other memory, see
 * gst_e2ee_jframe_open_split().
 *
 * Returns: the outcome; only %GST_E2EE_FRAME_OK means @frame is plaintext
 *
 * Since: 0.1
 */
GstE2eeFrameResult
gst_e2ee_jframe_open (GstE2eeKeyRing * ring, GstE2eeCodec codec,
    guint ratchet_window, guint8 * frame, gsize size, gsize * out_offset,
    gsize * out_size, guint * n_ratchets)
{
  GstE2eeFrameResult res;
  gsize offset = 0;

  g_return_val_if_fail (ring != NULL && out_size != NULL,
      GST_E2EE_FRAME_CRYPTO_ERROR);
  g_return_val_if_fail (frame != NULL || size == 0, GST_E2EE_FRAME_TOO_SHORT);

  if (out_offset)
    *out_offset = 0;
  if (n_ratchets)
    *n_ratchets = 0;

  res = open_at (ring, codec, ratchet_window, frame, size, &offset, out_size,
      n_ratchets);
  if (res != GST_E2EE_FRAME_OK)
    return res;
  if (out_offset)
    *out_offset = offset;
  else if (offset > 0)
    memmove (frame, frame + offset, *out_size);
  return res;
}

/**
 * gst_e2ee_jframe_open_split:
 * @ring: the sender's key ring
 * @codec: the stream's codec: one whose frames are sealed in place (see
 *   gst_e2ee_codec_seals_in_place()), whose trailer is always the last
 *   %GST_E2EE_JFRAME_TRAILER_SIZE bytes
 * @ratchet_window: how many ratchet steps to try past the current key
 * @body: (array length=size): the received JFrame without its trailer:
 *   clear header and ciphertext
 * @out: (array length=size): where clear header and plaintext go: @body
 *   itself (decryption in place), or memory of @size bytes that does not
 *   overlap it
 * @size: length of @body
 * @trailer: (array fixed-size=30): the frame's last
 *   %GST_E2EE_JFRAME_TRAILER_SIZE bytes
 * @n_ratchets: (out) (optional): ratchet steps this frame took
 *
 * As gst_e2ee_jframe_open(), for a frame whose trailer is not stored right
 * after its body (a buffer whose trailer is a memory of its own, read out
 * with gst_buffer_extract()), or whose plaintext must go elsewhere (the
 * frame is in read-only memory): the body is decrypted in one pass, with
 * no copy of the frame.
 *
 * On success the first @size bytes of @out are the original frame. When no
 * key authenticates the frame, @out holds what @body holds.
 *
 * Returns: the outcome; only %GST_E2EE_FRAME_OK means @out is plaintext
 *
 * Since: 0.1
 */
GstE2eeFrameResult
gst_e2ee_jframe_open_split (GstE2eeKeyRing * ring, GstE2eeCodec codec,
    guint ratchet_window, const guint8 * body, guint8 * out, gsize size,
    const guint8 * trailer, guint * n_ratchets)
{
  AadCandidates aad = { {NULL}, {0}, 0 };
  OpenBudget budget;
  GstE2eeJFrameInfo info;
  GstE2eeFrameResult res;

  g_return_val_if_fail (ring != NULL && trailer != NULL,
      GST_E2EE_FRAME_CRYPTO_ERROR);
  g_return_val_if_fail ((body != NULL && out != NULL) || size == 0,
      GST_E2EE_FRAME_TOO_SHORT);
  g_return_val_if_fail (body == out || body + size <= out || out + size <=
      body, GST_E2EE_FRAME_CRYPTO_ERROR);

  if (n_ratchets)
    *n_ratchets = 0;
  if (!gst_e2ee_codec_seals_in_place (codec)) {
    res = GST_E2EE_FRAME_BAD_HEADER;
  } else if (trailer[GST_E2EE_JFRAME_TRAILER_SIZE - 2] != IV_LENGTH_BYTE) {
    res = GST_E2EE_FRAME_BAD_IV_LENGTH;
  } else {
    info.kid = trailer[GST_E2EE_JFRAME_TRAILER_SIZE - 1];
    info.tag = trailer;
    info.iv = trailer + GST_E2EE_AES_GCM_TAG_SIZE;
    info.clear_len = parse_clear_len (codec, body, size, size);
    info.ciphertext_len = size - info.clear_len;

    if (out != body && info.clear_len > 0)
      memcpy (out, body, info.clear_len);
    aad_add (&aad, body, info.clear_len);
    budget_init (&budget, ratchet_window);
    res = open_parsed (ring, &info, &aad, ratchet_window, body, out,
        n_ratchets, &budget);
  }
  /* whatever failed, @out is not left with other bytes than @body's */
  if (res != GST_E2EE_FRAME_OK && out != body && size > 0)
    memcpy (out, body, size);
  return res;
}

/**
 * gst_e2ee_frame_result_to_string:
 * @result: a frame result
 *
 * Returns: a short English description, for debug logs
 *
 * Since: 0.1
 */
const gchar *
gst_e2ee_frame_result_to_string (GstE2eeFrameResult result)
{
  switch (result) {
    case GST_E2EE_FRAME_OK:
      return "ok";
    case GST_E2EE_FRAME_TOO_SHORT:
      return "frame shorter than the trailer";
    case GST_E2EE_FRAME_BAD_IV_LENGTH:
      return "IV length byte is not 12";
    case GST_E2EE_FRAME_MISSING_KEY:
      return "no key for the frame's key index";
    case GST_E2EE_FRAME_AUTH_FAILED:
      return "authentication failed";
    case GST_E2EE_FRAME_CRYPTO_ERROR:
      return "crypto library error";
    case GST_E2EE_FRAME_BAD_HEADER:
      return "frame does not follow its codec's syntax";
    case GST_E2EE_FRAME_NO_SPACE:
      return "no room for the sealed frame";
    case GST_E2EE_FRAME_REPLAY:
      return "frame counter replayed or outside the replay window";
    case GST_E2EE_FRAME_CTR_EXHAUSTED:
      return "frame counter exhausted under this key";
  }
  return "unknown";
}

/* JFrame as a GstE2eeFrameFormatFuncs: the functions above, unchanged,
 * behind the table the elements use; state is a GstE2eeJFrameState. */
static gsize
jframe_clear_bytes (GstE2eeCodec codec, const guint8 * frame, gsize size)
{
  return gst_e2ee_codec_clear_size (codec, frame, size);
}

static gsize
jframe_max_sealed_size (gpointer state, GstE2eeCodec codec,
    const guint8 * frame, gsize size)
{
  return gst_e2ee_jframe_sealed_size (codec, frame, size);
}

static GstE2eeFrameResult
jframe_seal (gpointer state, GstE2eeCodec codec, const guint8 * frame,
    gsize size, guint8 * out, gsize out_size, gsize * sealed_size)
{
  GstE2eeJFrameState *s = state;
  guint8 iv[GST_E2EE_IV_SIZE];
  GstE2eeKey *key;
  GstE2eeFrameResult res;

  key = gst_e2ee_key_ring_get_key (s->ring, s->key_index);
  if (!key)
    return GST_E2EE_FRAME_MISSING_KEY;
  gst_e2ee_iv_source_next (s->iv_source, iv);
  res = gst_e2ee_jframe_seal_into (key,
      s->key_index % gst_e2ee_key_ring_get_size (s->ring), iv, codec, frame,
      size, out, out_size, sealed_size);
  gst_e2ee_key_unref (key);
  return res;
}

static GstE2eeFrameResult
jframe_open (gpointer state, GstE2eeCodec codec, guint8 * frame, gsize size,
    gsize * out_offset, gsize * out_size)
{
  GstE2eeJFrameState *s = state;

  s->n_ratchets = 0;
  return gst_e2ee_jframe_open (s->ring, codec, s->ratchet_window, frame, size,
      out_offset, out_size, &s->n_ratchets);
}

const GstE2eeFrameFormatFuncs _gst_e2ee_jframe_funcs = {
  GST_E2EE_FRAME_FORMAT_JFRAME,
  jframe_clear_bytes,
  jframe_max_sealed_size,
  jframe_seal,
  jframe_open,
  /* in place only through the elements' own path (the trailer in the
   * encoder's padding), not through the table */
  NULL,
  {NULL}
};
