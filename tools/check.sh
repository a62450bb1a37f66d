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

# tests/livekit runs LiveKit's published code, from the npm registry: fetched
# here, since the tests run where no network is (it skips if this failed)
sh "$E2EE_REPO/tests/livekit/run-livekit-test.sh" "$build" \
  "$E2EE_REPO/tests/livekit" --install-only ||
  e2ee_say "livekit-client could not be installed; the livekit test will skip"

# tests/data/gen-sas-vectors.mjs recomputes the SAS vectors with libolm's
# own JavaScript binding, from the npm registry too
(npm install --no-save --no-audit --no-fund --prefix "$build/olm-js" \
  @matrix-org/olm@3.2.15 >/dev/null 2>&1) ||
  e2ee_say "@matrix-org/olm could not be installed; sas-vectors-current will skip"

log=$build/meson-logs/testlog.json
rm -f "$log"
status=0
e2ee_isolated meson test -C "$build" --print-errorlogs -v --num-processes 2 ||
  status=$?

# Hardening (docs/security.md), after the normal suite: the whole suite
# again under ASan+UBSan in a build of its own, the core suites under
# valgrind, and each fuzz target for E2EE_FUZZ_SECONDS (default 60). Their
# results join the summary (names prefixed asan:, valgrind:, fuzz:).
# E2EE_CHECK_HARDENING=0 skips them.
logs=("$log")
if [[ ${E2EE_CHECK_HARDENING:-1} != 0 ]]; then
  hard_log=$build/meson-logs/hardening.json
  rm -f "$hard_log"
  hard_fail () {
    printf '{"name": "%s", "result": "FAIL", "stdout": "%s"}\n' "$1" "$2" \
      >> "$hard_log"
  }

  # (i) ASan+UBSan. Excluded: browser and interop (Chromium, node and the
  # system python are not ours, and the instrumented plugin cannot load
  # into a process that is not), vectors (node alone, no code of ours). The
  # python test skips itself there: no typelib without introspection, and
  # python3 is not built with ASan either.
  asan_build=$build-asan
  rm -f "$asan_build/meson-logs/testlog-asan.json"
  if e2ee_configure "$asan_build" -Db_sanitize=address,undefined \
      -Db_lundef=false -Dintrospection=disabled -Dtests=enabled \
      -Dexamples=enabled && ninja -C "$asan_build"; then
    # the setup's slow unwinder (fast_unwind_on_malloc=0, for the leak
    # suppressions) makes allocation-heavy tests ten times slower: longer
    # timeouts for meson and for check's own
    CK_TIMEOUT_MULTIPLIER=10 e2ee_isolated meson test -C "$asan_build" \
      --setup asan --timeout-multiplier 10 --print-errorlogs \
      --num-processes 2 --no-suite browser --no-suite interop \
      --no-suite vectors || status=1
    logs+=("asan:$asan_build/meson-logs/testlog-asan.json")
  else
    hard_fail asan:build "the ASan build failed"
    status=1
  fi

  # (ii) valgrind: the core, the elements, olm, the key manager (and its
  # hostile peers), the codec rules, the fuzz targets' inputs and the Janus
  # client against a real Janus (janus: about 1 minute alone under
  # valgrind, Janus itself not under it; its deadlines are stretched by
  # E2EE_DEADLINE_MULTIPLIER in the setup). About 3 minutes in all; the
  # pipeline, call, janus-faults and browser tests would take many more
  # under valgrind. In the normal build, after the normal run, whose plugin
  # registries it reuses: a fresh in-process scan under valgrind 3.19 dies
  # on an instruction (RDTSCP) in the constructor of libhwy, which a system
  # plugin pulls in.
  rm -f "$build/meson-logs/testlog-valgrind.json"
  e2ee_isolated meson test -C "$build" --setup valgrind --print-errorlogs \
    --num-processes 2 core e2ee-elements olm keymanager hostile codecs \
    sframertp rtpsframe sframe-keys sframe-rtp-keys \
    fuzz-jframe fuzz-codec fuzz-keymanager fuzz-statefile fuzz-janus-events \
    fuzz-sframe-header fuzz-sframe-open fuzz-sframe-rtp sframe janus || status=1
  logs+=("valgrind:$build/meson-logs/testlog-valgrind.json")

  # (iii) the fuzz targets (clang, libFuzzer, ASan, UBSan)
  E2EE_FUZZ_LOG=$hard_log E2EE_FUZZ_BUILD_DIR=$build-fuzz \
    bash "$E2EE_REPO/tools/fuzz.sh" "${E2EE_FUZZ_SECONDS:-60}" || {
    status=1
    grep -q '"fuzz:' "$hard_log" 2>/dev/null ||
      hard_fail fuzz:build "tools/fuzz.sh failed before fuzzing"
  }
  logs+=("$hard_log")
fi

# The minimal build (-Dkey-manager=disabled) and `meson install` of the
# normal one, checked as installed (docs/embedded.md); about 1.5 minutes.
if [[ ${E2EE_CHECK_PLATFORMS:-1} != 0 ]]; then
  bash "$E2EE_REPO/tools/ci-minimal.sh" "$build-minimal" || status=1
  logs+=("minimal:$build-minimal/meson-logs/ci-minimal.json")
  bash "$E2EE_REPO/tools/ci-install.sh" "$build-install" || status=1
  logs+=("install:$build-install/meson-logs/ci-install.json")
fi

# The Debian packages (tools/ci-deb.sh): built from a copy of the tree in
# $build-deb, lintian, then run unpacked. Names prefixed deb:.
if [[ ${E2EE_CHECK_PLATFORMS:-1} != 0 ]]; then
  bash "$E2EE_REPO/tools/ci-deb.sh" "$build-deb" || status=1
  logs+=("deb:$build-deb/testlog-deb.json")
fi

# arm64 and armhf cross builds, their tests under qemu-user
# (tools/ci-cross.sh, docs/embedded.md); E2EE_CHECK_PLATFORMS=0 skips them
if [[ ${E2EE_CHECK_PLATFORMS:-1} != 0 ]]; then
  E2EE_BUILD_DIR=$build bash "$E2EE_REPO/tools/ci-cross.sh" arm64 armhf ||
    status=1
  logs+=("arm64:$build-arm64/meson-logs/testlog.json"
         "armhf:$build-armhf/meson-logs/testlog.json")
fi

summarised=1
summary_status=0
python3 - "${logs[@]}" <<'EOF' || summary_status=$?
import json, sys

passed, failed, skipped = [], [], []
# the first log is the normal suite's; the others are PREFIX:PATH (names
# get the prefix) or PATH (names as they are)
runs = []
for i, arg in enumerate(sys.argv[1:]):
    prefix, path = '', arg
    if i > 0 and ':' in arg.split('/', 1)[0]:
        prefix, path = arg.split(':', 1)
    try:
        with open(path, encoding='utf-8', errors='replace') as f:
            for line in f:
                if line.strip():
                    run = json.loads(line)
                    if prefix:
                        run['name'] = f"{prefix}:{run['name']}"
                    runs.append(run)
    except OSError as e:
        print(f'check.sh: no test log: {e}')
        if i > 0:
            runs.append({'name': prefix or path, 'result': 'FAIL'})

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
