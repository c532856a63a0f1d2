"""Give the role groups their video permissions, now that the video models exist."""

from django.db import migrations

from columns.roles import grant_role_permissions


def grant(apps, schema_editor):
    grant_role_permissions(apps)


class Migration(migrations.Migration):
    dependencies = [("media_center", "0002_uploads"), ("columns", "0004_role_groups")]
    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
