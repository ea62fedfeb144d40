#!/usr/bin/env bash
# Installs what a fresh Debian machine lacks to build and test MeshDesk. Idempotent:
# it asks apt only for the packages that are missing.
#   --browser  also headless Chromium, its driver and Selenium for scripts/e2e-browser.sh
#              (a few hundred MB, so only the browser test asks for them)
set -euo pipefail

# sqlite3: integrity checks in the crash and partition tests; iproute2 and iptables:
# network namespaces, cuts and packet loss in scripts/partition-test.sh.
packages=(libsqlite3-dev libsodium-dev libqrencode-dev pkg-config sqlite3 iproute2 iptables)
browser_packages=(chromium chromium-driver python3-selenium fonts-wqy-microhei)   # a CJK font: the dashboard is in Chinese
for arg in "$@"; do
    case "$arg" in
        --browser) packages+=("${browser_packages[@]}") ;;
        *) echo "setup: unknown option $arg (known: --browser)" >&2; exit 2 ;;
    esac
done
missing=()
for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if ((${#missing[@]})); then
    echo "setup: installing ${missing[*]}"
    SUDO=""
    [ "$(id -u)" -ne 0 ] && SUDO="sudo"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
fi

command -v swift >/dev/null 2>&1 || [ -x /opt/swift/usr/bin/swift ] || {
    echo "setup: no Swift toolchain found (expected swift on PATH or in /opt/swift)" >&2
    exit 1
}
