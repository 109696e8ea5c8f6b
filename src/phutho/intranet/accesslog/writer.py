"""The batched writer: views are appended to a buffer in memory and
written together, in a transaction of their own, when the buffer is full
or old enough — one write per batch, never one per page view.

Settings (registry): ``phutho.intranet.access_log_flush_seconds`` and
``phutho.intranet.access_log_flush_size`` (when to write), and
``phutho.intranet.access_log_retention_days`` (how long to keep). A
process stopped between two writes loses at most that many seconds of
views; ``flush_all`` also runs when the process exits normally.
"""

from phutho.intranet.accesslog import storage
from ZODB.POSException import ConflictError

import atexit
import logging
import threading
import time
import transaction

logger = logging.getLogger("phutho.intranet.accesslog")

DEFAULTS = {"flush_seconds": 10, "flush_size": 200, "retention_days": 365}
RETRIES = 3
# (database, site path) -> pending records; a process may serve several
# sites or, in tests, several databases.
_pending = {}
_last_flush = {}
_lock = threading.Lock()


def settings():
    """The writer's settings from the registry, defaults where missing."""
    from plone.registry.interfaces import IRegistry
    from zope.component import queryUtility

    registry = queryUtility(IRegistry)
    result = dict(DEFAULTS)
    if registry is not None:
        for name in DEFAULTS:
            value = registry.get(f"phutho.intranet.access_log_{name}", None)
            if isinstance(value, int) and value >= 0:
                result[name] = value
    return result


def record(site, uid, user_id, what, when=None):
    """Remember one view of a document; write the batch when it is due."""
    db = site._p_jar.db()
    key = (db, "/".join(site.getPhysicalPath()))
    entry = (uid, when or time.time(), user_id, what)
    config = settings()
    with _lock:
        pending = _pending.setdefault(key, [])
        pending.append(entry)
        started = _last_flush.setdefault(key, time.time())
        due = (
            len(pending) >= config["flush_size"]
            or time.time() - started >= config["flush_seconds"]
        )
    if due:
        flush(key, config["retention_days"])


def pending_for(site, uid):
    """Views of a document not yet written (a reader sees them too)."""
    db = site._p_jar.db()
    key = (db, "/".join(site.getPhysicalPath()))
    with _lock:
        return [entry[1:] for entry in _pending.get(key, ()) if entry[0] == uid]


def flush(key, retention_days=None):
    """Write the pending records of ``key`` in one transaction of their
    own; on a conflict try again, after that keep them for the next time."""
    db, path = key
    with _lock:
        records = _pending.pop(key, [])
        _last_flush[key] = time.time()
    if not records:
        return 0
    for attempt in range(RETRIES):
        manager = transaction.TransactionManager()
        try:
            connection = db.open(transaction_manager=manager)
        except Exception:  # the database is closed (process ending, tests)
            logger.warning("Access log: database closed, %d views lost", len(records))
            return 0
        try:
            site = connection.root()["Application"].unrestrictedTraverse(path)
            storage.add(site, records)
            if retention_days:
                storage.prune(site, retention_days)
            manager.get().note("phutho.intranet: access log")
            manager.commit()
            return len(records)
        except ConflictError:
            manager.abort()
            logger.info("Access log write conflicted (attempt %d)", attempt + 1)
        except Exception:
            manager.abort()
            logger.exception("Access log not written; kept for the next time")
            break
        finally:
            connection.close()
    with _lock:
        _pending.setdefault(key, [])[:0] = records
    return 0


def flush_all():
    """Write everything pending (at exit, and in tests)."""
    retention = DEFAULTS["retention_days"]
    written = 0
    for key in list(_pending):
        written += flush(key, retention)
    return written


atexit.register(flush_all)
