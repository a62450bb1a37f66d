#!/usr/bin/env bash
# tools/demo.sh [BUILDDIR] [-- DEMO OPTIONS]: installs what the build needs
# (as root, on Debian 12), builds BUILDDIR (default: build at the top of the
# repository, or $E2EE_BUILD_DIR), and runs examples/e2ee-demo in a private
# network namespace: a sender, a receiver with the key and an eavesdropper
# without it, on 127.0.0.1. The pictures go to demo-out/ at the top of the
# repository.
set -euo pipefail

E2EE_SCRIPT=demo.sh
# shellcheck source=tools/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

build=$E2EE_REPO/build
[[ -n ${E2EE_BUILD_DIR:-} ]] && build=$(e2ee_abspath "$E2EE_BUILD_DIR")
if (($# > 0)) && [[ $1 != -- ]]; then
  build=$(e2ee_abspath "$1")
  shift
fi
[[ ${1:-} == -- ]] && shift
out=$E2EE_REPO/demo-out

e2ee_install_deps
e2ee_configure "$build" -Dexamples=enabled
ninja -C "$build"

status=0
e2ee_isolated meson devenv -C "$build" -w "$E2EE_REPO" \
  "$build/examples/e2ee-demo" --output-dir "$out" "$@" || status=$?

echo
for f in receiver eavesdropper; do
  if [[ -f $out/$f.png ]]; then
    echo "demo.sh: $f's picture: $out/$f.png"
  else
    echo "demo.sh: no picture from the $f"
  fi
done
exit "$status"
