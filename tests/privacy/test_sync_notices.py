from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command

from privacy import manifest
from privacy.models import NoticeVersion
from tests.concurrency import run_at_once
from tests.conftest import declarations_covering_the_map


@pytest.mark.django_db
def test_it_records_each_published_version_once(notice_dir):
    notice_dir.write("1.0", "2026-01-01")
    notice_dir.write("1.1", "2026-06-01")
    notice_dir.write("2.0", "2027-01-01", status="draft")

    call_command("sync_notices", verbosity=0)
    first = list(NoticeVersion.objects.values_list("version", "sha256", "first_seen"))
    call_command("sync_notices", verbosity=0)

    assert [v for v, _, _ in first] == ["1.0", "1.1"]
    assert list(NoticeVersion.objects.values_list("version", "sha256", "first_seen")) == first


@pytest.mark.django_db
def test_it_refuses_a_changed_published_text_and_writes_nothing(notice_dir):
    path = notice_dir.write("1.0", "2026-01-01")
    call_command("sync_notices", verbosity=0)
    path.write_text(path.read_text().replace("Navn og e-post.", "Navn."))
    notice_dir.write("1.1", "2026-06-01")

    # The system check, which the command runs first, names the changed file.
    with pytest.raises(CommandError, match=r"1\.0 \(1\.0\.md\) has changed since it was"):
        call_command("sync_notices", verbosity=0)

    assert list(NoticeVersion.objects.values_list("version", flat=True)) == ["1.0"]


@pytest.mark.django_db
def test_it_refuses_a_text_that_differs_from_the_database_even_if_sha256sums_was_rewritten(
    notice_dir,
):
    path = notice_dir.write("1.0", "2026-01-01")
    call_command("sync_notices", verbosity=0)
    path.write_text(path.read_text().replace("Navn og e-post.", "Navn."))
    (notice_dir.path / manifest.FILENAME).unlink()
    notice_dir.write("1.0", "2026-01-01", body=path.read_text().split("---\n\n", 1)[1])

    with pytest.raises(CommandError, match=r"version\(s\) 1.0 changed since publication"):
        call_command("sync_notices", verbosity=0)


@pytest.mark.django_db
def test_it_refuses_a_text_changed_before_any_database_saw_it(notice_dir):
    path = notice_dir.write("1.0", "2026-01-01")
    path.write_text(path.read_text() + "\nEn setning til.\n")

    with pytest.raises(CommandError, match=r"1\.0 \(1\.0\.md\) has changed since it was"):
        call_command("sync_notices", verbosity=0)
    assert not NoticeVersion.objects.exists()


@pytest.mark.django_db
def test_record_adds_new_versions_to_the_manifest_without_rewriting_old_ones(notice_dir):
    notice_dir.write("1.0", "2026-01-01")
    before = manifest.read(notice_dir.path)
    notice_dir.write(
        "1.1", "2026-06-01", record=False, side_file=declarations_covering_the_map("1.1")
    )

    call_command("sync_notices", "--record", verbosity=0)

    after = manifest.read(notice_dir.path)
    assert after["1.0.md"] == before["1.0.md"]
    assert after["1.0.declarations.yaml"] == before["1.0.declarations.yaml"]
    assert set(after) == {"1.0.md", "1.1.md", "1.0.declarations.yaml", "1.1.declarations.yaml"}


@pytest.mark.django_db(transaction=True)
def test_two_runs_at_once_record_each_version_once(notice_dir):
    for i in range(5):
        notice_dir.write(f"1.{i}", f"2026-0{i + 1}-01")

    def run():
        call_command("sync_notices", verbosity=0)

    assert run_at_once(run, run) == []
    assert NoticeVersion.objects.count() == 5
