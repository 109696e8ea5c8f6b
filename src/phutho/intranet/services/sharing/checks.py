"""Who may use ``@sharing``: the rolemap says (webmasters only)."""

from phutho.intranet import _
from phutho.intranet.exc import ForbiddenError
from zope.security import checkPermission


def check_may_share(context):
    """Raise :class:`ForbiddenError` unless the current user may hand out
    roles on ``context`` ("Sharing page: Delegate roles")."""
    if not checkPermission("plone.DelegateRoles", context):
        raise ForbiddenError(
            _(
                "error_sharing_forbidden",
                default="Only webmasters change who may see or edit this item; "
                "documents and case files are shared through their assignments "
                "and their keepers.",
            )
        )
