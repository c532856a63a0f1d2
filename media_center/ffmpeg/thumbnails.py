"""A poster frame and a storyboard (sprite sheets + WebVTT) for previews on the seek bar.

The storyboard decodes keyframes only (`-skip_frame nokey`), so it costs a small fraction of a
transcode even on a two-hour recording.
"""

import math
import re
from pathlib import Path

from .runner import run
from .safety import untrusted_input_options

THUMB_WIDTH = 160
TILE_COLUMNS = 10
TILE_ROWS = 10
MAX_THUMBNAILS = 400
POSTER_HEIGHT = 720
STORYBOARD_CUE = re.compile(
    r"^(\d+):(\d{2}):(\d{2}\.\d{3}) --> [\d:.]+\n([\w.-]+\.jpg)#xywh=(\d+),(\d+),(\d+),(\d+)$", re.MULTILINE
)


def poster_time(duration):
    """A frame a little way in: the first frames of a recording are often black or a title card."""
    return min(duration * 0.1, 10.0)


def write_poster(source, output, *, duration, width, height, timeout=120):
    scale = f"scale=-2:{min(POSTER_HEIGHT, height)}" if width >= height else f"scale={min(POSTER_HEIGHT, width)}:-2"
    return run(
        [
            "-ss",
            f"{poster_time(duration):.3f}",
            *untrusted_input_options(),
            "-i",
            str(source),
            "-map",
            "0:v:0",
            "-frames:v",
            "1",
            "-vf",
            scale,
            "-q:v",
            "3",
            "-y",
            str(output),
        ],  # fmt: skip
        timeout=timeout,
    )


def storyboard_interval(duration):
    """Seconds between thumbnails: one a second for short clips, fewer for long recordings."""
    return max(1, math.ceil(duration / MAX_THUMBNAILS))


def thumbnail_height(width, height):
    return max(2, int(round(THUMB_WIDTH * height / width / 2)) * 2)


def write_storyboard(source, output_dir, *, duration, width, height, timeout=1800):
    """Write storyboard_NNN.jpg sprites and return the number of thumbnails taken."""
    interval = storyboard_interval(duration)
    thumb_height = thumbnail_height(width, height)
    output_dir = Path(output_dir)
    run(
        [
            "-skip_frame",
            "nokey",
            *untrusted_input_options(),
            "-i",
            str(source),
            "-map",
            "0:v:0",
            "-vf",
            f"fps=1/{interval},scale={THUMB_WIDTH}:{thumb_height},tile={TILE_COLUMNS}x{TILE_ROWS}",
            "-fps_mode",
            "vfr",
            "-q:v",
            "5",
            "-y",
            str(output_dir / "storyboard_%03d.jpg"),
        ],  # fmt: skip
        timeout=timeout,
    )
    return math.ceil(duration / interval), interval, thumb_height


def storyboard_vtt(count, interval, thumb_height, duration, sprite_url="storyboard_{:03d}.jpg"):
    """WebVTT cues pointing at each thumbnail's rectangle in its sprite (#xywh=…)."""
    per_sprite = TILE_COLUMNS * TILE_ROWS
    lines = ["WEBVTT", ""]
    for index in range(count):
        start, end = index * interval, min((index + 1) * interval, duration)
        if start >= duration:
            break
        sprite, position = divmod(index, per_sprite)
        row, column = divmod(position, TILE_COLUMNS)
        lines += [
            f"{vtt_timestamp(start)} --> {vtt_timestamp(end)}",
            f"{sprite_url.format(sprite + 1)}#xywh={column * THUMB_WIDTH},{row * thumb_height},{THUMB_WIDTH},{thumb_height}",
            "",
        ]
    return "\n".join(lines)


def vtt_timestamp(seconds):
    hours, remainder = divmod(seconds, 3600)
    minutes, seconds = divmod(remainder, 60)
    return f"{int(hours):02d}:{int(minutes):02d}:{seconds:06.3f}"


def storyboard_frame_at(vtt_text, seconds):
    """The sprite name and the (x, y, width, height) of the storyboard thumbnail nearest before `seconds`."""
    nearest = None
    for hours, minutes, secs, sprite, *box in STORYBOARD_CUE.findall(vtt_text):
        if nearest is not None and int(hours) * 3600 + int(minutes) * 60 + float(secs) > seconds:
            break
        nearest = sprite, tuple(int(value) for value in box)
    if nearest is None:
        raise ValueError("the storyboard has no thumbnails")
    return nearest
