"""The bench's verdicts are computed from its figures, and a zero count never passes."""

from __future__ import annotations

import copy
import math

import pytest

from bench import targets


def figures() -> dict:
    """Results that meet every target."""
    page = {"p99_ms": 5.0}
    return {
        "reading": {
            "personvern": {"ratio": 1.0, "page": page},
            "home": {"ratio": 1.0, "page": page},
        },
        "form": {"submissions_per_second": 500, "p99_ms": 20, "stored": 10, "redirects": 10,
                 "other_answers": 0},
        "flood": {"ratio": 0.8, "valid_stored": 2, "valid_posts": 2},
        "admin": {
            "changelist": {"p95_ms": 90},
            "search_email": {"p95_ms": 30},
            "queries_at_1000": {"changelist": 7, "search": 7},
            "queries_at_full": {"changelist": 7, "search": 7},
        },
        "purge": {"peak_rss_mb": 60, "seconds_per_100k": 12.2, "scaling_ratio": 9.7,
                  "rows_ratio": 10},
        "weight": {
            "home": {"total_compressed_kb": 30, "foreign_urls": []},
            "personvern": {"total_compressed_kb": 33, "foreign_urls": []},
        },
        "server_log": {"tracebacks": 0},
    }  # fmt: skip


def changed(path: str, value) -> dict:
    results = copy.deepcopy(figures())
    *parents, last = path.split(".")
    node = results
    for key in parents:
        node = node[key]
    node[last] = value
    return results


def test_figures_that_meet_every_target_pass_every_verdict():
    assert set(targets.verdicts(figures()).values()) == {True}


@pytest.mark.parametrize(
    ("path", "value", "verdict"),
    [
        ("form.stored", 0, "form_nothing_lost"),  # with form.redirects 10
        ("form.redirects", 11, "form_nothing_lost"),
        ("form.other_answers", 1, "form_only_303"),
        ("flood.valid_posts", 3, "flood_valid_stored"),
        ("admin.queries_at_full", {"changelist": 8, "search": 7}, "admin_constant_queries"),
        ("admin.queries_at_full", {"changelist": 7}, "admin_constant_queries"),
        ("purge.seconds_per_100k", 15.4, "purge_time"),
        ("reading.home.page", {"p99_ms": math.nan}, "read_p99_home"),
        ("weight.home.foreign_urls", ["https://cdn.example/x.css"], "no_foreign_hosts"),
        ("server_log.tracebacks", 1, "no_server_errors"),
    ],
)
def test_a_figure_off_target_fails_its_verdict_and_only_its_own(path, value, verdict):
    verdicts = targets.verdicts(changed(path, value))

    assert [key for key, ok in verdicts.items() if not ok] == [verdict]


def test_nothing_stored_of_nothing_answered_is_not_nothing_lost():
    results = changed("form.stored", 0)
    results["form"]["redirects"] = 0
    results["flood"]["valid_stored"] = results["flood"]["valid_posts"] = 0

    verdicts = targets.verdicts(results)

    assert verdicts["form_nothing_lost"] is False
    assert verdicts["flood_valid_stored"] is False


def test_the_table_shows_every_target_with_its_computed_verdict():
    table = targets.table(changed("form.p99_ms", 80))
    rows = {line[: line.index("  ")]: line for line in table.splitlines()[1:]}

    assert set(rows) == {t.label for t in targets.TARGETS}
    assert rows["form p99 (per request)"].endswith("NO")
    assert "80.0 ms" in rows["form p99 (per request)"]
    assert "< 50 ms" in rows["form p99 (per request)"]
    assert rows["purge time per 100k"].endswith("yes")
