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


#ifndef __GST_E2EE_VP8_PAY_H__
#define __GST_E2EE_VP8_PAY_H__

#include <gst/gst.h>
#include <gst/rtp/gstrtpbasepayload.h>

G_BEGIN_DECLS
/**
 * GstE2eeVP8PayPictureIdMode:
 * @GST_E2EE_VP8_PAY_PICTURE_ID_NONE: no picture ID in the payload descriptor
 * @GST_E2EE_VP8_PAY_PICTURE_ID_7BITS: a 7-bit picture ID
 * @GST_E2EE_VP8_PAY_PICTURE_ID_15BITS: a 15-bit picture ID
 *
 * Whether and how e2eevp8pay writes the picture ID of RFC 7741. Values and
 * nicks are those of rtpvp8pay's picture-id-mode, so launch lines carry over.
 */
    typedef enum
{
  GST_E2EE_VP8_PAY_PICTURE_ID_NONE = 0,
  GST_E2EE_VP8_PAY_PICTURE_ID_7BITS = 1,
  GST_E2EE_VP8_PAY_PICTURE_ID_15BITS = 2,
} GstE2eeVP8PayPictureIdMode;

#define GST_TYPE_E2EE_VP8_PAY_PICTURE_ID_MODE \
    (gst_e2ee_vp8_pay_picture_id_mode_get_type ())
GType gst_e2ee_vp8_pay_picture_id_mode_get_type (void);

#define GST_TYPE_E2EE_VP8_PAY (gst_e2ee_vp8_pay_get_type ())
G_DECLARE_FINAL_TYPE (GstE2eeVP8Pay, gst_e2ee_vp8_pay, GST, E2EE_VP8_PAY,
    GstRTPBasePayload);

GST_ELEMENT_REGISTER_DECLARE (e2eevp8pay);

G_END_DECLS
#endif /* __GST_E2EE_VP8_PAY_H__ */
