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

#ifndef __BROWSER_CALL_H__
#define __BROWSER_CALL_H__

#include <gst/gst.h>
#include <json-glib/json-glib.h>
#include <gst/e2ee/gste2eekeymanager.h>

G_BEGIN_DECLS

/* One call between the bot and one page: a pipeline with a webrtcbin that
 * sends the bot's encrypted test pattern and tone and decrypts the page's
 * camera and microphone, and the bookkeeping that compares what e2eedec
 * gives with what the page's encoders made. */
typedef struct _BrowserCall BrowserCall;

/* Called on the main context with a JSON text for the page. */
typedef void (*BrowserCallSendFunc) (const gchar * text, gpointer user_data);

typedef struct
{
  /* keys: either a shared key (16 or 32 bytes) for both directions, or a
   * key manager, whose own key encrypts, and the participant whose keys
   * decrypt */
  GBytes *key;
  GstE2eeKeyManager *manager;
  const gchar *participant;

  const gchar *ice_address;
  guint tone_hz;
  gboolean display;
} BrowserCallConfig;

BrowserCall *browser_call_new (const BrowserCallConfig * config,
    BrowserCallSendFunc send, gpointer user_data, GError ** error);

void browser_call_set_answer (BrowserCall * call, const gchar * sdp);

void browser_call_add_ice_candidate (BrowserCall * call, guint mline,
    const gchar * candidate);

void browser_call_add_hashes (BrowserCall * call, const gchar * kind,
    JsonArray * frames);

JsonObject *browser_call_get_stats (BrowserCall * call);

/* Stops the pipeline; no send callback after it returns. */
void browser_call_free (BrowserCall * call);

G_END_DECLS

#endif /* __BROWSER_CALL_H__ */
