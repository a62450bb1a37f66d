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


/**
 * SECTION:gste2eetypes
 * @title: Common types
 * @short_description: enums, errors and the one source of randomness
 *
 * All key material and IV prefixes of gst-e2ee are drawn through
 * gst_e2ee_random_bytes(), which reads OpenSSL's CSPRNG, so there is exactly
 * one place to audit.
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gste2eetypes.h"

#include <openssl/rand.h>

/**
 * gst_e2ee_error_quark:
 *
 * Returns: the #GQuark of %GST_E2EE_ERROR
 *
 * Since: 0.1
 */
GQuark
gst_e2ee_error_quark (void)
{
  return g_quark_from_static_string ("gst-e2ee-error-quark");
}

/**
 * gst_e2ee_random_bytes:
 * @buf: (out caller-allocates) (array length=len): where to write
 * @len: how many bytes
 *
 * Fills @buf from OpenSSL's CSPRNG, for instance with key material for
 * gst_e2ee_key_new().
 *
 * Returns: %FALSE if the CSPRNG failed; @buf must then not be used.
 *
 * MT safe.
 *
 * Since: 0.1
 */
gboolean
gst_e2ee_random_bytes (guint8 * buf, gsize len)
{
  g_return_val_if_fail (buf != NULL || len == 0, FALSE);
  g_return_val_if_fail (len <= G_MAXINT, FALSE);

  return RAND_bytes (buf, (int) len) == 1;
}
