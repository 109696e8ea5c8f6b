"""Benchmark: edXML through a real WSGI instance (not a test).

    .venv/bin/python bench/bench_exchange.py [--count 1000] [--concurrency 4]
        [--minimal] [--pdf-mb 1] [--recipients 50]
        [--var bench/var/exchange] [--port 8098]

Makes (once) a throw-away instance with the demo site in ``--var``
(scripts/instance.py, scripts/create_site.py), serves it with runwsgi and
an exchange folder, then measures over HTTP:

* import: ``--count`` messages, each with its own ``--pdf-mb`` MB PDF (a
  real one, different bytes each time), posted to Sở KH&CN's ``@edxml`` by
  its clerk from ``--concurrency`` clients at once (``--minimal``: with
  ``Prefer: return=minimal``): messages per second, latency p50/p95/max,
  and the instance's own CPU time per message, which the machine's other
  load does not change (the goal: ≥ 20 messages/s on 2 cores);
* export: an outgoing document with a PDF of the same size issued to
  ``--recipients`` agencies outside the portal (each message written to the
  exchange folder at commit): the issue request's time, then ``GET @edxml``
  p50/p95.

Prints the figures; stops the instance at the end. Delete ``--var`` to start
from an empty database.
"""

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import argparse
import base64
import importlib.util
import json
import os
import random
import signal
import statistics
import subprocess
import sys
import time

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
DEMO_PASSWORD = json.loads(
    (ROOT / "src/phutho/intranet/profiles/demo/demo.json").read_text()
)["password"]

spec = importlib.util.spec_from_file_location(
    "edxml_corpus", ROOT / "scripts" / "edxml_corpus.py"
)
CORPUS = importlib.util.module_from_spec(spec)
spec.loader.exec_module(CORPUS)


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--pdf-mb", type=float, default=1.0)
    parser.add_argument("--recipients", type=int, default=50)
    parser.add_argument("--exports", type=int, default=20)
    parser.add_argument(
        "--minimal",
        action="store_true",
        help="post with Prefer: return=minimal (no document JSON in the answer)",
    )
    parser.add_argument("--var", default=str(ROOT / "bench" / "var" / "exchange"))
    parser.add_argument("--port", type=int, default=8098)
    return parser.parse_args()


def pdf_of_size(size, marker):
    """A valid one-page PDF of about ``size`` bytes: its text says
    ``marker``, an uncompressed image stream of random bytes fills it (as a
    scan does)."""
    text = f"BT /F1 12 Tf 72 720 Td ({marker}) Tj ET"
    filler = random.randbytes(max(0, int(size) - 800))
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources "
        b"<< /Font << /F1 5 0 R >> /XObject << /Im1 6 0 R >> >> /Contents 4 0 R >>",
        f"<< /Length {len(text)} >>\nstream\n{text}\nendstream".encode(),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Type /XObject /Subtype /Image /Width 1 /Height 1 /ColorSpace "
        b"/DeviceGray /BitsPerComponent 8 /Length "
        + str(len(filler)).encode()
        + b" >>\nstream\n"
        + filler
        + b"\nendstream",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    for offset in offsets:
        out += f"{offset:010d} 00000 n \n".encode()
    out += (
        f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\n"
        f"startxref\n{xref}\n%%EOF\n"
    ).encode()
    return bytes(out)


def cpu_seconds(pid):
    """User + system CPU time of process ``pid`` so far (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]


def prepare(args):
    """The instance (FileStorage) and its demo site, kept between runs.
    Returns the var folder and the instance folder."""
    var = Path(args.var)
    instance = var / "instance"
    subprocess.run(
        [
            str(BIN / "python"),
            str(ROOT / "scripts" / "instance.py"),
            "--var",
            str(var),
            "--instance",
            str(instance),
            "--port",
            str(args.port),
        ],
        check=True,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
    )
    env = dict(os.environ, SITE_ID="Plone", DEMO="1", TZ="Asia/Ho_Chi_Minh")
    env.pop("MAILIN_CONFIG", None)
    subprocess.run(
        [
            str(BIN / "zconsole"),
            "run",
            str(instance / "etc" / "zope.conf"),
            str(ROOT / "scripts/create_site.py"),
        ],
        check=True,
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    return var, [instance]


def serve(args, var, instances):
    """Start runwsgi for each instance with one exchange folder; wait
    until they answer. Returns the processes, URLs and the folder."""
    import requests

    exchange = var / "exchange"
    exchange.mkdir(parents=True, exist_ok=True)
    env = dict(
        os.environ,
        PHUTHO_EXCHANGE_DIR=str(exchange),
        TZ="Asia/Ho_Chi_Minh",
        ADMIN_PASSWORD=os.environ.get("ADMIN_PASSWORD", "admin"),
    )
    processes, urls = [], []
    log = open(var / "bench-instance.log", "ab")
    for number, folder in enumerate(instances):
        processes.append(
            subprocess.Popen(
                [str(BIN / "runwsgi"), str(folder / "etc" / "zope.ini")],
                cwd=ROOT,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        )
        urls.append(f"http://127.0.0.1:{args.port + number}/Plone")
    deadline = time.monotonic() + 180
    waiting = list(urls)
    while waiting and time.monotonic() < deadline:
        for url in list(waiting):
            try:
                if requests.get(url, timeout=5).status_code == 200:
                    waiting.remove(url)
            except requests.RequestException:
                pass
        if any(p.poll() is not None for p in processes):
            stop(processes)
            raise SystemExit(f"An instance stopped; see {var}/bench-instance.log")
        time.sleep(1)
    if waiting:
        stop(processes)
        raise SystemExit("The instances did not answer within 3 minutes")
    return processes, urls, exchange


def stop(processes):
    for process in processes:
        if process is not None and process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
    for process in processes:
        if process is not None:
            process.wait(60)


def session(user):
    import requests

    result = requests.Session()
    result.auth = (user, DEMO_PASSWORD)
    result.headers["Accept"] = "application/json"
    return result


def bench_import(args, urls, pids):
    """Post ``--count`` messages from ``--concurrency`` clients, spread
    over the instances."""
    agency_urls = [f"{url}/co-quan/so-khcn" for url in urls]
    clients = [session("vanthu.sokhcn") for _ in range(args.concurrency)]
    response = clients[0].get(agency_urls[0])
    if response.status_code != 200:
        raise SystemExit(
            f"{agency_urls[0]}: {response.status_code} {response.text[:300]}"
        )
    organ_id = response.json()["organ_id"]
    run = f"{int(time.time()) % 100000:05d}"
    size = args.pdf_mb * 1024 * 1024

    def message(index):
        number = f"{run}{index:04d}"
        data = pdf_of_size(size, f"Van ban {number}")
        return CORPUS.document(
            organ_id,
            attachments=CORPUS.attachment(data, f"van-ban-{number}.pdf"),
            CodeNumber=number,
            DocumentId=f"000.00.00.G22,2026/11/20,{number}/VPCP-KSTT",
            Subject=f"Về việc thử tải liên thông số {number}",
        )

    def post(index):
        data = message(index)
        client = clients[index % len(clients)]
        started = time.perf_counter()
        headers = {"Content-Type": "application/xml"}
        if args.minimal:
            headers["Prefer"] = "return=minimal"
        agency_url = agency_urls[index % len(agency_urls)]
        response = client.post(f"{agency_url}/@edxml", data=data, headers=headers)
        return response.status_code, time.perf_counter() - started, len(data)

    print(
        f"import: {args.count} messages, PDF {args.pdf_mb} MB each, "
        f"{args.concurrency} clients, {len(urls)} instance(s)",
        flush=True,
    )
    load = os.getloadavg()[0]
    cpu = sum(cpu_seconds(pid) for pid in pids)
    started = time.perf_counter()
    with ThreadPoolExecutor(args.concurrency) as pool:
        results = list(pool.map(post, range(args.count)))
    elapsed = time.perf_counter() - started
    cpu = sum(cpu_seconds(pid) for pid in pids) - cpu
    codes = {}
    for code, _seconds, _size in results:
        codes[code] = codes.get(code, 0) + 1
    latencies = [seconds for _code, seconds, _size in results]
    megabytes = sum(size for _c, _s, size in results) / 1024 / 1024
    print(f"  answers {dict(sorted(codes.items()))}")
    print(
        f"  {len(results) / elapsed:.1f} messages/s ({megabytes / elapsed:.1f} MB/s "
        f"of edXML), {elapsed:.0f} s in all"
    )
    print(
        f"  latency p50 {statistics.median(latencies) * 1000:.0f} ms, "
        f"p95 {percentile(latencies, 0.95) * 1000:.0f} ms, "
        f"max {max(latencies) * 1000:.0f} ms"
    )
    # What the machine's other load does not change: the instance's own
    # CPU per message (one process: one core at most, Python's GIL).
    print(
        f"  instance CPU {cpu / len(results) * 1000:.0f} ms per message "
        f"(at most {len(results) / cpu:.1f} messages/s per instance process, "
        "one core each); "
        f"load average {load:.1f} on {os.cpu_count()} cores at the start"
    )
    return codes


def bench_export(args, url, exchange):
    """Issue one document to ``--recipients`` outside agencies; then GET
    its message ``--exports`` times."""
    agency_url = f"{url}/co-quan/so-khcn"
    drafter = session("chuyenvien.sokhcn")
    unit = drafter.get(f"{agency_url}/cntt").json()["UID"]
    pdf = pdf_of_size(args.pdf_mb * 1024 * 1024, "Van ban di")
    recipients = [
        f"Cơ quan thử nghiệm {n} | 000.00.{n:02d}.Z{n:02d} |"
        for n in range(1, args.recipients + 1)
    ]
    response = drafter.post(
        agency_url,
        json={
            "@type": "OutgoingDocument",
            "title": "Về việc thử tải gửi văn bản liên thông",
            "document_type": "cong-van",
            "drafting_unit": unit,
            "content": "Nội dung thử tải.",
            "external_recipients": recipients,
            "draft_file": {
                "data": base64.b64encode(pdf).decode(),
                "encoding": "base64",
                "filename": "van-ban-di.pdf",
                "content-type": "application/pdf",
            },
        },
    )
    response.raise_for_status()
    document = response.json()["@id"]
    for user, transition in (
        ("chuyenvien.sokhcn", "submit_for_review"),
        ("truongphong.sokhcn", "submit_for_signature"),
        ("lanhdao.sokhcn", "sign"),
    ):
        session(user).post(
            f"{document}/@workflow/{transition}", json={}
        ).raise_for_status()
    clerk = session("vanthu.sokhcn")
    before = len(list(exchange.glob("*/outbox/*/*.edxml")))
    started = time.perf_counter()
    clerk.post(f"{document}/@workflow/issue", json={}).raise_for_status()
    issue_seconds = time.perf_counter() - started
    written = len(list(exchange.glob("*/outbox/*/*.edxml"))) - before
    print(f"export: issue to {args.recipients} recipients outside the portal")
    print(
        f"  issue request {issue_seconds * 1000:.0f} ms, "
        f"{written} messages written to the exchange folder"
    )
    timings, size = [], 0
    for _ in range(args.exports):
        started = time.perf_counter()
        response = clerk.get(
            f"{document}/@edxml", headers={"Accept": "application/xml"}
        )
        timings.append(time.perf_counter() - started)
        response.raise_for_status()
        size = len(response.content)
    print(
        f"  GET @edxml ({size / 1024 / 1024:.1f} MB): "
        f"p50 {statistics.median(timings) * 1000:.0f} ms, "
        f"p95 {percentile(timings, 0.95) * 1000:.0f} ms"
    )


def main():
    args = parse_args()
    var, instances = prepare(args)
    processes = []
    try:
        processes, urls, exchange = serve(args, var, instances)
        bench_import(args, urls, [p.pid for p in processes])
        bench_export(args, urls[0], exchange)
    finally:
        stop(processes)


if __name__ == "__main__":
    main()
