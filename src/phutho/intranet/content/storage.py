"""Where documents are stored inside an agency.

Users add documents to the agency; this module files them into period
folders (``van-ban-den/2026/11``) so that no folder grows beyond one
month of one direction. Period folders are created on demand; two
transactions creating the same one conflict and one of them is retried.
"""

from phutho.intranet.dates import localize
from phutho.intranet.dates import now
from plone.dexterity.utils import addContentToContainer
from plone.dexterity.utils import createContent

# portal_type -> (archive folder id, its title, split by month). Titles are
# content (shown in breadcrumbs), hence in Vietnamese like the rest of it.
ARCHIVES = {
    "IncomingDocument": ("van-ban-den", "Văn bản đến", True),
    "OutgoingDocument": ("van-ban-di", "Văn bản đi", True),
    "CaseFile": ("ho-so", "Hồ sơ", False),
}

STORED_TYPES = frozenset(ARCHIVES)


def _child_folder(container, folder_id, title):
    folder = container.get(folder_id)
    if folder is None:
        folder = createContent("PeriodFolder", id=folder_id, title=title)
        container._setObject(folder_id, folder)
        folder = container[folder_id]
        # Plumbing, not the first filer's: no Owner role for whoever
        # happened to file the month's first document.
        owners = [p for p, roles in folder.get_local_roles() if "Owner" in roles]
        if owners:
            folder.manage_delLocalRoles(owners)
    return folder


def container_for(agency, portal_type, when=None):
    """Return (creating if needed) the folder that stores a new item.

    :param agency: the Agency the item belongs to.
    :param portal_type: one of :data:`STORED_TYPES`.
    :param when: date or datetime the period is taken from; now by default.
    """
    if portal_type not in ARCHIVES:
        raise ValueError(f"{portal_type} is not stored in period folders")
    folder_id, title, monthly = ARCHIVES[portal_type]
    when = localize(when) if when is not None else now()
    archive = _child_folder(agency, folder_id, title)
    folder = _child_folder(archive, f"{when.year:04d}", str(when.year))
    if monthly:
        folder = _child_folder(
            folder, f"{when.month:02d}", f"Tháng {when.month:02d}/{when.year}"
        )
    return folder


def add_document(agency, portal_type, when=None, **fields):
    """Create a document (or case file) of ``agency`` in its period folder.

    The Python counterpart of adding one through the agency's form or
    ``POST /<agency>``: the name is chosen from the title before adding
    (no temporary id and rename, which would reindex twice). Fields are
    set as given, not validated: callers pass trusted, typed values.
    """
    container = container_for(agency, portal_type, when)
    obj = createContent(portal_type, **fields)
    return addContentToContainer(container, obj, checkConstraints=False)
