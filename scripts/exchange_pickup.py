"""Pick up the edXML exchange folders: relay outboxes, import inboxes.

Each agency's inbox folder (``<root>/<OrganId>/inbox/``, the root being
the registry's ``phutho.intranet.exchange.directory`` or the instance's
``PHUTHO_EXCHANGE_DIR``) is imported file by file, each in a transaction of
its own; a file goes to ``done/`` or ``error/`` with a ``.report.json``
beside it, and is imported once even when two pickups run at once. Then
held outbox items are handed to their transport again. See
docs/exchange.md.

Through the running portal (REST, as a Manager) - what ``make run`` and
cron use; the password comes from ``--password-file``,
``EXCHANGE_PICKUP_PASSWORD`` or ``ADMIN_PASSWORD``::

    python scripts/exchange_pickup.py --url http://localhost:8080/Plone \\
        --user admin [--every 60] [--limit 100] [--json]

In-process, with the database (ZEO, RelStorage, or a stopped FileStorage
instance)::

    zconsole run var/instance/etc/zope.conf scripts/exchange_pickup.py \\
        [--site Plone] [--limit 100] [--json]

Prints one line per file (``agency file status [element] message``) and a
summary; exits 0 when the pickup ran (refused files are reported, not
errors), 1 when the portal could not be reached or refused the request.
"""

import argparse
import json
import logging
import os
import signal
import sys
import time

logger = logging.getLogger("phutho.intranet.exchange")

TIMEOUT = 600
# zconsole runs the script without __file__.
SCRIPT = "exchange_pickup.py"


def parse_args(argv):
    parser = argparse.ArgumentParser(
        description="Import the edXML exchange folders of every agency."
    )
    parser.add_argument("--url", help="the site, e.g. http://localhost:8080/Plone")
    parser.add_argument("--user", default="admin", help="a Manager of the site")
    parser.add_argument("--password-file", help="file whose first line is it")
    parser.add_argument("--site", default="Plone", help="site id (in-process)")
    parser.add_argument("--limit", type=int, help="files per run at most")
    parser.add_argument(
        "--every", type=float, help="run again every N seconds until stopped"
    )
    parser.add_argument("--json", action="store_true", help="print the report")
    return parser.parse_args(argv)


def script_args():
    """Our arguments: under zconsole argv is [zconsole, run, zope.conf,
    this script, args...]."""
    for index, arg in enumerate(sys.argv):
        if os.path.basename(arg) == SCRIPT:
            return sys.argv[index + 1 :]
    return sys.argv[1:]


def password(args):
    if args.password_file:
        with open(args.password_file, encoding="utf-8") as stream:
            return stream.readline().strip()
    found = os.environ.get("EXCHANGE_PICKUP_PASSWORD") or os.environ.get(
        "ADMIN_PASSWORD"
    )
    if not found:
        raise SystemExit(
            "exchange_pickup: no password (--password-file, "
            "EXCHANGE_PICKUP_PASSWORD or ADMIN_PASSWORD)"
        )
    return found


def summary(report):
    """Lines describing ``report`` (see exchange/pickup.py)."""
    lines = [f"relayed {path}" for path in report.get("relayed", ())]
    counts = {}
    for item in report.get("imported", ()):
        counts[item["status"]] = counts.get(item["status"], 0) + 1
        detail = item.get("document") or " ".join(
            part
            for part in (item.get("error"), item.get("element"), item.get("message"))
            if part
        )
        lines.append(f"{item['agency']} {item['file']} {item['status']} {detail}")
    totals = ", ".join(f"{n} {status}" for status, n in sorted(counts.items()))
    lines.append(
        f"pickup: {len(report.get('imported', ()))} files ({totals or 'none'}), "
        f"{report.get('left', 0)} left, {report.get('retried', 0)} outbox items sent"
    )
    return lines


def run_rest(args, session):
    """One pickup through ``POST <site>/@exchange-pickup``; the report."""
    import requests

    params = {"limit": args.limit} if args.limit else None
    try:
        response = session.post(
            args.url.rstrip("/") + "/@exchange-pickup",
            params=params,
            headers={"Accept": "application/json"},
            timeout=TIMEOUT,
        )
    except requests.RequestException as error:
        raise PortalUnreachable(str(error))
    if response.status_code != 200:
        raise PortalUnreachable(f"HTTP {response.status_code}: {response.text[:300]}")
    return response.json()


class PortalUnreachable(Exception):
    """The portal could not be reached, or refused the request."""


def run_in_process(app, site_id="Plone", limit=None):
    """One pickup with the database (``app`` from zconsole); the report."""
    from AccessControl.SecurityManagement import newSecurityManager
    from AccessControl.SecurityManagement import noSecurityManager
    from AccessControl.SpecialUsers import system
    from phutho.intranet.exchange.pickup import pickup
    from Testing.makerequest import makerequest
    from zope.component.hooks import getSite
    from zope.component.hooks import setSite

    app = makerequest(app)
    site = app[site_id]
    previous = getSite()
    setSite(site)
    newSecurityManager(None, system)
    try:
        return pickup(site, commit=True, limit=limit)
    finally:
        noSecurityManager()
        setSite(previous)


def show(args, report):
    if args.json:
        print(json.dumps(report, ensure_ascii=False, indent=2), flush=True)
    else:
        for line in summary(report):
            print(line, flush=True)


def main(app=None):
    args = parse_args(script_args())
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s"
    )
    if app is None and not args.url:
        raise SystemExit("exchange_pickup: --url, or run it under zconsole")
    stop = []
    signal.signal(signal.SIGTERM, lambda *_: stop.append(True))
    session = None
    if app is None:
        import requests

        session = requests.Session()
        session.auth = (args.user, password(args))
    status, failing = 0, False
    while not stop:
        try:
            if app is None:
                report = run_rest(args, session)
            else:
                report = run_in_process(app, args.site, args.limit)
            show(args, report)
            status, failing = 0, False
        except PortalUnreachable as error:
            # At `make run` the portal may still be starting: said once,
            # retried.
            if not failing:
                print(f"exchange_pickup: {error}", file=sys.stderr, flush=True)
            status, failing = 1, bool(args.every)
        if not args.every:
            break
        deadline = time.monotonic() + args.every
        while not stop and time.monotonic() < deadline:
            time.sleep(min(1.0, args.every))
    return status


if __name__ == "__main__":
    # zconsole run binds ``app``; plain python has none.
    sys.exit(main(globals().get("app")))
