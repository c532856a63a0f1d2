"""RSS 2.0 and Atom feeds of each column's latest articles and the other pages listed with them.

RSS `<description>` and Atom `<summary type="html">` hold HTML that feed readers render: a summary
is plain text typed by an editor, so it is escaped as HTML before the feed escapes it as XML.
"""

from django.contrib.syndication.views import Feed
from django.db.models import Q
from django.shortcuts import get_object_or_404
from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed
from django.utils.html import escape

from core.context_processors import site_name
from core.page_cache import depends_on, page_tag

from .listings import listing
from .models import ColumnPage

FEED_ITEMS = 30


class ColumnRssFeed(Feed):
    feed_type = Rss201rev2Feed

    def get_object(self, request, column_slug):
        column = get_object_or_404(ColumnPage.objects.readable(), slug=column_slug)
        column.site_name = site_name(request)  # the feed's other methods see only the column
        depends_on(request, page_tag(column))
        return column

    def title(self, column):
        return f"{column.title} - {column.site_name}"

    def link(self, column):
        return column.get_url()

    def description(self, column):
        return escape(column.intro or column.title)

    def items(self, column):
        return listing(column.series_slugs(), Q(column=column))[:FEED_ITEMS]

    def item_title(self, article):
        return article.title

    def item_description(self, page):
        return escape(page.listing_text())

    def item_link(self, article):
        return article.get_url()

    def item_pubdate(self, article):
        return article.date_published

    def item_updateddate(self, article):
        return article.last_published_at or article.date_published

    def item_author_name(self, page):
        return page.byline()


class ColumnAtomFeed(ColumnRssFeed):
    feed_type = Atom1Feed

    def subtitle(self, column):
        return column.intro or column.title  # Atom's <subtitle> is text, not HTML
