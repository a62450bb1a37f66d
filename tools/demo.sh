#!/usr/bin/env bash
# tools/demo.sh [BUILDDIR] [-- DEMO OPTIONS]: installs what the build needs
# (as root, on Debian 12), builds BUILDDIR (default: build at the top of the
# repository, or $E2EE_BUILD_DIR), and runs, each in a private network
# namespace where only 127.0.0.1 exists:
#  1. examples/e2ee-demo (given DEMO OPTIONS): a sender, a receiver with the
#     key and an eavesdropper without it, RTP over UDP;
#  2. examples/e2ee-call: three parties in a webrtcbin mesh exchange keys
#     over olm; a fourth is in the media path without keys, then admitted;
#     one party leaves and the keys change;
#  3. tools/demo-sfu.py under tests/janus/janus-run: a private Janus
#     (VideoRoom with recording on, TextRoom for the keys), the recording
#     bot, and two publishing bots (VP8 + Opus, H.264).
# The pictures go to demo-out/ at the top of the repository: receiver.png
# (from 1), eavesdropper.png and admitted.png (from 2, which replaces the
# eavesdropper picture of 1), sfu-recorder-*.png and
# sfu-janus-recording-*.png (from 3). The last line is one SUMMARY line:
# the call's and the SFU's.
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
echo "demo.sh: the call: keys over olm on webrtcbin data channels"
call_log=$(mktemp)
trap 'rm -f "$call_log"' EXIT
call_status=0
e2ee_isolated meson devenv -C "$build" -w "$E2EE_REPO" \
  "$build/examples/e2ee-call" --output "$out" | tee "$call_log" ||
  call_status=$?

echo
echo "demo.sh: through an SFU: Janus VideoRoom, keys over olm on its TextRoom"
sfu_log=$(mktemp)
trap 'rm -f "$call_log" "$sfu_log"' EXIT
sfu_status=0
if [[ -x $build/tests/janus/janus-run && -x $build/bots/gst-e2ee-janus-record ]]
then
  e2ee_isolated meson devenv -C "$build" -w "$E2EE_REPO" \
    "$build/tests/janus/janus-run" -- /usr/bin/python3 \
    "$E2EE_REPO/tools/demo-sfu.py" "$build/bots" "$out" | tee "$sfu_log" ||
    sfu_status=$?
else
  echo "SUMMARY: FAILED: the Janus client or its bots were not built (libsoup 3?)" |
    tee "$sfu_log"
  sfu_status=1
fi

echo
picture () {
  if [[ -f $out/$1.png ]]; then
    echo "demo.sh: $out/$1.png: $2"
  else
    echo "demo.sh: no $out/$1.png ($2)"
  fi
}
picture receiver "what the receiver with the key decoded (e2ee-demo)"
picture eavesdropper "what a party without keys decoded (e2ee-call)"
picture admitted "what the same party decoded once admitted (e2ee-call)"
picture sfu-recorder-alice "what the recording bot decrypted of alice through Janus"
picture sfu-recorder-bob "what the recording bot decrypted of bob through Janus"
picture sfu-janus-recording-alice "what Janus's own recording of alice decodes to"
picture sfu-janus-recording-bob "what Janus's own recording of bob decodes to"

summary=$(grep '^SUMMARY: ' "$call_log" | tail -n 1 || true)
[[ -n $summary ]] ||
  summary="SUMMARY: FAILED: e2ee-call ended (exit status $call_status) without a summary"
if ((status != 0)); then
  summary="SUMMARY: FAILED: e2ee-demo (exit status $status); the call: ${summary#SUMMARY: }"
fi
sfu_summary=$(grep '^SUMMARY: ' "$sfu_log" | tail -n 1 || true)
[[ -n $sfu_summary ]] ||
  sfu_summary="SUMMARY: FAILED: the SFU scenario ended (exit status $sfu_status) without a summary"
echo "$summary; ${sfu_summary#SUMMARY: }"
((status != 0)) && exit "$status"
((call_status != 0)) && exit "$call_status"
exit "$sfu_status"
