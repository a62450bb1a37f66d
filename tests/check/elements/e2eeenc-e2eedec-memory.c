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


/* e2eeenc and e2eedec and memory: what they decrypt and encrypt in place,
 * what they copy (read-only and shared frames), the trailer in the
 * upstream buffer's padding, and the output pool, sized only by frames
 * that authenticate. */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <gst/video/video.h>
#include <gst/e2ee/e2ee.h>
#include <string.h>

#include "element-harness.h"

static GstBuffer *
packet_payload (GstBuffer * frame, GstBuffer ** packet)
{
  gsize size = gst_buffer_get_size (frame);
  GstBuffer *sub;

  *packet = gst_buffer_new_allocate (NULL, 12 + size, NULL);
  gst_buffer_memset (*packet, 0, 0x80, 12);
  fail_unless_equals_int (gst_buffer_copy_into (*packet, frame,
          GST_BUFFER_COPY_METADATA, 0, -1), TRUE);
  {
    GstMapInfo map;

    gst_buffer_map (frame, &map, GST_MAP_READ);
    gst_buffer_fill (*packet, 12, map.data, map.size);
    gst_buffer_unmap (frame, &map);
  }
  sub = gst_buffer_copy_region (*packet, GST_BUFFER_COPY_ALL, 12, size);
  /* copy_region keeps timestamps only for a region at offset 0 */
  GST_BUFFER_PTS (sub) = GST_BUFFER_PTS (frame);
  fail_unless (GST_MEMORY_IS_READONLY (gst_buffer_peek_memory (sub, 0)));
  return sub;
}

/* The bytes the output frame's memory holds, not its size. */
static gsize
out_maxsize (GstBuffer * b)
{
  gsize offset, maxsize;

  gst_buffer_get_sizes (b, &offset, &maxsize);
  return maxsize;
}

static GstBuffer *
sealed_read_only (GstHarness * enc, gsize size, guint seed)
{
  GstBuffer *sealed = el_push_pull (enc, el_frame (size, 0x78, seed));
  GstBuffer *packet, *sub;

  sub = packet_payload (sealed, &packet);
  gst_buffer_unref (sealed);
  gst_buffer_unref (packet);
  return sub;
}

/* A large frame that does not authenticate leaves no trace in the output
 * buffers; a large one that does is followed by small buffers again once
 * the frames are small; a frame over max-frame-size is dropped unread. */
GST_START_TEST (test_output_pool_follows_authenticated_frames)
{
  GstHarness *enc = el_harness ("e2eeenc", OPUS_CAPS, KEY_A);
  GstHarness *dec = el_harness ("e2eedec", OPUS_CAPS, KEY_A);
  GstBuffer *junk, *packet, *out;
  guint i;

  fail_unless_equals_int (gst_harness_push (dec, sealed_read_only (enc, 200,
              1)), GST_FLOW_OK);
  out = gst_harness_pull (dec);
  fail_unless (out_maxsize (out) < 64 * 1024);
  gst_buffer_unref (out);

  /* 8 MiB of junk, read-only, with a trailer naming slot 0 */
  packet = gst_buffer_new_allocate (NULL, 12 + 8 * 1024 * 1024, NULL);
  gst_buffer_memset (packet, 0, 0x42, 12 + 8 * 1024 * 1024);
  gst_buffer_memset (packet, 12 + 8 * 1024 * 1024 - 2, 12, 1);
  gst_buffer_memset (packet, 12 + 8 * 1024 * 1024 - 1, 0, 1);
  junk = gst_buffer_copy_region (packet, GST_BUFFER_COPY_ALL, 12, -1);
  gst_buffer_unref (packet);
  fail_unless (GST_MEMORY_IS_READONLY (gst_buffer_peek_memory (junk, 0)));
  fail_unless_equals_int (gst_harness_push (dec, junk), GST_FLOW_OK);
  fail_unless_equals_uint64 (el_stat (dec->element, "auth-failed"), 1);
  for (i = 0; i < 3; i++) {
    fail_unless_equals_int (gst_harness_push (dec, sealed_read_only (enc,
                200, 2 + i)), GST_FLOW_OK);
    out = gst_harness_pull (dec);
    fail_unless (out_maxsize (out) < 64 * 1024,
        "a %" G_GSIZE_FORMAT "-byte buffer for a 200-byte frame",
        out_maxsize (out));
    gst_buffer_unref (out);
  }

  /* an authenticated 2 MiB frame: the pool grows for such frames, then
   * shrinks after a window of small ones */
  fail_unless_equals_int (gst_harness_push (dec, sealed_read_only (enc,
              2 * 1024 * 1024, 10)), GST_FLOW_OK);
  gst_buffer_unref (gst_harness_pull (dec));
  fail_unless_equals_int (gst_harness_push (dec, sealed_read_only (enc,
              200, 11)), GST_FLOW_OK);
  out = gst_harness_pull (dec);
  fail_unless (out_maxsize (out) >= 2 * 1024 * 1024);
  gst_buffer_unref (out);
  for (i = 0; i < 700; i++) {
    fail_unless_equals_int (gst_harness_push (dec, sealed_read_only (enc,
                200, 12 + i)), GST_FLOW_OK);
    out = gst_harness_pull (dec);
    if (i == 699)
      fail_unless (out_maxsize (out) < 64 * 1024,
          "a %" G_GSIZE_FORMAT "-byte buffer for a 200-byte frame",
          out_maxsize (out));
    gst_buffer_unref (out);
  }

  /* over max-frame-size: dropped unread, a gap downstream */
  g_object_set (dec->element, "max-frame-size", 64 * 1024, NULL);
  fail_unless_equals_int (gst_harness_push (dec, sealed_read_only (enc,
              100 * 1024, 800)), GST_FLOW_OK);
  fail_unless_equals_uint64 (el_stat (dec->element, "oversized"), 1);
  fail_unless_equals_uint64 (el_stat (dec->element, "auth-failed"), 1);
  fail_unless_equals_int (gst_harness_push (dec, sealed_read_only (enc,
              60 * 1024, 801)), GST_FLOW_OK);
  gst_buffer_unref (gst_harness_pull (dec));
  fail_unless_equals_int (gst_harness_buffers_received (dec), 707);

  gst_harness_teardown (enc);
  gst_harness_teardown (dec);
}

GST_END_TEST;

/* e2eedec writes no frame it may not write, copies no frame it may, and
 * takes the output for read-only frames from a pool: checked by where the
 * bytes end up. */
GST_START_TEST (test_decrypt_without_copies)
{
  GstHarness *enc = el_harness ("e2eeenc", VP8_CAPS, KEY_A);
  GstHarness *dec = el_harness ("e2eedec", VP8_CAPS, KEY_A);
  GstMemory *body_mem, *pooled = NULL;
  GstBuffer *in, *sealed, *out, *packet, *packet_copy;
  guint i;

  /* e2eeenc's output: the frame's own memory, encrypted in place, and the
   * trailer's; e2eedec decrypts the first in place and drops the second */
  in = el_frame (3000, 0x11, 1);
  sealed = el_push_pull (enc, gst_buffer_copy_deep (in));
  fail_unless_equals_int (gst_buffer_n_memory (sealed), 2);
  body_mem = gst_buffer_peek_memory (sealed, 0);
  out = el_push_pull (dec, sealed);
  fail_unless (out != NULL);
  fail_unless (el_buffers_equal (out, in));
  fail_unless_equals_int (gst_buffer_n_memory (out), 1);
  fail_unless (gst_buffer_peek_memory (out, 0) == body_mem,
      "the frame was copied");
  fail_unless_equals_uint64 (GST_BUFFER_PTS (out), GST_BUFFER_PTS (in));
  gst_buffer_unref (out);
  gst_buffer_unref (in);

  /* a depayloader's sub-buffer: the packet stays as it came, the frame
   * comes out of another memory, the same one every time it was given
   * back (no allocation per frame) */
  for (i = 0; i < 5; i++) {
    GstBuffer *sub;

    in = el_frame (1000 + 100 * i, i == 0 ? 0x10 : 0x11, 2 + i);
    sealed = el_push_pull (enc, gst_buffer_copy_deep (in));
    sub = packet_payload (sealed, &packet);
    packet_copy = gst_buffer_copy_deep (packet);
    gst_buffer_unref (sealed);

    out = el_push_pull (dec, sub);
    fail_unless (out != NULL);
    fail_unless (el_buffers_equal (out, in), "frame %u", i);
    fail_unless_equals_uint64 (GST_BUFFER_PTS (out), GST_BUFFER_PTS (in));
    fail_unless (el_buffers_equal (packet, packet_copy),
        "the received packet was written");
    fail_if (gst_buffer_peek_memory (out, 0) ==
        gst_buffer_peek_memory (packet, 0));
    if (pooled)
      fail_unless (gst_buffer_peek_memory (out, 0) == pooled,
          "frame %u: a new output memory", i);
    pooled = gst_buffer_peek_memory (out, 0);
    gst_buffer_unref (out);
    gst_buffer_unref (packet);
    gst_buffer_unref (packet_copy);
    gst_buffer_unref (in);
  }

  /* read-only and undecryptable: dropped, or with on-failure=passthrough
   * passed on as it came */
  in = el_frame (500, 0x11, 9);
  el_set_key (enc->element, KEY_B, 0);
  sealed = el_push_pull (enc, gst_buffer_copy_deep (in));
  out = el_push_pull (dec, packet_payload (sealed, &packet));
  fail_unless (out == NULL);
  gst_buffer_unref (packet);
  g_object_set (dec->element, "on-failure", 1, NULL);
  out = el_push_pull (dec, packet_payload (sealed, &packet));
  fail_unless (out != NULL);
  fail_unless (el_buffers_equal (out, sealed));
  gst_buffer_unref (out);
  gst_buffer_unref (packet);
  gst_buffer_unref (sealed);
  gst_buffer_unref (in);
  fail_unless_equals_uint64 (el_stat (dec->element, "frames-out"), 7);
  fail_unless_equals_uint64 (el_stat (dec->element, "auth-failed"), 2);
  fail_unless_equals_uint64 (el_stat (dec->element, "passthrough"), 1);

  gst_harness_teardown (enc);
  gst_harness_teardown (dec);
}

GST_END_TEST;

/* The same for a codec whose frames e2eedec unescapes in place (H.264):
 * a read-only frame is copied into a pooled buffer and opened there. */
GST_START_TEST (test_decrypt_read_only_h264)
{
  const gchar *caps = "video/x-h264, stream-format=(string)byte-stream, "
      "alignment=(string)au";
  GstHarness *enc = el_harness ("e2eeenc", caps, KEY_A);
  GstHarness *dec = el_harness ("e2eedec", caps, KEY_A);
  GstBuffer *in, *sealed, *out, *packet, *packet_copy;
  GstMapInfo map;
  gsize i;

  /* AUD, then an IDR slice of bytes that make no start code */
  in = gst_buffer_new_allocate (NULL, 2000, NULL);
  gst_buffer_map (in, &map, GST_MAP_WRITE);
  for (i = 0; i < map.size; i++)
    map.data[i] = (guint8) (i % 251 + 1);
  memcpy (map.data, "\0\0\0\1\x09\xf0\0\0\0\1\x65\x88", 12);
  gst_buffer_unmap (in, &map);

  sealed = el_push_pull (enc, gst_buffer_copy_deep (in));
  fail_unless (sealed != NULL);
  {
    GstBuffer *sub = packet_payload (sealed, &packet);

    packet_copy = gst_buffer_copy_deep (packet);
    out = el_push_pull (dec, sub);
  }
  fail_unless (out != NULL);
  fail_unless (el_buffers_equal (out, in));
  fail_unless (el_buffers_equal (packet, packet_copy),
      "the received packet was written");
  gst_buffer_unref (packet);
  gst_buffer_unref (out);

  /* and in place when it may be written */
  out = el_push_pull (dec, sealed);
  fail_unless (out != NULL);
  fail_unless (el_buffers_equal (out, in));
  gst_buffer_unref (out);
  gst_buffer_unref (packet_copy);
  gst_buffer_unref (in);
  gst_harness_teardown (enc);
  gst_harness_teardown (dec);
}

GST_END_TEST;

static GstPadProbeReturn
count_single_memory (GstPad * pad, GstPadProbeInfo * info, gpointer user_data)
{
  guint *counts = user_data;
  GstBuffer *buf = GST_PAD_PROBE_INFO_BUFFER (info);

  counts[0]++;
  if (gst_buffer_n_memory (buf) == 1)
    counts[1]++;
  return GST_PAD_PROBE_OK;
}

/* e2eeenc asks upstream for room for the trailer, and writes it there when
 * it was given: no allocation per frame; else a memory of its own. */
GST_START_TEST (test_trailer_in_padding)
{
  GstHarness *enc = el_harness ("e2eeenc", OPUS_CAPS, KEY_A);
  GstHarness *dec = el_harness ("e2eedec", OPUS_CAPS, KEY_A);
  GstAllocationParams params;
  GstQuery *query;
  GstCaps *caps;
  GstElement *pipe;
  GstElement *sink;
  GstPad *pad;
  GstMemory *mem;
  GstBuffer *in, *src, *out;
  GstMapInfo map;
  guint counts[2] = { 0, 0 };

  /* the allocation query upstream sees */
  caps = gst_caps_from_string (OPUS_CAPS);
  query = gst_query_new_allocation (caps, TRUE);
  gst_caps_unref (caps);
  fail_unless (gst_pad_peer_query (enc->srcpad, query));
  fail_unless (gst_query_get_n_allocation_params (query) > 0);
  gst_query_parse_nth_allocation_param (query, 0, NULL, &params);
  fail_unless (params.padding >= 30);
  gst_query_unref (query);

  /* a frame allocated as asked leaves in its own memory */
  src = el_frame (200, 0x78, 1);
  gst_allocation_params_init (&params);
  params.padding = 30;
  in = gst_buffer_new_allocate (NULL, 200, &params);
  gst_buffer_map (src, &map, GST_MAP_READ);
  gst_buffer_fill (in, 0, map.data, map.size);
  gst_buffer_unmap (src, &map);
  mem = gst_buffer_peek_memory (in, 0);
  out = el_push_pull (enc, in);
  fail_unless_equals_int (gst_buffer_get_size (out), 230);
  fail_unless_equals_int (gst_buffer_n_memory (out), 1);
  fail_unless (gst_buffer_peek_memory (out, 0) == mem);
  out = el_push_pull (dec, out);
  fail_unless (el_buffers_equal (out, src));
  gst_buffer_unref (out);

  /* without room: the trailer in a memory of its own */
  out = el_push_pull (enc, gst_buffer_copy_deep (src));
  fail_unless_equals_int (gst_buffer_get_size (out), 230);
  fail_unless_equals_int (gst_buffer_n_memory (out), 2);
  out = el_push_pull (dec, out);
  fail_unless (el_buffers_equal (out, src));
  gst_buffer_unref (out);
  gst_buffer_unref (src);
  gst_harness_teardown (enc);
  gst_harness_teardown (dec);

  /* opusenc allocates through GstAudioEncoder, which does as asked */
  pipe = gst_parse_launch ("audiotestsrc num-buffers=25 ! opusenc ! "
      "e2eeenc key=" KEY_A " ! fakesink name=sink", NULL);
  fail_unless (pipe != NULL);
  sink = gst_bin_get_by_name (GST_BIN (pipe), "sink");
  pad = gst_element_get_static_pad (sink, "sink");
  gst_pad_add_probe (pad, GST_PAD_PROBE_TYPE_BUFFER, count_single_memory,
      counts, NULL);
  gst_object_unref (pad);
  gst_object_unref (sink);
  gst_element_set_state (pipe, GST_STATE_PLAYING);
  gst_message_unref (gst_bus_timed_pop_filtered (GST_ELEMENT_BUS (pipe),
          GST_CLOCK_TIME_NONE, GST_MESSAGE_EOS | GST_MESSAGE_ERROR));
  gst_element_set_state (pipe, GST_STATE_NULL);
  gst_object_unref (pipe);
  fail_unless (counts[0] >= 20, "%u frames", counts[0]);
  fail_unless_equals_int (counts[1], counts[0]);
}

GST_END_TEST;

/* A frame e2eeenc may not write (a tee upstream holds it too): the other
 * holder keeps the clear frame, and the sealed one is new memory made in
 * one pass, not a copy of the frame sealed afterwards. */
GST_START_TEST (test_encrypt_shared_frame)
{
  GstHarness *enc = el_harness ("e2eeenc", VP8_CAPS, KEY_A);
  GstHarness *dec = el_harness ("e2eedec", VP8_CAPS, KEY_A);
  GstBuffer *in = el_frame (2000, 0x11, 3), *copy, *out;
  GstMapInfo map;

  copy = gst_buffer_copy_deep (in);
  /* the test keeps a reference, as the tee's other branch would */
  out = el_push_pull (enc, gst_buffer_ref (in));
  fail_unless (out != NULL);
  fail_unless (el_buffers_equal (in, copy), "the shared frame was written");
  fail_unless_equals_int (gst_buffer_get_size (out), 2030);
  fail_unless_equals_int (gst_buffer_n_memory (out), 1);
  fail_if (gst_buffer_peek_memory (out, 0) == gst_buffer_peek_memory (in, 0));
  gst_buffer_map (out, &map, GST_MAP_READ);
  fail_unless_equals_int (map.data[map.size - 2], 12);
  gst_buffer_unmap (out, &map);
  fail_unless_equals_uint64 (GST_BUFFER_PTS (out), GST_BUFFER_PTS (in));

  out = el_push_pull (dec, out);
  fail_unless (out != NULL);
  fail_unless (el_buffers_equal (out, copy));
  gst_buffer_unref (out);
  gst_buffer_unref (copy);
  gst_buffer_unref (in);
  gst_harness_teardown (enc);
  gst_harness_teardown (dec);
}

GST_END_TEST;

void
e2ee_elements_add_memory_tests (TCase * tc)
{
  tcase_add_test (tc, test_output_pool_follows_authenticated_frames);
  tcase_add_test (tc, test_decrypt_without_copies);
  tcase_add_test (tc, test_decrypt_read_only_h264);
  tcase_add_test (tc, test_trailer_in_padding);
  tcase_add_test (tc, test_encrypt_shared_frame);
}
