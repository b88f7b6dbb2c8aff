"""The staff e-mails in the bench: how long each enquiry waited for its e-mail, and whether
every stored enquiry got exactly one.

Both compare the enquiries in the database with the sink's record of what reached it
(bench/mailsink.py); the times are the same machine's clock on both sides.
"""

from __future__ import annotations

import math
from collections import Counter

from bench.load import percentile
from bench.mailsink import Arrival


def _seconds(value: float) -> float | None:
    return None if math.isnan(value) else value


def latency(stored: dict[int, float], arrivals: list[Arrival]) -> dict:
    """Seconds from each enquiry stored (`stored`: id → received_at, Unix time, for one
    phase's enquiries) to its first e-mail at the sink; the rate they were sent at, and
    how long after the last enquiry was stored the last e-mail came (the queue drained)."""
    first: dict[int, float] = {}
    for arrival in arrivals:
        if arrival.enquiry in stored and arrival.enquiry not in first:
            first[arrival.enquiry] = arrival.received
    samples = [first[pk] - stored[pk] for pk in first]
    times = sorted(first.values())
    span = times[-1] - times[0] if len(times) > 1 else 0.0
    return {
        "enquiries": len(stored),
        "missing": len(stored) - len(first),
        "p50_s": _seconds(percentile(samples, 50)),
        "p99_s": _seconds(percentile(samples, 99)),
        "max_s": max(samples, default=None),
        "sent_per_second": len(times) / span if span else None,
        "drained_after_last_stored_s": times[-1] - max(stored.values()) if times else None,
    }


def delivery(enquiries: set[int], arrivals: list[Arrival]) -> dict:
    """Every stored enquiry against the e-mails that reached the sink."""
    counts = Counter(arrival.enquiry for arrival in arrivals)
    linked = {pk: n for pk, n in counts.items() if pk is not None}
    return {
        "enquiries": len(enquiries),
        "received": len(arrivals),
        "exactly_once": sum(1 for pk in enquiries if counts[pk] == 1),
        "missing": sum(1 for pk in enquiries if not counts[pk]),
        "duplicates": sum(n - 1 for n in linked.values() if n > 1),
        "unknown_enquiry": sum(n for pk, n in linked.items() if pk not in enquiries),
        "without_link": counts[None],
    }
