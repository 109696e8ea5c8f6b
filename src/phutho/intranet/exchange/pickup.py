"""The directory transport's other half: relay outboxes, import inboxes.

:func:`relay` moves each file of ``<root>/<A>/outbox/<B>/`` into
``<root>/<B>/inbox/`` when that folder exists (agencies sharing the root:
those of this portal, or other systems whose folder is mounted there);
files for others stay for the agent that carries them.

:func:`pickup` relays, then imports every file of each agency's inbox in a
transaction of its own, and moves it to ``done/`` or ``error/`` with a
``.report.json`` beside it (status, document, error and element). A file is
claimed first by an atomic rename into ``inbox/.claimed/``, so that two
pickups running at once never import one file twice; and the import
itself refuses to create a document twice for one message. Run by
``scripts/exchange_pickup.py`` (cron, ``make run``) or through
``POST /@exchange-pickup``.
"""

from . import outbox
from .errors import EdXMLError
from .settings import exchange_directory
from .transports.directory import agency_folder
from .transports.directory import ensure_folders
from pathlib import Path
from phutho.intranet.dates import now
from plone import api
from ZODB.POSException import ConflictError

import json
import logging
import os
import time
import transaction

logger = logging.getLogger("phutho.intranet.exchange")

CLAIMED = ".claimed"
RETRIES = 3
# A claimed file older than this was left by a pickup that died.
STALE_SECONDS = 600


def _visible_files(folder):
    if not folder.is_dir():
        return []
    return sorted(
        p for p in folder.iterdir() if p.is_file() and not p.name.startswith(".")
    )


def _unique(target):
    """``target``, or a free name beside it when it exists."""
    if not target.exists():
        return target
    stem, suffix = target.stem, target.suffix
    for count in range(1, 10_000):
        candidate = target.with_name(f"{stem}.{count}{suffix}")
        if not candidate.exists():
            return candidate
    raise OSError(f"No free name for {target}")


def relay(root=None):
    """Move outbox files to the inbox of each recipient folder that exists
    under the root. Returns the paths delivered."""
    root = Path(root or exchange_directory() or "")
    if not root.name or not root.is_dir():
        return []
    moved = []
    for sender in sorted(p for p in root.iterdir() if p.is_dir()):
        outboxes = sender / "outbox"
        if not outboxes.is_dir():
            continue
        for recipient in sorted(p for p in outboxes.iterdir() if p.is_dir()):
            if recipient.name.startswith("."):
                continue
            inbox = root / recipient.name / "inbox"
            if not inbox.is_dir():
                continue
            for path in _visible_files(recipient):
                target = _unique(inbox / f"{sender.name}--{path.name}")
                try:
                    os.rename(path, target)
                except FileNotFoundError:  # another relay took it
                    continue
                moved.append(str(target))
    return moved


def _claim(path):
    claimed = path.parent / CLAIMED
    claimed.mkdir(exist_ok=True)
    target = claimed / path.name
    try:
        os.rename(path, target)
    except FileNotFoundError:
        return None
    return target


def _finish(path, folder, report):
    folder.mkdir(exist_ok=True)
    target = _unique(folder / path.name)
    report_path = target.with_name(target.name + ".report.json")
    report_path.write_text(json.dumps(report, ensure_ascii=False, indent=2))
    os.rename(path, target)
    return target


def _import_file(agency, path):
    """Import one claimed file in its own transaction (conflicts retried)."""
    from .api import import_message

    data = path.read_bytes()
    for attempt in range(RETRIES):
        transaction.begin()
        try:
            document, created = import_message(agency, data, transport="directory")
            result = {
                "status": "created" if created else "applied",
                "document": document.absolute_url(),
                "uid": document.UID(),
            }
            transaction.commit()
            return result
        except EdXMLError as error:
            transaction.abort()
            return {
                "status": "refused",
                "error": error.error_type,
                "message": error.message,
                "element": error.element,
            }
        except ConflictError:
            transaction.abort()
            logger.info("Conflict importing %s, attempt %d", path, attempt + 1)
        except Exception as error:
            # A defect, not the message's fault: the file goes to error/
            # with the reason, and the other files are still picked up.
            transaction.abort()
            logger.exception("Pickup could not import %s", path)
            return {
                "status": "failed",
                "error": error.__class__.__name__,
                "message": str(error),
                "element": None,
            }
    return {"status": "retry", "message": "Conflicts: left for the next pickup."}


def _agencies(portal):
    catalog = api.portal.get_tool("portal_catalog")
    for brain in catalog.unrestrictedSearchResults(portal_type="Agency"):
        agency = brain._unrestrictedGetObject()
        if agency.organ_id:
            yield agency


def _waiting(inbox):
    """Files of an inbox to import: new ones, and claimed ones a pickup
    that died left behind."""
    stale = [
        p
        for p in _visible_files(inbox / CLAIMED)
        if time.time() - p.stat().st_ctime > STALE_SECONDS
    ]
    return _visible_files(inbox) + stale


def _pick(agency, path, inbox):
    """Claim, import and file one inbox file; its report (a dict)."""
    claimed = path if path.parent.name == CLAIMED else _claim(path)
    if claimed is None:  # another pickup took it
        return None
    result = _import_file(agency, claimed)
    result["file"] = path.name
    result["agency"] = agency.organ_id
    result["time"] = now().isoformat(timespec="seconds")
    if result["status"] == "retry":
        os.rename(claimed, _unique(inbox / path.name))
        return result
    folder = "error" if result["status"] in ("refused", "failed") else "done"
    result["moved_to"] = str(_finish(claimed, inbox.parent / folder, result))
    log = logger.warning if folder == "error" else logger.info
    log(
        "Pickup %s: %s %s%s",
        agency.organ_id,
        path.name,
        result["status"],
        (
            f" ({result.get('message')} [{result.get('element')}])"
            if folder == "error"
            else ""
        ),
    )
    return result


def pickup(portal, root=None, commit=True, limit=None):
    """Relay, then import each agency's inbox. Returns a report:
    ``{"relayed": [...], "imported": [{file, agency, status, ...}],
    "retried": n, "left": n}`` (``left``: files still waiting when
    ``limit`` files were imported).

    With ``commit`` each file is imported in a transaction of its own;
    without it (tests of the logic only) nothing is committed.
    """
    root = root or exchange_directory()
    report = {"relayed": [], "imported": [], "retried": 0, "left": 0}
    with api.env.adopt_roles(["Manager"]):
        agencies = list(_agencies(portal))
        if root:
            _pick_up_folders(agencies, root, report, limit)
        # Held items (e-mail without a queue, a folder that was missing)
        # are tried again with or without an exchange directory.
        if commit:
            transaction.begin()
        for agency in agencies:
            report["retried"] += outbox.retry_held(agency)
        if commit:
            transaction.commit()
    return report


def _pick_up_folders(agencies, root, report, limit):
    """Relay, then import each agency's inbox files into ``report``."""
    # Every agency's folders first: relaying delivers to inboxes that exist.
    for agency in agencies:
        ensure_folders(agency.organ_id, root)
    report["relayed"] = relay(root)
    for agency in agencies:
        inbox = agency_folder(agency.organ_id, root) / "inbox"
        for path in _waiting(inbox):
            if limit is not None and len(report["imported"]) >= limit:
                report["left"] += 1
                continue
            result = _pick(agency, path, inbox)
            if result is not None:
                report["imported"].append(result)
