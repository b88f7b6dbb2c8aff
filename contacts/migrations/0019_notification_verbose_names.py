"""The staff e-mails' fields get Norwegian names (the admin list and its filter)."""

import django.db.models.deletion
import django.utils.timezone
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("contacts", "0018_audit_log_own_entries"),
    ]

    operations = [
        migrations.AlterField(
            model_name="notification",
            name="attempts",
            field=models.PositiveIntegerField(default=0, verbose_name="forsøk"),
        ),
        migrations.AlterField(
            model_name="notification",
            name="created_at",
            field=models.DateTimeField(
                default=django.utils.timezone.now, verbose_name="opprettet"
            ),
        ),
        migrations.AlterField(
            model_name="notification",
            name="enquiry",
            field=models.OneToOneField(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="notification",
                to="contacts.enquiry",
                verbose_name="henvendelse",
            ),
        ),
        migrations.AlterField(
            model_name="notification",
            name="last_error",
            field=models.CharField(blank=True, max_length=200, verbose_name="siste feil"),
        ),
        migrations.AlterField(
            model_name="notification",
            name="sent_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="sendt"),
        ),
        migrations.AlterField(
            model_name="notification",
            name="state",
            field=models.CharField(
                choices=[("pending", "Venter"), ("sent", "Sendt"), ("failed", "Feilet")],
                default="pending",
                max_length=10,
                verbose_name="status",
            ),
        ),
    ]
