"""A legal hold has a review date; processing of an enquiry can be restricted (art. 18).

A hold set before holds had review dates is due for review on the day of this migration:
nobody has looked at it since it was set. The Saksbehandler group gets the new
permission to restrict processing, like the other data-subject rights.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations, models
from django.utils import timezone

GROUP = "Saksbehandler"


def review_existing_holds_now(apps, schema_editor):
    Enquiry = apps.get_model("contacts", "Enquiry")
    Enquiry.objects.exclude(legal_hold_reason="").filter(legal_hold_review_on__isnull=True).update(
        legal_hold_review_on=timezone.localdate()
    )


def grant_restriction(apps, schema_editor):
    # Permissions are normally made after all migrations; the group needs this one now.
    app_config = apps.get_app_config("contacts")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    permission = Permission.objects.get(
        content_type__app_label="contacts", codename="restrict_processing"
    )
    for group in Group.objects.filter(name=GROUP):
        group.permissions.add(permission)


def revoke_restriction(apps, schema_editor):
    Permission = apps.get_model("auth", "Permission")
    Permission.objects.filter(
        content_type__app_label="contacts", codename="restrict_processing"
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("contacts", "0010_enquiry_shown_evidence")]

    operations = [
        migrations.AlterModelOptions(
            name="enquiry",
            options={
                "ordering": ["-received_at", "-id"],
                "permissions": [
                    ("export_enquiries", "Kan eksportere henvendelser til CSV"),
                    ("erase_enquiries", "Kan slette henvendelser"),
                    ("handle_data_subject_requests", "Kan behandle innsyn, retting og sletting"),
                    ("record_withdrawal", "Kan registrere at et samtykke er trukket tilbake"),
                    (
                        "restrict_processing",
                        "Kan begrense behandlingen av en henvendelse (art. 18)",
                    ),
                ],
                "verbose_name": "henvendelse",
                "verbose_name_plural": "henvendelser",
            },
        ),
        migrations.AlterField(
            model_name="auditentry",
            name="action",
            field=models.CharField(
                choices=[
                    ("export", "Eksport til CSV"),
                    ("subject_search", "Søk etter en persons opplysninger"),
                    ("subject_download", "Innsyn lastet ned"),
                    ("erasure", "Sletting"),
                    ("legal_hold_set", "Rettslig grunn til å beholde satt"),
                    ("legal_hold_released", "Rettslig grunn til å beholde opphevet"),
                    ("withdrawal", "Samtykke trukket tilbake"),
                    ("restriction_set", "Behandling begrenset"),
                    ("restriction_lifted", "Begrensning opphevet"),
                ],
                max_length=30,
                verbose_name="handling",
            ),
        ),
        migrations.AddField(
            model_name="enquiry",
            name="legal_hold_review_on",
            field=models.DateField(blank=True, null=True, verbose_name="vurderes på nytt"),
        ),
        migrations.RunPython(review_existing_holds_now, migrations.RunPython.noop),
        migrations.AddField(
            model_name="enquiry",
            name="restricted_reason",
            field=models.CharField(
                blank=True, editable=False, max_length=300, verbose_name="grunn til begrensning"
            ),
        ),
        migrations.AddField(
            model_name="enquiry",
            name="restricted_at",
            field=models.DateTimeField(
                blank=True, editable=False, null=True, verbose_name="begrenset"
            ),
        ),
        migrations.AddIndex(
            model_name="enquiry",
            index=models.Index(
                condition=models.Q(("legal_hold_reason", ""), _negated=True),
                fields=["legal_hold_review_on"],
                name="enquiry_hold_review",
            ),
        ),
        migrations.AddConstraint(
            model_name="enquiry",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("legal_hold_reason", ""), ("legal_hold_review_on__isnull", True)),
                    models.Q(
                        models.Q(("legal_hold_reason", ""), _negated=True),
                        ("legal_hold_review_on__isnull", False),
                    ),
                    _connector="OR",
                ),
                name="enquiry_hold_has_reason_and_review_date",
                violation_error_message="En rettslig grunn til å beholde henvendelsen må ha "
                "både en begrunnelse og en dato for ny vurdering.",
            ),
        ),
        migrations.AddConstraint(
            model_name="enquiry",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("restricted_at__isnull", True), ("restricted_reason", "")),
                    models.Q(
                        models.Q(("restricted_reason", ""), _negated=True),
                        ("restricted_at__isnull", False),
                    ),
                    _connector="OR",
                ),
                name="enquiry_restriction_has_reason_and_time",
            ),
        ),
        migrations.RunPython(grant_restriction, revoke_restriction),
    ]
