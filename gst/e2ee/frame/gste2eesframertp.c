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
 * SECTION:gste2eesframertp
 * @title: SFrame over RTP
 * @short_description: the payload descriptor of draft-ietf-avtcore-rtp-sframe
 *   and the reassembly of per-frame SFrames
 *
 * draft-ietf-avtcore-rtp-sframe-02 puts one byte in front of every RTP
 * payload that carries SFrame: S (0x80) on the first fragment of an SFrame
 * ciphertext, E (0x40) on the last, T (0x20) when the ciphertext covers one
 * codec payload (per-packet mode) rather than a whole encoded frame
 * (per-frame mode), and five reserved bits that are sent as zero.
 *
 * In per-frame mode a sender cuts the SFrame of a frame into packets that
 * fit the MTU (gst_e2ee_sframe_rtp_fragment()) and a receiver puts them back
 * together (#GstE2eeSFrameRtpAssembler) before decrypting. In per-packet
 * mode every packet is a whole SFrame and only
 * gst_e2ee_sframe_rtp_descriptor_check() is needed. We send S|E|T there, as
 * the draft's packetization gives for an SFrame that fits one packet;
 * libwebrtc instead sets S and E on the first and last packet of the video
 * frame (T=1 on all of them) while still sealing every packet on its own,
 * so a receiver takes any S and E with T=1 and opens each packet alone.
 *
 * The assembler trusts nothing: a packet is refused when its descriptor has
 * a reserved bit or the wrong T, when it carries no byte after the
 * descriptor, and a frame is given up (and counted) when a sequence number
 * is missing, when a new S arrives before the E, when a fragment comes with
 * no S before it, or when the frame grows past the maximum size. It never
 * allocates per frame: its buffer grows to the largest frame seen and stays.
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <string.h>

#include "gste2eesframertp.h"

typedef enum
{
  /* between frames: the last packet ended a frame, or nothing came yet */
  STATE_IDLE,
  /* a frame is open: its S came and every packet since, in order */
  STATE_COLLECTING,
  /* a frame was given up: packets are discarded until the next S */
  STATE_SKIPPING,
} AssemblerState;

struct _GstE2eeSFrameRtpAssembler
{
  AssemblerState state;
  gboolean have_seq;
  guint16 last_seq;
  guint32 timestamp;            /* of the open frame */

  guint8 *data;
  gsize size;
  gsize capacity;
  gsize max_frame_size;
  /* the complete frame, once PUSH_FRAME was returned */
  gboolean have_frame;

  GstE2eeSFrameRtpStats stats;
};

G_DEFINE_BOXED_TYPE (GstE2eeSFrameRtpAssembler, gst_e2ee_sframe_rtp_assembler,
    gst_e2ee_sframe_rtp_assembler_copy, gst_e2ee_sframe_rtp_assembler_free);

/**
 * gst_e2ee_sframe_rtp_descriptor:
 * @mode: the RTP mode
 * @start: whether the packet carries the first fragment
 * @end: whether the packet carries the last fragment
 *
 * The descriptor byte of a packet. In per-packet mode every packet is a
 * whole SFrame, so @start and @end should both be %TRUE.
 *
 * Returns: the descriptor byte
 *
 * Since: 0.2
 */
guint8
gst_e2ee_sframe_rtp_descriptor (GstE2eeSFrameRtpMode mode, gboolean start,
    gboolean end)
{
  return (start ? GST_E2EE_SFRAME_RTP_S : 0) | (end ? GST_E2EE_SFRAME_RTP_E : 0)
      | (mode == GST_E2EE_SFRAME_RTP_PER_PACKET ? GST_E2EE_SFRAME_RTP_T : 0);
}

/**
 * gst_e2ee_sframe_rtp_descriptor_check:
 * @descriptor: the first byte of an RTP payload
 * @mode: the mode the receiver expects
 *
 * Checks a descriptor against the mode the receiver was set up for. The
 * reserved bits are checked before T so that a payload of another format
 * (whose first byte is rarely exactly S|E|T) is reported as such. In
 * per-packet mode S and E are not checked: libwebrtc marks the first and
 * last packet of a video frame with them, and each packet is opened (and
 * authenticated) alone whatever they say.
 *
 * Returns: what was found
 *
 * Since: 0.2
 */
GstE2eeSFrameRtpCheck
gst_e2ee_sframe_rtp_descriptor_check (guint8 descriptor,
    GstE2eeSFrameRtpMode mode)
{
  gboolean per_packet = (descriptor & GST_E2EE_SFRAME_RTP_T) != 0;

  if (descriptor & GST_E2EE_SFRAME_RTP_RESERVED)
    return GST_E2EE_SFRAME_RTP_CHECK_RESERVED;
  if (per_packet != (mode == GST_E2EE_SFRAME_RTP_PER_PACKET))
    return GST_E2EE_SFRAME_RTP_CHECK_WRONG_MODE;
  return GST_E2EE_SFRAME_RTP_CHECK_OK;
}

/**
 * gst_e2ee_sframe_rtp_fragment_count:
 * @size: bytes of the SFrame ciphertext
 * @max_payload: the largest RTP payload allowed, descriptor included
 *
 * How many packets a per-frame SFrame of @size bytes takes.
 *
 * Returns: the number of packets; 0 when @size is 0 or @max_payload leaves
 *   no room after the descriptor
 *
 * Since: 0.2
 */
guint
gst_e2ee_sframe_rtp_fragment_count (gsize size, gsize max_payload)
{
  gsize room;

  if (size == 0 || max_payload < 2)
    return 0;
  room = max_payload - 1;
  return (guint) MIN ((size + room - 1) / room, G_MAXUINT);
}

/**
 * gst_e2ee_sframe_rtp_fragment:
 * @size: bytes of the SFrame ciphertext
 * @max_payload: the largest RTP payload allowed, descriptor included
 * @index: the packet, from 0 to gst_e2ee_sframe_rtp_fragment_count() - 1
 * @offset: (out): where its fragment starts in the ciphertext
 * @length: (out): how many bytes of the ciphertext it carries
 *
 * Where packet @index of a per-frame SFrame is cut. The fragments differ in
 * size by one byte at most, so the last packet of a frame is not a runt
 * that costs a packet's overhead for a few bytes.
 *
 * Returns: the descriptor byte of packet @index (S on the first, E on the
 *   last, T clear), or 0 with @offset and @length set to 0 when @index is
 *   out of range
 *
 * Since: 0.2
 */
guint8
gst_e2ee_sframe_rtp_fragment (gsize size, gsize max_payload, guint index,
    gsize * offset, gsize * length)
{
  guint n = gst_e2ee_sframe_rtp_fragment_count (size, max_payload);
  gsize base, rem;

  g_return_val_if_fail (offset != NULL && length != NULL, 0);

  if (index >= n) {
    *offset = *length = 0;
    return 0;
  }
  base = size / n;
  rem = size % n;
  /* the first rem fragments carry one byte more */
  *offset = index * base + MIN ((gsize) index, rem);
  *length = base + (index < rem ? 1 : 0);
  return gst_e2ee_sframe_rtp_descriptor (GST_E2EE_SFRAME_RTP_PER_FRAME,
      index == 0, index == n - 1);
}

/**
 * gst_e2ee_sframe_rtp_assembler_new:
 * @max_frame_size: the largest SFrame ciphertext accepted, in bytes; a
 *   frame that grows past it is given up, so a peer cannot make the
 *   receiver hold more
 *
 * Returns: (transfer full): a new assembler, to free with
 *   gst_e2ee_sframe_rtp_assembler_free()
 *
 * Since: 0.2
 */
GstE2eeSFrameRtpAssembler *
gst_e2ee_sframe_rtp_assembler_new (gsize max_frame_size)
{
  GstE2eeSFrameRtpAssembler *a;

  g_return_val_if_fail (max_frame_size > 0, NULL);

  a = g_new0 (GstE2eeSFrameRtpAssembler, 1);
  a->max_frame_size = max_frame_size;
  a->state = STATE_IDLE;
  return a;
}

/**
 * gst_e2ee_sframe_rtp_assembler_copy:
 * @assembler: an assembler
 *
 * A copy of @assembler: its state, the frame it holds and its counters (for
 * bindings, which copy boxed types).
 *
 * Returns: (transfer full): the copy
 *
 * Since: 0.2
 */
GstE2eeSFrameRtpAssembler *
gst_e2ee_sframe_rtp_assembler_copy (const GstE2eeSFrameRtpAssembler * assembler)
{
  GstE2eeSFrameRtpAssembler *a;

  g_return_val_if_fail (assembler != NULL, NULL);

  a = g_memdup2 (assembler, sizeof (*a));
  a->data = assembler->capacity ? g_memdup2 (assembler->data,
      assembler->capacity) : NULL;
  return a;
}

/**
 * gst_e2ee_sframe_rtp_assembler_free:
 * @assembler: (transfer full) (nullable): an assembler
 *
 * Frees @assembler.
 *
 * Since: 0.2
 */
void
gst_e2ee_sframe_rtp_assembler_free (GstE2eeSFrameRtpAssembler * assembler)
{
  if (assembler == NULL)
    return;
  g_free (assembler->data);
  g_free (assembler);
}

/**
 * gst_e2ee_sframe_rtp_assembler_reset:
 * @assembler: an assembler
 *
 * Forgets the frame being assembled and the last sequence number (after a
 * flush or a new stream), without counting anything. The counters stay.
 *
 * Since: 0.2
 */
void
gst_e2ee_sframe_rtp_assembler_reset (GstE2eeSFrameRtpAssembler * assembler)
{
  g_return_if_fail (assembler != NULL);

  assembler->state = STATE_IDLE;
  assembler->have_seq = FALSE;
  assembler->size = 0;
  assembler->have_frame = FALSE;
}

static gboolean
append (GstE2eeSFrameRtpAssembler * a, const guint8 * data, gsize len)
{
  if (len > a->max_frame_size - a->size)
    return FALSE;
  if (a->size + len > a->capacity) {
    /* doubles, so a stream costs a few reallocations, not one per frame */
    gsize cap = MAX (a->capacity * 2, (gsize) 4096);

    while (cap < a->size + len)
      cap *= 2;
    cap = MIN (cap, a->max_frame_size);
    a->data = g_realloc (a->data, cap);
    a->capacity = cap;
  }
  memcpy (a->data + a->size, data, len);
  a->size += len;
  return TRUE;
}

/**
 * gst_e2ee_sframe_rtp_assembler_push:
 * @assembler: an assembler
 * @seq: the packet's RTP sequence number
 * @timestamp: the packet's RTP timestamp
 * @payload: (array length=size): the packet's RTP payload, descriptor first
 * @size: bytes of @payload
 *
 * Takes one packet of a per-frame (T=0) stream, in sequence-number order (a
 * jitter buffer in front reorders; what it leaves out of order counts as a
 * loss). Packets of a frame are copied, so @payload need not outlive the
 * call.
 *
 * Returns: what became of the packet
 *
 * Since: 0.2
 */
GstE2eeSFrameRtpPush
gst_e2ee_sframe_rtp_assembler_push (GstE2eeSFrameRtpAssembler * assembler,
    guint16 seq, guint32 timestamp, const guint8 * payload, gsize size)
{
  GstE2eeSFrameRtpAssembler *a = assembler;
  gboolean gap, start, end;
  guint8 d;

  g_return_val_if_fail (a != NULL, GST_E2EE_SFRAME_RTP_PUSH_DROPPED);
  g_return_val_if_fail (payload != NULL || size == 0,
      GST_E2EE_SFRAME_RTP_PUSH_DROPPED);

  a->stats.packets++;
  if (a->have_frame) {
    a->have_frame = FALSE;
    a->size = 0;
  }

  gap = a->have_seq && seq != (guint16) (a->last_seq + 1);
  a->have_seq = TRUE;
  a->last_seq = seq;

  if (gap) {
    /* the frame that was open, or one that started in the missing
     * packets, cannot be completed: one loss per frame */
    if (a->state == STATE_COLLECTING) {
      a->stats.frames_lost++;
      a->state = STATE_SKIPPING;
    } else if (a->state == STATE_IDLE) {
      a->state = STATE_SKIPPING;
      /* counted once we know the packet is not a new start */
      if (size == 0 || !(payload[0] & GST_E2EE_SFRAME_RTP_S))
        a->stats.frames_lost++;
    }
    a->size = 0;
  }

  if (size < 2) {
    a->stats.truncated++;
    goto give_up;
  }
  d = payload[0];
  switch (gst_e2ee_sframe_rtp_descriptor_check (d,
          GST_E2EE_SFRAME_RTP_PER_FRAME)) {
    case GST_E2EE_SFRAME_RTP_CHECK_OK:
      break;
    case GST_E2EE_SFRAME_RTP_CHECK_RESERVED:
      a->stats.reserved_bits++;
      goto give_up;
    default:
      a->stats.wrong_mode++;
      goto give_up;
  }
  start = (d & GST_E2EE_SFRAME_RTP_S) != 0;
  end = (d & GST_E2EE_SFRAME_RTP_E) != 0;

  if (start) {
    if (a->state == STATE_COLLECTING)
      a->stats.start_without_end++;
    a->state = STATE_COLLECTING;
    a->timestamp = timestamp;
    a->size = 0;
  } else if (a->state == STATE_IDLE) {
    a->stats.end_without_start++;
    a->stats.discarded++;
    a->state = end ? STATE_IDLE : STATE_SKIPPING;
    return GST_E2EE_SFRAME_RTP_PUSH_DROPPED;
  } else if (a->state == STATE_SKIPPING) {
    a->stats.discarded++;
    if (end)
      a->state = STATE_IDLE;
    return GST_E2EE_SFRAME_RTP_PUSH_DROPPED;
  } else if (timestamp != a->timestamp) {
    /* all fragments of a frame share its timestamp: this one belongs to a
     * frame whose S was lost, and the open frame never got its E */
    a->stats.start_without_end++;
    a->stats.discarded++;
    a->size = 0;
    a->state = end ? STATE_IDLE : STATE_SKIPPING;
    return GST_E2EE_SFRAME_RTP_PUSH_DROPPED;
  }

  if (!append (a, payload + 1, size - 1)) {
    a->stats.oversize++;
    a->size = 0;
    a->stats.discarded++;
    a->state = end ? STATE_IDLE : STATE_SKIPPING;
    return GST_E2EE_SFRAME_RTP_PUSH_DROPPED;
  }

  if (!end)
    return GST_E2EE_SFRAME_RTP_PUSH_PENDING;

  a->state = STATE_IDLE;
  a->have_frame = TRUE;
  a->stats.frames++;
  return GST_E2EE_SFRAME_RTP_PUSH_FRAME;

give_up:
  /* a malformed packet inside a frame takes the frame with it */
  if (a->state == STATE_COLLECTING)
    a->stats.discarded++;
  a->size = 0;
  if (a->state != STATE_IDLE || gap)
    a->state = STATE_SKIPPING;
  return GST_E2EE_SFRAME_RTP_PUSH_DROPPED;
}

/**
 * gst_e2ee_sframe_rtp_assembler_frame:
 * @assembler: an assembler
 * @size: (out): bytes of the frame
 *
 * The frame completed by the last gst_e2ee_sframe_rtp_assembler_push(),
 * descriptors removed: the SFrame ciphertext, header first.
 *
 * Returns: (transfer none) (array length=size) (nullable): the frame, valid
 *   until the next push or reset, or %NULL when the last push did not
 *   complete one
 *
 * Since: 0.2
 */
const guint8 *
gst_e2ee_sframe_rtp_assembler_frame (GstE2eeSFrameRtpAssembler * assembler,
    gsize * size)
{
  g_return_val_if_fail (assembler != NULL && size != NULL, NULL);

  if (!assembler->have_frame) {
    *size = 0;
    return NULL;
  }
  *size = assembler->size;
  return assembler->data;
}

/**
 * gst_e2ee_sframe_rtp_assembler_get_stats:
 * @assembler: an assembler
 * @stats: (out caller-allocates): where to copy its counters
 *
 * Copies the counters of @assembler.
 *
 * Since: 0.2
 */
void
gst_e2ee_sframe_rtp_assembler_get_stats (GstE2eeSFrameRtpAssembler * assembler,
    GstE2eeSFrameRtpStats * stats)
{
  g_return_if_fail (assembler != NULL && stats != NULL);

  *stats = assembler->stats;
}
