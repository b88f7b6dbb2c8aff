"""The bench's CPU accounting (bench/cpu.py) counts what it says: a process tree's exited
children, a database's PostgreSQL backends, and not less; and the postmaster does reap its
backends' CPU into its own children's times (why the bench does not use that is in
bench/cpu.py: the postmaster is shared)."""

from __future__ import annotations

import subprocess
import sys
import time

import psycopg
import pytest
from django.conf import settings

from bench import cpu

BURN = "import time\nend = time.process_time() + 0.3\nwhile time.process_time() < end: pass\n"
# Runs BURN in a child, waits for it (so reaps it), says so, then waits to be stopped.
PARENT = (
    "import subprocess, sys, time\n"
    f"subprocess.run([sys.executable, '-c', {BURN!r}], check=True)\n"
    "print('reaped', flush=True)\n"
    "time.sleep(60)\n"
)
BACKEND_BURN = "SELECT count(*) FROM generate_series(1, 3000000)"


@pytest.fixture
def maintenance_url() -> str:
    db = settings.DATABASES["default"]
    return f"postgresql://{db['USER']}@{db['HOST']}:{db['PORT'] or 5432}/postgres"


def test_a_tree_counts_a_child_that_exited_and_was_reaped():
    parent = subprocess.Popen([sys.executable, "-c", PARENT], stdout=subprocess.PIPE, text=True)
    try:
        assert parent.stdout.readline().strip() == "reaped"
        own = cpu.stat(parent.pid)

        assert own.reaped * cpu.TICK_MS >= 250  # the child's 0.3 s
        assert cpu.tree_ticks(parent.pid) == own.own + own.reaped
    finally:
        parent.kill()
        parent.wait()


def test_a_tree_counts_its_live_children():
    child = subprocess.Popen(
        [sys.executable, "-c", BURN + "print('burnt', flush=True)\ntime.sleep(60)"],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        # The burn is over (on a loaded machine it can take seconds of wall time).
        assert child.stdout.readline().strip() == "burnt"
        ticks = cpu.tree_ticks(cpu.stat(child.pid).ppid)

        assert cpu.stat(child.pid).own * cpu.TICK_MS >= 250
        assert ticks >= cpu.stat(child.pid).own
    finally:
        child.kill()
        child.wait()


def _burn_in_a_backend(url: str, meter: cpu.Meter | None = None) -> int:
    """CPU ticks a backend spent on BACKEND_BURN; the backend has exited on return (after
    `meter`, if given, has sampled it)."""
    with psycopg.connect(url) as conn:
        pid = conn.execute("SELECT pg_backend_pid()").fetchone()[0]
        conn.execute(BACKEND_BURN).fetchone()
        burnt = cpu.stat(pid).own
        # Sampled after the burn, before it exits: a loaded machine may poll late.
        deadline = time.monotonic() + 30
        while meter and meter._last["backends"].get(pid, 0) < burnt:
            if time.monotonic() > deadline:
                break
            time.sleep(cpu.POLL_SECONDS)
        return burnt


def test_the_meter_counts_the_database_s_backends_even_once_they_exited(maintenance_url):
    meter = cpu.Meter({}, cpu.postmaster(maintenance_url), "postgres").start()

    burnt = _burn_in_a_backend(maintenance_url, meter)
    used = meter.stop()

    assert burnt * cpu.TICK_MS >= 50
    assert used.ms["postgres_backends"] >= burnt * cpu.TICK_MS
    assert used.ms["postgres"] == used.ms["postgres_backends"] + used.ms["postgres_background"]


def test_a_backend_of_another_database_is_not_counted(maintenance_url):
    meter = cpu.Meter({}, cpu.postmaster(maintenance_url), "no_such_database").start()

    burnt = _burn_in_a_backend(maintenance_url)

    assert meter.stop().ms["postgres_backends"] < burnt * cpu.TICK_MS


def test_the_postmaster_reaps_an_exited_backend_s_cpu_into_its_children_times(maintenance_url):
    postmaster = cpu.postmaster(maintenance_url)
    before = cpu.stat(postmaster).reaped

    burnt = _burn_in_a_backend(maintenance_url)

    deadline = time.monotonic() + 5
    while cpu.stat(postmaster).reaped - before < burnt and time.monotonic() < deadline:
        time.sleep(0.05)
    # Other databases' backends exiting meanwhile only add to it.
    assert cpu.stat(postmaster).reaped - before >= burnt > 0


def test_an_idle_baseline_is_scaled_to_the_phase_s_seconds_and_subtracted():
    phase = cpu.Usage(4.0, {"gunicorn": 100.0, "postgres": 50.0})
    idle = cpu.Usage(2.0, {"gunicorn": 10.0, "postgres": 5.0})

    assert phase.minus(idle).ms == {"gunicorn": 80.0, "postgres": 40.0}


def test_a_backend_s_title_names_its_database():
    title = "postgres: 15/main: postgres pilaro_bench 127.0.0.1(54080) idle"

    assert cpu.BACKEND.match(title).group(1) == "pilaro_bench"
    assert cpu.BACKEND.match("postgres: app pilaro_bench [local] idle").group(1) == "pilaro_bench"
    assert not cpu.BACKEND.match("postgres: 15/main: checkpointer")
    assert cpu.BACKGROUND.match("postgres: 15/main: walwriter")
