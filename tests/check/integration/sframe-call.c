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

/* SFrame over RTP through webrtcbin on loopback, VP8 in both modes:
 *
 * - the payloader's (T=0) or rtpsframeenc's (T=1) a-sframe caps field
 *   puts a media-level a=sframe in webrtcbin's offer, and the frames the
 *   receiver gets after decryption are, byte for byte, frames vp8enc made;
 * - a peer whose offer says a=sframe but which sends plain VP8 (what
 *   Chromium 156 does): the receiver refuses every packet, counts it, warns
 *   once, and no frame reaches the decoder.
 *
 * Both webrtcbins are in one pipeline and are paired in-process; they stay
 * on loopback (e2ee_call_configure_webrtcbin). */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <gst/check/gstcheck.h>
#include <gst/sdp/sdp.h>
#include <gst/webrtc/webrtc.h>

#include "e2ee-call-common.h"
#include "pipeline-util.h"

#define KEY "000102030405060708090a0b0c0d0e0f"
#define VP8_SRC "videotestsrc is-live=true pattern=ball ! " \
    "video/x-raw,format=I420,width=320,height=240,framerate=30/1 ! " \
    "vp8enc name=vp8enc deadline=1 keyframe-max-dist=30 ! "
#define RTP_CAPS "application/x-rtp,media=video,encoding-name=VP8,payload=96"

typedef enum
{
  MODE_PER_FRAME,
  MODE_PER_PACKET,
  MODE_PLAIN,                   /* a=sframe in the offer, plain VP8 sent */
} SendMode;

typedef struct
{
  GstElement *pipe;
  GstElement *a, *b;
  const gchar *recv_desc;
  GstElement *recv;
  gchar *offer, *answer;
  /* what vp8enc made, from the start */
  Recorder *sent;
} Call;

static void
on_ice (GstElement * webrtcbin, guint mline, const gchar * cand,
    GstElement * other)
{
  g_signal_emit_by_name (other, "add-ice-candidate", mline, cand);
}

static void
on_pad_added (GstElement * webrtcbin, GstPad * pad, Call * call)
{
  GstElement *bin;
  GstPad *sink;

  if (GST_PAD_DIRECTION (pad) != GST_PAD_SRC)
    return;
  bin = gst_parse_bin_from_description (call->recv_desc, TRUE, NULL);
  fail_unless (bin != NULL);
  gst_bin_add (GST_BIN (call->pipe), bin);
  gst_element_sync_state_with_parent (bin);
  sink = gst_element_get_static_pad (bin, "sink");
  fail_unless_equals_int (gst_pad_link (pad, sink), GST_PAD_LINK_OK);
  gst_object_unref (sink);
  call->recv = bin;
}

static GstWebRTCSessionDescription *
describe (GstElement * webrtcbin, const gchar * what)
{
  GstPromise *p = gst_promise_new ();
  GstWebRTCSessionDescription *desc = NULL;
  const GstStructure *reply;

  g_signal_emit_by_name (webrtcbin, what, NULL, p);
  fail_unless_equals_int (gst_promise_wait (p), GST_PROMISE_RESULT_REPLIED);
  reply = gst_promise_get_reply (p);
  gst_structure_get (reply, what[7] == 'o' ? "offer" : "answer",
      GST_TYPE_WEBRTC_SESSION_DESCRIPTION, &desc, NULL);
  gst_promise_unref (p);
  fail_unless (desc != NULL);
  return desc;
}

static void
set_desc (GstElement * webrtcbin, const gchar * what,
    GstWebRTCSessionDescription * desc)
{
  GstPromise *p = gst_promise_new ();

  g_signal_emit_by_name (webrtcbin, what, desc, p);
  gst_promise_wait (p);
  gst_promise_unref (p);
}

static void
negotiate (Call * call)
{
  GstWebRTCSessionDescription *offer, *answer;

  offer = describe (call->a, "create-offer");
  set_desc (call->a, "set-local-description", offer);
  set_desc (call->b, "set-remote-description", offer);
  answer = describe (call->b, "create-answer");
  set_desc (call->b, "set-local-description", answer);
  set_desc (call->a, "set-remote-description", answer);
  call->offer = gst_sdp_message_as_text (offer->sdp);
  call->answer = gst_sdp_message_as_text (answer->sdp);
  gst_webrtc_session_description_free (offer);
  gst_webrtc_session_description_free (answer);
}

static gboolean
has_media_attribute (const gchar * sdp, const gchar * line)
{
  const gchar *m = strstr (sdp, "\r\nm=video");

  return m && strstr (m, line) != NULL;
}

/* @recv_caps: the receiver's transceiver caps (NULL: no transceiver, one
 * made from the offer) */
static Call *
call_start_full (const gchar * send_desc, const gchar * recv_desc,
    const gchar * recv_caps)
{
  Call *call = g_new0 (Call, 1);
  gchar *desc = g_strdup_printf ("%s webrtcbin name=a webrtcbin name=b",
      send_desc);
  GstWebRTCRTPTransceiver *trans = NULL;
  gint64 deadline = g_get_monotonic_time () + 30 * G_TIME_SPAN_SECOND;
  GstPad *sinkpad;
  GstCaps *caps;

  call->pipe = gst_parse_launch (desc, NULL);
  g_free (desc);
  fail_unless (call->pipe != NULL);
  call->a = gst_bin_get_by_name (GST_BIN (call->pipe), "a");
  call->b = gst_bin_get_by_name (GST_BIN (call->pipe), "b");
  fail_unless (e2ee_call_configure_webrtcbin (call->a, 50));
  fail_unless (e2ee_call_configure_webrtcbin (call->b, 50));
  call->recv_desc = recv_desc;
  g_signal_connect (call->a, "on-ice-candidate", G_CALLBACK (on_ice), call->b);
  g_signal_connect (call->b, "on-ice-candidate", G_CALLBACK (on_ice), call->a);
  g_signal_connect (call->b, "pad-added", G_CALLBACK (on_pad_added), call);
  /* the receiver states what it expects: SFrame */
  caps =
      gst_caps_from_string (RTP_CAPS ",clock-rate=90000,a-sframe=(string)\"\"");
  g_signal_emit_by_name (call->b, "add-transceiver",
      GST_WEBRTC_RTP_TRANSCEIVER_DIRECTION_RECVONLY, caps, &trans);
  gst_caps_unref (caps);
  fail_unless (trans != NULL);
  gst_object_unref (trans);

  call->sent = record (call->pipe, "vp8enc", "src");
  fail_unless (gst_element_set_state (call->pipe, GST_STATE_PLAYING) !=
      GST_STATE_CHANGE_FAILURE);
  /* webrtcbin makes the m-line from the caps of its sink pad: wait for
   * them (the first frame through the sender's chain sets them) */
  sinkpad = gst_element_get_static_pad (call->a, "sink_0");
  fail_unless (sinkpad != NULL);
  while (!(caps = gst_pad_get_current_caps (sinkpad))
      && g_get_monotonic_time () < deadline)
    g_usleep (10 * 1000);
  fail_unless (caps != NULL, "no caps reached webrtcbin");
  gst_caps_unref (caps);
  gst_object_unref (sinkpad);
  negotiate (call);
  return call;
}

/* the receiver states what it expects: SFrame */
static Call *
call_start (const gchar * send_desc, const gchar * recv_desc)
{
  return call_start_full (send_desc, recv_desc,
      RTP_CAPS ",clock-rate=90000,a-sframe=(string)\"\"");
}

static void
call_free (Call * call)
{
  gst_element_set_state (call->pipe, GST_STATE_NULL);
  gst_object_unref (call->a);
  gst_object_unref (call->b);
  gst_object_unref (call->pipe);
  g_free (call->offer);
  g_free (call->answer);
  recorder_free (call->sent);
  g_free (call);
}

/* Waits (30 s at most) until @element in the receive bin has @field >= @n
 * in its stats. */
static gboolean
wait_stat (Call * call, const gchar * element, const gchar * field, guint64 n)
{
  gint64 deadline = g_get_monotonic_time () + 30 * G_TIME_SPAN_SECOND;

  while (g_get_monotonic_time () < deadline) {
    GstElement *e = call->recv ? gst_bin_get_by_name (GST_BIN (call->recv),
        element) : NULL;

    if (e) {
      GstStructure *s;
      guint64 v = 0;

      g_object_get (e, "stats", &s, NULL);
      gst_structure_get_uint64 (s, field, &v);
      gst_structure_free (s);
      gst_object_unref (e);
      if (v >= n)
        return TRUE;
    }
    g_usleep (20 * 1000);
  }
  return FALSE;
}

/* Waits (30 s at most) until @rec saw @n buffers. */
static gboolean
wait_recorded (Recorder * rec, guint n)
{
  gint64 deadline = g_get_monotonic_time () + 30 * G_TIME_SPAN_SECOND;
  gboolean ok = FALSE;

  while (!ok && g_get_monotonic_time () < deadline) {
    g_mutex_lock (&rec->lock);
    ok = rec->frames->len >= n;
    g_mutex_unlock (&rec->lock);
    if (!ok)
      g_usleep (20 * 1000);
  }
  return ok;
}

static Recorder *
record_recv (Call * call, const gchar * element)
{
  gint64 deadline = g_get_monotonic_time () + 30 * G_TIME_SPAN_SECOND;

  while (call->recv == NULL && g_get_monotonic_time () < deadline)
    g_usleep (20 * 1000);
  fail_unless (call->recv != NULL, "no media reached the receiver");
  return record (GST_ELEMENT (call->recv), element, "sink");
}

static void
run_sframe_call (SendMode mode)
{
  const gchar *send, *recv, *counter_el, *counter;
  gchar *send_desc;
  Call *call;
  Recorder *sent, *got;
  GHashTable *set;

  if (mode == MODE_PER_FRAME) {
    send = "e2eeenc format=sframe key=" KEY " key-id=9 ! rtpsframepay mtu=1100";
    recv = "rtpsframedepay name=depay ! e2eedec format=sframe key=" KEY
        " key-id=9 ! fakesink name=out sync=false";
    counter_el = "depay";
    counter = "frames";
  } else {
    send = "rtpvp8pay picture-id-mode=15-bit mtu=1100 ! "
        "rtpsframeenc key=" KEY " key-id=9";
    recv = "rtpsframedec name=dec key=" KEY " key-id=9 ! rtpvp8depay ! "
        "fakesink name=out sync=false";
    counter_el = "dec";
    counter = "packets-out";
  }
  send_desc = g_strdup_printf (VP8_SRC "%s ! " RTP_CAPS " ! a.", send);
  call = call_start (send_desc, recv);
  g_free (send_desc);
  sent = call->sent;

  fail_unless (has_media_attribute (call->offer, "\r\na=sframe\r\n"),
      "offer: %s", call->offer);
  fail_unless (has_media_attribute (call->answer, "\r\na=sframe\r\n"),
      "answer: %s", call->answer);

  got = record_recv (call, "out");
  /* the recorder may come after the first frames (it is attached once the
   * receive branch exists): wait for what it saw */
  fail_unless (wait_recorded (got, 30), "too few frames");
  fail_unless (wait_stat (call, counter_el, counter, 30));
  gst_element_set_state (call->pipe, GST_STATE_NULL);

  /* every frame out is one vp8enc made, byte for byte */
  set = g_hash_table_new (g_bytes_hash, g_bytes_equal);
  for (guint i = 0; i < sent->frames->len; i++)
    g_hash_table_add (set, sent->frames->pdata[i]);
  fail_unless (got->frames->len >= 30, "%u frames", got->frames->len);
  for (guint i = 0; i < got->frames->len; i++)
    fail_unless (g_hash_table_contains (set, got->frames->pdata[i]),
        "frame %u is none that was sent", i);
  g_hash_table_unref (set);
  recorder_free (got);
  call_free (call);
}

static gboolean
have_sframe_format (void)
{
  GstElement *e = gst_element_factory_make ("e2eeenc", NULL);
  gboolean ok = e && g_object_class_find_property (G_OBJECT_GET_CLASS (e),
      "format") != NULL;

  if (e)
    gst_object_unref (e);
  if (!ok)
    g_print ("SKIP per-frame call: e2eeenc has no format property\n");
  return ok;
}

GST_START_TEST (test_call_per_frame)
{
  if (have_sframe_format ())
    run_sframe_call (MODE_PER_FRAME);
}

GST_END_TEST;

GST_START_TEST (test_call_per_packet)
{
  run_sframe_call (MODE_PER_PACKET);
}

GST_END_TEST;

/* The offer says a=sframe (the caps say so) but the packets are plain
 * VP8: nothing reaches the decoder, per frame or per packet. */
GST_START_TEST (test_call_plain_vp8_refused)
{
  const gchar *recv[] = {
    "rtpsframedepay name=rx ! fakesink name=out sync=false",
    "rtpsframedec name=rx key=" KEY " key-id=9 ! rtpvp8depay ! "
        "fakesink name=out sync=false",
  };
  const gchar *counter[] = { "reserved-bits", "not-sframe" };

  for (guint m = 0; m < 2; m++) {
    Call *call = call_start (VP8_SRC "rtpvp8pay picture-id-mode=15-bit ! "
        RTP_CAPS ",a-sframe=(string)\"\" ! a.", recv[m]);
    GstBus *bus = gst_element_get_bus (call->pipe);
    Recorder *got;
    GstMessage *msg;
    guint warnings = 0;

    fail_unless (has_media_attribute (call->offer, "\r\na=sframe\r\n"));
    got = record_recv (call, "out");
    fail_unless (wait_stat (call, "rx", counter[m], 60));
    /* before NULL, which flushes the bus */
    while ((msg = gst_bus_pop_filtered (bus, GST_MESSAGE_WARNING))) {
      if (g_str_equal (GST_OBJECT_NAME (msg->src), "rx"))
        warnings++;
      gst_message_unref (msg);
    }
    gst_element_set_state (call->pipe, GST_STATE_NULL);
    fail_unless_equals_int (got->frames->len, 0);
    fail_unless_equals_int (warnings, 1);
    gst_object_unref (bus);
    recorder_free (got);
    call_free (call);
  }
}

GST_END_TEST;

/* What webrtcbin 1.22 answers to an offer with a=sframe when the
 * answering application never asked for SFrame: it builds the answer's
 * caps from the offer's media, attributes included, so it echoes a=sframe
 * as Chromium 156 does. Which is why an a=sframe in the SDP proves nothing
 * and the receive chain, not the SDP, decides (docs/sframe-rtp.md). */
GST_START_TEST (test_webrtcbin_echoes_sframe)
{
  const gchar *answerer[] = { NULL,
    RTP_CAPS ",clock-rate=90000",
  };

  for (guint i = 0; i < G_N_ELEMENTS (answerer); i++) {
    Call *call = call_start_full (VP8_SRC "rtpvp8pay ! "
        RTP_CAPS ",a-sframe=(string)\"\" ! a.",
        "fakesink", answerer[i]);

    fail_unless (has_media_attribute (call->offer, "\r\na=sframe\r\n"));
    g_print ("webrtcbin answerer with %s: a=sframe %s in the answer\n",
        answerer[i] ? "plain VP8 transceiver caps" : "no transceiver",
        has_media_attribute (call->answer, "\r\na=sframe\r\n") ?
        "echoed" : "not echoed");
    call_free (call);
  }
}

GST_END_TEST;

static Suite *
sframe_call_suite (void)
{
  Suite *s = suite_create ("sframe-call");
  TCase *tc = tcase_create ("webrtcbin");

  tcase_set_timeout (tc, 120);
  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_call_per_frame);
  tcase_add_test (tc, test_call_per_packet);
  tcase_add_test (tc, test_call_plain_vp8_refused);
  tcase_add_test (tc, test_webrtcbin_echoes_sframe);
  return s;
}

GST_CHECK_MAIN (sframe_call);
