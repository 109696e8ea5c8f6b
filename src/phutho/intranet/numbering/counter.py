"""The register counter: one persistent integer per register and year.

Safety comes from ZODB's optimistic concurrency, not from locks:

* the counter is its own persistent object, written by every number it
  hands out; two transactions that both take a number both write it;
* it defines no ``_p_resolveConflict``, so the storage (FileStorage, ZEO or
  RelStorage alike) refuses the second commit with a ``ConflictError``;
  Zope retries that request, which then reads the new value. Hence no
  duplicate, on one instance or many;
* the increment is part of the transaction: an abort (a failed validation,
  an exception, a conflict) rolls it back, so no number is lost. Hence no
  gap.

``Length`` from BTrees must not be used here: its conflict resolution merges
concurrent increments, which would give two documents the same number.
"""

from persistent import Persistent
from persistent.mapping import PersistentMapping


class RegisterCounter(Persistent):
    """Last number handed out in one register for one year."""

    def __init__(self):
        self.value = 0

    def take(self):
        """Return the next number and remember it."""
        self.value += 1
        return self.value


def counters_of(register, create=False):
    """Return the ``{year: RegisterCounter}`` mapping of a register.

    A plain PersistentMapping, which has no conflict resolution either:
    two transactions opening the same new year conflict and one retries.
    """
    counters = getattr(register, "_counters", None)
    if counters is None and create:
        counters = register._counters = PersistentMapping()
    return counters
