"""PDF digital signatures (pyHanko): verify every signature of a file
(:mod:`.verify`) and sign an issued document with its agency's
certificate (:mod:`.sign`). No Zope here; the background jobs call these."""
