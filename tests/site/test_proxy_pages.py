"""nginx's own error pages (deploy/nginx/errors/) are what `manage.py proxy_error_pages`
writes now: the site's templates and security headers, never a stale copy."""

from __future__ import annotations

from django.core.management import call_command

from deploy.render_nginx import ERROR_PAGES
from pilaro_site.management.commands.proxy_error_pages import pages


def test_the_checked_in_pages_and_headers_are_the_ones_written_now():
    written = pages()

    assert sorted(written) == sorted(p.name for p in ERROR_PAGES.iterdir())
    stale = [name for name, text in written.items() if (ERROR_PAGES / name).read_text() != text]
    assert stale == [], "run: manage.py proxy_error_pages"


def test_the_pages_are_norwegian_and_load_nothing_from_another_host(tmp_path):
    call_command("proxy_error_pages", str(tmp_path))

    for status in (413, 429, 502, 503, 504):
        html = (tmp_path / f"{status}.html").read_text()
        assert '<html lang="nb">' in html
        assert "http://" not in html and "https://" not in html and "//" not in html
        assert 'href="/static/css/site.css"' in html  # the site's own look
    headers = (tmp_path / "headers.conf").read_text()
    assert headers.count("Strict-Transport-Security") == 1
    assert "frame-ancestors 'none'" in headers
