"""wrk, the load generator for reading and for valid form submissions (bench/form.lua)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys

from bench import BenchError
from bench.servers import ROOT

FORM_SCRIPT = ROOT / "bench" / "form.lua"


def ensure_wrk() -> None:
    if shutil.which("wrk"):
        return
    print("[bench] installing wrk from Debian's packages", file=sys.stderr, flush=True)
    quiet = {"check": True, "stdout": subprocess.DEVNULL}
    subprocess.run(["apt-get", "update", "-qq"], **quiet)
    subprocess.run(
        ["apt-get", "install", "-y", "-qq", "wrk"],
        env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"},
        **quiet,
    )


def version() -> str:
    result = subprocess.run(["wrk", "-v"], capture_output=True, text=True, check=False)
    return (result.stdout + result.stderr).split("\n")[0].strip()


def _ms(value: str) -> float:
    number, unit = re.match(r"([\d.]+)(\w+)", value).groups()
    return float(number) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def _run(args: list[str]) -> str:
    result = subprocess.run(["wrk", *args], capture_output=True, text=True, check=False)
    if result.returncode:
        raise BenchError(f"wrk {' '.join(args)} failed: {(result.stderr + result.stdout)[-2000:]}")
    return result.stdout


def _latency(output: str) -> dict[str, float]:
    return {p: _ms(v) for p, v in re.findall(r"^\s+(50|75|90|99)%\s+([\d.]+\w+)", output, re.M)}


def reading(url: str, seconds: float, headers: dict[str, str] | None = None) -> dict:
    """GETs of one URL from 16 connections: requests a second and latency percentiles."""
    args = ["-t2", "-c16", f"-d{max(1, round(seconds))}s", "--latency"]
    for name, value in (headers or {}).items():
        args += ["-H", f"{name}: {value}"]
    output = _run([*args, url])
    rps = re.search(r"Requests/sec:\s+([\d.]+)", output)
    if not rps:
        raise BenchError(f"wrk reported no request rate for {url}:\n{output[-2000:]}")
    latency = _latency(output)
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    return {
        "requests_per_second": float(rps.group(1)),
        "p50_ms": latency.get("50"),
        "p99_ms": latency.get("99"),
        "non_2xx": int(non_2xx.group(1)) if non_2xx else 0,
    }


def form(base: str, seconds: int) -> dict:
    """Valid submissions by bench/form.lua: 16 visitors, each GET /kontakt/ then POST it.

    Fails when a page came without the form's tokens: the markup the script reads changed.
    """
    script = ["-s", str(FORM_SCRIPT), base, "--", str(seconds)]
    output = _run(["-t16", "-c16", f"-d{seconds}s", "--latency", *script])
    result = re.search(r"RESULT redirects=(\d+) others=(\d+) unreadable=(\d+)", output)
    if not result:
        raise BenchError(f"bench/form.lua reported no result:\n{output[-2000:]}")
    redirects, others, unreadable = map(int, result.groups())
    if unreadable:
        raise BenchError(
            f"bench/form.lua found no csrfmiddlewaretoken or token field in {unreadable} "
            f"answers from {base}/kontakt/: the form's markup changed"
        )
    latency = _latency(output)
    return {
        "redirects": redirects,
        "others": others,
        "p50_ms": latency["50"],
        "p99_ms": latency["99"],
    }


def bracket(before: dict, after: dict) -> dict:
    """A reference reading taken in two windows, one just before the measured reading and
    one just after it (each half as long), as one: the mean of their rates and of their
    percentiles, the sum of their non-2xx answers, and both windows as measured.

    The machine's speed drifts within a run (the same page read at 3,100 and at 4,076
    requests a second a few minutes apart, one full run of this session); a reference
    measured only before or only after the reading it divides takes the drift into the
    ratio. Around it, a steady drift cancels."""
    windows = (before, after)

    def mean(key: str) -> float | None:
        values = [window[key] for window in windows]
        return None if None in values else sum(values) / len(values)

    return {
        "requests_per_second": mean("requests_per_second"),
        "p50_ms": mean("p50_ms"),
        "p99_ms": mean("p99_ms"),
        "non_2xx": before["non_2xx"] + after["non_2xx"],
        "windows": [before, after],
    }
