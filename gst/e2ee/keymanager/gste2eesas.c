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
 * SECTION:gste2eesas
 * @title: Short authentication strings
 * @short_description: the numbers and emoji two users compare
 *
 * Olm sessions are trusted on first use. To rule out a man in the middle,
 * two users compare a short authentication string (SAS) derived from a key
 * agreement whose MACs bind the ed25519 identity keys (and, through the
 * hello's signature, the curve25519 ones): if they see the same, nobody
 * sits between them. This is the SAS of the Matrix specification as Jitsi Meet
 * shows it (lib-jitsi-meet's `modules/e2ee/SAS.ts`), made from the
 * %GST_E2EE_SAS_BYTES bytes of the SAS key agreement:
 *
 * - decimal: three numbers from 1000 to 9191, 13 bits each of the first
 *   five bytes, plus 1000;
 * - emoji: seven emoji, 6 bits each of the six bytes (as base64 cuts them),
 *   from Matrix's table of 64 emoji with their English names (dog, cat,
 *   lion, ...). The symbols are UTF-8 exactly as Jitsi Meet has them,
 *   variation selectors included, so that both sides render the same glyph.
 *
 * Users should compare all of one form; either form carries enough bits to
 * make a successful attack unlikely (1 in 2^39 or 2^42).
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gste2eesas-private.h"
#include "gste2eeolm-private.h"

typedef struct
{
  const gchar *symbol;
  const gchar *name;
} SasEmoji;

/* Matrix's SAS emoji table, in lib-jitsi-meet's UTF-8 spelling */
static const SasEmoji emoji_table[GST_E2EE_SAS_EMOJI_TABLE_SIZE] = {
  {"\xf0\x9f\x90\xb6", "dog"},  /*  0 U+1F436 */
  {"\xf0\x9f\x90\xb1", "cat"},  /*  1 U+1F431 */
  {"\xf0\x9f\xa6\x81", "lion"}, /*  2 U+1F981 */
  {"\xf0\x9f\x90\x8e", "horse"},        /*  3 U+1F40E */
  {"\xf0\x9f\xa6\x84", "unicorn"},      /*  4 U+1F984 */
  {"\xf0\x9f\x90\xb7", "pig"},  /*  5 U+1F437 */
  {"\xf0\x9f\x90\x98", "elephant"},     /*  6 U+1F418 */
  {"\xf0\x9f\x90\xb0", "rabbit"},       /*  7 U+1F430 */
  {"\xf0\x9f\x90\xbc", "panda"},        /*  8 U+1F43C */
  {"\xf0\x9f\x90\x93", "rooster"},      /*  9 U+1F413 */
  {"\xf0\x9f\x90\xa7", "penguin"},      /* 10 U+1F427 */
  {"\xf0\x9f\x90\xa2", "turtle"},       /* 11 U+1F422 */
  {"\xf0\x9f\x90\x9f", "fish"}, /* 12 U+1F41F */
  {"\xf0\x9f\x90\x99", "octopus"},      /* 13 U+1F419 */
  {"\xf0\x9f\xa6\x8b", "butterfly"},    /* 14 U+1F98B */
  {"\xf0\x9f\x8c\xb7", "flower"},       /* 15 U+1F337 */
  {"\xf0\x9f\x8c\xb3", "tree"}, /* 16 U+1F333 */
  {"\xf0\x9f\x8c\xb5", "cactus"},       /* 17 U+1F335 */
  {"\xf0\x9f\x8d\x84", "mushroom"},     /* 18 U+1F344 */
  {"\xf0\x9f\x8c\x8f", "globe"},        /* 19 U+1F30F */
  {"\xf0\x9f\x8c\x99", "moon"}, /* 20 U+1F319 */
  {"\xe2\x98\x81\xef\xb8\x8f", "cloud"},        /* 21 U+2601 U+FE0F */
  {"\xf0\x9f\x94\xa5", "fire"}, /* 22 U+1F525 */
  {"\xf0\x9f\x8d\x8c", "banana"},       /* 23 U+1F34C */
  {"\xf0\x9f\x8d\x8e", "apple"},        /* 24 U+1F34E */
  {"\xf0\x9f\x8d\x93", "strawberry"},   /* 25 U+1F353 */
  {"\xf0\x9f\x8c\xbd", "corn"}, /* 26 U+1F33D */
  {"\xf0\x9f\x8d\x95", "pizza"},        /* 27 U+1F355 */
  {"\xf0\x9f\x8e\x82", "cake"}, /* 28 U+1F382 */
  {"\xe2\x9d\xa4\xef\xb8\x8f", "heart"},        /* 29 U+2764 U+FE0F */
  {"\xf0\x9f\x99\x82", "smiley"},       /* 30 U+1F642 */
  {"\xf0\x9f\xa4\x96", "robot"},        /* 31 U+1F916 */
  {"\xf0\x9f\x8e\xa9", "hat"},  /* 32 U+1F3A9 */
  {"\xf0\x9f\x91\x93", "glasses"},      /* 33 U+1F453 */
  {"\xf0\x9f\x94\xa7", "spanner"},      /* 34 U+1F527 */
  {"\xf0\x9f\x8e\x85", "santa"},        /* 35 U+1F385 */
  {"\xf0\x9f\x91\x8d", "thumbs up"},    /* 36 U+1F44D */
  {"\xe2\x98\x82\xef\xb8\x8f", "umbrella"},     /* 37 U+2602 U+FE0F */
  {"\xe2\x8c\x9b", "hourglass"},        /* 38 U+231B */
  {"\xe2\x8f\xb0", "clock"},    /* 39 U+23F0 */
  {"\xf0\x9f\x8e\x81", "gift"}, /* 40 U+1F381 */
  {"\xf0\x9f\x92\xa1", "light bulb"},   /* 41 U+1F4A1 */
  {"\xf0\x9f\x93\x95", "book"}, /* 42 U+1F4D5 */
  {"\xe2\x9c\x8f\xef\xb8\x8f", "pencil"},       /* 43 U+270F U+FE0F */
  {"\xf0\x9f\x93\x8e", "paperclip"},    /* 44 U+1F4CE */
  {"\xe2\x9c\x82\xef\xb8\x8f", "scissors"},     /* 45 U+2702 U+FE0F */
  {"\xf0\x9f\x94\x92", "lock"}, /* 46 U+1F512 */
  {"\xf0\x9f\x94\x91", "key"},  /* 47 U+1F511 */
  {"\xf0\x9f\x94\xa8", "hammer"},       /* 48 U+1F528 */
  {"\xe2\x98\x8e\xef\xb8\x8f", "telephone"},    /* 49 U+260E U+FE0F */
  {"\xf0\x9f\x8f\x81", "flag"}, /* 50 U+1F3C1 */
  {"\xf0\x9f\x9a\x82", "train"},        /* 51 U+1F682 */
  {"\xf0\x9f\x9a\xb2", "bicycle"},      /* 52 U+1F6B2 */
  {"\xe2\x9c\x88\xef\xb8\x8f", "aeroplane"},    /* 53 U+2708 U+FE0F */
  {"\xf0\x9f\x9a\x80", "rocket"},       /* 54 U+1F680 */
  {"\xf0\x9f\x8f\x86", "trophy"},       /* 55 U+1F3C6 */
  {"\xe2\x9a\xbd", "ball"},     /* 56 U+26BD */
  {"\xf0\x9f\x8e\xb8", "guitar"},       /* 57 U+1F3B8 */
  {"\xf0\x9f\x8e\xba", "trumpet"},      /* 58 U+1F3BA */
  {"\xf0\x9f\x94\x94", "bell"}, /* 59 U+1F514 */
  {"\xe2\x9a\x93\xef\xb8\x8f", "anchor"},       /* 60 U+2693 U+FE0F */
  {"\xf0\x9f\x8e\xa7", "headphones"},   /* 61 U+1F3A7 */
  {"\xf0\x9f\x93\x81", "folder"},       /* 62 U+1F4C1 */
  {"\xf0\x9f\x93\x8c", "pin"},  /* 63 U+1F4CC */
};

/**
 * gst_e2ee_sas_decimal:
 * @bytes: (array fixed-size=6): the bytes of the SAS key agreement
 * @out: (out caller-allocates) (array fixed-size=3): the three numbers,
 *   1000 to 9191
 *
 * The decimal SAS: the first 39 bits of @bytes cut into three 13-bit
 * numbers, each plus 1000. The last byte is not used.
 *
 * MT safe.
 */
void
gst_e2ee_sas_decimal (const guint8 * bytes, guint16 * out)
{
  g_return_if_fail (bytes != NULL);
  g_return_if_fail (out != NULL);

  out[0] = ((bytes[0] << 5) | (bytes[1] >> 3)) + 1000;
  out[1] = (((bytes[1] & 0x07) << 10) | (bytes[2] << 2) | (bytes[3] >> 6))
      + 1000;
  out[2] = (((bytes[3] & 0x3f) << 7) | (bytes[4] >> 1)) + 1000;
}

/**
 * gst_e2ee_sas_emoji_indexes:
 * @bytes: (array fixed-size=6): the bytes of the SAS key agreement
 * @out: (out caller-allocates) (array fixed-size=7): seven indexes into the
 *   emoji table, 0 to 63
 *
 * The emoji SAS: the first 42 bits of @bytes cut into seven 6-bit indexes.
 * Show each with gst_e2ee_sas_emoji_symbol() and gst_e2ee_sas_emoji_name().
 *
 * MT safe.
 */
void
gst_e2ee_sas_emoji_indexes (const guint8 * bytes, guint8 * out)
{
  g_return_if_fail (bytes != NULL);
  g_return_if_fail (out != NULL);

  out[0] = bytes[0] >> 2;
  out[1] = ((bytes[0] & 0x03) << 4) | (bytes[1] >> 4);
  out[2] = ((bytes[1] & 0x0f) << 2) | (bytes[2] >> 6);
  out[3] = bytes[2] & 0x3f;
  out[4] = bytes[3] >> 2;
  out[5] = ((bytes[3] & 0x03) << 4) | (bytes[4] >> 4);
  out[6] = ((bytes[4] & 0x0f) << 2) | (bytes[5] >> 6);
}

/**
 * gst_e2ee_sas_emoji_symbol:
 * @index: an index from gst_e2ee_sas_emoji_indexes()
 *
 * Returns: (transfer none) (nullable): the emoji, UTF-8 (some are followed
 *   by U+FE0F, the emoji presentation selector), or %NULL if @index is not
 *   below %GST_E2EE_SAS_EMOJI_TABLE_SIZE
 *
 * MT safe.
 */
const gchar *
gst_e2ee_sas_emoji_symbol (guint index)
{
  if (index >= G_N_ELEMENTS (emoji_table))
    return NULL;
  return emoji_table[index].symbol;
}

/**
 * gst_e2ee_sas_emoji_name:
 * @index: an index from gst_e2ee_sas_emoji_indexes()
 *
 * Returns: (transfer none) (nullable): the emoji's English name as Jitsi
 *   Meet and the Matrix specification give it ("dog", "thumbs up", ...), or
 *   %NULL if @index is not below %GST_E2EE_SAS_EMOJI_TABLE_SIZE
 *
 * MT safe.
 */
const gchar *
gst_e2ee_sas_emoji_name (guint index)
{
  if (index >= G_N_ELEMENTS (emoji_table))
    return NULL;
  return emoji_table[index].name;
}

/*
 * The sas-mac lib-jitsi-meet sends and checks: one entry, named
 * "ed25519:<receiver>", the MAC of the sender's ed25519 key with info
 * "Jitsi-KEY_VERIFICATION_MAC" <sender> <receiver> <transactionId> <entry
 * name>; "keys" the MAC of the sorted entry names joined by ',' with info
 * the same prefix and "Jitsi-KEY_IDS". The curve25519 key is not MACed: its
 * hello signature binds it to the ed25519 key (docs/keymanager.md), and
 * lib-jitsi-meet before its PR #3110 checks every entry against the ed25519
 * key, so a curve25519 entry fails there. @mac or @keys is %NULL if
 * libolm failed (the peer's SAS key is not set).
 */
void
gst_e2ee_sas_jitsi_mac (GstE2eeOlmSas * sas, const gchar * sender,
    const gchar * receiver, const gchar * transaction_id,
    const gchar * ed25519, gchar ** key_id, gchar ** mac, gchar ** keys)
{
  gchar *base =
      g_strconcat (GST_E2EE_SAS_MAC_INFO, sender, receiver, transaction_id,
      NULL);
  gchar *info;

  *key_id = g_strconcat ("ed25519:", receiver, NULL);
  info = g_strconcat (base, *key_id, NULL);
  *mac = gst_e2ee_olm_sas_calculate_mac (sas, ed25519, info, NULL);
  g_free (info);
  info = g_strconcat (base, GST_E2EE_SAS_MAC_KEY_IDS, NULL);
  *keys = gst_e2ee_olm_sas_calculate_mac (sas, *key_id, info, NULL);
  g_free (info);
  g_free (base);
}
