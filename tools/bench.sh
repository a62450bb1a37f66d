#!/usr/bin/env bash
# tools/bench.sh [--update-docs] [BUILDDIR] [-- BENCH OPTIONS]: installs what
# the build needs (as root, on Debian 12), builds BUILDDIR (default:
# build-bench at the top of the repository, or $E2EE_BENCH_DIR; a new one is
# a release build with only what the benchmark needs) and runs tools/bench:
# a table and a JSON object on stdout, the JSON also in BUILDDIR/bench.json.
# Under two minutes from a fresh clone on a two-core machine.
#
# --update-docs also copies the JSON to docs/performance.json, redraws
# docs/performance.png from it and rewrites the tables of
# docs/performance.md (tools/bench-plot.py, python3-matplotlib); the text
# around them is brought up to date by hand.
set -euo pipefail

E2EE_SCRIPT=bench.sh
# shellcheck source=tools/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

update_docs=0
if [[ ${1:-} == --update-docs ]]; then
  update_docs=1
  shift
fi
build=$E2EE_REPO/build-bench
[[ -n ${E2EE_BENCH_DIR:-} ]] && build=$(e2ee_abspath "$E2EE_BENCH_DIR")
if (($# > 0)) && [[ $1 != -- ]]; then
  build=$(e2ee_abspath "$1")
  shift
fi
[[ ${1:-} == -- ]] && shift

e2ee_install_deps
if ninja -C "$build" -t query tools/bench >/dev/null 2>&1; then
  : # configured with the bench: ninja regenerates what changed
elif [[ -f $build/meson-private/coredata.dat ]]; then
  # an existing build keeps its build type and features
  e2ee_configure "$build" -Dbench=enabled
else
  e2ee_configure "$build" --buildtype=release -Dbench=enabled \
    -Dtests=disabled -Dexamples=disabled -Ddoc=disabled \
    -Dintrospection=disabled -Dnls=disabled
fi
# only what the benchmark runs, so that work in progress elsewhere in the
# tree (a test, an example) cannot stop it
targets=(tools/bench gst/plugin/libgste2ee.so)
if ninja -C "$build" -t query tools/libbench-malloc-count.so >/dev/null 2>&1
then
  targets+=(tools/libbench-malloc-count.so)
fi
ninja -C "$build" "${targets[@]}"

json=$build/bench.json
"$build/tools/bench" --json "$json" "$@"

if ((update_docs)); then
  cp "$json" "$E2EE_REPO/docs/performance.json"
  /usr/bin/python3 "$E2EE_REPO/tools/bench-plot.py" \
    "$E2EE_REPO/docs/performance.json" "$E2EE_REPO/docs/performance.png" \
    "$E2EE_REPO/docs/performance.md"
  e2ee_say "wrote docs/performance.json, docs/performance.png and the" \
    "tables of docs/performance.md; check the text around them"
fi
