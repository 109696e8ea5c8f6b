"""The size curve: documents imported into the cluster, measured as it grows.

    .venv/bin/python bench/size_curve.py --steps 10000,100000,300000,1000000 \\
        [--agencies 180] [--years 2021-2025] [--hours 1.5] [--chunk 5000] \\
        [--queries 40] [--write docs/performance.md]

Starts ``make cluster``'s cluster (PostgreSQL, 2 instances on history-free
RelStorage, HAProxy) in ``--var`` (kept between runs: a second run goes on
from the documents already there), adds commune committees until the site
has ``--agencies`` agencies (``bench/curve_agencies.py``), writes a legacy
export of ``max(steps)`` documents spread over the agencies and the years
(``bench/legacy_corpus.py``: 4 in 5 incoming, ~25 KB PDFs) and imports it
with ``phutho-import`` in chunks (``--chunk``), oldest first, while the instances serve.
At each step it measures through HAProxy, as Sở KH&CN's clerk, the p50 and
p95 of the dashboard, a register month and a full-text search (sequential
requests, ``--queries`` of each after a warm-up), and records the import rate of the chunks
before it, the database's size (blobs included: RelStorage keeps them in
PostgreSQL), the instances' blob caches and their memory (RSS).

Each step's figures are appended to ``VAR/results.json`` as soon as they
are measured; ``--hours`` stops importing when the time is up and measures
where it stopped, so a step that could not be reached shows as such.
"""

from datetime import datetime
from pathlib import Path

import argparse
import csv
import json
import os
import re
import statistics
import subprocess
import sys
import time

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
BIN = Path(sys.executable).parent
sys.path.insert(0, str(HERE))

import legacy_corpus  # noqa: E402
import perf_suite  # noqa: E402
import requests  # noqa: E402

CLERK, PASSWORD = perf_suite.CLERK, perf_suite.PASSWORD
AGENCY = perf_suite.AGENCY
WARM_UP = 5


def say(text):
    print(f"[{datetime.now():%H:%M:%S}] {text}", flush=True)


def corpus_slices(corpus, total, chunk, agencies, years):
    """The export of ``total`` documents, cut into CSVs of ``chunk`` rows
    (the PDFs shared in ``files/``); returns their paths, oldest first."""
    slices = sorted(corpus.glob("slice-*.csv"))
    if slices:
        return slices
    pdfs = legacy_corpus.make_pdfs(corpus / "files", 50)
    rows = legacy_corpus.rows(total, agencies, years, pdfs)
    slices, stream, writer = [], None, None
    for index, row in enumerate(rows):
        if index % chunk == 0:
            if stream:
                stream.close()
            path = corpus / f"slice-{index // chunk:04d}.csv"
            slices.append(path)
            stream = open(path, "w", encoding="utf-8", newline="")
            writer = csv.DictWriter(stream, legacy_corpus.CSV_COLUMNS)
            writer.writeheader()
        writer.writerow(row)
    if stream:
        stream.close()
    return slices


def percentiles(session, url, params=None, queries=40):
    """p50 and p95 (ms) of ``queries`` sequential GETs of ``url``."""
    for _i in range(WARM_UP):
        session.get(url, params=params, timeout=120).raise_for_status()
    times = []
    for _i in range(queries):
        started = time.perf_counter()
        answer = session.get(url, params=params, timeout=120)
        times.append((time.perf_counter() - started) * 1000)
        answer.raise_for_status()
    times.sort()
    return round(statistics.median(times), 1), round(
        times[int(0.95 * len(times)) - 1], 1
    )


def measure(cluster, documents, last_month, rates, queries):
    """The figures of one step (see the module's docstring)."""
    session = requests.Session()
    session.auth = (CLERK, PASSWORD)
    site = cluster.url
    before = os.getloadavg()[0]
    register = f"{site}/co-quan/{AGENCY}/so-den"
    month = {"period": "month", "year": last_month[0], "month": last_month[1]}
    json_session = requests.Session()
    json_session.auth = session.auth
    json_session.headers["Accept"] = "application/json"
    search = f"{site}/@search"
    figures = {
        "documents": documents,
        "at": f"{datetime.now():%d/%m/%Y %H:%M}",
        "import_rate": round(statistics.mean(rates), 1) if rates else None,
        "dashboard": percentiles(
            session, f"{site}/@@documents-dashboard", queries=queries
        ),
        "register_month": percentiles(session, register, month, queries),
        "full_text": percentiles(
            json_session,
            search,
            {"SearchableText": "ngan sach", "b_size": 25},
            queries,
        ),
    }
    found = json_session.get(
        search, params={"SearchableText": "ngan sach", "b_size": 1}, timeout=120
    ).json()["items_total"]
    figures["full_text_hits"] = found
    figures["load"] = round((before + os.getloadavg()[0]) / 2, 1)
    figures.update(sizes(cluster))
    return figures


def sizes(cluster):
    """Database size, blob caches and the instances' memory."""
    state = cluster.state
    import psycopg2

    result = {}
    with psycopg2.connect(state["postgres"]["dsn"]) as connection:
        with connection.cursor() as cursor:
            cursor.execute(
                "select pg_database_size(current_database()), "
                "coalesce(pg_total_relation_size(to_regclass('blob_chunk')), 0) "
                "+ pg_total_relation_size('pg_largeobject')"
            )
            total, blobs = cursor.fetchone()
    result["database_mb"] = round(total / 2**20)
    result["blobs_mb"] = round(blobs / 2**20)
    memory, caches = [], []
    for instance in state["instances"]:
        status = Path(f"/proc/{instance['pid']}/status")
        if status.exists():
            for line in status.read_text().splitlines():
                if line.startswith("VmRSS:"):
                    memory.append(round(int(line.split()[1]) / 1024))
        cache = cluster.var / instance["name"] / "var" / "blobcache"
        if cache.exists():
            caches.append(
                round(
                    sum(p.stat().st_size for p in cache.rglob("*") if p.is_file())
                    / 2**20
                )
            )
    result["rss_mb"] = memory
    result["blob_cache_mb"] = caches
    return result


def import_chunk(cluster, path):
    """``phutho-import`` of one slice; returns how many of its documents
    are in the site now, and the rate of those it imported (documents/s)."""
    zope_conf = cluster.var / "instance1" / "etc" / "zope.conf"
    started = time.monotonic()
    done = subprocess.run(
        [BIN / "phutho-import", zope_conf, path, "--quiet", "--batch", "500"],
        capture_output=True,
        text=True,
        env=cluster.env,
        cwd=ROOT,
    )
    seconds = time.monotonic() - started
    if done.returncode:
        raise RuntimeError(f"phutho-import {path}: {done.stdout}{done.stderr}")
    found = re.search(r"Imported (\d+) documents.*?(\d+) were already", done.stdout)
    say(f"  {path.name}: {done.stdout.strip().splitlines()[0]}")
    imported, before = (int(n) for n in found.groups()) if found else (0, 0)
    # Those already there: imported by a run that was interrupted.
    return imported + before, imported / seconds if seconds else 0


def report(results):
    """The Markdown table of ``results``."""
    lines = [
        "| documents | import rate (docs/s) | dashboard p50/p95 ms | register month "
        "p50/p95 ms | full text p50/p95 ms | database MB (blobs) | memory per "
        "instance MB | load |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for r in results:
        lines.append(
            f"| {r['documents']:,} | {r['import_rate'] or '–'} | "
            f"{r['dashboard'][0]}/{r['dashboard'][1]} | "
            f"{r['register_month'][0]}/{r['register_month'][1]} | "
            f"{r['full_text'][0]}/{r['full_text'][1]} | "
            f"{r.get('database_mb', '?')} ({r.get('blobs_mb', '?')}) | "
            f"{', '.join(map(str, r['rss_mb']))} | {r['load']} |"
        )
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0],
        epilog=__doc__.split("\n\n", 1)[1],
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--var", default=str(ROOT / "bench" / "var" / "curve"))
    parser.add_argument("--steps", default="10000,100000,300000,1000000")
    parser.add_argument("--agencies", type=int, default=180)
    parser.add_argument("--years", default="2021-2025")
    parser.add_argument("--hours", type=float, default=48.0)
    parser.add_argument("--chunk", type=int, default=5000)
    parser.add_argument("--queries", type=int, default=40)
    parser.add_argument("--write", help="update this Markdown file's size-curve block")
    args = parser.parse_args()
    from phutho.intranet.testing_cluster import RunningCluster

    steps = sorted(int(s) for s in args.steps.split(","))
    if any(step % args.chunk for step in steps):
        parser.error(f"the steps are multiples of --chunk ({args.chunk})")
    first, last = (int(y) for y in args.years.split("-"))
    var = Path(args.var).resolve()
    var.mkdir(parents=True, exist_ok=True)
    os.chmod(var, 0o755)
    deadline = time.monotonic() + args.hours * 3600
    results_path = var / "results.json"
    results = json.loads(results_path.read_text()) if results_path.exists() else []
    cluster = RunningCluster(var, instances=2, workers=0, mailin=False)
    say("Starting the cluster (PostgreSQL, 2 instances on RelStorage, HAProxy)")
    cluster.start()
    try:
        zope_conf = cluster.var / "instance1" / "etc" / "zope.conf"
        out = perf_suite.run(
            [BIN / "zconsole", "run", zope_conf, HERE / "curve_agencies.py"]
            + [str(args.agencies)],
            env=cluster.env,
        )
        agencies = out.strip().splitlines()[-1].split(",")
        say(f"{len(agencies)} agencies")
        corpus = var / f"corpus-{steps[-1]}-{args.chunk}-{len(agencies)}"
        slices = corpus_slices(corpus, steps[-1], args.chunk, agencies, (first, last))
        progress_path = corpus / "progress.json"  # what of this export is in
        progress = (
            json.loads(progress_path.read_text())
            if progress_path.exists()
            else {"done": [], "documents": 0}
        )
        rates = []

        def record(step):
            """Measure now; ``step`` None: where the import stopped."""
            figures = measure(
                cluster,
                progress["documents"],
                progress["last_month"],
                rates,
                args.queries,
            )
            figures["step"] = step
            say(f"  {figures}")
            results.append(figures)
            results_path.write_text(json.dumps(results, indent=1))
            rates.clear()

        for path in slices:
            if path.name in progress["done"]:
                continue
            if time.monotonic() > deadline:
                say("Time is up: measuring where the import stopped")
                if rates:
                    record(None)
                break
            present, rate = import_chunk(cluster, path)
            rates.append(rate)
            progress["done"].append(path.name)
            progress["documents"] += present
            with open(path, encoding="utf-8") as stream:
                last_row = list(csv.DictReader(stream))[-1]
            date = last_row.get("arrival_date") or last_row.get("issued_date")
            progress["last_month"] = [int(date[6:10]), int(date[3:5])]
            progress_path.write_text(json.dumps(progress))
            reached = len(progress["done"]) * args.chunk
            if reached in steps:
                say(f"Step {reached:,}: measuring")
                record(reached)
    finally:
        say("Stopping the cluster")
        cluster.stop()
    text = (
        f"Measured by `bench/size_curve.py` ({args.agencies} agencies, years "
        f"{args.years}, 2 instances on RelStorage behind HAProxy; p50/p95 of "
        f"{args.queries} sequential requests as Sở KH&CN's clerk; import rate: "
        f"`phutho-import` in chunks of {args.chunk:,}, mean of the chunks since "
        "the step before).\n\n" + report(results)
    )
    print(text)
    if args.write:
        perf_suite.write_report(args.write, "size-curve", text)


if __name__ == "__main__":
    sys.exit(main())
