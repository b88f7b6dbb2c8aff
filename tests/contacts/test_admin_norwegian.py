"""The admin in bokmål: our own models' names, and Django's admin strings that Django 5.2
leaves in English, translated by the project's catalog (locale/nb, compiled by make install).

The English strings are found from Django's own catalogs: every message of its admin and
auth apps that their bokmål catalog lacks must appear on no page a staff member sees, and
every such message of the admin's JavaScript must be in the catalog the browser loads.
"""

from __future__ import annotations

import ast
import json
import re
from html.parser import HTMLParser
from pathlib import Path

import django
import pytest
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth.models import User

from contacts.inbox import triage
from contacts.models import AuditEntry
from tests.conftest import log_in_verified
from tests.contacts.factories import make_enquiry

pytestmark = pytest.mark.django_db
DJANGO = Path(django.__file__).parent
# Django's messages whose bokmål is missing: (app's locale directory, domain).
CATALOGS = [
    ("contrib/admin/locale", "django"),
    ("contrib/auth/locale", "django"),
]
JS_CATALOG = ("contrib/admin/locale", "djangojs")


# --- Django's catalogs --------------------------------------------------------------------


def po_entries(path: Path) -> list[dict[str, str]]:
    """A .po file's entries as {"msgctxt", "msgid", "msgid_plural", "msgstr[n]", "fuzzy"}."""
    entries = []
    for block in re.split(r"\n\s*\n", path.read_text(encoding="utf-8")):
        entry, key = {}, None
        for line in block.splitlines():
            line = line.strip()
            if line.startswith("#,") and "fuzzy" in line:
                entry["fuzzy"] = "yes"
            if not line or line.startswith("#"):
                continue
            if line.startswith('"'):
                entry[key] += ast.literal_eval(line)
            else:
                key, _, text = line.partition(" ")
                entry[key] = ast.literal_eval(text)
        if entry.get("msgid"):
            entries.append(entry)
    return entries


def lacking_bokmal(directory: str, domain: str) -> list[dict[str, str]]:
    """Django's messages (its English source catalog) that its bokmål catalog does not
    translate: missing, empty or fuzzy."""

    def catalog(language: str) -> Path:
        return DJANGO / directory / language / "LC_MESSAGES" / f"{domain}.po"

    def key(entry):
        return entry.get("msgctxt"), entry["msgid"]

    translated = {
        key(entry)
        for entry in po_entries(catalog("nb"))
        if "fuzzy" not in entry
        and all(text for name, text in entry.items() if name.startswith("msgstr"))
    }
    return [entry for entry in po_entries(catalog("en")) if key(entry) not in translated]


def as_pattern(message: str) -> re.Pattern:
    """A message as it can stand on a page: its markup gone, its placeholders anything."""
    text = " ".join(re.sub(r"<[^>]+>", "", message).split())
    placeholder = r"%\(\w+\)[sdr]|%[sd]|\{\w*\}"
    parts = [re.escape(part) for part in re.split(placeholder, text)]
    start, end = (r"\b" if char.isalnum() else "" for char in (text[0], text[-1]))
    return re.compile(start + ".+?".join(parts) + end)


# --- Pages --------------------------------------------------------------------------------


class VisibleText(HTMLParser):
    """What a reader meets: the text outside scripts and styles, and the attributes that
    browsers show or read out."""

    SHOWN = {"title", "aria-label", "placeholder", "alt"}

    def __init__(self) -> None:
        super().__init__()
        self.chunks: list[str] = []
        self.hidden = 0

    def _hides(self, tag, attrs) -> bool:
        return tag in ("script", "style")

    def handle_starttag(self, tag, attrs):
        if self._hides(tag, attrs):
            self.hidden += 1
        for name, value in attrs:
            shown = name in self.SHOWN or (name == "value" and tag == "input")
            if value and shown and not self.hidden:
                self.chunks.append(value)

    def handle_endtag(self, tag):
        if self.hidden and tag in ("script", "style"):
            self.hidden -= 1

    def handle_data(self, data):
        if not self.hidden:
            self.chunks.append(data)


def visible_text(html: str) -> str:
    parser = VisibleText()
    parser.feed(html)
    return " ".join(" ".join(parser.chunks).split())


@pytest.fixture
def staff_pages(client, alice) -> dict[str, str]:
    """The visible text of every admin page a saksbehandler and a superuser see, with data
    on them: a history with an entry, an audit line, a note, a user to change. Keyed by
    "<user> <url>"."""
    enquiry = make_enquiry(name="Kari Nordmann", company="Nordmann AS", marketing=True)
    triage.add_note(enquiry=enquiry, author=alice, text="Ringte tilbake.")
    AuditEntry.objects.create(actor=alice, action="export", enquiry_ids=[enquiry.pk], count=1)
    root = User.objects.create_superuser("root", password="pw")
    LogEntry.objects.log_actions(root.pk, [enquiry], CHANGE, change_message="Endret status.")
    change = f"/intern/contacts/enquiry/{enquiry.pk}/"
    common = [
        "/intern/",
        "/intern/contacts/enquiry/",
        "/intern/contacts/enquiry/?status=all&_facets=1",
        f"{change}change/",
        f"{change}history/",
        "/intern/contacts/notification/",
        f"/intern/contacts/notification/{enquiry.notification.pk}/change/",
        "/intern/contacts/auditentry/",
        "/intern/contacts/erasurerecord/",
        "/intern/contacts/enquiry/personvern/",
        "/intern/contacts/subjectrequest/",
        "/intern/contacts/subjectrequest/add/",
        "/intern/sikkerhet/",
        "/intern/sikkerhet/app/",
        "/intern/password_change/",
    ]
    superuser_only = [
        "/intern/auth/user/",
        "/intern/auth/user/add/",
        f"/intern/auth/user/{alice.pk}/change/",
        f"/intern/auth/user/{alice.pk}/password/",
        "/intern/auth/group/add/",
    ]
    pages = {}
    for user, urls in ((alice, common), (root, common + superuser_only)):
        log_in_verified(client, user)
        for url in urls:
            response = client.get(url)
            assert response.status_code == 200, (user.username, url)
            pages[f"{user.username} {url}"] = visible_text(response.content.decode())
        response = client.post("/intern/sikkerhet/gjenopprettingskoder/")
        pages[f"{user.username} recovery codes"] = visible_text(response.content.decode())
    client.logout()
    client.force_login(alice)  # the password only: the second factor's page
    verify = client.get("/intern/sikkerhet/andre-faktor/")
    pages["alice verify"] = visible_text(verify.content.decode())
    client.logout()
    pages["nobody login"] = visible_text(client.get("/intern/login/").content.decode())
    return pages


# --- Tests --------------------------------------------------------------------------------


def test_the_notification_list_names_its_columns_and_filter_in_norwegian(client, alice):
    enquiry = make_enquiry()

    text = visible_text(client.get("/intern/contacts/notification/").content.decode())

    assert "Henvendelse Status Forsøk Siste feil Opprettet Sendt" in text
    assert f"#{enquiry.pk} Venter 0" in text
    assert "Etter status" in text
    for english in ("Enquiry", "State", "Attempts", "Last error", "Created at", "Sent at"):
        assert english not in text


def test_the_admins_own_words_on_the_inbox_and_history_are_in_bokmal(staff_pages):
    everything = " ".join(staff_pages.values())
    inbox = staff_pages["alice /intern/contacts/enquiry/"]
    history = next(text for page, text in staff_pages.items() if page.endswith("/history/"))

    for english in (
        "Show counts",
        "Start typing to filter",
        "Changed:",
        "1 entry",
        "entries",
        "Skip to main content",
        "Toggle theme",
        "Breadcrumbs",
        "Sidebar",
        "Select this object for an action",
        "Select all objects on this page",
        "Search",
    ):
        assert english not in everything, english
    # Yes/no icons say "Ja"/"Nei", not Django's "True"/"False", where a saksbehandler looks.
    saksbehandler = " ".join(t for page, t in staff_pages.items() if page.startswith("alice "))
    assert "True" not in saksbehandler and "False" not in saksbehandler
    assert "Ja" in staff_pages["alice /intern/contacts/enquiry/"]
    # ...and what stands there instead, so that none of the above passed by its absence.
    assert "Vis antall" in inbox and "Velg Henvendelse #" in inbox and "Søk" in inbox
    assert "1 oppføring" in history
    assert "Endret:" in staff_pages["root /intern/"]
    for norwegian in ("Gå til hovedinnholdet", "Bytt fargetema", "Brødsmulesti", "Sidemeny"):
        assert norwegian in staff_pages["alice /intern/contacts/auditentry/"]
    assert "Skriv for å filtrere" in staff_pages["alice /intern/contacts/auditentry/"]


def test_no_page_shows_an_admin_string_django_leaves_in_english(staff_pages):
    lacking = [entry for args in CATALOGS for entry in lacking_bokmal(*args)]
    # Django 5.2's catalogs: if this fails, Django's bokmål caught up or the files moved.
    assert len(lacking) > 20

    shown = {
        (page, entry["msgid"])
        for entry in lacking
        for message in filter(None, (entry["msgid"], entry.get("msgid_plural")))
        for page, text in staff_pages.items()
        if as_pattern(message).search(text)
    }

    assert shown == set()


def test_the_admin_javascript_has_bokmal_for_what_django_leaves_in_english(client, alice):
    lacking = lacking_bokmal(*JS_CATALOG)
    assert len(lacking) > 10

    script = client.get("/intern/jsi18n/").content.decode()
    catalog = json.loads(re.search(r"const newcatalog = (\{.*?\});\n", script, re.S).group(1))

    def key(entry):
        context = entry.get("msgctxt")
        return f"{context}\x04{entry['msgid']}" if context else entry["msgid"]

    untranslated = {key(entry) for entry in lacking if key(entry) not in catalog}
    assert untranslated == set()
    assert catalog["Choose all %s"] == "Velg alle %s"


def test_permissions_and_yes_no_icons_in_bokmal_on_the_superusers_pages(staff_pages):
    superuser = {page: text for page, text in staff_pages.items() if page.startswith("root ")}
    user_change = next(
        t for page, t in superuser.items() if page.endswith("/change/") and "/auth/user/" in page
    )
    group_add = superuser["root /intern/auth/group/add/"]

    for text in (user_change, group_add):
        for english in ("Can add", "Can change", "Can delete", "Can view"):
            assert english not in text, english
        # Django's four per model, from the model's name; our own keep their bokmål name.
        assert "Kan endre henvendelse" in text
        assert "Kan se logginnlegg" in text
        assert "Kan eksportere henvendelser til CSV" in text
    everything = " ".join(superuser.values())
    assert "True" not in everything and "False" not in everything
    assert "Administrasjonsstatus" in superuser["root /intern/auth/user/"]
