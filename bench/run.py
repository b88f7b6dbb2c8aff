"""`make bench`: the site under gunicorn with production settings, measured against itself.

Every figure is a ratio or a percentile from this run, on this machine, or CPU counted per
request: readers against a static file of the same size from the same server, form
submissions, the CPU each kind of post costs in gunicorn, the job worker and PostgreSQL
(bench/cost.py), a spam flood direct and through nginx (bench/flood_proxy.py), the staff
e-mails (sent by the job worker to a local mail sink), the admin at 100,000 enquiries,
the purge of a million, and page weight. Writes bench/results.json and prints
a table (the targets are in bench/targets.py). `--smoke` does all of it in seconds, so
that `make test` keeps it from rotting; its speed figures mean nothing, its correctness
checks hold.

The job worker (`manage.py worker`) runs beside gunicorn, with the same environment, from
the first page read until every e-mail is counted, and sends to bench/mailsink.py.

The bench database is created at the start and dropped at the end, each time only once
no server or worker of the bench is connected to it.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import sys
import tempfile
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse

import psycopg

from bench import BenchError, cost, flood_proxy, load, mail, targets, wrk
from bench.admin_session import USERNAME
from bench.mailsink import MailSink
from bench.proxy import NGINX, TlsProxy
from bench.servers import (
    BIN,
    ROOT,
    AppServer,
    JobWorker,
    Server,
    ServerError,
    free_port,
    gunicorn_settings,
    manage,
    run,
    site_env,
)

STATIC_ROOT = ROOT / "staticfiles"
ADMIN = "/intern/"
TABLES = "contacts_enquiry, contacts_consent, contacts_notification, contacts_note"
# Bot submissions per second (each a GET and a POST, from ever new addresses): 360,000
# an hour, far past what a small company's form sees, yet a rate this machine can also
# generate without the generator itself taking the cores the server needs.
FLOOD_RATE = 100
# The bots that post a valid form at once (too fast for a person) land in quarantine, at
# most this many an hour (the production default); the rest are discarded.
QUARANTINE_CAP = 60
QUARANTINED = "SELECT count(*) FROM contacts_enquiry WHERE status = 'karantene'"
# Notification jobs not done yet: waiting, retrying later, or being run.
PENDING_MAIL = (
    "SELECT count(*) FROM procrastinate_jobs "
    "WHERE task_name = 'contacts.send_notification' AND status IN ('todo', 'doing')"
)
# Waiting for the e-mails gives up after this long without a new one; a failed send is
# retried 10 s later (PILARO_NOTIFY_FIRST_RETRY_SECONDS), so this outlasts one retry.
MAIL_QUIET_SECONDS = 15
PURGE_TIMEOUT_SECONDS = 1800


# How fast the machine is, beside the figures: the CPU figures of one unchanged path have
# doubled from one day to the next on this shared machine (docs/performance.md, run E),
# and a report that does not say so cannot be compared with another.
LOOP_ADDITIONS = 20_000_000


def loop_seconds(additions: int) -> float:
    """Wall-clock seconds for LOOP_ADDITIONS additions in a Python loop, timed over
    `additions` of them: what the machine gives one process now, others' load included."""
    started, total = time.perf_counter(), 0
    for number in range(additions):
        total += number
    return (time.perf_counter() - started) * LOOP_ADDITIONS / additions


@dataclass(frozen=True)
class Plan:
    read_seconds: float
    form_seconds: int
    flood_seconds: float
    mail_posts: int  # with an idle queue, paced at mail_rate a second
    mail_rate: float
    admin_rows: int
    admin_requests: int
    purge_small: int
    purge_large: int
    cost_posts: int  # each kind of post measured alone (bench/cost.py), paced at cost_rate
    cost_rate: float
    loop_additions: int  # the machine's speed: a Python loop this long, before and after
    # gunicorn's workers, unless GUNICORN_WORKERS says; None: gunicorn.conf.py's default.
    gunicorn_workers: int | None = None


FULL = Plan(10, 15, 10, 50, 5, 100_000, 200, 100_000, 1_000_000, 200, 40, LOOP_ADDITIONS)
# The form phase posts until a second before its end, on os.time()'s whole seconds: its
# posting window is between form_seconds - 2 and form_seconds - 1 seconds long, so a
# smoke run needs 3 for a window of at least one second (with 2 it could be 10 ms, and
# a loaded machine then stored nothing to check).
# One gunicorn worker: the smoke run starts gunicorn several times, and its figures mean
# nothing; each worker more is a second of CPU a start, in a test suite short of CPU.
SMOKE = Plan(1, 3, 1.5, 10, 10, 2_000, 10, 500, 5_000, 10, 10, 1_000_000, gunicorn_workers=1)


def log(message: str) -> None:
    print(f"[bench] {message}", file=sys.stderr, flush=True)


def bench_env(database_url: str, port: int, mail_port: int = 25) -> dict[str, str]:
    """Production settings against the bench database and the mail sink on `mail_port`,
    for gunicorn and the job worker alike; GUNICORN_WORKERS, GUNICORN_THREADS and
    PILARO_WORKER_CONCURRENCY pass through from the caller, to measure other sizes."""
    passed = ("GUNICORN_WORKERS", "GUNICORN_THREADS", "PILARO_WORKER_CONCURRENCY")
    sizes = {k: v for k, v in os.environ.items() if k in passed}
    return site_env(
        DATABASE_URL=database_url,
        EMAIL_URL=f"smtp://127.0.0.1:{mail_port}",
        PILARO_NOTIFY_EMAILS="bench@example.invalid",
        PILARO_SITE_URL=f"http://127.0.0.1:{port}",
        # nginx (bench/proxy.py) passes the name its clients use, localhost.
        DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost",
        # The bench's clients stand behind one "proxy": many addresses, one limit each.
        PILARO_TRUSTED_PROXIES="1",
        PILARO_RATE_LIMIT="100000/m",
        **sizes,
    )


class Bench:
    def __init__(self, plan: Plan, database_url: str) -> None:
        self.plan = plan
        self.database_url = database_url
        self.port, self.mail_port = free_port(), free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.env = bench_env(database_url, self.port, self.mail_port)
        if plan.gunicorn_workers and "GUNICORN_WORKERS" not in os.environ:
            self.env["GUNICORN_WORKERS"] = str(plan.gunicorn_workers)
        self.server: AppServer | None = None
        self.worker: JobWorker | None = None
        self.sink: MailSink | None = None
        self.tracebacks: list[str] = []  # from the servers' logs, when each stops
        self.twins = STATIC_ROOT / f"bench-{self.port}"  # this run's own
        self.scratch = Path(tempfile.mkdtemp(prefix="pilaro-bench-"))  # the sink's record

    # --- plumbing ---------------------------------------------------------------------

    def manage(self, *args: str, debug: bool = False) -> str:
        return manage(list(args), {**self.env, "DJANGO_DEBUG": "1" if debug else "0"})

    def python(self, module: str, *args: str, timeout: float = 600) -> dict:
        """`python -m module args` with the bench's environment; its last line, as JSON."""
        output = run([str(BIN / "python"), "-m", module, *args], self.env, timeout)
        return json.loads(output.strip().splitlines()[-1])

    def sql(self, query: str, params: tuple = ()) -> list[tuple]:
        with psycopg.connect(self.database_url.replace("postgres://", "postgresql://")) as conn:
            cursor = conn.execute(query, params)
            return cursor.fetchall() if cursor.description else []

    def empty_enquiries(self) -> None:
        """Empty the enquiry tables for the next phase. The consents are evidence, which
        refuses TRUNCATE (contacts migration 0027): the bench database is the bench's own,
        and its superuser turns the triggers off for this statement only."""
        with psycopg.connect(self.database_url.replace("postgres://", "postgresql://")) as conn:
            conn.execute("SET session_replication_role = replica")
            conn.execute(f"TRUNCATE {TABLES} CASCADE")

    def enquiries(self) -> int:
        return self.sql("SELECT count(*) FROM contacts_enquiry")[0][0]

    def inbox(self, column: str = "count(*)") -> list[tuple]:
        """The enquiries not in quarantine (each gets its staff e-mail): `column` of them."""
        return self.sql(f"SELECT {column} FROM contacts_enquiry WHERE status <> 'karantene'")

    def last_enquiry(self) -> int:
        return self.sql("SELECT coalesce(max(id), 0) FROM contacts_enquiry")[0][0]

    def stored_at(self, after: int) -> dict[int, float]:
        """When each enquiry with an id above `after` was stored (received_at, Unix time)."""
        query = "SELECT id, extract(epoch FROM received_at)::float8 FROM contacts_enquiry"
        return dict(self.sql(f"{query} WHERE id > %s", (after,)))

    def start(self, **overrides: str | None) -> None:
        """gunicorn with the bench's environment and `overrides` (None: the variable
        unset, so the setting's default)."""
        self.stop()
        env = {k: v for k, v in {**self.env, **overrides}.items() if v is not None}
        self.server = AppServer(env, port=self.port)
        # Warm every worker: imports, first renders, connections.
        for _ in range(50):
            for path in ("/", "/personvern/", "/kontakt/"):
                self.fetch(path)

    def start_jobs(self) -> None:
        """The mail sink, then the job worker beside gunicorn, with gunicorn's environment."""
        self.sink = MailSink(self.env, self.mail_port, self.scratch / "mail.jsonl")
        self.worker = JobWorker(self.env)

    def halt(self, server: Server | None) -> None:
        """Stop a server and all it started, and keep any traceback from its log."""
        if server:
            server.stop()
            output = server.output()
            starts = [m.start() for m in re.finditer(r"Traceback \(most recent call", output)]
            self.tracebacks += [output[i : i + 3000] for i in starts]

    def stop(self) -> None:
        """Stop the app server and every gunicorn worker."""
        self.halt(self.server)
        self.server = None

    def stop_all(self) -> None:
        """Stop the app server, the job worker, then the mail sink it sends to."""
        self.stop()
        self.halt(self.worker)
        self.worker = None
        self.halt(self.sink)
        self.sink = None

    def fetch(self, path: str, headers: dict[str, str] | None = None) -> tuple[bytes, dict]:
        request = urllib.request.Request(self.base + path, headers=headers or {})
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.read(), dict(response.headers)

    # --- the measurements -------------------------------------------------------------

    def prepare(self) -> None:
        log("preparing the database and static files")
        self.manage("migrate", "--noinput")
        self.manage("sync_notices")
        # make's target collects only when a source changed: collecting rewrites every
        # file (19 s of CPU), under any server reading them meanwhile (the test suite's).
        run(["make", "--no-print-directory", "collectstatic"], self.env)
        self.start_jobs()
        # Static twins of the pages, byte for byte, served by the same WhiteNoise.
        self.start()
        self.twins.mkdir(exist_ok=True)
        for name, path in (("home.html", "/"), ("personvern.html", "/personvern/")):
            (self.twins / name).write_bytes(self.fetch(path)[0])
        (self.twins / "floor.txt").write_bytes(b"ok\n")  # any request's cost (bench/cost.py)
        self.start()  # WhiteNoise reads STATIC_ROOT when it starts

    def reading(self) -> dict:
        """Each page against its static twin, read half before and half after it."""
        log("reading: pages against their static twins")
        results = {}
        twins = f"{self.base}/static/{self.twins.name}"
        half = self.plan.read_seconds / 2
        for name, page, twin in (
            ("personvern", "/personvern/", f"{twins}/personvern.html"),
            ("home", "/", f"{twins}/home.html"),
        ):
            before = wrk.reading(twin, half)
            measured = wrk.reading(self.base + page, self.plan.read_seconds)
            static = wrk.bracket(before, wrk.reading(twin, half))
            results[name] = {
                "page": measured,
                "static": static,
                "ratio": measured["requests_per_second"] / static["requests_per_second"],
            }
        return results

    def reading_through_proxy(self, direct: dict) -> dict:
        """The same pages through nginx as production runs it (deploy/): TLS, buffering,
        the access log. Reported beside the direct figures; the proxy may cost throughput,
        and the ratio says how much. Without nginx on the machine: reported as missing."""
        if not Path(NGINX).exists():
            log("reading through the proxy: nginx is not installed (make proxy); skipped")
            return {"skipped": "nginx is not installed"}
        log("reading: the same pages through nginx (TLS)")
        results = {}
        with TlsProxy(f"127.0.0.1:{self.port}") as proxy:
            for name, page in (("personvern", "/personvern/"), ("home", "/")):
                measured = wrk.reading(proxy.base + page, self.plan.read_seconds)
                rps = direct[name]["page"]["requests_per_second"]
                results[name] = {
                    "page": measured,
                    "ratio_to_direct": measured["requests_per_second"] / rps,
                }
        return results

    def form(self) -> dict:
        """Valid submissions with the job worker sending their e-mails; then the e-mails
        of the phase, once the queue has drained (so the next phase starts idle)."""
        log("form: valid submissions")
        before, last = self.enquiries(), self.last_enquiry()
        answers = wrk.form(self.base, self.plan.form_seconds)
        stored = self.enquiries() - before
        posting = self.plan.form_seconds - 1  # the script stops posting a second before the end
        log("form: waiting for the queue to drain")
        self.settle()
        return {
            "submissions_per_second": answers["redirects"] / posting,
            "p50_ms": answers["p50_ms"],
            "p99_ms": answers["p99_ms"],
            "redirects": answers["redirects"],
            "other_answers": answers["others"],
            "stored": stored,
            "mail": mail.latency(self.stored_at(last), self.sink.arrivals()),
        }

    def settle(self) -> None:
        """Wait until the sink has as many e-mails as there are enquiries and no
        notification job is left; give up after MAIL_QUIET_SECONDS without a new e-mail
        (the verdicts then show what is missing)."""
        seen, since = -1, time.monotonic()
        while True:
            received = len(self.sink.arrivals())
            if received >= self.inbox()[0][0] and not self.sql(PENDING_MAIL)[0][0]:
                return
            if received != seen:
                seen, since = received, time.monotonic()
            elif time.monotonic() - since > MAIL_QUIET_SECONDS:
                log(f"no new e-mail for {MAIL_QUIET_SECONDS} s; {received} in all")
                return
            time.sleep(0.1)

    def mail(self) -> dict:
        """Stored → at the mail server with an idle queue, forms paced at mail_rate; then,
        with the worker stopped, every stored enquiry against the e-mails received."""
        log(f"mail: {self.plan.mail_posts} forms at {self.plan.mail_rate}/s, queue idle")
        self.settle()
        last = self.last_enquiry()
        paced = [f"--count={self.plan.mail_posts}", f"--rate={self.plan.mail_rate}"]
        answers = self.python("bench.load", "paced", self.base, *paced)
        self.settle()
        idle = mail.latency(self.stored_at(last), self.sink.arrivals())
        self.halt(self.worker)  # nothing is sent after this
        self.worker = None
        enquiries = {pk for (pk,) in self.inbox("id")}
        delivery = mail.delivery(enquiries, self.sink.arrivals())
        self.halt(self.sink)
        self.sink = None
        states = self.sql("SELECT state, count(*) FROM contacts_notification GROUP BY state")
        return {
            "idle": {**idle, "rate_per_second": self.plan.mail_rate, "answers": answers},
            "delivery": {**delivery, "notifications": dict(states)},
        }

    def flood(self) -> dict:
        log("flood: reading while bots post (honeypot and too fast)")
        seconds = self.plan.flood_seconds
        self.start(PILARO_MIN_FILL_SECONDS="2", PILARO_QUARANTINE_MAX_PER_HOUR=str(QUARANTINE_CAP))
        # Unloaded, half before the flood and half after it (wrk.bracket).
        unloaded_before = wrk.reading(self.base + "/personvern/", seconds / 2)
        before = self.inbox()[0][0]
        spam = [
            "spam",
            self.base,
            "--users=16",
            f"--seconds={seconds + 1}",
            f"--rate={FLOOD_RATE}",
        ]
        people = ["people", self.base, "--users=2", f"--seconds={seconds}", "--wait=2.2"]
        # Both generators end by themselves; leaving the block waits for them.
        with ThreadPoolExecutor(max_workers=2) as pool:
            bots_running = pool.submit(self.python, "bench.load", *spam)
            persons_running = pool.submit(self.python, "bench.load", *people)
            time.sleep(0.5)
            loaded = wrk.reading(self.base + "/personvern/", seconds)
            bots, persons = bots_running.result(), persons_running.result()
        unloaded_after = wrk.reading(self.base + "/personvern/", seconds / 2)
        unloaded = wrk.bracket(unloaded_before, unloaded_after)
        # The people's posts, in the inbox; the bots' valid ones are in quarantine.
        stored = self.inbox()[0][0] - before
        quarantined = self.sql(QUARANTINED)[0][0]
        return {
            "unloaded": unloaded,
            "loaded": loaded,
            "ratio": loaded["requests_per_second"] / unloaded["requests_per_second"],
            "bot_rate_target_per_second": FLOOD_RATE,
            "bot_posts": sum(bots["statuses"].values()),
            "bot_statuses": bots["statuses"],
            "bot_errors": bots["errors"],
            "generator_cpu_seconds": bots["cpu_seconds"] + persons["cpu_seconds"],
            "generator_seconds": seconds + 1,
            "valid_posts": persons["statuses"].get("303", 0),
            "valid_errors": persons["errors"],
            "valid_stored": stored,
            "quarantined": quarantined,
            "quarantine_cap": QUARANTINE_CAP,
        }

    def admin(self) -> dict:
        log(f"admin: seeding {self.plan.admin_rows} enquiries")
        self.empty_enquiries()
        self.manage("seed_enquiries", "1000", debug=True)
        session = self.python("bench.admin_session")["session"]
        email = self.sql("SELECT email FROM contacts_enquiry ORDER BY id DESC LIMIT 1")[0][0]
        queries_small = self.python("bench.admin_queries", email)
        self.manage("seed_enquiries", str(self.plan.admin_rows - 1000), debug=True)
        queries_large = self.python("bench.admin_queries", email)
        pages = (("changelist", ""), ("search_email", f"?q={email}"))
        timings = {
            name: self.admin_timing(f"{ADMIN}contacts/enquiry/{query}", session)
            for name, query in pages
        }
        return {
            "enquiries": self.enquiries(),
            **timings,
            "queries_at_1000": queries_small,
            "queries_at_full": queries_large,
        }

    def admin_timing(self, path: str, session: str) -> dict:
        samples = []
        for _ in range(self.plan.admin_requests):
            started = time.perf_counter()
            body, _ = self.fetch(path, {"Cookie": f"sessionid={session}"})
            samples.append((time.perf_counter() - started) * 1000)
            if USERNAME.encode() not in body:
                raise BenchError(f"{path} did not show the admin logged in as {USERNAME}")
        return {"p50_ms": load.percentile(samples, 50), "p95_ms": load.percentile(samples, 95)}

    def purge(self) -> dict:
        results = {}
        for label, rows in (("small", self.plan.purge_small), ("large", self.plan.purge_large)):
            log(f"purge: seeding {rows} expired enquiries")
            self.empty_enquiries()
            self.manage("seed_enquiries", str(rows), "--expired", debug=True)
            log(f"purge: erasing {rows}")
            # A million rows take 3-4 minutes on an idle machine, over 10 on a loaded one:
            # a slow purge fails its target, it does not lose the whole run.
            erased = self.python("bench.purge_run", timeout=PURGE_TIMEOUT_SECONDS)
            if left := self.enquiries():
                raise BenchError(f"the purge left {left} of {rows} expired enquiries")
            results[label] = {"rows": rows, **erased}
        small, large = results["small"], results["large"]
        return {
            **results,
            "seconds_per_100k": large["seconds"] / large["rows"] * 100_000,
            "scaling_ratio": large["seconds"] / small["seconds"],
            "rows_ratio": large["rows"] / small["rows"],
            "peak_rss_mb": max(small["peak_rss_mb"], large["peak_rss_mb"]),
        }

    def weight(self) -> dict:
        log("page weight")
        return {
            name: self.page_weight(path)
            for name, path in (("home", "/"), ("personvern", "/personvern/"))
        }

    def page_weight(self, path: str) -> dict:
        """The HTML as served plus its stylesheets and scripts, compressed as served."""
        html, _ = self.fetch(path, {"Accept-Encoding": "br, gzip"})
        text = html.decode()
        urls = re.findall(r'(?:href|src)="([^"]+)"', text)
        here = urlparse(self.base).netloc
        linked = re.findall(
            r'<(?:link[^>]+rel="stylesheet"[^>]+href|script[^>]+src)="([^"]+)"', text
        )
        assets = [u for u in linked if u.startswith("/static/") and u.endswith((".css", ".js"))]
        total = len(html)
        for asset in assets:
            total += len(self.fetch(asset, {"Accept-Encoding": "br, gzip"})[0])
        return {
            "html_bytes": len(html),
            "assets": assets,
            "total_compressed_kb": total / 1024,
            "foreign_urls": [u for u in urls if urlparse(u).netloc not in ("", here)],
        }

    def machine(self) -> dict:
        import django
        import gunicorn

        config = gunicorn_settings(self.env)
        return {
            "cores": os.cpu_count(),
            "python": platform.python_version(),
            "django": django.get_version(),
            "gunicorn": gunicorn.__version__,
            "postgresql": self.sql("SHOW server_version")[0][0],
            "wrk": wrk.version(),
            "gunicorn_workers": config["workers"],
            "gunicorn_threads": config["threads"],
        }


def _admin_url(url: str) -> tuple[str, str]:
    """The maintenance database's URL on the same server, and the bench database's name."""
    parsed = urlparse(url)
    return parsed._replace(scheme="postgresql", path="/postgres").geturl(), parsed.path[1:]


def drop_database(url: str, seconds: float = 15) -> None:
    """Drop the bench database once nothing is connected to it; never cut connections."""
    admin, name = _admin_url(url)
    with psycopg.connect(admin, autocommit=True) as conn:
        deadline = time.monotonic() + seconds
        while True:
            users = conn.execute(
                "SELECT pid, application_name FROM pg_stat_activity WHERE datname = %s", [name]
            ).fetchall()
            if not users:
                break
            if time.monotonic() > deadline:
                raise BenchError(
                    f"database {name} is still in use by {users}: another bench run, or a "
                    "server left running; stop it and try again"
                )
            time.sleep(0.2)
        try:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        except psycopg.errors.ObjectInUse as error:
            raise BenchError(f"database {name} is in use: {error}") from None


def fresh_database(url: str) -> None:
    drop_database(url)
    admin, name = _admin_url(url)
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')


def measure(bench: Bench, smoke: bool) -> dict:
    """Every measurement, in order; every server stopped when it returns or fails."""
    loop_before = loop_seconds(bench.plan.loop_additions)
    try:
        bench.prepare()
        results = {
            "mode": "smoke" if smoke else "full",
            "machine": bench.machine(),
            "reading": bench.reading(),
        }
        results["reading_through_proxy"] = bench.reading_through_proxy(results["reading"])
        results["form"] = bench.form()
        results["cost"] = {"valid": cost.valid(bench)}
        results["flood"] = bench.flood()  # leaves its server running, for the bots' cost
        log(f"form {results['form']['submissions_per_second']:.0f}/s; flood direct: reading "
            f"kept {results['flood']['ratio']:.2f}")  # fmt: skip
        results["cost"] |= cost.bots(bench, results["flood"]["quarantined"], QUARANTINE_CAP)
        results["flood_proxy"] = flood_proxy.measure(bench, FLOOD_RATE, QUARANTINE_CAP)
        results["cost"]["over_limit"] = cost.over_limit(bench)
        cost.posts_alone(results["cost"])
        bench.start()
        results |= {
            "mail": bench.mail(),
            "weight": bench.weight(),
            "admin": bench.admin(),
        }
        bench.stop_all()
        results["purge"] = bench.purge()
        results["machine"]["loop_seconds"] = {
            "before": loop_before,
            "after": loop_seconds(bench.plan.loop_additions),
        }
    finally:
        bench.stop_all()
        shutil.rmtree(bench.twins, ignore_errors=True)
        shutil.rmtree(bench.scratch, ignore_errors=True)
    results["server_log"] = {"tracebacks": len(bench.tracebacks), "first": bench.tracebacks[:1]}
    results["targets"] = targets.describe(results)
    results["information"] = targets.information(results)
    results["verdicts"] = targets.verdicts(results)
    return results


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--smoke", action="store_true", help="seconds-long run; speed figures mean nothing"
    )
    parser.add_argument("--output", type=Path, default=ROOT / "bench" / "results.json")
    parser.add_argument(
        "--database-url",
        default=os.environ.get(
            "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/pilaro_bench"
        ),
        help="a database the bench may drop and recreate (never one with real data)",
    )
    return parser.parse_args()


def main() -> int:
    args = parse_args()
    started = time.time()
    try:
        wrk.ensure_wrk()
        fresh_database(args.database_url)
        bench = Bench(SMOKE if args.smoke else FULL, args.database_url)
        try:
            results = measure(bench, args.smoke)
        finally:
            drop_database(args.database_url)
    except (BenchError, ServerError) as error:
        log(f"failed: {error}")
        return 1
    results["seconds"] = time.time() - started
    args.output.write_text(json.dumps(results, indent=2) + "\n")
    for traceback in bench.tracebacks[:1]:
        log(f"a server logged {len(bench.tracebacks)} traceback(s); the first:\n{traceback}")
    print(targets.table(results))
    print(f"\nwritten to {args.output} in {results['seconds']:.0f} s ({results['mode']} mode)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
