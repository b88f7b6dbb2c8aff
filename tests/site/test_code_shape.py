"""The shape of the code, kept: app modules a screen or two, functions short.

No module in the apps, the site or `common` is over 300 lines (migrations and settings.py
aside: one is generated, the other is the site's one list of settings); no function
outside the tests is over 50 lines."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
APPS = ("common", "contacts", "privacy", "staff", "jobs", "pagecache", "pilaro_site")
CODE = (*APPS, "bench", "deploy", "scripts")
NOT_MEASURED = {ROOT / "pilaro_site" / "settings.py"}


def sources(packages) -> list[Path]:
    return [
        path
        for package in packages
        for path in sorted((ROOT / package).rglob("*.py"))
        if "migrations" not in path.parts and path not in NOT_MEASURED
    ]


def long_functions(source: str, limit: int = 50) -> dict[str, int]:
    """The functions of `source` over `limit` lines (decorators aside), by name."""
    long = {}
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            length = node.end_lineno - node.lineno + 1
            if length > limit:
                long[node.name] = length
    return long


def test_no_module_in_the_apps_is_over_300_lines():
    long = {
        str(path.relative_to(ROOT)): n
        for path in sources(APPS)
        if (n := len(path.read_text().splitlines())) > 300
    }

    assert long == {}


def test_no_function_is_over_50_lines():
    long = {}
    for path in [*sources(CODE), ROOT / "manage.py", ROOT / "gunicorn.conf.py"]:
        for name, length in long_functions(path.read_text()).items():
            long[f"{path.relative_to(ROOT)}:{name}"] = length

    assert long == {}


def test_the_measure_counts_a_function_from_its_def_to_its_last_line():
    def function(lines: int) -> str:
        return "def f():\n" + "    x = 1\n" * (lines - 1)

    assert long_functions(function(50)) == {}
    assert long_functions(function(51)) == {"f": 51}
    method = "".join(f"    {line}\n" for line in function(51).splitlines())
    assert long_functions("class C:\n" + method) == {"f": 51}
