"""Who opened a document and its files (Decree 30, Appendix VI: access
log; processing history: views), without a database write per page view.

Each Zope process keeps the views it served in memory
(:mod:`.writer`) and writes them in one transaction of its own every few
seconds or every few hundred views, into per-day sets in the site
(:mod:`.storage`); days older than the retention period are dropped then.
Reading a document's log is a range lookup per day (:func:`entries_for`).
"""
