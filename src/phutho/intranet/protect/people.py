"""Who works where is shown to those who work with them.

* Vocabularies over HTTP (``@vocabularies``, ``@@getVocabulary``) are
  guarded by plone.app.content's permission map: the site's groups only
  for webmasters; content pickers (``plone.app.vocabularies.Catalog``)
  for signed-in people. Plone's user, group and principal vocabularies
  keep "List portal members", which the profile grants to webmasters
  only (Plone gives it to every member): officials pick people through
  ``phutho.intranet.AgencyUsers``, their own agency's officials.
* ``@@getVocabulary`` answers a refusal with 401/403 (Plone answers 200
  with an error text), and 400 for a catalog query without attributes
  (Plone fails on it).
* A person's page (``author/<id>``: full name, recent items, a contact
  form) is for the people who work in one of their agencies (and
  webmasters); to others it is 404, as for an unknown id.
* Agencies, units, registers and period folders are the public skeleton
  of the site: their catalog entries name no creator, so that neither
  ``@search?Creator=…`` nor ``metadata_fields=listCreators`` tells who
  filed the first document of a month, or sent one to another agency.
"""

from AccessControl import getSecurityManager
from phutho.intranet import _
from phutho.intranet.content.agency import IAgency
from phutho.intranet.content.period import IPeriodFolder
from phutho.intranet.content.register import IDocumentRegister
from phutho.intranet.content.unit import IUnit
from phutho.intranet.exc import InvalidDataError
from phutho.intranet.exc import NotFoundError
from phutho.intranet.groups import OFFICIALS
from phutho.intranet.protect.conceal import refusal
from plone import api
from plone.app.content.browser.vocabulary import PERMISSIONS
from plone.app.content.browser.vocabulary import VocabLookupException
from plone.app.content.browser.vocabulary import VocabularyView
from plone.app.vocabularies.catalog import CatalogVocabulary
from plone.indexer import indexer
from plone.protect.authenticator import isAnonymousUser
from Products.CMFCore.permissions import ListPortalMembers
from Products.CMFPlone.browser import author as plone_author
from Products.CMFPlone.browser.author import AuthorView
from Products.Five.browser.pagetemplatefile import ViewPageTemplateFile
from zExceptions import NotFound
from zope.component import queryUtility
from zope.component.hooks import getSite
from zope.schema.interfaces import IVocabularyFactory

import os

# Permission titles, as plone.app.content's map holds them.
USERS_AND_GROUPS = "Plone Site Setup: Users and Groups"
PICK_CONTENT = "phutho.intranet: Pick content"

PERMISSIONS.update(
    {
        "plone.app.users.group_ids": USERS_AND_GROUPS,
        "plone.app.vocabularies.Catalog": PICK_CONTENT,
    }
)


class GuardedVocabularyView(VocabularyView):
    """Plone's ``@@getVocabulary``, saying no with a status: 400 without a
    name (or a catalog query without attributes), 404 for an unknown one,
    401/403 when the person may not use it."""

    def get_vocabulary(self):
        name = self.request.get("name", None)
        if not name or not isinstance(name, str):
            raise InvalidDataError(
                _("error_vocabulary_name", default="Name the vocabulary: ?name=…"),
                field="name",
            )
        if queryUtility(IVocabularyFactory, name) is None:
            raise NotFoundError(
                _(
                    "error_vocabulary_unknown",
                    default="There is no vocabulary ${name}.",
                    mapping={"name": name},
                ),
                field="name",
            )
        try:
            vocabulary = super().get_vocabulary()
        except VocabLookupException:
            raise refusal(
                _(
                    "error_vocabulary_refused",
                    default="You may not use the vocabulary ${name} here.",
                    mapping={"name": name},
                )
            )
        catalog_based = isinstance(vocabulary, CatalogVocabulary) or hasattr(
            vocabulary, "search_catalog"
        )
        if catalog_based and not self.request.get("attributes"):
            # Plone lists catalog results only by the attributes asked for
            # (without any it fails): say so, as its widgets always ask.
            raise InvalidDataError(
                _(
                    "error_vocabulary_attributes",
                    default="Name the attributes to list, e.g. "
                    '?attributes=["UID","Title","path"].',
                ),
                field="attributes",
            )
        return vocabulary


def agencies_of(user):
    """The ``<agency>-officials`` groups ``user`` belongs to (directly or
    through a unit's group)."""
    return {g for g in user.getGroups() or () if g.endswith(f"-{OFFICIALS}")}


def works_with(viewer, user_id):
    """True when ``viewer`` may know the account ``user_id``: their own,
    one of an agency they work in, or any if they manage members."""
    if viewer.getId() == user_id:
        return True
    if getSecurityManager().checkPermission(ListPortalMembers, getSite()):
        return True
    user = api.user.get(userid=user_id) if user_id else None
    return user is not None and bool(agencies_of(viewer) & agencies_of(user))


class ColleagueAuthorView(AuthorView):
    """Plone's ``author/<id>`` page, for the person's colleagues only."""

    index = ViewPageTemplateFile(
        "templates/author.pt", _prefix=os.path.dirname(plone_author.__file__)
    )

    def __call__(self):
        viewer = api.user.get_current()
        if not isAnonymousUser(viewer) and not works_with(viewer, self.username):
            raise NotFound(self.username)
        return super().__call__()


def _no_creator(obj):
    # plone.indexer: AttributeError means "nothing to index".
    raise AttributeError("Creator")


def _no_creators(obj):
    return ()


creator_of_agency = indexer(IAgency)(_no_creator)
creator_of_unit = indexer(IUnit)(_no_creator)
creator_of_register = indexer(IDocumentRegister)(_no_creator)
creator_of_period = indexer(IPeriodFolder)(_no_creator)
creators_of_agency = indexer(IAgency)(_no_creators)
creators_of_unit = indexer(IUnit)(_no_creators)
creators_of_register = indexer(IDocumentRegister)(_no_creators)
creators_of_period = indexer(IPeriodFolder)(_no_creators)

SKELETON_TYPES = ("Agency", "Unit", "DocumentRegister", "PeriodFolder")
