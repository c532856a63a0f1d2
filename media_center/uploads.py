"""Large uploads that never pass through memory and survive a dropped connection.

Local storage: the browser sends fixed-size chunks with their offset; a chunk at the wrong offset is
refused with the offset we have, so a client resumes exactly where the server stands. Each chunk is
spooled to a temporary file first and appended under a short row lock only if the file still ends at
its offset, so a slow request overtaken by its own retry never writes over newer bytes. The SHA-256
of every stored chunk is kept and the assembled file checked against them before it becomes a video.
S3: the browser PUTs parts straight to the bucket with presigned URLs and we only complete the upload.
Uploads silent for a day that never became a video are removed by the scheduler.
"""

import hashlib
import os
import shutil
import tempfile
import uuid
from contextlib import contextmanager
from datetime import timedelta

from botocore.exceptions import ClientError
from django.core.exceptions import ValidationError
from django.db import transaction
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext as _

from . import ingest, storage
from .models import UploadChunk, Video, VideoUpload

CHUNK_BYTES = 8 * 1024 * 1024
S3_PART_BYTES = 64 * 1024 * 1024  # 10,000 parts × 64 MB covers any upload we accept
PRESIGNED_SECONDS = 3600
COPY_BYTES = 1024 * 1024
LARGEST_SIZE = 2**63 - 1  # what the database column holds


class OffsetMismatch(Exception):
    """The server's file ends at `received`: the client continues from there."""

    def __init__(self, received, message=None):
        super().__init__(received)
        self.received = received
        self.message = message or _("分片位置不对，请从服务器已收到的位置继续。")


def start(user, *, filename, size, title):
    """Open an upload. The values come straight from the browser's JSON: a size that is not a whole number
    of bytes, or text the database cannot store, is refused with a message."""
    if type(size) is not int or not 0 <= size <= LARGEST_SIZE:
        raise ValidationError(_("文件大小不对。"))
    if not all(isinstance(text, str) and _storable(text) for text in (filename, title)):
        raise ValidationError(_("文件名或标题含有无法保存的字符。"))
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
        upload.s3_upload_id = _s3().create_multipart_upload(Bucket=_bucket(), Key=name, ContentType="application/octet-stream")[
            "UploadId"
        ]
    upload.save()
    return upload


def _storable(text):
    """PostgreSQL refuses NUL in text, and no database takes a lone UTF-16 surrogate."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return "\x00" not in text


def _part_path(upload):
    return storage.local_path_of(upload.storage_name).with_suffix(".part")


def _folder(upload):
    """Everything an upload owns in the video storage, until its source belongs to a video."""
    return upload.storage_name.rsplit("/", 1)[0]


def append_chunk(upload, offset, stream, length):
    """Store `length` bytes from `stream` at `offset`, which must be where the file ends once they are all here.

    The bytes are spooled before anything is locked (a slow client holds no lock), then appended while
    the upload's row is locked: a request overtaken by another at the same offset finds the file moved
    on and is told where it stands now.
    """
    if upload.mode != VideoUpload.Mode.LOCAL or upload.video_id:
        raise ValidationError(_("这个上传不接受分片。"))
    if offset != upload.received:
        raise OffsetMismatch(upload.received)
    if length <= 0 or length > CHUNK_BYTES or offset + length > upload.size:
        raise ValidationError(_("分片大小不对。"))
    part = _part_path(upload)
    with tempfile.TemporaryFile(dir=part.parent) as spool:
        digest = hashlib.sha256()
        spooled = 0
        for block in storage.blocks(stream, length, COPY_BYTES):
            spool.write(block)
            digest.update(block)
            spooled += len(block)
        if spooled != length:
            raise ValidationError(_("分片不完整，请重试。"))
        with transaction.atomic():
            current = _locked(upload)
            if current.received != offset:
                raise OffsetMismatch(current.received)
            spool.seek(0)
            with open(part, "r+b") as handle:
                handle.seek(offset)
                shutil.copyfileobj(spool, handle, COPY_BYTES)
                handle.truncate()  # nothing newer lies past the locked offset: only what a crashed attempt left
            UploadChunk.objects.create(upload=current, offset=offset, length=length, sha256=digest.hexdigest())
            current.received = offset + length
            current.save(update_fields=["received", "updated_at"])
    upload.received = current.received
    return upload.received


def _locked(upload):
    """The upload's row, locked until the transaction ends; gone when the scheduler removed it as abandoned."""
    current = VideoUpload.objects.select_for_update().filter(pk=upload.pk).first()
    if current is None:
        raise ValidationError(_("这个上传已过期，请重新选择文件上传。"))
    return current


def part_urls(upload, numbers):
    if upload.mode != VideoUpload.Mode.S3:
        raise ValidationError(_("这个上传不是直传对象存储。"))
    VideoUpload.objects.filter(pk=upload.pk).update(updated_at=timezone.now())  # the bucket tells us nothing
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


def complete(upload, parts=None):
    """Check the whole file arrived intact, turn it into a Video and queue its processing.

    The checks read the whole file or wait for S3, so they run before the short locked step; calls
    racing each other all return the video the first of them made.
    """
    if upload.video_id:
        return upload.video
    if upload.mode == VideoUpload.Mode.LOCAL:
        _refuse_unfinished(upload)
        _check_assembled(upload)
    else:
        _complete_on_s3(upload, parts)
    with transaction.atomic():
        current = _locked(upload)
        if current.video_id:
            return current.video
        if current.mode == VideoUpload.Mode.LOCAL:
            _refuse_unfinished(current)  # a parallel call may have found damage and sent the client back meanwhile
            part = _part_path(current)
            if not part.exists():
                raise ValidationError(_("服务器上找不到这个上传的文件，请重新上传。"))
            part.rename(storage.local_path_of(current.storage_name))
        video = Video.objects.create(
            title=current.title, uploaded_by=current.uploaded_by, original_filename=current.filename, source=current.storage_name
        )
        current.video = video
        current.save(update_fields=["video", "updated_at"])
        from . import pipeline

        pipeline.start(video)
    return video


def _refuse_unfinished(upload):
    if upload.received != upload.size:
        raise ValidationError(
            _("文件还没有传完：已收到 %(received)d / %(size)d 字节。") % {"received": upload.received, "size": upload.size}
        )


def _check_assembled(upload):
    """Refuse a file that differs from the chunks received, and have the client send again from the first bad one."""
    try:
        damaged = _first_damaged_offset(upload)
    except FileNotFoundError:
        return  # a parallel call has just turned it into a video: the locked step finds that video
    if damaged is None:
        return
    with transaction.atomic():
        still_complete = VideoUpload.objects.filter(
            pk=upload.pk, received=upload.size, video=None
        )  # not reset by a parallel call
        if still_complete.update(received=damaged, updated_at=timezone.now()):
            upload.chunks.filter(offset__gte=damaged).delete()
    raise OffsetMismatch(
        damaged, _("服务器上的文件校验不一致，需要从 %(position)s 处起重新上传。") % {"position": filesizeformat(damaged)}
    )


def _first_damaged_offset(upload):
    """Where the assembled file first differs from the chunks received (each one's SHA-256, the declared size), or None."""
    expected = 0
    with open(_part_path(upload), "rb") as handle:
        for chunk in upload.chunks.order_by("offset"):
            digest = hashlib.sha256()
            for block in storage.blocks(handle, chunk.length, COPY_BYTES):
                digest.update(block)
            if chunk.offset != expected or digest.hexdigest() != chunk.sha256:
                return expected
            expected += chunk.length
        if expected != upload.size:
            return expected
        if handle.read(1):
            return expected - chunk.length  # the last chunk, sent again, cuts the file at its end
    return None


def _complete_on_s3(upload, parts):
    with _gone_is_fine():  # a parallel call completed it already
        _s3().complete_multipart_upload(
            Bucket=_bucket(), Key=upload.storage_name, UploadId=upload.s3_upload_id,
            MultipartUpload={"Parts": [{"PartNumber": int(p["PartNumber"]), "ETag": p["ETag"]} for p in parts or []]},
        )  # fmt: skip
    stored = _s3().head_object(Bucket=_bucket(), Key=upload.storage_name)["ContentLength"]
    if stored != upload.size:
        storage.video_storage().delete(upload.storage_name)
        raise ValidationError(
            _("上传的大小不对：应为 %(size)d 字节，实际 %(stored)d 字节。") % {"size": upload.size, "stored": stored}
        )


def remove_abandoned(older_than=timedelta(days=1)):
    """Remove the uploads silent for `older_than` that never became a video: their files, their S3 multipart
    upload and their row. Safe to run again, and when the files are gone already; returns how many."""
    cutoff = timezone.now() - older_than
    removed = 0
    for pk in VideoUpload.objects.filter(video=None, updated_at__lt=cutoff).values_list("pk", flat=True):
        with transaction.atomic():
            upload = VideoUpload.objects.select_for_update().filter(pk=pk, video=None, updated_at__lt=cutoff).first()
            if upload is None:
                continue  # it came back to life meanwhile
            if upload.mode == VideoUpload.Mode.S3:
                with _gone_is_fine():
                    _s3().abort_multipart_upload(Bucket=_bucket(), Key=upload.storage_name, UploadId=upload.s3_upload_id)
            storage.delete_tree(_folder(upload))
            upload.delete()
            removed += 1
    return removed


@contextmanager
def _gone_is_fine():
    """An S3 multipart upload that is completed or aborted already answers NoSuchUpload."""
    try:
        yield
    except ClientError as error:
        if error.response["Error"]["Code"] != "NoSuchUpload":
            raise


def _s3():
    return storage.video_storage().connection.meta.client


def _bucket():
    return storage.video_storage().bucket_name
