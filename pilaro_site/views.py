"""Site-wide views: the home page, the health check and the error pages."""

from __future__ import annotations

import logging

from django.conf import settings
from django.db import DatabaseError, connection
from django.http import HttpRequest, HttpResponse, HttpResponseServerError, JsonResponse
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from contacts.forms import FORM_TOKEN, EnquiryForm
from pagecache import shared_page

logger = logging.getLogger(__name__)


@shared_page(per_reader=[FORM_TOKEN])
@require_safe
def home(request: HttpRequest) -> HttpResponse:
    # The notice says the contact form is "nederst på siden": it is, here.
    return TemplateResponse(request, "home.html", {"section": "home", "form": EnquiryForm()})


@never_cache
@require_safe
def healthz(request: HttpRequest) -> JsonResponse:
    """200 when the database answers a query, 503 when it does not. No personal data."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError as exc:
        logger.warning("Health check: database unavailable (%s)", type(exc).__name__)
        return JsonResponse({"status": "unavailable", "database": "down"}, status=503)
    return JsonResponse({"status": "ok", "database": "up"})


def server_error(request: HttpRequest) -> HttpResponse:
    """The 500 page: rendered without the request so that it cannot fail the same way."""
    html = render_to_string("500.html", {"company": settings.COMPANY})
    return HttpResponseServerError(html)
