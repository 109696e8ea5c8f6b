"""1007 → 1008: HTTP caching and the theme's stylesheet in the resource
registry (issue 14).

plone.app.caching becomes a dependency of the profile: its own profile is
installed when missing, then the records of our two registry files are
imported (``profiles/default/registry/caching.xml`` and
``resources.xml``, what a new site gets). Only those files: importing the
whole registry step again would reset what webmasters changed.
"""

from pathlib import Path
from plone import api
from plone.app.registry.exportimport.handler import RegistryImporter
from plone.registry.interfaces import IRegistry
from zope.component import getUtility

import logging

logger = logging.getLogger("phutho.intranet.upgrades")

CACHING_PROFILE = "plone.app.caching:default"
REGISTRY = Path(__file__).resolve().parent.parent / "profiles" / "default" / "registry"
FILES = ("caching.xml", "resources.xml")


class _Environ:
    """What RegistryImporter asks of GenericSetup's import context."""

    def getLogger(self, name):
        return logging.getLogger(name)

    def shouldPurge(self):
        return False


def install_caching():
    """plone.app.caching's profile (its settings' definitions), once."""
    setup = api.portal.get_tool("portal_setup")
    if setup.getLastVersionForProfile(CACHING_PROFILE) == "unknown":
        setup.runAllImportStepsFromProfile(f"profile-{CACHING_PROFILE}")
        logger.info("Installed %s", CACHING_PROFILE)


def import_registry_files(names=FILES):
    """Import our registry files ``names`` (and nothing else)."""
    importer = RegistryImporter(getUtility(IRegistry), _Environ())
    for name in names:
        importer.importDocument((REGISTRY / name).read_bytes())
        logger.info("Imported registry/%s", name)


def caching_and_resources(context=None):
    install_caching()
    import_registry_files()
