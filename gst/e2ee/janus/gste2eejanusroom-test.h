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

/* Test-only hooks of GstE2eeJanusRoom, for tests/check alone: neither
 * installed nor exported; tests link gste2eejanusroom-test.c's object
 * (gste2ee_janus_private_test_dep in tests/check/meson.build). */

#ifndef __GST_E2EE_JANUS_ROOM_TEST_H__
#define __GST_E2EE_JANUS_ROOM_TEST_H__

#include <gst/e2ee/gste2eejanusroom.h>

G_BEGIN_DECLS

gboolean gst_e2ee_janus_room_test_send_textroom (GstE2eeJanusRoom * room,
    const gchar * text);

/* Janus as the adversary, without network (gste2eejanusroom-test.c; not
 * with GST_E2EE_JANUS_ROOM_TEST_NO_INTERNALS) */
typedef enum
{
  GST_E2EE_JANUS_ROOM_TEST_POLL,        /* the body of a long poll's answer */
  GST_E2EE_JANUS_ROOM_TEST_ANSWER,      /* the answer to the oldest request */
  GST_E2EE_JANUS_ROOM_TEST_TEXTROOM,    /* a TextRoom data channel string */
} GstE2eeJanusRoomTestInput;

void gst_e2ee_janus_room_test_fake_join (GstE2eeJanusRoom * room);

gboolean gst_e2ee_janus_room_test_feed (GstE2eeJanusRoom * room,
    GstE2eeJanusRoomTestInput what, const gchar * data, gsize len);

void gst_e2ee_janus_room_test_fake_leave (GstE2eeJanusRoom * room);

G_END_DECLS

#endif /* __GST_E2EE_JANUS_ROOM_TEST_H__ */
