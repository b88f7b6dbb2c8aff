"""The suite's tiers (tests/tiers.py): a test that starts a process is in the server tier
however it starts it, and `make check` runs none of the marked tiers."""

from __future__ import annotations

import subprocess
import sys
from collections import OrderedDict

from tests import tiers
from tests.servers import ROOT, AppServer, site_env

CHECK = "not browser and not server and not slow"
PATHS = ["tests/site/", "tests/browser/"]


def _helper_that_starts_gunicorn():
    return AppServer(site_env())


def _helper_that_runs_a_command():
    return subprocess.run(["true"], check=True)


def _plain_helper(client):
    return client.get("/")


def test_a_test_that_starts_a_server_itself_is_found():
    def uses_the_harness():
        with AppServer(site_env()):
            pass

    assert tiers.starts_processes(uses_the_harness)


def test_a_test_that_starts_one_through_helpers_or_lambdas_is_found():
    def through_a_helper():
        _helper_that_starts_gunicorn()

    def through_a_lambda():
        return [(lambda: _helper_that_runs_a_command())()]

    assert tiers.starts_processes(through_a_helper)
    assert tiers.starts_processes(through_a_lambda)


def test_an_in_process_test_is_left_in_the_fast_tier():
    def in_process(client):
        assert _plain_helper(client).status_code == 200

    assert not tiers.starts_processes(in_process)


def test_make_check_selects_the_in_process_tier_only():
    selected = subprocess.run(
        [sys.executable, "-m", "pytest", "--collect-only", "-q", "-m", CHECK, *PATHS],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout

    # Plain in-process tests stay; Chromium, gunicorn, manage.py in a subprocess and the
    # make targets are left out.
    assert "tests/site/test_headers.py::" in selected
    assert "tests/site/test_tiers.py::test_an_in_process_test_is_left" in selected
    assert "tests/browser/" not in selected
    assert "tests/site/test_log_lines.py::" not in selected  # gunicorn, from a fixture
    assert "test_make_targets.py::" not in selected
    assert "test_settings.py::test_production_without_a_person_hash_key" not in selected
    assert "tests/site/test_tiers.py::test_make_check_selects" not in selected


class _Node:
    def __init__(self, collection: list[str]) -> None:
        self.collection, self.sent = collection, []

    def send_runtest_some(self, indexes: list[int]) -> None:
        self.sent.append([self.collection[i] for i in indexes])


def test_a_parallel_run_hands_out_slow_modules_then_browser_modules_then_the_largest():
    """The queue xdist built (modules by their number of tests) is handed out slow files
    first, then browser modules, then the rest in xdist's order."""
    queue = {
        "tests/contacts/test_many.py": ["a", "b", "c", "d"],
        "tests/browser/test_pages.py": ["e", "f"],
        "tests/contacts/test_few.py": ["g"],
        "tests/bench/test_bench_smoke.py": ["h"],
    }
    collection = [f"{module}::test_{name}" for module, names in queue.items() for name in names]
    scheduler = object.__new__(tiers.LongestFirst)  # xdist's own set-up needs a whole run
    scheduler.workqueue = OrderedDict(
        (module, {f"{module}::test_{n}": False for n in names}) for module, names in queue.items()
    )
    scheduler.assigned_work, node = {}, _Node(collection)
    scheduler.registered_collections = {node: collection}

    for _ in queue:
        scheduler._assign_work_unit(node)

    assert [sent[0].split("::")[0] for sent in node.sent] == [
        "tests/bench/test_bench_smoke.py",
        "tests/browser/test_pages.py",
        "tests/contacts/test_many.py",
        "tests/contacts/test_few.py",
    ]
