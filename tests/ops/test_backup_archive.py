"""The archive of backups as plain work: incremental, deduplicated, resumable, checked on restore, pruned."""

import hashlib
import os
from datetime import date, datetime, timedelta

import pytest

from ops.backup import archive as archive_module
from ops.backup.archive import Archive, CorruptObject, StorageVanished, Tally, daily_and_weekly, object_name
from ops.backup.stores import Entry, LocalFiles, UnsafeName, overlap

pytestmark = pytest.mark.once  # no database in these


class CountingFiles(LocalFiles):
    """A local store that counts the files read from it, and can fail on the n-th."""

    def __init__(self, root, fail_on=None):
        super().__init__(root)
        self.opened, self.fail_on = [], fail_on

    def open(self, name):
        if self.fail_on and len(self.opened) + 1 == self.fail_on:
            raise OSError("the disk went away")
        self.opened.append(name)
        return super().open(name)


def write(root, name, data):
    path = root / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)


def dump(path):
    path.write_bytes(b"SQLite format 3\0 a database")
    return "sqlite"


def back_up(location, sources, backup_id, kind="manual", started_at="2026-11-30T03:00:00+08:00"):
    details = {"kind": kind, "started_at": started_at, "keys": {}, "counts": {}}
    return location.back_up(backup_id, sources, dump, details, Tally())


@pytest.fixture
def media(tmp_path):
    root = tmp_path / "media"
    write(root, "images/a.jpg", b"a" * 1000)
    write(root, "images/b.jpg", b"b" * 2000)
    write(root, "documents/c.pdf", b"c" * 3000)
    return root


@pytest.fixture
def location(tmp_path):
    return Archive(LocalFiles(tmp_path / "backups"))


def test_a_second_backup_reads_no_unchanged_file_and_writes_nothing_new(media, location):
    back_up(location, {"default": LocalFiles(media)}, "1")
    second = CountingFiles(media)

    manifest = back_up(location, {"default": second}, "2")

    assert second.opened == []
    assert manifest["new_bytes"] == 0 and manifest["files"] == 3


def test_a_changed_file_is_read_again_and_content_seen_before_is_stored_once(media, location):
    back_up(location, {"default": LocalFiles(media)}, "1")
    write(media, "images/a.jpg", b"new" * 10)
    write(media, "images/copy-of-b.jpg", b"b" * 2000)
    source = CountingFiles(media)

    manifest = back_up(location, {"default": source}, "2")

    assert sorted(source.opened) == ["images/a.jpg", "images/copy-of-b.jpg"]
    assert manifest["new_bytes"] == 30
    assert len(location.stored_checksums()) == 5  # a, b, c, the new a, the dump (the same both times)


def test_a_storage_that_is_the_same_place_as_another_is_named_not_copied_twice(media, location):
    manifest = back_up(location, {"default": LocalFiles(media), "videos": "default"}, "1")

    assert manifest["storages"]["videos"] == {"same_as": "default"}
    assert manifest["files"] == 3


def test_a_backup_that_stopped_is_resumed_without_reading_again_what_it_had_stored(media, location, monkeypatch):
    monkeypatch.setattr(archive_module, "JOURNAL_EVERY", 1)
    with pytest.raises(OSError):
        back_up(location, {"default": CountingFiles(media, fail_on=3)}, "1")
    assert location.backup_ids() == [] and location.backup_ids(finished=False) == ["1"]
    resumed = CountingFiles(media)

    manifest = back_up(location, {"default": resumed}, "1")

    assert resumed.opened == ["images/b.jpg"]  # sorted: documents/c.pdf and images/a.jpg were stored before
    assert location.backup_ids() == ["1"] and location.backup_ids(finished=False) == []
    assert manifest["files"] == 3


def test_a_restore_puts_every_file_back_under_its_own_name_byte_for_byte(media, location, tmp_path):
    manifest = back_up(location, {"default": LocalFiles(media)}, "1")
    target = tmp_path / "restored"

    location.restore_files(manifest, {"default": LocalFiles(target)}, Tally())

    for path in media.rglob("*"):
        if path.is_file():
            assert (target / path.relative_to(media)).read_bytes() == path.read_bytes()


def test_a_restore_stops_at_an_object_whose_bytes_no_longer_match_its_checksum(media, location, tmp_path):
    manifest = back_up(location, {"default": LocalFiles(media)}, "1")
    checksum = hashlib.sha256(b"b" * 2000).hexdigest()
    location.store.path(object_name(checksum)).write_bytes(b"b" * 1999 + b"x")

    with pytest.raises(CorruptObject, match="images/b.jpg"):
        location.restore_files(manifest, {"default": LocalFiles(tmp_path / "restored")}, Tally())

    assert not (tmp_path / "restored" / "images" / "b.jpg").exists()


def test_a_restore_run_again_keeps_what_it_wrote(media, location, tmp_path):
    manifest = back_up(location, {"default": LocalFiles(media)}, "1")
    target = tmp_path / "restored"
    location.restore_files(manifest, {"default": LocalFiles(target)}, Tally())
    again = Tally()

    location.restore_files(manifest, {"default": LocalFiles(target)}, again)

    assert again.new_files == 0


def test_a_replacing_restore_rewrites_a_changed_file_of_the_same_size_and_deletes_strangers(media, location, tmp_path):
    manifest = back_up(location, {"default": LocalFiles(media)}, "1")
    target = tmp_path / "restored"
    location.restore_files(manifest, {"default": LocalFiles(target)}, Tally())
    write(target, "images/a.jpg", b"z" * 1000)
    write(target, "stranger.txt", b"not in the backup")
    again = Tally()

    location.restore_files(manifest, {"default": LocalFiles(target)}, again, replace=True)

    assert (target / "images" / "a.jpg").read_bytes() == b"a" * 1000
    assert not (target / "stranger.txt").exists()
    assert again.new_files == 1 and again.removed == 1


def test_restored_files_get_the_mode_the_store_gives(media, location, tmp_path):
    manifest = back_up(location, {"default": LocalFiles(media)}, "1")

    location.restore_files(manifest, {"default": LocalFiles(tmp_path / "restored", file_mode=0o644)}, Tally())

    assert (tmp_path / "restored" / "images" / "a.jpg").stat().st_mode & 0o777 == 0o644


def test_a_resumed_backup_dumps_the_database_afresh(media, location, monkeypatch):
    monkeypatch.setattr(archive_module, "JOURNAL_EVERY", 1)
    with pytest.raises(OSError):
        back_up(location, {"default": CountingFiles(media, fail_on=3)}, "1")
    details = {"kind": "manual", "started_at": "2026-11-30T03:00:00+08:00", "keys": {}, "counts": {}}

    def today(path):
        path.write_bytes(b"SQLite format 3\0 today's database")
        return "sqlite"

    manifest = location.back_up("1", {"default": LocalFiles(media)}, today, details, Tally())

    assert manifest["database"]["sha256"] == hashlib.sha256(b"SQLite format 3\0 today's database").hexdigest()


def test_a_storage_empty_where_the_last_backup_found_files_is_refused(media, location, tmp_path):
    back_up(location, {"default": LocalFiles(media)}, "1")

    with pytest.raises(StorageVanished):
        back_up(location, {"default": LocalFiles(tmp_path / "not-mounted")}, "2")

    assert location.backup_ids() == ["1"]


def test_a_name_no_restore_could_write_is_skipped_and_named(media, location):
    source = LocalFiles(media)
    source.walk = lambda prefix="": LocalFiles(media).walk() + [Entry("../outside.jpg", 1, "1")]

    manifest = back_up(location, {"default": source}, "1")

    assert manifest["skipped"] == [["default", "../outside.jpg"]] and manifest["files"] == 3


def test_a_file_name_that_is_not_utf8_is_backed_up_and_restored(media, location, tmp_path):
    gbk_name = "报告.pdf".encode("gbk")
    (media / os.fsdecode(gbk_name)).write_bytes(b"report")

    manifest = back_up(location, {"default": LocalFiles(media)}, "1")
    location.restore_files(location.manifest("1"), {"default": LocalFiles(tmp_path / "restored")}, Tally())

    assert manifest["files"] == 4
    assert (tmp_path / "restored" / os.fsdecode(gbk_name)).read_bytes() == b"report"


@pytest.mark.parametrize("name", ["../etc/passwd", "/etc/passwd", "a/../../b", ""])
def test_a_name_leaving_the_store_is_refused(tmp_path, name):
    with pytest.raises(UnsafeName):
        LocalFiles(tmp_path).path(name)


def test_pruning_keeps_seven_daily_and_four_weekly_scheduled_backups_and_every_manual_one(media, location):
    first = date(2026, 10, 1)
    for offset in range(60):
        day = first + timedelta(days=offset)
        back_up(location, {"default": LocalFiles(media)}, f"{day:%Y%m%d}", "scheduled", f"{day}T03:00:00+08:00")
    back_up(location, {"default": LocalFiles(media)}, "manual-one", "manual", "2026-10-02T12:00:00+08:00")
    keep = daily_and_weekly(7, 4, lambda moment: moment.date())

    location.prune(keep)

    kept = location.backup_ids()
    days = [datetime.strptime(backup_id, "%Y%m%d").date() for backup_id in kept if backup_id != "manual-one"]
    assert "manual-one" in kept
    assert days[-7:] == [first + timedelta(days=offset) for offset in range(53, 60)]
    assert len({day.isocalendar()[:2] for day in days}) >= 4 and len(days) <= 11


def test_pruning_deletes_the_objects_only_deleted_backups_named(media, location):
    back_up(location, {"default": LocalFiles(media)}, "20261001", "scheduled", "2026-10-01T03:00:00+08:00")
    write(media, "images/a.jpg", b"replaced")
    back_up(location, {"default": LocalFiles(media)}, "20261130", "scheduled", "2026-11-30T03:00:00+08:00")
    old_a = hashlib.sha256(b"a" * 1000).hexdigest()
    assert old_a in location.stored_checksums()

    location.prune(daily_and_weekly(1, 0, lambda moment: moment.date()))

    assert location.backup_ids() == ["20261130"]
    assert old_a not in location.stored_checksums()
    assert hashlib.sha256(b"replaced").hexdigest() in location.stored_checksums()


def test_a_folder_inside_another_store_overlaps_it_and_a_sibling_does_not(tmp_path):
    site = LocalFiles(tmp_path / "media")

    assert overlap(LocalFiles(tmp_path / "media" / "backups"), site)
    assert overlap(LocalFiles(tmp_path), site)
    assert not overlap(LocalFiles(tmp_path / "media-backups"), site)


def test_the_first_backup_after_a_restore_reads_nothing_again(media, location, tmp_path):
    manifest = back_up(location, {"default": LocalFiles(media)}, "1")
    restored = tmp_path / "restored"
    location.restore_files(manifest, {"default": LocalFiles(restored)}, Tally())
    source = CountingFiles(restored)

    back_up(location, {"default": source}, "2")

    assert source.opened == []


def test_a_part_a_killed_backup_left_is_removed_by_the_next(media, location):
    spool = location.store.spool_folder()
    left = spool / "killed.part"
    left.write_bytes(b"half a video")
    os.utime(left, (1, 1))

    back_up(location, {"default": LocalFiles(media)}, "1")

    assert not left.exists()
