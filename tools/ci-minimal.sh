#!/usr/bin/env bash
# gst-e2ee
# Copyright (C) 2026 The gst-e2ee authors
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# tools/ci-minimal.sh [BUILDDIR]: the minimal build of docs/embedded.md
# (-Dkey-manager=disabled), configured where pkg-config sees only what it
# may use (GStreamer core, base, video, rtp and libcrypto, and the test
# tools: gstreamer-check, -app, -codecparsers; no libolm, json-glib,
# libsoup, gstreamer-webrtc or -sdp): it must configure and build there.
# Then its tests (the frame path: core with the known-answer vectors,
# codecs, elements, pipelines, translations, fuzz replays), and
# tests/install/check-install.sh on what `meson install` puts into
# BUILDDIR/prefix (no key manager anywhere, nothing linked to its
# dependencies, stripped sizes).
#
# Writes BUILDDIR/meson-logs/ci-minimal.json (meson's testlog.json lines,
# then the install checks); tools/check.sh adds it to its summary with the
# prefix "minimal:". Default BUILDDIR: build-minimal at the top of the
# repository.
set -euo pipefail

E2EE_SCRIPT=ci-minimal.sh
# shellcheck source=tools/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

build=$(e2ee_abspath "${1:-$E2EE_REPO/build-minimal}")
prefix=$build/prefix
pcdir=$build/pkgconfig-minimal
log=$build/meson-logs/ci-minimal.json

e2ee_install_deps

mkdir -p "$build/meson-logs"
rm -f "$log"
fail () {
  /usr/bin/python3 -c 'import json, sys
print(json.dumps({"name": sys.argv[1], "result": "FAIL", "stdout": sys.argv[2]}))' \
    "$1" "$2" >> "$log"
  exit 1
}

# The .pc files the minimal build may see: these modules and what they
# require, found where the system keeps them.
allowed=(glib-2.0 gobject-2.0 gio-2.0 gmodule-2.0 gstreamer-1.0
  gstreamer-base-1.0 gstreamer-video-1.0 gstreamer-rtp-1.0 libcrypto
  gobject-introspection-1.0
  # tests only
  gstreamer-check-1.0 gstreamer-app-1.0 gstreamer-codecparsers-1.0)
rm -rf "$pcdir"
mkdir -p "$pcdir"
queue=("${allowed[@]}")
declare -A seen=()
while ((${#queue[@]})); do
  m=${queue[0]}
  queue=("${queue[@]:1}")
  [[ -z ${seen[$m]:-} ]] || continue
  seen[$m]=1
  cp "$(pkg-config --variable=pcfiledir "$m")/$m.pc" "$pcdir/" ||
    fail configure "no $m.pc"
  # shellcheck disable=SC2207  # module names are words
  queue+=($(pkg-config --print-requires --print-requires-private "$m" |
    awk '{print $1}'))
done
for m in olm json-glib-1.0 libsoup-3.0 gstreamer-webrtc-1.0 gstreamer-sdp-1.0
do
  [[ ! -e $pcdir/$m.pc ]] || fail configure "$m.pc is required by an allowed module"
done

export PKG_CONFIG_LIBDIR=$pcdir
unset PKG_CONFIG_PATH
e2ee_configure "$build" --prefix="$prefix" -Dkey-manager=disabled \
  -Dtests=enabled -Dexamples=disabled -Ddoc=disabled -Dbench=disabled \
  > "$build/meson-logs/ci-minimal-setup.txt" 2>&1 ||
  fail configure "$(tail -n 30 "$build/meson-logs/ci-minimal-setup.txt")"
grep -Eq 'Key manager *: NO' "$build/meson-logs/ci-minimal-setup.txt" ||
  fail configure "the key manager was not disabled"
ninja -C "$build" > "$build/meson-logs/ci-minimal-build.txt" 2>&1 ||
  fail build "$(grep -A20 FAILED "$build/meson-logs/ci-minimal-build.txt" | head -n 60)"

# interop (LiveKit's npm package) runs in the normal suite; its frame path
# is the same code
status=0
rm -f "$build/meson-logs/testlog.json"
e2ee_isolated meson test -C "$build" --print-errorlogs --num-processes 2 \
  --no-suite interop || status=1
cat "$build/meson-logs/testlog.json" >> "$log"

rm -rf "$prefix"
meson install -C "$build" --quiet > "$build/meson-logs/ci-minimal-install.txt" 2>&1 ||
  fail install "$(tail -n 30 "$build/meson-logs/ci-minimal-install.txt")"
bash "$E2EE_REPO/tests/install/check-install.sh" "$prefix" minimal "$log" ||
  status=1
exit "$status"
