"""`make bench`: the site under gunicorn with production settings, measured against itself.

Every figure is a ratio or a percentile from this run, on this machine: readers against a
static file of the same size from the same server, form submissions, a spam flood, the
admin at 100,000 enquiries, the purge of a million, and page weight. Writes
bench/results.json and prints a table. `--smoke` does all of it in seconds, so that
`make test` keeps it from rotting; its numbers mean nothing.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse

import psycopg

from bench import load

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
STATIC_ROOT = ROOT / "staticfiles"
# Bot submissions per second (each a GET and a POST, from ever new addresses): 360,000
# an hour, far past what a small company's form sees, yet a rate this machine can also
# generate without the generator itself taking the cores the server needs.
FLOOD_RATE = 100

TARGETS = {
    "read_ratio_min": 0.9,
    "read_p99_ms_max": 10.0,
    "form_per_second_min": 400.0,
    "form_p99_ms_max": 50.0,
    "flood_read_ratio_min": 0.7,
    "admin_p95_ms_max": 150.0,
    "purge_peak_mb_max": 200.0,
    "purge_scaling_max": 12.0,
    "page_weight_kb_max": 40.0,
}


@dataclass(frozen=True)
class Plan:
    read_seconds: float
    form_seconds: float
    flood_seconds: float
    admin_rows: int
    admin_requests: int
    purge_small: int
    purge_large: int


FULL = Plan(10, 15, 10, 100_000, 200, 100_000, 1_000_000)
SMOKE = Plan(1, 1.5, 1.5, 2_000, 10, 500, 5_000)


def log(message: str) -> None:
    print(f"[bench] {message}", file=sys.stderr, flush=True)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Bench:
    def __init__(self, plan: Plan, database_url: str) -> None:
        self.plan = plan
        self.database_url = database_url
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.server: subprocess.Popen | None = None
        self.env = {
            **{
                k: v
                for k, v in os.environ.items()
                if not k.startswith(("DJANGO_", "PILARO_", "CACHE_URL"))
            },
            "DJANGO_SETTINGS_MODULE": "pilaro_site.settings",
            "DJANGO_DEBUG": "0",
            "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
            "DJANGO_SECURE_SSL_REDIRECT": "0",
            "DATABASE_URL": database_url,
            "EMAIL_URL": "dummymail://",
            "PILARO_NOTIFY_EMAILS": "bench@example.invalid",
            "PILARO_SITE_URL": self.base,
            # The bench's clients stand behind one "proxy": many addresses, one limit each.
            "PILARO_TRUSTED_PROXIES": "1",
            "PILARO_RATE_LIMIT": "100000/m",
            "PILARO_MIN_FILL_SECONDS": "0",
            "GUNICORN_BIND": f"127.0.0.1:{self.port}",
            "GUNICORN_ACCESS_LOG": "0",
        }

    # --- plumbing ---------------------------------------------------------------------

    def manage(self, *args: str, debug: bool = False) -> str:
        env = {**self.env, "DJANGO_DEBUG": "1" if debug else "0"}
        result = subprocess.run(
            [str(BIN / "python"), "manage.py", *args],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        if result.returncode:
            raise SystemExit(f"manage.py {' '.join(args)} failed:\n{result.stderr[-2000:]}")
        return result.stdout

    def python(self, module: str, *args: str) -> dict:
        result = subprocess.run(
            [str(BIN / "python"), "-m", module, *args],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            check=False,
        )
        if result.returncode:
            raise SystemExit(f"{module} failed:\n{result.stderr[-2000:]}")
        return json.loads(result.stdout.strip().splitlines()[-1])

    def sql(self, query: str) -> list[tuple]:
        with psycopg.connect(self.database_url.replace("postgres://", "postgresql://")) as conn:
            cursor = conn.execute(query)
            return cursor.fetchall() if cursor.description else []

    def enquiries(self) -> int:
        return self.sql("SELECT count(*) FROM contacts_enquiry")[0][0]

    def start(self, **overrides: str) -> None:
        self.stop()
        self.server = subprocess.Popen(
            [str(BIN / "gunicorn"), "-c", "gunicorn.conf.py"],
            cwd=ROOT,
            env={**self.env, **overrides},
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(self.base + "/healthz/", timeout=2) as response:
                    if response.status == 200:
                        break
            except OSError:
                time.sleep(0.2)
        else:
            raise SystemExit("gunicorn did not start")
        # Warm every worker: imports, first renders, connections.
        for _ in range(50):
            for path in ("/", "/personvern/", "/kontakt/"):
                self.fetch(path)

    def stop(self) -> None:
        if self.server and self.server.poll() is None:
            os.killpg(self.server.pid, signal.SIGTERM)
            self.server.wait(timeout=30)
        self.server = None

    def fetch(self, path: str, headers: dict[str, str] | None = None) -> tuple[bytes, dict]:
        request = urllib.request.Request(self.base + path, headers=headers or {})
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.read(), dict(response.headers)

    def wrk(self, path: str, seconds: float, headers: dict[str, str] | None = None) -> dict:
        args = ["wrk", "-t2", "-c16", f"-d{max(1, round(seconds))}s", "--latency"]
        for name, value in (headers or {}).items():
            args += ["-H", f"{name}: {value}"]
        output = subprocess.run(
            [*args, self.base + path], capture_output=True, text=True, check=True
        ).stdout
        rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
        latency = {
            p: _ms(value)
            for p, value in re.findall(r"^\s+(50|75|90|99)%\s+([\d.]+\w+)", output, re.M)
        }
        non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
        return {
            "requests_per_second": rps,
            "p50_ms": latency.get("50"),
            "p99_ms": latency.get("99"),
            "non_2xx": int(non_2xx.group(1)) if non_2xx else 0,
        }

    # --- the measurements -------------------------------------------------------------

    def prepare(self) -> None:
        log("preparing the database and static files")
        self.manage("migrate", "--noinput")
        self.manage("sync_notices")
        self.manage("collectstatic", "--noinput")
        # Static twins of the pages, byte for byte, served by the same WhiteNoise.
        self.start()
        twins = STATIC_ROOT / "bench"
        twins.mkdir(exist_ok=True)
        for name, path in (("home.html", "/"), ("personvern.html", "/personvern/")):
            (twins / name).write_bytes(self.fetch(path)[0])
        self.start()  # WhiteNoise reads STATIC_ROOT when it starts

    def reading(self) -> dict:
        log("reading: pages against their static twins")
        results = {}
        for name, page, twin in (
            ("personvern", "/personvern/", "/static/bench/personvern.html"),
            ("home", "/", "/static/bench/home.html"),
        ):
            measured = self.wrk(page, self.plan.read_seconds)
            static = self.wrk(twin, self.plan.read_seconds)
            results[name] = {
                "page": measured,
                "static": static,
                "ratio": measured["requests_per_second"] / static["requests_per_second"],
            }
        return results

    def form(self) -> dict:
        """Valid submissions by wrk (bench/form.lua): 16 visitors, each GET then POST."""
        log("form: valid submissions")
        before = self.enquiries()
        seconds = max(2, round(self.plan.form_seconds))
        output = subprocess.run(
            [
                "wrk",
                "-t16",
                "-c16",
                f"-d{seconds}s",
                "--latency",
                "-s",
                str(ROOT / "bench" / "form.lua"),
                self.base,
                "--",
                str(seconds),
            ],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        redirects, others = map(
            int, re.search(r"RESULT redirects=(\d+) others=(\d+)", output).groups()
        )
        latency = {p: _ms(v) for p, v in re.findall(r"^\s+(50|99)%\s+([\d.]+\w+)", output, re.M)}
        stored = self.enquiries() - before
        posting = seconds - 1  # the script stops posting a second before the end
        return {
            "submissions_per_second": redirects / posting,
            "p50_ms": latency["50"],
            "p99_ms": latency["99"],
            "redirects": redirects,
            "other_answers": others,
            "stored": stored,
            "stored_equals_redirects": stored == redirects,
        }

    def flood(self) -> dict:
        log("flood: reading while bots post (honeypot and too fast)")
        self.start(PILARO_MIN_FILL_SECONDS="2")
        unloaded = self.wrk("/personvern/", self.plan.flood_seconds)
        before = self.enquiries()
        bots = subprocess.Popen(
            [
                str(BIN / "python"),
                "-c",
                (
                    "import json, sys; from bench import load; "
                    f"t = load.spam_flood({self.base!r}, users=16, seconds={self.plan.flood_seconds + 1}, rate={FLOOD_RATE}); "
                    "print(json.dumps(t.statuses))"
                ),
            ],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            text=True,
        )
        people = subprocess.Popen(
            [
                str(BIN / "python"),
                "-c",
                (
                    "import json; from bench import load; "
                    f"t = load.submissions({self.base!r}, users=2, seconds={self.plan.flood_seconds}, wait=2.2); "
                    "print(json.dumps(t.statuses))"
                ),
            ],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            text=True,
        )
        time.sleep(0.5)
        loaded = self.wrk("/personvern/", self.plan.flood_seconds)
        bot_statuses = json.loads(bots.communicate(timeout=120)[0].strip().splitlines()[-1])
        person_statuses = json.loads(people.communicate(timeout=120)[0].strip().splitlines()[-1])
        stored = self.enquiries() - before
        valid = person_statuses.get("303", 0)
        self.start()
        return {
            "unloaded": unloaded,
            "loaded": loaded,
            "ratio": loaded["requests_per_second"] / unloaded["requests_per_second"],
            "bot_rate_target_per_second": FLOOD_RATE,
            "bot_posts": sum(bot_statuses.values()),
            "bot_statuses": bot_statuses,
            "valid_posts": valid,
            "valid_stored": stored,
            "all_valid_stored": stored == valid,
        }

    def admin(self) -> dict:
        log(f"admin: seeding {self.plan.admin_rows} enquiries")
        self.sql(
            "TRUNCATE contacts_enquiry, contacts_consent, contacts_notification, contacts_note CASCADE"
        )
        self.manage("seed_enquiries", "1000", debug=True)
        self.manage(
            "shell",
            "-c",
            (
                "from django.contrib.auth.models import User; "
                "User.objects.filter(username='bench-admin').delete(); "
                "User.objects.create_superuser('bench-admin', password=None)"
            ),
        )
        email = self.sql("SELECT email FROM contacts_enquiry ORDER BY id DESC LIMIT 1")[0][0]
        queries_small = self.python("bench.admin_queries", email)
        self.manage("seed_enquiries", str(self.plan.admin_rows - 1000), debug=True)
        queries_large = self.python("bench.admin_queries", email)
        session = (
            self.manage(
                "shell",
                "-c",
                (
                    "from django.contrib.auth import SESSION_KEY, BACKEND_SESSION_KEY, HASH_SESSION_KEY; "
                    "from django.contrib.auth.models import User; "
                    "from django.contrib.sessions.backends.db import SessionStore; "
                    "u = User.objects.get(username='bench-admin'); s = SessionStore(); "
                    "s[SESSION_KEY] = str(u.pk); s[BACKEND_SESSION_KEY] = 'django.contrib.auth.backends.ModelBackend'; "
                    "s[HASH_SESSION_KEY] = u.get_session_auth_hash(); s.create(); print(s.session_key)"
                ),
            )
            .strip()
            .splitlines()[-1]
        )
        cookie = {"Cookie": f"sessionid={session}"}
        timings = {}
        for name, path in (
            ("changelist", "/intern/contacts/enquiry/"),
            ("search_email", f"/intern/contacts/enquiry/?q={email}"),
        ):
            samples = []
            for _ in range(self.plan.admin_requests):
                started = time.perf_counter()
                body, _ = self.fetch(path, cookie)
                samples.append((time.perf_counter() - started) * 1000)
                assert b"bench-admin" in body or b"Logg ut" in body, "not logged in"
            timings[name] = {
                "p50_ms": load.percentile(samples, 50),
                "p95_ms": load.percentile(samples, 95),
            }
        return {
            "enquiries": self.enquiries(),
            **timings,
            "queries_at_1000": queries_small,
            "queries_at_full": queries_large,
            "constant_query_count": queries_small == queries_large,
        }

    def purge(self) -> dict:
        results = {}
        for label, rows in (("small", self.plan.purge_small), ("large", self.plan.purge_large)):
            log(f"purge: seeding {rows} expired enquiries")
            self.sql(
                "TRUNCATE contacts_enquiry, contacts_consent, contacts_notification, contacts_note CASCADE"
            )
            self.manage("seed_enquiries", str(rows), "--expired", debug=True)
            log(f"purge: erasing {rows}")
            run = self.python("bench.purge_run")
            assert self.enquiries() == 0, "the purge left expired enquiries"
            results[label] = {"rows": rows, **run}
        small, large = results["small"], results["large"]
        factor = large["rows"] / small["rows"]
        return {
            **results,
            "seconds_per_100k": large["seconds"] / large["rows"] * 100_000,
            "scaling_ratio": large["seconds"] / small["seconds"],
            "rows_ratio": factor,
            "peak_rss_mb": max(small["peak_rss_mb"], large["peak_rss_mb"]),
        }

    def weight(self) -> dict:
        log("page weight")
        results = {}
        for name, path in (("home", "/"), ("personvern", "/personvern/")):
            html, _ = self.fetch(path, {"Accept-Encoding": "br, gzip"})
            text = html.decode()
            urls = re.findall(r'(?:href|src)="([^"]+)"', text)
            foreign = [
                u
                for u in urls
                if urlparse(u).netloc and urlparse(u).netloc != f"127.0.0.1:{self.port}"
            ]
            assets = [
                u
                for u in urls
                if u.startswith("/static/")
                and (u.endswith(".css") or u.endswith(".js"))
                and re.search(
                    rf'<(?:link[^>]+rel="stylesheet"[^>]+href|script[^>]+src)="{re.escape(u)}"',
                    text,
                )
            ]
            total = len(html)
            for asset in assets:
                body, _ = self.fetch(asset, {"Accept-Encoding": "br, gzip"})
                total += len(body)
            results[name] = {
                "html_bytes": len(html),
                "assets": assets,
                "total_compressed_kb": total / 1024,
                "foreign_urls": foreign,
            }
        return results

    def versions(self) -> dict:
        import django
        import gunicorn

        wrk = subprocess.run(["wrk", "-v"], capture_output=True, text=True, check=False)
        return {
            "cores": os.cpu_count(),
            "python": platform.python_version(),
            "django": django.get_version(),
            "gunicorn": gunicorn.__version__,
            "postgresql": self.sql("SHOW server_version")[0][0],
            "wrk": (wrk.stdout + wrk.stderr).split("\n")[0].strip(),
            "gunicorn_workers": os.environ.get("GUNICORN_WORKERS")
            or f"default ({2 * (os.cpu_count() or 1) + 1})",
        }


def _ms(value: str) -> float:
    number, unit = re.match(r"([\d.]+)(\w+)", value).groups()
    return float(number) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def ensure_wrk() -> None:
    if shutil.which("wrk"):
        return
    log("installing wrk from Debian's packages")
    subprocess.run(["apt-get", "update", "-qq"], check=True)
    subprocess.run(
        ["apt-get", "install", "-y", "-qq", "wrk"],
        check=True,
        env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"},
    )


def fresh_database(url: str) -> None:
    parsed = urlparse(url)
    name = parsed.path.lstrip("/")
    admin = parsed._replace(scheme="postgresql", path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def verdicts(results: dict) -> dict[str, bool]:
    r = results
    return {
        "read_ratio_personvern": r["reading"]["personvern"]["ratio"] >= TARGETS["read_ratio_min"],
        "read_ratio_home": r["reading"]["home"]["ratio"] >= TARGETS["read_ratio_min"],
        "read_p99_personvern": r["reading"]["personvern"]["page"]["p99_ms"]
        < TARGETS["read_p99_ms_max"],
        "read_p99_home": r["reading"]["home"]["page"]["p99_ms"] < TARGETS["read_p99_ms_max"],
        "form_rate": r["form"]["submissions_per_second"] >= TARGETS["form_per_second_min"],
        "form_p99": r["form"]["p99_ms"] < TARGETS["form_p99_ms_max"],
        "form_nothing_lost": r["form"]["stored_equals_redirects"],
        "flood_ratio": r["flood"]["ratio"] >= TARGETS["flood_read_ratio_min"],
        "flood_valid_stored": r["flood"]["all_valid_stored"],
        "admin_changelist_p95": r["admin"]["changelist"]["p95_ms"] < TARGETS["admin_p95_ms_max"],
        "admin_search_p95": r["admin"]["search_email"]["p95_ms"] < TARGETS["admin_p95_ms_max"],
        "admin_constant_queries": r["admin"]["constant_query_count"],
        "purge_memory": r["purge"]["peak_rss_mb"] < TARGETS["purge_peak_mb_max"],
        "purge_scaling": r["purge"]["scaling_ratio"] <= TARGETS["purge_scaling_max"],
        "weight_home": r["weight"]["home"]["total_compressed_kb"] <= TARGETS["page_weight_kb_max"],
        "weight_personvern": r["weight"]["personvern"]["total_compressed_kb"]
        <= TARGETS["page_weight_kb_max"],
        "no_foreign_hosts": not (
            r["weight"]["home"]["foreign_urls"] or r["weight"]["personvern"]["foreign_urls"]
        ),
    }


def table(results: dict) -> str:
    r, v = results, results["verdicts"]
    rows = [
        (
            "read /personvern/ vs static",
            f"{r['reading']['personvern']['ratio']:.2f}",
            ">= 0.9",
            v["read_ratio_personvern"],
        ),
        (
            "read / vs static",
            f"{r['reading']['home']['ratio']:.2f}",
            ">= 0.9",
            v["read_ratio_home"],
        ),
        (
            "read /personvern/ p99",
            f"{r['reading']['personvern']['page']['p99_ms']:.1f} ms",
            "< 10 ms",
            v["read_p99_personvern"],
        ),
        (
            "read / p99",
            f"{r['reading']['home']['page']['p99_ms']:.1f} ms",
            "< 10 ms",
            v["read_p99_home"],
        ),
        (
            "form submissions/s",
            f"{r['form']['submissions_per_second']:.0f}",
            ">= 400",
            v["form_rate"],
        ),
        ("form p99 (per request)", f"{r['form']['p99_ms']:.1f} ms", "< 50 ms", v["form_p99"]),
        (
            "form stored == redirects",
            f"{r['form']['stored']} / {r['form']['redirects']}",
            "equal",
            v["form_nothing_lost"],
        ),
        ("flood: reading kept", f"{r['flood']['ratio']:.2f}", ">= 0.7", v["flood_ratio"]),
        (
            "flood: valid posts stored",
            f"{r['flood']['valid_stored']} / {r['flood']['valid_posts']}",
            "all",
            v["flood_valid_stored"],
        ),
        (
            "admin change list p95",
            f"{r['admin']['changelist']['p95_ms']:.0f} ms",
            "< 150 ms",
            v["admin_changelist_p95"],
        ),
        (
            "admin e-mail search p95",
            f"{r['admin']['search_email']['p95_ms']:.0f} ms",
            "< 150 ms",
            v["admin_search_p95"],
        ),
        (
            "admin query count constant",
            str(r["admin"]["queries_at_full"]),
            "constant",
            v["admin_constant_queries"],
        ),
        (
            "purge peak memory",
            f"{r['purge']['peak_rss_mb']:.0f} MB",
            "< 200 MB",
            v["purge_memory"],
        ),
        ("purge time per 100k", f"{r['purge']['seconds_per_100k']:.1f} s", "reported", True),
        (
            "purge scaling (large/small)",
            f"{r['purge']['scaling_ratio']:.1f} for {r['purge']['rows_ratio']:.0f}x rows",
            "<= 12",
            v["purge_scaling"],
        ),
        (
            "weight /",
            f"{r['weight']['home']['total_compressed_kb']:.1f} KB",
            "<= 40 KB",
            v["weight_home"],
        ),
        (
            "weight /personvern/",
            f"{r['weight']['personvern']['total_compressed_kb']:.1f} KB",
            "<= 40 KB",
            v["weight_personvern"],
        ),
        (
            "requests to other hosts",
            "0" if v["no_foreign_hosts"] else "some",
            "0",
            v["no_foreign_hosts"],
        ),
    ]
    width = max(len(row[0]) for row in rows)
    lines = [f"{'measure':<{width}}  {'result':>24}  {'target':>10}  ok"]
    lines += [
        f"{name:<{width}}  {value:>24}  {target:>10}  {'yes' if ok else 'NO'}"
        for name, value, target, ok in rows
    ]
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--smoke", action="store_true", help="seconds-long run; numbers mean nothing"
    )
    parser.add_argument("--output", type=Path, default=ROOT / "bench" / "results.json")
    parser.add_argument(
        "--database-url",
        default=os.environ.get(
            "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/pilaro_bench"
        ),
        help="a database the bench may drop and recreate (never one with real data)",
    )
    args = parser.parse_args()
    ensure_wrk()
    fresh_database(args.database_url)
    bench = Bench(SMOKE if args.smoke else FULL, args.database_url)
    started = time.time()
    try:
        bench.prepare()
        results = {
            "mode": "smoke" if args.smoke else "full",
            "machine": bench.versions(),
            "reading": bench.reading(),
            "form": bench.form(),
            "flood": bench.flood(),
        }
        results["weight"] = bench.weight()
        results["admin"] = bench.admin()
        bench.stop()
        results["purge"] = bench.purge()
    finally:
        bench.stop()
        shutil.rmtree(STATIC_ROOT / "bench", ignore_errors=True)
    results["targets"] = TARGETS
    results["verdicts"] = verdicts(results)
    results["seconds"] = time.time() - started
    args.output.write_text(json.dumps(results, indent=2) + "\n")
    print(table(results))
    print(f"\nwritten to {args.output} in {results['seconds']:.0f} s ({results['mode']} mode)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
