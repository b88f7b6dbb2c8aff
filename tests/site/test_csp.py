"""The site's CSP middleware sets what django-csp's own would, with the policy built once."""

from __future__ import annotations

import pytest
from csp.constants import NONCE, SELF
from csp.exceptions import CSPNonceError
from csp.middleware import CSPMiddleware as DjangoCSPMiddleware
from django.http import HttpResponse
from django.test import RequestFactory

from pilaro_site.csp import CSPMiddleware

HEADERS = ("Content-Security-Policy", "Content-Security-Policy-Report-Only")


def _answer(middleware_class, path="/", *, nonce=False, status=200, **marks):
    """The CSP headers `middleware_class` puts on a response of a view that sets `marks`
    (django-csp's decorators' attributes) and, with `nonce`, uses the request's nonce."""
    request = RequestFactory().get(path)

    def view(request):
        response = HttpResponse("ok", status=status)
        if nonce:
            response.content = str(request.csp_nonce).encode()
        for name, value in marks.items():
            setattr(response, name, value)
        return response

    response = middleware_class(view)(request)
    return {header: response.get(header) for header in HEADERS}, response, request


CASES = {
    "plain": {},
    "exempt": {"_csp_exempt": True},
    "exempt from report-only": {"_csp_exempt_ro": True},
    "updated by a decorator": {"_csp_update": {"img-src": ["https://example.invalid"]}},
    "replaced by a decorator": {"_csp_replace": {"default-src": [SELF, "https://a.invalid"]}},
    "own config": {"_csp_config": {"default-src": ["'none'"]}},
    "report-only updated": {"_csp_update_ro": {"img-src": ["https://example.invalid"]}},
}


@pytest.fixture
def report_only(settings):
    settings.CONTENT_SECURITY_POLICY_REPORT_ONLY = {
        "DIRECTIVES": {"default-src": ["'none'"], "script-src": [SELF, NONCE]},
        "EXCLUDE_URL_PREFIXES": ["/rapport/"],
    }


@pytest.mark.parametrize("marks", CASES.values(), ids=CASES.keys())
@pytest.mark.parametrize("path", ["/", "/rapport/x"])
def test_each_response_gets_what_django_csp_would_give_it(report_only, marks, path):
    ours, _, _ = _answer(CSPMiddleware, path, **marks)
    theirs, _, _ = _answer(DjangoCSPMiddleware, path, **marks)

    assert ours == theirs


def test_under_debug_an_error_page_goes_without_the_header_as_with_django_csp(settings):
    settings.DEBUG = True

    ours, _, _ = _answer(CSPMiddleware, status=404)
    theirs, _, _ = _answer(DjangoCSPMiddleware, status=404)

    assert ours == theirs == {header: None for header in HEADERS}


def test_a_view_that_uses_the_nonce_gets_it_in_the_header(settings):
    settings.CONTENT_SECURITY_POLICY = {"DIRECTIVES": {"script-src": [SELF, NONCE]}}

    headers, response, _ = _answer(CSPMiddleware, nonce=True)

    nonce = response.content.decode()
    assert f"'nonce-{nonce}'" in headers["Content-Security-Policy"]


def test_a_nonce_asked_for_after_the_header_is_written_is_an_error():
    _, _, request = _answer(CSPMiddleware)

    with pytest.raises(CSPNonceError):
        str(request.csp_nonce)


def test_a_changed_setting_changes_the_header(settings):
    before, _, _ = _answer(CSPMiddleware)
    settings.CONTENT_SECURITY_POLICY = {"DIRECTIVES": {"default-src": ["'none'"]}}
    after, _, _ = _answer(CSPMiddleware)

    assert "default-src 'self'" in before["Content-Security-Policy"]
    assert before["Content-Security-Policy-Report-Only"] is None
    assert after["Content-Security-Policy"] == "default-src 'none'"


def test_the_sites_pages_carry_the_policy_of_the_settings(client):
    """Through the whole stack, a page carries the policy of the settings."""
    expected, _, _ = _answer(DjangoCSPMiddleware)

    response = client.get("/personvern/")

    assert response["Content-Security-Policy"] == expected["Content-Security-Policy"]
