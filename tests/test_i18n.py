"""The translation catalogues: complete, in step with the sources, and
really used at run time ("Vietnamese first", English on request).

The catalogues live in src/phutho/intranet/locales/ and are kept by
scripts/i18n.py: when a test here lists missing msgids, run it, translate
the new entries of vi/LC_MESSAGES/phutho.intranet.po and run the tests again.
"""

from lxml import etree
from lxml import html
from pathlib import Path
from phutho.intranet import _
from phutho.intranet.testing import agency
from phutho.intranet.testing import create_incoming
from phutho.intranet.testing import PHUTHO_DEMO_FUNCTIONAL_TESTING
from phutho.intranet.testing import PHUTHO_DEMO_INTEGRATION_TESTING
from phutho.intranet.testing import signed_in_browser
from phutho.intranet.workflow.api import do_transition
from plone import api
from plone.app.testing import login
from pythongettext.msgfmt import Msgfmt
from zope.i18n import translate

import ast
import gettext
import io
import re
import transaction
import unittest

PACKAGE = Path(__file__).resolve().parent.parent / "src" / "phutho" / "intranet"
LOCALES = PACKAGE / "locales"
DOMAIN = "phutho.intranet"
POT = LOCALES / f"{DOMAIN}.pot"
VI_PO = LOCALES / "vi" / "LC_MESSAGES" / f"{DOMAIN}.po"
EN_PO = LOCALES / "en" / "LC_MESSAGES" / f"{DOMAIN}.po"
VI_PLONE_PO = LOCALES / "vi" / "LC_MESSAGES" / "plone.po"
WORKFLOWS = (
    "phutho_incoming_workflow",
    "phutho_outgoing_workflow",
    "phutho_register_workflow",
    "phutho_casefile_workflow",
    "phutho_structure_workflow",
)
# Workflow titles that Plone's own plone-domain catalogue translates (see
# PLONE_OWNED in scripts/i18n.py): left out of our plone.po on purpose. None
# since our titles avoid Plone's ("Register the document", not "Register").
PLONE_OWNED = set()

VARIABLE_RE = re.compile(r"\$\{(\w+)\}")
# "Subject (trích yếu)": English, then the Vietnamese term (non-ASCII).
TERM_IN_PARENTHESES_RE = re.compile(r"^(.+?) \(([^()]*[^\x00-\x7f][^()]*)\)\.?$")
DATE_RE = re.compile(r"^\d{2}/\d{2}/\d{4}$")
DATETIME_RE = re.compile(r"^\d{2}/\d{2}/\d{4} \d{2}:\d{2}$")
I18N_NS = "http://xml.zope.org/namespaces/i18n"


# -- reading catalogues --------------------------------------------------------


def _unquote(text):
    return re.sub(
        r"\\(.)", lambda m: {"n": "\n", "t": "\t"}.get(m.group(1), m.group(1)), text
    )


def read_po(path):
    """The entries of a .po/.pot file: ``{msgid: entry}`` with ``msgstr``,
    ``fuzzy`` and ``default`` (the ``#. Default:`` text); the header entry
    is ``""``. A msgid seen twice raises, as msgfmt would."""
    entries = {}
    entry = None
    field = None

    def flush():
        if entry is not None and "msgid" in entry:
            if entry["msgid"] in entries:
                raise ValueError(f"{path.name}: duplicate msgid {entry['msgid']!r}")
            entries[entry["msgid"]] = entry

    for number, line in enumerate(
        path.read_text(encoding="utf-8").splitlines() + [""], 1
    ):
        line = line.strip()
        if not line:
            flush()
            entry, field = None, None
            continue
        if entry is None:
            entry = {"msgstr": "", "fuzzy": False, "default": None}
        if line.startswith("#,"):
            entry["fuzzy"] = entry["fuzzy"] or "fuzzy" in line
        elif line.startswith("#. Default:"):
            entry["default"] = _unquote(line[len("#. Default:") :].strip()[1:-1])
        elif line.startswith("#"):
            continue
        elif line.startswith(("msgid ", "msgstr ")):
            field, text = line.split(" ", 1)
            if not (text.startswith('"') and text.endswith('"')):
                raise ValueError(f"{path.name}:{number}: bad line {line!r}")
            entry[field] = _unquote(text[1:-1])
        elif line.startswith('"') and line.endswith('"') and field:
            entry[field] += _unquote(line[1:-1])
        else:
            raise ValueError(f"{path.name}:{number}: cannot read {line!r}")
    return entries


def messages(path):
    """The entries of a catalogue without its header."""
    return {msgid: entry for msgid, entry in read_po(path).items() if msgid}


def header(path):
    text = read_po(path)[""]["msgstr"]
    return dict(line.split(": ", 1) for line in text.splitlines() if ": " in line)


def normalize(text):
    return " ".join((text or "").split())


def workflow_titles():
    """State titles, transition titles and action labels of our workflows,
    read from their GenericSetup definitions."""
    titles = set()
    for definition in (PACKAGE / "profiles" / "default" / "workflows").glob(
        "*/definition.xml"
    ):
        tree = etree.parse(str(definition))
        titles.update(state.get("title") for state in tree.iter("state"))
        for transition in tree.iter("transition"):
            titles.add(transition.get("title"))
            titles.update(normalize(a.text) for a in transition.iter("action"))
    return {title for title in titles if title}


# -- (a) the catalogues themselves ----------------------------------------------


class TestCatalogues(unittest.TestCase):
    """Pure checks of the .pot and .po files."""

    def setUp(self):
        self.pot = messages(POT)
        self.vi = messages(VI_PO)

    def test_vi_header(self):
        info = header(VI_PO)
        self.assertEqual(info["Language"], "vi")
        self.assertEqual(info["Plural-Forms"], "nplurals=1; plural=0;")
        self.assertIn("charset=UTF-8", info["Content-Type"])
        self.assertEqual(info["Domain"], DOMAIN)

    def test_po_files_compile(self):
        """What Zope does at start-up: compile each .po and load the .mo."""
        compiled_files = []
        for path in sorted(LOCALES.glob("*/LC_MESSAGES/*.po")):
            with self.subTest(path=str(path.relative_to(LOCALES))):
                compiled = Msgfmt(str(path), name=path.stem).get()
                catalog = gettext.GNUTranslations(io.BytesIO(compiled))
                self.assertEqual(catalog.info()["language"], path.parent.parent.name)
                compiled_files.append(path.relative_to(LOCALES).as_posix())
        self.assertLessEqual(
            {
                "vi/LC_MESSAGES/phutho.intranet.po",
                "vi/LC_MESSAGES/plone.po",
                "en/LC_MESSAGES/phutho.intranet.po",
            },
            set(compiled_files),
        )

    def test_pot_has_the_extracted_messages(self):
        self.assertGreater(len(self.pot), 300)
        # Python with defaults, templates, GenericSetup XML, the theme.
        self.assertEqual(self.pot["label_subject"]["default"], "Subject (trích yếu)")
        self.assertEqual(
            self.pot["msg_first_of"]["default"], "The first ${shown} of ${count}."
        )
        for msgid in (
            "Incoming document",
            "Registered",
            "Submit to the leader",
            "My work",
            "label_main_navigation",
            "label_view_all",
        ):
            self.assertIn(msgid, self.pot)

    def test_every_msgid_translated_in_vietnamese(self):
        missing = sorted(msgid for msgid in self.pot if msgid not in self.vi)
        empty = sorted(msgid for msgid, e in self.vi.items() if not e["msgstr"].strip())
        fuzzy = sorted(msgid for msgid, e in self.vi.items() if e["fuzzy"])
        obsolete = sorted(msgid for msgid in self.vi if msgid not in self.pot)
        self.assertEqual(
            {"missing": missing, "empty": empty, "fuzzy": fuzzy, "obsolete": obsolete},
            {"missing": [], "empty": [], "fuzzy": [], "obsolete": []},
            "run scripts/i18n.py and translate vi/LC_MESSAGES/phutho.intranet.po",
        )

    def test_variables_kept(self):
        wrong = {}
        for msgid, entry in self.pot.items():
            expected = set(VARIABLE_RE.findall(msgid)) | set(
                VARIABLE_RE.findall(entry["default"] or "")
            )
            found = set(VARIABLE_RE.findall(self.vi.get(msgid, {}).get("msgstr", "")))
            if found != expected:
                wrong[msgid] = {"expected": sorted(expected), "found": sorted(found)}
        self.assertEqual(wrong, {})

    def test_vietnamese_term_alone(self):
        """An English default carrying the Vietnamese term in parentheses is
        translated by the term alone, not by both."""
        for msgid, term in (
            ("label_subject", "Trích yếu"),
            ("label_arrival_number", "Số đến"),
            ("label_secrecy", "Độ mật"),
            ("label_urgency", "Độ khẩn"),
            ("secrecy_confidential", "Mật"),
            ("secrecy_secret", "Tối mật"),
            ("secrecy_top_secret", "Tuyệt mật"),
            ("urgency_urgent", "Khẩn"),
            ("urgency_very_urgent", "Thượng khẩn"),
            ("urgency_flash", "Hỏa tốc"),
            ("badge_overdue", "Quá hạn"),
            ("assignment_role_lead", "Chủ trì"),
            ("assignment_role_coordinator", "Phối hợp"),
            ("group_clerks", "Văn thư"),
            ("group_specialists", "Chuyên viên"),
            ("label_instructions", "Ý kiến chỉ đạo"),
            ("Incoming document (văn bản đến)", "Văn bản đến"),
        ):
            with self.subTest(msgid=msgid):
                self.assertEqual(self.vi[msgid]["msgstr"], term)
        doubled = []
        for msgid, entry in self.pot.items():
            match = TERM_IN_PARENTHESES_RE.match(entry["default"] or msgid)
            if match and match.group(1).lower() in self.vi[msgid]["msgstr"].lower():
                doubled.append(msgid)
        self.assertEqual(doubled, [])

    def test_english_catalogue_follows_the_pot(self):
        """Empty on purpose (the defaults are English); present so that a
        user who chose English does not get the Vietnamese catalogue."""
        english = messages(EN_PO)
        self.assertEqual(set(english), set(self.pot))
        self.assertEqual(header(EN_PO)["Language"], "en")
        self.assertEqual([m for m, e in english.items() if e["fuzzy"]], [])

    def test_plone_domain_has_the_workflow_titles(self):
        """Plone's toolbar and folder contents translate workflow titles in
        the plone domain: our plone.po has them, as in phutho.intranet.po."""
        plone = messages(VI_PLONE_PO)
        self.assertEqual(header(VI_PLONE_PO)["Domain"], "plone")
        self.assertEqual(set(plone), workflow_titles() - PLONE_OWNED)
        self.assertEqual(
            {m: e["msgstr"] for m, e in plone.items()},
            {m: self.vi[m]["msgstr"] for m in plone},
        )

    def test_plone_domain_never_overrides_plone(self):
        """None of our plone-domain titles is one Plone's own Vietnamese
        catalogue translates: ours would change Plone's screens, or be
        shadowed by Plone's ("Register" would read "Đăng ký")."""
        import plone.app.locales

        plone_vi = (
            Path(plone.app.locales.__file__).parent / "locales" / "vi" / "LC_MESSAGES"
        )
        translated = {
            m for m, e in messages(plone_vi / "plone.po").items() if e["msgstr"]
        }
        self.assertEqual(sorted(set(messages(VI_PLONE_PO)) & translated), [])
        self.assertEqual(PLONE_OWNED, workflow_titles() & translated)


# -- (b) the sources against the catalogue --------------------------------------


def _message_factory_modules():
    """Python modules of the package where ``_`` is our MessageFactory."""
    for path in sorted(PACKAGE.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        for node in ast.walk(tree):
            imported = (
                isinstance(node, ast.ImportFrom)
                and node.module == "phutho.intranet"
                and any(
                    alias.name == "_" and alias.asname is None for alias in node.names
                )
            )
            defined = (
                isinstance(node, ast.Assign)
                and any(isinstance(t, ast.Name) and t.id == "_" for t in node.targets)
                and isinstance(node.value, ast.Call)
                and getattr(node.value.func, "id", None) == "MessageFactory"
            )
            if imported or defined:
                yield path, tree
                break


def python_messages():
    """``(where, msgid, default, mapping keys)`` of every ``_(...)`` call;
    a msgid that is not a string literal is reported as ``None``."""
    found = []
    for path, tree in _message_factory_modules():
        for node in ast.walk(tree):
            if not (
                isinstance(node, ast.Call) and getattr(node.func, "id", None) == "_"
            ):
                continue
            where = f"{path.relative_to(PACKAGE.parent.parent)}:{node.lineno}"
            first = node.args[0] if node.args else None
            msgid = (
                first.value
                if isinstance(first, ast.Constant) and isinstance(first.value, str)
                else None
            )
            keywords = {k.arg: k.value for k in node.keywords}
            default = keywords.get("default")
            default = default.value if isinstance(default, ast.Constant) else None
            mapping = keywords.get("mapping")
            keys = (
                {k.value for k in mapping.keys if isinstance(k, ast.Constant)}
                if isinstance(mapping, ast.Dict)
                else None
            )
            found.append((where, msgid, default, keys))
    return found


class TestSourcesInCatalogue(unittest.TestCase):
    """A developer who adds a UI string without updating the catalogue gets
    the list of what is missing here."""

    def setUp(self):
        self.pot = messages(POT)
        self.found = python_messages()

    def test_python_msgids_are_literals(self):
        self.assertGreater(len(self.found), 200)
        self.assertEqual(
            [where for where, msgid, _d, _k in self.found if msgid is None], []
        )

    def test_python_msgids_in_pot(self):
        missing = sorted(
            f"{where}: {msgid}"
            for where, msgid, _d, _k in self.found
            if msgid is not None and msgid not in self.pot
        )
        self.assertEqual(
            missing, [], "run scripts/i18n.py, then translate the new entries"
        )

    def test_python_defaults_as_in_pot(self):
        """A changed English default needs its translation reviewed."""
        stale = sorted(
            f"{where}: {msgid}: {default!r} (pot: {self.pot[msgid]['default']!r})"
            for where, msgid, default, _k in self.found
            if default is not None
            and msgid in self.pot
            and normalize(default) != normalize(self.pot[msgid]["default"])
        )
        self.assertEqual(stale, [], "run scripts/i18n.py and review these translations")

    def test_one_default_per_msgid(self):
        defaults = {}
        for where, msgid, default, _k in self.found:
            if msgid and default is not None:
                defaults.setdefault(msgid, {}).setdefault(
                    normalize(default), []
                ).append(where)
        self.assertEqual({m: d for m, d in defaults.items() if len(d) > 1}, {})

    def test_mappings_match_variables(self):
        wrong = sorted(
            f"{where}: {msgid}"
            for where, msgid, default, keys in self.found
            if default
            and keys is not None
            and set(VARIABLE_RE.findall(default)) != keys
        )
        self.assertEqual(wrong, [])

    def test_template_msgids_in_pot(self):
        missing = []
        for path in sorted(PACKAGE.rglob("*.pt")):
            text = path.read_text(encoding="utf-8")
            ids = re.findall(r'i18n:translate="([^"]+)"', text)
            for attributes in re.findall(r'i18n:attributes="([^"]+)"', text):
                ids += [
                    part.split()[1]
                    for part in attributes.split(";")
                    if len(part.split()) == 2
                ]
            missing += [
                f"{path.relative_to(PACKAGE)}: {m}" for m in ids if m not in self.pot
            ]
        self.assertEqual(missing, [])

    def test_genericsetup_texts_in_pot(self):
        """Type titles and descriptions, workflow titles, actions."""
        missing = []
        profile = PACKAGE / "profiles" / "default"
        for path in sorted(profile.rglob("*.xml")):
            for element in etree.parse(str(path)).iter():
                if not isinstance(element.tag, str):
                    continue
                ids = []
                translate_attr = element.get(f"{{{I18N_NS}}}translate")
                if translate_attr is not None:
                    ids.append(translate_attr or normalize(element.text))
                for name in (element.get(f"{{{I18N_NS}}}attributes") or "").split(";"):
                    parts = name.split()
                    if len(parts) == 2:
                        ids.append(parts[1])
                    elif parts and element.get(parts[0]):
                        ids.append(normalize(element.get(parts[0])))
                missing += [
                    f"{path.relative_to(profile)}: {m}"
                    for m in ids
                    if m not in self.pot
                ]
        self.assertEqual(missing, [])


# -- (c) at run time -------------------------------------------------------------


def vi(message, **kwargs):
    return translate(message, target_language="vi", **kwargs)


class TestTranslationsAtRunTime(unittest.TestCase):
    layer = PHUTHO_DEMO_INTEGRATION_TESTING

    def setUp(self):
        self.portal = self.layer["portal"]

    def test_domain_terms(self):
        from phutho.intranet.browser.document import ROLE_TITLES
        from phutho.intranet.browser.utils import overdue_badge
        from phutho.intranet.content.incoming import IIncomingDocument
        from phutho.intranet.content.vocabularies import SECRECY
        from phutho.intranet.content.vocabularies import URGENCY
        from phutho.intranet.groups import AGENCY_FUNCTIONS
        from phutho.intranet.groups import UNIT_FUNCTIONS

        self.assertEqual(vi(IIncomingDocument["title"].title), "Trích yếu")
        self.assertEqual(vi(IIncomingDocument["arrival_number"].title), "Số đến")
        self.assertEqual(vi(IIncomingDocument["number_symbol"].title), "Số, ký hiệu")
        self.assertEqual(
            vi(IIncomingDocument["processing_deadline"].title), "Hạn xử lý"
        )
        self.assertEqual(
            [vi(title) for value, title in SECRECY],
            ["Thường (không mật)", "Mật", "Tối mật", "Tuyệt mật"],
        )
        self.assertEqual(
            [vi(title) for value, title in URGENCY],
            ["Thường", "Khẩn", "Thượng khẩn", "Hỏa tốc", "Hỏa tốc hẹn giờ"],
        )
        self.assertEqual(vi(overdue_badge()["text"]), "Quá hạn")
        self.assertEqual(vi(ROLE_TITLES["lead"]), "Chủ trì")
        self.assertEqual(vi(ROLE_TITLES["coordinator"]), "Phối hợp")
        self.assertEqual(vi(AGENCY_FUNCTIONS["clerks"][0]), "Văn thư")
        self.assertEqual(vi(AGENCY_FUNCTIONS["leaders"][0]), "Lãnh đạo")
        self.assertEqual(vi(UNIT_FUNCTIONS["specialists"][0]), "Chuyên viên")

    def test_mapping_variables_filled(self):
        message = _(
            "error_register_year",
            default="This register is for ${year}; open the register of ${current}.",
            mapping={"year": 2025, "current": 2026},
        )
        self.assertEqual(
            vi(message), "Sổ này dùng cho năm 2025; hãy mở sổ của năm 2026."
        )

    def test_workflow_titles_in_our_domain(self):
        wftool = api.portal.get_tool("portal_workflow")
        untranslated = []
        for workflow_id in WORKFLOWS:
            workflow = wftool[workflow_id]
            texts = [state.title for state in workflow.states.values()]
            for transition in workflow.transitions.values():
                texts += [transition.title, transition.actbox_name]
            untranslated += [
                f"{workflow_id}: {text}"
                for text in texts
                if vi(text, domain=DOMAIN) == text
            ]
        self.assertEqual(untranslated, [])
        incoming = wftool["phutho_incoming_workflow"]
        self.assertEqual(
            {
                t: vi(incoming.transitions[t].title, domain=DOMAIN)
                for t in ("register", "submit", "assign", "reassign", "complete")
            },
            {
                "register": "Vào sổ",
                "submit": "Trình lãnh đạo",
                "assign": "Phân công",
                "reassign": "Phân công lại",
                "complete": "Hoàn thành",
            },
        )
        self.assertEqual(
            {
                s: vi(incoming.states[s].title, domain=DOMAIN)
                for s in ("received", "registered", "submitted", "in_progress")
            },
            {
                "received": "Mới tiếp nhận",
                "registered": "Đã vào sổ",
                "submitted": "Đã trình lãnh đạo",
                "in_progress": "Đang xử lý",
            },
        )
        outgoing = wftool["phutho_outgoing_workflow"]
        self.assertEqual(
            vi(outgoing.transitions["submit_for_signature"].title, domain=DOMAIN),
            "Trình ký",
        )
        self.assertEqual(
            vi(outgoing.transitions["issue"].title, domain=DOMAIN), "Phát hành"
        )

    def test_workflow_titles_for_plones_own_screens(self):
        """The toolbar's State menu translates in the plone domain."""
        self.assertEqual(vi("Registered", domain="plone"), "Đã vào sổ")
        self.assertEqual(vi("Submit to the leader", domain="plone"), "Trình lãnh đạo")
        self.assertEqual(vi("Submitted for signature", domain="plone"), "Đã trình ký")
        # Plone's own "Register" (the sign-up link) keeps Plone's translation.
        self.assertEqual(vi("Register", domain="plone"), "Đăng ký")

    def test_type_titles(self):
        types = api.portal.get_tool("portal_types")
        self.assertEqual(vi(types["IncomingDocument"].Title()), "Văn bản đến")
        self.assertEqual(vi(types["OutgoingDocument"].Title()), "Văn bản đi")
        self.assertEqual(vi(types["DocumentRegister"].Title()), "Sổ văn bản")
        self.assertEqual(vi(types["CaseFile"].Title()), "Hồ sơ")

    def test_english_shows_the_defaults(self):
        subject = _("label_subject", default="Subject (trích yếu)")
        self.assertEqual(
            translate(subject, target_language="en"), "Subject (trích yếu)"
        )
        self.assertEqual(
            translate("Register", domain=DOMAIN, target_language="en"), "Register"
        )


class TestPagesInVietnamese(unittest.TestCase):
    layer = PHUTHO_DEMO_FUNCTIONAL_TESTING

    def setUp(self):
        self.app = self.layer["app"]
        self.portal = self.layer["portal"]
        self.agency = agency(self.portal, "so-khcn")

    def incoming(self, *transitions):
        login(self.portal, "vanthu.sokhcn")
        document = create_incoming(self.agency)
        for transition in transitions:
            do_transition(document, transition)
        transaction.commit()
        return document

    def browser(self, user_id=None):
        return signed_in_browser(self.app, user_id)

    def page(self, browser):
        return html.fromstring(browser.contents)

    def texts(self, browser, selector):
        return [
            normalize(e.text_content()) for e in self.page(browser).cssselect(selector)
        ]

    def test_incoming_document_page(self):
        document = self.incoming("register")
        browser = self.browser("vanthu.sokhcn")
        browser.open(document.absolute_url())
        page = self.page(browser)
        self.assertEqual(page.get("lang"), "vi")
        self.assertEqual(self.texts(browser, "#doc-state"), ["Đã vào sổ"])
        fields = dict(
            zip(
                self.texts(browser, "#doc-registration dt"),
                self.texts(browser, "#doc-registration dd"),
            )
        )
        self.assertEqual(fields["Số đến"], str(document.arrival_number))
        self.assertEqual(fields["Số, ký hiệu"], "125/BTTTT-CĐSQG")
        self.assertEqual(fields["Ngày văn bản"], "20/11/2026")
        self.assertRegex(fields["Ngày, giờ đến"], DATETIME_RE)
        self.assertEqual(fields["Loại văn bản"], "Công văn")
        self.assertEqual(fields["Độ mật"], "Thường (không mật)")
        self.assertEqual(fields["Độ khẩn"], "Thường")
        self.assertIn("Cơ quan ban hành", fields)
        self.assertEqual(
            self.texts(browser, "#doc-registration-heading"), ["Thông tin vào sổ"]
        )
        self.assertEqual(self.texts(browser, "#doc-history-heading"), ["Lịch sử xử lý"])
        self.assertEqual(self.texts(browser, "#doc-action-submit"), ["Trình lãnh đạo"])
        self.assertRegex(self.texts(browser, ".phutho-timeline-time")[0], DATETIME_RE)
        # Plone's toolbar State menu (plone domain: our plone.po).
        menu = " ".join(self.texts(browser, "#plone-contentmenu-workflow"))
        self.assertIn("Đã vào sổ", menu)
        self.assertIn("Trình lãnh đạo", menu)
        body = normalize(page.body.text_content())
        for english in (
            "Arrival number",
            "Registration (vào sổ)",
            "Processing history",
            "Submit to the leader",
            "Secrecy",
        ):
            self.assertNotIn(english, body)

    def test_add_form_labels(self):
        browser = self.browser("vanthu.sokhcn")
        browser.open(f"{self.agency.absolute_url()}/++add++IncomingDocument")
        labels = self.texts(browser, "label, legend")
        for label in (
            "Trích yếu",
            "Số, ký hiệu",
            "Cơ quan ban hành",
            "Ngày văn bản",
            "Độ mật",
            "Độ khẩn",
            "Hạn xử lý",
            "Thông tin vào sổ",
            "Sổ văn bản đến",
        ):
            self.assertIn(label, labels)
        self.assertNotIn("Subject (trích yếu)", labels)

    def test_front_page(self):
        browser = self.browser()
        browser.open(self.portal.absolute_url())
        self.assertEqual(self.page(browser).get("lang"), "vi")
        nav = " ".join(self.texts(browser, "#phutho-agency-nav"))
        self.assertIn("Trang chủ", nav)
        self.assertIn("Tất cả cơ quan, đơn vị", nav)
        self.assertIn(
            "Cơ quan, đơn vị", self.texts(browser, ".phutho-home-agencies h2")
        )
        self.assertIn("Xem tất cả", self.texts(browser, ".phutho-home-more"))
        self.assertIn("Địa chỉ", self.texts(browser, "#phutho-footer-contact dt"))
        dates = self.texts(browser, ".phutho-home-items time")
        self.assertTrue(dates, "the demo's news and announcements have dates")
        for date in dates:
            self.assertRegex(date, DATE_RE)
        body = normalize(self.page(browser).body.text_content())
        for english in ("All agencies", "View all", "Home", "Address"):
            self.assertNotIn(english, body)

    def test_dashboard(self):
        self.incoming()
        browser = self.browser("vanthu.sokhcn")
        browser.open(f"{self.portal.absolute_url()}/@@documents-dashboard")
        self.assertEqual(
            self.texts(browser, "h1.documentFirstHeading"), ["Việc của tôi"]
        )
        self.assertIn("Văn bản đến chờ vào sổ", " ".join(self.texts(browser, "h2")))

    def test_english_on_request_with_cookie_negotiation(self):
        """With ``plone.use_cookie_negotiation`` on (the profile's setting), ``?set_language=en``
        switches a user to English (a cookie keeps it); Vietnamese stays
        the default for everyone else."""
        # As the installed profile sets them, not set here.
        self.assertTrue(api.portal.get_registry_record("plone.use_cookie_negotiation"))
        self.assertFalse(
            api.portal.get_registry_record("plone.use_request_negotiation")
        )
        document = self.incoming("register")
        browser = self.browser("vanthu.sokhcn")
        browser.open(f"{document.absolute_url()}?set_language=en")
        browser.open(document.absolute_url())
        self.assertEqual(self.page(browser).get("lang"), "en")
        self.assertEqual(self.texts(browser, "#doc-state"), ["Registered"])
        self.assertIn(
            "Arrival number (số đến)", self.texts(browser, "#doc-registration dt")
        )
        self.assertEqual(
            self.texts(browser, "#doc-registration-heading"), ["Registration (vào sổ)"]
        )
        self.assertEqual(
            self.texts(browser, "#doc-action-submit"), ["Submit to the leader"]
        )
        # Dates keep the Vietnamese form in English too.
        fields = dict(
            zip(
                self.texts(browser, "#doc-registration dt"),
                self.texts(browser, "#doc-registration dd"),
            )
        )
        self.assertEqual(fields["Document date"], "20/11/2026")

        other = self.browser("vanthu.sokhcn")
        other.open(document.absolute_url())
        self.assertEqual(self.page(other).get("lang"), "vi")
        self.assertEqual(self.texts(other, "#doc-state"), ["Đã vào sổ"])
        # A browser asking for English does not override the default.
        other.addHeader("Accept-Language", "en")
        other.open(document.absolute_url())
        self.assertEqual(self.texts(other, "#doc-state"), ["Đã vào sổ"])

    def test_register_reads_vao_so_everywhere(self):
        """Plone's own plone-domain catalogue says "Đăng ký" (sign up) for
        "Register": our pages translate workflow titles in the
        phutho.intranet domain, where registering a document is "Vào sổ"."""
        document = self.incoming()
        browser = self.browser("vanthu.sokhcn")
        browser.open(document.absolute_url())
        button = self.texts(browser, "#doc-action-register")
        browser.getLink(id="doc-action-register").click()
        heading = self.texts(browser, "h1.documentFirstHeading")
        browser.getControl(name="form.submitted").click()
        history = self.texts(browser, ".phutho-timeline-title")
        self.assertEqual(
            {"button": button, "form": heading, "history": history},
            {"button": ["Vào sổ"], "form": ["Vào sổ"], "history": ["Vào sổ"]},
        )


class TestPloneGaps(unittest.TestCase):
    """locales_plone fills gaps of Plone's Vietnamese catalogue, and only gaps."""

    layer = PHUTHO_DEMO_INTEGRATION_TESTING

    def test_gaps_are_filled(self):
        self.assertEqual(translate("Save", domain="plone", target_language="vi"), "Lưu")
        self.assertEqual(
            translate("Cancel", domain="plone", target_language="vi"), "Hủy"
        )
        self.assertEqual(
            translate(
                "Add ${name}",
                domain="plone",
                target_language="vi",
                mapping={"name": "Văn bản đến"},
            ),
            "Thêm Văn bản đến",
        )
        self.assertEqual(
            translate("No value", domain="z3c.form", target_language="vi"), "Chưa chọn"
        )

    def test_only_gaps(self):
        import plone.app.locales

        ours = (
            Path(__file__).parent.parent
            / "src"
            / "phutho"
            / "intranet"
            / "locales_plone"
            / "vi"
            / "LC_MESSAGES"
            / "plone.po"
        )
        plone_vi = (
            Path(plone.app.locales.__file__).parent
            / "locales"
            / "vi"
            / "LC_MESSAGES"
            / "plone.po"
        )
        # Fuzzy entries are not compiled: gaps as the empty ones are.
        translated = {
            m for m, e in messages(plone_vi).items() if e["msgstr"] and not e["fuzzy"]
        }
        self.assertEqual(sorted(set(messages(ours)) & translated), [])
