"""``GET /@mail-in?address=<e-mail>``: is this an agency's document
mailbox? 200 with the agency, 404 when no agency has it. The ingester asks
at RCPT time, so an unknown address is refused before the data is sent."""

from phutho.intranet.mailin.receive import agency_for
from phutho.intranet.mailin.receive import max_size
from plone.restapi.services import Service


class MailInGet(Service):
    def reply(self):
        address = (self.request.form.get("address") or "").strip()
        if not address:
            return {"max_size": max_size()}
        agency = agency_for(address)
        if agency is None:
            self.request.response.setStatus(404)
            return {
                "error": {
                    "type": "UnknownRecipient",
                    "message": f"No agency has the document mailbox {address}.",
                }
            }
        return {
            "address": address.lower(),
            "agency": agency.Title(),
            "agency_uid": agency.UID(),
            "max_size": max_size(),
        }
