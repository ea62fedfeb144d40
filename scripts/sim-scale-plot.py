#!/usr/bin/env python3
"""Plots meshdesk-sim --scale CSV as an SVG (no matplotlib needed): rounds for one write
to reach every node (with push, anti-entropy only), rounds to converge after a partition
heals, and the push-pull gossip bound log2 N + ln N, against the node count (log scale)."""
import csv, math, sys

src, dst = sys.argv[1], sys.argv[2]
rows = [r for r in csv.DictReader(open(src))]
ns = [int(r["nodes"]) for r in rows]
series = [
    ("spread, push + anti-entropy", "spread_rounds_push", "#1f77b4"),
    ("spread, anti-entropy only", "spread_rounds_ae_only", "#ff7f0e"),
    ("converge after partition heals", "heal_rounds", "#2ca02c"),
    ("log2 N + ln N", "log2n_plus_lnn", "#555555"),
]
W, H, L, R, T, B = 640, 400, 60, 230, 30, 50
ymax = max(float(r[k]) for r in rows for _, k, _ in series) * 1.15
xmin, xmax = math.log(min(ns)) - 0.2, math.log(max(ns)) + 0.2
x = lambda n: L + (math.log(n) - xmin) / (xmax - xmin) * (W - L - R)
y = lambda v: H - B - v / ymax * (H - T - B)
out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{W}" height="{H}" font-family="sans-serif" font-size="12">',
       f'<rect width="{W}" height="{H}" fill="white"/>',
       f'<text x="{L}" y="18" font-size="14">meshdesk-sim: rounds vs simulated nodes</text>',
       f'<line x1="{L}" y1="{H-B}" x2="{W-R}" y2="{H-B}" stroke="black"/>',
       f'<line x1="{L}" y1="{T}" x2="{L}" y2="{H-B}" stroke="black"/>',
       f'<text x="{(L+W-R)/2}" y="{H-12}" text-anchor="middle">nodes (log scale)</text>',
       f'<text x="15" y="{(T+H-B)/2}" transform="rotate(-90 15 {(T+H-B)/2})" text-anchor="middle">rounds (1 round = 1 s)</text>']
for n in ns:
    out.append(f'<text x="{x(n)}" y="{H-B+16}" text-anchor="middle">{n}</text>')
step = max(1, round(ymax / 6))
v = 0
while v <= ymax:
    out.append(f'<text x="{L-6}" y="{y(v)+4}" text-anchor="end">{v}</text>')
    out.append(f'<line x1="{L}" y1="{y(v)}" x2="{W-R}" y2="{y(v)}" stroke="#eee"/>')
    v += step
for i, (label, key, color) in enumerate(series):
    pts = " ".join(f"{x(int(r['nodes']))},{y(float(r[key]))}" for r in rows)
    dash = ' stroke-dasharray="5,4"' if key == "log2n_plus_lnn" else ""
    out.append(f'<polyline points="{pts}" fill="none" stroke="{color}" stroke-width="2"{dash}/>')
    for r in rows:
        out.append(f'<circle cx="{x(int(r["nodes"]))}" cy="{y(float(r[key]))}" r="3" fill="{color}"/>')
    ly = T + 20 + i * 20
    out.append(f'<line x1="{W-R+15}" y1="{ly-4}" x2="{W-R+40}" y2="{ly-4}" stroke="{color}" stroke-width="2"{dash}/>')
    out.append(f'<text x="{W-R+45}" y="{ly}">{label}</text>')
out.append("</svg>")
open(dst, "w").write("\n".join(out))
print(f"wrote {dst}")
