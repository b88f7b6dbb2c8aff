"""The bench's targets, written once: the verdicts and the printed table both come from here.

Each target reads one measured value from the results, compares it with its threshold and
gives a verdict; no verdict is ever written by hand. `smoke` marks the targets that hold
in a seconds-long smoke run too (correctness, page weight), as opposed to speed and scale,
which only a full run measures; the smoke test (tests/bench) asserts those. Figures in
FIGURES are printed beside them for information and have no verdict.
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


@dataclass(frozen=True)
class Figure:
    """A figure reported beside the targets, for information: it has no verdict."""

    key: str
    label: str
    show: Callable[[dict], str]


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


def _p99_vs_static(name: str) -> Callable[[dict], float]:
    """A page's p99 over its static twin's, measured in the same run."""

    def measure(results: dict) -> float:
        node = results["reading"][name]
        page, static = node["page"]["p99_ms"], node["static"]["p99_ms"]
        return page / static if page is not None and static else math.inf

    return measure


def _number(value: float | None) -> str:
    return "none" if value is None else f"{value:.1f}"


def _p99s(name: str) -> Callable[[dict], str]:
    def show(results: dict) -> str:
        node = results["reading"][name]
        ratio = _p99_vs_static(name)(results)
        page, static = node["page"]["p99_ms"], node["static"]["p99_ms"]
        return f"{_number(page)} vs {_number(static)} ms: {ratio:.2f}x"

    return show


def idle_mail_latency(results: dict) -> float:
    """p99 of stored → at the mail server with an idle queue; infinite when any e-mail of
    the phase never came (or there were none)."""
    idle = results["mail"]["idle"]
    if not idle["enquiries"] or idle["missing"] or idle["p99_s"] is None:
        return math.inf
    return idle["p99_s"]


def _latency(node: dict) -> str:
    if node["p99_s"] is None:
        return f"no e-mail of {node['enquiries']}"
    missing = f", {node['missing']} missing" if node["missing"] else ""
    return f"p50 {node['p50_s']:.3f} s, p99 {node['p99_s']:.3f} s ({node['enquiries']}{missing})"


def exactly_once(results: dict) -> float:
    """Enquiries that got exactly one e-mail, over the larger of enquiries and e-mails:
    1 only when every enquiry got one and no e-mail was extra (a duplicate, an unknown
    enquiry, no link); 0 when nothing was stored."""
    d = results["mail"]["delivery"]
    return share(d["exactly_once"], max(d["enquiries"], d["received"]))


def _delivery(r: dict) -> str:
    d = r["mail"]["delivery"]
    faults = ("missing", "duplicates", "unknown_enquiry", "without_link")
    found = ", ".join(f"{d[k]} {k.replace('_', ' ')}" for k in faults if d[k])
    return f"{d['received']} / {d['enquiries']}" + (f" ({found})" if found else "")


def _weight(name: str) -> Callable[[dict], float]:
    return lambda r: r["weight"][name]["total_compressed_kb"]


def _form_stored(r: dict) -> str:
    return f"{r['form']['stored']} / {r['form']['redirects']}"


def _flood_stored(r: dict) -> str:
    return f"{r['flood']['valid_stored']} / {r['flood']['valid_posts']}"


def quarantine_fill(results: dict) -> float:
    """Rows in quarantine after the flood over the hour's cap: at most 1 when the cap held;
    infinite when there were none (the bots' valid posts were not kept apart at all)."""
    flood = results["flood"]
    return share(flood["quarantined"], flood["quarantine_cap"]) or math.inf


def _quarantined(r: dict) -> str:
    return f"{r['flood']['quarantined']} (cap {r['flood']['quarantine_cap']} an hour)"


def _queries(r: dict) -> str:
    small, full = r["admin"]["queries_at_1000"], r["admin"]["queries_at_full"]
    return ", ".join(f"{name} {small[name]}→{full.get(name)}" for name in small) or "none"


def _scaling(r: dict) -> str:
    return f"{r['purge']['scaling_ratio']:.1f} for {r['purge']['rows_ratio']:.0f}x rows"


def _foreign(r: dict) -> float:
    return sum(len(page["foreign_urls"]) for page in r["weight"].values())


def _proxy_flood(name: str) -> Callable[[dict], float]:
    """Reading through nginx during its flood over reading through nginx without one;
    NaN when not measured (nginx missing)."""
    return lambda r: r.get("flood_proxy", {}).get(name, {}).get("ratio", math.nan)


def _proxy_flood_text(name: str) -> Callable[[dict], str]:
    def show(r: dict) -> str:
        node = r.get("flood_proxy", {})
        if name not in node:
            return node.get("skipped", "not measured")
        loaded, unloaded = node[name]["loaded"], node[name]["unloaded"]
        refused = node[name]["bot_statuses"].get("429", 0)
        return (
            f"{node[name]['ratio']:.2f} ({loaded['requests_per_second']:.0f} vs "
            f"{unloaded['requests_per_second']:.0f}/s; 429 to {refused} of "
            f"{node[name]['bot_posts']} bot posts)"
        )

    return show


APP_GROUPS = (("gunicorn", "gunicorn"), ("worker", "worker"), ("postgres", "PostgreSQL"))


def _cost(kind: str, total: str) -> Callable[[dict], float]:
    """CPU ms per post of a kind (bench/cost.py), summed over the groups `total` names;
    NaN when a group was not measured (PostgreSQL on another machine)."""

    def measure(r: dict) -> float:
        value = r.get("cost", {}).get(kind, {}).get("ms_per_post", {}).get(total)
        return math.nan if value is None else value

    return measure


def _cost_text(kind: str, total: str) -> Callable[[dict], str]:
    def show(r: dict) -> str:
        node = r.get("cost", {}).get(kind)
        if not node:
            return "not measured"
        ms = node["ms_per_post"]
        parts = ", ".join(f"{label} {ms[g]:.2f}" for g, label in APP_GROUPS if g in ms)
        return f"{_cost(kind, total)(r):.2f} ms ({parts})"

    return show


def _bot_text(kind: str) -> Callable[[dict], str]:
    def show(r: dict) -> str:
        node = r.get("cost", {}).get(kind)
        if not node or node["ms_per_post"].get("post_alone") is None:
            return "not measured"
        ms = node["ms_per_post"]
        return (
            f"{ms['post_alone']:.2f} ms (with its GET {ms['gunicorn_and_postgres']:.2f}: "
            f"gunicorn {ms['gunicorn']:.2f}, PostgreSQL {ms['postgres']:.2f})"
        )

    return show


def _reference(kind: str) -> Callable[[dict], str]:
    def show(r: dict) -> str:
        node = r.get("cost", {}).get(kind)
        if not node:
            return "not measured"
        ms = node["ms_per_post"]
        return f"{ms['gunicorn']:.2f} ms in gunicorn, {ms.get('postgres') or 0:.2f} in PostgreSQL"

    return show


TARGETS = [
    Target("read_ratio_personvern", "read /personvern/ vs static",
           _reading("personvern", "ratio"), ">=", 1.0, digits=2),
    Target("read_ratio_home", "read / vs static", _reading("home", "ratio"), ">=", 0.9, digits=2),
    Target("read_p99_personvern", "read /personvern/ p99 / static p99",
           _p99_vs_static("personvern"), "<=", 1.5, show=_p99s("personvern")),
    Target("read_p99_home", "read / p99 / static p99", _p99_vs_static("home"), "<=", 1.5,
           show=_p99s("home")),
    # CPU per post in every process that serves it, each kind measured alone (bench/cost.py).
    Target("cost_valid", "CPU per valid submission (GET, POST, e-mail), all processes",
           _cost("valid", "total"), "<=", 5, "ms", show=_cost_text("valid", "total")),
    # A bot's POST alone: each kind's GET of the form page, measured alike, taken off.
    Target("cost_honeypot", "CPU per bot post, honeypot filled (gunicorn + PostgreSQL)",
           _cost("honeypot", "post_alone"), "<=", 1, "ms", show=_bot_text("honeypot")),
    Target("cost_too_fast", "CPU per bot post, too fast, quarantine full (gunicorn + PG)",
           _cost("too_fast", "post_alone"), "<=", 1, "ms", show=_bot_text("too_fast")),
    Target("cost_over_limit", "CPU per bot post over the app's rate limit (gunicorn + PG)",
           _cost("over_limit", "post_alone"), "<=", 1, "ms", show=_bot_text("over_limit")),
    # At least one stored row per 303: fewer would be a loss. More happens when a post is
    # still in flight as wrk stops (on a busy machine, past the script's one-second margin):
    # stored, and its answer never counted.
    Target("form_nothing_lost", "form: stored per 303 answer",
           lambda r: share(r["form"]["stored"], r["form"]["redirects"]), ">=", 1,
           show=_form_stored, smoke=True),
    Target("form_only_303", "form: answers other than 303",
           lambda r: r["form"]["other_answers"], "==", 0, digits=0, smoke=True),
    Target("mail_exactly_once", "e-mails received / enquiries stored, each once",
           exactly_once, "==", 1, show=_delivery, smoke=True),
    Target("mail_latency_idle", "stored → mail server, idle queue, p99", idle_mail_latency,
           "<", 2, "s", show=lambda r: _latency(r["mail"]["idle"])),
    Target("flood_ratio", "flood: reading kept", lambda r: r["flood"]["ratio"], ">=", 0.85,
           digits=2),
    Target("flood_proxy_one_client", "flood through nginx, one client: reading kept",
           _proxy_flood("one_client"), ">=", 0.95, show=_proxy_flood_text("one_client")),
    Target("flood_proxy_many_clients", "flood through nginx, 100 clients: reading kept",
           _proxy_flood("many_clients"), ">=", 0.8, show=_proxy_flood_text("many_clients")),
    Target("flood_valid_stored", "flood: stored per valid 303",
           lambda r: share(r["flood"]["valid_stored"], r["flood"]["valid_posts"]), "==", 1,
           show=_flood_stored, smoke=True),
    Target("flood_quarantine_bounded", "flood: rows in quarantine / hourly cap",
           quarantine_fill, "<=", 1, show=_quarantined, smoke=True),
    Target("admin_changelist_p95", "admin change list p95",
           lambda r: r["admin"]["changelist"]["p95_ms"], "<", 150, "ms", digits=0),
    Target("admin_search_p95", "admin e-mail search p95",
           lambda r: r["admin"]["search_email"]["p95_ms"], "<", 150, "ms", digits=0),
    Target("admin_constant_queries", "admin queries, 1,000 → full rows", query_growth, "==", 0,
           show=_queries, smoke=True),
    Target("purge_memory", "purge peak memory", lambda r: r["purge"]["peak_rss_mb"], "<", 200,
           "MB", digits=0),
    # What a nightly purge needs is to finish well within the night: a million expired
    # rows (far more than this site will have) in under five minutes.
    Target("purge_time", "purge time per 100k (1M rows < 5 min)",
           lambda r: r["purge"]["seconds_per_100k"], "<", 30, "s"),
    Target("purge_scaling", "purge scaling (large/small)",
           lambda r: r["purge"]["scaling_ratio"], "<=", 10.5, show=_scaling),
    Target("weight_home", "weight /", _weight("home"), "<=", 40, "KB", smoke=True),
    Target("weight_personvern", "weight /personvern/", _weight("personvern"), "<=", 40, "KB",
           smoke=True),
    Target("no_foreign_hosts", "requests to other hosts", _foreign, "==", 0, digits=0,
           smoke=True),
    Target("no_server_errors", "tracebacks in server, worker and sink logs",
           lambda r: r["server_log"]["tracebacks"], "==", 0, digits=0, smoke=True),
]  # fmt: skip


def _sending(r: dict) -> str:
    node = r["form"]["mail"]
    rate, drained = node["sent_per_second"], node["drained_after_last_stored_s"]
    if rate is None or drained is None:
        return "too few e-mails to tell"
    return f"{rate:.0f} e-mails/s, the last {drained:.1f} s after the last enquiry"


def _through_proxy(name: str) -> Callable[[dict], str]:
    def show(r: dict) -> str:
        node = r.get("reading_through_proxy", {})
        if name not in node:
            return node.get("skipped", "not measured")
        page = node[name]["page"]
        return (
            f"{page['requests_per_second']:.0f}/s, p99 {_number(page['p99_ms'])} ms: "
            f"{node[name]['ratio_to_direct']:.2f}x direct"
        )

    return show


def _form_rate(r: dict) -> str:
    cost = _cost("valid", "total")(r)
    beside = f"; {cost:.2f} ms of CPU each (cost below)" if math.isfinite(cost) else ""
    return f"{r['form']['submissions_per_second']:.0f}/s{beside}"


def _generator_share(node: dict, cores: int) -> float:
    return node["generator_cpu_seconds"] / (node["generator_seconds"] * cores)


def _generators(r: dict) -> str:
    """The flood generators' own CPU, as a share of the machine's cores for as long as
    they ran: taken from the reading they disturb, though no server pays it."""
    cores, proxied = r["machine"]["cores"], r.get("flood_proxy", {})
    shares = [f"{_generator_share(r['flood'], cores):.0%} direct"]
    shares += [
        f"{_generator_share(proxied[name], cores):.0%} {label}"
        for name, label in (("one_client", "nginx one client"), ("many_clients", "100 clients"))
        if name in proxied
    ]
    return ", ".join(shares) + " of the cores"


FIGURES = [
    Figure("form_rate", "form submissions/s, worker sending", _form_rate),
    Figure("form_p99", "form p99 (per request)", lambda r: f"{r['form']['p99_ms']:.1f} ms"),
    Figure("cost_form_page", "CPU per GET of the form page (a bot's first request)",
           _reference("form_page")),
    Figure("cost_static_file", "CPU per GET of a 3-byte static file: any request's floor",
           _reference("static_file")),
    Figure("read_proxy_personvern", "read /personvern/ through nginx (TLS)",
           _through_proxy("personvern")),
    Figure("read_proxy_home", "read / through nginx (TLS)", _through_proxy("home")),
    Figure("mail_latency_form_load", "stored → mail server, during form load",
           lambda r: _latency(r["form"]["mail"])),
    Figure("mail_rate_form_load", "worker sending, form load", _sending),
    Figure("flood_generators", "flood: its generators' own CPU (bots; direct, people too)",
           _generators),
    Figure("machine_loop", "machine: a Python loop of 20M additions, before / after the run",
           lambda r: "{before:.2f} s / {after:.2f} s".format(**r["machine"]["loop_seconds"])),
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


def information(results: dict) -> dict[str, dict]:
    """Each figure reported for information, as printed, for results.json."""
    return {f.key: {"label": f.label, "result": f.show(results)} for f in FIGURES}


def table(results: dict) -> str:
    rows = [("measure", "result", "target", "ok")] + [
        (t.label, t.result_text(results), t.target_text(), "yes" if t.met(results) else "NO")
        for t in TARGETS
    ]
    rows += [(f.label, f.show(results), "info", "-") for f in FIGURES]
    width = [max(len(row[column]) for row in rows) for column in range(3)]
    return "\n".join(
        f"{name:<{width[0]}}  {result:>{width[1]}}  {target:>{width[2]}}  {ok}"
        for name, result, target, ok in rows
    )
