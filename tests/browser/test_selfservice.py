""" "Dine opplysninger" end to end in Chromium: gunicorn with
production settings, the job worker, and the e-mail through a real SMTP socket to a local
sink; axe on every page of the flow, a keyboard-only pass, and the flow without
JavaScript."""

from __future__ import annotations

import contextlib
import json
import re
import time
from dataclasses import dataclass

import pytest
from django.conf import settings
from django.urls import reverse
from jsonschema import Draft202012Validator
from playwright.sync_api import expect

from contacts.intake import consent_links
from contacts.models import (
    AccessLink,
    AuditEntry,
    Consent,
    Enquiry,
    ErasureRecord,
    MarketingSuppression,
    SubjectRequest,
)
from contacts.retention.keys import person_key
from contacts.rights.selfservice.links import secret_hash
from contacts.rights.selfservice.portability import SCHEMA_FILE
from tests import databases
from tests.browser.conftest import DESKTOP, PHONE
from tests.browser.test_accessibility import violations
from tests.browser.test_html_validity import nu_checker
from tests.browser.test_visitor import focus_is_visible, tab_to
from tests.servers import AppServer, MailSink, Worker, free_port, site_env

EMAIL = "kari.selvbetjening@example.no"


@dataclass
class Site:
    base: str
    sink: MailSink
    worker: Worker

    def link_for(self, address: str, count: int = 1, seconds: float = 20) -> str:
        """The link in the `count`th e-mail to `address`, once the worker has sent it."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            bodies = (
                message.get_payload(decode=True).decode()
                for message in list(self.sink.messages)
                if message["To"] == address
            )
            # Link e-mails only: a ticked marketing box brings its confirmation e-mail too.
            found = [body for body in bodies if "/lenke/" in body]
            if len(found) >= count:
                [link] = re.findall(r"http://\S+/lenke/(\S+)/", found[count - 1])
                # The worker sends the e-mail inside the transaction that stores the
                # link, so the sink can hold it a moment before the commit; a real inbox
                # is never that quick.
                if AccessLink.objects.filter(secret_hash=secret_hash(link)).exists():
                    return re.findall(r"http://\S+/lenke/\S+/", found[count - 1])[0]
            time.sleep(0.1)
        pytest.fail(f"no e-mail to {address} within {seconds} s\n{self.worker.output()[-3000:]}")

    def messages_to(self, address: str) -> list:
        return [m for m in self.sink.messages if m["To"] == address]


@pytest.fixture(scope="module")
def selfservice_servers(django_db_setup):
    """gunicorn on the test database, sending mail to a sink, started once for the module;
    the site's address is gunicorn's, so the e-mailed link opens it."""
    port = free_port()
    with contextlib.ExitStack() as stack:
        sink = stack.enter_context(MailSink())
        env = site_env(
            DATABASE_URL=databases.url(),
            EMAIL_URL=f"smtp://127.0.0.1:{sink.port}",
            PILARO_SITE_URL=f"http://127.0.0.1:{port}",
            # The test reads the keyed hashes the servers write.
            PILARO_PERSON_HASH_KEY=settings.CONTACTS_PERSON_HASH_KEY,
            PILARO_RATE_LIMIT="1000/m",
            PILARO_NOTIFY_EMAILS="staff@example.invalid",
        )
        server = stack.enter_context(AppServer(env, workers=1, threads=4, port=port))
        yield env, server, sink


@pytest.fixture
def selfservice_site(transactional_db, selfservice_servers):
    """The module's gunicorn with its worker renewed (AppServer.renew) and an empty mail
    sink, and a job worker of the test's own: the flush after each test empties the job
    queue's tables, the workers' own row included."""
    env, server, sink = selfservice_servers
    server.renew()
    sink.clear()
    with Worker(env, name="selfservice") as worker:
        yield Site(base=server.base, sink=sink, worker=worker)


def no_violations(page) -> None:
    found = violations(page)
    assert found == [], f"{page.url}\n" + json.dumps(found, ensure_ascii=False, indent=1)


def submit_enquiry(page, base: str) -> None:
    page.goto(base + "/kontakt/")
    page.locator("#id_name").fill("Kari Selvbetjening")
    page.locator("#id_email").fill(EMAIL)
    page.locator("#id_phone").fill("912 34 567")
    page.locator("#id_message").fill("Ring meg etter ti.")
    page.locator("#id_consent_enquiry").check()
    page.locator("#id_consent_marketing").check()
    page.get_by_role("button", name="Send").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Takk! Vi tar kontakt snart.")


def request_link(page, address: str) -> None:
    page.get_by_label("E-postadresse").fill(address)
    page.get_by_role("button", name="Send meg en lenke").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sjekk e-posten din")
    assert "@" not in page.url


def confirm(page, link: str, button: str, check_axe: bool) -> None:
    page.get_by_role("link", name=link).click()
    if check_axe:
        no_violations(page)
    page.get_by_role("button", name=button).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Dine opplysninger")


@pytest.mark.parametrize("javascript", [True, False], ids=["with-js", "without-js"])
def test_a_person_sees_withdraws_objects_downloads_and_erases_their_data(
    selfservice_site, new_page, javascript, tmp_path
):
    site = selfservice_site
    page = new_page(DESKTOP, javascript=javascript)
    check_axe = javascript  # axe is a script; without JavaScript it cannot run
    submit_enquiry(page, site.base)
    [enquiry] = Enquiry.objects.filter(email=EMAIL)

    page.get_by_role("link", name="Dine opplysninger").first.click()
    if check_axe:
        no_violations(page)
    request_link(page, EMAIL)
    if check_axe:
        no_violations(page)

    page.goto(site.link_for(EMAIL))
    expect(page.get_by_role("button", name="Vis opplysningene mine")).to_be_visible()
    if check_axe:
        no_violations(page)
    page.get_by_role("button", name="Vis opplysningene mine").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Dine opplysninger")
    main = page.locator("main")
    expect(main).to_contain_text("Kari Selvbetjening")
    expect(main).to_contain_text(f"Henvendelse nr. {enquiry.pk}")
    for consent in enquiry.consents.all():
        expect(main).to_contain_text(f"«{consent.label_text}»")
    # Ticked on the form: it waits for the confirmation e-mail (double opt-in).
    expect(main).to_contain_text("Markedsføring: venter på at du bekrefter det.")
    expect(main).to_contain_text("Slettes automatisk")
    if check_axe:
        no_violations(page)

    confirm(page, "Trekk tilbake samtykket til markedsføring", "Ja, trekk tilbake", check_axe)
    expect(main).to_contain_text("Samtykket til markedsføring er trukket tilbake.")
    expect(main).to_contain_text("Markedsføring: trukket tilbake.")
    if check_axe:
        no_violations(page)
    confirm(page, "Reserver deg mot markedsføring", "Ja, reserver meg", check_axe)
    expect(main).to_contain_text("Du er reservert mot markedsføring fra oss")

    with page.expect_download() as download:
        page.get_by_role("button", name="Last ned opplysningene (JSON)").click()
    saved = tmp_path / "dine-opplysninger.json"
    download.value.save_as(saved)
    data = json.loads(saved.read_text())
    Draft202012Validator(json.loads(SCHEMA_FILE.read_text())).validate(data)
    assert [e["email"] for e in data["enquiries"]] == [EMAIL]

    page.get_by_role("link", name="Vis en kopi du kan lagre eller skrive ut").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Kopi av dine opplysninger")
    if check_axe:
        no_violations(page)
    page.get_by_role("link", name="Tilbake til Dine opplysninger").click()

    confirm(page, "Slett alle henvendelsene dine nå", "Ja, slett nå", check_axe)
    expect(main).to_contain_text("1 henvendelse er slettet.")
    expect(main).to_contain_text("Vi har ingen henvendelser lagret")
    if check_axe:
        no_violations(page)
    page.get_by_role("button", name="Avslutt").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Du har avsluttet")

    key = person_key(EMAIL)
    assert not Enquiry.objects.filter(email__iexact=EMAIL).exists()
    assert ErasureRecord.objects.filter(enquiry_id=enquiry.pk, reason="request").exists()
    assert AuditEntry.objects.filter(action="withdrawal", enquiry_ids=[enquiry.pk]).exists()
    assert MarketingSuppression.objects.filter(person_key=key).exists()
    requests = SubjectRequest.objects.filter(person_key=key, channel="selvbetjening")
    assert sorted(r.kind for r in requests) == [
        "dataportabilitet",
        "innsigelse",
        "innsyn",
        "sletting",
    ]
    assert all(r.completed_at for r in requests)
    # One link e-mail (and the marketing box's confirmation e-mail, unless the withdrawal
    # came first); none of them names the person.
    texts = [m["Subject"] + m.get_payload(decode=True).decode() for m in site.messages_to(EMAIL)]
    assert len([text for text in texts if "/lenke/" in text]) == 1
    assert all("Kari" not in text for text in texts)
    # The download's own navigation, aborted by the browser, is not counted (ConsoleWatch).
    assert page.console.errors == []


def test_the_flow_by_keyboard_alone(selfservice_site, new_page):
    site = selfservice_site
    page = new_page(DESKTOP)
    submit_enquiry(page, site.base)

    page.goto(site.base + "/personvern/mine-opplysninger/")
    tab_to(page, "id_email")
    assert focus_is_visible(page)
    page.keyboard.type(EMAIL)
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Sjekk e-posten din")

    page.goto(site.link_for(EMAIL))
    tab_to(page, "BUTTON")
    assert focus_is_visible(page)
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Dine opplysninger")

    link = page.get_by_role("link", name="Be om retting")
    for _ in range(80):
        page.keyboard.press("Tab")
        if link.evaluate("el => el === document.activeElement"):
            break
    else:
        pytest.fail("Tab never reached the link to ask for a correction")
    assert focus_is_visible(page)
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Be om retting")
    tab_to(page, "id_text")
    page.keyboard.type("Telefonnummeret er feil.")
    tab_to(page, "BUTTON")
    page.keyboard.press("Enter")

    expect(page.locator("main")).to_contain_text("Vi har fått forespørselen om retting")
    [request] = SubjectRequest.objects.filter(kind="retting")
    assert request.details == "Telefonnummeret er feil." and request.completed_at is None


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_the_pages_off_the_happy_path_have_no_wcag_violations(
    selfservice_site, new_page, viewport
):
    site = selfservice_site
    page = new_page(viewport)
    base = site.base + "/personvern/mine-opplysninger/"

    page.goto(base)
    page.get_by_role("button", name="Send meg en lenke").click()  # no address
    expect(page.locator("#id_email")).to_have_attribute("aria-invalid", "true")
    assert page.evaluate("document.activeElement.id") == "id_email"
    no_violations(page)
    page.goto(base + "lenke/" + "A" * 43 + "/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Lenken virker ikke")
    no_violations(page)
    page.goto(base + "oversikt/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Siden er lukket")
    no_violations(page)

    submit_enquiry(page, site.base)
    page.goto(base)
    request_link(page, EMAIL)
    link = site.link_for(EMAIL)
    page.goto(link)
    page.get_by_role("button", name="Vis opplysningene mine").click()
    for name in ("Slett henvendelse nr.", "Be om retting"):
        page.goto(base + "oversikt/")
        # Nothing scrolls sideways on a phone.
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
        page.get_by_role("link", name=re.compile(name)).first.click()
        no_violations(page)
    page.get_by_role("button", name="Send forespørselen").click()  # empty: the error state
    expect(page.locator("#id_text")).to_have_attribute("aria-invalid", "true")
    no_violations(page)
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")

    page.goto(link)  # used
    expect(page.get_by_role("heading", level=1)).to_have_text("Lenken er brukt eller utløpt")
    no_violations(page)


def test_the_nu_html_checker_finds_no_error_on_the_self_service_pages(
    selfservice_site, new_page, tmp_path
):
    """The pages behind the link need a session, so the public pages' check cannot reach
    them: here they are fetched as served, in the person's own session."""
    site = selfservice_site
    page = new_page(DESKTOP)
    base = site.base + "/personvern/mine-opplysninger/"
    submit_enquiry(page, site.base)
    page.goto(base)
    request_link(page, EMAIL)
    page.goto(site.link_for(EMAIL))
    served = {"lenke": page.request.get(page.url).text()}
    page.get_by_role("button", name="Vis opplysningene mine").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Dine opplysninger")
    served["oversikt"] = page.request.get(page.url).text()
    links = [
        "Vis en kopi du kan lagre eller skrive ut",
        "Trekk tilbake samtykket til markedsføring",
        "Slett alle henvendelsene dine nå",
        "Be om retting",
    ]
    for name in links:
        page.goto(base + "oversikt/")
        page.get_by_role("link", name=re.compile(name)).first.click()
        served[name] = page.request.get(page.url).text()
    files = []
    for number, (name, html) in enumerate(served.items()):
        assert "<main" in html, name
        files.append(tmp_path / f"side-{number}.html")
        files[-1].write_text(html, encoding="utf-8")

    errors = [m for m in nu_checker(files) if m["type"] == "error"]

    assert errors == [], json.dumps(errors, ensure_ascii=False, indent=1)


@pytest.mark.parametrize("javascript", [True, False], ids=["with-js", "without-js"])
def test_the_withdrawal_link_withdraws_in_one_click_without_logging_in(
    selfservice_site, new_page, javascript
):
    site = selfservice_site
    page = new_page(PHONE, javascript=javascript)
    submit_enquiry(page, site.base)  # with marketing consent
    consent = Consent.objects.get(enquiry__email=EMAIL, purpose="marketing")
    token = consent_links.token(consent_links.WITHDRAW, consent.pk, consent.enquiry.form_nonce)
    page.context.clear_cookies()  # as from a mail program: nobody is logged in

    page.goto(site.base + reverse("selfservice:one_click", args=[consent.pk, token]))
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Trekk tilbake samtykket til markedsføring"
    )
    if javascript:
        no_violations(page)
    consent.refresh_from_db()
    assert consent.withdrawn_at is None  # opening the link changes nothing
    page.get_by_role("button", name="Trekk tilbake samtykket").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Samtykket er trukket tilbake")
    if javascript:
        no_violations(page)
    consent.refresh_from_db()
    assert consent.withdrawal_channel == "lenke"
    assert MarketingSuppression.objects.filter(person_key=person_key(EMAIL)).exists()
    assert page.context.cookies() == []


def test_a_marketing_consent_is_confirmed_from_its_e_mail(selfservice_site, new_page):
    site = selfservice_site
    page = new_page(PHONE)
    submit_enquiry(page, site.base)  # the marketing box ticked
    consent = Consent.objects.get(enquiry__email=EMAIL, purpose="marketing")
    assert not consent.in_force

    deadline = time.monotonic() + 20
    while not (sent := [m for m in site.messages_to(EMAIL) if "Bekreft" in m["Subject"]]):
        assert time.monotonic() < deadline, site.worker.output()[-3000:]
        time.sleep(0.1)
    body = sent[0].get_payload(decode=True).decode()
    confirm_link = next(line for line in body.split() if line.endswith("/bekreft/"))
    assert consent.label_text in body and "/samtykke/" in body.replace(confirm_link, "")
    page.context.clear_cookies()
    page.goto(confirm_link)
    no_violations(page)
    page.get_by_role("button", name="Bekreft samtykket").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Samtykket er bekreftet")
    no_violations(page)
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    consent.refresh_from_db()
    assert consent.in_force and consent.confirmed_at is not None
    assert page.context.cookies() == []
