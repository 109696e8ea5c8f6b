"""The rules of the outgoing workflow (văn bản đi, Decree 30 Art. 10-19):
validators run before the state changes, effects after (see
``transitions.py``)."""

from phutho.intranet import _
from phutho.intranet.content.utils import find_agency
from phutho.intranet.content.utils import same_object
from phutho.intranet.exc import InvalidDataError
from phutho.intranet.numbering.api import check_symbol_field
from phutho.intranet.numbering.api import issue_outgoing
from phutho.intranet.numbering.registers import choose_register
from phutho.intranet.workflow.api import do_transition
from phutho.intranet.workflow.data import require_comment
from phutho.intranet.workflow.delivery import deliver_internally
from phutho.intranet.workflow.delivery import notify_recall
from phutho.intranet.workflow.delivery import notify_replacement
from plone import api
from plone.app.uuid.utils import uuidToObject


def replaced_document(document):
    """The issued document ``document`` replaces, or None."""
    relation = getattr(document, "replaces", None)
    if relation is None or relation.isBroken():
        return None
    return relation.to_object


# -- validators ------------------------------------------------------------


def validate_submit_draft(document, data, comment):
    if not (document.draft_file or (document.content or "").strip()):
        raise InvalidDataError(
            _(
                "error_draft_empty",
                default="Attach the draft or write its content first.",
            ),
            field="draft_file",
        )
    return {}


def validate_comment(document, data, comment):
    require_comment(comment)
    return {}


def validate_issue(document, data, comment):
    field = check_symbol_field(document, data.get("field"))
    register = choose_register(document, data.get("register"), "outgoing", field)
    old = replaced_document(document)
    if old is not None and (
        not same_object(find_agency(old), find_agency(document))
        or api.content.get_state(old) != "issued"
    ):
        raise InvalidDataError(
            _(
                "error_replaces",
                default="Only an issued document of this agency can be replaced.",
            ),
            field="replaces",
        )
    if not (document.internal_recipients or document.external_recipients):
        raise InvalidDataError(
            _("error_recipients_required", default="Name at least one recipient."),
            field="internal_recipients",
        )
    return {"register": register, "field": field}


def validate_replace(document, data, comment):
    """Only the issue of a document replacing this one marks it replaced."""
    uid = data.get("replacement")
    replacement = (
        uuidToObject(uid, unrestricted=True) if isinstance(uid, str) and uid else None
    )
    if replacement is None or not same_object(replaced_document(replacement), document):
        raise InvalidDataError(
            _(
                "error_replace_directly",
                default="A document is replaced by issuing the document that replaces it.",
            )
        )
    return {}


# -- effects ---------------------------------------------------------------


def apply_sign(document, prepared, comment):
    if not document.signer_name:
        user = api.user.get_current()
        document.signer_name = user.getProperty("fullname") or user.getId()
    return {"signer": document.signer_name}


def apply_issue(document, prepared, comment):
    number, symbol = issue_outgoing(
        document, prepared["register"], field=prepared.get("field")
    )
    delivered = deliver_internally(document)
    details = {"number": number, "symbol": symbol, "delivered_to": delivered}
    old = replaced_document(document)
    if old is not None:
        # The clerk issuing the correction may not recall; the rule does.
        with api.env.adopt_roles(["Manager"]):
            do_transition(
                old,
                "replace",
                comment=f"{symbol}: {document.Title()}",
                data={"replacement": document.UID()},
            )
        notify_replacement(old, document)
        details["replaces"] = old.symbol
    return details


def apply_recall(document, prepared, comment):
    return {"recalled_at": notify_recall(document, comment)}


# transition id -> (validator or None, effect or None)
RULES = {
    "submit_for_review": (validate_submit_draft, None),
    "return_for_revision": (validate_comment, None),
    "sign": (None, apply_sign),
    "issue": (validate_issue, apply_issue),
    "recall": (validate_comment, apply_recall),
    "replace": (validate_replace, None),
}
