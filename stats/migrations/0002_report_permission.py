"""Give 终审 and 管理员 the readership report, and 管理员 the site settings. Kept empty: the groups are now synced after every migrate (core.roles)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("stats", "0001_initial"), ("columns", "0006_homepage_lead_article_sitesettings")]
    operations = []
