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

/* Soak: a call with a fixed set of senders and participants that join and
 * leave without pause, for E2EE_SOAK_SECONDS (default 90, 20 under ASan).
 *
 * Each participant has a key manager (all connected by the harness's router
 * on the application transport, km-harness.h) and one appsrc ! e2eedec ! appsink pipeline
 * per sender; each sender an appsrc ! e2eeenc ! appsink pipeline fed with
 * numbered frames (50 per second), whose output the test routes to every
 * present receiver of that sender. Afterwards:
 *
 * - every receiver decrypted every frame of every sender from the first one
 *   it could decrypt (when its key arrived) to the last one routed to it:
 *   joins (ratchets) and leaves (new keys) of others lose nothing;
 * - the managers are back to the fixed senders: participants and olm
 *   sessions, no key waiting for acknowledgements;
 * - every manager and pipeline of a departed participant was finalized;
 * - memory in use (mallinfo2, or ASan's allocator) and the number of file
 *   descriptors are back to what they were after a warm-up, within
 *   SOAK_MEMORY_TOLERANCE.
 *
 * Waits are on conditions with generous deadlines, never on tight timings,
 * so a loaded machine makes the test slower, not flaky. E2EE_SOAK_SEED
 * changes the (otherwise fixed) sequence of joins and leaves. */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <gst/app/app.h>
#include <gst/e2ee/keymanager/gste2eekeymanager-test.h>

#include "km-harness.h"
#include <malloc.h>
#include <string.h>
#include <unistd.h>

#include "e2ee-asan.h"

#ifdef E2EE_ASAN
/* the ASan runtime's (sanitizer/allocator_interface.h, not always there) */
size_t __sanitizer_get_current_allocated_bytes (void);
#define DEFAULT_SECONDS 20
#else
#define DEFAULT_SECONDS 90
#endif

#define N_SENDERS 2
#define MAX_CHURNERS 3
#define FRAME_MS 20
#define FRAME_SIZE 120
/* Memory in use may differ by this much between the warm-up and the end:
 * GLib and GStreamer keep a few things per thread they have seen (the
 * task pool's idle threads, GType and GQuark tables), whose number is not
 * exactly the same at both points. A participant's manager, pipeline and
 * olm sessions weigh more than 300 KiB, and the churn makes dozens of them:
 * leaking even a small part of each shows here. */
#define SOAK_MEMORY_TOLERANCE (1024 * 1024)
#define DEADLINE_S 60

/* ------------------------------------------------------------------ */

/* One receiver of one sender: appsrc ! e2eedec ! appsink */
typedef struct
{
  guint sender;
  gchar *owner;
  GstElement *pipeline, *src;
  gboolean eos;
  /* under soak.lock */
  gboolean have_delivered;
  guint64 first_delivered, last_delivered;
  /* per frame since first_delivered: 1 delivered, 2 decrypted */
  GByteArray *frames;
  gboolean have_ok;
  guint64 first_ok;
  guint64 decrypted;
  guint64 bad;
} Rx;

typedef struct
{
  gchar *id;
  GstE2eeKeyManager *manager;
  GPtrArray *rx;
  /* a sender only */
  GstElement *pipeline, *src;
  guint64 next_seq;
} Party;

typedef struct
{
  GMutex lock;
  GCond cond;
  /* under lock: who takes part, and who receives what */
  GPtrArray *parties;
  GPtrArray *rx;
  Party *senders[N_SENDERS];
  gboolean paused;
  gboolean stop;
  /* frames the senders' encryptors let through */
  guint64 encrypted[N_SENDERS];
  gint finalized;
  gint errors;
  GThread *clock;
  GRand *rand;
  guint next_id;
  guint joins, leaves;
  guint64 checked_frames;
  GString *missing;
} Soak;

static Soak soak;

static guint64
monotonic_s (void)
{
  return g_get_monotonic_time () / G_USEC_PER_SEC;
}

static void
on_finalized (gpointer data, GObject * where)
{
  g_atomic_int_inc (&soak.finalized);
}

/* A manager on the harness's router; the party holds a reference of its
 * own, so that it goes only after its pipelines. */
static GstE2eeKeyManager *
new_manager (const gchar * id)
{
  GstE2eeKeyManager *m = gst_object_ref (km_party (id));

  /* short debounce for more churn; a switch timeout that a loaded machine
   * does not reach, so a new key is only used once everyone has it */
  g_object_set (m, "debounce", 100, "key-switch-timeout", 10000, NULL);
  g_object_weak_ref (G_OBJECT (m), on_finalized, NULL);
  return m;
}

/* frame n of sender s: TOC byte, s, n, filler */
static GstBuffer *
make_frame (guint s, guint64 seq)
{
  GstBuffer *buf = gst_buffer_new_allocate (NULL, FRAME_SIZE, NULL);
  GstMapInfo map;
  guint64 be;
  guint i;

  gst_buffer_map (buf, &map, GST_MAP_WRITE);
  map.data[0] = 0x78;
  map.data[1] = (guint8) s;
  be = GUINT64_TO_BE (seq);
  memcpy (map.data + 2, &be, sizeof (be));
  for (i = 10; i < FRAME_SIZE; i++)
    map.data[i] = (guint8) (seq * 31 + i + s);
  gst_buffer_unmap (buf, &map);
  GST_BUFFER_PTS (buf) = seq * FRAME_MS * GST_MSECOND;
  GST_BUFFER_DURATION (buf) = FRAME_MS * GST_MSECOND;
  return buf;
}

static guint64
seq_of (GstBuffer * buf)
{
  return GST_BUFFER_PTS (buf) / (FRAME_MS * GST_MSECOND);
}

/* An encrypted frame from sender s: to each of its present receivers. */
static GstFlowReturn
on_encrypted (GstAppSink * sink, gpointer user_data)
{
  guint s = GPOINTER_TO_UINT (user_data);
  GstSample *sample = gst_app_sink_pull_sample (sink);
  GstBuffer *buf = gst_sample_get_buffer (sample);
  guint64 seq = seq_of (buf);
  guint i;

  g_mutex_lock (&soak.lock);
  soak.encrypted[s]++;
  for (i = 0; i < soak.rx->len; i++) {
    Rx *rx = g_ptr_array_index (soak.rx, i);
    guint8 one = 1;

    if (rx->sender != s)
      continue;
    if (!rx->have_delivered) {
      rx->have_delivered = TRUE;
      rx->first_delivered = seq;
    }
    while (rx->first_delivered + rx->frames->len < seq) {
      guint8 zero = 0;

      g_byte_array_append (rx->frames, &zero, 1);
    }
    g_byte_array_append (rx->frames, &one, 1);
    rx->last_delivered = seq;
    gst_app_src_push_buffer (GST_APP_SRC (rx->src), gst_buffer_ref (buf));
  }
  g_mutex_unlock (&soak.lock);
  gst_sample_unref (sample);
  return GST_FLOW_OK;
}

static GstFlowReturn
on_decrypted (GstAppSink * sink, gpointer user_data)
{
  Rx *rx = user_data;
  GstSample *sample = gst_app_sink_pull_sample (sink);
  GstBuffer *buf = gst_sample_get_buffer (sample);
  guint64 seq = seq_of (buf);
  GstBuffer *want = make_frame (rx->sender, seq);
  gboolean same;
  GstMapInfo map;

  gst_buffer_map (want, &map, GST_MAP_READ);
  same = gst_buffer_get_size (buf) == map.size
      && gst_buffer_memcmp (buf, 0, map.data, map.size) == 0;
  gst_buffer_unmap (want, &map);
  gst_buffer_unref (want);

  g_mutex_lock (&soak.lock);
  if (!same || seq < rx->first_delivered
      || seq - rx->first_delivered >= rx->frames->len) {
    rx->bad++;
  } else {
    rx->frames->data[seq - rx->first_delivered] |= 2;
    rx->decrypted++;
    if (!rx->have_ok) {
      rx->have_ok = TRUE;
      rx->first_ok = seq;
    }
  }
  g_cond_broadcast (&soak.cond);
  g_mutex_unlock (&soak.lock);
  gst_sample_unref (sample);
  return GST_FLOW_OK;
}

static void
on_rx_eos (GstAppSink * sink, gpointer user_data)
{
  Rx *rx = user_data;

  g_mutex_lock (&soak.lock);
  rx->eos = TRUE;
  g_cond_broadcast (&soak.cond);
  g_mutex_unlock (&soak.lock);
}

static GstBusSyncReply
on_bus (GstBus * bus, GstMessage * msg, gpointer user_data)
{
  if (GST_MESSAGE_TYPE (msg) == GST_MESSAGE_ERROR) {
    GError *err;
    gchar *dbg;

    gst_message_parse_error (msg, &err, &dbg);
    g_printerr ("error from %s: %s (%s)\n", GST_MESSAGE_SRC_NAME (msg),
        err->message, dbg);
    g_error_free (err);
    g_free (dbg);
    g_atomic_int_inc (&soak.errors);
  }
  /* a sync handler that drops a message owns it */
  gst_message_unref (msg);
  return GST_BUS_DROP;
}

static GstElement *
launch (const gchar * desc, const gchar * name)
{
  GstElement *pipeline = gst_parse_launch (desc, NULL);
  GstBus *bus;

  fail_unless (pipeline != NULL);
  gst_object_set_name (GST_OBJECT (pipeline), name);
  bus = gst_element_get_bus (pipeline);
  gst_bus_set_sync_handler (bus, on_bus, NULL, NULL);
  gst_object_unref (bus);
  g_object_weak_ref (G_OBJECT (pipeline), on_finalized, NULL);
  return pipeline;
}

static Rx *
rx_new (Party * owner, guint sender)
{
  GstAppSinkCallbacks cb = { on_rx_eos, NULL, on_decrypted, };
  Rx *rx = g_new0 (Rx, 1);
  gchar *name = g_strdup_printf ("%s-from-s%u", owner->id, sender);
  GstElement *dec, *sink;

  rx->sender = sender;
  rx->owner = g_strdup (owner->id);
  rx->frames = g_byte_array_new ();
  rx->pipeline = launch ("appsrc name=src format=time caps=\"" KM_OPUS_CAPS
      "\" ! e2eedec name=dec ! appsink name=sink sync=false async=false", name);
  g_free (name);
  rx->src = gst_bin_get_by_name (GST_BIN (rx->pipeline), "src");
  g_object_set (rx->src, "max-bytes", (guint64) 0, NULL);
  dec = gst_bin_get_by_name (GST_BIN (rx->pipeline), "dec");
  name = g_strdup_printf ("s%u", sender);
  g_object_set (dec, "key-manager", owner->manager, "participant", name, NULL);
  g_free (name);
  gst_object_unref (dec);
  sink = gst_bin_get_by_name (GST_BIN (rx->pipeline), "sink");
  gst_app_sink_set_callbacks (GST_APP_SINK (sink), &cb, rx, NULL);
  gst_object_unref (sink);
  fail_unless (gst_element_set_state (rx->pipeline, GST_STATE_PLAYING) !=
      GST_STATE_CHANGE_FAILURE);
  return rx;
}

/* Stops routing to @rx, lets it decrypt what it got, and checks that it
 * decrypted every frame from its first good one. */
static void
rx_finish (Rx * rx)
{
  gint64 deadline = g_get_monotonic_time () + DEADLINE_S * G_USEC_PER_SEC;
  guint64 i, missing = 0, expected = 0;

  g_mutex_lock (&soak.lock);
  g_ptr_array_remove (soak.rx, rx);
  g_mutex_unlock (&soak.lock);
  gst_app_src_end_of_stream (GST_APP_SRC (rx->src));
  g_mutex_lock (&soak.lock);
  while (!rx->eos)
    fail_unless (g_cond_wait_until (&soak.cond, &soak.lock, deadline),
        "%s: no EOS from s%u's decryptor", rx->owner, rx->sender);

  fail_unless (rx->have_ok, "%s never decrypted a frame of s%u (%u routed)",
      rx->owner, rx->sender, rx->frames->len);
  fail_unless_equals_uint64 (rx->bad, 0);
  for (i = rx->first_ok - rx->first_delivered; i < rx->frames->len; i++) {
    if (!(rx->frames->data[i] & 1))
      continue;
    expected++;
    if (!(rx->frames->data[i] & 2)) {
      if (missing < 10)
        g_string_append_printf (soak.missing, "%s lost frame %" G_GUINT64_FORMAT
            " of s%u (it decrypts from %" G_GUINT64_FORMAT ")\n", rx->owner,
            rx->first_delivered + i, rx->sender, rx->first_ok);
      missing++;
    }
  }
  if (missing >= 10)
    g_string_append_printf (soak.missing, "%s lost %" G_GUINT64_FORMAT
        " frames of s%u in all\n", rx->owner, missing, rx->sender);
  soak.checked_frames += expected;
  g_mutex_unlock (&soak.lock);

  gst_element_set_state (rx->pipeline, GST_STATE_NULL);
  gst_object_unref (rx->src);
  gst_object_unref (rx->pipeline);
  g_byte_array_unref (rx->frames);
  g_free (rx->owner);
  g_free (rx);
}

/* The frame clock: every sender sends a frame every FRAME_MS. */
static gpointer
clock_thread (gpointer data)
{
  gint64 next = g_get_monotonic_time ();

  g_mutex_lock (&soak.lock);
  while (!soak.stop) {
    if (!soak.paused) {
      guint s;

      for (s = 0; s < N_SENDERS; s++) {
        Party *p = soak.senders[s];

        gst_app_src_push_buffer (GST_APP_SRC (p->src),
            make_frame (s, p->next_seq++));
      }
    }
    next += FRAME_MS * 1000;
    /* late on a loaded machine: go on from now, not in a burst */
    if (next < g_get_monotonic_time ())
      next = g_get_monotonic_time ();
    /* soak.cond also tells of decrypted frames: wait for the time */
    while (!soak.stop && g_get_monotonic_time () < next)
      g_cond_wait_until (&soak.cond, &soak.lock, next);
  }
  g_mutex_unlock (&soak.lock);
  return NULL;
}

static Party *
party_new (const gchar * id)
{
  Party *p = g_new0 (Party, 1);

  p->id = g_strdup (id);
  p->manager = new_manager (id);
  p->rx = g_ptr_array_new ();
  return p;
}

/* @p joins: it receives every sender (but itself), and says hello */
static void
join (Party * p)
{
  guint s, i;

  for (s = 0; s < N_SENDERS; s++)
    if (soak.senders[s] != p)
      g_ptr_array_add (p->rx, rx_new (p, s));
  g_mutex_lock (&soak.lock);
  g_ptr_array_add (soak.parties, p);
  for (i = 0; i < p->rx->len; i++)
    g_ptr_array_add (soak.rx, g_ptr_array_index (p->rx, i));
  g_mutex_unlock (&soak.lock);
  km_join (p->manager);
}

/* Waits until each receiver of @rxs decrypted at least @n more frames */
static void
wait_decrypting (GPtrArray * rxs, guint n)
{
  gint64 deadline = g_get_monotonic_time () + DEADLINE_S * G_USEC_PER_SEC;
  guint64 *target;
  guint i;

  g_mutex_lock (&soak.lock);
  target = g_new (guint64, rxs->len);
  for (i = 0; i < rxs->len; i++)
    target[i] = ((Rx *) g_ptr_array_index (rxs, i))->decrypted + n;
  for (i = 0; i < rxs->len; i++) {
    Rx *rx = g_ptr_array_index (rxs, i);

    while (rx->decrypted < target[i])
      fail_unless (g_cond_wait_until (&soak.cond, &soak.lock, deadline),
          "%s decrypts no frames of s%u (%" G_GUINT64_FORMAT " so far)",
          rx->owner, rx->sender, rx->decrypted);
  }
  g_free (target);
  g_mutex_unlock (&soak.lock);
}

/* @p leaves: out of the router, removed by everyone, torn down. It stays
 * until it got the keys of every sender (its receivers decrypt), so that
 * every participant is seen to get keys. */
static void
leave (Party * p)
{
  guint i;

  wait_decrypting (p->rx, 1);

  g_mutex_lock (&soak.lock);
  g_ptr_array_remove (soak.parties, p);
  g_mutex_unlock (&soak.lock);
  km_leave (p->manager);
  for (i = 0; i < soak.parties->len; i++)
    gst_e2ee_key_manager_remove_participant (((Party *)
            g_ptr_array_index (soak.parties, i))->manager, p->id);
  for (i = 0; i < p->rx->len; i++)
    rx_finish (g_ptr_array_index (p->rx, i));
  g_ptr_array_unref (p->rx);
  if (p->pipeline) {
    gst_element_set_state (p->pipeline, GST_STATE_NULL);
    gst_object_unref (p->src);
    gst_object_unref (p->pipeline);
  }
  /* the last reference must be ours: a manager whose last reference goes
   * on its own thread (a signal emission holds one) cannot join that
   * thread. Out of the router it emits nothing to us; the flush waits for
   * a handler still running. */
  gst_e2ee_key_manager_flush (p->manager);
  gst_object_unref (p->manager);
  g_free (p->id);
  g_free (p);
}

static Party *
sender_new (guint s)
{
  GstAppSinkCallbacks cb = { NULL, NULL, on_encrypted, };
  gchar *id = g_strdup_printf ("s%u", s);
  Party *p = party_new (id);
  GstElement *enc, *sink;

  p->pipeline = launch ("appsrc name=src format=time caps=\"" KM_OPUS_CAPS
      "\" ! e2eeenc name=enc ! appsink name=sink sync=false async=false", id);
  g_free (id);
  p->src = gst_bin_get_by_name (GST_BIN (p->pipeline), "src");
  g_object_set (p->src, "max-bytes", (guint64) 0, NULL);
  enc = gst_bin_get_by_name (GST_BIN (p->pipeline), "enc");
  g_object_set (enc, "key-manager", p->manager, NULL);
  gst_object_unref (enc);
  sink = gst_bin_get_by_name (GST_BIN (p->pipeline), "sink");
  gst_app_sink_set_callbacks (GST_APP_SINK (sink), &cb, GUINT_TO_POINTER (s),
      NULL);
  gst_object_unref (sink);
  fail_unless (gst_element_set_state (p->pipeline, GST_STATE_PLAYING) !=
      GST_STATE_CHANGE_FAILURE);
  return p;
}

/* Every receiver present decrypted @n more frames (keys have settled). */
static void
wait_all_decrypting (guint n)
{
  wait_decrypting (soak.rx, n);
}

/* Every receiver present decrypted the last frame routed to it */
static void
wait_drained (void)
{
  gint64 deadline = g_get_monotonic_time () + DEADLINE_S * G_USEC_PER_SEC;
  guint i;

  g_mutex_lock (&soak.lock);
  for (i = 0; i < soak.rx->len; i++) {
    Rx *rx = g_ptr_array_index (soak.rx, i);

    while (!(rx->frames->len && rx->frames->data[rx->frames->len - 1] & 2))
      fail_unless (g_cond_wait_until (&soak.cond, &soak.lock, deadline),
          "%s does not decrypt s%u's last frame", rx->owner, rx->sender);
  }
  g_mutex_unlock (&soak.lock);
}

/* participants and olm sessions @m holds, and keys waiting for
 * acknowledgements */
static void
count_sessions (GstE2eeKeyManager * m, guint * participants, guint * sessions,
    guint * awaiting)
{
  *participants = km_stat (m, "participants");
  *sessions = gst_e2ee_key_manager_test_count_sessions (m);
  *awaiting = gst_e2ee_key_manager_test_count_keys_awaiting_ack (m);
}

/* Only the senders left: each holds one participant and one session per
 * other sender, and no new key waits. */
static void
wait_only_senders (void)
{
  gint64 deadline = g_get_monotonic_time () + DEADLINE_S * G_USEC_PER_SEC;
  guint s, participants = 0, sessions = 0, awaiting = 0;

  for (s = 0; s < N_SENDERS; s++) {
    while (TRUE) {
      km_flush_all ();
      count_sessions (soak.senders[s]->manager, &participants, &sessions,
          &awaiting);
      if ((participants == N_SENDERS - 1 && sessions == N_SENDERS - 1
              && awaiting == 0) || g_get_monotonic_time () > deadline)
        break;
      g_usleep (50 * 1000);
    }
    fail_unless (participants == N_SENDERS - 1 && sessions == N_SENDERS - 1
        && awaiting == 0, "s%u still has %u participants, %u olm sessions, "
        "%u keys waiting for acknowledgement", s, participants, sessions,
        awaiting);
  }
}

static guint
count_fds (void)
{
  GDir *dir = g_dir_open ("/proc/self/fd", 0, NULL);
  guint n = 0;

  fail_unless (dir != NULL);
  while (g_dir_read_name (dir))
    n++;
  g_dir_close (dir);
  return n;
}

static gsize
memory_in_use (void)
{
#ifdef E2EE_ASAN
  return __sanitizer_get_current_allocated_bytes ();
#else
  return mallinfo2 ().uordblks;
#endif
}

/* The call with only its senders, quiet: frames paused and drained, the
 * managers idle. Returns the memory in use. */
static gsize
quiesce (guint * fds)
{
  gint64 deadline = g_get_monotonic_time () + DEADLINE_S * G_USEC_PER_SEC;
  gsize a, b;

  wait_only_senders ();
  g_mutex_lock (&soak.lock);
  soak.paused = TRUE;
  g_mutex_unlock (&soak.lock);
  /* what was sent before the pause is decrypted */
  g_usleep (200 * 1000);
  wait_drained ();
  km_flush_all ();
  /* the same figure twice in a row: nothing is still settling */
  b = memory_in_use ();
  do {
    fail_unless (g_get_monotonic_time () < deadline, "memory keeps moving");
    a = b;
    g_usleep (300 * 1000);
    km_flush_all ();
    b = memory_in_use ();
  } while (a != b && (a > b ? a - b : b - a) > 4096);
  *fds = count_fds ();
  g_mutex_lock (&soak.lock);
  soak.paused = FALSE;
  g_cond_broadcast (&soak.cond);
  g_mutex_unlock (&soak.lock);
  return b;
}

/* One step of churn: a newcomer joins, or the oldest participant leaves. */
static void
churn (GQueue * churners)
{
  gboolean join_one = g_queue_get_length (churners) == 0
      || (g_queue_get_length (churners) < MAX_CHURNERS
      && g_rand_boolean (soak.rand));

  if (join_one) {
    gchar *id = g_strdup_printf ("p%u", soak.next_id++);
    Party *p = party_new (id);

    g_free (id);
    join (p);
    g_queue_push_tail (churners, p);
    soak.joins++;
  } else {
    leave (g_queue_pop_head (churners));
    soak.leaves++;
  }
  /* some frames flow between changes, sometimes none */
  g_usleep (g_rand_int_range (soak.rand, 0, 400) * 1000);
}

static void
churn_until_empty (GQueue * churners)
{
  while (!g_queue_is_empty (churners)) {
    leave (g_queue_pop_head (churners));
    soak.leaves++;
  }
}

GST_START_TEST (test_churn)
{
  const gchar *env = g_getenv ("E2EE_SOAK_SECONDS");
  const gchar *seed = g_getenv ("E2EE_SOAK_SEED");
  guint seconds = env ? (guint) g_ascii_strtoull (env, NULL, 10) : 0;
  GQueue churners = G_QUEUE_INIT;
  gsize mem_start, mem_end;
  guint fds_start, fds_end, s, round;
  guint64 end;
  gint created;

  if (!seconds)
    seconds = DEFAULT_SECONDS;
  g_mutex_init (&soak.lock);
  g_cond_init (&soak.cond);
  soak.parties = g_ptr_array_new ();
  soak.rx = g_ptr_array_new ();
  soak.missing = g_string_new (NULL);
  soak.rand = g_rand_new_with_seed (seed ? atoi (seed) : 1);

  /* the senders, each receiving the others */
  for (s = 0; s < N_SENDERS; s++)
    soak.senders[s] = sender_new (s);
  for (s = 0; s < N_SENDERS; s++)
    join (soak.senders[s]);
  soak.clock = g_thread_new ("soak-clock", clock_thread, NULL);
  wait_all_decrypting (10);

  /* warm-up: a few joins and leaves make every type, category, pool and
   * cache the churn needs */
  for (round = 0; round < 2; round++) {
    churn (&churners);
    wait_all_decrypting (5);
    churn (&churners);
  }
  churn_until_empty (&churners);
  mem_start = quiesce (&fds_start);

  end = monotonic_s () + seconds;
  while (monotonic_s () < end) {
    churn (&churners);
    /* now and then, the call settles: everyone present decrypts again */
    if (g_rand_int_range (soak.rand, 0, 4) == 0)
      wait_all_decrypting (3);
  }
  churn_until_empty (&churners);
  mem_end = quiesce (&fds_end);

  /* the senders stop, and their receivers are checked too */
  g_mutex_lock (&soak.lock);
  soak.stop = TRUE;
  g_cond_broadcast (&soak.cond);
  g_mutex_unlock (&soak.lock);
  g_thread_join (soak.clock);
  for (s = 0; s < N_SENDERS; s++) {
    Party *p = soak.senders[s];
    guint i;

    for (i = 0; i < p->rx->len; i++)
      rx_finish (g_ptr_array_index (p->rx, i));
    g_ptr_array_set_size (p->rx, 0);
  }

  g_print ("soak: %u s, %u joins, %u leaves, %" G_GUINT64_FORMAT
      " frames checked; memory in use %" G_GSIZE_FORMAT " -> %"
      G_GSIZE_FORMAT " bytes; %u -> %u file descriptors\n", seconds,
      soak.joins, soak.leaves, soak.checked_frames, mem_start, mem_end,
      fds_start, fds_end);

  fail_unless (soak.missing->len == 0, "frames lost:\n%s", soak.missing->str);
  fail_unless (soak.leaves >= 4, "too little churn: %u leaves", soak.leaves);
  /* every participant's manager and pipelines were finalized, and the
   * senders' receiving pipelines just now */
  created = (gint) soak.next_id * (1 + N_SENDERS) + N_SENDERS * (N_SENDERS - 1);
  fail_unless_equals_int (g_atomic_int_get (&soak.finalized), created);
  fail_unless (mem_end <= mem_start + SOAK_MEMORY_TOLERANCE,
      "memory in use grew by %" G_GSIZE_FORMAT " bytes over %u joins and "
      "leaves", mem_end - mem_start, soak.joins + soak.leaves);
  fail_unless_equals_int (fds_end, fds_start);
  fail_unless_equals_int (g_atomic_int_get (&soak.errors), 0);

  /* the end of the call */
  while (soak.parties->len)
    leave (g_ptr_array_index (soak.parties, 0));
  g_ptr_array_unref (soak.parties);
  g_ptr_array_unref (soak.rx);
  g_string_free (soak.missing, TRUE);
  g_rand_free (soak.rand);
  km_router_reset ();
}

GST_END_TEST;

static Suite *
soak_suite (void)
{
  Suite *s = suite_create ("e2ee-soak");
  TCase *tc = tcase_create ("general");
  const gchar *env = g_getenv ("E2EE_SOAK_SECONDS");
  guint seconds = env ? (guint) g_ascii_strtoull (env, NULL, 10) : 0;

  suite_add_tcase (s, tc);
  tcase_set_timeout (tc, (seconds ? seconds : DEFAULT_SECONDS) * 2 + 180);
  tcase_add_test (tc, test_churn);
  return s;
}

int
main (int argc, char **argv)
{
  /* GLib's slice allocator caches per thread: with threads coming and
   * going, memory in use would wander. Plain malloc () measures exactly. */
  if (g_strcmp0 (g_getenv ("G_SLICE"), "always-malloc") != 0) {
    g_setenv ("G_SLICE", "always-malloc", TRUE);
    execv ("/proc/self/exe", argv);
    g_error ("could not re-execute with G_SLICE=always-malloc");
  }
  gst_check_init (&argc, &argv);
  return gst_check_run_suite (soak_suite (), "soak", __FILE__);
}
