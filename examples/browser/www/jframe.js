// gst-e2ee browser example: the JFrame format and the key schedules, written
// from docs/wire-format.md (sections 2 to 9; the functions of section 12).
// Plain script: the worker loads it with importScripts().
// SPDX-License-Identifier: LGPL-2.1-or-later
'use strict';

const JFRAME_TRAILER = 30;
const JFRAME_IV_LENGTH = 12;
const JFRAME_RING_SIZE = 16;
const JFRAME_RATCHET_WINDOW = 8;

const jframeSubtle = self.crypto.subtle;
const jframeUtf8 = (s) => new TextEncoder().encode(s);

async function jframeHkdf(material, salt, info, bytes) {
  const base = await jframeSubtle.importKey('raw', material, 'HKDF', false,
      ['deriveBits']);
  return new Uint8Array(await jframeSubtle.deriveBits(
      { name: 'HKDF', hash: 'SHA-256', salt: jframeUtf8(salt), info },
      base, bytes * 8));
}

// Section 7: the AES key and the ratchet of the jitsi and livekit schedules.
async function jframeAesKeyBytes(kdf, material) {
  switch (kdf) {
    case 'jitsi':
      return jframeHkdf(material, 'JFrameEncryptionKey', new Uint8Array(0), 16);
    case 'livekit':
      return jframeHkdf(material, 'LKFrameEncryptionKey', new Uint8Array(128), 16);
    case 'raw':
      return material;
  }
  throw new Error(`unknown key schedule ${kdf}`);
}

async function jframeRatchet(kdf, material) {
  switch (kdf) {
    case 'jitsi':
      return jframeHkdf(material, 'JFrameRatchetKey', new Uint8Array(0), 32);
    case 'livekit':
      return jframeHkdf(material, 'LKFrameEncryptionKey', new Uint8Array(128), 32);
  }
  return null;
}

// A key: its material (kept for the ratchet) and its AES-GCM CryptoKey.
async function jframeMakeKey(kdf, material) {
  if (material.length !== 16 && material.length !== 32)
    throw new Error('key material must be 16 or 32 bytes');
  const aes = await jframeSubtle.importKey('raw',
      await jframeAesKeyBytes(kdf, material), 'AES-GCM', false,
      ['encrypt', 'decrypt']);
  return { kdf, material, aes };
}

// Section 3. The sender knows the frame type ('key' or 'delta'); the
// receiver reads the inverted key frame bit of the first byte, which the
// encryption leaves clear.
function jframeClearBytes(kind, frameType, first, n) {
  if (n === 0)
    return 0;
  let h = 1;
  if (kind === 'video') {
    const key = frameType ? frameType === 'key' : (first & 1) === 0;
    h = key ? 10 : 3;
  }
  return Math.min(h, n);
}

// Section 4: the JFrame of a clear frame, with the IV given.
async function jframeSeal(key, kid, iv, h, frame) {
  if (frame.length === 0)
    return frame;
  const ctAndTag = new Uint8Array(await jframeSubtle.encrypt(
      { name: 'AES-GCM', iv, additionalData: frame.subarray(0, h), tagLength: 128 },
      key.aes, frame.subarray(h)));
  const out = new Uint8Array(h + ctAndTag.length + JFRAME_IV_LENGTH + 2);
  out.set(frame.subarray(0, h), 0);
  out.set(ctAndTag, h);
  out.set(iv, h + ctAndTag.length);
  out[out.length - 2] = JFRAME_IV_LENGTH;
  out[out.length - 1] = kid;
  return out;
}

// The clear frame, or null if the key does not authenticate the frame.
async function jframeOpenWith(key, h, data) {
  const n = data.length - JFRAME_TRAILER;
  try {
    const pt = new Uint8Array(await jframeSubtle.decrypt(
        { name: 'AES-GCM', iv: data.subarray(n + 16, n + 28),
          additionalData: data.subarray(0, h), tagLength: 128 },
        key.aes, data.subarray(h, n + 16)));
    const out = new Uint8Array(n);
    out.set(data.subarray(0, h), 0);
    out.set(pt, h);
    return out;
  } catch (e) {
    return null;
  }
}

// Section 5: a random 32-bit prefix and a 64-bit counter from a random start.
class JFrameIvSource {
  constructor() {
    this.iv = new Uint8Array(JFRAME_IV_LENGTH);
    self.crypto.getRandomValues(this.iv);
    this.counter = new DataView(this.iv.buffer).getBigUint64(4);
  }

  next() {
    new DataView(this.iv.buffer).setBigUint64(4, this.counter);
    this.counter = (this.counter + 1n) & 0xffffffffffffffffn;
    return this.iv.slice();
  }
}

// Section 6 and 9: one sender's keys, 16 slots of a current and a previous
// key, and the receiver algorithm with the ratchet window.
class JFrameKeyRing {
  constructor(window = JFRAME_RATCHET_WINDOW) {
    this.window = window;
    this.slots = new Array(JFRAME_RING_SIZE).fill(null);
  }

  async setKey(index, kdf, material) {
    const key = await jframeMakeKey(kdf, material);
    const slot = index % JFRAME_RING_SIZE;
    const old = this.slots[slot];
    this.slots[slot] = { current: key, previous: old ? old.current : null };
  }

  // { frame } on success (with ratchets, the steps taken), or { error }:
  // 'bad-frame', 'missing-key' or 'auth-failed'. Never throws.
  async open(kind, data) {
    const m = data.length;
    if (m === 0)
      return { frame: data, ratchets: 0 };
    if (m < JFRAME_TRAILER || data[m - 2] !== JFRAME_IV_LENGTH)
      return { error: 'bad-frame' };
    const kid = data[m - 1];
    const slot = kid < JFRAME_RING_SIZE ? this.slots[kid] : null;
    if (!slot)
      return { error: 'missing-key' };
    const n = m - JFRAME_TRAILER;
    const h = jframeClearBytes(kind, null, data[0], n);
    let frame = await jframeOpenWith(slot.current, h, data);
    if (frame)
      return { frame, ratchets: 0 };
    if (slot.previous) {
      frame = await jframeOpenWith(slot.previous, h, data);
      if (frame)
        return { frame, ratchets: 0 };
    }
    let material = slot.current.material;
    for (let j = 1; j <= this.window; j++) {
      material = await jframeRatchet(slot.current.kdf, material);
      if (!material)
        break;
      const key = await jframeMakeKey(slot.current.kdf, material);
      frame = await jframeOpenWith(key, h, data);
      if (frame) {
        // unless the slot was replaced while we tried
        if (this.slots[kid] === slot)
          this.slots[kid] = { current: key, previous: slot.current };
        return { frame, ratchets: j };
      }
    }
    return { error: 'auth-failed' };
  }
}
