from __future__ import annotations

from django.urls import path, re_path

from contacts.intake import preview, views

app_name = "contacts"

urlpatterns = [
    path("", views.contact, name="contact"),
    path("takk/", views.thanks, name="thanks"),
    # Staff only: a draft notice version's form, validated without storing anything.
    re_path(
        r"^forhandsvisning/(?P<version>[0-9]{1,4}(?:\.[0-9]{1,4}){0,3})/$",
        preview.preview,
        name="preview",
    ),
]
