"""Imports run one way: the site composes the apps, the apps stand on the shared apps and
on `common`, and `common` stands on nothing of ours. Inside `contacts` the domains are
layered too, and no module of ours takes part in an import cycle.

The graph is read from the source (every import statement, those inside functions too),
so an import moved into a function to dodge a cycle still counts.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("common", "privacy", "jobs", "staff", "pagecache", "contacts", "pilaro_site")
# What each top-level package may import of ours, besides itself.
ALLOWED = {
    "common": set(),
    "privacy": {"common", "jobs", "staff", "pagecache"},
    "jobs": {"common", "privacy", "staff", "pagecache"},
    "staff": {"common", "privacy", "jobs", "pagecache"},
    "pagecache": {"common", "privacy", "jobs", "staff"},
    "contacts": {"common", "privacy", "jobs", "staff", "pagecache"},
    "pilaro_site": {"common", "privacy", "jobs", "staff", "pagecache", "contacts"},
}
# The domains inside contacts, lowest first: each may import those before it.
DOMAINS = ("retention", "intake", "rights", "inbox")
# Below every domain: what all of them share. The retention rule is the one domain module
# it uses (the model applies it); the rule imports nothing of contacts.
CORE = ("models", "audit", "calendar", "checks", "fields", "phone", "restricted", "staff_digest")
CORE_MAY_USE = {"contacts.retention.rules"}


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def project_modules() -> dict[str, Path]:
    return {
        module_name(path): path
        for package in PACKAGES
        for path in sorted((ROOT / package).rglob("*.py"))
    }


def imports_of(path: Path, modules: dict[str, Path]) -> set[str]:
    """The project modules a file imports anywhere in it (a name imported from a package
    counts as its submodule when there is one)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names if alias.name in modules)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            for alias in node.names:
                submodule = f"{node.module}.{alias.name}"
                if submodule in modules:
                    found.add(submodule)
                elif node.module in modules:
                    found.add(node.module)
    return found


def graph() -> dict[str, set[str]]:
    modules = project_modules()
    return {name: imports_of(path, modules) - {name} for name, path in modules.items()}


def upward_imports(edges: dict[str, set[str]]) -> list[str]:
    wrong = []
    for module, targets in edges.items():
        package = module.split(".")[0]
        for target in targets:
            other = target.split(".")[0]
            if other != package and other not in ALLOWED[package]:
                wrong.append(f"{module} -> {target}")
    return sorted(wrong)


def layer(module: str) -> str | None:
    """A contacts module's place: a domain, "core", or None (the composing layer: the
    admin, the jobs' registry, the commands, template tags, apps and URLs)."""
    parts = module.split(".")
    if parts[0] != "contacts" or len(parts) < 2:
        return None
    if parts[1] in DOMAINS:
        return parts[1]
    return "core" if parts[1] in CORE else None


def domain_violations(edges: dict[str, set[str]]) -> list[str]:
    wrong = []
    for module, targets in edges.items():
        here = layer(module)
        for target in targets:
            there = layer(target)
            if here is None or there is None or here == there or there == "core":
                continue
            upwards = (
                target not in CORE_MAY_USE
                if here == "core"
                else DOMAINS.index(there) > DOMAINS.index(here)
            )
            if upwards:
                wrong.append(f"{module} ({here}) -> {target} ({there})")
    return sorted(wrong)


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in edges.get(node, ()):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    sys.setrecursionlimit(max(sys.getrecursionlimit(), 10_000))
    for node in sorted(edges):
        if node not in index:
            visit(node)
    return found


def test_nothing_imports_upwards():
    assert upward_imports(graph()) == []


def test_the_domains_of_contacts_import_only_those_below_them():
    assert domain_violations(graph()) == []


def test_no_module_takes_part_in_an_import_cycle():
    assert cycles(graph()) == []


def test_the_checks_see_what_they_guard():
    """The rules above, tried on made-up graphs: each finds the import it forbids."""
    assert upward_imports({"common.urls": {"contacts.models"}}) == [
        "common.urls -> contacts.models"
    ]
    assert upward_imports({"privacy.views": {"contacts.intake.forms"}}) != []
    assert upward_imports({"contacts.intake.views": {"pilaro_site.seo"}}) != []
    assert domain_violations({"contacts.retention.erasure": {"contacts.rights.subject_log"}})
    assert domain_violations({"contacts.models.enquiry": {"contacts.intake.submission"}})
    assert not domain_violations({"contacts.models.enquiry": {"contacts.retention.rules"}})
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


IMPORTED_ALONE = (
    "common",
    "common.mail",
    "common.schedules",
    "contacts.intake",
    "contacts.inbox",
    "contacts.rights",
    "contacts.retention",
    "contacts.admin",
    "contacts.tasks",
    "privacy",
    "staff",
    "jobs",
    "pagecache",
)


# One interpreter sets Django up, then forks a child per package: each child is the fresh
# interpreter right after django.setup(), at a fraction of a fresh start's cost.
EACH_ALONE = """
import os, sys, traceback
import django
django.setup()
for package in sys.argv[1:]:
    pid = os.fork()
    if pid == 0:
        try:
            __import__(package)
        except BaseException:
            print(f"FAILED {package}\\n{traceback.format_exc()}", flush=True)
            os._exit(1)
        os._exit(0)
    _, status = os.waitpid(pid, 0)
    print(f"RESULT {package} {os.waitstatus_to_exitcode(status)}", flush=True)
"""


@pytest.fixture(scope="module")
def imported_alone() -> str:
    env = {"DJANGO_SETTINGS_MODULE": "tests.settings", "PATH": "/usr/bin:/bin"}
    result = subprocess.run(
        [sys.executable, "-c", EACH_ALONE, *IMPORTED_ALONE],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    return result.stdout


@pytest.mark.parametrize("package", IMPORTED_ALONE)
def test_each_package_imports_on_its_own(imported_alone, package):
    """In a fresh interpreter, after django.setup() and before anything else of ours."""
    assert f"RESULT {package} 0\n" in imported_alone, imported_alone[-3000:]
