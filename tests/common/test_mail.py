"""Staff e-mails from text templates: plain text, with the footer every one of them has."""

from __future__ import annotations

import socket
import time

import pytest
from django.core import mail

from bench.servers import free_port
from common.mail import FOOTER, IDLE_SECONDS, render_text, send, send_staff_mail


def test_a_text_template_is_not_html_escaped(tmp_path, settings):
    (tmp_path / "t.txt").write_text("{{ link }} «{{ word }}»\n")
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [tmp_path]}]
    from common import mail as module

    module._engine.cache_clear()
    try:
        text = render_text("t.txt", {"link": "https://x/?a=1&b=2", "word": "<ok>"})
    finally:
        module._engine.cache_clear()

    assert text == "https://x/?a=1&b=2 «<ok>»"


def test_a_staff_mail_ends_with_the_footer_saying_it_holds_no_personal_data():
    send_staff_mail(
        subject="Ny henvendelse fra nettstedet",
        template="contacts/mail/new_enquiry.txt",
        context={"link": "https://pilaro.example/intern/contacts/enquiry/7/change/"},
        to=["ansatte@example.no"],
    )

    [sent] = mail.outbox
    assert sent.to == ["ansatte@example.no"]
    assert sent.body.endswith(f"\n\n{FOOTER}\n")
    assert (
        "Åpne henvendelsen: https://pilaro.example/intern/contacts/enquiry/7/change/" in sent.body
    )


# --- One connection to the mail server for a burst of e-mails --------------------------


class CountingHandler:
    """An SMTP server's handler that counts the connections (EHLOs) and the messages."""

    def __init__(self) -> None:
        self.connections, self.messages = 0, []

    async def handle_EHLO(self, server, session, envelope, hostname, responses):
        self.connections += 1
        session.host_name = hostname
        return responses

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(envelope.rcpt_tos)
        return "250 OK"


@pytest.fixture
def smtp_server(settings):
    from aiosmtpd.controller import Controller

    from common import mail as module

    handler = CountingHandler()
    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port, server_hostname="sink")
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    settings.EMAIL_USE_TLS = False
    yield handler, controller
    module.close()
    controller.stop()


def test_a_burst_of_e_mails_goes_over_one_connection(smtp_server):
    handler, _ = smtp_server

    for n in range(5):
        send("Emne", f"Melding {n}\n", [f"ansatt{n}@example.no"])

    assert len(handler.messages) == 5
    assert handler.connections == 1


def test_a_connection_idle_too_long_is_replaced(smtp_server, monkeypatch):
    handler, _ = smtp_server
    send("Emne", "En\n", ["a@example.no"])
    clock = time.monotonic() + IDLE_SECONDS + 1
    monkeypatch.setattr(time, "monotonic", lambda: clock)

    send("Emne", "To\n", ["b@example.no"])

    assert len(handler.messages) == 2
    assert handler.connections == 2


def test_a_kept_connection_the_server_closed_is_replaced_and_the_message_sent_once(
    smtp_server,
):
    handler, _ = smtp_server
    send("Emne", "En\n", ["a@example.no"])
    from common import mail as module

    # The connection ends while it waits (as when the server drops an idle one).
    module._local.kept.connection.connection.sock.shutdown(socket.SHUT_RDWR)

    send("Emne", "To\n", ["b@example.no"])

    assert handler.messages == [["a@example.no"], ["b@example.no"]]
    assert handler.connections == 2
