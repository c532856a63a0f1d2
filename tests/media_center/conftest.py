import subprocess
from pathlib import Path

import pytest


def generate_video(path, *, seconds=3, size="640x360", rate=25, audio=True, keyframe_every=1.0, rotate=None):
    """Test media made by ffmpeg itself (lavfi testsrc2 + sine): small, and never committed."""
    command = ["ffmpeg", "-hide_banner", "-loglevel", "error", "-y",
               "-f", "lavfi", "-i", f"testsrc2=size={size}:rate={rate}:duration={seconds}"]  # fmt: skip
    if audio:
        command += ["-f", "lavfi", "-i", f"sine=frequency=440:sample_rate=48000:duration={seconds}"]
    command += ["-c:v", "libx264", "-preset", "ultrafast", "-g", str(int(rate * keyframe_every)), "-pix_fmt", "yuv420p"]
    if audio:
        command += ["-c:a", "aac", "-shortest"]
    path = Path(path)
    plain = path.with_name(f"plain-{path.name}") if rotate else path
    subprocess.run([*command, str(plain)], check=True, timeout=120)
    if rotate:  # as a phone records it: upright pixels plus a display-rotation tag
        subprocess.run(["ffmpeg", "-loglevel", "error", "-y", "-i", str(plain), "-c", "copy",
                        "-metadata:s:v:0", f"rotate={rotate}", str(path)], check=True, timeout=60)  # fmt: skip
    return path


@pytest.fixture(scope="session")
def media_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("media")


@pytest.fixture(scope="session")
def small_video(media_dir):
    return generate_video(media_dir / "small.mp4", seconds=3)


@pytest.fixture(autouse=True)
def private_video_root(settings, tmp_path):
    """Every test gets its own video storage and work folder."""
    from django.core.files.storage import storages

    settings.STORAGES = {
        **settings.STORAGES,
        "videos": {**settings.STORAGES["videos"], "OPTIONS": {**settings.STORAGES["videos"]["OPTIONS"], "location": tmp_path / "private"}},
    }
    settings.VIDEO_WORK_DIR = tmp_path / "work"
    storages._storages = {}
    yield
    storages._storages = {}


@pytest.fixture
def ready_video(small_video, django_capture_on_commit_callbacks, db):
    from media_center.ingest import ingest_file

    with django_capture_on_commit_callbacks(execute=True):
        video = ingest_file(small_video, title="招聘会回放")
    video.refresh_from_db()
    assert video.status == "ready", video.failure_reason
    return video


@pytest.fixture(scope="session")
def s3_endpoint(tmp_path_factory):
    from tests.seaweedfs import seaweedfs

    with seaweedfs(tmp_path_factory.mktemp("seaweedfs")) as endpoint:
        yield endpoint


@pytest.fixture
def s3_video_storage(s3_endpoint, settings, request):
    """Point the `videos` storage at a fresh bucket on the SeaweedFS server."""
    from django.core.files.storage import storages

    from tests import seaweedfs

    bucket = f"videos-{request.node.name[:30].replace('_', '-').lower()}"
    seaweedfs.client(s3_endpoint).create_bucket(Bucket=bucket)
    settings.STORAGES = {
        **settings.STORAGES,
        "videos": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": bucket, "endpoint_url": s3_endpoint, "region_name": "us-east-1",
                "access_key": seaweedfs.ACCESS_KEY, "secret_key": seaweedfs.SECRET_KEY,
                "addressing_style": "path", "signature_version": "s3v4", "default_acl": None,
                "querystring_auth": True, "file_overwrite": True,
            },
        },
    }  # fmt: skip
    storages._storages = {}
    return seaweedfs.client(s3_endpoint), bucket
