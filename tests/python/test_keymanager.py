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

"""The key manager from Python, through GObject-Introspection: two
e2eekeymanager elements made with Gst.ElementFactory.make, wired to each
other through send-message / receive-message, establish an olm session;
rotate-key on one of them reaches the other as key-changed with index 1.

Run uninstalled with the build's typelib, library and plugin (meson test
sets these up):
  GI_TYPELIB_PATH=build/gst/e2ee LD_LIBRARY_PATH=build/gst/e2ee \
  GST_PLUGIN_PATH=build/gst/plugin /usr/bin/python3 test_keymanager.py

Exits with 77 (skipped, for meson) when gi, or GStreamer's or this
project's typelib, cannot be found.
"""

import sys
import threading
import time

SKIP = 77
TIMEOUT = 20.0


def skip(reason):
    print(f'SKIP: {reason}')
    sys.exit(SKIP)


try:
    import gi
except ImportError as e:
    skip(f'no PyGObject (python3-gi): {e}')

try:
    gi.require_version('Gst', '1.0')
    gi.require_version('GstE2ee', '1.0')
    from gi.repository import Gst, GstE2ee
except (ImportError, ValueError) as e:
    skip(f'a typelib is missing (GI_TYPELIB_PATH must hold the build\'s '
         f'gst/e2ee): {e}')


class Failure(Exception):
    pass


def check(cond, what):
    if not cond:
        raise Failure(what)


def wait_until(what, cond, timeout=TIMEOUT):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if cond():
            return
        time.sleep(0.02)
    raise Failure(f'timed out waiting for {what}')


def stat(manager, field):
    s = manager.get_property('stats')
    ok, value = s.get_uint64(field)
    if not ok:
        ok, value = s.get_uint(field)
    check(ok, f'no {field} in the stats')
    return value


class Party:
    """An e2eekeymanager and what its signals told."""

    def __init__(self, local_id):
        self.manager = Gst.ElementFactory.make('e2eekeymanager', None)
        check(self.manager is not None, 'no e2eekeymanager element')
        # the element wraps the library's engine, which GI users may also
        # use on its own
        check(isinstance(self.manager.get_property('key-manager'),
                         GstE2ee.KeyManager),
              "the element's key-manager is not a GstE2ee.KeyManager")
        drawn = self.manager.get_property('local-id')
        check(drawn and len(drawn) == 36, f'no random UUID: {drawn!r}')
        self.manager.set_property('local-id', local_id)
        self.manager.set_property('debounce', 50)
        self.id = self.manager.get_property('local-id')
        check(self.id == local_id, f'local-id is {self.id!r}')
        self.lock = threading.Lock()
        self.key_changes = []
        self.peers = []
        self.manager.connect('key-changed', self.on_key_changed)
        self.manager.connect('send-message', self.on_send_message)

    # both emitted from the manager's own thread
    def on_key_changed(self, manager, participant, index):
        with self.lock:
            self.key_changes.append((participant, index))

    def on_send_message(self, manager, to, message):
        for peer in self.peers:
            if to is None or to == peer.id:
                peer.manager.emit('receive-message', message)

    def saw_key(self, participant, index):
        with self.lock:
            return (participant, index) in self.key_changes


def main():
    Gst.init(None)
    # a build without its plugin is broken, not a reason to skip
    check(Gst.ElementFactory.find('e2eekeymanager') is not None,
          "no e2eekeymanager element (GST_PLUGIN_PATH must hold the "
          "build's gst/plugin)")

    alice, bob = Party('alice'), Party('bob')
    alice.peers.append(bob)
    bob.peers.append(alice)
    # each admits the other, which sends our e2ee-hello
    check(alice.manager.emit('add-participant', 'bob'), 'add-participant')
    check(bob.manager.emit('add-participant', 'alice'), 'add-participant')

    wait_until('the olm session',
               lambda: stat(alice.manager, 'sessions') >= 1
               and stat(bob.manager, 'sessions') >= 1)
    wait_until("alice's first key at bob", lambda: bob.saw_key('alice', 0))
    check(stat(alice.manager, 'key-index') == 0, 'alice starts at index 0')
    print(f'sessions up; bob has alice\'s key 0; '
          f'alice: {alice.manager.get_property("stats").to_string()}')

    alice.manager.emit('rotate-key')
    wait_until('key-changed alice 1 at bob', lambda: bob.saw_key('alice', 1))
    # alice switches once bob acknowledged it
    wait_until("alice's switch to index 1",
               lambda: alice.saw_key('alice', 1)
               and stat(alice.manager, 'key-index') == 1)
    check(stat(alice.manager, 'rotations') == 1, 'one rotation')
    check(stat(bob.manager, 'keys-received') >= 2, 'bob got two keys')
    check(stat(bob.manager, 'key-index') == 0, "bob's own key did not move")
    for p in (alice, bob):
        for field in ('malformed', 'decrypt-failed', 'refused'):
            check(stat(p.manager, field) == 0, f'{p.id}: {field}')
    print(f'rotate-key: bob saw key-changed(alice, 1); alice now at key '
          f'index {stat(alice.manager, "key-index")}')
    return 0


if __name__ == '__main__':
    try:
        sys.exit(main())
    except Failure as e:
        print(f'FAIL: {e}')
        sys.exit(1)
