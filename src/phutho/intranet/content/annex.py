"""Annex (phụ lục): a file inside a document, with no workflow of its own.

Plone's File, with the schema's limits of a document's file: its content
must be what its type says (see ``content/fields.py``).
"""

from phutho.intranet import _
from phutho.intranet.content.fields import DocumentFile
from phutho.intranet.content.fields import PlainText
from phutho.intranet.content.fields import PlainTextLine
from plone.supermodel import model
from plone.supermodel.directives import primary


class IAnnex(model.Schema):
    """Schema of an annex."""

    title = PlainTextLine(
        title=_("label_annex_title", default="Title"),
        required=False,
        max_length=1024,
    )
    description = PlainText(
        title=_("label_annex_description", default="Description"),
        required=False,
    )
    primary("file")
    file = DocumentFile(title=_("label_annex_file", default="File"))
