"""Worker threads that run the queued jobs.

Each Zope instance started with ``runwsgi`` runs ``PHUTHO_WORKERS``
threads (1 by default; 0 turns them off, e.g. on instances that only
serve pages). A thread opens its own ZODB connection only for the short
transactions around a job (claim, read the file, write the result) and
holds none while OCR or signing runs in child processes, so it never keeps
a connection from the pool or an old view of the database. On ZEO or
RelStorage every instance's threads claim from the same queue; a claim is
a committed write to the job, so two claimers conflict and one backs off.
"""

from AccessControl.SecurityManagement import newSecurityManager
from AccessControl.SecurityManagement import noSecurityManager
from AccessControl.SpecialUsers import system
from phutho.intranet.jobs import handlers
from phutho.intranet.jobs import queue
from Products.CMFCore.interfaces import ISiteRoot
from Testing.makerequest import makerequest
from types import SimpleNamespace
from ZODB.POSException import ConflictError
from zope.component.hooks import setSite
from zope.globalrequest import clearRequest
from zope.globalrequest import setRequest

import contextlib
import logging
import os
import shutil
import socket
import tempfile
import threading
import time
import traceback
import transaction

logger = logging.getLogger("phutho.intranet.jobs")

STORE_ATTEMPTS = 5


class Worker(threading.Thread):
    """One worker: claims a job, runs it, stores the result, repeats."""

    def __init__(self, db, name=None, interval=2.0, lease=None):
        self.worker_name = name or f"{socket.gethostname()}:{os.getpid()}:{id(self)}"
        super().__init__(name=f"phutho-worker {self.worker_name}", daemon=True)
        self.db = db
        self.interval = interval
        self.lease = lease
        self.stopping = threading.Event()
        self.processed = 0

    def stop(self, timeout=30):
        self.stopping.set()
        if self.is_alive():
            self.join(timeout)

    def run(self):
        logger.info("%s started", self.name)
        while not self.stopping.is_set():
            try:
                busy = self.run_once()
            except Exception:
                logger.exception("Worker loop failed; going on")
                busy = False
            if not busy:
                self.stopping.wait(self.interval)
        logger.info("%s stopped", self.name)

    @contextlib.contextmanager
    def site(self, path):
        """A transaction on the site at ``path`` as the system user."""
        connection = self.db.open()
        try:
            transaction.begin()
            app = makerequest(connection.root()["Application"])
            setRequest(app.REQUEST)
            site = app.unrestrictedTraverse(path)
            setSite(site)
            newSecurityManager(None, system)
            yield site
        finally:
            noSecurityManager()
            setSite(None)
            clearRequest()
            transaction.abort()
            connection.close()

    def site_paths(self):
        connection = self.db.open()
        try:
            transaction.begin()
            app = connection.root()["Application"]
            return [
                site.getPhysicalPath()
                for site in app.objectValues()
                if ISiteRoot.providedBy(site) and queue.pending_count(site)
            ]
        finally:
            transaction.abort()
            connection.close()

    def run_once(self):
        """Claim and run one job of any site; True when one was run."""
        for path in self.site_paths():
            job_id = self.claim(path)
            if job_id is not None:
                self.process(path, job_id)
                return True
        return False

    def claim(self, path):
        with self.site(path) as site:
            for job in queue.claimable(site):
                lease = self.lease or _lease_for(job)
                if job.attempts >= queue.MAX_ATTEMPTS:
                    logger.warning(
                        "Job %s failed %s times: dropped", job.id, job.attempts
                    )
                    _fail_quietly(job, "the worker stopped during this job 3 times")
                    queue.remove(site, job.id)
                    transaction.commit()
                    return None
                queue.claim(job, self.worker_name, lease)
                try:
                    transaction.commit()
                except ConflictError:
                    # Another worker took it (or the queue moved): next round.
                    transaction.abort()
                    return None
                return job.id
        return None

    def process(self, path, job_id):
        workdir = tempfile.mkdtemp(prefix="phutho-job-")
        try:
            with self.site(path) as site:
                job = queue.jobs_of(site)[job_id]
                try:
                    prepared = handlers.prepare(job, workdir)
                except handlers.Obsolete:
                    queue.remove(site, job_id)
                    transaction.commit()
                    return
                # A plain copy: the connection closes before the work.
                job = SimpleNamespace(id=job.id, kind=job.kind)
                transaction.abort()
            reason = None
            started = time.monotonic()
            try:
                result = handlers.execute(job, prepared)
            except handlers.FAILURES as error:
                reason = str(error)
            except Exception as error:  # a bug must not stop the worker
                logger.error("Job %s failed:\n%s", job_id, traceback.format_exc())
                reason = f"{type(error).__name__}: {error}"
            self.finish(path, job_id, prepared, None if reason else result, reason)
            self.processed += 1
            logger.info(
                "%s: job %s (%s) %s in %.1f s",
                self.name,
                job_id,
                job.kind,
                "failed" if reason else "done",
                time.monotonic() - started,
            )
        finally:
            shutil.rmtree(workdir, ignore_errors=True)

    def finish(self, path, job_id, prepared, result, reason):
        """Store the result (or the failure) and drop the job, retrying
        conflicts with the clerk's edits."""
        for attempt in range(STORE_ATTEMPTS):
            with self.site(path) as site:
                job = queue.jobs_of(site).get(job_id)
                if job is None:
                    return
                try:
                    if reason is None:
                        handlers.store(job, prepared, result)
                    else:
                        logger.warning(
                            "Job %s (%s) failed: %s", job_id, job.kind, reason
                        )
                        handlers.fail(job, reason)
                except handlers.Obsolete:
                    pass
                queue.remove(site, job_id)
                try:
                    transaction.commit()
                    return
                except ConflictError:
                    transaction.abort()
                    logger.info("Conflict storing job %s; retrying", job_id)
                except Exception as error:
                    # Not a conflict: retrying would fail the same way. The
                    # file gets the reason and the job leaves the queue.
                    transaction.abort()
                    logger.error(
                        "Job %s: result not stored:\n%s",
                        job_id,
                        traceback.format_exc(),
                    )
                    self.give_up(path, job_id, f"result not stored: {error}")
                    return
        logger.error("Could not store job %s after %s attempts", job_id, STORE_ATTEMPTS)
        self.give_up(path, job_id, "result not stored: conflicts")

    def give_up(self, path, job_id, reason):
        """Mark the job's file failed with ``reason`` and drop the job."""
        try:
            with self.site(path) as site:
                job = queue.jobs_of(site).get(job_id)
                if job is None:
                    return
                _fail_quietly(job, reason)
                queue.remove(site, job_id)
                transaction.commit()
        except Exception:
            logger.exception("Could not drop job %s", job_id)


def _lease_for(job):
    """How long a claim holds: the OCR time limit and some margin."""
    from phutho.intranet.ocr.settings import setting

    if job.kind == handlers.OCR:
        return setting("ocr_max_seconds", 600) + 120
    return 300


def _fail_quietly(job, reason):
    try:
        handlers.fail(job, reason)
    except Exception:
        logger.exception("Could not mark job %s failed", job.id)


# -- started with the instance ------------------------------------------------------

WORKERS = []


def worker_count():
    """``PHUTHO_WORKERS`` (default 1)."""
    try:
        return max(0, int(os.environ.get("PHUTHO_WORKERS", "1")))
    except ValueError:
        return 1


def start_workers(db, count=None):
    count = worker_count() if count is None else count
    started = [Worker(db) for _index in range(count)]
    for worker in started:
        worker.start()
    WORKERS.extend(started)
    return started


def process_starting(event):
    """Zope's ProcessStarting (``runwsgi``, not ``zconsole``): start the
    instance's workers on its main database."""
    import Zope2

    if worker_count():
        start_workers(Zope2.DB)
        logger.info("Started %s reading worker(s)", worker_count())
