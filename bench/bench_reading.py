"""Benchmark of reading documents (issue 15): OCR and metadata extraction.

    .venv/bin/python bench/bench_reading.py [--count 120] [--native-count 150]
        [--dpi 200 300] [--workdir /tmp/phutho-bench-reading] [--seed 15]

1. Generates the corpus with ``scripts/ocr_corpus.py`` (``--count``
   documents laid out as Decree 30's Appendix I, each rendered as a PDF
   with a text layer and scanned at every ``--dpi`` with noise, blur,
   rotation and JPEG artefacts; reused when the work directory already
   holds the same corpus).
2. Native text: the fields proposed from each PDF's text layer of
   ``--native-count`` documents (another, larger set: no OCR needed) —
   precision and recall per field.
3. Scans: each scan OCR'd by the portal's own engine
   (``phutho.intranet.ocr.engine.run_ocr``: OCRmyPDF + tesseract ``vie``
   in a limited child process, then the footer read column by column),
   one file at a time — character error rate per dpi, OCR pages per
   minute, and precision/recall per field on the OCR'd text.
4. The real PDFs in ``tests/fixtures`` (their fields written below by a
   person who read them), from their text layer and scanned at 300 dpi.

Prints the figures and writes them to ``WORKDIR/results.json``. Goals:
CER ≤ 3 % at 300 dpi; every field ≥ 95 % on native text and ≥ 85 % on
300 dpi scans. Runs for a long while (about 10–20 s per scanned page on a
busy 2-core machine); run it in the background.
"""

from pathlib import Path
from xml.etree import ElementTree

import argparse
import importlib.util
import io
import json
import os
import random
import statistics
import sys
import tempfile
import time

ROOT = Path(__file__).resolve().parent.parent
REGISTRY = (
    ROOT / "src" / "phutho" / "intranet" / "profiles" / "default" / "registry.xml"
)

# The real fixture PDFs and what a person reads on them. They are short
# (a heading line, no Appendix I layout): what the rules should still get.
FIXTURES = {
    "qd15.pdf": {
        "agency": "UBND tỉnh Phú Thọ",
        "organ_id": "000.00.00.H43",
        "number_symbol": "15/QĐ-UBND",
        "document_type": "quyet-dinh",
        "subject": "sửa chữa đường giao thông nông thôn",
    },
    "qd15-restricted.pdf": {
        "agency": "UBND tỉnh Phú Thọ",
        "organ_id": "000.00.00.H43",
        "number_symbol": "15/QĐ-UBND",
        "document_type": "quyet-dinh",
        "subject": "sửa chữa đường giao thông nông thôn",
    },
}


def load_script(name):
    spec = importlib.util.spec_from_file_location(name, ROOT / "scripts" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def document_types():
    """``(token, title, abbreviation)`` of the profile's registry (the
    types the portal proposes from)."""
    tree = ElementTree.parse(REGISTRY)
    for record in tree.getroot().iter("record"):
        if record.get("name") == "phutho.intranet.document_types":
            return [
                tuple(part.strip() for part in (element.text + "||").split("|")[:3])
                for element in record.iter("element")
            ]
    raise SystemExit("no document types in registry.xml")


def corpus_for(workdir, count, seed, dpis, corpus):
    """The manifest of the corpus in ``workdir``, written when missing."""
    params = {"count": count, "seed": seed, "dpi": list(dpis)}
    manifest = workdir / "manifest.json"
    stamp = workdir / "params.json"
    if manifest.exists() and stamp.exists():
        if json.loads(stamp.read_text()) == params:
            return json.loads(manifest.read_text(encoding="utf-8"))
    started = time.monotonic()
    result = corpus.write(workdir, count, seed, tuple(dpis))
    stamp.write_text(json.dumps(params))
    print(f"corpus: {count} documents written in {time.monotonic() - started:.0f} s")
    return result


def print_table(title, scores, goal):
    print(f"\n{title}")
    print(f"  {'field':<17} {'P':>6} {'R':>6}   expected proposed correct")
    worst = 1.0
    for name, (precision, recall, expected, proposed, correct) in scores.items():
        if not expected and not proposed:
            continue
        worst = min(worst, precision, recall)
        flag = "" if min(precision, recall) >= goal else "  < goal"
        print(
            f"  {name:<17} {precision:6.1%} {recall:6.1%}   "
            f"{expected:8d} {proposed:8d} {correct:7d}{flag}"
        )
    print(f"  lowest {worst:.1%} (goal ≥ {goal:.0%})")


def native(args, corpus, measure, agencies, types):
    from phutho.intranet.extraction.rules import propose
    from phutho.intranet.search.extract import extract_text

    rng = random.Random(args.seed + 1)
    scores = measure.Scores()
    misses = []
    for index in range(args.native_count):
        doc = corpus.make_document(rng, index)
        pdf = corpus.render_pdf(doc)
        found = propose(extract_text(io.BytesIO(pdf), "pdf", len(pdf)), agencies, types)
        expected = measure.expected_fields(doc)
        scores.add(expected, found)
        misses.extend(measure.misses(doc["id"], expected, found))
    return scores.table(), misses


def scans(args, manifest, workdir, measure, agencies, types, dpi):
    from phutho.intranet.extraction.rules import propose
    from phutho.intranet.ocr.engine import file_kind
    from phutho.intranet.ocr.engine import OcrLimits
    from phutho.intranet.ocr.engine import run_ocr

    scores = measure.Scores()
    rates, misses, failures = [], [], []
    pages = seconds = 0
    for number, doc in enumerate(manifest, 1):
        path = workdir / doc["scans"][str(dpi)]
        cache = workdir / f"{doc['id']}-{dpi}.ocr.json"
        if args.reuse_ocr and cache.exists():
            # OCR'd by an earlier run: its text and time, the rules anew.
            read = json.loads(cache.read_text(encoding="utf-8"))
        else:
            with tempfile.TemporaryDirectory(prefix="bench-ocr-") as scratch:
                try:
                    result = run_ocr(
                        str(path), file_kind(None, path.name), scratch, OcrLimits()
                    )
                except Exception as error:
                    failures.append(f"{doc['id']}: {error}")
                    print(f"  {dpi} dpi {doc['id']}: FAILED {error}", flush=True)
                    continue
            read = {
                "text": result.text,
                "pages": result.pages,
                "seconds": result.seconds,
                "load": os.getloadavg()[0],
            }
            cache.write_text(json.dumps(read, ensure_ascii=False), encoding="utf-8")
        rate = measure.cer(doc["text"], read["text"])
        rates.append(rate)
        pages += read["pages"]
        seconds += read["seconds"]
        found = propose(read["text"], agencies, types)
        expected = measure.expected_fields(doc)
        scores.add(expected, found)
        misses.extend(measure.misses(f"{doc['id']}-{dpi}", expected, found))
        if number % 10 == 0 or number == len(manifest):
            print(
                f"  {dpi} dpi: {number}/{len(manifest)} read, mean CER "
                f"{statistics.mean(rates):.2%}, {pages / seconds * 60:.1f} pages/min",
                flush=True,
            )
    return {
        "dpi": dpi,
        "documents": len(rates),
        "failures": failures,
        "cer_mean": statistics.mean(rates) if rates else None,
        "cer_median": statistics.median(rates) if rates else None,
        "cer_max": max(rates) if rates else None,
        "cer_over_3": sum(1 for rate in rates if rate > 0.03),
        "pages": pages,
        "seconds": seconds,
        "pages_per_minute": pages / seconds * 60 if seconds else None,
        "scores": scores.table(),
        "misses": misses,
    }


def fixtures(corpus, measure, agencies, types, workdir):
    """The real PDFs: text layer, and a 300 dpi scan of them OCR'd."""
    from phutho.intranet.extraction.rules import propose
    from phutho.intranet.ocr.engine import OcrLimits
    from phutho.intranet.ocr.engine import run_ocr
    from phutho.intranet.search.extract import extract_text

    results = {}
    text_scores, scan_scores = measure.Scores(), measure.Scores()
    for name, expected in FIXTURES.items():
        data = (ROOT / "tests" / "fixtures" / name).read_bytes()
        found = propose(
            extract_text(io.BytesIO(data), "pdf", len(data)), agencies, types
        )
        text_scores.add(expected, found)
        images = corpus.scan(data, 300, random.Random(name))
        path = corpus.save_scan(images, workdir / f"fixture-{name[:-4]}", 300)
        with tempfile.TemporaryDirectory(prefix="bench-ocr-") as scratch:
            read = run_ocr(str(path), "pdf", scratch, OcrLimits())
        scanned = propose(read.text, agencies, types)
        scan_scores.add(expected, scanned)
        results[name] = {
            "expected": expected,
            "text": found,
            "scan_300": scanned,
        }
    return results, text_scores.table(), scan_scores.table()


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=120)
    parser.add_argument("--native-count", type=int, default=150)
    parser.add_argument("--dpi", type=int, nargs="+", default=[200, 300])
    parser.add_argument("--seed", type=int, default=15)
    parser.add_argument(
        "--workdir",
        default=os.path.join(tempfile.gettempdir(), "phutho-bench-reading"),
    )
    parser.add_argument("--skip-fixtures", action="store_true")
    parser.add_argument(
        "--reuse-ocr",
        action="store_true",
        help="score the OCR text (and time) an earlier run kept in the work "
        "directory instead of reading the scans again (after a change of "
        "the extraction rules)",
    )
    args = parser.parse_args()

    from phutho.intranet.ocr.engine import tesseract_available

    if not tesseract_available("vie"):
        raise SystemExit("tesseract with Vietnamese is needed: scripts/system-deps.sh")
    corpus = load_script("ocr_corpus")
    measure = load_script("reading_measure")
    agencies = [(agency[2], agency[4]) for agency in corpus.AGENCIES]
    types = document_types()
    workdir = Path(args.workdir)
    workdir.mkdir(parents=True, exist_ok=True)
    print(f"bench_reading: {os.cpu_count()} CPUs, load {os.getloadavg()[0]:.1f}")

    results = {"started": time.strftime("%Y-%m-%d %H:%M:%S"), "args": vars(args)}
    table, misses = native(args, corpus, measure, agencies, types)
    results["native"] = {"documents": args.native_count, "scores": table}
    print_table(f"Native text, {args.native_count} documents", table, 0.95)
    for miss in misses[:20]:
        print(f"    {miss}")

    manifest = corpus_for(workdir, args.count, args.seed, args.dpi, corpus)
    results["scans"] = {}
    for dpi in args.dpi:
        print(f"\nOCR of {len(manifest)} scans at {dpi} dpi (one at a time)")
        found = scans(args, manifest, workdir, measure, agencies, types, dpi)
        results["scans"][str(dpi)] = found
        if found["cer_mean"] is not None:
            print(
                f"  CER at {dpi} dpi: mean {found['cer_mean']:.2%}, median "
                f"{found['cer_median']:.2%}, max {found['cer_max']:.2%}, "
                f"{found['cer_over_3']} of {found['documents']} above 3 %"
            )
            print(
                f"  OCR: {found['pages']} pages in {found['seconds']:.0f} s = "
                f"{found['pages_per_minute']:.1f} pages/min (one process)"
            )
        print_table(f"Fields from {dpi} dpi scans", found["scores"], 0.85)
        for miss in found["misses"][:30]:
            print(f"    {miss}")

    if not args.skip_fixtures:
        per_file, text_table, scan_table = fixtures(
            corpus, measure, agencies, types, workdir
        )
        results["fixtures"] = {
            "files": per_file,
            "text": text_table,
            "scan_300": scan_table,
        }
        print_table("Real fixture PDFs (tests/fixtures), text layer", text_table, 0.95)
        print_table("Real fixture PDFs scanned at 300 dpi", scan_table, 0.85)
        for name, found in per_file.items():
            print(f"  {name}: text {found['text']}\n    scan {found['scan_300']}")

    results["finished"] = time.strftime("%Y-%m-%d %H:%M:%S")
    (workdir / "results.json").write_text(
        json.dumps(results, ensure_ascii=False, indent=1, default=str),
        encoding="utf-8",
    )
    print(f"\nresults: {workdir / 'results.json'}")
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT / "src"))
    sys.exit(main())
