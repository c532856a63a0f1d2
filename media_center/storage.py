"""Where video files live: the `videos` storage (a private folder, or an S3 bucket), never MEDIA_ROOT.

ffmpeg needs local paths; on S3 the files are copied to a work folder first and results copied back.
Names are deterministic and the storage overwrites, so a retried job replaces what a dead one left.
"""

import shutil
from contextlib import contextmanager
from pathlib import Path

from django.core.files import File
from django.core.files.base import ContentFile
from django.core.files.storage import storages

COPY_BUFFER = 8 * 1024 * 1024


def video_storage():
    return storages["videos"]


def local_path_of(name):
    """The file's own path when the storage is a local folder, else None."""
    try:
        return Path(video_storage().path(name))
    except NotImplementedError:
        return None


@contextmanager
def local_copy(name, work_dir):
    """A local path for ffmpeg to read `name` from: the file itself on disk, or a temporary download."""
    path = local_path_of(name)
    if path is not None:
        yield path
        return
    target = Path(work_dir) / Path(name).name
    with video_storage().open(name, "rb") as remote, open(target, "wb") as local:
        shutil.copyfileobj(remote, local, COPY_BUFFER)
    try:
        yield target
    finally:
        target.unlink(missing_ok=True)


def readable_location(name):
    """Where ffmpeg can read `name` in place: its path on a local folder, or a presigned URL it reads by
    ranged requests. A clip of a two-hour recording reads its span without copying the recording."""
    path = local_path_of(name)
    return str(path) if path is not None else video_storage().url(name)


def blocks(stream, length, block_size=COPY_BUFFER):
    """Up to `length` bytes of `stream`, a block at a time; fewer if it ends early."""
    while length > 0:
        block = stream.read(min(block_size, length))
        if not block:
            return
        length -= len(block)
        yield block


def size_of(name):
    return video_storage().size(name)


def read_range(name, start, length, block_size=1024 * 1024):
    """`length` bytes of `name` from `start`, a block at a time: a local file read in place, or one ranged
    GET on S3 streamed as it arrives, so a channel upload of a 4 GB clip holds a block, not the file."""
    path = local_path_of(name)
    if path is not None:
        with open(path, "rb") as handle:
            handle.seek(start)
            yield from blocks(handle, length, block_size)
        return
    from storages.utils import clean_name

    storage = video_storage()
    key = storage._normalize_name(clean_name(name))  # the bucket key, with the storage's location, as it names it
    reply = storage.connection.meta.client.get_object(
        Bucket=storage.bucket_name, Key=key, Range=f"bytes={start}-{start + length - 1}"
    )
    body = reply["Body"]
    try:
        yield from blocks(body, length, block_size)
    finally:
        body.close()


def store(local_file, name):
    with open(local_file, "rb") as handle:
        return store_stream(handle, name)


def store_stream(handle, name):
    return _save(name, File(handle, name=Path(name).name))


def store_text(text, name):
    return _save(name, ContentFile(text.encode("utf-8"), name=Path(name).name))


def _save(name, content):
    saved = video_storage().save(name, content)
    if saved != name:
        raise RuntimeError(f"storage renamed {name} to {saved}: the videos storage must overwrite")
    return saved


def read_text(name):
    with video_storage().open(name, "rb") as handle:
        return handle.read().decode("utf-8")


def exists(name):
    return video_storage().exists(name)


def delete_tree(prefix):
    """Remove every file under `prefix` (a video's folder), on a local folder or in a bucket."""
    storage = video_storage()
    path = local_path_of(prefix)
    if path is not None:
        shutil.rmtree(path, ignore_errors=True)
        return
    directories, files = storage.listdir(prefix)
    for name in files:
        storage.delete(f"{prefix}/{name}")
    for directory in directories:
        delete_tree(f"{prefix}/{directory}")


def list_files(prefix):
    storage = video_storage()
    try:
        directories, files = storage.listdir(prefix)
    except FileNotFoundError:
        return []
    found = [f"{prefix}/{name}" for name in files]
    for directory in directories:
        found += list_files(f"{prefix}/{directory}")
    return sorted(found)
