// gst-e2ee browser example: the page. Signalling with the bot over a
// WebSocket (the bot offers, the page answers), the encoded transforms in
// e2ee-worker.js, and the checks that the test driver reads through
// window.e2ee.status(): the bot's colour bars on a canvas, the bot's tone
// in a WebAudio analyser, and what the bot says it decrypted.
// SPDX-License-Identifier: LGPL-2.1-or-later
'use strict';

const $ = (id) => document.getElementById(id);

// videotestsrc pattern=smpte: the seven bars of the top two thirds (full
// intensity in GStreamer 1.22)
const SMPTE_BARS = [
  ['white', [255, 255, 255]], ['yellow', [255, 255, 0]],
  ['cyan', [0, 255, 255]], ['green', [0, 255, 0]],
  ['magenta', [255, 0, 255]], ['red', [255, 0, 0]], ['blue', [0, 0, 255]],
];
const BAR_TOLERANCE = 48;

// The standard RTCRtpScriptTransform where the browser has it, else
// Chromium's older createEncodedStreams(); ?api=... picks one of them.
const api = (() => {
  const have = {
    RTCRtpScriptTransform: 'RTCRtpScriptTransform' in window,
    createEncodedStreams: 'RTCRtpSender' in window &&
        'createEncodedStreams' in RTCRtpSender.prototype,
  };
  const wanted = new URLSearchParams(location.search).get('api');
  if (wanted && have[wanted])
    return wanted;
  return Object.keys(have).find((name) => have[name]) || null;
})();

const app = {
  ws: null,
  pc: null,
  media: null,
  worker: new Worker('e2ee-worker.js'),
  hello: null,
  t0: null,
  timings: {},
  workerStats: null,
  serverStats: null,
  pendingIce: [],
  hashes: { video: [], audio: [] },
  audioContext: null,
  analyser: null,
  statsRequests: new Map(),
  nextRequest: 1,
  errors: [],
  joined: false,
  relayedKeys: [],
};

function log(text) {
  console.log(text);
  const box = $('log');
  box.textContent += `${text}\n`;
  box.scrollTop = box.scrollHeight;
}

function fail(text) {
  app.errors.push(text);
  log(`error: ${text}`);
}

function setState(text) {
  $('state').textContent = text;
}

function send(msg) {
  if (app.ws && app.ws.readyState === WebSocket.OPEN)
    app.ws.send(JSON.stringify(msg));
}

function elapsed() {
  return Math.round(performance.now() - app.t0);
}

function parseHexKey(text) {
  const hex = text.replace(/[\s:]/g, '').toLowerCase();
  if (!/^([0-9a-f]{32}|[0-9a-f]{64})$/.test(hex))
    return null;
  return Uint8Array.from(hex.match(/../g), (b) => parseInt(b, 16));
}

function fromBase64(text) {
  return Uint8Array.from(atob(text), (c) => c.charCodeAt(0));
}

// ---- the worker ----

app.worker.onmessage = (event) => {
  const m = event.data;
  switch (m.op) {
    case 'hash':
      app.hashes[m.kind].push([m.timestamp, m.hash]);
      break;
    case 'first-decrypted':
      app.timings[`firstDecrypted_${m.kind}`] = elapsed();
      log(`first ${m.kind} frame decrypted after ${elapsed()} ms`);
      break;
    case 'stats':
      app.workerStats = m.stats;
      break;
    case 'log':
      log(m.message);
      break;
    case 'key-installed':
      send({ type: 'key-installed', ack: m.ack });
      break;
    case 'error':
      fail(m.message);
      break;
  }
};

function transform(endpoint, side, kind) {
  if (api === 'RTCRtpScriptTransform') {
    endpoint.transform = new RTCRtpScriptTransform(app.worker, { side, kind });
  } else {
    const { readable, writable } = endpoint.createEncodedStreams();
    app.worker.postMessage({ op: 'stream', side, kind, readable, writable },
        [readable, writable]);
  }
}

// ---- keys ----

function useSharedKey() {
  const material = parseHexKey($('key').value);
  if (!material) {
    fail('the key must be 32 or 64 hex digits');
    return false;
  }
  const kdf = app.hello.kdf;
  // one key for everyone, as with a key typed into Jitsi Meet
  app.worker.postMessage({ op: 'set-send-key', index: 0, kdf, material });
  app.worker.postMessage({ op: 'set-receive-key', index: 0, kdf, material });
  return true;
}

function onRelayedKey(m) {
  const material = fromBase64(m.key);
  const op = m.direction === 'send' ? 'set-send-key' : 'set-receive-key';
  // with ack, the key agent acknowledges the key to the bot's key manager
  // only once the worker holds it: the bot moves to a new key after that
  app.worker.postMessage({ op, index: m.index, kdf: app.hello.kdf, material,
    ack: m.ack });
  app.relayedKeys.push({ direction: m.direction, index: m.index });
  log(`key for ${m.direction === 'send' ? 'sending' : 'receiving'}, index ${m.index}, from the key agent`);
}

// ---- the call ----

async function join() {
  $('join').disabled = true;
  app.errors = [];
  app.relayedKeys = [];
  if (app.hello.mode === 'shared' && !useSharedKey()) {
    $('join').disabled = false;
    return;
  }
  app.t0 = performance.now();
  app.timings = {};
  try {
    app.media = await navigator.mediaDevices.getUserMedia({
      video: { width: { ideal: 640 }, height: { ideal: 480 }, frameRate: { ideal: 30 } },
      audio: true,
    });
  } catch (e) {
    fail(`camera and microphone: ${e}`);
    $('join').disabled = false;
    return;
  }
  $('local').srcObject = app.media;
  startAnalyser();
  app.joined = true;
  $('leave').disabled = false;
  setState('calling...');
  send({ type: 'join' });
}

function leave() {
  send({ type: 'leave' });
  hangUp();
}

function hangUp() {
  if (app.pc)
    app.pc.close();
  app.pc = null;
  if (app.media)
    app.media.getTracks().forEach((t) => t.stop());
  app.media = null;
  app.joined = false;
  app.pendingIce = [];
  app.worker.postMessage({ op: 'clear-keys' });
  $('join').disabled = !app.hello;
  $('leave').disabled = true;
  setState('not in a call');
}

async function onOffer(sdp) {
  const config = { bundlePolicy: 'max-bundle', iceServers: [] };
  if (api === 'createEncodedStreams')
    config.encodedInsertableStreams = true;
  const pc = new RTCPeerConnection(config);
  app.pc = pc;
  pc.onicecandidate = (e) => {
    if (e.candidate && e.candidate.candidate)
      send({ type: 'ice', candidate: e.candidate.candidate,
        sdpMLineIndex: e.candidate.sdpMLineIndex });
  };
  pc.ontrack = (e) => {
    transform(e.receiver, 'recv', e.track.kind);
    if (e.track.kind === 'video') {
      $('remote').srcObject = new MediaStream([e.track]);
      watchPictures();
    } else {
      $('remote-audio').srcObject = new MediaStream([e.track]);
      connectAnalyser(e.track);
    }
  };
  pc.onconnectionstatechange = () => {
    setState(pc.connectionState);
    if (pc.connectionState === 'connected' && !app.timings.connected)
      app.timings.connected = elapsed();
  };
  await pc.setRemoteDescription({ type: 'offer', sdp });
  // addTrack takes the transceivers the offer made, so each m-line is
  // sendrecv with the bot
  for (const track of app.media.getTracks())
    transform(pc.addTrack(track, app.media), 'send', track.kind);
  await pc.setLocalDescription(await pc.createAnswer());
  send({ type: 'answer', sdp: pc.localDescription.sdp });
  for (const c of app.pendingIce.splice(0))
    await pc.addIceCandidate(c);
}

async function onRemoteIce(m) {
  const c = { candidate: m.candidate, sdpMLineIndex: m.sdpMLineIndex };
  if (!app.pc || !app.pc.remoteDescription)
    app.pendingIce.push(c);
  else
    await app.pc.addIceCandidate(c);
}

function watchPictures() {
  const v = $('remote');
  if (!('requestVideoFrameCallback' in v))
    return;
  v.requestVideoFrameCallback(() => {
    if (app.timings.firstPicture === undefined) {
      app.timings.firstPicture = elapsed();
      log(`first picture from the bot after ${elapsed()} ms`);
    }
  });
}

// ---- signalling ----

function onMessage(m) {
  switch (m.type) {
    case 'hello':
      app.hello = m;
      $('shared-keys').hidden = m.mode !== 'shared';
      $('relay-keys').hidden = m.mode !== 'relay';
      $('join').disabled = false;
      setState('not in a call');
      log(`bot ready: ${m.mode === 'shared' ? 'shared key' : 'keys relayed from its key manager'}, kdf ${m.kdf}`);
      if (new URLSearchParams(location.search).has('autojoin'))
        join();
      break;
    case 'offer':
      onOffer(m.sdp).catch((e) => fail(`offer: ${e}`));
      break;
    case 'ice':
      onRemoteIce(m).catch((e) => fail(`ice: ${e}`));
      break;
    case 'key':
      onRelayedKey(m);
      break;
    case 'stats': {
      const resolve = app.statsRequests.get(m.id);
      app.statsRequests.delete(m.id);
      app.serverStats = m;
      if (resolve)
        resolve(m);
      break;
    }
    case 'error':
      fail(`bot: ${m.message}`);
      break;
  }
}

function connect() {
  const ws = new WebSocket(`ws://${location.host}/ws`);
  app.ws = ws;
  ws.onmessage = (event) => onMessage(JSON.parse(event.data));
  ws.onclose = () => {
    if (app.joined)
      hangUp();
    app.hello = null;
    $('join').disabled = true;
    setState('disconnected from the bot');
  };
}

function serverStats() {
  if (!app.ws || app.ws.readyState !== WebSocket.OPEN)
    return Promise.resolve(null);
  const id = app.nextRequest++;
  return new Promise((resolve) => {
    app.statsRequests.set(id, resolve);
    send({ type: 'get-stats', id });
    setTimeout(() => {
      if (app.statsRequests.delete(id))
        resolve(null);
    }, 3000);
  });
}

// ---- checks ----

function startAnalyser() {
  if (app.audioContext)
    return;
  app.audioContext = new AudioContext();
  app.analyser = app.audioContext.createAnalyser();
  app.analyser.fftSize = 8192;
  app.analyser.smoothingTimeConstant = 0.5;
}

function connectAnalyser(track) {
  if (!app.audioContext)
    return;
  app.audioContext.resume();
  app.audioContext.createMediaStreamSource(new MediaStream([track]))
      .connect(app.analyser);
}

// The colour of each bar of the bot's picture, averaged over 5x5 pixels at
// the bar's centre, a third of the way down.
function videoCheck() {
  const v = $('remote');
  if (!v.videoWidth || !v.videoHeight)
    return { picture: false, bars: 0 };
  const w = v.videoWidth, h = v.videoHeight;
  const canvas = $('probe');
  canvas.width = w;
  canvas.height = h;
  const ctx = canvas.getContext('2d', { willReadFrequently: true });
  ctx.drawImage(v, 0, 0, w, h);
  const y = Math.floor(h / 3);
  const colours = [];
  let bars = 0;
  SMPTE_BARS.forEach(([name, want], i) => {
    const x = Math.floor((i + 0.5) * w / SMPTE_BARS.length);
    const px = ctx.getImageData(x - 2, y - 2, 5, 5).data;
    const got = [0, 1, 2].map((c) => {
      let sum = 0;
      for (let p = 0; p < 25; p++)
        sum += px[p * 4 + c];
      return Math.round(sum / 25);
    });
    const ok = got.every((g, c) => Math.abs(g - want[c]) <= BAR_TOLERANCE);
    if (ok)
      bars++;
    colours.push({ name, got, ok });
  });
  return { picture: bars === SMPTE_BARS.length, bars, width: w, height: h, colours };
}

// Where the bot's audio has its energy: the strongest bin of the analyser,
// and how far the tone's bins stand above the median.
function audioCheck() {
  const a = app.analyser;
  if (!a || !app.hello)
    return { tone: false };
  const data = new Float32Array(a.frequencyBinCount);
  a.getFloatFrequencyData(data);
  const binHz = app.audioContext.sampleRate / a.fftSize;
  let peak = 0;
  for (let i = 1; i < data.length; i++) {
    if (data[i] > data[peak])
      peak = i;
  }
  const toneBin = Math.round(app.hello.tone / binHz);
  let level = -Infinity;
  for (let i = toneBin - 2; i <= toneBin + 2; i++)
    level = Math.max(level, data[i]);
  const sorted = Array.from(data).filter(Number.isFinite).sort((x, y) => x - y);
  const median = sorted.length ? sorted[sorted.length >> 1] : -Infinity;
  const peakHz = peak * binHz;
  const tone = Math.abs(peakHz - app.hello.tone) <= 2 * binHz &&
      level > -70 && level - median > 25;
  return { tone, peakHz: Math.round(peakHz), levelDb: Math.round(level),
    medianDb: Math.round(median), state: app.audioContext.state };
}

// ---- the report on the page ----

function cell(id, text) {
  $(id).textContent = text;
}

function updateReport() {
  const ws = app.workerStats;
  const ss = app.serverStats;
  for (const kind of ['video', 'audio']) {
    if (ws) {
      const s = ws[kind];
      cell(`enc-${kind}`, s.encrypted);
      cell(`dec-${kind}`, s.decrypted);
      cell(`fail-${kind}`, `${s.authFailed} / ${s.missingKey} / ${s.badFrames}`);
    }
    const first = app.timings[`firstDecrypted_${kind}`];
    cell(`first-${kind}`, first === undefined ? '-' : `${first} ms`);
    if (ss && ss[kind]) {
      const s = ss[kind];
      cell(`bot-${kind}`, s.decrypted);
      cell(`exact-${kind}`, `${s.matched} equal, ${s.different} differ`);
      cell(`botfail-${kind}`, `${s.authFailed} / ${s.missingKey} / ${s.badFrames}`);
    }
  }
  if (app.joined) {
    const v = videoCheck();
    cell('check-video', v.picture ? 'colour bars seen' : `${v.bars} of 7 bars`);
    const a = audioCheck();
    cell('check-audio', a.tone ? `tone at ${a.peakHz} Hz` : 'no tone');
  }
}

// ---- start ----

$('join').onclick = join;
$('leave').onclick = leave;
$('show-key').onclick = () => {
  const k = $('key');
  k.type = k.type === 'password' ? 'text' : 'password';
};
$('sound').onchange = () => {
  $('remote-audio').muted = !$('sound').checked;
};
$('api').textContent = api
  ? `Encoded transform API: ${api}`
  : 'This browser offers no encoded transform API: it cannot join.';
{
  const fromFragment = new URLSearchParams(location.hash.slice(1)).get('key');
  if (fromFragment)
    $('key').value = fromFragment;
}
if (api)
  connect();

setInterval(() => {
  for (const kind of ['video', 'audio']) {
    if (app.hashes[kind].length) {
      send({ type: 'hashes', kind, frames: app.hashes[kind] });
      app.hashes[kind] = [];
    }
  }
}, 200);
setInterval(() => {
  if (app.joined)
    serverStats().then(updateReport);
  else
    updateReport();
}, 1000);

// For the test driver (tests/browser/): everything it checks, in one object.
window.e2ee = {
  api,
  async status() {
    return {
      api,
      userAgent: navigator.userAgent,
      mode: app.hello ? app.hello.mode : null,
      connection: app.pc ? app.pc.connectionState : null,
      timings: app.timings,
      worker: app.workerStats,
      video: videoCheck(),
      audio: audioCheck(),
      server: await serverStats(),
      relayedKeys: app.relayedKeys,
      errors: app.errors,
    };
  },
};
