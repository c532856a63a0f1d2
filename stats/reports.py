"""Totals for the admin report: reads per column and per series, the most read articles, the most played videos."""

from dataclasses import dataclass, field
from datetime import timedelta

from django.db.models import Sum
from django.utils import timezone
from wagtail.models import Page

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


def readership(first_day, last_day):
    """Columns with their series, each with the reads of the articles under it; plus the top lists."""
    reads = totals(DailyCount.Kind.PAGE, first_day, last_day)
    step = Page.steplen
    columns = {}
    for page in Page.objects.filter(depth__in=(3, 4)).order_by("path").only("title", "path", "depth"):
        row = Row(page.title, page.path)
        if page.depth == 3:
            columns[page.path] = row
        elif page.path[: 3 * step] in columns:
            columns[page.path[: 3 * step]].children.append(row)
    series = {row.path: row for column in columns.values() for row in column.children}
    articles = list(Page.objects.filter(pk__in=reads, depth=5).only("title", "path", "url_path"))
    for article in articles:
        article.reads = reads[article.pk]
        if article.path[: 4 * step] in series:
            series[article.path[: 4 * step]].total += article.reads
        if article.path[: 3 * step] in columns:
            columns[article.path[: 3 * step]].total += article.reads
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
