"""Adding relations from code (replies, case file contents)."""

from z3c.relationfield import RelationValue
from zope.component import getUtility
from zope.intid.interfaces import IIntIds
from zope.lifecycleevent import modified


def add_relation(source, fieldname, target):
    """Append ``target`` to the RelationList ``fieldname`` of ``source``
    (once); the relation catalog is updated through the modified event."""
    intids = getUtility(IIntIds)
    target_id = intids.register(target)
    relations = list(getattr(source, fieldname, None) or [])
    if any(r.to_id == target_id for r in relations):
        return False
    relations.append(RelationValue(target_id))
    setattr(source, fieldname, relations)
    modified(source)
    return True
