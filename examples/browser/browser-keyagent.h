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

#ifndef __BROWSER_KEY_AGENT_H__
#define __BROWSER_KEY_AGENT_H__

#include <gst/e2ee/gste2eekeymanager.h>

#include "browser-call.h"

G_BEGIN_DECLS

/* The key agent of one page: a participant of the bot's key manager
 * protocol (olm, docs/keymanager.md) that stands in for a page without olm
 * and relays the keys to it. Main context only. */
typedef struct _BrowserKeyAgent BrowserKeyAgent;

/* @id must sort after the manager's id: the manager then opens the olm
 * session, and the agent only answers. @to_page gets {"type":"key", ...}
 * messages. */
BrowserKeyAgent *browser_key_agent_new (GstE2eeKeyManager * manager,
    const gchar * id, BrowserCallSendFunc to_page, gpointer user_data);

const gchar *browser_key_agent_get_id (BrowserKeyAgent * agent);

/* A message the manager sent (its send-message signal) to this agent or to
 * everyone. */
void browser_key_agent_receive (BrowserKeyAgent * agent, const gchar * text);

/* The page holds the key it was sent with {"ack": @ack}. */
void browser_key_agent_key_installed (BrowserKeyAgent * agent,
    const gchar * ack);

/* Leaves the manager's call and wipes the keys. */
void browser_key_agent_free (BrowserKeyAgent * agent);

G_END_DECLS

#endif /* __BROWSER_KEY_AGENT_H__ */
