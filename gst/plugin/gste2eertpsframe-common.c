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

/* What the SFrame RTP elements share: the codec table that maps encoded
 * media caps to RTP caps and back, and the a-sframe caps field. */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <string.h>
#include <openssl/crypto.h>

#include "gste2eertpsframe-common.h"

typedef struct
{
  const gchar *media_type;
  const gchar *media;
  const gchar *encoding_name;
  guint clock_rate;
  const gchar *encoding_params;
  /* what the depayloader outputs: what the codec's parser and decoder
   * accept, as the stock depayloader gives them */
  const gchar *codec_caps;
} CodecEntry;

static const CodecEntry codecs[] = {
  {"video/x-vp8", "video", "VP8", 90000, NULL, "video/x-vp8"},
  {"video/x-vp9", "video", "VP9", 90000, NULL, "video/x-vp9"},
  {"video/x-h264", "video", "H264", 90000, NULL,
      "video/x-h264, stream-format=(string)byte-stream, alignment=(string)au"},
  {"video/x-h265", "video", "H265", 90000, NULL,
      "video/x-h265, stream-format=(string)byte-stream, alignment=(string)au"},
  {"video/x-av1", "video", "AV1", 90000, NULL,
      "video/x-av1, stream-format=(string)obu-stream, alignment=(string)tu"},
  /* RFC 7587: always OPUS/48000/2, whatever the channels */
  {"audio/x-opus", "audio", "OPUS", 48000, "2",
      "audio/x-opus, channel-mapping-family=(int)0"},
};

gboolean
gst_e2ee_rtp_sframe_rtp_options (const GstCaps * codec_caps,
    const gchar ** media, const gchar ** encoding_name, guint * clock_rate,
    const gchar ** encoding_params)
{
  const GstStructure *s;

  if (gst_caps_get_size (codec_caps) < 1)
    return FALSE;
  s = gst_caps_get_structure (codec_caps, 0);
  for (guint i = 0; i < G_N_ELEMENTS (codecs); i++) {
    if (gst_structure_has_name (s, codecs[i].media_type)) {
      *media = codecs[i].media;
      *encoding_name = codecs[i].encoding_name;
      *clock_rate = codecs[i].clock_rate;
      *encoding_params = codecs[i].encoding_params;
      return TRUE;
    }
  }
  return FALSE;
}

GstCaps *
gst_e2ee_rtp_sframe_codec_caps (const GstStructure * rtp_caps, gboolean * video)
{
  const gchar *name = gst_structure_get_string (rtp_caps, "encoding-name");

  if (name == NULL)
    return NULL;
  for (guint i = 0; i < G_N_ELEMENTS (codecs); i++) {
    if (g_ascii_strcasecmp (name, codecs[i].encoding_name) == 0) {
      *video = g_str_equal (codecs[i].media, "video");
      return gst_caps_from_string (codecs[i].codec_caps);
    }
  }
  return NULL;
}

void
gst_e2ee_rtp_sframe_set_sdp_attribute (GstCaps * caps)
{
  /* webrtcbin turns every string field "a-<name>" of a payloader's caps
   * into a media-level a=<name>; an empty value writes a bare a=sframe */
  gst_caps_set_simple (caps, "a-sframe", G_TYPE_STRING, "", NULL);
}

void
gst_e2ee_rtp_sframe_key_init (GstE2eeRtpSFrameKey * key)
{
  memset (key, 0, sizeof (*key));
  key->suite = GST_E2EE_RTP_SFRAME_DEFAULT_SUITE;
}

static void
wipe_material (GstE2eeRtpSFrameKey * key)
{
  if (key->material) {
    OPENSSL_cleanse (key->material, key->material_len);
    g_free (key->material);
  }
  key->material = NULL;
  key->material_len = 0;
}

void
gst_e2ee_rtp_sframe_key_clear (GstE2eeRtpSFrameKey * key)
{
  wipe_material (key);
  g_clear_pointer (&key->ctx, gst_e2ee_sframe_context_free);
}

void
gst_e2ee_rtp_sframe_key_set_material (GstE2eeRtpSFrameKey * key,
    GstBuffer * buf)
{
  GstMapInfo map;

  wipe_material (key);
  if (buf && gst_buffer_map (buf, &map, GST_MAP_READ)) {
    key->material = g_memdup2 (map.data, map.size);
    key->material_len = map.size;
    gst_buffer_unmap (buf, &map);
  }
  key->dirty = TRUE;
}

/* Call with the object lock. Returns the context, or NULL when there is no
 * key (@bad_key FALSE) or the key does not fit the suite (@bad_key TRUE). A
 * new context is made only after a property changed: the sender's CTR
 * belongs to the context. */
GstE2eeSFrameContext *
gst_e2ee_rtp_sframe_key_context (GstE2eeRtpSFrameKey * key,
    GstE2eeSFrameKeyUsage usage, gboolean * bad_key)
{
  *bad_key = FALSE;
  if (!key->dirty)
    return key->ctx;

  key->dirty = FALSE;
  g_clear_pointer (&key->ctx, gst_e2ee_sframe_context_free);
  if (key->material == NULL)
    return NULL;

  key->ctx = gst_e2ee_sframe_context_new (key->suite);
  if (key->ctx == NULL
      || !gst_e2ee_sframe_context_add_key (key->ctx, key->kid, key->material,
          key->material_len, usage)
      || (usage == GST_E2EE_SFRAME_KEY_ENCRYPT
          && !gst_e2ee_sframe_context_set_encrypt_kid (key->ctx, key->kid))) {
    g_clear_pointer (&key->ctx, gst_e2ee_sframe_context_free);
    *bad_key = TRUE;
  }
  return key->ctx;
}

void
gst_e2ee_rtp_sframe_install_key_properties (GObjectClass * klass,
    guint prop_key, guint prop_key_id, guint prop_suite)
{
  /* documented in each element's own SECTION: gtk-doc wants property
   * comments in the class_init of the element */
  g_object_class_install_property (klass, prop_key,
      g_param_spec_boxed ("key", "Key",
          "SFrame base key, 16 to 64 bytes (hex on the command line); "
          "write-only", GST_TYPE_BUFFER,
          G_PARAM_WRITABLE | GST_PARAM_MUTABLE_PLAYING |
          G_PARAM_STATIC_STRINGS));
  g_object_class_install_property (klass, prop_key_id,
      g_param_spec_uint64 ("key-id", "Key ID",
          "The SFrame KID of the key", 0, G_MAXUINT64, 0,
          G_PARAM_READWRITE | GST_PARAM_MUTABLE_PLAYING |
          G_PARAM_STATIC_STRINGS));
  g_object_class_install_property (klass, prop_suite,
      g_param_spec_enum ("sframe-suite", "SFrame cipher suite",
          "The SFrame cipher suite (RFC 9605 section 4.5)",
          GST_TYPE_E2EE_SFRAME_SUITE, GST_E2EE_RTP_SFRAME_DEFAULT_SUITE,
          G_PARAM_READWRITE | GST_PARAM_MUTABLE_PLAYING |
          G_PARAM_STATIC_STRINGS));
}
