"""Load generators that need a fresh form for every request: async HTTP on bench/client.py.

Static reading load comes from wrk (bench/run.py); this module drives what wrk cannot:
GET a form, read its tokens, POST it, as many virtual visitors at once.

    python -m bench.load spam BASE --users 16 --seconds 10 --rate 100
    python -m bench.load people BASE --users 2 --seconds 10 --wait 2.2
    python -m bench.load paced BASE --count 50 --rate 5 [--honeypot] [--address A] [--get P]

runs one of them and prints one JSON line: the answers by status, and the errors.
A page without the form's tokens stops the run with an error (exit status 1).

Through nginx (an https:// BASE, `--cafile` its certificate), `spam --sources N` binds the
bots' connections to N loopback addresses of their own, 127.0.0.2 onwards (Linux answers on
all of 127/8), so that nginx sees N clients: it sets X-Forwarded-For itself, and the header
the visitors send is replaced.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import re
import ssl
import sys
import time
from dataclasses import dataclass, field

from bench.client import Connection

CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
TOKEN = re.compile(r'name="token" value="([^"]+)"')


class MarkupMissing(Exception):
    """The page has no callback form with the tokens this generator reads."""


def form_tokens(html: str) -> dict[str, str]:
    """The CSRF token and the form token of a page with the callback form."""
    csrf, token = CSRF.search(html), TOKEN.search(html)
    if not (csrf and token):
        missing = [name for name, m in (("csrfmiddlewaretoken", csrf), ("token", token)) if not m]
        raise MarkupMissing(f"no {' or '.join(missing)} field in the page: {html[:300]!r}")
    return {"csrfmiddlewaretoken": csrf.group(1), "token": token.group(1)}


@dataclass
class Tally:
    statuses: dict[int, int] = field(default_factory=dict)
    latencies: list[float] = field(default_factory=list)  # seconds, one per submission
    errors: int = 0

    def count(self, status: int) -> None:
        self.statuses[status] = self.statuses.get(status, 0) + 1


def percentile(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def _address() -> str:
    # A client address from the documentation ranges, as the proxy would append it.
    return f"198.18.{random.randint(0, 255)}.{random.randint(1, 254)}"  # noqa: S311


ERRORS = (TimeoutError, OSError, asyncio.IncompleteReadError)  # not MarkupMissing: that stops


class Visitor:
    """One browser on a connection of its own: its own cookies (kept by hand: the site marks
    them Secure, this is plain HTTP on loopback) and its own client address."""

    def __init__(
        self, base: str, source: str | None = None, context: ssl.SSLContext | None = None
    ) -> None:
        self.base = base
        self.connection = Connection(base, source, context)
        self.cookies: dict[str, str] = {}
        self.address = _address()

    def _headers(self) -> dict[str, str]:
        headers = {"X-Forwarded-For": self.address}
        if self.base.startswith("https://"):  # Django checks a secure POST's origin
            headers["Origin"] = self.base
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        return headers

    def close(self) -> None:
        self.connection.close()

    async def form(self) -> dict[str, str]:
        response = await self.connection.get("/kontakt/", self._headers())
        self.cookies |= response.cookies
        return {
            **form_tokens(response.text()),
            "name": "Kari Nordmann",
            "email": f"kari.{random.randint(1, 10**9)}@example.no",  # noqa: S311
            "phone": "91234567",
            "message": "Ring meg gjerne.",
            "consent_enquiry": "on",
        }

    async def fetch(self, path: str) -> int:
        return (await self.connection.get(path, self._headers())).status

    async def post(self, data: dict[str, str]) -> int:
        response = await self.connection.post("/kontakt/", data, self._headers())
        self.cookies |= response.cookies
        return response.status


def source_address(index: int) -> str:
    """The loopback address of the index-th client through the proxy (127.0.0.1 is wrk's)."""
    return f"127.0.0.{2 + index}"


def _context(cafile: str | None) -> ssl.SSLContext | None:
    """One TLS context for every connection of a run (building one reads the CA file)."""
    return ssl.create_default_context(cafile=cafile) if cafile else None


async def _run(
    base: str, users: int, seconds: float, visit, sources: int = 0, cafile: str | None = None
) -> Tally:
    """`users` visitors at once until `seconds` have passed; with `sources`, the visitors
    take turns among that many source addresses."""
    tally = Tally()
    deadline = time.monotonic() + seconds
    context = _context(cafile)

    async def user(index: int) -> None:
        source = source_address(index % sources) if sources else None
        visitor = Visitor(base, source, context)
        try:
            while time.monotonic() < deadline:
                try:
                    await visit(visitor, tally)
                except ERRORS:
                    visitor.close()
                    tally.errors += 1
        finally:
            visitor.close()

    await asyncio.gather(*(user(i) for i in range(users)))
    return tally


async def _submit(
    visitor: Visitor, tally: Tally, wait: float = 0.0, honeypot: bool = False
) -> None:
    started = time.perf_counter()
    data = await visitor.form()
    if honeypot:
        data["website"] = "https://spam.example"
    if wait:
        await asyncio.sleep(wait)
    status = await visitor.post(data)
    if not wait:
        tally.latencies.append(time.perf_counter() - started)
    tally.count(status)


def submissions(base: str, users: int, seconds: float, wait: float = 0.0) -> Tally:
    """Valid submissions: GET a fresh form, POST it (after `wait` seconds, like a person)."""
    return asyncio.run(_run(base, users, seconds, lambda v, t: _submit(v, t, wait)))


def spam_flood(
    base: str, users: int, seconds: float, rate: float, sources: int = 0, cafile: str | None = None
) -> Tally:
    """Bots from many addresses, `rate` form submissions a second in all: half fill the
    honeypot, half post at once after the GET (too fast for a person). Through a proxy,
    `sources` addresses of their own (see the module's doc)."""
    interval = users / rate

    async def bot(visitor: Visitor, tally: Tally) -> None:
        started = time.monotonic()
        visitor.address = _address()
        data = await visitor.form()
        if random.random() < 0.5:  # noqa: S311
            data["website"] = "https://spam.example"
        tally.count(await visitor.post(data))
        await asyncio.sleep(max(0.0, interval - (time.monotonic() - started)))

    return asyncio.run(_run(base, users, seconds, bot, sources, cafile))


def paced(
    base: str,
    count: int,
    rate: float,
    honeypot: bool = False,
    address: str | None = None,
    get: str | None = None,
) -> Tally:
    """`count` valid submissions started `rate` a second (each a new visitor: GET, POST at
    once), whether or not the ones before have been answered: a steady trickle. With
    `honeypot`, each fills the hidden field; with `address`, all come from that client
    address (X-Forwarded-For), so that the app's rate limit counts them together. With
    `get`, each visitor only GETs that path: the same trickle with no post."""

    async def trickle() -> Tally:
        tally = Tally()

        async def visitor(index: int) -> None:
            await asyncio.sleep(index / rate)
            visitor = Visitor(base)
            visitor.address = address or visitor.address
            try:
                if get:
                    tally.count(await visitor.fetch(get))
                else:
                    await _submit(visitor, tally, honeypot=honeypot)
            except ERRORS:
                tally.errors += 1
            finally:
                visitor.close()

        await asyncio.gather(*(visitor(i) for i in range(count)))
        return tally

    return asyncio.run(trickle())


def _generate(args: argparse.Namespace) -> Tally:
    if args.kind == "paced":
        return paced(args.base, args.count, args.rate, args.honeypot, args.address, args.get)
    if args.users is None or args.seconds is None:
        raise SystemExit(f"bench.load {args.kind}: --users and --seconds are required")
    if args.kind == "spam":
        return spam_flood(
            args.base, args.users, args.seconds, args.rate, args.sources, args.cafile
        )
    return submissions(args.base, args.users, args.seconds, args.wait)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("kind", choices=["spam", "people", "paced"])
    parser.add_argument("base", help="the site, e.g. http://127.0.0.1:8000")
    parser.add_argument("--users", type=int, help="spam, people: visitors at once")
    parser.add_argument("--seconds", type=float, help="spam, people: how long")
    parser.add_argument("--count", type=int, default=50, help="paced: submissions in all")
    parser.add_argument(
        "--rate", type=float, default=100, help="spam, paced: submissions a second"
    )
    parser.add_argument("--wait", type=float, default=0.0, help="people: seconds to fill in")
    parser.add_argument("--honeypot", action="store_true", help="paced: fill the hidden field")
    parser.add_argument("--address", help="paced: one client address for every post")
    parser.add_argument("--get", help="paced: only GET this path, no form, no post")
    parser.add_argument("--sources", type=int, default=0, help="spam: loopback source addresses")
    parser.add_argument("--cafile", help="a certificate to trust for an https:// BASE")
    args = parser.parse_args(argv)
    try:
        tally = _generate(args)
    except MarkupMissing as error:
        print(f"bench.load: {error}", file=sys.stderr)
        return 1
    # Its own CPU, start-up included: it shares the cores with what it measures.
    cpu = round(time.process_time(), 3)
    print(json.dumps({"statuses": tally.statuses, "errors": tally.errors, "cpu_seconds": cpu}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
