"""Forms a webmaster changes without code (collective.easyform): the
clerks' intake of a paper document, whose own action files it as an
incoming document of the clerk's agency, and the officials' feedback
and requests, stored and mailed."""
