"""The callback promise in the inbox: calls still to make come first, the most urgent at the
top, with their due time and "forfalt" in words once it has passed; a "Frist" filter; and
staff record that they made contact (an action, or the change page), audited."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib import admin
from django.db import connection, transaction
from django.utils import timezone

from contacts.calendar import working_calendar
from contacts.models import AuditEntry, Enquiry
from tests.contacts.factories import make_enquiry
from tests.contacts.inbox_html import ordered, row
from tests.forms_html import form_data

pytestmark = pytest.mark.django_db
ADMIN = "/intern/contacts/enquiry/"
HOUR = dt.timedelta(hours=1)


def in_working_time(delta: dt.timedelta) -> dt.datetime:
    """`delta` of working time from now (whatever day and hour the test runs)."""
    return working_calendar().add(timezone.now(), delta)


@pytest.fixture
def inbox():
    """Enquiries in every position of the promise. Received in this order, oldest first."""
    now = timezone.now()
    made = {}
    for name, due in [
        ("overdue_long", now - 30 * HOUR),
        ("overdue", now - HOUR),
        ("later", in_working_time(5 * HOUR)),
        ("soon", in_working_time(HOUR / 2)),
        ("contacted", in_working_time(7 * HOUR)),
        ("no_promise", None),  # from before due times were recorded
        ("closed", now - 2 * HOUR),
    ]:
        made[name] = make_enquiry(
            received_at=now - dt.timedelta(days=2) + len(made) * dt.timedelta(minutes=10),
            callback_due_at=due,
        )
    Enquiry.objects.filter(pk=made["contacted"].pk).update(contacted_at=now - HOUR / 2)
    Enquiry.objects.filter(pk=made["closed"].pk).update(status="lukket")
    return made


def test_calls_to_make_come_first_by_due_time_then_the_rest_newest_first(client, alice, inbox):
    response = client.get(ADMIN)

    names = {e.pk: name for name, e in inbox.items()}
    assert [names[pk] for pk in ordered(response)] == [
        "overdue_long",
        "overdue",
        "soon",
        "later",
        "no_promise",
        "contacted",
    ]


def test_the_due_column_says_forfalt_in_words_and_shows_contact(client, alice, inbox):
    response = client.get(ADMIN)

    assert "Ring innen" in response.content.decode()
    assert "forfalt" in row(response, inbox["overdue"])
    assert "forfalt" in row(response, inbox["overdue_long"])
    due = timezone.localtime(inbox["later"].callback_due_at)
    assert f"{due:%d.%m.%Y %H:%M}" in row(response, inbox["later"])
    assert "forfalt" not in row(response, inbox["later"])
    assert "forfalt" not in row(response, inbox["soon"])
    assert "Kontaktet " in row(response, inbox["contacted"])
    everything = client.get(ADMIN, {"status": "all"})
    assert "forfalt" not in row(everything, inbox["closed"])  # closed: no call owed


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("forfalt", {"overdue_long", "overdue"}),
        ("snart", {"soon"}),
        ("ikke_kontaktet", {"overdue_long", "overdue", "soon", "later", "no_promise"}),
        ("kontaktet", {"contacted"}),
    ],
)
def test_the_frist_filter(client, alice, inbox, value, expected):
    response = client.get(ADMIN, {"frist": value})

    names = {e.pk: name for name, e in inbox.items()}
    assert {names[pk] for pk in ordered(response)} == expected
    assert "Forfaller innen 1 arbeidstime" in response.content.decode()


def test_a_chosen_column_order_still_wins(client, alice, inbox):
    response = client.get(ADMIN, {"o": "1"})  # by "mottatt", oldest first

    assert ordered(response)[0] == inbox["overdue_long"].pk
    assert ordered(response)[-1] == inbox["no_promise"].pk


def test_recording_contact_sets_the_time_moves_ny_on_and_is_audited(client, alice):
    new = make_enquiry()
    in_progress = make_enquiry(status="under_behandling")
    earlier = timezone.now() - HOUR
    done = make_enquiry(received_at=earlier - HOUR, contacted_at=earlier, status="besvart")
    before = timezone.now()

    response = client.post(
        ADMIN,
        {"action": "record_contact", "_selected_action": [new.pk, in_progress.pk, done.pk]},
        follow=True,
    )

    assert "2 henvendelse(r) registrert som kontaktet nå." in response.content.decode()
    for enquiry in (new, in_progress, done):
        enquiry.refresh_from_db()
    assert before <= new.contacted_at <= timezone.now()
    assert in_progress.contacted_at == new.contacted_at
    assert done.contacted_at == earlier  # kept: it was recorded already
    assert (new.status, in_progress.status, done.status) == (
        "under_behandling",
        "under_behandling",
        "besvart",
    )
    assert new.last_activity_at == new.contacted_at  # staff activity: retention moves
    [entry] = AuditEntry.objects.filter(action="contact_recorded")
    assert (entry.actor, sorted(entry.enquiry_ids)) == (alice, sorted([new.pk, in_progress.pk]))


def test_recording_contact_on_a_restricted_enquiry_is_refused(client, alice):
    free = make_enquiry()
    restricted = make_enquiry(restricted_reason="Bestrider", restricted_at=timezone.now())

    response = client.post(
        ADMIN,
        {"action": "record_contact", "_selected_action": [free.pk, restricted.pk]},
        follow=True,
    )

    assert "Ingen av de valgte henvendelsene ble endret" in response.content.decode()
    assert not Enquiry.objects.filter(contacted_at__isnull=False).exists()
    assert not AuditEntry.objects.filter(action="contact_recorded").exists()


def change_form(client, enquiry: Enquiry, **changes: str):
    url = f"{ADMIN}{enquiry.pk}/change/"
    page = client.get(url).content.decode()
    data = form_data(page, form_id="enquiry_form")
    data.update({name: [value] for name, value in changes.items()})
    return page, client.post(url, data)


def test_the_change_page_shows_the_due_time_and_sets_the_contact_time(client, alice):
    enquiry = make_enquiry(received_at=timezone.now() - 3 * HOUR)
    called = timezone.localtime(timezone.now() - HOUR).replace(second=0, microsecond=0)

    page, response = change_form(
        client,
        enquiry,
        contacted_at_0=f"{called:%d.%m.%Y}",
        contacted_at_1=f"{called:%H:%M:%S}",
    )

    assert "Ring tilbake innen" in page
    assert f"{timezone.localtime(enquiry.callback_due_at):%H:%M}" in page
    assert response.status_code == 302, response.content.decode()[-3000:]
    enquiry.refresh_from_db()
    assert enquiry.contacted_at == called
    assert enquiry.status == "under_behandling"
    [entry] = AuditEntry.objects.filter(action="contact_recorded")
    assert (entry.actor, entry.enquiry_ids) == (alice, [enquiry.pk])


@pytest.mark.parametrize(
    ("when", "problem"),
    [
        (dt.timedelta(hours=2), "kan ikke være i fremtiden"),
        (-dt.timedelta(days=1), "kan ikke være før henvendelsen kom inn"),
    ],
)
def test_the_change_page_refuses_a_contact_time_that_cannot_be(client, alice, when, problem):
    enquiry = make_enquiry(received_at=timezone.now() - 3 * HOUR)
    at = timezone.localtime(timezone.now() + when)

    _, response = change_form(
        client, enquiry, contacted_at_0=f"{at:%d.%m.%Y}", contacted_at_1=f"{at:%H:%M:%S}"
    )

    assert response.status_code == 200
    assert problem in response.content.decode()
    enquiry.refresh_from_db()
    assert enquiry.contacted_at is None
    assert not AuditEntry.objects.filter(action="contact_recorded").exists()


def test_the_default_order_is_read_from_an_index_not_sorted(rf, alice):
    """At 100,000 enquiries a sort of every open one on each page view is slow; the index
    enquiry_inbox_order holds exactly the admin's order. (A small table would be scanned
    anyway, so the planner is told to avoid scans and sorts where it can.)"""
    model_admin = admin.site._registry[Enquiry]
    request = rf.get(ADMIN)
    request.user = alice
    rows = model_admin.get_queryset(request).open().order_by(*model_admin.get_ordering(request))
    sql, params = rows[:51].query.sql_with_params()

    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_sort = off")
        cursor.execute("SET LOCAL enable_bitmapscan = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(line for (line,) in cursor.fetchall())

    assert "Index Scan using enquiry_inbox_order" in plan, plan
    assert "Sort Key" not in plan, plan


def test_marking_answered_records_contact_on_those_without_it(client, alice):
    waiting = make_enquiry()
    earlier = timezone.now() - HOUR
    called = make_enquiry(received_at=earlier - HOUR, contacted_at=earlier)
    before = timezone.now()

    response = client.post(
        ADMIN,
        {"action": "mark_answered", "_selected_action": [waiting.pk, called.pk]},
        follow=True,
    )

    html = response.content.decode()
    assert "2 henvendelse(r) satt til «Besvart»." in html
    assert "Kontakt registrert nå på 1 av dem." in html
    waiting.refresh_from_db()
    called.refresh_from_db()
    assert (waiting.status, called.status) == ("besvart", "besvart")
    assert before <= waiting.contacted_at <= timezone.now()
    assert called.contacted_at == earlier  # what staff recorded stays
    [entry] = AuditEntry.objects.filter(action="contact_recorded")
    assert (entry.actor, entry.enquiry_ids) == (alice, [waiting.pk])


@pytest.mark.parametrize("action", ["mark_closed", "mark_in_progress", "mark_spam"])
def test_other_statuses_record_no_contact(client, alice, action):
    enquiry = make_enquiry()

    client.post(ADMIN, {"action": action, "_selected_action": [enquiry.pk]})

    enquiry.refresh_from_db()
    assert enquiry.status != "ny" and enquiry.contacted_at is None
    assert not AuditEntry.objects.filter(action="contact_recorded").exists()


def test_answered_on_the_change_page_records_contact(client, alice):
    enquiry = make_enquiry(received_at=timezone.now() - 3 * HOUR)

    _, response = change_form(client, enquiry, status="besvart")

    assert response.status_code == 302, response.content.decode()[-3000:]
    enquiry.refresh_from_db()
    assert enquiry.status == "besvart" and enquiry.contacted_at is not None
    [entry] = AuditEntry.objects.filter(action="contact_recorded")
    assert (entry.actor, entry.enquiry_ids) == (alice, [enquiry.pk])
