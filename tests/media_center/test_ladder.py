"""The ladder's rate control and what the playlists say about it."""

import json
import re
import subprocess

import pytest

from media_center import storage
from media_center.ffmpeg import playlists
from media_center.ffmpeg.ladder import GOP_SECONDS, LADDER, ladder_command, rungs_for
from media_center.ffmpeg.runner import run
from media_center.models import VideoJob
from tests.media import generate_video
from tests.media_center.factories import VideoFactory
from tests.media_center.test_pipeline import process

pytestmark = pytest.mark.once  # ffmpeg and storage: the database engine changes nothing here


def frames(path):
    """(seconds, bytes, is_key) of each video frame, in presentation order."""
    output = subprocess.run(
        ["ffprobe", "-v", "error", "-select_streams", "v:0", "-show_entries", "packet=pts_time,size,flags",
         "-of", "json", str(path)],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    packets = [(float(p["pts_time"]), int(p["size"]), "K" in p["flags"]) for p in json.loads(output)["packets"]]
    return sorted(packets)


def test_peak_bitrate_ignores_a_chunks_short_last_segment():
    segments = [playlists.Segment("a.ts", 4.0, 500_000), playlists.Segment("b.ts", 0.2, 100_000)]
    # 1.0 Mb/s over a, 1.14 Mb/s over a+b; b alone (4 Mb/s) is shorter than half the 4 s target
    assert playlists.peak_bitrate(segments) == round(600_000 * 8 / 4.2)


def test_master_playlist_states_the_average_bandwidth():
    variant = playlists.Variant("720p/index.m3u8", 1280, 720, bandwidth=2_000_000, average_bandwidth=900_000, frame_rate=30)
    assert "BANDWIDTH=2000000,AVERAGE-BANDWIDTH=900000," in playlists.master_playlist([variant])


@pytest.mark.django_db
def test_every_rung_has_its_keyframes_on_the_same_2_s_grid_across_chunks(media_dir, settings, django_capture_on_commit_callbacks):
    settings.VIDEO_CHUNK_SECONDS = settings.VIDEO_FIRST_CHUNK_SECONDS = 4
    source = generate_video(media_dir / "eight-seconds-480p.mp4", seconds=8, size="854x480", keyframe_every=2.0)

    video = process(source, django_capture_on_commit_callbacks)

    assert video.jobs.filter(kind=VideoJob.Kind.CHUNK).count() == 2
    grids = {}
    for rendition in video.renditions.all():
        times = [at for at, _, key in frames(storage.local_path_of(rendition.mp4)) if key]
        grids[rendition.name] = [round(at - times[0], 2) for at in times]
    assert grids == {"480p": [0, 2, 4, 6], "360p": [0, 2, 4, 6]}


@pytest.mark.django_db
def test_master_playlist_bandwidth_is_at_least_the_measured_peak_of_its_segments(
    media_dir, settings, django_capture_on_commit_callbacks
):
    settings.VIDEO_CHUNK_SECONDS = settings.VIDEO_FIRST_CHUNK_SECONDS = 4
    source = generate_video(media_dir / "twelve-seconds.mp4", seconds=12, size="640x360")

    video = process(source, django_capture_on_commit_callbacks)

    master = storage.read_text(video.master_playlist)
    stated = int(re.search(r"BANDWIDTH=(\d+)", master).group(1))
    sound = playlists.read_segments(storage.read_text(f"{video.prefix}/hls/audio/audio.m3u8"))
    rung = playlists.read_segments(storage.read_text(f"{video.prefix}/hls/360p/index.m3u8"))

    def rate(prefix, segment):
        return storage.size_of(f"{video.prefix}/hls/{prefix}/{segment.uri}") * 8 / segment.duration

    peak = max(rate("360p", s) for s in rung if s.duration >= 2) + max(rate("audio", s) for s in sound if s.duration >= 2)
    assert peak <= stated < 1.5 * peak


@pytest.mark.django_db
def test_chunks_encoded_before_sizes_were_kept_keep_their_stated_rate():
    video = VideoFactory(ready=True)
    VideoJob.objects.create(
        video=video, kind=VideoJob.Kind.CHUNK, index=0, end=4.0, status=VideoJob.Status.DONE,
        segments={"720p": [["c00000_00000.ts", 4.0]], "360p": [["c00000_00000.ts", 4.0]]},
    )  # fmt: skip
    VideoJob.objects.create(video=video, kind=VideoJob.Kind.AUDIO, end=4.0, status=VideoJob.Status.DONE)

    from media_center.steps import write_playlists

    write_playlists(video, finished=True)

    master = storage.read_text(video.master_playlist)
    assert "BANDWIDTH=3124000," in master and "BANDWIDTH=984000," in master and "AVERAGE-BANDWIDTH" not in master


def test_a_busy_picture_stays_within_its_cap_by_no_more_than_the_buffer(tmp_path):
    source = tmp_path / "noise.mkv"
    subprocess.run(
        ["ffmpeg", "-hide_banner", "-loglevel", "error", "-f", "lavfi",
         "-i", "testsrc2=size=640x360:rate=30:duration=8,noise=alls=40:allf=t+u",
         "-c:v", "libx264", "-preset", "ultrafast", "-qp", "10", str(source)],
        check=True,
    )  # fmt: skip
    rung = LADDER[-1]
    (tmp_path / rung.name).mkdir()
    run(ladder_command(source, tmp_path, [rung], width=640, height=360, frame_rate=30, segment_prefix="c"), timeout=120)
    stitched = tmp_path / "rung.ts"
    stitched.write_bytes(b"".join(p.read_bytes() for p in sorted((tmp_path / rung.name).glob("c_*.ts"))))
    packets = frames(stitched)

    cap, buffer = rung.max_kbps * 1000, rung.buffer_kbits * 1000
    assert sum(size for _, size, _ in packets) * 8 / 8.0 > 0.8 * cap  # the cap, not the CRF, decided
    for start in range(len(packets)):
        for seconds in (GOP_SECONDS, 2 * GOP_SECONDS):
            window = [size for at, size, _ in packets[start:] if at < packets[start][0] + seconds]
            assert sum(window) * 8 <= cap * seconds + buffer


def x264_settings(playlist):
    """The settings x264 wrote into the stream it encoded (its SEI "options: ..." text)."""
    stream = subprocess.run(
        ["ffmpeg", "-hide_banner", "-loglevel", "error", "-i", str(playlist), "-map", "0:v", "-c", "copy", "-f", "h264", "-"],
        capture_output=True, check=True,
    ).stdout  # fmt: skip
    return dict(re.findall(rb"(\w+)=([\w:.,-]+)", stream[stream.index(b"options: ") :].split(b"\x00")[0]))


def test_each_rung_is_encoded_with_its_own_x264_settings(tmp_path):
    source = generate_video(tmp_path / "source.mp4", seconds=2, size="640x360", audio=False)
    plain, more_references = (next(rung for rung in LADDER if rung.name == name) for name in ("480p", "360p"))
    for rung in (plain, more_references):
        (tmp_path / rung.name).mkdir()
    command = ladder_command(source, tmp_path, [plain, more_references], width=640, height=360, frame_rate=25, segment_prefix="c")
    run(command, timeout=120)

    asked = dict(setting.replace("-", "_").encode().split(b"=") for setting in more_references.x264_params.split(":"))
    assert asked and {key: x264_settings(tmp_path / "360p" / "c.m3u8")[key] for key in asked} == asked
    assert x264_settings(tmp_path / "480p" / "c.m3u8")[b"ref"] == b"1"  # veryfast's own


def test_a_source_below_the_smallest_rung_is_encoded_like_the_smallest_rung():
    (rung,) = rungs_for(320, 240)
    assert (rung.name, rung.short_side) == ("240p", 240)
    assert (rung.crf, rung.max_kbps, rung.x264_params) == (LADDER[-1].crf, LADDER[-1].max_kbps, LADDER[-1].x264_params)
