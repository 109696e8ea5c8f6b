"""Store legacy documents as the portal's own, in batches.

Each document is created in its agency's period folder of the month it
arrived or was issued, with its fields, files, register number, state and
dates as the legacy system had them; its processing history says it was
imported, from where, and keeps the register (and completion) entries the
registers and statistics read. The register's counter for that year is
raised to the highest number imported, so numbering continues after it.

A record that cannot be stored is refused with the reason (nothing of it
is kept: each record has its own savepoint); the others go on. Every
``batch`` records the transaction is committed, together with the keys of
what it stored (an annotation of the site), so an interrupted import,
started again, skips what is there and goes on. A batch that conflicts
with the portal's own work (a clerk numbering in the same register) is
rolled back and done again.
"""

from BTrees.OOBTree import OOBTree
from datetime import datetime
from datetime import timezone
from DateTime import DateTime
from phutho.intranet.bulk.records import INCOMING
from phutho.intranet.bulk.records import OUTGOING
from phutho.intranet.bulk.records import Refused
from phutho.intranet.bulk.records import STATES
from phutho.intranet.bulk.sources import EdxmlSource
from phutho.intranet.content.storage import add_document
from phutho.intranet.content.vocabularies import document_types
from phutho.intranet.dates import localize
from phutho.intranet.dates import now
from phutho.intranet.exc import PortalError
from phutho.intranet.numbering.api import check_register
from phutho.intranet.numbering.counter import counters_of
from phutho.intranet.numbering.counter import RegisterCounter
from phutho.intranet.workflow.history import record as record_history
from phutho.intranet.workflow.localroles import update_local_roles
from plone import api
from plone.dexterity.utils import addContentToContainer
from plone.dexterity.utils import createContent
from plone.dexterity.utils import iterSchemataForType
from plone.namedfile.file import NamedBlobFile
from Products.ZCatalog.ZCatalog import ZCatalog
from types import SimpleNamespace
from ZODB.POSException import ConflictError
from zope.annotation.interfaces import IAnnotations
from zope.schema import getFieldsInOrder
from zope.schema.interfaces import ValidationError

import logging
import transaction

logger = logging.getLogger("phutho.intranet.bulk")

JOURNAL = "phutho.intranet.bulk.imported"
BATCH_ATTEMPTS = 5
ACTOR = "legacy-import"
FILE_FIELD = {INCOMING: "main_file", OUTGOING: "signed_file"}
# The dates of a record that cannot lie in the future.
PAST_DATES = ("document_date", "arrival_date", "issued_date")


def journal(site):
    """``{record key: document UID}`` of everything imported into ``site``."""
    annotations = IAnnotations(site)
    found = annotations.get(JOURNAL)
    if found is None:
        found = annotations[JOURNAL] = OOBTree()
    return found


class Result:
    """What an import did: counts, refusals, the numbers per register."""

    def __init__(self):
        self.imported = 0
        self.skipped = 0
        self.refused = []  # (key, reason)
        self.retried_batches = 0
        self.numbers = {}  # (register path, year) -> set of numbers

    @property
    def seen(self):
        return self.imported + self.skipped + len(self.refused)

    def gaps(self):
        """``{(register, year): [missing numbers]}`` below each highest
        number imported (what the legacy register lacked, or what an
        earlier import brought)."""
        result = {}
        for key, numbers in sorted(self.numbers.items()):
            missing = sorted(set(range(1, max(numbers) + 1)) - numbers)
            if missing:
                result[key] = missing
        return result


class Importer:
    """Imports records into ``site``. ``agency``: the default agency's id
    (records may name their own). ``on_record(result)`` is called after
    each record (progress); ``on_refused(key, reason)`` for each refusal."""

    def __init__(self, site, agency=None, batch=500, on_record=None, on_refused=None):
        self.site = site
        self.default_agency = agency
        self.batch = max(1, int(batch))
        self.on_record = on_record or (lambda result: None)
        self.on_refused = on_refused or (lambda key, reason: None)
        self.catalog = api.portal.get_tool("portal_catalog")
        self.workflow = api.portal.get_tool("portal_workflow")
        self.types = {
            token: (token, title, abbreviation)
            for token, title, abbreviation in document_types()
        }
        self._agencies = {}
        self._organs = None
        self.batch_numbers = {}

    # -- the loop ----------------------------------------------------------------

    def run(self, records):
        """Import ``records`` (an iterable); returns a :class:`Result`."""
        result = Result()
        done = journal(self.site)
        pending = []
        for record in records:
            if record.key in done:
                result.skipped += 1
                self.on_record(result)
                continue
            pending.append(record)
            if len(pending) >= self.batch:
                self._commit_batch(pending, result)
                pending = []
        if pending:
            self._commit_batch(pending, result)
        return result

    def _commit_batch(self, records, result):
        for attempt in range(1, BATCH_ATTEMPTS + 1):
            outcome = Result()
            try:
                for record in records:
                    self._import_one(record, outcome)
                self._raise_counters(outcome)
                transaction.commit()
            except ConflictError:
                transaction.abort()
                if attempt == BATCH_ATTEMPTS:
                    raise
                result.retried_batches += 1
                logger.info("Batch conflicted; trying it again (%d)", attempt)
                continue
            break
        result.imported += outcome.imported
        for key, reason in outcome.refused:
            result.refused.append((key, reason))
            self.on_refused(key, reason)
        for key, numbers in outcome.numbers.items():
            result.numbers.setdefault(key, set()).update(numbers)
        self.on_record(result)
        self.site._p_jar.cacheGC()

    def _import_one(self, record, outcome):
        self.batch_numbers = outcome.numbers
        savepoint = transaction.savepoint(optimistic=True)
        try:
            document, register, year = self.store(record)
        except Refused as error:
            savepoint.rollback()
            outcome.refused.append((record.key, str(error)))
            return
        journal(self.site)[record.key] = document.UID()
        outcome.imported += 1
        if register is not None and record.number is not None:
            key = ("/".join(register.getPhysicalPath()), year)
            outcome.numbers.setdefault(key, set()).add(record.number)

    def _raise_counters(self, outcome):
        """Each register's counter of a year to at least the highest
        number imported in it, so numbering goes on after them."""
        for (path, year), numbers in outcome.numbers.items():
            register = self.site.unrestrictedTraverse(path)
            counters = counters_of(register, create=True)
            counter = counters.get(year)
            if counter is None:
                counter = counters[year] = RegisterCounter()
            if counter.value < max(numbers):
                counter.value = max(numbers)

    # -- one record --------------------------------------------------------------

    def store(self, record):
        """Create the document of ``record``; raise :class:`Refused`."""
        if record.refusal:
            raise Refused(record.refusal)
        agency = self.agency_of(record)
        if record.state not in STATES[record.direction]:
            raise Refused(
                f"state {record.state!r}: a {record.direction} document is imported "
                f"as {' or '.join(STATES[record.direction])}"
            )
        numbered = record.state != "received"
        if numbered and record.number is None:
            raise Refused("number is empty")
        when = record.moment
        if numbered and when is None:
            raise Refused(
                "arrival_date is empty"
                if record.direction == INCOMING
                else "issued_date is empty"
            )
        self.check_past(record)
        fields = self.fields(record)
        register = None
        if numbered:
            # Before the document exists: a catalog search now would index
            # it before it is complete, and again at the commit.
            register = self.register_of(SimpleNamespace(**fields), agency, record, when)
            self.check_unique(register, record, when)
        document = add_document(agency, record.portal_type, when, **fields)
        self.attach_files(document, record)
        self.validate(document, fields, record.portal_type)
        if numbered:
            self.set_number(document, register, record)
        self.set_state(document, record, register, when)
        # No one created it here: the legacy system did.
        owners = [p for p, roles in document.get_local_roles() if "Owner" in roles]
        if owners:
            document.manage_delLocalRoles(owners)
        update_local_roles(document, reindex=False)
        stamp = DateTime(localize(when or now()).isoformat())
        document.creation_date = stamp
        document.modification_date = stamp
        document.reindexObject()
        return document, register, when.year if when else None

    def check_past(self, record):
        """A legacy system's documents are history: a date after now is a
        typo or a swapped day and month, refused rather than filed in a
        future month (and numbered in a year that has not begun)."""
        dates = {name: record.fields.get(name) for name in PAST_DATES}
        dates["completed_date"] = record.completed
        latest = now()
        for name, value in dates.items():
            if value is None:
                continue
            if not isinstance(value, datetime):
                value = datetime(value.year, value.month, value.day)
            if localize(value) > latest:
                raise Refused(f"{name} {value:%d/%m/%Y} is after today")

    def agency_of(self, record):
        """The record's agency; an edXML message's from its addresses,
        which also tell its direction."""
        if isinstance(getattr(record, "organ_ids", None), tuple):
            return self._settle_message(record)
        return self._agency(record.agency or self.default_agency)

    def _agency(self, agency_id):
        if not agency_id:
            raise Refused("no agency: give --agency or an agency column")
        if agency_id not in self._agencies:
            brains = self.catalog.unrestrictedSearchResults(
                portal_type="Agency", id=agency_id
            )
            self._agencies[agency_id] = (
                brains[0]._unrestrictedGetObject() if len(brains) == 1 else None
            )
        agency = self._agencies[agency_id]
        if agency is None:
            raise Refused(f"agency {agency_id!r} is not in the portal")
        return agency

    def _settle_message(self, record):
        sender, recipients = record.organ_ids
        if record.agency or self.default_agency:
            agency = self._agency(record.agency or self.default_agency)
            own = agency.organ_id
            direction = record.direction or (
                OUTGOING if sender and sender == own else INCOMING
            )
        else:
            organs = self.organs()
            if sender in organs:
                agency, direction = organs[sender], OUTGOING
            else:
                mine = [organs[o] for o in recipients if o in organs]
                if not mine:
                    raise Refused(
                        f"neither the sender {sender} nor a recipient is an agency "
                        "of the portal: give --agency"
                    )
                agency, direction = mine[0], INCOMING
        EdxmlSource.settle(record, direction)
        return agency

    def organs(self):
        if self._organs is None:
            self._organs = {}
            for brain in self.catalog.unrestrictedSearchResults(portal_type="Agency"):
                agency = brain._unrestrictedGetObject()
                if agency.organ_id:
                    self._organs[agency.organ_id] = agency
        return self._organs

    def fields(self, record):
        fields = {k: v for k, v in record.fields.items() if v is not None}
        fields["document_type"] = self.document_type(fields.get("document_type"))
        if record.direction == INCOMING and "channel" not in fields:
            fields["channel"] = "exchange" if hasattr(record, "organ_ids") else "paper"
        return fields

    def document_type(self, value):
        """The portal's token for a type given by token, name or
        abbreviation (as Appendix III writes it), folded."""
        from phutho.intranet.bulk.records import fold

        wanted = fold(value)
        if not wanted:
            raise Refused("document_type is empty")
        for token, title, abbreviation in self.types.values():
            if wanted in (fold(token), fold(title), fold(abbreviation)):
                return token
        raise Refused(f"document_type {value!r} is not a type of the portal")

    def attach_files(self, document, record):
        files = record.load_files() if record.load_files else []
        field = FILE_FIELD[record.direction]
        for role, title, filename, data, content_type in files:
            named = NamedBlobFile(
                data=data, filename=filename, contentType=content_type
            )
            if role == "main":
                setattr(document, field, named)
                self._check(document, field, named, record.portal_type)
            else:
                annex = createContent("Annex", title=title or filename, file=named)
                addContentToContainer(document, annex, checkConstraints=False)

    def validate(self, document, fields, portal_type):
        """What the document's fields cannot hold is refused, naming the
        field: what is imported stays editable like any document."""
        for name, value in fields.items():
            self._check(document, name, value, portal_type)

    def _check(self, document, name, value, portal_type):
        for schema in iterSchemataForType(portal_type):
            for field_name, field in getFieldsInOrder(schema):
                if field_name != name:
                    continue
                try:
                    field.bind(document).validate(value)
                except ValidationError as error:
                    reason = error.doc() if hasattr(error, "doc") else str(error)
                    raise Refused(f"{name}: {reason}") from error
                return

    def register_of(self, document, agency, record, when):
        when = localize(when)
        direction = record.direction
        if record.register:
            register = agency.get(record.register)
            if register is None or register.portal_type != "DocumentRegister":
                raise Refused(
                    f"register {record.register!r} is not in {agency.getId()}"
                )
            candidates = [register]
        else:
            candidates = [
                r
                for r in agency.objectValues()
                if getattr(r, "portal_type", None) == "DocumentRegister"
            ]
        fitting, reasons = [], []
        for register in candidates:
            try:
                check_register(register, document, direction, when)
            except PortalError as error:
                reasons.append(f"{register.getId()}: {error}")
                continue
            fitting.append(register)
        if len(fitting) == 1:
            return fitting[0]
        if not fitting:
            raise Refused("no register may number it (" + "; ".join(reasons) + ")")
        raise Refused(
            "several registers may number it: give register ("
            + ", ".join(r.getId() for r in fitting)
            + ")"
        )

    def check_unique(self, register, record, when):
        """A number is given once per register and year: among what this
        batch stored (not indexed yet) and in the catalog (searched without
        indexing what the transaction queued, see :meth:`store`)."""
        path = "/".join(register.getPhysicalPath())
        if record.number in self.batch_numbers.get((path, when.year), ()):
            raise Refused(
                f"number {record.number} of {when.year} is given twice in "
                f"register {register.getId()}"
            )
        for brain in ZCatalog.searchResults(
            self.catalog, register_uid=register.UID(), register_number=record.number
        ):
            other = brain._unrestrictedGetObject()
            moment = (
                other.arrival_date
                if other.portal_type == "IncomingDocument"
                else other.issued_date
            )
            if moment is not None and moment.year == when.year:
                raise Refused(
                    f"number {record.number} of {when.year} is already in register "
                    f"{register.getId()} ({brain.getPath()})"
                )

    def set_number(self, document, register, record):
        document.register = register.UID()
        if record.direction == INCOMING:
            document.arrival_number = record.number
        else:
            document.number = record.number
            if not document.symbol:
                raise Refused("number_symbol (the symbol) is empty")

    def set_state(self, document, record, register, when):
        """The legacy state, with the history entries the registers and
        statistics read, at the legacy dates."""
        moment = localize(when) if when else None
        entries = [("imported", moment, {"source": record.key})]
        if register is not None:
            action = "register" if record.direction == INCOMING else "issue"
            key = "arrival_number" if record.direction == INCOMING else "number"
            details = {key: record.number, "register": register.Title()}
            if record.direction == OUTGOING:
                details["symbol"] = document.symbol
            entries.append((action, moment, details))
        if record.state == "completed":
            done = localize(record.completed) if record.completed else moment
            entries.append(("complete", done, {}))
        for action, at, details in entries:
            entry = record_history(document, action, actor=ACTOR, **details)
            if at is not None:
                entry["time"] = at.astimezone(timezone.utc)
        if record.state != self.workflow.getInfoFor(document, "review_state"):
            chain = self.workflow.getChainFor(document)
            definition = self.workflow[chain[0]]
            self.workflow.setStatusOf(
                chain[0],
                document,
                {
                    "action": "import",
                    "review_state": record.state,
                    "actor": ACTOR,
                    "comments": record.key,
                    "time": DateTime(moment.isoformat()) if moment else DateTime(),
                },
            )
            definition.updateRoleMappingsFor(document)
