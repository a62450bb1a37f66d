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


/* LD_PRELOAD'ed into tools/bench's allocation-counting child: counts the
 * calls that take memory from the heap (malloc, calloc, realloc and the
 * aligned ones), process-wide, while armed. It forwards to glibc's own
 * entry points, so it needs no dlsym() (which itself allocates). The child
 * runs with G_SLICE=always-malloc so that GLib's slice allocator, which
 * GstBuffer and GstMemory use, is counted too.
 *
 * The bench finds the two functions below with dlsym (RTLD_DEFAULT). */

/* aligned_alloc () is C11 */
#define _GNU_SOURCE

#include <errno.h>
#include <malloc.h>
#include <stdlib.h>

extern void *__libc_malloc (size_t size);
extern void *__libc_calloc (size_t n, size_t size);
extern void *__libc_realloc (void *ptr, size_t size);
extern void *__libc_memalign (size_t alignment, size_t size);

void bench_malloc_count_arm (int on);
unsigned long bench_malloc_count_get (void);

static int armed;
static unsigned long count;

static inline void
note (void)
{
  if (__atomic_load_n (&armed, __ATOMIC_RELAXED))
    __atomic_add_fetch (&count, 1, __ATOMIC_RELAXED);
}

void
bench_malloc_count_arm (int on)
{
  __atomic_store_n (&armed, on, __ATOMIC_SEQ_CST);
}

unsigned long
bench_malloc_count_get (void)
{
  return __atomic_load_n (&count, __ATOMIC_SEQ_CST);
}

void *
malloc (size_t size)
{
  note ();
  return __libc_malloc (size);
}

void *
calloc (size_t n, size_t size)
{
  note ();
  return __libc_calloc (n, size);
}

void *
realloc (void *ptr, size_t size)
{
  note ();
  return __libc_realloc (ptr, size);
}

void *
memalign (size_t alignment, size_t size)
{
  note ();
  return __libc_memalign (alignment, size);
}

void *
aligned_alloc (size_t alignment, size_t size)
{
  note ();
  return __libc_memalign (alignment, size);
}

int
posix_memalign (void **out, size_t alignment, size_t size)
{
  void *p;

  if (alignment % sizeof (void *) != 0 || (alignment & (alignment - 1)) != 0)
    return EINVAL;
  note ();
  p = __libc_memalign (alignment, size);
  if (!p)
    return ENOMEM;
  *out = p;
  return 0;
}
