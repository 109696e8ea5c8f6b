"""Saved searches (Decree 30, Appendix VI: saved queries): a person saves
an advanced search under a name and opens it again later.

Kept per person in the site's annotations: ``{user id: {search id:
{"name", "criteria", "created"}}}``. Each person's searches are their own
persistent mapping, so two people saving at once do not conflict; what is
stored are the advanced search's checked criteria (plain strings), which
are checked again when the search is opened (a vocabulary may change).
"""

from BTrees.OOBTree import OOBTree
from datetime import datetime
from datetime import timezone
from persistent.mapping import PersistentMapping
from phutho.intranet import _
from phutho.intranet.exc import InvalidDataError
from phutho.intranet.exc import NotFoundError
from phutho.intranet.search.advanced import build_query
from phutho.intranet.search.advanced import has_criteria
from phutho.intranet.text import fold
from plone import api
from zope.annotation.interfaces import IAnnotations

import re

KEY = "phutho.intranet.saved_searches"
MAX_NAME = 100
MAX_PER_PERSON = 100


def _storage(create=False):
    annotations = IAnnotations(api.portal.get())
    storage = annotations.get(KEY)
    if storage is None and create:
        storage = annotations[KEY] = OOBTree()
    return storage


def _mine(user_id, create=False):
    storage = _storage(create)
    if storage is None:
        return None
    mine = storage.get(user_id)
    if mine is None and create:
        mine = storage[user_id] = PersistentMapping()
    return mine


def _slug(name, taken):
    base = re.sub(r"[^a-z0-9]+", "-", fold(name).lower()).strip("-")[:40] or "tim-kiem"
    slug, number = base, 1
    while slug in taken:
        number += 1
        slug = f"{base}-{number}"
    return slug


def save(user_id, name, form, context):
    """Save the advanced search ``form`` under ``name``; return its id.

    Refuses (400) an empty name, a search without criteria, criteria the
    advanced search refuses, and more than :data:`MAX_PER_PERSON`."""
    if not user_id:
        raise InvalidDataError(
            _("error_saved_anonymous", default="Sign in to save searches.")
        )
    name = (name or "").strip() if isinstance(name, str) else ""
    if not name or len(name) > MAX_NAME:
        raise InvalidDataError(
            _(
                "error_saved_name",
                default="Give the search a name of at most 100 characters.",
            ),
            field="name",
        )
    _query, criteria = build_query(form, context)
    if not has_criteria(criteria):
        raise InvalidDataError(
            _("error_saved_empty", default="Search for something before saving it."),
            field="query",
        )
    mine = _mine(user_id, create=True)
    if len(mine) >= MAX_PER_PERSON:
        raise InvalidDataError(
            _(
                "error_saved_full",
                default="You have 100 saved searches: delete one first.",
            )
        )
    search_id = _slug(name, mine)
    mine[search_id] = PersistentMapping(
        name=name, criteria=dict(criteria), created=datetime.now(timezone.utc)
    )
    return search_id


def searches(user_id):
    """``[{"id", "name", "criteria", "created"}]`` of a person, newest first."""
    mine = _mine(user_id) or {}
    items = [dict(value, id=key) for key, value in mine.items()]
    return sorted(items, key=lambda item: item["created"], reverse=True)


def get(user_id, search_id):
    """One saved search of a person; 404 when there is none of that id."""
    mine = _mine(user_id) or {}
    if search_id not in mine:
        raise NotFoundError(
            _("error_saved_unknown", default="No saved search of yours has this id.")
        )
    return dict(mine[search_id], id=search_id)


def delete(user_id, search_id):
    get(user_id, search_id)
    del _mine(user_id)[search_id]
