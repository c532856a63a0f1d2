"""Totals for the admin report: reads per column and per series, the most read articles, the most played videos."""

from dataclasses import dataclass, field
from datetime import timedelta

from django.db.models import Sum
from django.utils import timezone
from wagtail.models import Page

from columns.structure import site_structure
from columns.tree import ARTICLE_DEPTH, COLUMN_DEPTH, SERIES_DEPTH, ancestor_path
from media_center.models import Video

from .models import DailyCount

TOP = 20


@dataclass
class Row:
    title: str
    path: str
    total: int = 0
    children: list = field(default_factory=list)


def period(days):
    today = timezone.localdate()
    return today - timedelta(days=days - 1), today


def totals(kind, first_day, last_day):
    rows = DailyCount.objects.filter(kind=kind, day__range=(first_day, last_day)).values("object_id")
    return dict(rows.annotate(total=Sum("count")).values_list("object_id", "total"))


def sections():
    """Every column in the site's order by tree path, each a Row with its series as children, in order."""
    columns = {}
    for place in site_structure().places.values():
        row = Row(place.title, place.path)
        if place.depth == COLUMN_DEPTH:
            columns[place.path] = row
        elif ancestor_path(place.path, COLUMN_DEPTH) in columns:
            columns[ancestor_path(place.path, COLUMN_DEPTH)].children.append(row)
    return columns


def readership(first_day, last_day):
    """Columns with their series, each with the reads of the articles under it; plus the top lists."""
    reads = totals(DailyCount.Kind.PAGE, first_day, last_day)
    columns = sections()
    series = {row.path: row for column in columns.values() for row in column.children}
    articles = list(Page.objects.filter(pk__in=reads, depth=ARTICLE_DEPTH).only("title", "path", "url_path"))
    for article in articles:
        article.reads = reads[article.pk]
        for places, depth in ((series, SERIES_DEPTH), (columns, COLUMN_DEPTH)):
            if ancestor_path(article.path, depth) in places:
                places[ancestor_path(article.path, depth)].total += article.reads
    plays = totals(DailyCount.Kind.VIDEO, first_day, last_day)
    videos = list(Video.objects.filter(pk__in=plays).only("title"))
    for video in videos:
        video.plays = plays[video.pk]
    return {
        "columns": list(columns.values()),
        "total_reads": sum(reads.values()),
        "total_plays": sum(plays.values()),
        "top_articles": sorted(articles, key=lambda article: -article.reads)[:TOP],
        "top_videos": sorted(videos, key=lambda video: -video.plays)[:TOP],
    }
