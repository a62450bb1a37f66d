#!/usr/bin/env bash
# run-browser-test.sh PROGRAM OUTDIR: the browser test (browser-test.mjs)
# against PROGRAM (e2ee-browser), in a network namespace of its own where
# only loopback exists (nested inside tools/check.sh's, or made here when
# the test is run on its own). Exit status 77, with the reason, when
# something it needs is not there.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
E2EE_SCRIPT=browser-test
# shellcheck source=tools/common.sh
source "$here/../../tools/common.sh"

program=$1
out=$2
chromium=${E2EE_CHROMIUM:-/usr/bin/chromium}

if ! command -v node >/dev/null 2>&1; then
  echo "SKIP: node is not installed (apt-get install nodejs)"
  exit 77
fi
if [[ ! -x $chromium ]]; then
  echo "SKIP: no Chromium at $chromium (apt-get install chromium)"
  exit 77
fi
if [[ ! -x $program ]]; then
  echo "SKIP: $program was not built (-Dexamples=disabled, or no libsoup-3.0)"
  exit 77
fi

mkdir -p "$out"
e2ee_isolated node "$here/browser-test.mjs" --program "$program" \
  --chromium "$chromium" --out "$out"
