"""Benchmark: mail-in throughput, N messages with a 1 MB PDF each through
``phutho-mailin``'s SMTP listener into one portal (one Zope process).

    .venv/bin/python bench/bench_mailin.py [--count 1000] [--clients 4]
                                          [--var bench/var/mailin]

Creates a throw-away instance with the demo site, serves it, starts the
ingester, and sends the messages from ``--clients`` SMTP connections at
once. Prints messages per second and p50/p95/max of the time from the
start of SMTP DATA to the 250 reply, which the ingester gives only after
the portal committed the document. Delete the --var folder to start over.
"""

from bench_mail_common import free_port
from bench_mail_common import make_site
from bench_mail_common import percentile
from bench_mail_common import start_portal
from bench_mail_common import stop
from concurrent.futures import ThreadPoolExecutor
from email.message import EmailMessage
from email.utils import make_msgid
from pathlib import Path

import argparse
import email.policy
import os
import smtplib
import subprocess
import sys
import time

MAILBOX = "vanthu.sokhcn@phutho.gov.vn"


def pdf(size):
    """A valid PDF of about ``size`` bytes: one A4 page and an embedded
    file of random bytes (what a scanned document weighs)."""
    from pypdf import PdfWriter

    import io

    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    writer.add_attachment("scan.bin", os.urandom(size))
    stream = io.BytesIO()
    writer.write(stream)
    return stream.getvalue()


def message(index, data):
    msg = EmailMessage()
    msg["Subject"] = f"Công văn {index + 1}/SYT-VP về việc đo hiệu năng nhận thư"
    msg["From"] = "Sở Y tế tỉnh Hà Nam <vanthu@syt.hanam.gov.vn>"
    msg["To"] = MAILBOX
    msg["Message-ID"] = make_msgid(domain="syt.hanam.gov.vn")
    msg.set_content("Kính gửi Sở Khoa học và Công nghệ.")
    msg.add_attachment(
        data,
        maintype="application",
        subtype="pdf",
        filename=f"cong-van-{index + 1}.pdf",
    )
    return msg.as_bytes(policy=email.policy.SMTP)


def send(port, raw, attempts=30):
    """``(seconds from DATA to the 250 reply, deferrals)``. A 4xx answer
    (portal busy or unreachable) is tried again a second later, as a
    mail server would; the time counts from the accepted attempt."""
    for deferrals in range(attempts):
        with smtplib.SMTP("127.0.0.1", port, timeout=300) as smtp:
            smtp.ehlo()
            smtp.mail("vanthu@syt.hanam.gov.vn")
            code, reply = smtp.rcpt(MAILBOX)
            if code == 250:
                started = time.monotonic()
                code, reply = smtp.data(raw)
                if code == 250:
                    return time.monotonic() - started, deferrals
        if not 400 <= code < 500:
            raise RuntimeError(f"{code} {reply}")
        time.sleep(1)
    raise RuntimeError(f"still {code} {reply} after {attempts} attempts")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--size", type=int, default=1024 * 1024)
    parser.add_argument("--var", default=str(Path(__file__).parent / "var" / "mailin"))
    args = parser.parse_args()
    port, mailin_port = free_port(), free_port()
    print(f"Setting up the site in {args.var} …", flush=True)
    conf, config = make_site(args.var, port, mailin_port)
    portal = start_portal(args.var, port)
    ingester = None
    try:
        ingester = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "phutho.intranet.mailin.main",
                "--config",
                str(config),
                "--port",
                str(mailin_port),
            ],
            stdout=open(Path(args.var) / "mailin.log", "w"),
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                smtplib.SMTP("127.0.0.1", mailin_port, timeout=5).quit()
                break
            except OSError:
                time.sleep(0.3)
        data = pdf(args.size)
        messages = [message(i, data) for i in range(args.count)]
        print(
            f"Sending {args.count} messages of {len(messages[0]) / 1e6:.2f} MB "
            f"from {args.clients} clients …",
            flush=True,
        )
        started = time.monotonic()
        with ThreadPoolExecutor(args.clients) as pool:
            answers = list(pool.map(lambda raw: send(mailin_port, raw), messages))
        elapsed = time.monotonic() - started
    finally:
        stop(ingester)
        stop(portal)
    latencies = [latency for latency, _deferrals in answers]
    deferred = sum(deferrals for _latency, deferrals in answers)
    print(f"messages: {args.count}, clients: {args.clients}, total {elapsed:.1f} s")
    print(f"deferred (4xx, tried again): {deferred}; load {os.getloadavg()[0]:.1f}")
    print(f"throughput: {args.count / elapsed:.1f} messages/s")
    print(
        "DATA -> committed document: "
        f"p50 {percentile(latencies, 0.5) * 1000:.0f} ms, "
        f"p95 {percentile(latencies, 0.95) * 1000:.0f} ms, "
        f"max {max(latencies) * 1000:.0f} ms"
    )


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).parent))
    main()
