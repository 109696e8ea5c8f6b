"""Pack the portal's database, keeping a week of history. Run under zconsole
with the instance stopped (a FileStorage is opened by one process only):

    .venv/bin/zconsole run var/instance/etc/zope.conf scripts/pack.py

DAYS (7) sets how many days of history to keep; 0 keeps none. Prints the
database's size before and after.
"""

import os

days = float(os.environ.get("DAYS", "7"))
if days < 0:
    raise SystemExit("DAYS cannot be negative")
db = app._p_jar.db()  # noqa: F821 -- zconsole binds ``app``
before = db.getSize()
db.pack(days=days)
print(f"Packed, keeping {days:g} days of history: {before} -> {db.getSize()} bytes")
# Close the database so FileStorage saves its index.
db.close()
