from __future__ import annotations

from django.conf import settings
from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path

from pilaro_site import seo, views

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz/", views.healthz, name="healthz"),
    path("robots.txt", seo.robots_txt, name="robots"),
    path("sitemap.xml", sitemap, {"sitemaps": seo.SITEMAPS}, name="sitemap"),
    path(".well-known/security.txt", seo.security_txt, name="security-txt"),
    # The person's own page reads enquiries, so it lives in contacts; mounted beside the
    # notice, where people look for it.
    path("personvern/mine-opplysninger/", include("contacts.rights.selfservice.urls")),
    path("personvern/", include("privacy.urls")),
    path("kontakt/", include("contacts.intake.urls")),
    # The second factor and enrolment, before the admin's URLs (whose catch-all would take
    # them); the passkey endpoints under the namespace django-otp-webauthn's templates use.
    path(f"{settings.ADMIN_PATH}sikkerhet/passnokkel/", include("staff.webauthn")),
    path(f"{settings.ADMIN_PATH}sikkerhet/", include("staff.urls")),
    path(settings.ADMIN_PATH, admin.site.urls),
]

admin.site.site_header = f"{settings.COMPANY['name']}: intern"
admin.site.site_title = f"{settings.COMPANY['name']} intern"
admin.site.index_title = "Oversikt"

handler500 = "pilaro_site.views.server_error"
