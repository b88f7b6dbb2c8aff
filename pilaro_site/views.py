"""Site-wide views: the home page, the health check and the error pages."""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.db import DatabaseError, connection
from django.http import HttpRequest, HttpResponse, HttpResponseServerError, JsonResponse
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from contacts.intake.forms import FORM_TOKEN, EnquiryForm
from contacts.models import FormLocation
from jobs import queue as jobs
from pagecache import shared_page

logger = logging.getLogger(__name__)


@shared_page(per_reader=[FORM_TOKEN])
@require_safe
def home(request: HttpRequest) -> HttpResponse:
    # The notice says the contact form is "nederst på siden": it is, here.
    form = EnquiryForm(location=FormLocation.HOME)
    return TemplateResponse(request, "home.html", {"section": "home", "form": form})


@never_cache
@require_safe
def healthz(request: HttpRequest) -> JsonResponse:
    """200 when the database answers and the job queue moves; 503 otherwise. No personal
    data: the queue is judged by the age of its oldest job due now, not by its contents."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError as exc:
        logger.warning("Health check: database unavailable (%s)", type(exc).__name__)
        return JsonResponse({"status": "unavailable", "database": "down"}, status=503)
    try:
        waited = jobs.oldest_waiting_job_age()
    except DatabaseError as exc:  # the queue's table missing: not migrated
        logger.warning("Health check: job queue unreadable (%s)", type(exc).__name__)
        return JsonResponse(
            {"status": "unavailable", "database": "up", "queue": "unreadable"}, status=503
        )
    if waited is not None and waited > dt.timedelta(minutes=settings.JOBS_STUCK_MINUTES):
        logger.warning(
            "Health check: a job has waited %d s (is a worker running?)", waited.total_seconds()
        )
        return JsonResponse(
            {"status": "unavailable", "database": "up", "queue": "stuck"}, status=503
        )
    return JsonResponse({"status": "ok", "database": "up", "queue": "ok"})


def server_error(request: HttpRequest) -> HttpResponse:
    """The 500 page: rendered without the request so that it cannot fail the same way."""
    html = render_to_string("500.html", {"company": settings.COMPANY})
    return HttpResponseServerError(html)
