from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from tests.factories import UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.once]  # rendering and signing: the database engine changes nothing here


def uris(playlist_text):
    return [line for line in playlist_text.splitlines() if line and not line.startswith("#")]


def test_public_video_plays_end_to_end_through_signed_urls(client, ready_video):
    ready_video.is_public = True
    ready_video.save()

    master = client.get(f"/videos/{ready_video.pk}/master.m3u8")
    assert master.status_code == 200 and master["Content-Type"] == "application/vnd.apple.mpegurl"
    variant_url = uris(master.content.decode())[0]
    assert "token=" in variant_url

    variant = client.get(variant_url)
    assert variant.status_code == 200
    segment_url = uris(variant.content.decode())[0]
    segment = client.get(segment_url)
    assert segment.status_code == 200 and segment["Content-Type"] == "video/mp2t"
    assert b"".join(segment.streaming_content)[:1] == b"G"  # MPEG-TS sync byte


def test_audio_rendition_uri_in_the_master_is_signed_too(client, ready_video):
    ready_video.is_public = True
    ready_video.save()
    master = client.get(f"/videos/{ready_video.pk}/master.m3u8").content.decode()
    audio_line = next(line for line in master.splitlines() if line.startswith("#EXT-X-MEDIA"))
    assert "/playlist/hls/audio/audio.m3u8?token=" in audio_line


def test_unpublished_video_is_not_publicly_reachable(client, ready_video):
    assert client.get(f"/videos/{ready_video.pk}/master.m3u8").status_code == 404
    assert client.get(f"/videos/{ready_video.pk}/mp4/360p.mp4").status_code == 404
    assert client.get(f"/videos/{ready_video.pk}/file/mp4/360p.mp4").status_code == 404


@pytest.mark.parametrize("path", ["", "master.m3u8", "mp4/360p.mp4", "poster.jpg", "chapters.vtt", "file/mp4/360p.mp4?token=x"])
def test_a_private_video_answers_exactly_as_a_missing_one(client, ready_video, path):
    private = client.get(f"/videos/{ready_video.pk}/{path}")
    missing = client.get(f"/videos/{ready_video.pk + 1000}/{path}")
    assert (private.status_code, private.content) == (missing.status_code, missing.content) == (404, missing.content)


def test_staff_can_watch_an_unpublished_video(client, ready_video, make_staff):
    client.force_login(make_staff("shipin", roles=["视频"]))
    assert client.get(f"/videos/{ready_video.pk}/master.m3u8").status_code == 200


def test_logged_in_member_of_the_public_cannot(client, ready_video):
    client.force_login(UserFactory(username="reader"))
    assert client.get(f"/videos/{ready_video.pk}/master.m3u8").status_code == 404


def test_a_signature_for_one_file_does_not_open_another(client, ready_video):
    ready_video.is_public = True
    ready_video.save()
    mp4_url = client.get(f"/videos/{ready_video.pk}/mp4/360p.mp4").url
    token = mp4_url.split("token=")[1]
    assert client.get(f"/videos/{ready_video.pk}/file/thumbs/poster.jpg?token={token}").status_code == 404


def test_signed_urls_expire(client, ready_video):
    ready_video.is_public = True
    ready_video.save()
    mp4_url = client.get(f"/videos/{ready_video.pk}/mp4/360p.mp4").url
    with time_machine.travel(timezone.now() + timedelta(hours=7)):
        assert client.get(mp4_url).status_code == 404


def test_a_long_videos_urls_outlive_it_by_the_margin(client, ready_video, settings):
    settings.VIDEO_SIGNED_URL_SECONDS, settings.VIDEO_SIGNED_URL_MARGIN_SECONDS = 6 * 3600, 2 * 3600
    ready_video.is_public, ready_video.duration = True, 9 * 3600.0  # a whole day's job fair
    ready_video.save()
    mp4_url = client.get(f"/videos/{ready_video.pk}/mp4/360p.mp4").url
    with time_machine.travel(timezone.now() + timedelta(hours=10, minutes=50)):
        assert client.get(mp4_url).status_code == 200
    with time_machine.travel(timezone.now() + timedelta(hours=11, minutes=10)):
        assert client.get(mp4_url).status_code == 404


def test_presigned_s3_urls_last_as_long_as_the_video_needs(ready_video, settings):
    from urllib.parse import parse_qs, urlsplit

    from media_center import playback

    settings.VIDEO_SIGNED_URL_SECONDS, settings.VIDEO_SIGNED_URL_MARGIN_SECONDS = 6 * 3600, 2 * 3600
    ready_video.duration = 9 * 3600.0
    settings.STORAGES = {
        **settings.STORAGES,
        "videos": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {"bucket_name": "videos", "endpoint_url": "http://127.0.0.1:9", "access_key": "k",
                        "secret_key": "s", "signature_version": "s3v4", "querystring_expire": 6 * 3600},
        },
    }  # fmt: skip
    url = playback.file_url(ready_video, f"{ready_video.prefix}/thumbs/poster.jpg")
    assert parse_qs(urlsplit(url).query)["X-Amz-Expires"] == [str(11 * 3600)]


def test_behind_nginx_a_signed_file_is_handed_to_nginx_once_its_signature_is_checked(client, ready_video, settings):
    settings.VIDEO_ACCEL_REDIRECT_PREFIX = "/_video-files/"
    ready_video.is_public = True
    ready_video.save()
    mp4_url = client.get(f"/videos/{ready_video.pk}/mp4/360p.mp4").url
    response = client.get(mp4_url)
    assert response["X-Accel-Redirect"] == f"/_video-files/{ready_video.prefix}/mp4/360p.mp4"
    assert response.content == b"" and response["Content-Type"] == "video/mp4"
    forged = client.get(mp4_url.replace("token=", "token=x"))
    assert forged.status_code == 404 and "X-Accel-Redirect" not in forged


def test_mp4_answers_range_requests(client, ready_video):
    ready_video.is_public = True
    ready_video.save()
    mp4_url = client.get(f"/videos/{ready_video.pk}/mp4/360p.mp4").url
    whole = b"".join(client.get(mp4_url).streaming_content)

    partial = client.get(mp4_url, headers={"Range": "bytes=100-199"})

    assert partial.status_code == 206
    assert partial["Content-Range"] == f"bytes 100-199/{len(whole)}"
    assert b"".join(partial.streaming_content) == whole[100:200]
    assert client.get(mp4_url, headers={"Range": f"bytes={len(whole) + 5}-"}).status_code == 416


def test_paths_outside_the_videos_folders_are_refused(client, ready_video):
    assert client.get(f"/videos/{ready_video.pk}/file/source/source.mp4?token=x").status_code == 404
    assert client.get(f"/videos/{ready_video.pk}/file/hls/../../../etc/passwd?token=x").status_code == 404
