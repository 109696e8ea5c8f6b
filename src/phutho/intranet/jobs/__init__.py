"""Background jobs: OCR of scans, signature checks, agency signatures.

Jobs wait in a queue in the ZODB (:mod:`.queue`) and are claimed in
conflict-safe transactions by worker threads (:mod:`.worker`), one or more
per Zope instance, so that a single instance and a cluster on ZEO or
RelStorage work alike. What a job does is in :mod:`.handlers`.
"""
