"""Daily work (issue 13): what each official has to do and follows.

The lower layer of the dashboards, the personal bar's counts, the front
page's work summary and the search facets: catalog queries built from who
the current user is (the functions of their groups), and the indexers
those queries need. Pages (``browser/``) and services (``services/``) only
present what this package returns.
"""
