"""The system check names file and problem for every kind of broken notice file."""

from __future__ import annotations

import hashlib

import pytest
from django.core.checks import run_checks
from django.core.management import call_command

from privacy import manifest

pytestmark = pytest.mark.django_db


def errors() -> list[str]:
    return [f"{m.id} {m.msg}" for m in run_checks(tags=["privacy"]) if m.is_serious()]


def test_a_valid_set_of_files_passes(notice_dir):
    notice_dir.write("1.0", "2026-01-01")
    notice_dir.write("2.0", "2027-01-01", status="draft")

    assert errors() == []


@pytest.mark.parametrize(
    ("front_matter", "expected"),
    [
        (
            'version: "1.0"\neffective: 2026-01-01\nstatus: published\n',
            "1.0.md: front matter lacks 'summary'",
        ),
        (
            'version: "1.0"\neffective: [2026\nstatus: published\nsummary: x\n',
            "1.0.md: malformed front matter",
        ),
        (
            'version: "1.0"\neffective: 2026-13-45\nstatus: published\nsummary: x\n',
            "1.0.md: unparseable date",
        ),
        (
            'version: "1.0"\neffective: 1. mars 2026\nstatus: published\nsummary: x\n',
            "1.0.md: unparseable date",
        ),
        (
            'version: "1.0"\neffective: 2026-01-01\nstatus: live\nsummary: x\n',
            "status must be 'published' or 'draft'",
        ),
        (
            "version: 1.0\neffective: 2026-01-01\nstatus: published\nsummary: x\n",
            "version must be a quoted string",
        ),
        (
            'version: "1.0"\nefective: 2026-01-01\nstatus: published\nsummary: x\n',
            "lacks 'effective'",
        ),
    ],
)
def test_a_malformed_file_is_named_with_its_problem(notice_dir, front_matter, expected):
    notice_dir.write("1.0", "", front_matter=front_matter, record=False)

    assert any(expected in error and error.startswith("privacy.E001") for error in errors()), (
        errors()
    )


def test_a_file_without_front_matter_is_reported(notice_dir):
    (notice_dir.path / "1.0.md").write_text("## Bare tekst\n")

    assert any("1.0.md: malformed front matter" in error for error in errors())


def test_a_duplicate_version_is_reported(notice_dir):
    notice_dir.write("1.0", "2026-01-01")
    (notice_dir.path / "1.0-copy.md").write_text(
        (notice_dir.path / "1.0.md").read_text().replace("2026-01-01", "2026-02-01")
    )
    (notice_dir.path / "1.0-copy.declarations.yaml").write_text(
        (notice_dir.path / "1.0.declarations.yaml").read_text()
    )

    duplicates = [e for e in errors() if "duplicate version 1.0" in e]

    assert len(duplicates) == 1
    assert "1.0.md" in duplicates[0] and "1.0-copy.md" in duplicates[0]


def test_two_versions_effective_the_same_day_are_reported(notice_dir):
    notice_dir.write("1.0", "2026-01-01")
    notice_dir.write("1.1", "2026-01-01")

    assert any("1.1.md: effective the same day (2026-01-01) as version 1.0" in e for e in errors())


def test_a_later_version_effective_before_an_earlier_one_is_reported(notice_dir):
    notice_dir.write("1.0", "2026-06-01")
    notice_dir.write("1.1", "2026-01-01")

    assert any(
        "version 1.1 takes effect on 2026-01-01, not after version 1.0" in e for e in errors()
    )


def test_a_changed_published_text_is_reported_naming_the_version(notice_dir):
    path = notice_dir.write("1.0", "2026-01-01")
    path.write_text(path.read_text().replace("Navn og e-post.", "Navn, e-post og adresse."))

    assert any(
        e.startswith("privacy.E003 Published notice version 1.0 (1.0.md) has changed")
        for e in errors()
    )


def test_a_changed_draft_is_fine(notice_dir):
    notice_dir.write("1.0", "2026-01-01")
    path = notice_dir.write("2.0", "2027-01-01", status="draft")
    path.write_text(path.read_text() + "\nMer tekst.\n")

    assert errors() == []


def test_a_published_version_not_yet_recorded_is_reported(notice_dir):
    notice_dir.write("1.0", "2026-01-01", record=False)

    assert any(e.startswith("privacy.E002 Published notice version 1.0") for e in errors())


def test_no_version_in_force_is_reported(notice_dir):
    notice_dir.write("1.0", "2999-01-01")

    assert any(e.startswith("privacy.E004") for e in errors())


def test_the_database_check_reports_a_text_that_differs_from_the_recorded_one(notice_dir):
    path = notice_dir.write("1.0", "2026-01-01")
    call_command("sync_notices", verbosity=0)
    # The file and the repository's record both change: only the database still knows.
    path.write_text(path.read_text().replace("Navn og e-post.", "Navn."))
    (notice_dir.path / "SHA256SUMS").unlink()
    manifest.add(notice_dir.path, {"1.0.md": hashlib.sha256(path.read_bytes()).hexdigest()})

    messages = run_checks(tags=["privacy"], databases=["default"])

    assert any(m.id == "privacy.E011" and "version 1.0" in m.msg for m in messages)
