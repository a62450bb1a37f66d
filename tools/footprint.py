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
"""tools/footprint.py: what e2eeenc costs a device (docs/embedded.md,
"Footprint"; docs/performance.md, section "Footprint on a device").

  tools/footprint.py pipeline [--seconds S] [--runs N] [--build DIR]
      A camera-like sender (720p30 H.264 from x264enc tune=zerolatency
      speed-preset=ultrafast, baseline, plus Opus) paid to udpsink on
      loopback in a private network namespace, once with e2eeenc in front
      of both payloaders and once without, alternately, N runs each. Prints
      per configuration the resident memory (VmRSS at the end, VmHWM) and
      the CPU time per second of stream of the gst-launch-1.0 process, and
      the differences, which are e2eeenc's.

  tools/footprint.py callgrind [--build DIR] [--sizes 1000,10000,100000]
      Instructions per frame of the encrypt path (e2eeenc's transform, from
      tools/bench's "enc" configuration) and of OpenSSL's AES-128-GCM seal
      alone (tools/bench's "limit" loop, EVP_Encrypt* only), counted by
      valgrind's callgrind with collection only inside those functions.
      Each is run with two frame counts; the difference divided by the
      difference in frames removes set-up and warm-up.

Not a test: it prints numbers, it does not judge them.
"""
import argparse
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import time

KEY = '01' + '00' * 31
CG_FRAMES = (300, 600)


def repo_build(path):
    return os.path.abspath(path or os.path.join(
        os.path.dirname(os.path.abspath(__file__)), '..', 'build'))


def machine():
    model = platform.machine()
    try:
        with open('/proc/cpuinfo') as f:
            for line in f:
                if line.startswith('model name'):
                    model = line.split(':', 1)[1].strip()
                    break
    except OSError:
        pass
    with open('/proc/loadavg') as f:
        load = ' '.join(f.read().split()[:3])
    return f'{model}, {os.cpu_count()} CPUs, load average {load}'


# ---- pipeline ----

def sender(encrypt):
    enc = f'e2eeenc key={KEY} ! ' if encrypt else ''
    return (
        'videotestsrc is-live=true pattern=smpte ! '
        'video/x-raw,width=1280,height=720,framerate=30/1 ! '
        'x264enc tune=zerolatency speed-preset=ultrafast key-int-max=30 '
        'bitrate=2000 ! video/x-h264,profile=baseline,'
        'stream-format=byte-stream,alignment=au ! '
        f'{enc}rtph264pay mtu=1200 ! '
        'udpsink host=127.0.0.1 port=5000 sync=false async=false '
        'audiotestsrc is-live=true wave=sine ! '
        'audio/x-raw,rate=48000,channels=2 ! opusenc bitrate=64000 ! '
        f'{enc}rtpopuspay ! '
        'udpsink host=127.0.0.1 port=5002 sync=false async=false')


def proc_status(pid):
    out = {}
    with open(f'/proc/{pid}/status') as f:
        for line in f:
            if line.startswith(('VmRSS:', 'VmHWM:')):
                k, v = line.split(':', 1)
                out[k] = int(v.split()[0])
    return out


def proc_smaps(pid):
    """Resident kB per mapped file ('[anon]' for the heap and anonymous
    mappings), so that the difference can be put down to libraries."""
    rss = {}
    cur = '[anon]'
    with open(f'/proc/{pid}/smaps') as f:
        for line in f:
            parts = line.split()
            if re.match(r'^[0-9a-f]+-[0-9a-f]+ ', line):
                cur = parts[5] if len(parts) > 5 and parts[5].startswith('/') \
                    else '[anon]'
                # ORC's generated code, in a file of a random name
                if os.path.basename(cur).startswith('orcexec.'):
                    cur = '[orc code]'
            elif parts[0] == 'Rss:':
                rss[cur] = rss.get(cur, 0) + int(parts[1])
    return rss


def proc_cpu_s(pid):
    with open(f'/proc/{pid}/stat') as f:
        fields = f.read().rsplit(')', 1)[1].split()
    # utime and stime, fields 14 and 15 of stat(5)
    return (int(fields[11]) + int(fields[12])) / os.sysconf('SC_CLK_TCK')


def run_pipeline(encrypt, seconds, env):
    """CPU seconds per second of stream after a warm-up of 3 s, and memory
    at the end, in kB."""
    args = ['gst-launch-1.0', '-q'] + sender(encrypt).split()
    p = subprocess.Popen(args, env=env, stdout=subprocess.DEVNULL,
                         stderr=subprocess.PIPE)
    try:
        time.sleep(3)
        if p.poll() is not None:
            sys.exit('footprint: the pipeline stopped: '
                     + p.stderr.read().decode(errors='replace'))
        c0, t0 = proc_cpu_s(p.pid), time.monotonic()
        time.sleep(seconds)
        c1, t1 = proc_cpu_s(p.pid), time.monotonic()
        mem = proc_status(p.pid)
        maps = proc_smaps(p.pid)
    finally:
        p.terminate()
        p.wait()
    return {'cpu': (c1 - c0) / (t1 - t0), 'rss': mem['VmRSS'],
            'hwm': mem['VmHWM'], 'maps': maps}


def mean(xs):
    return sum(xs) / len(xs)


def spread(xs):
    return max(xs) - min(xs)


def cmd_pipeline(opts):
    if os.environ.get('E2EE_FOOTPRINT_NETNS') != '1':
        # everything on loopback of a private network namespace
        env = dict(os.environ, E2EE_FOOTPRINT_NETNS='1')
        # as a user, in a user namespace of its own (-r)
        flags = ['-n'] if os.geteuid() == 0 else ['-r', '-n']
        cmd = ['unshare'] + flags + [
            'sh', '-c', 'ip link set lo up && exec "$0" "$@"',
            sys.executable] + sys.argv
        os.execvpe('unshare', cmd, env)
    build = repo_build(opts.build)
    env = dict(os.environ,
               GST_PLUGIN_PATH_1_0=os.path.join(build, 'gst', 'plugin'),
               LD_LIBRARY_PATH=os.path.join(build, 'gst', 'e2ee'),
               GST_REGISTRY_1_0=os.path.join(tempfile.gettempdir(),
                                             'e2ee-footprint-registry.bin'))
    res = {False: [], True: []}
    for i in range(opts.runs):
        # alternate, so that a change in the machine's load hits both
        for encrypt in ((False, True) if i % 2 == 0 else (True, False)):
            res[encrypt].append(run_pipeline(encrypt, opts.seconds, env))
    print(f'machine: {machine()}')
    print(f'stream: 720p30 H.264 (x264enc zerolatency ultrafast baseline, '
          f'2 Mbit/s) + Opus 64 kbit/s, rtph264pay/rtpopuspay, udpsink on '
          f'loopback; {opts.runs} runs of {opts.seconds} s each')
    print(f'{"":22} {"CPU % of a core":>16} {"VmRSS kB":>10} '
          f'{"VmHWM kB":>10}')
    for encrypt, name in ((False, 'without e2eeenc'), (True, 'with e2eeenc')):
        r = res[encrypt]
        cpu = [x['cpu'] * 100 for x in r]
        print(f'{name:22} {mean(cpu):9.1f} ±{spread(cpu) / 2:4.1f} '
              f'{mean([x["rss"] for x in r]):10.0f} '
              f'{mean([x["hwm"] for x in r]):10.0f}')
    d_cpu = mean([x['cpu'] for x in res[True]]) - \
        mean([x['cpu'] for x in res[False]])
    d_rss = mean([x['rss'] for x in res[True]]) - \
        mean([x['rss'] for x in res[False]])
    d_hwm = mean([x['hwm'] for x in res[True]]) - \
        mean([x['hwm'] for x in res[False]])
    print(f'{"difference (e2eeenc)":22} {d_cpu * 100:9.2f}       '
          f'{d_rss:10.0f} {d_hwm:10.0f}')
    names = set()
    for r in res[True] + res[False]:
        names |= set(r['maps'])
    diff = []
    for n in names:
        d = mean([r['maps'].get(n, 0) for r in res[True]]) - \
            mean([r['maps'].get(n, 0) for r in res[False]])
        if abs(d) >= 16:
            diff.append((d, n))
    print('where the resident difference is (kB, mean of the runs; '
          'file-backed pages can be shared with other processes):')
    for d, n in sorted(diff, reverse=True):
        print(f'{d:10.0f}  {n}')


# ---- callgrind ----

def callgrind_ir(build, config, sizes, frames, toggles):
    with tempfile.TemporaryDirectory() as d:
        out = os.path.join(d, 'cg.out')
        args = ['valgrind', '--tool=callgrind', '--collect-atstart=no',
                f'--callgrind-out-file={out}']
        args += [f'--toggle-collect={t}' for t in toggles]
        args += [os.path.join(build, 'tools', 'bench'), '-c', config,
                 '-s', str(sizes), '-n', str(frames), '-r', '1',
                 '--no-webcrypto', '--no-allocs', '--no-rss']
        subprocess.run(args, check=True, stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL)
        with open(out) as f:
            for line in f:
                m = re.match(r'^(?:summary|totals): (\d+)', line)
                if m:
                    return int(m.group(1))
    sys.exit(f'footprint: no totals from callgrind for {config}')


def cmd_callgrind(opts):
    if not shutil.which('valgrind'):
        sys.exit('footprint: valgrind is not installed')
    build = repo_build(opts.build)
    n0, n1 = CG_FRAMES
    rows = []
    for size in [int(s) for s in opts.sizes.split(',')]:
        row = [size]
        for config, toggles in (
                ('enc', ['gst_e2ee_enc_transform_ip']),
                ('limit', ['EVP_EncryptInit_ex', 'EVP_EncryptUpdate',
                           'EVP_EncryptFinal_ex'])):
            a = callgrind_ir(build, config, size, n0, toggles)
            b = callgrind_ir(build, config, size, n1, toggles)
            row.append((b - a) / (n1 - n0))
        rows.append(row)
    print(f'machine: {machine()}')
    print('instructions per frame (callgrind Ir), encrypt path only')
    print(f'{"frame bytes":>12} {"e2eeenc":>12} {"OpenSSL GCM":>12} '
          f'{"ratio":>6} {"e2eeenc/byte":>13}')
    for size, ours, limit in rows:
        print(f'{size:12} {ours:12.0f} {limit:12.0f} {ours / limit:6.2f} '
              f'{ours / size:13.2f}')


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    sub = ap.add_subparsers(dest='cmd', required=True)
    p = sub.add_parser('pipeline')
    p.add_argument('--seconds', type=float, default=20)
    p.add_argument('--runs', type=int, default=3)
    p.add_argument('--build')
    c = sub.add_parser('callgrind')
    c.add_argument('--sizes', default='1000,10000,100000')
    c.add_argument('--build')
    opts = ap.parse_args()
    if opts.cmd == 'pipeline':
        cmd_pipeline(opts)
    else:
        cmd_callgrind(opts)


if __name__ == '__main__':
    main()
