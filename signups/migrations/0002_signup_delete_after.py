"""Each entry's own time to go (`delete_after`): its sign-up time plus the days its notice stated, filled
in for the entries already there, then required and indexed."""

from datetime import timedelta

from django.db import migrations, models

BATCH = 500


def fill_delete_after(apps, schema_editor):
    Signup = apps.get_model("signups", "Signup")
    entries = Signup.objects.only("created_at", "retention_days").order_by("pk")
    batch = []
    for signup in entries.iterator(chunk_size=BATCH):
        signup.delete_after = signup.created_at + timedelta(days=signup.retention_days)
        batch.append(signup)
        if len(batch) == BATCH:
            Signup.objects.bulk_update(batch, ["delete_after"])
            batch = []
    Signup.objects.bulk_update(batch, ["delete_after"])


class Migration(migrations.Migration):
    dependencies = [
        ("signups", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="signup",
            name="delete_after",
            field=models.DateTimeField(null=True, verbose_name="到期删除时间"),
        ),
        migrations.RunPython(fill_delete_after, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="signup",
            name="delete_after",
            field=models.DateTimeField(db_index=True, verbose_name="到期删除时间"),
        ),
    ]
