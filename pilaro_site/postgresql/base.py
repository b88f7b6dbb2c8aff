"""Django's PostgreSQL backend, with a kept connection checked without a round trip.

With CONN_HEALTH_CHECKS, Django checks a kept connection before a request's first query by
sending it `SELECT 1`: a round trip on every request and job that touches the database
(a tenth of a valid post's CPU, docs/performance.md). A connection that PostgreSQL
has ended (a restart, `pg_terminate_backend`, idle_session_timeout) has its end already
waiting on the socket: the server's last message and the close. Between queries nothing
else arrives on the site's connections (none of them LISTENs; the queue's worker listens
on connections of its own), so a socket with something to read means a connection to
replace. Checking that is one poll(), which sends nothing.

What it cannot see is a server gone without a word (its machine crashed, the network cut):
that connection's first query fails, the request answers with its error (the form: 503,
nothing stored), and Django closes the connection at the request's end, so the next one
opens a new connection. Django's check would have met the failure one statement earlier.
"""

from __future__ import annotations

import select

from django.db.backends.postgresql import base
from psycopg.pq import TransactionStatus


class DatabaseWrapper(base.DatabaseWrapper):
    def is_usable(self) -> bool:
        if self.connection is None or self.connection.closed:
            return False
        if self.connection.info.transaction_status not in (
            TransactionStatus.IDLE,
            TransactionStatus.INTRANS,
        ):
            return False  # broken (UNKNOWN), failed (INERROR) or still answering (ACTIVE)
        poller = select.poll()
        poller.register(self.connection.fileno(), select.POLLIN | select.POLLPRI)
        return not poller.poll(0)
