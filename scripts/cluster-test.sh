#!/usr/bin/env bash
# Multi-process test: real `meshdesk serve` processes on 127.0.0.1, each with its own
# port and data directory. Checks convergence, crash recovery (SIGKILL), refusal of a
# node off the roster and of one with the wrong network key, and revocation.
# Every wait has a timeout; all processes are cleaned up; exits non-zero on failure.
set -uo pipefail
cd "$(dirname "$0")/.."
. scripts/env.sh

BIN=${MESHDESK_BIN:-.build/debug/meshdesk}
[ -x "$BIN" ] || swift build -q --product meshdesk
T=$(mktemp -d /tmp/meshdesk-cluster-test.XXXXXX)
BASE=$((21000 + ($$ % 4000) * 2))   # distinct per run, only on 127.0.0.1
declare -A PORT=([A]=$BASE [B]=$((BASE + 1)) [C]=$((BASE + 2)) [D]=$((BASE + 3)) [E]=$((BASE + 4)))
declare -A CAMPUS=([A]=MAIN [B]=EAST [C]=WEST [D]=ROGUE [E]=WRONGKEY)
declare -A PID=()
PASSED=0 FAILED=0
RESULTS=()

cleanup() {
    for n in "${!PID[@]}"; do kill -9 "${PID[$n]}" 2>/dev/null; done
    wait 2>/dev/null
    if [ "$FAILED" -eq 0 ]; then rm -rf "$T"; return; fi
    # CI keeps nothing but this output: show what each failing node said last.
    for log in "$T"/*.log; do
        if grep -qiE "fatal|crash|error:|illegal" "$log"; then
            echo "== last lines of $(basename "$log")"; tail -n 40 "$log" | sed 's/^/    /'
        fi
    done
    echo "logs kept in $T"
}
trap cleanup EXIT

md() { "$BIN" "$@" 2>>"$T/cli.log"; }
pass() { PASSED=$((PASSED + 1)); RESULTS+=("PASS  $1"); echo "  ok: $1"; }
fail() { FAILED=$((FAILED + 1)); RESULTS+=("FAIL  $1"); echo "  FAILED: $1"; }
start() { "$BIN" serve --data-dir "$T/$1" --log-level info >>"$T/$1.log" 2>&1 & PID[$1]=$!; }
json() { md status --data-dir "$T/$1" --json | python3 -c "import json,sys; d=json.load(sys.stdin); print($2)"; }
# wait_until SECONDS DESCRIPTION COMMAND...: polls every 0.5 s.
wait_until() {
    local limit=$1 what=$2; shift 2
    local deadline=$((SECONDS + limit))
    while [ $SECONDS -lt $deadline ]; do
        if "$@" >/dev/null 2>&1; then pass "$what"; return 0; fi
        sleep 0.5
    done
    fail "$what (timed out after ${limit}s)"; return 1
}
digest() { json "$1" "d['replica']['stateDigest']"; }
batches() { json "$1" "d['replica']['batches']"; }
same_digest() { local d; d=$(digest "$1") || return 1; for n in "${@:2}"; do [ "$(digest "$n")" = "$d" ] || return 1; done; }
batches_are() { [ "$(batches "$1")" = "$2" ]; }
established() { json "$1" "sum(p['session']=='established' for p in (d['node'] or {}).get('peers',[]))" | grep -qx "$2"; }
refused() { json "$1" "sum(v for k,v in (d['node'] or {}).get('refusals',{}).items() if '$2' in k)" | grep -qv '^0$'; }
epoch_is() { json "$1" "d['roster_epoch']" | grep -qx "$2"; }

echo "== cluster test in $T (ports $BASE…$((BASE + 4)))"
md cluster create --cluster-dir "$T/cluster" --name cluster-test >/dev/null
for n in A B C D E; do
    md init --data-dir "$T/$n" --campus "${CAMPUS[$n]}" --name "campus $n" --listen "127.0.0.1:${PORT[$n]}" \
        --gossip-interval-ms 300 --no-admin >/dev/null   # no administrator: the batch counts below are the test's own
done
# A, B, C and E are members; D never is. As docs/operations.md says: `cluster add` once
# per node and nothing else, so each node starts with the roster of its own add (A epoch
# 2 listing A only, B epoch 3, C epoch 4, E epoch 5). The newer rosters must reach the
# older nodes through the sessions the older nodes would otherwise refuse.
for n in A B C E; do
    md cluster add --cluster-dir "$T/cluster" --data-dir "$T/$n" >/dev/null
done
# D: the cluster's network key and roster, but its own key is not on it.
cp "$T/cluster/network.key" "$T/D/network.key"; chmod 600 "$T/D/network.key"
cp "$T/cluster/admin.pub" "$T/cluster/roster.signed" "$T/D/"
# E: on the roster, but holding another cluster's network key.
md cluster create --cluster-dir "$T/other" >/dev/null
cp "$T/other/network.key" "$T/E/network.key"; chmod 600 "$T/E/network.key"
EPOCH=$(md cluster show --cluster-dir "$T/cluster" --json | python3 -c "import json,sys; print(json.load(sys.stdin)['epoch'])")

echo "== three nodes, each started with the roster of its own add, converge"
for n in A B C D E; do start $n; done
# Epoch 5 (E's add) is held by E, which has the wrong network key, and by D, which copied
# the cluster's roster file: D presents it while being refused, and a genuine roster is
# accepted whoever carries it (the signature is what counts, docs/security.md).
wait_until 30 "A, B and C all learn the newest roster (epoch $EPOCH)" \
    bash -c "$(declare -f md json epoch_is); BIN=$BIN T=$T; epoch_is A $EPOCH && epoch_is B $EPOCH && epoch_is C $EPOCH"
wait_until 30 "A, B, C see two established peers each" bash -c "$(declare -f md json established); BIN=$BIN T=$T; established A 2 && established B 2 && established C 2"
# doctor may exit 1 for findings outside this test (file modes); its peer lines are the point.
"$BIN" doctor --data-dir "$T/A" >"$T/doctor.out" 2>>"$T/cli.log"
[ "$(grep -cE '^OK	peer (EAST|WEST): .*session established' "$T/doctor.out")" = 2 ] \
    && pass "meshdesk doctor on A sees both peers' sessions" || fail "meshdesk doctor on A sees both peers' sessions ($(head -c 300 "$T/doctor.out"))"
md dev write --data-dir "$T/A" --count 40 >/dev/null
md dev write --data-dir "$T/B" --count 30 --per-batch 3 >/dev/null
md dev write --data-dir "$T/C" --count 20 >/dev/null
md dev write --data-dir "$T/D" --count 7 >/dev/null
md dev write --data-dir "$T/E" --count 9 >/dev/null
wait_until 30 "writes at A, B, C converge to one digest (70 batches each)" \
    bash -c "$(declare -f md json digest batches same_digest batches_are); BIN=$BIN T=$T; batches_are A 70 && batches_are B 70 && batches_are C 70 && same_digest A B C"

echo "== crash and catch-up"
kill -9 "${PID[C]}"; wait "${PID[C]}" 2>/dev/null; unset 'PID[C]'
md dev write --data-dir "$T/A" --count 100 --per-batch 2 >/dev/null
md dev write --data-dir "$T/B" --count 60 >/dev/null
wait_until 20 "A and B converge while C is down (180 batches)" \
    bash -c "$(declare -f md json digest batches same_digest batches_are); BIN=$BIN T=$T; batches_are A 180 && same_digest A B"
start C
wait_until 30 "C restarted after SIGKILL catches up" \
    bash -c "$(declare -f md json digest batches same_digest batches_are); BIN=$BIN T=$T; batches_are C 180 && same_digest A B C"

echo "== outsiders receive nothing"
batches_are D 7 && pass "node off the roster (D) received nothing" || fail "node off the roster (D) received nothing"
batches_are E 9 && pass "node with the wrong network key (E) received nothing" || fail "node with the wrong network key (E) received nothing"
for n in A B C; do
    [ "$(batches $n)" = 180 ] || { fail "members hold none of D's or E's batches"; break; }
done && pass "members hold none of D's or E's batches"
wait_until 15 "a member refused D's handshake (not on roster), logged and counted" \
    bash -c "$(declare -f md json refused); BIN=$BIN T=$T; refused A handshake_not_allowed || refused B handshake_not_allowed || refused C handshake_not_allowed"
wait_until 15 "a member refused E's handshake (wrong network key), logged and counted" \
    bash -c "$(declare -f md json refused); BIN=$BIN T=$T; refused A handshake_network_key || refused B handshake_network_key || refused C handshake_network_key"
grep -q "handshake failed: peer .* authenticated but is not allowed" "$T"/[ABC].log && pass "log names the refused handshake" || fail "log names the refused handshake"

echo "== revocation"
C_SITE=$(json C "d['replica']['site']")
md cluster revoke --cluster-dir "$T/cluster" --site "$C_SITE" --install "$T/A" >/dev/null
NEW_EPOCH=$((EPOCH + 1))
wait_until 15 "the new roster spreads from A to B by gossip (epoch $NEW_EPOCH)" \
    bash -c "$(declare -f md json epoch_is); BIN=$BIN T=$T; epoch_is A $NEW_EPOCH && epoch_is B $NEW_EPOCH"
wait_until 15 "A and B close their sessions with revoked C" \
    bash -c "$(declare -f md json established); BIN=$BIN T=$T; established A 1 && established B 1 && established C 0"
md dev write --data-dir "$T/C" --count 25 >/dev/null
md dev write --data-dir "$T/A" --count 5 >/dev/null
wait_until 15 "A and B converge without C's later writes (185 batches)" \
    bash -c "$(declare -f md json digest batches same_digest batches_are); BIN=$BIN T=$T; batches_are A 185 && batches_are B 185 && same_digest A B"
sleep 2
batches_are A 185 && batches_are B 185 && pass "revoked C's later batches never reach A or B" || fail "revoked C's later batches never reach A or B"

echo "== two CLI writers at once beside a running node"
# Two processes write the same replica while its node serves: sequence numbers must be
# allocated inside each write transaction (never reused), every batch must chain, and the
# peer must accept all of them — a reused seq or a broken chain would show as a fork there.
md dev write --data-dir "$T/A" --count 40 >/dev/null & W1=$!
md dev write --data-dir "$T/A" --count 40 --per-batch 2 >/dev/null & W2=$!
wait "$W1" && wait "$W2" && pass "two concurrent CLI writers on A both committed" || fail "two concurrent CLI writers on A both committed"
wait_until 20 "B accepts every batch of both writers, gap-free and chained (245 batches)" \
    bash -c "$(declare -f md json digest batches same_digest batches_are); BIN=$BIN T=$T; batches_are A 245 && batches_are B 245 && same_digest A B"
[ "$(json B "len(d['replica']['quarantinedOrigins'])")" = 0 ] && pass "no origin quarantined after concurrent writers" || fail "no origin quarantined after concurrent writers"

echo "== backup, rebuild from a peer, restore from the backup"
# B is backed up while it serves, burns (SIGKILL, replica gone), is rebuilt from A's
# snapshot over the session, keeps syncing, then burns again and is restored from the
# old backup: each time in a new epoch, and A never sees a fork.
md backup --data-dir "$T/B" --output "$T/b.mdbk" >/dev/null && [ -s "$T/b.mdbk" ] \
    && pass "online backup of B while it serves" || fail "online backup of B while it serves"
md dev write --data-dir "$T/A" --count 5 >/dev/null
wait_until 20 "A and B converge after the backup (250 batches)" \
    bash -c "$(declare -f md json digest batches same_digest batches_are); BIN=$BIN T=$T; batches_are A 250 && batches_are B 250 && same_digest A B"
kill -9 "${PID[B]}"; wait "${PID[B]}" 2>/dev/null; unset 'PID[B]'
rm -f "$T/B"/replica.sqlite*
md dev write --data-dir "$T/A" --count 10 --per-batch 2 >/dev/null
if "$BIN" rebuild --data-dir "$T/B" --from MAIN >"$T/rebuild.out" 2>"$T/rebuild.err"; then
    pass "B rebuilt from A's snapshot"
else
    fail "B rebuilt from A's snapshot"; sed 's/^/    /' "$T/rebuild.err" | tail -5
fi
grep -q "rebuild: 100.0%" "$T/rebuild.err" && pass "rebuild shows progress (percentage, MiB, MiB/s)" || fail "rebuild shows progress"
[ "$(digest A)" = "$(digest B)" ] && pass "rebuilt B has A's state digest before serving" || fail "rebuilt B has A's state digest before serving"
start B
md dev write --data-dir "$T/B" --count 3 >/dev/null
wait_until 30 "rebuilt B writes in a new epoch and converges with A (258 batches)" \
    bash -c "$(declare -f md json digest batches same_digest batches_are); BIN=$BIN T=$T; batches_are A 258 && batches_are B 258 && same_digest A B"
[ "$(json A "len(d['replica']['quarantinedOrigins'])")" = 0 ] && pass "no fork at A after the rebuild" || fail "no fork at A after the rebuild"
kill -9 "${PID[B]}"; wait "${PID[B]}" 2>/dev/null; unset 'PID[B]'
rm -f "$T/B"/replica.sqlite*
python3 -c "import sys; b=bytearray(open(sys.argv[1],'rb').read()); b[300]^=1; open(sys.argv[2],'wb').write(b)" "$T/b.mdbk" "$T/bad.mdbk"
if "$BIN" restore --data-dir "$T/B" --input "$T/bad.mdbk" --backup-key "$T/cluster/backup.key" 2>>"$T/cli.log"; then
    fail "a tampered backup is refused"
else
    [ ! -e "$T/B/replica.sqlite" ] && pass "a tampered backup is refused and B's directory untouched" || fail "a tampered backup is refused and B's directory untouched"
fi
md restore --data-dir "$T/B" --input "$T/b.mdbk" --backup-key "$T/cluster/backup.key" >/dev/null \
    && pass "B restored from its old backup" || fail "B restored from its old backup"
start B
md dev write --data-dir "$T/B" --count 2 >/dev/null
wait_until 30 "restored B catches up from peers and converges in a new epoch (260 batches)" \
    bash -c "$(declare -f md json digest batches same_digest batches_are); BIN=$BIN T=$T; batches_are A 260 && batches_are B 260 && same_digest A B"
[ "$(json A "len(d['replica']['quarantinedOrigins'])")" = 0 ] && pass "no fork at A after the restore" || fail "no fork at A after the restore"

echo "== resync: B stopped, writes A never saw, snapshot from A, its own writes re-applied"
kill -TERM "${PID[B]}"; wait "${PID[B]}" 2>/dev/null; unset 'PID[B]'
md dev write --data-dir "$T/B" --count 3 >/dev/null   # committed at B while it is down: no peer has them
if "$BIN" rebuild --resync --data-dir "$T/B" --from MAIN --json >"$T/resync.json" 2>>"$T/cli.log" \
    && python3 -c "import json,sys; r=json.load(open(sys.argv[1])); sys.exit(0 if r['reappliedOwn'] == 3 else 1)" "$T/resync.json"; then
    pass "B resynced from A's snapshot and re-applied its 3 unsent writes"
else
    fail "B resynced from A's snapshot and re-applied its 3 unsent writes"
fi
ls "$T/B"/replica.sqlite.before-resync-* >/dev/null 2>&1 && pass "B's previous replica is kept aside" || fail "B's previous replica is kept aside"
start B
wait_until 30 "after the resync A and B converge with B's writes (263 batches)" \
    bash -c "$(declare -f md json digest batches same_digest batches_are); BIN=$BIN T=$T; batches_are A 263 && batches_are B 263 && same_digest A B"
[ "$(json A "len(d['replica']['quarantinedOrigins'])")" = 0 ] && pass "no fork at A after the resync" || fail "no fork at A after the resync"

echo "== graceful shutdown"
for n in A B; do kill -TERM "${PID[$n]}"; done
wait_until 10 "SIGTERM stops A and B cleanly" bash -c "! kill -0 ${PID[A]} 2>/dev/null && ! kill -0 ${PID[B]} 2>/dev/null && grep -q 'node stopped' $T/A.log"
unset 'PID[A]' 'PID[B]'
for n in A B C D E; do grep -q "Fatal error\|Precondition failed" "$T/$n.log" && fail "node $n crashed"; done

echo
echo "cluster test summary"
printf '  %s\n' "${RESULTS[@]}"
echo "cluster: $PASSED passed, $FAILED failed"
[ "$FAILED" -eq 0 ]
