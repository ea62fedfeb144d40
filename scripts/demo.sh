#!/usr/bin/env bash
# The three-campus demo on one machine: MAIN (主院区), EAST (东院区) and WEST (西院区)
# start on 127.0.0.1, converge, WEST is cut off (its node stops) while staff on both
# sides keep working (tickets and their steps, through the CLI), then WEST comes back and
# everything merges.
# Usage: bash scripts/demo.sh [work-dir]   (default: a fresh temporary directory)
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
. scripts/env.sh
[ -x .build/debug/meshdesk ] || swift build -q --product meshdesk
BIN=${MESHDESK_BIN:-$PWD/.build/debug/meshdesk}
W=${1:-$(mktemp -d /tmp/meshdesk-demo.XXXXXX)}
BASE=$((14000 + ($$ % 2000) * 3))   # below the ephemeral range (32768…): no outgoing connection holds one
declare -A PORT=([MAIN]=$BASE [EAST]=$((BASE + 1)) [WEST]=$((BASE + 2)))
HBASE=$((9000 + ($$ % 1600) * 3))   # the dashboards, also loopback only and below it
declare -A HTTP=([MAIN]=$HBASE [EAST]=$((HBASE + 1)) [WEST]=$((HBASE + 2)))
declare -A NAME=([MAIN]=主院区 [EAST]=东院区 [WEST]=西院区)
declare -A PID=()
mkdir -p "$W"; T=$W
. scripts/lib/cluster.sh
trap 'for p in "${PID[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true' EXIT

say() { printf '\n\033[1m%s\033[0m\n' "$*"; }
start() { "$BIN" serve --data-dir "$W/$1" >>"$W/$1.log" 2>&1 & PID[$1]=$!; }
digest() { md status --data-dir "$W/$1" --json | python3 -c "import json,sys; d=json.load(sys.stdin)['replica']; print(d['stateDigest'], d['batches'])"; }
tickets() {  # tickets CAMPUS: the tickets the campus's node shows, per campus
    md ticket list --data-dir "$W/$1" --json --limit 1000 | python3 -c "
import collections, json, sys
count = collections.Counter(t['campus'] for t in json.load(sys.stdin))
print('tickets: ' + ', '.join(f'{c} {n}' for c, n in sorted(count.items())))"
}
show() { for c in "$@"; do printf '  %-5s digest/batches: %s\n' "$c" "$(digest "$c")"; printf '        %s\n' "$(tickets "$c")"; done; }
converge() {  # converge SECONDS CAMPUS...: wait until their digests agree
    local deadline=$((SECONDS + $1)); shift
    while [ $SECONDS -lt $deadline ]; do
        local first; first=$(digest "$1"); local same=1
        for c in "${@:2}"; do [ "$(digest "$c")" = "$first" ] || same=0; done
        [ $same = 1 ] && return 0
        sleep 0.5
    done
    echo "  (not converged within the time limit)"; return 1
}

say "1. The admin creates the cluster; each campus initialises its node (in $W)"
md cluster create --cluster-dir "$W/cluster" --name 信息科 >/dev/null
INSTALL=()
for c in MAIN EAST WEST; do
    # The first administrator is made once, at MAIN; the other campuses receive the account by sync.
    ADMIN=(); [ $c = MAIN ] || ADMIN=(--no-admin)
    md init --data-dir "$W/$c" --campus $c --name "${NAME[$c]}" --listen "127.0.0.1:${PORT[$c]}" --gossip-interval-ms 300 \
        --http-listen "127.0.0.1:${HTTP[$c]}" "${ADMIN[@]}" >"$W/$c-init.txt"
    chmod 600 "$W/$c-init.txt"   # it holds MAIN's one-time administrator password
    md cluster add --cluster-dir "$W/cluster" --data-dir "$W/$c" "${INSTALL[@]}"
    INSTALL+=(--install "$W/$c")
done
md cluster show --cluster-dir "$W/cluster" | sed 's/^/  /'

say "2. Start the three campus nodes and write at each"
for c in MAIN EAST WEST; do start $c; done
sleep 2
# The administrator at MAIN sets up each campus's service desk, an engineer and a PC.
domain_bootstrap "$W/MAIN" MAIN EAST WEST
for _ in $(seq 1 40); do knows_engineer "$W/EAST" EAST && knows_engineer "$W/WEST" WEST && break; sleep 0.5; done
ticket_work "$W/MAIN" MAIN 2 主院区工单 >/dev/null
ticket_work "$W/EAST" EAST 1 东院区打印机 >/dev/null
ticket_work "$W/WEST" WEST 1 西院区网络 >/dev/null
converge 20 MAIN EAST WEST && echo "  converged:"
show MAIN EAST WEST

say "3. WEST is cut off (its node stops); both sides keep working"
kill -TERM "${PID[WEST]}"; wait "${PID[WEST]}" 2>/dev/null || true; unset 'PID[WEST]'
ticket_work "$W/WEST" WEST 3 西院区断网期间工单 >/dev/null
ticket_work "$W/MAIN" MAIN 2 主院区断网期间工单 >/dev/null
ticket_work "$W/EAST" EAST 1 东院区断网期间工单 >/dev/null
converge 20 MAIN EAST
echo "  during the partition:"
show MAIN EAST WEST

say "4. The link returns: WEST restarts and merges"
start WEST
converge 30 MAIN EAST WEST && echo "  merged: all three campuses hold the same state"
for c in MAIN EAST WEST; do ledger_holds "$W/$c" || echo "  ($c lacks an acknowledged step)"; done
show MAIN EAST WEST
say "5. Status of WEST after the merge"
sleep 1.5
md status --data-dir "$W/WEST" | sed 's/^/  /'
say "6. The dashboards of the three campuses (same data, each its own node)"
up() { python3 -c "import sys,urllib.request; urllib.request.urlopen(sys.argv[1], timeout=3)" "$1" 2>/dev/null && echo answers || echo "not answering"; }
for c in MAIN EAST WEST; do
    printf '  %-5s %s  http://127.0.0.1:%s/  (%s)\n' "$c" "${NAME[$c]}" "${HTTP[$c]}" "$(up "http://127.0.0.1:${HTTP[$c]}/sign-in")"
done
echo "  sign in at any of them as admin with the one-time password made at MAIN:"
grep -E "administrator|one-time password" "$W/MAIN-init.txt" | sed 's/^/  /'
echo "  (demo data with an account per role and campus: meshdesk demo --data-dir DIR; README.md)"
echo
echo "demo files in $W (logs: $W/*.log); nodes stop when this script exits"
if [ -t 0 ]; then read -r -p "press Enter to stop the nodes " _; fi
