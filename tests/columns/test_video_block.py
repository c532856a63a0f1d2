import pytest

from tests.factories import ArticlePageFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _isolated(isolated_video_storage):
    pass


def test_article_with_a_video_block_renders_hls_and_mp4_sources(series, client, ready_video):
    article = ArticlePageFactory(parent=series, body=[("video", {"video": ready_video, "caption": "招聘会回放"})])
    html = client.get(article.url).content.decode()
    assert f'src="/videos/{ready_video.pk}/master.m3u8" type="application/vnd.apple.mpegurl"' in html
    assert f'src="/videos/{ready_video.pk}/mp4/360p.mp4" type="video/mp4"' in html
    assert "playsinline" in html and "招聘会回放" in html


def test_publishing_the_article_makes_its_video_public(series, client, ready_video):
    assert client.get(f"/videos/{ready_video.pk}/master.m3u8").status_code == 404
    ArticlePageFactory(parent=series, body=[("video", {"video": ready_video, "caption": ""})])
    assert client.get(f"/videos/{ready_video.pk}/master.m3u8").status_code == 200


def test_a_draft_article_does_not_make_its_video_public(series, client, ready_video):
    ArticlePageFactory(parent=series, live=False, body=[("video", {"video": ready_video, "caption": ""})])
    assert client.get(f"/videos/{ready_video.pk}/master.m3u8").status_code == 404
