#!/usr/bin/env bash
# Measures the simulation scale figures (10, 50, 200 nodes by default) and draws the plot:
# docs/sim-scale.csv and docs/sim-scale.svg. Usage: scripts/sim-scale.sh [counts] [seed]
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/env.sh
swift build -c release --product meshdesk-sim
.build/release/meshdesk-sim --scale "${1:-10,50,200}" --seed "${2:-7}" | tee docs/sim-scale.csv
python3 scripts/sim-scale-plot.py docs/sim-scale.csv docs/sim-scale.svg
