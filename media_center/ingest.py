"""Turning a file someone hands us into a Video row and its first job."""

import shutil
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.template.defaultfilters import filesizeformat

from . import pipeline, storage
from .models import Video

ACCEPTED_EXTENSIONS = (".mp4", ".m4v", ".mov", ".mkv", ".webm", ".ts", ".mts", ".m2ts", ".flv", ".avi")


def check_upload(filename, size):
    """Raise ValidationError with a message for staff; the probe later checks what is inside."""
    extension = Path(filename).suffix.lower()
    if extension not in ACCEPTED_EXTENSIONS:
        raise ValidationError(
            f"不支持的文件类型「{extension or '无扩展名'}」：请上传 {'、'.join(e.lstrip('.') for e in ACCEPTED_EXTENSIONS)} 格式的视频。"
        )
    if size <= 0:
        raise ValidationError("文件是空的。")
    if size > settings.VIDEO_MAX_UPLOAD_BYTES:
        raise ValidationError(
            f"文件 {filesizeformat(size)}，超过上限 {filesizeformat(settings.VIDEO_MAX_UPLOAD_BYTES)}。"
        )
    return extension


def source_name(video, extension):
    """Never the uploader's file name: only our own id and a whitelisted extension reach the disk."""
    return f"{video.prefix}/source/source{extension}"


@transaction.atomic
def ingest_file(path, *, title, user=None, original_filename=None):
    """Copy a local file into storage as a new video and queue its processing."""
    path = Path(path)
    original_filename = original_filename or path.name
    extension = check_upload(original_filename, path.stat().st_size)
    video = Video.objects.create(title=title, uploaded_by=user, original_filename=original_filename[:255])
    video.source = storage.store(path, source_name(video, extension))
    video.save(update_fields=["source"])
    pipeline.start(video)
    return video


def copy_with_progress(source, target, on_bytes, buffer_size=8 * 1024 * 1024):
    with open(source, "rb") as reader, open(target, "wb") as writer:
        while block := reader.read(buffer_size):
            writer.write(block)
            on_bytes(len(block))
    shutil.copystat(source, target)
