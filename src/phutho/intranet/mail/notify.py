"""Who is told what when a document moves: event subscribers.

Subscribers of the documents' transitions (after the workflow's own
subscriber has applied and recorded them) and of new incoming documents.
Each finds the people concerned, drops the one who acted and those who
switched the kind off in their preferences, and either keeps the
notification for the daily digest (:mod:`.pending`) or, for assignments to
people who asked for it, mails it at once. Nothing is sent before the
transaction commits (the mail queue joins it).
"""

from datetime import date
from phutho.intranet import _
from phutho.intranet.content.incoming import IIncomingDocument
from phutho.intranet.content.utils import agency_unit
from phutho.intranet.content.utils import find_agency
from phutho.intranet.groups import agency_group_id
from phutho.intranet.groups import group_member_ids
from phutho.intranet.groups import unit_group_id
from phutho.intranet.mail import pending
from phutho.intranet.mail.compose import build_message
from phutho.intranet.mail.preferences import wants
from phutho.intranet.mail.preferences import wants_immediately
from phutho.intranet.mail.render import deadline_note
from phutho.intranet.mail.render import item_for
from phutho.intranet.mail.render import render
from phutho.intranet.mail.render import tr
from phutho.intranet.mail.send import send
from phutho.intranet.mail.send import site_sender
from phutho.intranet.workflow.history import history_of
from phutho.intranet.workflow.localroles import is_secret
from plone import api
from plone.app.uuid.utils import uuidToObject

import logging

logger = logging.getLogger("phutho.intranet.mail")


def enabled():
    return api.portal.get_registry_record(
        "phutho.intranet.mail.notifications_enabled", default=True
    )


def _actor():
    user = api.user.get_current()
    return user.getId() if user is not None else None


def person(user_id):
    """``(member, fullname, email)`` of a user, or None without an address."""
    member = api.user.get(userid=user_id)
    if member is None:
        return None
    email = member.getProperty("email", "") or ""
    if "@" not in email:
        return None
    return member, member.getProperty("fullname", "") or user_id, email


def preferences_url():
    return api.portal.get().absolute_url() + "/@@personal-preferences"


def send_now(user_id, items, subject):
    """Mail ``items`` to ``user_id`` at once (at commit); the Message-ID."""
    found = person(user_id)
    if found is None:
        return None
    member, fullname, email = found
    intro = tr(
        _(
            "mail_intro_immediate",
            default="The portal has news for you:",
        )
    )
    return send_items(fullname, email, subject, intro, items)


def send_items(fullname, email, subject, intro, items):
    """Queue one mail of ``items`` (text and HTML) to a person, marked as
    automatic so that out-of-office replies stay away; its Message-ID."""
    text, html = render(fullname, intro, items, preferences_url())
    msg = build_message(
        subject,
        text,
        site_sender(),
        [(fullname, email)],
        html=html,
        headers={"Auto-Submitted": "auto-generated", "X-Auto-Response-Suppress": "All"},
    )
    return send(msg)


def notify(kind, document, user_ids, note=""):
    """Tell ``user_ids`` about ``document`` (``kind`` of :data:`KINDS`).

    Returns ``{"digest": [...], "mailed": [...]}`` (user ids), for tests
    and logs.
    """
    result = {"digest": [], "mailed": []}
    if not enabled():
        return result
    site = api.portal.get()
    actor = _actor()
    for user_id in sorted(set(user_ids)):
        if not user_id or user_id == actor:
            continue
        member = api.user.get(userid=user_id)
        if member is None or not wants(member, kind):
            continue
        if kind == "assigned" and wants_immediately(member):
            item = item_for(document, kind, note)
            subject = tr(
                _(
                    "mail_subject_assigned",
                    default="Assigned to you: ${title}",
                    mapping={"title": item["title"]},
                )
            )
            if send_now(user_id, [item], subject):
                result["mailed"].append(user_id)
            continue
        pending.add(site, user_id, kind, document.UID(), note)
        result["digest"].append(user_id)
    if result["digest"] or result["mailed"]:
        logger.info(
            "%s about %s: digest %s, mailed %s",
            kind,
            document.absolute_url(1),
            result["digest"],
            result["mailed"],
        )
    return result


# -- who ------------------------------------------------------------------------


def clerks(document):
    """The clerks who register or issue ``document`` (its secret-register
    clerks for a secret one)."""
    agency = find_agency(document)
    if agency is None:
        return []
    group = "secret-clerks" if is_secret(document) else "clerks"
    return group_member_ids(agency_group_id(agency, group))


def leaders(document):
    agency = find_agency(document)
    return group_member_ids(agency_group_id(agency, "leaders")) if agency else []


def unit_heads(document, unit_uid):
    """The heads of ``document``'s agency's unit ``unit_uid``."""
    unit = agency_unit(find_agency(document), unit_uid)
    return group_member_ids(unit_group_id(unit, "heads")) if unit is not None else []


def assignees_of_entry(document, entry):
    """The people an assignment record of ``document`` names: a person, or
    a unit's heads (who hand the work on)."""
    if entry.get("kind") == "user":
        return [entry.get("id")]
    return unit_heads(document, entry.get("id"))


def drafter(document):
    """Who drafted an outgoing document: its drafter field, else its creator."""
    creators = document.listCreators()
    return document.drafter or (creators[0] if creators else None)


# -- subscribers ---------------------------------------------------------------------


def _last_entry(document, action):
    history = history_of(document)
    if history and history[-1].get("action") == action:
        return history[-1]
    return None


def _on_assignment(document, action):
    entry = _last_entry(document, action) or {}
    for assignee in entry.get("assignees") or ():
        deadline = assignee.get("deadline")
        note = deadline_note(date.fromisoformat(deadline)) if deadline else ""
        notify("assigned", document, assignees_of_entry(document, assignee), note)


def on_incoming_transition(document, event):
    """Assignments (assign, and re-assign by a leader or a head of unit)."""
    if event.transition is None:
        return
    if event.transition.id in ("assign", "reassign"):
        _on_assignment(document, event.transition.id)


def on_outgoing_transition(document, event):
    """Drafts to review or sign, drafts returned, signed documents to
    issue, recalls to the recipients' clerks."""
    if event.transition is None:
        return
    transition = event.transition.id
    comment = (event.kwargs or {}).get("comment", "") or ""
    if transition == "submit_for_review":
        notify("review", document, unit_heads(document, document.drafting_unit))
    elif transition == "submit_for_signature":
        notify("review", document, leaders(document))
    elif transition == "return_for_revision":
        notify("returned", document, [drafter(document)], comment)
    elif transition == "sign":
        notify("registration", document, clerks(document))
    elif transition == "recall":
        _on_recall(document, comment)


def _on_recall(outgoing, comment):
    from phutho.intranet.workflow.delivery import deliveries_of

    for doc_uid in deliveries_of(outgoing).values():
        copy = uuidToObject(doc_uid, unrestricted=True)
        if copy is None or getattr(copy, "recall", None) != "requested":
            continue
        notify("recall", copy, clerks(copy), comment)


def on_incoming_added(document, event):
    """A new incoming document (paper, mail, delivery, exchange) waits for
    its clerks to register it."""
    if not IIncomingDocument.providedBy(document):
        return
    notify("registration", document, clerks(document))
