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

"""The GStreamer side of the LiveKit interop test (livekit-interop.mjs).

  frames.py encode CODEC KDF KEYHEX DIR
      real encoder -> e2eeenc: writes DIR/CODEC.clear (the encoder's frames)
      and DIR/CODEC.ours (the JFrames e2eeenc made of them).
  frames.py decrypt CODEC KDF KEYHEX IN OUT
      the frames of IN -> e2eedec -> OUT; a frame e2eedec drops is written
      as an empty record.

Frame files: per frame a 4-byte big-endian length, one flag byte (1: key
frame) and the bytes. Keys come in by argument from the driver, never
logged.
"""

import struct
import sys

import gi

gi.require_version('Gst', '1.0')
gi.require_version('GstApp', '1.0')
from gi.repository import Gst, GstApp  # noqa: E402

N_FRAMES = 30

ENCODERS = {
    'opus': ('audiotestsrc wave=ticks num-buffers=%d ! '
             'audio/x-raw,rate=48000,channels=1 ! opusenc' % (N_FRAMES * 2),
             'audio/x-opus,channel-mapping-family=0,rate=48000,channels=1'),
    'vp8': ('videotestsrc num-buffers=%d ! video/x-raw,width=320,height=240,'
            'framerate=30/1 ! vp8enc deadline=1 keyframe-max-dist=10'
            % N_FRAMES, 'video/x-vp8,width=320,height=240,framerate=30/1'),
    'vp9': ('videotestsrc num-buffers=%d ! video/x-raw,width=320,height=240,'
            'framerate=30/1 ! vp9enc deadline=1 keyframe-max-dist=10'
            % N_FRAMES, 'video/x-vp9,width=320,height=240,framerate=30/1'),
    'h264': ('videotestsrc num-buffers=%d ! video/x-raw,width=320,height=240,'
             'framerate=30/1 ! x264enc speed-preset=ultrafast key-int-max=10 '
             '! video/x-h264,stream-format=byte-stream,alignment=au'
             % N_FRAMES, 'video/x-h264,stream-format=byte-stream,'
             'alignment=au,width=320,height=240,framerate=30/1'),
    'h265': ('videotestsrc num-buffers=%d ! video/x-raw,width=320,height=240,'
             'framerate=30/1 ! x265enc speed-preset=ultrafast key-int-max=10 '
             '! video/x-h265,stream-format=byte-stream,alignment=au'
             % N_FRAMES, 'video/x-h265,stream-format=byte-stream,'
             'alignment=au,width=320,height=240,framerate=30/1'),
}


def write_frames(path, frames):
    with open(path, 'wb') as f:
        for key, data in frames:
            f.write(struct.pack('>IB', len(data), 1 if key else 0))
            f.write(data)


def read_frames(path):
    out = []
    with open(path, 'rb') as f:
        blob = f.read()
    i = 0
    while i < len(blob):
        n, flag = struct.unpack_from('>IB', blob, i)
        i += 5
        out.append((flag == 1, blob[i:i + n]))
        i += n
    return out


def pull_all(pipeline, sink):
    frames = []
    pipeline.set_state(Gst.State.PLAYING)
    while True:
        sample = sink.emit('pull-sample')
        if sample is None:
            break
        buf = sample.get_buffer()
        frames.append((buf.pts, not buf.has_flags(Gst.BufferFlags.DELTA_UNIT),
                       buf.extract_dup(0, buf.get_size())))
    msg = pipeline.get_bus().pop_filtered(Gst.MessageType.ERROR)
    pipeline.set_state(Gst.State.NULL)
    if msg:
        raise SystemExit('pipeline error: %s' % msg.parse_error()[0].message)
    return frames


def key_props(kdf, key):
    return 'kdf=%s key=%s' % (kdf, key)


def encode(codec, kdf, key, outdir):
    src, _ = ENCODERS[codec]
    pipeline = Gst.parse_launch(
        '%s ! tee name=t t. ! queue ! appsink name=clear sync=false '
        't. ! queue ! e2eeenc name=enc %s ! appsink name=ours sync=false'
        % (src, key_props(kdf, key)))
    clear = []
    ours = []
    sinks = {'clear': clear, 'ours': ours}
    pipeline.set_state(Gst.State.PLAYING)
    for name, store in sinks.items():
        sink = pipeline.get_by_name(name)
        while True:
            sample = sink.emit('pull-sample')
            if sample is None:
                break
            buf = sample.get_buffer()
            store.append((not buf.has_flags(Gst.BufferFlags.DELTA_UNIT),
                          buf.extract_dup(0, buf.get_size())))
    msg = pipeline.get_bus().pop_filtered(Gst.MessageType.ERROR)
    pipeline.set_state(Gst.State.NULL)
    if msg:
        raise SystemExit('pipeline error: %s' % msg.parse_error()[0].message)
    if len(clear) != len(ours):
        raise SystemExit('e2eeenc dropped frames: %d in, %d out'
                         % (len(clear), len(ours)))
    write_frames('%s/%s.clear' % (outdir, codec), clear)
    write_frames('%s/%s.ours' % (outdir, codec), ours)


def decrypt(codec, kdf, key, inpath, outpath):
    _, caps = ENCODERS[codec]
    frames = read_frames(inpath)
    pipeline = Gst.parse_launch(
        'appsrc name=src format=time caps="%s" ! e2eedec %s ! '
        'appsink name=sink sync=false' % (caps, key_props(kdf, key)))
    src = pipeline.get_by_name('src')
    sink = pipeline.get_by_name('sink')
    pipeline.set_state(Gst.State.PLAYING)
    for i, (is_key, data) in enumerate(frames):
        buf = Gst.Buffer.new_wrapped(data)
        buf.pts = i * Gst.MSECOND
        if not is_key:
            buf.set_flags(Gst.BufferFlags.DELTA_UNIT)
        src.emit('push-buffer', buf)
    src.emit('end-of-stream')
    out = {pts: (k, data) for pts, k, data in pull_all(pipeline, sink)}
    write_frames(outpath, [out.get(i * Gst.MSECOND, (False, b''))
                           for i in range(len(frames))])


def main():
    Gst.init(None)
    if sys.argv[1] == 'encode':
        encode(*sys.argv[2:6])
    elif sys.argv[1] == 'decrypt':
        decrypt(*sys.argv[2:7])
    else:
        raise SystemExit(__doc__)


if __name__ == '__main__':
    main()
