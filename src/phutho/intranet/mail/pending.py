"""Notifications waiting for the daily digest.

One BTree on the site, keyed ``(user id, time key)``: every event adds its
own key, so concurrent transitions insert into the tree without writing a
shared counter (BTree buckets resolve such insertions), and the digest
reads one person's entries with a key range. Entries name the document by
UID; the digest shows the document as it is at that moment.
"""

from BTrees.OOBTree import OOBTree
from persistent.mapping import PersistentMapping
from zope.annotation.interfaces import IAnnotations

import datetime
import os

PENDING_KEY = "phutho.intranet.mail.pending"
DONE_KEY = "phutho.intranet.mail.digests"


def _annotated(site, key, create):
    annotations = IAnnotations(site)
    tree = annotations.get(key)
    if tree is None and create:
        tree = annotations[key] = OOBTree()
    return tree


def pending_tree(site, create=False):
    return _annotated(site, PENDING_KEY, create)


def add(site, user_id, kind, document_uid, note=""):
    """Keep a notification of ``kind`` about a document for ``user_id``."""
    now = datetime.datetime.now(datetime.timezone.utc)
    # Time first (entries stay in order), random last (two in the same
    # microsecond never share a key).
    key = (user_id, f"{now.isoformat()}-{os.urandom(4).hex()}")
    pending_tree(site, create=True)[key] = PersistentMapping(
        kind=kind, document=document_uid, note=note or "", time=now
    )
    return key


def entries_for(site, user_id):
    """``[(key, entry)]`` waiting for ``user_id``, oldest first."""
    tree = pending_tree(site)
    if tree is None:
        return []
    return list(tree.items(min=(user_id, ""), max=(user_id, "\uffff")))


def users_with_entries(site):
    """Ids of the people something waits for (sorted)."""
    tree = pending_tree(site)
    if tree is None:
        return []
    users = []
    for user_id, _key in tree.keys():
        if not users or users[-1] != user_id:
            users.append(user_id)
    return users


def discard(site, keys):
    """Remove entries (sent in a digest, or about a deleted document)."""
    tree = pending_tree(site)
    for key in keys:
        tree.pop(key, None)


def done_tree(site, create=False):
    """``{user id: date of the last digest sent}``."""
    return _annotated(site, DONE_KEY, create)


def digest_sent_on(site, user_id):
    tree = done_tree(site)
    return tree.get(user_id) if tree is not None else None


def mark_digest_sent(site, user_id, day):
    done_tree(site, create=True)[user_id] = day
