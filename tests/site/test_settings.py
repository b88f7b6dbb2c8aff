from __future__ import annotations

import re
import secrets

import pytest

from tests.servers import clean_env
from tests.site.conftest import PRODUCTION_ENV


def test_check_deploy_is_clean_with_production_values(run_python):
    """Clean but for what the notice in force leaves out of the data map (privacy.W033):
    those warnings are for the company to act on, by publishing a new version."""
    result = run_python(
        ["manage.py", "check", "--deploy", "--fail-level", "ERROR"], clean_env(**PRODUCTION_ENV)
    )
    found = set(re.findall(r"\(([a-z_]+\.[EW]\d+)\)", result.stdout + result.stderr))

    assert result.returncode == 0, result.stdout + result.stderr
    assert found <= {"privacy.W033"}, result.stderr


def test_production_without_a_person_hash_key_refuses_to_start(run_python):
    env = clean_env(**PRODUCTION_ENV)
    del env["PILARO_PERSON_HASH_KEY"]
    as_secret = clean_env(
        **{**PRODUCTION_ENV, "PILARO_PERSON_HASH_KEY": PRODUCTION_ENV["DJANGO_SECRET_KEY"]}
    )

    results = [
        run_python(["manage.py", "check", "--deploy", "--fail-level", "ERROR"], e)
        for e in (env, as_secret)
    ]

    for result in results:
        assert result.returncode != 0
        assert "(contacts.E020) PILARO_PERSON_HASH_KEY is not set" in result.stderr


def test_production_without_a_secret_key_stops_with_one_clear_line(run_python):
    env = clean_env(**PRODUCTION_ENV)
    del env["DJANGO_SECRET_KEY"]

    result = run_python(["manage.py", "check"], env)

    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("Configuration error: DJANGO_SECRET_KEY is not set.")


@pytest.mark.parametrize("value", [None, "", "not-a-fernet-key"], ids=["unset", "empty", "bad"])
def test_production_without_a_field_key_stops_with_one_clear_line(run_python, value):
    env = clean_env(**PRODUCTION_ENV)
    del env["PILARO_FIELD_KEY"]
    if value is not None:
        env["PILARO_FIELD_KEY"] = value

    result = run_python(["manage.py", "check"], env)

    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    assert result.stderr.strip().startswith("Configuration error: PILARO_FIELD_KEY ")
    assert "not-a-fernet-key" not in result.stderr


def test_the_wsgi_application_refuses_to_load_without_a_secret_key(run_python):
    env = clean_env(**PRODUCTION_ENV)
    del env["DJANGO_SECRET_KEY"]

    result = run_python(["-c", "import pilaro_site.wsgi"], env)

    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    assert "DJANGO_SECRET_KEY is not set" in result.stderr


def test_production_without_the_site_s_address_stops_with_one_clear_line(run_python):
    env = clean_env(**PRODUCTION_ENV)
    del env["PILARO_SITE_URL"]

    result = run_python(["manage.py", "check"], env)

    assert result.returncode != 0
    assert result.stderr.strip().splitlines() == [
        "Configuration error: PILARO_SITE_URL is not set. Production refuses to start "
        "without the site's address, which every link in every e-mail needs (for example: "
        "https://pilaro.no)."
    ]


def test_check_deploy_warns_behind_a_tls_proxy_that_no_setting_trusts(run_python):
    behind = {**PRODUCTION_ENV, "DJANGO_BEHIND_TLS_PROXY": "1"}
    command = ["manage.py", "check", "--deploy", "--fail-level", "ERROR"]

    untrusted = run_python(command, clean_env(**{**behind, "PILARO_TRUSTED_PROXIES": "0"}))
    trusted = run_python(command, clean_env(**{**behind, "PILARO_TRUSTED_PROXIES": "1"}))

    assert untrusted.returncode == trusted.returncode == 0, untrusted.stderr
    assert "(pilaro_site.W003) DJANGO_BEHIND_TLS_PROXY=1 but PILARO_TRUSTED_PROXIES=0" in (
        untrusted.stdout + untrusted.stderr
    )
    assert "pilaro_site.W003" not in trusted.stdout + trusted.stderr


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


@pytest.mark.parametrize(
    ("variable", "value", "message"),
    [
        ("DJANGO_DEBUG", "ture", "DJANGO_DEBUG must be one of 1/0, true/false, yes/no, on/off"),
        ("PILARO_RETENTION_DAYS", "ett år", "PILARO_RETENTION_DAYS must be a whole number"),
        ("PILARO_RETENTION_MAX_DAYS", "30", "PILARO_RETENTION_MAX_DAYS must not be below"),
        ("DJANGO_ALLOWED_HOSTS", "", "DJANGO_ALLOWED_HOSTS is not set."),
        ("DATABASE_URL", "postgress://u:hemmelig@db/pilaro", "DATABASE_URL must start with"),
        ("DATABASE_URL", "not a url", "DATABASE_URL must start with"),
    ],
    ids=[
        "misspelt-boolean",
        "not-a-number",
        "maximum-below-minimum",
        "no-allowed-hosts",
        "misspelt-database-scheme",
        "database-url-not-a-url",
    ],
)
def test_a_bad_value_stops_the_start_with_one_configuration_error_line(
    run_python, variable, value, message
):
    result = run_python(["manage.py", "check"], clean_env(**{**PRODUCTION_ENV, variable: value}))

    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(f"Configuration error: {message}")
    assert "hemmelig" not in result.stderr  # a password in a bad URL is never echoed


def test_a_redis_cache_url_is_shared_between_processes(run_python):
    env = clean_env(**PRODUCTION_ENV, CACHE_URL="redis://127.0.0.1:6379/15")
    value = secrets.token_hex(8)
    setup = "import sys, django; django.setup(); from django.core.cache import cache;"

    wrote = run_python(["-c", setup + f"cache.set('pilaro-settings-test', '{value}', 30)"], env)
    read = run_python(["-c", setup + "print('RESULT', cache.get('pilaro-settings-test'))"], env)

    assert wrote.returncode == 0, wrote.stderr
    assert read.returncode == 0, read.stderr
    assert f"RESULT {value}" in read.stdout.splitlines()


def test_with_a_redis_cache_url_processes_share_one_rate_limit(run_python):
    """The rate limits' counters follow the cache (common/limits.py): in Redis, one count for
    every process, and nothing in the database (which this environment cannot even reach)."""
    env = clean_env(
        **{
            **PRODUCTION_ENV,
            "CACHE_URL": "redis://127.0.0.1:6379/15",
            "DATABASE_URL": "postgres://nobody@127.0.0.1:1/none",
        }
    )
    key = secrets.token_hex(8)
    hit = (
        "import django; django.setup(); from common import limits;"
        f"print('RESULT', [limits.hit('settings-test', '{key}', 3, 86400) for _ in range(2)])"
    )

    first, second = run_python(["-c", hit], env), run_python(["-c", hit], env)

    assert first.returncode == 0, first.stderr
    assert second.returncode == 0, second.stderr
    assert "RESULT [True, True]" in first.stdout.splitlines()
    assert "RESULT [True, False]" in second.stdout.splitlines()


# In a process of its own, as an app server runs: requests through the WSGI application,
# the connection kept between them, then killed as a database restart would. (The test
# client keeps Django from closing connections, so it cannot show this.) The second request
# is traced at the protocol (libpq's trace): every statement it puts on the wire, against
# those its view sent through Django's cursors.
KEPT_AND_REPLACED = """
import os, tempfile, time, wsgiref.util
import psycopg
from django.db import connection
from pilaro_site.wsgi import application

def get(path):
    environ = {"PATH_INFO": path, "HTTP_HOST": "pilaro.example", "wsgi.url_scheme": "https"}
    wsgiref.util.setup_testing_defaults(environ)
    status = []
    body = application(environ, lambda s, headers, exc_info=None: status.append(s))
    b"".join(body)
    body.close()  # request_finished: Django closes the connections it does not keep
    return status[0].split()[0]

def backend():
    return connection.connection.info.backend_pid if connection.connection else None

first = get("/healthz/")
kept = backend()

through_django = []
def count(execute, sql, params, many, context):
    through_django.append(sql)
    return execute(sql, params, many, context)
with tempfile.TemporaryFile("w+") as trace, connection.execute_wrapper(count):
    connection.connection.pgconn.trace(trace.fileno())
    connection.connection.pgconn.set_trace_flags(psycopg.pq.Trace.SUPPRESS_TIMESTAMPS)
    second = get("/healthz/")
    connection.connection.pgconn.untrace()
    trace.seek(0)
    sent = [line for line in trace if line.split("\t")[0] == "F" and
            line.split("\t")[2] in ("Query", "Parse")]
second_backend = backend()

with psycopg.connect(os.environ["DATABASE_URL"], autocommit=True) as admin:
    admin.execute("SELECT pg_terminate_backend(%s)", [kept])
    for _ in range(500):  # until that backend has gone
        if not admin.execute("SELECT 1 FROM pg_stat_activity WHERE pid = %s", [kept]).fetchone():
            break
        time.sleep(0.01)
third = get("/healthz/")
print("RESULT", first, kept, second, second_backend, len(sent), len(through_django), third,
      backend())
"""


def test_a_database_connection_is_kept_checked_without_a_query_and_replaced_once_it_died(
    run_python, migrated_database_url
):
    # Migrated, so that the health check finds the job queue's table.
    env = clean_env(**{**PRODUCTION_ENV, "DATABASE_URL": migrated_database_url})

    result = run_python(["-c", KEPT_AND_REPLACED], env)

    assert result.returncode == 0, result.stderr
    [line] = [line for line in result.stdout.splitlines() if line.startswith("RESULT ")]
    _, first, kept, second, second_backend, sent, through_django, third, replaced = line.split()
    # Kept open after the request: no new connection (and its latency) per request.
    assert first == "200" and kept != "None"
    assert second == "200" and second_backend == kept
    # Checked before reuse without a statement of its own (Django's check sends SELECT 1):
    # what went to the server is what the view sent.
    assert int(through_django) > 0 and sent == through_django
    # The dead connection is replaced, not handed to the view.
    assert third == "200" and replaced not in ("None", kept)


# Loaded on first use by the app (a quarter of a command's start), and by the WSGI module
# for gunicorn's master, whose forked workers then start with them.
ON_FIRST_USE = ("email_validator", "holidays", "markdown_it")
LOADED = "import sys; print(' '.join(m for m in {names!r} if m in sys.modules))"


def test_commands_load_the_parsers_on_first_use_and_gunicorn_s_master_before_it_forks(
    run_python,
):
    env = clean_env(**PRODUCTION_ENV)
    names = (*ON_FIRST_USE, "contacts.intake.views")
    setup = "import django; django.setup(); import contacts.admin; "
    command = run_python(["-c", setup + LOADED.format(names=names)], env)
    master = run_python(["-c", "import pilaro_site.wsgi; " + LOADED.format(names=names)], env)

    assert command.returncode == 0, command.stderr
    assert command.stdout.split() == []
    assert master.returncode == 0, master.stderr
    assert master.stdout.split() == list(names)
