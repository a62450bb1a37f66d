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
 * gst-e2ee-janus-publish: joins a Janus VideoRoom and publishes, encrypted
 * end to end, what pipeline descriptions give it (docs/bots.md).
 *
 *   --video "DESC" ! [h264parse !] e2eeenc ! payloader --+
 *   --audio "DESC" ! e2eeenc ! rtpopuspay ---------------+--> webrtcbin --> Janus
 *
 * The descriptions end in an encoder; the codec is read from the caps the
 * encoder settles on, and the payloader for it is linked then. Keys come
 * from one GstE2eeKeyManager for the whole run, talking olm over the room's
 * TextRoom; each `joined` gets a fresh pipeline and webrtcbin, each
 * `disconnected` tears it down.
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "bot-common.h"

#include <glib-unix.h>
#include <stdio.h>
#include <signal.h>

#include <gst/video/video.h>
#include <gst/webrtc/webrtc.h>

typedef struct _Publisher Publisher;

typedef struct
{
  Publisher *pub;
  const gchar *kind;            /* "video" or "audio" */
  const gchar *desc;
  GstElement *enc;              /* owned; NULL until the codec is known */
  BotCodec codec;
  gboolean ready;
  gboolean ended;
} Branch;

struct _Publisher
{
  BotOptions opts;
  gchar *video_desc;
  gchar *audio_desc;
  GMainLoop *loop;
  GstE2eeKeyManager *km;
  GstE2eeJanusRoom *room;

  /* main thread, except the fields under lock */
  GstElement *pipeline;
  GstElement *webrtcbin;
  guint session;
  gboolean stopping;
  gint exit_code;

  GMutex lock;
  Branch branches[2];           /* lock */
  guint n_branches;
  gboolean publish_scheduled;   /* lock */

  gint frames[2];               /* atomic */
  gint key_unit_requests;       /* atomic: at the encoder */
  gint key_unit_requests_in;    /* atomic: from webrtcbin */
};

static void
publisher_stop (Publisher * pub, gint exit_code)
{
  if (!pub->stopping)
    pub->exit_code = exit_code;
  pub->stopping = TRUE;
  g_main_loop_quit (pub->loop);
}

static void
print_enc_stats (Publisher * pub)
{
  guint i;

  g_mutex_lock (&pub->lock);
  for (i = 0; i < pub->n_branches; i++) {
    Branch *b = &pub->branches[i];
    gchar *what;

    if (!b->enc)
      continue;
    what = g_strdup_printf ("e2eeenc %s %s session %u", b->kind,
        bot_codec_name (b->codec), pub->session);
    bot_print_stats (what, b->enc);
    g_free (what);
  }
  g_mutex_unlock (&pub->lock);
}

static void
teardown_pipeline (Publisher * pub)
{
  GstBus *bus;
  guint i;

  if (!pub->pipeline)
    return;
  print_enc_stats (pub);
  bus = gst_element_get_bus (pub->pipeline);
  gst_bus_remove_watch (bus);
  gst_object_unref (bus);
  gst_element_set_state (pub->pipeline, GST_STATE_NULL);
  g_mutex_lock (&pub->lock);
  for (i = 0; i < pub->n_branches; i++) {
    gst_clear_object (&pub->branches[i].enc);
    pub->branches[i].ready = FALSE;
    pub->branches[i].codec = BOT_CODEC_UNKNOWN;
  }
  pub->publish_scheduled = FALSE;
  g_mutex_unlock (&pub->lock);
  gst_clear_object (&pub->webrtcbin);
  gst_clear_object (&pub->pipeline);
}

static gboolean
do_publish (gpointer user_data)
{
  Publisher *pub = user_data;

  if (pub->stopping || !pub->webrtcbin)
    return G_SOURCE_REMOVE;
  g_print ("publishing session %u\n", pub->session);
  if (!gst_e2ee_janus_room_publish (pub->room, pub->webrtcbin))
    g_printerr ("publish refused: not joined (waiting for the next join)\n");
  return G_SOURCE_REMOVE;
}

/* The payloader's first packet: its caps event went into webrtcbin before
 * it, so the transceiver can be offered. (On the caps event itself the
 * offer could be made before webrtcbin saw the caps, and Janus would
 * refuse the m-line.) */
static GstPadProbeReturn
on_pay_buffer (GstPad * pad, GstPadProbeInfo * info, gpointer user_data)
{
  Branch *b = user_data;
  Publisher *pub = b->pub;
  gboolean all = TRUE;
  guint i;

  g_mutex_lock (&pub->lock);
  b->ready = TRUE;
  for (i = 0; i < pub->n_branches; i++)
    all &= pub->branches[i].ready;
  if (all && !pub->publish_scheduled) {
    pub->publish_scheduled = TRUE;
    g_idle_add (do_publish, pub);
  }
  g_mutex_unlock (&pub->lock);
  return GST_PAD_PROBE_REMOVE;
}

/* What the encoder gave e2eeenc, for the frame log. */
static GstPadProbeReturn
on_enc_buffer (GstPad * pad, GstPadProbeInfo * info, gpointer user_data)
{
  Branch *b = user_data;

  g_atomic_int_inc (&b->pub->frames[g_str_equal (b->kind, "video") ? 0 : 1]);
  bot_frame_log_buffer (b->pub->opts.id, b->kind, b->codec,
      GST_PAD_PROBE_INFO_BUFFER (info));
  return GST_PAD_PROBE_OK;
}

/* Janus sends a PLI on every subscriber join: webrtcbin turns it into a
 * GstForceKeyUnit event that must reach the encoder through e2eeenc. */
static GstPadProbeReturn
on_upstream_event (GstPad * pad, GstPadProbeInfo * info, gpointer user_data)
{
  Branch *b = user_data;

  if (gst_video_event_is_force_key_unit (GST_PAD_PROBE_INFO_EVENT (info))) {
    g_atomic_int_inc (&b->pub->key_unit_requests);
    g_print ("%s: key frame requested at the encoder\n", b->kind);
  }
  return GST_PAD_PROBE_OK;
}

/* The same request as webrtcbin gives it to the payloader: a request seen
 * here and not at the encoder was lost on the way (docs/bots.md). */
static GstPadProbeReturn
on_webrtc_upstream_event (GstPad * pad, GstPadProbeInfo * info,
    gpointer user_data)
{
  Branch *b = user_data;

  if (gst_video_event_is_force_key_unit (GST_PAD_PROBE_INFO_EVENT (info))) {
    g_atomic_int_inc (&b->pub->key_unit_requests_in);
    g_print ("%s: key frame requested by webrtcbin\n", b->kind);
  }
  return GST_PAD_PROBE_OK;
}

/* On the encoder's caps (streaming thread): link e2eeenc and the payloader
 * for its codec, into a new webrtcbin sink pad. */
static GstPadProbeReturn
on_encoder_caps (GstPad * pad, GstPadProbeInfo * info, gpointer user_data)
{
  Branch *b = user_data;
  Publisher *pub = b->pub;
  GstEvent *event = GST_PAD_PROBE_INFO_EVENT (info);
  GstCaps *caps;
  BotCodec codec;
  gchar *desc;
  GstElement *sendbin, *enc;
  GstPad *sink, *src, *wsink;
  GObject *trans = NULL;
  GError *err = NULL;

  if (GST_EVENT_TYPE (event) != GST_EVENT_CAPS)
    return GST_PAD_PROBE_OK;
  gst_event_parse_caps (event, &caps);
  codec = bot_codec_from_caps (caps);
  desc = bot_codec_send_desc (codec);
  if (!desc) {
    gchar *s = gst_caps_to_string (caps);

    GST_ELEMENT_ERROR (pub->pipeline, STREAM, CODEC_NOT_FOUND,
        ("--%s gives %s: not an encoder output the bot can send "
            "(VP8, VP9, H.264, Opus)", b->kind, s), (NULL));
    g_free (s);
    return GST_PAD_PROBE_REMOVE;
  }
  if ((codec == BOT_CODEC_OPUS) != g_str_equal (b->kind, "audio")) {
    GST_ELEMENT_ERROR (pub->pipeline, STREAM, CODEC_NOT_FOUND,
        ("--%s gives %s", b->kind, bot_codec_name (codec)), (NULL));
    g_free (desc);
    return GST_PAD_PROBE_REMOVE;
  }
  sendbin = gst_parse_bin_from_description (desc, TRUE, &err);
  g_free (desc);
  if (!sendbin) {
    GST_ELEMENT_ERROR (pub->pipeline, CORE, MISSING_PLUGIN,
        ("%s", err->message), (NULL));
    g_clear_error (&err);
    return GST_PAD_PROBE_REMOVE;
  }
  enc = gst_bin_get_by_name (GST_BIN (sendbin), "enc");
  g_object_set (enc, "key-manager", pub->km, NULL);
  gst_bin_add (GST_BIN (pub->pipeline), sendbin);

  g_mutex_lock (&pub->lock);
  b->codec = codec;
  b->enc = enc;
  g_mutex_unlock (&pub->lock);
  g_print ("%s: %s, through %s\n", b->kind, bot_codec_name (codec),
      codec == BOT_CODEC_VP8 ? "e2eevp8pay" : "e2eeenc and its payloader");

  sink = gst_element_get_static_pad (enc, "sink");
  gst_pad_add_probe (sink, GST_PAD_PROBE_TYPE_BUFFER, on_enc_buffer, b, NULL);
  gst_object_unref (sink);
  if (bot_codec_is_video (codec))
    gst_pad_add_probe (pad, GST_PAD_PROBE_TYPE_EVENT_UPSTREAM,
        on_upstream_event, b, NULL);

  src = gst_element_get_static_pad (sendbin, "src");
  gst_pad_add_probe (src, GST_PAD_PROBE_TYPE_BUFFER |
      GST_PAD_PROBE_TYPE_BUFFER_LIST, on_pay_buffer, b, NULL);
  if (bot_codec_is_video (codec))
    gst_pad_add_probe (src, GST_PAD_PROBE_TYPE_EVENT_UPSTREAM,
        on_webrtc_upstream_event, b, NULL);
  wsink = gst_element_request_pad_simple (pub->webrtcbin, "sink_%u");
  g_object_get (wsink, "transceiver", &trans, NULL);
  if (trans) {
    g_object_set (trans, "direction",
        GST_WEBRTC_RTP_TRANSCEIVER_DIRECTION_SENDONLY, NULL);
    g_object_unref (trans);
  }
  if (gst_pad_link (src, wsink) != GST_PAD_LINK_OK)
    GST_ELEMENT_ERROR (pub->pipeline, CORE, NEGOTIATION,
        ("cannot link the %s payloader to webrtcbin", b->kind), (NULL));
  gst_object_unref (wsink);
  gst_object_unref (src);

  sink = gst_element_get_static_pad (sendbin, "sink");
  if (gst_pad_link (pad, sink) != GST_PAD_LINK_OK)
    GST_ELEMENT_ERROR (pub->pipeline, CORE, NEGOTIATION,
        ("cannot link the %s encoder to e2eeenc", b->kind), (NULL));
  gst_object_unref (sink);
  gst_element_sync_state_with_parent (sendbin);
  return GST_PAD_PROBE_REMOVE;
}

static gboolean
sources_ended (gpointer user_data)
{
  Publisher *pub = user_data;

  g_print ("end of the sources\n");
  publisher_stop (pub, 0);
  return G_SOURCE_REMOVE;
}

/* webrtcbin never posts EOS (its network sinks go on), so the pipeline
 * does not either: the sources' end is seen where they leave their bin. */
static GstPadProbeReturn
on_source_event (GstPad * pad, GstPadProbeInfo * info, gpointer user_data)
{
  Branch *b = user_data;
  Publisher *pub = b->pub;
  gboolean all = TRUE;
  guint i;

  if (GST_EVENT_TYPE (GST_PAD_PROBE_INFO_EVENT (info)) != GST_EVENT_EOS)
    return GST_PAD_PROBE_OK;
  g_mutex_lock (&pub->lock);
  b->ended = TRUE;
  for (i = 0; i < pub->n_branches; i++)
    all &= pub->branches[i].ended;
  g_mutex_unlock (&pub->lock);
  if (all)
    g_idle_add (sources_ended, pub);
  return GST_PAD_PROBE_OK;
}

static gboolean
on_bus_message (GstBus * bus, GstMessage * msg, gpointer user_data)
{
  Publisher *pub = user_data;
  GError *err = NULL;
  gchar *dbg = NULL;

  if (GST_MESSAGE_SRC (msg) != GST_OBJECT (pub->pipeline)
      && !gst_object_has_as_ancestor (GST_MESSAGE_SRC (msg),
          GST_OBJECT (pub->pipeline)))
    return G_SOURCE_CONTINUE;   /* an old session's */
  switch (GST_MESSAGE_TYPE (msg)) {
    case GST_MESSAGE_ERROR:
      gst_message_parse_error (msg, &err, &dbg);
      g_printerr ("error from %s: %s\n%s\n", GST_OBJECT_NAME (msg->src),
          err->message, dbg ? dbg : "");
      publisher_stop (pub, 1);
      break;
    default:
      break;
  }
  g_clear_error (&err);
  g_free (dbg);
  return G_SOURCE_CONTINUE;
}

/* The description in a bin with its free source pad ghosted, and only
 * that: gst_parse_bin_from_description (ghost_unlinked_pads) would also
 * ghost the sink pad of an element waiting for a demuxer's sometimes pad
 * ("filesrc ! matroskademux ! queue"), and the demuxer could then not link. */
static GstElement *
make_source_bin (const gchar * desc, GError ** error)
{
  GstElement *bin = gst_parse_bin_from_description (desc, FALSE, error);
  GstPad *pad;

  if (!bin)
    return NULL;
  pad = gst_bin_find_unlinked_pad (GST_BIN (bin), GST_PAD_SRC);
  if (pad) {
    gst_element_add_pad (bin, gst_ghost_pad_new ("src", pad));
    gst_object_unref (pad);
  }
  return bin;
}

static gboolean
build_pipeline (Publisher * pub, GError ** error)
{
  const gchar *descs[2] = { pub->video_desc, pub->audio_desc };
  const gchar *kinds[2] = { "video", "audio" };
  GstBus *bus;
  guint i;

  pub->session++;
  pub->pipeline = gst_pipeline_new (NULL);
  gst_object_ref_sink (pub->pipeline);
  pub->webrtcbin = gst_element_factory_make ("webrtcbin", "webrtc");
  if (!pub->webrtcbin) {
    g_set_error (error, GST_CORE_ERROR, GST_CORE_ERROR_MISSING_PLUGIN,
        "no webrtcbin");
    return FALSE;
  }
  gst_object_ref_sink (pub->webrtcbin);
  bot_setup_webrtcbin (pub->webrtcbin, &pub->opts);
  gst_bin_add (GST_BIN (pub->pipeline), gst_object_ref (pub->webrtcbin));

  pub->n_branches = 0;
  for (i = 0; i < 2; i++) {
    GstElement *bin;
    GstPad *src;
    Branch *b;

    if (!descs[i])
      continue;
    bin = make_source_bin (descs[i], error);
    if (!bin)
      return FALSE;
    src = gst_element_get_static_pad (bin, "src");
    if (!src) {
      g_set_error (error, GST_CORE_ERROR, GST_CORE_ERROR_NEGOTIATION,
          "--%s: the description has no free source pad", kinds[i]);
      gst_object_unref (gst_object_ref_sink (bin));
      return FALSE;
    }
    b = &pub->branches[pub->n_branches++];
    b->pub = pub;
    b->kind = kinds[i];
    b->desc = descs[i];
    gst_bin_add (GST_BIN (pub->pipeline), bin);
    b->ready = b->ended = FALSE;
    gst_pad_add_probe (src, GST_PAD_PROBE_TYPE_EVENT_DOWNSTREAM,
        on_encoder_caps, b, NULL);
    gst_pad_add_probe (src, GST_PAD_PROBE_TYPE_EVENT_DOWNSTREAM,
        on_source_event, b, NULL);
    gst_object_unref (src);
  }

  bus = gst_element_get_bus (pub->pipeline);
  gst_bus_add_watch (bus, on_bus_message, pub);
  gst_object_unref (bus);
  if (gst_element_set_state (pub->pipeline,
          GST_STATE_PLAYING) == GST_STATE_CHANGE_FAILURE) {
    g_set_error (error, GST_CORE_ERROR, GST_CORE_ERROR_STATE_CHANGE,
        "the pipeline does not start");
    return FALSE;
  }
  return TRUE;
}

static gboolean
joined_main (gpointer user_data)
{
  Publisher *pub = user_data;
  GError *err = NULL;

  if (pub->stopping)
    return G_SOURCE_REMOVE;
  g_print ("joined room %" G_GINT64_FORMAT " as %s at %.3f\n",
      pub->opts.room, pub->opts.id, g_get_real_time () / 1e6);
  teardown_pipeline (pub);
  if (!build_pipeline (pub, &err)) {
    g_printerr ("%s\n", err->message);
    g_clear_error (&err);
    publisher_stop (pub, 1);
  }
  return G_SOURCE_REMOVE;
}

static gboolean
disconnected_main (gpointer user_data)
{
  Publisher *pub = user_data;

  g_print ("disconnected from Janus; waiting to rejoin\n");
  teardown_pipeline (pub);
  return G_SOURCE_REMOVE;
}

static gboolean
on_unix_signal (gpointer user_data)
{
  Publisher *pub = user_data;

  g_print ("stopping\n");
  publisher_stop (pub, 0);
  return G_SOURCE_CONTINUE;
}

static gboolean
on_duration (gpointer user_data)
{
  publisher_stop (user_data, 0);
  return G_SOURCE_REMOVE;
}

int
main (int argc, char **argv)
{
  Publisher pub = { 0 };
  GOptionEntry entries[] = {
    {"video", 0, 0, G_OPTION_ARG_STRING, &pub.video_desc,
        "Video source ending in a VP8, VP9 or H.264 encoder, as for "
          "gst-launch-1.0", "PIPELINE-DESC"},
    {"audio", 0, 0, G_OPTION_ARG_STRING, &pub.audio_desc,
        "Audio source ending in an Opus encoder", "PIPELINE-DESC"},
    {NULL}
  };
  GstStructure *s = NULL;
  gchar *line;

  if (!bot_options_parse (&pub.opts,
          "- publish end-to-end encrypted media into a " "Janus VideoRoom",
          "Joins the room (keys over its TextRoom, olm), encrypts each frame with "
          "e2eeenc and publishes it through webrtcbin. At least one of --video "
          "and --audio.\n\nExample:\n  gst-e2ee-janus-publish --server "
          "http://127.0.0.1:8088/janus --room 1234 --id alice \\\n"
          "    --video \"videotestsrc is-live=true ! vp8enc deadline=1\" \\\n"
          "    --audio \"audiotestsrc is-live=true ! opusenc\"", entries, &argc,
          &argv))
    return 2;
  if (!pub.video_desc && !pub.audio_desc) {
    g_printerr ("nothing to publish: give --video, --audio or both\n");
    return 2;
  }

  g_mutex_init (&pub.lock);
  pub.loop = g_main_loop_new (NULL, FALSE);
  pub.km = bot_key_manager_new (&pub.opts);
  pub.room = gst_e2ee_janus_room_new (pub.opts.server, pub.opts.room, pub.km);
  bot_room_connect (pub.room, &pub.opts, joined_main, disconnected_main, &pub);
  g_unix_signal_add (SIGINT, on_unix_signal, &pub);
  g_unix_signal_add (SIGTERM, on_unix_signal, &pub);
  if (pub.opts.duration > 0)
    g_timeout_add_seconds (pub.opts.duration, on_duration, &pub);

  gst_e2ee_janus_room_start (pub.room);
  g_main_loop_run (pub.loop);

  teardown_pipeline (&pub);
  g_print ("summary %s: video-frames=%d audio-frames=%d "
      "key-unit-requests-from-webrtcbin=%d key-unit-requests=%d\n",
      pub.opts.id, g_atomic_int_get (&pub.frames[0]),
      g_atomic_int_get (&pub.frames[1]),
      g_atomic_int_get (&pub.key_unit_requests_in),
      g_atomic_int_get (&pub.key_unit_requests));
  /* a clean goodbye: Janus tells the others at once */
  gst_e2ee_janus_room_stop (pub.room);
  g_object_get (pub.room, "stats", &s, NULL);
  if (s) {
    line = bot_structure_to_line (s);
    g_print ("stats room: %s\n", line);
    g_free (line);
    gst_structure_free (s);
  }
  g_object_get (pub.km, "stats", &s, NULL);
  if (s) {
    line = bot_structure_to_line (s);
    g_print ("stats key-manager: %s\n", line);
    g_free (line);
    gst_structure_free (s);
  }
  gst_object_unref (pub.room);
  gst_object_unref (pub.km);
  g_main_loop_unref (pub.loop);
  g_free (pub.video_desc);
  g_free (pub.audio_desc);
  bot_options_clear (&pub.opts);
  g_mutex_clear (&pub.lock);
  return pub.exit_code;
}
