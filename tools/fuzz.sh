#!/usr/bin/env bash
# tools/fuzz.sh [SECONDS] [TARGET...]: builds the libFuzzer targets of
# tests/fuzz with clang, ASan and UBSan in build-fuzz (or $E2EE_FUZZ_BUILD_DIR)
# and runs each for SECONDS (default 60), starting from its seed corpus and
# regressions. New corpus entries go to build-fuzz/fuzz-corpus/<target>/,
# crashes to build-fuzz/fuzz-artifacts/<target>/. Exits non-zero if a
# target crashed, leaked or hit undefined behaviour (or could not be built);
# the last line says how many targets passed and failed. With
# E2EE_FUZZ_LOG=FILE, one JSON line per target ({"name", "result"}, as in
# meson's testlog.json) is appended to FILE for tools/check.sh's summary.
set -euo pipefail

E2EE_SCRIPT=fuzz.sh
# shellcheck source=tools/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

seconds=${1:-60}
shift || true
targets=("$@")
if ((${#targets[@]} == 0)); then
  targets=(jframe codec keymanager statefile sframe-header sframe-open sframe-rtp)
  # janus-events needs the Janus client, built with libsoup 3
  if pkg-config --exists libsoup-3.0; then
    targets+=(janus-events)
  fi
fi
build=$(e2ee_abspath "${E2EE_FUZZ_BUILD_DIR:-$E2EE_REPO/build-fuzz}")

if ! command -v clang >/dev/null 2>&1; then
  e2ee_say "clang is not installed (Debian: clang libclang-rt-14-dev)"
  echo "0 passed, ${#targets[@]} failed"
  exit 1
fi

# Only the library and the targets: no plugin, test, example or document.
CC=clang e2ee_configure "$build" -Dfuzzing=true \
  -Db_sanitize=address,undefined -Db_lundef=false \
  -Dtests=disabled -Dexamples=disabled -Ddoc=disabled \
  -Dintrospection=disabled -Dnls=disabled -Dbench=disabled
ninja -C "$build" "${targets[@]/#/tests/fuzz/fuzz-}"

# halt_on_error: UBSan findings are crashes too. Leaks are checked at the
# end of each input by libFuzzer (-detect_leaks=1, its default).
export ASAN_OPTIONS=${ASAN_OPTIONS:-abort_on_error=1:detect_leaks=1:symbolize=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:abort_on_error=1:print_stacktrace=1}
export LSAN_OPTIONS=${LSAN_OPTIONS:-suppressions=$E2EE_REPO/tests/lsan.supp}

passed=0
failed=0
record () {
  [[ -n ${E2EE_FUZZ_LOG:-} ]] || return 0
  printf '{"name": "fuzz:%s", "result": "%s", "stdout": "%s"}\n' \
    "$1" "$2" "$3" >> "$E2EE_FUZZ_LOG"
}
for t in "${targets[@]}"; do
  corpus=$build/fuzz-corpus/$t
  artifacts=$build/fuzz-artifacts/$t/
  mkdir -p "$corpus" "$artifacts"
  seeds=()
  for d in "$E2EE_REPO/tests/fuzz/corpus/$t" "$E2EE_REPO/tests/fuzz/regressions/$t"; do
    [[ -d $d ]] && seeds+=("$d")
  done
  e2ee_say "fuzzing $t for ${seconds}s"
  if "$build/tests/fuzz/fuzz-$t" -max_total_time="$seconds" \
      -timeout=25 -rss_limit_mb=2048 -max_len=8192 -print_final_stats=1 \
      -artifact_prefix="$artifacts" "$corpus" "${seeds[@]}"; then
    passed=$((passed + 1))
    record "$t" OK "${seconds}s without a finding"
  else
    failed=$((failed + 1))
    e2ee_say "FAILED: $t; reproducer(s) in $artifacts"
    record "$t" FAIL "reproducer(s) in $artifacts"
  fi
done
echo "$passed passed, $failed failed"
((failed == 0))
