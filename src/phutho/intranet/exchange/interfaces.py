"""The connector interface: how a message leaves the portal.

A connector is a named utility providing :class:`IConnector`. The outbox
(:mod:`.outbox`) asks the connectors, highest ``priority`` first, which
one ``accepts`` a recipient, and hands it the message with ``send``
inside the transaction that queued it. Two ship with the portal:
``directory`` (a folder per agency, :mod:`.transports.directory`) and
``mail`` (e-mail through the mail queue, from the mail package:
:class:`phutho.intranet.mail.issued.MailConnector`). A connector to the
national document exchange platform registers one more utility, with a
higher priority for the recipients it serves; nothing else changes.
"""

from zope.interface import Attribute
from zope.interface import Interface


class IConnector(Interface):
    """Sends edXML messages of one agency to recipients."""

    name = Attribute("Short id, e.g. 'directory'; stored on outbox items.")
    title = Attribute("What the page shows, e.g. 'Thư mục trao đổi'.")
    priority = Attribute("Higher first when several accept a recipient.")

    def accepts(agency, recipient):
        """True when this connector can reach ``recipient`` (a
        :class:`~phutho.intranet.exchange.model.Organization`) for
        ``agency`` now."""

    def send(agency, recipient, item):
        """Hand over the outbox ``item`` (its ``data()`` is the message).

        Called inside the transaction that queued the item: do the work at
        commit (a transaction data manager, a transactional mail queue),
        never before, so that an aborted transaction sends nothing. Return
        ``"sent"`` when the message is on its way at commit, or ``"held"``
        when it must wait in the outbox (e.g. no mail queue yet); raise
        ``TransportError`` when it cannot be sent.
        """


class TransportError(Exception):
    """A connector could not send a message."""
