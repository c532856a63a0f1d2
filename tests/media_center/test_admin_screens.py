"""What video staff see in the admin: the list, the chooser, the video's own page and the upload page."""

import re
from datetime import UTC, datetime

import pytest

from media_center import playback
from media_center.models import Video

pytestmark = pytest.mark.django_db


@pytest.fixture
def video_staff(client, make_staff):
    client.force_login(make_staff("shipin", roles=["视频"]))
    return client


def poster_sources(html):
    return re.findall(r'<img src="([^"]+)"', html)


def test_video_list_shows_the_upload_time_in_shanghai_time(video_staff):
    video = Video.objects.create(title="夜里上传的视频")
    Video.objects.filter(pk=video.pk).update(created_at=datetime(2026, 3, 1, 18, 30, tzinfo=UTC))
    html = video_staff.get("/admin/videos/").content.decode()
    assert "2026-03-02 02:30" in html and "2026-03-01 18:30" not in html


def test_video_list_shows_each_poster_through_its_signed_address(video_staff, ready_video):
    Video.objects.create(title="还没有封面的视频")
    html = video_staff.get("/admin/videos/").content.decode()
    assert poster_sources(html) == [playback.file_url(ready_video, ready_video.poster)]
    poster = video_staff.get(poster_sources(html)[0])
    assert poster.status_code == 200 and poster["Content-Type"] == "image/jpeg"


def test_chooser_shows_each_videos_poster(video_staff, ready_video):
    html = video_staff.get("/admin/video-chooser/").json()["html"]
    assert poster_sources(html) == [playback.file_url(ready_video, ready_video.poster)]


def test_a_private_videos_admin_page_has_a_preview_player_that_counts_no_plays(video_staff, ready_video):
    assert not ready_video.is_public
    html = video_staff.get(f"/admin/videos/edit/{ready_video.pk}/").content.decode()
    assert f'data-video-id="{ready_video.pk}" data-preview data-hls="/videos/{ready_video.pk}/master.m3u8"' in html
    assert "js/player.js" in html and "css/player.css" in html
    assert video_staff.get(f"/videos/{ready_video.pk}/master.m3u8").status_code == 200  # staff may watch it


def test_upload_page_has_the_admin_header_with_breadcrumbs_back_to_the_video_list(video_staff):
    html = video_staff.get("/admin/videos/new/").content.decode()
    breadcrumbs = html[html.index('data-controller="w-breadcrumbs"') :]
    assert re.search(r'href="/admin/videos/"[^>]*>\s*视频', breadcrumbs)
    assert "上传视频" in breadcrumbs[: breadcrumbs.index("</nav>")]
