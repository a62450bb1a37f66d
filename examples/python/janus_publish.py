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

"""A publishing bot in Python: joins a Janus VideoRoom and publishes VP8,
encrypted end to end, through the library's GstE2ee-1.0 typelib
(GstE2ee.KeyManager for the keys, GstE2ee.JanusRoom for Janus).

  /usr/bin/python3 examples/python/janus_publish.py \\
      --server http://127.0.0.1:8088/janus --room 1234 --id py-bot

Keys come from the key manager, over Janus's TextRoom, to every member of
the room; with --key HEX the frames are sealed with that static key
instead (for an offline decryption of what Janus recorded, docs/sfu.md).
--loopback-only applies the project's loopback rules to every webrtcbin
(tests and demo); without it nothing is set beyond max-bundle.

The C bots (gst-e2ee-janus-publish, gst-e2ee-janus-record) do more; this
one is short on purpose. Run it with the system's python3 (Debian's
python3-gi).
"""

import argparse
import hashlib
import signal
import sys

import gi

gi.require_version('Gst', '1.0')
gi.require_version('GstE2ee', '1.0')
from gi.repository import GLib, Gst, GstE2ee  # noqa: E402


def apply_loopback_rules(webrtcbin):
    """No STUN/TURN, one bundle, candidates on 127.0.0.1 only, no ICE-TCP,
    no UPnP (libnice would send SSDP multicast off the machine)."""
    webrtcbin.set_property('bundle-policy', 'max-bundle')
    webrtcbin.set_property('stun-server', None)
    ice = webrtcbin.get_property('ice-agent')
    ice.emit('add-local-ip-address', '127.0.0.1')
    ice.set_property('ice-tcp', False)
    ice.get_property('agent').set_property('upnp', False)


class Publisher:
    """One VP8 stream into a Janus room; a fresh pipeline each time the
    room is (re)joined, none while Janus is away."""

    def __init__(self, args, loop):
        self.args = args
        self.loop = loop
        self.pipeline = None
        self.frames = 0
        # md5 of every encoded frame handed to e2eeenc, in order: what a
        # receiver must get back, byte for byte, after decryption
        self.digests = []
        self.key_manager = GstE2ee.KeyManager.new(args.id)
        self.room = GstE2ee.JanusRoom.new(args.server, args.room,
                                          self.key_manager)
        # the room's signals come from its own thread: handle them on the
        # main loop
        self.room.connect('webrtcbin-setup', self._on_webrtcbin_setup)
        self.room.connect('joined', lambda room: GLib.idle_add(self._start))
        self.room.connect('disconnected',
                          lambda room: GLib.idle_add(self._stop_pipeline))
        self.room.connect('error', self._on_room_error)

    def _on_webrtcbin_setup(self, room, webrtcbin):
        if self.args.loopback_only:
            apply_loopback_rules(webrtcbin)
        else:
            webrtcbin.set_property('bundle-policy', 'max-bundle')

    def _on_room_error(self, room, error):
        print(f'janus: {error.message}', file=sys.stderr)

    def _start(self):
        self._stop_pipeline()
        if self.args.key:
            keys = f'key={self.args.key}'
        else:
            keys = ''
        # num-buffers ends the stream; is-live paces it like a camera
        desc = (f'videotestsrc is-live=true num-buffers={self.args.frames} '
                f'pattern=ball ! video/x-raw,width=320,height=240,'
                f'framerate=30/1 ! vp8enc deadline=1 keyframe-max-dist=30 '
                f'! e2eeenc name=enc {keys} ! e2eevp8pay ! '
                f'webrtcbin name=webrtc')
        self.pipeline = Gst.parse_launch(desc)
        enc = self.pipeline.get_by_name('enc')
        if not self.args.key:
            enc.set_property('key-manager', self.key_manager)
        enc.get_static_pad('sink').add_probe(Gst.PadProbeType.BUFFER,
                                             self._on_frame)
        webrtc = self.pipeline.get_by_name('webrtc')
        # through the room's webrtcbin-setup: its default handler makes
        # webrtcbin's ICE agent safe to read from Python (GStreamer 1.22
        # leaves it floating), then _on_webrtcbin_setup applies the policy
        self.room.emit('webrtcbin-setup', webrtc)
        bus = self.pipeline.get_bus()
        bus.add_signal_watch()
        # webrtcbin posts no EOS on the bus: the stream has ended when EOS
        # has gone through the payloader into webrtcbin
        enc.get_static_pad('src').add_probe(
            Gst.PadProbeType.EVENT_DOWNSTREAM, self._on_event)
        bus.connect('message::error', self._on_error)
        self.pipeline.set_state(Gst.State.PLAYING)
        self.room.publish(webrtc)
        return GLib.SOURCE_REMOVE

    def _on_event(self, pad, info):
        if info.get_event().type == Gst.EventType.EOS:
            GLib.idle_add(self.loop.quit)
        return Gst.PadProbeReturn.OK

    def _on_frame(self, pad, info):
        buf = info.get_buffer()
        ok, m = buf.map(Gst.MapFlags.READ)
        if ok:
            self.digests.append(hashlib.md5(bytes(m.data)).hexdigest())
            buf.unmap(m)
        self.frames += 1
        return Gst.PadProbeReturn.OK

    def _on_error(self, bus, msg):
        err, dbg = msg.parse_error()
        print(f'error: {err.message} ({dbg})', file=sys.stderr)
        self.loop.quit()

    def _stop_pipeline(self):
        if self.pipeline:
            self.pipeline.set_state(Gst.State.NULL)
            self.pipeline = None
        return GLib.SOURCE_REMOVE

    def run(self):
        self.room.start()
        self.loop.run()
        self.room.stop()
        self._stop_pipeline()


def parse_args(argv):
    p = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    p.add_argument('--server', required=True,
                   help='Janus HTTP API, e.g. http://127.0.0.1:8088/janus')
    p.add_argument('--room', type=int, required=True)
    p.add_argument('--id', default='py-publisher',
                   help='participant id (TextRoom username, VideoRoom '
                        'display)')
    p.add_argument('--frames', type=int, default=150,
                   help='frames to send, then leave (default 150)')
    p.add_argument('--key', help='static key in hex (16 or 32 bytes) '
                                 'instead of the key manager\'s')
    p.add_argument('--loopback-only', action='store_true')
    return p.parse_args(argv)


def main(argv):
    Gst.init(None)
    args = parse_args(argv)
    loop = GLib.MainLoop()
    pub = Publisher(args, loop)
    GLib.unix_signal_add(GLib.PRIORITY_DEFAULT, signal.SIGINT, loop.quit)
    GLib.unix_signal_add(GLib.PRIORITY_DEFAULT, signal.SIGTERM, loop.quit)
    pub.run()
    print(f'sent {pub.frames} frames')
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
