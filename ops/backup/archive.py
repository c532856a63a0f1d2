"""Backups in one location (a folder or an S3 prefix), content-addressed so that terabytes of video
are stored once however many daily backups name them:

    objects/<sha256[:2]>/<sha256>      every file and database dump, once, named by its checksum
    backups/<id>/journal/<n>.jsonl     what an unfinished backup has copied so far (a resume reads it)
    backups/<id>/manifest.json         written last: a backup without one is not finished

A file whose size and stamp (mtime, ETag) match the previous backup's is not read again; a file read
again whose checksum is already stored is not written again. A backup that stopped is resumed by the
next one, which finds its journal. A restore checks every checksum as it reads.
"""

import hashlib
import json
import os
import tempfile
import time
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from .stores import Entry, UnsafeName, checked, remove_stale_parts

FORMAT = 1
CHUNK = 8 * 2**20
JOURNAL_EVERY = 500  # entries, or
JOURNAL_SECONDS = 15  # seconds, whichever comes first: what a crash can cost in re-reading


class BackupError(Exception):
    """A backup or restore that cannot go on; the message says why, for the operator."""


class CorruptObject(BackupError):
    pass


class StorageVanished(BackupError):
    def __init__(self, storage, files_before):
        super().__init__(f"{storage}: no files, where the last backup had {files_before}")
        self.storage, self.files_before = storage, files_before


def file_checksum(store, name):
    digest = hashlib.sha256()
    with store.open(name) as stream:
        while chunk := stream.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def object_name(checksum):
    return f"objects/{checksum[:2]}/{checksum}"


@dataclass
class Tally:
    """How far a backup or restore got, for a progress bar: bytes dealt with of all bytes to deal with."""

    total_bytes: int = 0
    done_bytes: int = 0
    files: int = 0
    new_files: int = 0
    new_bytes: int = 0
    removed: int = 0
    label: str = ""
    report: object = field(default=None, repr=False)  # called as report(tally) as bytes go by
    reading: int = 0  # bytes of the current file counted so far

    def read(self, size, label):
        self.done_bytes += size
        self.reading += size
        self.label = label
        if self.report:
            self.report(self)

    def advance(self, size, label):
        """A file dealt with: whatever of its `size` was not counted while it was read is counted now."""
        self.read(max(size - self.reading, 0), label)
        self.reading = 0
        self.files += 1


def spool(stream, folder, tally=None, label=""):
    """Copy `stream` to a temporary file in `folder` (None: the system's), hashing it: (path, sha256, size)."""
    digest, size = hashlib.sha256(), 0
    with tempfile.NamedTemporaryFile(dir=folder, delete=False, suffix=".part") as partial:
        try:
            while chunk := stream.read(CHUNK):
                digest.update(chunk)
                partial.write(chunk)
                size += len(chunk)
                if tally:
                    tally.read(len(chunk), label)
        except BaseException:
            partial.close()
            os.unlink(partial.name)
            raise
    return Path(partial.name), digest.hexdigest(), size


class Archive:
    def __init__(self, store):
        self.store = store

    def __str__(self):
        return str(self.store)

    # what is there

    def backup_ids(self, finished=True):
        """Ids of the finished backups (or of the unfinished ones), oldest first."""
        ids = {}
        for entry in self.store.walk("backups/"):
            parts = entry.name.split("/")
            if len(parts) >= 3:
                ids.setdefault(parts[1], False)
                if parts[2] == "manifest.json":
                    ids[parts[1]] = True
        return sorted(backup_id for backup_id, done in ids.items() if done == finished)

    def manifest(self, backup_id):
        try:
            return json.loads(self.store.read_bytes(f"backups/{backup_id}/manifest.json"))
        except FileNotFoundError:
            raise BackupError(f"no finished backup {backup_id} in {self}") from None

    def stored_checksums(self):
        return {entry.name.rsplit("/", 1)[1] for entry in self.store.walk("objects/")}

    # backing up

    def back_up(self, backup_id, sources, dump_database, details, tally, work_folder=None):
        """Copy the database (dumped by `dump_database(path)`, which returns the engine's name) and every
        file of `sources` ({storage name: store, or the name of another storage that is the same place})
        into backup `backup_id`. A journal of that backup (it stopped) spares reading again what it stored;
        the database is always dumped afresh, so the backup is of now. The manifest gets `details`."""
        previous = self._previous_manifest()
        journal = Journal(self.store, backup_id)
        known = self._known_checksums(previous, journal)
        stored = self.stored_checksums()
        spool_folder = self.store.spool_folder() or work_folder
        remove_stale_parts(spool_folder)  # one backup at a time: any old part is a killed one's

        with tempfile.TemporaryDirectory(dir=work_folder) as folder:
            engine = dump_database(Path(folder) / "database.dump")
            with open(Path(folder) / "database.dump", "rb") as dump:
                database = self._store_file("", "database", "", dump, stored, spool_folder, tally)
        tally.done_bytes = tally.reading = 0  # the bar is for the files, whose total is known next

        listings = {name: source.walk() for name, source in sources.items() if not isinstance(source, str)}
        self._check_not_vanished(previous, listings)
        tally.total_bytes = sum(entry.size for listing in listings.values() for entry in listing)
        files, skipped = {}, []
        for storage, listing in listings.items():
            copied = files[storage] = []
            for entry in listing:
                try:
                    checked(entry.name)
                except UnsafeName:  # a name no restore could write back safely: named in the manifest, not fatal
                    skipped.append([storage, entry.name])
                    tally.advance(entry.size, entry.name)
                    continue
                checksum = known.get((storage, entry.name, entry.size, entry.stamp))
                if checksum not in stored:
                    try:
                        with sources[storage].open(entry.name) as stream:
                            checksum = self._store_file(storage, entry.name, entry.stamp, stream, stored, spool_folder, tally)[
                                "sha256"
                            ]
                    except FileNotFoundError:  # deleted since the listing: the database dumped before no longer names it
                        tally.advance(entry.size, entry.name)
                        continue
                    known[(storage, entry.name, entry.size, entry.stamp)] = checksum
                    journal.add({"storage": storage, "name": entry.name, "size": entry.size, "stamp": entry.stamp,
                                 "sha256": checksum})  # fmt: skip
                copied.append([entry.name, entry.size, checksum, entry.stamp])
                tally.advance(entry.size, entry.name)
        journal.flush()

        manifest = {
            "format": FORMAT,
            "id": backup_id,
            **details,
            "database": {"engine": engine, "size": database["size"], "sha256": database["sha256"]},
            "storages": {
                name: {"same_as": source} if isinstance(source, str) else {"files": files[name]}
                for name, source in sources.items()
            },
            "skipped": skipped,
            "files": sum(len(listing) for listing in files.values()),
            "bytes": sum(item[1] for listing in files.values() for item in listing) + database["size"],
            "new_files": tally.new_files,
            "new_bytes": tally.new_bytes,
        }
        # ASCII JSON: a file name that is not UTF-8 (a zip from Windows) is kept as its escaped bytes
        self.store.write_bytes(f"backups/{backup_id}/manifest.json", json.dumps(manifest).encode())
        journal.remove()
        return manifest

    def _previous_manifest(self):
        finished = self.backup_ids()
        return self.manifest(finished[-1]) if finished else None

    @staticmethod
    def _check_not_vanished(previous, listings):
        """A storage with no file where the last backup found some is a folder not mounted or a wrong
        setting, not a site that lost everything: backing it up would let retention drop the real copies."""
        for storage, listing in listings.items():
            before = len((previous or {}).get("storages", {}).get(storage, {}).get("files", ()))
            if before and not listing:
                raise StorageVanished(storage, before)

    def _known_checksums(self, previous, journal):
        """(storage, name, size, stamp) → checksum, from the newest finished backup and this one's journal."""
        known = {}
        if previous:
            for storage, listing in previous["storages"].items():
                for name, size, checksum, stamp in listing.get("files", ()):
                    known[(storage, name, size, stamp)] = checksum
        for item in journal.resumed:
            known[(item["storage"], item["name"], item["size"], item["stamp"])] = item["sha256"]
        return known

    def _store_file(self, storage, name, stamp, stream, stored, spool_folder, tally):
        path, checksum, size = spool(stream, spool_folder, tally, name)
        if checksum in stored:
            path.unlink()
        else:
            self.store.put_file(object_name(checksum), path)
            stored.add(checksum)
            tally.new_files += 1
            tally.new_bytes += size
        return {"storage": storage, "name": name, "size": size, "stamp": stamp, "sha256": checksum}

    # restoring

    def fetch(self, checksum, folder, tally=None, label=""):
        """The stored object `checksum` in a temporary file in `folder`, its checksum verified."""
        with self.store.open(object_name(checksum)) as stream:
            path, actual, _size = spool(stream, folder, tally, label)
        if actual != checksum:
            path.unlink()
            raise CorruptObject(f"{label or checksum}: stored object {object_name(checksum)} does not match its checksum")
        return path

    def restore_files(self, manifest, targets, tally, replace=False, work_folder=None):
        """Put every file of the backup back in `targets` ({storage name: store}) under its own name.

        Into an empty system a file already there with the same size is kept: this restore wrote it before
        it stopped, and is run again. With `replace` (over a system with content), such a file is kept only
        if its checksum is the backup's, and files the backup does not have are deleted.
        """
        plan = {name: listing["files"] for name, listing in manifest["storages"].items() if "files" in listing}
        tally.total_bytes = sum(item[1] for listing in plan.values() for item in listing)
        for storage, listing in plan.items():
            target = targets[storage]
            present = {entry.name: entry.size for entry in target.walk()}
            for name, size, checksum, stamp in listing:
                same = present.get(name) == size and (not replace or file_checksum(target, name) == checksum)
                if not same:
                    target.put_file(name, self.fetch(checksum, target.spool_folder() or work_folder, tally, name), stamp)
                    tally.new_files += 1
                    tally.new_bytes += size
                tally.advance(size, name)
            if replace:
                for name in set(present) - {item[0] for item in listing}:
                    target.delete(name)
                    tally.removed += 1

    # keeping a few

    def prune(self, keep):
        """Delete the finished backups `keep(manifests)` does not return and the unfinished ones older than
        the newest finished, then every object no backup left names. Returns the ids deleted."""
        manifests = {backup_id: self.manifest(backup_id) for backup_id in self.backup_ids()}  # by folder, whatever they say
        kept = {id(manifest) for manifest in keep(list(manifests.values()))}
        newest = max(manifests, default="")
        doomed = [backup_id for backup_id, manifest in manifests.items() if id(manifest) not in kept]
        doomed += [backup_id for backup_id in self.backup_ids(finished=False) if backup_id < newest]
        for backup_id in doomed:
            for entry in self.store.walk(f"backups/{backup_id}/"):
                self.store.delete(entry.name)
        named = set()
        for backup_id, manifest in manifests.items():
            if backup_id not in doomed:
                named.add(manifest["database"]["sha256"])
                for listing in manifest["storages"].values():
                    named.update(item[2] for item in listing.get("files", ()))
        for backup_id in self.backup_ids(finished=False):
            named.update(item["sha256"] for item in Journal(self.store, backup_id).resumed)
        for checksum in self.stored_checksums() - named:
            self.store.delete(object_name(checksum))
        return doomed


class Journal:
    """What an unfinished backup has stored so far, written in parts (S3 cannot append)."""

    def __init__(self, store, backup_id):
        self.store, self.folder = store, f"backups/{backup_id}/journal/"
        self.parts = store.walk(self.folder)
        self.resumed = [
            json.loads(line) for part in self.parts for line in store.read_bytes(part.name).decode().splitlines() if line
        ]
        self.pending, self.written_at = [], time.monotonic()

    def add(self, item):
        self.pending.append(item)
        if len(self.pending) >= JOURNAL_EVERY or time.monotonic() - self.written_at > JOURNAL_SECONDS:
            self.flush()

    def flush(self):
        if self.pending:
            name = f"{self.folder}{len(self.parts):06d}.jsonl"
            self.store.write_bytes(name, "".join(json.dumps(item) + "\n" for item in self.pending).encode())
            self.parts.append(Entry(name, 0, ""))
        self.pending, self.written_at = [], time.monotonic()

    def remove(self):
        for part in self.parts:
            self.store.delete(part.name)


def daily_and_weekly(days, weeks, local_date):
    """A `keep` for `Archive.prune`: of the scheduled backups, the newest of each of the last `days` days
    that have one and the newest of each of the last `weeks` ISO weeks; backups made by hand are kept."""

    def keep(manifests):
        by_day, by_week = {}, {}
        for manifest in manifests:  # oldest first: a later one of the same day replaces it
            if manifest.get("kind") == "scheduled":
                day = local_date(datetime.fromisoformat(manifest["started_at"]))
                by_day[day] = manifest
                by_week[day.isocalendar()[:2]] = manifest
        chosen = [by_day[day] for day in sorted(by_day)[-days:]] if days else []
        chosen += [by_week[week] for week in sorted(by_week)[-weeks:]] if weeks else []
        return [manifest for manifest in manifests if manifest.get("kind") != "scheduled"] + chosen

    return keep
