"""Run zope-testrunner with the wall clock set to a given moment.

    .venv/bin/python scripts/at_time.py 2026-11-30T17:30:00+00:00 --path=tests ...

The clock starts at MOMENT and goes on ticking (time-machine: ``time.time``,
``datetime.now``, ``date.today``, ``time.localtime`` and the rest); the
monotonic clock is left alone, so timed waits and sleeps behave. The local
zone stays the process's ``TZ``. libfaketime 0.9.10 (Debian) cannot do
this for Python 3.11: with its monotonic clock every lock timeout hangs,
without it every ``time.sleep`` fails with EINVAL. Child processes run on
the real clock.
"""

import datetime
import sys


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    moment = datetime.datetime.fromisoformat(sys.argv[1])
    if moment.tzinfo is None:
        sys.exit("MOMENT needs its offset, e.g. 2026-11-30T17:30:00+00:00")
    import time_machine

    # A timestamp, not an aware datetime: time-machine would switch the
    # local zone to the datetime's.
    time_machine.travel(moment.timestamp(), tick=True).start()
    from zope.testrunner import run

    # Layers run in a subprocess come back through this script, at MOMENT.
    run(
        args=[sys.argv[0], *sys.argv[2:]],
        script_parts=[sys.argv[0], sys.argv[1]],
    )


if __name__ == "__main__":
    main()
