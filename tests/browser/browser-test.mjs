// The browser test: a real Chromium in an end-to-end encrypted call with
// e2ee-browser, both directions, over loopback only.
//
//   node browser-test.mjs --program PATH/e2ee-browser [--chromium PATH]
//       [--out DIR] [--phases shared,encoded-streams,wrong-key,relay,relay-rotate]
//
// Phases:
//   shared     the page and the bot share a key: the page shows the bot's
//              colour bars (canvas) and finds its tone (WebAudio analyser);
//              the bot decrypts the page's video and audio bit-exact (every
//              frame out of e2eedec is one whose SHA-256 the page reported
//              before encrypting it) with no authentication failure.
//   encoded-streams  the same with Chromium's older createEncodedStreams()
//              instead of RTCRtpScriptTransform.
//   wrong-key  a page with another key: frames arrive and fail to
//              authenticate, the page shows no picture and the bot decrypts
//              nothing.
//   relay      keys from the bot's key manager, relayed by the program's
//              key agent: the same checks as shared.
//   relay-rotate  (with relay) a second page joins and leaves: the first
//              follows the bot's ratchet and its next key without a loss.
//
// Exit status: 0 passed, 1 failed, 77 skipped (no Chromium).
// Chromium is driven over --remote-debugging-pipe (cdp.mjs): no packages,
// no browser download.
// SPDX-License-Identifier: LGPL-2.1-or-later

import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { accessSync, constants, mkdtempSync, mkdirSync, rmSync, writeFileSync,
  createWriteStream } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

import { Browser } from './cdp.mjs';

const SKIP = 77;
// generous: two cores shared by Chromium (VP8 and Opus both ways, the
// transforms) and the bot
const CALL_TIMEOUT_MS = 75000;
const WRONG_KEY_WATCH_MS = 10000;
const MIN_MATCHED = { video: 30, audio: 50 };
// longer than the bot's grace for late reports (browser-call.c)
const SETTLE_MS = 6000;
// with relayed keys: frames in flight under the pre-join key (see goodCall)
const RELAY_GRACE_MS = 2000;

const { values: opts } = parseArgs({
  options: {
    program: { type: 'string' },
    chromium: { type: 'string', default: process.env.E2EE_CHROMIUM || '/usr/bin/chromium' },
    out: { type: 'string' },
    phases: { type: 'string', default: 'shared,encoded-streams,wrong-key,relay,relay-rotate' },
  },
});

const t00 = Date.now();
function say(text) {
  const s = ((Date.now() - t00) / 1000).toFixed(1).padStart(6);
  console.log(`[${s}s] ${text}`);
}

if (!opts.program) {
  console.error('browser-test: --program is required');
  process.exit(2);
}
try {
  accessSync(opts.chromium, constants.X_OK);
} catch {
  console.log(`SKIP: no Chromium at ${opts.chromium} (apt-get install chromium)`);
  process.exit(SKIP);
}

const work = mkdtempSync(join(tmpdir(), 'e2ee-browser-test-'));
const outDir = opts.out || work;
mkdirSync(outDir, { recursive: true });
const chromiumLog = createWriteStream(join(outDir, 'chromium.log'));
const children = [];
// CDP session id -> the phase that opened the page, for the logs
const pageLabels = new Map();

function hex(bytes) {
  return Buffer.from(bytes).toString('hex');
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// Starts e2ee-browser; resolves with its port once it listens.
function startProgram(args, name) {
  const proc = spawn(opts.program, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(proc);
  const log = createWriteStream(join(outDir, `${name}.log`));
  proc.stderr.on('data', (d) => log.write(d));
  return new Promise((resolve, reject) => {
    let buffered = '';
    const timer = setTimeout(() => reject(new Error('e2ee-browser did not start')), 20000);
    proc.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`e2ee-browser exited (${code}); see ${name}.log`));
    });
    proc.stdout.on('data', (d) => {
      log.write(d);
      buffered += d.toString();
      const m = buffered.match(/listening on http:\/\/127\.0\.0\.1:(\d+)\//);
      if (m) {
        clearTimeout(timer);
        resolve({ proc, port: Number(m[1]) });
      }
    });
  });
}

async function stopProgram(proc) {
  if (proc.exitCode !== null || proc.signalCode !== null)
    return;
  const exited = new Promise((r) => proc.once('exit', r));
  proc.kill('SIGTERM');
  const timer = setTimeout(() => proc.kill('SIGKILL'), 10000);
  await exited;
  clearTimeout(timer);
}

function launchChromium() {
  const profile = join(work, `profile-${Date.now()}`);
  const browser = new Browser(opts.chromium, [
    '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic',
    '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync',
    '--disable-dev-shm-usage', `--user-data-dir=${profile}`,
    '--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream',
    // Chromium leaves loopback out of ICE unless told; the test has
    // nothing else (a network namespace of its own)
    '--allow-loopback-in-peer-connection',
    '--autoplay-policy=no-user-gesture-required',
    'about:blank',
  ], { log: (_, text) => chromiumLog.write(text) });
  browser.on((msg) => {
    if (msg.method === 'Runtime.consoleAPICalled') {
      const text = msg.params.args.map((a) => a.value ?? a.description ?? '').join(' ');
      const who = pageLabels.get(msg.sessionId) ?? 'page';
      chromiumLog.write(`${who}: console.${msg.params.type}: ${text}\n`);
      if (msg.params.type === 'error')
        say(`page: ${text}`);
    } else if (msg.method === 'Runtime.exceptionThrown') {
      const d = msg.params.exceptionDetails;
      say(`page exception: ${d.exception?.description ?? d.text}`);
    }
  });
  return browser;
}

function short(status) {
  const s = status.server || {};
  const w = status.worker || {};
  const part = (k) => `${k}: page enc ${w[k]?.encrypted ?? 0} dec ${w[k]?.decrypted ?? 0}` +
      ` fail ${w[k]?.authFailed ?? 0}/${w[k]?.missingKey ?? 0}` +
      (k === 'video' ? ` key-frame-requests ${w[k]?.keyFrameRequests ?? 0};` : ';') +
      ` bot dec ${s[k]?.decrypted ?? 0} exact ${s[k]?.matched ?? 0}` +
      ` differ ${s[k]?.different ?? 0} fail ${s[k]?.authFailed ?? 0}`;
  return `${status.connection}; bars ${status.video?.bars ?? 0}/7;` +
      ` tone ${status.audio?.tone ? 'yes' : 'no'} (peak ${status.audio?.peakHz ?? '-'} Hz);` +
      ` ${part('video')}; ${part('audio')}`;
}

async function status(page) {
  return page.evaluate('window.e2ee ? window.e2ee.status() : null');
}

async function openPage(browser, url, label) {
  const page = await browser.newPage(url);
  pageLabels.set(page.sessionId, label);
  const deadline = Date.now() + 20000;
  while (Date.now() < deadline) {
    try {
      if (await page.evaluate('!!window.e2ee'))
        return page;
    } catch {
      // the page is still loading
    }
    await sleep(250);
  }
  throw new Error('the page did not load');
}

// Both directions with the right keys.
async function goodCall(browser, port, query, fragment, label, relay = false,
    keepOpen = false) {
  const page = await openPage(browser,
      `http://127.0.0.1:${port}/?autojoin=1${query}${fragment}`, label);
  const failures = [];
  const deadline = Date.now() + CALL_TIMEOUT_MS;
  let st = null;
  let lastSaid = 0;
  let passed = false;
  while (Date.now() < deadline) {
    st = await status(page);
    const s = st.server || {};
    const ok = st.video.picture && st.audio.tone &&
        ['video', 'audio'].every((k) => s[k] && s[k].matched >= MIN_MATCHED[k]);
    if (ok) {
      passed = true;
      break;
    }
    if (Date.now() - lastSaid > 5000) {
      say(`${label}: ${short(st)}`);
      lastSaid = Date.now();
    }
    await sleep(1000);
  }
  if (!passed) {
    failures.push(`${label}: no complete call within ${CALL_TIMEOUT_MS / 1000} s: ${short(st)}`);
    if (st && st.video && st.video.colours)
      failures.push(`${label}: colours seen: ${JSON.stringify(st.video.colours)}`);
    if (st && st.audio)
      failures.push(`${label}: audio: ${JSON.stringify(st.audio)}`);
  }
  const firstSeen = st;
  // With relayed keys the page gets the bot's key just after the bot
  // ratcheted it for the page's join, and the call can be complete within
  // a few hundred ms of that: frames the bot sent under the pre-join key
  // that are still in flight then (jitter buffer, retransmissions) fail at
  // the page, as they must. The page's counters are taken as the baseline
  // after this grace period; from then on nothing may fail.
  let baseline = firstSeen;
  if (relay && passed) {
    await sleep(RELAY_GRACE_MS);
    baseline = await status(page);
  }
  // every output of e2eedec so far has had time to be matched
  await sleep(SETTLE_MS);
  st = await status(page);
  say(`${label}: ${short(st)}`);
  const s = st.server || {};
  for (const k of ['video', 'audio']) {
    const b = s[k] || {};
    if ((b.different ?? 1) !== 0)
      failures.push(`${label}: ${b.different} ${k} frames out of e2eedec differ from what the page encrypted`);
    // With relayed keys, frames that arrive before their key (the page's
    // at the bot, the bot's at the page) are dropped as missing-key, and
    // the bot's frames still under its key from before the page joined
    // (it ratchets for newcomers) fail at the page: the newcomer must not
    // read them. Past the grace period after the call is complete, nothing
    // may fail at the page.
    const missingOk = relay;
    if ((b.authFailed ?? 1) !== 0 || (!missingOk && (b.missingKey ?? 1) !== 0) || (b.badFrames ?? 1) !== 0)
      failures.push(`${label}: e2eedec ${k}: auth-failed ${b.authFailed}, missing-key ${b.missingKey}, bad-frames ${b.badFrames}`);
    const w = (st.worker || {})[k] || {};
    const w0 = relay && passed ? (baseline.worker || {})[k] || {} : {};
    const pageAuthFailed = (w.authFailed || 0) - (w0.authFailed || 0);
    const pageMissing = (w.missingKey || 0) - (w0.missingKey || 0);
    // A frame that reaches the page before its relayed key (the key agent
    // confirms a new key to the manager only once the page installed it,
    // but the manager switches after key-switch-timeout anyway, which a
    // loaded machine can exceed) is dropped, fail closed: with relayed keys
    // that is not a failure; authentication failures after the grace period
    // and malformed frames always are.
    if (pageAuthFailed || w.badFrames || (!relay && pageMissing))
      failures.push(`${label}: the page failed to decrypt ${pageAuthFailed} ${k} frames (${w.badFrames} malformed, ${pageMissing} without a key)`);
    if (!(w.decrypted > 0))
      failures.push(`${label}: the page decrypted no ${k}`);
    if ((b.sendDropped ?? 0) !== 0)
      failures.push(`${label}: e2eeenc ${k} dropped ${b.sendDropped} frames`);
  }
  if (st.errors && st.errors.length)
    failures.push(`${label}: page errors: ${st.errors.join('; ')}`);
  if (!keepOpen)
    await page.close();
  return { failures, status: st, firstSeen, page };
}

// The page has another key: nothing may decrypt, on either side.
async function wrongKeyCall(browser, port, fragment) {
  const page = await openPage(browser, `http://127.0.0.1:${port}/?autojoin=1${fragment}`,
      'wrong key');
  const failures = [];
  // wait until frames arrive (and fail), then watch for a while
  const deadline = Date.now() + CALL_TIMEOUT_MS;
  let st = null;
  while (Date.now() < deadline) {
    st = await status(page);
    const w = st.worker || {};
    if ((w.video?.authFailed ?? 0) > 10 && (st.server?.video?.authFailed ?? 0) > 10)
      break;
    await sleep(1000);
  }
  await sleep(WRONG_KEY_WATCH_MS);
  st = await status(page);
  say(`wrong key: ${short(st)}`);
  const w = st.worker || {};
  const s = st.server || {};
  if (!((w.video?.authFailed ?? 0) > 0))
    failures.push('wrong key: no video frame reached the page\'s decrypt transform');
  if ((w.video?.decrypted ?? 0) !== 0 || (w.audio?.decrypted ?? 0) !== 0)
    failures.push(`wrong key: the page decrypted ${w.video?.decrypted} video and ${w.audio?.decrypted} audio frames`);
  if (st.video.width || st.video.picture || st.timings.firstPicture !== undefined)
    failures.push(`wrong key: the page shows a picture (${st.video.width}x${st.video.height}, ${st.video.bars} bars)`);
  if (!((s.video?.authFailed ?? 0) > 0))
    failures.push('wrong key: no video frame from the page reached e2eedec');
  if ((s.video?.decrypted ?? 1) !== 0 || (s.audio?.decrypted ?? 1) !== 0)
    failures.push(`wrong key: the bot decrypted ${s.video?.decrypted} video and ${s.audio?.decrypted} audio frames`);
  await page.close();
  return { failures, status: st };
}

// The key lifecycle seen from a page in a relayed call: a second page
// joins (the bot ratchets its key; the first page follows through its
// ratchet window) and leaves (the bot moves to a new key with the next
// index, which the first page gets through its key agent before the bot
// uses it). The first page must not lose a frame to either change.
async function rotation(browser, port, first) {
  const failures = [];
  const before = await status(first);
  const second = await goodCall(browser, port, '', '', 'relay (second page)', true);
  failures.push(...second.failures);
  // the manager's debounce (2 s), the new key through the agent, the switch
  const hasNewKey = (st) => st.relayedKeys.some((k) => k.direction === 'receive' && k.index === 1);
  const deadline = Date.now() + 30000;
  let after = await status(first);
  while (!hasNewKey(after) && Date.now() < deadline) {
    await sleep(1000);
    after = await status(first);
  }
  await sleep(SETTLE_MS);
  after = await status(first);
  say(`relay (first page, after the second left): ${short(after)}`);
  const wb = before.worker, wa = after.worker;
  // one ring per sender: audio or video, whichever comes first, ratchets it
  const ratchets = (w) => w.video.ratchets + w.audio.ratchets;
  if (!(ratchets(wa) > ratchets(wb)))
    failures.push(`relay rotation: the first page did not follow the bot's ratchet (keys ${JSON.stringify(after.relayedKeys)})`);
  if (!hasNewKey(after))
    failures.push(`relay rotation: the first page got no key with index 1: ${JSON.stringify(after.relayedKeys)}`);
  for (const k of ['video', 'audio']) {
    for (const f of ['authFailed', 'missingKey', 'badFrames']) {
      if (wa[k][f] !== wb[k][f])
        failures.push(`relay rotation: the first page's ${k} ${f} went from ${wb[k][f]} to ${wa[k][f]}`);
    }
    if (!(wa[k].decrypted > wb[k].decrypted + 30))
      failures.push(`relay rotation: the first page decrypted too little ${k} (${wb[k].decrypted} -> ${wa[k].decrypted})`);
    const s = after.server[k];
    if (s.different || s.authFailed || s.badFrames)
      failures.push(`relay rotation: the bot, first page's ${k}: ${s.different} differ, ${s.authFailed} auth-failed, ${s.badFrames} bad`);
  }
  if (!after.video.picture)
    failures.push('relay rotation: the first page lost the colour bars');
  return failures;
}

function timings(label, st) {
  const t = st.timings || {};
  const s = st.server || {};
  return `${label}: ICE+DTLS connected ${t.connected} ms; ` +
      `bot -> page: first video frame decrypted ${t.firstDecrypted_video} ms, ` +
      `first picture ${t.firstPicture} ms, first audio frame ${t.firstDecrypted_audio} ms; ` +
      `page -> bot: first video frame out of e2eedec ${s.video?.firstFrameMs} ms, ` +
      `audio ${s.audio?.firstFrameMs} ms (from joining)`;
}

async function main() {
  const phases = opts.phases.split(',');
  const failures = [];
  const notes = [];
  let browser = null;
  let program = null;
  try {
    browser = launchChromium();
    const version = await browser.send('Browser.getVersion');
    say(`Chromium: ${version.product}`);
    notes.push(`browser: ${version.product}`);

    if (['shared', 'encoded-streams', 'wrong-key'].some((p) => phases.includes(p))) {
      const key = randomBytes(32);
      const keyFile = join(work, 'key');
      writeFileSync(keyFile, hex(key), { mode: 0o600 });
      program = await startProgram(['--key-file', keyFile], 'e2ee-browser-shared');
      say(`e2ee-browser (shared key) on port ${program.port}`);
      if (phases.includes('shared')) {
        const r = await goodCall(browser, program.port, '', `#key=${hex(key)}`, 'shared');
        failures.push(...r.failures);
        notes.push(`shared: transform API ${r.status.api}`);
        notes.push(timings('shared', r.firstSeen || r.status));
      }
      if (phases.includes('encoded-streams')) {
        const r = await goodCall(browser, program.port, '&api=createEncodedStreams',
            `#key=${hex(key)}`, 'encoded-streams');
        failures.push(...r.failures);
        if (r.status.api !== 'createEncodedStreams')
          failures.push(`encoded-streams: the page used ${r.status.api}`);
        notes.push(`encoded-streams: transform API ${r.status.api}`);
        notes.push(timings('encoded-streams', r.firstSeen || r.status));
      }
      if (phases.includes('wrong-key')) {
        let wrong = randomBytes(32);
        const r = await wrongKeyCall(browser, program.port, `#key=${hex(wrong)}`);
        failures.push(...r.failures);
        wrong = null;
      }
      await stopProgram(program.proc);
      program = null;
    }

    if (phases.includes('relay')) {
      program = await startProgram(['--keys', 'relay'], 'e2ee-browser-relay');
      say(`e2ee-browser (keys relayed from the key manager) on port ${program.port}`);
      const r = await goodCall(browser, program.port, '', '', 'relay', true, true);
      failures.push(...r.failures);
      notes.push(`relay: transform API ${r.status.api}`);
      notes.push(timings('relay', r.firstSeen || r.status));
      if (phases.includes('relay-rotate') && !r.failures.length)
        failures.push(...await rotation(browser, program.port, r.page));
      await r.page.close();
      await stopProgram(program.proc);
      program = null;
    }
  } catch (e) {
    failures.push(`error: ${e.stack || e}`);
  } finally {
    if (program)
      await stopProgram(program.proc).catch(() => {});
    if (browser)
      await browser.close().catch(() => {});
    for (const c of children)
      if (c.exitCode === null && c.signalCode === null)
        c.kill('SIGKILL');
    chromiumLog.end();
    if (!opts.out)
      rmSync(work, { recursive: true, force: true });
  }

  for (const n of notes)
    say(n);
  for (const f of failures)
    say(`FAIL ${f}`);
  say(failures.length ? 'browser test FAILED' : 'browser test passed');
  process.exit(failures.length ? 1 : 0);
}

main();
