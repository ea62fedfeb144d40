#!/usr/bin/env bash
# The command line as an operator uses it: the demo, then the staff directory, a
# ticket, a leave request and the duty view on the demo's data directory. Checks
# outputs and exit codes, including refusals (wrong role, unknown campus, bad role).
set -uo pipefail
cd "$(dirname "$0")/.."
. scripts/env.sh

BIN=${MESHDESK_BIN:-.build/debug/meshdesk}
[ -x "$BIN" ] || swift build -q --product meshdesk
T=$(mktemp -d /tmp/meshdesk-cli-test.XXXXXX)
trap 'rm -rf "$T"' EXIT
D="$T/demo"
PASSED=0 FAILED=0
pass() { PASSED=$((PASSED + 1)); echo "  ok: $1"; }
fail() { FAILED=$((FAILED + 1)); echo "  FAILED: $1"; }
md() { "$BIN" "$@" --data-dir "$D" 2>>"$T/err.log"; }
# expect DESCRIPTION PATTERN COMMAND...: exit 0 and stdout matching PATTERN.
expect() {
    local what=$1 pattern=$2; shift 2
    local out; if out=$("$@") && grep -qE "$pattern" <<<"$out"; then pass "$what"; else fail "$what (got: ${out:0:200})"; fi
}
# refused DESCRIPTION COMMAND...: a non-zero exit.
refused() {
    local what=$1; shift
    if "$@" >/dev/null; then fail "$what (was accepted)"; else pass "$what"; fi
}

echo "== demo"
expect "the demo builds three campuses with staff, tickets and assets" "tickets in every state" bash -c "'$BIN' demo --data-dir '$D' | tee '$T/demo.out'"
expect "three campuses" "^WEST" md directory campus list
expect "the administrator of every campus is there" "A0001.*administrator@\*" md directory person list

expect "the demo names the file of its web accounts" "one-time passwords" cat "$T/demo.out"
[ "$(stat -c %a "$D/demo-accounts.txt" 2>/dev/null)" = 600 ] && pass "the demo's accounts file is mode 0600" || fail "the demo's accounts file is mode 0600"
expect "it holds a 科长 account per campus" "^chief-east	[0-9a-f]{24}	E0001	科长" cat "$D/demo-accounts.txt"
[ "$(grep -c '^[a-z]*-\(main\|east\|west\)	' "$D/demo-accounts.txt")" = 18 ] && pass "six roles at each of three campuses" || fail "six roles at each of three campuses"

echo "== rosters say what they show"
expect "roster show defaults to this month and names posts and shifts in Chinese" "^[0-9-]+ (应急支持|系统维护|网络安全) (白班|前夜班|后夜班|节假日白班|节假日夜班) 第1席 " \
    md roster show --campus EAST
refused "a month without a roster is an error" md roster show --campus EAST --month 2020-01
expect "which names the months that have one" "no roster for EAST in 2020-01; months with a roster: [0-9]{4}-[0-9]{2}" \
    bash -c "'$BIN' roster show --campus EAST --month 2020-01 --data-dir '$D' 2>&1; true"
refused "an unknown campus is an error" md roster show --campus NOPE
for c in "directory person list" "directory post list" "ticket report" "asset report" "ticket list"; do
    refused "$c with an unknown campus is an error" md $c --campus NOPE
done
expect "roster ical as README writes it: every campus, this month" "wrote [0-9]+ calendars" md roster ical --per-person --output "$T/ics"

echo "== staff directory"
expect "an administrator registers a campus" "campus SOUTH registered" \
    md directory campus add --as A0001 --code SOUTH --name 南院区 --duty-officer 医院总值班 --duty-phone 0571-88001003
expect "and a post there" "post SOUTH desk set up" md directory post add --as A0001 --campus SOUTH --id desk --name-zh 服务台 --skill helpdesk
expect "and a person on it, with a role" "registered S0001.*with requester@SOUTH" \
    md directory person add --as A0001 --id S0001 --name 王芳 --campus SOUTH --post desk --skill helpdesk --role requester
expect "and grants a role" "granted engineer@SOUTH" md directory role grant --as A0001 --person S0001 --role engineer --campus SOUTH
expect "the person is listed at the campus with both roles" "S0001.王芳.SOUTH.active.engineer@SOUTH,requester@SOUTH" md directory person list --campus SOUTH
expect "JSON output parses" "S0001" bash -c "'$BIN' directory person list --campus SOUTH --json --data-dir '$D' | python3 -c 'import json,sys; print(json.load(sys.stdin)[0][\"id\"])'"
refused "an engineer cannot make themself administrator" md directory role grant --as S0001 --person S0001 --role administrator --campus '*'
refused "an unknown role is refused" md directory role grant --as A0001 --person S0001 --role janitor --campus SOUTH
refused "a post at an unknown campus is refused" md directory post add --as A0001 --campus NOPE --id x --name-zh x
refused "a person on an unknown post is refused" md directory person add --as A0001 --id S0002 --name 李娜 --campus SOUTH --post nope
expect "a refusal writes nothing" "^S0001" md directory person list --campus SOUTH
refused "a command without --as is refused" md directory campus add --code X --name X

echo "== audit trail"
ME=$(id -un)
expect "a CLI write's audit entry names the --as person and the OS user who ran it" \
    "A0001.*role\.grant.*cli os-user=$ME uid=$(id -u)" md audit --last 20

echo "== daily work on the demo"
expect "duty now names who is on duty with the escalation chain" "升级: 值班工程师: .* → 科长: .* → 总值班" md duty now
expect "the ticket report counts open tickets" "未结工单 [0-9]+ 张" md ticket report

echo "== assets"
expect "an asset's cost and supplier are completed after registration" "supplier — → 院采购中心; purchase_cost — → 4999.00" \
    md asset edit E-MED6-0001 --as E0001 --cost 4999 --supplier 院采购中心 --purchased 2025-03-01
expect "and shown with the asset" "¥4999.00.*供应商 院采购中心" md asset show E-MED6-0001
refused "a cost that is not an amount is refused" md asset edit E-MED6-0001 --as E0001 --cost 四千
expect "an asset is sent to another campus, in stock there" "E-MED6-0001@WEST .*库存" \
    md asset transfer E-MED6-0001 --as E0001 --to WEST --location 西院信息科库房
refused "and EAST's chief no longer acts on it" md asset transfer E-MED6-0001 --as E0001 --to EAST --location x

echo "cli: $PASSED passed, $FAILED failed"
[ "$FAILED" -eq 0 ] || { echo "stderr of the commands:"; tail -n 20 "$T/err.log"; exit 1; }
