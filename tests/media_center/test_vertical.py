"""Vertical clips rendered by ffmpeg from generated sources: format, timing, sound sync, what is burned in."""

import io
import json
import subprocess
from array import array

import pytest
from PIL import Image, ImageChops, ImageStat

from media_center.ffmpeg import vertical
from media_center.ffmpeg.clip_layout import SUBTITLE_BOX, TITLE_BOX, picture_box, square_crop_box
from media_center.ffmpeg.safety import untrusted_input_options
from media_center.ffmpeg.subtitles import cut_to_span, read_subtitles, write_ass
from media_center.ffmpeg.title_band import write_band
from media_center.ffmpeg.vertical import ClipRefusal, ClipSource, check_span, measure_loudness, render_clip, write_covers
from tests.media import generate_video

pytestmark = pytest.mark.once

FONT_PATH = "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"
RATE = 30
FLASHES = (5.0, 8.0)  # seconds into the source: one white frame and a 1 kHz beep, together
START, END = 3.5, 8.5  # mid-GOP (keyframes every 2 s): the seek must be accurate, not keyframe-aligned
SRT = "1\n00:00:04,000 --> 00:00:06,000\n招聘会现场：薪资6000-8000元\n"


def generate_flashing_source(path):
    frames = "+".join(f"eq(n,{round(at * RATE)})" for at in FLASHES)
    beeps = "+".join(f"between(t,{at},{at + 1 / RATE:.4f})" for at in FLASHES)
    subprocess.run(
        [
            "ffmpeg", "-hide_banner", "-loglevel", "error", "-y",
            "-f", "lavfi", "-i", f"testsrc2=size=1280x720:rate={RATE}:duration=10,"
            f"drawbox=x=0:y=0:w=iw:h=ih:color=white:t=fill:enable='{frames}'",
            "-f", "lavfi", "-i", f"aevalsrc='0.05*sin(2*PI*220*t)+0.8*sin(2*PI*1000*t)*({beeps})':s=48000:d=10",
            "-c:v", "libx264", "-preset", "ultrafast", "-g", str(2 * RATE), "-pix_fmt", "yuv420p",
            "-c:a", "aac", "-b:a", "128k", "-shortest", str(path),
        ],
        check=True,
        timeout=60,
    )  # fmt: skip
    return path


@pytest.fixture(scope="module")
def work(tmp_path_factory):
    return tmp_path_factory.mktemp("vertical")


@pytest.fixture(scope="module")
def source(work):
    return generate_flashing_source(work / "source.mp4")


@pytest.fixture(scope="module")
def clip(work, source):
    """One clip rendered the way the worker does it: title band, GB18030 subtitles, loudness."""
    band = write_band("工会融媒体中心招聘会现场：某某科技有限公司招聘前端工程师", work / "band.png", font_path=FONT_PATH)
    cues = cut_to_span(read_subtitles(SRT.encode("gb18030")), START, END)
    ass = write_ass(cues, work / "clip.ass", font_path=FONT_PATH)
    progress = []
    output = render_clip(
        ClipSource(str(source), 1280, 720, RATE, True),
        work / "clip.mp4",
        start=START,
        end=END,
        band_png=band,
        ass_path=ass,
        timeout=300,
        on_progress=progress.append,
    )
    return output


def ffprobe(path):
    result = subprocess.run(
        ["ffprobe", "-v", "error", "-print_format", "json", "-show_format", "-show_streams", str(path)],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    return json.loads(result.stdout)


def frame(path, index):
    """Frame `index` (counted from 0) of a video, as RGB."""
    result = subprocess.run(
        ["ffmpeg", "-v", "error", "-i", str(path), "-vf", f"select=eq(n\\,{index})", "-frames:v", "1",
         "-f", "image2pipe", "-c:v", "png", "-"],
        capture_output=True, check=True,
    )  # fmt: skip
    return Image.open(io.BytesIO(result.stdout)).convert("RGB")


def picture_brightness(path, box):
    """Mean brightness of the picture area in every frame (decoded small, grey)."""
    width, height = 108, 192
    result = subprocess.run(
        ["ffmpeg", "-v", "error", "-i", str(path), "-vf", f"scale={width}:{height},format=gray", "-f", "rawvideo", "-"],
        capture_output=True, check=True,
    )  # fmt: skip
    size = width * height
    top, bottom = box.y // 10 + 2, box.bottom // 10 - 2
    frames = [result.stdout[offset : offset + size] for offset in range(0, len(result.stdout), size)]
    return [sum(data[top * width : bottom * width]) / ((bottom - top) * width) for data in frames]


def beep_onsets(path):
    """Times where the sound jumps above half its peak after being below it."""
    raw = subprocess.run(
        ["ffmpeg", "-v", "error", "-i", str(path), "-ac", "1", "-ar", "48000", "-f", "s16le", "-"],
        capture_output=True, check=True,
    ).stdout  # fmt: skip
    samples = array("h", raw)
    threshold = max(abs(sample) for sample in samples) // 2
    onsets, last = [], -1.0
    for index, sample in enumerate(samples):
        if abs(sample) > threshold and index / 48000 - last > 0.5:
            onsets.append(index / 48000)
        if abs(sample) > threshold:
            last = index / 48000
    return onsets


def bright_pixels(image, box):
    return sum(image.crop((box.x, box.y, box.right, box.bottom)).convert("L").histogram()[235:])


def test_the_clip_is_a_1080x1920_h264_high_aac_48khz_faststart_mp4(clip):
    report = ffprobe(clip)
    video = next(stream for stream in report["streams"] if stream["codec_type"] == "video")
    audio = next(stream for stream in report["streams"] if stream["codec_type"] == "audio")
    assert (video["codec_name"], video["profile"], video["pix_fmt"]) == ("h264", "High", "yuv420p")
    assert (video["width"], video["height"], video["r_frame_rate"]) == (1080, 1920, "30/1")
    assert (audio["codec_name"], audio["sample_rate"], audio["channels"]) == ("aac", "48000", 2)
    head = clip.read_bytes()[:200_000]
    assert 0 <= head.find(b"moov") < head.find(b"mdat"), "faststart: the index comes first"


def test_the_clip_lasts_its_span_to_a_frame(clip):
    report = ffprobe(clip)
    assert float(report["format"]["duration"]) == pytest.approx(END - START, abs=1 / RATE)
    video = next(stream for stream in report["streams"] if stream["codec_type"] == "video")
    assert int(video["nb_frames"]) == pytest.approx((END - START) * RATE, abs=1)


def test_the_clip_starts_at_the_in_point_to_a_frame(clip):
    brightness = picture_brightness(clip, picture_box(1280, 720))
    flashes = [index for index, value in enumerate(brightness) if value > 200]
    expected = [round((at - START) * RATE) for at in FLASHES]
    assert len(flashes) == len(expected)
    assert all(abs(found - wanted) <= 1 for found, wanted in zip(flashes, expected)), (flashes, expected)


def test_the_sound_stays_in_sync_with_the_picture(clip):
    brightness = picture_brightness(clip, picture_box(1280, 720))
    flashes = [index / RATE for index, value in enumerate(brightness) if value > 200]
    beeps = beep_onsets(clip)
    assert len(beeps) == len(flashes) == len(FLASHES)
    assert all(abs(beep - flash) <= 0.040 for beep, flash in zip(beeps, flashes)), (beeps, flashes)


def test_the_picture_area_shows_the_source_and_the_band_shows_the_title(clip, source):
    index = 30  # 1 s into the clip: 4.5 s into the source
    rendered = frame(clip, index)
    box = picture_box(1280, 720)
    original = frame(source, round(START * RATE) + index).resize((box.width, box.height), Image.Resampling.BICUBIC)
    difference = ImageStat.Stat(ImageChops.difference(rendered.crop((box.x, box.y, box.right, box.bottom)), original))
    assert max(difference.mean) < 8, difference.mean
    assert bright_pixels(rendered, TITLE_BOX) > 3000, "white title text on the band"
    band = rendered.crop((TITLE_BOX.right, TITLE_BOX.y, 1080, TITLE_BOX.bottom))
    below = rendered.crop((TITLE_BOX.right, box.y - 100, 1080, box.y))
    assert ImageStat.Stat(band.convert("L")).mean[0] < ImageStat.Stat(below.convert("L")).mean[0], "the band darkens"


def test_gb18030_subtitles_are_burned_in_while_their_cue_lasts(clip):
    during, after = frame(clip, 30), frame(clip, 120)  # the cue is 0.5–2.5 s into the clip
    assert bright_pixels(during, SUBTITLE_BOX) > 1500
    assert bright_pixels(after, SUBTITLE_BOX) < 50


def test_covers_are_a_full_frame_and_a_square_with_the_band(work, clip):
    picture = picture_box(1280, 720)
    cover, square = write_covers(clip, 1.0, work / "cover.jpg", work / "square.jpg", picture=picture)
    with Image.open(cover) as full, Image.open(square) as small:
        assert (full.format, full.size) == ("JPEG", (1080, 1920))
        assert (small.format, small.size) == ("JPEG", (1080, 1080))
        top = square_crop_box(picture).y
        title = TITLE_BOX.__class__(TITLE_BOX.x, TITLE_BOX.y - top, TITLE_BOX.width, TITLE_BOX.height)
        assert bright_pixels(small, title) > 3000
        assert list(work.glob("*.png")) == [work / "band.png"], "the extracted frame is removed"


def test_loudness_is_measured_on_the_span(source):
    measured = measure_loudness(ClipSource(str(source), 1280, 720, RATE, True), START, END, timeout=60)
    assert set(measured) == {"input_i", "input_tp", "input_lra", "input_thresh", "target_offset"}
    assert -40 < measured["input_i"] < 0


def test_a_rotated_phone_recording_without_sound_gets_an_upright_picture_and_a_silent_track(work):
    """Recorded upright on a phone: landscape pixels with a 90° display tag; no microphone track."""
    source = generate_video(work / "phone.mp4", seconds=4, size="640x360", rate=25, audio=False, rotate=90)
    band = write_band("竖屏", work / "phone-band.png", font_path=FONT_PATH)
    clip = render_clip(
        ClipSource(str(source), 360, 640, 25, False, rotation=90),
        work / "phone-clip.mp4",
        start=0.5,
        end=3.5,
        band_png=band,
        ass_path=None,
        timeout=120,
    )
    report = ffprobe(clip)
    video = next(stream for stream in report["streams"] if stream["codec_type"] == "video")
    audio = next(stream for stream in report["streams"] if stream["codec_type"] == "audio")
    assert (video["width"], video["height"], video["r_frame_rate"]) == (1080, 1920, "25/1"), "never above the source's rate"
    assert (audio["codec_name"], audio["sample_rate"]) == ("aac", "48000")
    assert float(report["format"]["duration"]) == pytest.approx(3.0, abs=1 / 25)
    box = picture_box(360, 640)
    rendered = frame(clip, 10).crop((box.x, box.y, box.right, box.bottom))
    upright = frame(source, 22).resize((box.width, box.height), Image.Resampling.BICUBIC)  # ffmpeg rotates it
    assert max(ImageStat.Stat(ImageChops.difference(rendered, upright)).mean) < 10


def test_a_clip_is_cut_from_a_presigned_url_by_ranged_reads(work, source, s3_endpoint):
    """With S3 storage the worker reads the recording over HTTP(S) rather than downloading it whole."""
    from tests import seaweedfs

    s3 = seaweedfs.client(s3_endpoint)
    s3.create_bucket(Bucket="clip-source")
    s3.upload_file(str(source), "clip-source", "recording.mp4")
    url = s3.generate_presigned_url("get_object", Params={"Bucket": "clip-source", "Key": "recording.mp4"}, ExpiresIn=600)
    band = write_band("远程", work / "remote-band.png", font_path=FONT_PATH)
    clip = render_clip(
        ClipSource(url, 1280, 720, RATE, True), work / "remote.mp4", start=4.0, end=7.0, band_png=band, ass_path=None, timeout=120
    )
    brightness = picture_brightness(clip, picture_box(1280, 720))
    assert [index for index, value in enumerate(brightness) if value > 200] == [round((FLASHES[0] - 4.0) * RATE)]


def test_a_16_minute_clip_is_refused_with_the_channels_limit():
    with pytest.raises(ClipRefusal) as refused:
        check_span(60, 60 + 16 * 60, 2 * 3600)
    assert "15 分钟" in str(refused.value) and "抖音" in str(refused.value)
    assert refused.value.params["length"] == "16:00"


@pytest.mark.parametrize(
    ("start", "end", "duration", "words"),
    [
        (10, 12, 3600, "至少要 3 秒"),
        (10, 10, 3600, "必须晚于入点"),
        (20, 10, 3600, "必须晚于入点"),
        (-1, 10, 3600, "早于视频开头"),
        (3600, 3725, 3723, "超出了视频的长度 1:02:03"),
    ],
)
def test_spans_outside_the_limits_are_refused(start, end, duration, words):
    with pytest.raises(ClipRefusal) as refused:
        check_span(start, end, duration)
    assert words in str(refused.value)


def test_a_span_inside_the_limits_passes():
    check_span(3.0, 6.0, 6.02)
    check_span(0, 15 * 60, 3600)


def test_only_a_url_source_may_open_network_protocols():
    local = ClipSource("/videos/a.mp4", 1920, 1080, 30, True)
    remote = ClipSource("https://s3.example.com/videos/a.mp4?X-Amz-Signature=abc", 1920, 1080, 30, True)
    assert local.input_options() == untrusted_input_options()
    whitelist = remote.input_options()[remote.input_options().index("-protocol_whitelist") + 1]
    assert whitelist == "file,http,https,tcp,tls,crypto"
    assert local.url == "file:/videos/a.mp4" and remote.url == remote.location


@pytest.mark.parametrize(
    ("rate", "expected"),
    [(25, "25"), (30, "30"), (29.97, "30000/1001"), (50, "25"), (59.94, "30000/1001"), (60, "30"), (24, "24")],
)
def test_frame_rate_is_the_sources_up_to_30(rate, expected):
    assert vertical.output_frame_rate(rate)[0] == expected


def test_silence_is_not_amplified_and_a_failed_measurement_falls_back_to_one_pass():
    silent = {"input_i": float("-inf"), "input_tp": float("-inf"), "input_lra": 0.0, "input_thresh": -70.0, "target_offset": 0.0}
    assert "loudnorm" not in vertical.audio_filter(silent)
    assert "aresample=48000" in vertical.audio_filter(silent)
    assert "linear" not in vertical.audio_filter({}) and "loudnorm" in vertical.audio_filter({})
    measured = {"input_i": -30.0, "input_tp": -10.0, "input_lra": 3.0, "input_thresh": -40.0, "target_offset": 0.5}
    assert "measured_I=-30.00" in vertical.audio_filter(measured) and "linear=true" in vertical.audio_filter(measured)


def test_paths_with_filtergraph_characters_reach_the_filter(tmp_path):
    folder = tmp_path / "it's [a],b;c:d"
    folder.mkdir()
    ass = write_ass(read_subtitles(SRT.encode()), folder / "clip.ass", font_path=FONT_PATH)
    graph = f"ass=filename={vertical.filter_value(ass)}:fontsdir={vertical.filter_value(folder)}"
    subprocess.run(
        ["ffmpeg", "-v", "error", "-f", "lavfi", "-i", "color=size=64x64:duration=0.1", "-vf", graph, "-f", "null", "-"],
        check=True, capture_output=True,
    )  # fmt: skip


def test_a_cover_time_past_the_clip_is_refused(work, clip):
    with pytest.raises(ClipRefusal, match="超出了剪辑的长度"):
        write_covers(clip, 30, work / "late.jpg", work / "late-square.jpg", picture=picture_box(1280, 720))
