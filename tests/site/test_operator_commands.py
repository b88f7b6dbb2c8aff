"""The operators' commands, run as an operator runs them: `manage.py …` in a shell, with
production settings, so that the system checks run first (call_command skips them)."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import shutil

import pytest
from django.utils import timezone

from privacy import manifest
from privacy.models import NoticeVersion
from privacy.registry import get_registry
from tests import databases
from tests.servers import clean_env, query
from tests.site.conftest import PRODUCTION_ENV


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("command", "output"),
    [
        (["send_pending_notifications"], "0 notifications sent, 0 not sent.\n"),
        (["purge_expired_enquiries", "--dry-run"], "0 expired enquiries would be erased"),
    ],
    ids=["send-pending", "purge-dry-run"],
)
def test_an_operator_runs_the_command_with_production_settings(
    run_python, migrated_database_url, command, output
):
    env = clean_env(**{**PRODUCTION_ENV, "DATABASE_URL": migrated_database_url})

    result = run_python(["manage.py", *command], env)

    assert result.returncode == 0, result.stderr
    assert output in result.stdout, result.stdout
    assert "Traceback" not in result.stderr


def _publishing_env(settings, notice_dir) -> dict[str, str]:
    url = databases.url()
    return clean_env(**{**PRODUCTION_ENV, "DATABASE_URL": url, "PILARO_NOTICE_DIR": notice_dir})


PLACEHOLDER = re.compile(r"\[FYLLES UT AV PILARO: ([^\]]*)\]")


def _published_draft(settings, tmp_path, *, filled: bool = True):
    """A copy of the notice directory with draft 2.0 published, taking effect tomorrow (or
    the day after the last published version, if that is later), its placeholders filled
    in unless `filled` is False. The copy's path and the draft's text."""
    directory = tmp_path / "notices"
    shutil.copytree(settings.BASE_DIR / "privacy" / "notices", directory)
    draft = directory / "2.0.md"
    latest = max(n.effective for n in get_registry().published)
    tomorrow = max(timezone.localdate(), latest) + dt.timedelta(days=1)
    text = re.sub(r"^status: draft$", "status: published", draft.read_text(), flags=re.M)
    text = re.sub(r"^effective: .*$", f"effective: {tomorrow}", text, count=1, flags=re.M)
    draft.write_text(PLACEHOLDER.sub(r"(utfylt: \1)", text) if filled else text)
    return directory, text


@pytest.mark.django_db
def test_publishing_is_refused_when_the_site_keeps_quarantine_otherwise(
    run_python, settings, tmp_path
):
    """The filled-in 2.0 declares 14 days of quarantine; with the site set to keep it 21,
    publishing it would promise what the site does not do."""
    directory, _ = _published_draft(settings, tmp_path)
    env = _publishing_env(settings, str(directory))
    env["PILARO_QUARANTINE_RETENTION_DAYS"] = "21"

    refused = run_python(["manage.py", "sync_notices", "--record"], env)

    assert refused.returncode != 0
    assert re.search(
        r"\(privacy\.E032\) Notice version 2\.0: activity 'karantene' .* declares "
        r"quarantine_days=14, the site enforces 21 \(PILARO_QUARANTINE_RETENTION_DAYS\)",
        refused.stderr,
    ), refused.stderr[-3000:]
    assert "2.0.md" not in manifest.read(tmp_path / "notices")


@pytest.mark.django_db(transaction=True)  # the command commits its rows: flushed afterwards
def test_the_company_publishes_the_draft_as_the_readme_says(run_python, settings, tmp_path):
    """README, "Publishing a version": fill in every placeholder, set `status: published`
    and the date, run `python manage.py sync_notices --record`. Tried on a copy of the
    notice directory, with the draft 2.0 taking effect tomorrow (or the day after the last
    published version, if that is later)."""
    directory, text = _published_draft(settings, tmp_path, filled=False)
    draft = directory / "2.0.md"
    env = _publishing_env(settings, str(directory))
    record = ["manage.py", "sync_notices", "--record"]

    refused = run_python(record, env)  # placeholders left: refused, naming file and line
    recorded_after_refusal = manifest.read(directory)
    filled = PLACEHOLDER.sub(r"(utfylt: \1)", text)
    draft.write_text(filled)
    published = run_python(record, env)
    checked = run_python(["manage.py", "check", "--fail-level", "WARNING"], env)

    assert refused.returncode != 0
    assert re.search(
        r"\(privacy\.E005\) .*2\.0\.md line \d+ still has a placeholder", refused.stderr
    )
    assert "2.0.md" not in recorded_after_refusal
    assert published.returncode == 0, published.stderr
    assert "Traceback" not in published.stderr
    digest = hashlib.sha256(filled.encode()).hexdigest()
    assert manifest.read(directory)["2.0.md"] == digest
    assert NoticeVersion.objects.get(version="2.0").sha256 == digest
    assert checked.returncode == 0, checked.stderr
    assert "System check identified no issues" in checked.stdout


def test_a_superuser_hands_over_an_enrolment_link_made_in_a_shell(
    run_python, migrated_database_url
):
    env = clean_env(**{**PRODUCTION_ENV, "DATABASE_URL": migrated_database_url})
    made = run_python(
        [
            "manage.py",
            "createsuperuser",
            "--noinput",
            "--username",
            "forste-sjef",
            "--email",
            "sjef@pilaro.example",
        ],
        {**env, "DJANGO_SUPERUSER_PASSWORD": "et-langt-passord-for-sjefen"},
    )

    result = run_python(["manage.py", "enrolment_link", "forste-sjef"], env)

    assert made.returncode == 0, made.stderr
    assert result.returncode == 0, result.stderr
    link = re.search(
        r"https://pilaro\.example/intern/sikkerhet/registrering/([\w-]+)/", result.stdout
    )
    assert link, result.stdout
    secret_hash = hashlib.sha256(link.group(1).encode()).hexdigest()
    stored = query(
        migrated_database_url,
        "SELECT count(*) FROM staff_enrolmentlink WHERE token_hash = %s AND used_at IS NULL",
        secret_hash,
    )
    assert stored == [(1,)]  # only its hash is kept, and it waits to be used


def test_an_operator_rotates_the_field_key_in_a_shell(run_python, migrated_database_url):
    from cryptography.fernet import Fernet

    old = PRODUCTION_ENV["PILARO_FIELD_KEY"]
    new = Fernet.generate_key().decode()
    env = clean_env(
        **{
            **PRODUCTION_ENV,
            "DATABASE_URL": migrated_database_url,
            "PILARO_FIELD_KEY": f"{new},{old}",
        }
    )

    result = run_python(["manage.py", "rotate_field_key"], env)

    assert result.returncode == 0, result.stderr
    assert "authenticator-app key(s) now under the first key." in result.stdout
