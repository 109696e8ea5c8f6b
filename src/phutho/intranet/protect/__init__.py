"""What keeps requests honest and answers from saying too much.

* :mod:`.csrf`: state-changing REST requests signed in by a cookie carry
  plone.protect's token or come from the site itself; JSON endpoints take
  JSON bodies only.
* :mod:`.headers`: ``X-Content-Type-Options: nosniff`` on every response.
* :mod:`.conceal`: what a person may not see answers as if it did not exist
  (``resolveuid``, items in folders they may not view, relation counts).
* :mod:`.names`: secret documents get neutral ids.
* :mod:`.people`: who works where is shown to those who work with them.
* :mod:`.widgets`: relation widgets print only what the reader may see.
"""
