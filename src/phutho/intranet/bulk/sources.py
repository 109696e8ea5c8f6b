"""Where legacy documents come from: a CSV file with the files beside it,
or a directory of edXML messages.

CSV (UTF-8, a header row; ``;`` separates list items)::

    id,agency,direction,register,number,state,title,document_type,
    number_symbol,document_date,arrival_date,issued_date,completed_date,
    sender_name,sender_organ_id,recipients,signer_name,signer_position,
    urgency,secrecy,channel,description,file,annexes

``id`` names the row (the import remembers it with the file's name: run
again, the same file goes on where it stopped); ``direction`` is
``incoming`` or ``outgoing``; ``number`` the register number the legacy
system gave (số đến, or the outgoing document's number); ``number_symbol``
the sender's số/ký hiệu (incoming) or the full symbol (outgoing,
``15/QĐ-UBND``); dates ``dd/mm/yyyy`` (arrival ``dd/mm/yyyy HH:MM``);
``file`` and ``annexes`` paths relative to the CSV file's folder.

edXML: every ``*.edxml`` and ``*.xml`` below the directory is a message
(read by :mod:`phutho.intranet.exchange.reader`, mapped by
:mod:`phutho.intranet.exchange.mapping`). A message from the agency is
its outgoing document (number, symbol and date from ``Code`` and
``PromulgationInfo``); a message to it is incoming, and its register
entry — which edXML does not carry — comes from ``index.csv`` in the
directory (columns ``file``, then any of the CSV columns above: at least
``number`` and ``arrival_date``).
"""

from pathlib import Path
from phutho.intranet.bulk.records import choose
from phutho.intranet.bulk.records import DEFAULT_STATE
from phutho.intranet.bulk.records import INCOMING
from phutho.intranet.bulk.records import OUTGOING
from phutho.intranet.bulk.records import parse_date
from phutho.intranet.bulk.records import parse_datetime
from phutho.intranet.bulk.records import parse_direction
from phutho.intranet.bulk.records import parse_number
from phutho.intranet.bulk.records import Record
from phutho.intranet.bulk.records import Refused
from phutho.intranet.bulk.records import split_list
from phutho.intranet.content.vocabularies import ARRIVAL_CHANNELS
from phutho.intranet.content.vocabularies import SECRECY
from phutho.intranet.content.vocabularies import URGENCY

import csv
import mimetypes

MAX_FILE = 200 * 1024 * 1024  # what one legacy file may weigh
# The CSV's columns (the docstring says what each holds); any may be left
# empty or out, a legacy export writes them as its header.
CSV_COLUMNS = (
    "id",
    "agency",
    "direction",
    "register",
    "number",
    "state",
    "title",
    "document_type",
    "number_symbol",
    "document_date",
    "arrival_date",
    "issued_date",
    "completed_date",
    "sender_name",
    "sender_organ_id",
    "recipients",
    "signer_name",
    "signer_position",
    "urgency",
    "secrecy",
    "channel",
    "description",
    "file",
    "annexes",
)
EDXML_SUFFIXES = (".edxml", ".xml")


def _guess_type(name):
    return mimetypes.guess_type(name)[0] or "application/octet-stream"


def _inside(base, relative, what):
    """``relative`` below ``base``, refusing anything that leaves it."""
    path = (base / relative).resolve()
    if not path.is_relative_to(base.resolve()):
        raise Refused(f"{what} {relative!r} is outside {base}")
    if not path.is_file():
        raise Refused(f"{what} {relative!r} does not exist")
    if path.stat().st_size > MAX_FILE:
        raise Refused(f"{what} {relative!r} is larger than {MAX_FILE // 2**20} MB")
    return path


def file_loader(base, main, annexes):
    """A ``load_files`` reading the files when the document is stored."""
    paths = [("main", None, _inside(base, main, "file"))] if main else []
    paths += [
        ("annex", Path(name).stem, _inside(base, name, "annex")) for name in annexes
    ]

    def load():
        return [
            (role, title, path.name, path.read_bytes(), _guess_type(path.name))
            for role, title, path in paths
        ]

    return load


# -- CSV -------------------------------------------------------------------------------


def row_fields(row, direction):
    """The document's fields from a CSV row (document_type stays as
    written: the importer knows the portal's types)."""
    text = {k: (v or "").strip() for k, v in row.items() if k}
    fields = {
        "title": text.get("title", ""),
        "description": text.get("description") or None,
        "document_type": text.get("document_type", ""),
        "secrecy": choose(text.get("secrecy"), SECRECY, "secrecy", "normal"),
        "urgency": choose(text.get("urgency"), URGENCY, "urgency", "normal"),
        "signer_name": text.get("signer_name") or None,
        "signer_position": text.get("signer_position") or None,
    }
    if not fields["title"]:
        raise Refused("title is empty")
    recipients = split_list(text.get("recipients"))
    if direction == INCOMING:
        fields.update(
            number_symbol=text.get("number_symbol") or None,
            document_date=parse_date(text.get("document_date"), "document_date"),
            arrival_date=parse_datetime(text.get("arrival_date"), "arrival_date"),
            sender_name=text.get("sender_name") or None,
            sender_organ_id=text.get("sender_organ_id") or None,
            recipients=recipients,
            channel=choose(text.get("channel"), ARRIVAL_CHANNELS, "channel", "paper"),
        )
    else:
        fields.update(
            symbol=text.get("number_symbol") or None,
            issued_date=parse_date(text.get("issued_date"), "issued_date")
            or parse_date(text.get("document_date"), "document_date"),
            external_recipients=recipients,
        )
    return fields


def record_from_row(row, key, base):
    """A :class:`Record` from one CSV row (or the refusal)."""
    record = Record(key=key)
    try:
        text = {k: (v or "").strip() for k, v in row.items() if k}
        record.agency = text.get("agency") or None
        record.direction = parse_direction(text.get("direction"))
        record.register = text.get("register") or None
        record.number = parse_number(text.get("number"))
        record.state = text.get("state") or DEFAULT_STATE[record.direction]
        record.fields = row_fields(row, record.direction)
        record.completed = parse_datetime(text.get("completed_date"), "completed_date")
        record.load_files = file_loader(
            base, text.get("file"), split_list(text.get("annexes"))
        )
    except Refused as error:
        record.refusal = str(error)
    return record


class CsvSource:
    """The rows of a CSV file, the files beside it."""

    kind = "csv"

    def __init__(self, path):
        self.path = Path(path)
        self.base = self.path.parent

    def __len__(self):
        with open(self.path, encoding="utf-8-sig", newline="") as stream:
            return max(0, sum(1 for _row in csv.reader(stream)) - 1)

    def __iter__(self):
        with open(self.path, encoding="utf-8-sig", newline="") as stream:
            seen = set()
            for line, row in enumerate(csv.DictReader(stream), start=2):
                identifier = (row.get("id") or "").strip()
                key = f"csv:{self.path.name}:{identifier or f'line {line}'}"
                if not identifier:
                    yield Record(key=key, refusal="id is empty")
                    continue
                if identifier in seen:
                    yield Record(key=f"{key} (line {line})", refusal="id repeated")
                    continue
                seen.add(identifier)
                yield record_from_row(row, key, self.base)


# -- edXML -----------------------------------------------------------------------------


def _organ_ids(message):
    return message.sender.organ_id, [r.organ_id for r in message.recipients]


def message_attachments(path):
    """``load_files`` of a message: its main attachment and annexes."""
    from phutho.intranet.exchange.mapping import file_type
    from phutho.intranet.exchange.reader import read_message

    def load():
        message = read_message(path.read_bytes())
        main = message.main_attachment()
        files = []
        if main is not None:
            files.append(("main", None, main.name, main.data, file_type(main)))
        for annex in message.annexes():
            files.append(
                (
                    "annex",
                    annex.description or annex.name,
                    annex.name,
                    annex.data,
                    file_type(annex),
                )
            )
        return files

    return load


def outgoing_fields(message):
    """An agency's own issued document, from its edXML message."""
    from phutho.intranet.exchange.mapping import authority_of
    from phutho.intranet.exchange.mapping import line
    from phutho.intranet.exchange.mapping import urgency_token

    recipients = [
        " | ".join(
            part for part in (line(r.name) or r.organ_id, r.organ_id, r.email) if part
        )
        for r in message.recipients
    ]
    competence = line(message.signer_competence)
    return {
        "title": line(message.subject),
        "document_type": message.type_name,
        "urgency": urgency_token(message.priority),
        "secrecy": "normal",
        "signer_authority": authority_of(competence),
        "signer_position": line(message.signer_position) or None,
        "signer_name": line(message.signer_full_name) or None,
        "page_count": message.page_amount or None,
        "content": message.content or None,
        "symbol": message.number_symbol,
        "issued_date": message.promulgation_date,
        "external_recipients": recipients,
    }


class EdxmlSource:
    """The edXML messages below a directory, with ``index.csv``."""

    kind = "edxml"

    def __init__(self, directory):
        self.directory = Path(directory)
        self.index = {}
        index = self.directory / "index.csv"
        if index.exists():
            with open(index, encoding="utf-8-sig", newline="") as stream:
                for row in csv.DictReader(stream):
                    name = (row.get("file") or "").strip()
                    if name:
                        self.index[name] = row

    def files(self):
        return sorted(
            p
            for p in self.directory.rglob("*")
            if p.suffix.lower() in EDXML_SUFFIXES and p.is_file()
        )

    def __len__(self):
        return len(self.files())

    def __iter__(self):
        for path in self.files():
            name = path.relative_to(self.directory).as_posix()
            yield self.record(path, name)

    def record(self, path, name):
        from phutho.intranet.exchange.errors import EdXMLError
        from phutho.intranet.exchange.mapping import incoming_fields
        from phutho.intranet.exchange.model import DocumentMessage
        from phutho.intranet.exchange.reader import read_message

        record = Record(key=f"edxml:{self.directory.name}/{name}")
        try:
            message = read_message(path.read_bytes())
        except EdXMLError as error:
            record.refusal = f"edXML: {error}"
            return record
        if not isinstance(message, DocumentMessage):
            record.refusal = "a status message, not a document"
            return record
        row = {k: (v or "").strip() for k, v in self.index.get(name, {}).items() if k}
        record.organ_ids = _organ_ids(message)
        record.load_files = message_attachments(path)
        try:
            record.agency = row.get("agency") or None
            record.register = row.get("register") or None
            if row.get("direction"):
                record.direction = parse_direction(row["direction"])
            record.state = row.get("state") or None
            record.incoming_fields = incoming_fields(message)
            record.incoming_fields.update(
                arrival_date=parse_datetime(row.get("arrival_date"), "arrival_date")
            )
            record.outgoing_fields = outgoing_fields(message)
            record.index_number = parse_number(row.get("number"))
            record.completed = parse_datetime(
                row.get("completed_date"), "completed_date"
            )
        except Refused as error:
            record.refusal = f"index.csv: {error}"
        return record

    @staticmethod
    def settle(record, direction):
        """Fill ``record`` for ``direction`` once the importer knows which
        agency it belongs to (from it: outgoing; to it: incoming)."""
        record.direction = direction
        record.state = record.state or DEFAULT_STATE[direction]
        if direction == OUTGOING:
            record.fields = dict(record.outgoing_fields)
            code = record.fields["symbol"].split("/", 1)[0]
            record.number = record.index_number or parse_number(code, "CodeNumber")
            record.fields["issued_date"] = record.fields["issued_date"] or None
        else:
            record.fields = dict(record.incoming_fields)
            record.number = record.index_number
            if record.number is None and record.state != "received":
                raise Refused(
                    "no arrival number: give number and arrival_date in index.csv"
                )
        return record


def open_source(path):
    """A CSV file, or a directory of edXML messages."""
    path = Path(path)
    if path.is_dir():
        return EdxmlSource(path)
    if path.suffix.lower() == ".csv":
        return CsvSource(path)
    raise SystemExit(f"{path}: give a CSV file or a directory of edXML messages")
