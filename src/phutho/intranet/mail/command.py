"""``phutho-digest``: send today's digests (cron runs it once a day).

    phutho-digest [--config var/mailin.cfg] [--url URL] [--date YYYY-MM-DD]
                  [--batch 200]

Calls the portal's ``POST /@mail-digest`` with the service account of the
config file's ``[portal]`` section (the same file as ``phutho-mailin``)
until every person is served. Safe to run again: a person gets one digest
a day, so a second run the same day sends nothing, and a run interrupted
half-way continues where it stopped. Exit status 0 when done, 1 when the
portal could not be reached or refused.
"""

from phutho.intranet.mailin.main import read_config

import argparse
import logging
import os
import requests
import sys
import time

logger = logging.getLogger("phutho.intranet.mail")

RETRIES = 5


def run(url, auth, day=None, batch=200, timeout=600):
    """Call ``@mail-digest`` until nothing remains; the summed counts."""
    session = requests.Session()
    session.auth = auth
    session.headers["Accept"] = "application/json"
    totals = {"date": day, "sent": 0, "skipped": 0, "calls": 0}
    body = {"limit": batch}
    if day:
        body["date"] = day
    failures = 0
    while True:
        try:
            response = session.post(
                f"{url.rstrip('/')}/@mail-digest", json=body, timeout=timeout
            )
        except requests.RequestException as error:
            response, reason = None, str(error)
        else:
            reason = f"{response.status_code} {response.text[:300]}"
        if response is None or response.status_code >= 500:
            failures += 1
            if failures > RETRIES:
                raise RuntimeError(f"portal unavailable: {reason}")
            time.sleep(2 * failures)
            continue
        if response.status_code != 200:
            raise RuntimeError(f"portal refused: {reason}")
        failures = 0
        answer = response.json()
        totals["date"] = answer["date"]
        totals["sent"] += answer["sent"]
        totals["skipped"] += answer["skipped"]
        totals["calls"] += 1
        body["date"] = answer["date"]  # one day even across midnight
        if not answer["remaining"]:
            return totals


def main(argv=None):
    parser = argparse.ArgumentParser(prog="phutho-digest", description=__doc__)
    parser.add_argument("--config", default=os.environ.get("MAILIN_CONFIG"))
    parser.add_argument("--url", help="the site's URL (else [portal] url)")
    parser.add_argument("--date", help="the day (YYYY-MM-DD); today by default")
    parser.add_argument("--batch", type=int, default=200)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO)
    config = read_config(args.config)
    portal = config["portal"] if config.has_section("portal") else {}
    url = args.url or portal.get("url")
    if not url:
        parser.error("give --url or a config file with [portal] url")
    auth = (portal["user"], portal["password"]) if portal.get("user") else None
    started = time.monotonic()
    try:
        totals = run(url, auth, day=args.date, batch=args.batch)
    except RuntimeError as error:
        print(f"phutho-digest: {error}", file=sys.stderr)
        return 1
    print(
        f"Digest of {totals['date']}: {totals['sent']} sent, "
        f"{totals['skipped']} skipped, {totals['calls']} call(s), "
        f"{time.monotonic() - started:.1f} s"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
