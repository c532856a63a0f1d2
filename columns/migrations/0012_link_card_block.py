"""Embeds become link cards, in pages and in their revisions.

An embed stored only its address; the card takes it, titled with the address's host for the editor
to retitle. An address that is not http(s) cannot be a card and is dropped.
"""

from urllib.parse import urlsplit

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
        ('columns', '0011_scheduler_lease_moved_to_core'),
    ]

    operations = [
        MigrateStreamData(
            app_name="columns",
            model_name="articlepage",
            field_name="body",
            operations_and_block_paths=[(EmbedsToLinkCards(), "")],
        ),
    ]
