"""CPU per callback-form POST, by kind: gunicorn's workers and PostgreSQL's backends.

    .venv/bin/python -m bench.post_cost [--posts 200] [--rounds 3]

One gunicorn with production settings (gunicorn.conf.py's workers) on a database of its
own (BENCH_DATABASE_URL's server, database `pilaro_post_cost`, dropped and made again).
Every post comes from a new client address (PILARO_TRUSTED_PROXIES=1 and a fresh
X-Forwarded-For), as a flood of bots does, so each meets a rate-limit counter of its own.
The quarantine's hour is full (PILARO_QUARANTINE_MAX_PER_HOUR=1, and the warm-up's one
post sent too fast takes that place), so a valid post sent too fast is discarded. Only the POSTs are counted: the forms are fetched before.
The kind over_limit runs on a second server whose limit is one post a day, every post
from one client address: after the first, each is answered 429.

CPU is read from /proc (utime + stime) for every process of gunicorn's session and every
PostgreSQL backend connected to the database; each kind is measured `rounds` times and the
median printed, in milliseconds of CPU per post.
"""

from __future__ import annotations

import argparse
import itertools
import os
import statistics
import time
import urllib.error
import urllib.parse
import urllib.request

import psycopg

from bench.load import form_tokens
from bench.servers import AppServer, run, site_env

DATABASE = "pilaro_post_cost"
TICK = os.sysconf("SC_CLK_TCK")
MIN_FILL = 2
OVER_LIMIT_ADDRESS = "198.51.100.7"
HELD = "SELECT count(*) FROM contacts_enquiry WHERE status = 'karantene'"
_addresses = itertools.count(1)


def query(url: str, sql: str, *params: object) -> list[tuple]:
    with psycopg.connect(url, autocommit=True, connect_timeout=5) as conn:
        cursor = conn.execute(sql, params or None)
        return cursor.fetchall() if cursor.description else []


def _cpu_ticks(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/stat") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
    except FileNotFoundError:
        return 0
    return int(fields[11]) + int(fields[12])  # utime, stime


def _session(pgid: int) -> list[int]:
    pids = []
    for name in os.listdir("/proc"):
        if name.isdigit():
            try:
                with open(f"/proc/{name}/stat") as stat:
                    fields = stat.read().rsplit(")", 1)[1].split()
            except (FileNotFoundError, ProcessLookupError):
                continue
            if int(fields[2]) == pgid:
                pids.append(int(name))
    return pids


def _backends(admin_url: str) -> list[int]:
    rows = query(
        admin_url,
        "SELECT pid FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
        DATABASE,
    )
    return [pid for (pid,) in rows]


def _snapshot(server: AppServer, url: str) -> dict[str, dict[int, int]]:
    return {
        "gunicorn": {pid: _cpu_ticks(pid) for pid in _session(server.process.pid)},
        "postgres": {pid: _cpu_ticks(pid) for pid in _backends(url)},
    }


def _spent(before: dict, after: dict) -> dict[str, float]:
    return {
        side: sum(t - before[side].get(pid, 0) for pid, t in after[side].items()) / TICK
        for side in after
    }


def _request(base: str, method: str, path: str, data=None, cookies=None, address=None):
    body = urllib.parse.urlencode(data).encode() if data is not None else None
    req = urllib.request.Request(base + path, data=body, method=method)
    address = address or f"10.{next(_addresses) % 250}.{next(_addresses) % 250}.9"
    req.add_header("X-Forwarded-For", address)
    if body is not None:
        req.add_header("Content-Type", "application/x-www-form-urlencoded")
    if cookies:
        req.add_header("Cookie", cookies)
    opener = urllib.request.build_opener(_NoRedirect())
    try:
        response = opener.open(req, timeout=30)
    except urllib.error.HTTPError as error:
        response = error
    with response:
        cookie = "; ".join(
            h.split(";", 1)[0] for h in response.headers.get_all("Set-Cookie") or []
        )
        return response.status, response.read().decode(), cookie


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def _forms(base: str, count: int) -> list[tuple[str, dict[str, str]]]:
    forms = []
    for _ in range(count):
        status, html, cookie = _request(base, "GET", "/kontakt/")
        assert status == 200, html[:300]
        forms.append(
            (
                cookie,
                {
                    **form_tokens(html),
                    "name": "Kari Nordmann",
                    "email": "kari@example.no",
                    "phone": "91234567",
                    "consent_enquiry": "on",
                },
            )
        )
    return forms


def _measure(server: AppServer, url: str, kind: str, posts: int) -> dict[str, float]:
    forms = _forms(server.base, posts)
    if kind == "honeypot":
        forms = [(c, {**f, "website": "https://spam.example"}) for c, f in forms]
    if kind in ("valid", "over_limit"):
        time.sleep(MIN_FILL + 0.5)
    address, expected = (OVER_LIMIT_ADDRESS, 429) if kind == "over_limit" else (None, 303)
    before = _snapshot(server, url)
    for cookie, data in forms:
        status, body, _ = _request(server.base, "POST", "/kontakt/", data, cookie, address)
        assert status == expected, (kind, status, body[:300])
    after = _snapshot(server, url)
    return {side: 1000 * seconds / posts for side, seconds in _spent(before, after).items()}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--posts", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    admin = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres")
    server_url = admin.rsplit("/", 1)[0]
    admin = server_url + "/postgres"
    query(admin, f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)')
    query(admin, f'CREATE DATABASE "{DATABASE}"')
    env = site_env(
        DATABASE_URL=f"{server_url}/{DATABASE}",
        PILARO_RATE_LIMIT="100000/m",
        PILARO_TRUSTED_PROXIES="1",
        PILARO_MIN_FILL_SECONDS=str(MIN_FILL),
        PILARO_QUARANTINE_MAX_PER_HOUR="1",
    )
    run([".venv/bin/python", "manage.py", "migrate", "--verbosity", "0"], env)
    results: dict[str, list[dict[str, float]]] = {}
    with AppServer(env) as server:
        _measure(server, admin, "valid", 20)  # warm-up: connections, caches
        _measure(server, admin, "too_fast", 1)  # the hour's one place in quarantine
        [(held,)] = query(f"{server_url}/{DATABASE}", HELD)
        assert held == 1, held
        for _ in range(args.rounds):
            for kind in ("valid", "honeypot", "too_fast"):
                results.setdefault(kind, []).append(_measure(server, admin, kind, args.posts))
    # A day's window: the counters' windows start on the hour (common/limits.py), and a
    # run that crossed one under "1/h" let a post through.
    with AppServer({**env, "PILARO_RATE_LIMIT": "1/d"}) as server:
        _forms(server.base, 1)  # warm-up
        cookie, data = _forms(server.base, 1)[0]
        time.sleep(MIN_FILL + 0.5)
        _request(server.base, "POST", "/kontakt/", data, cookie, OVER_LIMIT_ADDRESS)  # the one
        for _ in range(args.rounds):
            results.setdefault("over_limit", []).append(
                _measure(server, admin, "over_limit", args.posts)
            )
    for kind, rounds in results.items():
        totals = [r["gunicorn"] + r["postgres"] for r in rounds]
        median = statistics.median(totals)
        shown = ", ".join(f"{r['gunicorn']:.2f}+{r['postgres']:.2f}" for r in rounds)
        print(f"{kind:9} median {median:.2f} ms CPU/post (gunicorn+postgres: {shown})")
    query(admin, f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)')


if __name__ == "__main__":
    main()
