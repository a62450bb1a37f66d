#!/usr/bin/env bash
# tools/ci-cross.sh ARCH... (arm64, armhf): cross-builds gst-e2ee for each
# ARCH from Debian 12's own packages and runs its tests under qemu-user
# (docs/embedded.md). For each ARCH:
#
#  1. installs the host tools (cross gcc, qemu-user-static, mmdebstrap);
#  2. unpacks a sysroot of Debian ARCH packages (the -dev packages the
#     build needs, their runtime libraries, the GStreamer plugins the tests
#     use) with `mmdebstrap --variant=extract`, cached under
#     $E2EE_SYSROOT_CACHE (default /var/cache/gst-e2ee-sysroots) by ARCH
#     and a hash of the package list and apt sources, so a second run is
#     fast and a fresh machine starts from nothing;
#  3. configures BUILD-ARCH with tools/cross/ARCH.ini plus a generated file
#     that names the sysroot, and builds it;
#  4. runs the tests listed in E2EE_CROSS_TESTS under the cross file's
#     exe_wrapper (qemu-ARCH-static -L SYSROOT) in a private network
#     namespace. Their log is BUILD-ARCH/meson-logs/testlog.json.
#
# BUILD is $E2EE_BUILD_DIR or build at the top of the repository. Exit
# status non-zero if any step or test failed for any ARCH; a failed step is
# written into that ARCH's log as a failed test ("sysroot", "configure",
# "build"), so the summary of tools/check.sh shows it.
set -euo pipefail

E2EE_SCRIPT=ci-cross.sh
# shellcheck source=tools/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

if (($# == 0)); then
  echo "usage: $0 ARCH... (arm64, armhf)" >&2
  exit 2
fi

build_base=$(e2ee_abspath "${E2EE_BUILD_DIR:-$E2EE_REPO/build}")
cache=${E2EE_SYSROOT_CACHE:-/var/cache/gst-e2ee-sysroots}

E2EE_CROSS_HOST_DEPS=(
  gcc-aarch64-linux-gnu gcc-arm-linux-gnueabihf
  qemu-user-static binfmt-support mmdebstrap
  meson ninja-build pkg-config gettext libglib2.0-dev-bin
)

# The sysroot: what the build links against and what the tests load. The
# dependencies of these packages come along (mmdebstrap resolves them).
# plugins-base/good/bad/ugly, libav and nice: the encoders, payloaders,
# decoders (avdec_h264 and avdec_h265 for the x264 and x265 pipelines) and
# webrtcbin the element and pipeline tests use; tools: the target's
# gst-inspect-1.0, which the e2eekeymanager test runs.
E2EE_CROSS_SYSROOT_PKGS=(
  libc6-dev gstreamer1.0-tools
  libgstreamer1.0-dev libgstreamer-plugins-base1.0-dev
  libgstreamer-plugins-bad1.0-dev
  libssl-dev libolm-dev libjson-glib-dev libsoup-3.0-dev
  gstreamer1.0-plugins-base gstreamer1.0-plugins-good
  gstreamer1.0-plugins-bad gstreamer1.0-plugins-ugly gstreamer1.0-libav
  gstreamer1.0-nice
)

# The tests run under emulation (meson test names): the library (core with
# the JFrame and KDF vectors, codecs, olm, the key manager engine and its
# hostile peers, the fuzz targets' inputs, SFrame with every RFC 9605
# vector and its RTP descriptor), the elements (GstHarness and
# gst-inspect-1.0), the pipelines (every codec through the sysroot's real
# encoders, payloaders and decoders, JFrame and SFrame in both RTP modes,
# SFrame keys from the key manager) and the secret-hygiene scans. About
# 20 times slower than natively: both architectures take about 4 to 5
# minutes of CI on 2 cores with the sysroots cached, 7 making them (measured:
# docs/embedded.md). Not run there (docs/embedded.md says
# why): call and the e2ee-call and e2ee-demo programs (webrtcbin calls
# whose ICE and key exchange run against deadlines), soak and
# keymanager-recovery (long timed scenarios: 1.5 and 1 minute each under
# emulation, with nothing architecture-specific that the engine tests do
# not cover), janus, janus-faults and the bots (Janus is a host program;
# janus-faults re-executes itself through /proc/self/exe, which is the
# emulator there), browser (Chromium), livekit and vectors (node),
# python-* (the host's Python cannot load an ARM typelib, and a cross
# build has no introspection), gst-indent and docs (host tools: nothing
# architecture-specific), translations (the sysroot has no locales), the
# bench programs (timing).
E2EE_CROSS_TESTS=${E2EE_CROSS_TESTS:-core codecs olm keymanager hostile
  e2ee-elements vp8pay e2eekeymanager e2ee-pipelines e2ee-pipelines-codecs
  sframe sframertp rtpsframe e2ee-pipelines-sframe sframe-rtp sframe-keys
  sframe-rtp-keys hygiene fuzz-jframe fuzz-codec fuzz-keymanager
  fuzz-statefile fuzz-janus-events fuzz-sframe-header fuzz-sframe-open
  fuzz-sframe-rtp}

declare -A triplet=([arm64]=aarch64-linux-gnu [armhf]=arm-linux-gnueabihf)

install_host_tools () {
  local missing=() p status
  for p in "${E2EE_CROSS_HOST_DEPS[@]}"; do
    status=$(dpkg-query -W -f='${db:Status-Abbrev}' "$p" 2>/dev/null || true)
    [[ $status == ii* ]] || missing+=("$p")
  done
  ((${#missing[@]} == 0)) && return 0
  e2ee_say "installing: ${missing[*]}"
  apt-get update
  DEBIAN_FRONTEND=noninteractive apt-get install -y "${missing[@]}"
}

# The host's Debian sources (so the sysroot's versions match the host's
# when the host is pinned to a snapshot), or Debian 12's own.
apt_sources () {
  if [[ -f /etc/apt/sources.list.d/debian.sources ]]; then
    cat /etc/apt/sources.list.d/debian.sources
  else
    printf 'deb http://deb.debian.org/debian bookworm main\n'
    printf 'deb http://deb.debian.org/debian bookworm-updates main\n'
    printf 'deb http://deb.debian.org/debian-security bookworm-security main\n'
  fi
}

# make_sysroot ARCH: prints the path of ARCH's sysroot, making it if the
# cache has none for this package list.
make_sysroot () {
  local arch=$1 key dir sources ext=list lib alt
  # the key covers this function too: a sysroot made another way is
  # made again
  key=$(
    {
      echo "$arch"
      declare -f make_sysroot
      printf '%s\n' "${E2EE_CROSS_SYSROOT_PKGS[@]}"
      apt_sources
    } | sha256sum | cut -c1-16
  )
  dir=$cache/$arch-$key
  if [[ -f $dir/.gst-e2ee-sysroot-complete ]]; then
    echo "$dir"
    return 0
  fi
  mkdir -p "$cache"
  # the sysroots of older package lists: about 1.5 GB each
  find "$cache" -mindepth 1 -maxdepth 1 -name "$arch-*" ! -name "$arch-$key" \
    -exec rm -rf {} +
  [[ -f /etc/apt/sources.list.d/debian.sources ]] && ext=sources
  sources=$(mktemp --suffix=".$ext")
  apt_sources > "$sources"
  e2ee_say "making the $arch sysroot in $dir"
  if ! mmdebstrap --quiet --variant=extract --arch="$arch" \
      --include="$(IFS=,; echo "${E2EE_CROSS_SYSROOT_PKGS[*]}")" \
      bookworm "$dir.tmp" "$sources" >&2; then
    rm -f "$sources"
    rm -rf "$dir.tmp"
    return 1
  fi
  rm -f "$sources"
  # What maintainer scripts would have made; the extract variant runs
  # none. libblas3 and liblapack3 install their libraries through
  # update-alternatives, and libavcodec (avdec_h264, avdec_h265) needs them.
  lib=$dir.tmp/usr/lib/${triplet[$arch]}
  for alt in blas/libblas.so.3 lapack/liblapack.so.3; do
    if [[ -e $lib/$alt && ! -e $lib/${alt#*/} ]]; then
      ln -s "$alt" "$lib/${alt#*/}"
    fi
  done
  touch "$dir.tmp/.gst-e2ee-sysroot-complete"
  mv "$dir.tmp" "$dir"
  echo "$dir"
}

fail_step () {
  local log=$1 name=$2 msg=$3
  mkdir -p "$(dirname "$log")"
  printf '{"name": "%s", "result": "FAIL", "stdout": "%s"}\n' "$name" "$msg" \
    >> "$log"
}

cross_one () {
  local arch=$1 build sysroot log
  build=$build_base-$arch
  log=$build/meson-logs/testlog.json
  rm -f "$log"
  if [[ -z ${triplet[$arch]:-} ]]; then
    fail_step "$log" config "unknown architecture $arch (arm64, armhf)"
    return 1
  fi
  if ! sysroot=$(make_sysroot "$arch"); then
    fail_step "$log" sysroot "mmdebstrap could not make the $arch sysroot"
    return 1
  fi
  # beside the sysroot, not in the build dir, which meson may wipe; a
  # build dir made with another sysroot is made again (meson keeps the
  # cross files it was set up with)
  printf "[constants]\nsysroot = '%s'\n" "$sysroot" > "$sysroot.ini"
  if [[ -f $build/meson-private/cmd_line.txt ]] &&
      ! grep -qF "'$sysroot.ini'" "$build/meson-private/cmd_line.txt"; then
    rm -rf "$build"
  fi
  # introspection off: g-ir-scanner runs the code it scans, and cannot
  # cross without a wrapper around it (docs/embedded.md); doc off: the
  # reference pages are checked natively
  if ! e2ee_configure "$build" --cross-file "$sysroot.ini" \
      --cross-file "$E2EE_REPO/tools/cross/$arch.ini" \
      -Dtests=enabled -Dexamples=enabled -Djanus=enabled \
      -Dintrospection=disabled -Ddoc=disabled -Dbench=disabled; then
    fail_step "$log" configure "meson setup failed for $arch"
    return 1
  fi
  if ! nice -n 5 ninja -C "$build"; then
    fail_step "$log" build "the $arch build failed"
    return 1
  fi
  # GST_REGISTRY_FORK=no (tests/check/meson.build sets it in cross builds):
  # the plugin scanner would be one more emulated process per registry
  # shellcheck disable=SC2086  # a list of test names
  e2ee_isolated meson test -C "$build" --no-rebuild --print-errorlogs \
    --num-processes 2 $E2EE_CROSS_TESTS
}

install_host_tools
status=0
for arch in "$@"; do
  start=$SECONDS
  cross_one "$arch" || status=1
  e2ee_say "$arch: $((SECONDS - start)) s"
done
exit "$status"
