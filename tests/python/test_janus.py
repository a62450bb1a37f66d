#!/usr/bin/python3
# gst-e2ee
# Copyright (C) 2026 The gst-e2ee authors
#
# This library is free software; you can redistribute it and/or
# modify it under the terms of the GNU Library General Public
# License as published by the Free Software Foundation; either
# version 2 of the License, or (at your option) any later version.
#
# This library is distributed in the hope that it will be useful,
# but WITHOUT ANY WARRANTY; without even the implied warranty of
# MERCHANTABILITY or FITNESS FOR A PARTICULAR PURPOSE.  See the GNU
# Library General Public License for more details.
#
# You should have received a copy of the GNU Library General Public
# License along with this library; if not, write to the
# Free Software Foundation, Inc., 51 Franklin St, Fifth Floor,
# Boston, MA 02110-1301, USA.

"""What the SFU stores (issue 13 items 4 and 5), with the Python bot of
examples/python/janus_publish.py through the GstE2ee-1.0 typelib:

1. the bot publishes VP8 into Janus's recording room (record = true);
2. what Janus recorded (.mjr, converted by Janus's own janus-pp-rec) is
   ciphertext: decoded as it is, it gives garbage (PSNR against the real
   pictures far below anything watchable);
3. the holder of the key decrypts it afterwards, bit-exact: every frame
   e2eedec takes out of the recording is a frame the bot's encoder made.

Run by tools/janus-run (meson test `python-janus`), which starts a private
Janus and sets E2EE_JANUS_URL, E2EE_JANUS_ROOM_RECORD and
E2EE_JANUS_RECORD_DIR. Exits with 77 (skipped, for meson) when gi, a
typelib, Janus or janus-pp-rec is missing.
"""

import glob
import hashlib
import math
import os
import secrets
import shutil
import subprocess
import sys
import tempfile

SKIP = 77
FRAMES = 60


def skip(reason):
    print(f'SKIP: {reason}')
    sys.exit(SKIP)


try:
    import gi
    gi.require_version('Gst', '1.0')
    gi.require_version('GstE2ee', '1.0')
    from gi.repository import GLib, Gst, GstE2ee  # noqa: F401
except (ImportError, ValueError) as e:
    skip(f'no PyGObject or a typelib is missing: {e}')

if not hasattr(GstE2ee, 'JanusRoom'):
    skip('the library was built without the Janus client (meson -Djanus)')
if 'E2EE_JANUS_URL' not in os.environ:
    skip('no Janus: run through tools/janus-run')
if not shutil.which('janus-pp-rec'):
    skip('janus-pp-rec is missing (apt-get install janus-tools)')

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                '..', '..', 'examples', 'python'))
import janus_publish  # noqa: E402


def fail(msg):
    print(f'FAIL: {msg}')
    sys.exit(1)


def pull_frames(desc):
    """Runs @desc (ending in `appsink name=sink`) to the end; returns
    [(pts, bytes)] and the error that stopped it, if any."""
    pipeline = Gst.parse_launch(desc)
    sink = pipeline.get_by_name('sink')
    sink.set_property('sync', False)
    frames = []
    pipeline.set_state(Gst.State.PLAYING)
    while True:
        sample = sink.emit('try-pull-sample', 10 * Gst.SECOND)
        if sample is None:
            break
        buf = sample.get_buffer()
        ok, m = buf.map(Gst.MapFlags.READ)
        frames.append((buf.pts, bytes(m.data)))
        buf.unmap(m)
    msg = pipeline.get_bus().pop_filtered(Gst.MessageType.ERROR)
    err = msg.parse_error()[0].message if msg else None
    pipeline.set_state(Gst.State.NULL)
    return frames, err


def psnr(a, b):
    # luma plane only: the first width*height bytes of I420
    n = min(len(a), len(b), 320 * 240)
    mse = sum((x - y) * (x - y) for x, y in zip(a[:n], b[:n])) / n
    return 99.0 if mse == 0 else 10 * math.log10(255 * 255 / mse)


def main():
    Gst.init(None)
    key = secrets.token_hex(16)
    room = int(os.environ['E2EE_JANUS_ROOM_RECORD'])
    args = janus_publish.parse_args([
        '--server', os.environ['E2EE_JANUS_URL'], '--room', str(room),
        '--id', 'py-recorded', '--frames', str(FRAMES), '--key', key,
        '--loopback-only'])
    loop = GLib.MainLoop()
    pub = janus_publish.Publisher(args, loop)
    # a bound on the whole run, in case the stream never ends
    GLib.timeout_add_seconds(60, loop.quit)
    pub.run()
    if pub.frames != FRAMES:
        fail(f'the bot sent {pub.frames} of {FRAMES} frames')
    sent = set(pub.digests)

    mjrs = sorted(glob.glob(os.path.join(os.environ['E2EE_JANUS_RECORD_DIR'],
                                         '*video*.mjr')))
    if not mjrs:
        fail('Janus recorded no video')
    out = tempfile.mkdtemp(prefix='gst-e2ee-janus-rec-')
    webm = os.path.join(out, 'video.webm')
    pp = subprocess.run(['janus-pp-rec', mjrs[-1], webm],
                        capture_output=True, text=True)
    if pp.returncode != 0 or not os.path.exists(webm):
        fail(f'janus-pp-rec failed: {pp.stdout[-500:]} {pp.stderr[-500:]}')

    # the key holder: every decrypted frame is one the encoder made
    decrypted, err = pull_frames(
        f'filesrc location={webm} ! matroskademux ! e2eedec key={key} ! '
        f'appsink name=sink')
    good = [f for f in decrypted if hashlib.md5(f[1]).hexdigest() in sent]
    print(f'recording: {len(decrypted)} frames decrypted, {len(good)} '
          f'bit-exact with the {FRAMES} sent')
    if len(decrypted) < FRAMES * 0.8 or len(good) != len(decrypted):
        fail(f'offline decryption: {len(good)}/{len(decrypted)} frames '
             f'bit-exact, {FRAMES} sent ({err})')

    # what the operator sees: the same recording decoded without the key
    clear, _ = pull_frames(
        f'filesrc location={webm} ! matroskademux ! e2eedec key={key} ! '
        f'avdec_vp8 ! video/x-raw,format=I420 ! appsink name=sink')
    raw, _ = pull_frames(
        f'filesrc location={webm} ! matroskademux ! avdec_vp8 max-errors=-1 ! '
        f'video/x-raw,format=I420 ! appsink name=sink')
    if len(clear) < len(decrypted) * 0.8:
        fail(f'the decrypted recording decodes to {len(clear)} pictures only')
    reference = dict(clear)
    scores = [psnr(data, reference[pts]) for pts, data in raw
              if pts in reference]
    best = max(scores) if scores else 0.0
    print(f'without the key: {len(raw)} of {len(decrypted)} frames '
          f'decoded at all, best PSNR {best:.1f} dB against the real '
          f'pictures')
    if best > 20.0:
        fail(f'a frame decoded without the key is watchable ({best:.1f} dB)')
    shutil.rmtree(out)
    print('PASS')
    return 0


if __name__ == '__main__':
    sys.exit(main())
