"""Keep the translation catalogues of phutho.intranet complete.

    python3 scripts/i18n.py            rebuild the .pot files, sync every .po
    python3 scripts/i18n.py --check    the same in a scratch copy; exit 1 when
                                       the committed catalogues are stale or
                                       a translation is missing or fuzzy

What it does, in src/phutho/intranet/locales/:

1. ``phutho.intranet.pot``: every message of the ``phutho.intranet`` domain,
   extracted by i18ndude from the Python sources (``_("msgid", default=...)``),
   the page templates and the GenericSetup XML (type titles and descriptions,
   workflow state and transition titles, actions) and ZCML titles, with the
   English ``#. Default:`` texts.
2. ``<lang>/LC_MESSAGES/phutho.intranet.po`` (``vi``; add a folder for another
   language): synced with the .pot. New messages get an empty msgstr: write
   the translation, then run ``tests/test_i18n.py``, which fails on any
   missing, empty or fuzzy translation.
3. ``plone.pot`` and ``<lang>/LC_MESSAGES/plone.po``: the workflow state and
   transition titles once more, in the ``plone`` domain, because Plone's own
   screens (the toolbar's State menu, folder contents, the history) translate
   workflow titles in that domain. Their translations are copied from the
   ``phutho.intranet`` catalogue of the same language: translate them there.
   Titles Plone's own catalogue already has (PLONE_OWNED) are left out, so
   that this package never changes what Plone's screens say with them.

.mo files are not written: Zope compiles the .po files at start-up
(``zope_i18n_compile_mo_files=true``) and git ignores them.

It needs i18ndude, which it installs with pip into a throw-away virtualenv
under /tmp (I18NDUDE_VENV overrides the place), pinned to I18NDUDE_VERSION;
never into the project's .venv. Python 3.10+ with the venv module and
access to PyPI are all it needs.
"""

from datetime import datetime
from datetime import timezone
from pathlib import Path
from xml.etree import ElementTree

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile

I18NDUDE_VERSION = "6.3.0"
I18NDUDE_VENV = Path(
    os.environ.get("I18NDUDE_VENV", f"/tmp/phutho-i18ndude-{I18NDUDE_VERSION}")
)

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "src" / "phutho" / "intranet"
LOCALES = PACKAGE / "locales"
DOMAIN = "phutho.intranet"
WORKFLOWS = PACKAGE / "profiles" / "default" / "workflows"

# Workflow titles that plone.app.locales already translates for Plone's own
# screens (e.g. "Register", the log-in bar's sign-up link): not in our
# plone.po. Our workflows avoid such titles, so the set is empty; a title
# added here is left out of plone.po.
PLONE_OWNED = frozenset()

LANGUAGE_NAMES = {"vi": "Tiếng Việt", "en": "English"}
PLURAL_FORMS = {"vi": "nplurals=1; plural=0;", "en": "nplurals=2; plural=(n != 1);"}

# The msgids and their defaults are English: the English catalogue stays
# empty on purpose (Zope then shows the defaults). It must exist all the
# same, or a user who chose English would get the only catalogue there is,
# Vietnamese: Plone's negotiator picks among the languages a domain has.
SOURCE_LANGUAGE = "en"

PO_HEADER = """\
msgid ""
msgstr ""
"Project-Id-Version: {domain}\\n"
"POT-Creation-Date: {now}\\n"
"PO-Revision-Date: {now}\\n"
"Last-Translator: phutho.intranet developers\\n"
"Language-Team: {language_name}\\n"
"MIME-Version: 1.0\\n"
"Content-Type: text/plain; charset=UTF-8\\n"
"Content-Transfer-Encoding: 8bit\\n"
"Plural-Forms: {plural_forms}\\n"
"Language: {language}\\n"
"Language-Code: {language}\\n"
"Language-Name: {language_name}\\n"
"Preferred-Encodings: utf-8\\n"
"Domain: {domain}\\n"
"""

POT_HEADER = """\
msgid ""
msgstr ""
"Project-Id-Version: {domain}\\n"
"POT-Creation-Date: {now}\\n"
"MIME-Version: 1.0\\n"
"Content-Type: text/plain; charset=UTF-8\\n"
"Content-Transfer-Encoding: 8bit\\n"
"Plural-Forms: nplurals=1; plural=0;\\n"
"Domain: {domain}\\n"
"""


def now():
    return datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M+0000")


# -- i18ndude ------------------------------------------------------------------


def i18ndude():
    """Path of the i18ndude command, installed on first use."""
    command = I18NDUDE_VENV / "bin" / "i18ndude"
    if not command.exists():
        print(f"Installing i18ndude {I18NDUDE_VERSION} into {I18NDUDE_VENV}")
        subprocess.run([sys.executable, "-m", "venv", str(I18NDUDE_VENV)], check=True)
        subprocess.run(
            [
                str(I18NDUDE_VENV / "bin" / "pip"),
                "install",
                "--quiet",
                f"i18ndude=={I18NDUDE_VERSION}",
            ],
            check=True,
        )
    return str(command)


def run(*args):
    subprocess.run([i18ndude(), *map(str, args)], check=True, cwd=ROOT)


# -- reading and writing .po files ---------------------------------------------


def unquote(text):
    return re.sub(
        r"\\(.)", lambda m: {"n": "\n", "t": "\t"}.get(m.group(1), m.group(1)), text
    )


def quote(text):
    return text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")


def read_po(path):
    """``{msgid: (msgstr, fuzzy)}`` of a .po or .pot file (header left out)."""
    entries = {}
    msgid = msgstr = None
    fuzzy = False
    target = None

    def flush():
        if msgid:
            entries[msgid] = (msgstr or "", fuzzy)

    for line in Path(path).read_text(encoding="utf-8").splitlines() + [""]:
        line = line.strip()
        if not line:
            flush()
            msgid = msgstr = None
            fuzzy = False
            target = None
        elif line.startswith("#,"):
            fuzzy = fuzzy or "fuzzy" in line
        elif line.startswith("#"):
            continue
        elif line.startswith("msgid "):
            msgid, target = unquote(line[7:-1]), "msgid"
        elif line.startswith("msgstr "):
            msgstr, target = unquote(line[8:-1]), "msgstr"
        elif line.startswith('"') and target == "msgid":
            msgid += unquote(line[1:-1])
        elif line.startswith('"') and target == "msgstr":
            msgstr += unquote(line[1:-1])
    return entries


def ensure_po(path, domain, language):
    """Create an empty catalogue with a proper header, if missing."""
    if path.exists():
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        PO_HEADER.format(
            now=now(),
            domain=domain,
            language=language,
            language_name=LANGUAGE_NAMES.get(language, language),
            plural_forms=PLURAL_FORMS.get(language, "nplurals=2; plural=(n != 1);"),
        ),
        encoding="utf-8",
    )


def copy_translations(path, translations):
    """Set every msgstr of ``path`` whose msgid ``translations`` has
    (``{msgid: msgstr}``), replacing what was there."""
    lines = path.read_text(encoding="utf-8").split("\n")
    result = []
    index = 0
    while index < len(lines):
        line = lines[index]
        result.append(line)
        index += 1
        match = re.match(r'^msgid "(.+)"$', line)
        text = translations.get(unquote(match.group(1))) if match else None
        if text and index < len(lines) and lines[index].startswith("msgstr "):
            result.append(f'msgstr "{quote(text)}"')
            index += 1
            while index < len(lines) and lines[index].startswith('"'):
                index += 1  # continuation lines of the old msgstr
    path.write_text("\n".join(result), encoding="utf-8")


# -- the plone domain: workflow titles ------------------------------------------


def workflow_titles():
    """``{title: [file, ...]}`` of every state title, transition title and
    action label of the package's workflows."""
    titles = {}
    for definition in sorted(WORKFLOWS.glob("*/definition.xml")):
        tree = ElementTree.parse(definition)
        texts = [state.get("title") for state in tree.iter("state")]
        for transition in tree.iter("transition"):
            texts.append(transition.get("title"))
            texts.extend(action.text for action in transition.iter("action"))
        where = definition.relative_to(PACKAGE.parent.parent).as_posix()
        for text in texts:
            text = (text or "").strip()
            if text and text not in PLONE_OWNED:
                titles.setdefault(text, [])
                if where not in titles[text]:
                    titles[text].append(where)
    return titles


def write_plone_pot(path):
    parts = [POT_HEADER.format(domain="plone", now=now())]
    for title, files in sorted(workflow_titles().items()):
        parts.append("".join(f"#: {where}\n" for where in files))
        parts[-1] += f'msgid "{quote(title)}"\nmsgstr ""\n'
    path.write_text("\n".join(parts), encoding="utf-8")


# -- the whole job ----------------------------------------------------------------


def languages(locales):
    return sorted(p.name for p in locales.iterdir() if (p / "LC_MESSAGES").is_dir())


def without_date(text):
    return re.sub(r'^"POT-Creation-Date: .*"$', "", text, flags=re.M)


def rebuild(locales):
    """Rebuild both .pot files and sync every .po of ``locales``."""
    pot = locales / f"{DOMAIN}.pot"
    plone_pot = locales / "plone.pot"
    before = {
        path: path.read_text(encoding="utf-8")
        for path in (pot, plone_pot)
        if path.exists()
    }
    run("rebuild-pot", "--pot", pot, "--create", DOMAIN, PACKAGE)
    write_plone_pot(plone_pot)
    for path, text in before.items():
        if without_date(path.read_text(encoding="utf-8")) == without_date(text):
            path.write_text(text, encoding="utf-8")  # unchanged: keep its date
    for language in languages(locales):
        po = locales / language / "LC_MESSAGES" / f"{DOMAIN}.po"
        ensure_po(po, DOMAIN, language)
        run("sync", "--pot", pot, po)
        if language == SOURCE_LANGUAGE:
            continue  # Plone's own English catalogue has the workflow titles
        plone_po = locales / language / "LC_MESSAGES" / "plone.po"
        ensure_po(plone_po, "plone", language)
        run("sync", "--pot", plone_pot, plone_po)
        translated = {
            msgid: text for msgid, (text, fuzzy) in read_po(po).items() if not fuzzy
        }
        copy_translations(plone_po, translated)


def problems(locales):
    """Untranslated or fuzzy entries, as readable lines."""
    found = []
    for language in languages(locales):
        for domain in (DOMAIN, "plone"):
            pot = locales / f"{domain}.pot"
            po = locales / language / "LC_MESSAGES" / f"{domain}.po"
            if not po.exists():
                continue
            entries = read_po(po)
            for msgid in read_po(pot):
                text, fuzzy = entries.get(msgid, ("", False))
                if fuzzy or (not text and language != SOURCE_LANGUAGE):
                    state = "fuzzy" if fuzzy else "untranslated"
                    found.append(f"{po.relative_to(locales)}: {state}: {msgid!r}")
    return found


def msgids(locales):
    return {path.name: set(read_po(path)) for path in sorted(locales.glob("*.pot"))}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--check",
        action="store_true",
        help="change nothing; exit 1 when the catalogues are stale or incomplete",
    )
    args = parser.parse_args()
    if args.check:
        with tempfile.TemporaryDirectory() as scratch:
            copy = Path(scratch) / "locales"
            shutil.copytree(LOCALES, copy, ignore=shutil.ignore_patterns("*.mo"))
            rebuild(copy)
            stale = [
                name
                for name, ids in msgids(copy).items()
                if ids != msgids(LOCALES).get(name)
            ]
            found = [f"{name} is stale: run scripts/i18n.py" for name in stale]
            found += problems(copy)
    else:
        rebuild(LOCALES)
        found = problems(LOCALES)
    for line in found:
        print(line)
    print(f"{len(found)} problem(s)" if found else "Catalogues complete.")
    return 1 if args.check and found else 0


if __name__ == "__main__":
    sys.exit(main())
