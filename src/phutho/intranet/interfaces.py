"""Marker interfaces shared by the whole add-on."""

from zope.publisher.interfaces.browser import IDefaultBrowserLayer


class IPhuthoIntranetLayer(IDefaultBrowserLayer):
    """Browser layer: views and resources of this add-on apply only once it
    is installed in a site."""
