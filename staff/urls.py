"""The staff user's second-factor pages, mounted under the admin path (pilaro_site/urls.py)."""

from __future__ import annotations

from django.urls import path

from staff import views

app_name = "staff"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("andre-faktor/", views.verify, name="verify"),
    path("app/", views.app, name="app"),
    path("gjenopprettingskoder/", views.recovery_codes, name="recovery_codes"),
    path("fjern/<str:kind>/<int:pk>/", views.remove, name="remove"),
    path("logg-ut/", views.log_out, name="logout"),
]
