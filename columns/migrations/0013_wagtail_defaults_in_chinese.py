"""What Wagtail's own migrations create in English, named in Chinese or put away.

Administrators meet the root page in the page explorer and the root collection in group permissions.
Wagtail's one-step approval task is never used (三审 replaces its workflow, columns/roles.py): disabled,
it leaves the task list.
"""

from django.db import migrations

ROOT_PAGE_TITLE = "全部站点"
ROOT_COLLECTION_NAME = "根集合"
WAGTAIL_DEFAULT_TASK = "Moderators approval"


def name_wagtail_defaults(apps, schema_editor):
    Page = apps.get_model("wagtailcore", "Page")
    Collection = apps.get_model("wagtailcore", "Collection")
    Task = apps.get_model("wagtailcore", "Task")
    Page.objects.filter(depth=1, title="Root").update(title=ROOT_PAGE_TITLE, draft_title=ROOT_PAGE_TITLE)
    Collection.objects.filter(depth=1, name="Root").update(name=ROOT_COLLECTION_NAME)
    Task.objects.filter(name=WAGTAIL_DEFAULT_TASK).update(active=False)


class Migration(migrations.Migration):
    dependencies = [("columns", "0012_link_card_block")]

    operations = [migrations.RunPython(name_wagtail_defaults, migrations.RunPython.noop)]
