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


#ifndef __GST_E2EE_FRAME_FORMAT_H__
#define __GST_E2EE_FRAME_FORMAT_H__

#include <gst/e2ee/gste2eetypes.h>
#include <gst/e2ee/gste2eejframe.h>
#include <gst/e2ee/gste2eesframe.h>

G_BEGIN_DECLS

/**
 * GstE2eeFrameFormat:
 * @GST_E2EE_FRAME_FORMAT_JFRAME: JFrame, the trailer format of the Jitsi
 *   Meet and LiveKit web clients: the codec's first bytes stay clear
 * @GST_E2EE_FRAME_FORMAT_SFRAME: SFrame (RFC 9605): a header in front, the
 *   whole frame encrypted, nothing clear
 *
 * How a frame is encrypted.
 *
 * Since: 0.2
 */
typedef enum
{
  GST_E2EE_FRAME_FORMAT_JFRAME = 0,
  GST_E2EE_FRAME_FORMAT_SFRAME = 1,
} GstE2eeFrameFormat;

/**
 * GstE2eeJFrameState:
 * @ring: the key ring: the sender seals with the key at @key_index, the
 *   receiver opens with the key the frame's KID names
 * @key_index: sender: the index of the key to seal with
 * @iv_source: sender: where IVs come from
 * @ratchet_window: receiver: how often a key may be ratcheted to open a
 *   frame
 * @n_ratchets: receiver, out: ratchets the last open took
 *
 * The state the JFrame functions of #GstE2eeFrameFormatFuncs take.
 *
 * Since: 0.2
 */
typedef struct
{
  GstE2eeKeyRing *ring;
  guint key_index;
  GstE2eeIvSource *iv_source;
  guint ratchet_window;
  guint n_ratchets;
} GstE2eeJFrameState;

/**
 * GstE2eeFrameFormatFuncs:
 * @format: the format these functions implement
 * @clear_bytes: how many leading bytes of a frame of @codec stay clear (and
 *   authenticated) when sealed
 * @max_sealed_size: the room gst_e2ee_frame_format_funcs.seal needs for
 *   this frame
 * @seal: seals @frame into @out (not overlapping it)
 * @open: opens @frame in place; the plaintext is @out_size bytes from
 *   @out_offset
 * @seal_in_place: (nullable): seals the @size bytes at @frame where they
 *   are, writing at most @before bytes before them and @after bytes after;
 *   the sealed frame is @sealed_size bytes from @start bytes before
 *   @before, that is from @frame - @before + @start. %NULL for a format that
 *   cannot; %GST_E2EE_FRAME_NO_SPACE when the room does not suffice (then
 *   nothing was written and no counter used)
 *
 * One frame format as a table of functions: the elements call these and
 * know nothing else about the format. @state is the format's own state: a
 * #GstE2eeJFrameState for JFrame, a #GstE2eeSFrameContext for SFrame. None
 * of the functions allocates. A new format is one new file with one such
 * table.
 *
 * Since: 0.2
 */
typedef struct
{
  GstE2eeFrameFormat format;
  gsize (*clear_bytes) (GstE2eeCodec codec, const guint8 * frame, gsize size);
  gsize (*max_sealed_size) (gpointer state, GstE2eeCodec codec,
      const guint8 * frame, gsize size);
  GstE2eeFrameResult (*seal) (gpointer state, GstE2eeCodec codec,
      const guint8 * frame, gsize size, guint8 * out, gsize out_size,
      gsize * sealed_size);
  GstE2eeFrameResult (*open) (gpointer state, GstE2eeCodec codec,
      guint8 * frame, gsize size, gsize * out_offset, gsize * out_size);
  GstE2eeFrameResult (*seal_in_place) (gpointer state, GstE2eeCodec codec,
      guint8 * frame, gsize size, gsize before, gsize after, gsize * start,
      gsize * sealed_size);

  /*< private >*/
  gpointer _gst_reserved[4];
} GstE2eeFrameFormatFuncs;

GST_E2EE_API
const GstE2eeFrameFormatFuncs * gst_e2ee_frame_format_get_funcs
    (GstE2eeFrameFormat format);

G_END_DECLS

#endif /* __GST_E2EE_FRAME_FORMAT_H__ */
