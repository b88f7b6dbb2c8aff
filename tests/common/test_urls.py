"""Absolute addresses: on PILARO_SITE_URL, else on the request's own address."""

from __future__ import annotations

from django.test import RequestFactory

from common.urls import absolute_reverse, absolute_url, with_query


def test_the_site_url_comes_first(settings):
    settings.SITE_URL = "https://pilaro.example"
    request = RequestFactory().get("/", HTTP_HOST="localhost:8000")

    assert absolute_url("/personvern/", request) == "https://pilaro.example/personvern/"


def test_without_it_the_request_names_the_host(settings):
    settings.SITE_URL = ""
    request = RequestFactory().get("/", HTTP_HOST="localhost:8000")

    assert absolute_url("/personvern/", request) == "http://localhost:8000/personvern/"
    assert absolute_url("/personvern/") == "/personvern/"


def test_a_named_view_with_a_query(settings):
    settings.SITE_URL = "https://pilaro.example"

    assert with_query("/a/", {}) == "/a/"
    assert (
        absolute_reverse("admin:contacts_enquiry_changelist", query={"status": "all", "x": "1&2"})
        == "https://pilaro.example/intern/contacts/enquiry/?status=all&x=1%262"
    )
