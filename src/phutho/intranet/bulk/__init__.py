"""Bulk import of a legacy system's historical documents (``phutho-import``).

A directory of edXML messages, or a CSV file with the documents' files
beside it, becomes incoming and outgoing documents of the portal's
agencies keeping their register numbers, dates and states: ``sources``
reads them into :class:`~.records.Record` objects, ``importer`` stores
them in batches, ``command`` is the console script. See
docs/operations.md ("Importing a legacy system's documents").
"""
