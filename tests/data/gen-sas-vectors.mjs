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

// Known answers of the SAS steps as lib-jitsi-meet's OlmAdapter performs
// them (its algorithm, written here from its description, not copied),
// computed with libolm's own JavaScript binding (@matrix-org/olm, the build
// lib-jitsi-meet loads) and nothing of gst-e2ee. It writes
// tests/data/sas-vectors.json:
//
//   npm install --prefix /tmp/olm @matrix-org/olm@3.2.15
//   OLM_JS=/tmp/olm/node_modules/@matrix-org/olm/olm.js \
//     node tests/data/gen-sas-vectors.mjs > tests/data/sas-vectors.json
//
// With --check FILE it compares its output with FILE (the meson test
// `sas-vectors-current`); without @matrix-org/olm it exits 77 (skipped).
//
// The SAS private keys come from fixed bytes: the binding draws them with
// Node's crypto.randomBytes, which is replaced while each SAS is created,
// and the C test feeds the same bytes to olm_create_sas().

import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';

const require = createRequire(import.meta.url);
const nodeCrypto = require('node:crypto');
let Olm;
try {
  Olm = require(process.env.OLM_JS || '@matrix-org/olm');
} catch (e) {
  console.log(`SKIP: @matrix-org/olm not found (${e.message}): set OLM_JS to its olm.js (tools/check.sh installs it from npm into <builddir>/olm-js before the tests)`);
  process.exit(77);
}
await Olm.init();

const pattern = (start, step) =>
  Buffer.from(Array.from({ length: 32 }, (_, i) => (start + i * step) & 0xff));

function sasFrom(random) {
  const real = nodeCrypto.randomBytes;
  nodeCrypto.randomBytes = (n) => {
    if (n !== random.length)
      throw new Error(`SAS asked for ${n} random bytes`);
    return Buffer.from(random);
  };
  try {
    return new Olm.SAS();
  } finally {
    nodeCrypto.randomBytes = real;
  }
}

// Matrix's SAS presentation, which lib-jitsi-meet's SAS module follows:
// three numbers of 13 bits (+ 1000) from the first 5 bytes, seven emoji
// indexes of 6 bits from the first 6.
function decimal(b) {
  return [
    ((b[0] << 5) | (b[1] >> 3)) + 1000,
    (((b[1] & 0x7) << 10) | (b[2] << 2) | (b[3] >> 6)) + 1000,
    (((b[3] & 0x3f) << 7) | (b[4] >> 1)) + 1000,
  ];
}
function emoji(b) {
  let bits = 0n;
  for (const x of b.slice(0, 6)) bits = (bits << 8n) | BigInt(x);
  const out = [];
  for (let i = 0; i < 7; i++) out.push(Number((bits >> BigInt(42 - 6 * i)) & 63n));
  return out;
}

const MAC_INFO = 'Jitsi-KEY_VERIFICATION_MAC';
const KEY_IDS = 'Jitsi-KEY_IDS';

// The sas-mac a sender puts on the wire: one entry named after the
// receiver, the MAC of the sender's ed25519 key; `keys` over the sorted
// entry names.
function sasMac(sas, sender, receiver, txn, ed25519) {
  const base = `${MAC_INFO}${sender}${receiver}${txn}`;
  const keyId = `ed25519:${receiver}`;
  return {
    keyId,
    mac: sas.calculate_mac(ed25519, base + keyId),
    keys: sas.calculate_mac([keyId].sort().join(','), base + KEY_IDS),
  };
}

const alice = 'alice', bob = 'bob';
const txn = '0f5c7a1e-2b7d-4c1e-9a55-3e0b8d6f4c21';
const randomAlice = pattern(0x11, 7), randomBob = pattern(0x80, 13);
// ed25519 keys as the hellos carry them (the MAC input is their text)
const edAlice = pattern(0x31, 5).toString('base64').replace(/=+$/, '');
const edBob = pattern(0x52, 3).toString('base64').replace(/=+$/, '');

const sasA = sasFrom(randomAlice), sasB = sasFrom(randomBob);
const pkA = sasA.get_pubkey(), pkB = sasB.get_pubkey();
sasA.set_their_key(pkB);
sasB.set_their_key(pkA);

// alice starts: the info puts the initiator first on both sides
const info = `${alice}|${pkA}|${bob}|${pkB}`;
const bytes = Array.from(sasA.generate_bytes(info, 6));
if (JSON.stringify(bytes) !== JSON.stringify(Array.from(sasB.generate_bytes(info, 6))))
  throw new Error('the two sides disagree on the SAS bytes');

const startContent = { transactionId: txn };
const util = new Olm.Utility();
const commitment = util.sha256(pkB + JSON.stringify(startContent));
util.free();

const macAlice = sasMac(sasA, alice, bob, txn, edAlice);
const macBob = sasMac(sasB, bob, alice, txn, edBob);
// what the receiver recomputes must be what the sender sent
for (const [m, s, snd, rcv, ed] of [[macAlice, sasB, alice, bob, edAlice],
                                     [macBob, sasA, bob, alice, edBob]]) {
  const again = sasMac(s, snd, rcv, txn, ed);
  if (again.mac !== m.mac || again.keys !== m.keys)
    throw new Error('sender and receiver compute different MACs');
}

const out = {
  description: 'SAS as lib-jitsi-meet OlmAdapter computes it, with @matrix-org/olm ' +
    `${Olm.get_library_version().join('.')}; made by tests/data/gen-sas-vectors.mjs`,
  transactionId: txn,
  alice: { id: alice, random: randomAlice.toString('hex'), pubkey: pkA, ed25519: edAlice },
  bob: { id: bob, random: randomBob.toString('hex'), pubkey: pkB, ed25519: edBob },
  info,
  bytes: Buffer.from(bytes).toString('hex'),
  decimal: decimal(bytes),
  emoji: emoji(bytes),
  startJson: JSON.stringify(startContent),
  commitment,
  macAliceToBob: macAlice,
  macBobToAlice: macBob,
};
sasA.free();
sasB.free();

const text = JSON.stringify(out, null, 2) + '\n';
if (process.argv[2] === '--check') {
  if (readFileSync(process.argv[3], 'utf8') !== text) {
    console.error('sas-vectors.json differs from what this script computes');
    process.exit(1);
  }
  console.log('sas-vectors.json is current');
} else {
  process.stdout.write(text);
}
