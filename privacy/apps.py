from django.apps import AppConfig


class PrivacyConfig(AppConfig):
    name = "privacy"
    verbose_name = "Personvern"

    def ready(self) -> None:
        from privacy import checks, map_checks  # noqa: F401 - registers the system checks
