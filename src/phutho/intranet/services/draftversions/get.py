"""``GET /<outgoing>/@draft-versions``: the draft's versions (version,
actor, fullname, time, comment); ``?version=N`` adds that version's
fields, ``?compare=N[&with=M]`` the fields that differ from now (or from
version M)."""

from phutho.intranet import versions
from phutho.intranet.browser.versions import version_or_404
from plone.restapi.services import Service


class DraftVersionsGet(Service):
    def reply(self):
        form = self.request.form
        result = {
            "@id": f"{self.context.absolute_url()}/@draft-versions",
            "items": [
                dict(item, time=item["time"].isoformat(timespec="seconds"))
                for item in versions.versions(self.context)
            ],
        }
        if form.get("version"):
            old = version_or_404(self.context, form["version"])
            result["version"] = {
                name: versions.field_text(old, name) for name in versions.COMPARED
            }
        if form.get("compare"):
            old = version_or_404(self.context, form["compare"])
            new = (
                version_or_404(self.context, form["with"])
                if form.get("with")
                else self.context
            )
            result["changes"] = versions.compare(old, new)
        return result
