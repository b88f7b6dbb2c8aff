"""Production refuses PILARO_STAFF_2FA=optional: the system check, and `make serve`'s
`manage.py check --deploy --fail-level ERROR` in a shell."""

from __future__ import annotations

import subprocess
import sys

import pytest

from staff.checks import check_passkey_origins, check_second_factor_setting
from tests.servers import clean_env
from tests.site.conftest import PRODUCTION_ENV, ROOT


@pytest.mark.parametrize(
    ("value", "debug", "ids"),
    [
        ("required", False, []),
        ("required", True, []),
        ("optional", True, []),
        ("optional", False, ["staff.E002"]),
        ("valgfri", True, ["staff.E001"]),
    ],
)
def test_the_check_accepts_optional_only_in_development(settings, value, debug, ids):
    settings.STAFF_2FA, settings.DEBUG = value, debug

    assert [e.id for e in check_second_factor_setting(None)] == ids


def test_the_deploy_check_warns_when_passkeys_cannot_work_in_production(settings):
    settings.DEBUG = False
    settings.OTP_WEBAUTHN_ALLOWED_ORIGINS = ["http://localhost:8000"]
    warned = [w.id for w in check_passkey_origins(None)]
    settings.OTP_WEBAUTHN_ALLOWED_ORIGINS = ["https://pilaro.example"]

    assert warned == ["staff.W001"] and check_passkey_origins(None) == []


def manage_check(**env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "ERROR"],
        cwd=ROOT,
        env=clean_env(**{**PRODUCTION_ENV, **env}),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_make_serve_s_check_refuses_optional_2fa_in_production():
    refused = manage_check(DJANGO_DEBUG="0", PILARO_STAFF_2FA="optional")
    accepted = manage_check(DJANGO_DEBUG="0", PILARO_STAFF_2FA="required")

    assert refused.returncode != 0
    assert "staff.E002" in refused.stderr
    assert accepted.returncode == 0, accepted.stderr
