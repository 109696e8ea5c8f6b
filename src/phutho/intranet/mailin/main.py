"""``phutho-mailin``: the mail-in ingester (a process of its own).

    phutho-mailin [--config etc/mailin.cfg] [--host 127.0.0.1] [--port 8025]
                  [--lmtp] [--no-smtp] [--imap-once]

It listens for SMTP (or LMTP) on ``MAILIN_HOST``:``MAILIN_PORT``
(127.0.0.1:8025 by default) and polls the IMAP mailboxes of its config
file; every message goes to the portal's ``POST /@mail-in`` with the
service account of the config. It speaks to the portal only through HTTP,
so it works the same in front of one instance or a load balancer.

Config file (INI; ``MAILIN_CONFIG`` names it too)::

    [portal]
    url = http://127.0.0.1:8080/Plone
    user = mailin
    password = secret
    timeout = 120
    # deliveries at once (more mostly conflict in the same month folder)
    parallel = 1

    [smtp]
    host = 127.0.0.1
    port = 8025
    lmtp = false
    # max_size = 52428800  (default: the portal's limit)

    [imap:so-khcn]
    host = imap.phutho.gov.vn
    port = 993
    ssl = true
    user = vanthu.sokhcn@phutho.gov.vn
    password = secret
    address = vanthu.sokhcn@phutho.gov.vn
    folder = INBOX
    done_folder = Processed
    error_folder = Errors
    interval = 60
"""

from phutho.intranet.mailin.client import PortalClient
from phutho.intranet.mailin.client import TemporaryFailure
from phutho.intranet.mailin.imap import MailboxConfig
from phutho.intranet.mailin.imap import poll_forever
from phutho.intranet.mailin.imap import poll_once
from phutho.intranet.mailin.smtp import serve

import argparse
import asyncio
import configparser
import logging
import os
import signal
import sys
import threading
import time

logger = logging.getLogger("phutho.intranet.mailin")

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8025
DEFAULT_MAX_SIZE = 50 * 1024 * 1024


def read_config(path):
    """The parsed config file (empty when ``path`` is None)."""
    config = configparser.ConfigParser(interpolation=None)
    if path:
        if not config.read(path, encoding="utf-8"):
            raise SystemExit(f"phutho-mailin: cannot read {path}")
    return config


def mailboxes(config):
    """The ``[imap:<name>]`` sections as :class:`MailboxConfig`."""
    result = []
    for section in config.sections():
        if not section.startswith("imap:"):
            continue
        values = config[section]
        result.append(
            MailboxConfig(
                name=section[5:],
                host=values["host"],
                user=values["user"],
                password=values["password"],
                address=values["address"],
                port=values.getint("port", 993),
                ssl=values.getboolean("ssl", True),
                folder=values.get("folder", "INBOX"),
                done_folder=values.get("done_folder", "Processed"),
                error_folder=values.get("error_folder", "Errors"),
                interval=values.getfloat("interval", 60.0),
                timeout=values.getfloat("timeout", 60.0),
            )
        )
    return result


def portal_client(config):
    portal = config["portal"] if config.has_section("portal") else {}
    url = os.environ.get("MAILIN_PORTAL_URL") or portal.get("url")
    if not url:
        raise SystemExit("phutho-mailin: [portal] url is required")
    return PortalClient(
        url,
        portal.get("user"),
        portal.get("password"),
        timeout=float(portal.get("timeout", 120)),
        parallel=int(portal.get("parallel", 1)),
    )


def max_size(config, client):
    """The configured limit, else the portal's (asked once), else 50 MB."""
    if config.has_option("smtp", "max_size"):
        return config.getint("smtp", "max_size")
    for attempt in range(5):
        try:
            return int(client.check_recipient("")["max_size"])
        except (TemporaryFailure, KeyError, ValueError, TypeError) as error:
            logger.info("Portal not answering yet (%s); retrying", error)
            time.sleep(1 + attempt)
        except Exception:
            break
    return DEFAULT_MAX_SIZE


async def run(args, config):
    client = portal_client(config)
    limit = max_size(config, client)
    stop = threading.Event()
    loop = asyncio.get_running_loop()
    done = loop.create_future()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, lambda: done.done() or done.set_result(None))
    server = None
    if not args.no_smtp:
        server = await serve(client, args.host, args.port, limit, lmtp=args.lmtp)
        print(f"phutho-mailin listening on {args.host}:{args.port}", flush=True)
    pollers = [
        loop.run_in_executor(None, poll_forever, box, client, limit, stop)
        for box in mailboxes(config)
    ]
    if server is None and not pollers:
        raise SystemExit("phutho-mailin: nothing to do (no SMTP, no [imap:…])")
    await done
    stop.set()
    if server is not None:
        server.close()
        await server.wait_closed()
    await asyncio.gather(*pollers, return_exceptions=True)
    logger.info("Stopped")


def main(argv=None):
    parser = argparse.ArgumentParser(
        prog="phutho-mailin", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument("--config", default=os.environ.get("MAILIN_CONFIG"))
    parser.add_argument("--host", default=None)
    parser.add_argument("--port", type=int, default=None)
    parser.add_argument("--lmtp", action="store_true", default=None)
    parser.add_argument("--no-smtp", action="store_true", help="IMAP polling only")
    parser.add_argument(
        "--imap-once", action="store_true", help="poll each mailbox once and exit"
    )
    parser.add_argument("--verbose", "-v", action="store_true")
    args = parser.parse_args(argv)
    logging.basicConfig(
        stream=sys.stdout,  # as documented: one line per message, for the log file
        level=logging.DEBUG if args.verbose else logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s %(message)s",
    )
    logging.getLogger("mail.log").setLevel(logging.WARNING)
    config = read_config(args.config)
    smtp = config["smtp"] if config.has_section("smtp") else {}
    args.host = (
        args.host or os.environ.get("MAILIN_HOST") or smtp.get("host", DEFAULT_HOST)
    )
    args.port = args.port or int(
        os.environ.get("MAILIN_PORT") or smtp.get("port", DEFAULT_PORT)
    )
    if args.lmtp is None:
        args.lmtp = str(smtp.get("lmtp", "false")).lower() in ("1", "true", "yes")
    if args.imap_once:
        client = portal_client(config)
        limit = max_size(config, client)
        failed = 0
        for box in mailboxes(config):
            try:
                counts = poll_once(box, client, limit)
            except Exception as error:  # one unreachable mailbox: go on
                logger.error("%s: polling failed: %s", box.name, error)
                failed += 1
                continue
            print(f"{box.name}: {counts}", flush=True)
            failed += counts["deferred"]
        return 1 if failed else 0
    asyncio.run(run(args, config))
    return 0


if __name__ == "__main__":
    sys.exit(main())
