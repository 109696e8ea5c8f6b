"""Demo data: the province's structure, one person per role, a few news.

Never install the demo profile on a production site: its accounts share a
published password. The data is in ``profiles/demo/demo.json``; this module
only reads it, and does so idempotently (what exists is left as is).
"""

from datetime import timedelta
from phutho.intranet.content.storage import add_document
from phutho.intranet.dates import today
from phutho.intranet.forms.setup import install_forms
from phutho.intranet.groups import agency_group_id
from phutho.intranet.groups import unit_group_id
from phutho.intranet.schedule.demo import import_calendar
from phutho.intranet.setuphandlers import agencies_folder
from phutho.intranet.work import setup as work_setup
from phutho.intranet.workflow.api import do_transition
from plone import api
from plone.app.textfield.value import RichTextValue

import json
import logging
import os

logger = logging.getLogger("phutho.intranet.demo")

DATA_FILE = os.path.join(os.path.dirname(__file__), "profiles", "demo", "demo.json")


def load_data():
    with open(DATA_FILE, encoding="utf-8") as f:
        return json.load(f)


def _ensure(container, type_, id, **fields):
    obj = container.get(id)
    if obj is None:
        obj = api.content.create(container=container, type=type_, id=id, **fields)
    return obj


def _publish(obj):
    if api.content.get_state(obj, default=None) == "private":
        api.content.transition(obj, transition="publish")


def _ensure_user(user_id, fullname, password):
    if api.user.get(userid=user_id) is None:
        api.user.create(
            username=user_id,
            email=f"{user_id}@phutho.gov.vn",
            password=password,
            properties={"fullname": fullname},
        )
    return user_id


def import_agency(folder, data, password):
    """Create one agency with its units, registers and people."""
    agency = _ensure(
        folder,
        "Agency",
        data["id"],
        title=data["title"],
        short_name=data["short_name"],
        organ_id=data["organ_id"],
        address=data.get("address"),
        email=data.get("email"),
        phone=data.get("phone"),
        website=data.get("website"),
        fields_of_work=data.get("fields_of_work", []),
    )
    units = {}
    for unit in data["units"]:
        units[unit["id"]] = _ensure(
            agency,
            "Unit",
            unit["id"],
            title=unit["title"],
            short_name=unit["short_name"],
        )
    for register in data["registers"]:
        _ensure(
            agency,
            "DocumentRegister",
            register["id"],
            title=register["title"],
            direction=register["direction"],
            secret=register.get("secret", False),
            document_types=register.get("document_types", []),
        )
    for person in data["people"]:
        user_id = _ensure_user(person["id"], person["fullname"], password)
        for function in person["groups"]:
            if "unit" in person:
                group_id = unit_group_id(units[person["unit"]], function)
            else:
                group_id = agency_group_id(agency, function)
            api.group.add_user(groupname=group_id, username=user_id)
        if person["role"] == "unit_head":
            units[person["unit"]].head = user_id
    return agency


def _people(spec):
    """``{role: user id}`` of an agency's demo people (first of each role)."""
    result = {}
    for person in spec["people"]:
        result.setdefault(person["role"], person["id"])
    return result


def _step_data(agency, people, data):
    """Turn the demo file's shorthand into transition data."""
    data = dict(data or {})
    days = data.pop("days", None)
    deadline = (today() + timedelta(days=days)).isoformat() if days else None
    if "lead" in data:
        data["lead"] = {
            "kind": "unit",
            "id": agency[data["lead"]].UID(),
            "deadline": deadline,
        }
    if "lead_user" in data:
        user = people[data.pop("lead_user")]
        data["lead"] = {"kind": "user", "id": user, "deadline": deadline}
    if "handler" in data:
        data["handler"] = people[data["handler"]]
    return data


def import_document(agencies, specs, item):
    """Create one demo document and walk it through its steps, each as the
    person whose job the step is."""
    spec = specs[item["agency"]]
    agency = agencies[item["agency"]]
    people = _people(spec)
    fields = {
        k: v
        for k, v in item.items()
        if k not in ("kind", "agency", "unit", "steps", "recipients", "document_date")
    }
    if item["kind"] == "incoming":
        author = people["clerk"]
        portal_type = "IncomingDocument"
        fields["document_date"] = today() + timedelta(days=item["document_date"])
    else:
        author = people["specialist"]
        portal_type = "OutgoingDocument"
        fields["drafting_unit"] = agency[item["unit"]].UID()
        fields["drafter"] = author
        fields["internal_recipients"] = [agencies[r].UID() for r in item["recipients"]]
    with api.env.adopt_user(username=author):
        document = add_document(agency, portal_type, **fields)
    for role, transition, *rest in item["steps"]:
        data = _step_data(agency, people, rest[0] if rest else None)
        comment = data.pop("comment", "")
        with api.env.adopt_user(username=people[role]):
            do_transition(document, transition, comment=comment, data=data)
    return document


def import_documents(data, folder):
    """Demo documents in various states, once (skipped if any exists)."""
    catalog = api.portal.get_tool("portal_catalog")
    path = "/".join(folder.getPhysicalPath())
    if catalog.unrestrictedSearchResults(
        portal_type=["IncomingDocument", "OutgoingDocument"], path=path
    ):
        return 0
    agencies = {spec["id"]: folder[spec["id"]] for spec in data["agencies"]}
    specs = {spec["id"]: spec for spec in data["agencies"]}
    for item in data["documents"]:
        import_document(agencies, specs, item)
    return len(data["documents"])


def import_demo(context=None):
    """GenericSetup post handler of the demo profile."""
    data = load_data()
    portal = api.portal.get()
    folder = agencies_folder(portal)
    for agency in data["agencies"]:
        import_agency(folder, agency, data["password"])
    for webmaster in data["webmasters"]:
        _ensure_user(webmaster["id"], webmaster["fullname"], data["password"])
        api.group.add_user(groupname="Site Administrators", username=webmaster["id"])
    for spec in data["folders"]:
        _publish(
            _ensure(
                portal,
                "Folder",
                spec["id"],
                title=spec["title"],
                description=spec["description"],
            )
        )
    # The add menus of the folders just made offer only what belongs there.
    work_setup.constrain_folders(portal)
    for index, item in enumerate(data["news"]):
        container = portal[item["folder"]]
        obj = _ensure(
            container,
            item["type"],
            f"bai-{index + 1}",
            title=item["title"],
            description=item["description"],
            text=RichTextValue(item["text"], "text/html", "text/x-html-safe"),
        )
        _publish(obj)
    count = import_documents(data, folder)
    import_calendar(folder)
    install_forms(portal)
    logger.info(
        "Demo data imported: %d agencies, %d documents", len(data["agencies"]), count
    )
