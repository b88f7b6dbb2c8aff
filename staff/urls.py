"""The staff user's second-factor pages, mounted under the admin path (pilaro_site/urls.py)."""

from __future__ import annotations

from django.urls import path

from staff import enrolment_views, views

app_name = "staff"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("andre-faktor/", views.verify, name="verify"),
    path("app/", views.app, name="app"),
    path("gjenopprettingskoder/", views.recovery_codes, name="recovery_codes"),
    path("fjern/<str:kind>/<int:pk>/", views.remove, name="remove"),
    path("logg-ut/", views.log_out, name="logout"),
    # The enrolment link: its path carries the secret (keep it out of access logs).
    path("registrering/<str:token>/", enrolment_views.open_link, name="enrolment_link"),
    path("registrering/", enrolment_views.enrolment_start, name="enrolment"),
    path("mangler-lenke/", enrolment_views.need_link, name="need_link"),
]
