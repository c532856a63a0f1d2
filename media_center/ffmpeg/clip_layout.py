"""Where everything goes in a vertical clip: the one place that knows the channels' UI.

Douyin (抖音) and WeChat Channels (视频号) draw their own UI over a vertical video: the caption,
the author and the music along the bottom, the like/comment/share buttons down the right edge,
and the tabs plus the phone's status bar across the top. Text or a logo under them cannot be
read, so ours stays in the safe area:

        0                           918   1080
      0 +----------------------------+-----+
        |   status bar, top tabs     |     |   TOP_UI_SHARE: nothing of ours above 154
    184 |============================|=====|   BAND_BOX: the dark title band (full width; its
        | [LOGO_BOX]                 |     |   text and logo stay left of 918)
        | TITLE_BOX: up to 2 lines,  |     |
        | left-aligned               |     |
    504 |============================|=====|
        |                            |     |
    656 |+--------------------------+|-----+   picture_box(): a 16:9 source scaled to the
        ||   the source picture     ||     |   frame's width (1080×608), centred, over a
        ||   (over a blurred,       ||right|   blurred and darkened copy of itself
   1264 |+--------------------------+| UI  |
        | SUBTITLE_BOX: up to 3      |     |   RIGHT_UI_SHARE: the buttons column
        | lines, bottom-aligned      |     |
   1536 +----------------------------+-----+
        |  bottom UI: caption, author, music |   BOTTOM_UI_SHARE
   1920 +------------------------------------+

The square crop for lists (square_crop_box) keeps the title band and, for a 16:9 source, the
whole picture (184–1264). Lines are broken here by measured glyph widths on the CJK font, because
Debian's libass cannot break Chinese (no libunibreak): the title band and the subtitles both use
break_lines, so what is measured is what is drawn.
"""

import re
import struct
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from PIL import ImageFont

from .messages import gettext_noop

FRAME_WIDTH = 1080
FRAME_HEIGHT = 1920
BOTTOM_UI_SHARE = 0.20
RIGHT_UI_SHARE = 0.15
TOP_UI_SHARE = 0.08
MAX_UPSCALE = 1.5

SAFE_RIGHT = round(FRAME_WIDTH * (1 - RIGHT_UI_SHARE))  # 918
SAFE_BOTTOM = round(FRAME_HEIGHT * (1 - BOTTOM_UI_SHARE))  # 1536
SAFE_TOP = round(FRAME_HEIGHT * TOP_UI_SHARE)  # 154
SIDE_MARGIN = 54


@dataclass(frozen=True)
class Box:
    x: int
    y: int
    width: int
    height: int

    @property
    def right(self):
        return self.x + self.width

    @property
    def bottom(self):
        return self.y + self.height

    def contains(self, other):
        return self.x <= other.x and self.y <= other.y and other.right <= self.right and other.bottom <= self.bottom


FRAME_BOX = Box(0, 0, FRAME_WIDTH, FRAME_HEIGHT)
SAFE_BOX = Box(0, SAFE_TOP, SAFE_RIGHT, SAFE_BOTTOM - SAFE_TOP)

# The band starts low enough that a 1080×1080 crop from its top still holds a whole 16:9 picture.
BAND_BOX = Box(0, 184, FRAME_WIDTH, 320)
BAND_PADDING = 16
LOGO_BOX = Box(SIDE_MARGIN, 200, 216, 64)
TITLE_BOX = Box(SIDE_MARGIN, 280, SAFE_RIGHT - 36 - SIDE_MARGIN, 204)
TITLE_FONT_SIZE = 68
TITLE_LINE_HEIGHT = 96
TITLE_MAX_LINES = 2

SUBTITLE_BOX = Box(SIDE_MARGIN, 1290, SAFE_RIGHT - 36 - SIDE_MARGIN, 210)  # bottom at 1500, above the bottom UI
SUBTITLE_FONT_SIZE = 60  # ASS size (libass: the font's ascent + descent), about 51 px em with WenQuanYi
SUBTITLE_MAX_LINES = 3

SQUARE_SIZE = FRAME_WIDTH

FONT_PACKAGE = "fonts-wqy-microhei"


class FontMissing(RuntimeError):
    """No CJK font on this machine: titles and subtitles cannot be drawn."""

    def __init__(self, candidates=()):
        self.message = gettext_noop(
            "找不到中文字体，无法给短视频压标题和字幕（查找过：%(paths)s）。"
            "请在处理视频的机器上安装 Debian 软件包 %(package)s：apt-get install %(package)s"
        )
        self.params = {"paths": "、".join(str(path) for path in candidates) or "-", "package": FONT_PACKAGE}
        super().__init__(self.message % self.params)


def find_cjk_font(candidates):
    """The first of `candidates` (settings.CJK_FONT_PATHS) that exists on this machine."""
    for candidate in candidates:
        path = Path(candidate)
        if path.is_file():
            return path
    raise FontMissing(candidates)


@lru_cache(maxsize=32)
def load_font(path, size):
    """The font at `size` px (em); in a collection (.ttc), the Simplified Chinese face when there is one
    (Noto Sans CJK's first face is the Japanese one)."""
    return ImageFont.truetype(str(path), size, index=font_index(path))


@lru_cache(maxsize=8)
def font_index(path):
    if Path(path).suffix.lower() not in (".ttc", ".otc"):
        return 0
    for index in range(_face_count(path)):
        try:
            family = ImageFont.truetype(str(path), 12, index=index).getname()[0] or ""
        except OSError:
            break
        if family.endswith(" SC"):
            return index
    return 0


def _face_count(path):
    with open(path, "rb") as file:
        header = file.read(12)
    if header[:4] != b"ttcf":
        return 1
    return min(struct.unpack(">I", header[8:12])[0], 32)


def sfnt_metrics(path, index=0):
    """(units per em, OS/2 winAscent + winDescent): libass sizes a font so that the latter equals the
    ASS font size, as VSFilter does, so Pillow must measure at size × units_per_em / win_height."""
    with open(path, "rb") as file:
        data = file.read(1 << 20)  # the table directory and these small tables sit at the start
    offset = 0
    if data[:4] == b"ttcf":
        offset = struct.unpack(">I", data[12 + 4 * index : 16 + 4 * index])[0]
    count = struct.unpack(">H", data[offset + 4 : offset + 6])[0]
    tables = {}
    for number in range(count):
        tag, _, table_offset, _ = struct.unpack(">4sIII", data[offset + 12 + 16 * number : offset + 28 + 16 * number])
        tables[tag] = table_offset
    head, os2 = tables[b"head"], tables[b"OS/2"]
    if max(head, os2) + 78 > len(data):
        with open(path, "rb") as file:
            file.seek(head + 18)
            units_per_em = struct.unpack(">H", file.read(2))[0]
            file.seek(os2 + 74)
            ascent, descent = struct.unpack(">HH", file.read(4))
    else:
        units_per_em = struct.unpack(">H", data[head + 18 : head + 20])[0]
        ascent, descent = struct.unpack(">HH", data[os2 + 74 : os2 + 78])
    return units_per_em, ascent + descent


def picture_box(width, height):
    """Where the source picture lands: as large as fits the frame whole (a 16:9 source spans the width,
    a 9:16 one fills the frame), never more than MAX_UPSCALE times its own size, centred, even sizes.
    Other portrait shapes are fitted whole over the blurred copy rather than cropped."""
    if width <= 0 or height <= 0:
        raise ValueError("picture size must be positive")
    scale = min(FRAME_WIDTH / width, FRAME_HEIGHT / height, MAX_UPSCALE)
    box_width = min(FRAME_WIDTH, _even(width * scale))
    box_height = min(FRAME_HEIGHT, _even(height * scale))
    return Box(_even_down((FRAME_WIDTH - box_width) / 2), _even_down((FRAME_HEIGHT - box_height) / 2), box_width, box_height)


def square_crop_box(picture):
    """The 1080×1080 crop for lists: the whole title band, and as much of the picture as fits
    (centred on the picture when the band allows it)."""
    lowest = max(0, BAND_BOX.bottom - SQUARE_SIZE)
    highest = min(BAND_BOX.y, FRAME_HEIGHT - SQUARE_SIZE)
    wanted = (picture.y + picture.bottom) / 2 - SQUARE_SIZE / 2
    top = _even_down(min(max(wanted, lowest), highest))
    return Box(0, top, SQUARE_SIZE, SQUARE_SIZE)


def _even(value):
    return max(2, int(round(value / 2)) * 2)


def _even_down(value):
    return max(0, int(value) // 2 * 2)


# Line breaking ---------------------------------------------------------------------------------

LINE_BREAKING = tomllib.loads(Path(__file__).with_name("line_breaking.toml").read_text(encoding="utf-8"))
_ALNUM = LINE_BREAKING["alnum"]
_JOINERS = re.escape(LINE_BREAKING["joiners"])
_UNITS = "|".join([*LINE_BREAKING["unit_words"], f"[{LINE_BREAKING['units']}]"])
_WORD = re.compile(
    rf"[{re.escape(LINE_BREAKING['prefixes'])}]?[{_ALNUM}]+(?:[{_JOINERS}]+[{_ALNUM}]+)*"
    rf"(?:[{re.escape(LINE_BREAKING['suffixes'])}]|\+\+)?(?:{_UNITS})?"
)
_TOKEN = re.compile(rf"{_WORD.pattern}|\s+|.", re.DOTALL)
NO_LINE_START = set(LINE_BREAKING["no_line_start"])
NO_LINE_END = set(LINE_BREAKING["no_line_end"])
_TRAILING_BEFORE_ELLIPSIS = LINE_BREAKING["trailing_before_ellipsis"]
ELLIPSIS = "…"


def break_lines(text, font, max_width, max_lines=None):
    """Lines of `text` each at most `max_width` px wide on `font` (a PIL font), broken between CJK
    characters or at spaces, never inside a Latin word or a number with its unit, and never before
    closing punctuation or after opening punctuation. Explicit newlines are kept. With `max_lines`,
    the last kept line ends with "…" (itself within `max_width`) when the text went on."""
    text = str(text or "").replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        return []
    lines = []
    for paragraph in text.strip("\n").split("\n"):
        lines.extend(_break_paragraph(_segments(paragraph), font, max_width) or [[]])
    if max_lines is not None and len(lines) > max_lines:
        lines = lines[: max_lines - 1] + [_with_ellipsis(lines[max_lines - 1], font, max_width)]
    return ["".join(segments).strip() for segments in lines]


def _segments(paragraph):
    """Unbreakable pieces: words, single CJK characters with the punctuation glued to them, and spaces."""
    segments = []
    glue_next = False
    for token in _TOKEN.findall(paragraph):
        if token.isspace():
            segments.append(" ")
            glue_next = False
            continue
        if segments and not segments[-1].isspace() and (glue_next or token[0] in NO_LINE_START):
            segments[-1] += token
        else:
            segments.append(token)
        glue_next = token[-1] in NO_LINE_END
    return segments


def _break_paragraph(segments, font, max_width):
    lines, current = [], []
    for segment in segments:
        if segment.isspace():
            if current:
                current.append(segment)
            continue
        if not current:
            if _width(font, segment) > max_width:
                pieces = _split_by_character(segment, font, max_width)
                lines.extend([piece] for piece in pieces[:-1])
                current = [pieces[-1]]
            else:
                current = [segment]
            continue
        if _width(font, "".join(current + [segment]).rstrip()) <= max_width:
            current.append(segment)
            continue
        lines.append(_rstrip(current))
        current = []
        if _width(font, segment) > max_width:
            pieces = _split_by_character(segment, font, max_width)
            lines.extend([piece] for piece in pieces[:-1])
            segment = pieces[-1]
        current = [segment]
    if current:
        lines.append(_rstrip(current))
    return lines


def _split_by_character(segment, font, max_width):
    """A single word wider than the line (a long URL): broken where it must be, a character at a time."""
    pieces, current = [], ""
    for character in segment:
        if current and _width(font, current + character) > max_width:
            pieces.append(current)
            current = ""
        current += character
    return pieces + [current]


def _with_ellipsis(segments, font, max_width):
    """Whole segments are dropped from the end until "…" fits: a salary is never cut to "6000-80…"."""
    whole = "".join(_rstrip(segments))
    segments = _rstrip(segments)
    while segments and _width(font, _trimmed("".join(segments)) + ELLIPSIS) > max_width:
        segments = _rstrip(segments[:-1])
    if segments:
        return [_trimmed("".join(segments)) + ELLIPSIS]
    text = _trimmed(whole)  # one word filled the whole line: nothing better than to cut it
    while text and _width(font, text + ELLIPSIS) > max_width:
        text = _trimmed(text[:-1])
    return [text + ELLIPSIS]


def _trimmed(text):
    return text.rstrip(_TRAILING_BEFORE_ELLIPSIS)


def _rstrip(segments):
    segments = list(segments)
    while segments and segments[-1].isspace():
        segments.pop()
    return segments


def _width(font, text):
    return font.getlength(text)
