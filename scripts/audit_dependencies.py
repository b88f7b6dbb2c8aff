"""Audit the locked dependencies for known vulnerabilities: requirements.lock and
package-lock.json, with pip-audit and npm audit.

Exit status: 0 when every package was checked and none has a known vulnerability; 1 when
a vulnerability is known or some packages could not be checked; 2 when no vulnerability
service answered at all (so nothing was checked, which is not the same as "clean").
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
UNREACHABLE = 2


def audit_python() -> int:
    result = subprocess.run(
        [
            str(Path(sys.executable).parent / "pip-audit"),
            "--requirement",
            "requirements.lock",
            "--require-hashes",
            "--disable-pip",
            "--format",
            "json",
            "--progress-spinner",
            "off",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    try:
        report = json.loads(result.stdout)
    except json.JSONDecodeError:
        print(f"pip-audit failed: {result.stderr.strip()[-500:]}")
        return 1
    deps = report["dependencies"]
    vulnerable = [d for d in deps if d.get("vulns")]
    skipped = [d for d in deps if d.get("skip_reason")]
    for dep in vulnerable:
        ids = ", ".join(v["id"] for v in dep["vulns"])
        print(f"VULNERABLE {dep['name']} {dep['version']}: {ids}")
    if vulnerable:
        return 1
    if deps and len(skipped) == len(deps):
        print(
            f"pip-audit: the vulnerability service did not answer; "
            f"none of {len(deps)} packages was checked."
        )
        return UNREACHABLE
    if skipped:
        print("pip-audit: not checked: " + ", ".join(d["name"] for d in skipped))
        return 1
    print(f"pip-audit: {len(deps)} locked Python packages, no known vulnerability.")
    return 0


def audit_npm() -> int:
    result = subprocess.run(
        ["npm", "audit", "--package-lock-only", "--omit=dev", "--json"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    try:
        report = json.loads(result.stdout or "{}")
    except json.JSONDecodeError:
        report = {}
    if "error" in report or not report:
        print("npm audit: the advisory service did not answer; package-lock.json was not checked.")
        return UNREACHABLE
    total = report.get("metadata", {}).get("vulnerabilities", {}).get("total", 0)
    if total:
        print(f"npm audit: {total} known vulnerabilities in package-lock.json")
        return 1
    print("npm audit: no known vulnerability in package-lock.json.")
    return 0


def main() -> int:
    results = [audit_python(), audit_npm()]
    if 1 in results:
        return 1
    return UNREACHABLE if UNREACHABLE in results else 0


if __name__ == "__main__":
    sys.exit(main())
