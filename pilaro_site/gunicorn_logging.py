"""gunicorn's access log without secrets: the single-use link of "Dine opplysninger"
carries its secret in the path, and an access log is kept longer and read by more people
than the link lives. The log shows the page, not the secret."""

from __future__ import annotations

import re

from gunicorn import glogging

_LINK = re.compile(r"^(/personvern/mine-opplysninger/lenke/)[^/]+")


def redact_path(path: str) -> str:
    return _LINK.sub(r"\1[skjult]", path)


class Logger(glogging.Logger):
    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        atoms["U"] = redact_path(atoms["U"])
        return atoms
