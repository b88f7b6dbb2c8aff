"""Write the nginx configuration of the site from deploy/nginx/site.conf.in.

Production (a site file for Debian's nginx, included inside its http {}):

    .venv/bin/python -m deploy.render_nginx site \\
        --server-name pilaro.no --server-name www.pilaro.no \\
        --certificate /etc/letsencrypt/live/pilaro.no/fullchain.pem \\
        --certificate-key /etc/letsencrypt/live/pilaro.no/privkey.pem \\
        --static-root /srv/pilaro/staticfiles > /etc/nginx/sites-available/pilaro.conf

nginx's own error pages (413, 429, 502, 503, 504) and their security headers come from
deploy/nginx/errors/, which `manage.py proxy_error_pages` writes from the site's templates
and settings (--error-pages names another directory written by it).

`standalone DIR` writes DIR/nginx.conf: the same site inside a complete configuration that
an unprivileged nginx runs with `nginx -p DIR -c nginx.conf` (make serve-tls, tests).
"""

from __future__ import annotations

import argparse
import os
import pwd
import sys
from dataclasses import dataclass
from pathlib import Path

TEMPLATE = Path(__file__).resolve().parent / "nginx" / "site.conf.in"
ERROR_PAGES = TEMPLATE.parent / "errors"
# Empty on the standard HTTPS port: the redirect then names no port.
MAY_BE_EMPTY = {"HTTPS_PORT_SUFFIX"}

STANDALONE = """\
# Written by deploy/render_nginx.py for an nginx of one's own (make serve-tls, tests).
{user}worker_processes 1;
pid {dir}/nginx.pid;
error_log {dir}/error.log warn;
events {{
    worker_connections 1024;
}}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    sendfile on;
    client_body_temp_path {dir}/body;
    proxy_temp_path {dir}/proxy;
    fastcgi_temp_path {dir}/fastcgi;
    uwsgi_temp_path {dir}/uwsgi;
    scgi_temp_path {dir}/scgi;
    include {dir}/site.conf;
}}
"""


@dataclass(frozen=True)
class Site:
    server_names: list[str]
    certificate: str
    certificate_key: str
    static_root: str
    upstream: str = "127.0.0.1:8000"
    http_listen: str = "80"
    https_listen: str = "443"
    access_log: str = "/var/log/nginx/pilaro-access.log"
    error_pages: str = str(ERROR_PAGES)
    admin_path: str = "intern/"

    def render(self) -> str:
        port = self.https_listen.rpartition(":")[2]
        values = {
            "UPSTREAM": self.upstream,
            "SERVER_NAMES": " ".join(self.server_names),
            "CERTIFICATE": self.certificate,
            "CERTIFICATE_KEY": self.certificate_key,
            "STATIC_ROOT": self.static_root.rstrip("/"),
            "HTTP_LISTEN": self.http_listen,
            "HTTPS_LISTEN": self.https_listen,
            "HTTPS_PORT_SUFFIX": "" if port == "443" else f":{port}",
            "ACCESS_LOG": self.access_log,
            "ERROR_PAGES": self.error_pages.rstrip("/"),
            # As DJANGO_ADMIN_PATH is read (pilaro_site/settings.py): no slash before it.
            "ADMIN_PATH": self.admin_path.strip("/") + "/",
        }
        text = TEMPLATE.read_text()
        for name, value in values.items():
            if any(c in value for c in ";{}\n\"'") or not (value or name in MAY_BE_EMPTY):
                raise ValueError(f"{name} {value!r} cannot go into an nginx configuration")
            text = text.replace(f"@{name}@", value)
        if "@" in text.replace("@@", ""):
            left = text[text.index("@") : text.index("@") + 30]
            raise ValueError(f"the template names a value that was not given: {left}")
        return text


def write_standalone(site: Site, directory: Path) -> Path:
    """DIR/site.conf and DIR/nginx.conf; returns the latter."""
    return write_standalone_around(site.render(), directory)


def write_standalone_around(site_text: str, directory: Path) -> Path:
    """The same, around a site file's text as written by `site`."""
    directory.mkdir(parents=True, exist_ok=True)
    for temp in ("body", "proxy", "fastcgi", "uwsgi", "scgi"):
        (directory / temp).mkdir(exist_ok=True)
    (directory / "site.conf").write_text(site_text)
    config = directory / "nginx.conf"
    # Started by root (a container, CI), nginx would hand its workers to "nobody", who
    # cannot read this directory: they stay the user who started it, as they do otherwise.
    user = f"user {pwd.getpwuid(os.geteuid()).pw_name};\n" if os.geteuid() == 0 else ""
    config.write_text(STANDALONE.format(dir=directory, user=user))
    return config


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("mode", choices=["site", "standalone"])
    parser.add_argument("directory", nargs="?", help="standalone: where to write")
    parser.add_argument("--server-name", action="append", required=True, dest="server_names")
    parser.add_argument("--certificate", required=True)
    parser.add_argument("--certificate-key", required=True)
    parser.add_argument("--static-root", required=True)
    parser.add_argument("--upstream", default="127.0.0.1:8000")
    parser.add_argument("--http-listen", default="80")
    parser.add_argument("--https-listen", default="443")
    parser.add_argument("--access-log", default="/var/log/nginx/pilaro-access.log")
    parser.add_argument("--error-pages", default=str(ERROR_PAGES))
    parser.add_argument("--admin-path", default="intern/", help="as DJANGO_ADMIN_PATH")
    return parser.parse_args(argv)


def main(argv: list[str]) -> int:
    args = parse_args(argv)
    site = Site(
        server_names=args.server_names,
        certificate=args.certificate,
        certificate_key=args.certificate_key,
        static_root=args.static_root,
        upstream=args.upstream,
        http_listen=args.http_listen,
        https_listen=args.https_listen,
        access_log=args.access_log,
        error_pages=args.error_pages,
        admin_path=args.admin_path,
    )
    if args.mode == "site":
        sys.stdout.write(site.render())
    else:
        if not args.directory:
            raise SystemExit("standalone needs a directory")
        print(write_standalone(site, Path(args.directory).resolve()))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
