"""Real mail servers for tests and benchmarks: an SMTP sink on loopback.

:class:`SMTPSink` is aiosmtpd listening on 127.0.0.1 (a free port, kept
across :meth:`SMTPSink.stop` / :meth:`SMTPSink.start`, so a test can take
the relay down and bring it back). It keeps every message it accepted and
refuses the recipients a test names, as a real relay would (550 at RCPT).
"""

from aiosmtpd.smtp import SMTP
from phutho.intranet.mail.queue import configure_mailhost
from phutho.intranet.mail.queue import stop_processor
from plone import api

import asyncio
import email
import email.policy
import os
import shutil
import socket
import tempfile
import threading
import time


class _Handler:
    def __init__(self, sink):
        self.sink = sink

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.lower() in self.sink.refuse:
            return "550 5.1.1 <%s>: Recipient address rejected: User unknown" % address
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        content = envelope.original_content or envelope.content
        with self.sink.lock:
            self.sink.messages.append(
                {
                    "mail_from": envelope.mail_from,
                    "rcpt_tos": list(envelope.rcpt_tos),
                    "data": content,
                }
            )
        return "250 2.0.0 Queued"


class SMTPSink:
    """A loopback SMTP server collecting messages."""

    def __init__(self, port=0):
        self.port = port
        self.messages = []
        self.refuse = set()
        self.lock = threading.Lock()
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(
            target=self._loop.run_forever, name="smtp-sink", daemon=True
        )
        self._thread.start()
        self._server = None

    def _call(self, coroutine, timeout=10):
        return asyncio.run_coroutine_threadsafe(coroutine, self._loop).result(timeout)

    async def _start(self):
        handler = _Handler(self)
        self._server = await self._loop.create_server(
            lambda: SMTP(handler, hostname="sink.test", decode_data=False),
            host="127.0.0.1",
            port=self.port,
            reuse_address=True,
        )
        self.port = self._server.sockets[0].getsockname()[1]

    async def _stop(self):
        self._server.close()
        await self._server.wait_closed()
        self._server = None

    def start(self):
        """Listen (again, on the same port once it had one)."""
        if self._server is None:
            self._call(self._start())
        return self

    def stop(self):
        """Stop listening: the relay is down (connections are refused)."""
        if self._server is not None:
            self._call(self._stop())

    def close(self):
        self.stop()
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(5)

    @property
    def running(self):
        return self._server is not None

    def parsed(self):
        """The messages received so far, parsed (``EmailMessage``)."""
        with self.lock:
            items = list(self.messages)
        return [
            email.message_from_bytes(m["data"], policy=email.policy.default)
            for m in items
        ]

    def wait_for(self, count, timeout=30):
        """Wait until ``count`` messages arrived; the messages, parsed."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self.lock:
                if len(self.messages) >= count:
                    break
            time.sleep(0.05)
        return self.parsed()

    def clear(self):
        with self.lock:
            self.messages.clear()


def free_port():
    """A port nothing listens on now (for a server started later)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class TCPProxy:
    """A loopback TCP forwarder that a test can switch off and on: with it
    down, its port refuses connections, as a stopped portal would."""

    def __init__(self, target_host, target_port):
        self.target = (target_host, target_port)
        self.port = 0
        self._listener = None
        self._connections = []
        self._lock = threading.Lock()

    def up(self):
        if self._listener is not None:
            return self
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(64)
        self.port = listener.getsockname()[1]
        self._listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()
        return self

    def down(self):
        listener, self._listener = self._listener, None
        if listener is not None:
            try:
                # Wakes the thread blocked in accept() (close alone may not).
                listener.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            listener.close()
        with self._lock:
            connections, self._connections = self._connections, []
        for conn in connections:
            try:
                conn.close()
            except OSError:
                pass

    def _accept(self, listener):
        while True:
            try:
                client, _address = listener.accept()
            except OSError:
                return
            try:
                upstream = socket.create_connection(self.target, timeout=10)
            except OSError:
                client.close()
                continue
            upstream.settimeout(None)
            with self._lock:
                self._connections += [client, upstream]
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pump, args=(a, b), daemon=True).start()

    @staticmethod
    def _pump(source, sink):
        try:
            while True:
                data = source.recv(65536)
                if not data:
                    break
                sink.sendall(data)
        except OSError:
            pass
        finally:
            for sock in (source, sink):
                try:
                    sock.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass


class MailThroughSink:
    """The portal's mail through its queue to an :class:`SMTPSink`: what
    every mail test sets up (a fresh queue folder, the sink's port in the
    mail settings, the queue processor polling every 0.2 s) and takes down.

    ``queue=False`` leaves the MailHost alone until :meth:`queue` is called
    (a test that first checks what happens without the queue).
    """

    def __init__(self, portal, from_address, from_name=None):
        self.portal = portal
        self.from_address = from_address
        self.from_name = from_name
        self.sink = None
        self.directory = None

    def start(self, queue=True):
        os.environ["PHUTHO_MAIL_QUEUE_INTERVAL"] = "0.2"
        self.sink = SMTPSink().start()
        self.directory = tempfile.mkdtemp(prefix="mailqueue-")
        api.portal.set_registry_record("plone.smtp_host", "127.0.0.1")
        api.portal.set_registry_record("plone.smtp_port", self.sink.port)
        api.portal.set_registry_record("plone.email_from_address", self.from_address)
        if self.from_name is not None:
            api.portal.set_registry_record("plone.email_from_name", self.from_name)
        if queue:
            self.queue()
        return self

    def queue(self):
        """Send the portal's mail through the queue folder."""
        configure_mailhost(self.portal.MailHost, self.directory)

    def stop(self):
        stop_processor(self.portal.MailHost)
        self.sink.close()
        shutil.rmtree(self.directory, ignore_errors=True)
        os.environ.pop("PHUTHO_MAIL_QUEUE_INTERVAL", None)


def in_ci():
    """True in CI (``CI=true``): a missing program fails the test there."""
    return os.environ.get("CI", "").strip().lower() in ("true", "1", "yes")


DOVECOT = "/usr/sbin/dovecot"

DOVECOT_CONF = """\
base_dir = {root}/run
state_dir = {root}/state
log_path = {root}/dovecot.log
protocols = imap
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
mail_location = maildir:~/Maildir
mail_plugins =
default_internal_user = {internal_user}
default_login_user = {login_user}
first_valid_uid = 0
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {root}/passwd
}}
userdb {{
  driver = passwd-file
  args = username_format=%u {root}/passwd
}}
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    port = 0
  }}
}}
service pop3-login {{
  inet_listener pop3 {{
    port = 0
  }}
  inet_listener pop3s {{
    port = 0
  }}
}}
service submission-login {{
  inet_listener submission {{
    port = 0
  }}
}}
service lmtp {{
  unix_listener lmtp {{
    mode = 0600
  }}
}}
"""


class Dovecot:
    """A throw-away Dovecot IMAP server on 127.0.0.1 (a free port), with
    one account per ``users`` entry (``{user: password}``)."""

    def __init__(self, users):
        self.users = dict(users)
        self.root = None
        self.port = None
        self.process = None

    @staticmethod
    def available():
        return os.access(DOVECOT, os.X_OK)

    def _accounts(self):
        """uid/gid the mail processes run as: the dovecot user when we are
        root (Dovecot will not touch mail as root), else ourselves."""
        import pwd

        if os.getuid() == 0:
            entry = pwd.getpwnam("dovecot")
            return entry.pw_uid, entry.pw_gid, "dovecot", "dovenull"
        me = pwd.getpwuid(os.getuid()).pw_name
        return os.getuid(), os.getgid(), me, me

    def start(self, timeout=30):
        import shutil
        import subprocess
        import tempfile

        if not self.available():
            raise RuntimeError(
                "Dovecot is not installed; scripts/system-deps.sh (run by make "
                "test) installs it (dovecot-imapd)"
            )
        self.root = tempfile.mkdtemp(prefix="dovecot-")
        os.chmod(self.root, 0o755)
        uid, gid, internal_user, login_user = self._accounts()
        lines = []
        for user, password in self.users.items():
            home = os.path.join(self.root, "home", user)
            os.makedirs(home)
            lines.append(f"{user}:{{PLAIN}}{password}:{uid}:{gid}::{home}::")
        for folder in ("home", *(f"home/{u}" for u in self.users)):
            os.chown(os.path.join(self.root, folder), uid, gid)
        with open(os.path.join(self.root, "passwd"), "w") as stream:
            stream.write("\n".join(lines) + "\n")
        self.port = free_port()
        conf = os.path.join(self.root, "dovecot.conf")
        with open(conf, "w") as stream:
            stream.write(
                DOVECOT_CONF.format(
                    root=self.root,
                    port=self.port,
                    internal_user=internal_user,
                    login_user=login_user,
                )
            )
        self.process = subprocess.Popen(
            [DOVECOT, "-F", "-c", conf],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                break
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=2):
                    return self
            except OSError:
                time.sleep(0.1)
        log = self.log()
        self.stop()
        shutil.rmtree(self.root, ignore_errors=True)
        raise RuntimeError(f"Dovecot did not start:\n{log}")

    def log(self):
        try:
            with open(os.path.join(self.root, "dovecot.log")) as stream:
                return stream.read()[-4000:]
        except OSError:
            return ""

    def stop(self):
        import shutil

        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(20)
            except Exception:
                self.process.kill()
                self.process.wait(10)
        self.process = None
        if self.root:
            shutil.rmtree(self.root, ignore_errors=True)
            self.root = None
