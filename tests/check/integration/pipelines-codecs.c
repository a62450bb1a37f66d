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


/* Every codec through real encoders, GStreamer's own payloaders and
 * depayloaders, and decoders. One pipeline per codec: the encoder feeds a
 * tee; one branch pays and depays the clear frames, the other encrypts,
 * pays, depays, decrypts and decodes. The frames that leave e2eedec must be
 * the frames the clear branch's depayloader gives, byte for byte, every one
 * must decode, and a router reading the RTP packets of both branches (key
 * frames, resolution) must see the same. With a wrong key nothing reaches
 * the decoder. AV1, which has no RTP payloader in GStreamer 1.22, goes
 * through e2eeenc ! e2eedec directly and through Matroska. */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <gst/check/gstcheck.h>

#include "pipeline-util.h"
#include <gst/check/gstharness.h>
#include <gst/rtp/gstrtpbuffer.h>
#include <gst/codecparsers/gsth264parser.h>
#include <gst/codecparsers/gsth265parser.h>
#include <gst/codecparsers/gstav1parser.h>
#include <glib/gstdio.h>
#include <string.h>

#define KEY_A "0100000000000000000000000000000000000000000000000000000000000000"
#define KEY_B "a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f90"

/* at least 300 frames, a key frame every 30 */
#define N_FRAMES 300
#define N_FRAMES_WRONG_KEY 60
#define VIDEO_SRC(n) "videotestsrc num-buffers=" G_STRINGIFY (n) \
    " pattern=smpte ! video/x-raw,width=320,height=240,framerate=30/1 ! "

typedef enum
{
  VIEW_OPUS,
  VIEW_VP8,
  VIEW_VP9,
  VIEW_H264,
  VIEW_H265,
} RouterView;

typedef struct
{
  const gchar *name;
  const gchar *encoder;         /* encoder and caps after it */
  const gchar *pay;
  const gchar *depay;
  const gchar *depay_caps;      /* after the clear branch's depayloader */
  const gchar *decoder;
  const gchar *needs[6];        /* elements that must exist */
  RouterView view;
  gboolean audio;
} Chain;

static const Chain opus_chain = {
  "opus",
  "opusenc bitrate=64000 frame-size=20",
  "rtpopuspay", "rtpopusdepay", "audio/x-opus", "opusdec",
  {"opusenc", "opusdec", NULL}, VIEW_OPUS, TRUE
};

static const Chain vp8_chain = {
  "vp8",
  "vp8enc deadline=1 keyframe-max-dist=30 target-bitrate=800000",
  "e2eevp8pay mtu=1200", "rtpvp8depay", "video/x-vp8", "vp8dec",
  {"vp8enc", "vp8dec", NULL}, VIEW_VP8, FALSE
};

static const Chain vp9_chain = {
  "vp9",
  "vp9enc deadline=1 cpu-used=8 keyframe-max-dist=30 lag-in-frames=0 "
      "target-bitrate=800000",
  "rtpvp9pay mtu=1200", "rtpvp9depay", "video/x-vp9", "vp9dec",
  {"vp9enc", "vp9dec", NULL}, VIEW_VP9, FALSE
};

/* x264enc with tune=zerolatency makes several slices per picture */
static const Chain x264_chain = {
  "h264-x264",
  "x264enc speed-preset=ultrafast tune=zerolatency key-int-max=30 ! "
      "video/x-h264,stream-format=byte-stream,alignment=au",
  "rtph264pay mtu=1200", "rtph264depay",
  "video/x-h264,stream-format=byte-stream,alignment=au", "avdec_h264",
  {"x264enc", "avdec_h264", NULL}, VIEW_H264, FALSE
};

/* rtph264pay config-interval=-1 inserts SPS and PPS before each IDR slice;
 * with several slices the clear branch's access units come apart, so this
 * one has a single slice */
static const Chain x264_config_interval_chain = {
  "h264-x264-config-interval",
  "x264enc speed-preset=ultrafast tune=zerolatency threads=1 "
      "key-int-max=30 ! video/x-h264,stream-format=byte-stream,alignment=au",
  "rtph264pay mtu=1200 config-interval=-1", "rtph264depay",
  "video/x-h264,stream-format=byte-stream,alignment=au", "avdec_h264",
  {"x264enc", "avdec_h264", NULL}, VIEW_H264, FALSE
};

static const Chain openh264_chain = {
  "h264-openh264",
  "openh264enc gop-size=30 ! "
      "video/x-h264,stream-format=byte-stream,alignment=au",
  "rtph264pay mtu=1200", "rtph264depay",
  "video/x-h264,stream-format=byte-stream,alignment=au",
  /* openh264dec wants a profile in its caps, which h264parse adds */
  "h264parse ! openh264dec",
  {"openh264enc", "openh264dec", "h264parse", NULL}, VIEW_H264, FALSE
};

static const Chain x265_chain = {
  "h265-x265",
  "x265enc speed-preset=ultrafast tune=zerolatency key-int-max=30 ! "
      "video/x-h265,stream-format=byte-stream,alignment=au",
  "rtph265pay mtu=1200", "rtph265depay",
  "video/x-h265,stream-format=byte-stream,alignment=au", "avdec_h265",
  {"x265enc", "avdec_h265", NULL}, VIEW_H265, FALSE
};

#define AV1_ENCODER "av1enc cpu-used=8 usage-profile=realtime " \
    "keyframe-max-dist=30 lag-in-frames=0 target-bitrate=400"


static gboolean
have_chain (const Chain * c)
{
  const gchar *stock[] = { "tee", "queue", NULL, NULL, NULL };
  gchar **pay = g_strsplit (c->pay, " ", 2), **depay =
      g_strsplit (c->depay, " ", 2);
  gboolean ok;

  stock[2] = pay[0];
  stock[3] = depay[0];
  ok = have_elements (c->name, stock) && have_elements (c->name, c->needs);
  g_strfreev (pay);
  g_strfreev (depay);
  return ok;
}

/* ---- what a router reads from RTP ---- */

static void
h26x_nal (RouterView view, GstH264NalParser * p4, GstH265Parser * p5,
    const guint8 * nal, gsize len, gboolean * key, gint * w, gint * h)
{
  guint8 *buf;

  if (len < 2)
    return;
  buf = g_malloc (len + 2);
  buf[0] = len >> 8;
  buf[1] = len & 0xff;
  memcpy (buf + 2, nal, len);
  if (view == VIEW_H264) {
    GstH264NalUnit nalu;
    GstH264SPS sps;

    if (gst_h264_parser_identify_nalu_avc (p4, buf, 0, len + 2, 2,
            &nalu) == GST_H264_PARSER_OK) {
      if (nalu.type == GST_H264_NAL_SLICE_IDR)
        *key = TRUE;
      if (nalu.type == GST_H264_NAL_SPS &&
          gst_h264_parser_parse_sps (p4, &nalu, &sps) == GST_H264_PARSER_OK) {
        *w = sps.frame_cropping_flag ? sps.crop_rect_width : sps.width;
        *h = sps.frame_cropping_flag ? sps.crop_rect_height : sps.height;
      }
    }
  } else {
    GstH265NalUnit nalu;
    GstH265VPS vps;
    GstH265SPS sps;

    if (gst_h265_parser_identify_nalu_hevc (p5, buf, 0, len + 2, 2,
            &nalu) == GST_H265_PARSER_OK) {
      if (nalu.type >= GST_H265_NAL_SLICE_BLA_W_LP &&
          nalu.type <= GST_H265_NAL_SLICE_CRA_NUT)
        *key = TRUE;
      if (nalu.type == GST_H265_NAL_VPS)
        gst_h265_parser_parse_vps (p5, &nalu, &vps);
      if (nalu.type == GST_H265_NAL_SPS &&
          gst_h265_parser_parse_sps (p5, &nalu, &sps,
              FALSE) == GST_H265_PARSER_OK) {
        *w = sps.conformance_window_flag ? sps.crop_rect_width : sps.width;
        *h = sps.conformance_window_flag ? sps.crop_rect_height : sps.height;
      }
    }
  }
  g_free (buf);
}

/* The NAL units of one RTP payload: single, STAP-A/AP, or the start of an
 * FU-A/FU (whose header says the type). */
static void
h26x_payload (RouterView view, GstH264NalParser * p4, GstH265Parser * p5,
    const guint8 * d, gsize len, gboolean * key, gint * w, gint * h)
{
  gsize hdr = view == VIEW_H264 ? 1 : 2, off;
  guint type;

  if (len < hdr + 1)
    return;
  type = view == VIEW_H264 ? d[0] & 0x1f : (d[0] >> 1) & 0x3f;
  if ((view == VIEW_H264 && type == 24) || (view == VIEW_H265 && type == 48)) {
    for (off = hdr; off + 2 <= len;) {
      gsize n = (d[off] << 8) | d[off + 1];

      if (n > len - off - 2)
        break;
      h26x_nal (view, p4, p5, d + off + 2, n, key, w, h);
      off += 2 + n;
    }
  } else if ((view == VIEW_H264 && type == 28) ||
      (view == VIEW_H265 && type == 49)) {
    guint8 fu = d[hdr];
    guint8 nal[3];

    if (!(fu & 0x80))
      return;
    /* enough of the NAL unit for its type */
    if (view == VIEW_H264) {
      nal[0] = (d[0] & 0xe0) | (fu & 0x1f);
      nal[1] = 0x80;
      h26x_nal (view, p4, p5, nal, 2, key, w, h);
    } else {
      nal[0] = (d[0] & 0x81) | ((fu & 0x3f) << 1);
      nal[1] = d[1];
      nal[2] = 0x80;
      h26x_nal (view, p4, p5, nal, 3, key, w, h);
    }
  } else {
    h26x_nal (view, p4, p5, d, len, key, w, h);
  }
}

/* One line per frame (RTP packets of one timestamp): "K<w>x<h>" for a key
 * frame (with the resolution where the packets carry it), "D" otherwise;
 * for Opus the TOC byte. */
static GPtrArray *
router_view (RouterView view, GPtrArray * packets)
{
  GPtrArray *lines = g_ptr_array_new_with_free_func (g_free);
  GstH264NalParser *p4 = gst_h264_nal_parser_new ();
  GstH265Parser *p5 = gst_h265_parser_new ();
  guint i = 0;

  while (i < packets->len) {
    gboolean key = FALSE, first = TRUE;
    gint w = 0, h = 0;
    guint32 ts = 0;
    guint toc = 0;

    for (; i < packets->len; i++) {
      GstRTPBuffer rtp = GST_RTP_BUFFER_INIT;
      gsize size;
      const guint8 *data = g_bytes_get_data (g_ptr_array_index (packets, i),
          &size);
      GstBuffer *buf = gst_buffer_new_memdup (data, size);
      const guint8 *p;
      gsize len, off;

      fail_unless (gst_rtp_buffer_map (buf, GST_MAP_READ, &rtp));
      if (!first && gst_rtp_buffer_get_timestamp (&rtp) != ts) {
        gst_rtp_buffer_unmap (&rtp);
        gst_buffer_unref (buf);
        break;
      }
      ts = gst_rtp_buffer_get_timestamp (&rtp);
      p = gst_rtp_buffer_get_payload (&rtp);
      len = gst_rtp_buffer_get_payload_len (&rtp);

      switch (view) {
        case VIEW_OPUS:
          if (first && len > 0)
            toc = p[0];
          break;
        case VIEW_VP8:
          /* RFC 7741: the VP8 payload header starts the first partition */
          if (len < 1 || !(p[0] & 0x10) || (p[0] & 0x07) != 0)
            break;
          off = 1;
          if (p[0] & 0x80) {
            guint8 x = p[1];

            off = 2;
            if (x & 0x80)
              off += (off < len && (p[off] & 0x80)) ? 2 : 1;
            if (x & 0x40)
              off++;
            if (x & 0x30)
              off++;
          }
          if (off < len && !(p[off] & 0x01)) {
            key = TRUE;
            if (off + 10 <= len) {
              w = (p[off + 6] | (p[off + 7] << 8)) & 0x3fff;
              h = (p[off + 8] | (p[off + 9] << 8)) & 0x3fff;
            }
          }
          break;
        case VIEW_VP9:
          /* the VP9 payload descriptor as rtpvp9pay writes it */
          if (len < 1 || !(p[0] & 0x08))
            break;
          key = !(p[0] & 0x40);
          off = 1;
          if (p[0] & 0x80)
            off += (off < len && (p[off] & 0x80)) ? 2 : 1;
          if (p[0] & 0x20)
            off += (p[0] & 0x10) ? 1 : 2;
          if ((p[0] & 0x02) && off < len) {
            gboolean y = p[off] & 0x10;

            off++;
            if (y && off + 4 <= len) {
              w = (p[off] << 8) | p[off + 1];
              h = (p[off + 2] << 8) | p[off + 3];
            }
          }
          break;
        case VIEW_H264:
        case VIEW_H265:
          h26x_payload (view, p4, p5, p, len, &key, &w, &h);
          break;
      }
      first = FALSE;
      gst_rtp_buffer_unmap (&rtp);
      gst_buffer_unref (buf);
    }
    if (view == VIEW_OPUS)
      g_ptr_array_add (lines, g_strdup_printf ("t%02x", toc));
    else if (key)
      g_ptr_array_add (lines, g_strdup_printf ("K%dx%d", w, h));
    else
      g_ptr_array_add (lines, g_strdup ("D"));
  }
  gst_h264_nal_parser_free (p4);
  gst_h265_parser_free (p5);
  return lines;
}

static void
check_router_view (const Chain * c, Recorder * clear_rtp, Recorder * enc_rtp,
    guint n_frames)
{
  GPtrArray *a = router_view (c->view, clear_rtp->frames);
  GPtrArray *b = router_view (c->view, enc_rtp->frames);
  guint i, keys = 0, sized = 0;

  fail_unless_equals_int (a->len, n_frames);
  fail_unless_equals_int (b->len, a->len);
  for (i = 0; i < a->len; i++) {
    const gchar *x = g_ptr_array_index (a, i), *y = g_ptr_array_index (b, i);

    fail_unless (g_str_equal (x, y), "%s frame %u: router sees %s in the "
        "clear, %s encrypted", c->name, i, x, y);
    if (x[0] == 'K') {
      keys++;
      /* x265enc sends its parameter sets with the first key frame only */
      if (g_str_equal (x, "K0x0"))
        continue;
      fail_unless (g_str_equal (x, "K320x240"), "%s frame %u: %s", c->name,
          i, x);
      sized++;
    }
  }
  /* the view reads something: a key frame every 30, and the size */
  if (!c->audio) {
    fail_unless (keys >= n_frames / 30, "%s: %u key frames", c->name, keys);
    fail_unless (sized >= 1, "%s: no resolution seen", c->name);
  }
  g_ptr_array_unref (a);
  g_ptr_array_unref (b);
}

/* ---- the chains ---- */

/* With @dec_key the encrypted branch alone (the clear branch's sink would
 * wait for the decoder's, which never gets a frame, to preroll). */
static gchar *
chain_desc (const Chain * c, guint n, const gchar * dec_key)
{
  gchar *src = c->audio ?
      g_strdup_printf ("audiotestsrc num-buffers=%u samplesperbuffer=960 "
      "wave=sine freq=440 ! audio/x-raw,rate=48000,channels=2 ! ", n) :
      g_strdup_printf ("videotestsrc num-buffers=%u pattern=smpte ! "
      "video/x-raw,width=320,height=240,framerate=30/1 ! ", n);
  gchar *desc;

  if (g_str_equal (dec_key, KEY_A))
    desc = g_strdup_printf ("%s %s ! tee name=t "
        "t. ! queue ! %s name=cpay ! %s name=cdepay ! %s ! "
        "fakesink sync=false async=false "
        "t. ! queue ! e2eeenc name=enc key=" KEY_A " ! %s name=epay ! "
        "%s ! e2eedec name=dec key=" KEY_A " ! %s name=decoder ! "
        "fakesink sync=false async=false",
        src, c->encoder, c->pay, c->depay, c->depay_caps, c->pay, c->depay,
        c->decoder);
  else
    desc = g_strdup_printf ("%s %s ! e2eeenc name=enc key=" KEY_A " ! %s ! "
        "%s ! e2eedec name=dec key=%s ! %s name=decoder ! "
        "fakesink sync=false async=false",
        src, c->encoder, c->pay, c->depay, dec_key, c->decoder);

  g_free (src);
  return desc;
}

static void
check_chain (const Chain * c)
{
  gchar *desc;
  GstElement *pipe;
  Recorder *encoded, *clear_out, *clear_rtp, *wire, *enc_rtp, *dec_out,
      *decoded;
  guint i, n;

  if (!have_chain (c))
    return;
  desc = chain_desc (c, N_FRAMES, KEY_A);
  pipe = launch (desc);
  g_free (desc);
  encoded = record (pipe, "t", "sink");
  clear_rtp = record (pipe, "cpay", "src");
  clear_out = record (pipe, "cdepay", "src");
  wire = record (pipe, "enc", "src");
  enc_rtp = record (pipe, "epay", "src");
  dec_out = record (pipe, "dec", "src");
  decoded = record (pipe, "decoder", "src");

  run_to_eos (pipe, 120);

  n = encoded->frames->len;
  fail_unless (n >= N_FRAMES, "%s: only %u frames", c->name, n);
  fail_unless_equals_int (wire->frames->len, n);
  fail_unless_equals_int (clear_out->frames->len, n);
  fail_unless_equals_int (dec_out->frames->len, n);
  for (i = 0; i < n; i++) {
    GBytes *in = g_ptr_array_index (encoded->frames, i);
    GBytes *w = g_ptr_array_index (wire->frames, i);

    /* what e2eedec gives is what the depayloader gives without e2ee */
    fail_unless (g_bytes_equal (g_ptr_array_index (clear_out->frames, i),
            g_ptr_array_index (dec_out->frames, i)),
        "%s: frame %u differs from the unencrypted run", c->name, i);
    /* and the wire does not carry it in clear */
    fail_if (g_bytes_equal (in, w), "%s: frame %u sent in clear", c->name, i);
    fail_unless (g_bytes_get_size (w) >= g_bytes_get_size (in) + 29);
  }
  /* every frame decodes */
  fail_unless_equals_int (decoded->frames->len, n);
  fail_unless_equals_uint64 (get_stat (pipe, "enc", "bad-frames"), 0);
  fail_unless_equals_uint64 (get_stat (pipe, "dec", "auth-failed"), 0);
  fail_unless_equals_uint64 (get_stat (pipe, "dec", "bad-frames"), 0);
  fail_unless_equals_uint64 (get_stat (pipe, "dec", "frames-out"), n);

  check_router_view (c, clear_rtp, enc_rtp, n);

  recorder_free (encoded);
  recorder_free (clear_rtp);
  recorder_free (clear_out);
  recorder_free (wire);
  recorder_free (enc_rtp);
  recorder_free (dec_out);
  recorder_free (decoded);
  gst_object_unref (pipe);
}

static void
check_chain_wrong_key (const Chain * c)
{
  gchar *desc;
  GstElement *pipe;
  Recorder *sent, *to_decoder;

  if (!have_chain (c))
    return;
  desc = chain_desc (c, N_FRAMES_WRONG_KEY, KEY_B);
  pipe = launch (desc);
  g_free (desc);
  sent = record (pipe, "enc", "src");
  to_decoder = record (pipe, "decoder", "sink");

  run_to_eos (pipe, 120);

  fail_unless (sent->frames->len >= N_FRAMES_WRONG_KEY);
  fail_unless_equals_int (to_decoder->frames->len, 0);
  fail_unless_equals_uint64 (get_stat (pipe, "dec", "auth-failed"),
      sent->frames->len);
  fail_unless_equals_uint64 (get_stat (pipe, "dec", "dropped"),
      sent->frames->len);
  recorder_free (sent);
  recorder_free (to_decoder);
  gst_object_unref (pipe);
}

#define CHAIN_TESTS(id, chain) \
GST_START_TEST (test_ ## id) \
{ \
  check_chain (&chain); \
} \
GST_END_TEST; \
GST_START_TEST (test_ ## id ## _wrong_key) \
{ \
  check_chain_wrong_key (&chain); \
} \
GST_END_TEST;

CHAIN_TESTS (opus, opus_chain);
CHAIN_TESTS (vp8, vp8_chain);
CHAIN_TESTS (vp9, vp9_chain);
CHAIN_TESTS (h264_x264, x264_chain);
CHAIN_TESTS (h264_x264_config_interval, x264_config_interval_chain);
CHAIN_TESTS (h264_openh264, openh264_chain);
CHAIN_TESTS (h265_x265, x265_chain);

/* ---- AV1 ---- */

/* Key frame and resolution as a router would read them from temporal units:
 * the sequence header's maximum frame size, and the first byte of the first
 * frame (header) OBU (show_existing_frame, frame_type), which stay clear. */
static GPtrArray *
av1_view (GPtrArray * tus)
{
  GPtrArray *lines = g_ptr_array_new_with_free_func (g_free);
  guint i;

  for (i = 0; i < tus->len; i++) {
    GstAV1Parser *parser = gst_av1_parser_new ();
    gsize size;
    const guint8 *d = g_bytes_get_data (g_ptr_array_index (tus, i), &size);
    guint32 off = 0, consumed;
    gint w = 0, h = 0, key = -1;

    while (off < size && key < 0) {
      GstAV1OBU obu;
      GstAV1SequenceHeaderOBU seq;

      if (gst_av1_parser_identify_one_obu (parser, d + off, size - off, &obu,
              &consumed) != GST_AV1_PARSER_OK)
        break;
      if (obu.obu_type == GST_AV1_OBU_SEQUENCE_HEADER &&
          gst_av1_parser_parse_sequence_header_obu (parser, &obu,
              &seq) == GST_AV1_PARSER_OK) {
        w = seq.max_frame_width_minus_1 + 1;
        h = seq.max_frame_height_minus_1 + 1;
      }
      if ((obu.obu_type == GST_AV1_OBU_FRAME ||
              obu.obu_type == GST_AV1_OBU_FRAME_HEADER) && obu.obu_size > 0)
        key = !(obu.data[0] & 0x80) && ((obu.data[0] >> 5) & 3) == 0;
      off += consumed;
    }
    if (key == 1)
      g_ptr_array_add (lines, g_strdup_printf ("K%dx%d", w, h));
    else
      g_ptr_array_add (lines, g_strdup (key == 0 ? "D" : "?"));
    gst_av1_parser_free (parser);
  }
  return lines;
}

GST_START_TEST (test_av1)
{
  const gchar *needs[] = { "av1enc", "av1dec", "tee", NULL };
  GstElement *pipe;
  Recorder *encoded, *wire, *dec_out, *decoded;
  GPtrArray *va, *vb;
  guint i, n, keys = 0;

  if (!have_elements ("av1", needs))
    return;
  pipe = launch (VIDEO_SRC (300) AV1_ENCODER " ! tee name=t "
      "t. ! queue ! fakesink sync=false async=false "
      "t. ! queue ! e2eeenc name=enc key=" KEY_A " ! "
      "e2eedec name=dec key=" KEY_A " ! av1dec name=decoder ! "
      "fakesink sync=false async=false");
  encoded = record (pipe, "t", "sink");
  wire = record (pipe, "enc", "src");
  dec_out = record (pipe, "dec", "src");
  decoded = record (pipe, "decoder", "src");
  run_to_eos (pipe, 120);

  n = encoded->frames->len;
  fail_unless (n >= N_FRAMES);
  fail_unless_equals_int (wire->frames->len, n);
  fail_unless_equals_int (dec_out->frames->len, n);
  for (i = 0; i < n; i++) {
    fail_unless (g_bytes_equal (g_ptr_array_index (encoded->frames, i),
            g_ptr_array_index (dec_out->frames, i)), "frame %u differs", i);
    fail_if (g_bytes_equal (g_ptr_array_index (encoded->frames, i),
            g_ptr_array_index (wire->frames, i)));
  }
  fail_unless_equals_int (decoded->frames->len, n);
  fail_unless_equals_uint64 (get_stat (pipe, "dec", "auth-failed"), 0);
  fail_unless_equals_uint64 (get_stat (pipe, "enc", "bad-frames"), 0);

  /* what a router (or a future payloader) reads is the same */
  va = av1_view (encoded->frames);
  vb = av1_view (wire->frames);
  for (i = 0; i < n; i++) {
    const gchar *x = g_ptr_array_index (va, i), *y = g_ptr_array_index (vb, i);

    fail_unless (g_str_equal (x, y), "frame %u: %s in clear, %s encrypted",
        i, x, y);
    fail_if (g_str_equal (x, "?"));
    if (x[0] == 'K') {
      fail_unless (g_str_equal (x, "K320x240"), "frame %u: %s", i, x);
      keys++;
    }
  }
  fail_unless (keys >= n / 30, "%u key frames", keys);
  g_ptr_array_unref (va);
  g_ptr_array_unref (vb);

  recorder_free (encoded);
  recorder_free (wire);
  recorder_free (dec_out);
  recorder_free (decoded);
  gst_object_unref (pipe);
}

GST_END_TEST;

GST_START_TEST (test_av1_wrong_key)
{
  const gchar *needs[] = { "av1enc", "av1dec", NULL };
  GstElement *pipe;
  Recorder *sent, *to_decoder;

  if (!have_elements ("av1-wrong-key", needs))
    return;
  pipe = launch (VIDEO_SRC (60) AV1_ENCODER " ! "
      "e2eeenc name=enc key=" KEY_A " ! e2eedec name=dec key=" KEY_B " ! "
      "av1dec name=decoder ! fakesink sync=false async=false");
  sent = record (pipe, "enc", "src");
  to_decoder = record (pipe, "decoder", "sink");
  run_to_eos (pipe, 120);
  fail_unless (sent->frames->len >= N_FRAMES_WRONG_KEY);
  fail_unless_equals_int (to_decoder->frames->len, 0);
  fail_unless_equals_uint64 (get_stat (pipe, "dec", "auth-failed"),
      sent->frames->len);
  recorder_free (sent);
  recorder_free (to_decoder);
  gst_object_unref (pipe);
}

GST_END_TEST;

/* Encrypted temporal units stored in Matroska and read back. */
GST_START_TEST (test_av1_matroska)
{
  const gchar *needs[] = { "av1enc", "av1dec", "av1parse", "matroskamux",
    "matroskademux", NULL
  };
  gchar *dir, *file, *desc;
  GstElement *pipe;
  Recorder *encoded, *dec_out, *decoded;
  guint i, n;

  if (!have_elements ("av1-matroska", needs))
    return;
  dir = g_dir_make_tmp ("e2ee-av1-XXXXXX", NULL);
  fail_unless (dir != NULL);
  file = g_build_filename (dir, "av1.mkv", NULL);

  desc = g_strdup_printf (VIDEO_SRC (90) AV1_ENCODER " ! av1parse ! "
      "video/x-av1,stream-format=obu-stream,alignment=tu ! "
      "identity name=clear ! e2eeenc key=" KEY_A " ! matroskamux ! "
      "filesink location=\"%s\"", file);
  pipe = launch (desc);
  g_free (desc);
  encoded = record (pipe, "clear", "src");
  run_to_eos (pipe, 120);
  gst_object_unref (pipe);

  desc = g_strdup_printf ("filesrc location=\"%s\" ! matroskademux ! "
      "e2eedec name=dec key=" KEY_A " ! av1dec name=decoder ! "
      "fakesink sync=false", file);
  pipe = launch (desc);
  g_free (desc);
  dec_out = record (pipe, "dec", "src");
  decoded = record (pipe, "decoder", "src");
  run_to_eos (pipe, 120);

  n = encoded->frames->len;
  fail_unless (n >= 90);
  fail_unless_equals_int (dec_out->frames->len, n);
  for (i = 0; i < n; i++)
    fail_unless (g_bytes_equal (g_ptr_array_index (encoded->frames, i),
            g_ptr_array_index (dec_out->frames, i)), "frame %u differs", i);
  fail_unless_equals_int (decoded->frames->len, n);
  fail_unless_equals_uint64 (get_stat (pipe, "dec", "auth-failed"), 0);

  recorder_free (encoded);
  recorder_free (dec_out);
  recorder_free (decoded);
  gst_object_unref (pipe);
  g_unlink (file);
  g_rmdir (dir);
  g_free (file);
  g_free (dir);
}

GST_END_TEST;

/* ---- malformed frames at the elements ---- */

static GstBuffer *
hex_buffer (const gchar * str)
{
  gsize len = strlen (str) / 2, i;
  guint8 *d = g_malloc (len + 1);

  for (i = 0; i < len; i++)
    d[i] = (g_ascii_xdigit_value (str[2 * i]) << 4) |
        g_ascii_xdigit_value (str[2 * i + 1]);
  return gst_buffer_new_wrapped (d, len);
}

static GstHarness *
keyed_harness (const gchar * factory)
{
  GstHarness *h = gst_harness_new (factory);

  gst_util_set_object_arg (G_OBJECT (h->element), "key", KEY_A);
  return h;
}

static guint64
harness_stat (GstHarness * h, const gchar * field)
{
  GstStructure *s;
  guint64 v = G_MAXUINT64;

  g_object_get (h->element, "stats", &s, NULL);
  fail_unless (gst_structure_get_uint64 (s, field, &v));
  gst_structure_free (s);
  return v;
}

GST_START_TEST (test_h264_elements_bad_input)
{
  const gchar *caps = "video/x-h264,stream-format=byte-stream,alignment=au";
  GstHarness *enc = keyed_harness ("e2eeenc");
  GstHarness *dec = keyed_harness ("e2eedec");
  GstBuffer *out, *in;
  GstMapInfo map;
  gsize size;

  gst_harness_set_src_caps_str (enc, caps);
  gst_harness_set_src_caps_str (dec, caps);

  /* slice-less access unit, NAL unit cut from its start code: dropped and
   * counted, never sent in clear */
  fail_unless_equals_int (gst_harness_push (enc,
          hex_buffer ("0000000167640016acd90000000168ebe3cb22c0")),
      GST_FLOW_OK);
  fail_unless_equals_int (gst_harness_push (enc, hex_buffer ("8884002100ff")),
      GST_FLOW_OK);
  fail_unless_equals_int (gst_harness_buffers_in_queue (enc), 0);
  fail_unless_equals_uint64 (harness_stat (enc, "bad-frames"), 2);
  fail_unless_equals_uint64 (harness_stat (enc, "dropped"), 2);
  /* an empty frame passes */
  gst_harness_push (enc, gst_buffer_new ());
  out = gst_harness_pull (enc);
  fail_unless_equals_int (gst_buffer_get_size (out), 0);
  gst_buffer_unref (out);

  /* a good access unit with 3-byte start codes and a start code at its end */
  in = hex_buffer ("0000010930" "000001658884002100000301fffe000003000002ab"
      "000001");
  gst_harness_push (enc, in);
  out = gst_harness_pull (enc);
  fail_unless (gst_buffer_map (out, &map, GST_MAP_READ));
  fail_unless (memcmp (map.data, "\0\0\0\1\x09\x30\0\0\0\1\x65\x88", 12) == 0);
  size = map.size;
  /* KID 0 last: cut it, as rtph264pay does */
  fail_unless (map.data[size - 1] == 0 && map.data[size - 2] == 0x0c);
  gst_buffer_unmap (out, &map);
  gst_buffer_resize (out, 0, size - 1);

  gst_harness_push (dec, out);
  out = gst_harness_pull (dec);
  fail_unless (gst_buffer_map (out, &map, GST_MAP_READ));
  /* canonical form: 4-byte start codes, the empty NAL unit gone */
  fail_unless_equals_int (map.size, 6 + 4 + 18);
  fail_unless (memcmp (map.data + 6, "\0\0\0\1\x65\x88\x84\x00\x21", 9) == 0);
  fail_unless (map.data[map.size - 1] == 0xab);
  gst_buffer_unmap (out, &map);
  gst_buffer_unref (out);

  /* received garbage: counted, dropped */
  gst_harness_push (dec, hex_buffer ("00000001674200"));
  gst_harness_push (dec, hex_buffer ("0000000165"));
  gst_harness_push (dec, hex_buffer ("ffffffff"));
  fail_unless_equals_int (gst_harness_buffers_in_queue (dec), 0);
  fail_unless_equals_uint64 (harness_stat (dec, "bad-frames"), 3);
  fail_unless_equals_uint64 (harness_stat (dec, "frames-out"), 1);

  gst_harness_teardown (enc);
  gst_harness_teardown (dec);
}

GST_END_TEST;

GST_START_TEST (test_av1_elements_bad_input)
{
  GstHarness *enc = keyed_harness ("e2eeenc");

  gst_harness_set_src_caps_str (enc, "video/x-av1,alignment=tu");
  /* temporal delimiter and sequence header only; no size field; too long */
  gst_harness_push (enc, hex_buffer ("12000a0400000001"));
  gst_harness_push (enc, hex_buffer ("1200" "30"));
  gst_harness_push (enc, hex_buffer ("1200" "3210" "10"));
  fail_unless_equals_int (gst_harness_buffers_in_queue (enc), 0);
  fail_unless_equals_uint64 (harness_stat (enc, "bad-frames"), 3);
  gst_harness_teardown (enc);
}

GST_END_TEST;

static Suite *
pipelines_codecs_suite (void)
{
  Suite *s = suite_create ("e2ee-pipelines-codecs");
  TCase *tc = tcase_create ("general");

  suite_add_tcase (s, tc);
  tcase_set_timeout (tc, 180);
  tcase_add_test (tc, test_opus);
  tcase_add_test (tc, test_opus_wrong_key);
  tcase_add_test (tc, test_vp8);
  tcase_add_test (tc, test_vp8_wrong_key);
  tcase_add_test (tc, test_vp9);
  tcase_add_test (tc, test_vp9_wrong_key);
  tcase_add_test (tc, test_h264_x264);
  tcase_add_test (tc, test_h264_x264_wrong_key);
  tcase_add_test (tc, test_h264_x264_config_interval);
  tcase_add_test (tc, test_h264_x264_config_interval_wrong_key);
  tcase_add_test (tc, test_h264_openh264);
  tcase_add_test (tc, test_h264_openh264_wrong_key);
  tcase_add_test (tc, test_h265_x265);
  tcase_add_test (tc, test_h265_x265_wrong_key);
  tcase_add_test (tc, test_av1);
  tcase_add_test (tc, test_av1_wrong_key);
  tcase_add_test (tc, test_av1_matroska);
  tcase_add_test (tc, test_h264_elements_bad_input);
  tcase_add_test (tc, test_av1_elements_bad_input);
  return s;
}

GST_CHECK_MAIN (pipelines_codecs);
