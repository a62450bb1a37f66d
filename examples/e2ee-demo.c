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
 * e2ee-demo: what end-to-end encryption of media frames buys, in one process.
 *
 * A sender encrypts a VP8 test pattern and an Opus 440 Hz tone with e2eeenc
 * and sends them as RTP over UDP on 127.0.0.1 to two parties: a receiver
 * that holds the key, and an eavesdropper that sees the same packets (as a
 * media router would) but has no key. The eavesdropper's e2eedec passes the
 * frames on still encrypted (on-failure=passthrough), so its decoders show
 * what can be made of them: the clear VP8 header lets vp8dec produce a
 * picture of the right size, made of rubbish.
 *
 * After a few seconds the last picture of each party is written as a PNG and
 * compared with the source pattern, the audio is checked for the tone, and
 * the stats of every e2eeenc and e2eedec are printed. The exit status is
 * non-zero if the receiver got no picture or audio, or any frame failed to
 * authenticate, or the eavesdropper saw the pattern.
 *
 * The key is 32 bytes from OpenSSL's CSPRNG, made afresh on every run and
 * never printed. Run it uninstalled with
 *   meson devenv -C build -w . build/examples/e2ee-demo
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <gst/gst.h>
#include <gst/app/gstappsink.h>
#include <gst/video/video.h>

#include <openssl/crypto.h>
#include <openssl/rand.h>

#include "e2ee-picture.h"

#define KEY_SIZE 32
#define TONE_HZ 440.0
#define SPECTRUM_BANDS 512
#define AUDIO_RATE 48000

/* below this the receiver's picture is not the pattern; above the other the
 * eavesdropper's is (VP8 gets the still pattern exactly after a few frames) */
#define MIN_RECEIVER_PSNR 30.0
#define MAX_EAVESDROPPER_PSNR 20.0
/* the share of the audio power within a band of the tone that makes it a
 * tone: a clean sine puts nearly all its power there, noise spreads it */
#define MIN_TONE_SHARE 0.9
/* how much longer to wait for the eavesdropper's first picture */
#define EXTRA_SECONDS 20

#define VIDEO_RTP_CAPS "application/x-rtp,media=video,clock-rate=90000," \
    "encoding-name=VP8,payload=96"
#define AUDIO_RTP_CAPS "application/x-rtp,media=audio,clock-rate=48000," \
    "encoding-name=OPUS,payload=96"

#define SENDER_DESC \
    "videotestsrc is-live=true pattern=smpte ! " \
    "video/x-raw,width=320,height=240,framerate=30/1 ! " \
    "vp8enc deadline=1 keyframe-max-dist=30 ! e2eeenc name=venc ! " \
    "e2eevp8pay pt=96 ! multiudpsink name=vsink " \
    "audiotestsrc is-live=true wave=sine freq=440 ! opusenc ! " \
    "e2eeenc name=aenc ! rtpopuspay pt=96 ! multiudpsink name=asink"

/* %s: extra e2eedec, vp8dec and opusdec properties */
#define PEER_DESC \
    "udpsrc name=vsrc close-socket=false caps=\"" VIDEO_RTP_CAPS "\" ! " \
    "rtpjitterbuffer latency=100 ! rtpvp8depay ! e2eedec name=vdec %s ! " \
    "vp8dec %s ! videoconvert ! videoscale ! " \
    "video/x-raw,format=RGB,width=320,height=240 ! " \
    "appsink name=picture sync=false async=false max-buffers=1 drop=true " \
    "udpsrc name=asrc close-socket=false caps=\"" AUDIO_RTP_CAPS "\" ! " \
    "rtpjitterbuffer latency=100 ! rtpopusdepay ! e2eedec name=adec %s ! " \
    "opusdec %s ! audioconvert ! audio/x-raw,channels=1 ! " \
    "spectrum bands=" G_STRINGIFY (SPECTRUM_BANDS) " threshold=-90 " \
    "interval=200000000 post-messages=true ! " \
    "fakesink sync=false async=false"

typedef struct
{
  const gchar *name;
  GstElement *pipeline;
  GSocket *video_socket;
  GSocket *audio_socket;

  /* written on the streaming thread, read after the run */
  GMutex lock;
  GstSample *last_picture;
  guint pictures;

  /* main thread only: power per band, summed over the spectrum messages */
  gdouble power[SPECTRUM_BANDS];
  guint spectra;

  /* results */
  GstStructure *video_stats;
  GstStructure *audio_stats;
  gdouble psnr;
  gdouble peak_hz;
  gdouble tone_share;
  guint warnings;
} Party;

typedef struct
{
  GMainLoop *loop;
  gboolean failed;
  Party *eavesdropper;
  gint64 min_end, max_end;
  guint timer;
} Run;

static gint seconds = 5;
static gchar *output_dir = NULL;

static GOptionEntry options[] = {
  {"seconds", 's', 0, G_OPTION_ARG_INT, &seconds,
      "How long to run the call (default 5)", "N"},
  {"output-dir", 'o', 0, G_OPTION_ARG_FILENAME, &output_dir,
      "Where to write the pictures (default demo-out)", "DIR"},
  {NULL}
};

static void
wipe_and_free (gpointer data)
{
  OPENSSL_cleanse (data, KEY_SIZE);
  g_free (data);
}

/* The key as the elements take it: a GstBuffer whose memory is wiped when
 * the last reference goes. */
static GstBuffer *
make_random_key (void)
{
  guint8 *bytes = g_malloc (KEY_SIZE);

  if (RAND_bytes (bytes, KEY_SIZE) != 1) {
    wipe_and_free (bytes);
    return NULL;
  }
  return gst_buffer_new_wrapped_full (GST_MEMORY_FLAG_READONLY, bytes,
      KEY_SIZE, 0, KEY_SIZE, bytes, wipe_and_free);
}

/* A UDP socket on 127.0.0.1 with a port the kernel picks, so that the demo
 * never collides with another program, or with itself run twice. */
static GSocket *
make_socket (guint * port, GError ** err)
{
  GSocket *sock;
  GInetAddress *lo;
  GSocketAddress *addr, *bound;

  sock = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_DATAGRAM,
      G_SOCKET_PROTOCOL_UDP, err);
  if (!sock)
    return NULL;
  lo = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  addr = g_inet_socket_address_new (lo, 0);
  g_object_unref (lo);
  if (!g_socket_bind (sock, addr, FALSE, err)) {
    g_object_unref (addr);
    g_object_unref (sock);
    return NULL;
  }
  g_object_unref (addr);
  bound = g_socket_get_local_address (sock, err);
  if (!bound) {
    g_object_unref (sock);
    return NULL;
  }
  *port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
  g_object_unref (bound);
  return sock;
}

static GstFlowReturn
on_new_picture (GstAppSink * sink, gpointer user_data)
{
  Party *party = user_data;
  GstSample *sample = gst_app_sink_pull_sample (sink);

  if (!sample)
    return GST_FLOW_EOS;
  g_mutex_lock (&party->lock);
  if (party->last_picture)
    gst_sample_unref (party->last_picture);
  party->last_picture = sample;
  party->pictures++;
  g_mutex_unlock (&party->lock);
  return GST_FLOW_OK;
}

static void
store_spectrum (Party * party, const GstStructure * s)
{
  const GValue *mags = gst_structure_get_value (s, "magnitude");
  guint i, n;

  if (!mags || !GST_VALUE_HOLDS_LIST (mags))
    return;
  n = gst_value_list_get_size (mags);
  if (n != SPECTRUM_BANDS)
    return;
  for (i = 0; i < n; i++) {
    gfloat db = g_value_get_float (gst_value_list_get_value (mags, i));

    party->power[i] += pow (10.0, db / 10.0);
  }
  party->spectra++;
}

static gboolean
on_bus_message (GstBus * bus, GstMessage * msg, gpointer user_data)
{
  Party *party = g_object_get_data (G_OBJECT (bus), "party");
  Run *run = user_data;
  GError *err = NULL;
  gchar *dbg = NULL;

  switch (GST_MESSAGE_TYPE (msg)) {
    case GST_MESSAGE_ERROR:
      gst_message_parse_error (msg, &err, &dbg);
      g_printerr ("%s: error from %s: %s\n  %s\n", party->name,
          GST_OBJECT_NAME (msg->src), err->message, dbg ? dbg : "");
      run->failed = TRUE;
      g_main_loop_quit (run->loop);
      break;
    case GST_MESSAGE_WARNING:
      /* the eavesdropper's decoders warn about every frame they cannot
       * decode, which is the point; show the first few of each party */
      if (party->warnings++ < 3) {
        gst_message_parse_warning (msg, &err, &dbg);
        g_printerr ("%s: warning from %s: %s\n", party->name,
            GST_OBJECT_NAME (msg->src), err->message);
      }
      break;
    case GST_MESSAGE_EOS:
      /* only the sender ends, when it has sent all it encrypted */
      g_main_loop_quit (run->loop);
      break;
    case GST_MESSAGE_ELEMENT:
      if (gst_message_has_name (msg, "spectrum"))
        store_spectrum (party, gst_message_get_structure (msg));
      break;
    default:
      break;
  }
  g_clear_error (&err);
  g_free (dbg);
  return G_SOURCE_CONTINUE;
}

/* Ends the call after the time asked for, or later if the eavesdropper's
 * decoder has not managed a single picture yet. Whether libvpx takes an
 * encrypted key frame is down to the random ciphertext (about one in three
 * here), and once it has rejected one it rejects every frame up to the next
 * key frame, which comes each second. */
static gboolean
on_tick (gpointer user_data)
{
  Run *run = user_data;
  gint64 now = g_get_monotonic_time ();
  guint pictures;

  if (now < run->min_end)
    return G_SOURCE_CONTINUE;
  g_mutex_lock (&run->eavesdropper->lock);
  pictures = run->eavesdropper->pictures;
  g_mutex_unlock (&run->eavesdropper->lock);
  if (pictures == 0 && now < run->max_end)
    return G_SOURCE_CONTINUE;
  g_main_loop_quit (run->loop);
  return G_SOURCE_REMOVE;
}

static gboolean
on_timeout (gpointer user_data)
{
  Run *run = user_data;

  run->timer = 0;
  g_main_loop_quit (run->loop);
  return G_SOURCE_REMOVE;
}

/* Runs the main loop until something quits it, or for at most ms. */
static void
run_for (Run * run, guint ms)
{
  run->timer = g_timeout_add (ms, on_timeout, run);
  g_main_loop_run (run->loop);
  if (run->timer)
    g_source_remove (run->timer);
  run->timer = 0;
}

static GstElement *
launch (const gchar * desc, GError ** err)
{
  GstElement *pipeline = gst_parse_launch_full (desc, NULL,
      GST_PARSE_FLAG_FATAL_ERRORS, err);

  if (pipeline && !GST_IS_PIPELINE (pipeline)) {
    gst_object_unref (pipeline);
    g_set_error (err, GST_CORE_ERROR, GST_CORE_ERROR_FAILED,
        "not a pipeline: %s", desc);
    return NULL;
  }
  return pipeline;
}

static void
set_on (GstElement * pipeline, const gchar * name, const gchar * prop,
    gpointer value)
{
  GstElement *e = gst_bin_get_by_name (GST_BIN (pipeline), name);

  g_assert (e != NULL);
  g_object_set (e, prop, value, NULL);
  gst_object_unref (e);
}

static GstStructure *
get_stats (GstElement * pipeline, const gchar * name)
{
  GstElement *e = gst_bin_get_by_name (GST_BIN (pipeline), name);
  GstStructure *s = NULL;

  g_object_get (e, "stats", &s, NULL);
  gst_object_unref (e);
  return s;
}

static guint64
get_u64 (const GstStructure * s, const gchar * field)
{
  guint64 v = 0;

  if (s)
    gst_structure_get_uint64 (s, field, &v);
  return v;
}

static void
watch_party (Party * party, Run * run)
{
  GstBus *bus = gst_element_get_bus (party->pipeline);

  g_object_set_data (G_OBJECT (bus), "party", party);
  gst_bus_add_watch (bus, on_bus_message, run);
  gst_object_unref (bus);
}

static gboolean
setup_party (Party * party, const gchar * dec_props, const gchar * vp8dec_props,
    const gchar * opusdec_props, Run * run, guint ports[2], GError ** err)
{
  gchar *desc;
  GstElement *sink;
  GstAppSinkCallbacks callbacks = { NULL, NULL, on_new_picture };

  party->video_socket = make_socket (&ports[0], err);
  if (!party->video_socket)
    return FALSE;
  party->audio_socket = make_socket (&ports[1], err);
  if (!party->audio_socket)
    return FALSE;

  desc = g_strdup_printf (PEER_DESC, dec_props, vp8dec_props, dec_props,
      opusdec_props);
  party->pipeline = launch (desc, err);
  g_free (desc);
  if (!party->pipeline)
    return FALSE;

  set_on (party->pipeline, "vsrc", "socket", party->video_socket);
  set_on (party->pipeline, "asrc", "socket", party->audio_socket);

  sink = gst_bin_get_by_name (GST_BIN (party->pipeline), "picture");
  gst_app_sink_set_callbacks (GST_APP_SINK (sink), &callbacks, party, NULL);
  gst_object_unref (sink);

  watch_party (party, run);
  return TRUE;
}

static void
init_party (Party * party, const gchar * name)
{
  memset (party, 0, sizeof (*party));
  party->name = name;
  party->psnr = NAN;
  party->peak_hz = NAN;
  party->tone_share = NAN;
  g_mutex_init (&party->lock);
}

static void
clear_party (Party * party)
{
  if (party->pipeline) {
    GstBus *bus = gst_element_get_bus (party->pipeline);

    gst_bus_remove_watch (bus);
    gst_object_unref (bus);
    gst_element_set_state (party->pipeline, GST_STATE_NULL);
    gst_object_unref (party->pipeline);
  }
  g_clear_object (&party->video_socket);
  g_clear_object (&party->audio_socket);
  if (party->last_picture)
    gst_sample_unref (party->last_picture);
  if (party->video_stats)
    gst_structure_free (party->video_stats);
  if (party->audio_stats)
    gst_structure_free (party->audio_stats);
  g_mutex_clear (&party->lock);
}

/* Where the audio's power is: the strongest band, and the share of the
 * power in the tone's band and its two neighbours. */
static void
analyse_spectrum (Party * party)
{
  const gdouble band_hz = (AUDIO_RATE / 2.0) / SPECTRUM_BANDS;
  gint tone = (gint) (TONE_HZ / band_hz);
  gdouble total = 0.0, near = 0.0;
  gint i, peak = 0;

  if (party->spectra == 0)
    return;
  for (i = 0; i < SPECTRUM_BANDS; i++) {
    total += party->power[i];
    if (ABS (i - tone) <= 1)
      near += party->power[i];
    if (party->power[i] > party->power[peak])
      peak = i;
  }
  party->peak_hz = (peak + 0.5) * band_hz;
  party->tone_share = total > 0.0 ? near / total : 0.0;
}

static gboolean
heard_tone (const Party * party)
{
  return party->spectra > 0 && party->tone_share >= MIN_TONE_SHARE;
}

static void
collect (Party * party, const gchar * dir, Run * run, GstSample * reference)
{
  GstSample *picture;
  GError *err = NULL;
  gchar *file, *path;

  party->video_stats = get_stats (party->pipeline, "vdec");
  party->audio_stats = get_stats (party->pipeline, "adec");
  analyse_spectrum (party);

  g_mutex_lock (&party->lock);
  picture = party->last_picture ? gst_sample_ref (party->last_picture) : NULL;
  g_mutex_unlock (&party->lock);

  file = g_strconcat (party->name, ".png", NULL);
  path = g_build_filename (dir, file, NULL);
  /* never leave the picture of an earlier run behind */
  g_unlink (path);
  if (!picture) {
    g_print ("  %-13s none: its decoder made no picture of what it got\n",
        party->name);
  } else {
    party->psnr = e2ee_picture_psnr (picture, reference);
    if (e2ee_picture_write_png (picture, path, &err)) {
      g_print ("  %-13s %s\n", party->name, path);
    } else {
      g_printerr ("%s: could not write %s: %s\n", party->name, path,
          err->message);
      g_clear_error (&err);
      run->failed = TRUE;
    }
  }
  g_free (path);
  g_free (file);
  if (picture)
    gst_sample_unref (picture);
}

static void
print_stats (const gchar * who, const GstStructure * s)
{
  gchar *str = s ? gst_structure_to_string (s) : g_strdup ("(none)");

  g_print ("  %-26s %s\n", who, str);
  g_free (str);
}

static void
print_party (const Party * party)
{
  gchar *picture;

  if (party->pictures == 0)
    picture = g_strdup ("no picture");
  else if (isinf (party->psnr))
    picture = g_strdup_printf ("%u picture(s), the last identical to the "
        "source", party->pictures);
  else
    picture = g_strdup_printf ("%u picture(s), the last %.1f dB PSNR "
        "against the source", party->pictures, party->psnr);
  if (party->spectra == 0)
    g_print ("  %-13s %s; no audio\n", party->name, picture);
  else
    g_print ("  %-13s %s; audio loudest at %.0f Hz, %.0f%% of its power "
        "within 70 Hz of 440 Hz\n", party->name, picture, party->peak_hz,
        100.0 * party->tone_share);
  g_free (picture);
}

static gboolean
check_elements (void)
{
  static const gchar *needed[] = {
    "e2eeenc", "e2eedec", "e2eevp8pay", "rtpvp8depay", "rtpopuspay",
    "rtpopusdepay", "rtpjitterbuffer", "vp8enc", "vp8dec", "opusenc",
    "opusdec", "videotestsrc", "audiotestsrc", "udpsrc", "multiudpsink",
    "appsink", "spectrum", "pngenc", "videoconvert", "videoscale",
    "audioconvert", NULL
  };
  gboolean ok = TRUE;
  guint i;

  for (i = 0; needed[i]; i++) {
    GstElementFactory *f = gst_element_factory_find (needed[i]);

    if (!f) {
      g_printerr ("missing GStreamer element: %s\n", needed[i]);
      ok = FALSE;
    } else {
      gst_object_unref (f);
    }
  }
  if (!ok)
    g_printerr ("Build the project and run this through "
        "'meson devenv -C build', or run tools/demo.sh.\n");
  return ok;
}

int
main (int argc, char **argv)
{
  GOptionContext *ctx;
  GError *err = NULL;
  Run run = { NULL, FALSE };
  Party sender, receiver, eavesdropper;
  GstStructure *sent_v = NULL, *sent_a = NULL;
  GstSample *reference = NULL;
  GstBuffer *key = NULL;
  guint rx_ports[2], eve_ports[2];
  gchar *clients;
  guint64 rx_auth_failed, rx_missing, rx_video, rx_audio, eve_decrypted;
  gint status = EXIT_FAILURE;

  ctx = g_option_context_new ("- end-to-end encrypted call with an "
      "eavesdropper");
  g_option_context_add_main_entries (ctx, options, NULL);
  g_option_context_add_group (ctx, gst_init_get_option_group ());
  if (!g_option_context_parse (ctx, &argc, &argv, &err)) {
    g_printerr ("%s\n", err->message);
    g_option_context_free (ctx);
    return 2;
  }
  g_option_context_free (ctx);
  if (seconds < 1)
    seconds = 1;
  if (!output_dir)
    output_dir = g_strdup ("demo-out");

  if (!check_elements ())
    return EXIT_FAILURE;
  if (g_mkdir_with_parents (output_dir, 0755) != 0) {
    g_printerr ("cannot create %s\n", output_dir);
    return EXIT_FAILURE;
  }

  key = make_random_key ();
  if (!key) {
    g_printerr ("the random number generator failed\n");
    return EXIT_FAILURE;
  }

  run.loop = g_main_loop_new (NULL, FALSE);
  init_party (&sender, "sender");
  init_party (&receiver, "receiver");
  init_party (&eavesdropper, "eavesdropper");

  /* the eavesdropper has no key; its e2eedec hands what it cannot decrypt
   * to decoders told never to give up */
  if (!setup_party (&receiver, "", "", "", &run, rx_ports, &err) ||
      !setup_party (&eavesdropper, "on-failure=passthrough", "max-errors=-1",
          "max-errors=-1", &run, eve_ports, &err))
    goto error;

  sender.pipeline = launch (SENDER_DESC, &err);
  if (!sender.pipeline)
    goto error;
  clients = g_strdup_printf ("127.0.0.1:%u,127.0.0.1:%u", rx_ports[0],
      eve_ports[0]);
  set_on (sender.pipeline, "vsink", "clients", clients);
  g_free (clients);
  clients = g_strdup_printf ("127.0.0.1:%u,127.0.0.1:%u", rx_ports[1],
      eve_ports[1]);
  set_on (sender.pipeline, "asink", "clients", clients);
  g_free (clients);
  watch_party (&sender, &run);

  set_on (sender.pipeline, "venc", "key", key);
  set_on (sender.pipeline, "aenc", "key", key);
  set_on (receiver.pipeline, "vdec", "key", key);
  set_on (receiver.pipeline, "adec", "key", key);
  gst_clear_buffer (&key);

  g_print ("e2ee-demo: a sender, a receiver with the key and an eavesdropper "
      "without it, RTP over UDP on 127.0.0.1 for %d s\n"
      "  key:   32 random bytes from OpenSSL's CSPRNG (not shown), "
      "kdf=jitsi, key-index=0\n"
      "  video: VP8 320x240 30 fps, smpte pattern: vp8enc ! e2eeenc ! "
      "e2eevp8pay\n"
      "  audio: Opus, 440 Hz sine: opusenc ! e2eeenc ! rtpopuspay\n", seconds);

  /* listeners first, so that the first packet, a key frame, is not lost */
  if (gst_element_set_state (receiver.pipeline, GST_STATE_PLAYING) ==
      GST_STATE_CHANGE_FAILURE ||
      gst_element_set_state (eavesdropper.pipeline, GST_STATE_PLAYING) ==
      GST_STATE_CHANGE_FAILURE ||
      gst_element_set_state (sender.pipeline, GST_STATE_PLAYING) ==
      GST_STATE_CHANGE_FAILURE) {
    g_printerr ("could not start the pipelines\n");
    run.failed = TRUE;
  } else {
    run.eavesdropper = &eavesdropper;
    run.min_end = g_get_monotonic_time () + seconds * G_USEC_PER_SEC;
    run.max_end = run.min_end + EXTRA_SECONDS * G_USEC_PER_SEC;
    g_timeout_add (100, on_tick, &run);
    g_main_loop_run (run.loop);
  }

  /* hang up: the sender sends what it has encrypted and ends, then the
   * last packets get time through the jitter buffers */
  if (!run.failed) {
    gst_element_send_event (sender.pipeline, gst_event_new_eos ());
    run_for (&run, 5000);
    run_for (&run, 300);
  }
  sent_v = get_stats (sender.pipeline, "venc");
  sent_a = get_stats (sender.pipeline, "aenc");
  gst_element_set_state (sender.pipeline, GST_STATE_NULL);

  reference = e2ee_picture_render_reference ("smpte", 320, 240, &err);
  if (!reference)
    goto error;

  g_print ("pictures (the last frame each party decoded):\n");
  collect (&receiver, output_dir, &run, reference);
  collect (&eavesdropper, output_dir, &run, reference);

  g_print ("stats:\n");
  print_stats ("sender e2eeenc video", sent_v);
  print_stats ("sender e2eeenc audio", sent_a);
  print_stats ("receiver e2eedec video", receiver.video_stats);
  print_stats ("receiver e2eedec audio", receiver.audio_stats);
  print_stats ("eavesdropper e2eedec video", eavesdropper.video_stats);
  print_stats ("eavesdropper e2eedec audio", eavesdropper.audio_stats);

  g_print ("what each party got:\n");
  print_party (&receiver);
  print_party (&eavesdropper);

  rx_auth_failed = get_u64 (receiver.video_stats, "auth-failed") +
      get_u64 (receiver.audio_stats, "auth-failed");
  rx_missing = get_u64 (receiver.video_stats, "missing-key") +
      get_u64 (receiver.audio_stats, "missing-key");
  rx_video = get_u64 (receiver.video_stats, "frames-out");
  rx_audio = get_u64 (receiver.audio_stats, "frames-out");
  eve_decrypted = get_u64 (eavesdropper.video_stats, "frames-out") -
      get_u64 (eavesdropper.video_stats, "passthrough") +
      get_u64 (eavesdropper.audio_stats, "frames-out") -
      get_u64 (eavesdropper.audio_stats, "passthrough");

  if (run.failed)
    g_print ("FAIL: a pipeline failed (see above)\n");
  else if (rx_auth_failed > 0 || rx_missing > 0)
    g_print ("FAIL: %" G_GUINT64_FORMAT " of the receiver's frames did not "
        "authenticate and %" G_GUINT64_FORMAT " found no key\n",
        rx_auth_failed, rx_missing);
  else if (receiver.pictures == 0)
    g_print ("FAIL: the receiver decoded no picture\n");
  else if (rx_audio == 0 || !heard_tone (&receiver))
    g_print ("FAIL: the receiver did not hear the 440 Hz tone\n");
  else if (isnan (receiver.psnr) || receiver.psnr < MIN_RECEIVER_PSNR)
    g_print ("FAIL: the receiver's picture is not the test pattern\n");
  else if (eve_decrypted > 0 || heard_tone (&eavesdropper) ||
      (!isnan (eavesdropper.psnr) && eavesdropper.psnr > MAX_EAVESDROPPER_PSNR))
    g_print ("FAIL: the eavesdropper got the media\n");
  else {
    g_print ("OK: the receiver decrypted %" G_GUINT64_FORMAT " of %"
        G_GUINT64_FORMAT " video and %" G_GUINT64_FORMAT " of %"
        G_GUINT64_FORMAT " audio frames, 0 failed to authenticate; the "
        "eavesdropper decrypted none; its decoders made %u picture(s) of "
        "rubbish and no tone\n", rx_video, get_u64 (sent_v, "frames-out"),
        rx_audio, get_u64 (sent_a, "frames-out"), eavesdropper.pictures);
    status = EXIT_SUCCESS;
  }
  goto out;

error:
  g_printerr ("%s\n", err ? err->message : "failed");
  g_clear_error (&err);

out:
  gst_clear_buffer (&key);
  if (sent_v)
    gst_structure_free (sent_v);
  if (sent_a)
    gst_structure_free (sent_a);
  if (run.loop) {
    clear_party (&sender);
    clear_party (&receiver);
    clear_party (&eavesdropper);
    g_main_loop_unref (run.loop);
  }
  if (reference)
    gst_sample_unref (reference);
  g_free (output_dir);
  gst_deinit ();
  return status;
}
