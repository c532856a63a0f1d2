"""Vertical short clips for Douyin (抖音) and WeChat Channels (视频号): one ffmpeg run per clip.

The clip is cut from the original recording with an input-side seek (`-ss`/`-t` before `-i`):
ffmpeg jumps through the container's index to the keyframe before the in point and decodes only
from there, so a clip costs the same at 0:00:10 and at 1:50:00 of a two-hour recording, and it
still starts exactly at the in point (accurate seek trims the frames and samples before it).

The picture (clip_layout.picture_box) lies over a blurred, darkened copy of itself; the blur is
done on a quarter-size frame, which makes it nearly free. The title band is a still PNG
(title_band.py) overlaid on every frame; subtitles are an ASS script burned in by libass.
Sound is normalised in two passes of EBU R128 `loudnorm`: a measurement on the clip's span, then
a linear gain with those values (loudnorm alone outputs 192 kHz: `aresample` brings it back to
48 kHz). A source without sound gets a silent track: the channels refuse silent uploads less often.
"""

import json
import math
import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from PIL import Image

from .clip_layout import FRAME_HEIGHT, FRAME_WIDTH, picture_box, square_crop_box
from .messages import gettext_noop
from .runner import run
from .safety import URL_PROTOCOLS, untrusted_input_options
from .title_band import BACKGROUND_BLUR_SIGMA, BACKGROUND_BRIGHTNESS, BACKGROUND_SHRINK

MIN_CLIP_SECONDS = 3
MAX_CLIP_SECONDS = 15 * 60  # Douyin's limit for an upload
MAX_FRAME_RATE = 30
END_TOLERANCE_SECONDS = 0.05  # an out point at the container's rounded length is still inside
GOP_SECONDS = 2
# Measured on a 15 s clip of a 1080p30 source at CRF 20 (2 shared cores): ultrafast 19 s / 15 MB,
# superfast 26 s / 9.3 MB, veryfast 27 s / 4.0 MB, faster 39 s / 4.3 MB, fast 46 s / 4.7 MB. The
# filtergraph and decoding are most of ultrafast's time; veryfast costs what superfast does for files
# less than half the size, and the slower presets cost 45-70 % more.
PRESET = "veryfast"
CRF = 20
MAX_RATE, BUFFER_SIZE = "8M", "16M"
AUDIO_KBPS = 160
SAMPLE_RATE = 48000
# -16 LUFS integrated, -1.5 dBTP: the level phones play short videos at; EBU's -23 is for broadcast.
LOUDNESS_TARGET = {"I": -16.0, "TP": -1.5, "LRA": 11.0}
SILENCE_LUFS = -60.0  # quieter than this is silence or hum: it is left alone rather than amplified
COVER_QUALITY = 88


class ClipRefusal(ValueError):
    """The clip cannot be made as asked; the message says why, for staff.

    `message` is the untranslated text and `params` its %-values: translated first, then filled in.
    """

    def __init__(self, message, params=None):
        self.message, self.params = message, params or {}
        super().__init__(message % self.params)


def clock(seconds):
    """1:02:03 or 2:03, with tenths when there are any: how staff read times on the timeline."""
    sign = "-" if seconds < 0 else ""
    whole, tenths = divmod(round(abs(seconds) * 10), 10)
    hours, rest = divmod(whole, 3600)
    minutes, seconds = divmod(rest, 60)
    text = f"{hours}:{minutes:02d}:{seconds:02d}" if hours else f"{minutes}:{seconds:02d}"
    return sign + text + (f".{tenths}" if tenths else "")


def check_span(start, end, source_duration):
    params = {
        "start": clock(start),
        "end": clock(end),
        "length": clock(max(0.0, end - start)),
        "duration": clock(source_duration or 0),
        "minimum": MIN_CLIP_SECONDS,
        "maximum": MAX_CLIP_SECONDS // 60,
    }
    if start < 0:
        raise ClipRefusal(gettext_noop("入点 %(start)s 早于视频开头。"), params)
    if end <= start:
        raise ClipRefusal(gettext_noop("出点（%(end)s）必须晚于入点（%(start)s）。"), params)
    if source_duration and end > source_duration + END_TOLERANCE_SECONDS:
        raise ClipRefusal(gettext_noop("出点 %(end)s 超出了视频的长度 %(duration)s。"), params)
    if end - start < MIN_CLIP_SECONDS:
        raise ClipRefusal(gettext_noop("剪辑太短（%(length)s）：至少要 %(minimum)d 秒。"), params)
    if end - start > MAX_CLIP_SECONDS:
        raise ClipRefusal(gettext_noop("剪辑时长不能超过 15 分钟（抖音的上限），现在是 %(length)s。"), params)


@dataclass(frozen=True)
class ClipSource:
    location: str  # a local path, or an https URL (an S3 presigned URL)
    width: int  # as displayed, after rotation
    height: int
    frame_rate: float
    has_audio: bool
    rotation: int = 0  # ffmpeg applies it itself (autorotate); width and height already account for it

    @property
    def is_url(self):
        return urlsplit(str(self.location)).scheme in ("http", "https")

    @property
    def url(self):
        """What follows `-i`: a local path gets `file:` so that a colon in its name is not read as a protocol."""
        return str(self.location) if self.is_url else f"file:{self.location}"

    def input_options(self):
        """The safety options; the protocol whitelist widened to ranged HTTPS reads for a URL only."""
        return untrusted_input_options(protocols=URL_PROTOCOLS if self.is_url else ("file",))


def output_frame_rate(source_rate):
    """The source's rate up to 30; a faster source is divided evenly (50 → 25, 59.94 → 29.97), so
    no frame is repeated or dropped unevenly. As an ffmpeg rate (NTSC rates as fractions)."""
    rate = source_rate if source_rate and source_rate > 0 else MAX_FRAME_RATE
    if rate > MAX_FRAME_RATE + 0.01:
        rate /= math.ceil(rate / (MAX_FRAME_RATE + 0.01))
    for numerator in (30000, 24000):
        if abs(rate - numerator / 1001) < 0.01:
            return f"{numerator}/1001", numerator / 1001
    if abs(rate - round(rate)) < 0.01:
        return str(round(rate)), float(round(rate))
    return f"{rate:.3f}", round(rate, 3)


def _seek_options(start, end):
    return ["-ss", f"{start:.6f}", "-t", f"{end - start:.6f}"]


def measure_loudness(source, start, end, *, timeout):
    """loudnorm's first pass on the clip's span: its measured values (floats; -inf for silence), or
    None when the source has no sound."""
    if not source.has_audio:
        return None
    args = [
        *_seek_options(start, end), *source.input_options(), "-i", source.url,
        "-map", "0:a:0", "-vn", "-sn", "-dn",
        "-af", _loudnorm(print_format="json"),
        "-f", "null", "-",
    ]  # fmt: skip
    completed = run(args, timeout=timeout, loglevel="info")
    return parse_loudnorm(completed.stderr)


def parse_loudnorm(stderr):
    """The JSON block loudnorm prints at the end ({} when there is none: the render then falls back to one pass)."""
    at = stderr.rfind("Parsed_loudnorm")
    opening = stderr.find("{", at if at >= 0 else 0)
    closing = stderr.find("}", opening)
    if opening < 0 or closing < 0:
        return {}
    try:
        report = json.loads(stderr[opening : closing + 1])
    except json.JSONDecodeError:
        return {}
    measured = {}
    for key in ("input_i", "input_tp", "input_lra", "input_thresh", "target_offset"):
        try:
            measured[key] = float(report[key])
        except (KeyError, TypeError, ValueError):
            return {}
    return measured


def _loudnorm(**options):
    target = ":".join(f"{key}={value}" for key, value in LOUDNESS_TARGET.items())
    extra = ":".join(f"{key}={value}" for key, value in options.items())
    return f"loudnorm={target}" + (f":{extra}" if extra else "")


def audio_filter(measured):
    """The second pass: a linear gain with the measured values. Silence is left as it is (no gain
    could make it speech); with no usable measurement, loudnorm's one-pass (dynamic) mode."""
    resample = f"aresample={SAMPLE_RATE},aformat=sample_fmts=fltp:channel_layouts=stereo"
    if not measured:
        return f"{_loudnorm()},{resample}"
    if not all(math.isfinite(value) for value in measured.values()) or measured["input_i"] < SILENCE_LUFS:
        return resample
    return (
        _loudnorm(
            measured_I=f"{measured['input_i']:.2f}",
            measured_TP=f"{measured['input_tp']:.2f}",
            measured_LRA=f"{measured['input_lra']:.2f}",
            measured_thresh=f"{measured['input_thresh']:.2f}",
            offset=f"{measured['target_offset']:.2f}",
            linear="true",
        )
        + f",{resample}"
    )


def filter_value(value):
    """`value` quoted for a filter option inside a filtergraph (both levels of ffmpeg's escaping)."""
    option_level = re.sub(r"([\\':])", r"\\\1", str(value))
    return re.sub(r"([\\'\[\],;])", r"\\\1", option_level)


def video_graph(source, *, ass_path=None, fonts_dir=None):
    """The filtergraph from [0:v] (the source) and [1:v] (the band PNG) to [v]."""
    rate, _ = output_frame_rate(source.frame_rate)
    picture = picture_box(source.width, source.height)
    chains = []
    if (picture.width, picture.height) == (FRAME_WIDTH, FRAME_HEIGHT):
        flags = _scale_flags(source, picture)
        chains.append(f"[0:v:0]fps={rate},scale={FRAME_WIDTH}:{FRAME_HEIGHT}:flags={flags},setsar=1[base]")
    else:
        small_width, small_height = FRAME_WIDTH // BACKGROUND_SHRINK, FRAME_HEIGHT // BACKGROUND_SHRINK
        dim = BACKGROUND_BRIGHTNESS
        chains += [
            f"[0:v:0]fps={rate},split=2[under][over]",
            f"[under]scale={small_width}:{small_height}:force_original_aspect_ratio=increase:flags=bilinear,"
            f"crop={small_width}:{small_height},gblur=sigma={BACKGROUND_BLUR_SIGMA},"
            f"lutyuv=y=(val-16)*{dim}+16:u=(val-128)*{dim}+128:v=(val-128)*{dim}+128,"
            f"scale={FRAME_WIDTH}:{FRAME_HEIGHT}:flags=bilinear,setsar=1[blurred]",
            f"[over]scale={picture.width}:{picture.height}:flags={_scale_flags(source, picture)},setsar=1[picture]",
            f"[blurred][picture]overlay=x={picture.x}:y={picture.y}[base]",
        ]
    last = "[banded]"
    chains.append(f"[base][1:v]overlay=x=0:y=0{last}")
    if ass_path is not None:
        fonts = f":fontsdir={filter_value(fonts_dir)}" if fonts_dir else ""
        chains.append(f"{last}ass=filename={filter_value(ass_path)}{fonts}[subtitled]")
        last = "[subtitled]"
    chains.append(f"{last}format=yuv420p[v]")
    return ";".join(chains)


def _scale_flags(source, picture):
    """Lanczos keeps an enlarged picture sharp; shrinking, bicubic looks the same and costs less (bench)."""
    return "lanczos" if picture.width > source.width else "bicubic"


def render_command(source, output, *, start, end, band_png, ass_path=None, fonts_dir=None, measured=None, preset=PRESET):
    """The arguments of the one ffmpeg run that makes the channel MP4."""
    duration = end - start
    _, fps = output_frame_rate(source.frame_rate)
    gop = max(1, round(fps * GOP_SECONDS))
    inputs = [
        *_seek_options(start, end), *source.input_options(), "-i", source.url,
        "-f", "image2", "-pattern_type", "none", "-i", f"file:{band_png}",  # one still, whatever its name holds
    ]  # fmt: skip
    graph = video_graph(source, ass_path=ass_path, fonts_dir=fonts_dir)
    if source.has_audio:
        graph += f";[0:a:0]{audio_filter(measured)}[a]"
        audio_map = "[a]"
    else:
        inputs += ["-t", f"{duration:.6f}", "-f", "lavfi", "-i", f"anullsrc=r={SAMPLE_RATE}:cl=stereo"]
        audio_map = "2:a:0"
    return [
        *inputs,
        "-filter_complex", graph,
        "-map", "[v]", "-map", audio_map,
        "-c:v", "libx264", "-preset", preset, "-profile:v", "high", "-pix_fmt", "yuv420p",
        "-crf", str(CRF), "-maxrate", MAX_RATE, "-bufsize", BUFFER_SIZE,
        "-g", str(gop), "-keyint_min", str(gop), "-sc_threshold", "0",
        "-force_key_frames", f"expr:gte(t,n_forced*{GOP_SECONDS})",
        "-c:a", "aac", "-b:a", f"{AUDIO_KBPS}k", "-ac", "2", "-ar", str(SAMPLE_RATE),
        "-t", f"{duration:.6f}",
        "-map_metadata", "-1", "-map_chapters", "-1", "-sn", "-dn",
        "-movflags", "+faststart",
        "-f", "mp4", "-y", str(output),
    ]  # fmt: skip


def render_clip(
    source,
    output,
    *,
    start,
    end,
    band_png,
    ass_path,
    timeout,
    on_progress=None,
    should_cancel=None,
    font_path=None,
    preset=PRESET,
):
    """Measure the span's loudness, then render the 1080×1920 channel MP4 at `output`.

    `font_path` (the font the ASS was written for) gives libass its fonts folder; without it the
    folder is read from the ASS script (write_ass notes it there)."""
    if not end - start > 0:
        raise ClipRefusal(gettext_noop("出点（%(end)s）必须晚于入点（%(start)s）。"), {"start": clock(start), "end": clock(end)})
    output = Path(output)
    measured = measure_loudness(source, start, end, timeout=timeout)
    fonts_dir = None
    if ass_path is not None:
        font_file = font_path or _font_noted_in(ass_path)
        fonts_dir = str(Path(font_file).parent) if font_file else None
    partial = output.with_name(f"{output.stem}.part{output.suffix}")
    run(
        render_command(
            source,
            partial,
            start=start,
            end=end,
            band_png=band_png,
            ass_path=ass_path,
            fonts_dir=fonts_dir,
            measured=measured,
            preset=preset,
        ),
        timeout=timeout,
        on_progress=on_progress,
        should_cancel=should_cancel,
    )
    partial.replace(output)
    return output


def _font_noted_in(ass_path):
    with open(ass_path, encoding="utf-8") as script:
        for line in script:
            if line.startswith("; Font file: "):
                return line.removeprefix("; Font file: ").strip()
            if line.startswith("[V4+ Styles]"):
                return None
    return None


def write_covers(clip_mp4, at_seconds, cover_path, square_path, *, picture, timeout=60):
    """JPEG covers from the rendered clip (title band and all) at `at_seconds` into the clip:
    the 1080×1920 frame and its 1080×1080 crop for lists (clip_layout.square_crop_box)."""
    cover_path, square_path = Path(cover_path), Path(square_path)
    frame_path = cover_path.with_name(f"{cover_path.stem}.frame.png")
    args = [
        "-ss", f"{max(0.0, at_seconds):.3f}", *untrusted_input_options(), "-i", f"file:{clip_mp4}",
        "-map", "0:v:0", "-frames:v", "1",
        "-f", "image2", "-update", "1", "-c:v", "png", "-y", f"file:{frame_path}",
    ]  # fmt: skip
    try:
        run(args, timeout=timeout)
        if not frame_path.exists():
            raise ClipRefusal(gettext_noop("封面时间 %(at)s 超出了剪辑的长度。"), {"at": clock(at_seconds)})
        with Image.open(frame_path) as frame:
            frame = frame.convert("RGB")
    finally:
        frame_path.unlink(missing_ok=True)
    frame.save(cover_path, format="JPEG", quality=COVER_QUALITY, optimize=True)
    square = square_crop_box(picture)
    frame.crop((square.x, square.y, square.right, square.bottom)).save(
        square_path, format="JPEG", quality=COVER_QUALITY, optimize=True
    )
    return cover_path, square_path
