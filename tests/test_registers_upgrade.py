"""Upgrade 1004 → 1005 on a site that had the demo and documents: the
indexes come back and fill, issued documents record their file copies,
case files get their editors' mappings, the steps' profile imports run."""

from phutho.intranet.search.advanced import search
from phutho.intranet.testing import agency
from phutho.intranet.testing import create_outgoing
from phutho.intranet.testing import OUTGOING_TO_SIGNED
from phutho.intranet.testing import PHUTHO_DEMO_INTEGRATION_TESTING
from phutho.intranet.upgrades import v1005
from phutho.intranet.workflow.api import do_transition
from plone import api
from Products.GenericSetup.upgrade import listUpgradeSteps

import unittest

PROFILE = "phutho.intranet:default"


class TestUpgrade1005(unittest.TestCase):
    layer = PHUTHO_DEMO_INTEGRATION_TESTING

    def setUp(self):
        self.portal = self.layer["portal"]
        self.agency = agency(self.portal, "so-khcn")
        with api.env.adopt_user(username="chuyenvien.sokhcn"):
            self.document = create_outgoing(
                self.agency,
                "cntt",
                internal_recipients=[agency(self.portal, "so-noi-vu").UID()],
            )
        for user_id, transition in OUTGOING_TO_SIGNED + (("vanthu.sokhcn", "issue"),):
            with api.env.adopt_user(username=user_id):
                do_transition(self.document, transition)

    def steps_to_1005(self):
        setup = api.portal.get_tool("portal_setup")
        steps = []
        for item in listUpgradeSteps(setup, PROFILE, "1004"):
            for step in item if isinstance(item, list) else [item]:
                if step["dest"] == ("1005",):
                    steps.append(step["step"])
        return setup, steps

    def test_steps_registered_and_run(self):
        catalog = api.portal.get_tool("portal_catalog")
        for name in ("signer", "handled_by", "organ_id"):
            catalog.delIndex(name)
        self.document.__dict__.pop("archive_holders", None)
        repository = api.portal.get_tool("portal_repository")
        repository.setVersionableContentTypes(
            [
                t
                for t in repository.getVersionableContentTypes()
                if t != "OutgoingDocument"
            ]
        )

        setup, steps = self.steps_to_1005()
        self.assertEqual(len(steps), 5)  # profile imports and four handlers
        for step in steps:
            step.doStep(setup)

        self.assertIn("signer", catalog.indexes())
        with api.env.adopt_user(username="vanthu.sokhcn"):
            brains, _c = search({"signer": "nguyen manh cuong"}, self.portal)
        self.assertIn(self.document.UID(), [b.UID for b in brains])
        self.assertEqual(self.document.archive_holders, "VT, CNTT")
        self.assertIn("OutgoingDocument", repository.getVersionableContentTypes())
        self.assertTrue(
            api.portal.get_registry_record("plone.app.querystring.field.signer.enabled")
        )
        self.assertEqual(v1005.add_indexes(), [])  # a second run adds nothing
