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
 * SECTION:gste2eecodec
 * @title: Codec rules
 * @short_description: which bytes of an encoded frame stay clear
 *
 * A JFrame leaves the first H bytes of a frame clear (and authenticated) so
 * that RTP payloaders, routers and decoders can still read what they need.
 * H depends on the codec, and the receiver must find the same H from the
 * bytes it gets:
 *
 * - Opus (any audio): the TOC byte.
 * - VP8: 10 bytes of a key frame (tag, start code, size), 3 otherwise.
 * - VP9: the same counts as VP8, as the Jitsi Meet client uses them; the
 *   key-frame flag is read from the uncompressed header (rtpvp9pay checks
 *   the sync code and copies the frame size of key frames, which the first
 *   10 bytes hold for every profile).
 * - H.264 and H.265: LiveKit's rule. Everything up to and including the
 *   first 2 bytes of the first slice NAL unit (H.264 types 1 and 5; H.265
 *   types 0 to 9 and 16 to 21) stays clear: start codes, AUD, parameter sets,
 *   SEI, and the slice's NAL unit header. The rest is encrypted as one
 *   piece and RBSP-escaped (see gst_e2ee_rbsp_escape()), so that payloaders
 *   see one slice NAL unit whatever the access unit held. Before sealing,
 *   the sender puts the access unit in the canonical form RTP
 *   depayloaders emit (gst_e2ee_nal_canonicalize()), so that what the
 *   receiver authenticates is what it gets.
 * - AV1: the temporal delimiter and sequence header OBUs stay clear, then
 *   the header of the first other OBU and, for a frame or frame header OBU,
 *   the first byte of its payload (show_existing_frame and frame_type). The
 *   sender rewrites that OBU's size to span the rest of the frame,
 *   ciphertext and trailer included, and moves its original size field into
 *   the ciphertext, so the sealed frame is still a sequence of OBUs that a
 *   parser can walk; the receiver puts the size field back.
 *
 * The functions here are pure: no pads, no allocation, every length checked.
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gste2eecodec-private.h"

#include <string.h>

#define AUDIO_CLEAR 1
#define VP8_KEY_FRAME_CLEAR 10
#define VP8_DELTA_FRAME_CLEAR 3
/* VP9 keeps Jitsi's counts: 10 bytes hold the uncompressed header up to the
 * frame size for every profile (73 bits at most), 3 the first byte */
#define VP9_KEY_FRAME_CLEAR 10
#define VP9_DELTA_FRAME_CLEAR 3
/* LiveKit: the slice's NAL unit header and one more byte (H.264), or the
 * two-byte NAL unit header (H.265) */
#define NAL_SLICE_CLEAR 2

#define AV1_OBU_SEQUENCE_HEADER 1
#define AV1_OBU_TEMPORAL_DELIMITER 2
#define AV1_OBU_FRAME_HEADER 3
#define AV1_OBU_FRAME 6
#define AV1_LEB128_MAX_BYTES 8

static gboolean
caps_field_is (const GstStructure * s, const gchar * field, const gchar * want)
{
  const gchar *v = gst_structure_get_string (s, field);

  /* absent: the conventional default (byte-stream/au, obu-stream/tu, raw
   * AAC) */
  return v == NULL || g_str_equal (v, want);
}

/**
 * gst_e2ee_codec_from_caps:
 * @caps: fixed caps of an encoded stream
 *
 * H.264 and H.265 must be in byte-stream form with one access unit per
 * buffer (`stream-format=byte-stream, alignment=au`), AV1 in OBUs with size
 * fields, one temporal unit per buffer (`stream-format=obu-stream,
 * alignment=tu`); a field left out is taken to have that value. Audio
 * (Opus, G.711, G.722, AAC with `stream-format=raw`, any other encoded
 * audio) keeps its first byte clear, as the Jitsi Meet and LiveKit clients
 * do for every audio codec; raw samples and AAC in ADTS, ADIF or LOAS form
 * are refused.
 *
 * Returns: the clear-header rule for @caps, or %GST_E2EE_CODEC_UNKNOWN
 *
 * Since: 0.1
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
  if (g_str_equal (name, "video/x-vp9"))
    return GST_E2EE_CODEC_VP9;
  if (g_str_equal (name, "video/x-h264") || g_str_equal (name, "video/x-h265")) {
    if (!caps_field_is (s, "stream-format", "byte-stream")
        || !caps_field_is (s, "alignment", "au"))
      return GST_E2EE_CODEC_UNKNOWN;
    return g_str_equal (name, "video/x-h264") ? GST_E2EE_CODEC_H264 :
        GST_E2EE_CODEC_H265;
  }
  if (g_str_equal (name, "video/x-av1")) {
    if (!caps_field_is (s, "stream-format", "obu-stream")
        || !caps_field_is (s, "alignment", "tu"))
      return GST_E2EE_CODEC_UNKNOWN;
    return GST_E2EE_CODEC_AV1;
  }
  /* AAC in ADTS, ADIF or LOAS form would have its headers encrypted, and
   * raw samples are no frames */
  if (g_str_equal (name, "audio/mpeg")
      && !caps_field_is (s, "stream-format", "raw"))
    return GST_E2EE_CODEC_UNKNOWN;
  if (g_str_equal (name, "audio/x-raw"))
    return GST_E2EE_CODEC_UNKNOWN;
  if (g_str_has_prefix (name, "audio/"))
    return GST_E2EE_CODEC_AUDIO;
  return GST_E2EE_CODEC_UNKNOWN;
}

/**
 * gst_e2ee_codec_to_string:
 * @codec: a codec
 *
 * Returns: a short name, for logs
 *
 * Since: 0.1
 */
const gchar *
gst_e2ee_codec_to_string (GstE2eeCodec codec)
{
  switch (codec) {
    case GST_E2EE_CODEC_UNKNOWN:
      break;
    case GST_E2EE_CODEC_AUDIO:
      return "audio";
    case GST_E2EE_CODEC_VP8:
      return "vp8";
    case GST_E2EE_CODEC_H264:
      return "h264";
    case GST_E2EE_CODEC_H265:
      return "h265";
    case GST_E2EE_CODEC_VP9:
      return "vp9";
    case GST_E2EE_CODEC_AV1:
      return "av1";
  }
  return "unknown";
}

/**
 * gst_e2ee_codec_seals_in_place:
 * @codec: a codec
 *
 * Whether a sealed frame is the clear frame encrypted in place with the
 * trailer appended (audio, VP8, VP9), or a rewritten frame of another size
 * (H.264 and H.265: canonical form and escaping; AV1: the size field).
 *
 * Returns: %TRUE if gst_e2ee_jframe_seal() applies
 *
 * Since: 0.1
 */
gboolean
gst_e2ee_codec_seals_in_place (GstE2eeCodec codec)
{
  switch (codec) {
    case GST_E2EE_CODEC_H264:
    case GST_E2EE_CODEC_H265:
    case GST_E2EE_CODEC_AV1:
      return FALSE;
    default:
      return TRUE;
  }
}

/* VP9 uncompressed header (VP9 bitstream specification, 6.2): frame marker
 * (2 bits), profile low and high bits, a reserved bit for profile 3, then
 * show_existing_frame and frame_type (0 for a key frame). */
static gboolean
vp9_is_key_frame (const guint8 * frame, gsize size)
{
  guint profile, pos = 3;

  if (size < 1 || (frame[0] >> 6) != 2)
    return FALSE;
  profile = ((frame[0] >> 5) & 1) | (((frame[0] >> 4) & 1) << 1);
  if (profile == 3)
    pos = 2;
  if ((frame[0] >> pos) & 1)
    return FALSE;
  return ((frame[0] >> (pos - 1)) & 1) == 0;
}

static inline guint
nal_type (GstE2eeCodec codec, guint8 header)
{
  return codec == GST_E2EE_CODEC_H265 ? (header >> 1) & 0x3f : header & 0x1f;
}

static inline gboolean
nal_is_slice (GstE2eeCodec codec, guint type)
{
  if (codec == GST_E2EE_CODEC_H265)
    return type <= 9 || (type >= 16 && type <= 21);
  return type == 1 || type == 5;
}

/* Offset of the next 00 00 01 at or after @from, or @size. */
static gsize
find_start_code (const guint8 * d, gsize size, gsize from)
{
  gsize i;

  for (i = from; i + 2 < size; i++) {
    /* no start code begins at i, i + 1 or i + 2 */
    if (d[i + 2] > 1) {
      i += 2;
      continue;
    }
    if (d[i] == 0 && d[i + 1] == 0 && d[i + 2] == 1)
      return i;
  }
  return size;
}

/* Offset of the first start code, or @size if there is none or if anything
 * but zero bytes comes before it. */
static gsize
first_start_code (const guint8 * d, gsize size)
{
  gsize sc = find_start_code (d, size, 0), i;

  for (i = 0; i < sc && i < size; i++)
    if (d[i] != 0)
      return size;
  return sc;
}

/* The next NAL unit from the start code at *pos, as rtph264pay and
 * rtph265pay cut it: up to the next start code, trailing zero bytes dropped
 * but one byte kept; empty units skipped. */
static gboolean
nal_next (GstE2eeCodec codec, const guint8 * d, gsize size, gsize * pos,
    GstE2eeNalUnit * unit)
{
  while (*pos < size) {
    gsize start = *pos + 3, next, end;

    if (start >= size) {
      *pos = size;
      return FALSE;
    }
    next = find_start_code (d, size, start);
    end = next;
    while (end > start + 1 && d[end - 1] == 0)
      end--;
    *pos = next;
    if (end == start)
      continue;
    unit->sc_start = 0;
    unit->start = start;
    unit->end = end;
    unit->type = nal_type (codec, d[start]);
    return TRUE;
  }
  return FALSE;
}

/* LiveKit's H for a frame in Annex B form: the offset of the first slice
 * NAL unit plus 2; 0 if there is none, or the frame does not begin with a
 * start code. Stops at the slice, so it never reads the escaped part. */
static gsize
nal_clear_size (GstE2eeCodec codec, const guint8 * d, gsize size)
{
  gsize sc = first_start_code (d, size);

  while (sc < size) {
    gsize start = sc + 3;

    if (start >= size)
      return 0;
    if (nal_is_slice (codec, nal_type (codec, d[start])))
      return size - start >= NAL_SLICE_CLEAR ? start + NAL_SLICE_CLEAR : 0;
    sc = find_start_code (d, size, start);
  }
  return 0;
}

/*
 * gst_e2ee_codec_clear_size:
 * @codec: the stream's codec
 * @frame: (array length=size): the frame: for audio, VP8 and VP9 the clear
 *   frame or the received JFrame (the bytes the rule reads are the same in
 *   both); for H.264 and H.265 an access unit in canonical form or a
 *   received JFrame as it arrived (escaped); for AV1 a sealed frame
 * @size: for audio, VP8 and VP9 the bytes of the frame without any trailer;
 *   otherwise the whole frame
 *
 * Returns: how many leading bytes stay clear, at most @size; 0 for an
 *   H.264 or H.265 frame without a slice NAL unit or that does not begin
 *   with a start code, and for an AV1 frame that is not a sealed sequence of
 *   OBUs
 */
gsize
gst_e2ee_codec_clear_size (GstE2eeCodec codec, const guint8 * frame, gsize size)
{
  gsize h;

  g_return_val_if_fail (frame != NULL || size == 0, 0);

  if (size == 0)
    return 0;

  switch (codec) {
    case GST_E2EE_CODEC_VP8:
      /* RFC 6386 9.1: the P bit is 0 on key frames */
      h = (frame[0] & 0x01) == 0 ? VP8_KEY_FRAME_CLEAR : VP8_DELTA_FRAME_CLEAR;
      break;
    case GST_E2EE_CODEC_VP9:
      h = vp9_is_key_frame (frame, size) ? VP9_KEY_FRAME_CLEAR :
          VP9_DELTA_FRAME_CLEAR;
      break;
    case GST_E2EE_CODEC_H264:
    case GST_E2EE_CODEC_H265:
      return nal_clear_size (codec, frame, size);
    case GST_E2EE_CODEC_AV1:{
      GstE2eeAv1Layout l;

      if (!_gst_e2ee_av1_parse (frame, size, TRUE, &l))
        return 0;
      return l.prefix_len + l.size_len + l.first_len;
    }
    case GST_E2EE_CODEC_AUDIO:
    default:
      h = AUDIO_CLEAR;
      break;
  }
  return MIN (h, size);
}

/*
 * gst_e2ee_nal_canonical_size:
 * @codec: %GST_E2EE_CODEC_H264 or %GST_E2EE_CODEC_H265
 * @au: (array length=size): an access unit in Annex B form
 * @size: its length
 * @clear_size: (out) (optional): the clear header of the canonical form
 *
 * Measures the canonical form of @au (see gst_e2ee_nal_canonicalize()).
 *
 * Returns: its length, or 0 if @au does not begin with a start code (zero
 *   bytes before it are allowed) or holds no slice NAL unit of 2 bytes or
 *   more: such an access unit cannot be sealed
 */
gsize
gst_e2ee_nal_canonical_size (GstE2eeCodec codec, const guint8 * au,
    gsize size, gsize * clear_size)
{
  GstE2eeNalUnit u;
  gsize pos, total = 0, h = 0;

  g_return_val_if_fail (codec == GST_E2EE_CODEC_H264
      || codec == GST_E2EE_CODEC_H265, 0);
  g_return_val_if_fail (au != NULL || size == 0, 0);

  pos = first_start_code (au, size);
  while (nal_next (codec, au, size, &pos, &u)) {
    if (h == 0 && nal_is_slice (codec, u.type)) {
      if (u.end - u.start < NAL_SLICE_CLEAR)
        return 0;
      h = total + 4 + NAL_SLICE_CLEAR;
    }
    total += 4 + (u.end - u.start);
  }
  if (h == 0)
    return 0;
  if (clear_size)
    *clear_size = h;
  return total;
}

/*
 * gst_e2ee_nal_canonicalize:
 * @au: (array length=size): an access unit in Annex B form
 * @size: its length
 * @out: (array length=out_size) (out caller-allocates): the canonical form
 * @out_size: room at @out
 *
 * Writes @au as rtph264depay and rtph265depay emit it after
 * rtph264pay/rtph265pay: every NAL unit after a 4-byte start code, without
 * its trailing zero bytes (the payloaders drop them, keeping one byte),
 * empty NAL units and zero bytes before the first start code left out. The
 * NAL units themselves are not touched. Does not check for a slice: use
 * gst_e2ee_nal_canonical_size() first.
 *
 * Returns: the bytes written, or 0 if @out_size is too small or @au does
 *   not begin with a start code
 */
gsize
gst_e2ee_nal_canonicalize (const guint8 * au, gsize size, guint8 * out,
    gsize out_size)
{
  static const guint8 sc4[4] = { 0, 0, 0, 1 };
  GstE2eeNalUnit u;
  gsize pos, o = 0;

  g_return_val_if_fail (au != NULL || size == 0, 0);
  g_return_val_if_fail (out != NULL || out_size == 0, 0);

  pos = first_start_code (au, size);
  if (pos >= size)
    return 0;
  /* the NAL type does not matter here */
  while (nal_next (GST_E2EE_CODEC_H264, au, size, &pos, &u)) {
    gsize n = u.end - u.start;

    if (out_size - o < 4 || out_size - o - 4 < n)
      return 0;
    memcpy (out + o, sc4, 4);
    memcpy (out + o + 4, au + u.start, n);
    o += 4 + n;
  }
  return o;
}

/* The NAL units of the clear header frame[0 .. clear), the slice (cut after
 * its 2 clear bytes) last. Each unit's sc_start is where the previous one
 * ended, so [sc_start, next sc_start) covers a unit and its start code.
 * Returns how many, or 0 if there are more than @max. */
guint
_gst_e2ee_nal_header_units (GstE2eeCodec codec, const guint8 * frame,
    gsize clear, GstE2eeNalUnit * units, guint max)
{
  GstE2eeNalUnit u;
  gsize pos, prev_end = 0;
  guint n = 0;

  pos = first_start_code (frame, clear);
  while (nal_next (codec, frame, clear, &pos, &u)) {
    if (n == max)
      return 0;
    u.sc_start = prev_end;
    prev_end = u.end;
    units[n++] = u;
  }
  return n;
}

gboolean
_gst_e2ee_nal_is_parameter_set (GstE2eeCodec codec, guint type)
{
  if (codec == GST_E2EE_CODEC_H265)
    return type >= 32 && type <= 34;    /* VPS, SPS, PPS */
  return type == 7 || type == 8;        /* SPS, PPS */
}

guint
_gst_e2ee_leb128_read (const guint8 * data, gsize len, guint64 * value)
{
  guint64 v = 0;
  guint i;

  for (i = 0; i < AV1_LEB128_MAX_BYTES && i < len; i++) {
    v |= (guint64) (data[i] & 0x7f) << (7 * i);
    if (!(data[i] & 0x80)) {
      /* AV1 4.10.5: the value fits in 32 bits */
      if (v > G_MAXUINT32)
        return 0;
      *value = v;
      return i + 1;
    }
  }
  return 0;
}

guint
_gst_e2ee_leb128_size (guint64 value)
{
  guint n = 0;

  do {
    n++;
    value >>= 7;
  } while (value);
  return n;
}

void
_gst_e2ee_leb128_write (guint64 value, guint8 * out)
{
  guint i, n = _gst_e2ee_leb128_size (value);

  for (i = 0; i < n; i++) {
    out[i] = value & 0x7f;
    value >>= 7;
    if (i + 1 < n)
      out[i] |= 0x80;
  }
}

/* Walks the OBUs of a temporal unit (AV1 5.3: every one with a size field)
 * to the first that is neither a temporal delimiter nor a sequence header.
 * With @sealed, that OBU must end exactly where the frame ends, as the
 * sender makes it. */
gboolean
_gst_e2ee_av1_parse (const guint8 * tu, gsize size, gboolean sealed,
    GstE2eeAv1Layout * layout)
{
  gsize pos = 0;

  while (pos < size) {
    guint8 b = tu[pos];
    guint type = (b >> 3) & 0x0f, n;
    gsize hdr = (b & 0x04) ? 2 : 1, payload;
    guint64 obu_size;

    /* forbidden bit, or no size field */
    if ((b & 0x80) || !(b & 0x02) || hdr > size - pos)
      return FALSE;
    n = _gst_e2ee_leb128_read (tu + pos + hdr, size - pos - hdr, &obu_size);
    if (n == 0)
      return FALSE;
    payload = pos + hdr + n;
    if (obu_size > size - payload)
      return FALSE;

    if (type == AV1_OBU_TEMPORAL_DELIMITER || type == AV1_OBU_SEQUENCE_HEADER) {
      pos = payload + obu_size;
      continue;
    }

    layout->prefix_len = pos + hdr;
    layout->size_len = n;
    layout->obu_size = obu_size;
    layout->type = type;
    layout->first_len = (type == AV1_OBU_FRAME || type == AV1_OBU_FRAME_HEADER)
        ? 1 : 0;
    if (obu_size < layout->first_len)
      return FALSE;
    if (sealed && obu_size != size - payload)
      return FALSE;
    return TRUE;
  }
  return FALSE;
}
