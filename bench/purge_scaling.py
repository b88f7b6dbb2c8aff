"""The purge phase of `make bench` alone, repeated: its time for a small and a large table.

    python -m bench.purge_scaling --small pilaro_seeded_100k --large pilaro_seeded_1m

Each run copies the two seeded databases (`CREATE DATABASE ... TEMPLATE`: seconds, where
seeding a million rows takes minutes), migrates the copy, times bench/purge_run.py on it
with production settings, as bench/run.py's purge phase does, checks that nothing expired
is left, and drops the copy. Make the templates with `manage.py migrate` and
`manage.py seed_enquiries N --expired` (DJANGO_DEBUG=1). Unlike `make bench`, the large
run does not start with the small run's erasure records and rights events.

`--code DIR` times another checkout's code (say, a `git archive` of an earlier commit).
Prints one JSON line per run and a summary line; besides the wall clock, each run's CPU
seconds (the purge process and its PostgreSQL backend), which others' load on a shared
machine moves less.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import threading
from pathlib import Path

import psycopg

from bench.servers import BIN, ROOT, run, site_env


def connect(server: str, database: str = "postgres") -> psycopg.Connection:
    return psycopg.connect(f"{server}/{database}", autocommit=True)


class BackendCpu(threading.Thread):
    """The CPU seconds of the PostgreSQL backends serving `database`, read from /proc
    twice a second while they live (the same machine): with the purge process's own,
    a figure that a shared machine's load moves less than the wall clock."""

    def __init__(self, server: str, database: str) -> None:
        super().__init__(daemon=True)
        self.server, self.database = server, database
        self.ticks: dict[int, int] = {}
        self.done = threading.Event()

    def run(self) -> None:
        with connect(self.server) as conn:
            while not self.done.wait(0.5):
                query = "SELECT pid FROM pg_stat_activity WHERE datname = %s"
                for (pid,) in conn.execute(query, (self.database,)).fetchall():
                    try:
                        fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
                    except OSError:  # gone meanwhile
                        continue
                    self.ticks[pid] = int(fields[11]) + int(fields[12])  # utime + stime

    def seconds(self) -> float:
        self.done.set()
        self.join()
        return sum(self.ticks.values()) / os.sysconf("SC_CLK_TCK")


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def one(server: str, template: str, code: Path) -> dict:
    copy = f"{template}_timed"
    with connect(server) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{copy}"')
        conn.execute(f'CREATE DATABASE "{copy}" TEMPLATE "{template}"')
    try:
        env = site_env(DATABASE_URL=f"{server}/{copy}".replace("postgresql://", "postgres://"))
        env["PYTHONPATH"] = str(code)
        run([str(BIN / "python"), "manage.py", "migrate", "-v0"], env, cwd=code)
        with connect(server, copy) as conn:
            rows = conn.execute("SELECT count(*) FROM contacts_enquiry").fetchone()[0]
        backends, before = BackendCpu(server, copy), children_cpu()
        backends.start()
        output = run([str(BIN / "python"), "-m", "bench.purge_run"], env, 3600, cwd=code)
        cpu = {"cpu_purge_s": children_cpu() - before, "cpu_postgres_s": backends.seconds()}
        with connect(server, copy) as conn:
            left = conn.execute("SELECT count(*) FROM contacts_enquiry").fetchone()[0]
        if left:
            raise SystemExit(f"the purge left {left} of {rows} enquiries in {copy}")
        return {"rows": rows, **json.loads(output.strip().splitlines()[-1]), **cpu}
    finally:
        with connect(server) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{copy}"')


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--server", default="postgresql://postgres@127.0.0.1:5432")
    parser.add_argument("--small", required=True, help="A database seeded with 100k expired.")
    parser.add_argument("--large", required=True, help="A database seeded with 1M expired.")
    parser.add_argument("--runs", type=int, default=2)
    parser.add_argument("--code", type=Path, default=ROOT, help="The checkout to time.")
    options = parser.parse_args()
    ratios = []
    for number in range(1, options.runs + 1):
        small = one(options.server, options.small, options.code)
        large = one(options.server, options.large, options.code)
        ratio = large["seconds"] / small["seconds"]
        ratios.append(ratio)
        cpu = [p["cpu_purge_s"] + p["cpu_postgres_s"] for p in (small, large)]
        figures = {"run": number, "small": small, "large": large, "scaling_ratio": ratio,
                   "cpu_scaling_ratio": cpu[1] / cpu[0]}  # fmt: skip
        print(json.dumps(figures), flush=True)
    print(json.dumps({"scaling_ratios": ratios, "min": min(ratios), "max": max(ratios)}))


if __name__ == "__main__":
    main()
