"""The fair's public page in each state, where it may be placed, and its cached copies ending at each boundary."""

from datetime import timedelta

import pytest
import time_machine
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.utils import timezone

from columns.models import SeriesPage
from jobfairs.models import JobFairPage
from tests.jobfairs.factories import EmployerFactory, JobFairPageFactory, complete_position

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()


def fair_at(minutes_to_start, hours=2, **fields):
    start = timezone.now() + timedelta(minutes=minutes_to_start)
    return JobFairPageFactory(start_at=start, end_at=start + timedelta(hours=hours), **fields)


def directives(response):
    return dict((part.strip().split("=") + [""])[:2] for part in response["Cache-Control"].split(","))


def test_fairs_may_be_created_only_in_the_job_fair_series(fair_series):
    other = SeriesPage.objects.get(slug="gangwei-sudi")
    assert JobFairPage.can_create_at(fair_series)
    assert not JobFairPage.can_create_at(other)
    assert not JobFairPage.can_create_at(SeriesPage.objects.get(slug="laomo-fengcai"))


def test_a_fair_saved_under_another_series_is_refused(db):
    with pytest.raises(ValidationError) as refused:
        JobFairPageFactory(parent=SeriesPage.objects.get(slug="gangwei-sudi"))
    assert "招聘会只能放在“招聘直播”序列下" in str(refused.value)


def test_the_admin_does_not_offer_fairs_in_another_series(superuser, client):
    client.force_login(superuser)
    other = SeriesPage.objects.get(slug="gangwei-sudi")
    response = client.get(f"/admin/pages/add/jobfairs/jobfairpage/{other.pk}/")
    assert response.status_code in (302, 403)


def test_an_ending_before_the_start_is_refused(db):
    start = timezone.now() + timedelta(days=1)
    with pytest.raises(ValidationError, match="结束时间应晚于开始时间"):
        JobFairPageFactory(start_at=start, end_at=start - timedelta(hours=1))


def test_an_upcoming_fair_counts_down_to_its_start_and_lists_its_positions(client):
    employer = EmployerFactory(name="淮安精工机械有限公司")
    fair = fair_at(60 * 24, positions=[complete_position(employer=employer, job_title="钳工", headcount=3, district="淮阴区")])
    html = client.get(fair.url).content.decode()
    assert "预告" in html and "距开播还有" in html and timezone.localtime(fair.start_at).strftime("%H:%M") in html
    assert "淮安精工机械有限公司" in html and "钳工" in html and "6000–8000 元/月" in html and "淮阴区" in html
    assert "市总工会抖音号" in html and "<svg" in html and "56781234" in html  # the room, its QR and its number


def test_a_live_fair_shows_its_live_rooms_big(client):
    fair = fair_at(-10)
    html = client.get(fair.url).content.decode()
    assert "直播中" in html and "live-rooms-big" in html and 'href="https://v.douyin.com/abc123/"' in html
    assert "距开播" not in html and "数控车床操作工" in html


def test_an_ended_fair_without_a_replay_says_so(client):
    fair = fair_at(-300)
    html = client.get(fair.url).content.decode()
    assert "已结束" in html and "回放视频整理后发布" in html and "live-rooms-big" not in html
    assert "数控车床操作工" in html


def test_an_ended_fair_with_its_replay_plays_it_and_publishing_made_it_public(client, ready_video):
    fair = fair_at(-300, replay=ready_video)
    ready_video.refresh_from_db()
    assert ready_video.is_public
    html = client.get(fair.url).content.decode()
    assert "回放" in html and f'data-video-id="{ready_video.pk}"' in html and "回放视频整理后发布" not in html
    assert "数控车床操作工" in html


def test_an_upcoming_fair_is_cached_only_until_its_start(client):
    fair = fair_at(5)
    first = client.get(fair.url)
    told = directives(first)
    assert int(told["max-age"]) <= 300 and int(told["s-maxage"]) + int(told["stale-while-revalidate"]) <= 300
    assert client.get(fair.url)["X-Page-Cache"] == "hit"
    with time_machine.travel(fair.start_at + timedelta(seconds=1)):
        after = client.get(fair.url)
        assert after["X-Page-Cache"] == "miss" and "直播中" in after.content.decode()


def test_a_live_fair_is_cached_only_until_its_end(client):
    fair = fair_at(-10, hours=1)  # ends in 50 minutes: past the usual 10 minutes of the cache, the usual holds
    client.get(fair.url)
    with time_machine.travel(fair.end_at - timedelta(seconds=30)):
        response = client.get(fair.url)
        assert response["X-Page-Cache"] == "miss"
        assert int(directives(response)["s-maxage"]) <= 30
        assert client.get(fair.url)["X-Page-Cache"] == "hit"
    with time_machine.travel(fair.end_at + timedelta(seconds=1)):
        assert "已结束" in client.get(fair.url).content.decode()


def test_restricting_a_published_fair_takes_its_replay_back(ready_video, django_capture_on_commit_callbacks):
    from wagtail.models import PageViewRestriction

    fair = fair_at(-300, replay=ready_video)
    ready_video.refresh_from_db()
    assert ready_video.is_public
    with django_capture_on_commit_callbacks(execute=True):
        PageViewRestriction.objects.create(page=fair, restriction_type=PageViewRestriction.LOGIN)
    ready_video.refresh_from_db()
    assert not ready_video.is_public


def test_a_replay_a_readable_article_also_shows_stays_public_when_the_fair_is_restricted(
    ready_video, django_capture_on_commit_callbacks
):
    from wagtail.models import PageViewRestriction

    from tests.factories import ArticlePageFactory

    fair = fair_at(-300, replay=ready_video)
    with django_capture_on_commit_callbacks(execute=True):
        ArticlePageFactory(body=[("video", {"video": ready_video, "caption": ""})])
        PageViewRestriction.objects.create(page=fair, restriction_type=PageViewRestriction.PASSWORD, password="s3cret")
    ready_video.refresh_from_db()
    assert ready_video.is_public


def test_a_fair_published_without_passing_review_is_marked_in_its_history(superuser):
    from wagtail.models import PageLogEntry

    fair = JobFairPageFactory(live=False)
    fair.save_revision(user=superuser).publish(user=superuser)
    assert PageLogEntry.objects.filter(page=fair, action="columns.publish_unreviewed").exists()


def test_positions_made_in_code_keep_the_order_they_were_given_in(db):
    titles = ["钳工", "电焊工", "叉车司机", "仓库分拣员"]
    fair = JobFairPageFactory(positions=[complete_position(job_title=title) for title in titles])
    assert list(fair.positions.values_list("sort_order", "job_title")) == list(enumerate(titles))
    assert list(fair.live_rooms.values_list("sort_order", flat=True)) == [0]
