"""The title band, drawn by Pillow into a transparent full-frame PNG that ffmpeg lays over the clip.

The same image is burned into the video (and so into the covers taken from it) and shown in the
admin's preview, so what staff approve is what is published. Pillow draws it rather than ffmpeg's
drawtext because the lines must be broken by measured width (clip_layout.break_lines).
"""

import warnings
from pathlib import Path

from PIL import Image, ImageDraw, ImageEnhance, ImageFilter, ImageOps

from .clip_layout import (
    BAND_BOX,
    BAND_PADDING,
    FRAME_HEIGHT,
    FRAME_WIDTH,
    LOGO_BOX,
    TITLE_BOX,
    TITLE_FONT_SIZE,
    TITLE_LINE_HEIGHT,
    TITLE_MAX_LINES,
    break_lines,
    load_font,
    picture_box,
)
from .messages import gettext_noop

BAND_COLOUR = (0, 0, 0, 150)
TEXT_COLOUR = (255, 255, 255, 255)
TEXT_OUTLINE = (0, 0, 0, 160)
MAX_LOGO_PIXELS = 40_000_000
# The blurred background, the same in ffmpeg (vertical.py) and in the preview: the source shrunk to
# a quarter of the frame, blurred there (cheap), darkened, and stretched back to the frame.
BACKGROUND_SHRINK = 4
BACKGROUND_BLUR_SIGMA = 8
BACKGROUND_BRIGHTNESS = 0.5


class LogoError(ValueError):
    def __init__(self, message, params=None):
        self.message, self.params = message, params or {}
        super().__init__(message % self.params)


def title_lines(title, *, font_path):
    font = load_font(str(font_path), TITLE_FONT_SIZE)
    return break_lines(title, font, TITLE_BOX.width, TITLE_MAX_LINES)


def draw_band(title, *, font_path, logo_path=None):
    """A transparent 1080×1920 RGBA image: the dark band with up to 2 lines of title and the logo."""
    image = Image.new("RGBA", (FRAME_WIDTH, FRAME_HEIGHT), (0, 0, 0, 0))
    lines = title_lines(title, font_path=font_path)
    logo = _open_logo(logo_path) if logo_path else None
    if not lines and logo is None:
        return image
    top = (LOGO_BOX.y if logo is not None else TITLE_BOX.y) - BAND_PADDING
    bottom = TITLE_BOX.y + len(lines) * TITLE_LINE_HEIGHT if lines else LOGO_BOX.bottom
    band = Image.new("RGBA", image.size, (0, 0, 0, 0))
    ImageDraw.Draw(band).rectangle(
        (BAND_BOX.x, top, BAND_BOX.right - 1, min(BAND_BOX.bottom, bottom + BAND_PADDING)), fill=BAND_COLOUR
    )
    image = Image.alpha_composite(image, band)
    if logo is not None:
        logo = ImageOps.contain(logo, (LOGO_BOX.width, LOGO_BOX.height), Image.Resampling.LANCZOS)
        image.alpha_composite(logo, (LOGO_BOX.x, LOGO_BOX.y + (LOGO_BOX.height - logo.height) // 2))
    draw = ImageDraw.Draw(image)
    font = load_font(str(font_path), TITLE_FONT_SIZE)
    for number, line in enumerate(lines):
        # Left-aligned: centred text in the safe area would sit visibly left of the frame's middle.
        draw.text(
            (TITLE_BOX.x, TITLE_BOX.y + number * TITLE_LINE_HEIGHT + TITLE_LINE_HEIGHT // 2),
            line,
            font=font,
            fill=TEXT_COLOUR,
            anchor="lm",
            stroke_width=2,
            stroke_fill=TEXT_OUTLINE,
        )
    return image


def _open_logo(path):
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(path) as logo:
                if logo.width * logo.height > MAX_LOGO_PIXELS:
                    raise LogoError(
                        gettext_noop("台标图片太大（%(width)d×%(height)d），请换一张小一些的 PNG。"),
                        {"width": logo.width, "height": logo.height},
                    )
                logo.load()
                return logo.convert("RGBA")
    except LogoError:
        raise
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise LogoError(gettext_noop("台标图片无法打开：请上传 PNG 或 JPEG 图片（最好是透明背景的 PNG）。"))


def write_band(title, path, *, font_path, logo_path=None):
    path = Path(path)
    draw_band(title, font_path=font_path, logo_path=logo_path).save(path, format="PNG")
    return path


def compose_preview(frame, band, *, source_size=None):
    """The vertical frame as ffmpeg will make it, in Pillow only: blurred, darkened background, the
    picture at picture_box, the band on top. `frame` may be a small thumbnail: `source_size` (the
    source's display width and height) places the picture as it will be placed for the real source."""
    frame = frame.convert("RGB")
    width, height = source_size or frame.size
    picture = picture_box(width, height)
    image = background(frame)
    image.paste(frame.resize((picture.width, picture.height), Image.Resampling.BICUBIC), (picture.x, picture.y))
    image = image.convert("RGBA")
    image.alpha_composite(band.convert("RGBA"))
    return image.convert("RGB")


def background(frame):
    small = (FRAME_WIDTH // BACKGROUND_SHRINK, FRAME_HEIGHT // BACKGROUND_SHRINK)
    scale = max(small[0] / frame.width, small[1] / frame.height)
    covered = frame.resize((max(small[0], round(frame.width * scale)), max(small[1], round(frame.height * scale))))
    left, top = (covered.width - small[0]) // 2, (covered.height - small[1]) // 2
    cropped = covered.crop((left, top, left + small[0], top + small[1]))
    blurred = cropped.filter(ImageFilter.GaussianBlur(BACKGROUND_BLUR_SIGMA))
    darkened = ImageEnhance.Brightness(blurred).enhance(BACKGROUND_BRIGHTNESS)
    return darkened.resize((FRAME_WIDTH, FRAME_HEIGHT), Image.Resampling.BILINEAR)
