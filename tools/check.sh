#!/usr/bin/env bash
# tools/check.sh [BUILDDIR]: installs what the build needs (as root, on
# Debian 12), configures and builds BUILDDIR (default: build at the top of
# the repository, or $E2EE_BUILD_DIR), and runs every test in a private
# network namespace. The last line it prints is "N passed, N failed"; the
# exit status is non-zero if any test failed, or none ran.
set -euo pipefail

E2EE_SCRIPT=check.sh
# shellcheck source=tools/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

build=$(e2ee_abspath "${1:-${E2EE_BUILD_DIR:-$E2EE_REPO/build}}")
summarised=0

# Whatever stops the script early, its last line is still a summary.
# shellcheck disable=SC2317  # called by the trap
on_exit () {
  local rc=$?
  if ((rc != 0 && !summarised)); then
    echo "check.sh: stopped before the tests could run (exit status $rc)"
    echo "0 passed, 1 failed"
  fi
}
trap on_exit EXIT

e2ee_install_deps
e2ee_ensure_locales

e2ee_configure "$build" -Dtests=enabled -Dexamples=enabled
ninja -C "$build"

log=$build/meson-logs/testlog.json
rm -f "$log"
status=0
e2ee_isolated meson test -C "$build" --print-errorlogs -v --num-processes 2 ||
  status=$?

summarised=1
summary_status=0
python3 - "$log" <<'EOF' || summary_status=$?
import json, sys

passed, failed, skipped = [], [], []
try:
    with open(sys.argv[1], encoding='utf-8', errors='replace') as f:
        runs = [json.loads(line) for line in f if line.strip()]
except OSError as e:
    print(f'check.sh: no test log: {e}')
    runs = []

def reason(run):
    out = (run.get('stdout') or '') + '\n' + (run.get('stderr') or '')
    lines = [l.strip() for l in out.splitlines() if l.strip()]
    hint = [l for l in lines if 'skip' in l.lower()]
    return ((hint or lines or ['no reason given'])[-1])[:200]

for run in runs:
    result = run.get('result', '')
    if result in ('OK', 'EXPECTEDFAIL'):
        passed.append(run['name'])
    elif result == 'SKIP':
        skipped.append(run)
    else:
        failed.append(f"{run['name']} ({result})")

if failed:
    print('FAILED: ' + ', '.join(failed))
for run in skipped:
    print(f"SKIPPED: {run['name']}: {reason(run)}")
if not runs:
    print('check.sh: no test ran')
print(f'{len(skipped)} skipped')
print(f'{len(passed)} passed, {len(failed) + (0 if runs else 1)} failed')
sys.exit(1 if failed or not runs else 0)
EOF

if ((status == 0 && summary_status != 0)); then
  status=$summary_status
fi
exit "$status"
