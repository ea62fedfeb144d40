#!/usr/bin/env bash
# Runs one MeshDesk node on the embedded default (data directory ./data), after set-up.
# Extra arguments go to `meshdesk serve`.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
. scripts/env.sh
swift build -c release -q --product meshdesk
exec .build/release/meshdesk serve "$@"
