"""nginx before gunicorn, as in production (deploy/nginx/site.conf.in), on loopback ports
with a self-signed certificate: for the proxy tests (tests/site/test_proxy.py), the
benchmark's readings through the proxy, and `make serve-tls`."""

from __future__ import annotations

import shutil
import ssl
import tempfile
import urllib.request
from pathlib import Path

from bench.servers import ROOT, Server, clean_env, free_port
from deploy.render_nginx import Site, write_standalone
from deploy.serve_tls import self_signed_certificate

NGINX = shutil.which("nginx") or "/usr/sbin/nginx"


# The app's settings behind the production nginx (deploy/nginx/site.conf.in): it reaches
# the app by the name "localhost", says the request came by https, and replaces
# X-Forwarded-For with the client's address (one proxy trusted).
BEHIND_NGINX = {
    "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
    "DJANGO_BEHIND_TLS_PROXY": "1",
    "PILARO_TRUSTED_PROXIES": "1",
}


def client_context(certificate: Path) -> ssl.SSLContext:
    """A TLS client that trusts this certificate only."""
    return ssl.create_default_context(cafile=str(certificate))


class TlsProxy(Server):
    """nginx on free loopback ports (HTTP and HTTPS) before gunicorn at `upstream`; up when
    /healthz/ answers 200 through it."""

    def __init__(
        self,
        upstream: str,
        *,
        directory: Path | None = None,
        http_port: int | None = None,
        https_port: int | None = None,
    ) -> None:
        self._own_directory = directory is None
        self.directory = directory or Path(tempfile.mkdtemp(prefix="pilaro-nginx-"))
        self.certificate, key = self_signed_certificate(self.directory)
        self.http_port = http_port or free_port()
        self.https_port = https_port or free_port()
        # By name: a handshake without one (an address sends none) is refused, as it is for
        # a name the site does not serve (ssl_reject_handshake).
        self.host = "localhost"
        self.base = f"https://{self.host}:{self.https_port}"
        self.http_base = f"http://127.0.0.1:{self.http_port}"
        self.access_log = self.directory / "nginx" / "access.log"
        site = Site(
            server_names=["localhost", "127.0.0.1"],
            certificate=str(self.certificate),
            certificate_key=str(key),
            static_root=str(ROOT / "staticfiles"),
            upstream=upstream,
            http_listen=f"127.0.0.1:{self.http_port}",
            https_listen=f"127.0.0.1:{self.https_port}",
            access_log=str(self.access_log),
        )
        config = write_standalone(site, self.directory / "nginx")
        command = [NGINX, "-p", str(config.parent), "-c", str(config), "-g", "daemon off;"]
        super().__init__(command, clean_env(), self.base + "/healthz/")

    def context(self) -> ssl.SSLContext:
        return client_context(self.certificate)

    def probe(self) -> str | None:
        try:
            with urllib.request.urlopen(self.url, timeout=5, context=self.context()) as answer:
                return None if answer.status == 200 else f"status {answer.status}"
        except OSError as error:
            return str(error)

    def error_log(self) -> str:
        path = self.directory / "nginx" / "error.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def stop(self, seconds: float = 30) -> None:
        super().stop(seconds)
        if self._own_directory:
            shutil.rmtree(self.directory, ignore_errors=True)
