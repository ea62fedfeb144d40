#!/usr/bin/env bash
# Crash safety: a node under heavy writes — CLI writers on its own replica and a peer
# pushing batches into it — is killed with SIGKILL at random moments, CRASH_KILLS times
# (default 20; the soak runs 200). Half the time the CLI writer dies with it, mid
# transaction. After each kill, with the node down:
#   - `meshdesk verify`: PRAGMA integrity_check ok; per origin the log is the gap-free,
#     hash-chained prefix 1…seq (no sequence number reused, no torn batch); the materialised
#     state equals a replay of the log into a fresh replica (no batch half-applied);
#   - no acknowledged write lost: every row of a CLI write that exited 0 is there, and the
#     origin's sequence is at least the one that write reported;
#   - a killed writer left whole batches only: its rows are a multiple of its batch size;
#   - no origin quarantined (a reused sequence number would show as a fork at the peer).
# At the end the node restarts and converges with its peer.
#
# Real processes and a real SIGKILL, not a Swift test: what is tested is what the kernel
# leaves of a process killed between any two instructions (SQLite WAL, fsync), which a
# test inside one process cannot do to itself. Seeded: CRASH_SEED=N reproduces the kill
# schedule (the moments are sleeps, so the state each kill lands in still varies).
set -uo pipefail
cd "$(dirname "$0")/.."
. scripts/env.sh

BIN=${MESHDESK_BIN:-.build/debug/meshdesk}
[ -x "$BIN" ] || swift build -q --product meshdesk
KILLS=${CRASH_KILLS:-20}
SEED=${CRASH_SEED:-$(( $(date +%s) % 100000 ))}
RANDOM=$SEED
ROWS=30                         # rows per CLI write; every batch size below divides it
SIZES=(1 2 3 5)
T=$(mktemp -d /tmp/meshdesk-crash-test.XXXXXX)
BASE=$((25000 + ($$ % 4000) * 2))
declare -A PID=()
PASSED=0 FAILED=0
STARTED=$SECONDS

cleanup() {
    for n in "${!PID[@]}"; do kill -9 "${PID[$n]}" 2>/dev/null; done
    [ -n "${WV:-}" ] && kill -9 "$WV" 2>/dev/null
    [ -n "${WP:-}" ] && kill -9 "$WP" 2>/dev/null
    wait 2>/dev/null
    if [ "$FAILED" -eq 0 ]; then rm -rf "$T"; else echo "logs kept in $T (seed $SEED)"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

md() { "$BIN" "$@" 2>>"$T/cli.log"; }
pass() { PASSED=$((PASSED + 1)); }
fail() { FAILED=$((FAILED + 1)); echo "  FAILED: $1"; }
start() { "$BIN" serve --data-dir "$T/$1" --log-level notice >>"$T/$1.log" 2>&1 & PID[$1]=$!; }
json() { md status --data-dir "$T/$1" --json | python3 -c "import json,sys; d=json.load(sys.stdin); print($2)"; }
own_seq() { json "$1" "sum(e['seq'] for e in d['replica']['versionVector'] if e['site']==d['replica']['site'])"; }
rows_tagged() { sqlite3 "$T/$1/replica.sqlite" "SELECT count(*) FROM e_dev_fixture_note WHERE text LIKE '$2 #%'"; }

echo "== crash test in $T: $KILLS kills (seed $SEED)"
md cluster create --cluster-dir "$T/cluster" --name crash-test >/dev/null
md init --data-dir "$T/V" --campus VICTIM --name victim --listen "127.0.0.1:$BASE" --gossip-interval-ms 200 >/dev/null
md init --data-dir "$T/P" --campus PEER --name peer --listen "127.0.0.1:$((BASE + 1))" --gossip-interval-ms 200 >/dev/null
md cluster add --cluster-dir "$T/cluster" --data-dir "$T/V" >/dev/null
md cluster add --cluster-dir "$T/cluster" --data-dir "$T/P" --install "$T/V" >/dev/null
start P
ACKED_SEQ=0 ACKED_ROWS=0 PEER_ROWS=0 WRITER_KILLS=0

for k in $(seq 1 "$KILLS"); do
    start V
    per=${SIZES[$((RANDOM % ${#SIZES[@]}))]}
    "$BIN" dev write --data-dir "$T/V" --count $ROWS --per-batch "$per" --text "k$k-v" --json >"$T/wv.out" 2>>"$T/cli.log" & WV=$!
    "$BIN" dev write --data-dir "$T/P" --count $ROWS --per-batch 3 --text "k$k-p" >/dev/null 2>>"$T/cli.log" & WP=$!
    # The node takes ~0.1-0.3 s to open its replica; kills land before, during and after
    # the writers and the peer's pushes.
    sleep "$((RANDOM % 12 / 10)).$((RANDOM % 10))$((RANDOM % 10))"
    kill -9 "${PID[V]}" 2>/dev/null; wait "${PID[V]}" 2>/dev/null; unset 'PID[V]'
    killed_writer=0
    if [ $((RANDOM % 2)) = 0 ] && kill -9 "$WV" 2>/dev/null; then killed_writer=1; WRITER_KILLS=$((WRITER_KILLS + 1)); fi
    wait "$WV" 2>/dev/null; wv=$?; WV=
    wait "$WP" 2>/dev/null && PEER_ROWS=$((PEER_ROWS + ROWS)); WP=

    ok=1
    if ! md verify --data-dir "$T/V" >"$T/verify.txt"; then
        ok=0; fail "kill $k: meshdesk verify"; sed 's/^/    /' "$T/verify.txt"
    fi
    have=$(rows_tagged V "k$k-v")
    if [ "$killed_writer" = 0 ] && [ "$wv" = 0 ]; then
        seq=$(python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['seq'])" "$T/wv.out")
        [ "$seq" -gt "$ACKED_SEQ" ] && ACKED_SEQ=$seq
        ACKED_ROWS=$((ACKED_ROWS + ROWS))
        [ "$have" = $ROWS ] || { ok=0; fail "kill $k: acknowledged write k$k-v has $have of $ROWS rows"; }
    elif [ $((have % per)) != 0 ]; then
        ok=0; fail "kill $k: killed writer left $have rows, not whole batches of $per"
    fi
    held=$(own_seq V)
    [ "$held" -ge "$ACKED_SEQ" ] || { ok=0; fail "kill $k: own sequence #$held below acknowledged #$ACKED_SEQ"; }
    [ "$(json V "len(d['replica']['quarantinedOrigins'])")" = 0 ] || { ok=0; fail "kill $k: an origin is quarantined"; }
    [ $ok = 1 ] && pass
    [ $((k % 10)) = 0 ] && echo "   $k kills: $PASSED ok, $FAILED failed ($((SECONDS - STARTED)) s)"
done

echo "== restart and converge with the peer"
start V
deadline=$((SECONDS + 60)); converged=0
while [ $SECONDS -lt $deadline ]; do
    if [ "$(json V "d['replica']['stateDigest']")" = "$(json P "d['replica']['stateDigest']")" ]; then converged=1; break; fi
    sleep 1
done
[ $converged = 1 ] && pass || fail "after the last restart, the victim and its peer converge"
for n in V P; do kill -TERM "${PID[$n]}" 2>/dev/null; wait "${PID[$n]}" 2>/dev/null; unset "PID[$n]"; done
victim_rows=$(sqlite3 "$T/P/replica.sqlite" "SELECT count(*) FROM e_dev_fixture_note WHERE campus = 'VICTIM'")
peer_rows=$(sqlite3 "$T/V/replica.sqlite" "SELECT count(*) FROM e_dev_fixture_note WHERE campus = 'PEER'")
[ "$victim_rows" -ge "$ACKED_ROWS" ] && pass || fail "the peer holds every acknowledged victim write ($victim_rows < $ACKED_ROWS)"
[ "$peer_rows" -ge "$PEER_ROWS" ] && pass || fail "the victim holds every acknowledged peer write ($peer_rows < $PEER_ROWS)"
for n in V P; do md verify --data-dir "$T/$n" >"$T/verify.txt" && pass || { fail "final verify of $n"; cat "$T/verify.txt"; }; done
grep -q "Fatal error\|Precondition failed" "$T/V.log" "$T/P.log" && fail "a node crashed on its own" || pass

echo "crash test: $KILLS SIGKILLs ($WRITER_KILLS with the CLI writer), seed $SEED, $((SECONDS - STARTED)) s;" \
     "acknowledged: $ACKED_ROWS victim rows (seq #$ACKED_SEQ), $PEER_ROWS peer rows"
echo "crash: $PASSED passed, $FAILED failed"
[ "$FAILED" -eq 0 ]
