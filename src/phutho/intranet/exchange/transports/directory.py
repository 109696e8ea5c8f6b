"""Directory drop: messages as files in a folder per agency.

Layout below the configured root (``phutho.intranet.exchange.directory``
or ``PHUTHO_EXCHANGE_DIR``), one folder per agency named by its OrganId::

    <root>/<OrganId>/outbox/<recipient OrganId>/<id>.edxml  what it sends
    <root>/<OrganId>/inbox/<name>.edxml                     what it receives
    <root>/<OrganId>/done/, error/                          what pickup did

A file appears in the outbox only when the transaction that queued it
commits, and appears whole: it is written to a hidden ``.tmp`` folder
beside its place as the commit begins and renamed into place once the
database commit succeeded (rename is atomic on one filesystem). An
aborted or retried transaction leaves nothing behind, so each message is
written once. Whatever carries outbox folders to their recipients (the
pickup command for agencies sharing the root, a file-transfer agent for
others) reads only visible, complete files.
"""

from ..interfaces import IConnector
from ..settings import exchange_directory
from pathlib import Path
from zope.interface import implementer

import os
import transaction

TMP = ".tmp"


def agency_folder(organ_id, root=None):
    """The folder of an agency (by OrganId), or None when the transport is
    off or the agency has no OrganId."""
    root = root or exchange_directory()
    if not root or not organ_id:
        return None
    return Path(root) / organ_id


def ensure_folders(organ_id, root=None):
    """Create the agency's inbox, outbox, done and error folders."""
    folder = agency_folder(organ_id, root)
    if folder is None:
        return None
    for name in ("inbox", "outbox", "done", "error"):
        (folder / name).mkdir(parents=True, exist_ok=True)
    return folder


def _fsync_dir(path):
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


class FileDrop:
    """A transaction data manager writing one file at commit."""

    transaction_manager = transaction.manager

    def __init__(self, path, data):
        self.path = Path(path)
        self.data = data
        self.tmp = self.path.parent / TMP / self.path.name

    def sortKey(self):
        # After the ZODB's data managers ("ZODB" sorts before "~").
        return f"~phutho.exchange.filedrop:{self.path}"

    def _discard(self):
        try:
            self.tmp.unlink()
        except FileNotFoundError:
            pass

    def abort(self, txn):
        self._discard()

    def tpc_begin(self, txn):
        # Written first, before the database stores anything: a callable
        # reads the message from its blob while that is still this
        # transaction's, and fifty recipients of one large message never
        # hold fifty copies in memory.
        self.tmp.parent.mkdir(parents=True, exist_ok=True)
        data = self.data() if callable(self.data) else self.data
        with open(self.tmp, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())

    def commit(self, txn):
        pass

    def tpc_vote(self, txn):
        pass

    def tpc_finish(self, txn):
        os.rename(self.tmp, self.path)
        _fsync_dir(self.path.parent)

    def tpc_abort(self, txn):
        self._discard()


def drop_at_commit(path, data):
    """Write ``data`` (bytes, or a callable returning them) to ``path``
    when the current transaction commits."""
    transaction.get().join(FileDrop(path, data))


@implementer(IConnector)
class DirectoryConnector:
    """Writes messages into the agency's outbox folder, one sub-folder per
    recipient OrganId."""

    name = "directory"
    title = "Thư mục trao đổi"
    priority = 20

    def accepts(self, agency, recipient):
        return bool(
            recipient.organ_id and agency_folder(getattr(agency, "organ_id", None))
        )

    def send(self, agency, recipient, item):
        folder = agency_folder(agency.organ_id) / "outbox" / recipient.organ_id
        folder.mkdir(parents=True, exist_ok=True)
        drop_at_commit(folder / item.filename, item.data)
        return "sent"
