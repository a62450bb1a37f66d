#!/bin/sh
# gst-e2ee: the LiveKit interop test (tests/livekit/livekit-interop.mjs).
# Installs livekit-client from npm into the build dir (never committed) and
# runs LiveKit's published e2ee worker against e2eeenc/e2eedec.
# Usage: run-livekit-test.sh BUILDDIR SRCDIR [--install-only]
set -u
out="$1/livekit"
src="$2"
version=2.23.0
command -v node >/dev/null || { echo "SKIP: node is not installed (tools/common.sh installs it)"; exit 77; }
command -v npm >/dev/null || { echo "SKIP: npm is not installed (tools/common.sh installs it)"; exit 77; }
mkdir -p "$out"
if [ ! -f "$out/node_modules/livekit-client/package.json" ] || \
   ! grep -q "\"version\": \"$version\"" "$out/node_modules/livekit-client/package.json"; then
  if ! npm ping >/dev/null 2>&1; then
    echo "SKIP: the npm registry cannot be reached (the tests run in a private network namespace: tools/check.sh installs livekit-client before them); livekit-client $version not installed"
    exit 77
  fi
  npm install --no-save --no-audit --no-fund --prefix "$out" "livekit-client@$version" || exit 1
fi
# --install-only: fetch it and stop (tools/check.sh does that before the
# tests, outside the private network namespace they run in)
[ "${3:-}" = --install-only ] && exit 0
exec node "$src/livekit-interop.mjs" "$out" "$out/work" "$src/frames.py"
