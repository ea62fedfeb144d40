#!/usr/bin/env python3
"""A tiny SMTP sink for MeshDesk's notification tests: accepts mail on 127.0.0.1 and
writes each message to OUTDIR/N.eml (envelope lines first, then the DATA as received).

usage: smtp-sink.py OUTDIR [--mode ok|reject|slow]
Prints "PORT <n>" once listening (port chosen by the OS) and writes it to OUTDIR/port,
then serves until killed.
  ok     accept everything
  reject answer 451 to RCPT TO (a relay that is down for maintenance)
  slow   wait 30 s before the greeting (a relay that hangs)
"""
import asyncio, os, signal, sys

# A parent that blocks SIGTERM (test runners do) passes the mask on: unblock it, so the
# test's terminate() ends the sink.
signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGTERM, signal.SIGINT})

outdir = sys.argv[1]
mode = sys.argv[3] if len(sys.argv) > 3 and sys.argv[2] == "--mode" else "ok"
count = 0

async def session(reader, writer):
    global count
    def send(line):
        writer.write((line + "\r\n").encode())
    if mode == "slow":
        await asyncio.sleep(30)
    send("220 sink ESMTP")
    await writer.drain()
    mail_from, rcpt = "", []
    while True:
        raw = await reader.readline()
        if not raw:
            break
        line = raw.decode("utf-8", "replace").rstrip("\r\n")
        verb = line.split(" ", 1)[0].upper()
        if verb in ("EHLO", "HELO"):
            send("250-sink"); send("250 8BITMIME")
        elif line.upper().startswith("MAIL FROM:"):
            mail_from = line[10:]; send("250 ok")
        elif line.upper().startswith("RCPT TO:"):
            if mode == "reject":
                send("451 try again later")
            else:
                rcpt.append(line[8:]); send("250 ok")
        elif verb == "DATA":
            send("354 go ahead"); await writer.drain()
            data = []
            while True:
                d = await reader.readline()
                if not d or d in (b".\r\n", b".\n"):
                    break
                data.append(d.decode("utf-8", "replace"))
            count += 1
            path = os.path.join(outdir, f"{count}.eml")
            with open(path + ".tmp", "w") as f:
                f.write(f"X-Envelope-From: {mail_from}\r\nX-Envelope-To: {','.join(rcpt)}\r\n" + "".join(data))
            os.rename(path + ".tmp", path)
            send("250 queued")
        elif verb == "QUIT":
            send("221 bye"); await writer.drain(); break
        else:
            send("250 ok")
        await writer.drain()
    writer.close()

async def main():
    server = await asyncio.start_server(session, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    # Also OUTDIR/port (written whole), for a caller that must not block reading stdout.
    with open(os.path.join(outdir, "port.tmp"), "w") as f:
        f.write(str(port))
    os.rename(os.path.join(outdir, "port.tmp"), os.path.join(outdir, "port"))
    print("PORT", port, flush=True)
    async with server:
        await server.serve_forever()

asyncio.run(main())
