"""Benchmark: 100k documents in one agency; creation rate and query latency.

Run under zconsole against a throw-away instance (``make bench`` does it):

    .venv/bin/zconsole run bench/var/instance/etc/zope.conf bench/bench_documents.py \
        [--count 100000] [--checkpoints 1000,10000,100000] [--repeat 50]

Creates (or reuses) the site ``bench`` with the demo data, then adds
incoming documents to Sở KH&CN the way clerks do: created, registered (a
real register number), and one in four assigned to a unit and re-assigned
to one specialist; one transaction per document, as one request each. Arrivals are spread evenly over the last two years, so
documents are filed in 24 month folders as they would be in production. Commits every ``--batch`` documents. At each checkpoint
it prints p50/p95 of the queries dashboards and registers run, each as the
user who would run it (catalog security included):

* pending: one specialist's open assignments;
* register month: one register's entries for the current month, by number;
* full text: a diacritic-free search over subjects and file texts.

An interrupted run resumes: the documents already in the agency count
towards the checkpoints (``--checkpoints 100000`` measures only at the end).
"""

from AccessControl.SecurityManagement import newSecurityManager
from AccessControl.SecurityManagement import noSecurityManager
from datetime import timedelta
from DateTime import DateTime
from phutho.intranet.content.storage import add_document
from phutho.intranet.dates import now
from phutho.intranet.dates import today
from phutho.intranet.sitesetup import ensure_site
from phutho.intranet.workflow.api import do_transition
from plone import api

import argparse
import random
import statistics
import sys
import time
import transaction

WORDS = (
    "quyết định kế hoạch báo cáo tình hình triển khai đường giao thông nông thôn "
    "chuyển đổi số công chức viên chức ngân sách đầu tư xây dựng trường học bệnh viện "
    "phòng chống thiên tai an toàn thông tin thủ tục hành chính cải cách dịch vụ công "
    "trực tuyến tuyển dụng đào tạo bồi dưỡng thi đua khen thưởng môi trường đất đai"
).split()
TYPES = (
    "cong-van",
    "quyet-dinh",
    "ke-hoach",
    "bao-cao",
    "thong-bao",
    "giay-moi",
    "to-trinh",
)
SENDERS = (
    ("UBND tỉnh Phú Thọ", "000.00.00.H43", "UBND"),
    ("Văn phòng Chính phủ", "000.00.00.G22", "VPCP"),
    ("Sở Tài chính", "000.00.12.H43", "STC"),
    ("Sở Nội vụ", "000.00.08.H43", "SNV"),
)


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--count", type=int, default=100_000)
    parser.add_argument("--checkpoints", default="1000,10000,100000")
    parser.add_argument("--repeat", type=int, default=50)
    parser.add_argument(
        "--batch", type=int, default=500, help="progress and cache GC every N"
    )
    parser.add_argument("--seed", type=int, default=30)
    # Under zconsole, argv is [zconsole, run, zope.conf, this script, args...].
    script = next(i for i, a in enumerate(sys.argv) if a.endswith("bench_documents.py"))
    return parser.parse_args(sys.argv[script + 1 :])


def progress(done, total, started, first=0, width=40):
    """Draw the bar; the rate counts only documents made by this run."""
    rate = (done - first) / max(time.time() - started, 1e-9)
    filled = int(width * done / total)
    bar = "#" * filled + "." * (width - filled)
    sys.stderr.write(f"\r[{bar}] {done:>7}/{total} {rate:7.1f} docs/s")
    sys.stderr.flush()


def as_user(app, user_id):
    acl = app.bench.acl_users
    newSecurityManager(None, acl.getUserById(user_id).__of__(acl))


def make_document(agency, serial, when, rng):
    """One incoming document arriving at ``when`` (filed in that month)."""
    sender, organ_id, abbreviation = rng.choice(SENDERS)
    words = rng.sample(WORDS, 8)
    if serial % 100 == 0:
        words = ["Quyết", "định", "sửa", "chữa", "đường"] + words
    return add_document(
        agency,
        "IncomingDocument",
        when,
        arrival_date=when.replace(tzinfo=None),
        title=" ".join(words).capitalize(),
        document_type=rng.choice(TYPES),
        sender_name=sender,
        sender_organ_id=organ_id,
        number_symbol=f"{serial}/{abbreviation}-VP",
        document_date=(when - timedelta(days=rng.randint(0, 20))).date(),
        urgency=rng.choice(("normal", "normal", "normal", "urgent")),
    )


def arrival(serial, total):
    """Documents arrive evenly over the two years before now, in order."""
    span = timedelta(days=730)
    return now() - span + span * (serial / total)


def create(app, agency, start, stop, total, started, first, args, rng):
    unit_uid = agency["cntt"].UID()
    deadline = (today() + timedelta(days=15)).isoformat()
    for serial in range(start, stop):
        as_user(app, "vanthu.sokhcn")
        doc = make_document(agency, serial + 1, arrival(serial, total), rng)
        do_transition(doc, "register")
        if serial % 4 == 0:
            do_transition(doc, "submit")
            as_user(app, "lanhdao.sokhcn")
            lead = {"kind": "unit", "id": unit_uid, "deadline": deadline}
            do_transition(doc, "assign", data={"lead": lead})
            as_user(app, "truongphong.sokhcn")
            do_transition(doc, "reassign", data={"handler": "chuyenvien.sokhcn"})
        transaction.commit()  # one transaction per document, as one request each
        if (serial + 1) % args.batch == 0:
            app._p_jar.cacheGC()
            progress(serial + 1, total, started, first)
    progress(stop, total, started, first)
    sys.stderr.write("\n")


def timed(repeat, query):
    durations = []
    for i in range(repeat):
        begin = time.perf_counter()
        result = query()
        durations.append((time.perf_counter() - begin) * 1000)
    durations.sort()
    p95 = durations[min(len(durations) - 1, int(round(0.95 * len(durations))) - 1)]
    return statistics.median(durations), p95, result


def measure(app, agency, latest, args):
    """Time the typical queries; the month listed is that of ``latest``,
    the last arrival so far."""
    catalog = api.portal.get_tool("portal_catalog")
    register_uid = agency["so-den"].UID()
    month_start = latest.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    month_end = (month_start + timedelta(days=32)).replace(day=1)
    month = {
        "query": [DateTime(month_start.isoformat()), DateTime(month_end.isoformat())],
        "range": "min:max",
    }
    user = api.user.get(userid="chuyenvien.sokhcn")
    principals = ["chuyenvien.sokhcn"] + [
        g.getId() for g in api.group.get_groups(user=user)
    ]
    queries = {
        "pending (specialist)": (
            "chuyenvien.sokhcn",
            lambda: len(
                catalog(
                    assignees=principals,
                    review_state=["assigned", "in_progress"],
                    sort_on="deadline",
                    sort_limit=50,
                )[:50]
            ),
        ),
        "register month (clerk)": (
            "vanthu.sokhcn",
            lambda: len(
                catalog(
                    register_uid=register_uid,
                    arrival_date=month,
                    sort_on="register_number",
                    sort_limit=100,
                )[:100]
            ),
        ),
        "full text 'quyet dinh duong' (clerk)": (
            "vanthu.sokhcn",
            lambda: len(catalog(SearchableText="quyet dinh duong", sort_limit=50)[:50]),
        ),
    }
    rows = []
    for name, (user_id, query) in queries.items():
        as_user(app, user_id)
        p50, p95, found = timed(args.repeat, query)
        rows.append((name, p50, p95, found))
    noSecurityManager()
    return rows


def main(app):
    args = parse_args()
    rng = random.Random(args.seed)
    checkpoints = sorted(
        int(c) for c in args.checkpoints.split(",") if int(c) <= args.count
    )
    site, created = ensure_site(app, site_id="bench", demo=True)
    agency = site["co-quan"]["so-khcn"]
    catalog = api.portal.get_tool("portal_catalog")
    existing = len(
        catalog.unrestrictedSearchResults(
            portal_type="IncomingDocument", path="/".join(agency.getPhysicalPath())
        )
    )
    print(f"Site bench: {existing} incoming documents in so-khcn before the run")
    started = time.time()
    done = existing
    for checkpoint in checkpoints:
        if checkpoint > done:
            phase = time.time()
            create(
                app, agency, done, checkpoint, args.count, started, existing, args, rng
            )
            rate = (checkpoint - done) / (time.time() - phase)
            print(
                f"\n== {checkpoint} documents (created {checkpoint - done} at {rate:.1f} docs/s)"
            )
            done = checkpoint
        else:
            print(f"\n== {checkpoint} documents (already there)")
        latest = arrival(checkpoint - 1, args.count)
        for name, p50, p95, found in measure(app, agency, latest, args):
            print(
                f"  {name:<42} p50 {p50:8.2f} ms   p95 {p95:8.2f} ms   ({found} results)"
            )
        biggest = max(
            len(m)
            for y in agency["van-ban-den"].objectValues()
            for m in y.objectValues()
        )
        print(f"  largest month folder: {biggest} items")
    total = time.time() - started
    print(f"\nTotal {done - existing} documents in {total:.0f} s")


main(app)  # noqa: F821 -- zconsole binds ``app``
# Close the database so FileStorage saves its index; otherwise the next start
# rebuilds it by reading the whole Data.fs (minutes for a large one).
app._p_jar.db().close()  # noqa: F821
