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
 * The encrypted state file of the key manager (its olm account and
 * sessions), and the key file that unlocks it.
 *
 * A state file is
 *
 *   "GSTE2EE-STATE-1\n" (16 bytes) | IV (12) | ciphertext | tag (16)
 *
 * AES-256-GCM under a 32-byte key, a fresh random IV on every write, the
 * magic line as additional authenticated data. Any change to any byte, a
 * truncation, or another key makes reading fail with %GST_E2EE_ERROR_STATE;
 * a missing file fails with %G_FILE_ERROR_NOENT, so that the caller can
 * tell a first start from a broken file.
 *
 * Files are replaced atomically (a temporary file in the same directory,
 * fsync, rename, then fsync of the directory), so a crash leaves the old
 * state or the new one, never a mix. They are created with mode 0600.
 *
 * The key file holds the 32 raw key bytes. It is created from the CSPRNG
 * when missing, and refused when it is not a regular file (a symbolic link
 * included), is not owned by the process's user, its size is wrong, or
 * group or others have any access to it. The state file is read only if it
 * is a regular file of at most 16 MiB.
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gste2eestatefile-private.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <glib/gstdio.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>

#define STATE_MAGIC "GSTE2EE-STATE-1\n"
#define STATE_MAGIC_LEN (sizeof (STATE_MAGIC) - 1)
#define STATE_HEADER_LEN (STATE_MAGIC_LEN + GST_E2EE_IV_SIZE)
#define STATE_OVERHEAD (STATE_HEADER_LEN + GST_E2EE_AES_GCM_TAG_SIZE)

G_STATIC_ASSERT (STATE_MAGIC_LEN == 16);

/* Makes a rename or a new link in @path's directory durable. Best effort:
 * some file systems cannot fsync a directory. */
static void
sync_parent_dir (const gchar * path)
{
  gchar *dir = g_path_get_dirname (path);
  int fd = g_open (dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0);

  if (fd >= 0) {
    fsync (fd);
    g_close (fd, NULL);
  }
  g_free (dir);
}

/* AES-256-GCM: @out gets the ciphertext of @in (@len bytes), then the tag. */
static gboolean
seal (const guint8 * key, const guint8 * iv, const guint8 * aad,
    gsize aad_len, const guint8 * in, gsize len, guint8 * out)
{
  EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new ();
  int outl;
  gboolean ok;

  ok = ctx != NULL
      && EVP_EncryptInit_ex (ctx, EVP_aes_256_gcm (), NULL, key, iv) == 1
      && EVP_EncryptUpdate (ctx, NULL, &outl, aad, (int) aad_len) == 1
      && (len == 0 || EVP_EncryptUpdate (ctx, out, &outl, in, (int) len) == 1)
      && EVP_EncryptFinal_ex (ctx, out + len, &outl) == 1
      && EVP_CIPHER_CTX_ctrl (ctx, EVP_CTRL_GCM_GET_TAG,
      GST_E2EE_AES_GCM_TAG_SIZE, out + len) == 1;
  /* frees and wipes the expanded key */
  EVP_CIPHER_CTX_free (ctx);
  return ok;
}

/* AES-256-GCM: @out gets the plaintext of @in (@len bytes), which is
 * followed by its tag. On failure @out holds nothing of it. */
static gboolean
open_sealed (const guint8 * key, const guint8 * iv, const guint8 * aad,
    gsize aad_len, const guint8 * in, gsize len, guint8 * out)
{
  EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new ();
  guint8 tag[GST_E2EE_AES_GCM_TAG_SIZE];
  int outl;
  gboolean ok;

  memcpy (tag, in + len, sizeof (tag));
  ok = ctx != NULL
      && EVP_DecryptInit_ex (ctx, EVP_aes_256_gcm (), NULL, key, iv) == 1
      && EVP_DecryptUpdate (ctx, NULL, &outl, aad, (int) aad_len) == 1
      && (len == 0 || EVP_DecryptUpdate (ctx, out, &outl, in, (int) len) == 1)
      && EVP_CIPHER_CTX_ctrl (ctx, EVP_CTRL_GCM_SET_TAG, sizeof (tag),
      tag) == 1 && EVP_DecryptFinal_ex (ctx, out + len, &outl) == 1;
  EVP_CIPHER_CTX_free (ctx);
  if (!ok)
    OPENSSL_cleanse (out, len);
  return ok;
}

/**
 * gst_e2ee_state_file_write:
 * @path: the state file
 * @key: (array fixed-size=32): the key, from gst_e2ee_state_file_load_key()
 * @contents: (array length=len): the state to store
 * @len: its length
 * @error: (nullable): where to report a failure
 *
 * Encrypts @contents and atomically replaces @path with it, mode 0600.
 * @contents is encrypted straight into the file's buffer and never copied;
 * the caller wipes it.
 *
 * Returns: %TRUE once the new state is on disk
 */
gboolean
gst_e2ee_state_file_write (const gchar * path, const guint8 * key,
    const gchar * contents, gsize len, GError ** error)
{
  guint8 *buf;
  gsize total;
  gboolean ok;

  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (key != NULL, FALSE);
  g_return_val_if_fail (contents != NULL || len == 0, FALSE);

  if (len > G_MAXINT - STATE_OVERHEAD) {
    g_set_error (error, GST_E2EE_ERROR, GST_E2EE_ERROR_STATE,
        "state of %" G_GSIZE_FORMAT " bytes is too large", len);
    return FALSE;
  }

  total = STATE_OVERHEAD + len;
  buf = g_malloc (total);
  memcpy (buf, STATE_MAGIC, STATE_MAGIC_LEN);
  if (!gst_e2ee_random_bytes (buf + STATE_MAGIC_LEN, GST_E2EE_IV_SIZE)) {
    g_free (buf);
    g_set_error (error, GST_E2EE_ERROR, GST_E2EE_ERROR_RANDOM,
        "the CSPRNG failed");
    return FALSE;
  }
  if (!seal (key, buf + STATE_MAGIC_LEN, buf, STATE_MAGIC_LEN,
          (const guint8 *) contents, len, buf + STATE_HEADER_LEN)) {
    OPENSSL_cleanse (buf, total);
    g_free (buf);
    g_set_error (error, GST_E2EE_ERROR, GST_E2EE_ERROR_CRYPTO,
        "could not encrypt the state");
    return FALSE;
  }

  ok = g_file_set_contents_full (path, (const gchar *) buf, total,
      G_FILE_SET_CONTENTS_CONSISTENT | G_FILE_SET_CONTENTS_DURABLE, 0600,
      error);
  g_free (buf);
  if (ok)
    sync_parent_dir (path);
  return ok;
}

/* The state of 100 participants is a few hundred KiB. */
#define MAX_STATE_FILE_SIZE (16 * 1024 * 1024)

static void
set_errno_error (GError ** error, int err, const gchar * what,
    const gchar * path)
{
  g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (err),
      "%s %s: %s", what, path, g_strerror (err));
}

/* Reads up to @len bytes; gives how many in *got. */
static gboolean
read_all (int fd, guint8 * buf, gsize len, gsize * got)
{
  *got = 0;
  while (*got < len) {
    gssize n = read (fd, buf + *got, len - *got);

    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0)
      return FALSE;
    if (n == 0)
      break;
    *got += n;
  }
  return TRUE;
}

/* The bytes of the state file at @path. Only a regular file, of a bounded
 * size, is read: a FIFO, a device (/dev/zero) or a socket there would block
 * the caller (which holds the manager's lock) or read without end. Opened
 * non-blocking, so that opening a FIFO does not wait for a writer, then
 * checked with fstat(). */
static gchar *
read_state_bytes (const gchar * path, gsize * len, GError ** error)
{
  struct stat st;
  gchar *data = NULL;
  gsize got = 0;
  int fd;

  fd = g_open (path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY, 0);
  if (fd < 0) {
    set_errno_error (error, errno, "cannot open state file", path);
    return NULL;
  }
  if (fstat (fd, &st) != 0) {
    set_errno_error (error, errno, "cannot stat state file", path);
    goto out;
  }
  if (!S_ISREG (st.st_mode)) {
    g_set_error (error, GST_E2EE_ERROR, GST_E2EE_ERROR_STATE,
        "state file %s is not a regular file", path);
    goto out;
  }
  if (st.st_size > MAX_STATE_FILE_SIZE) {
    g_set_error (error, GST_E2EE_ERROR, GST_E2EE_ERROR_STATE,
        "state file %s has %" G_GINT64_FORMAT " bytes, more than a state "
        "can have", path, (gint64) st.st_size);
    goto out;
  }
  /* one byte more than fstat() said, to see a file that grew meanwhile */
  data = g_malloc ((gsize) st.st_size + 1);
  if (!read_all (fd, (guint8 *) data, (gsize) st.st_size + 1, &got)) {
    set_errno_error (error, errno, "cannot read state file", path);
    g_clear_pointer (&data, g_free);
    goto out;
  }
  if (got != (gsize) st.st_size) {
    g_set_error (error, GST_E2EE_ERROR, GST_E2EE_ERROR_STATE,
        "state file %s changed while it was read", path);
    g_clear_pointer (&data, g_free);
    goto out;
  }
  *len = got;

out:
  g_close (fd, NULL);
  return data;
}

/**
 * gst_e2ee_state_file_read:
 * @path: the state file
 * @key: (array fixed-size=32): the key it was written with
 * @len: (out) (optional): the length of the state
 * @error: (nullable): where to report a failure: %G_FILE_ERROR_NOENT if
 *   @path does not exist, another #GFileError if it cannot be read,
 *   %GST_E2EE_ERROR_STATE if it is not a state file, was changed or
 *   truncated, or was written under another key
 *
 * Returns: (transfer full) (nullable): the state, followed by a NUL byte
 *   that @len does not count; free it with
 *   gst_e2ee_state_file_free_contents()
 */
gchar *
gst_e2ee_state_file_read (const gchar * path, const guint8 * key, gsize * len,
    GError ** error)
{
  gchar *data, *plain;
  gsize dlen, clen;

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (key != NULL, NULL);

  data = read_state_bytes (path, &dlen, error);
  if (!data)
    return NULL;

  if (dlen < STATE_MAGIC_LEN || memcmp (data, STATE_MAGIC,
          STATE_MAGIC_LEN) != 0) {
    g_free (data);
    g_set_error (error, GST_E2EE_ERROR, GST_E2EE_ERROR_STATE,
        "%s is not a gst-e2ee state file", path);
    return NULL;
  }
  if (dlen < STATE_OVERHEAD || dlen - STATE_OVERHEAD > G_MAXINT) {
    g_free (data);
    g_set_error (error, GST_E2EE_ERROR, GST_E2EE_ERROR_STATE,
        "state file %s is truncated", path);
    return NULL;
  }

  clen = dlen - STATE_OVERHEAD;
  plain = g_malloc (clen + 1);
  if (!open_sealed (key, (const guint8 *) data + STATE_MAGIC_LEN,
          (const guint8 *) data, STATE_MAGIC_LEN,
          (const guint8 *) data + STATE_HEADER_LEN, clen, (guint8 *) plain)) {
    g_free (plain);
    g_free (data);
    g_set_error (error, GST_E2EE_ERROR, GST_E2EE_ERROR_STATE,
        "cannot decrypt state file %s: it was written under another key, "
        "or changed or truncated since", path);
    return NULL;
  }
  g_free (data);
  plain[clen] = '\0';
  if (len)
    *len = clen;
  return plain;
}

/**
 * gst_e2ee_state_file_free_contents:
 * @contents: (nullable) (transfer full): what gst_e2ee_state_file_read()
 *   returned
 * @len: the length it gave
 *
 * Wipes and frees @contents.
 */
void
gst_e2ee_state_file_free_contents (gchar * contents, gsize len)
{
  if (contents == NULL)
    return;

  OPENSSL_cleanse (contents, len);
  g_free (contents);
}

/* ---- the key file ---- */

typedef enum
{
  KEY_FILE_OK,
  KEY_FILE_MISSING,
  KEY_FILE_EXISTS,
  KEY_FILE_ERROR,
} KeyFileResult;

static gboolean
write_all (int fd, const guint8 * buf, gsize len)
{
  while (len > 0) {
    gssize n = write (fd, buf, len);

    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0)
      return FALSE;
    buf += n;
    len -= n;
  }
  return TRUE;
}

static KeyFileResult
read_key_file (const gchar * path, guint8 * key, GError ** error)
{
  guint8 buf[GST_E2EE_STATE_KEY_SIZE + 1];
  struct stat st;
  gsize got = 0;
  int fd, err;
  KeyFileResult res = KEY_FILE_ERROR;

  /* not through a symbolic link (whoever can write the directory could
   * point it at a key of theirs), and without waiting for a FIFO's writer */
  fd = g_open (path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC |
      O_NOCTTY, 0);
  if (fd < 0) {
    err = errno;
    if (err == ENOENT)
      return KEY_FILE_MISSING;
    if (err == ELOOP) {
      g_set_error (error, GST_E2EE_ERROR, GST_E2EE_ERROR_STATE,
          "key file %s is a symbolic link; it must be a regular file", path);
      return KEY_FILE_ERROR;
    }
    set_errno_error (error, err, "cannot open key file", path);
    return KEY_FILE_ERROR;
  }

  if (fstat (fd, &st) != 0) {
    set_errno_error (error, errno, "cannot stat key file", path);
    goto out;
  }
  if (!S_ISREG (st.st_mode)) {
    g_set_error (error, GST_E2EE_ERROR, GST_E2EE_ERROR_STATE,
        "key file %s is not a regular file", path);
    goto out;
  }
  /* a key another user made (in a directory that user can write) is a
   * key that user knows */
  if (st.st_uid != geteuid ()) {
    g_set_error (error, GST_E2EE_ERROR, GST_E2EE_ERROR_STATE,
        "key file %s belongs to user %u, not to this process's user %u",
        path, (guint) st.st_uid, (guint) geteuid ());
    goto out;
  }
  /* like ssh with private keys: whoever can read it can read the state,
   * whoever can write it can make us lose the state */
  if ((st.st_mode & 0077) != 0) {
    g_set_error (error, GST_E2EE_ERROR, GST_E2EE_ERROR_STATE,
        "key file %s has mode %04o: group and others must have no access "
        "to it, because it decrypts the key manager's state; "
        "chmod 600 it", path, (guint) (st.st_mode & 07777));
    goto out;
  }
  if (st.st_size != GST_E2EE_STATE_KEY_SIZE) {
    g_set_error (error, GST_E2EE_ERROR, GST_E2EE_ERROR_STATE,
        "key file %s has %" G_GINT64_FORMAT " bytes, a key has %d", path,
        (gint64) st.st_size, GST_E2EE_STATE_KEY_SIZE);
    goto out;
  }
  /* one byte more than a key, in case the file grew since fstat() */
  if (!read_all (fd, buf, sizeof (buf), &got)) {
    set_errno_error (error, errno, "cannot read key file", path);
    goto out;
  }
  if (got != GST_E2EE_STATE_KEY_SIZE) {
    g_set_error (error, GST_E2EE_ERROR, GST_E2EE_ERROR_STATE,
        "key file %s changed while it was read", path);
    goto out;
  }
  memcpy (key, buf, GST_E2EE_STATE_KEY_SIZE);
  res = KEY_FILE_OK;

out:
  OPENSSL_cleanse (buf, sizeof (buf));
  g_close (fd, NULL);
  return res;
}

/* Creates @path exclusively with O_EXCL and writes @key: for file systems
 * without hard links. Not atomic: a crash can leave a short key file, which
 * read_key_file() then refuses. */
static KeyFileResult
create_key_file_excl (const gchar * path, const guint8 * key, GError ** error)
{
  int fd, err;

  fd = g_open (path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOCTTY, 0600);
  if (fd < 0) {
    err = errno;
    if (err == EEXIST)
      return KEY_FILE_EXISTS;
    set_errno_error (error, err, "cannot create key file", path);
    return KEY_FILE_ERROR;
  }
  if (!write_all (fd, key, GST_E2EE_STATE_KEY_SIZE) || fsync (fd) != 0) {
    err = errno;
    g_close (fd, NULL);
    g_unlink (path);
    set_errno_error (error, err, "cannot write key file", path);
    return KEY_FILE_ERROR;
  }
  if (!g_close (fd, NULL)) {
    err = errno;
    g_unlink (path);
    set_errno_error (error, err, "cannot write key file", path);
    return KEY_FILE_ERROR;
  }
  return KEY_FILE_OK;
}

/* Creates @path holding @key, atomically and only if it does not exist:
 * the key goes to a temporary file that is then hard-linked to @path, so
 * @path appears complete or not at all, and two processes starting at once
 * cannot both create it. */
static KeyFileResult
create_key_file (const gchar * path, const guint8 * key, GError ** error)
{
  gchar *dir, *base, *tmp;
  KeyFileResult res = KEY_FILE_ERROR;
  int fd, err;

  dir = g_path_get_dirname (path);
  base = g_path_get_basename (path);
  tmp = g_strdup_printf ("%s%c.%s.XXXXXX", dir, G_DIR_SEPARATOR, base);
  g_free (dir);
  g_free (base);

  fd = g_mkstemp_full (tmp, O_RDWR | O_CLOEXEC, 0600);
  if (fd < 0) {
    set_errno_error (error, errno, "cannot create key file", path);
    g_free (tmp);
    return KEY_FILE_ERROR;
  }
  if (!write_all (fd, key, GST_E2EE_STATE_KEY_SIZE) || fsync (fd) != 0) {
    err = errno;
    g_close (fd, NULL);
    set_errno_error (error, err, "cannot write key file", path);
    goto out;
  }
  if (!g_close (fd, NULL)) {
    set_errno_error (error, errno, "cannot write key file", path);
    goto out;
  }

  if (link (tmp, path) == 0) {
    res = KEY_FILE_OK;
  } else {
    err = errno;
    if (err == EEXIST)
      res = KEY_FILE_EXISTS;
    else if (err == EPERM || err == ENOTSUP || err == EOPNOTSUPP
        || err == ENOSYS)
      res = create_key_file_excl (path, key, error);
    else
      set_errno_error (error, err, "cannot create key file", path);
  }

out:
  g_unlink (tmp);
  g_free (tmp);
  if (res == KEY_FILE_OK)
    sync_parent_dir (path);
  return res;
}

/**
 * gst_e2ee_state_file_load_key:
 * @key_path: the key file
 * @key: (out caller-allocates) (array fixed-size=32): the key
 * @error: (nullable): where to report a failure
 *
 * Reads the state key from @key_path, or, if there is no such file, makes a
 * new key from the CSPRNG and creates @key_path with it (mode 0600,
 * atomically, never over a file another process created meanwhile).
 *
 * Refuses (%GST_E2EE_ERROR_STATE) a key file that is not a regular file (or
 * is a symbolic link), is not owned by the process's effective user, is
 * not exactly 32 bytes long, or gives group or others any access.
 *
 * Returns: %TRUE if @key holds the key; wipe it after use
 */
gboolean
gst_e2ee_state_file_load_key (const gchar * key_path, guint8 * key,
    GError ** error)
{
  guint8 fresh[GST_E2EE_STATE_KEY_SIZE];
  guint attempt;

  g_return_val_if_fail (key_path != NULL, FALSE);
  g_return_val_if_fail (key != NULL, FALSE);

  for (attempt = 0; attempt < 3; attempt++) {
    KeyFileResult res = read_key_file (key_path, key, error);

    if (res == KEY_FILE_OK)
      return TRUE;
    if (res == KEY_FILE_ERROR)
      return FALSE;

    if (!gst_e2ee_random_bytes (fresh, sizeof (fresh))) {
      g_set_error (error, GST_E2EE_ERROR, GST_E2EE_ERROR_RANDOM,
          "the CSPRNG failed");
      return FALSE;
    }
    res = create_key_file (key_path, fresh, error);
    if (res == KEY_FILE_OK)
      memcpy (key, fresh, sizeof (fresh));
    OPENSSL_cleanse (fresh, sizeof (fresh));
    if (res == KEY_FILE_OK)
      return TRUE;
    if (res == KEY_FILE_ERROR)
      return FALSE;
    /* another process created it meanwhile: read theirs */
  }

  g_set_error (error, GST_E2EE_ERROR, GST_E2EE_ERROR_STATE,
      "key file %s keeps appearing and disappearing", key_path);
  return FALSE;
}
