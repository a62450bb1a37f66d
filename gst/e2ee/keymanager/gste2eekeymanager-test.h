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

/* Test-only accessors of GstE2eeKeyManager: what no stat, signal or
 * property says, for tests/check alone. Neither installed nor exported:
 * tests link gste2eekeymanager-test.c's object (gste2ee_private_test_dep in
 * tests/check/meson.build). Each takes the manager lock. */

#ifndef __GST_E2EE_KEY_MANAGER_TEST_H__
#define __GST_E2EE_KEY_MANAGER_TEST_H__

#include <gst/e2ee/gste2eekeymanager.h>

G_BEGIN_DECLS

guint8 *gst_e2ee_key_manager_test_dup_media_keys (GstE2eeKeyManager * self,
    guint * n_keys);
GPtrArray *gst_e2ee_key_manager_test_dup_pickles (GstE2eeKeyManager * self,
    const guint8 * key, gsize key_len);
guint gst_e2ee_key_manager_test_count_sessions (GstE2eeKeyManager * self);
guint gst_e2ee_key_manager_test_count_keys_awaiting_ack (GstE2eeKeyManager *
    self);

G_END_DECLS

#endif /* __GST_E2EE_KEY_MANAGER_TEST_H__ */
