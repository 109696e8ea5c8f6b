"""A legacy system's export for phutho-import: a CSV and PDFs beside it.

    .venv/bin/python bench/legacy_corpus.py OUT --count 1000000 \\
        --agencies so-khcn,so-noi-vu,... --years 2021-2025 [--pdfs 50]

Writes ``OUT/documents.csv`` (incoming documents: 4 in 5, registered or
completed; outgoing, issued: 1 in 5) spread evenly over the agencies and
the years, each agency's registers numbered 1, 2, 3… per year in arrival
order, and ``OUT/files/*.pdf``: ``--pdfs`` distinct one-page PDFs of about
400 Vietnamese words (what a công văn weighs as text, ~25 KB), shared by the
rows. Deterministic (``--seed``). Used by bench/perf_suite.py; with
``phutho-import`` it loads the documents of the size curve
(docs/performance.md).
"""

from datetime import datetime
from datetime import timedelta
from pathlib import Path
from phutho.intranet.bulk.sources import CSV_COLUMNS

import argparse
import csv
import random
import sys

ROOT = Path(__file__).resolve().parents[1]
FONT = ROOT / "src" / "phutho" / "intranet" / "reports" / "fonts" / "DejaVuSans.ttf"
WORDS = (
    "quyết định kế hoạch báo cáo tình hình triển khai đường giao thông nông thôn "
    "chuyển đổi số công chức viên chức ngân sách đầu tư xây dựng trường học bệnh viện "
    "phòng chống thiên tai an toàn thông tin thủ tục hành chính cải cách dịch vụ công "
    "trực tuyến tuyển dụng đào tạo bồi dưỡng thi đua khen thưởng môi trường đất đai"
).split()
TYPES = ("Công văn", "Quyết định", "Kế hoạch", "Báo cáo", "Thông báo", "Giấy mời")
ABBREVIATIONS = {
    "Công văn": "",
    "Quyết định": "QĐ",
    "Kế hoạch": "KH",
    "Báo cáo": "BC",
    "Thông báo": "TB",
    "Giấy mời": "GM",
}
SENDERS = (
    ("UBND tỉnh Phú Thọ", "000.00.00.H43", "UBND"),
    ("Văn phòng Chính phủ", "000.00.00.G22", "VPCP"),
    ("Sở Tài chính", "000.00.12.H43", "STC"),
    ("Sở Nội vụ", "000.00.08.H43", "SNV"),
    ("Bộ Khoa học và Công nghệ", "000.00.00.G20", "BKHCN"),
)


def words(rng, count):
    return " ".join(rng.choice(WORDS) for _i in range(count))


def make_pdfs(folder, count, seed=30):
    """``count`` one-page text PDFs in ``folder``; returns their names."""
    from fpdf import FPDF

    folder.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    names = []
    for index in range(count):
        name = f"van-ban-{index:03d}.pdf"
        names.append(name)
        if (folder / name).exists():
            continue
        pdf = FPDF()
        pdf.add_font("DejaVu", "", str(FONT))
        pdf.add_page()
        pdf.set_font("DejaVu", size=11)
        pdf.multi_cell(0, 6, words(rng, 400).capitalize() + ".")
        pdf.output(str(folder / name))
    return names


def rows(count, agencies, years, pdfs, seed=30):
    """The CSV rows: documents spread over ``agencies`` and ``years``,
    numbered per agency, register and year in time order."""
    rng = random.Random(seed)
    first, last = years
    start = datetime(first, 1, 2, 7, 30)
    # Not after yesterday: a legacy system has no documents from the future
    # (and their completion dates, up to 20 days later, stay in the past).
    end = min(datetime(last, 12, 30, 17, 0), datetime.now() - timedelta(days=21))
    end = max(end, start + timedelta(days=1))
    span = end - start
    numbers = {}
    for serial in range(count):
        agency = agencies[serial % len(agencies)]
        moment = start + span * (serial / max(count, 1))
        moment = moment.replace(second=0, microsecond=0)
        outgoing = rng.random() < 0.2
        direction = "outgoing" if outgoing else "incoming"
        register = "so-di" if outgoing else "so-den"
        key = (agency, register, moment.year)
        numbers[key] = numbers.get(key, 0) + 1
        number = numbers[key]
        kind = rng.choice(TYPES)
        title = words(rng, 9).capitalize()
        document_date = (moment - timedelta(days=rng.randint(0, 10))).date()
        row = {
            "id": f"{serial + 1:07d}",
            "agency": agency,
            "direction": direction,
            "register": register,
            "number": number,
            "title": title,
            "document_type": kind,
            "urgency": "Khẩn" if rng.random() < 0.1 else "",
            "file": f"files/{rng.choice(pdfs)}",
        }
        if outgoing:
            abbreviation = ABBREVIATIONS[kind] or "VP"
            row.update(
                state="issued",
                number_symbol=f"{number:02d}/{abbreviation}-{agency.upper()[:8]}",
                issued_date=f"{moment:%d/%m/%Y}",
                recipients="UBND tỉnh Phú Thọ; Sở Tài chính",
            )
        else:
            sender, organ_id, abbreviation = rng.choice(SENDERS)
            completed = rng.random() < 0.6
            row.update(
                state="completed" if completed else "registered",
                number_symbol=f"{rng.randint(1, 3000)}/{abbreviation}-VP",
                document_date=f"{document_date:%d/%m/%Y}",
                arrival_date=f"{moment:%d/%m/%Y %H:%M}",
                sender_name=sender,
                sender_organ_id=organ_id,
                completed_date=(
                    f"{moment + timedelta(days=rng.randint(1, 20)):%d/%m/%Y %H:%M}"
                    if completed
                    else ""
                ),
            )
        yield row


def write(out, count, agencies, years, pdf_count=50, seed=30, name="documents.csv"):
    """Write the CSV and the PDFs under ``out``; returns the CSV's path."""
    out = Path(out)
    pdfs = make_pdfs(out / "files", pdf_count, seed)
    path = out / name
    with open(path, "w", encoding="utf-8", newline="") as stream:
        writer = csv.DictWriter(stream, CSV_COLUMNS)
        writer.writeheader()
        for row in rows(count, agencies, years, pdfs, seed):
            writer.writerow(row)
    return path


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out")
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--agencies", required=True, help="comma-separated ids")
    parser.add_argument("--years", default="2021-2025")
    parser.add_argument("--pdfs", type=int, default=50)
    parser.add_argument("--seed", type=int, default=30)
    args = parser.parse_args()
    first, last = (int(y) for y in args.years.split("-"))
    path = write(
        args.out,
        args.count,
        args.agencies.split(","),
        (first, last),
        args.pdfs,
        args.seed,
    )
    print(path)


if __name__ == "__main__":
    sys.exit(main())
