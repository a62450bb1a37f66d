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

"""tools/demo.sh's SFU scenario, run under tests/janus/janus-run (which
starts a private Janus and sets E2EE_JANUS_URL, E2EE_JANUS_ROOM_RECORD,
E2EE_JANUS_RECORD_DIR):

  demo-sfu.py BOTS_DIR OUTPUT_DIR

Janus's recording room (record = true): the recording bot joins, alice
(VP8 + Opus) and bob (H.264) publish for a few seconds, keys over olm
through Janus's TextRoom; then the recorder is stopped with SIGTERM.
Pictures in OUTPUT_DIR: sfu-recorder-alice.png and sfu-recorder-bob.png
(what the recording bot decrypted and wrote, decoded), and
sfu-janus-recording-alice.png and -bob.png (Janus's own recordings,
decoded as the operator of the SFU would: ciphertext, compared with what
the recording bot decrypted). The last line is a SUMMARY.
"""

import glob
import math
import os
import re
import signal
import subprocess
import sys
import tempfile

import gi

gi.require_version('Gst', '1.0')
from gi.repository import Gst  # noqa: E402

SECONDS = 6
VIDEO = ('videotestsrc is-live=true pattern={} ! '
         'video/x-raw,format=I420,width=320,height=240,framerate=30/1 ! ')


def frames(location, decoder, width=320, height=240):
    """The decoded I420 pictures of @location, scaled: [bytes]; decoding
    stops at the first error (an undecodable frame stops some decoders)."""
    p = Gst.parse_launch(
        f'filesrc location={location} ! matroskademux ! {decoder} ! '
        f'videoconvert ! videoscale ! '
        f'video/x-raw,format=I420,width={width},height={height} ! '
        f'appsink name=sink sync=false')
    sink = p.get_by_name('sink')
    out = []
    p.set_state(Gst.State.PLAYING)
    while True:
        s = sink.emit('try-pull-sample', 10 * Gst.SECOND)
        if s is None:
            break
        b = s.get_buffer()
        ok, m = b.map(Gst.MapFlags.READ)
        out.append(bytes(m.data))
        b.unmap(m)
    p.set_state(Gst.State.NULL)
    return out


def write_png(picture, path):
    p = Gst.parse_launch(
        'appsrc name=src caps=video/x-raw,format=I420,width=320,height=240,'
        'framerate=0/1 ! videoconvert ! pngenc ! filesink name=sink')
    p.get_by_name('sink').set_property('location', path)
    src = p.get_by_name('src')
    p.set_state(Gst.State.PLAYING)
    src.emit('push-buffer', Gst.Buffer.new_wrapped(picture))
    src.emit('end-of-stream')
    p.get_bus().timed_pop_filtered(10 * Gst.SECOND, Gst.MessageType.EOS |
                                   Gst.MessageType.ERROR)
    p.set_state(Gst.State.NULL)


def psnr(a, b, n):
    """PSNR of the first @n bytes (the luma plane)"""
    mse = sum((x - y) * (x - y) for x, y in zip(a[:n], b[:n])) / n
    return 99.0 if mse == 0 else 10 * math.log10(255 * 255 / mse)


def main():
    bots, out = sys.argv[1], sys.argv[2]
    Gst.init(None)
    url = os.environ['E2EE_JANUS_URL']
    room = os.environ['E2EE_JANUS_ROOM_RECORD']
    rec_dir = os.path.join(out, 'sfu-recordings')
    os.makedirs(rec_dir, exist_ok=True)
    for f in glob.glob(os.path.join(rec_dir, '*')):
        os.unlink(f)
    common = ['--server', url, '--room', room, '--loopback-only',
              '--debounce', '200']
    log = tempfile.TemporaryFile(mode='w+')
    recorder = subprocess.Popen(
        [os.path.join(bots, 'gst-e2ee-janus-record'), '--id', 'recorder',
         '--output-dir', rec_dir] + common, stdout=log,
        stderr=subprocess.STDOUT, text=True)
    publishers = [
        subprocess.Popen([os.path.join(bots, 'gst-e2ee-janus-publish'),
                          '--id', 'alice', '--duration', str(SECONDS),
                          '--video', VIDEO.format('ball') +
                          'vp8enc deadline=1 keyframe-max-dist=30',
                          '--audio', 'audiotestsrc is-live=true ! opusenc']
                         + common, stdout=subprocess.DEVNULL,
                         stderr=subprocess.DEVNULL),
        subprocess.Popen([os.path.join(bots, 'gst-e2ee-janus-publish'),
                          '--id', 'bob', '--duration', str(SECONDS),
                          '--video', VIDEO.format('smpte') +
                          'x264enc tune=zerolatency speed-preset=ultrafast '
                          'key-int-max=30'] + common,
                         stdout=subprocess.DEVNULL,
                         stderr=subprocess.DEVNULL),
    ]
    status = [p.wait(60) for p in publishers]
    recorder.send_signal(signal.SIGTERM)
    rec_status = recorder.wait(60)
    log.seek(0)
    summary = [line.strip() for line in log if line.startswith('summary ')]
    for line in summary:
        print(f'demo-sfu: {line}')
    problems = []
    if any(status):
        problems.append(f'a publishing bot failed ({status})')
    if rec_status != 0:
        problems.append(f'the recording bot failed ({rec_status})')

    # what the recording bot wrote, decoded; small copies to compare with
    small = {}
    for who, ext, dec in (('alice', 'webm', 'vp8dec'),
                          ('bob', 'mkv', 'avdec_h264')):
        files = sorted(glob.glob(os.path.join(rec_dir, f'{who}-*.{ext}')))
        pics = frames(files[0], dec) if files else []
        if pics:
            write_png(pics[-1], os.path.join(out, f'sfu-recorder-{who}.png'))
            small[who] = frames(files[0], dec, 80, 60)
        else:
            problems.append(f'nothing decodable recorded for {who}')

    # the SFU's own recordings of the video, decoded as its operator would
    # (janus-pp-rec, then a stock decoder, no key): each picture is
    # compared with every picture the recording bot decrypted, and the
    # closest one counts
    operator = []
    codecs = {'vp8': ('alice', 'webm', 'avdec_vp8 max-errors=-1'),
              'h264': ('bob', 'mkv', 'avdec_h264 max-errors=-1')}
    for mjr in sorted(glob.glob(os.path.join(
            os.environ['E2EE_JANUS_RECORD_DIR'], '*video*.mjr'))):
        header = subprocess.run(['janus-pp-rec', '-j', mjr],
                                capture_output=True, text=True).stdout
        codec = next((c for c in codecs if f'"c":"{c}"' in
                      header.replace(' ', '')), None)
        if codec is None:
            continue
        who, ext, dec = codecs[codec]
        converted = os.path.join(out, f'sfu-janus-{who}.{ext}')
        if subprocess.run(['janus-pp-rec', mjr, converted],
                          capture_output=True).returncode != 0:
            problems.append(f'janus-pp-rec could not convert {mjr}')
            continue
        raw = frames(converted, dec)
        raw_small = frames(converted, dec, 80, 60)
        os.unlink(converted)
        if raw:
            write_png(raw[len(raw) // 2],
                      os.path.join(out, f'sfu-janus-recording-{who}.png'))
        # a sample of what the operator decodes, against everything the
        # bot decrypted
        sample = raw_small[::max(1, len(raw_small) // 8)]
        best = max((psnr(a, b, 80 * 60) for a in sample
                    for b in small.get(who, [])), default=0.0)
        operator.append(f'{who}: {len(raw)} pictures, closest '
                        f'{best:.1f} dB PSNR')
        if best > 20:
            problems.append(f'Janus\'s recording of {who} is watchable '
                            f'({best:.1f} dB)')
    if not operator:
        problems.append('Janus recorded no video')

    decrypted = sum(int(x) for line in summary
                    for x in re.findall(r'frames-decrypted=(\d+)', line))
    if problems:
        print('SUMMARY: FAILED: SFU: ' + '; '.join(problems))
        return 1
    print(f'SUMMARY: SFU: the recording bot decrypted {decrypted} frames of '
          f'alice and bob through Janus; Janus\'s own recording decoded '
          f'without keys: {"; ".join(operator)}')
    return 0


if __name__ == '__main__':
    sys.exit(main())
