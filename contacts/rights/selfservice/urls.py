from __future__ import annotations

from django.urls import path, re_path

from contacts.intake.consent_links import TOKEN_PATTERN
from contacts.rights.selfservice import account, oneclick, views
from contacts.rights.selfservice.links import SECRET_PATTERN

app_name = "selfservice"

urlpatterns = [
    path("", views.request_link, name="request"),
    path("sendt/", views.sent, name="sent"),
    # The secret is the whole path segment: anything else is the site's 404.
    re_path(rf"^lenke/(?P<secret>{SECRET_PATTERN})/$", views.link, name="link"),
    path("skjema/1.json", views.schema, name="schema"),
    # A marketing consent's own links (contacts/rights/selfservice/oneclick.py).
    re_path(
        rf"^samtykke/(?P<consent_id>[0-9]{{1,18}})/(?P<token>{TOKEN_PATTERN})/$",
        oneclick.one_click,
        name="one_click",
    ),
    re_path(
        rf"^samtykke/(?P<consent_id>[0-9]{{1,18}})/(?P<token>{TOKEN_PATTERN})/bekreft/$",
        oneclick.confirm,
        name="confirm",
    ),
    path("oversikt/", account.overview, name="overview"),
    path("kopi/", account.copy, name="copy"),
    path("last-ned/", account.download, name="download"),
    path("trekk-tilbake/", account.withdraw, name="withdraw"),
    path("reservasjon/", account.object_to_marketing, name="object"),
    path("slett/", account.erase, name="erase"),
    path("slett/<int:enquiry_id>/", account.erase, name="erase_one"),
    path("retting/", account.correct, name="correct"),
    path("fullstendig-innsyn/", account.full_access, name="full_access"),
    path("avslutt/", account.end, name="end"),
    path("avsluttet/", account.ended, name="ended"),
]
