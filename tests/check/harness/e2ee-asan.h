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

/* E2EE_ASAN is defined in a build with AddressSanitizer (gcc or clang), for
 * the tests that must do something else there: replace free(), read the
 * allocator's counters, or not run an uninstrumented program that would
 * load the instrumented plugin. */

#ifndef __E2EE_ASAN_H__
#define __E2EE_ASAN_H__

#if defined(__SANITIZE_ADDRESS__)
#define E2EE_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define E2EE_ASAN 1
#endif
#endif

#endif /* __E2EE_ASAN_H__ */
