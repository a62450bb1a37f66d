#!/usr/bin/env python3
# gst-e2ee
# Copyright (C) 2026 The gst-e2ee authors
# SPDX-License-Identifier: LGPL-2.1-or-later
"""json-to-gvariant.py IN.json OUT.gvariant: the test vectors as GVariant text.

The C tests read the known-answer vectors with GLib alone (g_variant_parse),
so that they build and run without json-glib, in the minimal build
(-Dkey-manager=disabled) too. Python is there whenever meson is. Objects
become a{sv}, arrays of one kind typed arrays (as, aa{sv}, aas), integers
int64 (uint64 above int64's range).
"""
import json
import sys


def text(value):
    if isinstance(value, bool):
        return 'true' if value else 'false'
    if isinstance(value, int):
        # uint64 only where int64 cannot hold it (the SFrame header vectors
        # go up to 2^64-1)
        return ('@t %d' if value > 2**63 - 1 else '@x %d') % value
    if isinstance(value, float):
        return '@d %r' % value
    if isinstance(value, str):
        out = []
        for ch in value:
            if ch in "\\'":
                out.append('\\' + ch)
            elif 0x20 <= ord(ch) < 0x7f:
                out.append(ch)
            else:
                out.append('\\u%04x' % ord(ch))
        return "'" + ''.join(out) + "'"
    if isinstance(value, dict):
        items = ['%s: <%s>' % (text(k), text(v)) for k, v in value.items()]
        return '@a{sv} {' + ', '.join(items) + '}'
    if isinstance(value, list):
        if not value:
            return '@av []'
        kinds = {type(v) for v in value}
        if len(kinds) != 1:
            raise SystemExit('array of mixed kinds: %r' % (value,))
        return '[' + ', '.join(text(v) for v in value) + ']'
    raise SystemExit('cannot convert %r' % (value,))


def main():
    with open(sys.argv[1], encoding='utf-8') as f:
        data = json.load(f)
    with open(sys.argv[2], 'w', encoding='ascii') as f:
        f.write(text(data) + '\n')


if __name__ == '__main__':
    main()
