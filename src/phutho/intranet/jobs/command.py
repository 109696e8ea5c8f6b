"""``phutho-worker``: the reading workers as a process of their own.

    phutho-worker ZOPE_CONF [--workers 2]

For a cluster on ZEO or RelStorage where OCR should run on its own
machine rather than inside the web instances (whose ``PHUTHO_WORKERS``
is then 0). It opens the database of ``ZOPE_CONF`` (a FileStorage is
locked by the running instance: use the in-instance workers there) and
runs until SIGTERM or SIGINT.
"""

import argparse
import logging
import signal
import sys
import threading


def main(argv=None):
    parser = argparse.ArgumentParser(prog="phutho-worker", description=__doc__)
    parser.add_argument("zope_conf")
    parser.add_argument("--workers", type=int, default=1)
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s"
    )
    from Zope2.Startup.run import configure_wsgi

    import Zope2

    configure_wsgi(args.zope_conf)
    Zope2.startup_wsgi()
    from phutho.intranet.jobs.worker import start_workers

    workers = start_workers(Zope2.DB, max(1, args.workers))
    done = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_args: done.set())
    done.wait()
    for worker in workers:
        worker.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
