"""Generate Vietnamese official documents laid out as Decree 30's Appendix I
template, with their fields known, as PDFs with a text layer and as
scanned images (200 and 300 dpi, with noise, blur, rotation and JPEG
artefacts). The OCR and extraction benchmarks (bench/bench_reading.py) and
tests (tests/test_reading.py) read them.

    python scripts/ocr_corpus.py OUT_DIR [--count 120] [--seed 15] [--dpi 200 300]

Writes ``OUT_DIR/<id>.pdf`` (native text), ``OUT_DIR/<id>-<dpi>.jpg``
(scans) and ``OUT_DIR/manifest.json`` (the fields and the ground-truth
text of each document, in reading order).

Fonts: Liberation Serif (Debian's fonts-liberation2, metric-compatible
with the Times New Roman Decree 30 asks for), else DejaVu Serif.
"""

from pathlib import Path

import argparse
import datetime
import io
import json
import random

FONT_DIRS = (
    "/usr/share/fonts/truetype/liberation2",
    "/usr/share/fonts/truetype/liberation",
)
FONT_FILES = {
    "": "LiberationSerif-Regular.ttf",
    "B": "LiberationSerif-Bold.ttf",
    "I": "LiberationSerif-Italic.ttf",
    "BI": "LiberationSerif-BoldItalic.ttf",
}
DEJAVU = {
    "": "/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf",
    "B": "/usr/share/fonts/truetype/dejavu/DejaVuSerif-Bold.ttf",
    "I": "/usr/share/fonts/truetype/dejavu/DejaVuSerif-Italic.ttf",
    "BI": "/usr/share/fonts/truetype/dejavu/DejaVuSerif-BoldItalic.ttf",
}

MOTTO = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO_2 = "Độc lập - Tự do - Hạnh phúc"

# (superior, agency as printed, agency's name, abbreviation, OrganId or "")
AGENCIES = (
    ("", "ỦY BAN NHÂN DÂN TỈNH PHÚ THỌ", "UBND tỉnh Phú Thọ", "UBND", "000.00.00.H43"),
    ("UBND TỈNH PHÚ THỌ", "SỞ TÀI CHÍNH", "Sở Tài chính", "STC", "000.00.12.H43"),
    ("UBND TỈNH PHÚ THỌ", "SỞ NỘI VỤ", "Sở Nội vụ", "SNV", "000.00.08.H43"),
    ("UBND TỈNH PHÚ THỌ", "SỞ XÂY DỰNG", "Sở Xây dựng", "SXD", "000.00.16.H43"),
    (
        "UBND TỈNH PHÚ THỌ",
        "SỞ KHOA HỌC VÀ CÔNG NGHỆ",
        "Sở Khoa học và Công nghệ",
        "SKHCN",
        "000.00.20.H43",
    ),
    ("UBND TỈNH PHÚ THỌ", "SỞ Y TẾ", "Sở Y tế", "SYT", ""),
    (
        "UBND TỈNH PHÚ THỌ",
        "SỞ GIÁO DỤC VÀ ĐÀO TẠO",
        "Sở Giáo dục và Đào tạo",
        "SGDĐT",
        "",
    ),
    (
        "UBND TỈNH PHÚ THỌ",
        "VĂN PHÒNG",
        "Văn phòng UBND tỉnh Phú Thọ",
        "VP",
        "000.00.01.H43",
    ),
    ("", "ỦY BAN NHÂN DÂN PHƯỜNG VIỆT TRÌ", "UBND phường Việt Trì", "UBND", ""),
    ("", "ỦY BAN NHÂN DÂN XÃ HẠ HÒA", "UBND xã Hạ Hòa", "UBND", ""),
    (
        "BỘ KHOA HỌC VÀ CÔNG NGHỆ",
        "CỤC CHUYỂN ĐỔI SỐ QUỐC GIA",
        "Cục Chuyển đổi số quốc gia",
        "CĐSQG",
        "",
    ),
)

# (token of phutho.intranet.DocumentTypes, title in caps, abbreviation)
TYPES = (
    ("cong-van", "", ""),
    ("quyet-dinh", "QUYẾT ĐỊNH", "QĐ"),
    ("ke-hoach", "KẾ HOẠCH", "KH"),
    ("thong-bao", "THÔNG BÁO", "TB"),
    ("bao-cao", "BÁO CÁO", "BC"),
    ("to-trinh", "TỜ TRÌNH", "TTr"),
    ("giay-moi", "GIẤY MỜI", "GM"),
    ("chi-thi", "CHỈ THỊ", "CT"),
    ("huong-dan", "HƯỚNG DẪN", "HD"),
)
UNITS = ("VP", "TH", "KT", "VX", "CNTT", "TCCB", "KHTC", "QLXD", "NV")

SUBJECTS = (
    "triển khai chữ ký số trong cơ quan nhà nước",
    "tăng cường công tác phòng, chống thiên tai năm {year}",
    "báo cáo tình hình ứng dụng công nghệ thông tin quý IV",
    "phê duyệt dự toán kinh phí sửa chữa trụ sở làm việc",
    "tổ chức hội nghị tổng kết công tác cải cách hành chính",
    "đôn đốc thực hiện kế hoạch chuyển đổi số năm {year}",
    "kiểm tra công tác văn thư, lưu trữ tại các đơn vị",
    "triển khai Nghị định số 30/2020/NĐ-CP về công tác văn thư",
    "cử cán bộ tham dự lớp bồi dưỡng kiến thức quản lý nhà nước",
    "rà soát, sắp xếp đơn vị hành chính cấp xã",
    "góp ý dự thảo quy chế quản lý, sử dụng hệ thống thư điện tử",
    "thành lập tổ công tác thẩm định hồ sơ dự án đầu tư",
    "tăng cường bảo đảm an toàn thông tin mạng",
    "hướng dẫn quyết toán kinh phí hỗ trợ người có công",
    "giao chỉ tiêu tuyển sinh năm học {year}-{next}",
    "điều chỉnh kế hoạch đầu tư công trung hạn",
)
SENTENCES = (
    "Căn cứ Luật Tổ chức chính quyền địa phương ngày 16 tháng 6 năm 2025;",
    "Căn cứ Nghị định số 30/2020/NĐ-CP ngày 05 tháng 3 năm 2020 của Chính phủ về công tác văn thư;",
    "Thực hiện chỉ đạo của Ủy ban nhân dân tỉnh về việc đẩy mạnh cải cách hành chính,",
    "Để bảo đảm tiến độ thực hiện nhiệm vụ được giao, đề nghị các cơ quan, đơn vị khẩn trương triển khai các nội dung sau:",
    "1. Rà soát, tổng hợp số liệu và gửi báo cáo về Sở trước ngày 15 của tháng cuối quý.",
    "2. Phân công cán bộ đầu mối theo dõi, đôn đốc việc thực hiện tại cơ quan, đơn vị mình.",
    "3. Bố trí kinh phí từ nguồn ngân sách được giao để thực hiện các nhiệm vụ đã đề ra.",
    "Trong quá trình thực hiện, nếu có khó khăn, vướng mắc, đề nghị phản ánh kịp thời để được hướng dẫn giải quyết.",
    "Giao Văn phòng chủ trì, phối hợp với các phòng chuyên môn theo dõi, kiểm tra việc thực hiện.",
    "Thủ trưởng các cơ quan, đơn vị chịu trách nhiệm thi hành văn bản này.",
    "Quyết định này có hiệu lực kể từ ngày ký.",
    "Đề nghị các đồng chí quan tâm, phối hợp thực hiện./.",
    "Kinh phí thực hiện được bố trí trong dự toán ngân sách năm của các đơn vị theo phân cấp hiện hành.",
    "Kết quả thực hiện là căn cứ để đánh giá, xếp loại mức độ hoàn thành nhiệm vụ của tập thể và cá nhân.",
)
FAMILY = ("Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Hồ")
MIDDLE = ("Văn", "Thị", "Minh", "Đức", "Thu", "Quang", "Thanh", "Ngọc", "Hữu")
GIVEN = (
    "Hùng",
    "Hoa",
    "Tuấn",
    "Lan",
    "Quang",
    "Hằng",
    "Dũng",
    "Thảo",
    "Long",
    "Phương",
    "Khải",
    "Việt",
    "Trọng",
    "Yến",
)
# (authority, position): who signs, Appendix I ô 7.
SIGNERS = (
    ("TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH"),
    ("KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"),
    ("KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC"),
    ("", "GIÁM ĐỐC"),
    ("Q. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC"),
    ("TL. GIÁM ĐỐC", "CHÁNH VĂN PHÒNG"),
    ("TUQ. CHỦ TỊCH", "CHÁNH VĂN PHÒNG"),
    ("KT. CỤC TRƯỞNG", "PHÓ CỤC TRƯỞNG"),
)
RECIPIENTS = (
    "Bộ Nội vụ",
    "Thường trực Tỉnh ủy",
    "Thường trực HĐND tỉnh",
    "Chủ tịch, các PCT UBND tỉnh",
    "Các sở, ban, ngành",
    "UBND các xã, phường",
    "Sở Tài chính",
    "Sở Nội vụ",
    "Công an tỉnh",
    "Như trên",
    "Cổng thông tin điện tử tỉnh",
    "Trung tâm Phục vụ hành chính công",
)
PLACES = ("Phú Thọ", "Việt Trì", "Hạ Hòa", "Hà Nội")


def person(rng):
    return f"{rng.choice(FAMILY)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}"


def make_document(rng, index):
    """The fields of one document (what extraction should find)."""
    superior, printed, name, short, organ_id = rng.choice(AGENCIES)
    token, type_title, abbreviation = rng.choice(TYPES)
    year = 2026
    date = datetime.date(year, 1, 1) + datetime.timedelta(days=rng.randrange(333))
    number = f"{rng.randrange(1, 999):02d}"
    unit = rng.choice(UNITS)
    if token == "cong-van":
        symbol = f"{short}-{unit}"
    else:
        symbol = f"{abbreviation}-{short}"
    subject = rng.choice(SUBJECTS).format(year=year, next=year + 1)
    if token == "cong-van":
        subject = "V/v " + subject
    else:
        subject = subject[0].upper() + subject[1:]
    authority, position = rng.choice(SIGNERS)
    recipients = rng.sample(RECIPIENTS, rng.randrange(2, 5))
    recipients.append(f"Lưu: VT, {unit}")
    body = [rng.choice(SENTENCES) for _ in range(rng.randrange(4, 9))]
    return {
        "id": f"doc{index:04d}",
        "superior": superior,
        "agency_printed": printed,
        "agency": name,
        "organ_id": organ_id,
        "number_symbol": f"{number}/{symbol}",
        "place": rng.choice(PLACES),
        "date": date.isoformat(),
        "document_type": token,
        "type_title": type_title,
        "subject": subject,
        "body": body,
        "signer_authority": authority.split(" ")[0] if authority else "",
        "authority_line": authority,
        "signer_position": position,
        "signer_name": person(rng),
        "recipients": recipients,
    }


def date_line(doc):
    date = datetime.date.fromisoformat(doc["date"])
    # Appendix I: days below 10 and months 1-2 with a leading zero.
    month = f"{date.month:02d}" if date.month < 3 else str(date.month)
    return f"{doc['place']}, ngày {date.day:02d} tháng {month} năm {date.year}"


def ground_truth(doc):
    """The text of the document in the reading order tesseract follows:
    left header, right header, title, body, recipients, signature."""
    left = [doc["superior"], doc["agency_printed"], f"Số: {doc['number_symbol']}"]
    if doc["document_type"] == "cong-van":
        left.append(doc["subject"])
    lines = [line for line in left if line]
    lines += [MOTTO, MOTTO_2, date_line(doc)]
    if doc["type_title"]:
        lines += [doc["type_title"], doc["subject"]]
    lines += doc["body"]
    lines += ["Nơi nhận:"] + [f"- {r};" for r in doc["recipients"][:-1]]
    lines += [f"- {doc['recipients'][-1]}."]
    lines += [doc["authority_line"], doc["signer_position"], doc["signer_name"]]
    return "\n".join(line for line in lines if line)


def _fonts(pdf):
    base = next((Path(d) for d in FONT_DIRS if Path(d, FONT_FILES[""]).exists()), None)
    for style in FONT_FILES:
        path = base / FONT_FILES[style] if base else DEJAVU[style]
        pdf.add_font("Serif", style, str(path))


def render_pdf(doc):
    """The document as a one- or two-page A4 PDF with a text layer."""
    from fpdf import FPDF

    pdf = FPDF(format="A4", unit="mm")
    pdf.set_margins(30, 20, 15)
    pdf.set_auto_page_break(True, margin=20)
    _fonts(pdf)
    pdf.add_page()
    left_w, right_x, right_w = 70, 95, 100
    line = 6
    # ô 1-3: agency and number on the left, motto on the right.
    pdf.set_xy(25, 20)
    if doc["superior"]:
        pdf.set_font("Serif", "", 12)
        pdf.cell(left_w, line, doc["superior"], align="C", new_x="LEFT", new_y="NEXT")
    pdf.set_font("Serif", "B", 12)
    pdf.multi_cell(left_w, line, doc["agency_printed"], align="C")
    pdf.set_x(25)
    pdf.set_font("Serif", "", 13)
    pdf.cell(left_w, line + 2, f"Số: {doc['number_symbol']}", align="C")
    left_y = pdf.get_y() + line + 2
    if doc["document_type"] == "cong-van":
        pdf.set_xy(25, left_y)
        pdf.set_font("Serif", "", 12)
        pdf.multi_cell(left_w, 5, doc["subject"], align="C")
        left_y = pdf.get_y()
    pdf.set_xy(right_x, 20)
    pdf.set_font("Serif", "B", 12)
    pdf.cell(right_w, line, MOTTO, align="C", new_x="LEFT", new_y="NEXT")
    pdf.set_font("Serif", "B", 13)
    pdf.cell(right_w, line, MOTTO_2, align="C", new_x="LEFT", new_y="NEXT")
    pdf.set_xy(right_x, pdf.get_y() + 4)
    pdf.set_font("Serif", "I", 13)
    pdf.cell(right_w, line, date_line(doc), align="C")
    y = max(left_y, pdf.get_y() + line) + 8
    # ô 5: type and subject.
    if doc["type_title"]:
        pdf.set_xy(30, y)
        pdf.set_font("Serif", "B", 14)
        pdf.cell(165, 7, doc["type_title"], align="C", new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("Serif", "B", 13)
        pdf.multi_cell(165, 6, doc["subject"], align="C")
        y = pdf.get_y() + 6
    # ô 6: the body.
    pdf.set_xy(30, y)
    pdf.set_font("Serif", "", 13)
    for paragraph in doc["body"]:
        pdf.multi_cell(165, 6.5, paragraph, align="J")
        pdf.ln(1)
    if pdf.get_y() > 220:
        pdf.add_page()
    y = pdf.get_y() + 6
    # ô 8: recipients (left), ô 7: signature block (right).
    pdf.set_xy(30, y)
    pdf.set_font("Serif", "BI", 12)
    pdf.cell(70, 5, "Nơi nhận:", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Serif", "", 11)
    for item in doc["recipients"][:-1]:
        pdf.cell(70, 5, f"- {item};", new_x="LMARGIN", new_y="NEXT")
    pdf.cell(70, 5, f"- {doc['recipients'][-1]}.", new_x="LMARGIN", new_y="NEXT")
    pdf.set_xy(105, y)
    pdf.set_font("Serif", "B", 13)
    for text in (doc["authority_line"], doc["signer_position"]):
        if text:
            pdf.cell(90, 6, text, align="C", new_x="LEFT", new_y="NEXT")
    pdf.set_xy(105, pdf.get_y() + 22)
    pdf.cell(90, 6, doc["signer_name"], align="C")
    return bytes(pdf.output())


def scan(pdf_bytes, dpi, rng, degraded=True):
    """A degraded grey scan of the PDF's pages at ``dpi`` (a list of
    Pillow images): slight rotation, blur, noise, JPEG artefacts.
    ``degraded=False``: a clean rendering (tests that check the plumbing,
    not the OCR, want one that reads the same everywhere)."""
    from PIL import Image
    from PIL import ImageFilter

    import numpy
    import pypdfium2

    images = []
    document = pypdfium2.PdfDocument(pdf_bytes)
    for page in document:
        image = page.render(scale=dpi / 72, grayscale=True).to_pil().convert("L")
        if not degraded:
            buffer = io.BytesIO()
            image.save(buffer, "JPEG", quality=90, dpi=(dpi, dpi))
            images.append(Image.open(io.BytesIO(buffer.getvalue())))
            continue
        image = image.rotate(
            rng.uniform(-0.8, 0.8), resample=Image.BICUBIC, expand=False, fillcolor=255
        )
        image = image.filter(
            ImageFilter.GaussianBlur(rng.uniform(0.3, 0.7) * dpi / 300)
        )
        pixels = numpy.asarray(image, dtype=numpy.float32)
        noise = numpy.random.default_rng(rng.randrange(2**32)).normal(
            0, rng.uniform(6, 14), pixels.shape
        )
        pixels = numpy.clip(pixels * 0.92 + 12 + noise, 0, 255).astype(numpy.uint8)
        image = Image.fromarray(pixels, "L")
        buffer = io.BytesIO()
        image.save(buffer, "JPEG", quality=rng.randrange(55, 80), dpi=(dpi, dpi))
        images.append(Image.open(io.BytesIO(buffer.getvalue())))
    document.close()
    return images


def save_scan(images, path, dpi):
    """One JPEG for one page, a PDF of JPEG pages for several."""
    if len(images) == 1:
        images[0].save(path.with_suffix(".jpg"), "JPEG", quality=90, dpi=(dpi, dpi))
        return path.with_suffix(".jpg")
    images[0].save(
        path.with_suffix(".pdf"),
        "PDF",
        resolution=dpi,
        save_all=True,
        append_images=images[1:],
    )
    return path.with_suffix(".pdf")


def write(directory, count=120, seed=15, dpis=(200, 300)):
    """Write the corpus into ``directory``; returns the manifest."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    manifest = []
    for index in range(count):
        doc = make_document(rng, index)
        pdf = render_pdf(doc)
        (directory / f"{doc['id']}.pdf").write_bytes(pdf)
        doc["text"] = ground_truth(doc)
        doc["scans"] = {}
        for dpi in dpis:
            images = scan(pdf, dpi, rng)
            path = save_scan(images, directory / f"{doc['id']}-{dpi}", dpi)
            doc["scans"][str(dpi)] = path.name
            doc["pages"] = len(images)
        manifest.append(doc)
    (directory / "manifest.json").write_text(
        json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8"
    )
    return manifest


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("directory")
    parser.add_argument("--count", type=int, default=120)
    parser.add_argument("--seed", type=int, default=15)
    parser.add_argument("--dpi", type=int, nargs="+", default=[200, 300])
    args = parser.parse_args()
    manifest = write(args.directory, args.count, args.seed, tuple(args.dpi))
    print(f"{len(manifest)} documents in {args.directory}")


if __name__ == "__main__":
    main()
