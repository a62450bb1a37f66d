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

/*
 * Linked into every check executable. When a pipeline stops, GStreamer
 * hands its streaming threads back to GLib's thread pool, which ends all
 * but two of them at once; a check child that exits right after its test
 * then runs OpenSSL's atexit cleanup (which destroys OpenSSL's global
 * locks) while those threads still run OpenSSL's per-thread destructors,
 * which take the same locks: a crash (SIGSEGV or SIGABRT "after this
 * point") at the end of a test that passed, seen in hygiene about one run
 * in three. The process is about to end: OpenSSL need not clean up.
 * OPENSSL_INIT_NO_ATEXIT is only honoured by the first initialisation,
 * hence a constructor.
 */

#include <openssl/crypto.h>

static void __attribute__((constructor))
    e2ee_test_openssl_no_atexit (void)
{
  OPENSSL_init_crypto (OPENSSL_INIT_NO_ATEXIT, NULL);
}
