"""A StreamField whose block definitions stay out of migrations.

Wagtail writes every block of a StreamField into each migration that touches it, by import path:
moving or renaming a block class then breaks historical migrations, and every change of a block's
label or help text needs a migration of its own. The database column is JSON whatever the blocks
are, so migrations are given an empty block list instead, under Wagtail's own field path (no module
of this project is named). Data migrations read such a field's stored JSON through `raw_data`.
"""

from wagtail import fields


class StreamField(fields.StreamField):
    def deconstruct(self):
        name, _path, _args, kwargs = super().deconstruct()
        kwargs["block_lookup"] = {}
        kwargs.pop("verbose_name", None)
        return name, "wagtail.fields.StreamField", [[]], kwargs
