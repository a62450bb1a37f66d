#!/usr/bin/env python3
# tools/bench-smoke.py BENCH PLOT: runs tools/bench with a handful of
# frames and checks that it prints a table and a JSON object with every
# field that docs/performance.md and tools/bench-plot.py read, then has
# PLOT (tools/bench-plot.py) draw that JSON where matplotlib is installed.
# No timing is checked: this only keeps the benchmark from rotting.
import json
import os
import subprocess
import sys
import tempfile

RESULTS = ['limit', 'floor', 'ours', 'srtp_icm_hmac', 'srtp_gcm', 'webcrypto',
           'floor1', 'enc', 'dec', 'dec_depay']
RESULT_FIELDS = ['frames_per_s', 'mb_per_s', 'cpu_ns_per_frame',
                 'wall_ns_per_frame', 'min_cpu_ns_per_frame', 'iqr',
                 'rounds_cpu_ns_per_frame']
RATIOS = ['ours_vs_limit', 'ours_vs_floor_adjusted_limit',
          'ours_vs_srtp_icm_hmac', 'ours_vs_srtp_gcm', 'ours_vs_webcrypto']
ALLOCS = ['e2eeenc', 'e2eedec', 'e2eedec_after_depayloader',
          'e2eeenc_e2eedec', 'e2eedec_after_e2eeenc', 'identity',
          'identity_identity', 'srtp_icm_hmac', 'srtp_gcm', 'driver']


def fail(msg):
    print(f'bench-smoke: FAIL: {msg}')
    sys.exit(1)


def need(obj, key, where):
    if not isinstance(obj, dict) or key not in obj:
        fail(f'{where} has no "{key}"')
    return obj[key]


def main():
    cmd = [sys.argv[1], '--frames', '16', '--rounds', '1', '--streams', '4']
    print('bench-smoke: running ' + ' '.join(cmd))
    proc = subprocess.run(cmd, stdout=subprocess.PIPE, text=True,
                          timeout=150, check=False)
    print(proc.stdout)
    if proc.returncode != 0:
        fail(f'bench exited with status {proc.returncode}')
    lines = proc.stdout.splitlines()
    try:
        start = lines.index('{')
    except ValueError:
        fail('no JSON object in the output')
    if start == 0 or 'configuration' not in lines[0]:
        fail('no table before the JSON object')
    try:
        data = json.loads('\n'.join(lines[start:]))
    except json.JSONDecodeError as e:
        fail(f'the JSON does not parse: {e}')

    for key in ['method', 'machine', 'webcrypto', 'rss', 'targets']:
        need(data, key, 'the JSON')
    sizes = need(data, 'sizes', 'the JSON')
    if [s.get('size') for s in sizes] != [100, 1200, 10000, 100000]:
        fail('the sizes are not 100, 1200, 10000, 100000')
    for s in sizes:
        where = f'size {s["size"]}'
        results = need(s, 'results', where)
        for name in RESULTS:
            r = need(results, name, where)
            if r is None:
                # only what this machine may lack can be skipped
                if name not in ('webcrypto', 'srtp_icm_hmac', 'srtp_gcm'):
                    fail(f'{where}: {name} was not measured')
                continue
            for field in RESULT_FIELDS:
                v = need(r, field, f'{where} {name}')
                if field != 'rounds_cpu_ns_per_frame' and \
                        not isinstance(v, (int, float)):
                    fail(f'{where} {name} {field} is not a number')
        need(s, 'floor_adjusted_limit_ns_per_frame', where)
        ratios = need(s, 'ratios', where)
        for name in RATIOS:
            need(ratios, name, where)
        allocs = need(s, 'allocs_per_frame', where)
        if allocs is not None:
            for name in ALLOCS:
                need(allocs, name, f'{where} allocs_per_frame')
        elif data.get('allocs_skip_reason') is None:
            fail(f'{where}: no allocation counts and no reason')
    if data['webcrypto']['available'] is False and \
            not data['webcrypto'].get('skip_reason'):
        fail('webcrypto skipped without a reason')
    if data['webcrypto']['available'] and \
            data['webcrypto'].get('decrypts_e2eeenc_frames') is not True:
        fail("WebCrypto did not decrypt e2eeenc's frames")
    rss = data['rss']
    if 'per_stream_kib' not in rss and 'skip_reason' not in rss:
        fail('rss has neither a result nor a reason')
    for t in data['targets']:
        for key in ['name', 'holds', 'detail']:
            need(t, key, 'a target')
    print('bench-smoke: the benchmark runs and its JSON has every field')

    plot = sys.argv[2]
    if subprocess.run(['/usr/bin/python3', '-c', 'import matplotlib'],
                      check=False, capture_output=True).returncode != 0:
        print('bench-smoke: no python3-matplotlib: the plot is not drawn')
        return
    with tempfile.TemporaryDirectory() as tmp:
        src = os.path.join(tmp, 'bench.json')
        png = os.path.join(tmp, 'bench.png')
        with open(src, 'w', encoding='utf-8') as f:
            json.dump(data, f)
        proc = subprocess.run(['/usr/bin/python3', plot, src, png],
                              check=False)
        if proc.returncode != 0 or not os.path.getsize(png):
            fail('tools/bench-plot.py could not draw the JSON')
    print('bench-smoke: tools/bench-plot.py draws it')


if __name__ == '__main__':
    main()
