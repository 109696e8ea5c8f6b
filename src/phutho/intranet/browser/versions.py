"""``@@draft-versions`` of an outgoing document: its versions with author
and time; ``?version=N`` shows one, ``?compare=N`` compares it with the
current text (``&with=M`` with another version)."""

from phutho.intranet import _
from phutho.intranet import versions
from phutho.intranet.content.outgoing import IOutgoingDocument
from phutho.intranet.dates import format_datetime
from phutho.intranet.exc import NotFoundError
from Products.Five.browser import BrowserView
from zope.i18n import translate


def field_title(name, request):
    field = IOutgoingDocument.get(name)
    return translate(field.title, context=request) if field is not None else name


def version_or_404(document, value):
    found = versions.retrieve(document, value) if value not in (None, "") else None
    if found is None:
        raise NotFoundError(
            _("error_version_unknown", default="This document has no such version."),
            field="version",
        )
    return found


class DraftVersionsView(BrowserView):
    def __call__(self):
        form = self.request.form
        self.items = [
            dict(item, time=format_datetime(item["time"]))
            for item in versions.versions(self.context)
        ]
        self.shown = None
        self.changes = None
        if form.get("version"):
            old = version_or_404(self.context, form["version"])
            self.shown_version = form["version"]
            self.shown = [
                {
                    "title": field_title(name, self.request),
                    "text": versions.field_text(old, name),
                }
                for name in versions.COMPARED
                if versions.field_text(old, name)
            ]
        if form.get("compare"):
            old = version_or_404(self.context, form["compare"])
            new = (
                version_or_404(self.context, form["with"])
                if form.get("with")
                else self.context
            )
            self.compared = (form["compare"], form.get("with"))
            self.changes = [
                dict(change, title=field_title(change["field"], self.request))
                for change in versions.compare(old, new)
            ]
        return self.index()
