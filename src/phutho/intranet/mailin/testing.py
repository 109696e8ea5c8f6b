"""The ingester's SMTP listener in a thread, for tests and benchmarks."""

from phutho.intranet.mailin.client import PortalClient
from phutho.intranet.mailin.smtp import serve

import asyncio
import threading


class IngesterThread:
    """``phutho-mailin``'s listener on 127.0.0.1 (a free port) in a thread."""

    def __init__(
        self, url, user, password, max_size=50 * 1024 * 1024, lmtp=False, parallel=1
    ):
        self.client = PortalClient(url, user, password, timeout=60, parallel=parallel)
        self.max_size = max_size
        self.lmtp = lmtp
        self.port = None
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(
            target=self._loop.run_forever, name="mailin", daemon=True
        )
        self._server = None

    def start(self):
        self._thread.start()
        self._server = asyncio.run_coroutine_threadsafe(
            serve(self.client, "127.0.0.1", 0, self.max_size, lmtp=self.lmtp),
            self._loop,
        ).result(10)
        self.port = self._server.sockets[0].getsockname()[1]
        return self

    def stop(self):
        async def close():
            self._server.close()
            await self._server.wait_closed()

        asyncio.run_coroutine_threadsafe(close(), self._loop).result(10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)
