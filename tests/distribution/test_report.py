"""报表 → 传播报表: the report's numbers from fixtures, its CSV, its chart and who may open it.

March 2026: the 1st is a Sunday, so the ISO week of Monday 23 February ends on 1 March.
"""

import csv
import io
from datetime import UTC, date, datetime

import pytest
import time_machine
from django.contrib.auth.models import Group, Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.models import Page

from columns.models import ColumnPage, SeriesPage
from core.page_cache import forget_process_state
from distribution.models import Channel, ChannelAccount, Distribution, DistributionDay
from distribution.reports import spread
from stats.models import DailyCount
from tests.factories import ArticlePageFactory, UserFactory
from tests.media_center.factories import ClipFactory, VideoFactory

pytestmark = pytest.mark.django_db
Status = Distribution.Status
REPORT = "/admin/distribution/report/"
SHANGHAI_2330_ON_1_MARCH = datetime(2026, 3, 1, 15, 30, tzinfo=UTC)


def day(number, month=3):
    return date(2026, month, number)


def series_page(slug):
    return SeriesPage.objects.get(slug=slug)


def column_page(slug):
    return ColumnPage.objects.get(slug=slug)


@pytest.fixture
def laomo():
    return series_page("laomo-fengcai")  # 劳动美 → 劳模风采


@pytest.fixture
def gongjiang():
    return series_page("gongjiang-gushi")  # 劳动美 → 工匠故事


@pytest.fixture
def douyin():
    return ChannelAccount.objects.create(channel=Channel.DOUYIN, name="淮安市总工会抖音号")


@pytest.fixture
def wechat():
    return ChannelAccount.objects.create(channel=Channel.WECHAT, name="淮安工会公众号")


def reads(page, **days):
    """reads(article, d1=3, d2=5): DailyCount rows of March's days."""
    for name, count in days.items():
        DailyCount.objects.create(kind=DailyCount.Kind.PAGE, object_id=page.pk, day=day(int(name[1:])), count=count)


def plays(video, on, count):
    DailyCount.objects.create(kind=DailyCount.Kind.VIDEO, object_id=video.pk, day=on, count=count)


def douyin_post(account, section=None, status=Status.PUBLISHED, active=True, readings=()):
    """A clip of `section` on Douyin with its readings: (day, plays, likes, shares) running totals."""
    post = Distribution.objects.create(
        video=ClipFactory(approved=True, section=section), account=account, status=status, active=active
    )
    for on, played, liked, shared in readings:
        DistributionDay.objects.create(distribution=post, day=on, plays=played, likes=liked, shares=shared)
    return post


def wechat_article(account, page, published_at, status=Status.PUBLISHED):
    return Distribution.objects.create(page=page, account=account, status=status, published_at=published_at)


def row(report, title):
    (found,) = [row for row in report.rows if row.title == title]
    return found


def by_bucket(report, title, measure):
    return {bucket.label: getattr(row(report, title).by_bucket[bucket.start], measure) for bucket in report.buckets}


def total(report, title, measure):
    return getattr(row(report, title).total, measure)


def march_week(kind="day"):
    return spread(kind, day(1), day(7))


# Buckets


def test_reads_are_summed_per_day_for_the_series_and_its_column(laomo, gongjiang):
    reads(ArticlePageFactory(parent=laomo), d1=3, d2=5)
    reads(ArticlePageFactory(parent=laomo), d2=1)
    reads(ArticlePageFactory(parent=gongjiang), d2=10)

    report = spread("day", day(1), day(3))

    assert by_bucket(report, "劳模风采", "reads") == {"2026-03-01": 3, "2026-03-02": 6, "2026-03-03": 0}
    assert by_bucket(report, "劳动美", "reads") == {"2026-03-01": 3, "2026-03-02": 16, "2026-03-03": 0}


def test_a_week_runs_monday_to_sunday_across_the_month_boundary(laomo):
    article = ArticlePageFactory(parent=laomo)
    for on, count in ((day(23, 2), 1), (day(28, 2), 2), (day(1), 4), (day(2), 8)):
        DailyCount.objects.create(kind=DailyCount.Kind.PAGE, object_id=article.pk, day=on, count=count)

    report = spread("week", day(23, 2), day(8))

    assert by_bucket(report, "劳模风采", "reads") == {"2026-02-23 至 2026-03-01": 7, "2026-03-02 至 2026-03-08": 8}


def test_a_month_gathers_its_days(laomo):
    article = ArticlePageFactory(parent=laomo)
    for on, count in ((day(28, 2), 1), (day(1), 2), (day(31), 4), (day(1, 4), 8)):
        DailyCount.objects.create(kind=DailyCount.Kind.PAGE, object_id=article.pk, day=on, count=count)

    report = spread("month", day(1, 2), day(30, 4))

    assert by_bucket(report, "劳模风采", "reads") == {"2026-02": 1, "2026-03": 6, "2026-04": 8}


def test_a_chosen_range_cuts_its_first_and_last_week_to_its_days(laomo):
    article = ArticlePageFactory(parent=laomo)
    for on in (day(24, 2), day(25, 2), day(4), day(5)):
        DailyCount.objects.create(kind=DailyCount.Kind.PAGE, object_id=article.pk, day=on, count=1)

    report = spread("week", day(25, 2), day(4))

    assert by_bucket(report, "劳模风采", "reads") == {"2026-02-25 至 2026-03-01": 1, "2026-03-02 至 2026-03-04": 1}


@pytest.mark.parametrize(
    ("kind", "first", "labels"),
    [
        ("day", date(2026, 2, 17), 30),  # the last 30 days, today's included
        ("week", date(2025, 12, 29), 12),  # 12 ISO weeks, starting on a Monday
        ("month", date(2025, 4, 1), 12),  # 12 months, starting on a 1st
    ],
)
def test_the_default_range_ends_today_in_shanghai(kind, first, labels):
    with time_machine.travel(datetime(2026, 3, 17, 16, 30, tzinfo=UTC), tick=False):  # 18 March, 00:30 in Shanghai
        report = spread(kind)
    assert (report.first, report.last, len(report.buckets)) == (first, date(2026, 3, 18), labels)


# Where items count


def test_plays_of_a_video_of_a_series_count_for_the_series_and_its_column(laomo):
    plays(VideoFactory(section=laomo), day(2), 5)

    report = march_week()

    assert (total(report, "劳模风采", "plays"), total(report, "劳动美", "plays"), total(report, "工匠故事", "plays")) == (5, 5, 0)


def test_plays_of_a_video_placed_in_a_column_count_for_the_column_alone():
    plays(VideoFactory(section=column_page("laodongmei")), day(2), 5)

    report = march_week()

    assert (total(report, "劳动美", "plays"), total(report, "劳模风采", "plays")) == (5, 0)


def test_items_in_no_section_count_under_unsorted(douyin):
    plays(VideoFactory(section=None), day(2), 5)
    douyin_post(douyin, section=None, readings=[(day(3), 40, 4, 1)])

    report = march_week()

    assert (total(report, "未归类", "plays"), total(report, "未归类", "douyin_plays")) == (5, 40)
    assert total(report, "劳动美", "plays") == 0


def test_reads_of_a_page_in_no_column_count_under_unsorted(home):
    DailyCount.objects.create(kind=DailyCount.Kind.PAGE, object_id=home.pk, day=day(2), count=3)

    assert total(march_week(), "未归类", "reads") == 3


def test_a_douyin_clip_counts_where_its_section_is(douyin, laomo):
    douyin_post(douyin, section=laomo, readings=[(day(3), 40, 4, 1)])

    report = march_week()

    assert (total(report, "劳模风采", "douyin_plays"), total(report, "劳动美", "douyin_plays")) == (40, 40)


def test_a_wechat_article_counts_in_the_series_of_its_page(wechat, laomo):
    wechat_article(wechat, ArticlePageFactory(parent=laomo), datetime(2026, 3, 2, 2, 0, tzinfo=UTC))

    report = march_week()

    assert (total(report, "劳模风采", "wechat_articles"), total(report, "劳动美", "wechat_articles")) == (1, 1)


def test_the_sections_follow_the_site_order_series_under_their_column_and_unsorted_last():
    titles = [(row.column, row.series) for row in march_week().rows]

    assert titles[:4] == [("劳动美", ""), ("劳动美", "劳模风采"), ("劳动美", "工匠故事"), ("劳动美", "最美职工")]
    assert titles[4] == ("工活动", "")
    assert titles[-1] == ("未归类", "")


def test_a_chosen_column_keeps_it_and_its_series_alone(laomo):
    plays(VideoFactory(section=series_page("jiceng-fengcai")), day(2), 7)  # 工活动
    plays(VideoFactory(section=laomo), day(2), 5)
    plays(VideoFactory(section=None), day(2), 3)

    report = spread("day", day(1), day(7), column_page("laodongmei").path)

    assert [row.title for row in report.rows] == ["劳动美", "劳模风采", "工匠故事", "最美职工"]
    assert report.total.total.plays == 5


# The Official Account: articles published, by the day in Shanghai


def test_an_article_published_at_2330_in_shanghai_counts_on_that_day(wechat, laomo):
    wechat_article(wechat, ArticlePageFactory(parent=laomo), SHANGHAI_2330_ON_1_MARCH)

    report = spread("day", day(1), day(2))

    assert by_bucket(report, "劳模风采", "wechat_articles") == {"2026-03-01": 1, "2026-03-02": 0}


def test_an_article_published_after_midnight_in_shanghai_counts_on_the_next_day(wechat, laomo):
    wechat_article(wechat, ArticlePageFactory(parent=laomo), datetime(2026, 3, 1, 16, 0, tzinfo=UTC))  # 2 March, 00:00

    report = spread("day", day(1), day(2))

    assert by_bucket(report, "劳模风采", "wechat_articles") == {"2026-03-01": 0, "2026-03-02": 1}


def test_an_article_published_at_2330_on_the_last_day_of_february_counts_in_february(wechat, laomo):
    wechat_article(wechat, ArticlePageFactory(parent=laomo), datetime(2026, 2, 28, 15, 30, tzinfo=UTC))

    report = spread("month", day(1, 2), day(31))

    assert by_bucket(report, "劳模风采", "wechat_articles") == {"2026-02": 1, "2026-03": 0}


def test_only_published_official_account_articles_count(wechat, douyin, laomo):
    article = ArticlePageFactory(parent=laomo)
    wechat_article(wechat, ArticlePageFactory(parent=laomo), SHANGHAI_2330_ON_1_MARCH, status=Status.FAILED)
    wechat_article(douyin, article, SHANGHAI_2330_ON_1_MARCH)  # not the Official Account
    wechat_article(wechat, article, SHANGHAI_2330_ON_1_MARCH)
    wechat_article(wechat, ArticlePageFactory(parent=laomo), SHANGHAI_2330_ON_1_MARCH, status=Status.REMOVED)

    assert total(march_week(), "劳模风采", "wechat_articles") == 2  # one deleted since was published all the same


# Douyin: what the running totals added in each bucket


def test_the_first_reading_counts_in_full_when_none_came_before(douyin, laomo):
    douyin_post(douyin, section=laomo, readings=[(day(2), 100, 10, 2), (day(4), 150, 12, 3)])

    assert by_bucket(spread("day", day(1), day(4)), "劳模风采", "douyin_plays") == {
        "2026-03-01": 0,
        "2026-03-02": 100,
        "2026-03-03": 0,
        "2026-03-04": 50,
    }


def test_the_last_reading_before_the_range_is_taken_off(douyin, laomo):
    douyin_post(douyin, section=laomo, readings=[(day(20, 2), 70, 0, 0), (day(25, 2), 90, 0, 0), (day(2), 100, 0, 0)])

    assert by_bucket(spread("day", day(1), day(2)), "劳模风采", "douyin_plays") == {"2026-03-01": 0, "2026-03-02": 10}


def test_a_number_going_down_counts_zero_and_the_next_rise_counts_from_it(douyin, laomo):
    douyin_post(douyin, section=laomo, readings=[(day(1), 100, 0, 0), (day(2), 80, 0, 0), (day(3), 95, 0, 0)])

    assert by_bucket(spread("day", day(1), day(3)), "劳模风采", "douyin_plays") == {
        "2026-03-01": 100,
        "2026-03-02": 0,
        "2026-03-03": 15,
    }


def test_a_bucket_without_a_reading_adds_nothing(douyin, laomo):
    douyin_post(douyin, section=laomo, readings=[(day(1), 100, 0, 0), (day(4), 130, 0, 0)])

    assert by_bucket(spread("day", day(1), day(4)), "劳模风采", "douyin_plays") == {
        "2026-03-01": 100,
        "2026-03-02": 0,
        "2026-03-03": 0,
        "2026-03-04": 30,
    }


def test_a_week_adds_its_last_reading_minus_the_last_one_before_it(douyin, laomo):
    readings = [(day(27, 2), 40, 0, 0), (day(1), 60, 0, 0), (day(3), 90, 0, 0), (day(5), 120, 0, 0), (day(9), 125, 0, 0)]
    douyin_post(douyin, section=laomo, readings=readings)

    report = spread("week", day(2), day(15))

    assert by_bucket(report, "劳模风采", "douyin_plays") == {"2026-03-02 至 2026-03-08": 60, "2026-03-09 至 2026-03-15": 5}


def test_likes_and_shares_are_increases_like_plays(douyin, laomo):
    douyin_post(douyin, section=laomo, readings=[(day(20, 2), 0, 5, 1), (day(2), 0, 9, 4), (day(3), 0, 7, 6)])

    report = spread("day", day(1), day(3))

    assert by_bucket(report, "劳模风采", "douyin_likes") == {"2026-03-01": 0, "2026-03-02": 4, "2026-03-03": 0}
    assert by_bucket(report, "劳模风采", "douyin_shares") == {"2026-03-01": 0, "2026-03-02": 3, "2026-03-03": 2}


def test_a_post_removed_by_the_channel_keeps_what_it_had_gathered(douyin, laomo):
    douyin_post(douyin, section=laomo, status=Status.REMOVED, readings=[(day(2), 30, 0, 0)])

    assert total(march_week(), "劳模风采", "douyin_plays") == 30


@pytest.mark.parametrize("status", [Status.FAILED, Status.UNKNOWN])
def test_posts_never_published_do_not_count(douyin, laomo, status):
    douyin_post(douyin, section=laomo, status=status, readings=[(day(2), 30, 3, 1)])

    assert total(march_week(), "劳模风采", "douyin_plays") == 0


def test_a_post_replaced_by_publishing_again_keeps_the_plays_it_had(douyin, laomo):
    douyin_post(douyin, section=laomo, active=False, readings=[(day(2), 30, 3, 1)])

    assert total(march_week(), "劳模风采", "douyin_plays") == 30


def test_a_channel_other_than_douyin_adds_no_douyin_plays(laomo):
    channels = ChannelAccount.objects.create(channel=Channel.CHANNELS, name="淮安工会视频号")
    douyin_post(channels, section=laomo, readings=[(day(2), 30, 3, 1)])

    assert total(march_week(), "劳模风采", "douyin_plays") == 0


# Totals


def test_the_range_total_of_a_section_is_the_sum_of_its_buckets(laomo):
    article = ArticlePageFactory(parent=laomo)
    reads(article, d1=3, d4=4, d7=5)

    assert total(march_week(), "劳模风采", "reads") == 12


def test_the_grand_total_counts_each_item_once(laomo, gongjiang, douyin, wechat):
    reads(ArticlePageFactory(parent=laomo), d1=3)
    reads(ArticlePageFactory(parent=gongjiang), d2=4)
    plays(VideoFactory(section=laomo), day(2), 5)
    plays(VideoFactory(section=None), day(3), 6)
    douyin_post(douyin, section=laomo, readings=[(day(2), 40, 4, 1)])
    wechat_article(wechat, ArticlePageFactory(parent=gongjiang), SHANGHAI_2330_ON_1_MARCH)

    figures = march_week().total.total

    assert figures.values() == [7, 11, 40, 4, 1, 1]


# Few queries, however many sections, buckets and items


def queries_of(*args):
    forget_process_state()  # the site's structure is read afresh each time
    with CaptureQueriesContext(connection) as queries:
        spread(*args)
    return len(queries)


def test_the_report_takes_the_same_few_queries_for_one_item_or_many(douyin, wechat, laomo):
    reads(ArticlePageFactory(parent=laomo), d1=1)
    douyin_post(douyin, section=laomo, readings=[(day(2), 1, 1, 1)])
    small = queries_of("day", day(1), day(3))

    for slug in ("gongjiang-gushi", "zuimei-zhigong", "jiceng-fengcai", "laomo-jiangtang", "xingquban"):
        section = series_page(slug)
        article = ArticlePageFactory(parent=section)
        for on in range(1, 28):
            DailyCount.objects.create(kind=DailyCount.Kind.PAGE, object_id=article.pk, day=day(on), count=on)
        plays(VideoFactory(section=section), day(5), 3)
        douyin_post(douyin, section=section, readings=[(day(on), on * 10, on, 1) for on in range(1, 28)])
        wechat_article(wechat, article, SHANGHAI_2330_ON_1_MARCH)
    large = [
        queries_of("day", day(1, 1), day(31, 12)),
        queries_of("week", day(1, 1), day(31, 12)),
        queries_of("month", day(1, 1), day(31, 12)),
    ]

    assert large == [small] * 3
    assert small <= 5


# The admin page


def chart_of(html):
    start = html.index('<svg class="spread-chart"')
    return html[start : html.index("</svg>", start)]


@pytest.fixture
def chief(client, make_staff):
    """终审: may see the site's counts and the distributions."""
    client.force_login(make_staff("zhubian", roles=["终审"]))
    return client


def test_an_editor_without_the_counts_permission_is_refused(client, make_staff):
    client.force_login(make_staff("bianji", roles=["编辑"], columns=["laodongmei"]))

    assert client.get(REPORT).status_code in (302, 403)
    assert client.get(REPORT, {"format": "csv"}).status_code in (302, 403)


def test_someone_with_the_counts_but_not_the_distributions_is_refused(client):
    group = Group.objects.create(name="只看统计(测试)")
    group.permissions.add(
        Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin"),
        Permission.objects.get(content_type__app_label="stats", codename="view_dailycount"),
    )
    user = UserFactory(username="tongji")
    user.groups.add(group)
    client.force_login(user)

    assert client.get(REPORT).status_code in (302, 403)


def test_the_reports_menu_lists_it_only_for_those_who_may_open_it(client, chief, make_staff):
    assert '"url": "/admin/distribution/report/"' in chief.get("/admin/").text  # the sidebar's menu, as JSON
    client.force_login(make_staff("bianji", roles=["编辑"], columns=["laodongmei"]))
    assert '"url": "/admin/distribution/report/"' not in client.get("/admin/").text


def test_the_page_shows_each_section_over_the_range_with_the_grand_total(chief, laomo):
    plays(VideoFactory(section=laomo), day(2), 5)

    html = chief.get(REPORT, {"bucket": "day", "from": "2026-03-01", "to": "2026-03-07"}).text

    section = html[html.index('data-section="劳模风采"') :]
    assert section[: section.index("</tr>")].count("<td>") == 7 and "<td>5</td>" in section[: section.index("</tr>")]
    assert "2026-03-01 至 2026-03-07" in html
    assert "<title>传播报表" in html


def test_the_chart_is_inline_svg_with_a_title_a_label_and_a_legend(chief):
    html = chief.get(REPORT, {"bucket": "week", "from": "2026-03-02", "to": "2026-03-29"}).text

    svg = chart_of(html)
    assert 'role="img"' in svg and 'aria-label="传播趋势图：全部栏目，2026-03-02 至 2026-03-29，按周' in svg
    assert "<title>传播趋势图" in svg
    assert all(f">{name}</text>" in svg for name in ("网站阅读", "网站播放", "抖音播放"))
    assert svg.count("<polyline") == 3 and ">周（起始日）</text>" in svg


def test_the_chart_escapes_the_texts_it_shows(chief):
    Page.objects.filter(slug="laodongmei").update(title='<img src=x onerror="alert(1)">劳动美')

    html = chief.get(REPORT, {"column": "laodongmei", "from": "2026-03-01", "to": "2026-03-07"}).text

    svg = chart_of(html)
    assert "<img" not in svg and "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;劳动美" in svg


def test_a_start_after_the_end_is_refused_with_a_message_and_the_default_range(chief):
    with time_machine.travel(datetime(2026, 3, 18, 4, 0, tzinfo=UTC), tick=False):
        html = chief.get(REPORT, {"from": "2026-03-10", "to": "2026-03-01"}).text

    assert "开始日期不能晚于结束日期。" in html and "已改用默认时间段。" in html
    assert "2026-02-17 至 2026-03-18" in html


def test_a_range_longer_than_two_years_is_refused(chief):
    with time_machine.travel(datetime(2026, 3, 18, 4, 0, tzinfo=UTC), tick=False):
        html = chief.get(REPORT, {"bucket": "month", "from": "2023-01-01", "to": "2026-03-01"}).text

    assert "时间段最长两年" in html and "2025-04-01 至 2026-03-18" in html


def test_an_unreadable_date_is_refused_in_chinese(chief):
    with time_machine.travel(datetime(2026, 3, 18, 4, 0, tzinfo=UTC), tick=False):
        html = chief.get(REPORT, {"from": "2026-02-30", "to": "2026-03-05"}).text

    assert "请输入有效的日期，如 2026-03-01。" in html and "2026-02-17 至 2026-03-18" in html


# The CSV


def csv_of(client, **query):
    response = client.get(REPORT, {"format": "csv", **query})
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    return response


def test_the_csv_starts_with_a_bom_and_its_header(chief):
    content = csv_of(chief, **{"from": "2026-03-01", "to": "2026-03-02"}).content

    assert content.startswith(b"\xef\xbb\xbf")
    assert (
        content.decode("utf-8-sig").splitlines()[0] == "时间段,栏目,系列,网站阅读,网站播放,抖音播放,抖音点赞,抖音分享,公众号发文"
    )


def test_the_csv_has_a_row_per_bucket_and_section(chief, laomo, douyin):
    plays(VideoFactory(section=laomo), day(2), 5)
    douyin_post(douyin, section=laomo, readings=[(day(1), 10, 2, 1), (day(2), 25, 3, 1)])

    content = csv_of(chief, **{"from": "2026-03-01", "to": "2026-03-02", "column": "laodongmei"}).content
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))[1:]

    assert rows == [
        ["2026-03-01", "劳动美", "", "0", "0", "10", "2", "1", "0"],
        ["2026-03-01", "劳动美", "劳模风采", "0", "0", "10", "2", "1", "0"],
        ["2026-03-01", "劳动美", "工匠故事", "0", "0", "0", "0", "0", "0"],
        ["2026-03-01", "劳动美", "最美职工", "0", "0", "0", "0", "0", "0"],
        ["2026-03-02", "劳动美", "", "0", "5", "15", "1", "0", "0"],
        ["2026-03-02", "劳动美", "劳模风采", "0", "5", "15", "1", "0", "0"],
        ["2026-03-02", "劳动美", "工匠故事", "0", "0", "0", "0", "0", "0"],
        ["2026-03-02", "劳动美", "最美职工", "0", "0", "0", "0", "0", "0"],
    ]


def test_the_csv_ends_each_bucket_with_unsorted(chief):
    rows = list(csv.reader(io.StringIO(csv_of(chief, **{"from": "2026-03-01", "to": "2026-03-01"}).content.decode("utf-8-sig"))))

    assert rows[-1][:3] == ["2026-03-01", "未归类", ""]


@pytest.mark.parametrize(
    "title", ['=HYPERLINK("http://x.example")', "+1", "-1", "@SUM(A1)", " =1+1", "\t=1", "＝1+1", "＠SUM(A1)"]
)
def test_a_csv_cell_that_could_be_a_formula_gets_a_leading_apostrophe(chief, title):
    Page.objects.filter(slug="laomo-fengcai").update(title=title)

    content = csv_of(chief, **{"from": "2026-03-01", "to": "2026-03-01", "column": "laodongmei"}).content
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))

    assert rows[2][2] == "'" + title
