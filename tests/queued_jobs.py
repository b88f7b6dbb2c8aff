"""The job queue, seen from a test: which jobs a request queued, and running them here.

Inside a test's transaction no worker can see the queued rows, so a test runs a job the
way a worker would, on its own connection: the task's function with the job's arguments.
Real workers are started by tests/jobs/test_worker_faults.py.
"""

from __future__ import annotations

from procrastinate.contrib.django.models import ProcrastinateJob

from contacts.intake import confirmation, notifications
from contacts.rights import restriction

TASKS = {
    task.name: task
    for task in (
        notifications.send_notification,
        restriction.send_restriction_lifted,
        confirmation.send_confirmation,
    )
}


def queued(task_name: str = "contacts.send_notification") -> list[ProcrastinateJob]:
    return list(ProcrastinateJob.objects.filter(task_name=task_name, status="todo").order_by("id"))


def run_queued(task_name: str = "contacts.send_notification") -> list[BaseException]:
    """Run each queued job of this task once; return what they raised (a worker would
    schedule those for a retry)."""
    raised = []
    for job in queued(task_name):
        try:
            TASKS[task_name](**job.args)
        except Exception as exc:
            raised.append(exc)
    return raised
