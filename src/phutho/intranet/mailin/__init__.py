"""Documents that arrive by mail.

``phutho-mailin`` (:mod:`.main`) is a process of its own: an SMTP/LMTP
listener and IMAP poller that hands every message to the portal's
``POST /@mail-in`` (:mod:`.client`). Inside the portal, :mod:`.receive`
turns the message into an incoming document; :mod:`.parse` reads mail
(pure functions, shared by both sides).
"""
