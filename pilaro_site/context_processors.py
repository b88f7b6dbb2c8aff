from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest


def company(request: HttpRequest) -> dict[str, object]:
    """Company facts for every template; only the facts that are set are shown."""
    return {"company": settings.COMPANY}
