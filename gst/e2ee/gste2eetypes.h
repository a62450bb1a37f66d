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


#ifndef __GST_E2EE_TYPES_H__
#define __GST_E2EE_TYPES_H__

#include <gst/e2ee/e2ee-prelude.h>
#include <gst/e2ee/gste2ee-enumtypes.h>

G_BEGIN_DECLS

/**
 * GstE2eeKdf:
 * @GST_E2EE_KDF_JITSI: Jitsi Meet's schedule: HKDF-SHA256 with salt
 *   "JFrameEncryptionKey" gives the AES-128 key, HKDF-SHA256 with salt
 *   "JFrameRatchetKey" ratchets the material.
 * @GST_E2EE_KDF_LIVEKIT: LiveKit's schedule: HKDF-SHA256 with salt
 *   "LKFrameEncryptionKey" and 128 zero bytes of info (raw keys), or
 *   PBKDF2-SHA256 with the same salt and 100000 iterations (passphrases).
 * @GST_E2EE_KDF_RAW: the key is the AES key itself (16 bytes for AES-128-GCM,
 *   32 bytes for AES-256-GCM); there is no ratchet.
 * @GST_E2EE_KDF_TALK: Nextcloud Talk's schedule: as %GST_E2EE_KDF_JITSI with
 *   the salts "TalkFrameEncryptionKey" (AES-128 key) and "TalkFrameRatchetKey"
 *   (ratchet).
 * @GST_E2EE_KDF_LIVEKIT_256: LiveKit's schedule with its key provider option
 *   `keySize: 256`: as %GST_E2EE_KDF_LIVEKIT, but the same HKDF (or PBKDF2)
 *   gives 32 bytes, an AES-256-GCM key; the ratchet is unchanged.
 *
 * How an AES-GCM key is derived from key material, and how the material is
 * ratcheted forward.
 *
 * Since: 0.1
 */
typedef enum
{
  GST_E2EE_KDF_JITSI = 0,
  GST_E2EE_KDF_LIVEKIT = 1,
  GST_E2EE_KDF_RAW = 2,
  GST_E2EE_KDF_TALK = 3,
  GST_E2EE_KDF_LIVEKIT_256 = 4,
} GstE2eeKdf;

/**
 * GstE2eeIdentityChange:
 * @GST_E2EE_IDENTITY_CHANGE_REFUSE: always refused, as an impersonation
 *   (strict trust on first use): the application removes the participant
 *   to let the new identity in.
 * @GST_E2EE_IDENTITY_CHANGE_RELAYED: taken from a relay that says who sent
 *   each message (gst_e2ee_key_manager_receive_message_from(): a Janus
 *   TextRoom, a Matrix or XMPP room): the relay vouches that it is the same
 *   member of the room. Refused on any other transport, where anyone can
 *   write any id.
 * @GST_E2EE_IDENTITY_CHANGE_ACCEPT: taken on every transport: for an
 *   application whose transport is trusted as a whole (a private broker
 *   with access control) but that does not say who sent each message.
 *
 * What a #GstE2eeKeyManager does when a participant it knows says hello
 * with other identity keys under the same id: the same peer restarted
 * without its state file, or someone else using its id. When taken, the
 * old identity leaves (its keys go, the local key rotates, so it cannot
 * read what follows) and the new one comes in with the old one's admission,
 * unverified, at most once per 2 s per participant. A participant verified
 * by SAS is never replaced.
 *
 * Since: 0.2
 */
typedef enum
{
  GST_E2EE_IDENTITY_CHANGE_REFUSE = 0,
  GST_E2EE_IDENTITY_CHANGE_RELAYED = 1,
  GST_E2EE_IDENTITY_CHANGE_ACCEPT = 2,
} GstE2eeIdentityChange;

/**
 * GstE2eeCodec:
 * @GST_E2EE_CODEC_UNKNOWN: not a supported stream
 * @GST_E2EE_CODEC_AUDIO: any audio (Opus): the first byte (TOC) stays clear
 * @GST_E2EE_CODEC_VP8: VP8: 10 clear bytes on key frames, 3 otherwise
 * @GST_E2EE_CODEC_H264: H.264 in Annex B byte-stream form, one access unit
 *   per frame: LiveKit's rule (everything up to and including the first 2
 *   bytes of the first slice NAL unit stays clear, the rest is RBSP-escaped)
 * @GST_E2EE_CODEC_H265: H.265, as H.264 (the 2 bytes are the NAL unit header)
 * @GST_E2EE_CODEC_VP9: VP9: 10 clear bytes on key frames, 3 otherwise, the
 *   key-frame flag read from the uncompressed header
 * @GST_E2EE_CODEC_AV1: AV1 temporal units of OBUs with size fields: the
 *   temporal delimiter and sequence header OBUs stay clear, and the first
 *   other OBU is made to span the rest of the frame
 *
 * Which clear-header rule applies to a stream. See gst_e2ee_codec_from_caps().
 *
 * Since: 0.1
 */
typedef enum
{
  GST_E2EE_CODEC_UNKNOWN = 0,
  GST_E2EE_CODEC_AUDIO,
  GST_E2EE_CODEC_VP8,
  GST_E2EE_CODEC_H264,
  GST_E2EE_CODEC_H265,
  GST_E2EE_CODEC_VP9,
  GST_E2EE_CODEC_AV1,
} GstE2eeCodec;

/**
 * GST_E2EE_ERROR:
 *
 * Error domain of the gst-e2ee library.
 *
 * Since: 0.1
 */
#define GST_E2EE_ERROR (gst_e2ee_error_quark ())
GST_E2EE_API
GQuark gst_e2ee_error_quark (void);

/**
 * GstE2eeError:
 * @GST_E2EE_ERROR_KEY_LENGTH: a key of a length the schedule cannot use
 * @GST_E2EE_ERROR_PASSPHRASE: a passphrase where the schedule takes none
 * @GST_E2EE_ERROR_CRYPTO: the crypto library failed
 * @GST_E2EE_ERROR_RANDOM: the CSPRNG failed
 * @GST_E2EE_ERROR_OLM: libolm refused an operation or a message (malformed,
 *   forged, replayed, or from the wrong sender); the message gives libolm's
 *   error name
 * @GST_E2EE_ERROR_STATE: a state or key file is corrupt, truncated, was
 *   encrypted under another key, or has unsafe permissions
 *
 * Errors of the gst-e2ee library.
 *
 * Since: 0.1
 */
typedef enum
{
  GST_E2EE_ERROR_KEY_LENGTH,
  GST_E2EE_ERROR_PASSPHRASE,
  GST_E2EE_ERROR_CRYPTO,
  GST_E2EE_ERROR_RANDOM,
  GST_E2EE_ERROR_OLM,
  GST_E2EE_ERROR_STATE,
} GstE2eeError;

/**
 * GST_E2EE_AES_GCM_TAG_SIZE:
 *
 * Length of the AES-GCM authentication tag in bytes.
 *
 * Since: 0.1
 */
#define GST_E2EE_AES_GCM_TAG_SIZE 16
/**
 * GST_E2EE_IV_SIZE:
 *
 * Length of the AES-GCM IV in bytes.
 *
 * Since: 0.1
 */
#define GST_E2EE_IV_SIZE 12

GST_E2EE_API
gboolean gst_e2ee_random_bytes (guint8 * buf, gsize len);

G_END_DECLS

#endif /* __GST_E2EE_TYPES_H__ */
