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

/*
 * SFrame over RTP through a real Janus 1.1.2 VideoRoom (harness/janus-
 * harness.h), VP8 in both modes of draft-ietf-avtcore-rtp-sframe-02, static
 * keys:
 * - per frame (T=0): vp8enc ! e2eeenc format=sframe ! rtpsframepay, and
 *   rtpsframedepay ! e2eedec format=sframe at the subscriber;
 * - per packet (T=1): vp8enc ! rtpvp8pay ! rtpsframeenc, and rtpsframedec !
 *   rtpvp8depay at the subscriber.
 * Measured for each: that Janus forwards the packets (every frame the
 * subscriber decrypts is byte for byte one the publisher's encoder made),
 * and that a subscriber joining a running stream gets a key frame although
 * the publisher makes none of its own after the first (keyframe-max-dist
 * 100000): Janus's PLI on the join must reach vp8enc through the SFrame
 * elements. Skips when Janus cannot run here.
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <gst/check/gstcheck.h>
#include <gst/e2ee/e2ee.h>

#include "janus-harness.h"
#include "janus-call.h"

#define KEY "000102030405060708090a0b0c0d0e0f"

static JanusHarness *janus;

static void
janus_setup (void)
{
  GError *error = NULL;
  JanusHarnessOptions opts = { 10, NULL };

  janus = janus_harness_start (&opts, &error);
  fail_unless (janus != NULL, "Janus: %s", error ? error->message : "");
  janus_call_set_url (janus->url);
}

static void
janus_teardown (void)
{
  janus_harness_free (janus);
  janus = NULL;
}

static gboolean
sent_n (gpointer data)
{
  JanusParty *p = data;

  return p->sent->len >= 60;
}

static gboolean
got_key_frame (gpointer data)
{
  JanusPair *pair = data;
  GPtrArray *frames = g_hash_table_lookup (pair->sub->received,
      pair->pub->name);

  for (guint i = 0; frames && i < frames->len; i++) {
    const guint8 *d = g_bytes_get_data (frames->pdata[i], NULL);

    /* VP8: the P bit of the frame tag is 0 on a key frame */
    if (!(d[0] & 0x01))
      return frames->len >= JANUS_CALL_MIN_FRAMES;
  }
  return FALSE;
}

static void
run (const gchar * mode, const gchar * pub_chain, const gchar * sub_chain)
{
  JanusParty a, b;
  JanusPair pair = { &a, &b };
  GPtrArray *frames;
  guint first_key = G_MAXUINT;
  gint64 subscribed_at;

  janus_party_init (&a, "alice");
  janus_party_init (&b, "bob");
  a.pub_chain = pub_chain;
  a.keyframe_max_dist = 100000;
  b.sub_chain = sub_chain;
  janus_call_start_and_join (&a, &b);

  /* the stream runs past its only periodic key frame before bob comes */
  janus_party_publish (&a);
  fail_unless (janus_call_wait_for (sent_n, &a));
  subscribed_at = g_get_monotonic_time ();
  janus_party_subscribe (&b);

  janus_call_check_frames (&a, &b);
  fail_unless (janus_call_wait_for (got_key_frame, &pair),
      "%s: no key frame reached the late subscriber", mode);
  g_mutex_lock (&janus_call_lock);
  frames = g_hash_table_lookup (b.received, a.name);
  for (guint i = 0; i < frames->len && first_key == G_MAXUINT; i++)
    if (!(((const guint8 *) g_bytes_get_data (frames->pdata[i], NULL))[0] & 1))
      first_key = i;
  g_print ("janus %s: subscriber joined after %u frames; its first frame "
      "%.0f ms after subscribing, its first key frame is frame %u of %u\n",
      mode, 60, (*(gint64 *) g_hash_table_lookup (b.first_frame_at,
              a.name) - subscribed_at) / 1000.0, first_key, frames->len);
  g_mutex_unlock (&janus_call_lock);

  janus_party_clear (&a);
  janus_party_clear (&b);
}

GST_START_TEST (test_per_frame)
{
  run ("per-frame",
      "e2eeenc format=sframe key=" KEY " key-id=4 ! rtpsframepay mtu=1100",
      "rtpsframedepay ! e2eedec name=dec format=sframe key=" KEY " key-id=4 ! "
      "appsink name=sink sync=false emit-signals=true");
}

GST_END_TEST;

GST_START_TEST (test_per_packet)
{
  run ("per-packet",
      "rtpvp8pay picture-id-mode=15-bit mtu=1100 ! rtpsframeenc key=" KEY
      " key-id=4",
      "rtpsframedec name=dec key=" KEY " key-id=4 ! rtpvp8depay ! "
      "appsink name=sink sync=false emit-signals=true");
}

GST_END_TEST;

static Suite *
janus_sframe_suite (void)
{
  Suite *s = suite_create ("janus-sframe");
  TCase *tc = tcase_create ("general");

  suite_add_tcase (s, tc);
  tcase_add_checked_fixture (tc, janus_setup, janus_teardown);
  tcase_set_timeout (tc, 60);
  tcase_add_test (tc, test_per_frame);
  tcase_add_test (tc, test_per_packet);
  return s;
}

JANUS_CHECK_MAIN (janus_sframe, "janus-sframe");
