"""Demo profile 1000 → 1001: the province's bodies after the 2025 reforms.

Sở Thông tin và Truyền thông joined Sở Khoa học và Công nghệ on 1 March
2025; the UBND tỉnh's divisions VX, KT and TH belong to its Văn phòng.
A site that has the old demo gets the new names, the moved divisions (their
groups, people and documents follow them, as for any moved unit), the
UBND tỉnh's fields (lĩnh vực) and a copies register per agency. Ids and
accounts stay as they were: addresses and sign-ins keep working.
"""

from phutho.intranet.demo import load_data
from phutho.intranet.setuphandlers import agencies_folder
from plone import api
from zope.lifecycleevent import modified

import logging

logger = logging.getLogger("phutho.intranet.upgrades")

OLD_TITLE = "Sở Thông tin và Truyền thông"
MOVED_UNITS = ("vx", "kt", "th")


def structure_2025(context):
    folder = agencies_folder()
    data = {spec["id"]: spec for spec in load_data()["agencies"]}
    rename_department(folder, data["so-khcn"])
    move_divisions(folder)
    province = folder.get("ubnd-tinh")
    if province is not None and not province.fields_of_work:
        province.fields_of_work = list(data["ubnd-tinh"].get("fields_of_work", []))
        modified(province)
    add_copies_registers(folder, data)


def rename_department(folder, spec):
    """The old department keeps its id, takes the new name and symbol."""
    for agency in folder.objectValues():
        if agency.portal_type == "Agency" and agency.Title() == OLD_TITLE:
            agency.title = spec["title"]
            agency.short_name = spec["short_name"]
            modified(agency)  # group titles follow
            agency.reindexObject()
            logger.info("Demo: %s is now %s", agency.getId(), spec["title"])


def move_divisions(folder):
    province, office = folder.get("ubnd-tinh"), folder.get("vp-ubnd")
    if province is None or office is None:
        return
    for unit_id in MOVED_UNITS:
        unit = province.get(unit_id)
        if unit is None or unit.portal_type != "Unit" or unit_id in office:
            continue
        api.content.move(source=unit, target=office)
        logger.info("Demo: division %s moved to %s", unit_id, office.getId())


def add_copies_registers(folder, data):
    for agency_id, spec in data.items():
        agency = folder.get(agency_id)
        if agency is None:
            continue
        for register in spec["registers"]:
            if register["id"] in agency or not register.get("document_types"):
                continue
            api.content.create(
                container=agency,
                type="DocumentRegister",
                id=register["id"],
                title=register["title"],
                direction=register["direction"],
                document_types=register["document_types"],
            )
