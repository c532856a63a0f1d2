"""Chapters of a video, typed by staff as one line each ("12:30 第二家企业：新能源专场"), served as WebVTT."""

import re
from dataclasses import dataclass

from django.utils.translation import gettext as _

from .ffmpeg.thumbnails import vtt_timestamp

TIME = r"(?:(\d{1,2}):)?(\d{1,2}):(\d{2})(?:\.(\d{1,3}))?"
LINE = re.compile(rf"^\s*{TIME}\s+(.+?)\s*$")
CLOCK = re.compile(rf"^\s*(?:{TIME}|(\d{{1,6}}(?:\.\d{{1,3}})?))\s*$")
MAX_TITLE = 80


class ChapterError(ValueError):
    pass


@dataclass(frozen=True)
class Chapter:
    start: float
    end: float
    title: str

    @property
    def clock(self):
        return clock(self.start)


def clock(seconds):
    """A time as a reader sees it: 12:30, or 1:02:03 past an hour."""
    minutes, seconds = divmod(int(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}:{minutes:02d}:{seconds:02d}" if hours else f"{minutes:02d}:{seconds:02d}"


def parse_clock(text):
    """Seconds from what staff type: 1:02:03.5, 62:03, or 3723.5; ValueError with a message otherwise."""
    match = CLOCK.match(text or "")
    if not match:
        raise ValueError(_("时间格式不对：“%(text)s”，应为 时:分:秒、分:秒 或秒数，如 1:02:03") % {"text": (text or "")[:20]})
    *clock_parts, plain = match.groups()
    if plain is not None:
        return float(plain)
    seconds = _seconds(*clock_parts)
    if seconds is None:
        raise ValueError(_("时间不对：“%(text)s”，分和秒都应小于 60") % {"text": text.strip()})
    return seconds


def _seconds(hours, minutes, seconds, fraction):
    """The matched parts of TIME as seconds; None when minutes or seconds reach 60."""
    if int(seconds) >= 60 or (hours and int(minutes) >= 60):
        return None
    return int(hours or 0) * 3600 + int(minutes) * 60 + int(seconds) + float(f"0.{fraction or 0}")


def parse_chapters(text, duration=None):
    """Chapters in order, each ending where the next starts; the last one at the end of the video."""
    starts = []
    for number, line in enumerate((text or "").splitlines(), start=1):
        if not line.strip():
            continue
        match = LINE.match(line)
        if not match:
            raise ChapterError(
                _("第%(number)d行格式不对，应为“分:秒 标题”或“时:分:秒 标题”，如 12:30 第二家企业") % {"number": number}
            )
        *clock_parts, title = match.groups()
        start = _seconds(*clock_parts)
        if start is None:
            raise ChapterError(_("第%(number)d行的时间不对：%(line)s") % {"number": number, "line": line.strip()})
        if starts and start <= starts[-1][0]:
            raise ChapterError(_("第%(number)d行的时间应当晚于上一行") % {"number": number})
        if duration is not None and start >= duration:
            raise ChapterError(_("第%(number)d行的时间超出了视频长度") % {"number": number})
        starts.append((start, " ".join(title.split())[:MAX_TITLE]))
    ends = [start for start, _ in starts[1:]] + [duration if duration is not None else starts[-1][0] if starts else 0]
    return [Chapter(start, max(end, start), title) for (start, title), end in zip(starts, ends)]


def chapters_vtt(chapters):
    """A WebVTT chapters track. Cue text is plain: '<' and '&' would start markup in WebVTT."""
    cues = ["WEBVTT", ""]
    for number, chapter in enumerate(chapters, start=1):
        title = chapter.title.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        cues += [str(number), f"{vtt_timestamp(chapter.start)} --> {vtt_timestamp(chapter.end)}", title, ""]
    return "\n".join(cues)
