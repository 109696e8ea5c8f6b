"""The OCR child process: ``python -m phutho.intranet.ocr.child ARGS_JSON``.

Runs OCRmyPDF once under the address-space and CPU limits its parent set
(tesseract inherits them) and prints one JSON line: ``{"ok": true}`` or
``{"ok": false, "reason": "..."}``. A crash or a kill says nothing; the
parent then reports the exit status.
"""

import json
import logging
import sys


def main(argv):
    args = json.loads(argv[1])
    logging.basicConfig(level=logging.ERROR)
    try:
        import ocrmypdf

        options = dict(
            language=[args["language"]],
            sidecar=args["sidecar"],
            output_type="pdf",
            progress_bar=False,
            jobs=1,
            use_threads=True,
            optimize=0,
            max_image_mpixels=args["megapixels"],
            tesseract_timeout=args["page_seconds"],
        )
        if args.get("image_dpi"):
            options["image_dpi"] = args["image_dpi"]
        if args["kind"] == "pdf":
            # The text layer was found useless: read every page again.
            options["force_ocr"] = True
        code = ocrmypdf.ocr(args["input"], args["output"], **options)
    except Exception as error:  # any failure becomes the job's reason
        print(json.dumps({"ok": False, "reason": f"{type(error).__name__}: {error}"}))
        return 2
    if int(code) != 0:
        print(json.dumps({"ok": False, "reason": f"OCRmyPDF exit code {int(code)}"}))
        return 2
    refine(args)
    print(json.dumps({"ok": True}))
    return 0


def refine(args):
    """Read the header's and the footer's columns apart (:mod:`.layout`)
    and rewrite the sidecar with them. A failure here keeps OCRmyPDF's
    text: the pages were read, only less well."""
    from phutho.intranet.ocr.layout import refine

    import os

    try:
        with open(args["sidecar"], encoding="utf-8", errors="replace") as stream:
            text = stream.read()
        refined = refine(
            args["output"],
            text,
            os.path.dirname(args["sidecar"]),
            args["language"],
            args["page_seconds"],
        )
        if refined != text:
            with open(args["sidecar"], "w", encoding="utf-8") as stream:
                stream.write(refined)
    except Exception as error:  # noqa: B902 - never lose the page's text
        logging.getLogger(__name__).error("Columns not read apart: %s", error)


if __name__ == "__main__":
    sys.exit(main(sys.argv))
