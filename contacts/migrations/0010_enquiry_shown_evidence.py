"""What the visitor was shown, per enquiry: the notice version (until now only on the
consent rows), the information text and where the form stood.

Existing enquiries get the notice version of their consent rows (all rows of one enquiry
name the same version); one without consent rows, the version in force on the day it
came in. The information text and the form's place were not recorded: they stay empty.
"""

import django.db.models.deletion
from django.db import migrations, models
from django.db.models import OuterRef, Subquery
from django.utils import timezone


def backfill_notice_version(apps, schema_editor):
    Enquiry = apps.get_model("contacts", "Enquiry")
    Consent = apps.get_model("contacts", "Consent")
    NoticeVersion = apps.get_model("privacy", "NoticeVersion")
    shown = Consent.objects.filter(enquiry=OuterRef("pk")).order_by("pk")
    Enquiry.objects.filter(notice_version__isnull=True).update(
        notice_version=Subquery(shown.values("notice_version")[:1])
    )
    for enquiry in Enquiry.objects.filter(notice_version__isnull=True).only("received_at"):
        day = timezone.localdate(enquiry.received_at)
        version = (
            NoticeVersion.objects.filter(effective_date__lte=day)
            .order_by("-effective_date")
            .first()
        ) or NoticeVersion.objects.order_by("effective_date").first()
        if version is None:
            raise RuntimeError(
                "Enquiries without consent rows and no notice version recorded: run "
                "`python manage.py sync_notices` first, then migrate again."
            )
        Enquiry.objects.filter(pk=enquiry.pk).update(notice_version=version)


class Migration(migrations.Migration):
    dependencies = [
        ("contacts", "0009_consent_evidence_immutable"),
        ("privacy", "0001_notice_version"),
    ]

    operations = [
        migrations.AddField(
            model_name="enquiry",
            name="notice_version",
            field=models.ForeignKey(
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="enquiries",
                to="privacy.noticeversion",
                verbose_name="versjon av personvernerklæringen som ble vist",
            ),
        ),
        migrations.AddField(
            model_name="enquiry",
            name="information_text",
            field=models.TextField(
                blank=True, editable=False, verbose_name="informasjonen som ble vist"
            ),
        ),
        migrations.AddField(
            model_name="enquiry",
            name="form_location",
            field=models.CharField(
                blank=True,
                choices=[("forside", "Forsiden"), ("kontakt", "Kontaktsiden")],
                editable=False,
                max_length=20,
                verbose_name="skjemaet stod på",
            ),
        ),
        migrations.RunPython(backfill_notice_version, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="enquiry",
            name="notice_version",
            field=models.ForeignKey(
                editable=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="enquiries",
                to="privacy.noticeversion",
                verbose_name="versjon av personvernerklæringen som ble vist",
            ),
        ),
        migrations.AddConstraint(
            model_name="enquiry",
            constraint=models.CheckConstraint(
                condition=models.Q(("form_location__in", ["", "forside", "kontakt"])),
                name="enquiry_form_location_valid",
            ),
        ),
    ]
