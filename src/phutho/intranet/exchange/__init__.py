"""Document exchange in edXML (QCVN 102:2016/BTTTT).

The wire format lives here and knows nothing of pages: :mod:`.reader` and
:mod:`.writer` turn bytes into the plain data of :mod:`.model` and back,
:mod:`.mapping` maps that data to and from documents, :mod:`.importer`
files received messages, :mod:`.outbox` and :mod:`.transports` move them,
:mod:`.signature` signs and verifies. :mod:`.api` is what other packages
call (mail, mail-in, the REST services, the pages).
"""
