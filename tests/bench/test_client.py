"""The load generators' HTTP client reads the answers HTTP/1.1 allows it to get: a length,
chunks, or a body that ends with the connection, and a kept connection the server closed.

A scripted server on loopback answers each request with the next answer of its script and
counts the connections it accepted.
"""

from __future__ import annotations

import asyncio

import pytest

from bench.client import Connection, ProtocolError
from tests.concurrency import in_a_thread

CHUNKED = (
    b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n"
    b"Set-Cookie: csrftoken=abc; Path=/; SameSite=Lax\r\nSet-Cookie: sid=1\r\n\r\n"
    b"5\r\nhello\r\n7;ext=1\r\n, world\r\n0\r\nX-Trailer: 1\r\n\r\n"
)
LENGTH = b"HTTP/1.1 303 See Other\r\nLocation: /takk/\r\nContent-Length: 0\r\n\r\n"
CLOSE = b"HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 2\r\n\r\nok"
TO_THE_END = b"HTTP/1.1 200 OK\r\n\r\nall of it"
NOT_HTTP = b"SSH-2.0-OpenSSH\r\n\r\n"


async def _request(reader: asyncio.StreamReader) -> bytes:
    head = await reader.readuntil(b"\r\n\r\n")
    for line in head.split(b"\r\n"):
        if line.lower().startswith(b"content-length:"):
            await reader.readexactly(int(line.split(b":")[1]))
    return head


def run(scenario) -> object:
    """asyncio.run in a thread of its own (tests/concurrency.py says why)."""
    return in_a_thread(asyncio.run, main=scenario)


async def scripted(answers: list[bytes], close_after_each: bool = False):
    """A server answering its script in order; with close_after_each, it closes every
    connection after one answer without saying so (as a server past its keep-alive)."""
    accepted, heads = [], []
    script = iter(answers)

    async def serve(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        accepted.append(asyncio.current_task())
        try:
            while True:
                heads.append(await _request(reader))
                answer = next(script)
                writer.write(answer)
                await writer.drain()
                if close_after_each or answer in (CLOSE, TO_THE_END, NOT_HTTP):
                    break
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        writer.close()

    server = await asyncio.start_server(serve, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]

    async def stop() -> None:
        """Stop listening, and wait for each connection's end (the client closed its own)."""
        server.close()
        await asyncio.gather(*accepted)

    return stop, f"http://127.0.0.1:{port}", accepted, heads


def test_it_reads_a_chunked_body_and_its_cookies_then_a_post_on_the_same_connection():
    async def scenario():
        stop, base, accepted, heads = await scripted([CHUNKED, LENGTH])
        connection = Connection(base)
        page = await connection.get("/kontakt/", {"X-Forwarded-For": "198.18.0.1"})
        posted = await connection.post("/kontakt/", {"name": "Kari Nordmann"}, {})
        connection.close()
        await stop()
        return page, posted, len(accepted), heads

    page, posted, connections, heads = run(scenario())

    assert (page.status, page.body) == (200, b"hello, world")
    assert page.cookies == {"csrftoken": "abc", "sid": "1"}
    assert (posted.status, posted.body) == (303, b"")
    assert connections == 1  # kept alive
    assert heads[0].startswith(b"GET /kontakt/ HTTP/1.1\r\nHost: 127.0.0.1:")
    assert b"X-Forwarded-For: 198.18.0.1\r\n" in heads[0]
    assert b"Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 18" in heads[1]


def test_it_opens_a_new_connection_after_the_server_closed_one_with_or_without_a_word():
    async def scenario(answers, close_after_each):
        stop, base, accepted, _ = await scripted(answers, close_after_each)
        connection = Connection(base)
        bodies = [(await connection.get("/", {})).body for _ in answers]
        connection.close()
        await stop()
        return bodies, len(accepted)

    # Connection: close, and a body that ends with the connection.
    assert run(scenario([CLOSE, TO_THE_END], False)) == ([b"ok", b"all of it"], 2)
    # Closed without a word after each answer: the next request is sent again, once.
    assert run(scenario([LENGTH, LENGTH, LENGTH], True)) == ([b"", b"", b""], 3)


def test_an_answer_that_is_not_http_is_an_error_the_generators_count():
    async def scenario():
        stop, base, _, _ = await scripted([NOT_HTTP])
        connection = Connection(base)
        try:
            await connection.get("/", {})
        finally:
            connection.close()
            await stop()

    with pytest.raises(ProtocolError, match="not an HTTP status line"):
        run(scenario())
