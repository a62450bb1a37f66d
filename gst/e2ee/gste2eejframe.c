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
 * ciphertext, and the receiver, which sees the same first byte and the same
 * length, comes to the same H.
 *
 * Both directions work in place: gst_e2ee_jframe_seal() encrypts the frame's
 * own bytes and writes the 30-byte trailer where the caller wants it (the
 * element puts it in a memory of its own); gst_e2ee_jframe_open() decrypts in
 * place and leaves the frame as it was when no key authenticates it.
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gste2eejframe.h"

#include <string.h>

#define VP8_KEY_FRAME_CLEAR 10
#define VP8_DELTA_FRAME_CLEAR 3
#define AUDIO_CLEAR 1

/**
 * gst_e2ee_codec_from_caps:
 * @caps: fixed caps of an encoded stream
 *
 * Returns: the clear-header rule for @caps, or %GST_E2EE_CODEC_UNKNOWN
 */
GstE2eeCodec
gst_e2ee_codec_from_caps (const GstCaps * caps)
{
  const GstStructure *s;
  const gchar *name;

  g_return_val_if_fail (GST_IS_CAPS (caps), GST_E2EE_CODEC_UNKNOWN);

  if (gst_caps_get_size (caps) < 1)
    return GST_E2EE_CODEC_UNKNOWN;
  s = gst_caps_get_structure (caps, 0);
  name = gst_structure_get_name (s);
  if (g_str_equal (name, "video/x-vp8"))
    return GST_E2EE_CODEC_VP8;
  if (g_str_has_prefix (name, "audio/"))
    return GST_E2EE_CODEC_AUDIO;
  return GST_E2EE_CODEC_UNKNOWN;
}

/**
 * gst_e2ee_codec_clear_size:
 * @codec: the stream's codec
 * @frame: (array length=size): the frame (clear, or the received JFrame:
 *   the bytes the rule reads are the same in both)
 * @size: bytes of the frame without any trailer
 *
 * Returns: how many leading bytes stay clear, at most @size
 */
gsize
gst_e2ee_codec_clear_size (GstE2eeCodec codec, const guint8 * frame, gsize size)
{
  gsize h;

  if (size == 0)
    return 0;

  switch (codec) {
    case GST_E2EE_CODEC_VP8:
      /* RFC 6386 9.1: the P bit is 0 on key frames */
      h = (frame[0] & 0x01) == 0 ? VP8_KEY_FRAME_CLEAR : VP8_DELTA_FRAME_CLEAR;
      break;
    case GST_E2EE_CODEC_AUDIO:
    default:
      h = AUDIO_CLEAR;
      break;
  }
  return MIN (h, size);
}

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

/**
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

/**
 * gst_e2ee_jframe_parse:
 * @codec: the stream's codec
 * @frame: (array length=size): a received JFrame
 * @size: its length
 * @info: (out caller-allocates): where the parts are
 *
 * Checks every length before reading it.
 *
 * Returns: %GST_E2EE_FRAME_OK, %GST_E2EE_FRAME_TOO_SHORT or
 *   %GST_E2EE_FRAME_BAD_IV_LENGTH
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
  if (frame[size - 2] != GST_E2EE_IV_SIZE)
    return GST_E2EE_FRAME_BAD_IV_LENGTH;

  body = size - GST_E2EE_JFRAME_TRAILER_SIZE;
  info->kid = frame[size - 1];
  info->iv = frame + size - 2 - GST_E2EE_IV_SIZE;
  info->tag = info->iv - GST_E2EE_AES_GCM_TAG_SIZE;
  info->clear_len = gst_e2ee_codec_clear_size (codec, frame, body);
  info->ciphertext_len = body - info->clear_len;
  return GST_E2EE_FRAME_OK;
}

/**
 * gst_e2ee_jframe_seal:
 * @key: the sender's current key
 * @kid: the KID byte to write (the key index's ring slot)
 * @iv: (array fixed-size=12): a fresh IV
 * @codec: the stream's codec
 * @frame: (array length=size) (inout): the clear frame; all but its clear
 *   header is encrypted in place
 * @size: its length, at least 1
 * @trailer: (out caller-allocates) (array fixed-size=30): the bytes to
 *   append: tag, IV, IV length, KID
 *
 * Returns: %FALSE if the crypto library failed; then nothing may be sent
 */
gboolean
gst_e2ee_jframe_seal (GstE2eeKey * key, guint8 kid, const guint8 * iv,
    GstE2eeCodec codec, guint8 * frame, gsize size, guint8 * trailer)
{
  gsize h;

  g_return_val_if_fail (key != NULL && iv != NULL && trailer != NULL, FALSE);
  g_return_val_if_fail (frame != NULL && size > 0, FALSE);

  h = gst_e2ee_codec_clear_size (codec, frame, size);
  if (!gst_e2ee_key_seal (key, iv, frame, h, frame + h, size - h, trailer))
    return FALSE;
  memcpy (trailer + GST_E2EE_AES_GCM_TAG_SIZE, iv, GST_E2EE_IV_SIZE);
  trailer[GST_E2EE_JFRAME_TRAILER_SIZE - 2] = GST_E2EE_IV_SIZE;
  trailer[GST_E2EE_JFRAME_TRAILER_SIZE - 1] = kid;
  return TRUE;
}

static gboolean
try_open (GstE2eeKey * key, const GstE2eeJFrameInfo * info, guint8 * frame)
{
  return gst_e2ee_key_open (key, info->iv, frame, info->clear_len,
      frame + info->clear_len, info->ciphertext_len, info->tag);
}

/**
 * gst_e2ee_jframe_open:
 * @ring: the sender's key ring
 * @codec: the stream's codec
 * @ratchet_window: how many ratchet steps to try past the current key
 * @frame: (array length=size) (inout): the received JFrame, decrypted in
 *   place on success and left unchanged otherwise
 * @size: its length
 * @out_size: (out): on success, the length of clear header and plaintext:
 *   the first @out_size bytes of @frame are the original frame
 * @n_ratchets: (out) (optional): ratchet steps this frame took
 *
 * The receiver algorithm of Jitsi Meet: the KID's current key; then the key
 * that slot held before (frames in flight across a key change); then up to
 * @ratchet_window ratchets of the current key, keeping the ratcheted key in
 * the ring if one authenticates. A key that has no ratchet is tried once.
 *
 * Returns: the outcome; only %GST_E2EE_FRAME_OK means @frame is plaintext
 */
GstE2eeFrameResult
gst_e2ee_jframe_open (GstE2eeKeyRing * ring, GstE2eeCodec codec,
    guint ratchet_window, guint8 * frame, gsize size, gsize * out_size,
    guint * n_ratchets)
{
  GstE2eeJFrameInfo info;
  GstE2eeFrameResult res;
  GstE2eeKey *key, *prev, *cur;
  guint i;

  g_return_val_if_fail (ring != NULL && out_size != NULL,
      GST_E2EE_FRAME_CRYPTO_ERROR);

  if (n_ratchets)
    *n_ratchets = 0;

  res = gst_e2ee_jframe_parse (codec, frame, size, &info);
  if (res != GST_E2EE_FRAME_OK)
    return res;

  /* Senders write the slot (index % ring size), and the web clients look
   * the KID up without a modulo; a larger KID is not a key we hold. It is
   * not authenticated, so accepting aliases would let a modified frame
   * through. */
  if (info.kid >= gst_e2ee_key_ring_get_size (ring))
    return GST_E2EE_FRAME_MISSING_KEY;
  key = gst_e2ee_key_ring_get_key (ring, info.kid);
  if (!key)
    return GST_E2EE_FRAME_MISSING_KEY;

  *out_size = info.clear_len + info.ciphertext_len;

  if (try_open (key, &info, frame)) {
    gst_e2ee_key_unref (key);
    return GST_E2EE_FRAME_OK;
  }

  prev = gst_e2ee_key_ring_get_previous_key (ring, info.kid);
  if (prev) {
    gboolean ok = try_open (prev, &info, frame);

    gst_e2ee_key_unref (prev);
    if (ok) {
      gst_e2ee_key_unref (key);
      return GST_E2EE_FRAME_OK;
    }
  }

  res = GST_E2EE_FRAME_AUTH_FAILED;
  cur = gst_e2ee_key_ref (key);
  for (i = 1; i <= ratchet_window && gst_e2ee_key_can_ratchet (cur); i++) {
    GstE2eeKey *next = gst_e2ee_key_ratchet (cur, NULL);

    gst_e2ee_key_unref (cur);
    cur = next;
    if (!cur) {
      res = GST_E2EE_FRAME_CRYPTO_ERROR;
      break;
    }
    if (try_open (cur, &info, frame)) {
      gst_e2ee_key_ring_replace_key (ring, info.kid, key, cur);
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

/**
 * gst_e2ee_frame_result_to_string:
 * @result: a frame result
 *
 * Returns: a short English description, for debug logs
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
  }
  return "unknown";
}
