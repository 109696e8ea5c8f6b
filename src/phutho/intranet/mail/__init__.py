"""Outgoing mail: notifications, the daily digest, issued documents by mail.

Everything leaves through the site's MailHost with its persistent queue
(zope.sendmail's queued delivery): a message is written to the queue when
the transaction commits, never for an aborted one, and the queue processor
sends it when the relay answers.
"""
