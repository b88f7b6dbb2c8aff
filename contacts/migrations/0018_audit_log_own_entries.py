"""The Saksbehandler group reads the audit log's lines about its members' own actions: the
inbox tells them that searches and downloads are logged. Seeing every line takes the new
permission "view_all_auditentries" (superusers have it); whoever could view the audit log
before this migration keeps seeing all of it.
"""

from django.conf import settings
from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUP = "Saksbehandler"


def _permission(apps, codename):
    Permission = apps.get_model("auth", "Permission")
    return Permission.objects.get(content_type__app_label="contacts", codename=codename)


def grant(apps, schema_editor):
    # Permissions are normally made after all migrations; these are needed now.
    app_config = apps.get_app_config("contacts")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    view = _permission(apps, "view_auditentry")
    view_all = _permission(apps, "view_all_auditentries")
    Group = apps.get_model("auth", "Group")
    User = apps.get_model(settings.AUTH_USER_MODEL)
    for group in Group.objects.filter(permissions=view).exclude(name=GROUP):
        group.permissions.add(view_all)
    for user in User.objects.filter(user_permissions=view):
        user.user_permissions.add(view_all)
    for group in Group.objects.filter(name=GROUP):
        group.permissions.add(view)


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    for group in Group.objects.filter(name=GROUP):
        group.permissions.remove(_permission(apps, "view_auditentry"))
    apps.get_model("auth", "Permission").objects.filter(
        content_type__app_label="contacts", codename="view_all_auditentries"
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("contacts", "0017_enquiry_inbox_order"),
        ("auth", "0012_alter_user_first_name_max_length"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="auditentry",
            options={
                "ordering": ["-at", "-id"],
                "permissions": [("view_all_auditentries", "Kan se hele revisjonsloggen")],
                "verbose_name": "logglinje",
                "verbose_name_plural": "revisjonslogg",
            },
        ),
        migrations.RunPython(grant, revoke),
    ]
