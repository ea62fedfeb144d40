#!/usr/bin/env bash
# Multi-process test: real `meshdesk serve` processes on 127.0.0.1, each with its own
# port and data directory. Staff at three campuses open tickets, write their steps and
# move assets through the CLI, concurrently, while nodes crash (SIGKILL), are revoked,
# rebuilt, restored and resynced; outsiders (off the roster, wrong network key) write
# their own. At each point every member shows every acknowledged step in order and the
# members agree on one digest; outsiders receive nothing (scripts/lib/cluster.sh).
# Every wait has a timeout; all processes are cleaned up; exits non-zero on failure.
set -uo pipefail
cd "$(dirname "$0")/.."
. scripts/env.sh

BIN=${MESHDESK_BIN:-.build/debug/meshdesk}
[ -x "$BIN" ] || swift build -q --product meshdesk
T=$(mktemp -d /tmp/meshdesk-cluster-test.XXXXXX)
. scripts/lib/cluster.sh
BASE=$((21000 + ($$ % 4000) * 2))   # distinct per run, only on 127.0.0.1
declare -A PORT=([A]=$BASE [B]=$((BASE + 1)) [C]=$((BASE + 2)) [D]=$((BASE + 3)) [E]=$((BASE + 4)))
declare -A CAMPUS=([A]=MAIN [B]=EAST [C]=WEST [D]=ROGUE [E]=WRONGKEY)
declare -A ADMIN=([A]=ADMIN [D]=ROGUEADM [E]=WRONGADM)   # B and C join A's cluster: no administrator of their own
declare -A PID=()
OUTSIDERS=$T/outsiders-ledger REVOKED=$T/revoked-ledger

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

start() { "$BIN" serve --data-dir "$T/$1" --log-level info >>"$T/$1.log" 2>&1 & PID[$1]=$!; }
json() { status_of "$T/$1" "$2"; }
established() { json "$1" "sum(p['session']=='established' for p in (d['node'] or {}).get('peers',[]))" | grep -qx "$2"; }
refused() { json "$1" "sum(v for k,v in (d['node'] or {}).get('refusals',{}).items() if '$2' in k)" | grep -qv '^0$'; }
epoch_is() { json "$1" "d['roster_epoch']" | grep -qx "$2"; }
dirs() { local n; for n in "$@"; do printf '%s ' "$T/$n"; done; }
# work NODE STEPS TAG: the node's campus engineer opens a ticket and writes STEPS steps.
work() { ticket_work "$T/$1" "${CAMPUS[$1]}" "$2" "$3"; }

echo "== cluster test in $T (ports $BASE…$((BASE + 4)))"
md cluster create --cluster-dir "$T/cluster" --name cluster-test >/dev/null
for n in A B C D E; do
    if [ -n "${ADMIN[$n]:-}" ]; then admin=(--admin-person "${ADMIN[$n]}"); else admin=(--no-admin); fi
    md init --data-dir "$T/$n" --campus "${CAMPUS[$n]}" --name "campus $n" --listen "127.0.0.1:${PORT[$n]}" \
        --gossip-interval-ms 300 "${admin[@]}" >/dev/null
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
wait_for 30 "A, B and C all learn the newest roster (epoch $EPOCH)" "epoch_is A $EPOCH && epoch_is B $EPOCH && epoch_is C $EPOCH"
wait_for 30 "A, B, C see two established peers each" "established A 2 && established B 2 && established C 2"
# doctor may exit 1 for findings outside this test (file modes); its peer lines are the point.
"$BIN" doctor --data-dir "$T/A" >"$T/doctor.out" 2>>"$T/cli.log"
[ "$(grep -cE '^OK	peer (EAST|WEST): .*session established' "$T/doctor.out")" = 2 ] \
    && pass "meshdesk doctor on A sees both peers' sessions" || fail "meshdesk doctor on A sees both peers' sessions ($(head -c 300 "$T/doctor.out"))"
echo "== staff at three campuses work at once"
domain_bootstrap "$T/A" MAIN EAST WEST && pass "the administrator at A sets up three campuses, their engineers and PCs" \
    || fail "the administrator at A sets up three campuses, their engineers and PCs"
ADMIN_ID=ROGUEADM domain_bootstrap "$T/D" ROGUE && ADMIN_ID=WRONGADM domain_bootstrap "$T/E" WRONGKEY \
    && pass "the outsiders D and E set up their own" || fail "the outsiders D and E set up their own"
wait_for 30 "B and C learn A's directory" "knows_engineer $T/B EAST && knows_engineer $T/C WEST"
work A 6 甲 & W1=$!; work A 4 乙 & W2=$!; work B 6 丙 & W3=$!; work C 5 丁 & W4=$!
asset_moves "$T/A" MAIN 3 主 & W5=$!; asset_moves "$T/B" EAST 3 东 & W6=$!
LEDGER=$OUTSIDERS ticket_work "$T/D" ROGUE 3 外 & W7=$!; LEDGER=$OUTSIDERS ticket_work "$T/E" WRONGKEY 3 错 & W8=$!
ok=1; for w in $W1 $W2 $W3 $W4 $W5 $W6 $W7 $W8; do wait $w || ok=0; done
[ $ok = 1 ] && pass "tickets, steps and asset moves at A, B, C (and the outsiders) all acknowledged" \
    || fail "tickets, steps and asset moves at A, B, C (and the outsiders) all acknowledged"
wait_for 30 "A, B and C converge, each showing every acknowledged step in order ($(ledger_counts))" "converged $(dirs A B C)"

echo "== crash and catch-up"
kill -9 "${PID[C]}"; wait "${PID[C]}" 2>/dev/null; unset 'PID[C]'
work A 10 戊 & W1=$!; work B 6 己 & W2=$!; asset_moves "$T/A" MAIN 2 宕 & W3=$!
wait $W1 && wait $W2 && wait $W3 && pass "A and B keep working while C is down" || fail "A and B keep working while C is down"
wait_for 20 "A and B converge while C is down" "converged $(dirs A B)"
start C
wait_for 30 "C restarted after SIGKILL catches up with every acknowledged step" "converged $(dirs A B C)"

echo "== outsiders receive nothing"
LEDGER=$OUTSIDERS ledger_holds "$T/D" ROGUE && ! knows_engineer "$T/D" MAIN \
    && pass "node off the roster (D) keeps its own work and received nothing" || fail "node off the roster (D) keeps its own work and received nothing"
LEDGER=$OUTSIDERS ledger_holds "$T/E" WRONGKEY && ! knows_engineer "$T/E" MAIN \
    && pass "node with the wrong network key (E) keeps its own work and received nothing" || fail "node with the wrong network key (E) received nothing"
ok=1; for n in A B C; do holds_none "$T/$n" "$OUTSIDERS" && ! knows_engineer "$T/$n" ROGUE && ! knows_engineer "$T/$n" WRONGKEY || ok=0; done
[ $ok = 1 ] && pass "members hold none of D's or E's tickets or staff" || fail "members hold none of D's or E's tickets or staff"
wait_for 15 "a member refused D's handshake (not on roster), logged and counted" \
    "refused A handshake_not_allowed || refused B handshake_not_allowed || refused C handshake_not_allowed"
wait_for 15 "a member refused E's handshake (wrong network key), logged and counted" \
    "refused A handshake_network_key || refused B handshake_network_key || refused C handshake_network_key"
grep -q "handshake failed: peer .* authenticated but is not allowed" "$T"/[ABC].log && pass "log names the refused handshake" || fail "log names the refused handshake"

echo "== revocation"
C_SITE=$(json C "d['replica']['site']")
md cluster revoke --cluster-dir "$T/cluster" --site "$C_SITE" --install "$T/A" >/dev/null
NEW_EPOCH=$((EPOCH + 1))
wait_for 15 "the new roster spreads from A to B by gossip (epoch $NEW_EPOCH)" "epoch_is A $NEW_EPOCH && epoch_is B $NEW_EPOCH"
wait_for 15 "A and B close their sessions with revoked C" "established A 1 && established B 1 && established C 0"
LEDGER=$REVOKED ticket_work "$T/C" WEST 3 晚 >/dev/null || fail "revoked C still works locally"
work A 3 庚 >/dev/null || fail "A works after the revocation"
wait_for 15 "A and B converge with A's new steps" "converged $(dirs A B)"
sleep 2
holds_none "$T/A" "$REVOKED" && holds_none "$T/B" "$REVOKED" && pass "revoked C's later tickets never reach A or B" \
    || fail "revoked C's later tickets never reach A or B"

echo "== two CLI writers at once beside a running node"
# Two processes write the same replica while its node serves: sequence numbers must be
# allocated inside each write transaction (never reused), every batch must chain, and the
# peer must accept all of them — a reused seq or a broken chain would show as a fork there.
work A 8 辛 & W1=$!
work A 8 壬 & W2=$!
wait "$W1" && wait "$W2" && pass "two concurrent CLI writers on A both committed" || fail "two concurrent CLI writers on A both committed"
wait_for 20 "B shows every step of both writers, in order (gap-free, chained)" "converged $(dirs A B)"
[ "$(json B "len(d['replica']['quarantinedOrigins'])")" = 0 ] && pass "no origin quarantined after concurrent writers" || fail "no origin quarantined after concurrent writers"

echo "== backup, rebuild from a peer, restore from the backup"
# B is backed up while it serves, burns (SIGKILL, replica gone), is rebuilt from A's
# snapshot over the session, keeps syncing, then burns again and is restored from the
# old backup: each time in a new epoch, and A never sees a fork.
md backup --data-dir "$T/B" --output "$T/b.mdbk" >/dev/null && [ -s "$T/b.mdbk" ] \
    && pass "online backup of B while it serves" || fail "online backup of B while it serves"
work A 2 癸 >/dev/null
wait_for 20 "A and B converge after the backup" "converged $(dirs A B)"
kill -9 "${PID[B]}"; wait "${PID[B]}" 2>/dev/null; unset 'PID[B]'
rm -f "$T/B"/replica.sqlite*
work A 5 子 >/dev/null
if "$BIN" rebuild --data-dir "$T/B" --from MAIN >"$T/rebuild.out" 2>"$T/rebuild.err"; then
    pass "B rebuilt from A's snapshot"
else
    fail "B rebuilt from A's snapshot"; sed 's/^/    /' "$T/rebuild.err" | tail -5
fi
grep -q "rebuild: 100.0%" "$T/rebuild.err" && pass "rebuild shows progress (percentage, MiB, MiB/s)" || fail "rebuild shows progress"
[ "$(digest_of "$T/A")" = "$(digest_of "$T/B")" ] && ledger_holds "$T/B" && pass "rebuilt B has A's state digest and every step before serving" || fail "rebuilt B has A's state digest before serving"
start B
work B 3 丑 >/dev/null || fail "rebuilt B takes new work"
wait_for 30 "rebuilt B writes in a new epoch and converges with A" "converged $(dirs A B)"
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
# New work at B before it has caught up: the restored replica forgot the numbers B issued
# after its backup. Found by this test's value check (B re-issued them, and `ticket note
# NUMBER` then picked one of two tickets); now a restore's new epoch numbers under a new
# tag (docs/tickets.md), so the tickets opened here are new numbers everywhere.
work B 2 寅 >/dev/null || fail "restored B takes new work before its catch-up"
start B
wait_for 30 "restored B catches up from peers and its new work converges with A" "converged $(dirs A B)"
problems=$("$BIN" ticket problems --data-dir "$T/A" 2>>"$T/cli.log")
if grep -q "carried by two tickets" <<<"$problems"; then fail "no ticket number issued twice after the restore ($problems)"; else pass "no ticket number issued twice after the restore"; fi
[ "$(json A "len(d['replica']['quarantinedOrigins'])")" = 0 ] && pass "no fork at A after the restore" || fail "no fork at A after the restore"

echo "== resync: B stopped, writes A never saw, snapshot from A, its own writes re-applied"
kill -TERM "${PID[B]}"; wait "${PID[B]}" 2>/dev/null; unset 'PID[B]'
# Three steps committed at B while it is down (one batch each): no peer has them.
ticket_steps "$T/B" EAST "$(first_ticket EAST)" 3 卯 || fail "steps written at B while it is down"
if "$BIN" rebuild --resync --data-dir "$T/B" --from MAIN --json >"$T/resync.json" 2>>"$T/cli.log" \
    && python3 -c "import json,sys; r=json.load(open(sys.argv[1])); sys.exit(0 if r['reappliedOwn'] == 3 else 1)" "$T/resync.json"; then
    pass "B resynced from A's snapshot and re-applied its 3 unsent writes"
else
    fail "B resynced from A's snapshot and re-applied its 3 unsent writes"
fi
ls "$T/B"/replica.sqlite.before-resync-* >/dev/null 2>&1 && pass "B's previous replica is kept aside" || fail "B's previous replica is kept aside"
start B
wait_for 30 "after the resync A and B converge with B's steps" "converged $(dirs A B)"
[ "$(json A "len(d['replica']['quarantinedOrigins'])")" = 0 ] && pass "no fork at A after the resync" || fail "no fork at A after the resync"

echo "== graceful shutdown"
for n in A B; do kill -TERM "${PID[$n]}"; done
wait_for 10 "SIGTERM stops A and B cleanly" "! kill -0 ${PID[A]} 2>/dev/null && ! kill -0 ${PID[B]} 2>/dev/null && grep -q 'node stopped' $T/A.log"
unset 'PID[A]' 'PID[B]'
for n in A B C D E; do grep -q "Fatal error\|Precondition failed" "$T/$n.log" && fail "node $n crashed"; done

echo
echo "cluster test summary: $(ledger_counts)"
printf '  %s\n' "${RESULTS[@]}"
echo "cluster: $PASSED passed, $FAILED failed"
[ "$FAILED" -eq 0 ]
