"""Staff handle subject requests: the Saksbehandler group may see, record and complete
them (and extend their deadline); nobody deletes one. The audit log learns the actions on
them and the daily reminder about their deadlines.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations, models

GROUP = "Saksbehandler"
CODENAMES = ["view_subjectrequest", "add_subjectrequest", "change_subjectrequest"]


def grant(apps, schema_editor):
    # Permissions are normally made after all migrations; the group needs these now.
    app_config = apps.get_app_config("contacts")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    wanted = Permission.objects.filter(content_type__app_label="contacts", codename__in=CODENAMES)
    for group in Group.objects.filter(name=GROUP):
        group.permissions.add(*wanted)


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    wanted = Permission.objects.filter(content_type__app_label="contacts", codename__in=CODENAMES)
    for group in Group.objects.filter(name=GROUP):
        group.permissions.remove(*wanted)


class Migration(migrations.Migration):
    dependencies = [("contacts", "0012_subject_requests_suppression_erasure_key")]

    operations = [
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
                    ("subject_request_recorded", "Forespørsel fra registrert ført inn"),
                    ("subject_request_completed", "Forespørsel fra registrert fullført"),
                    ("subject_request_extended", "Frist for forespørsel forlenget"),
                    ("subject_deadline_reminder", "Påminnelse om frister sendt"),
                ],
                max_length=30,
                verbose_name="handling",
            ),
        ),
        migrations.RunPython(grant, revoke),
    ]
