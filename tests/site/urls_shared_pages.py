"""Two shared pages for the page-cache tests: one public, one marked private."""

from __future__ import annotations

from django.template.response import TemplateResponse
from django.urls import path
from django.utils.cache import patch_cache_control

from pagecache import shared_page
from pilaro_site import urls as site_urls


@shared_page()
def public(request):
    return TemplateResponse(request, "contacts/thanks.html", {})


@shared_page()
def private(request):
    response = TemplateResponse(request, "contacts/thanks.html", {})
    patch_cache_control(response, private=True)
    return response


# The site's own URLs too: the base template links its pages.
urlpatterns = [*site_urls.urlpatterns, path("offentlig/", public), path("privat/", private)]
