from __future__ import annotations

from django.apps import AppConfig


class PilaroSiteConfig(AppConfig):
    name = "pilaro_site"

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from pilaro_site import checks  # noqa: F401 - registers the system checks
        from pilaro_site.roles import grant_after_migrate

        post_migrate.connect(grant_after_migrate, dispatch_uid="runtime_role")
