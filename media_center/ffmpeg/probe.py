"""Is this file a sane video? ffprobe under the safety options, then plain checks on what it reports.

Every refusal is a ProbeError whose message is shown to video staff as it is, in Chinese.
"""

import json
import math
import subprocess
from dataclasses import dataclass

from .runner import _die_with_parent
from .safety import untrusted_input_options

PROBE_TIMEOUT_SECONDS = 60
MAX_DIMENSION = 8192
MAX_DURATION_SECONDS = 12 * 3600


class ProbeError(ValueError):
    """The file is not something we transcode; the message says why, for staff."""


@dataclass(frozen=True)
class ProbeResult:
    container: str
    duration: float
    size_bytes: int
    bit_rate: int
    video_codec: str
    width: int  # as displayed, after rotation
    height: int
    rotation: int
    frame_rate: float
    has_audio: bool
    audio_codec: str
    audio_channels: int
    audio_sample_rate: int
    audio_offset: float  # seconds the first audio sample starts after the first video frame

    @property
    def is_portrait(self):
        return self.height > self.width


def probe(path, timeout=PROBE_TIMEOUT_SECONDS):
    report = _run_ffprobe(path, timeout)
    return _check(report)


def _run_ffprobe(path, timeout):
    command = [
        "ffprobe", "-hide_banner", "-loglevel", "error",
        *untrusted_input_options(),
        "-print_format", "json", "-show_format", "-show_streams",
        "-i", str(path),
    ]  # fmt: skip
    try:
        result = subprocess.run(
            command, capture_output=True, text=True, timeout=timeout, preexec_fn=_die_with_parent, check=False
        )
    except subprocess.TimeoutExpired:
        raise ProbeError(f"检测超时（超过 {timeout} 秒），文件可能已损坏。")
    if result.returncode != 0:
        raise ProbeError(_explain_ffprobe_failure(result.stderr))
    try:
        return json.loads(result.stdout)
    except json.JSONDecodeError:
        raise ProbeError("无法读取视频信息，文件可能已损坏。")


def _explain_ffprobe_failure(stderr):
    text = stderr.lower()
    if "not on whitelist" in text or "format not on whitelist" in text:
        return "不是受支持的视频文件：只接受 MP4/MOV、MKV/WebM、TS、FLV、AVI 视频；图片、播放列表和拼接清单不能上传。"
    if "moov atom not found" in text or "end of file" in text:
        return "文件不完整或已损坏（可能没有上传完），无法读取。"
    if "invalid data found" in text:
        return "无法读取：这不是视频文件，或者文件不完整、已损坏。"
    return "无法识别的视频文件：" + (stderr.strip().splitlines() or ["未知错误"])[-1][:200]


def _check(report):
    streams = report.get("streams", [])
    container = report.get("format", {}).get("format_name", "")
    video = next((s for s in streams if s.get("codec_type") == "video" and not _is_cover_art(s)), None)
    audio = next((s for s in streams if s.get("codec_type") == "audio"), None)
    if video is None:
        if audio is not None:
            raise ProbeError("这是一个音频文件，没有视频画面。")
        raise ProbeError("文件里没有视频画面。")
    width, height = int(video.get("width") or 0), int(video.get("height") or 0)
    if width <= 0 or height <= 0:
        raise ProbeError("视频画面尺寸无效。")
    if width > MAX_DIMENSION or height > MAX_DIMENSION:
        raise ProbeError(f"画面尺寸 {width}×{height} 过大：宽和高都不能超过 {MAX_DIMENSION} 像素。")
    duration = _duration(report, video)
    if duration <= 0:
        raise ProbeError("视频时长为零，文件可能不完整。")
    if duration > MAX_DURATION_SECONDS:
        raise ProbeError(f"视频时长 {duration / 3600:.1f} 小时，超过 {MAX_DURATION_SECONDS // 3600} 小时的上限。")
    frame_rate = _frame_rate(video)
    if not 1 <= frame_rate <= 240:
        raise ProbeError(f"帧率 {frame_rate:g} 不正常。")
    rotation = _rotation(video)
    if rotation in (90, 270):
        width, height = height, width
    return ProbeResult(
        container=container,
        duration=duration,
        size_bytes=int(report.get("format", {}).get("size") or 0),
        bit_rate=int(report.get("format", {}).get("bit_rate") or 0),
        video_codec=video.get("codec_name", ""),
        width=width,
        height=height,
        rotation=rotation,
        frame_rate=frame_rate,
        has_audio=audio is not None,
        audio_codec=(audio or {}).get("codec_name", ""),
        audio_channels=int((audio or {}).get("channels") or 0),
        audio_sample_rate=int((audio or {}).get("sample_rate") or 0),
        audio_offset=_audio_offset(video, audio),
    )


def _is_cover_art(stream):
    return bool(stream.get("disposition", {}).get("attached_pic"))


def _duration(report, video):
    for value in (report.get("format", {}).get("duration"), video.get("duration")):
        try:
            duration = float(value)
        except (TypeError, ValueError):
            continue
        if math.isfinite(duration):
            return duration
    return 0.0


def _frame_rate(video):
    for key in ("avg_frame_rate", "r_frame_rate"):
        numerator, _, denominator = str(video.get(key, "0/0")).partition("/")
        try:
            rate = float(numerator) / float(denominator or 1)
        except (ValueError, ZeroDivisionError):
            continue
        if rate > 0:
            return round(rate, 3)
    return 0.0


def _rotation(video):
    rotation = 0
    for side_data in video.get("side_data_list", []):
        if "rotation" in side_data:
            rotation = int(float(side_data["rotation"]))
    if not rotation and "rotate" in video.get("tags", {}):
        rotation = int(video["tags"]["rotate"])
    return rotation % 360


def _audio_offset(video, audio):
    try:
        return max(0.0, float(audio["start_time"]) - float(video["start_time"]))
    except (TypeError, KeyError, ValueError):
        return 0.0
