"""Every stored address in its canonical form (common/emails.py), and the keyed hashes made
from the old form re-made from the new one, so that an objection or a request recorded
under the old key still finds its person. Rows whose address is no valid address keep it
trimmed and lowercased, as before."""

import hashlib
import hmac

from django.conf import settings
from django.db import migrations


def canonicalise(apps, schema_editor):
    from common.emails import normalised_email

    Enquiry = apps.get_model("contacts", "Enquiry")
    MarketingSuppression = apps.get_model("contacts", "MarketingSuppression")
    SubjectRequest = apps.get_model("contacts", "SubjectRequest")
    secret = settings.CONTACTS_PERSON_HASH_KEY

    def key(address):
        digest_key = (secret + ":person").encode()
        return hmac.new(digest_key, address.encode(), hashlib.sha256).hexdigest()

    rekeyed = {}
    for pk, email in Enquiry.objects.values_list("pk", "email").iterator():
        canonical = normalised_email(email)
        if canonical != email:
            Enquiry.objects.filter(pk=pk).update(email=canonical)
        old = email.strip().lower()
        if secret and canonical != old:
            rekeyed[key(old)] = key(canonical)
    for old, new in rekeyed.items():
        row = MarketingSuppression.objects.filter(person_key=old).first()
        if row and not MarketingSuppression.objects.filter(person_key=new).exists():
            MarketingSuppression.objects.create(
                person_key=new, created_at=row.created_at, channel=row.channel
            )
        SubjectRequest.objects.filter(person_key=old).update(person_key=new)


class Migration(migrations.Migration):
    dependencies = [("contacts", "0024_link_channels")]

    operations = [migrations.RunPython(canonicalise, migrations.RunPython.noop)]
