#!/usr/bin/env bash
# The test command: set-up, build, every test. Exits non-zero on any failure.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
. scripts/env.sh

echo "== build (debug, with tests)"
swift build --build-tests

echo "== unit and property tests"
swift test --skip-build

echo "== command line (demo, staff directory, refusals)"
MESHDESK_BIN=.build/debug/meshdesk bash scripts/cli-test.sh

echo "== the commands of README.md and the runbooks of docs/operations.md, as written"
MESHDESK_BIN=.build/debug/meshdesk bash scripts/doc-commands-test.sh

echo "== multi-process cluster test (3 nodes + outsiders on 127.0.0.1)"
MESHDESK_BIN=.build/debug/meshdesk bash scripts/cluster-test.sh

echo "== end to end in headless Chromium (two nodes, sign in, a ticket through the form, seen at the other node)"
bash scripts/e2e-browser.sh

echo "== simulation sweep"
bash scripts/sim-sweep.sh

echo "== crash safety (20 seeded SIGKILLs under writes; CRASH_KILLS=200 is the soak)"
MESHDESK_BIN=.build/debug/meshdesk bash scripts/crash-test.sh

# Real network: needs root and network namespaces (CI runs as root here).
if [ "$(id -u)" -eq 0 ] && ip netns add meshdesk-probe-$$ 2>/dev/null; then
    ip netns del meshdesk-probe-$$
    echo "== real-network test (5 nodes in network namespaces: partitions, loss, rate limits, SIGKILL)"
    MESHDESK_BIN=.build/debug/meshdesk bash scripts/partition-test.sh
else
    echo "== real-network test skipped: needs root and ip netns"
fi
