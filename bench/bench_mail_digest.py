"""Benchmark: the daily digest for N people (10,000 by default) into an
SMTP sink on loopback.

    .venv/bin/python bench/bench_mail_digest.py [--people 10000]
                                               [--var bench/var/digest]

Creates a throw-away instance (no demo data), N people with an address and
one notification each, points Site Setup → Mail at an aiosmtpd sink, serves
the site, and runs ``phutho-digest`` as cron would. Prints how long the
command took (digests composed and queued) and how long until the sink had
every mail (the queue emptied through SMTP). Then runs the command again:
it must send nothing. Goal: 10,000 people in under 10 minutes.
"""

from pathlib import Path

import argparse
import subprocess
import sys
import time


def setup(app, people, smtp_port):
    """Under zconsole: the people, their notifications, the relay."""
    from phutho.intranet.mail import pending
    from plone import api
    from Testing.makerequest import makerequest
    from zope.component.hooks import setSite

    import transaction

    app = makerequest(app)
    site = app.Plone
    setSite(site)
    with api.env.adopt_roles(["Manager"]):
        api.portal.set_registry_record("plone.smtp_host", "127.0.0.1")
        api.portal.set_registry_record("plone.smtp_port", smtp_port)
        api.portal.set_registry_record(
            "plone.email_from_address", "congthongtin@phutho.gov.vn"
        )
        page = site.get("thong-bao-do-hieu-nang")
        if page is None:
            page = api.content.create(
                container=site,
                type="Document",
                id="thong-bao-do-hieu-nang",
                title="Thông báo đo hiệu năng thư tổng hợp",
            )
            api.content.transition(page, transition="publish")
        acl = site.acl_users
        for index in range(people):
            user_id = f"nguoi{index:05d}"
            if acl.getUserById(user_id) is None:
                api.user.create(
                    username=user_id,
                    email=f"{user_id}@phutho.gov.vn",
                    password="Bench@2026-digest",
                    properties={"fullname": f"Người dùng số {index}"},
                )
            if not pending.entries_for(site, user_id):
                pending.add(site, user_id, "registration", page.UID())
            if index % 1000 == 999:
                transaction.commit()
                print(f"  {index + 1} people", flush=True)
        done = pending.done_tree(site)
        if done is not None:
            done.clear()
        transaction.commit()
    app._p_jar.db().close()


def main():
    sys.path.insert(0, str(Path(__file__).parent))
    from bench_mail_common import free_port
    from bench_mail_common import make_site
    from bench_mail_common import start_portal
    from bench_mail_common import stop
    from bench_mail_common import zconsole
    from phutho.intranet.mail.testing import SMTPSink

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--people", type=int, default=10000)
    parser.add_argument("--batch", type=int, default=500)
    parser.add_argument("--var", default=str(Path(__file__).parent / "var" / "digest"))
    args = parser.parse_args()
    port, smtp_port = free_port(), free_port()
    print(f"Setting up {args.people} people in {args.var} …", flush=True)
    conf, config = make_site(args.var, port, free_port(), demo=False)
    zconsole(conf, __file__, "--setup", str(args.people), str(smtp_port))
    sink = SMTPSink(port=smtp_port).start()
    portal = start_portal(args.var, port, PHUTHO_MAIL_QUEUE_INTERVAL="1")
    try:
        started = time.monotonic()
        command = [
            str(Path(sys.executable).parent / "phutho-digest"),
            "--config",
            str(config),
            "--batch",
            str(args.batch),
        ]
        first = subprocess.run(command, capture_output=True, text=True, timeout=1800)
        queued = time.monotonic() - started
        print(first.stdout.strip() or first.stderr.strip(), flush=True)
        deadline = time.monotonic() + 1800
        while len(sink.messages) < args.people and time.monotonic() < deadline:
            time.sleep(0.5)
        delivered = time.monotonic() - started
        again = subprocess.run(command, capture_output=True, text=True, timeout=600)
        time.sleep(5)
    finally:
        stop(portal)
        sink.close()
    print(f"people: {args.people}; mails at the sink: {len(sink.messages)}")
    print(f"phutho-digest (compose and queue): {queued:.1f} s")
    print(
        f"all delivered to the sink: {delivered:.1f} s "
        f"({len(sink.messages) / delivered:.0f} mails/s)"
    )
    print(f"second run the same day: {again.stdout.strip()}")


if __name__ == "__main__":
    if "--setup" in sys.argv:
        position = sys.argv.index("--setup")
        setup(app, int(sys.argv[position + 1]), int(sys.argv[position + 2]))  # noqa
    else:
        main()
