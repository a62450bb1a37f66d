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


#ifndef __GST_E2EE_BASE_TRANSFORM_H__
#define __GST_E2EE_BASE_TRANSFORM_H__

#include <gst/gst.h>
#include <gst/base/gstbasetransform.h>
#include <gst/e2ee/e2ee.h>

G_BEGIN_DECLS
/* What e2eeenc and e2eedec take. Audio: every frame keeps its first byte
 * clear (the Opus TOC byte; the same one byte for G.711, G.722 and AAC, as
 * the Jitsi Meet and LiveKit clients do for any audio codec). AAC only raw
 * (what rtpmp4gpay and rtpmp4apay take): ADTS headers would be encrypted.
 * H.264 and H.265: Annex B access units, the form LiveKit's rule is defined
 * on (h264parse/h265parse convert avc/hvc1); AV1: temporal units of OBUs
 * with size fields (av1enc leaves stream-format out, av1parse sets it) */
#define GST_E2EE_FRAME_CAPS "audio/x-opus; audio/x-mulaw; audio/x-alaw; " \
    "audio/G722; " \
    "audio/mpeg, mpegversion = (int) 4, stream-format = (string) raw; " \
    "video/x-vp8; video/x-vp9; " \
    "video/x-h264, stream-format = (string) byte-stream, " \
    "alignment = (string) au; " \
    "video/x-h265, stream-format = (string) byte-stream, " \
    "alignment = (string) au; " \
    "video/x-av1, alignment = (string) tu"

#define GST_TYPE_E2EE_BASE_TRANSFORM (gst_e2ee_base_transform_get_type ())
G_DECLARE_DERIVABLE_TYPE (GstE2eeBaseTransform, gst_e2ee_base_transform,
    GST, E2EE_BASE_TRANSFORM, GstBaseTransform);

/**
 * GST_E2EE_BASE_TRANSFORM_LOCK:
 * @obj: a #GstE2eeBaseTransform
 *
 * Takes the lock that guards the element's configuration and counters
 * (the object lock).
 */
#define GST_E2EE_BASE_TRANSFORM_LOCK(obj) GST_OBJECT_LOCK (obj)

/**
 * GST_E2EE_BASE_TRANSFORM_UNLOCK:
 * @obj: a #GstE2eeBaseTransform
 *
 * Releases the lock taken with GST_E2EE_BASE_TRANSFORM_LOCK().
 */
#define GST_E2EE_BASE_TRANSFORM_UNLOCK(obj) GST_OBJECT_UNLOCK (obj)

/**
 * GstE2eeBaseTransformClass:
 * @stats_name: name of the stats structure
 * @key_installed: called on the streaming thread after keys in the ring
 *   changed (from the properties or the key manager)
 * @add_stats: adds the subclass's own counters to the stats structure;
 *   called with GST_E2EE_BASE_TRANSFORM_LOCK() held
 * @subscribe: with a key manager, subscribes @ring to the keys the element
 *   uses: our own (the encryptor) or a remote participant's (the decryptor).
 *   Called on the streaming thread, without locks, before the first frame
 *   and after gst_e2ee_base_transform_resubscribe().
 * @sframe_usage: what the element's SFrame keys are marked for (RFC 9605
 *   4.4.1): encryption in e2eeenc, decryption in e2eedec
 *
 * Shared part of e2eeenc and e2eedec: the key properties, the key ring, the
 * codec of the stream and the counters.
 */
struct _GstE2eeBaseTransformClass
{
  GstBaseTransformClass parent_class;

  const gchar *stats_name;
  void (*key_installed) (GstE2eeBaseTransform * self);
  void (*add_stats) (GstE2eeBaseTransform * self, GstStructure * s);
#ifdef GST_E2EE_HAVE_KEY_MANAGER
  GstE2eeKeySubscription * (*subscribe) (GstE2eeBaseTransform * self,
      GstE2eeKeyManager * manager, GstE2eeKeyRing * ring);
#endif
  GstE2eeSFrameKeyUsage sframe_usage;
};

/* Counters shared by both elements; protected by
 * GST_E2EE_BASE_TRANSFORM_LOCK. */
typedef struct
{
  guint64 frames_in;
  guint64 frames_out;
  guint64 bytes_in;
  guint64 bytes_out;
  guint64 dropped;
  guint64 missing_key;
  guint64 auth_failed;
  guint64 bad_frames;
  guint64 ratchets;
  guint64 passthrough;
  guint64 unencrypted;
  guint64 key_frame_requests;
  guint64 replayed;
} GstE2eeStats;

enum
{
  GST_E2EE_BASE_TRANSFORM_PROP_0,
  GST_E2EE_BASE_TRANSFORM_PROP_KEY,
  GST_E2EE_BASE_TRANSFORM_PROP_KEY_INDEX,
  GST_E2EE_BASE_TRANSFORM_PROP_KDF,
  GST_E2EE_BASE_TRANSFORM_PROP_PASSPHRASE,
  GST_E2EE_BASE_TRANSFORM_PROP_STATS,
  GST_E2EE_BASE_TRANSFORM_PROP_KEY_MANAGER,
  GST_E2EE_BASE_TRANSFORM_PROP_FORMAT,
  GST_E2EE_BASE_TRANSFORM_PROP_SFRAME_SUITE,
  GST_E2EE_BASE_TRANSFORM_PROP_KEY_ID,
  GST_E2EE_BASE_TRANSFORM_PROP_LAST
};

gboolean gst_e2ee_base_transform_update_keys (GstE2eeBaseTransform * self);

gboolean gst_e2ee_base_transform_begin_frame (GstE2eeBaseTransform * self,
    GstBuffer * buf, GstE2eeCodec * codec, guint * key_index);

GstE2eeKeyRing *gst_e2ee_base_transform_get_ring (GstE2eeBaseTransform * self);

GstE2eeFrameFormat gst_e2ee_base_transform_get_format (GstE2eeBaseTransform *
    self);

GstE2eeSFrameContext *gst_e2ee_base_transform_get_sframe (GstE2eeBaseTransform
    * self);

GstE2eeStats *gst_e2ee_base_transform_stats (GstE2eeBaseTransform * self);

#ifdef GST_E2EE_HAVE_KEY_MANAGER
void gst_e2ee_base_transform_resubscribe (GstE2eeBaseTransform * self);
void gst_e2ee_base_transform_request_key (GstE2eeBaseTransform * self);

GstE2eeFrameResult gst_e2ee_base_transform_sframe_prepare (
    GstE2eeBaseTransform * self, GstBuffer * buf, guint window,
    guint * n_ratchets);
#endif

GstE2eeCodec gst_e2ee_base_transform_get_codec_locked (GstE2eeBaseTransform *
    self);

GstFlowReturn gst_e2ee_base_transform_drop (GstE2eeBaseTransform * self,
    GstBuffer * buf);

gboolean gst_e2ee_base_transform_memory_writable (GstMemory * mem);

G_END_DECLS
#endif /* __GST_E2EE_BASE_TRANSFORM_H__ */
