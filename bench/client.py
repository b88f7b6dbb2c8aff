"""The load generators' HTTP client: HTTP/1.1 on asyncio's streams, one connection per
visitor, and only what the bench's visitors send and read.

Why not aiohttp, which the generators used before: the flood's generator shares the two
cores with the server it measures, so its own CPU is taken from the reading it is meant to
disturb only by the site's cost. With aiohttp the generator spent about 1.5 ms of CPU
per request there (its import at start-up, then its session and connector for each of the
200 requests a second), 14 % of the machine during the direct flood; with this client,
about half of that (docs/performance.md, "The flood's own generator"). It keeps nothing a bench visitor does
not need: no redirects followed, no proxy, no compression (it never asks for it), no
HTTP/2, cookies by name only.

A connection the server closed (gunicorn's sync workers close after every answer; nginx
after its keepalive_timeout) is opened again for the next request; a request that meets a
kept connection closed under it is sent once more on a new one, as browsers do.
"""

from __future__ import annotations

import asyncio
import ssl
from dataclasses import dataclass
from urllib.parse import urlencode, urlsplit

TIMEOUT_SECONDS = 30


class ProtocolError(OSError):
    """The server's answer is not HTTP/1.1 as this client reads it."""


@dataclass(frozen=True)
class Response:
    status: int
    cookies: dict[str, str]  # Set-Cookie's name=value pairs, attributes dropped
    body: bytes

    def text(self) -> str:
        return self.body.decode("utf-8", errors="replace")


class Connection:
    """One kept HTTP/1.1 connection to the base URL's host, from `source` (an address to
    bind, or None), over TLS checked against `context` for an https:// base."""

    def __init__(
        self, base: str, source: str | None = None, context: ssl.SSLContext | None = None
    ) -> None:
        url = urlsplit(base)
        self.host, self.netloc = url.hostname or "", url.netloc
        self.port = url.port or (443 if url.scheme == "https" else 80)
        self.tls = (context or ssl.create_default_context()) if url.scheme == "https" else None
        self.source = source
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def _open(self) -> None:
        self.reader, self.writer = await asyncio.open_connection(
            self.host,
            self.port,
            ssl=self.tls,
            server_hostname=self.host if self.tls else None,
            local_addr=(self.source, 0) if self.source else None,
        )

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
        self.reader = self.writer = None

    async def get(self, path: str, headers: dict[str, str]) -> Response:
        return await self.request("GET", path, headers)

    async def post(self, path: str, data: dict[str, str], headers: dict[str, str]) -> Response:
        body = urlencode(data).encode()
        form = {"Content-Type": "application/x-www-form-urlencoded"}
        return await self.request("POST", path, headers | form, body)

    async def request(
        self, method: str, path: str, headers: dict[str, str], body: bytes = b""
    ) -> Response:
        lines = [f"{method} {path} HTTP/1.1", f"Host: {self.netloc}"]
        lines += [f"{name}: {value}" for name, value in headers.items()]
        if body or method == "POST":
            lines.append(f"Content-Length: {len(body)}")
        message = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body
        async with asyncio.timeout(TIMEOUT_SECONDS):
            kept = self.writer is not None
            try:
                return await self._exchange(message)
            except (ConnectionError, asyncio.IncompleteReadError):
                self.close()
                if not kept:
                    raise
            # The kept connection was closed before any of the answer came: once more.
            return await self._exchange(message)

    async def _exchange(self, message: bytes) -> Response:
        if self.writer is None:
            await self._open()
        self.writer.write(message)
        head = await self.reader.readuntil(b"\r\n\r\n")
        status_line, *header_lines = head[:-4].decode("latin-1").split("\r\n")
        try:
            status = int(status_line.split(" ", 2)[1])
        except (IndexError, ValueError):
            raise ProtocolError(f"not an HTTP status line: {status_line[:80]!r}") from None
        length, chunked, close, cookies = None, False, False, {}
        for line in header_lines:
            name, _, value = line.partition(":")
            name, value = name.strip().lower(), value.strip()
            if name == "content-length":
                length = int(value)
            elif name == "transfer-encoding":
                chunked = "chunked" in value.lower()
            elif name == "connection":
                close = value.lower() == "close"
            elif name == "set-cookie":
                pair = value.split(";", 1)[0]
                cookies[pair.partition("=")[0].strip()] = pair.partition("=")[2]
        if chunked:
            body = await self._chunks()
        elif length is not None:
            body = await self.reader.readexactly(length)
        else:  # the body ends with the connection
            body, close = await self.reader.read(), True
        if close:
            self.close()
        return Response(status, cookies, body)

    async def _chunks(self) -> bytes:
        parts = []
        while size := int((await self.reader.readuntil(b"\r\n")).split(b";")[0], 16):
            parts.append(await self.reader.readexactly(size))
            await self.reader.readexactly(2)
        while await self.reader.readuntil(b"\r\n") != b"\r\n":  # trailers, then the end
            pass
        return b"".join(parts)
