"""Who a statistics report covers and who may read it: an agency (its
leaders), a unit (its heads and the agency's leaders), a person of either.

The page or service checks the permission on the agency or the unit;
this module resolves the requested person within that scope."""

from phutho.intranet import _
from phutho.intranet.content.unit import IUnit
from phutho.intranet.content.utils import find_agency
from phutho.intranet.exc import InvalidDataError
from phutho.intranet.groups import agency_user_ids
from phutho.intranet.reports import statistics
from phutho.intranet.workflow.assignment import unit_people
from phutho.intranet.workflow.presentation import fullname


class Scope:
    """The agency or unit ``context`` is, optionally narrowed to a person."""

    def __init__(self, context, person=None):
        self.context = context
        self.agency = find_agency(context)
        self.unit = context if IUnit.providedBy(context) else None
        if person is not None and not isinstance(person, str):
            person = None
        self.people_ids = (
            unit_people(self.unit)
            if self.unit is not None
            else agency_user_ids(self.agency)
        )
        if person and person not in self.people_ids:
            raise InvalidDataError(
                _(
                    "error_statistics_person",
                    default="${user} does not work here.",
                    mapping={"user": person},
                ),
                field="person",
            )
        self.person = person or None

    @property
    def key(self):
        """The ``scope`` statistics.compute takes."""
        if self.person:
            return ("user", self.person)
        if self.unit is not None:
            return ("unit", self.unit.UID())
        return None

    @property
    def title(self):
        if self.person:
            return fullname(self.person)
        return self.context.Title()

    def units(self):
        """``(uid, title)`` of the agency's units (agency scope only)."""
        if self.unit is not None or self.person:
            return []
        return [
            (unit.UID(), unit.Title())
            for unit in self.agency.objectValues()
            if IUnit.providedBy(unit)
        ]

    def people(self):
        """``(user id, name)`` of the scope's people, by name."""
        if self.person:
            return []
        return sorted(
            ((user_id, fullname(user_id)) for user_id in self.people_ids),
            key=lambda item: item[1] or "",
        )

    def compute(self, period):
        stats = statistics.compute(
            self.agency, period, self.key, self.units(), self.people()
        )
        # People and units with nothing in the period are left out.
        for key in ("by_unit", "by_person"):
            stats[key] = [item for item in stats[key] if item[1]["received"]]
        return stats

    def tables(self, period, stats):
        return statistics.tables(self.agency.Title(), self.title, period, stats)
