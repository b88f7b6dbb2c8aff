"""`make bench` in its seconds-long smoke mode, so that it cannot rot.

Its speed figures mean nothing; its correctness checks hold in a smoke run as in a full
one, and are asserted here on the verdicts the bench computed: every valid submission
stored (and some were), every stored enquiry's staff e-mail sent by the job worker to the
mail sink exactly once, nothing from other hosts, a constant admin query count, page
weight, no traceback in any server's log; and the bench database gone at the end.
"""

from __future__ import annotations

import json
import secrets
import subprocess
import sys

import psycopg
import pytest
from django.conf import settings

from bench import targets
from bench.run import FULL, SMOKE, bench_env
from bench.servers import gunicorn_settings
from tests.servers import ROOT


@pytest.fixture(scope="module")
def smoke(tmp_path_factory):
    output = tmp_path_factory.mktemp("bench") / "results.json"
    # A database of its own (the bench creates and drops it), so that a developer's
    # `make bench` or another `make test` on the same PostgreSQL is left alone.
    db = settings.DATABASES["default"]
    server = f"{db['USER']}@{db['HOST']}:{db['PORT'] or 5432}"
    name = f"pilaro_bench_smoke_{secrets.token_hex(4)}"
    database_url = f"postgres://{server}/{name}"
    command = [
        "-m",
        "bench.run",
        "--smoke",
        f"--output={output}",
        f"--database-url={database_url}",
    ]
    result = subprocess.run(
        [sys.executable, *command],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    with psycopg.connect(f"postgresql://{server}/postgres") as conn:
        left = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchall()
    assert left == [], f"the bench left its database {name} behind"
    return result, json.loads(output.read_text())


def test_the_smoke_run_prints_the_table_and_no_traceback(smoke):
    result, report = smoke

    assert report["mode"] == "smoke"
    assert all(seconds > 0 for seconds in report["machine"]["loop_seconds"].values())
    assert "Traceback" not in result.stdout + result.stderr
    for row in [*targets.TARGETS, *targets.FIGURES]:
        assert row.label in result.stdout


def test_every_target_has_a_verdict_computed_from_the_figures(smoke):
    _, report = smoke

    assert report["verdicts"] == targets.verdicts(report)
    assert set(report["verdicts"]) == {t.key for t in targets.TARGETS}


def test_the_checks_that_hold_in_a_smoke_run_pass(smoke):
    _, report = smoke
    meaningful = [t.key for t in targets.TARGETS if t.smoke]

    failed = {key: report["targets"][key] for key in meaningful if not report["verdicts"][key]}

    assert failed == {}
    assert report["form"]["stored"] > 0
    assert report["flood"]["valid_stored"] > 0
    assert report["flood"]["bot_posts"] > 0
    assert report["flood"]["generator_cpu_seconds"] > 0  # its own CPU, reported beside
    # The bots' valid posts sent at once: kept apart in quarantine, within its cap.
    assert 0 < report["flood"]["quarantined"] <= report["flood"]["quarantine_cap"]


def test_every_stored_enquiry_got_its_e_mail_from_the_worker_exactly_once(smoke):
    _, report = smoke
    delivery, idle = report["mail"]["delivery"], report["mail"]["idle"]

    assert delivery["received"] == delivery["enquiries"] > 0
    assert delivery["exactly_once"] == delivery["enquiries"]
    assert delivery["notifications"] == {"sent": delivery["enquiries"]}
    # The paced phase's enquiries, each timed from stored to the mail sink.
    assert idle["answers"]["statuses"] == {"303": SMOKE.mail_posts}
    assert idle["enquiries"] == SMOKE.mail_posts
    assert idle["missing"] == 0
    assert 0 < idle["p50_s"] <= idle["p99_s"]


def test_the_worker_count_reported_is_the_one_gunicorn_ran_with(smoke):
    """The smoke run's one worker, as gunicorn.conf.py reads it; a full run leaves the
    count to gunicorn.conf.py."""
    _, report = smoke

    env = {**bench_env("postgres://unused", port=1), "GUNICORN_WORKERS": "1"}

    assert report["machine"]["gunicorn_workers"] == gunicorn_settings(env)["workers"] == 1
    assert SMOKE.gunicorn_workers == 1
    assert FULL.gunicorn_workers is None


def test_the_pages_are_also_read_through_nginx_and_the_ratio_reported(smoke):
    result, report = smoke

    for name in ("home", "personvern"):
        node = report["reading_through_proxy"][name]
        assert node["page"]["requests_per_second"] > 0
        assert node["page"]["non_2xx"] == 0  # every answer through the proxy was a page
        assert node["ratio_to_direct"] > 0
    assert "x direct" in result.stdout


def test_each_kind_of_post_was_metered_alone_in_every_process_group(smoke):
    """Its milliseconds mean nothing in a smoke run; that each phase sent only its kind,
    and that gunicorn, the worker and PostgreSQL were each found and read, does."""
    _, report = smoke
    expected = {"valid": "303", "honeypot": "303", "too_fast": "303", "over_limit": "429",
                "form_page": "200", "static_file": "200"}  # fmt: skip

    for kind, status in expected.items():
        node = report["cost"][kind]
        answers = node["answers"]
        assert (answers["statuses"], answers["errors"]) == ({status: SMOKE.cost_posts}, 0), kind
        assert set(node["ms_per_post"]) >= {"gunicorn", "worker", "postgres", "total"}, kind
        assert node["ms_per_post"]["total"] is not None, kind
    for kind in ("honeypot", "too_fast", "over_limit"):  # judged without the form's GET
        ms, page = report["cost"][kind]["ms_per_post"], report["cost"]["form_page"]["ms_per_post"]
        alone = ms["gunicorn_and_postgres"] - page["gunicorn_and_postgres"]
        assert ms["post_alone"] == pytest.approx(alone), kind
    # A valid submission's GET, POST and e-mail take some CPU in each group.
    for group in ("gunicorn", "worker", "postgres_backends"):
        assert report["cost"]["valid"]["ms_per_post"][group] > 0, group


def test_the_flood_went_through_nginx_s_limit_from_one_address_and_past_it_from_many(smoke):
    _, report = smoke
    node = report["flood_proxy"]

    one, many = node["one_client"], node["many_clients"]
    assert one["bot_errors"] == many["bot_errors"] == 0
    assert one["generator_cpu_seconds"] > 0 and many["generator_cpu_seconds"] > 0
    # One address: nginx answers 429 once its burst (20) is spent.
    assert one["bot_statuses"].get("429", 0) > 0
    assert one["bot_statuses"].get("303", 0) <= 20 + 3  # and 0.5/s over the phase
    # A hundred addresses: each within its burst, so the posts reach the app.
    assert many["bot_statuses"].get("303", 0) > one["bot_statuses"].get("303", 0)
    assert one["loaded"]["non_2xx"] == many["loaded"]["non_2xx"] == 0
    # Each flood's reading without one, half before and half after it: the window after
    # the first is the one before the second.
    for flood in (one, many):
        assert flood["unloaded"]["non_2xx"] == 0
        assert len(flood["unloaded"]["windows"]) == 2
    assert one["unloaded"]["windows"][1] == many["unloaded"]["windows"][0]


def test_every_reference_reading_was_taken_around_what_it_divides(smoke):
    """A static twin's reading and the flood's unloaded one: a window before, one after."""
    _, report = smoke

    references = [report["reading"][name]["static"] for name in ("home", "personvern")]
    for reference in [*references, report["flood"]["unloaded"]]:
        before, after = reference["windows"]
        assert before["requests_per_second"] > 0 and after["requests_per_second"] > 0
        mean = (before["requests_per_second"] + after["requests_per_second"]) / 2
        assert reference["requests_per_second"] == pytest.approx(mean)
