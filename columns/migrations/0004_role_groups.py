"""Create the six role groups (编辑, 初审, 复审, 终审, 视频, 管理员) with their site-wide permissions. Kept empty: the groups are now synced after every migrate (core.roles)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("columns", "0003_review_word_lists_reposts"),
        ("wagtailadmin", "0006_formstate"),
        ("wagtailimages", "0027_image_description"),
        ("wagtaildocs", "0014_alter_document_file_size"),
        ("wagtailcore", "0098_apitoken"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = []
