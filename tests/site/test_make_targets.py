"""The two set-up commands and `make serve`, run as a person would run them."""

from __future__ import annotations

import re
import secrets
import ssl
import time
import urllib.error
import urllib.request

import psycopg
import pytest

from bench.proxy import client_context
from bench.servers import run
from deploy.serve_tls import TLS_DIR
from tests import readme
from tests.servers import Browser, Server, clean_env, free_port, query
from tests.site.conftest import PRODUCTION_ENV


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def get(url: str, context: ssl.SSLContext | None = None) -> tuple[int, dict[str, str], bytes]:
    """An answer as it comes, redirects not followed."""
    opener = urllib.request.build_opener(
        _NoRedirect(), urllib.request.HTTPSHandler(context=context)
    )
    try:
        with opener.open(url, timeout=10) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


class TlsFront(Server):
    """`make serve-tls`: up when /healthz/ answers 200 over HTTPS, trusting the self-signed
    certificate it makes in .tls/ on its first start."""

    def probe(self) -> str | None:
        certificate = TLS_DIR / "certificate.pem"
        if not certificate.exists():
            return "no certificate yet"
        try:
            status, _, _ = get(self.url, client_context(certificate))
        except OSError as error:
            return str(error)
        return None if status == 200 else f"status {status}"


def make(target: str, addr: str, env: dict[str, str]) -> Server:
    """`make TARGET` in a session of its own, once http://ADDR/healthz/ answers 200."""
    command = ["make", "--no-print-directory", target]
    return Server(command, env, f"http://{addr}/healthz/", seconds=120)


def test_make_run_serves_the_home_page_and_prints_staff_email(migrated_database_url):
    addr = f"127.0.0.1:{free_port()}"
    env = clean_env(RUN_ADDR=addr, DATABASE_URL=migrated_database_url, PILARO_MIN_FILL_SECONDS="0")
    with make("run", addr, env) as server:
        status, _, body = get(f"http://{addr}/")
        browser = Browser(f"http://{addr}")
        posted, _ = browser.request("POST", "/kontakt/", browser.form())
        # The worker beside the server sends the notification: the console shows it.
        deadline = time.monotonic() + 60
        while "To: ansatte@localhost" not in server.output() and time.monotonic() < deadline:
            time.sleep(0.2)
        output = server.output()

    assert status == 200
    assert "Ønsker du at vi skal ta kontakt med deg?" in body.decode()
    assert posted == 303
    assert "Staff e-mail is printed here, not sent: to ansatte@localhost" in output
    # Not left waiting for an address: printed, with a link to where the server runs.
    assert "To: ansatte@localhost" in output
    assert f"http://{addr}/intern/contacts/enquiry/" in output
    assert f"make demo RUN_ADDR={addr}" in output


def test_make_demo_prints_the_address_make_run_serves_on(migrated_database_url):
    addr = f"127.0.0.1:{free_port()}"
    env = clean_env(RUN_ADDR=addr, DATABASE_URL=migrated_database_url)

    output = run(["make", "--no-print-directory", "demo", f"RUN_ADDR={addr}"], env, timeout=300)

    assert f"Log in at http://{addr}/intern/ as saksbehandler / demo-saksbehandler" in output
    assert query(migrated_database_url, "SELECT count(*) FROM contacts_enquiry")[0][0] == 36


def test_make_serve_runs_gunicorn_with_production_settings_and_hashed_static_files(
    migrated_database_url,
):
    addr = f"127.0.0.1:{free_port()}"
    env = clean_env(
        **{
            **PRODUCTION_ENV,
            "DATABASE_URL": migrated_database_url,
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
            # Plain HTTP on loopback; production keeps the redirect to HTTPS on.
            "DJANGO_SECURE_SSL_REDIRECT": "0",
            "GUNICORN_BIND": addr,
            "GUNICORN_WORKERS": "1",
        }
    )
    with make("serve", addr, env):
        status, headers, body = get(f"http://{addr}/")
        stylesheets = re.findall(r'href="(/static/css/site\.[0-9a-f]{12}\.css)"', body.decode())
        css_status, css_headers, _ = (
            get(f"http://{addr}{stylesheets[0]}") if stylesheets else (0, {}, b"")
        )
        missing_status, _, missing_body = get(f"http://{addr}/finnes-ikke/")

    assert status == 200
    assert "gunicorn" in headers.get("Server", "")
    assert stylesheets, "the page should link a hashed stylesheet"
    assert css_status == 200
    assert "immutable" in css_headers["Cache-Control"]
    # Production settings: the Norwegian 404 page, not Django's debug page.
    assert missing_status == 404
    assert "Siden finnes ikke" in missing_body.decode()


def readme_roles_sql(owner: str, app: str, database: str) -> list[str]:
    """The README's statements that make the two database roles, with names of our own."""
    [block] = re.findall(r"^```sql\n(.*?)^```", readme.README.read_text(), flags=re.M | re.S)
    renamed = (
        block.replace("pilaro_owner", owner)
        .replace("pilaro_app", app)
        .replace("DATABASE pilaro ", f"DATABASE {database} ")
    )
    return [line for line in renamed.splitlines() if line.strip()]


def test_make_serve_with_two_database_roles_migrates_as_the_owner_and_serves_as_the_other():
    suffix = secrets.token_hex(4)
    owner, app, database = f"pilaro_owner_{suffix}", f"pilaro_app_{suffix}", f"pilaro_{suffix}"
    server = "postgres@127.0.0.1:5432"
    statements = readme_roles_sql(owner, app, database)
    assert len(statements) == 3 and database in statements[2]
    with psycopg.connect(f"postgresql://{server}/postgres", autocommit=True) as conn:
        for statement in statements:
            conn.execute(statement)
    owner_url = f"postgres://{owner}@127.0.0.1:5432/{database}"
    app_url = f"postgres://{app}@127.0.0.1:5432/{database}"
    addr = f"127.0.0.1:{free_port()}"
    env = clean_env(
        **{
            **PRODUCTION_ENV,
            "DATABASE_URL": app_url,
            "DATABASE_OWNER_URL": owner_url,
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
            "DJANGO_SECURE_SSL_REDIRECT": "0",
            "PILARO_MIN_FILL_SECONDS": "0",
            "GUNICORN_BIND": addr,
            "GUNICORN_WORKERS": "1",
        }
    )
    try:
        with make("serve", addr, env) as served:
            browser = Browser(f"http://{addr}")
            posted, _ = browser.request("POST", "/kontakt/", browser.form())
            output = served.output()
        owners = query(
            owner_url, "SELECT DISTINCT tableowner FROM pg_tables WHERE schemaname = 'public'"
        )
        stored = query(app_url, "SELECT count(*) FROM contacts_enquiry")[0][0]
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            query(app_url, "TRUNCATE contacts_auditentry")
    finally:
        with psycopg.connect(f"postgresql://{server}/postgres", autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {database} WITH (FORCE)")
            conn.execute(f"DROP ROLE IF EXISTS {app}")
            conn.execute(f"DROP ROLE IF EXISTS {owner}")

    assert owners == [(owner,)]  # the runtime role owns nothing
    assert posted == 303 and stored == 1  # and does what the site needs
    assert "pilaro_site.W004" not in output


def test_make_serve_tls_serves_the_site_through_nginx_with_https_and_hsts(migrated_database_url):
    """README, "To try the whole front on one machine": `make serve-tls` with a secret key
    and a database URL (ports of its own here, since 8443 and 8080 may be taken)."""
    https, http = free_port(), free_port()
    env = clean_env(
        DJANGO_SECRET_KEY=PRODUCTION_ENV["DJANGO_SECRET_KEY"],
        PILARO_PERSON_HASH_KEY=PRODUCTION_ENV["PILARO_PERSON_HASH_KEY"],
        PILARO_FIELD_KEY=PRODUCTION_ENV["PILARO_FIELD_KEY"],
        DATABASE_URL=migrated_database_url,
        PILARO_TLS_PORT=str(https),
        PILARO_HTTP_PORT=str(http),
        GUNICORN_BIND=f"127.0.0.1:{free_port()}",
        GUNICORN_WORKERS="1",
    )
    command = ["make", "--no-print-directory", "serve-tls"]
    with TlsFront(command, env, f"https://localhost:{https}/healthz/", seconds=180) as front:
        context = client_context(TLS_DIR / "certificate.pem")
        status, headers, body = get(f"https://localhost:{https}/", context)
        plain_status, plain_headers, _ = get(f"http://localhost:{http}/personvern/")
        output = front.output()

    assert status == 200
    assert "Ønsker du at vi skal ta kontakt med deg?" in body.decode()
    assert headers["Strict-Transport-Security"].startswith("max-age=")
    assert plain_status == 301
    assert plain_headers["Location"] == f"https://localhost:{https}/personvern/"
    assert f"Serving https://localhost:{https}/ through nginx" in output
