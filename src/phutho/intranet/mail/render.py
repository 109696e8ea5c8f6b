"""The text and HTML of notification mails, in Vietnamese.

A notification is a list of *items*: ``{"kind", "title", "symbol", "url",
"note"}`` (see :func:`item_for`). One item makes an immediate mail, many a
digest; both name each document and link to it. Secret documents (độ mật)
are named "secret document" only: their subject never travels by mail.
"""

from html import escape
from phutho.intranet import _
from phutho.intranet.dates import format_date
from phutho.intranet.workflow.localroles import is_secret
from plone import api
from zope.i18n import translate

LANGUAGE = "vi"

# Section headings of a digest, in this order.
SECTIONS = {
    "assigned": _("mail_section_assigned", default="Assigned to you or your unit"),
    "review": _("mail_section_review", default="Waiting for your review or signature"),
    "returned": _("mail_section_returned", default="Your drafts returned for revision"),
    "registration": _(
        "mail_section_registration", default="Waiting for registration or issue"
    ),
    "recall": _("mail_section_recall", default="Recall requested by the sender"),
    "overdue": _("mail_section_overdue", default="Overdue"),
    "approaching": _("mail_section_approaching", default="Deadline approaching"),
}


def tr(message):
    """Translate ``message`` into Vietnamese (mails go out in the portal's
    language, whatever request triggered them)."""
    return translate(message, target_language=LANGUAGE)


def public_url(document):
    """The document's address as people open it: the registry's public
    address when set (mail-in and the digest run behind an internal URL),
    else the object's URL."""
    base = api.portal.get_registry_record(
        "phutho.intranet.mail.public_url", default=None
    )
    if not base:
        return document.absolute_url()
    portal_path = "/".join(api.portal.get().getPhysicalPath())
    path = "/".join(document.getPhysicalPath())[len(portal_path) :]
    return base.rstrip("/") + path


def document_title(document):
    """The subject (trích yếu) as a mail may show it."""
    if is_secret(document):
        return tr(_("mail_secret_document", default="Secret document"))
    return document.Title()


def document_symbol(document):
    return (
        getattr(document, "symbol", None)
        or getattr(document, "number_symbol", None)
        or ""
    )


def item_for(document, kind, note=""):
    """One line of a notification about ``document``."""
    return {
        "kind": kind,
        "title": document_title(document),
        "symbol": "" if is_secret(document) else document_symbol(document),
        "url": public_url(document),
        "note": note or "",
    }


def deadline_note(deadline):
    return tr(
        _(
            "mail_deadline_note",
            default="Deadline ${date}",
            mapping={"date": format_date(deadline)},
        )
    )


def _line_text(item):
    head = item["title"]
    if item["symbol"]:
        head = f"{item['symbol']}: {head}"
    lines = [f"- {head}"]
    if item["note"]:
        lines.append(f"  {item['note']}")
    lines.append(f"  {item['url']}")
    return "\n".join(lines)


def _line_html(item):
    head = escape(item["title"])
    if item["symbol"]:
        head = f"<strong>{escape(item['symbol'])}</strong>: {head}"
    note = f"<br><em>{escape(item['note'])}</em>" if item["note"] else ""
    return (
        f'<li style="margin-bottom:8px"><a href="{escape(item["url"], quote=True)}">'
        f"{head}</a>{note}</li>"
    )


def _grouped(items):
    groups = {}
    for item in items:
        groups.setdefault(item["kind"], []).append(item)
    return [(kind, groups[kind]) for kind in SECTIONS if kind in groups]


def render(fullname, intro, items, preferences_url):
    """``(text, html)`` of a mail greeting ``fullname`` and listing ``items``
    by section."""
    greeting = tr(
        _("mail_greeting", default="Dear ${name},", mapping={"name": fullname})
    )
    footer = tr(
        _(
            "mail_footer",
            default="You receive this because of your notification settings: " "${url}",
            mapping={"url": preferences_url},
        )
    )
    text = [greeting, "", intro, ""]
    html = [
        '<html><body style="font-family:Arial,sans-serif;font-size:14px">',
        f"<p>{escape(greeting)}</p>",
        f"<p>{escape(intro)}</p>",
    ]
    for kind, group in _grouped(items):
        heading = tr(SECTIONS[kind])
        text += [heading, "-" * len(heading)]
        text += [_line_text(item) for item in group]
        text.append("")
        html.append(f'<h3 style="color:#b30000">{escape(heading)}</h3><ul>')
        html += [_line_html(item) for item in group]
        html.append("</ul>")
    text += ["--", footer]
    html.append(
        f'<p style="color:#666;font-size:12px">{escape(footer)}</p></body></html>'
    )
    return "\n".join(text) + "\n", "\n".join(html)
