"""``phutho-import``: a legacy system's documents into the portal.

    phutho-import ZOPE_CONF SOURCE [--agency ID] [--site Plone] [--batch 500]
                  [--report refused.csv]

SOURCE is a CSV file with the documents' files beside it, or a directory
of edXML messages (see :mod:`phutho.intranet.bulk.sources`). The database
is ZOPE_CONF's: on RelStorage or ZEO the portal may keep running; a
FileStorage instance must be stopped first (it is locked). Shows a
progress bar (a line per batch when not on a terminal), commits every
``--batch`` documents, and started again after an interruption goes on
where it stopped. Prints what it refused and why, and writes it to
``--report`` (CSV: key, reason). Exits 0 when it ran through, even with
refusals (they are reported), 1 when it could not run.
"""

from pathlib import Path

import argparse
import csv
import logging
import sys
import time


def parse_args(argv):
    parser = argparse.ArgumentParser(
        prog="phutho-import",
        description=__doc__.split("\n\n")[0],
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=__doc__.split("\n\n", 2)[2],
    )
    parser.add_argument("zope_conf")
    parser.add_argument("source", help="a CSV file or a directory of edXML messages")
    parser.add_argument("--agency", help="the agency's id, for records naming none")
    parser.add_argument("--site", default="Plone")
    parser.add_argument("--batch", type=int, default=500)
    parser.add_argument("--report", help="write the refusals to this CSV file")
    parser.add_argument("--quiet", action="store_true", help="no progress bar")
    return parser.parse_args(argv)


class Progress:
    """A rich progress bar on a terminal; a line per batch elsewhere."""

    def __init__(self, total, quiet=False, every=100):
        self.total = total
        self.every = every
        self.started = time.monotonic()
        self.bar = None
        self.last_line = 0
        if not quiet and sys.stderr.isatty():
            from rich.progress import BarColumn
            from rich.progress import MofNCompleteColumn
            from rich.progress import Progress as RichProgress
            from rich.progress import TextColumn
            from rich.progress import TimeElapsedColumn
            from rich.progress import TimeRemainingColumn

            self.bar = RichProgress(
                TextColumn("[bold]Importing"),
                BarColumn(),
                MofNCompleteColumn(),
                TextColumn("{task.fields[rate]:>6.1f} docs/s"),
                TextColumn("{task.fields[refused]} refused"),
                TimeElapsedColumn(),
                TimeRemainingColumn(),
            )
            self.task = self.bar.add_task("import", total=total, rate=0.0, refused=0)
            self.bar.start()
        self.quiet = quiet

    def update(self, result):
        elapsed = max(time.monotonic() - self.started, 1e-6)
        rate = result.imported / elapsed
        if self.bar is not None:
            self.bar.update(
                self.task, completed=result.seen, rate=rate, refused=len(result.refused)
            )
        elif not self.quiet and result.seen - self.last_line >= self.every:
            self.last_line = result.seen
            print(
                f"{result.seen}/{self.total}: {result.imported} imported, "
                f"{result.skipped} already there, {len(result.refused)} refused, "
                f"{rate:.1f} documents/s",
                flush=True,
            )

    def close(self):
        if self.bar is not None:
            self.bar.stop()


def open_site(zope_conf, site_id):
    """The site of ZOPE_CONF's database, as the system user, with a
    request (translations, plone.api) and the site set."""
    from AccessControl.SecurityManagement import newSecurityManager
    from AccessControl.SpecialUsers import system
    from Testing.makerequest import makerequest
    from Zope2.Startup.run import configure_wsgi
    from zope.component.hooks import setSite
    from zope.globalrequest import setRequest

    import Zope2

    configure_wsgi(zope_conf)
    Zope2.startup_wsgi()
    app = makerequest(Zope2.app())
    setRequest(app.REQUEST)
    site = app.get(site_id)
    if site is None:
        raise SystemExit(f"phutho-import: no site {site_id!r} in {zope_conf}")
    setSite(site)
    newSecurityManager(None, system.__of__(app.acl_users))
    app.REQUEST["LANGUAGE"] = "vi"
    return site


def main(argv=None):
    args = parse_args(argv)
    logging.basicConfig(
        level=logging.WARNING, format="%(asctime)s %(levelname)s %(name)s %(message)s"
    )
    logging.getLogger("phutho.intranet.bulk").setLevel(logging.INFO)
    from phutho.intranet.bulk.importer import Importer
    from phutho.intranet.bulk.sources import open_source

    source = open_source(args.source)
    site = open_site(args.zope_conf, args.site)
    total = len(source)
    report = None
    if args.report:
        report_file = open(Path(args.report), "w", encoding="utf-8", newline="")
        report = csv.writer(report_file)
        report.writerow(["key", "reason"])

    def refused(key, reason):
        if report is not None:
            report.writerow([key, reason])
            report_file.flush()

    progress = Progress(total, args.quiet, every=args.batch)
    importer = Importer(
        site,
        agency=args.agency,
        batch=args.batch,
        on_record=progress.update,
        on_refused=refused,
    )
    started = time.monotonic()
    try:
        result = importer.run(source)
    finally:
        progress.close()
        if report is not None:
            report_file.close()
    elapsed = time.monotonic() - started
    print(
        f"Imported {result.imported} documents in {elapsed:.0f} s "
        f"({result.imported / max(elapsed, 1e-6):.1f}/s); {result.skipped} were "
        f"already there; {len(result.refused)} refused."
    )
    for key, reason in result.refused[:50]:
        print(f"  refused {key}: {reason}")
    if len(result.refused) > 50:
        print(f"  … and {len(result.refused) - 50} more (--report writes them all)")
    for (register, year), missing in result.gaps().items():
        shown = ", ".join(map(str, missing[:20])) + (" …" if len(missing) > 20 else "")
        print(f"  note: {register} {year} has no number {shown}")
    site._p_jar.db().close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
