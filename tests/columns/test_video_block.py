import pytest
from django.urls import reverse
from wagtail.test.utils.form_data import nested_form_data, querydict_from_html, streamfield

from columns.models import ArticlePage
from tests.factories import ArticlePageFactory
from tests.media_center.factories import ClipFactory

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


def test_a_clip_not_yet_approved_is_not_shown_nor_made_public_by_a_published_article(series, client):
    clip = ClipFactory(ready=True)

    article = ArticlePageFactory(parent=series, body=[("video", {"video": clip, "caption": "焊工岗位"})])

    assert f'data-video-id="{clip.pk}"' not in client.get(article.url).content.decode()
    clip.refresh_from_db()
    assert not clip.is_public


def test_an_approved_clip_is_shown_with_its_subtitles_off_by_default(series, client):
    clip = ClipFactory(ready=True, approved=True, subtitle_track="videos/1/clip/subtitles.vtt")

    article = ArticlePageFactory(parent=series, body=[("video", {"video": clip, "caption": ""})])

    html = client.get(article.url).content.decode()
    assert f'data-video-id="{clip.pk}"' in html
    track = next(line for line in html.splitlines() if 'kind="subtitles"' in line)
    assert f'src="/videos/{clip.pk}/subtitles.vtt"' in track and "default" not in track


def test_publishing_an_article_with_a_clip_not_yet_approved_is_refused(series, superuser, client):
    clip = ClipFactory(ready=True, title="焊工岗位短视频")
    client.force_login(superuser)
    url = reverse("wagtailadmin_pages:add", args=("columns", "articlepage", series.pk))
    data = querydict_from_html(client.get(url).content.decode(), form_id="page-edit-form")
    fields = {"title": "招聘会短视频", "slug": "zhaopin-duan", "author": "李晓雯", "editor_in_charge": "王敏"}
    fields.update(nested_form_data({"body": streamfield([("video", {"video": clip.pk, "caption": ""})])}))
    for key, value in {**fields, "action-publish": "1"}.items():
        data[key] = value

    response = client.post(url, data)

    assert response.status_code == 200
    assert "焊工岗位短视频" in response.content.decode() and "还没有通过终审" in response.content.decode()
    assert not ArticlePage.objects.filter(slug="zhaopin-duan", live=True).exists()
