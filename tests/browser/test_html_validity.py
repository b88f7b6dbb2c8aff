"""The Nu Html Checker (vnu, the W3C validator's engine) finds no error on any public page.

It runs offline: the `vnu-jar` npm package (a devDependency, installed by `npm ci`) on the
machine's Java. Every page is fetched from gunicorn as served, so what is checked is what
a visitor gets, the form's error state included. Warnings are printed, not failed.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.pages import EVERY_PUBLIC_PAGE
from tests.servers import ROOT, Browser

VNU = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
JAVA = shutil.which("java") or "/usr/bin/java"


# A run of a second or two: the JIT's quick tier only and one GC thread halve the JVM's CPU
# (3.0 to 1.5 s for six pages); the quick tier needs a deeper stack for the HTML schema.
JVM_FLAGS = ("-Xss2m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC")


def nu_checker(files: list[Path]) -> list[dict]:
    if not VNU.exists():
        pytest.fail(f"{VNU.relative_to(ROOT)} is missing: run 'make install'.", pytrace=False)
    if not Path(JAVA).exists():
        pytest.fail("Java is needed for the Nu Html Checker: apt-get install default-jre-headless")
    result = subprocess.run(
        [JAVA, *JVM_FLAGS, "-jar", str(VNU), "--format", "json", "--exit-zero-always"]
        + [str(file) for file in files],
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    return json.loads(result.stderr)["messages"]


def served_pages(base: str) -> dict[str, str]:
    """Every public page as gunicorn serves it, and the callback form with an error."""
    browser = Browser(base)
    pages = {path: browser.request("GET", path)[1] for path in EVERY_PUBLIC_PAGE}
    form = {**browser.form(), "email": "ikke-en-adresse"}
    status, pages["/kontakt/ (med feil)"] = browser.request("POST", "/kontakt/", form)
    assert status == 400 and 'id="feil"' in pages["/kontakt/ (med feil)"]
    return pages


def test_the_nu_html_checker_finds_no_error_on_any_public_page(site, tmp_path):
    pages = served_pages(site)
    files = {tmp_path / f"side-{number}.html": path for number, path in enumerate(pages)}
    for file, path in files.items():
        file.write_text(pages[path], encoding="utf-8")

    messages = nu_checker(list(files))

    by_url = {f"file:{file}": path for file, path in files.items()}  # vnu's way: file:/tmp/…

    def described(m: dict) -> str:
        return f"{by_url.get(m.get('url'), m.get('url'))}:{m.get('lastLine')}: {m['message']}"

    for warning in (m for m in messages if m["type"] != "error"):
        print("vnu", warning.get("subType", warning["type"]), described(warning))
    errors = [described(m) for m in messages if m["type"] == "error"]
    assert len(files) == len(EVERY_PUBLIC_PAGE) + 1
    assert errors == [], "\n".join(errors)
