"""The bench's mail sink records each message it takes with the enquiry it links to, as
the worker's e-mails reach it over SMTP, and stops with nothing left running."""

from __future__ import annotations

import smtplib
import time
from email.message import EmailMessage

import pytest

from bench.mailsink import MailSink, enquiry_id
from bench.servers import _group_members, clean_env, free_port

LINK = "Åpne henvendelsen: http://127.0.0.1:8000/intern/contacts/enquiry/{}/change/\n"


def message(body: str, cte: str = "8bit") -> EmailMessage:
    mail = EmailMessage()
    mail["Subject"], mail["From"], mail["To"] = "Ny henvendelse", "a@localhost", "b@localhost"
    mail.set_content(body, cte=cte)
    return mail


@pytest.mark.parametrize("cte", ["8bit", "quoted-printable", "base64"])
def test_the_enquiry_is_read_from_the_link_in_any_transfer_encoding(cte):
    body = "x" * 70 + " " + LINK.format(4711)  # long: quoted-printable breaks the line

    assert enquiry_id(message(body, cte).as_bytes()) == 4711


def test_a_message_without_the_link_has_no_enquiry():
    assert enquiry_id(message("Hei\n").as_bytes()) is None


def test_the_sink_records_each_message_when_it_came(tmp_path):
    port = free_port()
    sink = MailSink(clean_env(), port, tmp_path / "mail.jsonl")
    try:
        before = time.time()
        with smtplib.SMTP("127.0.0.1", port, timeout=10) as smtp:
            for body in (LINK.format(1), LINK.format(2), "Hei\n"):
                smtp.send_message(message(body))
        after = time.time()
        arrivals = sink.arrivals()
    finally:
        sink.stop()

    assert [a.enquiry for a in arrivals] == [1, 2, None]
    assert all(before <= a.received <= after for a in arrivals)
    assert _group_members(sink.process.pid) == []
    assert "Traceback" not in sink.output()
