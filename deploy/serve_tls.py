"""`make serve-tls`: the production front on one machine, to try it out.

nginx (deploy/nginx/site.conf.in) on https://localhost:8443 and http://localhost:8080 with a
self-signed certificate made on first use in .tls/, gunicorn behind it on 127.0.0.1:8000,
and the job worker. The environment is `make serve`'s (DJANGO_SECRET_KEY, DATABASE_URL,
...); the Makefile adds what the proxy needs. Ctrl-C stops all three.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from deploy.render_nginx import Site, write_standalone

ROOT = Path(__file__).resolve().parent.parent
TLS_DIR = ROOT / ".tls"


def self_signed_certificate(directory: Path) -> tuple[Path, Path]:
    """A certificate for localhost and 127.0.0.1 (30 days) and its key, made once."""
    directory.mkdir(parents=True, exist_ok=True)
    certificate, key = directory / "certificate.pem", directory / "key.pem"
    if not certificate.exists():
        subprocess.run(
            [
                *("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "30"),
                *("-keyout", str(key), "-out", str(certificate), "-subj", "/CN=localhost"),
                *("-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1"),
            ],
            check=True,
            capture_output=True,
        )
    return certificate, key


def main() -> int:
    https_port = os.environ.get("PILARO_TLS_PORT", "8443")
    http_port = os.environ.get("PILARO_HTTP_PORT", "8080")
    upstream = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
    certificate, key = self_signed_certificate(TLS_DIR)
    site = Site(
        server_names=["localhost", "127.0.0.1"],
        certificate=str(certificate),
        certificate_key=str(key),
        static_root=str(ROOT / "staticfiles"),
        upstream=upstream,
        http_listen=f"127.0.0.1:{http_port}",
        https_listen=f"127.0.0.1:{https_port}",
        access_log="/dev/stdout",
        admin_path=os.environ.get("DJANGO_ADMIN_PATH", "intern/"),
    )
    config = write_standalone(site, TLS_DIR / "nginx")
    python = str(ROOT / ".venv" / "bin" / "python")
    commands = {
        "gunicorn": [str(ROOT / ".venv" / "bin" / "gunicorn"), "-c", "gunicorn.conf.py"],
        "worker": [python, "manage.py", "worker"],
        "nginx": ["nginx", "-p", str(config.parent), "-c", str(config), "-g", "daemon off;"],
    }
    processes = {name: subprocess.Popen(command, cwd=ROOT) for name, command in commands.items()}
    print(
        f"Serving https://localhost:{https_port}/ through nginx (self-signed certificate "
        f"{certificate.relative_to(ROOT)}); http://localhost:{http_port}/ redirects there. "
        "Ctrl-C stops nginx, gunicorn and the worker.",
        flush=True,
    )
    try:
        while all(p.poll() is None for p in processes.values()):
            time.sleep(1)  # one of them ending ends the others: nothing half-served
    except KeyboardInterrupt:
        pass
    finally:
        for process in processes.values():
            if process.poll() is None:
                process.terminate()
        for process in processes.values():
            process.wait(timeout=40)
    ended = [name for name, p in processes.items() if p.returncode not in (0, -15, None)]
    return 1 if ended else 0


def _stop(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


if __name__ == "__main__":
    signal.signal(signal.SIGTERM, _stop)
    sys.exit(main())
