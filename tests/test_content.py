"""Document model: schemas, validation, storage by period, duplicates, REST."""

from Acquisition import aq_base
from datetime import date
from datetime import timedelta
from phutho.intranet.content.document import split_number_symbol
from phutho.intranet.content.outgoing import InvalidRecipient
from phutho.intranet.content.outgoing import parse_recipient
from phutho.intranet.content.storage import container_for
from phutho.intranet.dates import now
from phutho.intranet.dates import today as local_today
from phutho.intranet.testing import agency
from phutho.intranet.testing import create_incoming
from phutho.intranet.testing import DEMO_PASSWORD
from phutho.intranet.testing import PHUTHO_DEMO_INTEGRATION_TESTING
from phutho.intranet.testing import PHUTHO_DEMO_SERVER_TESTING
from phutho.intranet.testing import RestSession
from plone import api
from plone.app.testing import setRoles
from plone.app.testing import TEST_USER_ID
from zope.i18n import translate
from zope.schema import getValidationErrors

import transaction
import unittest


class TestPureRules(unittest.TestCase):
    def test_split_number_symbol(self):
        self.assertEqual(split_number_symbol("15/QĐ-UBND"), ("15", "QĐ-UBND"))
        self.assertEqual(split_number_symbol(" 05 / UBND-VX "), ("05", "UBND-VX"))
        self.assertEqual(split_number_symbol("125/BTTTT-CĐSQG"), ("125", "BTTTT-CĐSQG"))
        self.assertEqual(split_number_symbol("Giấy mời"), (None, None))

    def test_zope_datetimes_by_their_absolute_time(self):
        from DateTime import DateTime
        from phutho.intranet.dates import localize

        moment = localize(DateTime("2026/11/25 17:07:46 UTC"))
        self.assertEqual(moment.isoformat(), "2026-11-26T00:07:46+07:00")
        self.assertEqual(localize(DateTime("2026/11/26 00:07:46 GMT+7")), moment)
        # Made before the process's TZ applied: local wall-clock parts
        # labelled UTC. Only its absolute time is right.
        mislabelled = DateTime("2026/11/26 00:07:46 GMT+7")
        mislabelled._tz = "UTC"
        self.assertEqual(mislabelled.ISO8601(), "2026-11-26T00:07:46+00:00")
        self.assertEqual(localize(mislabelled), moment)

    def test_parse_recipient(self):
        self.assertEqual(
            parse_recipient(
                "Sở Y tế tỉnh Hà Nam | 000.00.00.H31 | vanthu@syt.hanam.gov.vn"
            ),
            {
                "name": "Sở Y tế tỉnh Hà Nam",
                "organ_id": "000.00.00.H31",
                "email": "vanthu@syt.hanam.gov.vn",
            },
        )
        self.assertEqual(
            parse_recipient("Bộ Nội vụ"),
            {"name": "Bộ Nội vụ", "organ_id": "", "email": ""},
        )
        for bad in (
            "",
            "| 000.00.00.H31",
            "X | 12345 |",
            "X | | not-an-email",
            "a|b|c|d",
        ):
            with self.assertRaises(InvalidRecipient, msg=bad):
                parse_recipient(bad)


class TestModel(unittest.TestCase):
    layer = PHUTHO_DEMO_INTEGRATION_TESTING

    def setUp(self):
        self.portal = self.layer["portal"]
        setRoles(self.portal, TEST_USER_ID, ["Manager"])
        self.agency = agency(self.portal, "so-khcn")

    def test_documents_are_filed_by_year_and_month(self):
        doc = create_incoming(self.agency)
        folder = doc.aq_parent
        self.assertEqual(folder.portal_type, "PeriodFolder")
        # The province's day, not the machine's: they differ from 17:00
        # UTC, and on a month's last day so do their months.
        today = local_today()
        self.assertEqual(folder.getId(), f"{today.month:02d}")
        self.assertEqual(folder.aq_parent.getId(), str(today.year))
        self.assertEqual(folder.aq_parent.aq_parent.getId(), "van-ban-den")

    def test_agency_unit_reads_the_agency_not_the_catalog(self):
        from phutho.intranet.content.utils import agency_unit
        from Products.CMFCore.indexing import getQueue

        unit = self.agency["cntt"]
        other = agency(self.portal, "so-noi-vu")
        doc = create_incoming(self.agency)
        doc.reindexObject()  # a change waiting in the indexing queue
        waiting = getQueue().length()
        self.assertTrue(waiting)
        self.assertEqual(aq_base(agency_unit(self.agency, unit.UID())), aq_base(unit))
        # The queue was not flushed (a catalog search would have indexed
        # the document now, and again at the commit).
        self.assertEqual(getQueue().length(), waiting)
        # Another agency's unit, a register, nothing, a UID of nothing.
        self.assertIsNone(agency_unit(other, unit.UID()))
        self.assertIsNone(agency_unit(self.agency, self.agency["so-den"].UID()))
        self.assertIsNone(agency_unit(self.agency, None))
        self.assertIsNone(agency_unit(None, unit.UID()))
        self.assertIsNone(agency_unit(self.agency, "0" * 32))

    def test_period_folders_for_other_dates(self):
        folder = container_for(self.agency, "OutgoingDocument", date(2025, 1, 31))
        self.assertEqual(
            folder.absolute_url(1).split("/")[-3:], ["van-ban-di", "2025", "01"]
        )
        case_folder = container_for(self.agency, "CaseFile", date(2025, 1, 31))
        self.assertEqual(case_folder.absolute_url(1).split("/")[-2:], ["ho-so", "2025"])
        with self.assertRaises(ValueError):
            container_for(self.agency, "News Item")

    def test_period_folders_keep_no_order_list(self):
        # The default ordering rewrites a list of every id on each add: at
        # thousands of documents a month that list was most of each commit.
        from plone.folder.unordered import UnorderedOrdering

        first = create_incoming(self.agency)
        second = create_incoming(self.agency)
        folder = first.aq_parent
        self.assertIsInstance(folder.getOrdering(), UnorderedOrdering)
        annotations = getattr(folder, "__annotations__", {})
        self.assertNotIn("plone.folder.ordered.order", annotations)
        self.assertNotIn("plone.folder.ordered.pos", annotations)
        self.assertLessEqual({first.getId(), second.getId()}, set(folder.objectIds()))
        listed = {b.getId for b in api.content.find(context=folder, depth=1)}
        self.assertLessEqual({first.getId(), second.getId()}, listed)

    def test_period_folders_are_not_searchable(self):
        create_incoming(self.agency)
        self.assertIn(
            "PeriodFolder", api.portal.get_registry_record("plone.types_not_searched")
        )

    def test_number_symbol_split(self):
        doc = create_incoming(self.agency, number_symbol="15/QĐ-UBND")
        self.assertEqual((doc.code_number, doc.code_notation), ("15", "QĐ-UBND"))

    def test_schema_validation_messages(self):
        from phutho.intranet.content.agency import IAgency
        from phutho.intranet.content.incoming import IIncomingDocument

        doc = create_incoming(self.agency)
        doc.sender_organ_id = "G22"
        doc.arrival_date = doc.arrival_date.replace(year=2020)
        errors = dict(getValidationErrors(IIncomingDocument, doc))
        self.assertIn("sender_organ_id", errors)
        self.assertIn("000.00.00.G22", translate(errors["sender_organ_id"].doc()))
        doc.sender_organ_id = "000.00.00.G22"
        invariant_errors = [
            e for name, e in getValidationErrors(IIncomingDocument, doc) if name is None
        ]
        self.assertEqual(len(invariant_errors), 1)
        self.assertIn("cannot arrive before", translate(invariant_errors[0].args[0]))
        self.assertFalse(getValidationErrors(IAgency, self.agency))

    def test_case_file_totals_are_derived(self):

        first = create_incoming(self.agency, page_count=3)
        second = create_incoming(
            self.agency, number_symbol="126/BTTTT-CĐSQG", page_count=4
        )
        case = api.content.create(
            container=container_for(self.agency, "CaseFile"),
            type="CaseFile",
            file_code="2026.CNTT.01",
            title="Hồ sơ chuyển đổi số năm 2026",
            retention="10",
            start_date=date(2026, 1, 1),
        )
        api.relation.create(source=case, target=first, relationship="documents")
        api.relation.create(source=case, target=second, relationship="documents")
        api.relation.create(
            source=case, target=first, relationship="documents"
        )  # once only
        self.assertEqual(case.doc_total, 2)
        self.assertEqual(case.page_total, 7)
        # One document in several case files, not copied.
        other = api.content.create(
            container=container_for(self.agency, "CaseFile"),
            type="CaseFile",
            file_code="2026.CNTT.02",
            title="Hồ sơ chữ ký số",
            retention="5",
            start_date=date(2026, 1, 1),
        )
        api.relation.create(source=other, target=first, relationship="documents")
        self.assertEqual(other.document_objects()[0].UID(), first.UID())

    def test_vocabularies(self):
        from zope.component import getUtility
        from zope.schema.interfaces import IVocabularyFactory

        def terms(name, context):
            return {
                t.value: t.title for t in getUtility(IVocabularyFactory, name)(context)
            }

        types = terms("phutho.intranet.DocumentTypes", self.agency)
        self.assertEqual(types["quyet-dinh"], "Quyết định")
        self.assertIn("cong-van", types)
        self.assertEqual(len(types), 32)
        units = terms("phutho.intranet.Units", self.agency)
        self.assertEqual(
            sorted(units.values()),
            sorted(
                u.Title() for u in self.agency.objectValues() if u.portal_type == "Unit"
            ),
        )
        registers = terms("phutho.intranet.IncomingRegisters", self.agency)
        self.assertEqual(
            set(registers.values()), {"Sổ văn bản đến", "Sổ văn bản mật đến"}
        )
        users = terms("phutho.intranet.AgencyUsers", self.agency)
        self.assertIn("vanthu.sokhcn", users)
        self.assertNotIn("vanthu.snv", users)
        self.assertEqual(len(terms("phutho.intranet.Agencies", self.portal)), 8)

    def test_webmaster_extends_document_types(self):
        record = "phutho.intranet.document_types"
        api.portal.set_registry_record(
            record, api.portal.get_registry_record(record) + ["bang-ke|Bảng kê|BK"]
        )
        from phutho.intranet.content.vocabularies import document_type_info

        self.assertEqual(document_type_info("bang-ke"), ("Bảng kê", "BK"))


class TestRest(unittest.TestCase):
    """Creating and reading documents through plone.restapi, over HTTP."""

    layer = PHUTHO_DEMO_SERVER_TESTING

    def setUp(self):
        self.portal = self.layer["portal"]
        self.agency = agency(self.portal, "so-khcn")
        self.url = self.agency.absolute_url()
        self.clerk = RestSession(
            self.portal.absolute_url(), auth=("vanthu.sokhcn", DEMO_PASSWORD)
        )

    def tearDown(self):
        self.clerk.close()

    def incoming(self, **fields):
        body = {
            "@type": "IncomingDocument",
            "title": "Về việc triển khai chữ ký số chuyên dùng",
            "document_type": "cong-van",
            "sender_name": "Bộ Thông tin và Truyền thông",
            "sender_organ_id": "000.00.00.G22",
            "number_symbol": "125/BTTTT-CĐSQG",
            "document_date": "2026-11-20",
            "arrival_date": "2026-11-24T08:30:00",
            "urgency": "urgent",
        }
        body.update(fields)
        return body

    def test_create_and_read_incoming(self):
        response = self.clerk.post(self.url, json=self.incoming())
        self.assertEqual(response.status_code, 201, response.text)
        data = response.json()
        self.assertIn("/so-khcn/van-ban-den/", data["@id"])
        self.assertEqual(response.headers["Location"], data["@id"])
        self.assertEqual(data["number_symbol"], "125/BTTTT-CĐSQG")
        self.assertEqual(data["document_date"], "2026-11-20")
        self.assertEqual(data["urgency"]["token"], "urgent")
        self.assertIsNone(data["arrival_number"])
        self.assertEqual(data["review_state"], "received")
        again = self.clerk.get(data["@id"]).json()
        self.assertEqual(again["sender_organ_id"], "000.00.00.G22")

    def test_arrival_time_defaults_to_creation_and_stays(self):
        body = self.incoming()
        del body["arrival_date"]
        response = self.clerk.post(self.url, json=body)
        self.assertEqual(response.status_code, 201, response.text)
        url = response.json()["@id"]
        transaction.begin()  # see what the server committed
        document = self.portal.unrestrictedTraverse(
            url[len(self.portal.absolute_url()) + 1 :]
        )
        # Stored on the object when created, not computed anew at each read.
        document._p_activate()  # a ghost's __dict__ is empty
        stored = aq_base(document).__dict__.get("arrival_date")
        self.assertIsNotNone(stored)
        self.assertLess(abs(now().replace(tzinfo=None) - stored), timedelta(minutes=2))
        self.assertEqual(
            self.clerk.get(url).json()["arrival_date"], response.json()["arrival_date"]
        )

    def test_search_shows_dates_on_their_local_day(self):
        response = self.clerk.post(
            self.url, json=self.incoming(arrival_date="2026-11-24T06:30:00")
        )
        self.assertEqual(response.status_code, 201, response.text)
        found = self.clerk.get(
            f"{self.url}/@search",
            params={
                "UID": response.json()["UID"],
                "metadata_fields": ["document_date", "arrival_date"],
            },
        ).json()["items"][0]
        self.assertEqual(found["document_date"], "2026-11-20")
        self.assertEqual(
            found["arrival_date"], "2026-11-23T23:30:00+00:00"
        )  # restapi: UTC

    def test_arrival_number_cannot_be_posted(self):
        before = len(self.portal.portal_catalog(portal_type="IncomingDocument"))
        response = self.clerk.post(self.url, json=self.incoming(arrival_number=999))
        self.assertEqual(response.status_code, 400, response.text)
        self.assertEqual(response.json()["error"]["field"], "arrival_number")
        transaction.begin()
        after = len(self.portal.portal_catalog(portal_type="IncomingDocument"))
        self.assertEqual(before, after)

    def assertRefused(self, body, field_or_text):
        """POST must answer 400 naming the field or saying the text."""
        response = self.clerk.post(self.url, json=body)
        self.assertEqual(response.status_code, 400, response.text)
        errors = eval_errors(response)
        said = [e.get("field") for e in errors] + [e["message"] for e in errors]
        self.assertTrue(any(field_or_text in (s or "") for s in said), said)
        return errors

    def test_bad_organ_id(self):
        errors = self.assertRefused(
            self.incoming(sender_organ_id="G22"), "sender_organ_id"
        )
        self.assertIn("000.00.00.G22", errors[0]["message"])

    def test_impossible_date(self):
        self.assertRefused(self.incoming(document_date="2026-02-30"), "document_date")

    def test_arrival_before_document_date(self):
        self.assertRefused(
            self.incoming(
                document_date="2026-11-25", arrival_date="2026-11-20T08:00:00"
            ),
            "Ngày đến không được trước ngày của văn bản",  # messages are Vietnamese
        )

    def test_missing_required_fields(self):
        body = {"@type": "IncomingDocument", "title": "Thiếu dữ liệu"}
        response = self.clerk.post(self.url, json=body)
        self.assertEqual(response.status_code, 400)
        fields = {e.get("field") for e in eval_errors(response)}
        for name in ("document_type", "sender_name", "number_symbol", "document_date"):
            self.assertIn(name, fields)

    def test_unknown_document_type(self):
        self.assertRefused(self.incoming(document_type="thu-tinh-cam"), "document_type")

    def test_bad_number_symbol(self):
        self.assertRefused(self.incoming(number_symbol="Quyết định"), "15/QĐ-UBND")

    def incoming_count(self):
        transaction.begin()  # see what the server committed
        catalog = api.portal.get_tool("portal_catalog")
        return len(catalog.unrestrictedSearchResults(portal_type="IncomingDocument"))

    def assertCannotCreate(self, user_id, status):
        """``user_id``'s POST is refused with ``status`` and creates nothing."""
        before = self.incoming_count()
        session = RestSession(self.portal.absolute_url(), auth=(user_id, DEMO_PASSWORD))
        self.addCleanup(session.close)
        response = session.post(self.url, json=self.incoming())
        self.assertEqual(response.status_code, status, response.text)
        self.assertEqual(self.incoming_count(), before)
        return response.json()

    def test_specialist_cannot_create_incoming(self):
        """An official of the agency is told why (403, in Vietnamese)."""
        error = self.assertCannotCreate("chuyenvien.sokhcn", 403)["error"]
        self.assertEqual(error["type"], "Forbidden")
        self.assertIn("không có quyền", error["message"])

    def test_clerk_of_another_agency_cannot_create_here(self):
        error = self.assertCannotCreate("vanthu.snv", 401)["error"]
        self.assertEqual(error["type"], "Unauthorized")
        self.assertTrue(error["message"])

    def test_duplicate_refused_unless_overridden(self):
        first = self.clerk.post(self.url, json=self.incoming()).json()
        # Not registered yet: no duplicate.
        self.assertEqual(
            self.clerk.post(self.url, json=self.incoming()).status_code, 201
        )
        response = self.clerk.post(f"{first['@id']}/@workflow/register", json={})
        self.assertEqual(response.status_code, 200, response.text)
        # Same number and symbol, same sender, typed a little differently.
        repeat = self.incoming(number_symbol="125 / btttt-cdsqg")
        response = self.clerk.post(self.url, json=repeat)
        self.assertEqual(response.status_code, 409, response.text)
        self.assertEqual(response.json()["error"]["type"], "Duplicate")
        self.assertEqual(response.json()["error"]["duplicates"], [first["@id"]])
        repeat["allow_duplicate"] = True
        self.assertEqual(self.clerk.post(self.url, json=repeat).status_code, 201)

    def test_create_outgoing_and_case_file(self):
        drafter = RestSession(
            self.portal.absolute_url(), auth=("chuyenvien.sokhcn", DEMO_PASSWORD)
        )
        body = {
            "@type": "OutgoingDocument",
            "title": "Về việc báo cáo kết quả chuyển đổi số",
            "document_type": "cong-van",
            "drafting_unit": self.agency["cntt"].UID(),
            "content": "Kính gửi UBND tỉnh...",
            "external_recipients": ["Bộ Nội vụ | 000.00.00.G09 | vanthu@moha.gov.vn"],
            "internal_recipients": [agency(self.portal, "ubnd-tinh").UID()],
        }
        response = drafter.post(self.url, json=body)
        self.assertEqual(response.status_code, 201, response.text)
        data = response.json()
        self.assertIn("/so-khcn/van-ban-di/", data["@id"])
        self.assertIsNone(data["number"])
        self.assertIsNone(data["symbol"])
        self.assertEqual(data["review_state"], "draft")
        bad = dict(body, external_recipients=["Bộ Nội vụ | 12345"])
        self.assertEqual(drafter.post(self.url, json=bad).status_code, 400)
        case = drafter.post(
            self.url,
            json={
                "@type": "CaseFile",
                "file_code": "2026.CNTT.01",
                "title": "Hồ sơ chuyển đổi số",
                "retention": "10",
                "start_date": "2026-01-05",
                "end_date": "2025-12-31",
            },
        )
        self.assertEqual(case.status_code, 400)
        self.assertIn(
            "Ngày kết thúc không được trước ngày bắt đầu",
            eval_errors(case)[0]["message"],
        )
        drafter.close()


def eval_errors(response):
    """The field errors of a 400: ``error.errors`` when validation found
    several, else the one error with its field."""
    error = response.json()["error"]
    return error.get("errors") or [
        {"field": error.get("field"), "message": error["message"]}
    ]
