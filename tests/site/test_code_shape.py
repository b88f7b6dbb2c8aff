"""The shape the code-health issue set, kept: app modules a screen or two, functions short.

`admin.py` (Django's admin classes) and migrations are exempt, as the issue says."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
APPS = ("contacts", "privacy")
PACKAGES = ("contacts", "privacy", "pagecache", "jobs", "staff", "pilaro_site", "bench")


def sources(packages) -> list[Path]:
    return [
        path
        for package in packages
        for path in sorted((ROOT / package).rglob("*.py"))
        if "migrations" not in path.parts
    ]


def test_no_module_in_the_apps_is_over_300_lines():
    long = {
        str(path.relative_to(ROOT)): n
        for path in sources(APPS)
        if path.name != "admin.py" and (n := len(path.read_text().splitlines())) > 300
    }

    assert long == {}


def test_no_function_is_over_50_lines():
    long = {}
    for path in sources(PACKAGES):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                length = node.end_lineno - node.lineno + 1
                if length > 50:
                    long[f"{path.relative_to(ROOT)}:{node.name}"] = length

    assert long == {}
