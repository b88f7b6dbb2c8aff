from __future__ import annotations

from django.urls import path, re_path

from privacy import views

app_name = "privacy"

# Version numbers are digits and dots only, so nothing else (../, %2e, ...) reaches a view.
VERSION = r"(?P<version>[0-9]{1,4}(?:\.[0-9]{1,4}){0,3})"

urlpatterns = [
    path("", views.notice_current, name="notice"),
    path("versjoner/", views.version_list, name="versions"),
    re_path(rf"^versjoner/{VERSION}/$", views.version_detail, name="version"),
    re_path(rf"^versjoner/{VERSION}/endringer/$", views.version_diff, name="diff"),
]
