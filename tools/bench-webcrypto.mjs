// gst-e2ee: the "browser way" of tools/bench.
//
// Encrypts and decrypts frames with WebCrypto the way the Jitsi Meet and
// LiveKit web clients do in their insertable-streams workers: the AES key
// derived from the key material with HKDF (Jitsi's schedule), then per frame
// one crypto.subtle.encrypt() with the clear header as additional data and a
// new ArrayBuffer holding header, ciphertext, tag, IV, IV length and key
// index; per received frame one crypto.subtle.decrypt() and a new
// ArrayBuffer holding header and plaintext. Each call is awaited before the
// next frame, as a TransformStream does.
//
// Protocol, one JSON object per line: tools/bench writes the configuration
// {material, sizes: [{size, clear_len, payloads: [b64], jframes: [b64]}]};
// this script answers {ready, node, openssl, interop, interop_frames} after
// decrypting every JFrame that e2eeenc made (an interoperability check) and
// warming up. Then each {size_index, frames} line is answered with
// {cpu_ns, wall_ns}: process CPU time (the main thread and libuv's thread
// pool, where WebCrypto runs) and wall time for that many frames, each
// encrypted then decrypted. End of input ends the script.
//
// Copyright (C) 2026 The gst-e2ee authors. LGPL-2.1-or-later.

import { webcrypto } from 'node:crypto';
import { createInterface } from 'node:readline';

const subtle = webcrypto.subtle;
const IV_LENGTH = 12;
const KEY_INDEX = 0;
const SSRC = 0x2e2ee001;
const WARMUP_FRAMES = 200;

let config = null;
let key = null;
let sendCount = Math.floor(Math.random() * 0xffff);
let timestamp = 0;

function fromB64(s) {
  const b = Buffer.from(s, 'base64');
  return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
}

// Jitsi's key schedule: AES-128-GCM key = HKDF-SHA256(material,
// salt "JFrameEncryptionKey", empty info).
async function deriveKey(material) {
  const base = await subtle.importKey('raw', material, 'HKDF', false,
    ['deriveKey']);
  return subtle.deriveKey({
    name: 'HKDF',
    salt: new TextEncoder().encode('JFrameEncryptionKey'),
    hash: 'SHA-256',
    info: new ArrayBuffer(0),
  }, base, { name: 'AES-GCM', length: 128 }, false, ['encrypt', 'decrypt']);
}

// As lib-jitsi-meet: SSRC, RTP timestamp, send count.
function makeIV() {
  const iv = new ArrayBuffer(IV_LENGTH);
  const view = new DataView(iv);
  view.setUint32(0, SSRC);
  view.setUint32(4, timestamp++ >>> 0);
  view.setUint32(8, sendCount % 0xffff);
  sendCount++;
  return iv;
}

// frame: ArrayBuffer of a clear frame; returns the JFrame.
async function encryptFrame(frame, clearLen) {
  const iv = makeIV();
  const trailer = new Uint8Array([IV_LENGTH, KEY_INDEX]);
  const cipherText = await subtle.encrypt({
    name: 'AES-GCM',
    iv,
    additionalData: new Uint8Array(frame, 0, clearLen),
  }, key, new Uint8Array(frame, clearLen));
  const out = new ArrayBuffer(clearLen + cipherText.byteLength +
    iv.byteLength + trailer.byteLength);
  const u8 = new Uint8Array(out);
  u8.set(new Uint8Array(frame, 0, clearLen));
  u8.set(new Uint8Array(cipherText), clearLen);
  u8.set(new Uint8Array(iv), clearLen + cipherText.byteLength);
  u8.set(trailer, clearLen + cipherText.byteLength + iv.byteLength);
  return out;
}

// data: ArrayBuffer of a JFrame; returns header || plaintext.
async function decryptFrame(data, clearLen) {
  const trailer = new Uint8Array(data, data.byteLength - 2, 2);
  const ivLength = trailer[0];
  const iv = new Uint8Array(data, data.byteLength - ivLength - 2, ivLength);
  const cipherLength = data.byteLength - (clearLen + ivLength + 2);
  const plainText = await subtle.decrypt({
    name: 'AES-GCM',
    iv,
    additionalData: new Uint8Array(data, 0, clearLen),
  }, key, new Uint8Array(data, clearLen, cipherLength));
  const out = new ArrayBuffer(clearLen + plainText.byteLength);
  const u8 = new Uint8Array(out);
  u8.set(new Uint8Array(data, 0, clearLen));
  u8.set(new Uint8Array(plainText), clearLen);
  return out;
}

function equal(a, b) {
  return Buffer.compare(Buffer.from(a), Buffer.from(b)) === 0;
}

async function run(size, frames) {
  const n = size.payloads.length;
  for (let i = 0; i < frames; i++) {
    const jframe = await encryptFrame(size.payloads[i % n], size.clear_len);
    const clear = await decryptFrame(jframe, size.clear_len);
    if (i < n && !equal(clear, size.payloads[i % n]))
      throw new Error(`round trip of ${size.size} bytes failed`);
  }
}

async function setup(msg) {
  key = await deriveKey(fromB64(msg.material));
  let interop = true;
  let checked = 0;
  const sizes = [];
  for (const s of msg.sizes) {
    const payloads = s.payloads.map((p) => {
      const u8 = fromB64(p);
      return u8.buffer.slice(u8.byteOffset, u8.byteOffset + u8.byteLength);
    });
    for (let i = 0; i < s.jframes.length; i++) {
      const u8 = fromB64(s.jframes[i]);
      const jf = u8.buffer.slice(u8.byteOffset, u8.byteOffset + u8.byteLength);
      try {
        const clear = await decryptFrame(jf, s.clear_len);
        if (!equal(clear, payloads[i]))
          interop = false;
      } catch {
        interop = false;
      }
      checked++;
    }
    sizes.push({ size: s.size, clear_len: s.clear_len, payloads });
  }
  for (const s of sizes)
    await run(s, WARMUP_FRAMES);
  config = { sizes };
  return {
    ready: true,
    node: process.version,
    openssl: process.versions.openssl,
    interop,
    interop_frames: checked,
  };
}

async function measure(msg) {
  const size = config.sizes[msg.size_index];
  const cpu0 = process.cpuUsage();
  const wall0 = process.hrtime.bigint();
  await run(size, msg.frames);
  const wall = process.hrtime.bigint() - wall0;
  const cpu = process.cpuUsage(cpu0);
  return {
    cpu_ns: (cpu.user + cpu.system) * 1000,
    wall_ns: Number(wall),
  };
}

const rl = createInterface({ input: process.stdin, crlfDelay: Infinity });
for await (const line of rl) {
  if (!line.trim())
    continue;
  let reply;
  try {
    const msg = JSON.parse(line);
    reply = config === null ? await setup(msg) : await measure(msg);
  } catch (e) {
    reply = { error: String(e && e.message ? e.message : e) };
  }
  process.stdout.write(JSON.stringify(reply) + '\n');
}
