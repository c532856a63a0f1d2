"""The live's presses of 「正在讲解」 become the replay's chapters without anyone marking them: once the
replay is chosen and its recording's start known, and again when staff correct that start."""

import re
from datetime import UTC, timedelta

import pytest
from django.core.cache import cache
from django.test import Client
from django.utils import timezone

from jobfairs.models import PositionMoment, ShelfPress
from jobfairs.moments import moments_for_new_replays
from media_center.models import Video
from tests.jobfairs.factories import EmployerFactory, JobFairPageFactory, complete_position
from tests.media_center.factories import VideoFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()


@pytest.fixture
def fair():
    """A fair that ended an hour ago, its host having presented the first two positions of three."""
    start = (timezone.now() - timedelta(hours=3)).replace(microsecond=0)  # typed starts are whole seconds
    positions = [
        complete_position(employer=EmployerFactory(name="淮安精工机械有限公司"), job_title="数控车床操作工"),
        complete_position(employer=EmployerFactory(name="苏北快运物流有限公司"), job_title="叉车司机"),
        complete_position(employer=EmployerFactory(name="清江浦区人民医院"), job_title="护理员"),
    ]
    fair = JobFairPageFactory(start_at=start, end_at=start + timedelta(hours=2), positions=positions)
    first, second, _third = fair.positions.order_by("sort_order")
    for position, minutes in ((first, 5), (second, 12), (None, 20)):
        ShelfPress.objects.create(fair=fair, position=position, pressed_at=start + timedelta(minutes=minutes))
    return fair


def recording_of(fair, started_early_by=60, **fields):
    return VideoFactory(
        ready=True, is_public=True, duration=7200.0, recorded_at=fair.start_at - timedelta(seconds=started_early_by), **fields
    )


def choose_replay(fair, replay):
    fair.replay = replay
    fair.save_revision().publish()


def sync(client, fair, **fields):
    return client.post(f"/admin/fair-replays/{fair.pk}/", {"sync": "1", "recorded_at": "", **fields}, follow=True)


def shanghai(moment):
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M:%S")


@pytest.fixture
def video_staff(client, make_staff):
    client.force_login(make_staff("shipin", roles=["视频"]))
    return client


def times(fair):
    return {m.position.job_title: (m.start, m.end, m.from_presses) for m in PositionMoment.objects.select_related("position")}


def test_choosing_the_replay_gives_each_presented_position_its_time(fair):
    choose_replay(fair, recording_of(fair))
    assert times(fair) == {"数控车床操作工": (360.0, 780.0, True), "叉车司机": (780.0, 1260.0, True)}


def test_the_chapters_are_on_the_public_page_at_once(fair):
    choose_replay(fair, recording_of(fair))
    html = Client().get(fair.url).text
    assert "数控车床操作工" in html and 'data-seek="360.0"' in html
    vtt = Client().get(f"{fair.url}chapters/").text
    assert "00:06:00.000 --> 00:13:00.000" in vtt and "叉车司机" in vtt


def test_times_marked_by_hand_on_this_replay_stay(fair, video_staff):
    choose_replay(fair, recording_of(fair))
    first = fair.positions.order_by("sort_order").first()
    video_staff.post(f"/admin/fair-replays/{fair.pk}/", {f"start-{first.pk}": "300", f"end-{first.pk}": "700"})
    sync(video_staff, fair, sync="align", player_time="400")
    assert times(fair)["数控车床操作工"] == (300.0, 700.0, False)


def test_correcting_the_start_moves_the_times_made_from_presses(fair, video_staff):
    choose_replay(fair, recording_of(fair))
    response = sync(video_staff, fair, recorded_at=shanghai(fair.start_at - timedelta(seconds=90)))
    assert "换算了 2 个岗位的时段" in response.text
    assert times(fair)["数控车床操作工"][:2] == (390.0, 810.0)


def test_saving_the_marks_as_shown_keeps_press_made_times_following_the_start(fair, video_staff):
    choose_replay(fair, recording_of(fair))
    page = video_staff.get(f"/admin/fair-replays/{fair.pk}/").text
    shown = dict(re.findall(r'name="((?:start|end)-\d+)" value="([^"]*)"', page))
    third = fair.positions.order_by("sort_order").last()
    video_staff.post(f"/admin/fair-replays/{fair.pk}/", {**shown, f"start-{third.pk}": "1500", f"end-{third.pk}": "1600"})
    sync(video_staff, fair, recorded_at=shanghai(fair.start_at - timedelta(seconds=90)))
    assert times(fair) == {
        "数控车床操作工": (390.0, 810.0, True),
        "叉车司机": (810.0, 1290.0, True),
        "护理员": (1500.0, 1600.0, False),
    }


def test_a_start_typed_with_its_offset_is_taken_as_given(fair, video_staff):
    replay = recording_of(fair)
    choose_replay(fair, replay)
    typed = (fair.start_at - timedelta(seconds=30)).astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S+00:00")
    sync(video_staff, fair, recorded_at=typed)
    assert Video.objects.get(pk=replay.pk).recorded_at == fair.start_at - timedelta(seconds=30)


def test_staff_align_the_first_press_with_where_the_player_stands(fair, video_staff):
    replay = recording_of(fair)
    choose_replay(fair, replay)
    sync(video_staff, fair, sync="align", player_time="100.5")
    replay.refresh_from_db()
    assert replay.recorded_at == fair.start_at + timedelta(minutes=5) - timedelta(seconds=100.5)
    assert times(fair)["叉车司机"][:2] == (520.5, 1000.5)


@pytest.mark.parametrize(
    "fields, message",
    [
        ({"recorded_at": "昨天上午"}, "请填写录制开始时间"),
        ({"recorded_at": "0001-01-01T00:00:00"}, "前后一天之内"),
        ({"sync": "align", "player_time": ""}, "没有读到播放器的位置"),
        ({"sync": "align", "player_time": "-500"}, "超出了回放的长度"),
        ({"sync": "align", "player_time": "nan"}, "超出了回放的长度"),
        ({"sync": "align", "player_time": "99999"}, "超出了回放的长度"),
    ],
)
def test_a_start_that_cannot_be_right_is_refused_and_changes_nothing(fair, video_staff, fields, message):
    replay = recording_of(fair)
    choose_replay(fair, replay)
    before = times(fair)
    response = sync(video_staff, fair, **fields)
    assert message in response.text
    assert Video.objects.get(pk=replay.pk).recorded_at == replay.recorded_at and times(fair) == before


def test_a_recording_start_outside_the_fair_makes_no_times_and_says_so(fair, video_staff):
    choose_replay(fair, recording_of(fair, started_early_by=-8 * 3600))  # Shanghai time written as UTC
    assert not PositionMoment.objects.exists()
    assert "与招聘会的时间对不上" in video_staff.get(f"/admin/fair-replays/{fair.pk}/").text


def test_a_replay_probed_after_it_was_chosen_gets_its_times_from_the_scheduler(fair):
    replay = recording_of(fair)
    Video.objects.filter(pk=replay.pk).update(recorded_at=None)
    choose_replay(fair, Video.objects.get(pk=replay.pk))
    assert not PositionMoment.objects.exists()
    Video.objects.filter(pk=replay.pk).update(recorded_at=fair.start_at)  # as the probe saves it
    assert "2 个" in moments_for_new_replays()
    assert times(fair)["数控车床操作工"][:2] == (300.0, 720.0)
    assert moments_for_new_replays() == ""
