"""``GET /@my-work`` (site or agency): what the dashboard shows.

Without a name: the current user's sections, each with its count and
whether it waits for them (the personal bar adds those up), and the
first rows. ``GET /@my-work/<section>``: that section's rows with the
page's filters (``period``, ``date_from``, ``date_to``, ``document_type``,
``urgency``, ``state``, ``unit``, ``issuer``, ``overdue``), ``sort_on``
(number, title, date, deadline, state, modified), ``sort_order`` and
``b_start``/``b_size``. Refusals are the portal's 400s; 401 for anyone
not signed in.
"""

from phutho.intranet import _
from phutho.intranet.content.agency import IAgency
from phutho.intranet.content.utils import agency_units
from phutho.intranet.exc import InvalidDataError
from phutho.intranet.exc import NotFoundError
from phutho.intranet.exc import UnauthorizedError
from phutho.intranet.work import sections
from phutho.intranet.work.people import worker as current_worker
from phutho.intranet.work.rows import Rows
from plone import api
from plone.restapi.services import Service
from urllib.parse import urlencode
from zope.i18n import translate
from zope.interface import implementer
from zope.publisher.interfaces import IPublishTraverse

FIRST_ROWS = 5


def _int(value, default, field):
    if value in (None, ""):
        return default
    try:
        return int(value)
    except (TypeError, ValueError):
        raise InvalidDataError(
            _("error_search_integer", default="A whole number."), field=field
        )


@implementer(IPublishTraverse)
class MyWorkGet(Service):
    section_id = None

    def publishTraverse(self, request, name):
        if self.section_id is None:
            self.section_id = name
            return self
        raise NotFoundError(_("error_no_section", default="No such section."))

    @property
    def url(self):
        return f"{self.context.absolute_url()}/@my-work"

    def reply(self):
        if api.user.is_anonymous():
            raise UnauthorizedError(
                _("error_sign_in", default="Sign in to see your work.")
            )
        worker = current_worker(self.context)
        available = sections.sections_for(worker)
        if self.section_id is not None:
            section = sections.SECTIONS_BY_ID.get(self.section_id)
            if section not in available:
                raise NotFoundError(
                    _("error_no_section", default="No such section."),
                    field="section",
                )
            return self.one(section, worker)
        rows = Rows()
        items, waiting = [], 0
        for section in available:
            brains, total = sections.search(
                section, worker, self.context, size=FIRST_ROWS
            )
            if not total and not sections.shown_when_empty(section, worker):
                continue
            if section.waiting:
                waiting += total
            items.append(
                {
                    "@id": f"{self.url}/{section.id}",
                    "id": section.id,
                    "title": translate(section.title, context=self.request),
                    "waiting": section.waiting,
                    "count": total,
                    "items": [rows(brain) for brain in brains],
                }
            )
        return {"@id": self.url, "waiting": waiting, "sections": items}

    def one(self, section, worker):
        form = self.request.form
        agencies = (
            [self.context] if IAgency.providedBy(self.context) else worker.agencies
        )
        units = [unit.UID() for agency in agencies for unit in agency_units(agency)]
        filters = sections.read_filters(form, section, self.context, units)
        sort, order = sections.read_sort(form, section)
        size = _int(form.get("b_size"), sections.BATCH_SIZE, "b_size")
        start = _int(form.get("b_start"), 0, "b_start")
        size = max(1, min(size, sections.MAX_BATCH_SIZE))
        start = max(0, start)
        brains, total = sections.search(
            section, worker, self.context, filters, sort, order, start, size
        )
        rows = Rows()
        url = f"{self.url}/{section.id}"
        params = {k: v for k, v in form.items() if k not in ("b_start",)}
        batching = {"@id": f"{url}?{urlencode(params)}" if params else url}
        if start + size < total:
            batching["next"] = f"{url}?{urlencode(dict(params, b_start=start + size))}"
        if start > 0:
            batching["prev"] = (
                f"{url}?{urlencode(dict(params, b_start=max(0, start - size)))}"
            )
        return {
            "@id": url,
            "id": section.id,
            "title": translate(section.title, context=self.request),
            "waiting": section.waiting,
            "filters": {
                k: (v.isoformat() if hasattr(v, "isoformat") else v)
                for k, v in filters.items()
            },
            "sort_on": sort,
            "sort_order": order,
            "items_total": total,
            "batching": batching,
            "items": [rows(brain) for brain in brains],
        }
