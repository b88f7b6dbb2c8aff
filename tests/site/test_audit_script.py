"""The dependency audit tells "vulnerable", "not checked" and "clean" apart."""

from __future__ import annotations

import json
import subprocess

import pytest

from scripts import audit_dependencies


def fake_pip_audit(monkeypatch, dependencies: list[dict]) -> None:
    def run(*args, **kwargs):
        return subprocess.CompletedProcess(args, 0, json.dumps({"dependencies": dependencies}), "")

    monkeypatch.setattr(audit_dependencies.subprocess, "run", run)


@pytest.mark.parametrize(
    ("dependencies", "expected"),
    [
        ([{"name": "django", "version": "5.2", "vulns": []}], 0),
        ([{"name": "django", "version": "5.2", "vulns": [{"id": "PYSEC-1"}]}], 1),
        ([{"name": "django", "version": "5.2", "skip_reason": "not found"}], 2),
        (
            [
                {"name": "django", "version": "5.2", "vulns": []},
                {"name": "x", "version": "1", "skip_reason": "not found"},
            ],
            1,
        ),
    ],
)
def test_pip_audit_results_are_classified(monkeypatch, capsys, dependencies, expected):
    fake_pip_audit(monkeypatch, dependencies)

    assert audit_dependencies.audit_python() == expected
