#!/usr/bin/env bash
# Long simulation soak: SOAK_SEEDS (default 10 000) random fault plans per node count
# in SOAK_NODES (default "7"), release build. The base seed is printed first; a failing
# seed prints its schedule and replay command. Usage: scripts/soak.sh [base-seed]
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/env.sh
swift build -c release --product meshdesk-sim
BASE_SEED="${1:-$(od -An -N8 -tu8 /dev/urandom | tr -d ' ')}"
echo "soak base seed $BASE_SEED"
status=0
for nodes in ${SOAK_NODES:-7}; do
    # stdbuf: line by line, so a long soak's log shows progress as it goes.
    stdbuf -oL .build/release/meshdesk-sim --seeds "${SOAK_SEEDS:-10000}" --nodes "$nodes" --base-seed "$BASE_SEED" || status=1
done
exit $status
