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

How long a counter is *held* decides how often numbering conflicts: a
transaction conflicts when another one commits the counter after this one
read it. Read from the transaction's snapshot, the counter would be held
from the first byte of the request to its commit (the snapshot is taken
when the transaction begins). :func:`take_number` therefore reads the
counter's latest committed value when the number is taken and writes on
top of that, so it is held only from that moment to the commit; and
transactions of one process numbering in the same register wait for each
other there (a lock per counter, released when the transaction ends)
instead of conflicting. Safety is unchanged: the write still carries the
serial it was based on, and the storage still refuses it when another
transaction committed the counter since.
"""

from persistent import Persistent
from persistent.mapping import PersistentMapping
from ZODB.POSException import ConflictError
from ZODB.utils import u64
from ZODB.utils import z64

import threading
import transaction
import weakref

# Seconds a transaction waits for another one of this process to finish
# with a counter before giving up with a ConflictError (Zope retries it).
LOCK_TIMEOUT = 30

_locks = weakref.WeakKeyDictionary()  # database -> {oid: Lock}
_locks_guard = threading.Lock()
_HELD = "phutho.intranet.numbering.held"


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


def _lock(db, oid):
    with _locks_guard:
        locks = _locks.setdefault(db, {})
        lock = locks.get(oid)
        if lock is None:
            lock = locks[oid] = threading.Lock()
        return lock


def _held(txn):
    """The counters' locks ``txn`` holds, released when it ends (commit,
    failed commit or abort; releasing twice is harmless)."""
    try:
        return txn.data(_HELD)
    except KeyError:
        held = []
        txn.set_data(_HELD, held)

        def release(*_status):
            while held:
                held.pop().release()

        txn.addAfterCommitHook(release)
        txn.addAfterAbortHook(release)
        return held


def latest_state(counter):
    """``(value, serial)`` of ``counter`` as last committed, read through a
    connection of its own (this transaction's snapshot may be older)."""
    db = counter._p_jar.db()
    manager = transaction.TransactionManager()
    connection = db.open(transaction_manager=manager)
    try:
        latest = connection.get(counter._p_oid)
        latest._p_activate()
        return latest.value, latest._p_serial
    finally:
        manager.abort()
        connection.close()


def take_number(counter):
    """Take the next number of ``counter`` at its latest committed value.

    The first time a transaction takes a number from ``counter`` it waits
    for the transactions of this process holding it, then bases its write
    on the latest commit; later numbers in the same transaction continue
    from there. A counter made in this transaction (a new year) has
    nothing to read.
    """
    jar = counter._p_jar
    if jar is None or counter._p_oid is None:
        return counter.take()
    counter._p_activate()  # a ghost's serial is not known yet
    if counter._p_serial == z64:  # added in this transaction
        return counter.take()
    txn = jar.transaction_manager.get()
    held = _held(txn)
    lock = _lock(jar.db(), counter._p_oid)
    if lock not in held:
        if not lock.acquire(timeout=LOCK_TIMEOUT):
            raise ConflictError(
                f"register counter busy for {LOCK_TIMEOUT}s", object=counter
            )
        held.append(lock)
        value, serial = latest_state(counter)
        if u64(serial) > u64(counter._p_serial):
            counter._p_serial = serial
            counter.value = value
    return counter.take()
