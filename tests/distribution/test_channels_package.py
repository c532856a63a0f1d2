"""视频号 by hand: staff download a clip's export package (the MP4, its cover, its text) and, once they have
posted it in 视频号助手, confirm the post's link or feed id with 「已人工发布」."""

import io
import re
import unicodedata
import zipfile

import pytest
from django.http import StreamingHttpResponse
from django.template.loader import render_to_string
from django.test import Client, RequestFactory
from django.utils import timezone
from PIL import Image

from distribution import channels_package
from distribution.channels_package import safe_name
from distribution.models import Channel, ChannelAccount, Distribution
from distribution.publishing import distribute
from media_center import storage
from media_center.models import Video
from tests.factories import ArticlePageFactory

pytestmark = [pytest.mark.django_db]
Status = Distribution.Status
FEED_ID = "export/UzFfBgAAxNGhNBNHFw_vjMzT4DCaEaEJczQJgMiJs56loh2HDQ"
LINK = "https://channels.weixin.qq.com/web/pages/feed?eid=export%2FUzFfBgAAxNGhNBNHFw_vjMzT4DCaEaEJczQJgMiJs56loh2HDQ"
CONTROL = re.compile(r"[\x00-\x1f\x7f\u202a-\u202e\u2066-\u2069]")


@pytest.fixture
def channels_account(db):
    return ChannelAccount.objects.create(channel=Channel.CHANNELS, name="淮安市总工会视频号")


@pytest.fixture
def row(probed_clip, channels_account):
    return distribute(probed_clip, channels_account)[0]  # by a rule: nobody started it


@pytest.fixture
def sender(client, make_staff):
    client.force_login(make_staff("shipin", roles=["视频"]))
    return client


@pytest.fixture
def editor(client, make_staff):
    client.force_login(make_staff("bianji", roles=["编辑"], columns=["zhibo-jiangang"]))
    return client


def package_url(video):
    return f"/admin/distribution/package/{video.pk}/"


def manual_url(row):
    return f"/admin/distribution/{row.pk}/manual/"


def download(client, video):
    response = client.get(package_url(video))
    assert response.status_code == 200, response
    return zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))


def entry(archive, suffix):
    (name,) = [name for name in archive.namelist() if name.endswith(suffix)]
    return archive.read(name)


def caption_lines(archive):
    return entry(archive, ".txt").decode("utf-8-sig").split("\r\n")


def stored_bytes(name):
    with storage.video_storage().open(name, "rb") as handle:
        return handle.read()


# The package.


def test_the_package_holds_the_clip_its_cover_and_its_text(sender, probed_clip):
    archive = download(sender, probed_clip)
    assert archive.namelist() == ["新能源企业招聘焊工.mp4", "封面.jpg", "文案.txt"]
    assert archive.testzip() is None


def test_every_entry_is_stored_uncompressed_with_its_name_in_utf8(sender, probed_clip):
    for info in download(sender, probed_clip).infolist():
        assert info.compress_type == zipfile.ZIP_STORED
        assert info.flag_bits & 0x800  # the UTF-8 name flag: Chinese names unzip right on Windows and macOS


def test_the_mp4_is_the_rendered_clip_byte_for_byte(sender, probed_clip):
    assert entry(download(sender, probed_clip), ".mp4") == stored_bytes(probed_clip.source)


def test_the_cover_is_a_jpeg_that_decodes(sender, probed_clip):
    with Image.open(io.BytesIO(entry(download(sender, probed_clip), "封面.jpg"))) as cover:
        cover.load()
        assert cover.format == "JPEG" and cover.size == (probed_clip.width, probed_clip.height)


def test_a_cover_that_is_not_a_jpeg_is_converted(sender, probed_clip):
    png = io.BytesIO()
    Image.new("RGBA", (90, 160), (200, 30, 30, 128)).save(png, format="PNG")
    storage.store_stream(io.BytesIO(png.getvalue()), probed_clip.poster)
    with Image.open(io.BytesIO(entry(download(sender, probed_clip), "封面.jpg"))) as cover:
        cover.load()
        assert cover.format == "JPEG" and cover.size == (90, 160)


def test_a_clip_without_a_cover_gets_a_note_in_its_text_instead(sender, probed_clip):
    Video.objects.filter(pk=probed_clip.pk).update(poster="")
    archive = download(sender, probed_clip)
    assert archive.namelist() == ["新能源企业招聘焊工.mp4", "文案.txt"]
    assert "没有可用的封面图" in caption_lines(archive)[-2]


def test_the_text_is_utf8_with_a_bom_for_notepad(sender, probed_clip):
    text = entry(download(sender, probed_clip), ".txt")
    assert text.startswith(b"\xef\xbb\xbf") and text.decode("utf-8-sig")


def test_the_text_holds_the_title_the_description_a_blank_line_and_the_topics_normalised(sender, probed_clip):
    assert caption_lines(download(sender, probed_clip)) == [
        "新能源企业招聘焊工",
        "新能源企业现场招聘焊工二十名。",
        "月薪八千起，包食宿。",
        "",
        "#招聘 #直播荐岗 #春风行动",
        "",
    ]


def test_the_text_ends_with_the_clips_page_when_the_public_may_watch_it(sender, probed_clip):
    Video.objects.filter(pk=probed_clip.pk).update(is_public=True)
    assert caption_lines(download(sender, probed_clip))[-2] == f"http://testserver/videos/{probed_clip.pk}/"


def test_the_text_ends_with_the_article_that_shows_the_clip(sender, probed_clip, series, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        article = ArticlePageFactory(parent=series, body=[("video", {"video": probed_clip, "caption": ""})])
    assert caption_lines(download(sender, probed_clip))[-2] == article.get_full_url()


def test_a_hostile_title_gives_a_safe_name_inside_the_zip(sender, probed_clip):
    # No NUL here: PostgreSQL stores none (safe_name's own tests take one).
    Video.objects.filter(pk=probed_clip.pk).update(title="../../劳模/..\\风采\x07\x1b\u202e" + "很长" * 100 + "😀")
    (name, *_rest) = download(sender, probed_clip).namelist()
    stem = name.removesuffix(".mp4")
    assert name.endswith(".mp4") and stem.startswith("劳模")
    assert not {"/", "\\"} & set(name) and not CONTROL.search(name) and len(stem) <= 60


@pytest.mark.parametrize(
    "title",
    [
        "../../etc/passwd",
        "..",
        'a/b\\c:d*e?f"g<h>i|j',
        "控制\x00\x01\x1f\x7f字符",
        "从右到左\u202egpj.exe",
        "很长的标题" * 60,
        "😀👨\u200d👩\u200d👧 招聘会" * 30,
        "CON",
        "   \t\n  ",
    ],
)
def test_a_hostile_title_becomes_one_safe_file_name(title):
    name = safe_name(title, fallback="短视频")
    assert name and not {"/", "\\", ":", "*", "?", '"', "<", ">", "|"} & set(name)
    assert not any(unicodedata.category(c) in {"Cc", "Cs"} for c in name) and not CONTROL.search(name)
    assert not name.startswith((".", " ")) and not name.endswith((".", " ")) and name.upper() != "CON"
    assert len(name) <= 60 and len(name.encode("utf-8")) <= 180


def test_the_download_is_named_in_utf8_with_an_ascii_fallback(sender, probed_clip):
    disposition = sender.get(package_url(probed_clip))["Content-Disposition"]
    assert disposition.startswith(f'attachment; filename="channels-{probed_clip.pk}.zip"; ')
    assert "filename*=UTF-8''%E8%A7%86%E9%A2%91%E5%8F%B7" in disposition  # 视频号发布包-…
    assert disposition.isascii()


def test_the_response_streams_a_zip_that_no_one_caches_or_sniffs(sender, probed_clip):
    response = sender.get(package_url(probed_clip))
    assert isinstance(response, StreamingHttpResponse)
    assert response["Content-Type"] == "application/zip"
    assert response["X-Content-Type-Options"] == "nosniff"
    cache_control = {part.strip() for part in response["Cache-Control"].split(",")}
    assert {"private", "no-store"} <= cache_control  # Wagtail's admin adds never_cache's directives


def test_the_mp4_is_read_in_blocks_as_the_response_is_sent(sender, probed_clip, monkeypatch):
    events = []
    read_range = storage.read_range

    def recording(name, start, length, block_size):
        events.append(("asked", length))
        for block in read_range(name, start, length, block_size=block_size):
            events.append(("read", len(block)))
            yield block

    monkeypatch.setattr(channels_package, "BLOCK_BYTES", 16 * 1024)
    monkeypatch.setattr(storage, "read_range", recording)
    response = sender.get(package_url(probed_clip))
    assert events == []  # nothing read before the response is sent
    for part in response.streaming_content:
        events.append(("sent", len(part)))
    kinds = [kind for kind, _size in events]
    reads = [size for kind, size in events if kind == "read"]
    assert events[0] == ("asked", storage.size_of(probed_clip.source)) and len(reads) > 3 and max(reads) <= 16 * 1024
    assert kinds.index("sent") < len(kinds) - 1 - kinds[::-1].index("read")  # the first block left before the last came
    assert max(size for kind, size in events if kind == "sent") < 32 * 1024


# Who may download, and what.


def test_an_editor_without_add_distribution_is_refused_the_package(editor, probed_clip):
    response = editor.get(package_url(probed_clip))
    assert response.status_code == 302 and not isinstance(response, StreamingHttpResponse)


def test_anonymous_is_sent_to_login(client, probed_clip):
    response = client.get(package_url(probed_clip))
    assert response.status_code == 302 and response["Location"].startswith("/admin/login/")


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"review_status": Video.Review.PENDING}, "只有终审通过的短视频才能发布到平台。"),
        ({"status": Video.Status.TRANSCODING}, "短视频还没有生成完成，完成后才能发布。"),
        ({"source": ""}, "短视频还没有生成完成，完成后才能发布。"),
        ({"kind": Video.Kind.RECORDING}, "只有短视频才能生成视频号发布包。"),
        ({"source": "videos/0/clip/gone.mp4"}, "短视频的文件不见了"),
        ({"video_codec": "hevc"}, "视频编码为 hevc，视频号需要 H.264"),
        ({"width": 2160, "height": 3840}, "画面为 2160×3840，视频号最大 1080×1920"),
    ],
)
def test_a_clip_that_cannot_be_packaged_is_refused_with_its_reason(sender, probed_clip, change, reason):
    Video.objects.filter(pk=probed_clip.pk).update(**change)
    response = sender.get(package_url(probed_clip), {"next": f"/admin/clips/edit/{probed_clip.pk}/"})
    assert response.status_code == 302 and response["Location"] == f"/admin/clips/edit/{probed_clip.pk}/"
    assert reason in sender.get("/admin/distribution/").text


def test_a_refusal_goes_back_only_to_this_site(sender, probed_clip):
    Video.objects.filter(pk=probed_clip.pk).update(review_status=Video.Review.PENDING)
    response = sender.get(package_url(probed_clip), {"next": "https://evil.example/"})
    assert response["Location"] == "/admin/distribution/"


# 已人工发布.


def test_a_link_marks_the_row_published_with_its_share_url(sender, row):
    response = sender.post(manual_url(row), {"reference": f"  {LINK} ", "next": "/admin/distribution/"}, follow=True)
    assert "已记录“新能源企业招聘焊工”在视频号上的发布。" in response.text
    row.refresh_from_db()
    assert (row.status, row.share_url, row.item_id) == (Status.PUBLISHED, LINK, "")
    assert timezone.now() - row.published_at < timezone.timedelta(minutes=1)


def test_the_short_link_the_phone_copies_is_taken(sender, row):
    sender.post(manual_url(row), {"reference": "https://weixin.qq.com/sph/AbCd1234"})
    row.refresh_from_db()
    assert (row.status, row.share_url) == (Status.PUBLISHED, "https://weixin.qq.com/sph/AbCd1234")


def test_a_feed_id_marks_the_row_published_with_its_item_id(sender, row):
    sender.post(manual_url(row), {"reference": FEED_ID})
    row.refresh_from_db()
    assert (row.status, row.item_id, row.share_url) == (Status.PUBLISHED, FEED_ID, "")


def test_who_confirmed_is_recorded_beside_who_started_the_row(sender, row, make_staff):
    starter = make_staff("zhongshen", roles=["终审"])
    Distribution.objects.filter(pk=row.pk).update(created_by=starter)
    sender.post(manual_url(row), {"reference": FEED_ID})
    row.refresh_from_db()
    assert (row.confirmed_by.username, row.created_by) == ("shipin", starter)


@pytest.mark.parametrize(
    "reference",
    [
        "javascript:alert(1)",
        "http://evil.example/",
        "https://evil.example/sph/AbCd1234",
        "http://channels.weixin.qq.com/web/pages/feed?eid=1",
        "https://channels.weixin.qq.com.evil.example/web/pages/feed",
        "https://evil.example\\@channels.weixin.qq.com/x",
        "https://user@channels.weixin.qq.com/web/pages/feed",
        "https://channels.weixin.qq.com:8443/web/pages/feed",
        "https://channels.weixin.qq.com/",
        "data:text/html,<script>alert(1)</script>",
        "",
        "   ",
        "短",
        "<script>alert(1)</script>",
        "export/" + "A" * 493,
        "https://channels.weixin.qq.com/" + "a" * 470,
    ],
)
def test_junk_is_refused_and_nothing_changes(sender, row, reference):
    response = sender.post(manual_url(row), {"reference": reference}, follow=True)
    assert "视频号作品" in response.text
    row.refresh_from_db()
    assert (row.status, row.share_url, row.item_id, row.published_at) == (Status.MANUAL, "", "", None)


def test_a_feed_id_of_the_older_longer_form_is_kept_whole(sender, row):
    old_form = "export/UzFfAgtgekIEAQAAAAAAoBkAbiYHgwAAAAstQy6ubaLX4KHWvLEZgBPE9qcYbHQCVtmPzNPgMGEFXQ3uw661clw30KsgDxqKkg"
    sender.post(manual_url(row), {"reference": old_form})
    row.refresh_from_db()
    assert (row.status, row.item_id) == (Status.PUBLISHED, old_form)


def test_a_douyin_row_is_refused(sender, probed_clip):
    douyin = ChannelAccount.objects.create(channel=Channel.DOUYIN, name="淮安市总工会抖音号")
    douyin_row = Distribution.objects.create(video=probed_clip, account=douyin, status=Status.UNKNOWN)
    response = sender.post(manual_url(douyin_row), {"reference": LINK}, follow=True)
    assert "只有发布到视频号的分发需要人工确认发布。" in response.text
    douyin_row.refresh_from_db()
    assert (douyin_row.status, douyin_row.share_url) == (Status.UNKNOWN, "")


def test_a_row_already_published_is_refused(sender, row):
    Distribution.objects.filter(pk=row.pk).update(status=Status.PUBLISHED, item_id=FEED_ID)
    response = sender.post(manual_url(row), {"reference": LINK}, follow=True)
    assert "不是「待人工发布」" in response.text
    row.refresh_from_db()
    assert (row.item_id, row.share_url) == (FEED_ID, "")


def test_a_row_replaced_by_publishing_again_is_refused(sender, row):
    Distribution.objects.filter(pk=row.pk).update(active=False)
    sender.post(manual_url(row), {"reference": LINK})
    row.refresh_from_db()
    assert row.status == Status.MANUAL


def test_an_editor_without_change_distribution_is_refused(editor, row):
    assert editor.post(manual_url(row), {"reference": LINK}).status_code == 302
    row.refresh_from_db()
    assert row.status == Status.MANUAL


def test_confirming_by_get_is_refused(sender, row):
    assert sender.get(manual_url(row), {"reference": LINK}).status_code == 405
    row.refresh_from_db()
    assert row.status == Status.MANUAL


def test_without_the_csrf_token_nothing_changes(make_staff, row):
    client = Client(enforce_csrf_checks=True)
    client.force_login(make_staff("shipin", roles=["视频"]))
    assert client.post(manual_url(row), {"reference": LINK}).status_code == 403
    row.refresh_from_db()
    assert row.status == Status.MANUAL


def test_afterwards_it_goes_back_only_to_this_site(sender, row):
    response = sender.post(manual_url(row), {"reference": LINK, "next": "https://evil.example/"})
    assert response["Location"] == "/admin/distribution/"


# The row's include.


def rendered_row(row, user):
    request = RequestFactory().get("/admin/clips/edit/1/")
    request.user = user
    return render_to_string("distribution/admin/channels_package.html", {"row": row}, request=request)


def test_a_waiting_row_offers_the_package_and_the_confirmation(row, make_staff):
    html = rendered_row(row, make_staff("shipin", roles=["视频"]))
    assert f'href="/admin/distribution/package/{row.video_id}/?next=/admin/clips/edit/1/"' in html
    assert f'action="/admin/distribution/{row.pk}/manual/"' in html and "csrfmiddlewaretoken" in html
    assert "已人工发布" in html and 'name="reference"' in html and "复制链接" in html


def test_with_the_csrf_token_the_confirmation_is_accepted(make_staff, row):
    client = Client(enforce_csrf_checks=True)
    client.force_login(make_staff("shipin", roles=["视频"]))
    token = client.get(f"/admin/clips/edit/{row.video_id}/").cookies["csrftoken"].value
    response = client.post(manual_url(row), {"reference": FEED_ID, "csrfmiddlewaretoken": token})
    assert response.status_code == 302
    row.refresh_from_db()
    assert row.status == Status.PUBLISHED


def test_an_editor_sees_neither_button(row, make_staff):
    html = rendered_row(row, make_staff("bianji", roles=["编辑"], columns=["zhibo-jiangang"]))
    assert "下载视频号发布包" not in html and "已人工发布" not in html


def test_a_published_row_offers_nothing(row, make_staff):
    Distribution.objects.filter(pk=row.pk).update(status=Status.PUBLISHED)
    row.refresh_from_db()
    assert rendered_row(row, make_staff("shipin", roles=["视频"])).strip() == ""
