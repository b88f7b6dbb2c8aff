"""A reference reading taken around the one it divides (bench/wrk.py `bracket`)."""

from __future__ import annotations

from bench import wrk


def window(rps: float, p99: float | None, non_2xx: int = 0) -> dict:
    return {"requests_per_second": rps, "p50_ms": 2.0, "p99_ms": p99, "non_2xx": non_2xx}


def test_a_drift_across_the_measured_reading_cancels_in_the_reference():
    # The machine sped up by a third while the page was read between the two windows.
    before, after = window(3000.0, 10.0, non_2xx=1), window(4000.0, 12.0, non_2xx=2)

    reference = wrk.bracket(before, after)

    assert reference["requests_per_second"] == 3500.0
    assert reference["p99_ms"] == 11.0
    assert reference["non_2xx"] == 3  # every failed answer is counted, none averaged away
    assert reference["windows"] == [before, after]
    # A page read at the middle of that drift, as fast as its twin: a ratio of 1.
    assert 3500.0 / reference["requests_per_second"] == 1.0


def test_a_percentile_missing_from_one_window_is_missing_from_the_reference():
    reference = wrk.bracket(window(3000.0, None), window(4000.0, 12.0))

    assert reference["p99_ms"] is None  # not one window's figure passed off as both
    assert reference["requests_per_second"] == 3500.0
