from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUP = "Saksbehandler"
PERMISSIONS = {
    "contacts": [
        "view_enquiry",
        "change_enquiry",
        "view_note",
        "add_note",
        "view_consent",
        "record_withdrawal",
        "export_enquiries",
        "erase_enquiries",
        "handle_data_subject_requests",
        "view_notification",
        "view_erasurerecord",
    ],
    "privacy": ["view_noticeversion"],
}


def create_group(apps, schema_editor):
    # Permissions are normally made after all migrations; triage needs them now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=GROUP)
    wanted = [
        Permission.objects.get(content_type__app_label=app, codename=codename)
        for app, codenames in PERMISSIONS.items()
        for codename in codenames
    ]
    group.permissions.set(wanted)


def remove_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=GROUP).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("contacts", "0003_audit_append_only"),
        ("privacy", "0001_notice_version"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(create_group, remove_group)]
