#!/usr/bin/env python3
"""Commit-to-delivery of notification e-mail, measured on real processes.

    scripts/notifications/delivery-latency.py [--tickets N] [--json]

A demo department in a scratch directory, `meshdesk web` serving it with the SMTP relay
set to this script's SMTP sink (scripts/notifications/smtp-sink.py on 127.0.0.1), the
section chief's e-mail set through /notifications/settings; then N major incidents opened
one after another by the CLI (each a commit the web process did not make: it learns of it
as it learns of a peer's batch). One sample per ticket: from the CLI's return (the commit
is durable) to the sink's receipt of the mail naming the ticket. Prints p50/p99/max and
the misses; --json prints them as JSON. Uses MESHDESK_BIN or .build/debug/meshdesk."""
import email, email.header, email.policy, json, os, shutil, signal, subprocess, sys, tempfile, time, urllib.parse, urllib.request, http.cookiejar

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BIN = os.environ.get("MESHDESK_BIN", os.path.join(REPO, ".build/debug/meshdesk"))
TIMEOUT_S = 30


def mentions(path, number):
    """Whether the mail at `path` names `number`, in its decoded subject or body."""
    with open(path, "rb") as f:
        message = email.message_from_binary_file(f, policy=email.policy.default)
    body = message.get_body(preferencelist=("plain",))
    return number in str(message["subject"]) or (body is not None and number in body.get_content())


def main():
    tickets = int(sys.argv[sys.argv.index("--tickets") + 1]) if "--tickets" in sys.argv else 20
    as_json = "--json" in sys.argv
    t = tempfile.mkdtemp(prefix="meshdesk-delivery-")
    procs = []
    try:
        data = os.path.join(t, "demo")
        subprocess.run([BIN, "demo", "--data-dir", data], check=True, capture_output=True)
        accounts = {l.split("\t")[0]: l.split("\t")[1] for l in open(os.path.join(data, "demo-accounts.txt")) if not l.startswith("#")}
        mail = os.path.join(t, "mail")
        os.makedirs(mail)
        sink = subprocess.Popen([sys.executable, os.path.join(REPO, "scripts/notifications/smtp-sink.py"), mail], stdout=subprocess.PIPE, text=True)
        procs.append(sink)
        smtp_port = int(sink.stdout.readline().split()[1])
        port = 21000 + os.getpid() % 3000
        web = subprocess.Popen([BIN, "web", "--data-dir", data, "--port", str(port), "--smtp-relay", f"127.0.0.1:{smtp_port}"],
                               stdout=subprocess.DEVNULL, stderr=open(os.path.join(t, "web.log"), "w"))
        procs.append(web)
        base = f"http://127.0.0.1:{port}"
        jar = http.cookiejar.CookieJar()
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
        for _ in range(100):
            try:
                opener.open(base + "/sign-in", timeout=2)
                break
            except OSError:
                time.sleep(0.1)
        password = accounts["chief-east"]
        me = json.loads(opener.open(urllib.request.Request(base + "/api/session", data=json.dumps({"username": "chief-east", "password": password}).encode(),
                                                           headers={"Content-Type": "application/json"})).read())
        def form(path, fields):
            body = urllib.parse.urlencode(dict(fields, csrf=me["csrfToken"])).encode()
            return opener.open(urllib.request.Request(base + path, data=body, headers={"Content-Type": "application/x-www-form-urlencoded"}))
        if me.get("passwordChangeRequired"):
            form("/password", {"current": password, "new": password + "-bench"})
        form("/notifications/settings", {"email": "chief-east@hospital.example", "quietStart": "", "quietEnd": ""})
        samples, missed, seen = [], 0, set()
        for n in range(tickets):
            out = subprocess.run([BIN, "ticket", "open", "--data-dir", data, "--as", "E0004", "--campus", "EAST", "--reporter", "门诊",
                                  "--department", "门诊部", "--category", "application", "--description", f"delivery bench {n}", "--major", "--json"],
                                 check=True, capture_output=True, text=True).stdout
            committed = time.monotonic()
            number = json.loads(out)["number"]
            deadline = committed + TIMEOUT_S
            arrived = None
            while time.monotonic() < deadline and arrived is None:
                for name in os.listdir(mail):
                    if name.endswith(".eml") and name not in seen and mentions(os.path.join(mail, name), number):
                        arrived = time.monotonic()
                        seen.add(name)
                        break
                time.sleep(0.02)
            if arrived is None:
                missed += 1
            else:
                samples.append((arrived - committed) * 1000)
        samples.sort()
        def pct(p):
            return round(samples[min(len(samples) - 1, max(0, int(p * len(samples) + 0.999) - 1))], 1) if samples else None
        result = {"tickets": tickets, "delivered": len(samples), "missed": missed, "commit_to_mail_p50_ms": pct(0.5),
                  "commit_to_mail_p99_ms": pct(0.99), "commit_to_mail_max_ms": round(samples[-1], 1) if samples else None}
        if as_json:
            print(json.dumps(result))
        else:
            for k, v in result.items():
                print(f"{k:24} {v}")
        return 0 if missed == 0 else 1
    finally:
        for p in procs:
            p.send_signal(signal.SIGTERM)
        for p in procs:
            try:
                p.wait(timeout=10)
            except subprocess.TimeoutExpired:
                p.kill()
        if os.environ.get("KEEP"):
            print("kept " + t, file=sys.stderr)
        else:
            shutil.rmtree(t, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
