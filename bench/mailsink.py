"""A local SMTP server that takes every message and keeps only when it came and for which
enquiry: the bench's stand-in for the staff's mail server.

    python -m bench.mailsink --port 2525 --record /tmp/mail.jsonl

appends one JSON line per message to the record file, written before the server answers
250 to the message's DATA (so before the sender's send_mail() returns):

    {"received": <Unix time the message was complete>, "enquiry": <id or null>}

The id is read from the admin link in the body (`/intern/contacts/enquiry/<id>/change/`);
null means a message without one, which the bench counts as a failure. SIGTERM or SIGINT
stop it. `MailSink` starts it for the bench, on the harness of bench/servers.py.
"""

from __future__ import annotations

import argparse
import asyncio
import email
import email.policy
import json
import re
import signal
import socket
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from bench.servers import BIN, Server

ENQUIRY_LINK = re.compile(r"/intern/contacts/enquiry/(\d+)/change/")
RAW_ENQUIRY_LINK = re.compile(ENQUIRY_LINK.pattern.encode())


def enquiry_id(content: bytes) -> int | None:
    """The enquiry a staff e-mail links to, whatever its transfer encoding.

    The raw message is searched first: the sink shares the cores with the site, and a
    full parse would double its cost per message. Only a body the link is not legible in
    (quoted-printable cut inside it, base64) is parsed."""
    if match := RAW_ENQUIRY_LINK.search(content):
        return int(match.group(1))
    message = email.message_from_bytes(content, policy=email.policy.default)
    body = message.get_body(preferencelist=("plain",))
    match = ENQUIRY_LINK.search(body.get_content() if body else "")
    return int(match.group(1)) if match else None


class Recorder:
    """aiosmtpd's handler: accepts every message and records it."""

    def __init__(self, record: TextIO) -> None:
        self.record = record

    async def handle_DATA(self, server, session, envelope) -> str:
        received = time.time()
        line = {"received": received, "enquiry": enquiry_id(envelope.original_content)}
        self.record.write(json.dumps(line) + "\n")
        self.record.flush()
        return "250 OK"


async def serve(port: int, record: Path) -> None:
    from aiosmtpd.smtp import SMTP

    loop = asyncio.get_running_loop()
    stopping = asyncio.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stopping.set)
    with record.open("a") as file:
        handler = Recorder(file)
        # A fixed host name: left out, aiosmtpd asks DNS for this host's name per connection.
        server = await loop.create_server(
            lambda: SMTP(handler, hostname="bench-mailsink"), "127.0.0.1", port
        )
        async with server:
            await stopping.wait()


@dataclass
class Arrival:
    received: float  # Unix time
    enquiry: int | None


class MailSink(Server):
    """`python -m bench.mailsink` on a loopback port, up once it greets with 220."""

    def __init__(self, env: dict[str, str], port: int, record: Path) -> None:
        self.port, self.record = port, record
        self._arrivals: list[Arrival] = []
        self._read_up_to = 0
        record.write_bytes(b"")
        command = [str(BIN / "python"), "-m", "bench.mailsink", f"--port={port}"]
        super().__init__([*command, f"--record={record}"], env, f"smtp://127.0.0.1:{port}")

    def probe(self) -> str | None:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=5) as sock:
                greeting = sock.recv(512)
                sock.sendall(b"QUIT\r\n")
        except OSError as error:
            return str(error)
        return None if greeting.startswith(b"220") else f"greeting {greeting[:80]!r}"

    def arrivals(self) -> list[Arrival]:
        """Every message recorded so far (read on from where the last call stopped)."""
        with self.record.open("rb") as file:
            file.seek(self._read_up_to)
            chunk = file.read()
        complete = chunk[: chunk.rfind(b"\n") + 1]  # a line being written waits
        self._read_up_to += len(complete)
        for line in complete.splitlines():
            self._arrivals.append(Arrival(**json.loads(line)))
        return self._arrivals


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--record", type=Path, required=True, help="the JSON lines file")
    args = parser.parse_args(argv)
    asyncio.run(serve(args.port, args.record))
    return 0


if __name__ == "__main__":
    sys.exit(main())
