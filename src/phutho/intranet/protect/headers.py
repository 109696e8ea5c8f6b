"""Security headers every response carries."""

from zope.component import adapter
from ZPublisher.interfaces import IPubStart


@adapter(IPubStart)
def no_sniffing(event):
    """``X-Content-Type-Options: nosniff`` on every response (pages, REST,
    downloads, errors): browsers take the declared type and never guess
    one, so an uploaded file declared as text is never run as a script or
    page. Set when the request starts, so that error answers keep it."""
    event.request.response.setHeader("X-Content-Type-Options", "nosniff")
