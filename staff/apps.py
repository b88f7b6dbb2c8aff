from __future__ import annotations

from django.apps import AppConfig


class StaffConfig(AppConfig):
    """Staff accounts: who may log in to the admin, and who may grant rights."""

    name = "staff"
    verbose_name = "Ansatte"
