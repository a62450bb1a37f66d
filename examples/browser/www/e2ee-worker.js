// gst-e2ee browser example: the encoded transforms. Encrypts every frame the
// browser's encoders produce and decrypts every frame its depacketizers
// give, in the JFrame format (jframe.js), off the main thread.
//
// Two ways in: the standard RTCRtpScriptTransform (an 'rtctransform' event
// per sender or receiver), or Chromium's older createEncodedStreams(), whose
// streams the page transfers here in a 'stream' message. Both end in
// attach().
// SPDX-License-Identifier: LGPL-2.1-or-later
'use strict';

importScripts('jframe.js');

const KINDS = ['video', 'audio'];

let sendKey = null;          // { index, key } or null: no key, no media
let ring = new JFrameKeyRing();
const ivs = new JFrameIvSource();
// key changes are applied in the order they were posted
let keyChain = Promise.resolve();

function newCounters() {
  return { encrypted: 0, decrypted: 0, dropped: 0, missingKey: 0,
    authFailed: 0, badFrames: 0, ratchets: 0, keyFrameRequests: 0 };
}
const stats = { video: newCounters(), audio: newCounters() };
const firstDecrypted = {};
const failing = {};

function rtpTimestamp(frame) {
  if (typeof frame.getMetadata === 'function') {
    const md = frame.getMetadata();
    if (md && md.rtpTimestamp !== undefined)
      return md.rtpTimestamp;
  }
  return frame.timestamp;
}

function hex(buffer) {
  return Array.from(new Uint8Array(buffer),
      (b) => b.toString(16).padStart(2, '0')).join('');
}

async function encrypt(kind, frame, controller) {
  const st = stats[kind];
  const data = new Uint8Array(frame.data);
  if (data.length === 0) {
    controller.enqueue(frame);
    return;
  }
  const k = sendKey;
  if (!k) {
    // fail closed: a frame is never sent in clear
    st.missingKey++;
    st.dropped++;
    return;
  }
  const h = jframeClearBytes(kind, kind === 'video' ? frame.type : null,
      data[0], data.length);
  // what the encoder made, for the server's bit-exact comparison
  const digest = hex(await self.crypto.subtle.digest('SHA-256', data));
  const out = await jframeSeal(k.key, k.index % JFRAME_RING_SIZE, ivs.next(),
      h, data);
  frame.data = out.buffer;
  st.encrypted++;
  self.postMessage({ op: 'hash', kind, timestamp: rtpTimestamp(frame),
    hash: digest });
  controller.enqueue(frame);
}

// After frames failed, the first that decrypts again asks the sender for a
// key frame, so the picture recovers at once (wire format, section 9), where
// the API offers it (RTCRtpScriptTransformer.sendKeyFrameRequest).
async function decrypt(kind, frame, controller, transformer) {
  const st = stats[kind];
  const r = await ring.open(kind, new Uint8Array(frame.data));
  if (r.error) {
    if (!failing[kind])
      self.postMessage({ op: 'log', message: `${kind} frames fail to decrypt (${r.error})` });
    failing[kind] = true;
    // never hand the decoder a frame that did not authenticate
    if (r.error === 'missing-key')
      st.missingKey++;
    else if (r.error === 'auth-failed')
      st.authFailed++;
    else
      st.badFrames++;
    st.dropped++;
    return;
  }
  if (r.frame.length > 0)
    frame.data = r.frame.buffer;
  if (r.ratchets)
    self.postMessage({ op: 'log', message: `${kind}: the sender's key ratcheted ${r.ratchets} step(s)` });
  st.ratchets += r.ratchets;
  st.decrypted++;
  if (failing[kind]) {
    failing[kind] = false;
    self.postMessage({ op: 'log', message: `${kind} frames decrypt again` });
    if (kind === 'video' && transformer &&
        typeof transformer.sendKeyFrameRequest === 'function') {
      st.keyFrameRequests++;
      transformer.sendKeyFrameRequest().catch(() => {});
    }
  }
  if (!firstDecrypted[kind]) {
    firstDecrypted[kind] = true;
    self.postMessage({ op: 'first-decrypted', kind });
  }
  controller.enqueue(frame);
}

function attach(side, kind, readable, writable, transformer = null) {
  if (!KINDS.includes(kind))
    return;
  const fn = side === 'send' ? encrypt : decrypt;
  readable
      .pipeThrough(new TransformStream({
        transform: (frame, controller) => fn(kind, frame, controller, transformer),
      }))
      .pipeTo(writable)
      // ends when the call does
      .catch((e) => self.postMessage({ op: 'log', message: `${side} ${kind} transform ended: ${e}` }));
}

self.onrtctransform = (event) => {
  const t = event.transformer;
  attach(t.options.side, t.options.kind, t.readable, t.writable, t);
};

self.onmessage = (event) => {
  const m = event.data;
  switch (m.op) {
    case 'stream':
      attach(m.side, m.kind, m.readable, m.writable);
      break;
    case 'set-send-key':
      keyChain = keyChain.then(async () => {
        sendKey = m.material ? { index: m.index,
          key: await jframeMakeKey(m.kdf, m.material) } : null;
      }).catch((e) => self.postMessage({ op: 'error', message: `send key: ${e}` }));
      break;
    case 'set-receive-key':
      keyChain = keyChain.then(async () => {
        await ring.setKey(m.index, m.kdf, m.material);
        if (m.ack)
          self.postMessage({ op: 'key-installed', ack: m.ack });
      }).catch((e) => self.postMessage({ op: 'error', message: `receive key: ${e}` }));
      break;
    case 'clear-keys':
      keyChain = keyChain.then(() => {
        sendKey = null;
        ring = new JFrameKeyRing();
      });
      break;
  }
};

setInterval(() => self.postMessage({ op: 'stats', stats }), 500);
