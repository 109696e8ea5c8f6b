"""The province's agencies for the size curve, under zconsole:

    .venv/bin/zconsole run ZOPE_CONF bench/curve_agencies.py COUNT

Adds commune committees (``xa-001``, ``xa-002``…, each with its incoming
and outgoing registers) until the site has COUNT agencies: the merged
province has about 150 communes and wards and 30 provincial bodies.
Idempotent; prints the agencies' ids, comma-separated.
"""

from AccessControl.SecurityManagement import newSecurityManager
from AccessControl.SpecialUsers import system
from phutho.intranet.demo import import_agency
from phutho.intranet.setuphandlers import agencies_folder
from Testing.makerequest import makerequest
from zope.component.hooks import setSite
from zope.globalrequest import setRequest

import sys
import transaction

REGISTERS = [
    {"id": "so-den", "title": "Sổ văn bản đến", "direction": "incoming"},
    {"id": "so-di", "title": "Sổ văn bản đi", "direction": "outgoing"},
]


def commune(index):
    return {
        "id": f"xa-{index:03d}",
        "title": f"UBND xã số {index}",
        "short_name": f"X{index:03d}",
        # Codes of their own, apart from the demo's (000.xx.xx.H43).
        "organ_id": f"001.{index // 100:02d}.{index % 100:02d}.H43",
        "units": [],
        "registers": REGISTERS,
        "people": [],
    }


def main(app, count):
    app = makerequest(app)
    setRequest(app.REQUEST)
    site = app.Plone
    setSite(site)
    newSecurityManager(None, system.__of__(app.acl_users))
    folder = agencies_folder(site)
    ids = [
        i for i, o in folder.objectItems() if getattr(o, "portal_type", "") == "Agency"
    ]
    index = 0
    while len(ids) < count:
        index += 1
        data = commune(index)
        if data["id"] in ids:
            continue
        import_agency(folder, data, password=None)
        ids.append(data["id"])
        if len(ids) % 20 == 0:
            transaction.commit()
    transaction.commit()
    print(",".join(ids))


main(app, int(sys.argv[-1]))  # noqa: F821 (zconsole's app)
