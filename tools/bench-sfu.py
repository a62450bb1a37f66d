#!/usr/bin/python3
# gst-e2ee
# Copyright (C) 2026 The gst-e2ee authors
#
# This library is free software; you can redistribute it and/or
# modify it under the terms of the GNU Library General Public
# License as published by the Free Software Foundation; either
# version 2 of the License, or (at your option) any later version.
#
# This library is distributed in the hope that it will be useful,
# but WITHOUT ANY WARRANTY; without even the implied warranty of
# MERCHANTABILITY or FITNESS FOR A PARTICULAR PURPOSE.  See the GNU
# Library General Public License for more details.
#
# You should have received a copy of the GNU Library General Public
# License along with this library; if not, write to the
# Free Software Foundation, Inc., 51 Franklin St, Fifth Floor,
# Boston, MA 02110-1301, USA.

"""Through Janus: join time, leave-to-key-switch time, CPU per stream.

A benchmark of the real bots (gst-e2ee-janus-publish and
gst-e2ee-janus-record, --loopback-only) through a real Janus VideoRoom, for
docs/performance.md ("Through Janus (issue 13)"). It prints figures, a table
and one JSON line (`json: {...}`); it asserts no time. Run it as root, with
the system Python (python3-gi), inside a private network namespace and
beside a private Janus:

    unshare -n sh -c 'ip link set lo up && build/tests/janus/janus-run -- \\
        /usr/bin/python3 tools/bench-sfu.py --build build'

(add --quick for the smoke run: fewer joins and sizes, shorter windows).
Outside janus-run (no E2EE_JANUS_URL) it refuses and says so.

What it measures:

1. join: a recorder in room 1234, then publishers (VP8 320x240 + Opus, live
   test sources) join one by one; for each, the time from the publisher's
   `joined room N as ID at T` to the recorder's first
   `first decrypted frame: ID KIND at T` (wall clock, same machine). With
   the key manager's default debounce and with --debounce 200 on every bot.
2. leave: then the publishers leave one by one (SIGTERM); the time from the
   signal to the last key switch among those left: each remaining bot must
   print `key-changed ITS-OWN-ID index N+1 at T` (a rotation).
3. cpu: one recorder (--debounce 200) and beside it a baseline subscriber
   (this script with --baseline-subscriber: GstE2ee.JanusRoom without a key
   manager, the same depayloader, queue, webmmux and unbuffered filesink per
   stream, no e2eedec) take 1, 2, 4, 8 publishers, each sending a VP8
   640x360@30 (~1 Mbit/s) + Opus file paced in real time (no encoder in the
   publishers). Over a steady window the recorder's, the baseline's and the
   publishers' CPU time (utime + stime, /proc/PID/stat) and the bytes the
   recorder wrote (its files grow as it decrypts).

The exit status is 0 when every measurement happened (every join decrypted,
every switch seen, every window had its streams), 1 otherwise, 2 when it
cannot run.
"""

import argparse
import json
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time

ROOM_DEFAULT = 1234
DEADLINE = 60.0     # generous: a busy 2-core machine, DTLS retransmits
CLK_TCK = os.sysconf("SC_CLK_TCK")

JOIN_VIDEO = ("videotestsrc is-live=true pattern=ball ! "
              "video/x-raw,format=I420,width=320,height=240,framerate=30/1 ! "
              "vp8enc deadline=1 keyframe-max-dist=30")
JOIN_AUDIO = "audiotestsrc is-live=true wave=ticks ! opusenc"

RX_JOINED = re.compile(r"^joined room \d+ as (\S+) at ([0-9.]+)")
RX_FIRST = re.compile(r"^first decrypted frame: (\S+) (video|audio) "
                      r"at ([0-9.]+)")
RX_KEY = re.compile(r"^key-changed (\S+) index (\d+) at ([0-9.]+)")
RX_FLOWING = re.compile(r"^flowing mid (\S+) (\S+)")

failures = []


def fail(what):
    print(f"MISSING {what}", flush=True)
    failures.append(what)


class Proc:
    """A process whose stdout lines are kept (with their arrival) and can
    be awaited; its CPU time read from /proc."""

    def __init__(self, name, args, env, verbose):
        self.name = name
        self.lines = []
        self.cond = threading.Condition()
        self.verbose = verbose
        self.proc = subprocess.Popen(args, env=env, stdout=subprocess.PIPE,
                                     stderr=subprocess.STDOUT, text=True)
        self.thread = threading.Thread(target=self._read, daemon=True)
        self.thread.start()

    def _read(self):
        for line in self.proc.stdout:
            line = line.rstrip("\n")
            if self.verbose:
                print(f"  [{self.name}] {line}", flush=True)
            with self.cond:
                self.lines.append(line)
                self.cond.notify_all()
        with self.cond:
            self.cond.notify_all()

    def wait(self, pred, timeout=DEADLINE):
        """The first pred(line) that is not None, or None at the
        deadline or when the process has ended."""
        end = time.monotonic() + timeout
        seen = 0
        with self.cond:
            while True:
                for line in self.lines[seen:]:
                    r = pred(line)
                    if r is not None:
                        return r
                seen = len(self.lines)
                left = end - time.monotonic()
                if left <= 0 or (self.proc.poll() is not None
                                 and not self.thread.is_alive()):
                    return None
                self.cond.wait(min(left, 0.5))

    def wait_rx(self, rx, test=None, timeout=DEADLINE):
        def pred(line):
            m = rx.search(line)
            return m if m and (test is None or test(m)) else None
        return self.wait(pred, timeout)

    def matches(self, rx):
        with self.cond:
            return [m for m in map(rx.search, self.lines) if m]

    def own_index(self, own_id):
        idx = [int(m.group(2)) for m in self.matches(RX_KEY)
               if m.group(1) == own_id]
        return max(idx) if idx else 0

    def cpu_s(self):
        """utime + stime of the process (all its threads), seconds."""
        try:
            with open(f"/proc/{self.proc.pid}/stat") as f:
                stat = f.read()
        except OSError:
            return None
        fields = stat[stat.rindex(")") + 2:].split()
        return (int(fields[11]) + int(fields[12])) / CLK_TCK

    def stop(self, sig=signal.SIGTERM, timeout=30):
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
        try:
            rc = self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            rc = self.proc.wait()
        self.thread.join(5)
        return rc


class Bench:
    def __init__(self, args):
        self.args = args
        self.url = os.environ["E2EE_JANUS_URL"]
        self.room = int(os.environ.get("E2EE_JANUS_ROOM", ROOM_DEFAULT))
        build = os.path.abspath(args.build)
        self.publish = os.path.join(build, "bots", "gst-e2ee-janus-publish")
        self.record = os.path.join(build, "bots", "gst-e2ee-janus-record")
        for prog in (self.publish, self.record):
            if not os.access(prog, os.X_OK):
                print(f"bench-sfu: {prog} is not built (ninja -C "
                      f"{args.build}; the bots need libsoup 3)",
                      file=sys.stderr)
                sys.exit(2)
        env = dict(os.environ)
        env.setdefault("GST_PLUGIN_PATH_1_0",
                       os.path.join(build, "gst", "plugin"))
        env.setdefault("LD_LIBRARY_PATH", os.path.join(build, "gst", "e2ee"))
        env.setdefault("GI_TYPELIB_PATH", os.path.join(build, "gst", "e2ee"))
        env.setdefault("GST_REGISTRY_1_0",
                       os.path.join(build, "tools", "registry-bench-sfu.bin"))
        self.env = env
        self.tmp = tempfile.mkdtemp(prefix="bench-sfu-")
        self.procs = []

    def spawn(self, name, argv):
        p = Proc(name, argv, self.env, self.args.verbose)
        self.procs.append(p)
        return p

    def common(self, pid, debounce):
        argv = ["--server", self.url, "--room", str(self.room), "--id", pid,
                "--loopback-only"]
        if debounce is not None:
            argv += ["--debounce", str(debounce)]
        return argv

    def recorder(self, pid, debounce):
        out = os.path.join(self.tmp, pid)
        p = self.spawn(pid, [self.record] + self.common(pid, debounce) +
                       ["--output-dir", out])
        p.out = out
        p.id = pid
        return p

    def publisher(self, pid, debounce, video, audio):
        p = self.spawn(pid, [self.publish] + self.common(pid, debounce) +
                       ["--video", video, "--audio", audio])
        p.id = pid
        return p

    def joined(self, p):
        m = p.wait_rx(RX_JOINED)
        if not m:
            fail(f"{p.name} did not join")
            return None
        return float(m.group(2))

    def cleanup(self):
        for p in self.procs:
            if p.proc.poll() is None:
                p.stop()
        shutil.rmtree(self.tmp, ignore_errors=True)

    # --- 1 and 2: join and leave ----------------------------------------

    def joins_and_leaves(self, debounce):
        tag = "default" if debounce is None else str(debounce)
        label = "d" + tag
        print(f"== joins and leaves, debounce {tag}", flush=True)
        rec = self.recorder(f"rec-{label}", debounce)
        joins, leaves = [], []
        if self.joined(rec) is None:
            rec.stop()
            return {"debounce": tag, "join_s": joins, "leave_s": leaves}
        pubs = []
        for i in range(self.args.joins):
            pid = f"pub-{label}-{i + 1}"
            p = self.publisher(pid, debounce, JOIN_VIDEO, JOIN_AUDIO)
            tj = self.joined(p)
            if tj is None:
                p.stop()
                continue
            m = rec.wait_rx(RX_FIRST, lambda m: m.group(1) == pid)
            if not m:
                fail(f"the recorder decrypted nothing of {pid}")
                p.stop()
                continue
            t = float(m.group(3)) - tj
            joins.append(round(t, 3))
            print(f"join {pid}: first decrypted frame ({m.group(2)}) after "
                  f"{t * 1000:.0f} ms", flush=True)
            # the join is over when the newcomer holds every key: only then
            # is the next one a join of its own, not part of a burst
            for other in [rec] + pubs:
                if not p.wait_rx(RX_KEY, lambda m, o=other.id:
                                 m.group(1) == o):
                    fail(f"{pid} never got {other.id}'s key")
            time.sleep(0.5)
            pubs.append(p)
        while pubs:
            p = pubs.pop()
            left = [rec] + pubs
            want = {r.id: r.own_index(r.id) + 1 for r in left}
            t0 = time.time()
            p.proc.send_signal(signal.SIGTERM)
            last = None
            for r in left:
                m = r.wait_rx(RX_KEY, lambda m, r=r: m.group(1) == r.id and
                              int(m.group(2)) == want[r.id])
                if not m:
                    fail(f"{r.id} did not switch to key index {want[r.id]} "
                         f"after {p.id} left")
                    last = None
                    break
                t = float(m.group(3))
                last = t if last is None else max(last, t)
            p.stop()
            if last is not None:
                leaves.append(round(last - t0, 3))
                print(f"leave {p.id}: {len(left)} left switched keys after "
                      f"{(last - t0) * 1000:.0f} ms", flush=True)
            time.sleep(0.5)
        rec.stop()
        return {"debounce": tag, "joins_tried": self.args.joins,
                "join_s": joins, "leave_s": leaves}

    # --- 3: CPU per stream ----------------------------------------------

    def make_media(self, seconds):
        """A VP8 640x360@30 file of about 1 Mbit/s and an Opus one."""
        video = os.path.join(self.tmp, "video.webm")
        audio = os.path.join(self.tmp, "audio.webm")
        frames = int(seconds * 30)
        subprocess.run(
            ["gst-launch-1.0", "-q", "videotestsrc", f"num-buffers={frames}",
             "pattern=smpte", "horizontal-speed=4", "!",
             "video/x-raw,width=640,height=360,framerate=30/1", "!",
             "vp8enc", "deadline=1", "cpu-used=8", "target-bitrate=1000000",
             "end-usage=cbr", "keyframe-max-dist=60", "!", "webmmux", "!",
             "filesink", f"location={video}"],
            env=self.env, check=True)
        subprocess.run(
            ["gst-launch-1.0", "-q", "audiotestsrc",
             f"num-buffers={int(seconds * 50)}", "samplesperbuffer=960",
             "wave=ticks", "!", "audio/x-raw,rate=48000,channels=2", "!",
             "opusenc", "!", "webmmux", "!", "filesink",
             f"location={audio}"],
            env=self.env, check=True)
        rate = (os.path.getsize(video) + os.path.getsize(audio)) * 8 / \
            seconds / 1e6
        return (f"filesrc location={video} ! matroskademux ! queue ! "
                f"identity sync=true",
                f"filesrc location={audio} ! matroskademux ! queue ! "
                f"identity sync=true", rate)

    @staticmethod
    def dir_bytes(path):
        total = 0
        try:
            for name in os.listdir(path):
                try:
                    total += os.path.getsize(os.path.join(path, name))
                except OSError:
                    pass
        except OSError:
            pass
        return total

    def cpu(self):
        a = self.args
        sizes = [int(s) for s in a.sizes.split(",")]
        # every publisher must last to the end: setup and window per size
        seconds = len(sizes) * (a.window + a.settle + 15) + 15
        print(f"== cpu: sizes {sizes}, window {a.window} s; making "
              f"{seconds} s of media", flush=True)
        video, audio, nominal = self.make_media(seconds)
        print(f"media: VP8 640x360@30 + Opus, {nominal:.2f} Mbit/s per "
              "publisher (file sizes)", flush=True)
        rec = self.recorder("rec-cpu", 200)
        base_out = os.path.join(self.tmp, "baseline")
        base = self.spawn("baseline", [
            sys.executable, os.path.abspath(__file__),
            "--baseline-subscriber", "--output-dir", base_out])
        base.out = base_out
        rows = []
        if self.joined(rec) is None or self.joined(base) is None:
            return {"nominal_mbps": nominal, "rows": rows}
        pubs = []
        for size in sizes:
            new = []
            while len(pubs) < size:
                pid = f"pub-cpu-{len(pubs) + 1}"
                p = self.publisher(pid, 200, video, audio)
                pubs.append(p)
                new.append(p)
            ok = True
            for p in new:
                if self.joined(p) is None:
                    ok = False
                    continue
                for kind in ("video", "audio"):
                    if not rec.wait_rx(RX_FIRST, lambda m, p=p, k=kind:
                                       m.group(1) == p.id and
                                       m.group(2) == k):
                        fail(f"the recorder decrypted no {kind} of {p.id}")
                        ok = False
            if not base.wait(lambda line: True if len(
                    base.matches(RX_FLOWING)) >= 2 * size else None):
                fail(f"the baseline subscriber got fewer than {2 * size} "
                     "streams")
                ok = False
            if not ok:
                break
            # the recorder holds a participant's streams until all have
            # their first frame (at most 3 s): be past that
            time.sleep(a.settle)
            c0 = {p: p.cpu_s() for p in [rec, base] + pubs}
            b0 = (self.dir_bytes(rec.out), self.dir_bytes(base.out))
            t0 = time.monotonic()
            time.sleep(a.window)
            t1 = time.monotonic()
            c1 = {p: p.cpu_s() for p in [rec, base] + pubs}
            b1 = (self.dir_bytes(rec.out), self.dir_bytes(base.out))
            wall = t1 - t0
            if any(v is None for v in list(c0.values()) +
                   list(c1.values())):
                fail(f"a process ended during the window of size {size}")
                break

            def pct(p):
                return 100.0 * (c1[p] - c0[p]) / wall
            row = {
                "publishers": size,
                "window_s": round(wall, 2),
                "recorder_cpu_pct": round(pct(rec), 2),
                "baseline_cpu_pct": round(pct(base), 2),
                "publisher_cpu_pct_mean": round(
                    statistics.mean(pct(p) for p in pubs), 2),
                "recorded_mbps": round((b1[0] - b0[0]) * 8 / wall / 1e6, 3),
                "baseline_mbps": round((b1[1] - b0[1]) * 8 / wall / 1e6, 3),
            }
            if row["recorded_mbps"] <= 0:
                fail(f"the recorder wrote nothing in the window of size "
                     f"{size}")
            rows.append(row)
            print(f"cpu {size} publisher(s): recorder "
                  f"{row['recorder_cpu_pct']} %, baseline "
                  f"{row['baseline_cpu_pct']} %, "
                  f"{row['recorded_mbps']} Mbit/s recorded", flush=True)
        for p in pubs:
            p.stop()
        rec.stop()
        base.stop()
        return {"nominal_mbps": round(nominal, 3), "rows": rows}


def report(args, load0, load1, results):
    print()
    print(f"load average at start {load0}, at the end {load1}; "
          f"{os.cpu_count()} cores")
    print()
    print("join (publisher joined -> recorder's first decrypted frame) and "
          "leave (SIGTERM -> last key switch among those left), ms:")
    print(f"{'debounce':>9} {'joins':>6} {'median':>7} {'max':>7} "
          f"{'leaves':>7} {'median':>7} {'max':>7}")
    for r in results["join_leave"]:
        j, lv = r["join_s"], r["leave_s"]

        def ms(v, f):
            return f"{f(v) * 1000:7.0f}" if v else f"{'-':>7}"
        print(f"{r['debounce']:>9} {len(j):>3}/{r['joins_tried']:<2} "
              f"{ms(j, statistics.median)} {ms(j, max)} "
              f"{len(lv):>4}/{r['joins_tried']:<2} "
              f"{ms(lv, statistics.median)} {ms(lv, max)}")
    cpu = results.get("cpu")
    if cpu:
        print()
        print("CPU, % of one core (utime + stime over the window); a "
              "publisher = VP8 640x360@30 + Opus, "
              f"{cpu['nominal_mbps']} Mbit/s:")
        print(f"{'pubs':>4} {'recorder':>9} {'per pub':>8} {'Mbit/s':>7} "
              f"{'per Mbit/s':>11} {'no e2eedec':>11} {'per pub':>8} "
              f"{'difference':>11} {'publisher':>10}")
        for r in cpu["rows"]:
            n = r["publishers"]
            rec, base = r["recorder_cpu_pct"], r["baseline_cpu_pct"]
            mbps = r["recorded_mbps"]
            share = (rec - base) / rec * 100 if rec > 0 else 0
            r["recorder_pct_per_publisher"] = round(rec / n, 3)
            r["recorder_pct_per_mbps"] = round(rec / mbps, 3) if mbps else None
            r["baseline_pct_per_publisher"] = round(base / n, 3)
            # what the recorder costs more than the baseline: e2eedec, the
            # key manager and TextRoom, the recorder's own bookkeeping
            r["difference_pct_of_recorder"] = round(share, 1)
            per_mbps = f"{rec / mbps:11.2f}" if mbps else f"{'-':>11}"
            print(f"{n:>4} {rec:9.1f} {rec / n:8.2f} {mbps:7.2f} "
                  f"{per_mbps} {base:11.1f} {base / n:8.2f} "
                  f"{share:10.0f}% {r['publisher_cpu_pct_mean']:10.1f}")
    results["load_start"] = load0
    results["load_end"] = load1
    results["cores"] = os.cpu_count()
    results["quick"] = args.quick
    results["ok"] = not failures
    results["missing"] = failures
    print()
    print("json: " + json.dumps(results, sort_keys=True), flush=True)


# --- the baseline subscriber (a process of its own) ----------------------

def baseline_subscriber(args):
    """GstE2ee.JanusRoom with no key manager (media only): one multistream
    subscription; per stream the recorder's chain without e2eedec."""
    import gi
    gi.require_version("Gst", "1.0")
    gi.require_version("GstE2ee", "1.0")
    from gi.repository import GLib, Gst, GstE2ee

    Gst.init(None)
    os.makedirs(args.output_dir, exist_ok=True)
    loop = GLib.MainLoop()
    url = os.environ["E2EE_JANUS_URL"]
    room = GstE2ee.JanusRoom.new(url, int(os.environ.get(
        "E2EE_JANUS_ROOM", ROOM_DEFAULT)), None)
    state = {"pipeline": None, "n": 0}
    lock = threading.Lock()

    def say(text):
        # one write(2) per line, atomic on the pipe: print() writes the text
        # and its newline apart, and two pads whose first buffers come
        # together (their streaming threads) interleaved them on a busy
        # machine ("flowing mid 0 OPUSflowing mid 1 VP8", then an empty
        # line): the parent counted one stream of two
        os.write(sys.stdout.fileno(), (text + "\n").encode())

    def on_setup(room, webrtc):
        webrtc.set_property("bundle-policy", "max-bundle")
        webrtc.set_property("stun-server", None)
        ice = webrtc.get_property("ice-agent")
        ice.emit("add-local-ip-address", "127.0.0.1")
        ice.set_property("ice-tcp", False)
        ice.get_property("agent").set_property("upnp", False)

    def on_flowing(pad, info, what):
        say(f"flowing mid {what}")
        return Gst.PadProbeReturn.REMOVE

    def on_pad(webrtc, pad):
        if pad.get_direction() != Gst.PadDirection.SRC:
            return
        caps = pad.get_current_caps() or pad.query_caps(None)
        name = (caps.get_structure(0).get_string("encoding-name") or
                "").upper()
        depay = {"VP8": "rtpvp8depay", "VP9": "rtpvp9depay ! vp9parse",
                 "OPUS": "rtpopusdepay ! opusparse"}.get(name)
        with lock:
            state["n"] += 1
            n = state["n"]
        if not depay:
            desc = "fakesink async=false"
        else:
            loc = os.path.join(args.output_dir, f"stream-{n}.webm")
            desc = (f"{depay} ! queue max-size-time=0 max-size-buffers=0 "
                    f"max-size-bytes=0 ! webmmux min-cluster-duration="
                    f"{500 * Gst.MSECOND} max-cluster-duration={Gst.SECOND}"
                    f" ! filesink buffer-mode=unbuffered async=false "
                    f"location={loc}")
        bin_ = Gst.parse_bin_from_description(desc, True)
        state["pipeline"].add(bin_)
        bin_.sync_state_with_parent()
        pad.link(bin_.get_static_pad("sink"))
        trans = pad.get_property("transceiver")
        mid = trans.get_property("mid") if trans else "?"
        pad.add_probe(Gst.PadProbeType.BUFFER, on_flowing, f"{mid} {name}")

    def start():
        pipeline = Gst.Pipeline.new(None)
        webrtc = Gst.ElementFactory.make("webrtcbin", "webrtc")
        pipeline.add(webrtc)
        # through the room's signal: its default handler makes the ICE
        # agent safe to read from Python, then on_setup applies the rules
        room.emit("webrtcbin-setup", webrtc)
        webrtc.connect("pad-added", on_pad)
        state["pipeline"] = pipeline
        pipeline.set_state(Gst.State.PLAYING)
        say(f"joined room {room.props.room} as baseline at "
            f"{time.time():.3f}")
        room.subscribe(webrtc)
        return GLib.SOURCE_REMOVE

    room.connect("webrtcbin-setup", on_setup)
    room.connect("joined", lambda r: GLib.idle_add(start))
    room.connect("error", lambda r, e: print(f"room: {e.message}",
                                             file=sys.stderr, flush=True))
    for sig in (signal.SIGINT, signal.SIGTERM):
        GLib.unix_signal_add(GLib.PRIORITY_DEFAULT, sig, loop.quit)
    room.start()
    loop.run()
    room.stop()
    if state["pipeline"]:
        state["pipeline"].set_state(Gst.State.NULL)
    return 0


def main():
    p = argparse.ArgumentParser(
        description="Join time, leave-to-key-switch time and CPU per "
        "decrypted stream of the Janus bots through a real Janus. Run under "
        "tests/janus/janus-run in a private network namespace (see the "
        "docstring).")
    p.add_argument("--build", default="build",
                   help="the meson build directory (default: build)")
    p.add_argument("--quick", action="store_true",
                   help="the smoke run: 2 joins per debounce, sizes 1,2, "
                   "3 s windows")
    p.add_argument("--joins", type=int, help="joins per debounce (5)")
    p.add_argument("--sizes", help="publishers for the CPU windows "
                   "(1,2,4,8)")
    p.add_argument("--window", type=float, help="CPU window, s (10)")
    p.add_argument("--settle", type=float, default=4.0,
                   help="wait before a CPU window once every stream "
                   "decrypts, s (4)")
    p.add_argument("--no-cpu", action="store_true", help="skip the CPU part")
    p.add_argument("--verbose", "-v", action="store_true",
                   help="echo the bots' output")
    p.add_argument("--baseline-subscriber", action="store_true",
                   help=argparse.SUPPRESS)
    p.add_argument("--output-dir", help=argparse.SUPPRESS)
    args = p.parse_args()

    if not os.environ.get("E2EE_JANUS_URL"):
        print("bench-sfu: no Janus here (E2EE_JANUS_URL is not set). Run "
              "me beside a private Janus, as root:\n"
              "  unshare -n sh -c 'ip link set lo up && "
              "build/tests/janus/janus-run -- /usr/bin/python3 "
              "tools/bench-sfu.py --build build'", file=sys.stderr)
        return 2
    if args.baseline_subscriber:
        return baseline_subscriber(args)

    if args.joins is None:
        args.joins = 2 if args.quick else 5
    if args.sizes is None:
        args.sizes = "1,2" if args.quick else "1,2,4,8"
    if args.window is None:
        args.window = 3.0 if args.quick else 10.0
    if args.quick:
        args.settle = min(args.settle, 3.5)

    bench = Bench(args)
    load0 = " ".join(f"{v:.2f}" for v in os.getloadavg())
    print(f"load average at start: {load0}", flush=True)
    results = {"join_leave": []}
    try:
        for debounce in (None, 200):
            results["join_leave"].append(bench.joins_and_leaves(debounce))
        if not args.no_cpu:
            results["cpu"] = bench.cpu()
    finally:
        bench.cleanup()
    load1 = " ".join(f"{v:.2f}" for v in os.getloadavg())
    print(f"load average at the end: {load1}", flush=True)
    for r in results["join_leave"]:
        if len(r["join_s"]) != r["joins_tried"] or \
                len(r["leave_s"]) != r["joins_tried"]:
            failures.append(f"debounce {r['debounce']}: "
                            f"{len(r['join_s'])} joins and "
                            f"{len(r['leave_s'])} leaves measured of "
                            f"{r['joins_tried']}")
    if not args.no_cpu and len(results["cpu"]["rows"]) != \
            len(args.sizes.split(",")):
        failures.append("not every CPU window was measured")
    report(args, load0, load1, results)
    if failures:
        print("bench-sfu: incomplete: " + "; ".join(failures),
              file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
