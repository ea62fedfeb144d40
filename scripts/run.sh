#!/usr/bin/env bash
# Runs one MeshDesk node on the embedded default (data directory ./data), after set-up.
# Extra arguments go to `meshdesk serve`. On first start it runs `meshdesk init`, which
# makes the node and the first administrator and prints a one-time password once.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
. scripts/env.sh
swift build -c release -q --product meshdesk
BIN=.build/release/meshdesk

DATA=./data
args=("$@")
for ((i = 0; i < ${#args[@]}; i++)); do
    case "${args[$i]}" in
        --data-dir) DATA=${args[$((i + 1))]:-$DATA} ;;
        --data-dir=*) DATA=${args[$i]#--data-dir=} ;;
    esac
done

if [ ! -e "$DATA/identity.key" ]; then
    echo "run: first start — creating the node in $DATA"
    "$BIN" init --data-dir "$DATA" 2>/dev/null
    echo
fi

# Where the dashboard will be: --http-listen if given, else the config's [http].
HTTP=$(python3 - "$DATA/meshdesk.toml" "$@" <<'PY'
import sys, tomllib
args = sys.argv[2:]
if "--no-http" in args:
    print(""); sys.exit()
for i, a in enumerate(args):
    if a == "--http-listen" and i + 1 < len(args): print(args[i + 1]); sys.exit()
    if a.startswith("--http-listen="): print(a.split("=", 1)[1]); sys.exit()
try:
    http = tomllib.load(open(sys.argv[1], "rb")).get("http", {})
except FileNotFoundError:
    http = {}
print(http.get("listen", "127.0.0.1:8080") if http.get("enabled", True) else "")
PY
)
if [ -n "$HTTP" ]; then
    echo "run: dashboard at http://$HTTP/ — sign in with the administrator account init made"
    echo "     (username admin unless chosen otherwise; the one-time password printed at first start,"
    echo "     which the dashboard asks you to change). More accounts: meshdesk user add --data-dir $DATA --as ADMIN …"
else
    echo "run: this node serves no dashboard ([http] enabled = false)"
fi
exec "$BIN" serve "$@"
