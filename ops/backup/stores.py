"""Files by name in a local folder or under an S3 prefix: the site's storages and a backup location
look the same to the archive, so every combination (local → S3, S3 → local, …) is one code path."""

import contextlib
import mimetypes
import os
import shutil
import tempfile
import time
import uuid
from dataclasses import dataclass
from pathlib import Path, PurePosixPath


@dataclass(frozen=True)
class Entry:
    name: str
    size: int
    stamp: str  # changes whenever the file does: its mtime for a local file, its ETag on S3


class UnsafeName(ValueError):
    """A name that would leave the store's root (`..`, absolute): refused, whatever wrote it."""


def checked(name):
    path = PurePosixPath(name)
    if not name or path.is_absolute() or ".." in path.parts or "\x00" in name:
        raise UnsafeName(name)
    return name


class LocalFiles:
    """`file_mode`: what a file put here gets (a site's files must be readable by nginx; a backup's need not be)."""

    def __init__(self, root, file_mode=None):
        self.root = Path(root)
        self.file_mode = file_mode

    def __str__(self):
        return str(self.root)

    def identity(self):
        return ("local", str(self.root.resolve()))

    def path(self, name):
        return self.root / checked(name)

    def walk(self, prefix=""):
        """Every file under `prefix`, sorted by name; temporary files of an unfinished write are not files yet."""
        top = self.root / prefix if prefix else self.root
        found = []
        for folder, folders, files in os.walk(top, onerror=raise_error):  # an unreadable folder is no empty one
            folders[:] = [name for name in folders if name != ".incoming"]
            for file_name in files:
                path = Path(folder) / file_name
                try:
                    stat = path.stat()
                except FileNotFoundError:  # removed while we walked
                    continue
                found.append(Entry(path.relative_to(self.root).as_posix(), stat.st_size, str(stat.st_mtime_ns)))
        return sorted(found, key=lambda entry: entry.name)

    def open(self, name):
        return open(self.path(name), "rb")

    def spool_folder(self):
        """Where a file being written waits: inside the root, so that putting it is a rename."""
        folder = self.root / ".incoming"
        folder.mkdir(parents=True, exist_ok=True)
        return folder

    def put_file(self, name, source, stamp=""):
        """Move the file at `source` to `name` (a rename when it was spooled here), whole or not at all. A
        local file's stamp (its mtime) is given back, so the first backup after a restore reads nothing again."""
        target = self.path(name)
        target.parent.mkdir(parents=True, exist_ok=True)
        staged = self.spool_folder() / f"{uuid.uuid4().hex}.part"
        shutil.move(source, staged)
        if self.file_mode is not None:
            os.chmod(staged, self.file_mode)
        if stamp.isdigit():
            os.utime(staged, ns=(int(stamp), int(stamp)))
        os.replace(staged, target)

    def read_bytes(self, name):
        return self.path(name).read_bytes()

    def write_bytes(self, name, data):
        with tempfile.NamedTemporaryFile(dir=self.spool_folder(), delete=False) as partial:
            partial.write(data)
        self.path(name).parent.mkdir(parents=True, exist_ok=True)
        os.replace(partial.name, self.path(name))

    def exists(self, name):
        return self.path(name).is_file()

    def delete(self, name):
        self.path(name).unlink(missing_ok=True)


class S3Objects:
    """Objects in `bucket` under `prefix`, through a boto3 client the caller made (and configured)."""

    def __init__(self, client, bucket, prefix=""):
        self.client, self.bucket = client, bucket
        self.prefix = prefix.strip("/") + "/" if prefix.strip("/") else ""

    def __str__(self):
        return f"s3://{self.bucket}/{self.prefix}"

    def identity(self):
        return ("s3", self.client.meta.endpoint_url, self.bucket, self.prefix)

    def key(self, name):
        return self.prefix + checked(name)

    def walk(self, prefix=""):
        found = []
        for page in self.client.get_paginator("list_objects_v2").paginate(Bucket=self.bucket, Prefix=self.prefix + prefix):
            for item in page.get("Contents", ()):
                name = item["Key"][len(self.prefix) :]
                if name and not name.endswith("/"):
                    found.append(Entry(name, item["Size"], item["ETag"].strip('"')))
        return sorted(found, key=lambda entry: entry.name)

    def open(self, name):
        """A stream of the object; FileNotFoundError when there is none, as for a local file."""
        from botocore.exceptions import ClientError

        try:
            return self.client.get_object(Bucket=self.bucket, Key=self.key(name))["Body"]
        except ClientError as error:
            if missing(error):
                raise FileNotFoundError(str(self) + name) from None
            raise

    def spool_folder(self):
        return None  # anywhere local will do

    def put_file(self, name, source, stamp=""):
        """Upload as the site's storage would have (its Content-Type), multipart above 8 MB: whole or not at all."""
        content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
        self.client.upload_file(str(source), self.bucket, self.key(name), ExtraArgs={"ContentType": content_type})
        os.unlink(source)

    def read_bytes(self, name):
        with self.open(name) as stream:
            return stream.read()

    def write_bytes(self, name, data):
        self.client.put_object(Bucket=self.bucket, Key=self.key(name), Body=data)

    def exists(self, name):
        from botocore.exceptions import ClientError

        try:
            self.client.head_object(Bucket=self.bucket, Key=self.key(name))
        except ClientError as error:
            if missing(error):
                return False
            raise
        return True

    def delete(self, name):
        self.client.delete_object(Bucket=self.bucket, Key=self.key(name))


def missing(error):
    return error.response.get("Error", {}).get("Code") in ("404", "NoSuchKey", "NotFound")


def raise_error(error):
    if not isinstance(error, FileNotFoundError):  # a folder removed while walked is simply gone
        raise error


def overlap(first, second):
    """Whether two stores share files: the same folder or bucket, or one inside the other."""
    (kind, *where), (other_kind, *other_where) = first.identity(), second.identity()
    if kind != other_kind:
        return False
    if kind == "local":
        one, two = Path(where[0]), Path(other_where[0])
        return one == two or one in two.parents or two in one.parents
    (endpoint, bucket, prefix), (other_endpoint, other_bucket, other_prefix) = where, other_where
    return (endpoint, bucket) == (other_endpoint, other_bucket) and (
        prefix.startswith(other_prefix) or other_prefix.startswith(prefix)
    )


def remove_stale_parts(folder, older_than_seconds=86_400):
    """Spooled files a killed process left (a backup's are written whole or not at all, so a part is waste)."""
    if folder is None or not Path(folder).is_dir():
        return
    limit = time.time() - older_than_seconds
    for part in Path(folder).glob("*.part"):
        with contextlib.suppress(FileNotFoundError):
            if part.stat().st_mtime < limit:
                part.unlink()
