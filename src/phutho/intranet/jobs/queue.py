"""The queue of pending jobs, kept in the ZODB.

Each job is a persistent object of its own in an OOBTree on the site.
Claiming a job changes only that object: two workers (threads of one
instance, or instances of a cluster) that claim the same job conflict on
commit and one of them loses, so a job is never run twice at once.
Claims carry a lease: a job whose worker died (instance restarted, killed)
is claimed again once its lease has run out, at most ``MAX_ATTEMPTS``
times.
"""

from BTrees.OOBTree import OOBTree
from persistent import Persistent

import time
import uuid

ATTRIBUTE = "_phutho_jobs"
MAX_ATTEMPTS = 3

PENDING = "pending"
RUNNING = "running"


class Job(Persistent):
    """One job: what to do (``kind``) on which file of which document."""

    def __init__(self, kind, uid, field, key, options=None):
        self.id = f"{time.time():017.6f}-{uuid.uuid4().hex[:8]}"
        self.kind = kind
        self.uid = uid
        self.field = field
        self.key = key
        self.options = dict(options or {})
        self.state = PENDING
        self.worker = None
        self.lease_until = 0.0
        self.attempts = 0
        self.created = time.time()

    def claimable(self, now):
        if self.state == PENDING:
            return True
        return self.state == RUNNING and self.lease_until < now


def jobs_of(site, create=False):
    """The site's queue (an OOBTree ``id -> Job``), or None."""
    jobs = getattr(site, ATTRIBUTE, None)
    if jobs is None and create:
        jobs = OOBTree()
        setattr(site, ATTRIBUTE, jobs)
    return jobs


def enqueue(site, kind, uid, field, key, options=None):
    """Add a job (in the current transaction); returns it. A job of the
    same kind for the same file that is still pending is replaced."""
    jobs = jobs_of(site, create=True)
    for job in list(jobs.values()):
        if (job.kind, job.uid, job.field) == (
            kind,
            uid,
            field,
        ) and job.state == PENDING:
            del jobs[job.id]
    job = Job(kind, uid, field, key, options)
    jobs[job.id] = job
    return job


def claimable(site, now=None):
    """Jobs a worker may claim now, oldest first."""
    jobs = jobs_of(site)
    if not jobs:
        return []
    now = now or time.time()
    return [job for job in jobs.values() if job.claimable(now)]


def claim(job, worker, lease_seconds):
    """Mark ``job`` as run by ``worker`` (commit it to take the claim)."""
    job.state = RUNNING
    job.worker = worker
    job.lease_until = time.time() + lease_seconds
    job.attempts += 1


def remove(site, job_id):
    jobs = jobs_of(site)
    if jobs is not None and job_id in jobs:
        del jobs[job_id]


def pending_count(site):
    jobs = jobs_of(site)
    return len(jobs) if jobs else 0
