"""Who someone is at work: their agencies, units and functions.

Read from the groups they are in (``groups.py`` names them: an agency's
``<prefix>-officials`` holds all its other groups, a unit's groups are
``<agency prefix>-<unit id>-heads`` and ``-specialists``), so nothing is
stored twice and a webmaster's change in Users and Groups shows at once.
The look-ups go through the agencies folder by id, never the catalog or
a walk over the site.
"""

from dataclasses import dataclass
from dataclasses import field
from phutho.intranet import _
from phutho.intranet.content.agency import IAgency
from phutho.intranet.content.utils import agency_units
from phutho.intranet.groups import AGENCY_FUNCTIONS
from phutho.intranet.groups import group_member_ids
from phutho.intranet.groups import group_prefix
from phutho.intranet.groups import OFFICIALS
from phutho.intranet.groups import UNIT_FUNCTIONS
from phutho.intranet.groups import unit_group_id
from phutho.intranet.setuphandlers import AGENCIES_FOLDER_ID
from plone import api

# Longest first: "secret-clerks" also ends with "clerks".
FUNCTIONS = tuple(sorted((*AGENCY_FUNCTIONS, *UNIT_FUNCTIONS), key=len, reverse=True))

# What a person's function in a unit is called next to their name.
POSITION_TITLES = {
    "heads": _("position_head", default="Head of unit"),
    "specialists": _("position_specialist", default="Specialist"),
}


@dataclass
class Worker:
    """The current user at work, within one agency or all of theirs."""

    user_id: str
    group_ids: frozenset
    functions: frozenset
    agencies: list = field(default_factory=list)
    units: list = field(default_factory=list)

    @property
    def anonymous(self):
        return self.user_id is None

    def has(self, *functions):
        """True when the user holds any of ``functions`` (none: everyone)."""
        return not functions or bool(self.functions & set(functions))

    def unit_group_ids(self, function):
        """Ids of the user's unit groups of ``function`` (``heads``…)."""
        return sorted(g for g in self.group_ids if g.endswith(f"-{function}"))


def functions_of(group_ids):
    """The functions (``clerks``, ``leaders``, ``heads``…) the given agency
    and unit groups stand for (their ids end with the function)."""
    result = set()
    for group_id in group_ids:
        for function in FUNCTIONS:
            if group_id.endswith(f"-{function}"):
                result.add(function)
                break
    return frozenset(result)


def agency_by_prefix(prefix):
    """The agency whose groups carry ``prefix`` (its id unless renamed)."""
    folder = api.portal.get().get(AGENCIES_FOLDER_ID)
    if folder is None:
        return None
    candidate = folder.get(prefix)
    if IAgency.providedBy(candidate) and group_prefix(candidate) == prefix:
        return candidate
    # Renamed since its groups were made: rare, and the folder is small.
    for agency in folder.objectValues():
        if IAgency.providedBy(agency) and group_prefix(agency) == prefix:
            return agency
    return None


def worker(context=None, user=None):
    """The :class:`Worker` for ``user`` (default: the current one).

    With an agency as ``context`` only that agency's groups count (its
    dashboard); otherwise all of the user's agencies do.
    """
    if user is None:
        if api.user.is_anonymous():
            return Worker(None, frozenset(), frozenset())
        user = api.user.get_current()
    group_ids = set(user.getGroups())
    suffix = f"-{OFFICIALS}"
    agencies = []
    for group_id in sorted(group_ids):
        if group_id.endswith(suffix):
            agency = agency_by_prefix(group_id[: -len(suffix)])
            if agency is not None:
                agencies.append(agency)
    if context is not None and IAgency.providedBy(context):
        agencies = [a for a in agencies if a.UID() == context.UID()]
        prefix = group_prefix(context)
        group_ids = {g for g in group_ids if g.startswith(f"{prefix}-")}
    units = [
        unit
        for agency in agencies
        for unit in agency_units(agency)
        if any(unit_group_id(unit, f) in group_ids for f in UNIT_FUNCTIONS)
    ]
    return Worker(
        user.getId(),
        frozenset(group_ids),
        functions_of(group_ids),
        agencies,
        units,
    )


def agency_people(agency):
    """``[{"id", "name", "position", "unit", "unit_uid"}]`` of the people in
    the agency's units, by name. The leaders and clerks, whose groups are
    agency-wide, are not among them: work is not handed to them."""
    people = {}
    for unit in agency_units(agency):
        for function in ("heads", "specialists"):
            for user_id in group_member_ids(unit_group_id(unit, function)):
                # A head who is also a specialist is named as the head.
                if user_id in people and people[user_id]["function"] == "heads":
                    continue
                people[user_id] = {
                    "id": user_id,
                    "function": function,
                    "unit": unit.Title(),
                    "unit_uid": unit.UID(),
                }
    result = []
    for person in people.values():
        user = api.user.get(userid=person["id"])
        name = (user.getProperty("fullname") if user is not None else "") or person[
            "id"
        ]
        title = POSITION_TITLES.get(person["function"])
        result.append(
            dict(
                person,
                name=name,
                position=api.portal.translate(title) if title else "",
            )
        )
    return sorted(result, key=lambda p: (p["name"], p["id"]))


def person_label(person):
    """``Lý Thị Hương — Chuyên viên, Phòng Công nghệ thông tin``."""
    where = ", ".join(part for part in (person["position"], person["unit"]) if part)
    return f"{person['name']} — {where}" if where else person["name"]
