"""Large uploads that never pass through memory and survive a dropped connection.

Local storage: the browser sends fixed-size chunks with their offset; a chunk at the wrong offset is
refused with the offset we have, so a client resumes exactly where the server stands. S3: the
browser PUTs parts straight to the bucket with presigned URLs and we only complete the upload.
"""

import os
import uuid

from django.core.exceptions import ValidationError
from django.db import transaction

from . import ingest, storage
from .models import Video, VideoUpload

CHUNK_BYTES = 8 * 1024 * 1024
S3_PART_BYTES = 64 * 1024 * 1024  # 10,000 parts × 64 MB covers any upload we accept
PRESIGNED_SECONDS = 3600


class OffsetMismatch(Exception):
    def __init__(self, received):
        super().__init__(received)
        self.received = received


def start(user, *, filename, size, title):
    extension = ingest.check_upload(filename, size)
    key = uuid.uuid4()
    name = f"uploads/{key}/source{extension}"
    upload = VideoUpload(
        key=key, uploaded_by=user, title=(title or os.path.splitext(filename)[0])[:255],
        filename=filename[:255], extension=extension, size=size, storage_name=name,
    )  # fmt: skip
    if storage.local_path_of(name) is not None:
        upload.mode = VideoUpload.Mode.LOCAL
        part = _part_path(upload)
        part.parent.mkdir(parents=True, exist_ok=True)
        part.touch()
    else:
        upload.mode = VideoUpload.Mode.S3
        upload.s3_upload_id = _s3().create_multipart_upload(Bucket=_bucket(), Key=name, ContentType="application/octet-stream")["UploadId"]
    upload.save()
    return upload


def _part_path(upload):
    return storage.local_path_of(upload.storage_name).with_suffix(".part")


def append_chunk(upload, offset, stream, length):
    """Write `length` bytes from `stream` at `offset`, which must be where the file ends now."""
    if upload.mode != VideoUpload.Mode.LOCAL or upload.video_id:
        raise ValidationError("这个上传不接受分片。")
    if offset != upload.received:
        raise OffsetMismatch(upload.received)
    if length <= 0 or length > CHUNK_BYTES or offset + length > upload.size:
        raise ValidationError("分片大小不对。")
    part = _part_path(upload)
    with open(part, "r+b") as handle:
        handle.seek(offset)
        written = 0
        while written < length:
            block = stream.read(min(1024 * 1024, length - written))
            if not block:
                break
            handle.write(block)
            written += len(block)
        handle.truncate(offset + written)
    if written != length:
        raise ValidationError("分片不完整，请重试。")
    VideoUpload.objects.filter(pk=upload.pk).update(received=offset + written)
    upload.received = offset + written
    return upload.received


def part_urls(upload, numbers):
    if upload.mode != VideoUpload.Mode.S3:
        raise ValidationError("这个上传不是直传对象存储。")
    client = _s3()
    return {
        number: client.generate_presigned_url(
            "upload_part",
            Params={"Bucket": _bucket(), "Key": upload.storage_name, "UploadId": upload.s3_upload_id, "PartNumber": number},
            ExpiresIn=PRESIGNED_SECONDS,
        )
        for number in numbers
        if 1 <= number <= 10_000
    }


@transaction.atomic
def complete(upload, parts=None):
    """Check the whole file arrived, turn it into a Video and queue its processing."""
    if upload.video_id:
        return upload.video
    if upload.mode == VideoUpload.Mode.LOCAL:
        if upload.received != upload.size:
            raise ValidationError(f"文件还没有传完：已收到 {upload.received} / {upload.size} 字节。")
        _part_path(upload).rename(storage.local_path_of(upload.storage_name))
    else:
        _s3().complete_multipart_upload(
            Bucket=_bucket(), Key=upload.storage_name, UploadId=upload.s3_upload_id,
            MultipartUpload={"Parts": [{"PartNumber": int(p["PartNumber"]), "ETag": p["ETag"]} for p in parts or []]},
        )  # fmt: skip
        stored = _s3().head_object(Bucket=_bucket(), Key=upload.storage_name)["ContentLength"]
        if stored != upload.size:
            storage.video_storage().delete(upload.storage_name)
            raise ValidationError(f"上传的大小不对：应为 {upload.size} 字节，实际 {stored} 字节。")
    video = Video.objects.create(
        title=upload.title, uploaded_by=upload.uploaded_by, original_filename=upload.filename, source=upload.storage_name
    )
    upload.video = video
    upload.save(update_fields=["video"])
    from . import pipeline

    pipeline.start(video)
    return video


def _s3():
    return storage.video_storage().connection.meta.client


def _bucket():
    return storage.video_storage().bucket_name
