"""The sync's memory of what it wrote for each column and series."""

from django.db import models


class TaxonomySyncRecord(models.Model):
    """What the sync last wrote for a slug, so it can tell an administrator's edit from its own.

    Kept outside the page on purpose: page fields travel with revisions, and a revision saved
    before a sync would bring back stale values when it is published.
    """

    slug = models.SlugField(unique=True, max_length=100)
    title = models.CharField(max_length=255)
    intro = models.TextField(blank=True)

    def __str__(self):
        return self.slug
