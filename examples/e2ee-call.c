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
 * e2ee-call: an end-to-end encrypted call of N parties on loopback, with
 * keys exchanged over olm, in one process.
 *
 * Each party is a pipeline with a webrtcbin towards every other party (a
 * full mesh, as a media router would relay it) and a key manager that
 * carries the olm protocol over the webrtcbins' e2ee data channels. The
 * managers admit only the parties they were told of (auto-admit=false).
 *
 *  1. The first N-1 parties admit each other: they get olm sessions and
 *     each other's keys, and decrypt each other's VP8.
 *  2. The last party is in the media path (it gets everyone's RTP over its
 *     webrtcbins) but nobody admitted it: no session, no key. Its e2eedec
 *     passes what it cannot decrypt on (on-failure=passthrough) to vp8dec,
 *     whose picture of alice's video is rubbish: eavesdropper.png.
 *  3. The others admit it: they ratchet their keys (so it cannot open what
 *     they sent before) and give it the ratcheted keys; it decodes alice's
 *     picture: admitted.png.
 *  4. One party leaves: the others switch to new keys (index 1) that it
 *     never gets; its receivers, still fed, decrypt none of the new frames.
 *
 * Every frame any e2eedec decrypts is checked, byte for byte, against the
 * frames the remote e2eeenc got. It prints the stats of every manager,
 * e2eeenc and e2eedec and ends with one SUMMARY line; the exit status is
 * non-zero if anything went wrong. Run it where nothing can reach the
 * network (tools/demo.sh runs it in a network namespace of its own):
 *   meson devenv -C build -w . build/examples/e2ee-call
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <math.h>
#include <stdlib.h>

#include <glib/gstdio.h>
#include <gst/gst.h>

#include "e2ee-call-common.h"
#include "e2ee-picture.h"

#define WIDTH 320
#define HEIGHT 240
#define FRAMERATE 15
/* the eavesdropper watches alice, who sends this */
#define WATCHED_PATTERN "smpte"
#define SETUP_TIMEOUT_MS 30000
/* how much longer to wait for the eavesdropper's first picture: libvpx
 * takes an encrypted key frame only now and then */
#define EXTRA_MS 20000
#define MIN_ADMITTED_PSNR 30.0
#define MAX_EAVESDROPPER_PSNR 20.0

static const gchar *names[] = {
  "alice", "bob", "carol", "dave", "erin", "frank", "grace", "heidi"
};

static const gchar *patterns[] = {
  WATCHED_PATTERN, "ball", "pinwheel", "gamut", "spokes", "colors",
  "zone-plate", "checkers-8"
};

static const gchar *picture_files[] = { "eavesdropper.png", "admitted.png" };

static gint n_parties = 4;
static gint seconds = 3;
static gchar *output_dir = NULL;

static GOptionEntry options[] = {
  {"parties", 'n', 0, G_OPTION_ARG_INT, &n_parties,
      "How many parties, 3 to 8 (default 4)", "N"},
  {"seconds", 's', 0, G_OPTION_ARG_INT, &seconds,
      "How long each part of the call lasts at least (default 3)", "S"},
  {"output", 'o', 0, G_OPTION_ARG_FILENAME, &output_dir,
      "Where to write the pictures (default demo-out)", "DIR"},
  {NULL}
};

typedef struct
{
  E2eeCall *call;
  E2eeCallParty *party;
  E2eeCallLink *link;
  guint64 min;
  gint64 not_before;
  guint pictures;
  GstSample *reference;
  GstSample *picture;
  gdouble psnr;
  /* E2eeCallLink -> frames it had matched */
  GHashTable *base;
} Wait;

static gboolean
passed (Wait * w)
{
  return g_get_monotonic_time () >= w->not_before;
}

/* the parties in w->party's group (all if NULL) have w->min sessions */
static gboolean
sessions_up (gpointer data)
{
  Wait *w = data;
  guint i;

  for (i = 0; i < w->call->parties->len; i++) {
    E2eeCallParty *p = g_ptr_array_index (w->call->parties, i);

    if (p != w->party && !p->gone
        && e2ee_call_stat (p->manager, "sessions") < w->min)
      return FALSE;
  }
  return TRUE;
}

/* every receiver of the call, but w->party's and those of its media, has
 * decrypted w->min frames */
static gboolean
links_matched (gpointer data)
{
  Wait *w = data;
  guint i, j;

  for (i = 0; i < w->call->parties->len; i++) {
    E2eeCallParty *p = g_ptr_array_index (w->call->parties, i);

    for (j = 0; j < p->links->len; j++) {
      E2eeCallLink *l = g_ptr_array_index (p->links, j);

      if (p->gone || l->remote->gone || p == w->party || l->remote == w->party)
        continue;
      if (e2ee_call_link_get (l, &l->matched) < w->min)
        return FALSE;
    }
  }
  return TRUE;
}

/* each of w->party's receivers has decrypted w->min frames */
static gboolean
party_matched (gpointer data)
{
  Wait *w = data;
  guint j;

  for (j = 0; j < w->party->links->len; j++) {
    E2eeCallLink *l = g_ptr_array_index (w->party->links, j);

    if (!l->remote->gone && e2ee_call_link_get (l, &l->matched) < w->min)
      return FALSE;
  }
  return TRUE;
}

/* the eavesdropper's decoder made a picture, and the time is up */
static gboolean
eavesdropped (gpointer data)
{
  Wait *w = data;
  guint pictures = 0;
  GstSample *s = e2ee_call_link_dup_picture (w->link, &pictures);

  if (s)
    gst_sample_unref (s);
  return pictures > 0 && passed (w);
}

/* after two key frames decrypted, a picture of the pattern */
static gboolean
decoded_pattern (gpointer data)
{
  Wait *w = data;
  guint pictures = 0;
  GstSample *s;

  if (e2ee_call_link_get (w->link, &w->link->matched_key_frames) < 2
      || !passed (w))
    return FALSE;
  s = e2ee_call_link_dup_picture (w->link, &pictures);
  if (!s)
    return FALSE;
  if (pictures == w->pictures) {
    gst_sample_unref (s);
    return FALSE;
  }
  w->pictures = pictures;
  w->psnr = e2ee_picture_psnr (s, w->reference);
  if (isnan (w->psnr) || w->psnr < MIN_ADMITTED_PSNR) {
    gst_sample_unref (s);
    return FALSE;
  }
  w->picture = s;
  return TRUE;
}

/* every receiver of the call, but w->party's and those of its media, has
 * decrypted w->min frames more than it had in w->base */
static gboolean
links_progressed (gpointer data)
{
  Wait *w = data;
  guint i, j;

  for (i = 0; i < w->call->parties->len; i++) {
    E2eeCallParty *p = g_ptr_array_index (w->call->parties, i);

    for (j = 0; j < p->links->len; j++) {
      E2eeCallLink *l = g_ptr_array_index (p->links, j);
      guint64 *base = g_hash_table_lookup (w->base, l);

      if (p->gone || l->remote->gone || p == w->party || l->remote == w->party)
        continue;
      if (!base || e2ee_call_link_get (l, &l->matched) < *base + w->min)
        return FALSE;
    }
  }
  return passed (w);
}

/* every party but w->party announced its own key with index w->min */
static gboolean
keys_switched (gpointer data)
{
  Wait *w = data;
  guint i, index;

  for (i = 0; i < w->call->parties->len; i++) {
    E2eeCallParty *p = g_ptr_array_index (w->call->parties, i);

    if (p == w->party || p->gone)
      continue;
    if (e2ee_call_party_own_key (p, &index, NULL) == 0 || index != w->min)
      return FALSE;
  }
  return TRUE;
}

/* w->party (the leaver) got w->min frames with key index 1 from each */
static gboolean
leaver_fed (gpointer data)
{
  Wait *w = data;
  guint j;

  for (j = 0; j < w->party->links->len; j++) {
    E2eeCallLink *l = g_ptr_array_index (w->party->links, j);

    if (!l->remote->gone && e2ee_call_link_get (l, &l->received[1]) < w->min)
      return FALSE;
  }
  return TRUE;
}

static gboolean
wait_for (E2eeCall * call, gboolean (*done) (gpointer), Wait * w,
    guint timeout_ms, const gchar * what)
{
  if (e2ee_call_wait (call, done, w, timeout_ms))
    return TRUE;
  g_printerr ("e2ee-call: timed out waiting for %s\n", what);
  e2ee_call_print_state (call);
  return FALSE;
}

static gboolean
save_picture (GstSample * picture, const gchar * name)
{
  gchar *file = g_strconcat (name, ".png", NULL);
  gchar *path = g_build_filename (output_dir, file, NULL);
  GError *err = NULL;
  gboolean ok;

  ok = e2ee_picture_write_png (picture, path, &err);
  if (ok)
    g_print ("  wrote %s\n", path);
  else
    g_printerr ("e2ee-call: could not write %s: %s\n", path, err->message);
  g_clear_error (&err);
  g_free (path);
  g_free (file);
  return ok;
}

static void
print_structure (const gchar * who, gpointer object)
{
  GstStructure *s = NULL;
  gchar *str;

  g_object_get (object, "stats", &s, NULL);
  str = s ? gst_structure_to_string (s) : g_strdup ("(none)");
  g_print ("  %s: %s\n", who, str);
  g_free (str);
  if (s)
    gst_structure_free (s);
}

static void
print_stats (E2eeCall * call)
{
  guint i, j;

  g_print ("stats:\n");
  for (i = 0; i < call->parties->len; i++) {
    E2eeCallParty *p = g_ptr_array_index (call->parties, i);
    gchar *who;

    g_print ("%s%s\n", p->id, p->gone ? " (left)" : "");
    print_structure ("key manager", p->manager);
    print_structure ("e2eeenc", p->enc);
    for (j = 0; j < p->links->len; j++) {
      E2eeCallLink *l = g_ptr_array_index (p->links, j);

      if (!l->dec)
        continue;
      who = g_strdup_printf ("e2eedec of %s's video", l->remote->id);
      print_structure (who, l->dec);
      g_free (who);
      g_print ("    %" G_GUINT64_FORMAT " frames out byte for byte as %s "
          "sent them, %" G_GUINT64_FORMAT " not\n",
          e2ee_call_link_get (l, &l->matched), l->remote->id,
          e2ee_call_link_get (l, &l->mismatched));
    }
  }
}

/* Every frame an e2eedec decrypted (what it gave out, less what it passed
 * through undecrypted) is a frame the remote sent. */
static gboolean
all_bit_exact (E2eeCall * call, gchar ** why)
{
  guint i, j;

  for (i = 0; i < call->parties->len; i++) {
    E2eeCallParty *p = g_ptr_array_index (call->parties, i);

    for (j = 0; j < p->links->len; j++) {
      E2eeCallLink *l = g_ptr_array_index (p->links, j);
      guint64 mismatched = e2ee_call_link_get (l, &l->mismatched);

      if (!l->dec)
        continue;
      if (mismatched > e2ee_call_stat (l->dec, "passthrough")) {
        *why = g_strdup_printf ("%s got frames from %s that %s never sent",
            p->id, l->remote->id, l->remote->id);
        return FALSE;
      }
      if (e2ee_call_link_get (l, &l->matched) == 0) {
        *why = g_strdup_printf ("%s decrypted nothing from %s", p->id,
            l->remote->id);
        return FALSE;
      }
    }
  }
  return TRUE;
}

/* Everyone who stayed had an olm session with each of the others. */
static gboolean
sessions_ok (E2eeCall * call, guint64 min, gchar ** why)
{
  guint i;

  for (i = 0; i < call->parties->len; i++) {
    E2eeCallParty *p = g_ptr_array_index (call->parties, i);
    guint64 sessions = e2ee_call_stat (p->manager, "sessions");

    if (!p->gone && sessions < min) {
      *why = g_strdup_printf ("%s had %" G_GUINT64_FORMAT " olm sessions",
          p->id, sessions);
      return FALSE;
    }
  }
  return TRUE;
}

static gboolean
check_elements (void)
{
  static const gchar *needed[] = {
    "e2eeenc", "e2eedec", "e2eevp8pay", "e2eekeymanager", "webrtcbin",
    "nicesrc", "dtlssrtpenc", "sctpenc", "rtpvp8depay", "vp8enc", "vp8dec",
    "videotestsrc", "videoconvert", "appsink", "fakesink", "tee", "queue",
    "pngenc", NULL
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

static gdouble
seconds_between (gint64 from, gint64 to)
{
  return (to - from) / (gdouble) G_USEC_PER_SEC;
}

int
main (int argc, char **argv)
{
  GOptionContext *ctx;
  GError *err = NULL;
  E2eeCallConfig config;
  E2eeCall *call = NULL;
  E2eeCallParty *parties[G_N_ELEMENTS (names)], *eve, *alice, *leaver;
  E2eeCallLink *watch;
  GstSample *reference = NULL, *eve_picture = NULL;
  Wait w = { NULL, };
  gint64 t_join, t_first = 0, t_leave, t_switch = 0, t;
  gdouble eve_psnr;
  guint64 eve_decrypted, eve_frames, leaver_decrypted = 0, leaver_frames = 0;
  guint i, j, n, index;
  gchar *error = NULL, *why = NULL;
  gboolean ok = FALSE;

  ctx = g_option_context_new ("- an end-to-end encrypted call of N parties "
      "on loopback, with a join and a leave");
  g_option_context_add_main_entries (ctx, options, NULL);
  g_option_context_add_group (ctx, gst_init_get_option_group ());
  if (!g_option_context_parse (ctx, &argc, &argv, &err)) {
    g_printerr ("%s\n", err->message);
    g_option_context_free (ctx);
    return 2;
  }
  g_option_context_free (ctx);
  if (n_parties < 3 || n_parties > (gint) G_N_ELEMENTS (names)) {
    g_printerr ("--parties: 3 to %u\n", (guint) G_N_ELEMENTS (names));
    return 2;
  }
  n = n_parties;
  seconds = CLAMP (seconds, 1, 60);
  if (!output_dir)
    output_dir = g_strdup ("demo-out");
  if (!check_elements ())
    return EXIT_FAILURE;
  if (g_mkdir_with_parents (output_dir, 0755) != 0) {
    g_printerr ("cannot create %s\n", output_dir);
    return EXIT_FAILURE;
  }
  /* never leave the pictures of an earlier run behind */
  for (i = 0; i < G_N_ELEMENTS (picture_files); i++) {
    gchar *path = g_build_filename (output_dir, picture_files[i], NULL);

    g_unlink (path);
    g_free (path);
  }

  e2ee_call_config_init (&config);
  config.width = WIDTH;
  config.height = HEIGHT;
  config.framerate = FRAMERATE;
  config.auto_admit = FALSE;
  call = e2ee_call_new (&config);
  w.call = call;

  reference = e2ee_picture_render_reference (WATCHED_PATTERN, WIDTH, HEIGHT,
      &err);
  if (!reference)
    goto error;

  for (i = 0; i < n; i++) {
    parties[i] = e2ee_call_add_party (call, names[i], patterns[i], &err);
    if (!parties[i])
      goto error;
  }
  alice = parties[0];
  eve = parties[n - 1];
  leaver = parties[n - 2];
  eve->passthrough = TRUE;
  eve->decode_from = g_strdup (alice->id);
  for (i = 0; i + 1 < n; i++)
    for (j = 0; j + 1 < n; j++)
      if (i != j)
        gst_e2ee_key_manager_add_participant (parties[i]->manager,
            parties[j]->id);

  g_print ("e2ee-call: %u parties on 127.0.0.1, each a pipeline with a "
      "webrtcbin towards every other one and a key manager (olm over the "
      "webrtcbins' e2ee data channel)\n"
      "  video: VP8 %dx%d %d fps: vp8enc ! e2eeenc ! e2eevp8pay ! webrtcbin "
      "! rtpvp8depay ! e2eedec\n", n, WIDTH, HEIGHT, FRAMERATE);
  g_print ("1. ");
  for (i = 0; i + 1 < n; i++)
    g_print ("%s%s", parties[i]->id, i + 2 < n ? ", " : "");
  g_print (" admit each other; %s is in the media path, admitted by nobody\n",
      eve->id);

  for (i = 0; i < n; i++)
    for (j = i + 1; j < n; j++)
      if (!e2ee_call_connect (parties[i], parties[j], &err))
        goto error;
  for (i = 0; i < n; i++)
    if (!e2ee_call_start_party (parties[i], &err))
      goto error;
  for (i = 0; i < n; i++)
    for (j = i + 1; j < n; j++)
      e2ee_call_negotiate (parties[i], parties[j]);

  w.party = eve;
  w.min = n - 2;
  if (!wait_for (call, sessions_up, &w, SETUP_TIMEOUT_MS, "the olm sessions"))
    goto failed;
  w.min = 1;
  if (!wait_for (call, links_matched, &w, SETUP_TIMEOUT_MS,
          "the first decrypted frames"))
    goto failed;
  g_print ("   olm sessions up, every admitted party decrypts every other\n");

  /* 2. the eavesdropper */
  watch = e2ee_call_link (eve, alice);
  w.link = watch;
  w.not_before = g_get_monotonic_time () + seconds * G_USEC_PER_SEC;
  if (!wait_for (call, eavesdropped, &w, seconds * 1000 + EXTRA_MS,
          "a picture at the eavesdropper"))
    goto failed;
  eve_picture = e2ee_call_link_dup_picture (watch, NULL);
  eve_psnr = e2ee_picture_psnr (eve_picture, reference);
  eve_frames = e2ee_call_stat (watch->dec, "frames-in");
  /* what e2eedec says it decrypted, or what came out as alice sent it */
  eve_decrypted = 0;
  for (i = 0; i < eve->links->len; i++) {
    E2eeCallLink *l = g_ptr_array_index (eve->links, i);

    eve_decrypted += MAX (e2ee_call_stat (l->dec, "frames-out") -
        e2ee_call_stat (l->dec, "passthrough"),
        e2ee_call_link_get (l, &l->matched));
  }
  g_print ("2. %s, not admitted: %" G_GUINT64_FORMAT " frames of %s's "
      "video, %" G_GUINT64_FORMAT " decrypted, %" G_GUINT64_FORMAT
      " olm sessions; vp8dec's picture of the ciphertext: %.1f dB PSNR "
      "against %s's pattern\n", eve->id, eve_frames, alice->id,
      eve_decrypted, e2ee_call_stat (eve->manager, "sessions"), eve_psnr,
      alice->id);
  if (!save_picture (eve_picture, "eavesdropper"))
    goto failed;

  /* 3. admitted */
  t_join = g_get_monotonic_time ();
  for (i = 0; i + 1 < n; i++) {
    gst_e2ee_key_manager_add_participant (parties[i]->manager, eve->id);
    gst_e2ee_key_manager_add_participant (eve->manager, parties[i]->id);
  }
  w.party = eve;
  w.min = 1;
  if (!wait_for (call, party_matched, &w, SETUP_TIMEOUT_MS,
          "the newcomer's first decrypted frames"))
    goto failed;
  for (i = 0; i < eve->links->len; i++) {
    t = e2ee_call_link_first_match (g_ptr_array_index (eve->links, i));
    if (t_first == 0 || t < t_first)
      t_first = t;
  }
  w.reference = reference;
  w.not_before = g_get_monotonic_time () + seconds * G_USEC_PER_SEC;
  if (!wait_for (call, decoded_pattern, &w, seconds * 1000 + SETUP_TIMEOUT_MS,
          "the newcomer's picture of the pattern"))
    goto failed;
  g_print ("3. the others admit %s: they ratchet their keys and send it the "
      "ratcheted ones; its first decrypted frame %.2f s after; its picture "
      "of %s's video: %.1f dB PSNR against the pattern\n", eve->id,
      seconds_between (t_join, t_first), alice->id, w.psnr);
  if (!save_picture (w.picture, "admitted"))
    goto failed;
  w.party = NULL;
  w.min = 15;
  if (!wait_for (call, links_matched, &w, SETUP_TIMEOUT_MS,
          "every receiver's frames"))
    goto failed;

  /* 4. a leave */
  t_leave = g_get_monotonic_time ();
  for (i = 0; i < n; i++)
    if (parties[i] != leaver)
      gst_e2ee_key_manager_remove_participant (parties[i]->manager, leaver->id);
  w.party = leaver;
  w.min = 1;
  if (!wait_for (call, keys_switched, &w, SETUP_TIMEOUT_MS, "the key switch"))
    goto failed;
  for (i = 0; i < n; i++) {
    if (parties[i] == leaver)
      continue;
    e2ee_call_party_own_key (parties[i], &index, &t);
    t_switch = MAX (t_switch, t);
  }
  w.min = 5;
  if (!wait_for (call, leaver_fed, &w, SETUP_TIMEOUT_MS,
          "frames with the new keys at the leaver"))
    goto failed;
  for (i = 0; i < leaver->links->len; i++) {
    E2eeCallLink *l = g_ptr_array_index (leaver->links, i);

    leaver_decrypted += e2ee_call_link_get (l, &l->decrypted[1]);
    leaver_frames += e2ee_call_link_get (l, &l->received[1]);
  }
  g_print ("4. %s leaves: the others switch to key index 1 %.2f s later; "
      "%s, still fed, decrypted %" G_GUINT64_FORMAT " of the %"
      G_GUINT64_FORMAT " frames with the new keys\n", leaver->id,
      seconds_between (t_leave, t_switch), leaver->id, leaver_decrypted,
      leaver_frames);
  e2ee_call_remove_party (leaver);

  /* the rest go on talking */
  w.party = leaver;
  w.min = FRAMERATE;
  w.base = g_hash_table_new_full (NULL, NULL, NULL, g_free);
  for (i = 0; i < n; i++)
    for (j = 0; j < parties[i]->links->len; j++) {
      E2eeCallLink *l = g_ptr_array_index (parties[i]->links, j);
      guint64 matched = e2ee_call_link_get (l, &l->matched);

      g_hash_table_insert (w.base, l, g_memdup2 (&matched, sizeof (matched)));
    }
  w.not_before = g_get_monotonic_time () + seconds * G_USEC_PER_SEC;
  if (!wait_for (call, links_progressed, &w,
          seconds * 1000 + SETUP_TIMEOUT_MS, "the call after the leave"))
    goto failed;

  print_stats (call);

  error = e2ee_call_dup_error (call);
  if (error)
    why = g_strdup (error);
  else if (!sessions_ok (call, n - 1, &why));
  else if (!all_bit_exact (call, &why));
  else if (eve_decrypted > 0)
    why = g_strdup ("the eavesdropper decrypted frames");
  else if (!isnan (eve_psnr) && eve_psnr > MAX_EAVESDROPPER_PSNR)
    why = g_strdup ("the eavesdropper's picture shows the pattern");
  else if (leaver_decrypted > 0)
    why = g_strdup ("the leaver decrypted frames sent after it left");
  else
    ok = TRUE;

  g_print ("SUMMARY: %s%u participants, sessions ok, join->first frame "
      "%.2f s, leave->key switch %.2f s, eavesdropper %" G_GUINT64_FORMAT
      " frames decrypted, leaver %" G_GUINT64_FORMAT " frames decrypted "
      "after the switch, %s\n", ok ? "" : "FAILED: ", n,
      seconds_between (t_join, t_first), seconds_between (t_leave, t_switch),
      eve_decrypted, leaver_decrypted, ok ? "all receivers bit-exact" : why);
  goto out;

error:
  g_printerr ("e2ee-call: %s\n", err ? err->message : "failed");
  g_clear_error (&err);
failed:
  if (call) {
    error = e2ee_call_dup_error (call);
    print_stats (call);
  }
  g_print ("SUMMARY: FAILED: %s\n", error ? error : "see above");

out:
  if (call)
    e2ee_call_free (call);
  if (reference)
    gst_sample_unref (reference);
  if (eve_picture)
    gst_sample_unref (eve_picture);
  if (w.picture)
    gst_sample_unref (w.picture);
  if (w.base)
    g_hash_table_unref (w.base);
  g_free (error);
  g_free (why);
  g_free (output_dir);
  gst_deinit ();
  return ok ? EXIT_SUCCESS : EXIT_FAILURE;
}
