"""`make bench` in its seconds-long smoke mode, so that it cannot rot.

Its numbers mean nothing; what is checked is that every figure of the report is there.
"""

from __future__ import annotations

import json
import subprocess
import sys

from tests.servers import ROOT

FIGURES = [
    ("machine", "cores"),
    ("machine", "python"),
    ("machine", "django"),
    ("machine", "gunicorn"),
    ("machine", "postgresql"),
    ("machine", "wrk"),
    ("reading", "personvern", "ratio"),
    ("reading", "personvern", "page", "p50_ms"),
    ("reading", "personvern", "page", "p99_ms"),
    ("reading", "personvern", "static", "requests_per_second"),
    ("reading", "home", "ratio"),
    ("reading", "home", "page", "p99_ms"),
    ("form", "submissions_per_second"),
    ("form", "p99_ms"),
    ("form", "redirects"),
    ("form", "stored"),
    ("form", "stored_equals_redirects"),
    ("flood", "ratio"),
    ("flood", "bot_posts"),
    ("flood", "all_valid_stored"),
    ("admin", "changelist", "p95_ms"),
    ("admin", "search_email", "p95_ms"),
    ("admin", "constant_query_count"),
    ("purge", "seconds_per_100k"),
    ("purge", "scaling_ratio"),
    ("purge", "peak_rss_mb"),
    ("weight", "home", "total_compressed_kb"),
    ("weight", "personvern", "total_compressed_kb"),
    ("weight", "home", "foreign_urls"),
    ("verdicts",),
]


def test_the_benchmark_runs_and_reports_every_figure(tmp_path):
    output = tmp_path / "results.json"
    result = subprocess.run(
        [sys.executable, "-m", "bench.run", "--smoke", "--output", str(output)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )

    assert result.returncode == 0, result.stderr[-3000:]
    report = json.loads(output.read_text())
    missing = []
    for path in FIGURES:
        node = report
        for key in path:
            if not isinstance(node, dict) or key not in node:
                missing.append(".".join(path))
                break
            node = node[key]
    assert missing == []
    assert report["mode"] == "smoke"
    # Correctness holds even in a smoke run: nothing valid lost, nothing foreign loaded.
    assert report["form"]["stored_equals_redirects"] is True
    assert report["flood"]["all_valid_stored"] is True
    assert report["weight"]["home"]["foreign_urls"] == []
    assert "read / vs static" in result.stdout
