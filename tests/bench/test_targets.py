"""The bench's verdicts are computed from its figures, and a zero count never passes."""

from __future__ import annotations

import copy
import math

import pytest

from bench import cost as bench_cost
from bench import mail, targets


def latency(enquiries: int, p99_s: float | None = 0.05, missing: int = 0) -> dict:
    return {"enquiries": enquiries, "missing": missing, "p50_s": 0.02, "p99_s": p99_s,
            "sent_per_second": 90.0, "drained_after_last_stored_s": 0.1}  # fmt: skip


def cost(gunicorn: float, worker: float, postgres: float) -> dict:
    """A kind's figures as bench/cost.py reports them; a bot's post alone is taken to be
    everything (its GET costing nothing), bench.cost.posts_alone does the sum."""
    return {"ms_per_post": {"gunicorn": gunicorn, "worker": worker, "postgres": postgres,
                            "total": gunicorn + worker + postgres,
                            "gunicorn_and_postgres": gunicorn + postgres,
                            "post_alone": gunicorn + postgres}}  # fmt: skip


def proxy_flood(ratio: float, refused: int = 0) -> dict:
    return {"ratio": ratio, "loaded": {"requests_per_second": 1000.0 * ratio},
            "unloaded": {"requests_per_second": 1000.0},
            "bot_statuses": {"303": 100 - refused, "429": refused}, "bot_posts": 100,
            "generator_cpu_seconds": 1.1, "generator_seconds": 11}  # fmt: skip


def figures() -> dict:
    """Results that meet every target."""
    page, static = {"p99_ms": 7.0}, {"p99_ms": 5.0}
    return {
        "machine": {"cores": 2, "loop_seconds": {"before": 1.234, "after": 2.5}},
        "reading": {
            "personvern": {"ratio": 1.0, "page": page, "static": static},
            "home": {"ratio": 0.9, "page": page, "static": static},
        },
        "cost": {"valid": cost(2.0, 1.5, 1.5), "honeypot": cost(0.6, 0.1, 0.4),
                 "too_fast": cost(0.7, 0.0, 0.3), "over_limit": cost(0.5, 0.0, 0.2),
                 "form_page": cost(0.0, 0.0, 0.0), "static_file": cost(0.0, 0.0, 0.0)},
        "flood_proxy": {"one_client": proxy_flood(0.95, refused=80),
                        "many_clients": proxy_flood(0.8)},
        "form": {"submissions_per_second": 500, "p99_ms": 20, "stored": 10, "redirects": 10,
                 "other_answers": 0, "mail": latency(10)},
        "mail": {
            "idle": latency(5),
            "delivery": {"enquiries": 17, "received": 17, "exactly_once": 17, "missing": 0,
                         "duplicates": 0, "unknown_enquiry": 0, "without_link": 0},
        },
        "flood": {"ratio": 0.85, "valid_stored": 2, "valid_posts": 2, "quarantined": 60,
                  "quarantine_cap": 60, "generator_cpu_seconds": 2.2, "generator_seconds": 11},
        "admin": {
            "changelist": {"p95_ms": 90},
            "search_email": {"p95_ms": 30},
            "queries_at_1000": {"changelist": 7, "search": 7},
            "queries_at_full": {"changelist": 7, "search": 7},
        },
        "purge": {"peak_rss_mb": 60, "seconds_per_100k": 12.2, "scaling_ratio": 10.5,
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


def test_resultthat_meet_every_target_pass_every_verdict():
    assert set(targets.verdicts(figures()).values()) == {True}


@pytest.mark.parametrize(
    ("path", "value", "verdict"),
    [
        ("form.stored", 0, "form_nothing_lost"),  # with form.redirects 10
        ("form.redirects", 11, "form_nothing_lost"),
        ("form.other_answers", 1, "form_only_303"),
        ("flood.valid_posts", 3, "flood_valid_stored"),
        ("flood.quarantined", 61, "flood_quarantine_bounded"),
        ("flood.quarantined", 0, "flood_quarantine_bounded"),  # the bots' posts not kept
        ("admin.queries_at_full", {"changelist": 8, "search": 7}, "admin_constant_queries"),
        ("admin.queries_at_full", {"changelist": 7}, "admin_constant_queries"),
        ("purge.seconds_per_100k", 30.0, "purge_time"),
        ("reading.personvern.ratio", 0.99, "read_ratio_personvern"),
        ("reading.home.ratio", 0.89, "read_ratio_home"),
        ("flood.ratio", 0.84, "flood_ratio"),
        ("flood_proxy.one_client.ratio", 0.94, "flood_proxy_one_client"),
        ("flood_proxy.many_clients.ratio", 0.79, "flood_proxy_many_clients"),
        ("purge.scaling_ratio", 10.6, "purge_scaling"),
        ("cost.valid", cost(2.0, 1.5, 1.6), "cost_valid"),  # 5.1 ms in all
        ("cost.valid.ms_per_post.total", None, "cost_valid"),  # PostgreSQL not measured
        ("cost.honeypot", cost(0.6, 0.0, 0.5), "cost_honeypot"),
        ("cost.too_fast", cost(1.1, 0.0, 0.0), "cost_too_fast"),
        ("cost.over_limit", cost(0.5, 0.0, 0.6), "cost_over_limit"),
        ("reading.home.page", {"p99_ms": 7.6}, "read_p99_home"),  # static: 5.0 ms
        ("reading.home.page", {"p99_ms": math.nan}, "read_p99_home"),
        ("reading.home.static", {"p99_ms": None}, "read_p99_home"),
        ("mail.idle", latency(5, p99_s=2.0), "mail_latency_idle"),
        ("mail.idle", latency(5, missing=1), "mail_latency_idle"),
        ("mail.idle", latency(0, p99_s=None), "mail_latency_idle"),
        ("mail.delivery.exactly_once", 16, "mail_exactly_once"),  # one missing
        ("mail.delivery.received", 18, "mail_exactly_once"),  # one too many
        ("weight.home.foreign_urls", ["https://cdn.example/x.css"], "no_foreign_hosts"),
        ("server_log.tracebacks", 1, "no_server_errors"),
    ],
)
def test_a_figure_off_target_fails_its_verdict_and_only_its_own(path, value, verdict):
    verdicts = targets.verdicts(changed(path, value))

    assert [key for key, ok in verdicts.items() if not ok] == [verdict]


def test_the_purge_target_is_a_million_rows_within_five_minutes():
    verdicts = targets.verdicts(changed("purge.seconds_per_100k", 29.9))

    assert verdicts["purge_time"] is True  # 1M rows in 299 s
    assert "1M rows < 5 min" in targets.table(figures())


def test_reading_p99_is_judged_against_the_static_twin_of_the_same_run():
    results = changed("reading.home.page", {"p99_ms": 15.0})
    results["reading"]["home"]["static"] = {"p99_ms": 10.0}

    assert targets.verdicts(results)["read_p99_home"] is True
    assert "15.0 vs 10.0 ms: 1.50x" in targets.table(results)


@pytest.mark.parametrize(
    ("enquiries", "ids"),
    [
        ({1, 2, 3}, [1, 2, 3]),  # every one once: the only pass
        ({1, 2, 3}, [1, 2, 3, 3]),  # a duplicate
        ({1, 2, 3}, [1, 2]),  # one missing
        ({1, 2, 3}, [1, 2, 4]),  # an e-mail for no stored enquiry, one missing
        ({1, 2, 3}, [1, 2, 3, None]),  # an e-mail without the admin link
        (set(), []),  # nothing stored, nothing sent
    ],
)
def test_every_stored_enquiry_gets_exactly_one_e_mail(enquiries, ids):
    arrivals = [mail.Arrival(received=100.0 + n, enquiry=pk) for n, pk in enumerate(ids)]
    results = changed("mail.delivery", mail.delivery(enquiries, arrivals))

    verdict = targets.verdicts(results)["mail_exactly_once"]

    assert verdict is (enquiries == {1, 2, 3} and ids == [1, 2, 3])


def test_latency_is_from_stored_to_the_first_e_mail_and_counts_the_missing():
    stored = {1: 100.0, 2: 101.0, 3: 102.0}
    arrivals = [mail.Arrival(100.5, 1), mail.Arrival(101.2, 2), mail.Arrival(109.0, 1)]

    result = mail.latency(stored, arrivals)

    assert result["enquiries"] == 3
    assert result["missing"] == 1
    assert result["p50_s"] == pytest.approx(0.2)
    assert result["p99_s"] == pytest.approx(0.5)
    assert result["drained_after_last_stored_s"] == pytest.approx(101.2 - 102.0)


def test_a_post_in_flight_when_wrk_stops_is_stored_and_not_lost():
    """wrk never counts the answer of a post it cut off; the row is there all the same."""
    assert targets.verdicts(changed("form.stored", 12))["form_nothing_lost"] is True


def test_nothing_stored_of_nothing_answered_is_not_nothing_lost():
    results = changed("form.stored", 0)
    results["form"]["redirects"] = 0
    results["flood"]["valid_stored"] = results["flood"]["valid_posts"] = 0

    verdicts = targets.verdicts(results)

    assert verdicts["form_nothing_lost"] is False
    assert verdicts["flood_valid_stored"] is False


def test_no_flood_through_nginx_measured_passes_neither_of_its_targets():
    results = changed("flood_proxy", {"skipped": "nginx is not installed (make proxy)"})

    failed = [key for key, ok in targets.verdicts(results).items() if not ok]

    assert failed == ["flood_proxy_one_client", "flood_proxy_many_clients"]
    assert "nginx is not installed" in targets.table(results)


def test_a_bot_post_s_worker_cpu_is_not_judged():
    """The bots' target is gunicorn and PostgreSQL; the valid one's is every process."""
    verdicts = targets.verdicts(changed("cost.honeypot", cost(0.6, 5.0, 0.4)))

    assert verdicts["cost_honeypot"] is True


def test_a_bot_post_is_judged_without_its_get_of_the_form_page():
    """bench.cost.posts_alone takes the form page's GET, measured alike, off each bot kind;
    the verdict reads what is left."""
    results = figures()
    pairs = {"honeypot": (1.5, 0.2), "too_fast": (1.6, 0.3), "over_limit": (1.4, 0.5)}
    for kind, (gunicorn, postgres) in pairs.items():
        results["cost"][kind] = cost(gunicorn, 0.0, postgres)
    results["cost"]["form_page"] = cost(0.9, 0.0, 0.0)

    bench_cost.posts_alone(results["cost"])
    verdicts = targets.verdicts(results)

    alone = {k: results["cost"][k]["ms_per_post"]["post_alone"] for k in pairs}
    assert alone == pytest.approx({"honeypot": 0.8, "too_fast": 1.0, "over_limit": 1.0})
    assert [verdicts[f"cost_{k}"] for k in pairs] == [True, True, True]
    results["cost"]["form_page"] = cost(0.5, 0.0, 0.0)
    bench_cost.posts_alone(results["cost"])
    assert not any(targets.verdicts(results)[f"cost_{k}"] for k in pairs)


def test_the_one_client_flood_through_nginx_is_judged_as_such_not_the_other():
    verdicts = targets.verdicts(changed("flood_proxy.many_clients", proxy_flood(0.94)))

    assert verdicts["flood_proxy_many_clients"] is True
    assert verdicts["flood_proxy_one_client"] is True


def test_the_table_shows_every_target_with_its_computed_verdict():
    results = changed("cost.valid", cost(3.0, 2.5, 1.5))
    results["form"]["p99_ms"] = 80
    rows = {line[: line.index("  ")]: line for line in targets.table(results).splitlines()[1:]}

    assert set(rows) == {t.label for t in targets.TARGETS} | {f.label for f in targets.FIGURES}
    valid = rows["CPU per valid submission (GET, POST, e-mail), all processes"]
    assert valid.endswith("NO")
    assert "7.00 ms (gunicorn 3.00, worker 2.50, PostgreSQL 1.50)" in valid
    assert "<= 5 ms" in valid
    # Throughput and p99 are information now, with the cost beside the rate.
    assert rows["form p99 (per request)"].endswith("info  -")
    assert "80.0 ms" in rows["form p99 (per request)"]
    assert "7.00 ms of CPU each" in rows["form submissions/s, worker sending"]
    one = rows["flood through nginx, one client: reading kept"]
    assert "0.95 (950 vs 1000/s; 429 to 80 of 100 bot posts)" in one
    assert rows["purge time per 100k (1M rows < 5 min)"].endswith("yes")
    assert rows["stored → mail server, during form load"].endswith("info  -")
    # The flood generators' own CPU over the cores for as long as they ran (2.2 s of 22).
    generators = rows["flood: its generators' own CPU (bots; direct, people too)"]
    assert "10% direct, 5% nginx one client, 5% 100 clients of the cores" in generators
    loop = rows["machine: a Python loop of 20M additions, before / after the run"]
    assert "1.23 s / 2.50 s" in loop
