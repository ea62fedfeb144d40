#!/usr/bin/env bash
# Runs the shell blocks of README.md ("Using it") and the runbooks of docs/operations.md
# (cluster set-up, backup, rebuild, restore, resync, revocation) as written, in a scratch
# directory on loopback ports, with the debug binary as `meshdesk`. A command fails the
# test if it exits non-zero or prints nothing. Placeholders are filled in one place:
# PLACEHOLDERS in the Python below. Usage: scripts/doc-commands-test.sh (run by test.sh).
set -uo pipefail
cd "$(dirname "$0")/.."
. scripts/env.sh
BIN=${MESHDESK_BIN:-$PWD/.build/debug/meshdesk}
[ -x "$BIN" ] || swift build -q --product meshdesk
BIN=$(realpath "$BIN")   # the commands run in the scratch directory
T=$(mktemp -d /tmp/meshdesk-doc-test.XXXXXX)
export BIN T REPO=$PWD
python3 - <<'PY'
import os, re, shutil, signal, subprocess, sys, time, json, urllib.request

BIN, T, REPO = os.environ["BIN"], os.environ["T"], os.environ["REPO"]
base = 20000 + (os.getpid() % 3000) * 4          # distinct per run, loopback only, below the ephemeral range (32768…) so no outgoing connection holds one
P_EAST, P_WEST, P_HTTP, P_WEB = base, base + 1, base + 2, base + 3
os.makedirs(f"{T}/bin")
os.symlink(BIN, f"{T}/bin/meshdesk")              # `meshdesk` as the docs write it
ENV = dict(os.environ, PATH=f"{T}/bin:" + os.environ["PATH"], M=BIN)

# Every placeholder of the docs and what this test puts there — the one place.
#   /srv/meshdesk   the local campus node (EAST) of the cluster recipe
#   D               the node being recovered (WEST, the recipe's "remote node")
#   HEX, <site id>  WEST's public key and site id (made by a `meshdesk init` the doc implies)
#   10.1.2.3:7400 / 10.1.4.5:7400 / 8080   loopback ports
#   /safe/backup.key  the admin's backup key, here in ./cluster
#   [--opt X]       an optional argument is taken as written, without the brackets
#   M=.build/release/meshdesk   M is the debug binary under test
PLACEHOLDERS = [   # (pattern, what replaces it: computed when the pattern occurs)
    (r"/srv/meshdesk", lambda: f"{T}/east"),
    (r"(?<![\w./-])D(?![\w./-])", lambda: f"{T}/west"),
    (r"\bHEX\b", lambda: read(f"{T}/west/identity.pub").strip()),
    (r"<site id>", lambda: site(f"{T}/west")),
    (r"10\.1\.2\.3:7400", lambda: f"127.0.0.1:{P_EAST}"),
    (r"10\.1\.4\.5:7400", lambda: f"127.0.0.1:{P_WEST}"),
    (r"127\.0\.0\.1:8080", lambda: f"127.0.0.1:{P_HTTP}"),
    (r"--port 8080", lambda: f"--port {P_WEB}"),
    (r"/safe/backup\.key", lambda: "./cluster/backup.key"),
]
OPTIONAL = r"\[(--[^\]]+)\]"   # [--from EAST] → --from EAST
# Lines not run, and why (each is run elsewhere).
SKIPPED = {
    "scripts/run.sh": "a long-running node on the fixed default ports; scripts/test.sh builds the same way",
    "scripts/test.sh": "runs this very script",
    "M=": "M is set to the binary under test",
    "bench replica|": "benchmarks, minutes each: scripts/test.sh runs none; docs/performance.md",
}

passed, failed, background = 0, 0, {}
def ok(what): global passed; passed += 1; print(f"  ok: {what}")
def bad(what): global failed; failed += 1; print(f"  FAILED: {what}")
def read(path): return open(path, encoding="utf-8").read()
def run(cmd, timeout=180):
    return subprocess.run(["bash", "-c", cmd], cwd=T, env=ENV, capture_output=True, text=True, timeout=timeout)
def site(data):
    r = run(f"meshdesk status --data-dir {data} --json")
    return json.loads(r.stdout)["replica"]["site"] if r.returncode == 0 else "unknown-site"
def running(data):
    r = run(f"meshdesk status --data-dir {data} --json")
    return r.returncode == 0 and json.loads(r.stdout).get("node") is not None
def wait(what, seconds, check):
    deadline = time.time() + seconds
    while time.time() < deadline:
        try:
            if check(): return ok(what)
        except Exception: pass
        time.sleep(0.5)
    bad(f"{what} (timed out after {seconds}s)")
def http_up(port):
    urllib.request.urlopen(f"http://127.0.0.1:{port}/sign-in", timeout=2)
    return True
def stop(key, sig=signal.SIGTERM):
    p = background.pop(key, None)
    if p: p.send_signal(sig); p.wait(timeout=15)

def blocks_readme():
    text = read(f"{REPO}/README.md")
    section = text.split("## Using it", 1)[1]
    return [re.search(r"```sh\n(.*?)```", section, re.S).group(1)]
def blocks_ops():
    """{heading: [indented blocks]} of docs/operations.md."""
    out, heading, block = {}, None, []
    def flush():
        if heading and block: out.setdefault(heading, []).append("\n".join(block).strip("\n") + "\n")
        block.clear()
    for line in read(f"{REPO}/docs/operations.md").splitlines():
        if line.startswith("#"):
            flush(); heading = line.lstrip("#").strip()
        elif line.startswith("    ") or (block and not line.strip()):
            block.append(line[4:])
        else:
            flush()
    flush()
    return out

def commands(block):
    """Commands of a block: continuation lines joined, comments and blank lines dropped."""
    joined = re.sub(r"\\\n\s*", " ", block)
    for line in joined.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            yield line
def fill(cmd):
    for pattern, value in PLACEHOLDERS:
        if re.search(pattern, cmd):
            text = value()
            cmd = re.sub(pattern, lambda m: text, cmd)
    return re.sub(OPTIONAL, r"\1", cmd)

def execute(block, where):
    for raw in commands(block):
        code = re.sub(r"\s+#.*", "", raw)
        reason = next((why for key, why in SKIPPED.items() if code.startswith(key) or f"$M {key}" in code), None)
        if reason:
            print(f"  skip: {raw[:70]}  ({reason})"); continue
        cmd = fill(raw)
        short = re.sub(r"\s+#.*", "", raw)
        if re.search(r"meshdesk serve |\$M web ", cmd):
            data = re.search(r"--data-dir (\S+)", cmd).group(1)
            log = open(f"{T}/{os.path.basename(data)}-{len(background)}.log", "w")
            background[data] = subprocess.Popen(["bash", "-c", "exec " + re.sub(r"\s+#.*", "", cmd)], cwd=T, env=ENV,
                                                stdout=log, stderr=subprocess.STDOUT)
            if " web " in cmd:
                wait(f"{where}: `{short}` serves the dashboard", 30, lambda: http_up(P_WEB))
            else:
                wait(f"{where}: `{short}` runs", 30, lambda: running(data))
            continue
        r = run(cmd)
        if r.returncode != 0:
            bad(f"{where}: `{short}` exited {r.returncode}: {(r.stderr or r.stdout).strip()[-300:]}")
        elif not (r.stdout.strip() or r.stderr.strip()):
            bad(f"{where}: `{short}` printed nothing")
        else:
            ok(f"{where}: `{short}`")

try:
    print(f"== doc commands in {T} (ports {P_EAST}…{P_WEB})")
    print("== README.md, Using it")
    execute(blocks_readme()[0], "README")
    stop(f"./demo")
    ops = blocks_ops()

    print("== operations.md, A cluster")
    # The recipe's "remote node" is another machine: it ran `meshdesk init` there, which
    # gives the HEX the recipe adds. Here it is a second data directory.
    r = run(f"meshdesk init --data-dir {T}/west --campus WEST --name 西院区 --listen 127.0.0.1:{P_WEST} --no-admin")
    ok("the remote node is initialised") if r.returncode == 0 else bad(f"remote init: {r.stderr}")
    execute(ops["A cluster"][0], "cluster")
    # "for a node on another machine copy `network.key`, … there yourself": the files it names.
    sentence = re.search(r"for a node on another machine copy(.*?)there yourself", read(f"{REPO}/docs/operations.md"), re.S).group(1)
    for f in re.findall(r"`([\w.]+)`", sentence):
        shutil.copy(f"{T}/cluster/{f}", f"{T}/west/{f}")
    os.chmod(f"{T}/west/network.key", 0o600)
    execute("meshdesk serve --data-dir D\n", "cluster (the remote node, started as the recipe says)")
    east_established = lambda: any(p["session"] == "established" for p in json.loads(
        run(f"meshdesk status --data-dir {T}/east --json").stdout)["node"]["peers"])
    wait("the two campuses have a session", 30, east_established)

    print("== operations.md, backup")
    execute(ops["Restore from a backup"][1], "backup")

    print("== operations.md, Rebuild (WEST's disk is gone)")
    stop(f"{T}/west", signal.SIGKILL)
    for f in os.listdir(f"{T}/west"):
        if f.startswith("replica.sqlite"): os.remove(f"{T}/west/{f}")
    execute(ops["Rebuild: the disk is gone, the node keeps its identity"][0], "rebuild")

    print("== operations.md, Restore from a backup (WEST's replica is damaged)")
    stop(f"{T}/west")
    os.makedirs(f"{T}/damaged")
    for f in os.listdir(f"{T}/west"):
        if f.startswith("replica.sqlite"): shutil.move(f"{T}/west/{f}", f"{T}/damaged/{f}")
    execute(ops["Restore from a backup"][0], "restore")

    print("== operations.md, Away beyond the horizon (resync EAST)")
    stop(f"{T}/east")
    execute(ops["Away beyond the horizon"][0], "resync")
    execute("meshdesk serve --data-dir /srv/meshdesk\n", "resync (then start the node again)")

    print("== operations.md, A stolen node: revoke its key (WEST)")
    execute(ops["A stolen node: revoke its key"][0], "revoke")
    west_site = site(f"{T}/west")
    wait("EAST closes the revoked node's session", 20, lambda: not east_established())
except Exception as error:
    bad(f"the test itself failed: {error!r}")
finally:
    for key in list(background): stop(key, signal.SIGKILL)

print(f"doc commands: {passed} passed, {failed} failed")
if failed:
    for log in sorted(os.listdir(T)):
        if log.endswith(".log"):
            print(f"== last lines of {log}"); print("".join(open(f"{T}/{log}").readlines()[-15:]))
    print(f"files kept in {T}")
    sys.exit(1)
shutil.rmtree(T)
PY
