"""HTML bodies of mail: their visible text, and a copy safe to show in a
page. Pure functions."""

import re


def html_to_text(html):
    """Visible text of an HTML body (scripts and styles dropped)."""
    import lxml.html

    try:
        document = lxml.html.document_fromstring(html)
    except Exception:
        return re.sub(r"<[^>]*>", " ", html)
    for bad in document.xpath("//script|//style|//head"):
        bad.drop_tree()
    text = document.text_content()
    return re.sub(r"[ \t\r\f\v]+", " ", re.sub(r"\n\s*\n+", "\n\n", text)).strip()


def sanitize_html(html):
    """HTML safe to show inside a page: no scripts, event handlers, styles,
    forms, frames, embedded objects or remote images."""
    from lxml_html_clean import Cleaner

    import lxml.html

    if not html.strip():
        return ""
    cleaner = Cleaner(
        scripts=True,
        javascript=True,
        comments=True,
        style=True,
        inline_style=True,
        links=True,
        meta=True,
        page_structure=True,
        processing_instructions=True,
        embedded=True,
        frames=True,
        forms=True,
        annoying_tags=True,
        kill_tags=["img", "svg", "math", "base", "title"],
        safe_attrs_only=True,
    )
    try:
        fragment = lxml.html.fragment_fromstring(html, create_parent="div")
        cleaned = cleaner.clean_html(fragment)
        for link in cleaned.iter("a"):
            href = (link.get("href") or "").strip().lower()
            if not href.startswith(("http://", "https://", "mailto:")):
                link.attrib.pop("href", None)
            link.set("rel", "noopener noreferrer nofollow")
        return lxml.html.tostring(cleaned, encoding="unicode")
    except Exception:
        from html import escape

        return f"<pre>{escape(html_to_text(html))}</pre>"
