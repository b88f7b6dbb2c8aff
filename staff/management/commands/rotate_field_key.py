"""Re-encrypt every authenticator-app key under the first key of PILARO_FIELD_KEY.

To rotate: set PILARO_FIELD_KEY=new,old (the new key first), restart, run this command;
then PILARO_FIELD_KEY=new alone. A key that is in none of the keys makes the command stop
before it changes anything.
"""

from __future__ import annotations

from cryptography.fernet import InvalidToken
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from staff import crypto
from staff.models import AuthenticatorApp


class Command(BaseCommand):
    help = "Re-encrypt the stored authenticator-app keys under the first PILARO_FIELD_KEY."

    def handle(self, *args, **options):
        rotated = 0
        with transaction.atomic():
            for app in AuthenticatorApp.objects.select_for_update().only("pk", "encrypted_key"):
                try:
                    token = crypto.rotate(app.encrypted_key)
                except InvalidToken:
                    raise CommandError(
                        f"Authenticator app {app.pk} is encrypted with a key that is not in "
                        "PILARO_FIELD_KEY; nothing was changed."
                    ) from None
                AuthenticatorApp.objects.filter(pk=app.pk).update(encrypted_key=token)
                rotated += 1
        self.stdout.write(f"{rotated} authenticator-app key(s) now under the first key.")
