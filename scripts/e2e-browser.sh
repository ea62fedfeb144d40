#!/usr/bin/env bash
# End-to-end in a real browser (headless Chromium through Selenium): two `meshdesk
# serve` nodes on 127.0.0.1 with the dashboard on distinct ports; the browser signs in
# at A with an account made by `meshdesk user add` (changing its first password), opens a
# ticket through the form at /tickets/new, then signs in at B and waits until the
# ticket's title is on B's dashboard; then the duty day (scripts/e2e/duty_flow.py): an
# engineer signs in for the shift, writes the log and hands over at A, the colleague signs
# at B, a swap is asked at A, accepted at B, approved by the chief at A and found by the
# attendance clerk at B; an asset registered at A is inspected at B; a purchase request
# filed at A is approved at B and A; a ticket closed at A is found by its text at B. Saves screenshots (paths printed), prints
# `e2e: N passed, M failed`, exits non-zero on failure. Every wait is bounded.
#
#   scripts/e2e-browser.sh [--ticket-via-cli]
#     --ticket-via-cli  development fallback: open the ticket with `meshdesk ticket open`
#                       on A's data directory instead of the browser form
#   E2E_OUT=DIR       where screenshots go (default: a new /tmp/meshdesk-e2e.* directory)
#   MESHDESK_BIN=…    the binary to run (default: .build/debug/meshdesk, built if missing)
set -uo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --browser
. scripts/env.sh

VIA_CLI=0
for arg in "$@"; do
    case "$arg" in
        --ticket-via-cli) VIA_CLI=1 ;;
        *) echo "e2e-browser: unknown option $arg" >&2; exit 2 ;;
    esac
done

BIN=${MESHDESK_BIN:-.build/debug/meshdesk}
[ -x "$BIN" ] || swift build -q --product meshdesk || exit 1
T=$(mktemp -d /tmp/meshdesk-e2e-nodes.XXXXXX)
OUT=${E2E_OUT:-$(mktemp -d /tmp/meshdesk-e2e.XXXXXX)}
mkdir -p "$OUT"
BASE=$((25000 + ($$ % 2000) * 4))   # distinct per run, only on 127.0.0.1
SYNC_A=$BASE SYNC_B=$((BASE + 1)) HTTP_A=$((BASE + 2)) HTTP_B=$((BASE + 3))
declare -A PID=()
STARTED=$SECONDS

cleanup() {
    for n in "${!PID[@]}"; do kill -TERM "${PID[$n]}" 2>/dev/null; done
    for n in "${!PID[@]}"; do
        for _ in $(seq 50); do kill -0 "${PID[$n]}" 2>/dev/null || break; sleep 0.1; done
        kill -9 "${PID[$n]}" 2>/dev/null
    done
    wait 2>/dev/null
    echo "node logs: $T"
}
trap cleanup EXIT

md() { "$BIN" "$@" 2>>"$T/cli.log"; }
bail() { echo "  FAILED: $1"; echo "e2e: 0 passed, 1 failed"; exit 1; }
# wait_http SECONDS URL: until the dashboard answers.
wait_http() {
    local deadline=$((SECONDS + $1))
    while [ $SECONDS -lt $deadline ]; do
        curl -s -o /dev/null --max-time 2 "$2" && return 0
        sleep 0.3
    done
    return 1
}

echo "== two nodes in $T (sync $SYNC_A/$SYNC_B, dashboards $HTTP_A/$HTTP_B), screenshots in $OUT"
md cluster create --cluster-dir "$T/cluster" --name e2e >/dev/null || bail "cluster create"
md init --data-dir "$T/A" --campus MAIN --name 本部 --listen "127.0.0.1:$SYNC_A" --http-listen "127.0.0.1:$HTTP_A" \
    --gossip-interval-ms 300 --json >"$T/init-A.json" || bail "init A"
md init --data-dir "$T/B" --campus EAST --name 东院区 --listen "127.0.0.1:$SYNC_B" --http-listen "127.0.0.1:$HTTP_B" \
    --gossip-interval-ms 300 --no-admin >/dev/null || bail "init B"
md cluster add --cluster-dir "$T/cluster" --data-dir "$T/A" >/dev/null || bail "cluster add A"
md cluster add --cluster-dir "$T/cluster" --data-dir "$T/B" --install "$T/A" >/dev/null || bail "cluster add B"
read -r ADMIN_PERSON ADMIN_PASSWORD < <(python3 -c "import json,sys; a=json.load(open('$T/init-A.json'))['admin']; print(a['person'], a['one_time_password'])")
[ -n "${ADMIN_PASSWORD:-}" ] || bail "init A printed no one-time password"
# The administrator init made does not open tickets; a ward's requester (护士长) does.
# Their account, made by the administrator, must change its password at first sign-in.
USERNAME=nurse.e2e
ONE_TIME="e2e-$RANDOM-$RANDOM-first"
md directory person add --data-dir "$T/A" --as "$ADMIN_PERSON" --id R0001 --name 护士长 --campus MAIN --role requester >/dev/null \
    || bail "directory person add (requester at MAIN)"
echo "$ONE_TIME" | md user add --data-dir "$T/A" --as "$ADMIN_PERSON" --username "$USERNAME" --person R0001 --password-stdin >/dev/null \
    || bail "user add"

for n in A B; do
    "$BIN" serve --data-dir "$T/$n" --log-level info >>"$T/$n.log" 2>&1 & PID[$n]=$!
done
wait_http 30 "http://127.0.0.1:$HTTP_A/sign-in" || bail "A's dashboard answers within 30 s"
wait_http 30 "http://127.0.0.1:$HTTP_B/sign-in" || bail "B's dashboard answers within 30 s"

TITLE="E2E 打印机卡纸 $$-$RANDOM"
ARGS=(--a "http://127.0.0.1:$HTTP_A" --b "http://127.0.0.1:$HTTP_B" --username "$USERNAME" --password "$ONE_TIME"
      --new-password "e2e-$RANDOM-$RANDOM-pass" --title "$TITLE" --campus MAIN --sync-timeout 60 --out "$OUT")
# The live check: a second ticket opened at A by the CLI while B's dashboard stays open
# must appear there by the event stream, without a reload.
LIVE_TITLE="E2E 实时 $$-$RANDOM"
ARGS+=(--live-title "$LIVE_TITLE" --live-command "'$BIN' ticket open --data-dir '$T/A' --as R0001 --campus MAIN --reporter e2e \
--department 护理部 --category printer --description '$LIVE_TITLE'")
if [ "$VIA_CLI" = 1 ]; then
    ARGS+=(--ticket-command "'$BIN' ticket open --data-dir '$T/A' --as R0001 --campus MAIN --reporter e2e --department 护理部 \
--category printer --description '$TITLE'")
fi
echo "== browser"
# Debian's python3 (python3-selenium lives there), not a pyenv or venv one earlier on PATH.
timeout 300 "${E2E_PYTHON:-/usr/bin/python3}" scripts/e2e/browser_flow.py "${ARGS[@]}"
RC=$?
[ $RC -eq 124 ] && echo "  FAILED: the browser run took over 300 s" && echo "e2e: 0 passed, 1 failed"
# The duty day across the two nodes: 签到, 值班记录, 交接班 signed at the other node,
# a swap the colleague accepts and the chief approves, the clerk's sheet, an asset
# registered at A and inspected at B (duty_flow.py).
echo "== browser: the duty day"
timeout 400 "${E2E_PYTHON:-/usr/bin/python3}" scripts/e2e/duty_flow.py --a "http://127.0.0.1:$HTTP_A" --b "http://127.0.0.1:$HTTP_B" \
    --bin "$BIN" --data-a "$T/A" --admin "$ADMIN_PERSON" --sync-timeout 60 --out "$OUT"
DUTY_RC=$?
[ $DUTY_RC -eq 124 ] && echo "  FAILED: the duty run took over 400 s" && echo "e2e duty: 0 passed, 1 failed"
[ $DUTY_RC -ne 0 ] && RC=1
for n in A B; do grep -q "Fatal error\|Precondition failed" "$T/$n.log" && { echo "  FAILED: node $n crashed"; RC=1; }; done
echo "e2e-browser took $((SECONDS - STARTED)) s"
exit $RC
