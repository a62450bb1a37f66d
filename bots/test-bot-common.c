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

/* The parts of the Janus bots that need no Janus: each codec's send chain
 * (what gst-e2ee-janus-publish appends to an encoder) straight into its
 * receive chain (what gst-e2ee-janus-record puts after a subscriber pad)
 * and the muxer the recorder picks, with a static key instead of the key
 * manager: the frames come out byte for byte, and the file decodes. */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "bot-common.h"

#include <glib/gstdio.h>
#include <gst/check/gstcheck.h>

#define N_FRAMES 30
#define TEST_KEY \
    "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"

typedef struct
{
  GMutex lock;
  GPtrArray *frames;
} FrameList;

static GstPadProbeReturn
collect (GstPad * pad, GstPadProbeInfo * info, gpointer user_data)
{
  FrameList *list = user_data;
  GstBuffer *buf = GST_PAD_PROBE_INFO_BUFFER (info);
  gsize size = gst_buffer_get_size (buf);
  gpointer data = g_malloc (size);

  gst_buffer_extract (buf, 0, data, size);
  g_mutex_lock (&list->lock);
  g_ptr_array_add (list->frames, g_bytes_new_take (data, size));
  g_mutex_unlock (&list->lock);
  return GST_PAD_PROBE_OK;
}

static void
probe_element (GstElement * pipeline, const gchar * name, const gchar * pad,
    FrameList * list)
{
  GstElement *e = gst_bin_get_by_name (GST_BIN (pipeline), name);
  GstPad *p;

  fail_unless (e != NULL, "no element %s", name);
  p = gst_element_get_static_pad (e, pad);
  gst_pad_add_probe (p, GST_PAD_PROBE_TYPE_BUFFER, collect, list, NULL);
  gst_object_unref (p);
  gst_object_unref (e);
}

static void
run_to_eos (GstElement * pipeline)
{
  GstBus *bus = gst_element_get_bus (pipeline);
  GstMessage *msg;

  fail_unless (gst_element_set_state (pipeline, GST_STATE_PLAYING) !=
      GST_STATE_CHANGE_FAILURE);
  msg = gst_bus_timed_pop_filtered (bus, 60 * GST_SECOND,
      GST_MESSAGE_EOS | GST_MESSAGE_ERROR);
  fail_unless (msg != NULL, "no EOS");
  if (GST_MESSAGE_TYPE (msg) == GST_MESSAGE_ERROR) {
    GError *err = NULL;
    gchar *dbg = NULL;

    gst_message_parse_error (msg, &err, &dbg);
    fail ("error: %s (%s)", err->message, dbg);
  }
  gst_message_unref (msg);
  gst_object_unref (bus);
  gst_element_set_state (pipeline, GST_STATE_NULL);
}

static guint decoded;

static GstPadProbeReturn
count_decoded (GstPad * pad, GstPadProbeInfo * info, gpointer user_data)
{
  g_atomic_int_inc ((gint *) & decoded);
  return GST_PAD_PROBE_OK;
}

static void
on_decodebin_pad (GstElement * dbin, GstPad * pad, gpointer user_data)
{
  GstElement *pipeline = user_data;
  GstElement *sink = gst_element_factory_make ("fakesink", NULL);
  GstPad *spad = gst_element_get_static_pad (sink, "sink");

  g_object_set (sink, "sync", FALSE, NULL);
  gst_bin_add (GST_BIN (pipeline), sink);
  gst_element_sync_state_with_parent (sink);
  gst_pad_add_probe (spad, GST_PAD_PROBE_TYPE_BUFFER, count_decoded, NULL,
      NULL);
  fail_unless_equals_int (gst_pad_link (pad, spad), GST_PAD_LINK_OK);
  gst_object_unref (spad);
}

static guint
decode_file (const gchar * path)
{
  GstElement *pipeline = gst_pipeline_new (NULL);
  GstElement *src = gst_element_factory_make ("filesrc", NULL);
  GstElement *dbin = gst_element_factory_make ("decodebin", NULL);

  g_object_set (src, "location", path, NULL);
  gst_bin_add_many (GST_BIN (pipeline), src, dbin, NULL);
  fail_unless (gst_element_link (src, dbin));
  g_signal_connect (dbin, "pad-added", G_CALLBACK (on_decodebin_pad), pipeline);
  decoded = 0;
  run_to_eos (pipeline);
  gst_object_unref (pipeline);
  return g_atomic_int_get ((gint *) & decoded);
}

static gchar *
bytes_digest (BotCodec codec, GBytes * bytes)
{
  gsize size;
  const guint8 *data = g_bytes_get_data (bytes, &size);

  return bot_frame_digest (codec, data, size);
}

static void
round_trip (BotCodec codec, const gchar * src, const gchar * encoder)
{
  gchar *send = bot_codec_send_desc (codec);
  gchar *recv = bot_codec_recv_desc (codec);
  gchar *dir = g_dir_make_tmp ("bot-common-XXXXXX", NULL);
  gchar *path = g_strdup_printf ("%s/x.%s", dir, bot_codec_extension (codec));
  gboolean webm = bot_codecs_fit_webm (&codec, 1);
  gchar *desc = g_strdup_printf ("%s ! %s ! %s ! %s ! %s name=mux ! "
      "filesink location=%s", src, encoder, send, recv,
      webm ? "webmmux" : "matroskamux", path);
  GError *err = NULL;
  GstElement *pipeline = gst_parse_launch (desc, &err);
  GstElement *enc, *dec;
  FrameList sent = { 0 }, got = { 0 };
  guint i, n_decoded;

  fail_unless (pipeline != NULL, "%s: %s", desc, err ? err->message : "");
  sent.frames = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  got.frames = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  enc = gst_bin_get_by_name (GST_BIN (pipeline), "enc");
  dec = gst_bin_get_by_name (GST_BIN (pipeline), "dec");
  gst_util_set_object_arg (G_OBJECT (enc), "key", TEST_KEY);
  gst_util_set_object_arg (G_OBJECT (dec), "key", TEST_KEY);
  probe_element (pipeline, "enc", "sink", &sent);
  probe_element (pipeline, "dec", "src", &got);
  run_to_eos (pipeline);

  GST_INFO ("%s: %u frames sent, %u decrypted", bot_codec_name (codec),
      sent.frames->len, got.frames->len);
  fail_unless (sent.frames->len >= N_FRAMES / 2, "%s: %u frames sent",
      bot_codec_name (codec), sent.frames->len);
  fail_unless_equals_int (got.frames->len, sent.frames->len);
  for (i = 0; i < sent.frames->len; i++) {
    gchar *d1 = bytes_digest (codec, g_ptr_array_index (sent.frames, i));
    gchar *d2 = bytes_digest (codec, g_ptr_array_index (got.frames, i));

    fail_unless_equals_string (d1, d2);
    g_free (d1);
    g_free (d2);
  }

  n_decoded = decode_file (path);
  fail_unless (n_decoded > 0, "%s: %s decodes to nothing",
      bot_codec_name (codec), path);

  g_ptr_array_free (sent.frames, TRUE);
  g_ptr_array_free (got.frames, TRUE);
  gst_object_unref (enc);
  gst_object_unref (dec);
  gst_object_unref (pipeline);
  g_unlink (path);
  g_rmdir (dir);
  g_free (desc);
  g_free (path);
  g_free (dir);
  g_free (send);
  g_free (recv);
}

#define VIDEO_SRC "videotestsrc num-buffers=30 ! " \
    "video/x-raw,width=160,height=120,framerate=30/1"
#define AUDIO_SRC "audiotestsrc num-buffers=50 ! audio/x-raw,rate=48000"

GST_START_TEST (test_codec_from_caps)
{
  const struct
  {
    const gchar *caps;
    BotCodec codec;
  } table[] = {
    {"video/x-vp8", BOT_CODEC_VP8},
    {"video/x-vp9,profile=(string)0", BOT_CODEC_VP9},
    {"video/x-h264,stream-format=avc,alignment=au", BOT_CODEC_H264},
    {"audio/x-opus,channel-mapping-family=0", BOT_CODEC_OPUS},
    {"application/x-rtp,media=video,encoding-name=VP8", BOT_CODEC_VP8},
    {"application/x-rtp,media=video,encoding-name=vp9", BOT_CODEC_VP9},
    {"application/x-rtp,media=video,encoding-name=H264", BOT_CODEC_H264},
    {"application/x-rtp,media=audio,encoding-name=OPUS", BOT_CODEC_OPUS},
    {"application/x-rtp,media=video,encoding-name=H265", BOT_CODEC_UNKNOWN},
    {"application/x-rtp,media=video", BOT_CODEC_UNKNOWN},
    {"video/x-raw", BOT_CODEC_UNKNOWN},
    {"EMPTY", BOT_CODEC_UNKNOWN},
    {"ANY", BOT_CODEC_UNKNOWN},
  };
  guint i;

  for (i = 0; i < G_N_ELEMENTS (table); i++) {
    GstCaps *caps = gst_caps_from_string (table[i].caps);

    fail_unless_equals_int (bot_codec_from_caps (caps), table[i].codec);
    gst_caps_unref (caps);
  }
  fail_unless_equals_int (bot_codec_from_caps (NULL), BOT_CODEC_UNKNOWN);
  fail_unless (bot_codec_send_desc (BOT_CODEC_UNKNOWN) == NULL);
  fail_unless (bot_codec_recv_desc (BOT_CODEC_UNKNOWN) == NULL);
}

GST_END_TEST;

/* H.264: the slices count, not the framing NAL units around them. */
GST_START_TEST (test_h264_digest)
{
  static const guint8 au[] = { 0, 0, 0, 1, 0x67, 0x42, 0, 0, 1, 0x68, 0xce,
    0, 0, 1, 0x65, 0x88, 0x84, 0x00, 0, 0, 0, 1, 0x41, 0x9a
  };
  static const guint8 framed[] = { 0, 0, 0, 1, 0x09, 0x10, 0, 0, 0, 1, 0x67,
    0x42, 0, 0, 0, 1, 0x68, 0xce, 0, 0, 1, 0x06, 0x05, 0, 0, 1, 0x65, 0x88,
    0x84, 0x00, 0, 0, 0, 1, 0x41, 0x9a
  };
  static const guint8 other[] = { 0, 0, 0, 1, 0x65, 0x88, 0x84, 0x01, 0, 0,
    0, 1, 0x41, 0x9a
  };
  gchar *d1 = bot_frame_digest (BOT_CODEC_H264, au, sizeof (au));
  gchar *d2 = bot_frame_digest (BOT_CODEC_H264, framed, sizeof (framed));
  gchar *d3 = bot_frame_digest (BOT_CODEC_H264, other, sizeof (other));
  gchar *d4 = bot_frame_digest (BOT_CODEC_VP8, au, sizeof (au));

  fail_unless_equals_string (d1, d2);
  fail_if (g_str_equal (d1, d3));
  fail_if (g_str_equal (d1, d4));
  g_free (d1);
  g_free (d2);
  g_free (d3);
  g_free (d4);
}

GST_END_TEST;

GST_START_TEST (test_containers)
{
  BotCodec webm[] = { BOT_CODEC_VP8, BOT_CODEC_OPUS, BOT_CODEC_VP9 };
  BotCodec mkv[] = { BOT_CODEC_OPUS, BOT_CODEC_H264 };

  fail_unless (bot_codecs_fit_webm (webm, G_N_ELEMENTS (webm)));
  fail_if (bot_codecs_fit_webm (mkv, G_N_ELEMENTS (mkv)));
  fail_unless_equals_string (bot_codec_extension (BOT_CODEC_VP8), "webm");
  fail_unless_equals_string (bot_codec_extension (BOT_CODEC_H264), "mkv");
}

GST_END_TEST;

GST_START_TEST (test_sanitize_name)
{
  gchar *s;

  s = bot_sanitize_name ("alice");
  fail_unless_equals_string (s, "alice");
  g_free (s);
  s = bot_sanitize_name ("../../etc/passwd");
  fail_unless (strchr (s, '/') == NULL);
  fail_unless (s[0] != '.');
  g_free (s);
  s = bot_sanitize_name ("");
  fail_unless_equals_string (s, "anon");
  g_free (s);
  s = bot_sanitize_name ("a b\n");
  fail_unless_equals_string (s, "a_b_");
  g_free (s);
}

GST_END_TEST;

GST_START_TEST (test_options)
{
  BotOptions opts;
  GError *err = NULL;

  bot_options_init (&opts);
  fail_if (bot_options_check (&opts, &err));
  g_clear_error (&err);
  opts.server = g_strdup ("http://127.0.0.1:8088/janus");
  fail_if (bot_options_check (&opts, &err));
  g_clear_error (&err);
  opts.room = 1234;
  fail_unless (bot_options_check (&opts, &err));
  fail_unless (opts.id != NULL && g_str_has_prefix (opts.id, "bot-"));
  opts.debounce = 60001;
  fail_if (bot_options_check (&opts, &err));
  g_clear_error (&err);
  bot_options_clear (&opts);
}

GST_END_TEST;

GST_START_TEST (test_round_trip_vp8)
{
  round_trip (BOT_CODEC_VP8, VIDEO_SRC, "vp8enc deadline=1");
}

GST_END_TEST;

GST_START_TEST (test_round_trip_vp9)
{
  round_trip (BOT_CODEC_VP9, VIDEO_SRC,
      "vp9enc deadline=1 cpu-used=8 lag-in-frames=0");
}

GST_END_TEST;

GST_START_TEST (test_round_trip_h264)
{
  round_trip (BOT_CODEC_H264, VIDEO_SRC,
      "x264enc tune=zerolatency speed-preset=ultrafast key-int-max=15");
}

GST_END_TEST;

GST_START_TEST (test_round_trip_opus)
{
  round_trip (BOT_CODEC_OPUS, AUDIO_SRC, "opusenc");
}

GST_END_TEST;

static Suite *
bot_common_suite (void)
{
  Suite *s = suite_create ("janus-bot-common");
  TCase *tc = tcase_create ("general");

  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_codec_from_caps);
  tcase_add_test (tc, test_containers);
  tcase_add_test (tc, test_h264_digest);
  tcase_add_test (tc, test_sanitize_name);
  tcase_add_test (tc, test_options);
  tcase_add_test (tc, test_round_trip_vp8);
  tcase_add_test (tc, test_round_trip_vp9);
  tcase_add_test (tc, test_round_trip_h264);
  tcase_add_test (tc, test_round_trip_opus);
  return s;
}

GST_CHECK_MAIN (bot_common);
