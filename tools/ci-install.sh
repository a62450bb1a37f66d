#!/usr/bin/env bash
# gst-e2ee
# Copyright (C) 2026 The gst-e2ee authors
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# tools/ci-install.sh [BUILDDIR]: `meson install` of the normal build into
# a prefix of its own (BUILDDIR/prefix; the library, the plugin, headers,
# pkg-config file, GIR and typelib, the bots, the translations), then
# tests/install/check-install.sh on it, as a user of the installed tree:
# gst-inspect through GST_PLUGIN_PATH, a program built with pkg-config
# alone, GstE2ee from Python, an e2eeenc ! e2eedec pipeline with a static
# key compared byte for byte, the bots' --help, a translated error message
# per language of po/, stripped sizes.
#
# Writes BUILDDIR/meson-logs/ci-install.json; tools/check.sh adds it to its
# summary with the prefix "install:". Default BUILDDIR: build-install at
# the top of the repository.
set -euo pipefail

E2EE_SCRIPT=ci-install.sh
# shellcheck source=tools/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

build=$(e2ee_abspath "${1:-$E2EE_REPO/build-install}")
prefix=$build/prefix
log=$build/meson-logs/ci-install.json

e2ee_install_deps

mkdir -p "$build/meson-logs"
rm -f "$log"
fail () {
  /usr/bin/python3 -c 'import json, sys
print(json.dumps({"name": sys.argv[1], "result": "FAIL", "stdout": sys.argv[2]}))' \
    "$1" "$2" >> "$log"
  exit 1
}

# what is installed only: no tests, examples or docs to build
e2ee_configure "$build" --prefix="$prefix" -Dtests=disabled \
  -Dexamples=disabled -Ddoc=disabled -Dbench=disabled \
  > "$build/meson-logs/ci-install-setup.txt" 2>&1 ||
  fail configure "$(tail -n 30 "$build/meson-logs/ci-install-setup.txt")"
ninja -C "$build" > "$build/meson-logs/ci-install-build.txt" 2>&1 ||
  fail build "$(grep -A20 FAILED "$build/meson-logs/ci-install-build.txt" | head -n 60)"
rm -rf "$prefix"
meson install -C "$build" --quiet > "$build/meson-logs/ci-install-install.txt" 2>&1 ||
  fail install "$(tail -n 30 "$build/meson-logs/ci-install-install.txt")"
bash "$E2EE_REPO/tests/install/check-install.sh" "$prefix" full "$log"
