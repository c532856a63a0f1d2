"""The clip screens of the admin: the batch editor, the 短视频 list and form, 通过/退回, the band preview."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from media_center.ffmpeg.thumbnails import storyboard_vtt
from media_center.models import ClipReview, Video, VideoJob
from media_center.storage import store_text, video_storage
from tests.media_center.factories import ClipFactory, VideoFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("tasks_held")]


@pytest.fixture
def recording(db):
    return VideoFactory(ready=True, duration=7200.0)


@pytest.fixture
def video_staff(client, make_staff):
    client.force_login(make_staff("shipin", roles=["视频"]))
    return client


def batch(rows, **shared):
    data = {"clips-TOTAL_FORMS": str(len(rows)), "clips-INITIAL_FORMS": "0", **shared}
    for index, (start, end, title) in enumerate(rows):
        data.update({f"clips-{index}-start_at": start, f"clips-{index}-end_at": end, f"clips-{index}-title": title})
    return data


def test_several_clips_of_one_video_are_made_in_one_form(video_staff, recording):
    rows = [("1:02:03", "1:03:00", "新能源企业招聘焊工"), ("10:00.5", "10:30", "物流公司招聘司机 C1")]

    response = video_staff.post(f"/admin/videos/{recording.pk}/clip/", batch(rows, topics="#春风行动"))

    assert response.status_code == 302
    made = Video.objects.filter(kind=Video.Kind.CLIP).order_by("clip_start")
    assert [(clip.clip_start, clip.clip_end, clip.title) for clip in made] == [
        (600.5, 630.0, "物流公司招聘司机 C1"),
        (3723.0, 3780.0, "新能源企业招聘焊工"),
    ]
    assert {clip.topics for clip in made} == {"#春风行动"}
    assert VideoJob.objects.filter(kind=VideoJob.Kind.CLIP).count() == 2


def test_one_bad_row_makes_no_clip_and_keeps_what_was_typed(video_staff, recording):
    rows = [("0:10", "0:40", "第一条没问题"), ("0:10", "20:00", "第二条太长")]

    response = video_staff.post(f"/admin/videos/{recording.pk}/clip/", batch(rows))

    assert response.status_code == 200
    page = response.content.decode()
    assert "第 2 条" in page and "15 分钟" in page
    assert "第一条没问题" in page and "第二条太长" in page
    assert not Video.objects.filter(kind=Video.Kind.CLIP).exists()


def test_a_time_typed_wrong_is_named_in_its_row(video_staff, recording):
    response = video_staff.post(f"/admin/videos/{recording.pk}/clip/", batch([("1:75", "2:00", "时间写错")]))

    assert response.status_code == 200
    assert "分和秒都应小于 60" in response.content.decode()


def test_a_broken_subtitle_file_is_refused_with_its_line_number(video_staff, recording):
    broken = "1\n00:00:01,000 --> 00:00:03,000\n第一句\n\n2\n00:00:0X,000 --> 00:00:05,000\n第二句\n".encode("gb18030")
    data = batch([("0:10", "0:40", "带字幕")], subtitle_file=SimpleUploadedFile("zimu.srt", broken))

    response = video_staff.post(f"/admin/videos/{recording.pk}/clip/", data)

    assert response.status_code == 200
    assert "第 6 行" in response.content.decode() or "第6行" in response.content.decode()
    assert not Video.objects.filter(kind=Video.Kind.CLIP).exists()


def test_a_gb18030_subtitle_file_is_kept_with_each_clip(video_staff, recording):
    srt = "1\n00:00:12,000 --> 00:00:15,000\n欢迎来到春风行动招聘会\n".encode("gb18030")
    data = batch([("0:10", "0:40", "带字幕")], subtitle_file=SimpleUploadedFile("zimu.srt", srt))

    video_staff.post(f"/admin/videos/{recording.pk}/clip/", data)

    clip = Video.objects.get(kind=Video.Kind.CLIP)
    assert "欢迎来到春风行动招聘会" in clip.subtitles and clip.subtitles.startswith("WEBVTT")


def test_people_without_the_video_role_cannot_open_the_editor(client, make_staff, recording):
    client.force_login(make_staff("bianji", roles=["编辑"]))

    assert client.get(f"/admin/videos/{recording.pk}/clip/").url == "/admin/"
    assert client.post(f"/admin/videos/{recording.pk}/clip/", batch([("0:10", "0:40", "越权")])).url == "/admin/"
    assert not Video.objects.filter(kind=Video.Kind.CLIP).exists()


def test_the_editor_shows_the_player_and_its_marking_buttons(video_staff, recording):
    page = video_staff.get(f"/admin/videos/{recording.pk}/clip/").content.decode()

    assert "设为起点" in page and "设为终点" in page and "+1 帧" in page
    assert f'data-hls="/videos/{recording.pk}/master.m3u8"' in page


def with_storyboard(recording, colour=(200, 30, 30)):
    sprite = Image.new("RGB", (1600, 900), colour)
    buffer = io.BytesIO()
    sprite.save(buffer, "JPEG")
    video_storage().save(f"{recording.prefix}/thumbs/storyboard_001.jpg", io.BytesIO(buffer.getvalue()))
    recording.storyboard = store_text(storyboard_vtt(20, 1, 90, 20.0), f"{recording.prefix}/thumbs/storyboard.vtt")
    recording.save()
    return recording


def preview(client, recording, **query):
    response = client.get(f"/admin/videos/{recording.pk}/clip/preview.png", query)
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    return Image.open(io.BytesIO(response.content)).convert("RGB")


def test_the_band_preview_is_drawn_over_the_nearest_storyboard_frame(video_staff, recording):
    image = preview(video_staff, with_storyboard(recording), at="3.2", title="新能源企业招聘焊工")

    assert image.size == (270, 480)
    top, middle = image.crop((0, 0, 270, 150)), image.crop((0, 200, 270, 280))
    assert top.getextrema() != middle.getextrema()  # the band differs from the picture under it
    red, green, _blue = middle.resize((1, 1)).getpixel((0, 0))
    assert red > 2 * green  # the storyboard frame shows through in the middle


def test_the_band_preview_shows_the_chosen_logo_and_ignores_a_bad_logo_id(video_staff, recording, cover_image):
    with_storyboard(recording)

    plain = preview(video_staff, recording, at="1", title="标题")
    with_logo = preview(video_staff, recording, at="1", title="标题", logo=str(cover_image.pk))
    ignored = preview(video_staff, recording, at="1", title="标题", logo="1; DROP")

    assert with_logo.tobytes() != plain.tobytes()
    assert ignored.tobytes() == plain.tobytes()


def test_final_review_watches_and_approves_on_the_review_page_and_the_comment_is_recorded(client, make_staff):
    client.force_login(make_staff("zhongshen", roles=["终审"]))
    clip = ClipFactory(ready=True)
    url = reverse("media_center_clips:review", args=(clip.pk,))

    page = client.get(url).content.decode()
    response = client.post(url, {"decision": "approve", "comment": "同意发布"})

    assert 'value="approve"' in page and f'data-video-id="{clip.pk}"' in page
    assert response.status_code == 302
    clip.refresh_from_db()
    assert clip.review_status == Video.Review.APPROVED
    assert clip.reviews.get().comment == "同意发布"
    assert "同意发布" in client.get(url).content.decode()


def test_clips_waiting_for_review_are_on_the_final_reviewers_dashboard(client, make_staff):
    reviewer = make_staff("zhongshen", roles=["终审"])
    ClipFactory(ready=True, title="等待审核的焊工岗位")
    ClipFactory(ready=True, title="自己剪的不算", uploaded_by=reviewer)
    ClipFactory(ready=True, approved=True, title="已经通过的不算")
    client.force_login(reviewer)

    dashboard = client.get("/admin/").content.decode()

    assert "待审短视频" in dashboard and "等待审核的焊工岗位" in dashboard
    assert "自己剪的不算" not in dashboard and "已经通过的不算" not in dashboard


def test_video_staff_see_the_review_page_without_its_buttons_and_cannot_decide(video_staff):
    clip = ClipFactory(ready=True)
    url = reverse("media_center_clips:review", args=(clip.pk,))

    page = video_staff.get(url).content.decode()
    refused = video_staff.post(url, {"decision": "approve"})

    assert 'value="approve"' not in page
    assert refused.status_code == 302
    clip.refresh_from_db()
    assert clip.review_status == Video.Review.PENDING


def test_editing_an_approved_clip_sends_it_back_to_pending(video_staff):
    clip = ClipFactory(ready=True, approved=True, clip_of=VideoFactory(ready=True, duration=600.0))
    form = {
        "title": "新标题",
        "start_at": "0:10",
        "end_at": "0:45",
        "cover_time": "",
        "description": "",
        "topics": "",
        "section": "",
        "logo": "",
    }

    response = video_staff.post(reverse("media_center_clips:edit", args=(clip.pk,)), form)

    assert response.status_code == 302, response.content.decode()[:2000]
    clip.refresh_from_db()
    assert (clip.title, clip.clip_end, clip.review_status) == ("新标题", 45.0, Video.Review.PENDING)
    assert clip.reviews.get().action == ClipReview.Action.CHANGED
    assert clip.jobs.get().kind == VideoJob.Kind.CLIP


def test_the_clip_list_shows_clips_and_the_video_list_does_not(video_staff):
    recording = VideoFactory(ready=True, title="整场招聘会回放")
    ClipFactory(ready=True, title="焊工岗位短视频", clip_of=recording)

    clip_list = video_staff.get("/admin/clips/").content.decode()
    video_list = video_staff.get("/admin/videos/").content.decode()

    assert "焊工岗位短视频" in clip_list and "待审" in clip_list
    assert "焊工岗位短视频" not in video_list and "整场招聘会回放" in video_list
