"""gunicorn's logs without secrets or client addresses.

The single-use link of "Dine opplysninger" and a consent's own links carry their secret in
the path, and an access log is kept longer and read by more people than the link lives:
the log shows the page, not the secret (common/secret_paths.py). gunicorn's own warning
about a malformed request names the client's address (personal data): the log says "a
client" instead, and redacts the request line it may quote."""

from __future__ import annotations

import re

from gunicorn import glogging

from common.secret_paths import redact

# "Invalid request from ip=192.0.2.1: ..." (an IPv6 address has colons, but no ": ").
_CLIENT = re.compile(r"from ip=.*?: ")


def redact_path(path: str) -> str:
    return redact(path)


class Logger(glogging.Logger):
    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        atoms["U"] = redact_path(atoms["U"])
        return atoms

    def warning(self, msg, *args, **kwargs):
        if isinstance(msg, str):
            msg = redact(_CLIENT.sub("from a client: ", msg, count=1))
        super().warning(msg, *args, **kwargs)
