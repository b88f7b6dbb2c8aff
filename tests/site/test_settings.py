from __future__ import annotations

import secrets

from tests.servers import clean_env
from tests.site.conftest import PRODUCTION_ENV


def test_check_deploy_is_clean_with_production_values(run_python):
    result = run_python(
        ["manage.py", "check", "--deploy", "--fail-level", "WARNING"], clean_env(**PRODUCTION_ENV)
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_production_without_a_secret_key_stops_with_one_clear_line(run_python):
    env = clean_env(**PRODUCTION_ENV)
    del env["DJANGO_SECRET_KEY"]

    result = run_python(["manage.py", "check"], env)

    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("Configuration error: DJANGO_SECRET_KEY is not set.")


def test_the_wsgi_application_refuses_to_load_without_a_secret_key(run_python):
    env = clean_env(**PRODUCTION_ENV)
    del env["DJANGO_SECRET_KEY"]

    result = run_python(["-c", "import pilaro_site.wsgi"], env)

    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    assert "DJANGO_SECRET_KEY is not set" in result.stderr


def test_production_without_a_database_url_refuses_to_start(run_python):
    env = clean_env(**PRODUCTION_ENV)
    del env["DATABASE_URL"]

    result = run_python(["manage.py", "check"], env)

    assert result.returncode != 0
    assert "Configuration error: DATABASE_URL is not set" in result.stderr


def test_a_development_run_without_a_database_url_says_it_uses_sqlite(run_python):
    code = (
        "import django; django.setup(); from django.db import connection; print(connection.vendor)"
    )

    result = run_python(
        ["-c", code], clean_env(DJANGO_SETTINGS_MODULE="pilaro_site.settings", DJANGO_DEBUG="1")
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "sqlite"
    notices = [line for line in result.stderr.splitlines() if "SQLite" in line]
    assert len(notices) == 1
    assert "DATABASE_URL is not set" in notices[0]


def test_a_misspelt_boolean_stops_the_start(run_python):
    result = run_python(
        ["manage.py", "check"], clean_env(**{**PRODUCTION_ENV, "DJANGO_DEBUG": "ture"})
    )

    assert result.returncode != 0
    assert "DJANGO_DEBUG must be one of" in result.stderr


def test_a_redis_cache_url_is_shared_between_processes(run_python):
    env = clean_env(**PRODUCTION_ENV, CACHE_URL="redis://127.0.0.1:6379/15")
    value = secrets.token_hex(8)
    setup = "import sys, django; django.setup(); from django.core.cache import cache;"

    wrote = run_python(["-c", setup + f"cache.set('pilaro-settings-test', '{value}', 30)"], env)
    read = run_python(["-c", setup + "print('RESULT', cache.get('pilaro-settings-test'))"], env)

    assert wrote.returncode == 0, wrote.stderr
    assert read.returncode == 0, read.stderr
    assert f"RESULT {value}" in read.stdout.splitlines()


def test_language_time_zone_and_connections_are_set(settings):
    assert settings.LANGUAGE_CODE == "nb"
    assert settings.TIME_ZONE == "Europe/Oslo"
    assert settings.USE_TZ is True
    db = settings.DATABASES["default"]
    assert db["ENGINE"] == "django.db.backends.postgresql"
    assert db["CONN_HEALTH_CHECKS"] is True
    assert db["CONN_MAX_AGE"] > 0
