"""What one submission costs in CPU, in every process that serves it (bench/cpu.py).

Each kind is measured alone: a short paced phase of only that kind (bench.load's `paced`:
a new visitor for each, GET /kontakt/ then POST at once), the CPU that gunicorn (master and
workers), the job worker and the bench database's share of PostgreSQL used over it, less
what they use idle over the same seconds (measured just before), divided by the posts.

- valid: a form a person sent, through to its staff e-mail at the mail sink (the phase
  ends once every e-mail has arrived). Target: at most 5 ms in all processes together.
- honeypot: a bot that fills the hidden field.
- too_fast: a valid form posted at once, once the quarantine holds the hour's maximum
  (the quarantine is filled first, outside the measure): discarded.
- over_limit: a client past the app's own rate limit (PILARO_RATE_LIMIT, the production
  default), answered 429 by the app; the ones nginx refuses never reach gunicorn.
Target for each bot kind: at most 1 ms in gunicorn and PostgreSQL together, for the POST
alone: each bot above also GETs the form page first, as a bot must to have a token. Two
reference phases on the same server, paced alike, give what is not the post:

- form_page: the GET alone (`bench.load paced --get /kontakt/`); a bot kind's `post_alone`
  is its figure less this one.
- static_file: a GET of a three-byte static file, which WhiteNoise answers: what any
  request costs gunicorn on this machine, the floor under every figure here.

Background noise: the figure is the delta over the phase, so it includes the background
work the phase caused (the walwriter flushing its commits: acceptable), and an idle window
of the phase's planned length is measured right before it and subtracted, scaled to the
phase's real length; PostgreSQL's background processes serve every database on the
server, and what others did in either window is left as noise, reported apart
(`postgres_background`). The load generator, wrk and the mail sink are not counted.
"""

from __future__ import annotations

import sys
import time
from urllib.parse import urlparse

from bench import BenchError
from bench.cpu import Meter, measure_idle, postmaster

# After the last e-mail: the worker still marks its job and notification done.
TAIL_SECONDS = 0.5
QUIET_SECONDS = 1.0
MAIL_WAIT_SECONDS = 30
# The client address of the over_limit kind's posts (the documentation range).
OVER_LIMIT_ADDRESS = "198.51.100.7"


def _meter_args(bench) -> tuple:
    trees = {"gunicorn": bench.server.process.pid}
    if bench.worker:
        trees["worker"] = bench.worker.process.pid
    database = urlparse(bench.database_url).path[1:]
    return trees, postmaster(bench.database_url), database


def _wait_for_mail(bench, expected: int) -> None:
    deadline = time.monotonic() + MAIL_WAIT_SECONDS
    while len(bench.sink.arrivals()) < expected:
        if time.monotonic() > deadline:
            raise BenchError(
                f"cost: {expected - len(bench.sink.arrivals())} staff e-mails still missing "
                f"{MAIL_WAIT_SECONDS} s after the last post"
            )
        time.sleep(0.05)


def paced_phase(bench, kind: str, *load_args: str, mail: bool = False) -> dict:
    """One paced phase of `cost_posts` posts of one kind, metered; CPU ms per post by group."""
    posts, rate = bench.plan.cost_posts, bench.plan.cost_rate
    bench.settle()  # no e-mail of an earlier phase left to send,
    time.sleep(QUIET_SECONDS)  # and no request of an earlier phase still being answered
    args = _meter_args(bench)
    idle = measure_idle(args, posts / rate)
    mailed = len(bench.sink.arrivals()) if mail else 0
    meter = Meter(*args).start()
    paced = [f"--count={posts}", f"--rate={rate}", *load_args]
    answers = bench.python("bench.load", "paced", bench.base, *paced)
    if mail:
        _wait_for_mail(bench, mailed + answers["statuses"].get("303", 0))
    time.sleep(TAIL_SECONDS)
    used = meter.stop().minus(idle)
    per_post = {group: ms / posts for group, ms in used.ms.items()}
    shown = ", ".join(f"{group} {ms:.2f}" for group, ms in per_post.items())
    print(f"[bench] cost, {kind}: ms per post: {shown}", file=sys.stderr)
    app = ("gunicorn", "worker", "postgres")
    return {
        "posts": posts,
        "rate_per_second": rate,
        "answers": answers,
        "seconds": used.seconds,
        "idle_seconds": idle.seconds,
        "ms_per_post": {
            **per_post,
            "total": sum(per_post[g] for g in app) if "postgres" in per_post else None,
            "gunicorn_and_postgres": (
                per_post["gunicorn"] + per_post["postgres"] if "postgres" in per_post else None
            ),
        },
    }


def valid(bench) -> dict:
    """Valid submissions (the server as started by default: no minimum fill time), each
    through to its staff e-mail."""
    return paced_phase(bench, "valid", mail=True)


def bots(bench, quarantined: int, cap: int) -> dict:
    """The flood's kinds of bot post, on the flood's server (a minimum fill time, the
    quarantine's cap): `quarantined` rows are in quarantine now; and the two references."""
    if quarantined < cap:  # fill the hour's quarantine first, outside the measure
        bench.python("bench.load", "paced", bench.base, f"--count={cap - quarantined}")
    return {
        "honeypot": paced_phase(bench, "honeypot", "--honeypot"),
        "too_fast": paced_phase(bench, "too_fast"),
        "form_page": paced_phase(bench, "form_page", "--get=/kontakt/"),
        "static_file": paced_phase(
            bench, "static_file", f"--get=/static/{bench.twins.name}/floor.txt"
        ),
    }


BOT_KINDS = ("honeypot", "too_fast", "over_limit")


def posts_alone(cost: dict) -> None:
    """Each bot kind's `post_alone`: its gunicorn + PostgreSQL figure less the form page's
    GET, measured alike on the same code (None where PostgreSQL was not measured)."""
    page = cost["form_page"]["ms_per_post"]["gunicorn_and_postgres"]
    for kind in BOT_KINDS:
        ms = cost[kind]["ms_per_post"]
        both = ms["gunicorn_and_postgres"]
        ms["post_alone"] = None if both is None or page is None else both - page


def over_limit(bench) -> dict:
    """Posts from one client past the app's rate limit, on a server of its own with the
    production limit: the limit spent first (outside the measure), then every post
    answered 429."""
    bench.start(PILARO_RATE_LIMIT=None)
    spend = ["--count=20", f"--address={OVER_LIMIT_ADDRESS}"]
    bench.python("bench.load", "paced", bench.base, *spend)
    return paced_phase(bench, "over_limit", f"--address={OVER_LIMIT_ADDRESS}")
