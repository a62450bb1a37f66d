// gst-e2ee
// Copyright (C) 2026 The gst-e2ee authors
//
// This library is free software; you can redistribute it and/or
// modify it under the terms of the GNU Library General Public
// License as published by the Free Software Foundation; either
// version 2 of the License, or (at your option) any later version.
//
// This library is distributed in the hope that it will be useful,
// but WITHOUT ANY WARRANTY; without even the implied warranty of
// MERCHANTABILITY or FITNESS FOR A PARTICULAR PURPOSE.  See the GNU
// Library General Public License for more details.
//
// You should have received a copy of the GNU Library General Public
// License along with this library; if not, write to the
// Free Software Foundation, Inc., 51 Franklin St, Fifth Floor,
// Boston, MA 02110-1301, USA.

// Known-answer vectors of the `talk` and `livekit-256` key schedules,
// computed with WebCrypto (what the Nextcloud Talk and LiveKit web clients
// call) and nothing of gst-e2ee: this script shares no code with the C
// library it checks. It writes tests/data/kdf-vectors.json:
//
//   node tests/data/gen-kdf-vectors.mjs > tests/data/kdf-vectors.json
//
// With --check FILE it compares its output with FILE instead (the meson
// test `kdf-vectors-current`), so the committed vectors stay the ones this
// script computes.

import { readFileSync } from 'node:fs';

const subtle = globalThis.crypto.subtle;
const utf8 = (s) => new TextEncoder().encode(s);
const toHex = (b) => Buffer.from(b).toString('hex');
const fromHex = (h) => new Uint8Array(Buffer.from(h, 'hex'));

// WebCrypto calls in the form the clients make them: the material is
// imported as an HKDF (or PBKDF2) key, the AES key comes from deriveKey
// with AES-GCM of `bits` length (exported here to record it), the next
// material from deriveBits(256).
async function hkdfKey(material, salt, info, bits) {
  const base = await subtle.importKey('raw', material, 'HKDF', false,
      ['deriveKey', 'deriveBits']);
  const k = await subtle.deriveKey({ name: 'HKDF', hash: 'SHA-256',
      salt: utf8(salt), info }, base, { name: 'AES-GCM', length: bits }, true,
      ['encrypt', 'decrypt']);
  return new Uint8Array(await subtle.exportKey('raw', k));
}

async function hkdfBits(material, salt, info) {
  const base = await subtle.importKey('raw', material, 'HKDF', false,
      ['deriveBits']);
  return new Uint8Array(await subtle.deriveBits({ name: 'HKDF',
      hash: 'SHA-256', salt: utf8(salt), info }, base, 256));
}

const PBKDF2 = (salt) => ({ name: 'PBKDF2', hash: 'SHA-256', salt: utf8(salt),
    iterations: 100000 });

async function pbkdf2Key(material, bits) {
  const base = await subtle.importKey('raw', material, 'PBKDF2', false,
      ['deriveKey']);
  const k = await subtle.deriveKey(PBKDF2('LKFrameEncryptionKey'), base,
      { name: 'AES-GCM', length: bits }, true, ['encrypt', 'decrypt']);
  return new Uint8Array(await subtle.exportKey('raw', k));
}

async function pbkdf2Bits(material) {
  const base = await subtle.importKey('raw', material, 'PBKDF2', false,
      ['deriveBits']);
  return new Uint8Array(await subtle.deriveBits(PBKDF2('LKFrameEncryptionKey'),
      base, 256));
}

const EMPTY = new Uint8Array(0);
const ZERO128 = new Uint8Array(128);

const schedules = {
  talk: {
    aes: (m) => hkdfKey(m, 'TalkFrameEncryptionKey', EMPTY, 128),
    ratchet: (m) => hkdfBits(m, 'TalkFrameRatchetKey', EMPTY),
  },
  livekit_256: {
    aes: (m) => hkdfKey(m, 'LKFrameEncryptionKey', ZERO128, 256),
    ratchet: (m) => hkdfBits(m, 'LKFrameEncryptionKey', ZERO128),
  },
};

// The JFrame layout (docs/wire-format.md, sections 2 to 4) for the two
// codecs whose clear bytes need no parsing.
function clearBytes(media, p) {
  if (p.length === 0) return 0;
  if (media === 'video/x-vp8') return Math.min((p[0] & 1) === 0 ? 10 : 3,
      p.length);
  return 1;
}

async function seal(aesKey, media, p, iv, kid) {
  const h = clearBytes(media, p);
  const k = await subtle.importKey('raw', aesKey, 'AES-GCM', false,
      ['encrypt']);
  const ct = new Uint8Array(await subtle.encrypt({ name: 'AES-GCM', iv,
      additionalData: p.subarray(0, h), tagLength: 128 }, k, p.subarray(h)));
  const out = new Uint8Array(p.length + 30);
  out.set(p.subarray(0, h), 0);
  out.set(ct, h);
  out.set(iv, p.length + 16);
  out[p.length + 28] = 12;
  out[p.length + 29] = kid;
  return out;
}

const FRAMES = [
  { name: 'opus, 1 clear byte', media: 'audio/x-opus', plaintext: 'deadbeef',
    iv: '0000007b0000000000000000', key_index: 0, ratchets: 0 },
  { name: 'vp8 key frame, 10 clear bytes', media: 'video/x-vp8',
    plaintext: 'deadbeefdeadbeefdeadbeef', iv: '000001410000000000000000',
    key_index: 0, ratchets: 0 },
  { name: 'vp8 delta frame, key index 17 (KID 1), ratcheted once',
    media: 'video/x-vp8', plaintext: '3101001122334455667788',
    iv: '1a2b3c4d0006445941624000', key_index: 17, ratchets: 1 },
];

async function scheduleVectors(kind, material, description) {
  const s = schedules[kind];
  const r1 = await s.ratchet(material);
  const r2 = await s.ratchet(r1);
  const out = {
    kdf: description,
    key: toHex(material),
    encryption_key: toHex(await s.aes(material)),
    ratchet_1: toHex(r1),
    encryption_key_of_ratchet_1: toHex(await s.aes(r1)),
    ratchet_2: toHex(r2),
    encryption_key_of_ratchet_2: toHex(await s.aes(r2)),
    frames: [],
  };
  for (const f of FRAMES) {
    const m = f.ratchets ? r1 : material;
    const sealed = await seal(await s.aes(m), f.media, fromHex(f.plaintext),
        fromHex(f.iv), f.key_index % 16);
    out.frames.push({ ...f, encrypted: toHex(sealed) });
  }
  return out;
}

async function main() {
  const material = fromHex('01' + '00'.repeat(31));
  const vectors = {
    description: 'Known-answer vectors of the talk and livekit-256 key ' +
        'schedules, computed with WebCrypto under Node.js by ' +
        'tests/data/gen-kdf-vectors.mjs (no gst-e2ee code). All byte ' +
        'strings are lowercase hex. A frame with ratchets=1 is sealed with ' +
        'the AES key of ratchet_1.',
    talk: await scheduleVectors('talk', material,
        "HKDF-SHA256(ikm=key, salt='TalkFrameEncryptionKey', info='', " +
        "L=16) -> AES-128-GCM key; ratchet: HKDF-SHA256(ikm=key, " +
        "salt='TalkFrameRatchetKey', info='', L=32)"),
    livekit_256: await scheduleVectors('livekit_256', material,
        "HKDF-SHA256(ikm=key, salt='LKFrameEncryptionKey', info=128 zero " +
        "bytes, L=32) -> AES-256-GCM key (deriveKey AES-GCM length 256); " +
        'ratchet: the same HKDF, L=32'),
  };
  // LiveKit's passphrase mode with keySize 256
  let m = utf8('password');
  const rounds = [];
  for (let i = 0; i < 3; i++) {
    rounds.push(toHex(await pbkdf2Key(m, 256)));
    m = await pbkdf2Bits(m);
  }
  vectors.livekit_256.passphrase = 'password';
  vectors.livekit_256.passphrase_kdf = "PBKDF2-SHA256(password, " +
      "salt='LKFrameEncryptionKey', 100000 iterations, 32 bytes) -> " +
      'AES-256-GCM key; ratchet: the same PBKDF2, 32 bytes, the next password';
  vectors.livekit_256.passphrase_encryption_keys = rounds;

  const text = JSON.stringify(vectors, null, 1) + '\n';
  const i = process.argv.indexOf('--check');
  if (i >= 0) {
    const committed = readFileSync(process.argv[i + 1], 'utf8');
    if (committed !== text) {
      console.error('kdf-vectors.json differs from what ' +
          'gen-kdf-vectors.mjs computes; regenerate it');
      process.exit(1);
    }
    console.log('kdf-vectors.json: every vector recomputed with WebCrypto');
  } else {
    process.stdout.write(text);
  }
}

await main();
