"""The 传播 report: per column and series, the site's reads and plays beside the channels' numbers (Douyin's
plays, likes and shares; articles published on the Official Account), by day, ISO week or month, in Shanghai dates.

Every figure is summed or counted in the database, grouped by bucket and by where the item sits: the
first SERIES_DEPTH steps of a tree path (a page's own, a video's section's) name its series, or its column.
Douyin's readings are narrowed there to the last one per post and bucket. So the report costs the same
five queries whatever the number of sections, buckets or items.

A channel gives running totals (DistributionDay). What a bucket added to a post is its last reading on or
before the bucket's last day minus its last reading before the bucket's first day (0 when there is none),
never below 0: a number the channel lowered (a like taken back, a recount) adds 0, and the next rise is
counted from the lowered number. A reading without a number (the channel gave none) leaves it unchanged.
A section's figure over the range is the sum of its buckets'.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db.models import Case, Count, DateField, F, OuterRef, Subquery, Sum, When, Window
from django.db.models.functions import Coalesce, RowNumber, Substr, Trunc
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.models import Page

from columns.tree import COLUMN_DEPTH, SERIES_DEPTH, ancestor_path
from media_center.models import Video
from stats.models import DailyCount
from stats.reports import sections

from .models import Channel, Distribution, DistributionDay

BUCKETS = {"day": gettext_lazy("按日"), "week": gettext_lazy("按周"), "month": gettext_lazy("按月")}
DEFAULT_BUCKET = "day"
DEFAULT_SPAN = {"day": 30, "week": 12, "month": 12}  # the last 30 days, 12 ISO weeks, 12 months, today's included
MAX_DAYS = 731  # a chosen range spans at most two years, a leap day included
PLACE_LENGTH = SERIES_DEPTH * Page.steplen  # the steps of a tree path that name its series (or its column)
# Published, or published and since removed: its numbers until then, and its publication, still count.
PUBLISHED_ONCE = (Distribution.Status.PUBLISHED, Distribution.Status.REMOVED)
MEASURES = ("reads", "plays", "douyin_plays", "douyin_likes", "douyin_shares", "wechat_articles")
DOUYIN_MEASURES = {"plays": "douyin_plays", "likes": "douyin_likes", "shares": "douyin_shares"}


def local_zone():
    return timezone.get_default_timezone()  # Asia/Shanghai


def today():
    return timezone.localdate(timezone=local_zone())


def months_later(first_of_month, months):
    index = first_of_month.year * 12 + first_of_month.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def bucket_start(kind, day):
    """The first day of the bucket `day` falls in: the day itself, its ISO week's Monday, its month's 1st."""
    if kind == "week":
        return day - timedelta(days=day.weekday())
    if kind == "month":
        return day.replace(day=1)
    return day


def next_start(kind, start):
    if kind == "week":
        return start + timedelta(weeks=1)
    if kind == "month":
        return months_later(start, 1)
    return start + timedelta(days=1)


def default_range(kind, last=None):
    """The last 30 days, 12 weeks or 12 months up to `last` (today), the bucket of `last` included."""
    last = last or today()
    start = bucket_start(kind, last)
    if kind == "week":
        return start - timedelta(weeks=DEFAULT_SPAN[kind] - 1), last
    if kind == "month":
        return months_later(start, 1 - DEFAULT_SPAN[kind]), last
    return last - timedelta(days=DEFAULT_SPAN[kind] - 1), last


@dataclass(frozen=True)
class Bucket:
    start: date  # what the database groups by: the day, the ISO week's Monday, the month's 1st
    first: date  # the days of it within the range
    last: date
    label: str


def bucket_label(kind, start, first, last):
    if kind == "month":
        return start.strftime("%Y-%m")
    if kind == "week":
        return _("%(first)s 至 %(last)s") % {"first": first.isoformat(), "last": last.isoformat()}
    return first.isoformat()


def buckets(kind, first, last):
    """The buckets from `first` to `last`, the first and last cut to the range."""
    found = []
    start = bucket_start(kind, first)
    while start <= last:
        following = next_start(kind, start)
        within = (max(start, first), min(following - timedelta(days=1), last))
        found.append(Bucket(start, *within, bucket_label(kind, start, *within)))
        start = following
    return found


@dataclass
class Figures:
    reads: int = 0
    plays: int = 0
    douyin_plays: int = 0
    douyin_likes: int = 0
    douyin_shares: int = 0
    wechat_articles: int = 0

    def add(self, measure, amount):
        setattr(self, measure, getattr(self, measure) + amount)

    def values(self):
        return [getattr(self, measure) for measure in MEASURES]


@dataclass
class SectionRow:
    column: str  # the column's title; 未归类 for items under none, 合计 for the grand total
    series: str = ""  # on a series' row, its title
    path: str = ""
    by_bucket: dict = field(default_factory=dict)  # Bucket.start → Figures
    total: Figures = field(default_factory=Figures)

    @property
    def title(self):
        return self.series or self.column

    @property
    def is_series(self):
        return bool(self.series)

    def add(self, start, measure, amount):
        self.by_bucket[start].add(measure, amount)
        self.total.add(measure, amount)


@dataclass
class SpreadReport:
    kind: str
    first: date
    last: date
    buckets: list
    rows: list  # each column followed by its series, in the site's order; then 未归类 (without a column chosen)
    total: SectionRow  # every item once: per bucket (the chart) and over the range

    def __post_init__(self):
        self.places = {row.path: row for row in self.rows}  # 未归类's path is ""

    def credit(self, place, start, measure, amount):
        """Count `amount` for the item whose tree path (or section's) starts with `place`: in its series, its
        column and the grand total; in 未归类 when it sits in no column (nowhere when a column was chosen)."""
        if not amount:
            return
        rows = self.rows_of(place)
        for row in rows:
            row.add(start, measure, amount)
        if rows:
            self.total.add(start, measure, amount)

    def rows_of(self, place):
        paths = dict.fromkeys(ancestor_path(place or "", depth) for depth in (SERIES_DEPTH, COLUMN_DEPTH))
        found = [self.places[path] for path in paths if path and path in self.places]
        return found or ([self.places[""]] if "" in self.places else [])


def section_rows(bucket_list, column_path=None):
    def row(*args, **kwargs):
        return SectionRow(*args, **kwargs, by_bucket={bucket.start: Figures() for bucket in bucket_list})

    rows = []
    for column in sections().values():
        if column_path in (None, column.path):
            rows.append(row(column.title, path=column.path))
            rows.extend(row(column.title, series.title, path=series.path) for series in column.children)
    if column_path is None:
        rows.append(row(_("未归类")))
    return rows, row(_("合计"))


def bucket_of(kind, name, moment=False):
    """The first day of the bucket a date (or a moment, read in Shanghai) falls in, computed by the database."""
    return Trunc(name, kind, output_field=DateField(), tzinfo=local_zone() if moment else None)


def place_of(path):
    return Substr(path, 1, PLACE_LENGTH)


def site_counts(kind, bucket_kind, first, last):
    """(bucket, place, total) of the site's reads (pages, by their path) or plays (videos, by their section)."""
    if kind == DailyCount.Kind.PAGE:
        path = Page.objects.filter(pk=OuterRef("object_id")).order_by().values("path")[:1]
    else:
        path = Video.objects.filter(pk=OuterRef("object_id")).order_by().values("section__path")[:1]
    counts = DailyCount.objects.filter(kind=kind, day__range=(first, last))
    counts = counts.annotate(bucket=bucket_of(bucket_kind, "day"), place=place_of(Subquery(path))).order_by()
    return counts.values("bucket", "place").annotate(amount=Sum("count")).values_list("bucket", "place", "amount")


def item_place():
    return place_of(Coalesce("page__path", "video__section__path"))


def wechat_articles(bucket_kind, first, last):
    """(bucket, place, count) of the Official Account's articles published in the range, in Shanghai days: an
    article deleted since, or published again as a new row, still counts where it was published."""
    zone = local_zone()
    published = Distribution.objects.filter(
        account__channel=Channel.WECHAT,
        status__in=PUBLISHED_ONCE,
        published_at__gte=datetime.combine(first, time.min, tzinfo=zone),
        published_at__lt=datetime.combine(last + timedelta(days=1), time.min, tzinfo=zone),
    )
    published = published.annotate(bucket=bucket_of(bucket_kind, "published_at", moment=True), place=item_place())
    return published.order_by().values("bucket", "place").annotate(amount=Count("pk")).values_list("bucket", "place", "amount")


def douyin_readings(bucket_kind, first, last):
    """Per published (or since removed) Douyin post, an old row after 重新发布 too (its plays were real): its
    last reading in each bucket of the range, and its last before the range (bucket None), with where it sits."""
    readings = DistributionDay.objects.filter(
        distribution__account__channel=Channel.DOUYIN,
        distribution__status__in=PUBLISHED_ONCE,
        day__lte=last,
    )
    in_range = When(day__gte=first, then=bucket_of(bucket_kind, "day"))
    readings = readings.annotate(bucket=Case(in_range, default=None, output_field=DateField()))
    newest = Window(RowNumber(), partition_by=[F("distribution_id"), F("bucket")], order_by=F("day").desc())
    readings = readings.annotate(
        newest=newest, place=place_of(Coalesce("distribution__video__section__path", "distribution__page__path"))
    )
    return readings.filter(newest=1).values("distribution_id", "bucket", "place", *DOUYIN_MEASURES)


def as_date(value):
    """A bucket as the database gave it: PostgreSQL's date_trunc() inside CASE comes back as a timestamp."""
    return value.date() if isinstance(value, datetime) else value


def spread(kind=DEFAULT_BUCKET, first=None, last=None, column_path=None):
    """The report from `first` to `last` (by default the last 30 days, 12 weeks or 12 months), by `kind` of bucket;
    with `column_path`, that column and its series alone."""
    if first is None or last is None:
        first, last = default_range(kind)
    bucket_list = buckets(kind, first, last)
    rows, total = section_rows(bucket_list, column_path)
    report = SpreadReport(kind, first, last, bucket_list, rows, total)
    for measure, kind_counted in (("reads", DailyCount.Kind.PAGE), ("plays", DailyCount.Kind.VIDEO)):
        for start, place, amount in site_counts(kind_counted, kind, first, last):
            report.credit(place, start, measure, amount)
    for start, place, amount in wechat_articles(kind, first, last):
        report.credit(place, start, "wechat_articles", amount)
    posts = defaultdict(dict)
    for reading in douyin_readings(kind, first, last):
        posts[reading["distribution_id"]][as_date(reading["bucket"])] = reading
    for post in posts.values():
        place = next(iter(post.values()))["place"]
        for reading_name, measure in DOUYIN_MEASURES.items():
            before = (post.get(None) or {}).get(reading_name) or 0
            for bucket in bucket_list:
                reading = post.get(bucket.start)
                now = before if reading is None or reading[reading_name] is None else reading[reading_name]
                report.credit(place, bucket.start, measure, max(0, now - before))
                before = now
    return report
