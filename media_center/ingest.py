"""Turning a file someone hands us into a Video row and its first job."""

from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from . import pipeline, storage
from .models import Video

ACCEPTED_EXTENSIONS = (".mp4", ".m4v", ".mov", ".mkv", ".webm", ".ts", ".mts", ".m2ts", ".flv", ".avi")


def check_upload(filename, size):
    """Raise ValidationError with a message for staff; the probe later checks what is inside."""
    extension = Path(filename).suffix.lower()
    if extension not in ACCEPTED_EXTENSIONS:
        raise ValidationError(
            _("不支持的文件类型「%(extension)s」：请上传 %(accepted)s 格式的视频。")
            % {"extension": extension or _("无扩展名"), "accepted": "、".join(e.lstrip(".") for e in ACCEPTED_EXTENSIONS)}
        )
    if size <= 0:
        raise ValidationError(_("文件是空的。"))
    if size > settings.VIDEO_MAX_UPLOAD_BYTES:
        raise ValidationError(
            _("文件 %(size)s，超过上限 %(limit)s。")
            % {"size": filesizeformat(size), "limit": filesizeformat(settings.VIDEO_MAX_UPLOAD_BYTES)}
        )
    return extension


def source_name(video, extension):
    """Never the uploader's file name: only our own id and a whitelisted extension reach the disk."""
    return f"{video.prefix}/source/source{extension}"


@transaction.atomic
def ingest_file(path, *, title, user=None, original_filename=None, is_public=False, on_bytes=None):
    """Copy a local file into storage as a new video and queue its processing.

    The file is streamed, never read whole; `on_bytes(n)` hears of every block copied.
    """
    path = Path(path)
    original_filename = original_filename or path.name
    extension = check_upload(original_filename, path.stat().st_size)
    video = Video.objects.create(title=title, uploaded_by=user, original_filename=original_filename[:255], is_public=is_public)
    with open(path, "rb") as handle:
        video.source = storage.store_stream(_Counting(handle, on_bytes or (lambda size: None)), source_name(video, extension))
    video.save(update_fields=["source"])
    pipeline.start(video)
    return video


class _Counting:
    """A file wrapper that reports how much has been read (for progress bars)."""

    def __init__(self, handle, on_read):
        self.handle, self.on_read, self.name = handle, on_read, handle.name

    def read(self, size=-1):
        data = self.handle.read(size)
        self.on_read(len(data))
        return data

    def __getattr__(self, name):  # seek, tell, closed… as the real file
        return getattr(self.handle, name)
