"""Versions of outgoing drafts (Decree 30, Appendix VI: the processing
history keeps the drafts): CMFEditions saves one at every save of a
draft; this lists them with author and time, reads one, and compares two
field by field."""

from datetime import datetime
from phutho.intranet.dates import TIMEZONE
from phutho.intranet.workflow.presentation import fullname
from plone import api

import difflib

# What a reader compares between two versions of a draft.
COMPARED = (
    "title",
    "description",
    "content",
    "document_type",
    "urgency",
    "secrecy",
    "signer_authority",
    "signer_position",
    "signer_name",
    "internal_recipients",
    "external_recipients",
    "copies",
    "archive_holders",
    "reply_deadline",
    "draft_file",
)


def versions(document):
    """``[{"version", "actor", "fullname", "time", "comment"}]`` oldest
    first; empty for content that is not versioned."""
    repository = api.portal.get_tool("portal_repository")
    if not repository.isVersionable(document):
        return []
    history = repository.getHistoryMetadata(document)
    if not history:
        return []
    result = []
    for index in range(history.getLength(countPurged=False)):
        meta = history.retrieve(index, countPurged=False)["metadata"]
        sys_meta = meta["sys_metadata"]
        result.append(
            {
                "version": history.getVersionId(index, countPurged=False),
                "actor": sys_meta.get("principal"),
                "fullname": fullname(sys_meta.get("principal")),
                "time": datetime.fromtimestamp(sys_meta["timestamp"], TIMEZONE),
                "comment": sys_meta.get("comment") or "",
            }
        )
    return result


def retrieve(document, version):
    """The document as it was at ``version`` (an object not in the site);
    None when there is no such version."""
    repository = api.portal.get_tool("portal_repository")
    try:
        return repository.retrieve(document, int(version)).object
    except Exception:  # ArchivistRetrieveError, ValueError, KeyError
        return None


def field_text(obj, name):
    value = getattr(obj, name, None)
    if value is None:
        return ""
    if hasattr(value, "filename"):  # a file: its name and size
        return f"{value.filename} ({value.getSize()} B)"
    if isinstance(value, (list, tuple)):
        return "\n".join(str(item) for item in value)
    return str(value)


def compare(old, new):
    """``[{"field", "old", "new", "diff"}]`` of the fields that differ;
    ``diff`` is a unified diff of the texts."""
    changes = []
    for name in COMPARED:
        before, after = field_text(old, name), field_text(new, name)
        if before == after:
            continue
        diff = "\n".join(
            difflib.unified_diff(
                before.splitlines(), after.splitlines(), lineterm="", n=1
            )
        )
        changes.append({"field": name, "old": before, "new": after, "diff": diff})
    return changes
