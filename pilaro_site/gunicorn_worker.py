"""gunicorn's sync worker, woken alone for each new connection.

gunicorn's sync workers all wait in select() on the one listening socket they share, so
each new connection wakes every idle worker; one accepts it, and the others find nothing
and go back to waiting. With three workers that is two wake-ups for nothing per request:
about 0.2 ms of CPU on every request here, a seventh of the cheapest one's cost
(docs/performance.md). This worker waits in epoll with EPOLLEXCLUSIVE instead, which the
kernel uses to wake one waiter per connection. Everything else is gunicorn's own: the
accept loop, the heartbeat, the signals (their wake-up pipe is watched the same way).
"""

from __future__ import annotations

import os
import select

from gunicorn.workers.sync import SyncWorker as GunicornSyncWorker


class SyncWorker(GunicornSyncWorker):
    _poller: select.epoll | None = None

    def wait(self, timeout: float):
        """gunicorn's `wait`: what is ready to read among the listening sockets and the
        wake-up pipe, or None when `timeout` passed. (A signal interrupts the wait, and
        Python resumes it: the handler's byte in the pipe is what ends it.)"""
        self.notify()
        if self._poller is None:  # in the worker, after the fork
            self._poller, self._waitables = select.epoll(), {}
            for waitable in self.wait_fds:
                fd = waitable if isinstance(waitable, int) else waitable.fileno()
                self._poller.register(fd, select.EPOLLIN | select.EPOLLEXCLUSIVE)
                self._waitables[fd] = waitable
        ready = [self._waitables[fd] for fd, _ in self._poller.poll(timeout)]
        if self.PIPE[0] in ready:
            os.read(self.PIPE[0], 1)
        return ready or None
