"""The database cache's table (pilaro_site/cache.py), made by migrate like every other
table, so that `make serve`, the worker and the test servers need no extra step. Made
whether or not CACHE_URL points elsewhere today: going back from Redis then just works."""

from django.core.management.commands.createcachetable import Command as CreateCacheTable
from django.db import migrations

from pilaro_site.cache import TABLE


def create(apps, schema_editor):
    command = CreateCacheTable()
    command.verbosity = 0
    command.create_table(schema_editor.connection.alias, TABLE, dry_run=False)


def drop(apps, schema_editor):
    schema_editor.execute(f"DROP TABLE IF EXISTS {schema_editor.quote_name(TABLE)}")


class Migration(migrations.Migration):
    dependencies = []
    operations = [migrations.RunPython(create, drop)]
