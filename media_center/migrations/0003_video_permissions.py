"""Give the role groups their video permissions, now that the video models exist. Kept empty: the groups are now synced after every migrate (core.roles)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("media_center", "0002_uploads"), ("columns", "0004_role_groups")]
    operations = []
