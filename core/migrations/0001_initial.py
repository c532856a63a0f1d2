"""The scheduler's lease moves here from the columns app: same table, same content type row."""

from django.db import migrations, models


def move_content_type(apps, schema_editor, source="columns", target="core"):
    content_types = apps.get_model("contenttypes", "ContentType").objects
    if not content_types.filter(app_label=target, model="schedulerlease").exists():
        content_types.filter(app_label=source, model="schedulerlease").update(app_label=target)


def move_content_type_back(apps, schema_editor):
    move_content_type(apps, schema_editor, source="core", target="columns")


class Migration(migrations.Migration):
    initial = True
    dependencies = [("columns", "0010_search_title_body_index"), ("contenttypes", "0002_remove_content_type_name")]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="SchedulerLease",
                    fields=[
                        ("name", models.CharField(max_length=100, primary_key=True, serialize=False)),
                        ("holder", models.CharField(blank=True, max_length=100)),
                        ("expires_at", models.DateTimeField(blank=True, null=True)),
                    ],
                    options={"db_table": "columns_schedulerlease"},
                )
            ]
        ),
        migrations.RunPython(move_content_type, move_content_type_back),
    ]
