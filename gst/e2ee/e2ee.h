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


#ifndef __GST_E2EE_H__
#define __GST_E2EE_H__

#include <gst/e2ee/e2ee-prelude.h>
#include <gst/e2ee/gste2eetypes.h>
#include <gst/e2ee/gste2ee-enumtypes.h>
#include <gst/e2ee/gste2eekey.h>
#include <gst/e2ee/gste2eekeyring.h>
#include <gst/e2ee/gste2eecodec.h>
#include <gst/e2ee/gste2eejframe.h>
#include <gst/e2ee/gste2eesframe.h>
#include <gst/e2ee/gste2eeframeformat.h>
#include <gst/e2ee/gste2eesframertp.h>
#include <gst/e2ee/gste2eeconfig.h>
#ifdef GST_E2EE_HAVE_KEY_MANAGER
#include <gst/e2ee/gste2eekeymanager.h>
#include <gst/e2ee/gste2eekeysubscription.h>
#endif
#ifdef GST_E2EE_HAVE_JANUS
#include <gst/e2ee/gste2eejanusroom.h>
#endif

#endif /* __GST_E2EE_H__ */
