"""Finding English on the portal's pages (issue 13's crawl test).

:func:`english_messages` reads the message catalogues of Plone and of
this project (the ``.pot`` files with their English defaults) and keeps
the messages whose Vietnamese translation, as the running portal makes
it, is still the English text: those an official must never meet.
:func:`page_texts` takes what a page shows or says (text nodes, labels,
placeholders, titles, button values), and :func:`english_on` the English
among it. :class:`Crawler` visits the pages a person reaches by following
links, as that person, over HTTP.
"""

from lxml import html
from pathlib import Path
from urllib.parse import urldefrag
from urllib.parse import urljoin
from urllib.parse import urlsplit
from zope.i18n import translate
from zope.i18nmessageid import Message

import importlib.util
import re

# (package, .pot file, domain)
CATALOGUES = (
    ("plone.app.locales", "locales/plone.pot", "plone"),
    ("plone.app.locales", "locales/plone-manual.pot", "plone"),
    ("plone.app.locales", "locales/plone-generated.pot", "plone"),
    ("plone.app.locales", "locales/widgets.pot", "widgets"),
    ("plone.app.locales", "locales/plonelocales.pot", "plonelocales"),
    ("plone.app.locales", "locales/cmfeditions.pot", "cmfeditions"),
    ("plone.app.locales", "locales/cmfplacefulworkflow.pot", "cmfplacefulworkflow"),
    ("collective.easyform", "locales/collective.easyform.pot", "collective.easyform"),
    ("collective.easyform", "locales/plone.pot", "plone"),
    ("z3c.form", "locales/z3c.form.pot", "z3c.form"),
    ("plone.z3cform", "locales/plone.z3cform.pot", "plone.z3cform"),
    ("phutho.intranet", "locales/phutho.intranet.pot", "phutho.intranet"),
)

# Texts that are the same in Vietnamese: names, codes, formats.
SAME_IN_VIETNAMESE = frozenset(
    (
        "Plone",
        "PDF",
        "CSV",
        "XLSX",
        "XML",
        "HTML",
        "RSS",
        "URL",
        "iCalendar",
        "Email",
        "E-mail",
        "OK",
        "ID",
        "Zope",
        "Python",
        "edXML",
        "OrganId",
        "Google",
        "Twitter",
        "Facebook",
        "GitHub",
        "EasyForm",
        "TinyMCE",
        "WSGI:",
        "robots.txt",
        "Excel (XLSX)",
        "Fax",
    )
)
LETTERS_RE = re.compile(r"[A-Za-z]{3}")
VARIABLE_RE = re.compile(r"\$\{\w+\}")
ATTRIBUTES = ("title", "placeholder", "aria-label", "alt")
SKIPPED_TAGS = ("script", "style", "noscript", "template", "code", "pre")


def _unquote(text):
    return re.sub(
        r"\\(.)", lambda m: {"n": "\n", "t": "\t"}.get(m.group(1), m.group(1)), text
    )


def read_pot(path):
    """``[(msgid, default)]`` of a .pot file."""
    entries, msgid, default, field = [], None, None, None
    for line in Path(path).read_text(encoding="utf-8").splitlines() + [""]:
        line = line.strip()
        if not line:
            if msgid:
                entries.append((msgid, default))
            msgid, default, field = None, None, None
            continue
        if line.startswith("#. Default:"):
            default = _unquote(line[len("#. Default:") :].strip()[1:-1])
        elif line.startswith("msgid "):
            msgid, field = _unquote(line[6:].strip()[1:-1]), "msgid"
        elif line.startswith("msgstr"):
            field = "msgstr"
        elif line.startswith('"') and field == "msgid":
            msgid += _unquote(line[1:-1])
    return entries


def normalize(text):
    return " ".join((text or "").split())


def english_messages(language="vi"):
    """``{english text: (domain, msgid)}`` of the catalogues' messages
    that ``language`` leaves in English."""
    found = {}
    for package, relative, domain in CATALOGUES:
        spec = importlib.util.find_spec(package)
        if spec is None or not spec.submodule_search_locations:
            continue
        path = Path(list(spec.submodule_search_locations)[0]) / relative
        if not path.exists():
            continue
        for msgid, default in read_pot(path):
            english = normalize(default or msgid)
            if (
                not english
                or VARIABLE_RE.search(english)
                or not LETTERS_RE.search(english)
                or english in SAME_IN_VIETNAMESE
                or (default is None and "_" in msgid and " " not in msgid)
            ):
                continue
            message = Message(msgid, domain=domain, default=default)
            if normalize(translate(message, target_language=language)) == english:
                found.setdefault(english, (domain, msgid))
    return found


def page_texts(body):
    """What a page shows or says: text nodes, and the attributes people
    read or hear; each normalised."""
    document = html.fromstring(body)
    texts = []
    for element in document.iter():
        if not isinstance(element.tag, str):
            continue
        if element.tag in SKIPPED_TAGS:
            continue
        if element.getparent() is not None and element.getparent().tag in SKIPPED_TAGS:
            continue
        for text in (element.text,):
            if text and text.strip():
                texts.append(normalize(text))
        if element.tail and element.tail.strip():
            parent = element.getparent()
            if parent is None or parent.tag not in SKIPPED_TAGS:
                texts.append(normalize(element.tail))
        for attribute in ATTRIBUTES:
            value = element.get(attribute)
            if value and value.strip():
                texts.append(normalize(value))
        if element.tag == "input" and element.get("type") in (
            "submit",
            "button",
            "reset",
        ):
            if element.get("value"):
                texts.append(normalize(element.get("value")))
    return texts


def english_on(body, english):
    """The English texts of ``english`` a page shows."""
    found = set()
    for text in page_texts(body):
        for candidate in (text, text.rstrip(":…. "), text.rstrip(":")):
            if candidate in english:
                found.add(candidate)
                break
    return found


# What a crawl never opens: leaving, downloads, files, actions done by a
# GET with a token, pages that only redirect or stream.
SKIPPED_URL_RE = re.compile(
    r"(logout|/@@download|/@@images|/@@display-file|\+\+resource\+\+|\+\+plone\+\+"
    r"|\+\+theme\+\+|\+\+webresource\+\+|_authenticator=|/@@ical|format=|\.ics$"
    r"|\.pdf$|\.xlsx$|\.csv$|\.xml$|\.png$|\.jpg$|\.svg$|/RSS|/rss|@@print"
    r"|set_language=|/portal_|mailto:|tel:|manage_|/@@export|/@@casefile-export"
    r"|/@@search-rss|/@@atom|/@@itunes|/@@plone-jsi18n|/plonejsi18n|/@@ajax-search"
    r"|/@@getVocabulary|/@@fc-|/@@qsOptions|/@@download-saved-input)"
)


class Crawler:
    """Follows the links of the portal as one person (a ``requests``
    session), breadth first, opening each page once."""

    def __init__(self, session, portal_url, limit=150, per_pattern=3, skip=None):
        self.session = session
        self.skip = skip
        self.portal_url = portal_url.rstrip("/")
        self.limit = limit
        self.per_pattern = per_pattern
        self.seen = set()
        self.patterns = {}

    def pattern(self, url):
        """Pages of one kind (documents of a month, weeks, entries…)
        count once every ``per_pattern``: the last path step and the
        query's values do not make a new kind of page."""
        parts = urlsplit(url)
        steps = parts.path.rstrip("/").split("/")
        keys = sorted(key.split("=")[0] for key in parts.query.split("&") if key)
        return (
            "/".join(steps[:-1]),
            steps[-1].startswith("@@") and steps[-1],
            tuple(keys),
        )

    def wanted(self, url):
        if not url.startswith(self.portal_url) or SKIPPED_URL_RE.search(url):
            return False
        if self.skip is not None and self.skip.search(url):
            return False
        if url in self.seen:
            return False
        kind = self.pattern(url)
        if self.patterns.get(kind, 0) >= self.per_pattern:
            return False
        return True

    def crawl(self, start_urls):
        """Yield ``(url, status, body)`` of each page opened."""
        queue = [urljoin(self.portal_url + "/", u) for u in start_urls]
        opened = 0
        while queue and opened < self.limit:
            url = urldefrag(queue.pop(0))[0]
            if not self.wanted(url):
                continue
            self.seen.add(url)
            kind = self.pattern(url)
            self.patterns[kind] = self.patterns.get(kind, 0) + 1
            response = self.session.get(
                url, headers={"Accept": "text/html"}, timeout=60
            )
            opened += 1
            content_type = response.headers.get("Content-Type", "")
            if "html" not in content_type:
                continue
            yield url, response.status_code, response.text
            if response.status_code != 200:
                continue
            try:
                document = html.fromstring(response.content)
            except Exception:  # an empty or broken body: nothing to follow
                continue
            for link in document.iterlinks():
                element, attribute, target, _pos = link
                if element.tag != "a" or attribute != "href":
                    continue
                queue.append(urldefrag(urljoin(response.url, target))[0])
