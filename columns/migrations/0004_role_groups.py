"""Create the six role groups (编辑, 初审, 复审, 终审, 视频, 管理员) with their site-wide permissions."""

from django.db import migrations

from columns.roles import grant_role_permissions


def create_groups(apps, schema_editor):
    grant_role_permissions(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("columns", "0003_review_word_lists_reposts"),
        ("wagtailadmin", "0006_formstate"),
        ("wagtailimages", "0027_image_description"),
        ("wagtaildocs", "0014_alter_document_file_size"),
        ("wagtailcore", "0098_apitoken"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(create_groups, migrations.RunPython.noop)]
