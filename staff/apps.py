from __future__ import annotations

from django.apps import AppConfig


class StaffConfig(AppConfig):
    """Staff accounts: who may log in to the admin, who may grant rights, and what a login
    needs (a second factor) and how long it lasts."""

    name = "staff"
    verbose_name = "Ansatte"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from staff import checks, sessions  # noqa: F401 - checks register on import

        user_logged_in.connect(sessions.start_clock, dispatch_uid="staff.sessions.start_clock")
