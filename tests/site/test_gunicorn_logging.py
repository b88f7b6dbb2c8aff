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
    response = SimpleNamespace(status="200 OK", headers=[], sent=10, response_length=10)
    request = SimpleNamespace(headers=[], method="POST")
    environ = {
        "PATH_INFO": "/personvern/mine-opplysninger/lenke/hemmelig/",
        "REQUEST_METHOD": "POST",
        "QUERY_STRING": "",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "RAW_URI": "/personvern/mine-opplysninger/lenke/hemmelig/",
    }

    atoms = _logger().atoms(response, request, environ, dt.timedelta(milliseconds=3))

    assert config["logger_class"] == "pilaro_site.gunicorn_logging.Logger"
    assert atoms["U"] == "/personvern/mine-opplysninger/lenke/[skjult]/"
    assert "hemmelig" not in str(atoms["U"])


def _logger() -> Logger:
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
    return Logger(cfg)


# What gunicorn's error path (Worker.handle_error) hands the hooks for a request it
# refused half-parsed: no path, and no method or URI when it had not read them.
REFUSED = {"wsgi.input": None, "REQUEST_METHOD": None, "RAW_URI": None, "QUERY_STRING": None}


def test_the_atoms_of_a_refused_request_are_dashes_not_an_error():
    response = SimpleNamespace(status="400 Bad Request", headers=[], sent=None)

    atoms = _logger().atoms(response, None, dict(REFUSED), dt.timedelta(milliseconds=1))

    assert atoms["U"] == "-" and atoms["m"] == "-" and atoms["s"] == "400"


def test_a_refused_request_gets_no_access_line_beside_gunicorn_s_warning(monkeypatch):
    logger = _logger()
    written = []
    monkeypatch.setattr(logger.access_log, "info", lambda *args: written.append(args))
    response = SimpleNamespace(status="400 Bad Request", headers=[], sent=None)

    logger.access(response, None, {**REFUSED, "SERVER_PROTOCOL": "HTTP/1.1"}, dt.timedelta())
    logger.access(response, None, None, dt.timedelta())

    assert written == []


def test_an_access_line_that_cannot_be_made_is_one_error_line_not_a_dead_worker(monkeypatch):
    logger = _logger()
    errors = []
    monkeypatch.setattr(Logger, "atoms", lambda *args: 1 / 0)
    monkeypatch.setattr(logger, "error", lambda msg, *args: errors.append(msg % args))

    logger.access(SimpleNamespace(), None, {"PATH_INFO": "/"}, dt.timedelta())

    assert errors == ["access log line not written: ZeroDivisionError"]
