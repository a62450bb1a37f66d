#!/usr/bin/env bash
# gst-e2ee
# Copyright (C) 2026 The gst-e2ee authors
# SPDX-License-Identifier: LGPL-2.1-or-later
# shellcheck disable=SC2317  # the checks are functions run by check()
# tests/install/check-install.sh PREFIX full|minimal LOG: checks what
# `meson install` put into PREFIX as a user of the installed tree would,
# with nothing from the build directory: the plugin through
# GST_PLUGIN_PATH, the library through its pkg-config file (a program
# outside the tree compiles, links and runs), the typelib from Python, a
# gst-launch pipeline that encrypts and decrypts with a static key, the
# bots (full only), the translations, and the stripped sizes of the
# library and the plugin. Minimal (-Dkey-manager=disabled): no
# e2eekeymanager, no key-manager property, and nothing linked to libolm,
# json-glib, libsoup or gstreamer-webrtc/-sdp.
#
# Appends one JSON line per check to LOG ({"name", "result", "stdout"}, as
# meson's testlog.json); exits non-zero if a check failed. Called by
# tools/ci-install.sh and tools/ci-minimal.sh.
set -euo pipefail

prefix=$1
kind=$2
log=$3
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
failed=0

record () {
  /usr/bin/python3 -c 'import json, sys
print(json.dumps({"name": sys.argv[1], "result": sys.argv[2],
                  "stdout": sys.argv[3]}))' "installed/$1" "$2" "$3" \
    >> "$log"
  printf '%-40s %s\n' "installed ($kind)/$1" "$2"
  [[ $2 != FAIL ]] || failed=1
}

# check NAME FUNCTION: runs FUNCTION, records its output and its verdict.
# The function runs under set -e (which a `||` after it would switch off):
# its first failing command fails the check.
check () {
  local name=$1 out rc
  shift
  set +e
  out=$(set -e; "$@" 2>&1)
  rc=$?
  set -e
  if ((rc == 0)); then
    record "$name" OK "$out"
  else
    record "$name" FAIL "$out"
  fi
}

plugin=$(find "$prefix" -path '*/gstreamer-1.0/libgste2ee.so' | head -n1)
library=$(find "$prefix" -name 'libgste2ee-1.0.so.0' | head -n1)
plugindir=$(dirname "${plugin:-$prefix/lib/gstreamer-1.0/x}")
libdir=$(dirname "${library:-$prefix/lib/x}")
system_plugins=$(pkg-config --variable=pluginsdir gstreamer-1.0)

# GStreamer sees the installed plugin and the system's, nothing else, with
# a registry of its own. No LD_LIBRARY_PATH: the plugin finds the library
# by its rpath (meson.build gives one outside /usr).
gst_env=(env -u LD_LIBRARY_PATH -u GST_PLUGIN_PATH_1_0
  -u GST_PLUGIN_SYSTEM_PATH_1_0
  GST_PLUGIN_PATH="$plugindir"
  GST_PLUGIN_SYSTEM_PATH="$system_plugins"
  GST_REGISTRY="$work/registry.bin")

files () {
  local f missing=0 lang
  local want=("$plugin" "$library"
    "$libdir/libgste2ee-1.0.so"
    "$libdir/pkgconfig/gstreamer-e2ee-1.0.pc"
    "$prefix/include/gstreamer-1.0/gst/e2ee/e2ee.h"
    "$prefix/include/gstreamer-1.0/gst/e2ee/gste2eeconfig.h"
    "$prefix/include/gstreamer-1.0/gst/e2ee/gste2ee-enumtypes.h"
    "$prefix/share/gir-1.0/GstE2ee-1.0.gir"
    "$libdir/girepository-1.0/GstE2ee-1.0.typelib")
  # shellcheck disable=SC2013  # LINGUAS is a list of words
  for lang in $(sed 's/#.*//' "$repo/po/LINGUAS"); do
    want+=("$prefix/share/locale/$lang/LC_MESSAGES/gst-e2ee-1.0.mo")
  done
  if [[ $kind == full ]]; then
    want+=("$prefix/bin/gst-e2ee-janus-publish"
      "$prefix/bin/gst-e2ee-janus-record"
      "$prefix/include/gstreamer-1.0/gst/e2ee/gste2eekeymanager.h")
  fi
  for f in "${want[@]}"; do
    if [[ -e $f ]]; then
      echo "installed: ${f#"$prefix"/}"
    else
      echo "MISSING: ${f#"$prefix"/}"
      missing=1
    fi
  done
  if [[ $kind == minimal ]] &&
      [[ -e $prefix/include/gstreamer-1.0/gst/e2ee/gste2eekeymanager.h ]]; then
    echo "the key manager's header is installed without the key manager"
    missing=1
  fi
  return "$missing"
}

inspect () {
  local features props
  features=$("${gst_env[@]}" gst-inspect-1.0 e2ee)
  echo "$features"
  grep -q "Filename *$plugin" <<<"$features" ||
    { echo "not the installed plugin"; return 1; }
  props=$("${gst_env[@]}" gst-inspect-1.0 e2eeenc)
  grep -q 'e2eeenc: End-to-end frame encryptor' <<<"$features" || return 1
  grep -q 'e2eevp8pay' <<<"$features" || return 1
  if [[ $kind == full ]]; then
    grep -q 'e2eekeymanager' <<<"$features" || return 1
    grep -q '^  key-manager ' <<<"$props" ||
      { echo "e2eeenc has no key-manager property"; return 1; }
  else
    ! grep -q 'e2eekeymanager' <<<"$features" ||
      { echo "e2eekeymanager in a build without the key manager"; return 1; }
    ! grep -q '^  key-manager ' <<<"$props" ||
      { echo "e2eeenc has a key-manager property"; return 1; }
  fi
}

# a program outside the tree, with the flags of the installed .pc only
program () {
  local pcdir flags
  pcdir=$libdir/pkgconfig
  export PKG_CONFIG_PATH=$pcdir${PKG_CONFIG_PATH:+:$PKG_CONFIG_PATH}
  grep -E '^(Name|Requires|Requires.private|Libs|Cflags):' \
    "$pcdir/gstreamer-e2ee-1.0.pc"
  flags=$(pkg-config --cflags --libs gstreamer-e2ee-1.0)
  echo "cc installed-lib.c $flags"
  # shellcheck disable=SC2086  # the flags are words
  cc -Wall -Werror -o "$work/installed-lib" "$here/installed-lib.c" $flags \
    -Wl,-rpath,"$(pkg-config --variable=libdir gstreamer-e2ee-1.0)"
  "${gst_env[@]}" "$work/installed-lib" | tee "$work/program.out"
  if [[ $kind == full ]]; then
    grep -qx 'key manager: yes' "$work/program.out"
  else
    grep -qx 'key manager: no' "$work/program.out"
  fi
}

# GstE2ee through the installed typelib; the typelib names the library by
# its soname, which the dynamic linker finds through LD_LIBRARY_PATH in a
# prefix of one's own
introspection () {
  "${gst_env[@]}" LD_LIBRARY_PATH="$libdir" \
    GI_TYPELIB_PATH="$libdir/girepository-1.0" E2EE_KIND="$kind" \
    /usr/bin/python3 - <<'EOF'
import os
import gi
gi.require_version('GIRepository', '2.0')
gi.require_version('Gst', '1.0')
gi.require_version('GstE2ee', '1.0')
from gi.repository import GIRepository, Gst, GstE2ee

Gst.init(None)
print('typelib:', GIRepository.Repository.get_default()
      .get_typelib_path('GstE2ee'))
key = GstE2ee.Key.new(GstE2ee.Kdf.JITSI, bytes([1] + [0] * 31))
print('key kdf:', key.get_kdf().value_nick)
print('codec:', GstE2ee.codec_to_string(GstE2ee.Codec.VP8))
has_manager = hasattr(GstE2ee, 'KeyManager')
print('KeyManager:', has_manager)
assert has_manager == (os.environ['E2EE_KIND'] == 'full')
EOF
}

# frames through e2eeenc ! e2eedec of the installed plugin with a static
# key: what comes out is what went in, and what travelled between them is
# not, and carries one JFrame trailer (16 + 12 + 2 bytes) per frame
pipeline () {
  local key=000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f
  local frames=40 size=1000 in_size ct_size
  head -c $((frames * size)) /dev/urandom > "$work/in"
  "${gst_env[@]}" gst-launch-1.0 -q filesrc location="$work/in" \
    blocksize="$size" ! video/x-vp8 ! e2eeenc key="$key" ! tee name=t \
    t. ! queue ! filesink location="$work/ct" \
    t. ! queue ! e2eedec key="$key" ! filesink location="$work/out"
  in_size=$(stat -c %s "$work/in")
  ct_size=$(stat -c %s "$work/ct")
  echo "in: $in_size bytes, on the wire: $ct_size bytes"
  cmp "$work/in" "$work/out"
  echo "decrypted bit-exact"
  ((ct_size == in_size + frames * 30)) ||
    { echo "expected $((in_size + frames * 30)) bytes encrypted"; return 1; }
  # the bytes after the first frame's clear header differ
  ! cmp -s <(head -c 1000 "$work/in" | tail -c 900) \
    <(head -c 1000 "$work/ct" | tail -c 900) ||
    { echo "the first frame went out in clear"; return 1; }
}

bots () {
  local bot
  for bot in gst-e2ee-janus-publish gst-e2ee-janus-record; do
    "${gst_env[@]}" "$prefix/bin/$bot" --help > "$work/help" 2>&1 ||
      { cat "$work/help"; return 1; }
    head -n 3 "$work/help"
    grep -q '^Usage:' "$work/help"
  done
}

# the plugin's error message for a key of the wrong length, in the
# language of each catalogue of po/, from the installed .mo files (the
# plugin binds its domain to PREFIX/share/locale)
translations () {
  local lang want out status=0
  # shellcheck disable=SC2013
  for lang in $(sed 's/#.*//' "$repo/po/LINGUAS"); do
    want=$(/usr/bin/python3 - "$repo/po/$lang.po" <<'EOF'
import re, sys
text = open(sys.argv[1], encoding='utf-8').read()
m = re.search(r'msgid "The key must be 16 or 32 bytes long\."\nmsgstr "(.*)"',
              text)
print(m.group(1))
EOF
)
    out=$("${gst_env[@]}" LANGUAGE="$lang" LC_ALL=C.UTF-8 gst-launch-1.0 \
      fakesrc num-buffers=1 ! video/x-vp8 ! e2eeenc key=0011 ! fakesink \
      2>&1 || true)
    if grep -qF "$want" <<<"$out"; then
      echo "$lang: $want"
    else
      echo "$lang: no \"$want\" in:"
      echo "$out"
      status=1
    fi
  done
  return "$status"
}

# nothing of the key manager's dependencies is linked in
needed () {
  local f libs status=0
  for f in "$library" "$plugin"; do
    libs=$(readelf -d "$f" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p' |
      tr '\n' ' ')
    echo "${f#"$prefix"/}: $libs"
    if grep -qE 'libolm|libjson-glib|libsoup|libgstwebrtc|libgstsdp' \
        <<<"$libs"; then
      echo "  links a dependency of the key manager"
      status=1
    fi
  done
  return "$status"
}

sizes () {
  local f
  for f in "$library" "$plugin"; do
    strip --strip-all -o "$work/stripped" "$f"
    printf '%s: %s bytes stripped (%s installed)\n' "$(basename "$f")" \
      "$(stat -c %s "$work/stripped")" "$(stat -L -c %s "$f")"
  done
}

check files files
check gst-inspect inspect
check pkg-config-program program
check introspection introspection
check pipeline pipeline
if [[ $kind == full ]]; then
  check bots-help bots
else
  check no-key-manager-deps needed
fi
check translations translations
check sizes sizes
exit $failed
