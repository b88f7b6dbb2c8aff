from django.apps import AppConfig


class ContactsConfig(AppConfig):
    name = "contacts"
    verbose_name = "Henvendelser"

    def ready(self) -> None:
        from contacts import checks  # noqa: F401 - registers the system checks
