"""The README's backup and restore, run as an operator runs them: its own command lines,
in a shell, with production settings, against a real PostgreSQL database."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

from contacts.models import Consent, Enquiry, MarketingSuppression
from contacts.retention.keys import person_key
from contacts.rights.selfservice import actions
from tests import databases, readme
from tests.contacts.factories import make_enquiry
from tests.servers import clean_env
from tests.site.conftest import PRODUCTION_ENV

ROOT = Path(__file__).resolve().parents[2]


def section(heading: str) -> list[str]:
    text = readme.README.read_text().split(heading, 1)[1].split("\n## ", 1)[0]
    return readme.commands(text)


def run(line: str, backup: Path, env: dict[str, str]) -> str:
    """One README line in a shell, `/backup` being a temporary directory and `python` the
    project's."""
    line = line.replace("/backup/", f"{backup}/")
    result = subprocess.run(
        ["bash", "-c", line], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, f"{line}\n{result.stdout}\n{result.stderr}"
    return result.stdout


def withdrawn(email: str) -> bool:
    return Consent.objects.filter(
        enquiry__email=email, purpose="marketing", withdrawn_at__isnull=False
    ).exists()


@pytest.mark.django_db(transaction=True)
def test_the_readmes_backup_and_restore_keep_every_right_exercised_since_the_backup(
    tmp_path, settings
):
    commands = section("## Backups and restore")
    restoring = ("pg_restore", "PILARO_DB_AS_OWNER=1", "python manage.py r")
    backup_lines = [c for c in commands if not c.startswith(restoring)]
    restore_lines = [c for c in commands if c not in backup_lines]
    assert [c.split()[0] for c in backup_lines] == ["pg_dump", "python"], commands
    assert [c.split()[0] for c in restore_lines] == [
        "pg_restore",
        "PILARO_DB_AS_OWNER=1",
        "python",
        "python",
    ], commands
    env = clean_env(
        **{
            **PRODUCTION_ENV,
            "DATABASE_URL": databases.url(),
            # The events below are made in this process, with the suite's key.
            "PILARO_PERSON_HASH_KEY": settings.CONTACTS_PERSON_HASH_KEY,
            "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
        }
    )
    make_enquiry(email="trekker@example.no", marketing=True)
    make_enquiry(email="nei@example.no", marketing=True)
    run(backup_lines[0], tmp_path, env)  # pg_dump
    actions.withdraw_marketing("trekker@example.no")
    actions.object_to_marketing("nei@example.no")
    run(backup_lines[1], tmp_path, env)  # the log, exported as the README says

    connection.close()
    run(restore_lines[0], tmp_path, env)  # pg_restore
    run(restore_lines[1], tmp_path, env)  # migrate as the owner (one role here: a no-op)
    assert not withdrawn("trekker@example.no") and not MarketingSuppression.objects.exists()
    arrived = make_enquiry(email="ny@example.no", marketing=True)  # a reused number
    dry = run(restore_lines[2], tmp_path, env)
    assert "dry run: nothing changed" in dry
    assert not withdrawn("trekker@example.no")
    out = run(restore_lines[3], tmp_path, env)

    assert "Samtykke trukket tilbake: 1 applied again." in out, out
    assert "Reservasjon mot markedsføring: 1 applied again." in out, out
    assert withdrawn("trekker@example.no")
    assert MarketingSuppression.objects.get().person_key == person_key("nei@example.no")
    assert not withdrawn("ny@example.no")
    assert set(Enquiry.objects.values_list("email", flat=True)) == {
        "trekker@example.no",
        "nei@example.no",
        arrived.email,
    }
