"""Reports of Decree 30/2020: registers (Appendix IV), the follow-up
register, the outgoing report, statistics and case-file exports.

This package knows no pages: it turns catalog queries into tables
(:class:`~phutho.intranet.reports.tables.Table`) and files (XLSX, CSV, PDF,
XML); ``browser/`` and ``services/`` present them.
"""
