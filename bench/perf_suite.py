"""The perf suite: the portal against stock Plone 6.2.2, paired runs.

    .venv/bin/python bench/perf_suite.py [--var bench/var/perf] [--documents 1000]
        [--rounds 3] [--duration 10] [--connections 4] [--only NAME ...]
        [--no-cluster] [--write docs/performance.md]

Builds (once, in --var) stock Plone 6.2.2 from constraints.txt in a venv of
its own with a classic site (bench/stock_site.py: --documents Documents in
month folders, news, a member), and the portal as ``make run`` has it (one
waitress process, 4 threads, FileStorage; the demo site and --documents
documents imported with phutho-import into one agency over ten months);
starts both side by side and measures each pair of pages with wrk
(Debian's), ours then stock's, --rounds times, keeping the median of the
requests per second: anonymous and authenticated front page, a document
page, the dashboard (stock: its News listing), a register month (stock: a
month folder's listing), @search full text and by field, REST GET of a
document; then create+register through REST (stock: create+publish) from
4 clients. On the cluster (scripts/cluster.py, RelStorage, HAProxy):
numbering in one register, 2 instances x 8 clients, 500 registrations
(errors, duplicates, gaps, rate), and 1 vs 2 instances on a read-mostly
load. Prints the ratios ours/stock with the machine's load, and writes
them into --write between the perf-suite markers.
"""

from pathlib import Path

import argparse
import base64
import datetime
import json
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import threading
import time

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "bench"))

import legacy_corpus  # noqa: E402
import requests  # noqa: E402

PASSWORD = "PhuTho@2026"
STOCK_PASSWORD = "Thanh-Vien-2026"
AGENCY = "so-khcn"
CLERK = "vanthu.sokhcn"
MARKS = "<!-- perf-suite:{name}:begin -->", "<!-- perf-suite:{name}:end -->"


def say(text):
    print(text, flush=True)


def load():
    return os.getloadavg()[0]


def free_port():
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def run(command, env=None, cwd=ROOT, timeout=7200):
    done = subprocess.run(
        [str(c) for c in command],
        cwd=cwd,
        env=env or dict(os.environ, TZ="Asia/Ho_Chi_Minh"),
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    if done.returncode:
        raise RuntimeError(
            f"{' '.join(map(str, command))}: {done.returncode}\n"
            f"{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
        )
    return done.stdout


def wait_http(url, timeout=600):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if requests.get(url, timeout=30).status_code < 500:
                return
        except requests.RequestException:
            pass
        time.sleep(1)
    raise RuntimeError(f"{url} did not answer")


class Server:
    """``runwsgi`` of an instance, in a process group of its own."""

    def __init__(self, runwsgi, ini, log, env=None):
        self.command = [runwsgi, ini]
        self.log = log
        self.env = env
        self.process = None

    def start(self):
        with open(self.log, "ab") as out:
            self.process = subprocess.Popen(
                [str(c) for c in self.command],
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
                env=self.env or dict(os.environ, TZ="Asia/Ho_Chi_Minh"),
            )
        return self

    def stop(self):
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, 15)
            try:
                self.process.wait(60)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, 9)


# -- building the two sides ------------------------------------------------------------


def set_port(ini, port):
    text = Path(ini).read_text()
    Path(ini).write_text(re.sub(r"(?m)^port = .*$", f"port = {port}", text))


def build_stock(var, documents):
    """Stock Plone 6.2.2 from constraints.txt: its venv, instance, site."""
    venv = var / "stock-venv"
    python = venv / "bin" / "python"
    if not (venv / ".installed").exists():
        say("Stock Plone: venv and pip install (once)")
        run([sys.executable, "-m", "venv", venv])
        pip_pin = [
            line
            for line in (ROOT / "constraints.txt").read_text().splitlines()
            if line.startswith("pip==")
        ]
        run([python, "-m", "pip", "install", "-q", *(pip_pin or ["pip"])])
        run(
            [python, "-m", "pip", "install", "-q", "-c", ROOT / "constraints.txt"]
            + ["Plone==6.2.2", "plone.restapi"]
        )
        (venv / ".installed").touch()
    home = var / "stock"
    if not (home / "etc" / "zope.conf").exists():
        run([venv / "bin" / "mkwsgiinstance", "-d", home, "-u", "admin:admin"])
        conf = home / "etc" / "zope.conf"
        text = conf.read_text()
        # mkwsgiinstance's FileStorage has no blob-dir (plone-notes.md).
        text = re.sub(
            r"(<filestorage>\s*\n\s*path [^\n]*\n)",
            rf"\1    blob-dir {home}/var/blobstorage\n",
            text,
        )
        conf.write_text(text)
    # The same ZODB object cache as ours (scripts/instance.py): with
    # mkwsgiinstance's default (5000 objects) stock reloads its catalog and
    # pages from the storage on every request, which measures the setting.
    conf = home / "etc" / "zope.conf"
    text = conf.read_text()
    if "cache-size" not in text:
        text = re.sub(r"(?m)^(\s*mount-point /\n)", r"\1    cache-size 50000\n", text)
        conf.write_text(text)
    out = run(
        [venv / "bin" / "zconsole", "run", home / "etc" / "zope.conf"]
        + [ROOT / "bench" / "stock_site.py", documents, STOCK_PASSWORD]
    )
    paths = json.loads(out.strip().splitlines()[-1])
    return venv, home, paths


def build_ours(var, documents):
    """The portal as make run has it, with ``documents`` imported."""
    home = var / "ours" / "instance"
    run([sys.executable, ROOT / "scripts" / "instance.py", "--var", var / "ours"])
    env = dict(os.environ, TZ="Asia/Ho_Chi_Minh", DEMO="1")
    run(
        [
            BIN / "zconsole",
            "run",
            home / "etc" / "zope.conf",
            ROOT / "scripts" / "create_site.py",
        ],
        env,
    )
    corpus = var / "corpus"
    csv_path = corpus / "documents.csv"
    if not csv_path.exists():
        today = datetime.date.today()
        legacy_corpus.write(corpus, documents, [AGENCY], (today.year, today.year), 20)
    say(f"Ours: importing {documents} documents (phutho-import)")
    out = run(
        [BIN / "phutho-import", home / "etc" / "zope.conf", csv_path, "--quiet"],
        env,
    )
    say("  " + out.strip().splitlines()[0])
    return home


# -- measuring ---------------------------------------------------------------------------


def wrk(url, duration, connections, headers=()):
    """Requests per second and p50 latency (ms) of ``url`` under wrk."""
    # wrk drops a request slower than its timeout (2 s by default) from
    # the rate: on a loaded machine that hid most of a slow side's answers.
    command = ["wrk", "-t2", f"-c{connections}", f"-d{duration}s", "--latency"]
    command += ["--timeout", "60s"]
    for header in headers:
        command += ["-H", header]
    out = run(command + [url], timeout=duration * 10 + 60)
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    timeouts = re.search(r"Socket errors:.* timeout (\d+)", out)
    p50 = re.search(r"50%\s+([\d.]+)(us|ms|s)", out)
    scale = {"us": 0.001, "ms": 1, "s": 1000}
    latency = float(p50.group(1)) * scale[p50.group(2)] if p50 else None
    failed = int(errors.group(1)) if errors else 0
    failed += int(timeouts.group(1)) if timeouts else 0
    return rate, latency, failed


def basic(user, password):
    token = base64.b64encode(f"{user}:{password}".encode()).decode()
    return f"Authorization: Basic {token}"


def paired(name, ours, stock, args):
    """Alternate ours and stock --rounds times; medians of req/s."""
    results = {"ours": [], "stock": []}
    errors = {"ours": 0, "stock": 0}
    before = load()
    for side, (url, headers) in (("ours", ours), ("stock", stock)):
        wrk(url, 2, args.connections, headers)  # warm the caches
    for _round in range(args.rounds):
        for side, (url, headers) in (("ours", ours), ("stock", stock)):
            rate, latency, failed = wrk(url, args.duration, args.connections, headers)
            results[side].append(rate)
            errors[side] += failed
    row = {
        "name": name,
        "ours": statistics.median(results["ours"]),
        "stock": statistics.median(results["stock"]),
        "errors": errors,
        "load": round((before + load()) / 2, 1),
    }
    row["ratio"] = row["ours"] / row["stock"] if row["stock"] else None
    say(
        f"  {name:<34} ours {row['ours']:7.1f}/s  stock {row['stock']:7.1f}/s  "
        f"ratio {row['ratio']:.2f}  (load {row['load']}, non-2xx {errors})"
    )
    return row


def create_register_ours(site, count, clients):
    """Incoming documents created and registered over REST; docs/s."""
    session_auth = (CLERK, PASSWORD)
    pdf = (ROOT / "tests" / "fixtures" / "qd15.pdf").read_bytes()
    register = requests.get(
        f"{site}/co-quan/{AGENCY}/so-den",
        auth=session_auth,
        headers={"Accept": "application/json"},
        timeout=60,
    ).json()["UID"]
    body = {
        "@type": "IncomingDocument",
        "document_type": "cong-van",
        "sender_name": "Sở Tài chính",
        "sender_organ_id": "000.00.12.H43",
        "document_date": datetime.date.today().isoformat(),
        "main_file": {
            "data": base64.b64encode(pdf).decode(),
            "encoding": "base64",
            "filename": "cv.pdf",
            "content-type": "application/pdf",
        },
    }

    def one(session, index):
        data = dict(body, title=f"Văn bản đo hiệu năng {time.time_ns()}")
        data["number_symbol"] = f"{time.time_ns() % 10**9}/STC-VP"
        created = session.post(f"{site}/co-quan/{AGENCY}", json=data, timeout=300)
        created.raise_for_status()
        done = session.post(
            created.json()["@id"] + "/@workflow/register",
            json={"register": register},
            timeout=300,
        )
        done.raise_for_status()

    return _throughput(one, count, clients, session_auth)


def create_publish_stock(site, count, clients):
    """Stock: a Document created and published over REST; docs/s."""

    def one(session, index):
        created = session.post(
            f"{site}/news",
            json={
                "@type": "News Item",
                "title": f"Tin đo hiệu năng {time.time_ns()}",
                "text": {
                    "data": f"<p>{legacy_corpus.words(random.Random(index), 300)}</p>",
                    "content-type": "text/html",
                },
            },
            timeout=300,
        )
        created.raise_for_status()
        done = session.post(created.json()["@id"] + "/@workflow/publish", timeout=300)
        done.raise_for_status()

    return _throughput(one, count, clients, ("admin", "admin"))


def _throughput(one, count, clients, auth):
    errors = []
    counter = iter(range(count))
    lock = threading.Lock()

    def worker():
        session = requests.Session()
        session.auth = auth
        session.headers.update({"Accept": "application/json"})
        while True:
            with lock:
                index = next(counter, None)
            if index is None:
                return
            try:
                one(session, index)
            except Exception as error:  # counted, the run goes on
                errors.append(repr(error)[:200])

    threads = [threading.Thread(target=worker) for _i in range(clients)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    seconds = time.monotonic() - started
    return (count - len(errors)) / seconds, errors


# -- the cluster's measures ------------------------------------------------------------


def cluster_measures(var, args):
    from phutho.intranet.testing_cluster import register_load
    from phutho.intranet.testing_cluster import RunningCluster
    from phutho.intranet.testing_cluster import summary

    rows = {}
    cluster = RunningCluster(var / "cluster", instances=2, workers=0, mailin=False)
    say("Cluster: starting (PostgreSQL, 2 instances, HAProxy)")
    cluster.start()
    try:
        before = load()
        prepared = cluster.instance().call(
            "prepare_numbering_race",
            agency_id=AGENCY,
            incoming=500,
            tag=f"p{int(time.time())}",
        )
        register = prepared["registers"]["incoming"]
        urls = [f"{cluster.url}/{p}" for p in prepared["incoming"]]
        results, seconds = register_load(
            urls, CLERK, clients=16, body={"register": register}
        )
        counts = summary(results)
        state = cluster.instance().call("numbering_state", registers=[register])
        numbers = [d["number"] for d in state[register]["documents"] if d["number"]]
        rows["numbering"] = {
            "registrations": len(urls),
            "seconds": round(seconds, 1),
            "rate": round(len(urls) / seconds, 1),
            # A 503 (with Retry-After) is the portal's answer to contention,
            # tried again by the client; anything else is an error.
            "busy": counts["statuses"].get("503", 0),
            "errors": sum(
                v for k, v in counts["statuses"].items() if k not in ("200", "503")
            ),
            "duplicates": len(numbers) - len(set(numbers)),
            "gaps": len(set(range(1, len(urls) + 1)) - set(numbers)),
            "retried": counts["retried"],
            "slowest": counts["slowest"],
            "load": round((before + load()) / 2, 1),
        }
        say(f"  numbering 2x8 clients: {rows['numbering']}")
        # Read-mostly: document pages and searches, as a clerk, 1 then 2.
        document = f"{cluster.url}/{prepared['incoming'][0]}"
        headers = [basic(CLERK, PASSWORD)]
        socket_path = cluster.var / "run" / "haproxy.sock"
        rates = {1: [], 2: []}
        # Warm both instances first (as the pairs do): a cold instance's
        # first pages can outlast a short --duration, measuring nothing.
        wrk(document, 2, 8, headers)
        before = load()
        for _round in range(args.rounds):
            for count in (1, 2):
                haproxy_command(
                    socket_path,
                    ("disable" if count == 1 else "enable") + " server zope/instance2",
                )
                time.sleep(1)
                rate, _latency, _failed = wrk(document, args.duration, 8, headers)
                rates[count].append(rate)
        haproxy_command(socket_path, "enable server zope/instance2")
        one, two = statistics.median(rates[1]), statistics.median(rates[2])
        rows["scale"] = {
            "one": round(one, 1),
            "two": round(two, 1),
            # None: no answer within --duration on one instance.
            "ratio": round(two / one, 2) if one else None,
            "load": round((before + load()) / 2, 1),
        }
        say(f"  read-mostly, 1 vs 2 instances: {rows['scale']}")
    finally:
        cluster.stop()
    return rows


def haproxy_command(socket_path, command):
    import socket

    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
        sock.connect(str(socket_path))
        sock.sendall(command.encode() + b"\n")
        sock.recv(4096)


# -- report --------------------------------------------------------------------------------

GOALS = {
    "anonymous front page": 0.9,
    "authenticated front page": 0.9,
    "document page": 1.0,
    "dashboard (stock: News listing)": 1.0,
    "@search full text": 0.9,
    "@search by field": 0.9,
}


def report(rows, throughput, args):
    """The pairs' table (Markdown)."""
    lines = [
        f"Measured {datetime.datetime.now():%d/%m/%Y %H:%M} by `bench/perf_suite.py` "
        f"(2 cores shared; wrk -t2 -c{args.connections}, {args.duration} s, "
        f"median of {args.rounds} paired runs; {args.documents} documents each side).",
        "",
        "| measure | ours req/s | stock req/s | ours/stock | goal | load |",
        "|---|---|---|---|---|---|",
    ]
    for row in rows:
        goal = GOALS.get(row["name"])
        met = (
            "" if goal is None else (f"≥ {goal} {'✓' if row['ratio'] >= goal else '✗'}")
        )
        lines.append(
            f"| {row['name']} | {row['ours']:.1f} | {row['stock']:.1f} | "
            f"{row['ratio']:.2f} | {met} | {row['load']} |"
        )
    if throughput:
        ours, stock, load_, ours_errors, stock_errors = throughput
        lines.append(
            f"| create+register over REST, 4 clients (stock: create+publish; "
            f"failed requests: ours {ours_errors}, stock {stock_errors}) | "
            f"{ours:.1f} docs/s | {stock:.1f} docs/s | {ours / stock:.2f} | "
            f"≥ 36 docs/s {'✓' if ours >= 36 else '✗'} | {load_} |"
        )
    return "\n".join(lines)


def report_cluster(cluster):
    """The cluster's figures (Markdown)."""
    n = cluster["numbering"]
    ok = n["errors"] == 0 and n["duplicates"] == 0 and n["gaps"] == 0
    lines = [
        f"Measured {datetime.datetime.now():%d/%m/%Y %H:%M} by `bench/perf_suite.py`.",
        "",
        f"Numbering on one register, cluster (RelStorage, HAProxy, 2 instances), "
        f"16 clients, {n['registrations']} registrations: {n['rate']}/s, "
        f"{n['errors']} errors, {n['duplicates']} duplicates, {n['gaps']} gaps; "
        f"{n['busy']} answers 503 with Retry-After, {n['retried']} documents tried "
        f"again; slowest answer {n['slowest']} s (load {n['load']}; goal ≥ 20/s, "
        f"0/0/0: {'✓' if ok and n['rate'] >= 20 else '✗'}).",
        "",
        f"Read-mostly load (document page as a clerk, wrk -c8) through HAProxy: "
        f"1 instance {cluster['scale']['one']}/s, 2 instances "
        f"{cluster['scale']['two']}/s, ratio {cluster['scale']['ratio']} "
        f"(goal ≥ 1.7; the machine has 2 cores: a second instance can add one "
        f"core at most, shared with PostgreSQL, HAProxy and wrk; load "
        f"{cluster['scale']['load']}).",
    ]
    return "\n".join(lines)


def write_report(path, name, text):
    """Put ``text`` between the ``name`` block's markers of ``path``."""
    path = Path(path)
    document = path.read_text() if path.exists() else ""
    begin, end = (mark.format(name=name) for mark in MARKS)
    block = f"{begin}\n{text}\n{end}"
    if begin in document:
        document = re.sub(
            re.escape(begin) + ".*?" + re.escape(end),
            lambda _m: block,
            document,
            flags=re.S,
        )
    else:
        document += "\n" + block + "\n"
    path.write_text(document)


def main():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--var", default=str(ROOT / "bench" / "var" / "perf"))
    parser.add_argument("--documents", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--duration", type=int, default=10)
    parser.add_argument("--connections", type=int, default=4)
    parser.add_argument("--creates", type=int, default=200)
    parser.add_argument("--only", nargs="*", help="names of pairs to measure")
    parser.add_argument("--no-cluster", action="store_true")
    parser.add_argument("--no-pairs", action="store_true")
    parser.add_argument("--write", help="update this Markdown file's perf block")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("wrk is missing: bash scripts/system-deps.sh")
    var = Path(args.var).resolve()
    var.mkdir(parents=True, exist_ok=True)
    os.chmod(var, 0o755)
    say(f"Load average before: {os.getloadavg()}")
    rows, throughput, cluster = [], None, None
    if not args.no_pairs:
        stock_venv, stock_home, stock_paths = build_stock(var, args.documents)
        ours_home = build_ours(var, args.documents)
        ours_port, stock_port = free_port(), free_port()
        set_port(ours_home / "etc" / "zope.ini", ours_port)
        set_port(stock_home / "etc" / "zope.ini", stock_port)
        servers = [
            Server(BIN / "runwsgi", ours_home / "etc" / "zope.ini", var / "ours.log"),
            Server(
                stock_venv / "bin" / "runwsgi",
                stock_home / "etc" / "zope.ini",
                var / "stock.log",
            ),
        ]
        for server in servers:
            server.start()
        try:
            ours = f"http://localhost:{ours_port}/Plone"
            stock = f"http://localhost:{stock_port}/Plone"
            wait_http(ours)
            wait_http(stock)
            rows = measure_pairs(ours, stock, stock_paths, args)
            if not args.only or "create" in args.only:
                before = load()
                ours_rate, ours_errors = create_register_ours(ours, args.creates, 4)
                stock_rate, stock_errors = create_publish_stock(stock, args.creates, 4)
                throughput = (
                    ours_rate,
                    stock_rate,
                    round((before + load()) / 2, 1),
                    len(ours_errors),
                    len(stock_errors),
                )
                say(
                    f"  create+register ours {ours_rate:.1f} docs/s ({len(ours_errors)} "
                    f"errors), stock create+publish {stock_rate:.1f}/s "
                    f"({len(stock_errors)} errors)"
                )
        finally:
            for server in servers:
                server.stop()
    if not args.no_cluster:
        cluster = cluster_measures(var, args)
    blocks = {}
    if rows or throughput:
        blocks["pairs"] = report(rows, throughput, args)
    if cluster:
        blocks["cluster"] = report_cluster(cluster)
    for name, text in blocks.items():
        say("\n" + text)
        if args.write:
            write_report(args.write, name, text)
            say(f"Written to {args.write} ({name})")


def measure_pairs(ours, stock, stock_paths, args):
    """The pages, ours beside stock's."""
    clerk = [basic(CLERK, PASSWORD)]
    member = [basic("thanhvien", STOCK_PASSWORD)]
    json_header = ["Accept: application/json"]
    session = requests.Session()
    session.auth = (CLERK, PASSWORD)
    session.headers["Accept"] = "application/json"
    found = session.get(
        f"{ours}/@search",
        params={"portal_type": "IncomingDocument", "sort_on": "created", "b_size": 1},
        timeout=60,
    ).json()["items"]
    document = found[0]["@id"]
    today = datetime.date.today()
    register = (
        f"{ours}/co-quan/{AGENCY}/so-den?period=month&year={today.year}"
        f"&month={today.month}"
    )
    stock_site = stock.rsplit("/Plone", 1)[0]
    stock_doc = stock_site + stock_paths["document"]
    words = "SearchableText=ng%C3%A2n%20s%C3%A1ch&b_size=25"
    pairs = [
        ("anonymous front page", (ours, []), (stock, [])),
        ("authenticated front page", (ours, clerk), (stock, member)),
        ("document page", (document, clerk), (stock_doc, member)),
        (
            "dashboard (stock: News listing)",
            (f"{ours}/@@documents-dashboard", clerk),
            (stock_site + stock_paths["news"], member),
        ),
        (
            "register month (stock: month folder)",
            (register, clerk),
            (stock_site + stock_paths["month"], member),
        ),
        (
            "@search full text",
            (f"{ours}/@search?{words}", clerk + json_header),
            (f"{stock}/@search?{words}", member + json_header),
        ),
        (
            "@search by field",
            (
                f"{ours}/@search?portal_type=IncomingDocument&review_state=registered"
                "&sort_on=created&sort_order=reverse&b_size=25",
                clerk + json_header,
            ),
            (
                f"{stock}/@search?portal_type=Document&sort_on=created"
                "&sort_order=reverse&b_size=25",
                member + json_header,
            ),
        ),
        (
            "REST GET of a document",
            (document, clerk + json_header),
            (stock_doc, member + json_header),
        ),
    ]
    rows = []
    say(f"Pairs (load {load():.1f}):")
    for name, ours_side, stock_side in pairs:
        if args.only and not any(o in name for o in args.only):
            continue
        for side, (url, headers) in (("ours", ours_side), ("stock", stock_side)):
            status = requests.get(
                url,
                headers=dict(h.split(": ", 1) for h in headers),
                timeout=60,
            ).status_code
            if status != 200:
                raise RuntimeError(f"{name}: {side} answers {status} at {url}")
        rows.append(paired(name, ours_side, stock_side, args))
    return rows


if __name__ == "__main__":
    sys.exit(main())
