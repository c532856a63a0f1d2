"""The 视频号 export package: 视频号 has no posting API (/work/shared/channels/WECHAT.md), so staff download
one zip, post it by hand in 视频号助手, then confirm the post's link (manual.py).

The zip holds the rendered clip as `<标题>.mp4` (H.264/AAC, at most 1080×1920), its cover as `封面.jpg` and
`文案.txt` (title, description and #话题, UTF-8 with a BOM so Windows Notepad reads it). It is written
into a small sink that the response drains after every write, the MP4 read from the video storage a
block at a time: a download holds one block, never the file.
"""

import io
import re
import unicodedata
import zipfile
from contextlib import closing
from dataclasses import dataclass, field
from urllib.parse import quote

from django.core.exceptions import ValidationError
from django.http import StreamingHttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from PIL import Image
from wagtail.models import Page

from core.visibility import ReadablePageQuerySet
from media_center import storage
from media_center.models import Video
from media_center.placements import pages_showing

BLOCK_BYTES = 1024 * 1024  # read from storage and handed to the response a block at a time
MAX_COVER_BYTES = 20 * 1024 * 1024  # a cover is a few hundred KB; anything near this is not one
COVER_QUALITY = 90
BOM = "\ufeff"

# What 视频号 takes (WECHAT.md, 视频号): H.264 video with AAC sound, at most 1080×1920.
VIDEO_CODEC = "h264"
AUDIO_CODEC = "aac"
MAX_WIDTH, MAX_HEIGHT = 1080, 1920

# File names: short enough for every file system and for unzip tools on Windows (MAX_PATH).
MAX_NAME_CHARS = 60
MAX_NAME_BYTES = 180
# Path separators become spaces (so `../` leaves only dots, trimmed off the ends); the other characters
# Windows refuses in a name become their full-width forms, which read the same in a Chinese title.
NAME_CHARACTERS = {ord("/"): " ", ord("\\"): " ", **{ord(c): ord(c) + 0xFEE0 for c in ':*?"<>|'}}
DROPPED_CATEGORIES = {"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"}  # control, format (bidi overrides), unassigned
KEPT_FORMAT = {"\u200d"}  # the zero-width joiner inside emoji sequences
WINDOWS_DEVICES = {"CON", "PRN", "AUX", "NUL", *(f"COM{n}" for n in range(1, 10)), *(f"LPT{n}" for n in range(1, 10))}

# Topics: separated by spaces, commas, 、 or #; full-width ＃ is read as #.
TOPIC_SEPARATORS = re.compile(r"[\s,;#\u3001\uff0c\uff1b]+")


def safe_name(text, fallback, *, max_chars=MAX_NAME_CHARS, max_bytes=MAX_NAME_BYTES):
    """`text` as one file name: no path separators or control characters, nothing Windows refuses, no
    leading dots (`..`, hidden files) and not too long; `fallback` when nothing is left."""
    text = unicodedata.normalize("NFC", str(text)).translate(NAME_CHARACTERS)
    kept = []
    for character in text:
        if character.isspace():
            kept.append(" ")
        elif unicodedata.category(character) not in DROPPED_CATEGORIES or character in KEPT_FORMAT:
            kept.append(character)
    name = _trimmed(" ".join("".join(kept).split()))
    while len(name) > max_chars or len(name.encode("utf-8")) > max_bytes:
        name = _trimmed(name[:-1])
    if name.split(".")[0].upper() in WINDOWS_DEVICES:
        name = f"_{name}"
    return name or fallback


def _trimmed(name):
    return name.strip(" .\u200d")


def normalised_topics(text):
    """`#春风行动 ＃工会服务，春风行动` → ["#春风行动", "#工会服务"]: each once, each with one #."""
    topics, seen = [], set()
    for word in TOPIC_SEPARATORS.split(text.replace("\uff03", "#")):
        word = _one_line(word).strip()
        if word and word.casefold() not in seen:
            seen.add(word.casefold())
            topics.append(f"#{word}")
    return topics


def _one_line(text):
    return "".join(character for character in text if unicodedata.category(character) not in DROPPED_CATEGORIES)


def _lines(text):
    """The text's lines without control characters (tabs kept), trailing spaces dropped."""
    lines = []
    for line in str(text).replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        lines.append("".join(c for c in line if c == "\t" or unicodedata.category(c) not in DROPPED_CATEGORIES).rstrip())
    return lines


def caption_text(*, title, description="", topics="", link="", note=""):
    """文案.txt: the title, the description, a blank line, the #话题, the clip's page; CRLF lines and a
    BOM, so Notepad on Windows shows it as written."""
    lines = [" ".join(_lines(title)).strip()]
    body = _lines(description)
    while body and not body[-1]:
        body.pop()
    while body and not body[0]:
        body.pop(0)
    lines += body
    tags = normalised_topics(topics)
    if tags or link:
        lines.append("")
    if tags:
        lines.append(" ".join(tags))
    if link:
        lines.append(link)
    if note:
        lines += ["", note]
    return (BOM + "\r\n".join(lines) + "\r\n").encode("utf-8")


def as_jpeg(data):
    """The cover as JPEG bytes: a JPEG as it is once it decodes, anything else Pillow reads converted.
    None when it is no image."""
    try:
        with Image.open(io.BytesIO(data)) as image:
            image.load()
            if image.format == "JPEG":
                return data
            if image.mode in ("RGBA", "LA", "P"):
                image = image.convert("RGBA")
                flat = Image.new("RGB", image.size, (255, 255, 255))
                flat.paste(image, mask=image.getchannel("A"))
                image = flat
            out = io.BytesIO()
            image.convert("RGB").save(out, format="JPEG", quality=COVER_QUALITY, optimize=True)
            return out.getvalue()
    except (OSError, ValueError, SyntaxError, Image.DecompressionBombError):
        return None


@dataclass
class Package:
    """What goes into one zip: the MP4 (a name in video storage and its size) and the small entries in full."""

    filename: str  # of the zip, as the browser saves it
    fallback_filename: str  # ASCII, for clients that do not read filename*
    video_name: str  # inside the zip
    source: str  # in video storage
    size: int
    date_time: tuple
    small_entries: list = field(default_factory=list)  # (name, bytes)


class Sink:
    """Where zipfile writes: kept until the response takes it. Not seekable, so zipfile writes each
    entry's sizes after its data (a data descriptor) instead of going back."""

    def __init__(self):
        self.parts = []

    def write(self, data):
        self.parts.append(bytes(data))
        return len(data)

    def flush(self):
        pass

    def drain(self):
        data = b"".join(self.parts)
        self.parts.clear()
        return data


def _entry(name, date_time):
    info = zipfile.ZipInfo(name, date_time=date_time)
    info.compress_type = zipfile.ZIP_STORED  # an MP4 and a JPEG are compressed already
    info.external_attr = 0o644 << 16
    return info


def zip_stream(package, read_range=None):
    """The zip's bytes as they are written: the MP4 a block at a time, straight from storage."""
    read_range = read_range or storage.read_range
    sink = Sink()
    with zipfile.ZipFile(sink, "w", compression=zipfile.ZIP_STORED) as archive:
        info = _entry(package.video_name, package.date_time)
        info.file_size = package.size  # zipfile chooses ZIP64 from it for a clip past 2 GB
        sent = 0
        blocks = read_range(package.source, 0, package.size, block_size=BLOCK_BYTES)
        with closing(blocks), archive.open(info, "w") as entry:
            for block in blocks:
                entry.write(block)
                sent += len(block)
                yield sink.drain()
        if sent != package.size:  # the file changed under us: end the download broken rather than wrong
            raise OSError(f"{package.source}: {sent} of {package.size} bytes read")
        for name, data in package.small_entries:
            archive.writestr(_entry(name, package.date_time), data)
            yield sink.drain()
    yield sink.drain()


def content_disposition(filename, fallback):
    """attachment, with the UTF-8 name (RFC 5987/6266) and an ASCII one for clients that read only that."""
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename, safe='')}"


def response_for(package):
    response = StreamingHttpResponse((part for part in zip_stream(package) if part), content_type="application/zip")
    response["Content-Disposition"] = content_disposition(package.filename, package.fallback_filename)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


# The clip.


def limit_problems(clip):
    """What keeps the rendered clip from 视频号, from what the probe found in it."""
    problems = []
    if clip.video_codec != VIDEO_CODEC:
        problems.append(_("视频编码为 %(codec)s，视频号需要 H.264") % {"codec": clip.video_codec or _("未知")})
    if clip.has_audio and clip.audio_codec != AUDIO_CODEC:
        problems.append(_("音频编码为 %(codec)s，视频号需要 AAC") % {"codec": clip.audio_codec or _("未知")})
    if not clip.width or not clip.height:
        problems.append(_("没有画面尺寸"))
    elif clip.width > MAX_WIDTH or clip.height > MAX_HEIGHT:
        problems.append(
            _("画面为 %(width)d×%(height)d，视频号最大 %(max_width)d×%(max_height)d")
            % {"width": clip.width, "height": clip.height, "max_width": MAX_WIDTH, "max_height": MAX_HEIGHT}
        )
    return problems


def check_packable(clip):
    """A clip 终审 approved, rendered, its file there, within 视频号's limits; else ValidationError."""
    if not clip.is_clip:
        raise ValidationError(_("只有短视频才能生成视频号发布包。"))
    if clip.review_status != Video.Review.APPROVED:
        raise ValidationError(_("只有终审通过的短视频才能发布到平台。"))
    if clip.status != Video.Status.READY or not clip.source:
        raise ValidationError(_("短视频还没有生成完成，完成后才能发布。"))
    problems = limit_problems(clip)
    if problems:
        raise ValidationError(
            _("这条短视频不符合视频号的要求：%(problems)s。请重新生成短视频。") % {"problems": "；".join(problems)}
        )
    if not storage.exists(clip.source):
        raise ValidationError(_("短视频的文件不见了，请重新生成短视频。"))


def clip_link(clip, request=None):
    """Where readers find the clip on the site: the first page anyone may read that shows it, else its
    own page if it is public; "" when it has neither."""
    readable = ReadablePageQuerySet(Page).filter(pk__in=pages_showing([clip.pk])).readable()
    page = readable.order_by("first_published_at", "pk").first()
    if page is not None:
        return page.get_full_url(request) or ""
    if clip.is_watchable_by_public and request is not None:
        return request.build_absolute_uri(reverse("media_center:watch", args=(clip.pk,)))
    return ""


def cover_of(clip):
    """The clip's cover as JPEG bytes (its 1080×1920 frame with the title band, made with the clip), or None."""
    if not clip.poster or not storage.exists(clip.poster):
        return None
    try:
        if storage.size_of(clip.poster) > MAX_COVER_BYTES:
            return None
        with storage.video_storage().open(clip.poster, "rb") as handle:
            return as_jpeg(handle.read())
    except OSError:
        return None


def build(clip, request=None):
    """The package of an approved, rendered clip; ValidationError with the reason when there is none."""
    check_packable(clip)
    title = safe_name(clip.title, fallback=_("短视频"))
    cover = cover_of(clip)
    note = "" if cover else _("注：这条短视频没有可用的封面图，请在视频号助手里选一帧作封面。")
    caption = caption_text(
        title=clip.title, description=clip.description, topics=clip.topics, link=clip_link(clip, request), note=note
    )
    entries = ([(f"{_('封面')}.jpg", cover)] if cover else []) + [(f"{_('文案')}.txt", caption)]
    made = timezone.localtime(clip.ready_at or timezone.now())
    return Package(
        filename=f"{safe_name(_('视频号发布包-%(title)s') % {'title': clip.title}, fallback=title)}.zip",
        fallback_filename=f"channels-{clip.pk}.zip",
        video_name=f"{title}.mp4",
        source=clip.source,
        size=storage.size_of(clip.source),
        date_time=(max(made.year, 1980), made.month, made.day, made.hour, made.minute, made.second),
        small_entries=entries,
    )
