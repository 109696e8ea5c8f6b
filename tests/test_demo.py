"""The demo profile and the site-creation script."""

from phutho.intranet.demo import load_data
from phutho.intranet.groups import agency_group_id
from phutho.intranet.groups import unit_group_id
from phutho.intranet.testing import PHUTHO_DEMO_INTEGRATION_TESTING
from phutho.intranet.testing import PHUTHO_INTRANET_FUNCTIONAL_TESTING
from plone import api
from plone.app.testing import login
from plone.app.testing import setRoles
from plone.app.testing import SITE_OWNER_NAME
from plone.app.testing import TEST_USER_ID

import unittest


class TestDemoProfile(unittest.TestCase):
    layer = PHUTHO_DEMO_INTEGRATION_TESTING

    def setUp(self):
        self.portal = self.layer["portal"]
        self.data = load_data()

    def test_agencies_and_units(self):
        folder = self.portal["co-quan"]
        agencies = [o for o in folder.objectValues() if o.portal_type == "Agency"]
        self.assertGreaterEqual(len(agencies), 7)
        titles = {a.Title() for a in agencies}
        for title in (
            "UBND tỉnh Phú Thọ",
            "Văn phòng UBND tỉnh Phú Thọ",
            "Sở Nội vụ",
            "Sở Tài chính",
            "Sở Xây dựng",
            "Sở Khoa học và Công nghệ",
        ):
            self.assertIn(title, titles)
        communes = [t for t in titles if t.startswith(("UBND xã", "UBND phường"))]
        self.assertGreaterEqual(len(communes), 2)
        for agency in agencies:
            with self.subTest(agency=agency.getId()):
                units = [o for o in agency.objectValues() if o.portal_type == "Unit"]
                # Since 2025 the UBND tỉnh's divisions belong to its Văn phòng.
                self.assertGreaterEqual(
                    len(units), 0 if agency.getId() == "ubnd-tinh" else 2
                )
                self.assertRegex(agency.organ_id, r"^\d{3}\.\d{2}\.\d{2}\.[A-Z]\d{2}$")
                registers = [
                    o
                    for o in agency.objectValues()
                    if o.portal_type == "DocumentRegister"
                ]
                self.assertEqual(
                    {r.direction for r in registers}, {"incoming", "outgoing"}
                )

    def test_structure_of_2025(self):
        """Sở KH&CN took over Sở KH&CN (1 March 2025); the UBND tỉnh's
        divisions VX, KT, TH belong to its Văn phòng, and its công văn
        carry their field."""
        folder = self.portal["co-quan"]
        self.assertNotIn("so-tttt", folder)
        self.assertEqual(folder["so-khcn"].Title(), "Sở Khoa học và Công nghệ")
        self.assertEqual(folder["so-khcn"].short_name, "SKHCN")
        for unit_id in ("vx", "kt", "th"):
            self.assertIn(unit_id, folder["vp-ubnd"])
            self.assertNotIn(unit_id, folder["ubnd-tinh"])
        self.assertEqual(
            [line.split("|")[0].strip() for line in folder["ubnd-tinh"].fields_of_work],
            ["VX", "KT", "TH"],
        )
        copies = folder["so-khcn"]["so-ban-sao"]
        self.assertEqual(
            set(copies.document_types), {"ban-sao-y", "ban-trich-sao", "ban-sao-luc"}
        )

    def test_groups_and_their_local_roles(self):
        agency = self.portal["co-quan"]["so-khcn"]
        self.assertEqual(
            set(agency.get_local_roles_for_userid(agency_group_id(agency, "clerks"))),
            {"Clerk", "Official"},
        )
        self.assertEqual(
            set(agency.get_local_roles_for_userid(agency_group_id(agency, "leaders"))),
            {"Leader", "Official"},
        )
        unit = agency["cntt"]
        heads = unit_group_id(unit, "heads")
        self.assertEqual(heads, "so-khcn-cntt-heads")
        self.assertEqual(unit.get_local_roles_for_userid(heads), ("UnitHead",))
        self.assertEqual(agency.get_local_roles_for_userid(heads), ("Official",))
        self.assertIsNotNone(api.group.get(groupname="so-khcn-vp-specialists"))
        members = api.portal.get_tool("portal_groups").getGroupMembers(
            "so-khcn-officials"
        )
        for group_id in (
            "so-khcn-clerks",
            "so-khcn-leaders",
            "so-khcn-secret-clerks",
            heads,
            "so-khcn-vp-specialists",
        ):
            self.assertIn(group_id, members)

    def test_group_titles_follow_renames(self):
        from zope.lifecycleevent import modified

        setRoles(self.portal, TEST_USER_ID, ["Manager"])
        agency = self.portal["co-quan"]["so-khcn"]
        agency.title = "Sở Khoa học và Công nghệ"
        modified(agency)
        clerks = api.group.get(groupname="so-khcn-clerks")
        self.assertEqual(
            clerks.getProperty("title"), "Văn thư - Sở Khoa học và Công nghệ"
        )
        unit = agency["cntt"]
        unit.title = "Phòng Chuyển đổi số"
        modified(unit)
        heads = api.group.get(groupname="so-khcn-cntt-heads")
        self.assertEqual(
            heads.getProperty("title"),
            "Lãnh đạo phòng - Phòng Chuyển đổi số - Sở Khoa học và Công nghệ",
        )
        # Ids never change, so memberships and local roles stay.
        self.assertIn("vanthu.sokhcn", clerks.getMemberIds())
        self.assertEqual(
            unit.get_local_roles_for_userid("so-khcn-cntt-heads"), ("UnitHead",)
        )

    def test_one_user_per_role_per_agency(self):
        for spec in self.data["agencies"]:
            agency = self.portal["co-quan"][spec["id"]]
            roles = {}
            for person in spec["people"]:
                user = api.user.get(userid=person["id"])
                self.assertIsNotNone(user, person["id"])
                where = agency[person["unit"]] if "unit" in person else agency
                roles[person["role"]] = set(api.user.get_roles(user=user, obj=where))
            with self.subTest(agency=spec["id"]):
                self.assertIn("Clerk", roles["clerk"])
                self.assertIn("Leader", roles["leader"])
                if spec["units"]:
                    self.assertIn("UnitHead", roles["unit_head"])
                    self.assertIn("Specialist", roles["specialist"])
        webmaster = api.user.get(userid="quantri")
        self.assertIn("Site Administrator", api.user.get_roles(user=webmaster))

    def test_roles_are_never_global(self):
        user = api.user.get(userid="vanthu.sokhcn")
        self.assertNotIn("Clerk", api.user.get_roles(user=user))
        self.assertNotIn(
            "Clerk",
            api.user.get_roles(user=user, obj=self.portal["co-quan"]["so-noi-vu"]),
        )

    def test_news_and_announcements(self):
        catalog = api.portal.get_tool("portal_catalog")
        news = catalog(
            portal_type="News Item",
            path="/".join(self.portal["tin-tuc"].getPhysicalPath()),
        )
        notices = catalog(
            portal_type="News Item",
            path="/".join(self.portal["thong-bao"].getPhysicalPath()),
        )
        self.assertGreaterEqual(len(news), 3)
        self.assertGreaterEqual(len(notices), 2)

    def test_demo_import_is_idempotent(self):
        from phutho.intranet.demo import import_demo

        before = len(api.user.get_users())
        import_demo()
        self.assertEqual(len(api.user.get_users()), before)


class TestSiteSetup(unittest.TestCase):
    """``ensure_site`` on a bare Zope app: creates once, then keeps data."""

    layer = PHUTHO_INTRANET_FUNCTIONAL_TESTING

    def test_create_then_keep(self):
        from phutho.intranet.sitesetup import ensure_site
        from phutho.intranet.sitesetup import SITE_TITLE
        from zope.component.hooks import getSite
        from zope.component.hooks import setSite

        app = self.layer["app"]
        login(app, SITE_OWNER_NAME)  # zconsole runs as the system user
        previous = getSite()
        try:
            site, created = ensure_site(
                app,
                site_id="phutho",
                demo=True,
                mail={"host": "smtp.phutho.gov.vn", "port": "2525"},
            )
            self.assertTrue(created)
            self.assertEqual(site.title, SITE_TITLE)
            self.assertEqual(
                api.portal.get_registry_record("plone.default_language"), "vi"
            )
            self.assertEqual(
                api.portal.get_registry_record("plone.portal_timezone"),
                "Asia/Ho_Chi_Minh",
            )
            self.assertEqual(api.portal.get_registry_record("plone.smtp_port"), 2525)
            self.assertIn("so-khcn", site["co-quan"])
            marker = api.content.create(
                container=site["tin-tuc"],
                type="News Item",
                id="giu-lai",
                title="Giữ lại",
            )
            site, created = ensure_site(app, site_id="phutho", demo=True)
            self.assertFalse(created)
            self.assertIn("giu-lai", site["tin-tuc"])
            self.assertEqual(
                api.portal.get_registry_record("plone.smtp_host"), "smtp.phutho.gov.vn"
            )
            self.assertEqual(marker.getId(), "giu-lai")
        finally:
            setSite(previous)


class TestDemoDocuments(unittest.TestCase):
    layer = PHUTHO_DEMO_INTEGRATION_TESTING

    def test_a_living_system(self):
        catalog = api.portal.get_tool("portal_catalog")
        brains = catalog.unrestrictedSearchResults(
            portal_type=["IncomingDocument", "OutgoingDocument"]
        )
        self.assertGreaterEqual(len(brains), 12)
        states = {b.review_state for b in brains}
        for state in (
            "received",
            "submitted",
            "assigned",
            "in_progress",
            "completed",
            "returned",
            "draft",
            "signing",
            "signed",
            "issued",
        ):
            self.assertIn(state, states)
        agencies = {b.getPath().split("/")[3] for b in brains}
        self.assertGreaterEqual(len(agencies), 5)
        delivered = [
            b
            for b in catalog.unrestrictedSearchResults(portal_type="IncomingDocument")
            if b.number_symbol == "01/SKHCN-CNTT"
        ]
        self.assertEqual(len(delivered), 3)  # internal delivery to three agencies


class TestDemoUpgrade(unittest.TestCase):
    """A site with the demo of before the 2025 reforms gets the new
    structure from the demo profile's upgrade step."""

    layer = PHUTHO_DEMO_INTEGRATION_TESTING

    def test_1001_structure_of_2025(self):
        portal = self.layer["portal"]
        setRoles(portal, TEST_USER_ID, ["Manager"])
        folder = portal["co-quan"]
        # The demo as it was: Sở KH&CN, divisions under the UBND tỉnh.
        department = folder["so-khcn"]
        department.title, department.short_name = (
            "Sở Khoa học và Công nghệ",
            "SKHCN",
        )
        for unit_id in ("vx", "kt", "th"):
            api.content.move(
                source=folder["vp-ubnd"][unit_id], target=folder["ubnd-tinh"]
            )
        folder["ubnd-tinh"].fields_of_work = []
        api.content.delete(obj=folder["so-noi-vu"]["so-ban-sao"])
        heads_group = unit_group_id(folder["ubnd-tinh"]["vx"], "heads")
        api.group.add_user(groupname=heads_group, username="truongphong.vpubnd")
        members_before = {u.getId() for u in api.user.get_users(groupname=heads_group)}
        setup = api.portal.get_tool("portal_setup")
        setup.setLastVersionForProfile("phutho.intranet:demo", "1000")
        setup.upgradeProfile("phutho.intranet:demo", dest="1001")
        self.assertEqual(
            setup.getLastVersionForProfile("phutho.intranet:demo"), ("1001",)
        )
        self.assertEqual(department.Title(), "Sở Khoa học và Công nghệ")
        self.assertEqual(department.short_name, "SKHCN")
        for unit_id in ("vx", "kt", "th"):
            self.assertIn(unit_id, folder["vp-ubnd"])
            self.assertNotIn(unit_id, folder["ubnd-tinh"])
        # The division's groups followed it, people included.
        heads = {u.getId() for u in api.user.get_users(groupname=heads_group)}
        self.assertEqual(heads, members_before)
        self.assertIn("truongphong.vpubnd", heads)
        office_officials = agency_group_id(folder["vp-ubnd"], "officials")
        self.assertIn(
            heads_group, api.group.get(groupname=office_officials).getMemberIds()
        )
        self.assertEqual(len(folder["ubnd-tinh"].fields_of_work), 3)
        self.assertIn("so-ban-sao", folder["so-noi-vu"])
        # Running it again changes nothing.
        ids = sorted(folder["vp-ubnd"].objectIds())
        setup.setLastVersionForProfile("phutho.intranet:demo", "1000")
        setup.upgradeProfile("phutho.intranet:demo", dest="1001")
        self.assertEqual(sorted(folder["vp-ubnd"].objectIds()), ids)
        self.assertEqual(department.Title(), "Sở Khoa học và Công nghệ")
