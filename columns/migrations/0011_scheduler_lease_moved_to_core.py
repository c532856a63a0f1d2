"""The scheduler's lease now belongs to the core app; its table stays where it is."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("columns", "0010_search_title_body_index"), ("core", "0001_initial")]

    operations = [migrations.SeparateDatabaseAndState(state_operations=[migrations.DeleteModel(name="SchedulerLease")])]
