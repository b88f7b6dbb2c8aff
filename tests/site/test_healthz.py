from __future__ import annotations

import json

import pytest

from tests.servers import clean_env
from tests.site.conftest import PRODUCTION_ENV


@pytest.mark.django_db
def test_healthz_answers_200_when_the_database_answers(client):
    response = client.get("/healthz/")

    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "up", "queue": "ok"}
    assert "no-cache" in response["Cache-Control"]


def test_healthz_answers_503_when_the_database_is_unreachable(run_python):
    # A real connection failure: nothing listens on port 1 of the loopback address.
    code = (
        "import django; django.setup();"
        "from django.test import Client;"
        "r = Client().get('/healthz/', headers={'host': 'pilaro.example'}, secure=True);"
        "print('RESULT', r.status_code, r.content.decode())"
    )
    env = clean_env(**{**PRODUCTION_ENV, "DATABASE_URL": "postgres://postgres@127.0.0.1:1/pilaro"})

    result = run_python(["-c", code], env)

    assert result.returncode == 0, result.stderr
    # The app logs to stdout too; the result is the marked line.
    [line] = [line for line in result.stdout.splitlines() if line.startswith("RESULT ")]
    _, status, body = line.split(" ", 2)
    assert status == "503"
    assert json.loads(body) == {"status": "unavailable", "database": "down"}
