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


#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <gst/gst.h>

#include <gst/e2ee/e2ee.h>

#include "gste2eei18n.h"
#include "gste2eeenc.h"
#include "gste2eedec.h"
#ifdef GST_E2EE_HAVE_KEY_MANAGER
#include "gste2eekeymanagerelement.h"
#endif
#include "gste2eevp8pay.h"
#include "gste2eertpsframepay.h"
#include "gste2eertpsframedepay.h"
#include "gste2eertpsframeenc.h"
#include "gste2eertpsframedec.h"

static gboolean
plugin_init (GstPlugin * plugin)
{
  gboolean ret = FALSE;

#ifdef ENABLE_NLS
  bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
#endif

  ret |= GST_ELEMENT_REGISTER (e2eeenc, plugin);
  ret |= GST_ELEMENT_REGISTER (e2eedec, plugin);
#ifdef GST_E2EE_HAVE_KEY_MANAGER
  ret |= GST_ELEMENT_REGISTER (e2eekeymanager, plugin);
#endif
  ret |= GST_ELEMENT_REGISTER (e2eevp8pay, plugin);
  ret |= GST_ELEMENT_REGISTER (rtpsframepay, plugin);
  ret |= GST_ELEMENT_REGISTER (rtpsframedepay, plugin);
  ret |= GST_ELEMENT_REGISTER (rtpsframeenc, plugin);
  ret |= GST_ELEMENT_REGISTER (rtpsframedec, plugin);

  return ret;
}

GST_PLUGIN_DEFINE (GST_VERSION_MAJOR, GST_VERSION_MINOR, e2ee,
    "End-to-end encryption of media frames (Jitsi Meet / LiveKit compatible)",
    plugin_init, VERSION, GST_LICENSE, GST_PACKAGE_NAME, GST_PACKAGE_ORIGIN)
