"""The work calendar's rules: weeks, what changed after publication, the
iCalendar feed, a calendar per agency. The types are in
``content/workcalendar.py``, the pages in ``browser/calendar.py``."""
