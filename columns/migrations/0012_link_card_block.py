"""Embeds become link cards, in pages and in their revisions.

An embed stored only its address; the card takes it, titled with the address's host for the editor
to retitle. An address that is not http(s) cannot be a card and is dropped.
"""

from urllib.parse import urlsplit

import django.core.validators
import wagtail.fields
from django.db import migrations
from wagtail.blocks.migrations.migrate_operation import MigrateStreamData
from wagtail.blocks.migrations.operations import BaseBlockOperation


class EmbedsToLinkCards(BaseBlockOperation):
    operation_name_fragment = "embeds_to_link_cards"

    def apply(self, block_value):
        converted = []
        for child in block_value:
            if child["type"] != "embed":
                converted.append(child)
                continue
            address = urlsplit((child["value"] or "").strip())
            if address.scheme in ("http", "https") and address.hostname:
                card = {"url": address.geturl(), "title": address.hostname, "summary": "", "image": None}
                converted.append({**child, "type": "link_card", "value": card})
        return converted


class Migration(migrations.Migration):

    dependencies = [
        ('columns', '0010_search_title_body_index'),
    ]

    operations = [
        migrations.AlterField(
            model_name='articlepage',
            name='body',
            field=wagtail.fields.StreamField([('paragraph', 0), ('image', 3), ('gallery', 6), ('quote', 9), ('video', 12), ('link_card', 17)], blank=True, block_lookup={0: ('columns.blocks.SafeRichTextBlock', (), {'features': ['h2', 'h3', 'bold', 'italic', 'ol', 'ul', 'link', 'hr'], 'label': '正文'}), 1: ('wagtail.images.blocks.ImageChooserBlock', (), {'label': '图片'}), 2: ('wagtail.blocks.CharBlock', (), {'label': '图片说明', 'max_length': 200, 'required': False}), 3: ('wagtail.blocks.StructBlock', [[('image', 1), ('caption', 2)]], {}), 4: ('wagtail.blocks.CharBlock', (), {'label': '组图标题', 'max_length': 100, 'required': False}), 5: ('wagtail.blocks.ListBlock', (3,), {'label': '图片', 'min_num': 2}), 6: ('wagtail.blocks.StructBlock', [[('title', 4), ('images', 5)]], {}), 7: ('wagtail.blocks.TextBlock', (), {'label': '引文'}), 8: ('wagtail.blocks.CharBlock', (), {'label': '出处', 'max_length': 100, 'required': False}), 9: ('wagtail.blocks.StructBlock', [[('text', 7), ('attribution', 8)]], {}), 10: ('media_center.choosers.VideoChooserBlockBase', (), {'label': '视频'}), 11: ('wagtail.blocks.CharBlock', (), {'label': '视频说明', 'max_length': 200, 'required': False}), 12: ('wagtail.blocks.StructBlock', [[('video', 10), ('caption', 11)]], {}), 13: ('wagtail.blocks.URLBlock', (), {'help_text': '以 http:// 或 https:// 开头的完整网址', 'label': '链接', 'validators': [django.core.validators.URLValidator(schemes=('http', 'https'))]}), 14: ('wagtail.blocks.CharBlock', (), {'label': '标题', 'max_length': 100}), 15: ('wagtail.blocks.TextBlock', (), {'label': '摘要', 'max_length': 200, 'required': False}), 16: ('wagtail.images.blocks.ImageChooserBlock', (), {'label': '图片', 'required': False}), 17: ('wagtail.blocks.StructBlock', [[('url', 13), ('title', 14), ('summary', 15), ('image', 16)]], {})}, verbose_name='正文'),
        ),
        MigrateStreamData(
            app_name="columns",
            model_name="articlepage",
            field_name="body",
            operations_and_block_paths=[(EmbedsToLinkCards(), "")],
        ),
    ]
