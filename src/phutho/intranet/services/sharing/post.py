from .checks import check_may_share
from plone.restapi.services.content import sharing


class SharingPost(sharing.SharingPost):
    """plone.restapi's, refusing in the portal's error model."""

    def reply(self):
        check_may_share(self.context)
        return super().reply()
