from __future__ import annotations

from django.apps import AppConfig


class JobsConfig(AppConfig):
    """Background jobs: the queue (procrastinate, in PostgreSQL), the worker command, and
    the queue's own upkeep (stalled jobs, old job rows)."""

    name = "jobs"
    verbose_name = "Bakgrunnsjobber"
