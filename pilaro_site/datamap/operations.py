"""The data map: running the site (logs, backups, staff e-mail and accounts, the audit log),
and the company's own processing outside the site that its notice describes."""

from __future__ import annotations

from django.conf import settings

from pilaro_site.datamap.common import EMAIL, HOSTING, STAFF, setting
from privacy.datamap import Activity, CompanyFact, Period, Rule

SERVER_LOGS = Activity(
    id="serverlogger",
    name="Serverlogger",
    purpose="Drive nettstedet sikkert og finne feil.",
    basis="f",
    legitimate_interest="Å holde nettstedet i gang og oppdage feil og angrep.",
    subjects=("besøkende på nettstedet",),
    data="Tidspunkt, metode, adresse uten spørring (lenker til «Dine opplysninger» skjult), "
    "status, størrelse og svartid. Ikke IP-adressen i tilgangsloggen; feilloggen til "
    "nginx kan ha IP-adressen til den som utløste en feil.",
    stores=("log:gunicorn-access", "log:nginx-access", "log:nginx-error", "log:application"),
    recipients=(HOSTING,),
    retention=(CompanyFact("hvor lenge serverloggene beholdes"),),
)

BACKUPS = Activity(
    id="sikkerhetskopier",
    name="Sikkerhetskopier",
    purpose="Ikke miste opplysninger hvis noe går galt.",
    basis="f",
    legitimate_interest="Å kunne gjenopprette nettstedet og opplysningene etter en feil.",
    subjects=("alle som har opplysninger i databasen til nettstedet",),
    data="En kopi av alt i databasen til nettstedet.",
    stores=("backup:database",),
    recipients=(HOSTING,),
    retention=(CompanyFact("hvor lenge sikkerhetskopiene beholdes, og hvor de lagres"),),
)

STAFF_MAIL = Activity(
    id="varsler",
    name="Varsler til ansatte",
    purpose="Varsle ansatte på e-post om nye henvendelser, frister og kommende sletting: "
    "bare tall og lenker.",
    basis="f",
    legitimate_interest="Å følge opp henvendelser og forespørsler i tide.",
    subjects=("ansatte",),
    data="Ansattes e-postadresser.",
    stores=("setting:PILARO_NOTIFY_EMAILS", "auth.User.email"),
    recipients=(EMAIL,),
    retention=(Rule("Så lenge adressen står i innstillingene eller på kontoen."),),
    concerns_visitors=False,
)

AUDIT = Activity(
    id="revisjonslogg",
    name="Revisjonslogg",
    purpose="Kunne vise hvem som har gjort hva med henvendelsene og med ansattes kontoer.",
    basis="f",
    legitimate_interest="Å kunne dokumentere og kontrollere behandlingen.",
    subjects=("ansatte",),
    data="Hvem, når, hva og hvilke henvendelsesnumre; endringer av ansattes kontoer.",
    stores=(
        "contacts.AuditEntry.actor",
        "contacts.AuditEntry.enquiry_ids",
        "admin.LogEntry.user",
        "admin.LogEntry.object_id",
        "admin.LogEntry.object_repr",
        "admin.LogEntry.change_message",
    ),
    recipients=(STAFF, HOSTING),
    retention=(CompanyFact("hvor lenge revisjonsloggen beholdes; nettstedet sletter den ikke"),),
    concerns_visitors=False,
)

STAFF_ACCOUNTS = Activity(
    id="ansattkontoer",
    name="Ansattes kontoer og innlogging",
    purpose="Gi ansatte sikker tilgang til henvendelsene, med passord og andre faktor, og "
    "stenge ute den som gjetter passord.",
    basis="f",
    legitimate_interest="Å beskytte henvendelsene mot uvedkommende.",
    subjects=("ansatte", "den som prøver å logge inn som ansatt"),
    data="Brukernavn, navn, e-postadresse, passord som hashverdi, andre faktor (app, "
    "passnøkler, engangskoder), innloggingsøkter, og mislykkede innloggingsforsøk med "
    "brukernavn, IP-adresse og nettleser.",
    stores=(
        "auth.User.username",
        "auth.User.first_name",
        "auth.User.last_name",
        "auth.User.email",
        "auth.User.password",
        "sessions.Session.session_key",
        "sessions.Session.session_data",
        "otp_totp.TOTPDevice.user",
        "otp_totp.TOTPDevice.name",
        "otp_totp.TOTPDevice.key",
        "otp_static.StaticDevice.user",
        "otp_static.StaticDevice.name",
        "otp_static.StaticToken.token",
        "staff.AuthenticatorApp.user",
        "staff.AuthenticatorApp.name",
        "staff.AuthenticatorApp.encrypted_key",
        "staff.RecoveryCodes.user",
        "staff.RecoveryCodes.name",
        "staff.RecoveryCode.hashed",
        "staff.EnrolmentLink.user",
        "staff.EnrolmentLink.created_by",
        "staff.EnrolmentLink.token_hash",
        "django_otp_webauthn.WebAuthnCredential.user",
        "django_otp_webauthn.WebAuthnCredential.name",
        "django_otp_webauthn.WebAuthnCredential.credential_id",
        "django_otp_webauthn.WebAuthnCredential.public_key",
        "django_otp_webauthn.WebAuthnCredential.transports",
        "django_otp_webauthn.WebAuthnCredential.aaguid",
        "django_otp_webauthn.WebAuthnCredential.credential_id_sha256",
        "django_otp_webauthn.WebAuthnAttestation.data",
        "django_otp_webauthn.WebAuthnAttestation.client_data_json",
        "django_otp_webauthn.WebAuthnUserHandle.handle_hex",
        "django_otp_webauthn.WebAuthnUserHandle.user",
        *(
            f"axes.{model}.{name}"
            for model in ("AccessAttempt", "AccessFailureLog", "AccessLog")
            for name in ("user_agent", "ip_address", "username", "http_accept", "path_info")
        ),
        "axes.AccessAttempt.get_data",
        "axes.AccessAttempt.post_data",
        "axes.AccessLog.session_hash",
        "cookie:sessionid",
    ),
    recipients=(STAFF, HOSTING),
    retention=(
        Period(
            "staff_session_hours",
            "hours",
            setting("STAFF_SESSION_MAX_HOURS"),
            "PILARO_STAFF_SESSION_MAX_HOURS",
            "etter innloggingen: da er økten slutt",
        ),
        Period(
            "lockout_minutes",
            "minutes",
            lambda: int(settings.AXES_COOLOFF_TIME.total_seconds() // 60),
            "PILARO_LOGIN_LOCKOUT_MINUTES",
            "etter et mislykket forsøk: da slettes det ved neste innlogging",
        ),
        CompanyFact("hvor lenge en ansatts konto beholdes etter at vedkommende slutter"),
    ),
    concerns_visitors=False,
)


def _outside(activity_id: str, name: str, basis: str) -> Activity:
    """Processing the company declares in its notice and does outside the site: named here
    so that a notice may describe it; its details are the notice's."""
    return Activity(
        id=activity_id,
        name=name,
        purpose=name,
        basis=basis,
        subjects=("kunder og kontaktpersoner hos kunder",),
        data="Som personvernerklæringen sier.",
        stores=(),
        recipients=(STAFF,),
        retention=(CompanyFact(f"hvor lenge opplysningene beholdes ({name.lower()})"),),
        on_the_site=False,
    )


OUTSIDE = (
    _outside("kundeforhold", "Administrasjon av kundeforhold", "f"),
    _outside("kundeservice", "Kundeservice og support", "f"),
    _outside("markedsforing-kunder", "Markedsføring mot eksisterende kunder", "f"),
    _outside("rettslige-forpliktelser", "Oppfylle rettslige forpliktelser", "c"),
)
