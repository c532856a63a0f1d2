"""`load_demo` adds three job fairs: one announced with its live rooms, one on air with a position pinned,
one ended with the demo replay."""

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.utils import timezone

from columns.content_checks import find_sensitive_words
from jobfairs.checks import find_banned_words
from jobfairs.demo import load_demo_fairs
from jobfairs.models import Employer, JobFairPage, Position
from jobfairs.state import FairState
from media_center.demo import DEMO
from media_center.models import Video

pytestmark = pytest.mark.django_db

UPCOMING = "jiamenkou-jiuye-zhizaoye-zhuanchang"
ENDED = "chunfeng-xingdong-zhibo-jiangang-zhuanchang"
ON_AIR = "wanjia-denghuo-fuwuye-zhibo-zhaopin"


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()


@pytest.fixture
def demo_fairs(db):
    """The fairs alone, without the articles' sixteen covers: the taxonomy is there already."""
    load_demo_fairs()


def test_load_demo_creates_the_fairs_with_their_employers_and_positions_once(capsys):
    call_command("load_demo", "--no-videos")
    fairs = {fair.slug: fair for fair in JobFairPage.objects.live()}
    assert set(fairs) == {UPCOMING, ON_AIR, ENDED}
    assert all(fair.get_parent().slug == "zhaopin-zhibo" and fair.cover_image_id for fair in fairs.values())
    assert all(3 <= fair.positions.count() <= 5 for fair in fairs.values())
    assert Employer.objects.count() == 3
    assert "新建招聘会「家门口就业·制造业专场直播招聘会」" in capsys.readouterr().out

    call_command("load_demo", "--no-videos")

    assert JobFairPage.objects.count() == 3 and Position.objects.count() == 11 and Employer.objects.count() == 3
    assert "新建 0 场招聘会" in capsys.readouterr().out


def test_the_demo_employers_have_valid_credit_codes(demo_fairs):
    for employer in Employer.objects.all():
        employer.full_clean()


def test_every_demo_position_is_complete_and_free_of_banned_and_sensitive_words(demo_fairs):
    for fair in JobFairPage.objects.all():
        for position in fair.positions.all():
            assert all(getattr(position, name) not in (None, "") for name in JobFairPage.position_required_fields)
            assert position.pay_min <= position.pay_max and position.valid_until > timezone.localdate()
        assert find_banned_words(fair.child_checked_texts()) == []
        assert find_sensitive_words(fair.child_checked_texts()) == []


def test_the_announced_fair_starts_in_three_days_with_its_douyin_and_channels_rooms(demo_fairs, client):
    fair = JobFairPage.objects.get(slug=UPCOMING)
    assert (timezone.localdate(fair.start_at) - timezone.localdate()).days == 3
    html = client.get(fair.url).content.decode()
    assert "预告" in html and "距开播还有" in html and "抖音" in html and "视频号" in html
    assert "淮安恒信精密机械有限公司" in html and "数控车床操作工" in html and "22–26 元/小时" in html and "洪泽区" in html


def test_the_fair_on_air_pins_the_position_its_host_presents(demo_fairs, client):
    fair = JobFairPage.objects.get(slug=ON_AIR)
    assert fair.state() == FairState.LIVE and "now_presenting.js" in client.get(fair.url).text
    answer = client.get(f"{fair.url}now/").json()
    assert answer["position"]["title"] == "冷链配送员" and answer["position"]["number"] == 2


def test_without_the_videos_the_ended_fair_shows_it_has_ended(client):
    call_command("load_demo", "--no-videos")
    fair = JobFairPage.objects.get(slug=ENDED)
    assert fair.replay is None and fair.state() == FairState.ENDED
    html = client.get(fair.url).content.decode()
    assert "已结束" in html and "回放视频整理后发布" in html
    assert "城配货车司机" in html and "170–210 元/天" in html and "淮阴区" in html


@pytest.mark.once
def test_with_the_videos_the_ended_fair_plays_the_demo_recording(client, monkeypatch):
    shorter = {**DEMO, "recording": {**DEMO["recording"], "seconds": 6}, "clip": []}  # the replay is all that matters here
    monkeypatch.setattr("media_center.demo.DEMO", shorter)
    call_command("load_demo")
    recording = Video.objects.get(title=DEMO["recording"]["title"])
    fair = JobFairPage.objects.get(slug=ENDED)
    assert fair.replay == recording and fair.state() == FairState.REPLAY
    html = client.get(fair.url).content.decode()
    assert "回放" in html and f'data-video-id="{recording.pk}"' in html and "回放视频整理后发布" not in html


def test_a_demo_fair_made_without_the_videos_gets_its_replay_once_they_exist(demo_fairs, ready_video):
    ready_video.title = DEMO["recording"]["title"]
    ready_video.save(update_fields=["title"])

    assert load_demo_fairs() == ([], [JobFairPage.objects.get(slug=ENDED).title])

    fair = JobFairPage.objects.get(slug=ENDED)
    assert fair.replay == ready_video and fair.state() == FairState.REPLAY
    assert load_demo_fairs() == ([], [])


def test_the_replayed_demo_fair_has_a_chapter_per_position(demo_fairs, ready_video, client):
    ready_video.title = DEMO["recording"]["title"]
    ready_video.save(update_fields=["title"])
    load_demo_fairs()
    fair = JobFairPage.objects.get(slug=ENDED)
    titles = [chapter.title for chapter in fair.position_chapters(fair.positions_in_order())]
    assert titles == [f"{p.employer.name} {p.job_title}" for p in fair.positions_in_order()] and len(titles) == 4
