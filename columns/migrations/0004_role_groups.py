"""Create the six role groups (编辑, 初审, 复审, 终审, 视频, 管理员) with their site-wide permissions."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

from columns.roles import create_role_groups


def create_groups(apps, schema_editor):
    # Permissions are normally created after all migrations ran; a fresh database needs them now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    create_role_groups(
        apps.get_model("auth", "Group"),
        apps.get_model("auth", "Permission"),
        apps.get_model("wagtailcore", "Collection"),
        apps.get_model("wagtailcore", "GroupCollectionPermission"),
    )


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
