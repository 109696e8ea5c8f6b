"""Upgrade to 1003: document exchange (edXML).

* Documents and agencies get the electronic-metadata behaviors (the FTIs)
  and the exchange settings appear in the registry (the upgradeDepends).
* Issued outgoing documents get their DocumentId and are registered under
  it, so that status messages answering them find them.
* The sender's status log starts from the state of each internal
  recipient's copy (until now computed at each read).
"""

from phutho.intranet.upgrades.v1001 import cataloged
from plone import api

import logging

logger = logging.getLogger("phutho.intranet.upgrades")

ISSUED_STATES = ("issued", "recalled", "replaced")


def register_document_ids(context):
    """DocumentId of every issued outgoing document."""
    from phutho.intranet.exchange.api import ensure_document_id

    count = 0
    for document in cataloged(["OutgoingDocument"], review_state=ISSUED_STATES):
        if getattr(document, "document_id", None) or not document.symbol:
            continue
        ensure_document_id(document)
        count += 1
    logger.info("DocumentId set on %d issued documents", count)


def start_status_logs(context):
    """One log line per internal recipient, from the state of its copy."""
    from phutho.intranet.workflow.delivery import _log
    from phutho.intranet.workflow.delivery import deliveries_of
    from phutho.intranet.workflow.delivery import record_status
    from phutho.intranet.workflow.delivery import STATUS
    from plone.app.uuid.utils import uuidToObject

    count = 0
    for document in cataloged(["OutgoingDocument"], review_state=ISSUED_STATES):
        log = _log(document)
        for agency_uid, doc_uid in deliveries_of(document).items():
            if log is not None and agency_uid in log:
                continue
            agency = uuidToObject(agency_uid, unrestricted=True)
            copy = uuidToObject(doc_uid, unrestricted=True)
            if copy is None:
                continue
            code = STATUS.get(api.content.get_state(copy), (None,))[0] or "01"
            record_status(
                document,
                agency_uid,
                code,
                time=copy.modified(),
                description="",
                agency=agency_uid,
                name=agency.Title() if agency is not None else None,
                document=doc_uid,
                transport="internal",
            )
            count += 1
    logger.info("Status logs started for %d deliveries", count)
