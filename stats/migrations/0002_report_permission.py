"""Give 终审 and 管理员 the readership report, and 管理员 the site settings."""

from django.db import migrations

from columns.roles import grant_role_permissions


def grant(apps, schema_editor):
    grant_role_permissions(apps)


class Migration(migrations.Migration):
    dependencies = [("stats", "0001_initial"), ("columns", "0006_homepage_lead_article_sitesettings")]
    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
