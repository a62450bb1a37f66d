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
 * SECTION:element-e2eevp8pay
 * @title: e2eevp8pay
 * @see_also: e2eeenc, rtpvp8pay, rtpvp8depay
 *
 * Puts VP8 frames in RTP packets as RFC 7741 describes, without looking
 * inside the frames, so that it can carry frames that e2eeenc has encrypted.
 *
 * The stock rtpvp8pay of GStreamer 1.22 bool-decodes the frame header to find
 * the DCT partitions, so that it can start a packet at each partition. After
 * e2eeenc only the first 10 bytes of a key frame (3 of a delta frame) are
 * clear and the partition header is ciphertext: rtpvp8pay then fails with
 * "Failed to parse VP8 frame". RFC 7741 does not require partition
 * boundaries to be marked, so this element does not parse them: every frame
 * is one partition (PID 0) cut into packets that fit the MTU, the first
 * with the S bit, the last with the RTP marker. The stock rtpvp8depay
 * reassembles the frames byte for byte, and a router still finds what it
 * needs in clear: the key-frame bit of the first byte and, on key frames, the
 * picture size.
 *
 * Only the first byte of a frame is read, to mark key frames: a key frame
 * starts a packet without #GST_BUFFER_FLAG_DELTA_UNIT, every other packet
 * carries the flag. #GstE2eeVP8Pay:picture-id-mode adds the picture ID of
 * RFC 7741, as rtpvp8pay does. Temporal scalability fields (L, T, K) and the
 * N bit are never written: an encrypted frame gives no way to tell them.
 *
 * ## Example launch lines
 * |[
 * gst-launch-1.0 videotestsrc ! vp8enc deadline=1 ! \
 *     e2eeenc key=<64 hex digits> ! e2eevp8pay picture-id-mode=15-bit ! \
 *     udpsink host=127.0.0.1 port=5002
 * ]| Encrypts VP8 video end to end and sends it as RTP.
 * |[
 * gst-launch-1.0 udpsrc port=5002 \
 *     caps="application/x-rtp,media=video,clock-rate=90000,encoding-name=VP8" ! \
 *     rtpvp8depay ! e2eedec key=<64 hex digits> ! vp8dec ! autovideosink
 * ]| Receives it: the stock depayloader is enough.
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <gst/rtp/gstrtpbuffer.h>
#include <gst/video/video.h>

#include "gste2eevp8pay.h"
#include "gste2eei18n.h"

GST_DEBUG_CATEGORY_STATIC (gst_e2ee_vp8_pay_debug);
#define GST_CAT_DEFAULT gst_e2ee_vp8_pay_debug

#define DEFAULT_PICTURE_ID_MODE GST_E2EE_VP8_PAY_PICTURE_ID_NONE
#define DEFAULT_PICTURE_ID_OFFSET (-1)

/* RFC 7741 section 4.2 */
#define VP8_DESC_X 0x80
#define VP8_DESC_S 0x10
#define VP8_DESC_I 0x80
#define VP8_DESC_M 0x80

enum
{
  PROP_0,
  PROP_PICTURE_ID_MODE,
  PROP_PICTURE_ID_OFFSET,
};

struct _GstE2eeVP8Pay
{
  GstRTPBasePayload parent;

  /* protected by the object lock */
  GstE2eeVP8PayPictureIdMode picture_id_mode;
  gint picture_id_offset;
  guint16 picture_id;           /* the next frame's */
};

static GstStaticPadTemplate sink_template = GST_STATIC_PAD_TEMPLATE ("sink",
    GST_PAD_SINK, GST_PAD_ALWAYS, GST_STATIC_CAPS ("video/x-vp8"));

static GstStaticPadTemplate src_template = GST_STATIC_PAD_TEMPLATE ("src",
    GST_PAD_SRC, GST_PAD_ALWAYS,
    GST_STATIC_CAPS ("application/x-rtp, media = (string) video, "
        "payload = (int) " GST_RTP_PAYLOAD_DYNAMIC_STRING ", "
        "clock-rate = (int) 90000, "
        "encoding-name = (string) { VP8, VP8-DRAFT-IETF-01 }"));

GType
gst_e2ee_vp8_pay_picture_id_mode_get_type (void)
{
  static GType type = 0;
  static const GEnumValue values[] = {
    {GST_E2EE_VP8_PAY_PICTURE_ID_NONE, "No Picture ID", "none"},
    {GST_E2EE_VP8_PAY_PICTURE_ID_7BITS, "7-bit Picture ID", "7-bit"},
    {GST_E2EE_VP8_PAY_PICTURE_ID_15BITS, "15-bit Picture ID", "15-bit"},
    {0, NULL, NULL},
  };

  /* not "GstVP8RTPPayMode": rtpvp8pay registers that name in the same
   * process */
  if (g_once_init_enter (&type)) {
    GType tmp = g_enum_register_static ("GstE2eeVP8PayPictureIdMode", values);
    g_once_init_leave (&type, tmp);
  }
  return type;
}

#define gst_e2ee_vp8_pay_parent_class parent_class
G_DEFINE_TYPE_WITH_CODE (GstE2eeVP8Pay, gst_e2ee_vp8_pay,
    GST_TYPE_RTP_BASE_PAYLOAD,
    GST_DEBUG_CATEGORY_INIT (gst_e2ee_vp8_pay_debug, "e2eevp8pay", 0,
        "VP8 RTP payloader for encrypted frames"));
GST_ELEMENT_REGISTER_DEFINE (e2eevp8pay, "e2eevp8pay", GST_RANK_NONE,
    GST_TYPE_E2EE_VP8_PAY);

static guint
picture_id_mask (GstE2eeVP8PayPictureIdMode mode)
{
  switch (mode) {
    case GST_E2EE_VP8_PAY_PICTURE_ID_7BITS:
      return 0x7f;
    case GST_E2EE_VP8_PAY_PICTURE_ID_15BITS:
      return 0x7fff;
    case GST_E2EE_VP8_PAY_PICTURE_ID_NONE:
    default:
      return 0;
  }
}

/* call with the object lock */
static void
reset_picture_id (GstE2eeVP8Pay * self)
{
  guint id;

  if (self->picture_id_offset < 0)
    id = g_random_int ();
  else
    id = self->picture_id_offset;
  self->picture_id = id & picture_id_mask (self->picture_id_mode);
}

/* Returns the picture ID for the frame about to be sent and moves to the
 * next. A skipped ID tells the receiver that a picture was lost. */
static guint16
next_picture_id (GstE2eeVP8Pay * self, GstE2eeVP8PayPictureIdMode * mode)
{
  guint16 id;

  GST_OBJECT_LOCK (self);
  *mode = self->picture_id_mode;
  id = self->picture_id;
  self->picture_id = (id + 1) & picture_id_mask (self->picture_id_mode);
  GST_OBJECT_UNLOCK (self);

  return id;
}

static guint
descriptor_size (GstE2eeVP8PayPictureIdMode mode)
{
  switch (mode) {
    case GST_E2EE_VP8_PAY_PICTURE_ID_7BITS:
      return 3;
    case GST_E2EE_VP8_PAY_PICTURE_ID_15BITS:
      return 4;
    case GST_E2EE_VP8_PAY_PICTURE_ID_NONE:
    default:
      return 1;
  }
}

static void
write_descriptor (guint8 * p, gboolean start, GstE2eeVP8PayPictureIdMode mode,
    guint16 picture_id)
{
  /* R=0, N=0, PID=0: the partitions are not known, see RFC 7741 4.4 */
  p[0] = start ? VP8_DESC_S : 0;

  switch (mode) {
    case GST_E2EE_VP8_PAY_PICTURE_ID_7BITS:
      p[0] |= VP8_DESC_X;
      p[1] = VP8_DESC_I;
      p[2] = picture_id & 0x7f;
      break;
    case GST_E2EE_VP8_PAY_PICTURE_ID_15BITS:
      p[0] |= VP8_DESC_X;
      p[1] = VP8_DESC_I;
      p[2] = VP8_DESC_M | ((picture_id >> 8) & 0x7f);
      p[3] = picture_id & 0xff;
      break;
    case GST_E2EE_VP8_PAY_PICTURE_ID_NONE:
    default:
      break;
  }
}

static gboolean
copy_meta (GstBuffer * inbuf, GstMeta ** meta, gpointer user_data)
{
  GstBuffer *outbuf = user_data;
  const GstMetaInfo *info = (*meta)->info;
  const gchar *const *tags = gst_meta_api_type_get_tags (info->api);
  gboolean copy;

  /* as the stock payloaders: metas that do not depend on the content, or
   * only on it being video; not the encoder's temporal-layer meta, whose
   * fields this element does not write */
  copy = info->transform_func != NULL && (!tags || !tags[0]
      || (!tags[1] && g_str_equal (tags[0], GST_META_TAG_VIDEO_STR)));
  if (copy && gst_meta_info_is_custom (info)
      && gst_custom_meta_has_name ((GstCustomMeta *) * meta, "GstVP8Meta"))
    copy = FALSE;

  if (copy) {
    GstMetaTransformCopy copy_data = { FALSE, 0, -1 };

    info->transform_func (outbuf, *meta, inbuf, _gst_meta_transform_copy,
        &copy_data);
  }

  return TRUE;
}

static GstFlowReturn
gst_e2ee_vp8_pay_handle_buffer (GstRTPBasePayload * payload, GstBuffer * buffer)
{
  GstE2eeVP8Pay *self = GST_E2EE_VP8_PAY (payload);
  GstE2eeVP8PayPictureIdMode mode;
  GstBufferList *list;
  guint16 picture_id;
  guint desc_size, header_size, mtu, max_payload, offset, len;
  gsize size;
  guint8 first;
  gboolean key_frame;

  size = gst_buffer_get_size (buffer);
  if (size == 0) {
    GST_LOG_OBJECT (self, "empty frame, nothing to send");
    gst_buffer_unref (buffer);
    return GST_FLOW_OK;
  }

  /* the one byte this element reads; it stays clear in e2eeenc's output */
  gst_buffer_extract (buffer, 0, &first, 1);
  key_frame = (first & 0x01) == 0;
  if (key_frame == GST_BUFFER_FLAG_IS_SET (buffer, GST_BUFFER_FLAG_DELTA_UNIT))
    GST_DEBUG_OBJECT (self, "delta-unit flag disagrees with the frame, "
        "which says %s frame", key_frame ? "key" : "delta");

  picture_id = next_picture_id (self, &mode);
  desc_size = descriptor_size (mode);
  header_size = gst_rtp_buffer_calc_header_len
      (gst_rtp_base_payload_get_source_count (payload, buffer));
  mtu = GST_RTP_BASE_PAYLOAD_MTU (payload);
  if (mtu <= header_size + desc_size) {
    gst_buffer_unref (buffer);
    GST_ELEMENT_ERROR (self, RESOURCE, SETTINGS,
        (_("The MTU is too small to send VP8 video.")),
        ("mtu %u, RTP header %u bytes, payload descriptor %u bytes", mtu,
            header_size, desc_size));
    return GST_FLOW_ERROR;
  }
  max_payload = mtu - header_size - desc_size;

  GST_LOG_OBJECT (self, "%s frame of %" G_GSIZE_FORMAT " bytes, picture id "
      "%u, %u bytes per packet", key_frame ? "key" : "delta", size,
      picture_id, max_payload);

  list = gst_buffer_list_new_sized (size / max_payload + 1);
  for (offset = 0; offset < size; offset += len) {
    GstRTPBuffer rtp = GST_RTP_BUFFER_INIT;
    GstBuffer *out;
    gboolean last;

    len = MIN (max_payload, size - offset);
    last = offset + len == size;

    /* the base class adds the CSRCs of source-info here */
    out = gst_rtp_base_payload_allocate_output_buffer (payload, desc_size, 0,
        0);
    gst_rtp_buffer_map (out, GST_MAP_WRITE, &rtp);
    write_descriptor (gst_rtp_buffer_get_payload (&rtp), offset == 0, mode,
        picture_id);
    gst_rtp_buffer_set_marker (&rtp, last);
    gst_rtp_buffer_unmap (&rtp);

    if (last)
      GST_BUFFER_FLAG_SET (out, GST_BUFFER_FLAG_MARKER);
    /* a receiver can start decoding at the first packet of a key frame */
    if (offset != 0 || !key_frame)
      GST_BUFFER_FLAG_SET (out, GST_BUFFER_FLAG_DELTA_UNIT);
    GST_BUFFER_PTS (out) = GST_BUFFER_PTS (buffer);
    GST_BUFFER_DURATION (out) = GST_BUFFER_DURATION (buffer);
    gst_buffer_foreach_meta (buffer, copy_meta, out);

    /* shares the frame's memory, no copy of the payload */
    out = gst_buffer_append (out, gst_buffer_copy_region (buffer,
            GST_BUFFER_COPY_MEMORY, offset, len));
    gst_buffer_list_add (list, out);
  }
  gst_buffer_unref (buffer);

  return gst_rtp_base_payload_push_list (payload, list);
}

static gboolean
gst_e2ee_vp8_pay_sink_event (GstRTPBasePayload * payload, GstEvent * event)
{
  GstE2eeVP8Pay *self = GST_E2EE_VP8_PAY (payload);

  /* skip a picture ID, as rtpvp8pay does, so the receiver sees a gap */
  if (GST_EVENT_TYPE (event) == GST_EVENT_GAP ||
      GST_EVENT_TYPE (event) == GST_EVENT_FLUSH_START) {
    GstE2eeVP8PayPictureIdMode mode;

    next_picture_id (self, &mode);
  }

  return GST_RTP_BASE_PAYLOAD_CLASS (parent_class)->sink_event (payload, event);
}

static gboolean
gst_e2ee_vp8_pay_set_caps (GstRTPBasePayload * payload, GstCaps * caps)
{
  const gchar *encoding_name = "VP8";
  GstCaps *allowed;

  /* the draft name only for a peer that accepts nothing else */
  allowed = gst_pad_get_allowed_caps (GST_RTP_BASE_PAYLOAD_SRCPAD (payload));
  if (allowed && !gst_caps_is_empty (allowed)) {
    GstStructure *s = gst_caps_get_structure (allowed, 0);
    const GValue *value = gst_structure_get_value (s, "encoding-name");

    if (value) {
      GValue vp8 = G_VALUE_INIT;

      g_value_init (&vp8, G_TYPE_STRING);
      g_value_set_static_string (&vp8, "VP8");
      /* not gst_value_can_intersect (), which only compares the types */
      if (!gst_value_intersect (NULL, &vp8, value))
        encoding_name = "VP8-DRAFT-IETF-01";
      g_value_unset (&vp8);
    }
  }
  if (allowed)
    gst_caps_unref (allowed);

  gst_rtp_base_payload_set_options (payload, "video", TRUE, encoding_name,
      90000);

  return gst_rtp_base_payload_set_outcaps (payload, NULL);
}

static void
gst_e2ee_vp8_pay_set_property (GObject * object, guint prop_id,
    const GValue * value, GParamSpec * pspec)
{
  GstE2eeVP8Pay *self = GST_E2EE_VP8_PAY (object);

  switch (prop_id) {
    case PROP_PICTURE_ID_MODE:
      GST_OBJECT_LOCK (self);
      self->picture_id_mode = g_value_get_enum (value);
      reset_picture_id (self);
      GST_OBJECT_UNLOCK (self);
      break;
    case PROP_PICTURE_ID_OFFSET:
      GST_OBJECT_LOCK (self);
      self->picture_id_offset = g_value_get_int (value);
      reset_picture_id (self);
      GST_OBJECT_UNLOCK (self);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      break;
  }
}

static void
gst_e2ee_vp8_pay_get_property (GObject * object, guint prop_id,
    GValue * value, GParamSpec * pspec)
{
  GstE2eeVP8Pay *self = GST_E2EE_VP8_PAY (object);

  switch (prop_id) {
    case PROP_PICTURE_ID_MODE:
      GST_OBJECT_LOCK (self);
      g_value_set_enum (value, self->picture_id_mode);
      GST_OBJECT_UNLOCK (self);
      break;
    case PROP_PICTURE_ID_OFFSET:
      GST_OBJECT_LOCK (self);
      g_value_set_int (value, self->picture_id_offset);
      GST_OBJECT_UNLOCK (self);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      break;
  }
}

static void
gst_e2ee_vp8_pay_class_init (GstE2eeVP8PayClass * klass)
{
  GObjectClass *gobject_class = G_OBJECT_CLASS (klass);
  GstElementClass *element_class = GST_ELEMENT_CLASS (klass);
  GstRTPBasePayloadClass *pay_class = GST_RTP_BASE_PAYLOAD_CLASS (klass);

  gobject_class->set_property = gst_e2ee_vp8_pay_set_property;
  gobject_class->get_property = gst_e2ee_vp8_pay_get_property;

  pay_class->handle_buffer = GST_DEBUG_FUNCPTR (gst_e2ee_vp8_pay_handle_buffer);
  pay_class->sink_event = GST_DEBUG_FUNCPTR (gst_e2ee_vp8_pay_sink_event);
  pay_class->set_caps = GST_DEBUG_FUNCPTR (gst_e2ee_vp8_pay_set_caps);

  /**
   * GstE2eeVP8Pay:picture-id-mode:
   *
   * Whether to write the picture ID of RFC 7741, and in how many bits. With
   * it, a receiver can tell a lost frame from a late one and a router can
   * rewrite the IDs when it switches streams. Setting it restarts the IDs
   * from #GstE2eeVP8Pay:picture-id-offset.
   */
  g_object_class_install_property (gobject_class, PROP_PICTURE_ID_MODE,
      g_param_spec_enum ("picture-id-mode", "Picture ID Mode",
          "The picture ID mode for payloading",
          GST_TYPE_E2EE_VP8_PAY_PICTURE_ID_MODE, DEFAULT_PICTURE_ID_MODE,
          G_PARAM_READWRITE | GST_PARAM_MUTABLE_PLAYING |
          G_PARAM_STATIC_STRINGS));

  /**
   * GstE2eeVP8Pay:picture-id-offset:
   *
   * The first picture ID, or -1 for a random one (RFC 7741 recommends a
   * random start). Setting it restarts the IDs. A fixed value is meant for
   * tests.
   */
  g_object_class_install_property (gobject_class, PROP_PICTURE_ID_OFFSET,
      g_param_spec_int ("picture-id-offset", "Picture ID offset",
          "Offset to add to the initial picture-id (-1 = random)",
          -1, 0x7fff, DEFAULT_PICTURE_ID_OFFSET,
          G_PARAM_READWRITE | GST_PARAM_MUTABLE_PLAYING |
          G_PARAM_STATIC_STRINGS));

  gst_element_class_add_static_pad_template (element_class, &sink_template);
  gst_element_class_add_static_pad_template (element_class, &src_template);
  gst_element_class_set_static_metadata (element_class,
      "RTP VP8 payloader for encrypted frames", "Codec/Payloader/Network/RTP",
      "Puts VP8 video, encrypted end to end or not, in RTP packets (RFC 7741) "
      "without parsing the frames", "The gst-e2ee authors");

  gst_type_mark_as_plugin_api (GST_TYPE_E2EE_VP8_PAY_PICTURE_ID_MODE, 0);
}

static void
gst_e2ee_vp8_pay_init (GstE2eeVP8Pay * self)
{
  self->picture_id_mode = DEFAULT_PICTURE_ID_MODE;
  self->picture_id_offset = DEFAULT_PICTURE_ID_OFFSET;
  reset_picture_id (self);
}
