#!/usr/bin/env python3
"""Checks one node's replica against the ledger the multi-process tests write
(scripts/lib/cluster.sh): every acknowledged ticket step present, in the order written,
what is present a prefix of what was tried; every asset where its last acknowledged
move put it (or a later tried one). Exits 0 when all hold, else prints each difference.

usage: ledger_check.py MESHDESK DATA_DIR LEDGER [CAMPUS...]
"""
import json
import subprocess
import sys
from collections import OrderedDict
from concurrent.futures import ThreadPoolExecutor

# `ticket show` once per ticket, several at a time: process start-up dominates.
PARALLEL_SHOWS = 6


def show(binary, data_dir, what, key):
    out = subprocess.run([binary, what, "show", "--data-dir", data_dir, "--json", key],
                         capture_output=True, text=True)
    if out.returncode != 0:
        return None
    return json.loads(out.stdout)


def main():
    binary, data_dir, ledger = sys.argv[1:4]
    campuses = sys.argv[4:]
    wanted = lambda key: not campuses or any(key.startswith(c + "-") or key.endswith("-" + c) for c in campuses)
    tickets = OrderedDict()  # number → {"tried": [...], "acked": [...]}
    assets = OrderedDict()   # tag → {"tried": [...], "acked": [...]}
    with open(ledger, encoding="utf-8") as f:
        for line in f:
            parts = line.rstrip("\n").split("\t")
            if len(parts) != 3:
                continue
            kind, key, value = parts
            if kind == "open" and wanted(key):
                tickets.setdefault(key, {"tried": [], "acked": []})
            elif kind in ("try", "ack") and key in tickets:
                tickets[key]["tried" if kind == "try" else "acked"].append(value)
            elif kind in ("try-move", "move") and wanted(key):
                entry = assets.setdefault(key, {"tried": [], "acked": []})
                entry["tried" if kind == "try-move" else "acked"].append(value)
    problems = []
    with ThreadPoolExecutor(max_workers=PARALLEL_SHOWS) as pool:
        shows = dict(zip(tickets, pool.map(lambda n: show(binary, data_dir, "ticket", n), tickets)))
    listed = subprocess.run([binary, "asset", "list", "--data-dir", data_dir, "--json"], capture_output=True, text=True)
    located = {a["record"]["tag"]: a["record"]["location"] for a in json.loads(listed.stdout)} if listed.returncode == 0 else {}
    for number, entry in tickets.items():
        shown = shows[number]
        if shown is None:
            problems.append(f"{number}: acknowledged ticket missing")
            continue
        tried = entry["tried"]
        notes = [e.get("text", "") for e in shown["ticket"]["timeline"] if e.get("kind") == "note"]
        notes = [n for n in notes if n in set(tried)]
        if notes != tried[:len(notes)]:
            problems.append(f"{number}: steps {notes} are not a prefix of the steps tried {tried}")
        acked = entry["acked"]
        if len(notes) < len(acked) or notes[:len(acked)] != acked:
            problems.append(f"{number}: acknowledged steps {acked}, the node shows {notes}")
    for tag, entry in assets.items():
        if tag not in located:
            problems.append(f"{tag}: asset missing")
            continue
        location = located[tag]
        acked, tried = entry["acked"], entry["tried"]
        if not acked:
            continue
        allowed = tried[tried.index(acked[-1]):] if acked[-1] in tried else [acked[-1]]
        if location not in allowed:
            problems.append(f"{tag}: at {location!r}, last acknowledged move to {acked[-1]!r}")
    for p in problems[:20]:
        print(f"    {data_dir}: {p}")
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
