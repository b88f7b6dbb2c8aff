"""django-otp-webauthn's passkey views, for staff, in Norwegian.

Mounted under the namespace the library's templates expect ("otp_webauthn"). The library
has no Norwegian: its JavaScript reads its strings from the catalog view below, and its
error details (shown by that JavaScript) are replaced here by Norwegian ones.
"""

from __future__ import annotations

from django.db import transaction
from django.http import JsonResponse
from django.urls import path, reverse
from django.views.i18n import JavaScriptCatalog
from django_otp_webauthn import exceptions, views

from staff import enrolment
from staff.factors import passed

DETAILS = {
    "invalid_state": "Noe gikk galt underveis. Last inn siden på nytt og prøv igjen.",
    "not_authenticated": "Du må logge inn med passord først.",
    "user_not_verified": "Bekreft at det er deg med en andre faktor før du legger til en "
    "passnøkkel.",
    "credential_not_found": "Vi kjenner ikke igjen denne passnøkkelen. Kanskje den er fjernet?",
    "credential_user_mismatch": "Denne passnøkkelen hører til en annen bruker.",
    "credential_disabled": "Denne passnøkkelen er slått av.",
    "user_disabled": "Brukeren er deaktivert.",
    "passwordless_login_disabled": "Logg inn med brukernavn og passord først.",
    "enrolment_link_required": "Be en administrator om en registreringslenke, og åpne den "
    "før du legger til en passnøkkel.",
}
GENERIC = "Passnøkkelen kunne ikke brukes. Prøv igjen, eller bruk en kode."

# The strings of the library's JavaScript (static/django_otp_webauthn/*.js).
CATALOG = {
    "Verify with Passkey": "Bruk passnøkkel",
    "Verifying...": "Venter på passnøkkelen …",
    "Finishing verification...": "Sjekker …",
    "Verification successful!": "Bekreftet.",
    "Verification aborted.": "Avbrutt.",
    "Verification canceled or not allowed.": "Avbrutt eller ikke tillatt.",
    "Verification failed. Could not retrieve parameters from the server.": GENERIC,
    "Verification failed. A server error occurred.": GENERIC,
    "Verification failed. An unknown error occurred.": GENERIC,
    "Verification failed. An unknown server error occurred.": GENERIC,
    "An error occurred during verification.": GENERIC,
    "Register a Passkey": "Legg til passnøkkel",
    "Registering...": "Venter på passnøkkelen …",
    "Finishing registration...": "Lagrer …",
    "Registration successful!": "Passnøkkelen er lagt til.",
    "Registration aborted.": "Avbrutt.",
    "Registration aborted or not allowed.": "Avbrutt eller ikke tillatt.",
    "Registration failed. You most likely already have a Passkey registered for this site.": (
        "Denne passnøkkelen er nok lagt til fra før."
    ),
    "Registration failed. Unable to fetch registration options from server.": (
        "Passnøkkelen kunne ikke legges til. Prøv igjen."
    ),
    "Registration failed. A technical problem occurred that prevents you from registering "
    "a Passkey for this site.": "Passnøkler virker ikke på denne adressen.",
    "Registration failed. An unknown error occurred.": "Passnøkkelen kunne ikke legges til.",
    "Registration failed. The server was unable to verify this passkey.": (
        "Passnøkkelen kunne ikke legges til."
    ),
    "Registration failed. A server error occurred.": "Passnøkkelen kunne ikke legges til.",
    "An error occurred during registration.": "Passnøkkelen kunne ikke legges til.",
}


class NorwegianErrors:
    def handle_exception(self, exc):
        if isinstance(exc, exceptions.OTPWebAuthnApiError):
            detail = DETAILS.get(exc.code, GENERIC)
            return JsonResponse({"detail": detail, "code": exc.code}, status=exc.status_code)
        return super().handle_exception(exc)


class StaffOnly:
    def get_user(self):
        user = self.request.user
        return user if user.is_authenticated and user.is_active and user.is_staff else None


class EnrolmentLinkRequired(exceptions.OTPWebAuthnApiError):
    status_code = 403
    default_code = "enrolment_link_required"
    default_detail = "An enrolment link is required."


class EnrolmentOnly:
    """A user with no device registers a passkey only through their enrolment link (the
    library lets any password-only session without a device register one)."""

    def check_can_register(self) -> None:
        super().check_can_register()
        if not enrolment.may_enrol(self.request):
            raise EnrolmentLinkRequired


class BeginRegistration(
    NorwegianErrors, StaffOnly, EnrolmentOnly, views.BeginCredentialRegistrationView
):
    pass


class CompleteRegistration(
    NorwegianErrors, StaffOnly, EnrolmentOnly, views.CompleteCredentialRegistrationView
):
    def post(self, *args, **kwargs):
        if self.request.user.is_verified():
            return super().post(*args, **kwargs)
        # The first passkey consumes the link, or is not added.
        with transaction.atomic():
            if not enrolment.claim(self.request):
                raise EnrolmentLinkRequired
            return super().post(*args, **kwargs)


class BeginAuthentication(NorwegianErrors, StaffOnly, views.BeginCredentialAuthenticationView):
    pass


class CompleteAuthentication(
    NorwegianErrors, StaffOnly, views.CompleteCredentialAuthenticationView
):
    def complete_auth(self, device) -> None:
        # Never a login by itself (passwordless is off); the password came first.
        passed(self.request, device)

    def get_success_url(self) -> str:
        return self.get_redirect_url() or reverse("admin:index")


class Catalog(JavaScriptCatalog):
    def get_catalog(self) -> dict[str, str]:
        return CATALOG

    def get_plural(self) -> None:
        return None


app_name = "otp_webauthn"
urlpatterns = [
    path("registrering/start/", BeginRegistration.as_view(), name="credential-registration-begin"),
    path(
        "registrering/fullfor/",
        CompleteRegistration.as_view(),
        name="credential-registration-complete",
    ),
    path(
        "bekreftelse/start/", BeginAuthentication.as_view(), name="credential-authentication-begin"
    ),
    path(
        "bekreftelse/fullfor/",
        CompleteAuthentication.as_view(),
        name="credential-authentication-complete",
    ),
    path("jsi18n/", Catalog.as_view(packages=["django_otp_webauthn"]), name="js-i18n-catalog"),
]
