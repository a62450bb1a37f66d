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

#ifndef __GST_E2EE_SFRAME_RTP_H__
#define __GST_E2EE_SFRAME_RTP_H__

#include <gst/e2ee/gste2eetypes.h>

G_BEGIN_DECLS

/**
 * GST_E2EE_SFRAME_RTP_S:
 *
 * Start bit of the SFrame RTP payload descriptor: the packet carries the
 * first fragment of an SFrame ciphertext.
 *
 * Since: 0.2
 */
#define GST_E2EE_SFRAME_RTP_S 0x80

/**
 * GST_E2EE_SFRAME_RTP_E:
 *
 * End bit of the SFrame RTP payload descriptor: the packet carries the last
 * fragment of an SFrame ciphertext.
 *
 * Since: 0.2
 */
#define GST_E2EE_SFRAME_RTP_E 0x40

/**
 * GST_E2EE_SFRAME_RTP_T:
 *
 * Type bit of the SFrame RTP payload descriptor: set when the SFrame
 * ciphertext covers one packet's payload made by a codec payloader
 * (per-packet), clear when it covers a whole encoded frame (per-frame).
 *
 * Since: 0.2
 */
#define GST_E2EE_SFRAME_RTP_T 0x20

/**
 * GST_E2EE_SFRAME_RTP_RESERVED:
 *
 * The reserved bits of the SFrame RTP payload descriptor: sent as zero and
 * refused when set, so that a stream in another format (a plain VP8 payload
 * descriptor starts with 0x10 or 0x90) is never mistaken for SFrame.
 *
 * Since: 0.2
 */
#define GST_E2EE_SFRAME_RTP_RESERVED 0x1f

/**
 * GstE2eeSFrameRtpMode:
 * @GST_E2EE_SFRAME_RTP_PER_FRAME: T=0, one SFrame over a whole encoded frame,
 *   cut into packets
 * @GST_E2EE_SFRAME_RTP_PER_PACKET: T=1, one SFrame over each payload of a
 *   codec payloader, one packet each
 *
 * The two RTP modes of draft-ietf-avtcore-rtp-sframe-02.
 *
 * Since: 0.2
 */
typedef enum
{
  GST_E2EE_SFRAME_RTP_PER_FRAME = 0, /*< nick=per-frame >*/
  GST_E2EE_SFRAME_RTP_PER_PACKET = 1, /*< nick=per-packet >*/
} GstE2eeSFrameRtpMode;

/**
 * GstE2eeSFrameRtpCheck:
 * @GST_E2EE_SFRAME_RTP_CHECK_OK: the descriptor is valid for the mode
 * @GST_E2EE_SFRAME_RTP_CHECK_RESERVED: a reserved bit is set
 * @GST_E2EE_SFRAME_RTP_CHECK_WRONG_MODE: the T bit names the other mode
 *
 * What gst_e2ee_sframe_rtp_descriptor_check() found.
 *
 * Since: 0.2
 */
typedef enum
{
  GST_E2EE_SFRAME_RTP_CHECK_OK = 0,
  GST_E2EE_SFRAME_RTP_CHECK_RESERVED,
  GST_E2EE_SFRAME_RTP_CHECK_WRONG_MODE,
} GstE2eeSFrameRtpCheck;

/**
 * GstE2eeSFrameRtpPush:
 * @GST_E2EE_SFRAME_RTP_PUSH_PENDING: the packet was taken into the frame
 *   being assembled; more packets are needed
 * @GST_E2EE_SFRAME_RTP_PUSH_FRAME: the packet completed a frame:
 *   gst_e2ee_sframe_rtp_assembler_frame() returns it
 * @GST_E2EE_SFRAME_RTP_PUSH_DROPPED: the packet was dropped (malformed, or
 *   part of a frame that cannot be completed); the reason is counted in the
 *   #GstE2eeSFrameRtpStats
 *
 * What became of a packet given to gst_e2ee_sframe_rtp_assembler_push().
 *
 * Since: 0.2
 */
typedef enum
{
  GST_E2EE_SFRAME_RTP_PUSH_PENDING = 0,
  GST_E2EE_SFRAME_RTP_PUSH_FRAME,
  GST_E2EE_SFRAME_RTP_PUSH_DROPPED,
} GstE2eeSFrameRtpPush;

/**
 * GstE2eeSFrameRtpStats:
 * @packets: packets pushed
 * @frames: frames completed
 * @frames_lost: frames given up because a sequence number was missing
 * @start_without_end: frames given up because a packet with S (or a new
 *   RTP timestamp) arrived before their E
 * @end_without_start: packets without S that followed a completed frame
 *   with no sequence gap: a fragment with no start
 * @reserved_bits: packets whose descriptor had a reserved bit set
 * @wrong_mode: packets whose descriptor had the T bit of the other mode
 * @truncated: packets with no descriptor or no byte after it
 * @oversize: frames given up because they grew past the maximum size
 * @discarded: packets dropped because they belonged to a frame given up
 *   before
 *
 * Counters of a #GstE2eeSFrameRtpAssembler.
 *
 * Since: 0.2
 */
typedef struct
{
  guint64 packets;
  guint64 frames;
  guint64 frames_lost;
  guint64 start_without_end;
  guint64 end_without_start;
  guint64 reserved_bits;
  guint64 wrong_mode;
  guint64 truncated;
  guint64 oversize;
  guint64 discarded;
} GstE2eeSFrameRtpStats;

/**
 * GstE2eeSFrameRtpAssembler:
 *
 * Reassembles per-frame (T=0) SFrame ciphertexts from the payloads of their
 * RTP packets, S to E, in sequence-number order. Not thread-safe: one
 * streaming thread owns it.
 *
 * Since: 0.2
 */
typedef struct _GstE2eeSFrameRtpAssembler GstE2eeSFrameRtpAssembler;

/**
 * GST_TYPE_E2EE_SFRAME_RTP_ASSEMBLER:
 *
 * The boxed #GType of #GstE2eeSFrameRtpAssembler.
 *
 * Since: 0.2
 */
#define GST_TYPE_E2EE_SFRAME_RTP_ASSEMBLER \
    (gst_e2ee_sframe_rtp_assembler_get_type ())

GST_E2EE_API
GType gst_e2ee_sframe_rtp_assembler_get_type (void);

GST_E2EE_API
guint8 gst_e2ee_sframe_rtp_descriptor (GstE2eeSFrameRtpMode mode,
    gboolean start, gboolean end);

GST_E2EE_API
GstE2eeSFrameRtpCheck gst_e2ee_sframe_rtp_descriptor_check (guint8 descriptor,
    GstE2eeSFrameRtpMode mode);

GST_E2EE_API
guint gst_e2ee_sframe_rtp_fragment_count (gsize size, gsize max_payload);

GST_E2EE_API
guint8 gst_e2ee_sframe_rtp_fragment (gsize size, gsize max_payload,
    guint index, gsize * offset, gsize * length);

GST_E2EE_API
GstE2eeSFrameRtpAssembler * gst_e2ee_sframe_rtp_assembler_new (gsize max_frame_size);

GST_E2EE_API
GstE2eeSFrameRtpAssembler * gst_e2ee_sframe_rtp_assembler_copy (
    const GstE2eeSFrameRtpAssembler * assembler);

GST_E2EE_API
void gst_e2ee_sframe_rtp_assembler_free (GstE2eeSFrameRtpAssembler * assembler);

GST_E2EE_API
void gst_e2ee_sframe_rtp_assembler_reset (GstE2eeSFrameRtpAssembler * assembler);

GST_E2EE_API
GstE2eeSFrameRtpPush gst_e2ee_sframe_rtp_assembler_push (
    GstE2eeSFrameRtpAssembler * assembler, guint16 seq, guint32 timestamp,
    const guint8 * payload, gsize size);

GST_E2EE_API
const guint8 * gst_e2ee_sframe_rtp_assembler_frame (
    GstE2eeSFrameRtpAssembler * assembler, gsize * size);

GST_E2EE_API
void gst_e2ee_sframe_rtp_assembler_get_stats (
    GstE2eeSFrameRtpAssembler * assembler, GstE2eeSFrameRtpStats * stats);

G_END_DECLS

#endif /* __GST_E2EE_SFRAME_RTP_H__ */
