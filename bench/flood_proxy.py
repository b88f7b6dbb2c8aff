"""Reading during the bot flood through nginx (bench/proxy.py: the production config), as
production meets it: nginx's limit_req on the form's POSTs (deploy/nginx/site.conf.in),
nginx setting X-Forwarded-For, the app trusting that one proxy and keeping its own rate
limit (the production default), a minimum fill time and the quarantine's cap.

The flood is bench.load's `spam` at the direct flood's rate, from one client (one source
address: nginx refuses most of its posts) and from 100 (an address each: each within
nginx's burst, so all reach the app). Reading is wrk through nginx from 127.0.0.1, which
posts nothing, against the same reading without a flood, half just before the flood and
half just after it (bench/wrk.py `bracket`): three windows without a flood, the middle one
shared by the two floods.
"""

from __future__ import annotations

import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from bench import wrk
from bench.proxy import BEHIND_NGINX, NGINX, TlsProxy

# (name, source addresses, bots at once): one client, then a hundred with one bot each.
FLOODS = (("one_client", 1, 16), ("many_clients", 100, 100))
PAGE = "/personvern/"


def proxied_env(quarantine_cap: int) -> dict[str, str | None]:
    """The app server's settings behind nginx: as tests/site/test_proxy.py's front, with
    the flood's fill time and cap, and the app's own rate limit at its default (None: the
    bench's raised limit is dropped)."""
    return {
        **BEHIND_NGINX,
        "PILARO_MIN_FILL_SECONDS": "2",
        "PILARO_QUARANTINE_MAX_PER_HOUR": str(quarantine_cap),
        "PILARO_RATE_LIMIT": None,
    }


def _flooded(bench, proxy: TlsProxy, rate: int, sources: int, users: int) -> dict:
    seconds = bench.plan.flood_seconds
    spam = [
        "spam",
        proxy.base,
        f"--users={users}",
        f"--seconds={seconds + 1}",
        f"--rate={rate}",
        f"--sources={sources}",
        f"--cafile={proxy.certificate}",
    ]
    with ThreadPoolExecutor(max_workers=1) as pool:
        bots_running = pool.submit(bench.python, "bench.load", *spam)
        time.sleep(0.5)
        loaded = wrk.reading(proxy.base + PAGE, seconds)
        bots = bots_running.result()
    return {
        "sources": sources,
        "loaded": loaded,
        "bot_posts": sum(bots["statuses"].values()),
        "bot_statuses": bots["statuses"],
        "bot_errors": bots["errors"],
        "generator_cpu_seconds": bots["cpu_seconds"],
        "generator_seconds": seconds + 1,
    }


def measure(bench, rate: int, quarantine_cap: int) -> dict:
    """The reading ratios through nginx: without a flood, with one client and with 100
    flooding. Leaves its app server running."""
    if not Path(NGINX).exists():
        return {"skipped": "nginx is not installed (make proxy)"}
    bench.start(**proxied_env(quarantine_cap))
    with TlsProxy(f"127.0.0.1:{bench.port}") as proxy:
        half = bench.plan.flood_seconds / 2
        before = wrk.reading(proxy.base + PAGE, half)
        results: dict = {}
        for name, sources, users in FLOODS:
            flooded = _flooded(bench, proxy, rate, sources, users)
            after = wrk.reading(proxy.base + PAGE, half)
            unloaded = wrk.bracket(before, after)
            rps = flooded["loaded"]["requests_per_second"]
            results[name] = {
                **flooded,
                "unloaded": unloaded,
                "ratio": rps / unloaded["requests_per_second"],
            }
            before = after
            print(f"[bench] flood through nginx, {name}: {results[name]['ratio']:.2f} of "
                  f"{unloaded['requests_per_second']:.0f}/s, bots {flooded['bot_statuses']}",
                  file=sys.stderr)  # fmt: skip
    return results
