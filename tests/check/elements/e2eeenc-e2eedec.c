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


/* e2eeenc and e2eedec under GstHarness: round trips, fail-closed, every
 * per-frame failure counted and dropped, configuration errors, key changes
 * in PLAYING, the key-frame request on recovery, and property hygiene. */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <gst/check/gstcheck.h>
#include <gst/check/gstharness.h>
#include <gst/video/video.h>
#include <gst/e2ee/e2ee.h>
#include <string.h>

#include "element-harness.h"

GST_START_TEST (test_roundtrip_opus)
{
  GstHarness *enc = el_harness ("e2eeenc", OPUS_CAPS, KEY_A);
  GstHarness *dec = el_harness ("e2eedec", OPUS_CAPS, KEY_A);
  static const gsize sizes[] = { 1, 2, 3, 30, 31, 160, 1275, 0, 5000 };
  guint64 bytes = 0;
  guint i;

  for (i = 0; i < G_N_ELEMENTS (sizes); i++) {
    GstBuffer *in = el_frame (sizes[i], 0x78, i);
    GstBuffer *enc_out, *dec_out;
    GstMapInfo map;

    enc_out = el_push_pull (enc, gst_buffer_ref (in));
    fail_unless (enc_out != NULL);
    gst_buffer_map (enc_out, &map, GST_MAP_READ);
    if (sizes[i] == 0) {
      /* empty frames (DTX) pass unchanged */
      fail_unless_equals_int (map.size, 0);
    } else {
      fail_unless_equals_int (map.size, sizes[i] + 30);
      fail_unless_equals_int (map.data[0], 0x78);       /* TOC stays clear */
      fail_unless_equals_int (map.data[map.size - 2], 12);
      fail_unless_equals_int (map.data[map.size - 1], 0);
      if (sizes[i] > 8) {
        GstMapInfo in_map;

        gst_buffer_map (in, &in_map, GST_MAP_READ);
        fail_if (memcmp (map.data + 1, in_map.data + 1, sizes[i] - 1) == 0,
            "frame left in clear");
        gst_buffer_unmap (in, &in_map);
      }
    }
    gst_buffer_unmap (enc_out, &map);
    fail_unless_equals_uint64 (GST_BUFFER_PTS (enc_out), GST_BUFFER_PTS (in));

    dec_out = el_push_pull (dec, enc_out);
    fail_unless (dec_out != NULL);
    fail_unless (el_buffers_equal (dec_out, in), "frame %u differs", i);
    bytes += sizes[i];
    gst_buffer_unref (dec_out);
    gst_buffer_unref (in);
  }

  fail_unless_equals_uint64 (el_stat (enc->element, "frames-in"),
      G_N_ELEMENTS (sizes));
  fail_unless_equals_uint64 (el_stat (enc->element, "frames-out"),
      G_N_ELEMENTS (sizes));
  fail_unless_equals_uint64 (el_stat (enc->element, "bytes-in"), bytes);
  fail_unless_equals_uint64 (el_stat (enc->element, "bytes-out"),
      bytes + 30 * (G_N_ELEMENTS (sizes) - 1));
  fail_unless_equals_uint64 (el_stat (dec->element, "frames-out"),
      G_N_ELEMENTS (sizes));
  fail_unless_equals_uint64 (el_stat (dec->element, "bytes-out"), bytes);
  fail_unless_equals_uint64 (el_stat (dec->element, "auth-failed"), 0);
  fail_unless_equals_uint64 (el_stat (dec->element, "dropped"), 0);

  gst_harness_teardown (enc);
  gst_harness_teardown (dec);
}

GST_END_TEST;

GST_START_TEST (test_vp8_clear_bytes)
{
  GstHarness *enc = el_harness ("e2eeenc", VP8_CAPS, KEY_A);
  GstBuffer *key_frame = el_frame (500, 0x50, 1), *delta =
      el_frame (500, 0x51, 2);
  GstBuffer *out;
  GstMapInfo a, b;

  out = el_push_pull (enc, gst_buffer_ref (key_frame));
  gst_buffer_map (out, &a, GST_MAP_READ);
  gst_buffer_map (key_frame, &b, GST_MAP_READ);
  fail_unless (memcmp (a.data, b.data, 10) == 0);
  fail_if (memcmp (a.data + 10, b.data + 10, 16) == 0);
  gst_buffer_unmap (out, &a);
  gst_buffer_unmap (key_frame, &b);
  gst_buffer_unref (out);

  out = el_push_pull (enc, gst_buffer_ref (delta));
  gst_buffer_map (out, &a, GST_MAP_READ);
  gst_buffer_map (delta, &b, GST_MAP_READ);
  fail_unless (memcmp (a.data, b.data, 3) == 0);
  fail_if (memcmp (a.data + 3, b.data + 3, 16) == 0);
  gst_buffer_unmap (out, &a);
  gst_buffer_unmap (delta, &b);
  gst_buffer_unref (out);

  gst_buffer_unref (key_frame);
  gst_buffer_unref (delta);
  gst_harness_teardown (enc);
}

GST_END_TEST;

static guint
count_messages (GstBus * bus, GstMessageType type)
{
  GstMessage *msg;
  guint n = 0;

  while ((msg = gst_bus_pop_filtered (bus, type))) {
    n++;
    gst_message_unref (msg);
  }
  return n;
}

GST_START_TEST (test_fail_closed_without_key)
{
  GstHarness *enc = el_harness ("e2eeenc", OPUS_CAPS, NULL);
  GstBus *bus = gst_bus_new ();
  guint i;

  gst_element_set_bus (enc->element, bus);
  for (i = 0; i < 5; i++)
    fail_unless_equals_int (gst_harness_push (enc, el_frame (100, 0x78, i)),
        GST_FLOW_OK);
  fail_unless_equals_int (gst_harness_buffers_received (enc), 0);
  fail_unless_equals_uint64 (el_stat (enc->element, "missing-key"), 5);
  fail_unless_equals_uint64 (el_stat (enc->element, "dropped"), 5);
  fail_unless_equals_uint64 (el_stat (enc->element, "frames-out"), 0);
  /* one warning, not one per frame */
  fail_unless_equals_int (count_messages (bus, GST_MESSAGE_WARNING), 1);

  /* a key arriving in PLAYING applies from the next frame */
  el_set_key (enc->element, KEY_A, 0);
  fail_unless_equals_int (gst_harness_push (enc, el_frame (100, 0x78, 9)),
      GST_FLOW_OK);
  fail_unless_equals_int (gst_harness_buffers_received (enc), 1);

  /* and unsetting it in PLAYING stops sending at once */
  g_object_set (enc->element, "key", NULL, NULL);
  fail_unless_equals_int (gst_harness_push (enc, el_frame (100, 0x78, 10)),
      GST_FLOW_OK);
  fail_unless_equals_int (gst_harness_buffers_received (enc), 1);
  fail_unless_equals_uint64 (el_stat (enc->element, "missing-key"), 6);

  gst_element_set_bus (enc->element, NULL);
  gst_object_unref (bus);
  gst_harness_teardown (enc);
}

GST_END_TEST;

GST_START_TEST (test_allow_unencrypted)
{
  GstHarness *enc = el_harness ("e2eeenc", OPUS_CAPS, NULL);
  GstBuffer *in = el_frame (100, 0x78, 1), *out;

  g_object_set (enc->element, "allow-unencrypted", TRUE, NULL);
  out = el_push_pull (enc, gst_buffer_ref (in));
  fail_unless (out && el_buffers_equal (in, out));
  fail_unless_equals_uint64 (el_stat (enc->element, "unencrypted"), 1);
  gst_buffer_unref (out);

  /* with a key it encrypts regardless */
  el_set_key (enc->element, KEY_A, 0);
  out = el_push_pull (enc, gst_buffer_ref (in));
  fail_unless_equals_int (gst_buffer_get_size (out), 130);
  gst_buffer_unref (out);
  fail_unless_equals_uint64 (el_stat (enc->element, "unencrypted"), 1);

  gst_buffer_unref (in);
  gst_harness_teardown (enc);
}

GST_END_TEST;

static GstBuffer *
encrypt_one (const gchar * caps, const gchar * key, guint index, GstBuffer * in)
{
  GstHarness *enc = gst_harness_new ("e2eeenc");
  GstBuffer *out;

  el_set_key (enc->element, key, index);
  gst_harness_set_src_caps_str (enc, caps);
  out = el_push_pull (enc, in);
  fail_unless (out != NULL);
  gst_harness_teardown (enc);
  return out;
}

GST_START_TEST (test_decrypt_failures)
{
  GstHarness *dec = el_harness ("e2eedec", OPUS_CAPS, KEY_A);
  GstBuffer *good = encrypt_one (OPUS_CAPS, KEY_A, 0, el_frame (200, 0x78, 1));
  GstBuffer *wrong = encrypt_one (OPUS_CAPS, KEY_B, 0, el_frame (200, 0x78, 2));
  GstBuffer *other_slot = encrypt_one (OPUS_CAPS, KEY_A, 3,
      el_frame (200, 0x78, 3));
  GstBuffer *b;
  GstMapInfo map;
  gsize i;

  /* wrong key */
  fail_unless_equals_int (gst_harness_push (dec, wrong), GST_FLOW_OK);
  fail_unless_equals_uint64 (el_stat (dec->element, "auth-failed"), 1);
  /* a KID whose slot is empty */
  fail_unless_equals_int (gst_harness_push (dec, other_slot), GST_FLOW_OK);
  fail_unless_equals_uint64 (el_stat (dec->element, "missing-key"), 1);
  /* shorter than the trailer */
  for (i = 1; i < 30; i++)
    fail_unless_equals_int (gst_harness_push (dec,
            gst_buffer_copy_region (good, GST_BUFFER_COPY_ALL, 0, i)),
        GST_FLOW_OK);
  fail_unless_equals_uint64 (el_stat (dec->element, "bad-frames"), 29);
  /* IV length other than 12 */
  b = gst_buffer_copy_deep (good);
  gst_buffer_map (b, &map, GST_MAP_WRITE);
  map.data[map.size - 2] = 16;
  gst_buffer_unmap (b, &map);
  fail_unless_equals_int (gst_harness_push (dec, b), GST_FLOW_OK);
  fail_unless_equals_uint64 (el_stat (dec->element, "bad-frames"), 30);
  /* one flipped bit in the clear header, the ciphertext, the tag, the IV */
  for (i = 0; i < 4; i++) {
    static const gsize pos[] = { 0, 50, 200, 220 };

    b = gst_buffer_copy_deep (good);
    gst_buffer_map (b, &map, GST_MAP_WRITE);
    map.data[pos[i]] ^= 0x04;
    gst_buffer_unmap (b, &map);
    fail_unless_equals_int (gst_harness_push (dec, b), GST_FLOW_OK);
  }
  fail_unless_equals_uint64 (el_stat (dec->element, "auth-failed"), 5);
  /* a clear frame is never taken for a decrypted one */
  fail_unless_equals_int (gst_harness_push (dec, el_frame (200, 0x78, 4)),
      GST_FLOW_OK);

  fail_unless_equals_int (gst_harness_buffers_received (dec), 0);
  fail_unless_equals_uint64 (el_stat (dec->element, "dropped"), 37);

  /* the good one still goes through */
  fail_unless_equals_int (gst_harness_push (dec, good), GST_FLOW_OK);
  fail_unless_equals_int (gst_harness_buffers_received (dec), 1);
  fail_unless_equals_uint64 (el_stat (dec->element, "frames-out"), 1);

  gst_harness_teardown (dec);
}

GST_END_TEST;

/* The GAP events the harness's sink received, in order, as
 * (timestamp, duration) pairs. */
static GArray *
pull_gaps (GstHarness * h)
{
  GArray *gaps = g_array_new (FALSE, FALSE, sizeof (GstClockTime));
  GstEvent *ev;

  while ((ev = gst_harness_try_pull_event (h))) {
    if (GST_EVENT_TYPE (ev) == GST_EVENT_GAP) {
      GstClockTime ts, dur;

      gst_event_parse_gap (ev, &ts, &dur);
      g_array_append_val (gaps, ts);
      g_array_append_val (gaps, dur);
    }
    gst_event_unref (ev);
  }
  return gaps;
}

static GstBuffer *
timed (GstBuffer * buf, GstClockTime pts, GstClockTime duration)
{
  GST_BUFFER_PTS (buf) = pts;
  GST_BUFFER_DURATION (buf) = duration;
  return buf;
}

GST_START_TEST (test_drop_sends_gap)
{
  GstHarness *dec = el_harness ("e2eedec", OPUS_CAPS, KEY_A);
  GstHarness *enc = el_harness ("e2eeenc", OPUS_CAPS, NULL);
  GstBuffer *good = encrypt_one (OPUS_CAPS, KEY_A, 0, el_frame (200, 0x78, 1));
  GstBuffer *wrong = encrypt_one (OPUS_CAPS, KEY_B, 0, el_frame (200, 0x78, 2));
  GstBuffer *out;
  GArray *gaps;

  g_array_unref (pull_gaps (dec));
  /* auth-failed, missing-key, too short: each leaves a gap of its time */
  fail_unless_equals_int (gst_harness_push (dec, timed (gst_buffer_copy
              (wrong), 3 * GST_SECOND, 20 * GST_MSECOND)), GST_FLOW_OK);
  fail_unless_equals_int (gst_harness_push (dec, timed (el_frame (10, 0x78, 3),
              3 * GST_SECOND + 20 * GST_MSECOND, 20 * GST_MSECOND)),
      GST_FLOW_OK);
  /* no duration: a gap of unknown length; no timestamp: nothing to say */
  fail_unless_equals_int (gst_harness_push (dec, timed (gst_buffer_copy
              (wrong), 4 * GST_SECOND, GST_CLOCK_TIME_NONE)), GST_FLOW_OK);
  fail_unless_equals_int (gst_harness_push (dec, timed (gst_buffer_copy
              (wrong), GST_CLOCK_TIME_NONE, 20 * GST_MSECOND)), GST_FLOW_OK);
  gaps = pull_gaps (dec);
  fail_unless_equals_int (gaps->len, 6);
  fail_unless_equals_uint64 (g_array_index (gaps, GstClockTime, 0),
      3 * GST_SECOND);
  fail_unless_equals_uint64 (g_array_index (gaps, GstClockTime, 1),
      20 * GST_MSECOND);
  fail_unless_equals_uint64 (g_array_index (gaps, GstClockTime, 2),
      3 * GST_SECOND + 20 * GST_MSECOND);
  fail_unless_equals_uint64 (g_array_index (gaps, GstClockTime, 3),
      20 * GST_MSECOND);
  fail_unless_equals_uint64 (g_array_index (gaps, GstClockTime, 4),
      4 * GST_SECOND);
  fail_unless_equals_uint64 (g_array_index (gaps, GstClockTime, 5),
      GST_CLOCK_TIME_NONE);
  g_array_unref (gaps);
  fail_unless_equals_int (gst_harness_buffers_received (dec), 0);

  /* a frame that decrypts is no gap */
  out = el_push_pull (dec, timed (good, 5 * GST_SECOND, 20 * GST_MSECOND));
  fail_unless (out != NULL);
  gst_buffer_unref (out);
  gaps = pull_gaps (dec);
  fail_unless_equals_int (gaps->len, 0);
  g_array_unref (gaps);

  /* the encryptor without a key */
  g_array_unref (pull_gaps (enc));
  fail_unless_equals_int (gst_harness_push (enc, timed (el_frame (50, 0x78, 4),
              7 * GST_SECOND, 20 * GST_MSECOND)), GST_FLOW_OK);
  fail_unless_equals_int (gst_harness_buffers_received (enc), 0);
  gaps = pull_gaps (enc);
  fail_unless_equals_int (gaps->len, 2);
  fail_unless_equals_uint64 (g_array_index (gaps, GstClockTime, 0),
      7 * GST_SECOND);
  fail_unless_equals_uint64 (g_array_index (gaps, GstClockTime, 1),
      20 * GST_MSECOND);
  g_array_unref (gaps);

  gst_buffer_unref (wrong);
  gst_harness_teardown (enc);
  gst_harness_teardown (dec);
}

GST_END_TEST;

/* What a depayloader hands over for a frame that came in one packet: a
 * sub-buffer of the packet, its memory shared and so read-only. */
GST_START_TEST (test_passthrough)
{
  GstHarness *dec = el_harness ("e2eedec", OPUS_CAPS, NULL);
  GstBuffer *enc = encrypt_one (OPUS_CAPS, KEY_A, 0, el_frame (200, 0x78, 1));
  GstBuffer *out;

  g_object_set (dec->element, "on-failure", 1, NULL);
  out = el_push_pull (dec, gst_buffer_ref (enc));
  fail_unless (out != NULL);
  fail_unless (el_buffers_equal (out, enc), "passthrough must not alter");
  fail_unless_equals_uint64 (el_stat (dec->element, "passthrough"), 1);
  fail_unless_equals_uint64 (el_stat (dec->element, "missing-key"), 1);
  gst_buffer_unref (out);
  gst_buffer_unref (enc);
  gst_harness_teardown (dec);
}

GST_END_TEST;

static GstMessage *
run_until_error (const gchar * desc)
{
  GstElement *pipe = gst_parse_launch (desc, NULL);
  GstBus *bus;
  GstMessage *msg;

  fail_unless (pipe != NULL);
  bus = gst_element_get_bus (pipe);
  gst_element_set_state (pipe, GST_STATE_PLAYING);
  msg = gst_bus_timed_pop_filtered (bus, 10 * GST_SECOND,
      GST_MESSAGE_ERROR | GST_MESSAGE_EOS);
  gst_element_set_state (pipe, GST_STATE_NULL);
  gst_object_unref (bus);
  gst_object_unref (pipe);
  return msg;
}

static void
assert_settings_error (const gchar * desc, const gchar * text)
{
  GstMessage *msg = run_until_error (desc);
  GError *err = NULL;

  fail_unless (msg && GST_MESSAGE_TYPE (msg) == GST_MESSAGE_ERROR, "%s", desc);
  gst_message_parse_error (msg, &err, NULL);
  fail_unless (g_error_matches (err, GST_RESOURCE_ERROR,
          GST_RESOURCE_ERROR_SETTINGS), "%s: %s", desc, err->message);
  fail_unless (strstr (err->message, text) != NULL, "%s", err->message);
  g_error_free (err);
  gst_message_unref (msg);
}

GST_START_TEST (test_configuration_errors)
{
  assert_settings_error ("audiotestsrc num-buffers=5 ! opusenc ! "
      "e2eeenc key=0011 ! fakesink", "16 or 32 bytes");
  assert_settings_error ("audiotestsrc num-buffers=5 ! opusenc ! "
      "e2eeenc allow-unencrypted=true ! e2eedec key=" KEY_A "00 ! fakesink",
      "16 or 32 bytes");
  assert_settings_error ("audiotestsrc num-buffers=5 ! opusenc ! "
      "e2eeenc kdf=raw passphrase=secret ! fakesink", "kdf=livekit");
  /* a 32-byte key is fine with kdf=raw (AES-256) */
  {
    GstMessage *msg = run_until_error ("audiotestsrc num-buffers=5 ! opusenc ! "
        "e2eeenc kdf=raw key=" KEY_A " ! e2eedec kdf=raw key=" KEY_A
        " ! fakesink");

    fail_unless (msg && GST_MESSAGE_TYPE (msg) == GST_MESSAGE_EOS);
    gst_message_unref (msg);
  }
}

GST_END_TEST;

/* The text of the one error message on @bus. */
static gchar *
error_text (GstBus * bus)
{
  GstMessage *msg = gst_bus_pop_filtered (bus, GST_MESSAGE_ERROR);
  GError *err = NULL;
  gchar *text;

  fail_unless (msg != NULL);
  gst_message_parse_error (msg, &err, NULL);
  fail_unless (g_error_matches (err, GST_RESOURCE_ERROR,
          GST_RESOURCE_ERROR_SETTINGS));
  text = g_strdup (err->message);
  g_error_free (err);
  gst_message_unref (msg);
  return text;
}

/* An unusable passphrase is refused with what is wrong with it. */
GST_START_TEST (test_passphrase_errors)
{
  static const struct
  {
    GstE2eeKdf kdf;
    const gchar *passphrase;
    const gchar *says;
  } cases[] = {
    {GST_E2EE_KDF_LIVEKIT, "", "empty"},
    {GST_E2EE_KDF_LIVEKIT, "caf\xe9", "UTF-8"},
    {GST_E2EE_KDF_LIVEKIT, "\xff\xfe", "UTF-8"},
    {GST_E2EE_KDF_JITSI, "correct horse", "kdf=livekit"},
  };
  static const gchar *factories[] = { "e2eeenc", "e2eedec" };
  guint i, f;

  for (f = 0; f < G_N_ELEMENTS (factories); f++) {
    for (i = 0; i < G_N_ELEMENTS (cases); i++) {
      GstHarness *h = gst_harness_new (factories[f]);
      GstBus *bus = gst_bus_new ();
      GstBuffer *sealed = NULL;
      gchar *text;

      gst_element_set_bus (h->element, bus);
      g_object_set (h->element, "kdf", cases[i].kdf, "passphrase",
          cases[i].passphrase, NULL);
      /* refused when the element starts */
      gst_harness_set_src_caps_str (h, OPUS_CAPS);
      if (f == 1)
        sealed = encrypt_one (OPUS_CAPS, KEY_A, 0, el_frame (50, 0x78, 1));
      gst_harness_push (h, sealed ? sealed : el_frame (50, 0x78, 1));
      fail_unless_equals_int (gst_harness_buffers_received (h), 0);
      text = error_text (bus);
      fail_unless (strstr (text, cases[i].says) != NULL, "%s, case %u: %s",
          factories[f], i, text);
      if (cases[i].kdf == GST_E2EE_KDF_LIVEKIT)
        fail_if (strstr (text, "kdf=livekit") != NULL, "%s, case %u: %s",
            factories[f], i, text);
      g_free (text);
      gst_element_set_bus (h->element, NULL);
      gst_object_unref (bus);
      gst_harness_teardown (h);
    }
  }
}

GST_END_TEST;

static void
collect_key_lines (GstDebugCategory * category, GstDebugLevel level,
    const gchar * file, const gchar * function, gint line, GObject * object,
    GstDebugMessage * message, gpointer user_data)
{
  GPtrArray *lines = user_data;
  const gchar *text = gst_debug_message_get (message);

  if (text && strstr (text, KEY_B))
    g_ptr_array_add (lines, g_strdup_printf ("%s %s %s:%d",
            level == GST_LEVEL_INFO ? "INFO" : level < GST_LEVEL_INFO ?
            "WARNING-OR-WORSE" : "DEBUG-OR-FINER",
            gst_debug_category_get_name (category), file, line));
}

/* A key on a gst-launch line reaches the log only where docs/security.md
 * says: GStreamer's parser (GST_PIPELINE at INFO, with its DEBUG lines);
 * nothing of the elements logs it. */
GST_START_TEST (test_launch_line_key_in_log)
{
  GPtrArray *lines = g_ptr_array_new_with_free_func (g_free);
  GstDebugLevel saved = gst_debug_get_default_threshold ();
  GstMessage *msg;
  guint i;

  gst_debug_add_log_function (collect_key_lines, lines, NULL);
  /* DEBUG: the hygiene test covers every level for keys set through the
   * API */
  gst_debug_set_default_threshold (GST_LEVEL_DEBUG);
  msg = run_until_error ("audiotestsrc num-buffers=5 ! opusenc ! "
      "e2eeenc key=" KEY_B " ! e2eedec key=" KEY_B " ! fakesink");
  gst_debug_set_default_threshold (saved);
  gst_debug_remove_log_function (collect_key_lines);
  fail_unless (msg && GST_MESSAGE_TYPE (msg) == GST_MESSAGE_EOS);
  gst_message_unref (msg);

  fail_unless (lines->len > 0, "the parser's log was not seen");
  for (i = 0; i < lines->len; i++) {
    const gchar *l = g_ptr_array_index (lines, i);

    fail_unless (strstr (l, "gstparse.c") || strstr (l, "parse.l")
        || strstr (l, "types.h"), "the key in the log: %s", l);
    fail_if (g_str_has_prefix (l, "WARNING-OR-WORSE"), "%s", l);
    if (g_str_has_prefix (l, "INFO"))
      fail_unless (strstr (l, "INFO GST_PIPELINE ")
          && strstr (l, "gstparse.c"), "%s", l);
  }
  g_ptr_array_unref (lines);
}

GST_END_TEST;

GST_START_TEST (test_bad_key_in_playing)
{
  GstHarness *enc = el_harness ("e2eeenc", OPUS_CAPS, KEY_A);
  GstBus *bus = gst_bus_new ();
  GstBuffer *bad = gst_buffer_new_allocate (NULL, 20, NULL);
  GstBuffer *empty = gst_buffer_new ();

  gst_element_set_bus (enc->element, bus);
  fail_unless_equals_int (gst_harness_push (enc, el_frame (50, 0x78, 1)),
      GST_FLOW_OK);
  g_object_set (enc->element, "key", bad, NULL);
  gst_buffer_unref (bad);
  /* refused loudly; nothing goes out under the old key or in clear */
  fail_unless_equals_int (gst_harness_push (enc, el_frame (50, 0x78, 2)),
      GST_FLOW_ERROR);
  fail_unless_equals_int (count_messages (bus, GST_MESSAGE_ERROR), 1);
  fail_unless_equals_int (gst_harness_buffers_received (enc), 1);

  /* an empty key is a key of the wrong length, not "no key" */
  g_object_set (enc->element, "key", empty, NULL);
  gst_buffer_unref (empty);
  fail_unless_equals_int (gst_harness_push (enc, el_frame (50, 0x78, 3)),
      GST_FLOW_ERROR);
  fail_unless_equals_int (count_messages (bus, GST_MESSAGE_ERROR), 1);
  fail_unless_equals_int (gst_harness_buffers_received (enc), 1);

  gst_element_set_bus (enc->element, NULL);
  gst_object_unref (bus);
  gst_harness_teardown (enc);
}

GST_END_TEST;

GST_START_TEST (test_key_rotation_in_playing)
{
  GstHarness *enc = el_harness ("e2eeenc", OPUS_CAPS, KEY_A);
  GstHarness *dec = el_harness ("e2eedec", OPUS_CAPS, KEY_A);
  GQueue in_flight = G_QUEUE_INIT;
  GPtrArray *sent = g_ptr_array_new_with_free_func ((GDestroyNotify)
      gst_buffer_unref);
  guint i, n = 0;

  /* frames encrypted under the old key are still in flight when both
   * sides switch, sender first: none may be lost */
  for (i = 0; i < 30; i++) {
    GstBuffer *in = el_frame (120, 0x78, i), *out;
    GstMapInfo map;

    g_ptr_array_add (sent, gst_buffer_ref (in));
    if (i == 10) {
      el_set_key (enc->element, KEY_B, 1);
      el_set_key (dec->element, KEY_B, 1);
    }
    if (i == 20) {
      /* a new key under the same index */
      el_set_key (enc->element, KEY_A, 1);
      el_set_key (dec->element, KEY_A, 1);
    }
    out = el_push_pull (enc, in);
    gst_buffer_map (out, &map, GST_MAP_READ);
    fail_unless_equals_int (map.data[map.size - 1], i < 10 ? 0 : 1);
    gst_buffer_unmap (out, &map);
    g_queue_push_tail (&in_flight, out);
    /* the decoder runs five frames behind */
    if (g_queue_get_length (&in_flight) > 5) {
      GstBuffer *dout = el_push_pull (dec, g_queue_pop_head (&in_flight));

      fail_unless (dout != NULL, "frame %u lost", n);
      fail_unless (el_buffers_equal (dout, g_ptr_array_index (sent, n)));
      gst_buffer_unref (dout);
      n++;
    }
  }
  while (!g_queue_is_empty (&in_flight)) {
    GstBuffer *dout = el_push_pull (dec, g_queue_pop_head (&in_flight));

    fail_unless (dout != NULL, "frame %u lost", n);
    fail_unless (el_buffers_equal (dout, g_ptr_array_index (sent, n)));
    gst_buffer_unref (dout);
    n++;
  }
  fail_unless_equals_int (n, 30);
  fail_unless_equals_uint64 (el_stat (dec->element, "dropped"), 0);

  g_ptr_array_unref (sent);
  gst_harness_teardown (enc);
  gst_harness_teardown (dec);
}

GST_END_TEST;

#define ROTATIONS 3000

typedef struct
{
  GstElement *enc;
  GstBuffer **keys;
  GThread *pusher;
  /* atomic: rotations done (key and key-index both set), rotations whose
   * key is set, the rotation whose key a frame installed, frames pushed
   * through, whether the pusher is done, and the times a frame waited in
   * the window */
  gint done;
  gint keyed;
  gint installed;
  gint pulled;
  gint stop;
  gint windows;
} Rotator;

/* Runs on the pusher's thread when e2eeenc has installed the key built
 * from its properties and before it seals the frame: the setter changes
 * key-index in that window, every rotation. */
static void
hold_frame_in_window (GstDebugCategory * category, GstDebugLevel level,
    const gchar * file, const gchar * function, gint line, GObject * object,
    GstDebugMessage * message, gpointer user_data)
{
  Rotator *r = user_data;
  const gchar *text;
  gint k;

  if (g_thread_self () != r->pusher
      || strcmp (gst_debug_category_get_name (category), "e2eebase") != 0)
    return;
  text = gst_debug_message_get (message);
  if (!text || !g_str_has_prefix (text, "installed key"))
    return;
  k = g_atomic_int_get (&r->keyed);
  g_atomic_int_set (&r->installed, k);
  g_atomic_int_inc (&r->windows);
  while (g_atomic_int_get (&r->done) < k && !g_atomic_int_get (&r->stop))
    g_thread_yield ();
}

static gpointer
rotate_keys (gpointer data)
{
  Rotator *r = data;
  guint i;

  /* as an application rotates: the new key, then its index, one
   * rotation per frame, the index changed while the frame is on its way
   * (or, should the window not be seen, after it) */
  for (i = 1; i < ROTATIONS && !g_atomic_int_get (&r->stop); i++) {
    g_object_set (r->enc, "key", r->keys[i], NULL);
    g_atomic_int_set (&r->keyed, i);
    while ((guint) g_atomic_int_get (&r->installed) < i
        && (guint) g_atomic_int_get (&r->pulled) < i
        && !g_atomic_int_get (&r->stop))
      g_thread_yield ();
    g_object_set (r->enc, "key-index", i, NULL);
    g_atomic_int_set (&r->done, i);
  }
  g_atomic_int_set (&r->done, ROTATIONS);
  return NULL;
}

/* Which of keys[lo..hi] sealed @sealed (-1: none). */
static gint
sealing_key (GstBuffer * sealed, GstE2eeKey ** keys, gint lo, gint hi)
{
  GstE2eeKeyRing *ring = gst_e2ee_key_ring_new (16);
  GstMapInfo map;
  guint8 *scratch;
  gint j, found = -1;
  gsize body;

  gst_buffer_map (sealed, &map, GST_MAP_READ);
  body = map.size - 30;
  scratch = g_malloc (body);
  for (j = MAX (lo, 0); j <= hi && j < ROTATIONS && found < 0; j++) {
    gst_e2ee_key_ring_clear (ring);
    /* at the slot the frame names, whatever j's own index */
    gst_e2ee_key_ring_set_key (ring, map.data[map.size - 1], keys[j]);
    if (gst_e2ee_jframe_open_split (ring, GST_E2EE_CODEC_AUDIO, 0, map.data,
            scratch, body, map.data + body, NULL) == GST_E2EE_FRAME_OK)
      found = j;
  }
  g_free (scratch);
  gst_buffer_unmap (sealed, &map);
  gst_e2ee_key_ring_unref (ring);
  return found;
}

/* One thread rotates key and key-index while another seals frames, the
 * index changing right after the frame's key was installed: each frame is
 * sealed under a pair the properties held, the key of index i under KID
 * i % 16 (or, between the two property changes, the new key under the
 * previous index), never under the key its slot held 16 indexes earlier,
 * and never dropped. */
GST_START_TEST (test_key_and_index_change_together)
{
  GstHarness *enc = gst_harness_new ("e2eeenc");
  GstE2eeKey **keys = g_new0 (GstE2eeKey *, ROTATIONS);
  Rotator r = { enc->element, g_new0 (GstBuffer *, ROTATIONS), NULL, };
  GThread *thread;
  gboolean had_default;
  guint i, n = 0, stale = 0, wrong_kid = 0, dropped = 0;

  for (i = 0; i < ROTATIONS; i++) {
    guint8 material[32] = { 0, };

    material[0] = i & 0xff;
    material[1] = i >> 8;
    material[31] = 0x5a;
    r.keys[i] = gst_buffer_new_memdup (material, sizeof (material));
    keys[i] = gst_e2ee_key_new (GST_E2EE_KDF_JITSI, material, 32, NULL);
  }
  g_object_set (enc->element, "key", r.keys[0], "key-index", 0, NULL);
  gst_harness_set_src_caps_str (enc, OPUS_CAPS);

  r.pusher = g_thread_self ();
  had_default = gst_debug_remove_log_function (gst_debug_log_default) > 0;
  gst_debug_add_log_function (hold_frame_in_window, &r, NULL);
  gst_debug_set_threshold_for_name ("e2eebase", GST_LEVEL_INFO);

  thread = g_thread_new ("rotate", rotate_keys, &r);
  while (g_atomic_int_get (&r.done) < ROTATIONS) {
    gint before = g_atomic_int_get (&r.done), after, j;
    GstBuffer *out;
    guint kid;

    while ((guint) g_atomic_int_get (&r.keyed) < n + 1
        && g_atomic_int_get (&r.done) < ROTATIONS)
      g_thread_yield ();
    fail_unless_equals_int (gst_harness_push (enc, el_frame (60, 0x78, n)),
        GST_FLOW_OK);
    g_atomic_int_set (&r.pulled, n + 1);
    after = g_atomic_int_get (&r.done);
    out = gst_harness_try_pull (enc);
    n++;
    if (!out) {
      /* its index's key not built yet */
      dropped++;
      continue;
    }
    j = sealing_key (out, keys, before - 1, after + 1);
    if (j < 0)
      j = sealing_key (out, keys, 0, after + 1);
    fail_unless (j >= 0, "frame %u: under no key of indexes 0..%d", n - 1,
        after + 1);
    kid = 0;
    gst_buffer_extract (out, gst_buffer_get_size (out) - 1, &kid, 1);
    /* the key set when the frame came, or a newer one */
    if (j < before)
      stale++;
    if (kid != (guint) j % 16 && kid != (guint) (j + 15) % 16)
      wrong_kid++;
    gst_buffer_unref (out);
  }
  g_atomic_int_set (&r.stop, 1);
  g_thread_join (thread);
  gst_debug_unset_threshold_for_name ("e2eebase");
  gst_debug_remove_log_function (hold_frame_in_window);
  if (had_default)
    gst_debug_add_log_function (gst_debug_log_default, NULL, NULL);

  /* the window was seen: the test raced what it means to */
  fail_unless (g_atomic_int_get (&r.windows) > ROTATIONS / 2,
      "only %d windows", g_atomic_int_get (&r.windows));
  fail_unless (stale == 0 && dropped == 0 && wrong_kid == 0,
      "of %u frames, %u sealed under a stale key, %u dropped, %u under "
      "another index", n, stale, dropped, wrong_kid);

  for (i = 0; i < ROTATIONS; i++) {
    gst_buffer_unref (r.keys[i]);
    gst_e2ee_key_unref (keys[i]);
  }
  g_free (r.keys);
  g_free (keys);
  gst_harness_teardown (enc);
}

GST_END_TEST;

static guint
count_key_unit_requests (GstHarness * h)
{
  GstEvent *ev;
  guint n = 0;

  while ((ev = gst_harness_try_pull_upstream_event (h))) {
    gboolean all_headers = TRUE;

    if (gst_video_event_is_force_key_unit (ev)) {
      n++;
      /* a request with all-headers becomes an RFC 5104 FIR in webrtcbin,
       * which SFUs (Janus) do not forward: it must be a PLI */
      fail_unless (gst_video_event_parse_upstream_force_key_unit (ev, NULL,
              &all_headers, NULL));
      fail_if (all_headers, "e2eedec asked for all headers (a FIR)");
    }
    gst_event_unref (ev);
  }
  return n;
}

GST_START_TEST (test_key_frame_request_on_recovery)
{
  GstHarness *dec = el_harness ("e2eedec", VP8_CAPS, KEY_A);
  GstBuffer *good1 = encrypt_one (VP8_CAPS, KEY_A, 0, el_frame (300, 0x50, 1));
  GstBuffer *good2 = encrypt_one (VP8_CAPS, KEY_A, 0, el_frame (300, 0x51, 2));
  GstBuffer *bad = encrypt_one (VP8_CAPS, KEY_B, 0, el_frame (300, 0x51, 3));
  GstBuffer *out;

  count_key_unit_requests (dec);
  out = el_push_pull (dec, gst_buffer_ref (good1));
  gst_buffer_unref (out);
  fail_unless_equals_int (count_key_unit_requests (dec), 0);

  fail_unless_equals_int (gst_harness_push (dec, gst_buffer_ref (bad)),
      GST_FLOW_OK);
  fail_unless_equals_int (gst_harness_push (dec, bad), GST_FLOW_OK);
  fail_unless_equals_int (count_key_unit_requests (dec), 0);

  out = el_push_pull (dec, gst_buffer_ref (good2));
  gst_buffer_unref (out);
  fail_unless_equals_int (count_key_unit_requests (dec), 1);
  out = el_push_pull (dec, good2);
  gst_buffer_unref (out);
  fail_unless_equals_int (count_key_unit_requests (dec), 0);
  fail_unless_equals_uint64 (el_stat (dec->element, "key-frame-requests"), 1);

  gst_buffer_unref (good1);
  gst_harness_teardown (dec);
}

GST_END_TEST;

GST_START_TEST (test_key_frame_request_on_new_key)
{
  GstHarness *dec = el_harness ("e2eedec", VP8_CAPS, NULL);
  GstBuffer *f1 = encrypt_one (VP8_CAPS, KEY_A, 0, el_frame (300, 0x51, 1));
  GstBuffer *f2 = encrypt_one (VP8_CAPS, KEY_A, 0, el_frame (300, 0x51, 2));
  GstBuffer *out;

  count_key_unit_requests (dec);
  fail_unless_equals_int (gst_harness_push (dec, f1), GST_FLOW_OK);
  fail_unless_equals_int (count_key_unit_requests (dec), 0);
  el_set_key (dec->element, KEY_A, 0);
  out = el_push_pull (dec, f2);
  fail_unless (out != NULL);
  gst_buffer_unref (out);
  fail_unless_equals_int (count_key_unit_requests (dec), 1);
  gst_harness_teardown (dec);

  /* audio has no key frames to ask for */
  dec = el_harness ("e2eedec", OPUS_CAPS, KEY_A);
  count_key_unit_requests (dec);
  fail_unless_equals_int (gst_harness_push (dec, encrypt_one (OPUS_CAPS,
              KEY_B, 0, el_frame (30, 0x78, 1))), GST_FLOW_OK);
  out =
      el_push_pull (dec, encrypt_one (OPUS_CAPS, KEY_A, 0, el_frame (30, 0x78,
              2)));
  gst_buffer_unref (out);
  fail_unless_equals_int (count_key_unit_requests (dec), 0);
  gst_harness_teardown (dec);
}

GST_END_TEST;

/* A copy of @f at @ms milliseconds, a delta frame unless @key. */
static GstBuffer *
at (GstBuffer * f, guint ms, gboolean key)
{
  GstBuffer *b = timed (gst_buffer_copy (f), ms * GST_MSECOND,
      33 * GST_MSECOND);

  if (key)
    GST_BUFFER_FLAG_UNSET (b, GST_BUFFER_FLAG_DELTA_UNIT);
  else
    GST_BUFFER_FLAG_SET (b, GST_BUFFER_FLAG_DELTA_UNIT);
  return b;
}

static void
push_expect (GstHarness * h, GstBuffer * b, gboolean decrypts)
{
  fail_unless_equals_int (gst_harness_push (h, b), GST_FLOW_OK);
  if (decrypts)
    gst_buffer_unref (gst_harness_pull (h));
}

GST_START_TEST (test_key_frame_request_rate_limit)
{
  GstHarness *dec = el_harness ("e2eedec", VP8_CAPS, KEY_A);
  GstBuffer *good = encrypt_one (VP8_CAPS, KEY_A, 0, el_frame (300, 0x51, 1));
  GstBuffer *bad = encrypt_one (VP8_CAPS, KEY_B, 0, el_frame (300, 0x51, 2));
  guint64 interval;
  guint i;

  g_object_get (dec->element, "min-force-key-unit-interval", &interval, NULL);
  fail_unless_equals_uint64 (interval, GST_SECOND);
  count_key_unit_requests (dec);

  /* a loss, then decryption recovers: one request */
  push_expect (dec, at (good, 0, FALSE), TRUE);
  push_expect (dec, at (bad, 100, FALSE), FALSE);
  push_expect (dec, at (good, 133, FALSE), TRUE);
  fail_unless_equals_int (count_key_unit_requests (dec), 1);

  /* more losses within the second (in running time): held back */
  for (i = 0; i < 10; i++) {
    push_expect (dec, at (bad, 166 + i * 66, FALSE), FALSE);
    push_expect (dec, at (good, 200 + i * 66, FALSE), TRUE);
  }
  fail_unless_equals_int (count_key_unit_requests (dec), 0);
  fail_unless_equals_uint64 (el_stat (dec->element, "key-frame-requests"), 1);
  fail_unless_equals_uint64 (el_stat (dec->element,
          "key-frame-requests-suppressed"), 10);

  /* still within the second: nothing; once it has passed, the request
   * held back goes, once */
  push_expect (dec, at (good, 1100, FALSE), TRUE);
  fail_unless_equals_int (count_key_unit_requests (dec), 0);
  push_expect (dec, at (good, 1133, FALSE), TRUE);
  fail_unless_equals_int (count_key_unit_requests (dec), 1);
  fail_unless_equals_uint64 (el_stat (dec->element, "key-frame-requests"), 2);

  /* a request held back is dropped when a key frame comes meanwhile */
  push_expect (dec, at (bad, 1200, FALSE), FALSE);
  push_expect (dec, at (good, 1233, FALSE), TRUE);
  fail_unless_equals_uint64 (el_stat (dec->element,
          "key-frame-requests-suppressed"), 11);
  push_expect (dec, at (good, 1266, TRUE), TRUE);
  push_expect (dec, at (good, 4000, FALSE), TRUE);
  fail_unless_equals_int (count_key_unit_requests (dec), 0);
  fail_unless_equals_uint64 (el_stat (dec->element, "key-frame-requests"), 2);

  /* 0: every recovery asks, as before the limit */
  g_object_set (dec->element, "min-force-key-unit-interval", (guint64) 0, NULL);
  for (i = 0; i < 5; i++) {
    push_expect (dec, at (bad, 5000 + i * 66, FALSE), FALSE);
    push_expect (dec, at (good, 5033 + i * 66, FALSE), TRUE);
  }
  fail_unless_equals_int (count_key_unit_requests (dec), 5);
  /* GST_CLOCK_TIME_NONE: never */
  g_object_set (dec->element, "min-force-key-unit-interval",
      GST_CLOCK_TIME_NONE, NULL);
  for (i = 0; i < 5; i++) {
    push_expect (dec, at (bad, 9000 + i * 2000, FALSE), FALSE);
    push_expect (dec, at (good, 9033 + i * 2000, FALSE), TRUE);
  }
  fail_unless_equals_int (count_key_unit_requests (dec), 0);
  fail_unless_equals_uint64 (el_stat (dec->element, "key-frame-requests"), 7);

  gst_buffer_unref (good);
  gst_buffer_unref (bad);
  gst_harness_teardown (dec);
}

GST_END_TEST;

GST_START_TEST (test_ratchet_counted)
{
  GstHarness *dec = el_harness ("e2eedec", OPUS_CAPS, KEY_A);
  guint8 material[32] = { 1, };
  GstE2eeKey *k = gst_e2ee_key_new (GST_E2EE_KDF_JITSI, material, 32, NULL);
  GstE2eeIvSource src;
  guint step;

  gst_e2ee_iv_source_init (&src);
  /* the sender ratchets three times (a join each), nothing is sent */
  for (step = 0; step < 3; step++) {
    GstE2eeKey *next = gst_e2ee_key_ratchet (k, NULL);

    gst_e2ee_key_unref (k);
    k = next;
  }
  for (step = 0; step < 2; step++) {
    GstBuffer *in = el_frame (100, 0x78, step), *out;
    GstBuffer *enc = gst_buffer_new_allocate (NULL, 130, NULL);
    guint8 iv[12];
    GstMapInfo map;

    gst_buffer_map (enc, &map, GST_MAP_WRITE);
    gst_buffer_extract (in, 0, map.data, 100);
    gst_e2ee_iv_source_next (&src, iv);
    fail_unless (gst_e2ee_jframe_seal (k, 0, iv, GST_E2EE_CODEC_AUDIO,
            map.data, 100, map.data + 100));
    gst_buffer_unmap (enc, &map);
    out = el_push_pull (dec, enc);
    fail_unless (out != NULL && el_buffers_equal (out, in));
    gst_buffer_unref (out);
    gst_buffer_unref (in);
  }
  fail_unless_equals_uint64 (el_stat (dec->element, "ratchets"), 3);
  gst_e2ee_key_unref (k);
  gst_harness_teardown (dec);
}

GST_END_TEST;

GST_START_TEST (test_passphrase)
{
  GstHarness *enc = gst_harness_new ("e2eeenc");
  GstHarness *dec = gst_harness_new ("e2eedec");
  GstBuffer *in = el_frame (100, 0x78, 1), *out;

  g_object_set (enc->element, "kdf", GST_E2EE_KDF_LIVEKIT, "passphrase",
      "correct horse", NULL);
  g_object_set (dec->element, "passphrase", "correct horse", "kdf",
      GST_E2EE_KDF_LIVEKIT, NULL);
  gst_harness_set_src_caps_str (enc, OPUS_CAPS);
  gst_harness_set_src_caps_str (dec, OPUS_CAPS);
  out = el_push_pull (dec, el_push_pull (enc, gst_buffer_ref (in)));
  fail_unless (out && el_buffers_equal (out, in));
  gst_buffer_unref (out);
  gst_buffer_unref (in);
  gst_harness_teardown (enc);
  gst_harness_teardown (dec);
}

GST_END_TEST;

GST_START_TEST (test_iv_and_kid_on_wire)
{
  GstHarness *enc = el_harness ("e2eeenc", OPUS_CAPS, NULL);
  GHashTable *ivs = g_hash_table_new_full (g_bytes_hash, g_bytes_equal,
      (GDestroyNotify) g_bytes_unref, NULL);
  guint8 prefix[4];
  guint64 last = 0;
  guint i;

  el_set_key (enc->element, KEY_A, 17);
  for (i = 0; i < 1000; i++) {
    GstBuffer *out = el_push_pull (enc, el_frame (40, 0x78, i));
    GstMapInfo map;
    const guint8 *iv;

    gst_buffer_map (out, &map, GST_MAP_READ);
    iv = map.data + map.size - 14;
    /* key index 17 is ring slot 1, which is what goes on the wire */
    fail_unless_equals_int (map.data[map.size - 1], 1);
    fail_unless (g_hash_table_add (ivs, g_bytes_new (iv, 12)), "IV reused");
    if (i == 0)
      memcpy (prefix, iv, 4);
    else
      fail_unless (memcmp (prefix, iv, 4) == 0
          && el_read_be64 (iv + 4) == last + 1);
    last = el_read_be64 (iv + 4);
    gst_buffer_unmap (out, &map);
    gst_buffer_unref (out);
  }
  g_hash_table_unref (ivs);
  gst_harness_teardown (enc);
}

GST_END_TEST;

static void
assert_no_secret_readable (GstElement * e, const gchar * const *secrets)
{
  GParamSpec **specs;
  guint n, i, j;

  specs = g_object_class_list_properties (G_OBJECT_GET_CLASS (e), &n);
  for (i = 0; i < n; i++) {
    GValue v = G_VALUE_INIT;
    gchar *str;

    if (g_str_equal (specs[i]->name, "key")
        || g_str_equal (specs[i]->name, "passphrase"))
      fail_if (specs[i]->flags & G_PARAM_READABLE, "%s is readable",
          specs[i]->name);
    if (!(specs[i]->flags & G_PARAM_READABLE))
      continue;
    g_value_init (&v, specs[i]->value_type);
    g_object_get_property (G_OBJECT (e), specs[i]->name, &v);
    str = g_strdup_value_contents (&v);
    for (j = 0; secrets[j]; j++)
      fail_if (strstr (str, secrets[j]) != NULL, "%s reveals a secret",
          specs[i]->name);
    g_free (str);
    g_value_unset (&v);
  }
  g_free (specs);
}

GST_START_TEST (test_no_readable_secrets)
{
  static const gchar *const secrets[] = { KEY_B, "a1b2c3d4", "hunter2", NULL };
  const gchar *factories[] = { "e2eeenc", "e2eedec" };
  guint i;

  for (i = 0; i < G_N_ELEMENTS (factories); i++) {
    GstHarness *h = el_harness (factories[i], OPUS_CAPS, KEY_B);
    GstCaps *caps;
    gchar *s;

    gst_harness_push (h, el_frame (50, 0x78, 1));
    assert_no_secret_readable (h->element, secrets);
    g_object_set (h->element, "kdf", GST_E2EE_KDF_LIVEKIT, "passphrase",
        "hunter2", NULL);
    assert_no_secret_readable (h->element, secrets);
    caps = gst_pad_get_current_caps (h->srcpad);
    s = gst_caps_to_string (caps);
    fail_if (strstr (s, "a1b2") != NULL);
    g_free (s);
    gst_caps_unref (caps);
    gst_harness_teardown (h);
  }
}

GST_END_TEST;

static Suite *
e2ee_elements_suite (void)
{
  Suite *s = suite_create ("e2ee-elements");
  TCase *tc = tcase_create ("general");

  suite_add_tcase (s, tc);
  tcase_set_timeout (tc, 120);
  tcase_add_test (tc, test_roundtrip_opus);
  tcase_add_test (tc, test_vp8_clear_bytes);
  tcase_add_test (tc, test_fail_closed_without_key);
  tcase_add_test (tc, test_allow_unencrypted);
  tcase_add_test (tc, test_decrypt_failures);
  tcase_add_test (tc, test_passthrough);
  e2ee_elements_add_memory_tests (tc);
  tcase_add_test (tc, test_drop_sends_gap);
  tcase_add_test (tc, test_configuration_errors);
  tcase_add_test (tc, test_passphrase_errors);
  tcase_add_test (tc, test_launch_line_key_in_log);
  tcase_add_test (tc, test_bad_key_in_playing);
  tcase_add_test (tc, test_key_rotation_in_playing);
  tcase_add_test (tc, test_key_and_index_change_together);
  tcase_add_test (tc, test_key_frame_request_on_recovery);
  tcase_add_test (tc, test_key_frame_request_on_new_key);
  tcase_add_test (tc, test_key_frame_request_rate_limit);
  tcase_add_test (tc, test_ratchet_counted);
  tcase_add_test (tc, test_passphrase);
  tcase_add_test (tc, test_iv_and_kid_on_wire);
  tcase_add_test (tc, test_no_readable_secrets);
  return s;
}

GST_CHECK_MAIN (e2ee_elements);
