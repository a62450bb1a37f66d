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
 * gst-e2ee-janus-record: joins a Janus VideoRoom, subscribes to every
 * publisher as they come and go (one multistream subscriber webrtcbin, and
 * one more for the newcomers after each leave: request-webrtcbin),
 * decrypts and writes one file per participant and presence, without
 * re-encoding (docs/bots.md).
 *
 *   webrtcbin pad (mid) ! depayloader ! e2eedec participant=P ! parser !
 *     queue ! webmmux|matroskamux ! filesink P-n.webm|mkv
 *
 * A muxer cannot take a track once it has written its header, so a file
 * starts when every stream Janus announced for the participant (stream-added)
 * has its first frame, or 3 s after the first one; a stream of the same
 * participant that comes later goes into the participant's next file.
 * A stream that goes (stream-removed, publisher-removed) gets EOS, and the
 * file is finished once all of its streams have: only that branch stops.
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "bot-common.h"

#include <glib-unix.h>
#include <stdio.h>
#include <signal.h>
#include <string.h>

#include <gst/webrtc/webrtc.h>

#define START_WAIT_MS 3000
#define STOP_WAIT_MS 5000

typedef struct _Recorder Recorder;
typedef struct _Recording Recording;

typedef struct
{
  Recorder *rec;
  Recording *file;              /* main thread */
  gchar *mid;
  gchar *participant;
  BotCodec codec;
  GstElement *pipeline;         /* not owned */
  GstElement *webrtcbin;        /* owned: mids are per webrtcbin */
  GstElement *bin;              /* owned */
  GstElement *dec;              /* owned */
  GstPad *src;                  /* owned: bin's source pad */
  gulong block_id;              /* main thread */
  gint blocked;                 /* atomic: data reached the block */
  gboolean eos_sent;            /* main thread */
  gint frames;                  /* atomic */
  gint first_reported;          /* atomic */
} Stream;

struct _Recording
{
  Recorder *rec;
  gchar *participant;
  guint n;
  guint expected;
  GPtrArray *streams;           /* Stream, not owned */
  GstElement *pipeline;         /* not owned */
  GstElement *mux_bin;          /* owned once started */
  gchar *path;
  gboolean started;
  gboolean finished;
  guint start_timeout;
};

typedef struct
{
  gchar *name;
  guint files;
  Recording *current;           /* accepting streams, not started */
} Participant;

struct _Recorder
{
  BotOptions opts;
  gchar *output_dir;
  GMainLoop *loop;
  GstE2eeKeyManager *km;
  GstE2eeJanusRoom *room;

  /* the room's thread reads pipeline (request-webrtcbin) under lock; the
   * main thread writes it under lock */
  GMutex lock;
  /* main thread */
  GstElement *pipeline;
  GstElement *webrtcbin;
  GPtrArray *old_pipelines;
  GHashTable *participants;     /* name -> Participant */
  GPtrArray *recordings;        /* owned, every file of the run */
  GPtrArray *streams;           /* owned */
  gboolean stopping;
  guint stop_timeout;
  gint exit_code;
};

static void recording_start (Recording * r);
static void recorder_check_done (Recorder * rec);

static gdouble
now_s (void)
{
  return g_get_real_time () / 1e6;
}

static void
recorder_quit (Recorder * rec, gint exit_code)
{
  if (!rec->exit_code)
    rec->exit_code = exit_code;
  g_main_loop_quit (rec->loop);
}

static Participant *
participant_get (Recorder * rec, const gchar * name)
{
  Participant *p = g_hash_table_lookup (rec->participants, name);

  if (!p) {
    p = g_new0 (Participant, 1);
    p->name = g_strdup (name);
    g_hash_table_insert (rec->participants, p->name, p);
  }
  return p;
}

static void
participant_free (Participant * p)
{
  g_free (p->name);
  g_free (p);
}

/* The participant's file that still takes streams, made if need be. */
static Recording *
participant_open_recording (Recorder * rec, Participant * p)
{
  Recording *r = p->current;

  if (r && !r->started && !r->finished)
    return r;
  r = g_new0 (Recording, 1);
  r->rec = rec;
  r->participant = g_strdup (p->name);
  r->n = ++p->files;
  r->streams = g_ptr_array_new ();
  r->pipeline = rec->pipeline;
  g_ptr_array_add (rec->recordings, r);
  p->current = r;
  return r;
}

static void
recording_free (Recording * r)
{
  if (r->start_timeout)
    g_source_remove (r->start_timeout);
  if (r->mux_bin) {
    gst_element_set_state (r->mux_bin, GST_STATE_NULL);
    gst_object_unref (r->mux_bin);
  }
  g_ptr_array_free (r->streams, TRUE);
  g_free (r->participant);
  g_free (r->path);
  g_free (r);
}

static void
stream_free (Stream * s)
{
  gst_clear_object (&s->dec);
  gst_clear_object (&s->src);
  gst_clear_object (&s->bin);
  gst_clear_object (&s->webrtcbin);
  g_free (s->mid);
  g_free (s->participant);
  g_free (s);
}

static guint64
stats_get (GstElement * dec, const gchar * field)
{
  GstStructure *st = NULL;
  guint64 v = 0;

  if (!dec)
    return 0;
  g_object_get (dec, "stats", &st, NULL);
  if (st) {
    gst_structure_get_uint64 (st, field, &v);
    gst_structure_free (st);
  }
  return v;
}

static gboolean
recording_finished_main (gpointer user_data)
{
  Recording *r = user_data;

  if (r->finished)
    return G_SOURCE_REMOVE;
  r->finished = TRUE;
  g_print ("finished %s\n", r->path);
  if (r->mux_bin) {
    gst_element_set_locked_state (r->mux_bin, TRUE);
    gst_element_set_state (r->mux_bin, GST_STATE_NULL);
    gst_bin_remove (GST_BIN (r->pipeline), r->mux_bin);
  }
  recorder_check_done (r->rec);
  return G_SOURCE_REMOVE;
}

static GstPadProbeReturn
on_filesink_event (GstPad * pad, GstPadProbeInfo * info, gpointer user_data)
{
  if (GST_EVENT_TYPE (GST_PAD_PROBE_INFO_EVENT (info)) == GST_EVENT_EOS)
    g_idle_add (recording_finished_main, user_data);
  return GST_PAD_PROBE_OK;
}

/* After SIGKILL the muxer never reaches EOS, so what is on disk must be
 * readable as it is (docs/bots.md, measured): the muxer writes each frame
 * as it comes, and an unbuffered filesink hands it to the kernel at once,
 * so a kill loses at most the frame being written; a buffered filesink
 * lost its last 64 KiB (~0.8 s of 320x240 VP8 + Opus). Not streamable: a
 * clean stop seeks back to write the duration and the cues, which players
 * need to seek; a killed file lacks only those. Clusters of 0.5-1 s keep
 * the blocks' 16-bit relative timestamps far from overflow. */
static GstElement *
make_mux_bin (Recording * r, gboolean webm, GError ** error)
{
  gchar *name = bot_sanitize_name (r->participant);
  gchar *desc;
  GstElement *bin;

  r->path = g_strdup_printf ("%s/%s-%u.%s", r->rec->output_dir, name, r->n,
      webm ? "webm" : "mkv");
  g_free (name);
  desc = g_strdup_printf ("%s name=mux "
      "min-cluster-duration=%" G_GUINT64_FORMAT " max-cluster-duration=%"
      G_GUINT64_FORMAT " ! filesink name=sink buffer-mode=unbuffered "
      "async=false", webm ? "webmmux" : "matroskamux",
      (guint64) 500 * GST_MSECOND, (guint64) GST_SECOND);
  bin = gst_parse_bin_from_description (desc, FALSE, error);
  g_free (desc);
  if (bin) {
    GstElement *sink = gst_bin_get_by_name (GST_BIN (bin), "sink");

    g_object_set (sink, "location", r->path, NULL);
    gst_object_unref (sink);
  }
  return bin;
}

static void
stream_unblock (Stream * s)
{
  if (s->block_id) {
    gst_pad_remove_probe (s->src, s->block_id);
    s->block_id = 0;
  }
}

/* Starts writing the file with every stream that has data; the others go
 * to the participant's next file when their data comes. */
static void
recording_start (Recording * r)
{
  Recorder *rec = r->rec;
  BotCodec codecs[8];
  guint i, n = 0, nv = 0, na = 0;
  GError *err = NULL;
  GstElement *mux, *sink;
  GstPad *pad;
  GPtrArray *late = g_ptr_array_new ();

  if (r->started || r->finished)
    goto done;
  if (r->start_timeout) {
    g_source_remove (r->start_timeout);
    r->start_timeout = 0;
  }
  for (i = 0; i < r->streams->len; i++) {
    Stream *s = g_ptr_array_index (r->streams, i);

    if (g_atomic_int_get (&s->blocked) && n < G_N_ELEMENTS (codecs))
      codecs[n++] = s->codec;
    else
      g_ptr_array_add (late, s);
  }
  for (i = 0; i < late->len; i++)
    g_ptr_array_remove (r->streams, g_ptr_array_index (late, i));
  if (n == 0) {
    /* nothing came: no file */
    r->finished = TRUE;
    goto done;
  }
  r->started = TRUE;
  r->mux_bin = make_mux_bin (r, bot_codecs_fit_webm (codecs, n), &err);
  if (!r->mux_bin) {
    g_printerr ("%s\n", err->message);
    g_clear_error (&err);
    r->finished = TRUE;
    goto done;
  }
  gst_object_ref_sink (r->mux_bin);
  gst_bin_add (GST_BIN (r->pipeline), gst_object_ref (r->mux_bin));
  mux = gst_bin_get_by_name (GST_BIN (r->mux_bin), "mux");
  sink = gst_bin_get_by_name (GST_BIN (r->mux_bin), "sink");
  pad = gst_element_get_static_pad (sink, "sink");
  gst_pad_add_probe (pad, GST_PAD_PROBE_TYPE_EVENT_DOWNSTREAM,
      on_filesink_event, r, NULL);
  gst_object_unref (pad);
  gst_object_unref (sink);

  for (i = 0; i < r->streams->len; i++) {
    Stream *s = g_ptr_array_index (r->streams, i);
    gboolean video = bot_codec_is_video (s->codec);
    gchar *padname = g_strdup_printf (video ? "video_%u" : "audio_%u",
        video ? nv++ : na++);
    GstPad *mpad = gst_element_request_pad_simple (mux, padname);
    GstPad *ghost = NULL;

    if (mpad) {
      ghost = gst_ghost_pad_new (padname, mpad);
      gst_pad_set_active (ghost, TRUE);
      gst_element_add_pad (r->mux_bin, ghost);
    }
    g_free (padname);
    if (!ghost || gst_pad_link (s->src, ghost) != GST_PAD_LINK_OK)
      g_printerr ("cannot mux %s's %s stream\n", r->participant,
          bot_codec_name (s->codec));
    gst_clear_object (&mpad);
  }
  gst_object_unref (mux);
  gst_element_sync_state_with_parent (r->mux_bin);
  g_print ("recording %s into %s (%u stream%s)\n", r->participant, r->path,
      r->streams->len, r->streams->len == 1 ? "" : "s");
  for (i = 0; i < r->streams->len; i++)
    stream_unblock (g_ptr_array_index (r->streams, i));

done:
  /* late streams wait for a file of their own */
  for (i = 0; i < late->len; i++) {
    Stream *s = g_ptr_array_index (late, i);
    Participant *p = participant_get (rec, s->participant);
    Recording *next = participant_open_recording (rec, p);

    s->file = next;
    next->expected++;
    g_ptr_array_add (next->streams, s);
  }
  g_ptr_array_free (late, TRUE);
}

static gboolean
on_start_timeout (gpointer user_data)
{
  Recording *r = user_data;

  r->start_timeout = 0;
  recording_start (r);
  return G_SOURCE_REMOVE;
}

static void
recording_maybe_start (Recording * r)
{
  guint i, ready = 0;

  if (r->started || r->finished)
    return;
  for (i = 0; i < r->streams->len; i++)
    ready += g_atomic_int_get (&((Stream *)
            g_ptr_array_index (r->streams, i))->blocked) ? 1 : 0;
  if (ready == 0)
    return;
  if (ready >= MAX (r->expected, r->streams->len))
    recording_start (r);
  else if (!r->start_timeout)
    r->start_timeout = g_timeout_add (START_WAIT_MS, on_start_timeout, r);
}

static gboolean
stream_blocked_main (gpointer user_data)
{
  Stream *s = user_data;

  if (s->file && !s->file->started)
    recording_maybe_start (s->file);
  else if (s->file && s->file->started && s->block_id && !s->eos_sent) {
    /* came after its file started: the next file */
    Participant *p = participant_get (s->rec, s->participant);
    Recording *next = participant_open_recording (s->rec, p);

    g_ptr_array_remove (s->file->streams, s);
    s->file = next;
    next->expected++;
    g_ptr_array_add (next->streams, s);
    recording_maybe_start (next);
  }
  return G_SOURCE_REMOVE;
}

static GstPadProbeReturn
on_stream_block (GstPad * pad, GstPadProbeInfo * info, gpointer user_data)
{
  Stream *s = user_data;

  if (!g_atomic_int_get (&s->blocked)) {
    g_atomic_int_set (&s->blocked, 1);
    g_idle_add (stream_blocked_main, s);
  }
  return GST_PAD_PROBE_OK;
}

static GstPadProbeReturn
on_dec_buffer (GstPad * pad, GstPadProbeInfo * info, gpointer user_data)
{
  Stream *s = user_data;

  g_atomic_int_inc (&s->frames);
  if (g_atomic_int_compare_and_exchange (&s->first_reported, 0, 1))
    g_print ("first decrypted frame: %s %s at %.3f\n", s->participant,
        bot_codec_is_video (s->codec) ? "video" : "audio", now_s ());
  bot_frame_log_buffer (s->participant,
      bot_codec_is_video (s->codec) ? "video" : "audio", s->codec,
      GST_PAD_PROBE_INFO_BUFFER (info));
  return GST_PAD_PROBE_OK;
}

/* A recording's video starts at a key frame: a new subscriber gets delta
 * frames until the key frame its PLI asked for, and a stock player cannot
 * decode them (VP9 decoders stop with an error). They were logged as
 * decrypted; they are not written. */
static GstPadProbeReturn
on_dec_buffer_until_key (GstPad * pad, GstPadProbeInfo * info,
    gpointer user_data)
{
  if (GST_BUFFER_FLAG_IS_SET (GST_PAD_PROBE_INFO_BUFFER (info),
          GST_BUFFER_FLAG_DELTA_UNIT))
    return GST_PAD_PROBE_DROP;
  return GST_PAD_PROBE_REMOVE;
}

/* EOS into the branch: the muxer finishes the file once all of its
 * branches have had theirs. */
static void
stream_finish (Stream * s)
{
  GstPad *sink;

  if (s->eos_sent)
    return;
  s->eos_sent = TRUE;
  if (s->file && !s->file->started)
    recording_start (s->file);
  if (s->block_id) {
    /* never reached a file: nothing to finish */
    return;
  }
  sink = gst_element_get_static_pad (s->bin, "sink");
  gst_pad_send_event (sink, gst_event_new_eos ());
  gst_object_unref (sink);
}

static gboolean
stream_attach_main (gpointer user_data)
{
  Stream *s = user_data;
  Recorder *rec = s->rec;
  Participant *p = participant_get (rec, s->participant);
  Recording *r;

  g_ptr_array_add (rec->streams, s);
  if (!s->src)
    return G_SOURCE_REMOVE;
  r = participant_open_recording (rec, p);
  s->file = r;
  g_ptr_array_add (r->streams, s);
  if (g_atomic_int_get (&s->blocked))
    recording_maybe_start (r);
  return G_SOURCE_REMOVE;
}

/* A subscriber pad (webrtcbin's streaming thread): its branch is built and
 * linked here, before data flows, and held at its end until its file
 * starts. */
static void
on_pad_added (GstElement * webrtcbin, GstPad * pad, gpointer user_data)
{
  Recorder *rec = user_data;
  GObject *trans = NULL;
  gchar *mid = NULL, *participant = NULL, *desc;
  GstCaps *caps;
  BotCodec codec;
  Stream *s;
  GstPad *sink;
  GError *err = NULL;
  GstElement *pipeline = GST_ELEMENT (gst_element_get_parent (webrtcbin));

  if (GST_PAD_DIRECTION (pad) != GST_PAD_SRC || !pipeline)
    goto out;
  g_object_get (pad, "transceiver", &trans, NULL);
  if (trans)
    g_object_get (trans, "mid", &mid, NULL);
  caps = gst_pad_get_current_caps (pad);
  if (!caps)
    caps = gst_pad_query_caps (pad, NULL);
  codec = bot_codec_from_caps (caps);
  gst_caps_unref (caps);
  if (mid)
    participant = gst_e2ee_janus_room_dup_participant_for_mid (rec->room,
        webrtcbin, mid, NULL);
  if (!participant)
    participant = g_strdup_printf ("unknown-mid-%s", mid ? mid : "none");
  desc = bot_codec_recv_desc (codec);
  if (!desc) {
    g_printerr ("mid %s of %s: codec %s not recorded\n", mid, participant,
        bot_codec_name (codec));
    /* a fakesink keeps the stream from erroring out as not-linked */
    desc = g_strdup ("fakesink async=false");
  }
  s = g_new0 (Stream, 1);
  s->rec = rec;
  s->mid = mid;
  s->participant = participant;
  s->codec = codec;
  s->pipeline = pipeline;
  s->webrtcbin = gst_object_ref (webrtcbin);
  s->bin = gst_parse_bin_from_description (desc, TRUE, &err);
  g_free (desc);
  if (!s->bin) {
    g_printerr ("%s\n", err->message);
    g_clear_error (&err);
    stream_free (s);
    goto out;
  }
  gst_object_ref_sink (s->bin);
  gst_bin_add (GST_BIN (pipeline), gst_object_ref (s->bin));
  s->dec = gst_bin_get_by_name (GST_BIN (s->bin), "dec");
  s->src = gst_element_get_static_pad (s->bin, "src");
  if (s->dec) {
    GstPad *dsrc = gst_element_get_static_pad (s->dec, "src");

    g_object_set (s->dec, "key-manager", rec->km, "participant",
        participant, NULL);
    gst_pad_add_probe (dsrc, GST_PAD_PROBE_TYPE_BUFFER, on_dec_buffer, s, NULL);
    if (bot_codec_is_video (codec))
      gst_pad_add_probe (dsrc, GST_PAD_PROBE_TYPE_BUFFER,
          on_dec_buffer_until_key, NULL, NULL);
    gst_object_unref (dsrc);
  }
  if (s->src)
    s->block_id = gst_pad_add_probe (s->src,
        GST_PAD_PROBE_TYPE_BLOCK_DOWNSTREAM, on_stream_block, s, NULL);
  gst_element_sync_state_with_parent (s->bin);
  sink = gst_element_get_static_pad (s->bin, "sink");
  if (gst_pad_link (pad, sink) != GST_PAD_LINK_OK)
    g_printerr ("cannot link mid %s\n", mid);
  gst_object_unref (sink);
  g_print ("stream mid %s: %s %s\n", mid ? mid : "?", participant,
      bot_codec_name (codec));
  g_idle_add (stream_attach_main, s);
  g_clear_object (&trans);
  gst_object_unref (pipeline);
  return;

out:
  g_clear_object (&trans);
  g_free (mid);
  g_free (participant);
  gst_clear_object (&pipeline);
}

typedef struct
{
  Recorder *rec;
  GstElement *webrtcbin;
  gchar *mid;
  gchar *participant;
  gboolean added;
} RoomEvent;

static void
room_event_free (gpointer data)
{
  RoomEvent *ev = data;

  gst_clear_object (&ev->webrtcbin);
  g_free (ev->mid);
  g_free (ev->participant);
  g_free (ev);
}

static gboolean
stream_added_main (gpointer user_data)
{
  RoomEvent *ev = user_data;
  Participant *p;
  Recording *r;

  if (ev->rec->stopping)
    return G_SOURCE_REMOVE;
  p = participant_get (ev->rec, ev->participant);
  r = participant_open_recording (ev->rec, p);
  r->expected++;
  return G_SOURCE_REMOVE;
}

/* A mid no longer carries the participant's feed (mid NULL: none of the
 * participant's does, the publisher left). */
static gboolean
stream_removed_main (gpointer user_data)
{
  RoomEvent *ev = user_data;
  Recorder *rec = ev->rec;
  guint i;

  for (i = 0; i < rec->streams->len; i++) {
    Stream *s = g_ptr_array_index (rec->streams, i);

    if (s->pipeline != rec->pipeline || s->eos_sent || !s->src)
      continue;
    if (g_strcmp0 (s->participant, ev->participant))
      continue;
    if (ev->mid && (g_strcmp0 (s->mid, ev->mid)
            || s->webrtcbin != ev->webrtcbin))
      continue;
    g_print ("%s left (mid %s)\n", s->participant, s->mid);
    stream_finish (s);
  }
  if (!ev->mid) {
    Participant *p = g_hash_table_lookup (rec->participants, ev->participant);

    if (p && p->current && !p->current->started)
      recording_start (p->current);
  }
  return G_SOURCE_REMOVE;
}

static void
on_stream_added (GstE2eeJanusRoom * room, GstElement * webrtcbin,
    const gchar * mid, guint64 feed_id, const gchar * participant,
    const gchar * kind, gpointer user_data)
{
  RoomEvent *ev = g_new0 (RoomEvent, 1);

  ev->rec = user_data;
  ev->webrtcbin = gst_object_ref (webrtcbin);
  ev->mid = g_strdup (mid);
  ev->participant = g_strdup (participant);
  g_print ("stream-added %s mid %s feed %" G_GUINT64_FORMAT " %s %s at %.3f\n",
      GST_OBJECT_NAME (webrtcbin), mid, feed_id, participant, kind, now_s ());
  g_idle_add_full (G_PRIORITY_DEFAULT, stream_added_main, ev, room_event_free);
}

static void
on_stream_removed (GstE2eeJanusRoom * room, GstElement * webrtcbin,
    const gchar * mid, guint64 feed_id, const gchar * participant,
    gpointer user_data)
{
  RoomEvent *ev = g_new0 (RoomEvent, 1);

  ev->rec = user_data;
  ev->webrtcbin = gst_object_ref (webrtcbin);
  ev->mid = g_strdup (mid);
  ev->participant = g_strdup (participant);
  g_idle_add_full (G_PRIORITY_DEFAULT, stream_removed_main, ev,
      room_event_free);
}

static void
on_publisher_removed (GstE2eeJanusRoom * room, guint64 feed_id,
    const gchar * participant, gpointer user_data)
{
  RoomEvent *ev = g_new0 (RoomEvent, 1);

  ev->rec = user_data;
  ev->participant = g_strdup (participant);
  g_idle_add_full (G_PRIORITY_DEFAULT, stream_removed_main, ev,
      room_event_free);
}

static void
on_publisher_added (GstE2eeJanusRoom * room, guint64 feed_id,
    const gchar * participant, gpointer user_data)
{
  g_print ("publisher-added feed %" G_GUINT64_FORMAT " %s at %.3f\n",
      feed_id, participant, now_s ());
}

static gboolean
all_finished (Recorder * rec)
{
  guint i;

  for (i = 0; i < rec->recordings->len; i++) {
    Recording *r = g_ptr_array_index (rec->recordings, i);

    if (r->started && !r->finished)
      return FALSE;
  }
  return TRUE;
}

static void
recorder_check_done (Recorder * rec)
{
  if (rec->stopping && all_finished (rec))
    recorder_quit (rec, 0);
}

/* Every branch of the given pipeline (NULL: all) gets EOS. */
static void
finish_all (Recorder * rec, GstElement * pipeline)
{
  guint i;

  for (i = 0; i < rec->recordings->len; i++) {
    Recording *r = g_ptr_array_index (rec->recordings, i);

    if ((!pipeline || r->pipeline == pipeline) && !r->started && !r->finished)
      recording_start (r);
  }
  for (i = 0; i < rec->streams->len; i++) {
    Stream *s = g_ptr_array_index (rec->streams, i);

    if ((!pipeline || s->pipeline == pipeline) && s->src)
      stream_finish (s);
  }
}

static gboolean
on_bus_message (GstBus * bus, GstMessage * msg, gpointer user_data)
{
  GError *err = NULL;
  gchar *dbg = NULL;

  switch (GST_MESSAGE_TYPE (msg)) {
    case GST_MESSAGE_ERROR:
      gst_message_parse_error (msg, &err, &dbg);
      g_printerr ("error from %s: %s\n%s\n", GST_OBJECT_NAME (msg->src),
          err->message, dbg ? dbg : "");
      /* one muxer or branch failing must not lose the other files */
      break;
    case GST_MESSAGE_WARNING:
      gst_message_parse_warning (msg, &err, &dbg);
      g_printerr ("warning from %s: %s\n", GST_OBJECT_NAME (msg->src),
          err->message);
      break;
    default:
      break;
  }
  g_clear_error (&err);
  g_free (dbg);
  return G_SOURCE_CONTINUE;
}

/* a subscriber webrtcbin in @pipeline, not started: the network policy
 * and the pad-added handling of every subscriber webrtcbin of the bot */
static GstElement *
subscriber_webrtcbin_new (Recorder * rec, GstElement * pipeline,
    const gchar * name)
{
  GstElement *webrtcbin = gst_element_factory_make ("webrtcbin", name);

  bot_setup_webrtcbin (webrtcbin, &rec->opts);
  g_signal_connect (webrtcbin, "pad-added", G_CALLBACK (on_pad_added), rec);
  gst_bin_add (GST_BIN (pipeline), webrtcbin);
  return webrtcbin;
}

/* The room's thread: after a publisher left, the room subscribes the next
 * ones on a new subscriber handle, on a webrtcbin of ours (Janus 1.1.2
 * would reuse the leaver's inactive m-line, which webrtcbin 1.22 cannot
 * reactivate). It goes into the current pipeline, as the first one. */
static GstElement *
on_request_webrtcbin (GstE2eeJanusRoom * room, guint64 feed_id,
    const gchar * participant, gpointer user_data)
{
  Recorder *rec = user_data;
  GstElement *webrtcbin = NULL;

  g_mutex_lock (&rec->lock);
  if (rec->pipeline && !rec->stopping) {
    webrtcbin = subscriber_webrtcbin_new (rec, rec->pipeline, NULL);
    if (!gst_element_sync_state_with_parent (webrtcbin)) {
      gst_bin_remove (GST_BIN (rec->pipeline), webrtcbin);
      webrtcbin = NULL;
    }
  }
  g_mutex_unlock (&rec->lock);
  g_print ("new subscriber webrtcbin %s for %s (feed %" G_GUINT64_FORMAT
      ")\n", webrtcbin ? GST_OBJECT_NAME (webrtcbin) : "(none)", participant,
      feed_id);
  return webrtcbin;
}

static gboolean
release_webrtcbin_main (gpointer user_data)
{
  GstElement *webrtcbin = user_data;
  GstObject *parent = gst_object_get_parent (GST_OBJECT (webrtcbin));

  g_print ("subscriber webrtcbin %s released\n", GST_OBJECT_NAME (webrtcbin));
  gst_element_set_locked_state (webrtcbin, TRUE);
  gst_element_set_state (webrtcbin, GST_STATE_NULL);
  if (parent) {
    gst_bin_remove (GST_BIN (parent), webrtcbin);
    gst_object_unref (parent);
  }
  return G_SOURCE_REMOVE;
}

static void
on_release_webrtcbin (GstE2eeJanusRoom * room, GstElement * webrtcbin,
    gpointer user_data)
{
  g_idle_add_full (G_PRIORITY_DEFAULT, release_webrtcbin_main,
      gst_object_ref (webrtcbin), gst_object_unref);
}

static gboolean
joined_main (gpointer user_data)
{
  Recorder *rec = user_data;
  GstBus *bus;

  if (rec->stopping)
    return G_SOURCE_REMOVE;
  g_print ("joined room %" G_GINT64_FORMAT " as %s at %.3f\n",
      rec->opts.room, rec->opts.id, now_s ());
  g_mutex_lock (&rec->lock);
  if (rec->pipeline) {
    finish_all (rec, rec->pipeline);
    g_ptr_array_add (rec->old_pipelines, rec->pipeline);
    gst_clear_object (&rec->webrtcbin);
  }
  rec->pipeline = gst_pipeline_new (NULL);
  gst_object_ref_sink (rec->pipeline);
  rec->webrtcbin = gst_object_ref (subscriber_webrtcbin_new (rec,
          rec->pipeline, "webrtc"));
  g_mutex_unlock (&rec->lock);
  bus = gst_element_get_bus (rec->pipeline);
  gst_bus_add_watch (bus, on_bus_message, rec);
  gst_object_unref (bus);
  gst_element_set_state (rec->pipeline, GST_STATE_PLAYING);
  if (!gst_e2ee_janus_room_subscribe (rec->room, rec->webrtcbin))
    g_printerr ("subscribe refused: not joined (waiting for the next join)\n");
  return G_SOURCE_REMOVE;
}

static gboolean
disconnected_main (gpointer user_data)
{
  Recorder *rec = user_data;

  g_print ("disconnected from Janus: finishing the files, waiting to "
      "rejoin\n");
  if (rec->pipeline)
    finish_all (rec, rec->pipeline);
  return G_SOURCE_REMOVE;
}

static gboolean
on_stop_timeout (gpointer user_data)
{
  Recorder *rec = user_data;

  rec->stop_timeout = 0;
  g_printerr ("files not finished after %d ms: stopping anyway\n",
      STOP_WAIT_MS);
  recorder_quit (rec, 1);
  return G_SOURCE_REMOVE;
}

/* SIGINT, SIGTERM, --duration: EOS into every branch, wait (bounded) for
 * each file's EOS at its filesink, then quit. */
static void
recorder_begin_stop (Recorder * rec)
{
  if (rec->stopping)
    return;
  g_print ("stopping: finishing the files\n");
  g_mutex_lock (&rec->lock);
  rec->stopping = TRUE;
  g_mutex_unlock (&rec->lock);
  finish_all (rec, NULL);
  if (all_finished (rec))
    recorder_quit (rec, 0);
  else
    rec->stop_timeout = g_timeout_add (STOP_WAIT_MS, on_stop_timeout, rec);
}

static gboolean
on_unix_signal (gpointer user_data)
{
  recorder_begin_stop (user_data);
  return G_SOURCE_CONTINUE;
}

static gboolean
on_duration (gpointer user_data)
{
  recorder_begin_stop (user_data);
  return G_SOURCE_REMOVE;
}

static void
print_summary (Recorder * rec)
{
  guint i, j;

  for (i = 0; i < rec->recordings->len; i++) {
    Recording *r = g_ptr_array_index (rec->recordings, i);

    if (!r->path)
      continue;
    g_print ("summary %s file %s %s\n", r->participant, r->path,
        r->finished ? "finished" : "UNFINISHED");
    for (j = 0; j < r->streams->len; j++) {
      Stream *s = g_ptr_array_index (r->streams, j);

      g_print ("summary %s   %s mid %s: frames-decrypted=%" G_GUINT64_FORMAT
          " dropped=%" G_GUINT64_FORMAT "\n", r->participant,
          bot_codec_name (s->codec), s->mid,
          stats_get (s->dec, "frames-out"), stats_get (s->dec, "dropped"));
    }
  }
  for (i = 0; i < rec->streams->len; i++) {
    Stream *s = g_ptr_array_index (rec->streams, i);
    gchar *what;

    if (!s->dec)
      continue;
    what = g_strdup_printf ("e2eedec %s %s mid %s", s->participant,
        bot_codec_name (s->codec), s->mid);
    bot_print_stats (what, s->dec);
    g_free (what);
  }
}

int
main (int argc, char **argv)
{
  Recorder rec = { 0 };
  GOptionEntry entries[] = {
    {"output-dir", 'o', 0, G_OPTION_ARG_FILENAME, &rec.output_dir,
        "Folder for the files (made if missing)", "DIR"},
    {NULL}
  };
  GstStructure *st = NULL;
  gchar *line;
  guint i;

  if (!bot_options_parse (&rec.opts, "- record a Janus VideoRoom, decrypted, "
          "one file per participant",
          "Joins the room (keys over its TextRoom, olm), subscribes to every "
          "publisher, decrypts with e2eedec and writes PARTICIPANT-N.webm (VP8, "
          "VP9, Opus) or .mkv (H.264) without re-encoding; N counts the "
          "participant's joins. SIGINT/SIGTERM finish every file.\n\nExample:\n"
          "  gst-e2ee-janus-record --server http://127.0.0.1:8088/janus "
          "--room 1234 --id recorder --output-dir rec/", entries, &argc, &argv))
    return 2;
  if (!rec.output_dir) {
    g_printerr ("--output-dir is required\n");
    return 2;
  }
  if (g_mkdir_with_parents (rec.output_dir, 0755) < 0) {
    g_printerr ("cannot make %s\n", rec.output_dir);
    return 1;
  }

  rec.loop = g_main_loop_new (NULL, FALSE);
  g_mutex_init (&rec.lock);
  rec.participants = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
      (GDestroyNotify) participant_free);
  rec.recordings = g_ptr_array_new_with_free_func ((GDestroyNotify)
      recording_free);
  rec.streams = g_ptr_array_new_with_free_func ((GDestroyNotify) stream_free);
  rec.old_pipelines = g_ptr_array_new ();
  rec.km = bot_key_manager_new (&rec.opts);
  rec.room = gst_e2ee_janus_room_new (rec.opts.server, rec.opts.room, rec.km);
  bot_room_connect (rec.room, &rec.opts, joined_main, disconnected_main, &rec);
  g_signal_connect (rec.room, "stream-added", G_CALLBACK (on_stream_added),
      &rec);
  g_signal_connect (rec.room, "stream-removed",
      G_CALLBACK (on_stream_removed), &rec);
  g_signal_connect (rec.room, "request-webrtcbin",
      G_CALLBACK (on_request_webrtcbin), &rec);
  g_signal_connect (rec.room, "release-webrtcbin",
      G_CALLBACK (on_release_webrtcbin), &rec);
  g_signal_connect (rec.room, "publisher-added",
      G_CALLBACK (on_publisher_added), &rec);
  g_signal_connect (rec.room, "publisher-removed",
      G_CALLBACK (on_publisher_removed), &rec);
  g_unix_signal_add (SIGINT, on_unix_signal, &rec);
  g_unix_signal_add (SIGTERM, on_unix_signal, &rec);
  if (rec.opts.duration > 0)
    g_timeout_add_seconds (rec.opts.duration, on_duration, &rec);

  gst_e2ee_janus_room_start (rec.room);
  g_main_loop_run (rec.loop);

  print_summary (&rec);
  /* the room goes before the pipelines: no more pads or events then */
  gst_e2ee_janus_room_stop (rec.room);
  if (rec.stop_timeout)
    g_source_remove (rec.stop_timeout);
  g_ptr_array_add (rec.old_pipelines, rec.pipeline);
  for (i = 0; i < rec.old_pipelines->len; i++) {
    GstElement *pipeline = g_ptr_array_index (rec.old_pipelines, i);

    if (!pipeline)
      continue;
    gst_element_set_state (pipeline, GST_STATE_NULL);
    gst_object_unref (pipeline);
  }
  g_object_get (rec.room, "stats", &st, NULL);
  if (st) {
    line = bot_structure_to_line (st);
    g_print ("stats room: %s\n", line);
    g_free (line);
    gst_structure_free (st);
  }
  g_object_get (rec.km, "stats", &st, NULL);
  if (st) {
    line = bot_structure_to_line (st);
    g_print ("stats key-manager: %s\n", line);
    g_free (line);
    gst_structure_free (st);
  }
  g_ptr_array_free (rec.recordings, TRUE);
  g_ptr_array_free (rec.streams, TRUE);
  g_ptr_array_free (rec.old_pipelines, TRUE);
  g_hash_table_destroy (rec.participants);
  gst_clear_object (&rec.webrtcbin);
  gst_object_unref (rec.room);
  gst_object_unref (rec.km);
  g_main_loop_unref (rec.loop);
  g_mutex_clear (&rec.lock);
  g_free (rec.output_dir);
  bot_options_clear (&rec.opts);
  return rec.exit_code;
}
