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


#ifndef __GST_E2EE_SAS_PRIVATE_H__
#define __GST_E2EE_SAS_PRIVATE_H__

#include <gst/e2ee/gste2eetypes.h>
#include <gst/e2ee/keymanager/gste2eeolm-private.h>

G_BEGIN_DECLS

/**
 * GST_E2EE_SAS_BYTES:
 *
 * How many bytes of the SAS key agreement the short authentication strings
 * are made from.
 */
#define GST_E2EE_SAS_BYTES 6

/**
 * GST_E2EE_SAS_N_DECIMALS:
 *
 * How many numbers (1000 to 9191) the decimal SAS has.
 */
#define GST_E2EE_SAS_N_DECIMALS 3

/**
 * GST_E2EE_SAS_N_EMOJI:
 *
 * How many emoji the emoji SAS has.
 */
#define GST_E2EE_SAS_N_EMOJI 7

/**
 * GST_E2EE_SAS_EMOJI_TABLE_SIZE:
 *
 * How many emoji the SAS table has; indexes run from 0 to 63.
 */
#define GST_E2EE_SAS_EMOJI_TABLE_SIZE 64

G_GNUC_INTERNAL
void gst_e2ee_sas_decimal (const guint8 * bytes, guint16 * out);

G_GNUC_INTERNAL
void gst_e2ee_sas_emoji_indexes (const guint8 * bytes, guint8 * out);

G_GNUC_INTERNAL
const gchar * gst_e2ee_sas_emoji_symbol (guint index);

G_GNUC_INTERNAL
const gchar * gst_e2ee_sas_emoji_name (guint index);

/* the info prefixes of lib-jitsi-meet's sas-mac */
#define GST_E2EE_SAS_MAC_INFO "Jitsi-KEY_VERIFICATION_MAC"
#define GST_E2EE_SAS_MAC_KEY_IDS "Jitsi-KEY_IDS"

G_GNUC_INTERNAL
void gst_e2ee_sas_jitsi_mac (GstE2eeOlmSas * sas, const gchar * sender,
    const gchar * receiver, const gchar * transaction_id,
    const gchar * ed25519, gchar ** key_id, gchar ** mac, gchar ** keys);

G_END_DECLS

#endif /* __GST_E2EE_SAS_PRIVATE_H__ */
