"""Telling, without a query, whether PostgreSQL has ended a connection kept for reuse.

Django (CONN_HEALTH_CHECKS) and psycopg's pool (the job worker's) check a kept connection
before handing it out by sending it a statement (`SELECT 1`, an empty query): a round trip
on every request and job that touches the database (a tenth of a valid post's CPU,
docs/performance.md). A connection that PostgreSQL has ended (a restart,
`pg_terminate_backend`, idle_session_timeout) has its end already waiting on the socket:
the server's last message and the close. Between statements nothing else arrives on a
kept connection here (none LISTENs: the job worker listens on a connection of its own,
outside its pool), so a socket with something to read is a connection to replace.
Looking is one poll(), which sends nothing.

What it cannot see is a server gone without a word (its machine crashed, the network cut):
that connection's first statement fails, with the error a failed statement always gives
(the form: 503, nothing stored; a job: retried), and the connection is closed then, so the
next request or job opens a new one. A sent check would have met the failure one
statement earlier.
"""

from __future__ import annotations

import select

from psycopg import BaseConnection
from psycopg.pq import TransactionStatus

# Between statements: outside a transaction, or inside one that has not failed.
_BETWEEN_STATEMENTS = (TransactionStatus.IDLE, TransactionStatus.INTRANS)


def ended(connection: BaseConnection) -> bool:
    """Whether this kept connection can no longer be used: closed or broken here, failed
    in a transaction, or with the server's end waiting on its socket."""
    if connection.closed or connection.info.transaction_status not in _BETWEEN_STATEMENTS:
        return True
    poller = select.poll()
    # A closed peer shows as readable (or as POLLHUP/POLLERR, which poll reports anyway).
    poller.register(connection.fileno(), select.POLLIN | select.POLLPRI)
    return bool(poller.poll(0))
