# shellcheck shell=bash
# Shared by tools/check.sh and tools/demo.sh (sourced, not run): the one list
# of Debian 12 packages the project needs, and the steps both scripts take.

E2EE_REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

# Debian 12 (bookworm) packages. The only list: add a package here, nowhere
# else.
E2EE_DEPS=(
  # build
  gcc pkg-config meson ninja-build
  indent                            # tools/gst-indent, run as a test
  libgstreamer1.0-dev libgstreamer-plugins-base1.0-dev
  libssl-dev                        # libcrypto: AES-GCM, HKDF, CSPRNG
  gettext                           # msgfmt for po/ (nls)
  gobject-introspection libgirepository1.0-dev   # GstE2ee-1.0.gir
  # tests and demo: json-glib reads the test vectors; the pipelines use
  # videotestsrc, opus, vp8, rtp, udp, png, spectrum, appsink
  libjson-glib-dev
  gstreamer1.0-plugins-base gstreamer1.0-plugins-good gstreamer1.0-tools
  iproute2 util-linux               # ip, unshare: tests in a private netns
  locales                           # the translation test's de_DE/fr_FR
  # key manager and calls (DESIGN.md sections 4 and 7): olm, webrtcbin with
  # libnice, signalling; the other codecs' encoders and decoders; GI users
  libolm-dev libgstreamer-plugins-bad1.0-dev libsoup-3.0-dev
  gstreamer1.0-plugins-bad gstreamer1.0-nice
  gstreamer1.0-plugins-ugly gstreamer1.0-libav
  python3-gi gir1.2-gstreamer-1.0
  valgrind
  # the SFU (issue 13): Janus VideoRoom and TextRoom, started by the tests
  # and the demo in a private netns; janus-pp-rec and mjr2pcap read its
  # recordings
  janus janus-tools
  # tools/bench-plot.py draws docs/performance.png from tools/bench's JSON
  # (tools/bench.sh --update-docs; the bench-smoke test draws one too)
  python3-matplotlib
  # tests/browser: a real browser in a call with examples/browser (Debian's
  # Chromium, driven headless over its DevTools pipe by node)
  chromium nodejs
  # tests/check/integration/pipelines-codecs.c (every codec through real encoders,
  # payloaders and decoders): x264enc (ugly); openh264enc/dec, x265enc,
  # av1enc/av1dec (aom), h264parse, av1parse (bad); avdec_h264/h265 (libav);
  # vp9enc/dec, RTP payloaders, matroska (good); gstreamer-codecparsers-1.0
  # for the router's view (bad -dev). Named here too so the codec tests keep
  # them whatever happens to the groups above
  gstreamer1.0-plugins-good gstreamer1.0-plugins-bad gstreamer1.0-plugins-ugly
  gstreamer1.0-libav libgstreamer-plugins-bad1.0-dev
  # tools/fuzz.sh (run by tools/check.sh): the libFuzzer targets of
  # tests/fuzz need clang, and libFuzzer's and clang's ASan/UBSan runtimes
  clang libclang-rt-14-dev
)
# tests/livekit: livekit-client from the npm registry (installed into the
# build dir by tools/check.sh). npm comes with some nodejs packages (e.g.
# NodeSource's, which conflicts with Debian's npm) and not with Debian's
# own: only asked for where there is none.
command -v npm >/dev/null 2>&1 || E2EE_DEPS+=(npm)

e2ee_say () {
  printf '%s: %s\n' "${E2EE_SCRIPT:-tools}" "$*" >&2
}

# Installs what E2EE_DEPS lists and the system lacks: as root with apt-get;
# otherwise it only says what is missing and goes on.
e2ee_install_deps () {
  local missing=() p status
  if ! command -v dpkg-query >/dev/null 2>&1; then
    e2ee_say "not a Debian system: cannot check packages; going on"
    return 0
  fi
  for p in "${E2EE_DEPS[@]}"; do
    status=$(dpkg-query -W -f='${db:Status-Abbrev}' "$p" 2>/dev/null || true)
    [[ $status == ii* ]] || missing+=("$p")
  done
  if ((${#missing[@]} == 0)); then
    return 0
  fi
  if [[ $(id -u) -ne 0 ]]; then
    e2ee_say "missing packages: ${missing[*]}"
    e2ee_say "as root: apt-get install ${missing[*]}; going on without them"
    return 0
  fi
  e2ee_say "installing: ${missing[*]}"
  apt-get update
  DEBIAN_FRONTEND=noninteractive apt-get install -y "${missing[@]}"
}

# A UTF-8 locale for each language of po/LINGUAS, for the translation test
# (it falls back to C.UTF-8 and LANGUAGE without one). Root only.
e2ee_ensure_locales () {
  local lang want norm have gen=0 supported=/usr/share/i18n/SUPPORTED
  [[ $(id -u) -eq 0 && -r $supported && -w /etc/locale.gen ]] || return 0
  command -v locale-gen >/dev/null 2>&1 || return 0
  have=$(locale -a 2>/dev/null | tr '[:upper:]' '[:lower:]' | sed 's/utf-8/utf8/')
  # shellcheck disable=SC2013  # LINGUAS is a list of words
  for lang in $(sed 's/#.*//' "$E2EE_REPO/po/LINGUAS" 2>/dev/null); do
    if [[ $lang == *_* ]]; then
      want="$lang.UTF-8"
    else
      want="${lang}_${lang^^}.UTF-8"
    fi
    grep -qx "$want UTF-8" "$supported" ||
      want=$(grep -m1 -E "^${lang}_[A-Z]+\.UTF-8 UTF-8$" "$supported" |
             cut -d' ' -f1) || true
    [[ -n $want ]] || continue
    norm=$(printf '%s' "$want" | tr '[:upper:]' '[:lower:]' | sed 's/utf-8/utf8/')
    grep -qx "$norm" <<<"$have" && continue
    grep -qx "$want UTF-8" /etc/locale.gen ||
      echo "$want UTF-8" >> /etc/locale.gen
    gen=1
  done
  if ((gen)); then
    e2ee_say "generating locales for po/LINGUAS"
    locale-gen >/dev/null
  fi
}

# e2ee_configure BUILDDIR [MESON OPTIONS...]: meson setup, or reconfigure a
# build dir that exists (wiping it if its configuration cannot be read).
e2ee_configure () {
  local build=$1
  shift
  if [[ -f $build/meson-private/coredata.dat ]]; then
    meson setup --reconfigure "$build" "$E2EE_REPO" "$@" ||
      meson setup --wipe "$build" "$E2EE_REPO" "$@"
  else
    meson setup "$build" "$E2EE_REPO" "$@"
  fi
}

# e2ee_isolated COMMAND...: runs COMMAND in a network namespace of its own,
# where only a loopback interface exists, so that nothing it does reaches
# the network. Falls back, with a warning, to running it as it is where
# namespaces are not permitted.
e2ee_isolated () {
  local inner='ip link set lo up && exec "$@"'
  if ! command -v ip >/dev/null 2>&1 || ! command -v unshare >/dev/null 2>&1
  then
    e2ee_say "WARNING: no ip or unshare; running without network isolation"
    "$@"
  elif unshare -n true 2>/dev/null; then
    unshare -n -- sh -c "$inner" sh "$@"
  elif unshare -rn true 2>/dev/null; then
    unshare -rn -- sh -c "$inner" sh "$@"
  else
    e2ee_say "WARNING: unshare -n is not permitted here; running without" \
      "network isolation"
    "$@"
  fi
}

# e2ee_abspath PATH: PATH made absolute against the caller's directory.
e2ee_abspath () {
  case $1 in
    /*) printf '%s\n' "$1" ;;
    *) printf '%s\n' "$PWD/$1" ;;
  esac
}
