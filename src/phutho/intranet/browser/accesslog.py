"""``@@access-log`` of a document: who opened it and its files, when.
For the agency's leaders and clerks ("View access log")."""

from phutho.intranet import _
from phutho.intranet.accesslog.api import log_of
from phutho.intranet.dates import format_datetime
from Products.Five.browser import BrowserView
from zope.i18n import translate

WHAT_TITLES = {
    "view": _("access_view", default="Opened the document"),
    "api": _("access_api", default="Read it through the API"),
}


def what_title(what, request):
    if what in WHAT_TITLES:
        return translate(WHAT_TITLES[what], context=request)
    kind, _sep, name = what.partition(":")
    if kind == "file":
        return translate(
            _(
                "access_file",
                default="Downloaded the file ${name}",
                mapping={"name": name},
            ),
            context=request,
        )
    return translate(
        _(
            "access_annex",
            default="Downloaded the annex ${name}",
            mapping={"name": name},
        ),
        context=request,
    )


class AccessLogView(BrowserView):
    def __call__(self):
        self.entries = [
            {
                "time": format_datetime(entry["time"]),
                "fullname": entry["fullname"],
                "what": what_title(entry["what"], self.request),
            }
            for entry in log_of(self.context)
        ]
        return self.index()
