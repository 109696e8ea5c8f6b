"""Case file (hồ sơ): a dossier that references documents without copying them.

One document may sit in several case files. Totals are derived from the
referenced documents, never typed in.
"""

from phutho.intranet import _
from phutho.intranet.content.document import check_date_order
from phutho.intranet.content.fields import BoundedList
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

# zcml id of "phutho.intranet: Share case file".
SHARE_PERMISSION = "phutho.intranet.ShareCaseFile"
# People or units a case file is shared with: a team, not the province.
MAX_SHARES = 200


class ICaseFile(model.Schema):
    """Schema of a case file (Appendix VI: FileCode, Title, Maintenance...)."""

    file_code = PlainTextLine(
        title=_("label_file_code", default="File code (số, ký hiệu hồ sơ)"),
        description=_("help_file_code", default="e.g. 2026.VX.01"),
    )
    title = PlainTextLine(title=_("label_file_title", default="Title"))
    # Appendix VI: FileCatalog, the number (year) of the case-file index
    # (mục lục hồ sơ) the file is listed in.
    file_catalog = schema.Int(
        title=_("label_file_catalog", default="Index year (mục lục)"),
        description=_(
            "help_file_catalog",
            default="The year of the case-file index this file is listed in; "
            "empty: the year it starts.",
        ),
        required=False,
        min=1945,
        max=2100,
    )
    retention = schema.Choice(
        title=_("label_retention", default="Retention period"),
        vocabulary="phutho.intranet.Retention",
    )
    file_creator = PlainTextLine(
        title=_("label_file_creator", default="Kept by"),
        description=_("help_file_creator", default="Person or unit keeping the file."),
        required=False,
    )
    rights = schema.Choice(
        title=_("label_rights", default="Rights (chế độ sử dụng)"),
        vocabulary="phutho.intranet.CaseFileRights",
        default="restricted",
        required=False,
        # Plone's own (Dublin Core) rights are "" until set: not a choice.
        missing_value="",
    )
    language = schema.Choice(
        title=_("label_language", default="Language"),
        vocabulary="phutho.intranet.Languages",
        default="vi",
        required=False,
        # Plone's own (Dublin Core) language is "" until set: not a choice.
        missing_value="",
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

    # Only its keeper (and the clerks) decide who else sees or adds.
    directives.write_permission(
        reader_units=SHARE_PERMISSION,
        readers=SHARE_PERMISSION,
        editors=SHARE_PERMISSION,
    )
    model.fieldset(
        "sharing",
        label=_("fieldset_casefile_sharing", default="Who may see and add"),
        fields=["reader_units", "readers", "editors"],
    )
    reader_units = BoundedList(
        title=_("label_reader_units", default="Units that may see it"),
        description=_(
            "help_reader_units",
            default="Besides the agency's clerks and leaders and its keeper.",
        ),
        value_type=schema.Choice(vocabulary="phutho.intranet.Units"),
        required=False,
        default=[],
        max_length=MAX_SHARES,
    )
    readers = BoundedList(
        title=_("label_readers", default="People who may see it"),
        value_type=schema.Choice(vocabulary="phutho.intranet.AgencyUsers"),
        required=False,
        default=[],
        max_length=MAX_SHARES,
    )
    editors = BoundedList(
        title=_("label_editors", default="People who may add documents to it"),
        value_type=schema.Choice(vocabulary="phutho.intranet.AgencyUsers"),
        required=False,
        default=[],
        max_length=MAX_SHARES,
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
    def catalog_year(self):
        """FileCatalog: the index year given, else the year it starts."""
        if self.file_catalog:
            return self.file_catalog
        return self.start_date.year if self.start_date else None

    def ordinal_of(self, document):
        """DocOrdinal: the 1-based place of ``document`` in this file, or
        None when it is not in it."""
        uid = document.UID()
        for index, target in enumerate(self._targets(), start=1):
            if target.UID() == uid:
                return index
        return None

    @property
    def page_total(self):
        """PageTotal: sum of the referenced documents' page counts."""
        return sum(doc.page_count or 0 for doc in self._targets())
