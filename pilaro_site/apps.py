from __future__ import annotations

from django.apps import AppConfig


class PilaroSiteConfig(AppConfig):
    name = "pilaro_site"

    def ready(self) -> None:
        from pilaro_site import checks  # noqa: F401 - registers the system checks
