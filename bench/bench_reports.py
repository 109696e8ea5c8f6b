"""Benchmark: registers, statistics and the advanced search on many
documents. Prints p50/p95 in milliseconds.

Run under zconsole against a throw-away instance (as ``make bench``):

    .venv/bin/python scripts/instance.py --var bench/var --port 8099
    .venv/bin/zconsole run bench/var/instance/etc/zope.conf bench/bench_reports.py \
        [--count 20000] [--repeat 10]

Adds ``--count`` incoming documents to Sở KH&CN (on the site ``bench``, made
with the demo data when missing), arriving evenly over the last year: each
registered; one in two assigned to a unit with a deadline; of those, one in
three completed on time, one in three completed late, one in three open
(half of them overdue). Then it times, as the people who would run them:

* the incoming register of the last full month, every row built (page);
* the register of the whole year, first screen (500 rows) and the count;
* the follow-up register of the last month;
* the statistics of the agency for the year (by type, urgency, unit,
  person) and of one unit;
* the advanced search on a signer, folded.

An interrupted run resumes: documents already there count.
"""

from AccessControl.SecurityManagement import newSecurityManager
from datetime import timedelta
from DateTime import DateTime
from phutho.intranet.content.storage import add_document
from phutho.intranet.dates import now
from phutho.intranet.dates import today
from phutho.intranet.numbering.api import next_number
from phutho.intranet.reports import periods
from phutho.intranet.reports.registers import register_table
from phutho.intranet.reports.scopes import Scope
from phutho.intranet.search.advanced import search
from phutho.intranet.sitesetup import ensure_site
from phutho.intranet.workflow.assignment import close_all
from phutho.intranet.workflow.assignment import make_entry
from phutho.intranet.workflow.assignment import replace_assignments
from phutho.intranet.workflow.history import record
from phutho.intranet.workflow.localroles import update_local_roles
from plone import api
from zope.component.hooks import setSite

import argparse
import random
import statistics
import sys
import time
import transaction

TYPES = ("cong-van", "quyet-dinh", "ke-hoach", "bao-cao", "thong-bao", "giay-moi")
SIGNERS = ("Nguyễn Văn An", "Trần Thị Bình", "Lê Quang Cường", "Phạm Thu Dung")


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--count", type=int, default=20_000)
    parser.add_argument("--repeat", type=int, default=10)
    parser.add_argument("--seed", type=int, default=12)
    script = next(i for i, a in enumerate(sys.argv) if a.endswith("bench_reports.py"))
    return parser.parse_args(sys.argv[script + 1 :])


def as_user(site, user_id):
    acl = site.acl_users
    newSecurityManager(None, acl.getUserById(user_id).__of__(acl))


def set_state(document, state, actor):
    """Put the document in ``state`` as the workflow would have."""
    wftool = api.portal.get_tool("portal_workflow")
    wftool.setStatusOf(
        "phutho_incoming_workflow",
        document,
        {
            "review_state": state,
            "action": None,
            "actor": actor,
            "comments": "",
            "time": DateTime(),
        },
    )
    wftool.getWorkflowById("phutho_incoming_workflow").updateRoleMappingsFor(document)


def create(site, agency, start, total, rng):
    """Documents with the data a year of work leaves: numbered in the
    register, assigned with deadlines, completed (on time or late) or
    overdue, with their history entries. Written directly (numbers from
    the register's counter, states set as the workflow sets them) rather
    than through every transition, so that a large fixture takes minutes:
    the queries measured read only what this leaves."""
    register = agency["so-den"]
    units = [agency["cntt"].UID(), agency["vp"].UID()]
    began = time.time()
    as_user(site, "vanthu.sokhcn")
    for serial in range(start, total):
        when = now() - timedelta(days=365) + timedelta(days=365) * serial / total
        doc = add_document(
            agency,
            "IncomingDocument",
            when,
            arrival_date=when.replace(tzinfo=None),
            title=f"Văn bản thử số {serial}",
            document_type=rng.choice(TYPES),
            sender_name="Sở Tài chính",
            sender_organ_id="000.00.12.H43",
            number_symbol=f"{serial + 1}/STC-NS",
            document_date=(when - timedelta(days=2)).date(),
            signer_name=rng.choice(SIGNERS),
            urgency=rng.choice(("normal", "normal", "urgent")),
        )
        doc.register = register.UID()
        doc.arrival_number = next_number(register, when.year)
        record(doc, "register", actor="vanthu.sokhcn", state="registered")
        state = "registered"
        if serial % 2 == 0:
            kind = serial % 6
            deadline = (when + timedelta(days=10)).date()
            if kind == 4:
                deadline = today() - timedelta(days=3)  # overdue
            elif kind == 0:
                deadline = max(deadline, today() + timedelta(days=1))
            entry = make_entry(
                "lead",
                "unit",
                rng.choice(units),
                deadline,
                assigned_by="lanhdao.sokhcn",
            )
            replace_assignments(doc, [entry])
            record(doc, "assign", actor="lanhdao.sokhcn", state="assigned")
            state = "assigned"
            if kind in (0, 2):  # completed: on time (0) or late (2)
                close_all(doc, completion=True)
                record(doc, "complete", actor="truongphong.sokhcn", state="completed")
                state = "completed"
        set_state(doc, state, "vanthu.sokhcn")
        update_local_roles(doc, reindex=False)
        doc.reindexObject()
        if (serial + 1) % 200 == 0:
            transaction.commit()
            site._p_jar.cacheGC()
            rate = (serial + 1 - start) / max(time.time() - began, 1e-9)
            sys.stderr.write(f"\r{serial + 1}/{total} {rate:.1f} docs/s")
    transaction.commit()
    sys.stderr.write("\n")


def timed(repeat, query):
    durations = []
    result = None
    for _i in range(repeat):
        begin = time.perf_counter()
        result = query()
        durations.append((time.perf_counter() - begin) * 1000)
    durations.sort()
    p95 = durations[min(len(durations) - 1, int(round(0.95 * len(durations))) - 1)]
    return statistics.median(durations), p95, result


def main(app):
    args = parse_args()
    rng = random.Random(args.seed)
    site, _created = ensure_site(app, "bench")
    setSite(site)
    agency = site["co-quan"]["so-khcn"]
    catalog = api.portal.get_tool("portal_catalog")
    have = len(
        catalog.unrestrictedSearchResults(
            portal_type="IncomingDocument",
            path="/".join(agency.getPhysicalPath()),
            Title="thử",
        )
    )
    if have < args.count:
        create(site, agency, have, args.count, rng)
    register = agency["so-den"]
    last = today().replace(day=1) - timedelta(days=1)
    month = periods.month(last.year, last.month)
    year = periods.date_range(today() - timedelta(days=365), today())
    queries = (
        (
            "register, last month, every row",
            "vanthu.sokhcn",
            lambda: register_table(register, month).total,
        ),
        (
            "register, one year, first 500 rows",
            "vanthu.sokhcn",
            lambda: register_table(register, year, limit=500).total,
        ),
        (
            "follow-up register, last month",
            "vanthu.sokhcn",
            lambda: register_table(register, month, "followup").total,
        ),
        (
            "statistics, agency, one year",
            "lanhdao.sokhcn",
            lambda: Scope(agency).compute(year)["total"]["received"],
        ),
        (
            "statistics, unit, one year",
            "lanhdao.sokhcn",
            lambda: Scope(agency["cntt"]).compute(year)["total"]["received"],
        ),
        (
            "advanced search, signer folded",
            "vanthu.sokhcn",
            lambda: len(search({"signer": "nguyen van an"}, site)[0]),
        ),
    )
    print(f"{args.count} documents; p50 / p95 in ms over {args.repeat} runs")
    for name, user_id, query in queries:
        as_user(site, user_id)
        p50, p95, result = timed(args.repeat, query)
        print(f"{name:40} {p50:9.1f} {p95:9.1f}   ({result})")
    transaction.abort()


main(app)  # noqa: F821 (zconsole binds app)
