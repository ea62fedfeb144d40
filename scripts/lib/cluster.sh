# Shared by the multi-process tests (cluster-test.sh, crash-test.sh, partition-test.sh):
# waits and results, and the domain workload they replicate — tickets and their steps,
# asset moves — written through the CLI as staff do, with a ledger of what was tried
# and what was acknowledged, checked value by value on each node at the end.
#
# Source after setting BIN (the meshdesk binary) and T (the scratch directory). Writers
# append to "$T/ledger" (one short line per append, so concurrent writers do not mix):
#   open  NUMBER TAG        a ticket whose `ticket open` exited 0
#   try   NUMBER TEXT       a step (a progress note) about to be written
#   ack   NUMBER TEXT       that step's command exited 0: it is durable
#   move  TAG LOCATION      the same for an asset move (try-move / move)
# The check (`ledger_holds DIR [ORIGIN_CAMPUS...]`) asks the node for every ticket and
# asset of the ledger: each acknowledged step is there, in the order written, and what
# is there is a prefix of what was tried (no step lost in the middle, none twice); an
# asset sits where its last acknowledged move put it, or where a later tried one did.

LEDGER=${LEDGER:-$T/ledger}
ADMIN_ID=${ADMIN_ID:-ADMIN}
: >>"$LEDGER"

engineer_of() { echo "ENG-$1"; }

# domain_bootstrap DIR CAMPUS...: as the administrator at DIR, each campus with a service
# desk, an engineer on it (ENG-<CAMPUS>) and one PC (PC-<CAMPUS>) for the moves.
domain_bootstrap() {
    local dir=$1 c; shift
    for c in "$@"; do
        "$BIN" directory campus add --data-dir "$dir" --as "$ADMIN_ID" --code "$c" --name "${c}院区" >/dev/null 2>>"$T/cli.log" &&
        "$BIN" directory post add --data-dir "$dir" --as "$ADMIN_ID" --campus "$c" --id desk --name-zh 服务台 --skill helpdesk \
            >/dev/null 2>>"$T/cli.log" &&
        "$BIN" directory person add --data-dir "$dir" --as "$ADMIN_ID" --id "$(engineer_of "$c")" --name "工程师$c" --campus "$c" \
            --post desk --skill helpdesk --role engineer >/dev/null 2>>"$T/cli.log" &&
        "$BIN" asset add --data-dir "$dir" --as "$(engineer_of "$c")" --campus "$c" --tag "PC-$c" --type pc --name 台式机 \
            >/dev/null 2>>"$T/cli.log" || return 1
    done
}

# knows_engineer DIR CAMPUS: the campus's engineer has reached DIR's replica.
knows_engineer() { "$BIN" directory person list --data-dir "$1" --campus "$2" 2>/dev/null | grep -q "^$(engineer_of "$2")	"; }

# ticket_open DIR CAMPUS TAG: the campus's engineer opens a ticket at DIR; prints its
# number and records it in the ledger once `ticket open` exited 0.
ticket_open() {
    local dir=$1 campus=$2 tag=$3 number
    number=$("$BIN" ticket open --data-dir "$dir" --as "$(engineer_of "$campus")" --campus "$campus" --reporter 张护士 \
        --department 内科 --category printer --description "$tag 打印机卡纸" --json 2>>"$T/cli.log" |
        python3 -c "import json,sys; print(json.load(sys.stdin)['number'])" 2>/dev/null) || return 1
    [ -n "$number" ] || return 1
    printf 'open\t%s\t%s\n' "$number" "$tag" >>"$LEDGER"
    echo "$number"
}

# ticket_steps DIR CAMPUS NUMBER STEPS TAG: STEPS progress notes "TAG 第K步" on the
# ticket, one command (one transaction) each; every attempt and every acknowledgement
# goes to the ledger. Returns non-zero at the first refused command.
ticket_steps() {
    local dir=$1 campus=$2 number=$3 steps=$4 tag=$5 k text
    for k in $(seq 1 "$steps"); do
        text="$tag 第${k}步"
        printf 'try\t%s\t%s\n' "$number" "$text" >>"$LEDGER"
        "$BIN" ticket note --data-dir "$dir" --as "$(engineer_of "$campus")" "$number" --text "$text" >/dev/null 2>>"$T/cli.log" ||
            return 1
        printf 'ack\t%s\t%s\n' "$number" "$text" >>"$LEDGER"
    done
}

# ticket_work DIR CAMPUS STEPS TAG: a ticket opened and STEPS steps written on it.
ticket_work() {
    local number
    number=$(ticket_open "$1" "$2" "$4") || return 1
    ticket_steps "$1" "$2" "$number" "$3" "$4"
}

# first_ticket CAMPUS [LEDGER]: the first acknowledged ticket of CAMPUS.
first_ticket() { awk -F'\t' -v c="$1" '$1=="open" && index($2, c "-")==1 {print $2; exit}' "${2:-$LEDGER}"; }

# tickets_of LEDGER: every acknowledged ticket number in it.
tickets_of() { awk -F'\t' '$1=="open" {print $2}' "$1"; }

# holds_none DIR LEDGER: DIR shows none of the tickets of LEDGER.
holds_none() {
    local number
    for number in $(tickets_of "$2"); do
        "$BIN" ticket show --data-dir "$1" "$number" >/dev/null 2>&1 && { echo "    $1 holds $number"; return 1; }
    done
    return 0
}

# asset_moves DIR CAMPUS MOVES TAG: the campus's engineer moves its PC MOVES times.
asset_moves() {
    local dir=$1 campus=$2 moves=$3 tag=$4 k location
    for k in $(seq 1 "$moves"); do
        location="$tag 病房$k"
        printf 'try-move\tPC-%s\t%s\n' "$campus" "$location" >>"$LEDGER"
        "$BIN" asset move --data-dir "$dir" --as "$(engineer_of "$campus")" "PC-$campus" --department 内科 --location "$location" \
            >/dev/null 2>>"$T/cli.log" || return 1
        printf 'move\tPC-%s\t%s\n' "$campus" "$location" >>"$LEDGER"
    done
}

# ledger_holds DIR [CAMPUS...]: DIR shows every acknowledged value of the ledger (of
# the tickets and assets of the given campuses only, if named). Prints what is wrong.
ledger_holds() {
    python3 "$(dirname "${BASH_SOURCE[0]}")/ledger_check.py" "$BIN" "$1" "$LEDGER" "${@:2}"
}

# ledger_counts: "N tickets, M acknowledged steps, K asset moves" — for the summary.
ledger_counts() {
    awk -F'\t' '$1=="open"{o++} $1=="ack"{a++} $1=="move"{m++} END{printf "%d tickets, %d acknowledged steps, %d asset moves\n", o, a, m}' "$LEDGER"
}

# --- results and waits -------------------------------------------------------------
PASSED=${PASSED:-0} FAILED=${FAILED:-0}
RESULTS=()
md() { "$BIN" "$@" 2>>"$T/cli.log"; }
pass() { PASSED=$((PASSED + 1)); RESULTS+=("PASS  $1"); [ -n "${QUIET_PASS:-}" ] || echo "  ok: $1"; }
fail() { FAILED=$((FAILED + 1)); RESULTS+=("FAIL  $1"); echo "  FAILED: $1"; }
# wait_for SECONDS DESCRIPTION CONDITION: evaluates the shell CONDITION every 0.5 s.
wait_for() {
    local limit=$1 what=$2 condition=$3
    local deadline=$((SECONDS + limit))
    while [ $SECONDS -lt $deadline ]; do
        if eval "$condition" >/dev/null 2>&1; then pass "$what"; return 0; fi
        sleep 0.5
    done
    fail "$what (timed out after ${limit}s)"
    eval "$condition" 2>&1 | head -20   # say what still differs
    return 1
}
# status_of DIR EXPR: a Python expression over `meshdesk status --json` of DIR (as d).
status_of() { md status --data-dir "$1" --json | python3 -c "import json,sys; d=json.load(sys.stdin); print($2)"; }
digest_of() { status_of "$1" "d['replica']['stateDigest']"; }
# same_digest DIR...: one materialised-state digest on every replica.
same_digest() { local d; d=$(digest_of "$1") || return 1; for n in "${@:2}"; do [ "$(digest_of "$n")" = "$d" ] || return 1; done; }
# converged DIR...: one digest, and every replica shows every acknowledged value.
converged() { same_digest "$@" || return 1; local n; for n in "$@"; do ledger_holds "$n" || return 1; done; }
