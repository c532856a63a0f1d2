"""What the editorial pages' changes empty in the page cache (core.page_cache), connected in ColumnsConfig.ready()."""

from django.db import transaction

from core.page_cache import VIEW_RESTRICTIONS, bump, page_tag

from .tree import SERIES_DEPTH


def on_page_changed(sender, instance, **kwargs):
    """A page was published, unpublished or deleted: it and every listing above it change.

    A column, series or home page changing alters the navigation every page shows.
    """
    ancestors = instance.get_ancestors().values_list("pk", flat=True)  # by path: works for a deleted page too
    tags = [page_tag(instance), *(page_tag(pk) for pk in ancestors), "articles", "videos"]
    if instance.depth <= SERIES_DEPTH:
        tags.append("site")
    bump(*tags)


def on_page_moved(sender, instance, parent_page_before, **kwargs):
    """A moved page leaves the listings above its old place as well as joining new ones."""
    on_page_changed(sender, instance)
    on_page_changed(sender, parent_page_before)


def on_view_restriction_changed(sender, instance, **kwargs):
    """The restricted page, and every listing that showed or hid it, change with its restriction.

    After the commit: a page read between a bump and the commit would keep the old answer.
    """
    tags = [VIEW_RESTRICTIONS, page_tag(instance.page_id), "articles", "videos"]
    tags += [page_tag(pk) for pk in instance.page.get_ancestors().values_list("pk", flat=True)]
    transaction.on_commit(lambda: bump(*tags))


def on_site_changed(sender, instance, **kwargs):
    transaction.on_commit(lambda: bump("site"))


def on_site_settings_saved(sender, instance, created=False, **kwargs):
    # The first page render creates the settings row, empty: nothing shown changes, so nothing is bumped.
    if not created:
        bump("site")
