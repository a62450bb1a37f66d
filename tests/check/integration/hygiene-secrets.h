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

/* The secrets the hygiene test looks for (hygiene-secrets.c): every form
 * of every key, and a matcher that finds them in a byte range without
 * allocating or locking (it runs inside free()). */

#ifndef __E2EE_HYGIENE_SECRETS_H__
#define __E2EE_HYGIENE_SECRETS_H__

#include <gst/e2ee/e2ee.h>

G_BEGIN_DECLS
/* ratchet steps of every key that are looked for too */
#define RATCHET_DEPTH 8
/* A secret put on purpose where the test looks, to show that it would
 * find one */
#define CANARY "canary"
typedef void (*HitFunc) (gint pattern, gsize offset, gpointer user_data);

void matcher_init (void);
void add_secret (const gchar * what, const guint8 * secret, gsize len,
    gboolean in_memory);
void scan (const guint8 * data, gsize len, gboolean memory, HitFunc hit,
    gpointer user_data);
const gchar *secret_what (gint i);
gint secret_count (void);
void assert_no_secret_in (const gchar * where, const guint8 * data,
    gsize len, guint canaries);

void pbkdf2 (const guint8 * pass, gsize len, guint8 * out, gsize out_len);
void ratchet_of (GstE2eeKdf kdf, const guint8 * m, guint8 * next);
void add_material (const gchar * what, GstE2eeKdf kdf,
    const guint8 * material, guint depth);
void add_manager_secrets (GstE2eeKeyManager * m);
void add_manager_pickles (GstE2eeKeyManager * m);
void add_manager_olm_secrets (GstE2eeKeyManager * m);

G_END_DECLS
#endif /* __E2EE_HYGIENE_SECRETS_H__ */
