#!/usr/bin/python3
# tools/bench-plot.py JSON PNG [MARKDOWN]: draws the figure of
# docs/performance.md from the JSON that tools/bench prints, and with
# MARKDOWN rewrites the tables between the "<!-- bench-results -->" and
# "<!-- /bench-results -->" lines of that file (tools/bench.sh --update-docs
# does both). Three panels: CPU time per frame against frame size; ours'
# throughput as a multiple of each reference, with the targets of the
# benchmark issue; where the time of one frame through e2eeenc ! e2eedec
# goes. Needs python3-matplotlib (Debian).
import json
import math
import sys

import matplotlib

matplotlib.use('Agg')
import matplotlib.pyplot as plt  # noqa: E402

SERIES = [
    # key, label, style
    ('limit', 'limit: OpenSSL AES-128-GCM seal+open', dict(color='black', ls='--', marker='o')),
    ('floor_adjusted', 'limit + floor (identity ! identity)', dict(color='grey', ls=':', marker='o')),
    ('ours', 'ours: e2eeenc ! e2eedec', dict(color='tab:blue', lw=2.5, marker='s')),
    ('srtp_gcm', 'srtpenc ! srtpdec, AES-128-GCM', dict(color='tab:green', marker='^')),
    ('srtp_icm_hmac', 'srtpenc ! srtpdec, AES-ICM + HMAC-SHA1-80', dict(color='tab:olive', marker='v')),
    ('webcrypto', 'WebCrypto as the web clients (Node.js)', dict(color='tab:red', marker='D')),
]

RATIOS = [
    ('ours_vs_limit', 'limit', 0.8),  # from 10 kB
    ('ours_vs_floor_adjusted_limit', 'limit + floor', None),
    ('ours_vs_srtp_gcm', 'srtp GCM', 1.0),
    ('ours_vs_srtp_icm_hmac', 'srtp ICM+HMAC', 1.0),
    ('ours_vs_webcrypto', 'WebCrypto', 10.0),
]


def ns(size, key):
    r = size['results'].get(key)
    if key == 'floor_adjusted':
        return size.get('floor_adjusted_limit_ns_per_frame')
    return r['cpu_ns_per_frame'] if r else None


def size_label(n):
    if n >= 1000:
        return f'{n / 1000:g} kB'
    return f'{n} B'


def main():
    with open(sys.argv[1], encoding='utf-8') as f:
        data = json.load(f)
    sizes = data['sizes']
    xs = [s['size'] for s in sizes]
    labels = [size_label(x) for x in xs]

    fig, axes = plt.subplots(1, 3, figsize=(17, 6.4))

    ax = axes[0]
    for key, label, style in SERIES:
        pts = [(s['size'], ns(s, key)) for s in sizes if ns(s, key)]
        if pts:
            ax.plot([p[0] for p in pts], [p[1] / 1000 for p in pts],
                    label=label, **style)
    ax.set_xscale('log')
    ax.set_yscale('log')
    ax.set_xticks(xs)
    ax.set_xticklabels(labels)
    ax.minorticks_off()
    ax.set_xlabel('frame size')
    ax.set_ylabel('CPU time per frame, encrypt + decrypt (µs)')
    ax.set_title('Cost per frame (median)')
    ax.grid(True, which='major', alpha=0.3)
    ax.legend(fontsize=7.5, loc='upper center', bbox_to_anchor=(0.5, -0.13),
              ncol=2)

    ax = axes[1]
    width = 0.8 / len(RATIOS)
    for i, (key, label, target) in enumerate(RATIOS):
        vals = [s['ratios'].get(key) for s in sizes]
        pos = [j + (i - (len(RATIOS) - 1) / 2) * width for j in range(len(xs))]
        bars = ax.bar([p for p, v in zip(pos, vals) if v is not None],
                      [v for v in vals if v is not None], width,
                      label=f'vs {label}' + (
                          f' (target ≥ {target:g}'
                          + (' from 10 kB' if key == 'ours_vs_limit' else '')
                          + ')' if target else ''))
        if target and bars.patches:
            for p, x in zip(pos, xs):
                # the limit target is for 10 kB and more only
                if key == 'ours_vs_limit' and x < 10000:
                    continue
                ax.plot([p - width / 2, p + width / 2], [target, target],
                        color='black', lw=1.5)
    ax.axhline(1.0, color='black', lw=0.6, alpha=0.5)
    ax.set_yscale('log')
    ax.set_xticks(range(len(xs)))
    ax.set_xticklabels(labels)
    ax.set_xlabel('frame size')
    ax.set_ylabel("ours' throughput as a multiple of …")
    ax.set_title('Ratios, median of per-round ratios (black: targets)')
    ax.grid(True, axis='y', which='both', alpha=0.3)
    ax.legend(fontsize=7.5, loc='upper center', bbox_to_anchor=(0.5, -0.13),
              ncol=2)

    ax = axes[2]
    parts = [('OpenSSL AES-GCM calls (limit)', 'tab:gray'),
             ('GStreamer, two elements (floor)', 'tab:cyan'),
             ('e2ee elements, the rest', 'tab:blue')]
    bottoms = [0.0] * len(xs)
    for idx, (label, color) in enumerate(parts):
        vals = []
        for s in sizes:
            # from the paired per-round ratios, as the middle panel
            r_limit = s['ratios'].get('ours_vs_limit')
            r_adj = s['ratios'].get('ours_vs_floor_adjusted_limit')
            if not (r_limit and r_adj):
                vals.append(0)
                continue
            limit, adj = min(r_limit, 1.0), min(r_adj, 1.0)
            part = [limit, max(adj - limit, 0), 1.0 - adj][idx]
            vals.append(100 * part)
        ax.bar(range(len(xs)), vals, 0.6, bottom=bottoms, label=label,
               color=color)
        bottoms = [b + v for b, v in zip(bottoms, vals)]
    for j, s in enumerate(sizes):
        ours = ns(s, 'ours')
        if ours:
            ax.text(j, 101, f'{ours / 1000:.3g} µs', ha='center', fontsize=8)
    ax.set_xticks(range(len(xs)))
    ax.set_xticklabels(labels)
    ax.set_ylim(0, 112)
    ax.set_xlabel('frame size')
    ax.set_ylabel('% of the CPU time of one frame')
    ax.set_title('Where the time of e2eeenc ! e2eedec goes')
    ax.legend(fontsize=7.5, loc='upper center', bbox_to_anchor=(0.5, -0.13),
              ncol=2)

    m = data.get('machine', {})
    fig.suptitle(f"gst-e2ee tools/bench — {m.get('cpu', '?')}, "
                 f"{m.get('cores', '?')} cores, {m.get('openssl', '?')}, "
                 f"{m.get('gstreamer', '?')}, build "
                 f"{data.get('method', {}).get('build', '?')}",
                 fontsize=10)
    fig.tight_layout()
    fig.savefig(sys.argv[2], dpi=90)
    if not all(math.isfinite(x) for x in xs):
        sys.exit(1)


BEGIN = '<!-- bench-results -->'
END = '<!-- /bench-results -->'


def fmt_us(v):
    if v is None:
        return '–'
    us = v / 1000
    return f'{us:.2f}' if us < 10 else f'{us:.1f}' if us < 100 else f'{us:.0f}'


def fmt_ratio(v):
    if v is None:
        return '–'
    return f'{v:.2f}' if v < 10 else f'{v:.1f}'


def tables(data):
    sizes = data['sizes']
    out = []
    m = data.get('machine', {})
    meth = data.get('method', {})
    web = data.get('webcrypto', {})
    load = ' '.join(str(m.get('loadavg_start', '?')).split()[:3])
    out.append(f"Measured on {m.get('cpu', '?')} ({m.get('cores', '?')} "
               f"cores, shared; load average {load} "
               f"at the start), {m.get('openssl', '?')}, "
               f"{m.get('gstreamer', '?')}, build {meth.get('build', '?')}, "
               f"median of {meth.get('rounds', '?')} interleaved rounds; "
               f"WebCrypto: Node.js {web.get('node') or 'absent'}.")
    out.append('')
    out.append('CPU time per frame, encrypt and decrypt (µs):')
    out.append('')
    cols = [('limit', 'limit'), ('floor', 'floor'), ('ours', '**ours**'),
            ('srtp_icm_hmac', 'srtp ICM+HMAC'), ('srtp_gcm', 'srtp GCM'),
            ('webcrypto', 'WebCrypto'), ('enc', 'e2eeenc alone'),
            ('dec', 'e2eedec alone'),
            ('dec_depay', "e2eedec on a depayloader's output"),
            ('floor1', 'identity alone'),
            ('sframe_gcm', 'SFrame GCM (4)'),
            ('sframe_ctr_hmac', 'SFrame CTR+HMAC (1)'),
            ('limit_ctr_hmac', 'limit CTR+HMAC')]
    out.append('| size | ' + ' | '.join(c[1] for c in cols) +
               ' | ours MB/s |')
    out.append('|---' * (len(cols) + 2) + '|')
    for s in sizes:
        row = [size_label(s['size'])]
        for key, _ in cols:
            r = s['results'].get(key)
            row.append(fmt_us(r['cpu_ns_per_frame'] if r else None))
        ours = s['results'].get('ours')
        row.append(f"{ours['mb_per_s']:.0f}" if ours else '–')
        out.append('| ' + ' | '.join(row) + ' |')
    out.append('')
    out.append("Ours' throughput as a multiple of (median of per-round "
               'ratios; the SFrame columns: SFrame\'s throughput as a '
               'multiple of the one named):')
    out.append('')
    rcols = [('ours_vs_limit', 'limit'),
             ('ours_vs_floor_adjusted_limit', 'limit + floor'),
             ('ours_vs_srtp_icm_hmac', 'srtp ICM+HMAC'),
             ('ours_vs_srtp_gcm', 'srtp GCM'),
             ('ours_vs_webcrypto', 'WebCrypto'),
             ('sframe_gcm_vs_limit', 'SFrame GCM vs limit'),
             ('sframe_ctr_hmac_vs_limit_ctr_hmac',
              'SFrame CTR+HMAC vs its limit'),
             ('sframe_gcm_vs_ours', 'SFrame GCM vs JFrame'),
             ('sframe_ctr_hmac_vs_ours', 'SFrame CTR+HMAC vs JFrame')]
    out.append('| size | ' + ' | '.join(c[1] for c in rcols) + ' |')
    out.append('|---' * (len(rcols) + 1) + '|')
    for s in sizes:
        out.append('| ' + ' | '.join([size_label(s['size'])] + [
            fmt_ratio(s['ratios'].get(k)) for k, _ in rcols]) + ' |')
    out.append('')
    out.append('Heap allocations per frame in steady state:')
    out.append('')
    acols = [('e2eeenc', 'e2eeenc'), ('e2eedec', 'e2eedec (writable)'),
             ('e2eedec_after_depayloader',
              "e2eedec on a depayloader's output"),
             ('e2eedec_after_e2eeenc', "e2eedec on e2eeenc's output"),
             ('identity_identity', 'identity ! identity'),
             ('srtp_icm_hmac', 'srtp ICM+HMAC'), ('srtp_gcm', 'srtp GCM')]
    out.append('| size | ' + ' | '.join(c[1] for c in acols) + ' |')
    out.append('|---' * (len(acols) + 1) + '|')
    for s in sizes:
        a = s.get('allocs_per_frame') or {}
        out.append('| ' + ' | '.join([size_label(s['size'])] + [
            '–' if a.get(k) is None else f'{a[k]:g}' for k, _ in acols]) +
            ' |')
    rss = data.get('rss', {})
    out.append('')
    if 'per_stream_kib' in rss:
        out.append(f"Resident memory: {rss['streams']} streams, each "
                   f"e2eeenc ! e2eedec, add {rss['e2ee_kib']} KiB to a "
                   f"process; as many identity ! identity add "
                   f"{rss['identity_kib']} KiB: "
                   f"{rss['per_stream_kib']:.1f} KiB per stream for the "
                   'encryption.')
    else:
        out.append(f"Resident memory: not measured ({rss.get('skip_reason')}).")
    out.append('')
    out.append('Targets of the benchmark issue, as this run evaluated them:')
    out.append('')
    for t in data.get('targets', []):
        state = {True: 'holds', False: '**does not hold**',
                 None: 'not measured'}[t['holds']]
        out.append(f"- {t['name']}: {state} ({t['detail']})")
    return '\n'.join(out) + '\n'


def update_markdown(path, data):
    with open(path, encoding='utf-8') as f:
        text = f.read()
    start, end = text.find(BEGIN), text.find(END)
    if start < 0 or end < start:
        sys.exit(f'{path} has no {BEGIN} ... {END} section')
    text = (text[:start + len(BEGIN)] + '\n' + tables(data) +
            text[end:])
    with open(path, 'w', encoding='utf-8') as f:
        f.write(text)


if __name__ == '__main__':
    main()
    if len(sys.argv) > 3:
        with open(sys.argv[1], encoding='utf-8') as f:
            update_markdown(sys.argv[3], json.load(f))
