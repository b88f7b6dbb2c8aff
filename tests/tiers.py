"""The suite's tiers, applied when the tests are collected: nobody marks a test by hand.

- `browser`: every test under tests/browser/ (Chromium against gunicorn).
- `server`: every test that starts a process of its own (gunicorn, a job worker, PostgreSQL,
  `make`, manage.py in a subprocess). Found by reading the test: its code, its fixtures'
  code and the helpers they call, for a name that resolves to the process harness
  (tests/servers.py, bench/servers.py, `subprocess`). A new test that starts a server is
  in this tier without anyone remembering to say so.
- `slow`: the few that take many seconds each whatever the machine (SLOW below).

`make check` runs what is left (the in-process tier); `make test` runs everything.

In a parallel run (`make test`: pytest-xdist, a module to a process) the modules are handed
out longest first, as far as their tier tells: the slow files, then the browser modules, then
the rest by their number of tests (`LongestFirst`). A slow module handed out last would be
the run's tail, with the other processes idle.
"""

from __future__ import annotations

import inspect
import types
from collections import OrderedDict
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from xdist.scheduler import LoadScopeScheduling

TIERS = {
    "browser": "a real browser (Chromium) against gunicorn",
    "server": "starts a process of its own: gunicorn, a worker, PostgreSQL, make, manage.py",
    "slow": "takes many seconds: the whole front, the bench, a fresh checkout, Lighthouse",
}
# Modules whose names, used by a test, mean it starts a process.
HARNESS = ("subprocess", "multiprocessing", "tests.servers", "bench.servers", "bench.wrk")
# Files whose every test is slow, and why.
SLOW = {
    "tests/bench/test_bench_smoke.py": "a short run of the whole bench",
    "tests/site/test_newcomer.py": "the README's commands on a fresh copy of the tree",
    "tests/site/test_make_targets.py": "make run, demo, serve and serve-tls as a person runs them",
    "tests/site/test_proxy.py": "nginx in front of gunicorn, slow senders included",
    "tests/jobs/test_worker_faults.py": "workers killed, mail servers down, a database restart",
    "tests/browser/test_lighthouse.py": "Lighthouse's audits",
}
ROOT = Path(__file__).resolve().parents[1]


def pytest_configure(config: pytest.Config) -> None:
    for name, meaning in TIERS.items():
        config.addinivalue_line("markers", f"{name}: {meaning}")
    config.pluginmanager.register(Order(), "tiers-order")


@pytest.hookimpl(tryfirst=True)  # before `-m` selects and pytest-xdist groups
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        for tier in tiers_of(item):
            item.add_marker(tier)


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config: pytest.Config, log) -> LoadScopeScheduling | None:
    if config.getoption("dist") != "loadscope":
        return None
    return LongestFirst(config, log)


def scope_rank(scope: str) -> int:
    """Where a module's tests stand in the hand-out: 0 slow, 1 browser, 2 the rest."""
    path = scope.split("::", 1)[0]
    if path in SLOW:
        return 0
    return 1 if path.startswith("tests/browser/") else 2


class LongestFirst(LoadScopeScheduling):
    """pytest-xdist's loadscope, its queue (modules by their number of tests) ordered by
    `scope_rank` first, once, before the first module is handed out."""

    _ranked = False

    def _assign_work_unit(self, node) -> None:
        if not self._ranked:
            ranked = sorted(self.workqueue.items(), key=lambda unit: scope_rank(unit[0]))
            self.workqueue = OrderedDict(ranked)
            self._ranked = True
        super()._assign_work_unit(node)


class Order:
    @pytest.hookimpl(trylast=True)  # after pytest-django's: rolled back, then committed
    def pytest_collection_modifyitems(self, items: list[pytest.Item]) -> None:
        """The slow tests that leave the test database alone go first: they mostly wait on
        the processes they start, so in a parallel run they overlap the rest instead of
        being its tail. Everything else keeps its order."""
        items.sort(key=lambda item: not (item.get_closest_marker("slow") and _leaves_db(item)))


def _leaves_db(item: pytest.Item) -> bool:
    used = set(getattr(item, "fixturenames", ()))
    return not used & {"db", "transactional_db", "django_db_setup"} and not (
        item.get_closest_marker("django_db")
    )


def tiers_of(item: pytest.Item) -> set[str]:
    path = item.path.relative_to(ROOT).as_posix()
    found = set()
    if path.startswith("tests/browser/"):
        found.add("browser")
    if path in SLOW:
        found.add("slow")
    functions = [getattr(item, "function", None)]
    fixture_defs = getattr(getattr(item, "_fixtureinfo", None), "name2fixturedefs", {})
    functions += [d.func for defs in fixture_defs.values() for d in defs]
    if any(starts_processes(f) for f in functions if f is not None):
        found.add("server")
    return found


def starts_processes(function: Callable, _seen: set[int] | None = None) -> bool:
    """Whether `function`, or a function of the tests it calls, uses the process harness."""
    seen = set() if _seen is None else _seen
    function = inspect.unwrap(function)
    code = getattr(function, "__code__", None)
    if code is None or id(code) in seen:
        return False
    seen.add(id(code))
    scope = function.__globals__
    for name in _names(code):
        value = scope.get(name)
        if value is None:
            continue
        if _is_harness(value) or (
            isinstance(value, type) and any(map(_is_harness, value.__mro__[1:]))
        ):
            return True
        if isinstance(value, types.FunctionType | type) and _in_tests(value):
            targets = vars(value).values() if isinstance(value, type) else [value]
            if any(starts_processes(t, seen) for t in targets if callable(t)):
                return True
    return False


def _names(code: types.CodeType) -> Iterator[str]:
    yield from code.co_names
    for const in code.co_consts:
        if isinstance(const, types.CodeType):  # nested functions, lambdas, comprehensions
            yield from _names(const)


def _is_harness(value: object) -> bool:
    if isinstance(value, types.ModuleType):
        module = value.__name__
    else:
        module = getattr(value, "__module__", None)
    return isinstance(module, str) and module.startswith(HARNESS)


def _in_tests(value: object) -> bool:
    return getattr(value, "__module__", "").startswith(("tests.", "bench."))
