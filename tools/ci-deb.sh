#!/usr/bin/env bash
# gst-e2ee
# Copyright (C) 2026 The gst-e2ee authors
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# tools/ci-deb.sh [WORKDIR]: builds the Debian packages of debian/ from a
# copy of the tree (the checkout stays clean), checks them with lintian
# (an error fails), and runs what they contain from a root the .debs are
# unpacked into (dpkg -x): the plugin found by gst-inspect, a pipeline
# whose decrypted frames must be bit-exact, the typelib from Python, a
# program built against the -dev package, the bots. Results go to
# WORKDIR/testlog-deb.json (meson's format; tools/check.sh prefixes the
# names with deb:); the packages stay in WORKDIR/src/.
#
# Why dpkg -x and not apt-get install: installed, the plugin and library
# would be in the system plugin path and the linker's, under the build
# tree's, for every later test on this machine. Whether the packages'
# dependencies resolve is checked with apt-get install --simulate.
#
# The packages are built with DEB_BUILD_OPTIONS=nocheck: tools/check.sh
# has just run the whole suite on the same sources, and the package build's
# own test subset (debian/rules) would only build the tests once more.
set -euo pipefail

export E2EE_SCRIPT=ci-deb.sh
# shellcheck source=tools/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

work=$(e2ee_abspath "${1:-${TMPDIR:-/tmp}/gst-e2ee-deb}")
log=$work/testlog-deb.json
src=$work/src/gst-e2ee
root=$work/root
out=$work/run
status=0

rm -rf "$work"
mkdir -p "$work/src" "$root" "$out"
: > "$log"

# record NAME RESULT FILE: one line of the test log, FILE's text as stdout
record () {
  python3 - "$log" "$1" "$2" "$3" <<'EOF'
import json, sys
log, name, result, path = sys.argv[1:]
with open(path, encoding='utf-8', errors='replace') as f:
    text = f.read()
# the end of a long output says why it failed
text = text[-20000:]
with open(log, 'a', encoding='utf-8') as f:
    f.write(json.dumps({'name': name, 'result': result, 'stdout': text}) + '\n')
EOF
  e2ee_say "$1: $2"
  [[ $2 != FAIL ]] || status=1
}

# step NAME COMMAND...: runs COMMAND, its output into the log as NAME;
# $step_rc is its exit status. COMMAND runs with errexit in a subshell that
# is in no || or && list (bash ignores -e in those, functions included), so
# any failing command in it fails the step.
step () {
  local name=$1
  shift
  set +e
  (set -e; "$@") > "$out/$name.txt" 2>&1
  step_rc=$?
  set -e
  if ((step_rc == 0)); then
    record "$name" OK "$out/$name.txt"
  else
    echo "exit status $step_rc" >> "$out/$name.txt"
    record "$name" FAIL "$out/$name.txt"
  fi
}

finish () {
  e2ee_say "log: $log"
  exit "$status"
}

# --- build -----------------------------------------------------------------

# The files git knows (tracked, or new and not ignored): no build dirs.
mkdir -p "$src"
git -C "$E2EE_REPO" ls-files -z --cached --others --exclude-standard |
  tar -C "$E2EE_REPO" --null --ignore-failed-read -T - -cf - |
  tar -C "$src" -xf -

# The packages come from tools/common.sh's list (the only one), plus
# debhelper and lintian for this step; then debian/control's Build-Depends
# must be satisfied, which fails this step if the two lists drift apart.
build_deps () {
  E2EE_DEPS+=(debhelper lintian)
  e2ee_install_deps
  dpkg-checkbuilddeps "$src/debian/control"
  echo "debian/control's Build-Depends are installed"
}
step build-deps build_deps
((step_rc == 0)) || finish

build_packages () {
  cd "$src"
  local t0=$SECONDS
  # the source package too (seconds), for lintian's source checks
  dpkg-source -b .
  # check level 4: a symbol added to or gone from the library and not to
  # or from debian/libgste2ee-1.0-0.symbols fails the build (the diff is
  # in the log; docs/embedded.md says how to update the file)
  DPKG_GENSYMBOLS_CHECK_LEVEL=4 \
    DEB_BUILD_OPTIONS="nocheck ${DEB_BUILD_OPTIONS:-}" \
    dpkg-buildpackage -us -uc -b -j2
  echo "dpkg-buildpackage: $((SECONDS - t0)) s"
  ls -l "$work/src"/*.deb
}
step build build_packages
((step_rc == 0)) || finish

changes=$(ls "$work/src"/*.changes)
dsc=$(ls "$work/src"/*.dsc)
arch=$(dpkg-architecture -qDEB_HOST_MULTIARCH)
lib=$root/usr/lib/$arch

# lintian: errors fail; warnings and the rest are printed
run_lintian () {
  lintian --fail-on error --display-info --pedantic --tag-display-limit 0 \
    "$changes" "$dsc"
}
step lintian run_lintian

# --- the packages, unpacked and run ----------------------------------------

unpack () {
  local deb
  for deb in "$work/src"/*.deb; do
    echo "== $deb"
    dpkg-deb -c "$deb"
    dpkg-deb -x "$deb" "$root"
  done
  # what each package must hold
  test -f "$lib/gstreamer-1.0/libgste2ee.so"
  test -L "$lib/libgste2ee-1.0.so"
  test -f "$lib/pkgconfig/gstreamer-e2ee-1.0.pc"
  test -f "$lib/girepository-1.0/GstE2ee-1.0.typelib"
  test -f "$root/usr/share/gir-1.0/GstE2ee-1.0.gir"
  test -f "$root/usr/include/gstreamer-1.0/gst/e2ee/e2ee.h"
  test -x "$root/usr/bin/gst-e2ee-janus-publish"
  test -x "$root/usr/bin/gst-e2ee-janus-record"
  ls "$root"/usr/share/locale/*/LC_MESSAGES/gst-e2ee-1.0.mo
}
step unpack unpack
((step_rc == 0)) || finish

# apt resolves the packages' dependencies (nothing is installed)
simulate () {
  apt-get install --simulate --no-install-recommends "$work/src"/*.deb
}
if [[ $(id -u) -eq 0 ]]; then
  step install-simulate simulate
fi

# Only the unpacked plugin and library, and the system's plugins
export GST_PLUGIN_PATH_1_0=$lib/gstreamer-1.0
GST_PLUGIN_SYSTEM_PATH_1_0=$(pkg-config --variable=pluginsdir gstreamer-1.0)
export GST_PLUGIN_SYSTEM_PATH_1_0
export GST_REGISTRY_1_0=$out/registry.bin
export LD_LIBRARY_PATH=$lib
export GI_TYPELIB_PATH=$lib/girepository-1.0

inspect () {
  local e
  gst-inspect-1.0 e2ee > "$out/inspect-e2ee.txt"
  cat "$out/inspect-e2ee.txt"
  grep -F "$lib/gstreamer-1.0/libgste2ee.so" "$out/inspect-e2ee.txt"
  for e in e2eeenc e2eedec e2eevp8pay e2eekeymanager; do
    gst-inspect-1.0 "$e" > /dev/null
  done
  # the plugin resolved the library in the root, not one elsewhere
  ldd "$lib/gstreamer-1.0/libgste2ee.so" | grep -F "$lib/libgste2ee-1.0.so.0"
}
step inspect inspect

# 30 VP8 frames through e2eeenc and e2eedec with a static key: each frame
# out of e2eedec is the frame that went into e2eeenc, byte for byte; each
# sealed frame differs and is 30 bytes longer (the JFrame trailer); vp8dec
# decodes the decrypted ones. A different key decrypts nothing.
roundtrip () {
  local key other n f
  key=$(od -An -tx1 -v -N32 /dev/urandom | tr -d ' \n')
  other=$(od -An -tx1 -v -N32 /dev/urandom | tr -d ' \n')
  mkdir -p "$out/plain" "$out/sealed" "$out/opened" "$out/wrong"
  gst-launch-1.0 -q videotestsrc num-buffers=30 ! \
    video/x-raw,width=320,height=240 ! vp8enc deadline=1 ! tee name=p \
    p. ! queue ! multifilesink location="$out/plain/%05d" \
    p. ! queue ! e2eeenc key="$key" ! tee name=s \
    s. ! queue ! multifilesink location="$out/sealed/%05d" \
    s. ! queue ! e2eedec key="$key" ! tee name=o \
    o. ! queue ! multifilesink location="$out/opened/%05d" \
    o. ! queue ! vp8dec ! fakesink \
    s. ! queue ! e2eedec key="$other" ! multifilesink \
      location="$out/wrong/%05d"
  n=0
  for f in "$out"/plain/*; do
    f=${f##*/}
    cmp "$out/plain/$f" "$out/opened/$f"
    if cmp -s "$out/plain/$f" "$out/sealed/$f"; then
      echo "frame $f: sealed equals plain"
      return 1
    fi
    (($(stat -c %s "$out/sealed/$f") == $(stat -c %s "$out/plain/$f") + 30))
    n=$((n + 1))
  done
  ((n == 30))
  (($(find "$out/opened" -type f | wc -l) == 30))
  (($(find "$out/wrong" -type f | wc -l) == 0))
  echo "30 frames bit-exact after e2eeenc/e2eedec; 0 decrypted with another key"
}
step roundtrip roundtrip

# the typelib, from Python, loads the library in the root
gir () {
  /usr/bin/python3 - "$lib" <<'EOF'
import sys
import gi
gi.require_version('Gst', '1.0')
gi.require_version('GstE2ee', '1.0')
from gi.repository import Gst, GstE2ee
Gst.init(None)
ring = GstE2ee.KeyRing.new(16)
assert ring.get_size() == 16, ring.get_size()
maps = open('/proc/self/maps').read()
assert sys.argv[1] + '/libgste2ee-1.0.so.0' in maps, 'library not from the root'
print('GstE2ee-1.0 typelib: KeyRing of', ring.get_size(), 'slots')
EOF
}
step gir gir

# a program built against the -dev package (its .pc, headers and .so)
dev_compile () {
  local pcdir=$out/pkgconfig
  mkdir -p "$pcdir"
  sed "s|^prefix=.*|prefix=$root/usr|" \
    "$lib/pkgconfig/gstreamer-e2ee-1.0.pc" > "$pcdir/gstreamer-e2ee-1.0.pc"
  # shellcheck disable=SC2046  # pkg-config's flags are words
  cc -o "$out/deb-dev-smoke" "$E2EE_REPO/tools/ci-deb-smoke.c" \
    $(PKG_CONFIG_PATH=$pcdir pkg-config --cflags --libs gstreamer-e2ee-1.0)
  "$out/deb-dev-smoke"
}
step dev-compile dev_compile

# the bots run, and their manual pages (debian/*.1, written by hand) name
# every option their --help lists
tools () {
  local bot opt page
  for bot in gst-e2ee-janus-publish gst-e2ee-janus-record; do
    "$root/usr/bin/$bot" --help > "$out/$bot.help"
    cat "$out/$bot.help"
    # shellcheck disable=SC1003  # tr's one backslash
    page=$(zcat "$root/usr/share/man/man1/$bot.1.gz" | tr -d '\\')
    # shellcheck disable=SC2013  # the options are words
    for opt in $(sed -n '/^Application Options:/,$p' "$out/$bot.help" |
                 grep -o -- '--[a-z-]*' | sort -u); do
      grep -qF -- "$opt" <<<"$page" ||
        { echo "$bot.1 lacks $opt"; return 1; }
    done
  done
}
step tools tools

finish
