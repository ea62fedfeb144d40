#!/usr/bin/env bash
# Crash safety: a node under heavy writes — its campus engineer writing ticket steps
# through the CLI into its own replica, and a peer campus's engineer writing theirs,
# pushed into it — is killed with SIGKILL at random moments, CRASH_KILLS times (default
# 20; the soak runs 200). Half the time the CLI writer dies with it, mid transaction.
# After each kill, with the node down:
#   - `meshdesk verify`: PRAGMA integrity_check ok; per origin the log is the gap-free,
#     hash-chained prefix 1…seq (no sequence number reused, no torn batch); the materialised
#     state equals a replay of the log into a fresh replica (no batch half-applied);
#   - no acknowledged write lost, none out of order: every ticket step whose command exited
#     0 is on the victim's ticket, in the order written, and what is there is a prefix of
#     what was tried (a killed writer's step is there whole or not at all);
#   - no origin quarantined (a reused sequence number would show as a fork at the peer).
# At the end the node restarts and converges with its peer: both show every acknowledged
# step of both campuses (scripts/lib/cluster.sh keeps the ledger and checks it).
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
STEPS=4                          # ticket steps per writer per kill, one command each
T=$(mktemp -d /tmp/meshdesk-crash-test.XXXXXX)
QUIET_PASS=1
. scripts/lib/cluster.sh
BASE=$((25000 + ($$ % 4000) * 2))
declare -A PID=()
STARTED=$SECONDS

cleanup() {
    for n in "${!PID[@]}"; do kill -9 "${PID[$n]}" 2>/dev/null; done
    [ -n "${WV:-}" ] && kill_writer "$WV"
    [ -n "${WP:-}" ] && kill_writer "$WP"
    wait 2>/dev/null
    if [ "$FAILED" -eq 0 ]; then rm -rf "$T"; else echo "logs kept in $T (seed $SEED)"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

start() { "$BIN" serve --data-dir "$T/$1" --log-level notice >>"$T/$1.log" 2>&1 & PID[$1]=$!; }
json() { status_of "$T/$1" "$2"; }
# kill_writer PID: a background writer (a subshell) and every process under it — the
# CLI command it is running dies mid transaction. Deepest first, by parent pid.
kill_writer() { local child; for child in $(pgrep -P "$1"); do kill_writer "$child"; done; kill -9 "$1" 2>/dev/null; }

echo "== crash test in $T: $KILLS kills (seed $SEED)"
md cluster create --cluster-dir "$T/cluster" --name crash-test >/dev/null
md init --data-dir "$T/V" --campus VICTIM --name victim --listen "127.0.0.1:$BASE" --gossip-interval-ms 200 >/dev/null
md init --data-dir "$T/P" --campus PEER --name peer --listen "127.0.0.1:$((BASE + 1))" --gossip-interval-ms 200 --no-admin >/dev/null
md cluster add --cluster-dir "$T/cluster" --data-dir "$T/V" >/dev/null
md cluster add --cluster-dir "$T/cluster" --data-dir "$T/P" --install "$T/V" >/dev/null
start P
start V
domain_bootstrap "$T/V" VICTIM PEER || fail "the administrator sets up both campuses"
wait_for 30 "the peer learns its engineer" "knows_engineer $T/P PEER" >/dev/null
kill -TERM "${PID[V]}"; wait "${PID[V]}" 2>/dev/null; unset 'PID[V]'
WRITER_KILLS=0

for k in $(seq 1 "$KILLS"); do
    start V
    ticket_work "$T/V" VICTIM $STEPS "k$k-v" & WV=$!
    ticket_work "$T/P" PEER $STEPS "k$k-p" & WP=$!
    # The node takes ~0.1-0.3 s to open its replica; kills land before, during and after
    # the writers and the peer's pushes.
    sleep "$((RANDOM % 12 / 10)).$((RANDOM % 10))$((RANDOM % 10))"
    kill -9 "${PID[V]}" 2>/dev/null; wait "${PID[V]}" 2>/dev/null; unset 'PID[V]'
    if [ $((RANDOM % 2)) = 0 ] && kill -0 "$WV" 2>/dev/null; then kill_writer "$WV"; WRITER_KILLS=$((WRITER_KILLS + 1)); fi
    wait "$WV" 2>/dev/null; WV=
    wait "$WP" 2>/dev/null; WP=

    ok=1
    if ! md verify --data-dir "$T/V" >"$T/verify.txt"; then
        ok=0; fail "kill $k: meshdesk verify"; sed 's/^/    /' "$T/verify.txt"
    fi
    ledger_holds "$T/V" VICTIM || { ok=0; fail "kill $k: the victim lost or reordered an acknowledged step"; }
    [ "$(json V "len(d['replica']['quarantinedOrigins'])")" = 0 ] || { ok=0; fail "kill $k: an origin is quarantined"; }
    [ $ok = 1 ] && pass "kill $k"
    [ $((k % 10)) = 0 ] && echo "   $k kills: $PASSED ok, $FAILED failed ($((SECONDS - STARTED)) s)"
done

echo "== restart and converge with the peer"
start V
wait_for 90 "after the last restart, the victim and its peer converge, each showing every acknowledged step" \
    "converged $T/V $T/P" >/dev/null
for n in V P; do kill -TERM "${PID[$n]}" 2>/dev/null; wait "${PID[$n]}" 2>/dev/null; unset "PID[$n]"; done
for n in V P; do md verify --data-dir "$T/$n" >"$T/verify.txt" && pass "final verify of $n" || { fail "final verify of $n"; cat "$T/verify.txt"; }; done
grep -q "Fatal error\|Precondition failed" "$T/V.log" "$T/P.log" && fail "a node crashed on its own" || pass "no node crashed on its own"

echo "crash test: $KILLS SIGKILLs ($WRITER_KILLS with the CLI writer), seed $SEED, $((SECONDS - STARTED)) s;" \
     "acknowledged: $(ledger_counts)"
echo "crash: $PASSED passed, $FAILED failed"
[ "$FAILED" -eq 0 ]
