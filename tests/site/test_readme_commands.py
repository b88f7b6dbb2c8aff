"""Every command the README tells a person to run is run by a test, or the README says why
no test can run it; its table "The README's commands, tested" says which."""

from __future__ import annotations

import re
import shlex
import shutil
import subprocess
import sys

import pytest

from deploy.render_nginx import write_standalone_around
from deploy.serve_tls import self_signed_certificate
from tests import readme
from tests.servers import ROOT

NGINX = shutil.which("nginx") or "/usr/sbin/nginx"


def test_every_command_in_the_readme_has_a_row_saying_what_runs_it():
    rows = {row.command for row in readme.table()}

    assert readme.commands(), "the README should give commands to run"
    assert [c for c in readme.commands() if c not in rows] == []
    assert [r for r in rows if r not in readme.commands()] == [], "a row for no command"


def test_each_row_names_tests_that_exist_or_says_why_none_runs_it():
    for row in readme.table():
        named = readme.named_tests(row.runner)
        if not named:
            assert row.runner.startswith("Not run by a test:"), row
            assert len(row.runner) > len("Not run by a test:") + 20, "say why"
        for path, name in named:
            source = (ROOT / path).read_text()
            assert re.search(rf"^def {name}\(", source, flags=re.M), f"{path}::{name}"


def test_ci_runs_the_readmes_test_command_last():
    _, test_command = readme.setup_commands()
    lines = [
        line.strip()
        for line in (ROOT / ".ci" / "run").read_text().splitlines()
        if line.strip() and not line.strip().startswith("#")
    ]

    assert test_command == "make test"
    assert lines[-1] == test_command


def production_nginx_command() -> list[str]:
    """The README's command that writes the production site file, without its `>`."""
    [block] = [b for b in readme.shell_blocks() if "deploy.render_nginx" in b[0]]
    whole = " ".join(line.rstrip("\\").strip() for line in block if not line.startswith("ln "))
    command, _, target = whole.partition(" > ")
    assert target == "/etc/nginx/sites-available/pilaro.conf"
    return shlex.split(command)


def test_the_production_nginx_command_writes_a_site_that_nginx_accepts(tmp_path):
    """Run as the README gives it. Only the certificates are swapped for a self-signed pair,
    since Let's Encrypt's do not exist here; then `nginx -t`, as the README's next line."""
    command = production_nginx_command()
    assert command[0] == ".venv/bin/python"
    result = subprocess.run(
        [sys.executable, *command[1:]], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    site = result.stdout
    certificate, key = self_signed_certificate(tmp_path / "tls")

    assert "server_name pilaro.no www.pilaro.no;" in site
    assert "return 301 https://$host$request_uri;" in site
    assert "alias /srv/pilaro/staticfiles/;" in site
    if not shutil.which(NGINX):
        pytest.fail("nginx is not installed: make proxy")
    config = write_standalone_around(
        site.replace("/etc/letsencrypt/live/pilaro.no/fullchain.pem", str(certificate))
        .replace("/etc/letsencrypt/live/pilaro.no/privkey.pem", str(key))
        .replace("/var/log/nginx/pilaro-access.log", str(tmp_path / "access.log")),
        tmp_path / "nginx",
    )
    checked = subprocess.run(
        [NGINX, "-t", "-p", str(config.parent), "-c", str(config)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert checked.returncode == 0, checked.stderr
