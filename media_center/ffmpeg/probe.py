"""Is this file a sane video? ffprobe under the safety options, then plain checks on what it reports.

Every refusal is a ProbeError whose message is shown to video staff, translated by the Django side.
"""

import json
import math
import subprocess
from dataclasses import dataclass
from datetime import UTC, datetime

from .messages import gettext_noop
from .runner import _die_with_parent
from .safety import untrusted_input_options

PROBE_TIMEOUT_SECONDS = 60
MAX_LONG_SIDE, MAX_SHORT_SIDE = 3840, 2160  # 4K UHD, landscape or portrait
MAX_SOURCE_FRAME_RATE = 60
MAX_DURATION_SECONDS = 12 * 3600
TS_PACKET_SIZES = (188, 192, 204)  # plain, Blu-ray (M2TS) and FEC transport-stream packets


class ProbeError(ValueError):
    """The file is not something we transcode; the message says why, for staff.

    `message` is the untranslated text and `params` its %-values: translated first, then filled in.
    """

    def __init__(self, message, params=None):
        self.message, self.params = message, params or {}
        super().__init__(message % self.params)


@dataclass(frozen=True)
class ProbeResult:
    container: str
    duration: float  # as the container states it (0 when it states none); what decodes may be shorter
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
    recorded_at: datetime | None = None  # when the recording started, as the file states it (aware, UTC)

    @property
    def is_portrait(self):
        return self.height > self.width

    @property
    def ends_mid_packet(self):
        """A transport stream states no length, but it is a run of fixed-size packets: a file that is no
        whole number of them was cut off while being written."""
        return self.container == "mpegts" and all(self.size_bytes % size for size in TS_PACKET_SIZES)


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
        raise ProbeError(gettext_noop("检测超时（超过 %(timeout)s 秒），文件可能已损坏。"), {"timeout": timeout})
    if result.returncode != 0:
        raise _explain_ffprobe_failure(result.stderr)
    try:
        return json.loads(result.stdout)
    except json.JSONDecodeError:
        raise ProbeError(gettext_noop("无法读取视频信息，文件可能已损坏。"))


def _explain_ffprobe_failure(stderr):
    text = stderr.lower()
    if "not on whitelist" in text or "format not on whitelist" in text:
        return ProbeError(
            gettext_noop("不是受支持的视频文件：只接受 MP4/MOV、MKV/WebM、TS、FLV、AVI 视频；图片、播放列表和拼接清单不能上传。")
        )
    if "moov atom not found" in text:
        return ProbeError(
            gettext_noop(
                "文件不完整：缺少 MP4/MOV 的索引（moov），通常是录制中途中断或文件没有传完，画面无法恢复。请上传完整的原文件。"
            )
        )
    if "end of file" in text:
        return ProbeError(gettext_noop("文件不完整或已损坏（可能没有上传完），无法读取。"))
    if "invalid data found" in text:
        return ProbeError(gettext_noop("无法读取：这不是视频文件，或者文件不完整、已损坏。"))
    lines = stderr.strip().splitlines()
    if not lines:
        return ProbeError(gettext_noop("无法识别的视频文件：未知错误"))
    return ProbeError(gettext_noop("无法识别的视频文件：%(detail)s"), {"detail": lines[-1][:200]})


def _check(report):
    streams = report.get("streams", [])
    container = report.get("format", {}).get("format_name", "")
    video = next((s for s in streams if s.get("codec_type") == "video" and not _is_cover_art(s)), None)
    audio = next((s for s in streams if s.get("codec_type") == "audio"), None)
    if video is None:
        if audio is not None:
            raise ProbeError(gettext_noop("这是一个音频文件，没有视频画面。"))
        raise ProbeError(gettext_noop("文件里没有视频画面。"))
    width, height = int(video.get("width") or 0), int(video.get("height") or 0)
    if width <= 0 or height <= 0:
        raise ProbeError(gettext_noop("视频画面尺寸无效。"))
    if max(width, height) > MAX_LONG_SIDE or min(width, height) > MAX_SHORT_SIDE:
        raise ProbeError(
            gettext_noop(
                "画面尺寸 %(width)d×%(height)d 过大：最大支持 %(long)d×%(short)d（4K），竖屏 %(short)d×%(long)d。"
                "请导出为 4K 或更小的视频后再上传。"
            ),
            {"width": width, "height": height, "long": MAX_LONG_SIDE, "short": MAX_SHORT_SIDE},
        )
    duration = _duration(report, video)
    if duration > 0:  # no stated length (a live recording cut off): what decodes is measured when it is cut into chunks
        check_duration(duration)
    frame_rate = _frame_rate(video)
    if frame_rate < 1:
        raise ProbeError(gettext_noop("帧率 %(rate)g 不正常。"), {"rate": frame_rate})
    if round(frame_rate) > MAX_SOURCE_FRAME_RATE:
        raise ProbeError(
            gettext_noop("帧率 %(rate)g 帧/秒过高：最高支持 %(limit)d 帧/秒。请导出为 %(limit)d 帧/秒或更低后再上传。"),
            {"rate": frame_rate, "limit": MAX_SOURCE_FRAME_RATE},
        )
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
        recorded_at=_creation_time(report, video),
    )


def check_duration(duration):
    """The stated length is checked when probing; what actually decodes once the chunks are cut."""
    if duration <= 0:
        raise ProbeError(gettext_noop("视频时长为零，文件可能不完整。"))
    if duration > MAX_DURATION_SECONDS:
        raise ProbeError(
            gettext_noop("视频时长 %(hours).1f 小时，超过 %(limit)d 小时的上限。"),
            {"hours": duration / 3600, "limit": MAX_DURATION_SECONDS // 3600},
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


def _creation_time(report, video):
    """The container's creation_time (MP4, MOV, MKV write it; FLV and TS do not), else the video stream's.
    It says when the camera or encoder started writing, in UTC; a date before 2000 is a muxer's zero."""
    for tags in (report.get("format", {}).get("tags", {}), video.get("tags", {})):
        text = next((value for key, value in tags.items() if key.lower() == "creation_time"), "")
        try:
            moment = datetime.fromisoformat(str(text).strip().replace("Z", "+00:00"))
        except ValueError:
            continue
        moment = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
        if moment.year >= 2000:
            return moment.astimezone(UTC)
    return None
