"""Install, uninstall and upgrades of phutho.intranet."""

from Acquisition import aq_base
from pathlib import Path
from persistent.list import PersistentList
from phutho.intranet.dates import localize
from phutho.intranet.dates import to_datetime
from phutho.intranet.dates import today
from phutho.intranet.interfaces import IPhuthoIntranetLayer
from phutho.intranet.testing import agency
from phutho.intranet.testing import create_incoming
from phutho.intranet.testing import PHUTHO_DEMO_INTEGRATION_TESTING
from phutho.intranet.testing import PHUTHO_INTRANET_INTEGRATION_TESTING
from plone import api
from plone.app.testing import login
from plone.app.testing import setRoles
from plone.app.testing import TEST_USER_ID
from plone.app.testing import TEST_USER_NAME
from plone.base.utils import get_installer
from plone.browserlayer import utils as browserlayer_utils
from plone.folder.default import DefaultOrdering
from Products.CMFCore.indexing import processQueue
from unittest import mock
from xml.etree import ElementTree

import phutho.intranet
import unittest

# The default profile's version, as metadata.xml declares it.
PROFILE_VERSION = (
    ElementTree.parse(
        Path(phutho.intranet.__file__).parent / "profiles/default/metadata.xml"
    )
    .getroot()
    .findtext("version")
)


class TestInstall(unittest.TestCase):
    layer = PHUTHO_INTRANET_INTEGRATION_TESTING

    def setUp(self):
        self.portal = self.layer["portal"]
        self.installer = get_installer(self.portal, self.layer["request"])

    def test_installed(self):
        self.assertTrue(self.installer.is_product_installed("phutho.intranet"))

    def test_dependencies_installed(self):
        for product in ("plone.restapi", "collective.easyform"):
            self.assertTrue(self.installer.is_product_installed(product), product)

    def test_profile_version(self):
        setup = api.portal.get_tool("portal_setup")
        self.assertEqual(
            setup.getLastVersionForProfile("phutho.intranet:default"),
            (PROFILE_VERSION,),
        )

    def test_browserlayer(self):
        self.assertIn(IPhuthoIntranetLayer, browserlayer_utils.registered_layers())

    def test_language_vietnamese_first(self):
        self.assertEqual(api.portal.get_registry_record("plone.default_language"), "vi")
        self.assertEqual(
            api.portal.get_registry_record("plone.available_languages"), ["vi", "en"]
        )
        self.assertEqual(
            api.portal.get_registry_record("plone.portal_timezone"), "Asia/Ho_Chi_Minh"
        )

    def test_types_installed(self):
        types = api.portal.get_tool("portal_types")
        for name in (
            "Agency",
            "Unit",
            "DocumentRegister",
            "PeriodFolder",
            "IncomingDocument",
            "OutgoingDocument",
            "CaseFile",
            "Annex",
        ):
            self.assertIn(name, types.objectIds())

    def test_roles_declared_but_never_site_wide(self):
        roles = self.portal.valid_roles()
        for role in ("Clerk", "Leader", "UnitHead", "Specialist", "Official"):
            self.assertIn(role, roles)
        acl = self.portal.acl_users
        for role in ("Clerk", "Leader", "UnitHead", "Specialist", "Official"):
            self.assertEqual(acl.portal_role_manager.listAssignedPrincipals(role), [])

    def test_anonymous_may_use_rest_api(self):
        self.assertIn(
            "Anonymous",
            [
                r["name"]
                for r in self.portal.rolesOfPermission("plone.restapi: Use REST API")
                if r["selected"]
            ],
        )

    def test_agencies_folder(self):
        self.assertIn("co-quan", self.portal)

    def test_history_offered_only_where_it_opens(self):
        # @@historyview needs "Modify portal content"; so does the action.
        history = self.portal.portal_actions.object.history
        self.assertIn('"Modify portal content"', history.available_expr)


class TestUninstall(unittest.TestCase):
    layer = PHUTHO_INTRANET_INTEGRATION_TESTING

    def setUp(self):
        self.portal = self.layer["portal"]
        setRoles(self.portal, TEST_USER_ID, ["Manager"])
        self.installer = get_installer(self.portal, self.layer["request"])
        self.installer.uninstall_product("phutho.intranet")

    def test_uninstalled(self):
        self.assertFalse(self.installer.is_product_installed("phutho.intranet"))

    def test_browserlayer_removed(self):
        self.assertNotIn(IPhuthoIntranetLayer, browserlayer_utils.registered_layers())

    def test_actions_restored(self):
        actions = self.portal.portal_actions
        self.assertNotIn("documents-dashboard", actions.user.objectIds())
        self.assertEqual(actions.object.history.available_expr, "")


class TestUpgrades(unittest.TestCase):
    """Each upgrade step, run from the version before it on demo data."""

    layer = PHUTHO_DEMO_INTEGRATION_TESTING

    def setUp(self):
        self.portal = self.layer["portal"]
        setRoles(self.portal, TEST_USER_ID, ["Manager"])
        self.setup = api.portal.get_tool("portal_setup")

    def upgrade_from(self, version):
        self.setup.setLastVersionForProfile("phutho.intranet:default", version)
        self.setup.upgradeProfile("phutho.intranet:default")
        return self.setup.getLastVersionForProfile("phutho.intranet:default")

    def test_all_steps_reach_the_profile_version(self):
        # Every version between 1000 and metadata.xml's has its steps: a
        # missing link would stop the upgrade short of the profile version.
        self.assertEqual(self.upgrade_from("1000"), (PROFILE_VERSION,))

    def test_1011_only_webmasters_delegate_roles(self):
        # Plone's default: Owners, Editors and Reviewers use the sharing page.
        permission = "Sharing page: Delegate roles"
        self.portal.manage_permission(
            permission,
            ["Manager", "Site Administrator", "Owner", "Editor", "Reviewer"],
            acquire=True,
        )
        self.upgrade_from("1010")
        roles = {
            r["name"]
            for r in self.portal.rolesOfPermission(permission)
            if r["selected"]
        }
        self.assertEqual(roles, {"Manager", "Site Administrator"})
        # Not acquired: the Zope root gives it to Owner, Editor, Reviewer.
        self.assertFalse(self.portal.acquiredRolesAreUsedBy(permission))

    def test_1001_history_action_and_period_folder_order(self):
        # A site installed at 1000: History offered to anyone with access to
        # versions, month folders holding the list of their ids.
        self.portal.portal_actions.object.history._setPropValue("available_expr", "")
        month = create_incoming(agency(self.portal, "so-khcn")).aq_parent
        annotations = month.__annotations__
        annotations[DefaultOrdering.ORDER_KEY] = PersistentList(month.objectIds())
        annotations[DefaultOrdering.POS_KEY] = {}
        ids = sorted(month.objectIds())
        self.upgrade_from("1000")
        self.assertIn(
            "Modify portal content",
            self.portal.portal_actions.object.history.available_expr,
        )
        self.assertNotIn(DefaultOrdering.ORDER_KEY, annotations)
        self.assertNotIn(DefaultOrdering.POS_KEY, annotations)
        self.assertEqual(sorted(month.objectIds()), ids)
        self.assertIn(
            "documents-dashboard", self.portal.portal_actions.user.objectIds()
        )

    def test_1001_stores_missing_arrival_times(self):
        document = create_incoming(agency(self.portal, "so-khcn"))
        base = aq_base(document)
        del base.__dict__["arrival_date"]  # as REST created them before 1001
        base._p_changed = True
        self.upgrade_from("1000")
        stored = base.__dict__.get("arrival_date")
        self.assertIsNotNone(stored)
        self.assertEqual(
            stored,
            localize(document.created()).replace(second=0, microsecond=0, tzinfo=None),
        )

    def test_1001_registered_documents_keep_the_year_of_their_number(self):
        from phutho.intranet.workflow.api import do_transition

        document = create_incoming(agency(self.portal, "so-khcn"))
        do_transition(document, "register")
        registered = document._processing_history[-1]  # as if registered a year ago
        registered["time"] = registered["time"].replace(
            year=registered["time"].year - 1
        )
        base = aq_base(document)
        del base.__dict__["arrival_date"]
        base._p_changed = True
        self.upgrade_from("1000")
        # The year in the province (a registration at 00:30 on 1 January
        # there is 17:30 on 31 December in UTC).
        self.assertEqual(
            base.__dict__["arrival_date"].year, localize(registered["time"]).year
        )

    def test_1001_plain_dates_indexed_as_dates(self):
        document = create_incoming(agency(self.portal, "so-khcn"))
        catalog = api.portal.get_tool("portal_catalog")
        # As 1000 kept them: local midnight as a DateTime.
        with mock.patch("phutho.intranet.content.indexers.index_date", to_datetime):
            document.reindexObject(
                idxs=["document_date"]
            )  # index and metadata as 1000 made them
            processQueue()
        self.assertNotEqual(
            catalog.unrestrictedSearchResults(UID=document.UID())[0].document_date,
            document.document_date,
        )
        self.assertEqual(
            len(
                catalog.unrestrictedSearchResults(
                    UID=document.UID(), document_date=document.document_date
                )
            ),
            0,
        )
        self.upgrade_from("1000")
        brain = catalog.unrestrictedSearchResults(UID=document.UID())[0]
        self.assertEqual(brain.document_date, document.document_date)
        self.assertEqual(
            len(
                catalog.unrestrictedSearchResults(
                    UID=document.UID(), document_date=document.document_date
                )
            ),
            1,
        )

    def test_1001_documents_name_the_officials_group(self):
        from phutho.intranet.groups import agency_group_id

        so_tttt = agency(self.portal, "so-khcn")
        document = create_incoming(so_tttt)
        officials = agency_group_id(so_tttt, "officials")
        # As 1000 left them: every group of the agency named on the document.
        document.manage_delLocalRoles([officials])
        document.manage_setLocalRoles("so-khcn-cntt-specialists", ["Official"])
        api.group.delete(groupname=officials)  # 1000 had no such group
        self.upgrade_from("1000")
        self.assertEqual(document.get_local_roles_for_userid(officials), ("Official",))
        self.assertEqual(
            document.get_local_roles_for_userid("so-khcn-cntt-specialists"), ()
        )
        members = api.portal.get_tool("portal_groups").getGroupMembers(officials)
        self.assertIn("so-khcn-clerks", members)
        self.assertIn("so-khcn-cntt-specialists", members)

    def test_1001_reopened_documents_get_their_people_back(self):
        from phutho.intranet.workflow.api import do_transition
        from phutho.intranet.workflow.assignment import assignments_of

        login(self.portal, "vanthu.sokhcn")
        document = create_incoming(agency(self.portal, "so-khcn"))
        do_transition(document, "register")
        do_transition(document, "submit")
        login(self.portal, "lanhdao.sokhcn")
        lead = {
            "kind": "user",
            "id": "chuyenvien.sokhcn",
            "deadline": today().isoformat(),
        }
        do_transition(document, "assign", data={"lead": lead})
        login(self.portal, "chuyenvien.sokhcn")
        do_transition(document, "complete")
        login(self.portal, "lanhdao.sokhcn")
        do_transition(document, "reopen", comment="Bổ sung")
        for entry in document._assignments:  # as a reopen before 1001 left it
            entry["closed"] = True
        setRoles(self.portal, TEST_USER_ID, ["Manager"])
        login(self.portal, TEST_USER_NAME)
        self.upgrade_from("1000")
        self.assertEqual(
            [e["id"] for e in assignments_of(document, open_only=True)],
            ["chuyenvien.sokhcn"],
        )
        self.assertIn(
            "Specialist", document.get_local_roles_for_userid("chuyenvien.sokhcn")
        )
