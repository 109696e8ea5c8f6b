"""The daily digest: one mail per person with everything of the day.

What waits in :mod:`.pending` (assignments, drafts to review or sign,
returned drafts, documents to register or issue, recalls) plus the open
documents assigned to the person whose deadline is past or falls within
``phutho.intranet.mail.deadline_days`` days. A person gets at most one
digest a day: the day of their last one is stored with the entries it
consumed, in the same transaction that queues the mail, so a second run on
the same day sends nothing new and an interrupted run resumes where it
stopped. :func:`run_digest` handles one batch of people per call (one
transaction); ``phutho-digest`` calls ``POST /@mail-digest`` until done.
"""

from datetime import timedelta
from phutho.intranet import _
from phutho.intranet.dates import format_date
from phutho.intranet.dates import today
from phutho.intranet.groups import group_member_ids
from phutho.intranet.mail import pending
from phutho.intranet.mail.notify import enabled
from phutho.intranet.mail.notify import person
from phutho.intranet.mail.notify import send_items
from phutho.intranet.mail.preferences import wants
from phutho.intranet.mail.render import deadline_note
from phutho.intranet.mail.render import item_for
from phutho.intranet.mail.render import tr
from phutho.intranet.workflow.assignment import assignments_of
from phutho.intranet.workflow.assignment import earliest_deadline
from phutho.intranet.workflow.assignment import OPEN_STATES
from plone import api
from plone.app.uuid.utils import uuidToObject

import logging

logger = logging.getLogger("phutho.intranet.mail")

DEFAULT_BATCH = 200


def deadline_days():
    return api.portal.get_registry_record(
        "phutho.intranet.mail.deadline_days", default=3
    )


def _principals_of(document):
    """People with open work on ``document``: persons named, and the heads
    of units named (the ``assignees`` index holds their group ids)."""
    from phutho.intranet.groups import unit_group_id

    people = set()
    for entry in assignments_of(document, open_only=True):
        if entry["kind"] == "user":
            people.add(entry["id"])
            continue
        unit = uuidToObject(entry["id"], unrestricted=True)
        if unit is not None:
            people.update(group_member_ids(unit_group_id(unit, "heads")))
    return people


def deadline_items(day, days):
    """``{user id: [(section, document), ...]}`` of open incoming documents
    overdue or due within ``days`` days of ``day``."""
    catalog = api.portal.get_tool("portal_catalog")
    brains = catalog.unrestrictedSearchResults(
        portal_type="IncomingDocument",
        review_state=list(OPEN_STATES),
        deadline={"query": day + timedelta(days=days), "range": "max"},
    )
    result = {}
    for brain in brains:
        document = brain._unrestrictedGetObject()
        deadline = earliest_deadline(document)
        if deadline is None:
            continue
        section = "overdue" if deadline < day else "approaching"
        for user_id in _principals_of(document):
            result.setdefault(user_id, []).append((section, document))
    return result


def _visible(member, document):
    return api.user.has_permission("View", user=member, obj=document)


def items_for(site, user_id, member, deadlines):
    """``(items, consumed keys)`` of ``user_id``'s digest."""
    items, keys, seen = [], [], set()
    for key, entry in pending.entries_for(site, user_id):
        keys.append(key)
        kind = entry["kind"]
        if (kind, entry["document"]) in seen or not wants(member, kind):
            continue
        document = uuidToObject(entry["document"], unrestricted=True)
        if document is None or not _visible(member, document):
            continue
        seen.add((kind, entry["document"]))
        items.append(item_for(document, kind, entry.get("note", "")))
    if wants(member, "deadlines"):
        for section, document in deadlines.get(user_id, ()):
            if not _visible(member, document):
                continue
            items.append(
                item_for(document, section, deadline_note(earliest_deadline(document)))
            )
    return items, keys


def send_digest(user_id, items, day):
    """Queue the digest mail of ``user_id``; its Message-ID or None."""
    found = person(user_id)
    if found is None or not items:
        return None
    member, fullname, email = found
    subject = tr(
        _(
            "mail_subject_digest",
            default="Documents of ${date}: ${count} item(s)",
            mapping={"date": format_date(day), "count": len(items)},
        )
    )
    intro = tr(
        _(
            "mail_intro_digest",
            default="Your documents in the portal today:",
        )
    )
    return send_items(fullname, email, subject, intro, items)


def run_digest(day=None, limit=DEFAULT_BATCH):
    """Send the digests of up to ``limit`` people not yet served on ``day``.

    Returns ``{"date", "sent", "skipped", "remaining"}``; call again while
    ``remaining`` is not 0. The caller commits (a request does).
    """
    if limit is not None and limit < 1:
        raise ValueError("limit must be at least 1")
    site = api.portal.get()
    day = day or today()
    result = {"date": day.isoformat(), "sent": 0, "skipped": 0, "remaining": 0}
    if not enabled():
        return result
    deadlines = deadline_items(day, deadline_days())
    candidates = set(pending.users_with_entries(site)) | set(deadlines)
    todo = sorted(u for u in candidates if pending.digest_sent_on(site, u) != day)
    batch = todo if limit is None else todo[:limit]
    for user_id in batch:
        member = api.user.get(userid=user_id)
        items, keys = ([], [])
        if member is not None:
            items, keys = items_for(site, user_id, member, deadlines)
        else:
            keys = [key for key, _entry in pending.entries_for(site, user_id)]
        if items and send_digest(user_id, items, day):
            result["sent"] += 1
        else:
            result["skipped"] += 1
        pending.discard(site, keys)
        pending.mark_digest_sent(site, user_id, day)
    result["remaining"] = len(todo) - len(batch)
    logger.info(
        "Digest of %s: %d sent, %d skipped, %d remaining",
        day,
        result["sent"],
        result["skipped"],
        result["remaining"],
    )
    return result
