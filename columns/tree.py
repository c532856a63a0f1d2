"""Where things sit in the page tree: the depth of each level and the paths of a page's ancestors."""

from wagtail.models import Page

COLUMN_DEPTH, SERIES_DEPTH, ARTICLE_DEPTH = 3, 4, 5


def ancestor_path(path, depth):
    """The tree path of a page's ancestor at `depth` (its column, its series), read off its own path."""
    return path[: depth * Page.steplen]
