"""CPU time that a phase of the bench costs, per process group, read from /proc.

A process's own CPU is utime + stime (/proc/PID/stat, fields 14 and 15); cutime + cstime
(16 and 17) hold the CPU of its children that have exited and been waited for. A process
tree's CPU is both, summed over its live processes: a gunicorn worker that is replaced
counts through the master's cutime once the master has reaped it.

PostgreSQL's backends are children of the postmaster, which reaps them, so its cutime grows
by an exited backend's CPU as well (tests/bench/test_cpu.py checks that on this machine).
The bench does not use that figure: the postmaster is shared with every other database of
the server (other test runs, other engineers' benches), and its cutime counts all of their
backends too. PostgreSQL's share is, instead:

- the backends of the bench's own database, found by their process title
  ("postgres: [CLUSTER: ]USER DATABASE HOST(PORT) STATE"), sampled every POLL_SECONDS while
  the phase runs. A backend that exits counts up to its last sample; the app's connections
  are persistent (CONN_MAX_AGE), so that loses at most one poll's worth of a reconnecting
  backend. A backend born during the phase counts from zero.
- the server's background processes (checkpointer, background writer, walwriter,
  autovacuum) and the postmaster's own CPU (it forks the backends). They work for every
  database: the caller subtracts an idle baseline measured for the same seconds
  (`Usage.minus`), so what is left is what the phase added, plus the others' noise in
  that window: reported apart as `postgres_background`.

The load generators, wrk and the mail sink are never counted.
"""

from __future__ import annotations

import os
import re
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import psycopg

TICK_MS = 1000 / os.sysconf("SC_CLK_TCK")
POLL_SECONDS = 0.1
BACKEND = re.compile(r"^postgres: (?:\S+: )?\S+ (\S+) (?:\S+\(\d+\)|\[local\])")
BACKGROUND = re.compile(
    r"^postgres: (?:\S+: )?(checkpointer|background writer|walwriter|autovacuum|archiver)"
)


@dataclass(frozen=True)
class Stat:
    ppid: int
    own: int  # utime + stime, in clock ticks
    reaped: int  # cutime + cstime: its children that have exited and been waited for


def stat(pid: int) -> Stat | None:
    """A process's CPU ticks; None once it is gone."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    # The command name (field 2) is in parentheses and may hold spaces: split after it.
    fields = text.rpartition(")")[2].split()
    # fields[0] is field 3 (state): utime is field 14, so fields[11].
    return Stat(int(fields[1]), int(fields[11]) + int(fields[12]),
                int(fields[13]) + int(fields[14]))  # fmt: skip


def children(pid: int) -> list[int]:
    """The live children of a process (every thread's, for a threaded parent)."""
    found = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            found += [int(c) for c in (task / "children").read_text().split()]
        except OSError:
            continue
    return found


def tree(root: int) -> list[int]:
    """`root` and all its live descendants."""
    pids, index = [root], 0
    while index < len(pids):
        pids += children(pids[index])
        index += 1
    return pids


def tree_ticks(root: int) -> int:
    """CPU ticks of a process tree: own and reaped children's, over its live processes."""
    return sum(s.own + s.reaped for pid in tree(root) if (s := stat(pid)))


def title(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode().strip()
    except (OSError, UnicodeDecodeError):
        return ""


def postmaster(database_url: str) -> int | None:
    """The PostgreSQL server's postmaster: the parent of this connection's backend. None
    when that backend is not a process of this machine (a server elsewhere)."""
    with psycopg.connect(database_url.replace("postgres://", "postgresql://")) as conn:
        backend = conn.execute("SELECT pg_backend_pid()").fetchone()[0]
        found, name = stat(backend), title(backend)  # while the backend is alive
    return found.ppid if found and BACKEND.match(name) else None


@dataclass
class Usage:
    """Milliseconds of CPU per group over `seconds`."""

    seconds: float
    ms: dict[str, float] = field(default_factory=dict)

    def minus(self, idle: Usage) -> Usage:
        """This usage less an idle baseline, scaled to this usage's seconds."""
        scale = self.seconds / idle.seconds if idle.seconds else 0.0
        return Usage(
            self.seconds, {k: v - idle.ms.get(k, 0.0) * scale for k, v in self.ms.items()}
        )


class Meter:
    """CPU of named process trees (e.g. gunicorn's master, the job worker) and of one
    database's share of PostgreSQL, from `start()` to `stop()`."""

    def __init__(self, trees: dict[str, int], postmaster_pid: int | None, database: str):
        self.trees, self.postmaster, self.database = trees, postmaster_pid, database
        self._first: dict[str, dict[int, int]] = {"backends": {}, "background": {}}
        self._last: dict[str, dict[int, int]] = {"backends": {}, "background": {}}
        self._done = threading.Event()
        self._thread: threading.Thread | None = None

    def _postgres(self) -> dict[str, dict[int, int]]:
        """Ticks of the database's backends and of the server's own processes, now."""
        found: dict[str, dict[int, int]] = {"backends": {}, "background": {}}
        if self.postmaster is None:
            return found
        if own := stat(self.postmaster):
            found["background"][self.postmaster] = own.own
        for pid in children(self.postmaster):
            name = title(pid)
            backend = BACKEND.match(name)
            group = "backends" if backend and backend.group(1) == self.database else None
            if BACKGROUND.match(name) or name.endswith(f"autovacuum worker {self.database}"):
                group = "background"
            if group and (s := stat(pid)):
                found[group][pid] = s.own
        return found

    def _sample(self) -> None:
        for group, ticks in self._postgres().items():
            self._last[group].update(ticks)

    def _poll(self) -> None:
        while not self._done.wait(POLL_SECONDS):
            self._sample()

    def start(self) -> Meter:
        self._started = time.monotonic()
        self._trees_first = {name: tree_ticks(pid) for name, pid in self.trees.items()}
        self._first = self._postgres()
        self._last = {group: dict(ticks) for group, ticks in self._first.items()}
        self._thread = threading.Thread(target=self._poll, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> Usage:
        self._done.set()
        self._thread.join()
        self._sample()
        seconds = time.monotonic() - self._started
        ms = {
            name: (tree_ticks(pid) - self._trees_first[name]) * TICK_MS
            for name, pid in self.trees.items()
        }
        for group in ("backends", "background"):
            first, last = self._first[group], self._last[group]
            ms[f"postgres_{group}"] = sum(t - first.get(p, 0) for p, t in last.items()) * TICK_MS
        ms["postgres"] = ms["postgres_backends"] + ms["postgres_background"]
        if self.postmaster is None:
            ms = {k: v for k, v in ms.items() if not k.startswith("postgres")}
        return Usage(seconds, ms)


def measure_idle(meter_args: tuple, seconds: float) -> Usage:
    """A baseline: the same groups measured for `seconds` with nothing sent to them."""
    meter = Meter(*meter_args).start()
    time.sleep(seconds)
    return meter.stop()
