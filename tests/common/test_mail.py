"""Staff e-mails from text templates: plain text, with the footer every one of them has."""

from __future__ import annotations

from django.core import mail

from common.mail import FOOTER, render_text, send_staff_mail


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
