"""The public video page and the tracks its player reads."""

import pytest

pytestmark = pytest.mark.django_db


@pytest.fixture
def public_video(ready_video):
    ready_video.is_public = True
    ready_video.chapters = "00:00 开场\n00:02 第二段"
    ready_video.save()
    return ready_video


def test_public_video_page_carries_the_player_with_all_its_sources(client, public_video):
    html = client.get(f"/videos/{public_video.pk}/").content.decode()
    assert f'data-hls="/videos/{public_video.pk}/master.m3u8"' in html
    assert f'data-mp4="/videos/{public_video.pk}/mp4/' in html
    assert f'data-storyboard="/videos/{public_video.pk}/storyboard.vtt"' in html
    assert f'<track kind="chapters" src="/videos/{public_video.pk}/chapters.vtt"' in html
    assert f'poster="/videos/{public_video.pk}/poster.jpg"' in html
    assert "hls.min.js" in html and "player.js" in html


def test_video_page_lists_its_chapters(client, public_video):
    html = client.get(f"/videos/{public_video.pk}/").content.decode()
    assert '<a href="#t=2.0" data-start="2.0"><time>00:02</time> 第二段</a>' in html


def test_unpublished_video_page_is_not_found_for_readers(client, ready_video):
    assert client.get(f"/videos/{ready_video.pk}/").status_code == 404
    assert client.get(f"/videos/{ready_video.pk}/storyboard.vtt").status_code == 404


def test_storyboard_points_every_sprite_at_a_signed_url_that_opens(client, public_video):
    text = client.get(f"/videos/{public_video.pk}/storyboard.vtt").content.decode()
    sprite_urls = {line.split("#xywh=")[0] for line in text.splitlines() if "#xywh=" in line}
    assert sprite_urls and all("token=" in url for url in sprite_urls)
    sprite = client.get(next(iter(sprite_urls)))
    assert sprite.status_code == 200 and b"".join(sprite.streaming_content)[:2] == b"\xff\xd8"


def test_chapters_track_is_served_as_webvtt(client, public_video):
    response = client.get(f"/videos/{public_video.pk}/chapters.vtt")
    assert response["Content-Type"].startswith("text/vtt")
    assert "00:00:02.000 --> " in response.content.decode()


def test_a_video_without_chapters_has_no_chapters_track(client, ready_video):
    ready_video.is_public = True
    ready_video.save()
    assert client.get(f"/videos/{ready_video.pk}/chapters.vtt").status_code == 404
    assert 'kind="chapters"' not in client.get(f"/videos/{ready_video.pk}/").content.decode()


def test_home_shows_public_videos_only(client, public_video):
    from media_center.models import Video

    Video.objects.create(title="内部彩排录像", status="ready", is_public=False)
    html = client.get("/").content.decode()
    assert f'href="/videos/{public_video.pk}/"' in html and "内部彩排录像" not in html


def test_article_with_a_video_loads_the_player_and_one_without_does_not(client, public_video, series):
    from tests.factories import ArticlePageFactory

    with_video = ArticlePageFactory(parent=series, body=[("video", {"video": public_video, "caption": "回放"})])
    without = ArticlePageFactory(parent=series)
    assert "player.js" in client.get(with_video.url).content.decode()
    assert "player.js" not in client.get(without.url).content.decode()


def test_chapters_with_a_bad_line_are_refused_in_the_admin(client, superuser, ready_video):
    client.force_login(superuser)
    response = client.post(
        f"/admin/videos/edit/{ready_video.pk}/",
        {"title": ready_video.title, "description": "", "chapters": "00:02 二\n00:01 一", "is_public": ""},
    )
    assert "第2行的时间应当晚于上一行" in response.content.decode()
    ready_video.refresh_from_db()
    assert ready_video.chapters == ""


def test_a_failed_video_is_nobodys_to_watch(client):
    from tests.media_center.factories import VideoFactory

    video = VideoFactory(failed=True, is_public=True)
    assert client.get(f"/videos/{video.pk}/").status_code == 404
