"""Case file (hồ sơ): a dossier that references documents without copying them.

One document may sit in several case files. Totals are derived from the
referenced documents, never typed in.
"""

from phutho.intranet import _
from phutho.intranet.content.document import check_date_order
from phutho.intranet.content.fields import DocumentDate
from phutho.intranet.content.fields import PlainText
from phutho.intranet.content.fields import PlainTextLine
from plone import api
from plone.app.z3cform.widgets.relateditems import RelatedItemsFieldWidget
from plone.autoform import directives
from plone.dexterity.content import Item
from plone.supermodel import model
from z3c.relationfield.schema import RelationChoice
from z3c.relationfield.schema import RelationList
from zope import schema
from zope.interface import implementer
from zope.interface import invariant


class ICaseFile(model.Schema):
    """Schema of a case file (Appendix VI: FileCode, Title, Maintenance...)."""

    file_code = PlainTextLine(
        title=_("label_file_code", default="File code (số, ký hiệu hồ sơ)"),
        description=_("help_file_code", default="e.g. 2026.VX.01"),
    )
    title = PlainTextLine(title=_("label_file_title", default="Title"))
    retention = schema.Choice(
        title=_("label_retention", default="Retention period"),
        vocabulary="phutho.intranet.Retention",
    )
    file_creator = PlainTextLine(
        title=_("label_file_creator", default="Kept by"),
        description=_("help_file_creator", default="Person or unit keeping the file."),
        required=False,
    )
    start_date = DocumentDate(title=_("label_start_date", default="Start date"))
    end_date = DocumentDate(
        title=_("label_end_date", default="End date"), required=False
    )
    description = PlainText(
        title=_("label_file_description", default="Description"),
        required=False,
    )

    directives.widget(
        "documents",
        RelatedItemsFieldWidget,
        vocabulary="plone.app.vocabularies.Catalog",
        pattern_options={"selectableTypes": ["IncomingDocument", "OutgoingDocument"]},
    )
    documents = RelationList(
        title=_("label_case_documents", default="Documents"),
        value_type=RelationChoice(vocabulary="plone.app.vocabularies.Catalog"),
        required=False,
        default=[],
    )

    @invariant
    def dates_in_order(data):
        check_date_order(
            getattr(data, "start_date", None),
            getattr(data, "end_date", None),
            _(
                "error_end_before_start",
                default="The end date is before the start date.",
            ),
        )


@implementer(ICaseFile)
class CaseFile(Item):
    """A case file."""

    def _targets(self):
        """Every referenced document, whoever may see it."""
        for relation in self.documents or ():
            if not relation.isBroken() and relation.to_object is not None:
                yield relation.to_object

    def document_objects(self):
        """The referenced documents the current user may see."""
        return [
            doc for doc in self._targets() if api.user.has_permission("View", obj=doc)
        ]

    @property
    def doc_total(self):
        """DocTotal: number of referenced documents (all of them: the
        file's own figure, as archived, not what one reader sees)."""
        return sum(1 for doc in self._targets())

    @property
    def page_total(self):
        """PageTotal: sum of the referenced documents' page counts."""
        return sum(doc.page_count or 0 for doc in self._targets())
