"""Secret documents get neutral ids.

A document's id is normally its slugged title (trích yếu), and its URL
shows it wherever the URL goes: ``resolveuid`` redirects, links in mail,
logs, browser history. For a secret document (độ mật) the title itself is
secret, so its id is ``van-ban-`` and the start of its UID instead.

* New documents: the period folders' name chooser picks the neutral id,
  whatever the title or a suggested name (forms, REST, code).
* A document made secret later (its secrecy edited before registration)
  is renamed when the change is saved; the old address is not kept as a
  redirect (it would confirm the title to whoever guesses it).
* An explicit id for a secret document (``"id"`` in a REST POST) is
  refused: the portal chooses it.
"""

from Acquisition import aq_inner
from Acquisition import aq_parent
from phutho.intranet import _
from phutho.intranet.content.document import IOfficialDocument
from phutho.intranet.exc import InvalidDataError
from phutho.intranet.workflow.localroles import is_secret
from plone import api
from plone.app.content.namechooser import NormalizingNameChooser
from plone.app.redirector.interfaces import IRedirectionStorage
from plone.locking.interfaces import ILockable
from plone.uuid.interfaces import IMutableUUID
from plone.uuid.interfaces import IUUID
from zope.component import queryUtility
from zope.container.interfaces import IContainerModifiedEvent

import logging
import re
import uuid

logger = logging.getLogger("phutho.intranet.protect")

PREFIX = "van-ban-"
UID_CHARS = 12  # 48 bits: unique within a month folder, and checked anyway
# What neutral ids look like, copies (copy_of_…) and numbered twins included.
NEUTRAL_ID = re.compile(
    rf"^(copy[0-9]*_of_)*{PREFIX}[0-9a-f]{{{UID_CHARS}}}(-[0-9]+)?$"
)


def neutral_name(document):
    """``van-ban-<12 hex digits of the UID>``; gives the document its UID
    first if it has none yet (plone.uuid keeps one that is set)."""
    uid = IUUID(document, None)
    if not uid:
        uid = uuid.uuid4().hex
        IMutableUUID(document).set(uid)
    return PREFIX + uid.replace("-", "")[:UID_CHARS]


def needs_neutral_name(document):
    """True for a secret document whose id may tell its title."""
    return (
        IOfficialDocument.providedBy(document)
        and is_secret(document)
        and not NEUTRAL_ID.match(document.getId() or "")
    )


class PeriodFolderNameChooser(NormalizingNameChooser):
    """Plone's name chooser, with neutral names for secret documents."""

    def chooseName(self, name, obj):
        if IOfficialDocument.providedBy(obj) and is_secret(obj):
            name = neutral_name(obj)
        return super().chooseName(name, obj)


def give_neutral_name(document):
    """Rename ``document`` to its neutral id and forget the old address.

    Done as the portal (the person changed the secrecy, which they may;
    renaming is its consequence, not an act of theirs they need rights
    for). A lock held by the current edit would block the rename: it is
    released, as saving the edit does anyway.
    """
    container = aq_parent(aq_inner(document))
    old_path = "/".join(document.getPhysicalPath())
    new_id = NormalizingNameChooser(container)._findUniqueName(
        neutral_name(document), document
    )
    lockable = ILockable(document, None)
    if lockable is not None and lockable.locked():
        lockable.clear_locks()
    with api.env.adopt_roles(["Manager"]):
        container.manage_renameObject(document.getId(), new_id)
    storage = queryUtility(IRedirectionStorage)
    if storage is not None and old_path in storage:
        storage.remove(old_path)
    logger.info("Secret document %s renamed to %s", old_path, new_id)
    return container[new_id]


def on_added(document, event):
    """Refuse a secret document added under an id chosen by someone."""
    if needs_neutral_name(document):
        raise InvalidDataError(
            _(
                "error_secret_document_id",
                default="The portal chooses the address of a secret document: "
                "send it without an id.",
            ),
            field="id",
        )


def on_modified(document, event):
    """A document made secret gets its neutral id."""
    if IContainerModifiedEvent.providedBy(event):
        return  # an annex added or removed: no field changed
    if needs_neutral_name(document) and aq_parent(aq_inner(document)) is not None:
        give_neutral_name(document)
