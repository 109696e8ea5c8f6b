"""Write edXML messages.

The output follows the layout of the official samples: an unprefixed root
in the edXML namespace, ``edXML:``-prefixed envelope elements, the
attachments after the envelope, dates ``yyyy/MM/dd`` and timestamps
``yyyy/MM/dd HH:mm:ss``. Attachments marked ``zipped`` are zipped then
base64-encoded, as the samples do; others are base64 only. Empty values
are left out rather than written as empty elements.
"""

from .model import DocumentMessage
from .model import NAMESPACE
from .model import StatusMessage
from io import BytesIO
from lxml import etree

import base64
import zipfile

NS = f"{{{NAMESPACE}}}"


def format_date(value):
    return value.strftime("%Y/%m/%d") if value is not None else ""


def format_timestamp(value):
    return value.strftime("%Y/%m/%d %H:%M:%S") if value is not None else ""


def _text(value):
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _add(parent, name, value=None, always=False):
    """Append ``<edXML:name>value</edXML:name>``; skip an empty value unless
    ``always``. Returns the element (or None when skipped)."""
    text = _text(value)
    if not text and not always:
        return None
    element = etree.SubElement(parent, NS + name)
    if text:
        element.text = text
    return element


def _group(parent, name):
    return etree.SubElement(parent, NS + name)


def _organization(parent, name, organization):
    element = _group(parent, name)
    _add(element, "OrganId", organization.organ_id, always=True)
    _add(element, "OrganizationInCharge", organization.organization_in_charge)
    _add(element, "OrganName", organization.name, always=True)
    _add(element, "OrganAdd", organization.address)
    _add(element, "Email", organization.email)
    _add(element, "Telephone", organization.telephone)
    _add(element, "Fax", organization.fax)
    _add(element, "Website", organization.website)
    return element


def _staff(parent, staff):
    if not staff:
        return None
    element = _group(parent, "StaffInfo")
    _add(element, "Department", staff.department)
    _add(element, "Staff", staff.staff)
    _add(element, "Email", staff.email)
    _add(element, "Mobile", staff.mobile)
    return element


def _response_for(parent, response):
    element = _group(parent, "ResponseFor")
    _add(element, "OrganId", response.organ_id)
    _add(element, "Code", response.code)
    _add(element, "PromulgationDate", format_date(response.promulgation_date))
    _add(element, "DocumentId", response.document_id, always=True)
    return element


def _envelope():
    root = etree.Element(NS + "edXML", nsmap={None: NAMESPACE})
    envelope = etree.SubElement(root, NS + "edXMLEnvelope", nsmap={"edXML": NAMESPACE})
    header = _group(envelope, "edXMLHeader")
    return root, envelope, header


def _message_header(header, message):
    mh = _group(header, "MessageHeader")
    _organization(mh, "From", message.sender)
    for recipient in message.recipients:
        _organization(mh, "To", recipient)
    _add(mh, "DocumentId", message.document_id, always=True)
    code = _group(mh, "Code")
    _add(code, "CodeNumber", message.code_number, always=True)
    _add(code, "CodeNotation", message.code_notation, always=True)
    info = _group(mh, "PromulgationInfo")
    _add(info, "Place", message.place)
    _add(info, "PromulgationDate", format_date(message.promulgation_date), always=True)
    doc_type = _group(mh, "DocumentType")
    _add(doc_type, "Type", message.type)
    _add(doc_type, "TypeDetail", message.type_detail)
    _add(doc_type, "TypeName", message.type_name)
    _add(mh, "Subject", message.subject, always=True)
    _add(mh, "Content", message.content)
    signer = _group(mh, "SignerInfo")
    _add(signer, "Competence", message.signer_competence)
    _add(signer, "Position", message.signer_position)
    _add(signer, "FullName", message.signer_full_name)
    _add(mh, "DueDate", format_date(message.due_date))
    other = _group(mh, "OtherInfo")
    _add(other, "Priority", message.priority)
    _add(other, "SphereOfPromulgation", message.sphere_of_promulgation)
    _add(other, "TyperNotation", message.typer_notation)
    _add(other, "PromulgationAmount", message.promulgation_amount)
    _add(other, "PageAmount", message.page_amount)
    _add(other, "Direction", message.direction)
    if message.appendixes:
        appendixes = _group(other, "Appendixes")
        for appendix in message.appendixes:
            _add(appendixes, "Appendix", appendix)
    for response in message.response_for:
        _response_for(mh, response)
    _add(mh, "SteeringType", message.steering_type)
    if message.to_places:
        places = _group(mh, "ToPlaces")
        for place in message.to_places:
            _add(places, "Place", place)
    return mh


def _trace(header, message):
    trace_list = _group(header, "TraceHeaderList")
    for trace in message.trace_headers:
        element = _group(trace_list, "TraceHeader")
        _add(element, "OrganId", trace.organ_id, always=True)
        _add(element, "Timestamp", format_timestamp(trace.timestamp))
    business = message.business
    element = _group(trace_list, "Bussiness")
    _add(element, "DocumentId", business.document_id)
    _add(element, "BussinessDocType", business.doc_type, always=True)
    _add(element, "BussinessDocReason", business.reason)
    _add(element, "Paper", business.paper)
    if business.document_info is not None or business.receivers:
        info = _group(element, "BussinessDocumentInfo")
        _add(info, "DocumentInfo", business.document_info)
        _add(info, "DocumentReceiver", business.document_receiver)
        if business.receivers:
            receivers = _group(info, "ReceiverList")
            for receiver in business.receivers:
                item = _group(receivers, "Receiver")
                _add(item, "OrganId", receiver.organ_id, always=True)
                _add(item, "ReceiverType", receiver.receiver_type)
    if business.replacements:
        replacements = _group(element, "ReplacementInfoList")
        for replacement in business.replacements:
            item = _group(replacements, "ReplacementInfo")
            _add(item, "DocumentId", replacement.document_id, always=True)
            organs = _group(item, "OrganIdList")
            for organ_id in replacement.organ_ids:
                _add(organs, "OrganId", organ_id)
    _staff(element, business.staff)
    return trace_list


def zip_data(name, data):
    """One file zipped, as senders of zipped attachments do."""
    buffer = BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(name or "file", data)
    return buffer.getvalue()


def _attachments(root, envelope, message):
    body = _group(envelope, "edXMLBody")
    manifest = _group(body, "edXMLManifest")
    manifest.set("version", "1.0")
    if not message.attachments:
        return
    encoded = etree.SubElement(root, NS + "AttachmentEncoded")
    for attachment in message.attachments:
        reference = _group(manifest, "Reference")
        _add(reference, "ContentId", attachment.content_id, always=True)
        _add(reference, "ContentType", attachment.content_type)
        _add(reference, "Description", attachment.description)
        _add(reference, "AttachmentName", attachment.name)
        item = etree.SubElement(encoded, NS + "Attachment")
        _add(item, "ContentId", attachment.content_id, always=True)
        _add(item, "AttachmentName", attachment.name)
        _add(item, "Description", attachment.description)
        _add(item, "ContentType", attachment.content_type)
        data = attachment.data
        if attachment.zipped:
            data = zip_data(attachment.name, data)
        transfer = etree.SubElement(
            item, NS + "ContentTransferEncoded", nsmap={"edXML": NAMESPACE}
        )
        transfer.text = base64.b64encode(data).decode("ascii")


def build(message):
    """The root element of ``message`` (a DocumentMessage or StatusMessage)."""
    if isinstance(message, DocumentMessage):
        root, envelope, header = _envelope()
        _message_header(header, message)
        _trace(header, message)
        _attachments(root, envelope, message)
        return root
    if isinstance(message, StatusMessage):
        root, envelope, header = _envelope()
        mh = _group(header, "MessageHeader")
        _organization(mh, "From", message.sender)
        _response_for(mh, message.response_for)
        _staff(mh, message.staff)
        _add(mh, "StatusCode", message.status_code, always=True)
        _add(mh, "Description", message.description)
        _add(mh, "Timestamp", format_timestamp(message.timestamp), always=True)
        return root
    raise TypeError(f"Not an edXML message: {message!r}")


def serialize(root):
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


def write_message(message, signer=None):
    """``message`` as bytes; signed when ``signer`` (a callable taking and
    returning the root element, see :mod:`.signature`) is given."""
    root = build(message)
    if signer is not None:
        root = signer(root)
    return serialize(root)
