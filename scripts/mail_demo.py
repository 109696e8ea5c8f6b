"""Send a demo document by mail to the running ingester (``make run``).

    python3 scripts/mail_demo.py [--to vanthu.sokhcn@phutho.gov.vn]
                                 [--host 127.0.0.1] [--port 8025] [--pdf FILE]

The message (a công văn with a small PDF, or FILE) lands in the agency whose
document mailbox is ``--to`` as an incoming document waiting for its clerk
(sign in as ``vanthu.sokhcn``, password in README). Standard library only.
"""

from email.message import EmailMessage
from email.utils import make_msgid

import argparse
import os
import smtplib

PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--to", default="vanthu.sokhcn@phutho.gov.vn")
    parser.add_argument(
        "--sender", default="Sở Y tế tỉnh Hà Nam <vanthu@syt.hanam.gov.vn>"
    )
    parser.add_argument("--host", default=os.environ.get("MAILIN_HOST", "127.0.0.1"))
    parser.add_argument(
        "--port", type=int, default=int(os.environ.get("MAILIN_PORT", 8025))
    )
    parser.add_argument("--pdf", help="a PDF to attach (a tiny one by default)")
    args = parser.parse_args()
    msg = EmailMessage()
    msg["Subject"] = (
        "Công văn 215/SYT-NVY về việc phối hợp triển khai hồ sơ sức khỏe điện tử"
    )
    msg["From"] = args.sender
    msg["To"] = args.to
    msg["Message-ID"] = make_msgid(domain="syt.hanam.gov.vn")
    msg.set_content(
        "Kính gửi Sở Khoa học và Công nghệ,\n\n"
        "Sở Y tế tỉnh Hà Nam đề nghị phối hợp triển khai hồ sơ sức khỏe điện tử.\n"
    )
    data = open(args.pdf, "rb").read() if args.pdf else PDF
    name = os.path.basename(args.pdf) if args.pdf else "215-SYT-NVY.pdf"
    msg.add_attachment(data, maintype="application", subtype="pdf", filename=name)
    with smtplib.SMTP(args.host, args.port, timeout=120) as smtp:
        smtp.send_message(msg)
    print(f"Sent {msg['Message-ID']} to {args.to} through {args.host}:{args.port}")


if __name__ == "__main__":
    main()
