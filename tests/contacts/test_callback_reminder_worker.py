"""The callback reminders sent by real workers (`manage.py worker`, production settings,
their own database, a mail server on loopback): an overdue enquiry and one an hour from its
due time are each reminded of once, by two workers and two runs of the job, with no
personal data in the mail."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from contacts.calendar import working_calendar
from tests.jobs import test_worker_faults as faults
from tests.servers import MailSink, Worker, manage, query, submit_enquiries

# A database of the test's own, copied from one migrated once, and what the test starts,
# stopped at its end: the fault tests' fixtures.
migrated_template = faults.migrated_template
database_url = faults.database_url
running = faults.running
wait_until, worker_env = faults.wait_until, faults.worker_env

DEFER = (
    "from jobs.queue import defer\n"
    "from contacts.inbox.tasks import remind_callbacks\n"
    "defer(remind_callbacks, timestamp=0)\n"
)


def reminder_jobs_done(url: str) -> int:
    rows = query(
        url,
        "SELECT count(*) FROM procrastinate_jobs "
        "WHERE task_name = 'contacts.remind_callbacks' AND status = 'succeeded'",
    )
    return rows[0][0]


def reminders(sink: MailSink) -> list[tuple[str, str]]:
    return [
        (m["Subject"], body)
        for m, body in zip(sink.messages, sink.bodies(), strict=True)
        if m["Subject"].startswith("Ring tilbake")
    ]


def test_workers_send_each_reminder_once(database_url, running):
    sink = running.enter_context(MailSink())
    env = worker_env(database_url, sink.port)
    overdue, soon = submit_enquiries(env, 2)  # Kari Nordmann, kari@example.no, +4791234567
    # Both workers read PILARO_WORKDAY's default, as this process does.
    half_an_hour = working_calendar().add(timezone.now(), dt.timedelta(minutes=30))
    query(
        database_url,
        "UPDATE contacts_enquiry SET callback_due_at = CASE id WHEN %s THEN now() - "
        "interval '1 hour' ELSE %s END",
        overdue,
        half_an_hour,
    )
    workers = [running.enter_context(Worker(env, name=f"w{i}")) for i in (1, 2)]

    manage(["shell", "--no-imports", "-c", DEFER], env, timeout=60)
    wait_until(lambda: reminder_jobs_done(database_url) >= 1, 20, "the first run", *workers)
    wait_until(lambda: len(reminders(sink)) == 2, 10, "two reminders", *workers)
    manage(["shell", "--no-imports", "-c", DEFER], env, timeout=60)
    wait_until(lambda: reminder_jobs_done(database_url) >= 2, 20, "the second run", *workers)

    sent = reminders(sink)
    assert sorted(subject for subject, _ in sent) == [
        "Ring tilbake: 1 henvendelse med frist innen 1 arbeidstime",
        "Ring tilbake: 1 henvendelse over fristen",
    ]
    bodies = dict(sent)
    assert (
        f"/contacts/enquiry/{overdue}/change/"
        in bodies["Ring tilbake: 1 henvendelse over fristen"]
    )
    for subject, body in sent:
        for personal in ("Kari", "Nordmann", "kari@", "91234567"):
            assert personal not in subject + body
    stamps = query(
        database_url,
        "SELECT id, due_soon_reminded_at IS NOT NULL, overdue_reminded_at IS NOT NULL "
        "FROM contacts_enquiry ORDER BY id",
    )
    assert stamps == [(overdue, False, True), (soon, True, False)]
