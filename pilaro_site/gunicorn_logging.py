"""gunicorn's logs without secrets or client addresses.

The single-use link of "Dine opplysninger" and a consent's own links carry their secret in
the path, and an access log is kept longer and read by more people than the link lives:
the log shows the page, not the secret (common/secret_paths.py). gunicorn's own warning
about a malformed request names the client's address (personal data): the log says "a
client" instead, and redacts the request line it may quote.

gunicorn calls these hooks for the requests it refuses too (a malformed header, a bad
chunk), with whatever it had parsed: no path, no method, sometimes no request at all. A
hook that raised there would end the worker process, so none of them ever raises: one
malformed request must cost one log line, never a worker."""

from __future__ import annotations

import re

from gunicorn import glogging

from common.secret_paths import redact

# "Invalid request from ip=192.0.2.1: ..." (an IPv6 address has colons, but no ": ").
_CLIENT = re.compile(r"from ip=.*?: ")


def redact_path(path: str) -> str:
    return redact(path)


# The atoms of the access log's format (gunicorn.conf.py), "-" where gunicorn has none.
_FORMAT_ATOMS = ("m", "U", "s", "B", "M")


class Logger(glogging.Logger):
    def atoms(self, resp, req, environ, request_time):
        try:
            atoms = super().atoms(resp, req, environ, request_time)
        except Exception:  # a refused request: gunicorn's own atoms read what it lacks
            atoms = {"s": str(getattr(resp, "status", "-") or "-").split(" ", 1)[0]}
        path = atoms.get("U")
        atoms["U"] = redact_path(path) if isinstance(path, str) else "-"
        for name in _FORMAT_ATOMS:
            if atoms.get(name) is None:
                atoms[name] = "-"
        return atoms

    def access(self, resp, req, environ, request_time):
        # A request gunicorn refused (its error path builds an environ without a path) was
        # logged already, by the warning naming why: one line per event.
        if not isinstance(environ, dict) or "PATH_INFO" not in environ:
            return
        try:
            super().access(resp, req, environ, request_time)
        except Exception as error:  # never the worker's end; one line, no traceback
            self.error("access log line not written: %s", type(error).__name__)

    def warning(self, msg, *args, **kwargs):
        if isinstance(msg, str):
            msg = redact(_CLIENT.sub("from a client: ", msg, count=1))
        super().warning(msg, *args, **kwargs)
