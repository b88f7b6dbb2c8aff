"""The operators' commands, run as an operator runs them: `manage.py …` in a shell, with
production settings, so that the system checks run first (call_command skips them)."""

from __future__ import annotations

import pytest

from tests.servers import clean_env
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
    run_python, settings, command, output
):
    db = settings.DATABASES["default"]  # the test database: migrated, and empty to others
    url = f"postgres://{db['USER']}@{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}"

    result = run_python(
        ["manage.py", *command], clean_env(**{**PRODUCTION_ENV, "DATABASE_URL": url})
    )

    assert result.returncode == 0, result.stderr
    assert output in result.stdout, result.stdout
    assert "Traceback" not in result.stderr
