"""gunicorn's access log never holds the secret of a self-service link."""

from __future__ import annotations

import datetime as dt
import runpy
from types import SimpleNamespace

from pilaro_site.gunicorn_logging import Logger, redact_path
from tests.servers import ROOT


def test_the_links_secret_is_hidden_and_other_paths_are_kept():
    assert redact_path("/personvern/mine-opplysninger/lenke/abc-DEF_123/") == (
        "/personvern/mine-opplysninger/lenke/[skjult]/"
    )
    assert redact_path("/personvern/mine-opplysninger/oversikt/") == (
        "/personvern/mine-opplysninger/oversikt/"
    )
    assert redact_path("/kontakt/") == "/kontakt/"


def test_gunicorn_uses_the_redacting_logger_for_its_access_log():
    config = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    cfg = SimpleNamespace(
        errorlog="-",
        accesslog="-",
        loglevel="info",
        capture_output=False,
        logconfig=None,
        logconfig_dict={},
        logconfig_json=None,
        syslog=False,
        syslog_addr=None,
        syslog_prefix=None,
        syslog_facility="user",
        disable_redirect_access_to_syslog=False,
        access_log_format=config["access_log_format"],
        statsd_host=None,
        dogstatsd_tags="",
        statsd_prefix="",
        user=0,
        group=0,
        umask=0,
    )
    response = SimpleNamespace(status="200 OK", headers=[], sent=10, response_length=10)
    request = SimpleNamespace(headers=[], method="POST")
    environ = {
        "PATH_INFO": "/personvern/mine-opplysninger/lenke/hemmelig/",
        "REQUEST_METHOD": "POST",
        "QUERY_STRING": "",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "RAW_URI": "/personvern/mine-opplysninger/lenke/hemmelig/",
    }

    atoms = Logger(cfg).atoms(response, request, environ, dt.timedelta(milliseconds=3))

    assert config["logger_class"] == "pilaro_site.gunicorn_logging.Logger"
    assert atoms["U"] == "/personvern/mine-opplysninger/lenke/[skjult]/"
    assert "hemmelig" not in str(atoms["U"])
