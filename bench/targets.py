"""The bench's targets, written once: the verdicts and the printed table both come from here.

Each target reads one measured value from the results, compares it with its threshold and
gives a verdict; no verdict is ever written by hand. `smoke` marks the targets that hold
in a seconds-long smoke run too (correctness, page weight), as opposed to speed and scale,
which only a full run measures; the smoke test (tests/bench) asserts those.
"""

from __future__ import annotations

import math
import operator
from collections.abc import Callable
from dataclasses import dataclass

OPS: dict[str, Callable[[float, float], bool]] = {
    ">=": operator.ge,
    ">": operator.gt,
    "<": operator.lt,
    "<=": operator.le,
    "==": operator.eq,
}


@dataclass(frozen=True)
class Target:
    key: str
    label: str
    measure: Callable[[dict], float]
    op: str
    threshold: float
    unit: str = ""
    digits: int = 1
    show: Callable[[dict], str] | None = None  # the result as printed, when not the value
    smoke: bool = False  # holds in a smoke run too

    def met(self, results: dict) -> bool:
        value = self.measure(results)
        return math.isfinite(value) and OPS[self.op](value, self.threshold)

    def target_text(self) -> str:
        return f"{self.op} {self.threshold:g}{' ' + self.unit if self.unit else ''}"

    def result_text(self, results: dict) -> str:
        if self.show:
            return self.show(results)
        value = self.measure(results)
        return f"{value:.{self.digits}f}{' ' + self.unit if self.unit else ''}"


def share(part: int, whole: int) -> float:
    """part / whole, and 0 when either is 0: "all of them" is met only by a real count."""
    return part / whole if part and whole else 0.0


def query_growth(results: dict) -> float:
    """The most any admin page's query count grew from 1,000 rows to the full count;
    infinite when the counts are missing."""
    small, full = results["admin"]["queries_at_1000"], results["admin"]["queries_at_full"]
    if not small or set(small) != set(full) or min(small.values()) <= 0:
        return math.inf
    return max(abs(full[name] - small[name]) for name in small)


def _reading(name: str, *keys: str) -> Callable[[dict], float]:
    def measure(results: dict) -> float:
        node = results["reading"][name]
        for key in keys:
            node = node[key]
        return node

    return measure


def _weight(name: str) -> Callable[[dict], float]:
    return lambda r: r["weight"][name]["total_compressed_kb"]


def _form_stored(r: dict) -> str:
    return f"{r['form']['stored']} / {r['form']['redirects']}"


def _flood_stored(r: dict) -> str:
    return f"{r['flood']['valid_stored']} / {r['flood']['valid_posts']}"


def _queries(r: dict) -> str:
    small, full = r["admin"]["queries_at_1000"], r["admin"]["queries_at_full"]
    return ", ".join(f"{name} {small[name]}→{full.get(name)}" for name in small) or "none"


def _scaling(r: dict) -> str:
    return f"{r['purge']['scaling_ratio']:.1f} for {r['purge']['rows_ratio']:.0f}x rows"


def _foreign(r: dict) -> float:
    return sum(len(page["foreign_urls"]) for page in r["weight"].values())


TARGETS = [
    Target("read_ratio_personvern", "read /personvern/ vs static",
           _reading("personvern", "ratio"), ">=", 0.9, digits=2),
    Target("read_ratio_home", "read / vs static", _reading("home", "ratio"), ">=", 0.9, digits=2),
    Target("read_p99_personvern", "read /personvern/ p99",
           _reading("personvern", "page", "p99_ms"), "<", 10, "ms"),
    Target("read_p99_home", "read / p99", _reading("home", "page", "p99_ms"), "<", 10, "ms"),
    Target("form_rate", "form submissions/s",
           lambda r: r["form"]["submissions_per_second"], ">=", 400, digits=0),
    Target("form_p99", "form p99 (per request)", lambda r: r["form"]["p99_ms"], "<", 50, "ms"),
    Target("form_nothing_lost", "form: stored per 303 answer",
           lambda r: share(r["form"]["stored"], r["form"]["redirects"]), "==", 1,
           show=_form_stored, smoke=True),
    Target("form_only_303", "form: answers other than 303",
           lambda r: r["form"]["other_answers"], "==", 0, digits=0, smoke=True),
    Target("flood_ratio", "flood: reading kept", lambda r: r["flood"]["ratio"], ">=", 0.7,
           digits=2),
    Target("flood_valid_stored", "flood: stored per valid 303",
           lambda r: share(r["flood"]["valid_stored"], r["flood"]["valid_posts"]), "==", 1,
           show=_flood_stored, smoke=True),
    Target("admin_changelist_p95", "admin change list p95",
           lambda r: r["admin"]["changelist"]["p95_ms"], "<", 150, "ms", digits=0),
    Target("admin_search_p95", "admin e-mail search p95",
           lambda r: r["admin"]["search_email"]["p95_ms"], "<", 150, "ms", digits=0),
    Target("admin_constant_queries", "admin queries, 1,000 → full rows", query_growth, "==", 0,
           show=_queries, smoke=True),
    Target("purge_memory", "purge peak memory", lambda r: r["purge"]["peak_rss_mb"], "<", 200,
           "MB", digits=0),
    # 12.2 s was measured (docs/performance.md); 15 s leaves room for noise and still
    # fails a return to the 15.4 s of before the batches were keyed on the last id.
    Target("purge_time", "purge time per 100k", lambda r: r["purge"]["seconds_per_100k"], "<",
           15, "s"),
    Target("purge_scaling", "purge scaling (large/small)",
           lambda r: r["purge"]["scaling_ratio"], "<=", 12, show=_scaling),
    Target("weight_home", "weight /", _weight("home"), "<=", 40, "KB", smoke=True),
    Target("weight_personvern", "weight /personvern/", _weight("personvern"), "<=", 40, "KB",
           smoke=True),
    Target("no_foreign_hosts", "requests to other hosts", _foreign, "==", 0, digits=0,
           smoke=True),
    Target("no_server_errors", "tracebacks in server logs",
           lambda r: r["server_log"]["tracebacks"], "==", 0, digits=0, smoke=True),
]  # fmt: skip


def verdicts(results: dict) -> dict[str, bool]:
    return {target.key: target.met(results) for target in TARGETS}


def _finite_or_none(value: float) -> float | None:
    return value if math.isfinite(value) else None


def describe(results: dict) -> dict[str, dict]:
    """Each target with its measured value, for results.json."""
    return {
        t.key: {
            "label": t.label,
            "op": t.op,
            "threshold": t.threshold,
            "unit": t.unit,
            "measured": _finite_or_none(t.measure(results)),
            "smoke": t.smoke,
        }
        for t in TARGETS
    }


def table(results: dict) -> str:
    rows = [("measure", "result", "target", "ok")] + [
        (t.label, t.result_text(results), t.target_text(), "yes" if t.met(results) else "NO")
        for t in TARGETS
    ]
    width = [max(len(row[column]) for row in rows) for column in range(3)]
    return "\n".join(
        f"{name:<{width[0]}}  {result:>{width[1]}}  {target:>{width[2]}}  {ok}"
        for name, result, target, ok in rows
    )
