"""Video staff mark each position on the fair's replay: chapters on the public page, no new revision
or review, and each position's clip made in one click (or all missing ones at once)."""

import re
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.utils import timezone
from wagtail.models import Revision

from jobfairs.models import PositionMoment
from media_center.models import Video, VideoJob
from tests.jobfairs.factories import EmployerFactory, JobFairPageFactory, complete_position
from tests.media_center.factories import VideoFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("tasks_held")]


@pytest.fixture
def tasks_held(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend", "QUEUES": ["default", "video"]}}


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()


@pytest.fixture
def fair(db):
    replay = VideoFactory(ready=True, duration=600.0, is_public=True, title="春风行动招聘会回放")
    machines = EmployerFactory(name="淮安精工机械有限公司")
    positions = [
        complete_position(employer=machines, job_title="数控车床操作工"),
        complete_position(employer=EmployerFactory(name="苏北快运物流有限公司"), job_title="叉车司机"),
    ]
    start = timezone.now() - timedelta(days=1)
    return JobFairPageFactory(start_at=start, end_at=start + timedelta(hours=2), positions=positions, replay=replay)


@pytest.fixture
def video_staff(client, make_staff):
    client.force_login(make_staff("shipin", roles=["视频"]))
    return client


def page_of(fair):
    return f"/admin/fair-replays/{fair.pk}/"


def marks(fair, *spans):
    data = {}
    for position, span in zip(fair.positions.order_by("sort_order"), spans):
        data[f"start-{position.pk}"], data[f"end-{position.pk}"] = span
    return data


def test_video_staff_find_the_fair_in_their_replays_list(video_staff, fair):
    html = video_staff.get("/admin/fair-replays/").text
    assert fair.title in html and "0 / 2" in html


def test_an_editor_without_the_role_may_not_mark_times(client, make_staff, fair):
    client.force_login(make_staff("bianji", columns=["zhibo-jiangang"]))
    response = client.post(page_of(fair), marks(fair, ("10", "70")))
    assert response.status_code in (302, 403)
    assert not PositionMoment.objects.exists()


def test_marks_are_saved_without_a_new_revision_or_review(video_staff, fair):
    revisions = Revision.objects.count()
    response = video_staff.post(page_of(fair), marks(fair, ("125.5", "190.25"), ("20", "80")))
    assert response.status_code == 302
    saved = {moment.position.job_title: (moment.start, moment.end) for moment in PositionMoment.objects.all()}
    assert saved == {"数控车床操作工": (125.5, 190.25), "叉车司机": (20.0, 80.0)}
    assert Revision.objects.count() == revisions
    fair.refresh_from_db()
    assert fair.live and not fair.has_unpublished_changes


@pytest.mark.parametrize(
    ("span", "message"),
    [(("80", "20"), "终点应晚于起点"), (("10", "700"), "超出了回放的长度"), (("abc", "20"), "设为起点"), (("nan", "20"), "超出")],
)
def test_a_bad_mark_is_refused_naming_the_position_and_nothing_is_saved(video_staff, fair, span, message):
    response = video_staff.post(page_of(fair), marks(fair, ("10", "70"), span))
    assert response.status_code == 200
    html = response.text
    assert message in html and "第2个岗位" in html and "叉车司机" in html
    assert not PositionMoment.objects.exists()
    assert 'value="10"' in html  # the good row's marks stay on screen


def test_clearing_both_marks_removes_the_positions_time(video_staff, fair):
    video_staff.post(page_of(fair), marks(fair, ("10", "70")))
    video_staff.post(page_of(fair), marks(fair, ("", "")))
    assert not PositionMoment.objects.exists()


def test_the_replay_lists_a_chapter_per_marked_position_in_the_order_presented(video_staff, client, fair):
    client.get(fair.url)  # cached before the marks
    video_staff.post(page_of(fair), marks(fair, ("300", "360"), ("20", "80")))
    client.logout()
    html = client.get(fair.url).text
    chapters = re.findall(r'data-start="([\d.]+)"><time>[^<]*</time> ([^<]+)</a>', html)
    assert chapters == [("20.0", "苏北快运物流有限公司 叉车司机"), ("300.0", "淮安精工机械有限公司 数控车床操作工")]
    assert 'data-seek="300.0"' in html and "看讲解" in html
    assert f'src="{fair.url}chapters/"' in html


def test_the_chapters_track_is_webvtt(video_staff, client, fair):
    video_staff.post(page_of(fair), marks(fair, ("300", "360"), ("20", "80")))
    client.logout()
    response = client.get(f"{fair.url}chapters/")
    assert response["Content-Type"].startswith("text/vtt")
    assert "00:00:20.000 --> 00:01:20.000\n苏北快运物流有限公司 叉车司机" in response.text


def test_a_fair_with_no_marks_has_no_chapters_track(client, fair):
    assert client.get(f"{fair.url}chapters/").status_code == 404


def test_one_click_makes_the_positions_clip_with_its_title_pay_and_employer_in_the_band(video_staff, fair):
    video_staff.post(page_of(fair), marks(fair, ("120", "150")))
    position = fair.positions.get(job_title="数控车床操作工")
    response = video_staff.post(page_of(fair), {"clip": str(position.pk)})
    assert response.status_code == 302
    clip = Video.objects.get(kind=Video.Kind.CLIP)
    assert clip.title == "数控车床操作工 6000–8000元/月 淮安精工机械有限公司"
    assert (clip.clip_of_id, clip.clip_start, clip.clip_end) == (fair.replay_id, 120.0, 150.0)
    assert clip.review_status == Video.Review.PENDING
    assert PositionMoment.objects.get(position=position).clip == clip
    assert VideoJob.objects.filter(video=clip, kind=VideoJob.Kind.CLIP).exists()


def test_make_all_makes_each_missing_clip_once(video_staff, fair):
    video_staff.post(page_of(fair), marks(fair, ("120", "150"), ("200", "240")))
    video_staff.post(page_of(fair), {"all_clips": "1"})
    assert Video.objects.filter(kind=Video.Kind.CLIP).count() == 2
    video_staff.post(page_of(fair), {"all_clips": "1"})
    assert Video.objects.filter(kind=Video.Kind.CLIP).count() == 2
    html = video_staff.get(page_of(fair)).text
    assert "已完成 0 / 2" in html and "<progress" in html and "data-refresh" in html


def test_make_all_makes_a_failed_clip_again(video_staff, fair):
    video_staff.post(page_of(fair), marks(fair, ("120", "150")))
    video_staff.post(page_of(fair), {"all_clips": "1"})
    Video.objects.filter(kind=Video.Kind.CLIP).update(status=Video.Status.FAILED)
    video_staff.post(page_of(fair), {"all_clips": "1"})
    assert Video.objects.filter(kind=Video.Kind.CLIP).count() == 2


def test_a_span_too_short_for_a_clip_is_refused_with_the_reason(video_staff, fair):
    video_staff.post(page_of(fair), marks(fair, ("120", "121")))
    response = video_staff.post(page_of(fair), {"all_clips": "1"}, follow=True)
    assert "至少要 3 秒" in response.text
    assert not Video.objects.filter(kind=Video.Kind.CLIP).exists()


def test_a_save_leaves_the_positions_it_did_not_post_as_they_were(video_staff, fair):
    video_staff.post(page_of(fair), marks(fair, ("10", "70"), ("100", "160")))
    second = fair.positions.order_by("sort_order")[1]
    video_staff.post(page_of(fair), {f"start-{second.pk}": "200", f"end-{second.pk}": "260"})
    saved = {moment.position.job_title: (moment.start, moment.end) for moment in PositionMoment.objects.all()}
    assert saved == {"数控车床操作工": (10.0, 70.0), "叉车司机": (200.0, 260.0)}


def test_times_marked_on_an_earlier_replay_are_no_chapters_of_a_new_one(video_staff, client, fair):
    video_staff.post(page_of(fair), marks(fair, ("10", "70")))
    fair.replay = VideoFactory(ready=True, duration=900.0, is_public=True)
    fair.save_revision().publish()
    client.logout()
    html = client.get(fair.url).text
    assert 'class="chapters"' not in html and "看讲解" not in html
    assert client.get(f"{fair.url}chapters/").status_code == 404
