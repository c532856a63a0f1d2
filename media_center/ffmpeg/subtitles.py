"""Subtitles for a clip: an uploaded SRT or WebVTT read into cues, cut to the clip, and written as
WebVTT (the player's track) and as ASS (burned in by ffmpeg's `ass` filter).

Files from Chinese Windows tools are often GB18030 (GBK) or UTF-16, so the encoding is detected
rather than assumed. The ASS lines are broken here (clip_layout.break_lines, on the same font at
the size libass will draw) and WrapStyle 2 keeps libass from wrapping again: Debian's libass is
built without libunibreak and would otherwise run a Chinese line off the frame.
"""

import html
import math
import re
from dataclasses import dataclass
from pathlib import Path

from .clip_layout import (
    FRAME_HEIGHT,
    FRAME_WIDTH,
    SUBTITLE_BOX,
    SUBTITLE_FONT_SIZE,
    SUBTITLE_MAX_LINES,
    break_lines,
    font_index,
    load_font,
    sfnt_metrics,
)
from .messages import gettext_noop

MAX_FILE_BYTES = 5 * 1024 * 1024
MAX_CUES = 20_000
MAX_CUE_CHARACTERS = 1000
MAX_TIMESTAMP_SECONDS = 48 * 3600


@dataclass(frozen=True)
class Cue:
    start: float
    end: float
    text: str


class SubtitleError(ValueError):
    """The file cannot be used; the message says where and why, for staff.

    `message` is the untranslated text and `params` its %-values (often the line number).
    """

    def __init__(self, message, params=None):
        self.message, self.params = message, params or {}
        super().__init__(message % self.params)


def read_subtitles(data):
    """Cues of an SRT or WebVTT file (bytes), in time order, tags stripped."""
    if len(data) > MAX_FILE_BYTES:
        raise SubtitleError(
            gettext_noop("字幕文件太大（%(size)d KB），最大 %(limit)d KB。"),
            {"size": len(data) // 1024, "limit": MAX_FILE_BYTES // 1024},
        )
    lines = _decode(data).replace("\r\n", "\n").replace("\r", "\n").split("\n")
    first = next((line.strip() for line in lines if line.strip()), "")
    if not first:
        raise SubtitleError(gettext_noop("字幕文件是空的。"))
    webvtt = first.startswith("WEBVTT")
    cues = []
    for number, block in _blocks(lines):
        cue = _parse_block(number, block, webvtt)
        if cue is not None:
            cues.append(cue)
            if len(cues) > MAX_CUES:
                raise SubtitleError(gettext_noop("字幕条数超过 %(limit)d 条，文件不像是正常的字幕。"), {"limit": MAX_CUES})
    if not cues:
        raise SubtitleError(gettext_noop("字幕文件里没有可用的字幕。"))
    return sorted(cues, key=lambda cue: (cue.start, cue.end))


def _decode(data):
    if data.startswith(b"\xef\xbb\xbf"):
        return _strict(data[3:], "utf-8")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return _strict(data, "utf-16")
    if b"\x00" in data:  # never in UTF-8 or GB18030 text: UTF-16 without a byte-order mark
        little_endian = data[1::2].count(0) >= data[0::2].count(0)
        return _strict(data, "utf-16-le" if little_endian else "utf-16-be")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030")
    except UnicodeDecodeError:
        raise SubtitleError(gettext_noop("无法识别字幕文件的文字编码：请另存为 UTF-8 后再上传。"))


def _strict(data, encoding):
    try:
        return data.decode(encoding)
    except UnicodeDecodeError:
        raise SubtitleError(gettext_noop("无法识别字幕文件的文字编码：请另存为 UTF-8 后再上传。"))


def _blocks(lines):
    """(line number of its first line, its lines) for each run of non-blank lines."""
    block, start = [], 0
    for number, line in enumerate(lines, start=1):
        if line.strip():
            if not block:
                start = number
            block.append(line)
        elif block:
            yield start, block
            block = []
    if block:
        yield start, block


_ARROW = re.compile(r"^\s*(\S+)\s*-->\s*(\S+)(.*)$")
_TIMESTAMP = re.compile(r"^(?:(\d{1,3}):)?(\d{1,2}):(\d{1,2})(?:[,.](\d{1,3}))?$")
_TAG = re.compile(r"<[^>\n]*>|\{\\[^}\n]*\}")


def _parse_block(number, block, webvtt):
    if webvtt:
        head = block[0].strip()
        if head.startswith("WEBVTT") or head.startswith(("NOTE", "STYLE", "REGION")) and "-->" not in head:
            return None
    timing = 0
    if "-->" not in block[0]:
        if len(block) > 1 and "-->" in block[1]:
            timing = 1  # a cue number (SRT) or identifier (WebVTT) first
        else:
            raise SubtitleError(
                gettext_noop("第 %(line)d 行：这里应是时间轴（如 00:01:02,500 --> 00:01:05,000），读到的是“%(text)s”。"),
                {"line": number, "text": block[0].strip()[:60]},
            )
    line_number = number + timing
    match = _ARROW.match(block[timing])
    if not match:
        raise SubtitleError(
            gettext_noop("第 %(line)d 行：时间轴格式不对：“%(text)s”。"),
            {"line": line_number, "text": block[timing].strip()[:60]},
        )
    start = _seconds(match.group(1), line_number)
    end = _seconds(match.group(2), line_number)
    if end < start:
        raise SubtitleError(
            gettext_noop("第 %(line)d 行：结束时间早于开始时间。"), {"line": line_number, "text": block[timing].strip()[:60]}
        )
    text = "\n".join(_clean(line) for line in block[timing + 1 :])
    text = "\n".join(line for line in text.split("\n") if line.strip())
    if len(text) > MAX_CUE_CHARACTERS:
        raise SubtitleError(
            gettext_noop("第 %(line)d 行：这条字幕超过 %(limit)d 个字，文件不像是正常的字幕。"),
            {"line": line_number, "limit": MAX_CUE_CHARACTERS},
        )
    if not text or end == start:
        return None
    return Cue(start, end, text)


def _seconds(value, line_number):
    match = _TIMESTAMP.match(value)
    if match:
        hours, minutes, seconds, fraction = match.groups()
        if int(minutes) < 60 and int(seconds) < 60:
            total = int(hours or 0) * 3600 + int(minutes) * 60 + int(seconds) + int((fraction or "0").ljust(3, "0")) / 1000
            if total <= MAX_TIMESTAMP_SECONDS:
                return total
    raise SubtitleError(
        gettext_noop("第 %(line)d 行：时间“%(text)s”不对，应写成 时:分:秒,毫秒（如 00:01:02,500）。"),
        {"line": line_number, "text": value[:40]},
    )


def _clean(line):
    return html.unescape(_TAG.sub("", line)).replace("\u00a0", " ").strip()


def cut_to_span(cues, start, end):
    """The cues within [start, end], shifted so that `start` is 0 and clipped to the span."""
    cut = []
    for cue in cues:
        cue_start, cue_end = max(cue.start, start) - start, min(cue.end, end) - start
        if cue_end - cue_start > 0.001:
            cut.append(Cue(round(cue_start, 3), round(cue_end, 3), cue.text))
    return cut


def to_webvtt(cues):
    lines = ["WEBVTT", ""]
    for cue in cues:
        text = "\n".join(line for line in cue.text.replace("-->", "→").split("\n") if line.strip())
        lines += [f"{_vtt_time(cue.start)} --> {_vtt_time(cue.end)}", text, ""]
    return "\n".join(lines)


def _vtt_time(seconds):
    milliseconds = round(seconds * 1000)
    hours, milliseconds = divmod(milliseconds, 3_600_000)
    minutes, milliseconds = divmod(milliseconds, 60_000)
    return f"{hours:02d}:{minutes:02d}:{milliseconds // 1000:02d}.{milliseconds % 1000:03d}"


def ass_font(font_path, size=SUBTITLE_FONT_SIZE):
    """The Pillow font that measures what libass draws at ASS size `size` (see sfnt_metrics)."""
    index = font_index(font_path)
    units_per_em, win_height = sfnt_metrics(font_path, index)
    return load_font(str(font_path), round(size * units_per_em / win_height, 2))


def write_ass(cues, path, *, font_path):
    """An ASS script drawing `cues` bottom-aligned at SUBTITLE_BOX.bottom, lines already broken."""
    font = ass_font(font_path)
    name = font.getname()[0]
    margin_right = FRAME_WIDTH - SUBTITLE_BOX.right
    margin_bottom = FRAME_HEIGHT - SUBTITLE_BOX.bottom
    header = [
        "[Script Info]",
        f"; Font file: {Path(font_path)}",  # render_clip gives libass this font's folder (fontsdir)
        "ScriptType: v4.00+",
        f"PlayResX: {FRAME_WIDTH}",
        f"PlayResY: {FRAME_HEIGHT}",
        "WrapStyle: 2",
        "ScaledBorderAndShadow: yes",
        "YCbCr Matrix: TV.709",
        "",
        "[V4+ Styles]",
        "Format: Name, Fontname, Fontsize, PrimaryColour, SecondaryColour, OutlineColour, BackColour, Bold, Italic, "
        "Underline, StrikeOut, ScaleX, ScaleY, Spacing, Angle, BorderStyle, Outline, Shadow, Alignment, "
        "MarginL, MarginR, MarginV, Encoding",
        f"Style: Default,{name},{SUBTITLE_FONT_SIZE},&H00FFFFFF,&H000000FF,&H00000000,&H80000000,0,0,0,0,100,100,0,0,"
        f"1,3,1,2,{SUBTITLE_BOX.x},{margin_right},{margin_bottom},1",
        "",
        "[Events]",
        "Format: Layer, Start, End, Style, Name, MarginL, MarginR, MarginV, Effect, Text",
    ]
    events = []
    for cue in cues:
        lines = break_lines(cue.text, font, SUBTITLE_BOX.width, SUBTITLE_MAX_LINES)
        if lines:
            text = r"\N".join(_ass_escape(line) for line in lines)
            events.append(f"Dialogue: 0,{_ass_time(cue.start)},{_ass_time(cue.end)},Default,,0,0,0,,{text}")
    path = Path(path)
    path.write_text("\n".join(header + events) + "\n", encoding="utf-8")
    return path


def _ass_escape(line):
    """Braces start override tags and a backslash escapes in ASS: the full-width forms look the same."""
    return line.replace("\\", "＼").replace("{", "｛").replace("}", "｝")


def _ass_time(seconds):
    centiseconds = max(0, math.floor(seconds * 100 + 0.5))
    hours, centiseconds = divmod(centiseconds, 360_000)
    minutes, centiseconds = divmod(centiseconds, 6000)
    return f"{hours}:{minutes:02d}:{centiseconds // 100:02d}.{centiseconds % 100:02d}"
