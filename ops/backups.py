"""The site's backups: what `ops.backup` copies (the database and the media and videos storages, as
configured), where to (BACKUP_LOCATION), and what a restore must check and redo.

The keys a restore needs are not in the backup: SECRET_KEY (it keys the sign-ups' withdrawal codes,
the rate limits' hashes and the signed video URLs) and the FIELD_ENCRYPTION_KEYS that decrypt the
channel secrets stored. The manifest keeps their fingerprints, and a restore says which is missing.
"""

import hashlib
import socket
import tempfile
from datetime import datetime
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken
from django.apps import apps
from django.conf import settings
from django.core.cache import caches
from django.core.files.storage import FileSystemStorage, storages
from django.core.management import call_command
from django.db import connection, connections
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone
from django.utils.translation import gettext as _

from core import scheduler
from core.encryption import EncryptedTextField

from .backup import databases
from .backup.archive import Archive, BackupError, StorageVanished, Tally, daily_and_weekly
from .backup.stores import LocalFiles, S3Objects, overlap
from .models import BackupRun

STORAGES = ("default", "videos")  # Django's names: the media (images, documents) and the videos


def archive(location=None):
    """The backups at `location` (a folder, or s3://bucket/prefix), by default BACKUP_LOCATION."""
    location = str(location or settings.BACKUP_LOCATION or "")
    if not location:
        raise BackupError(_("没有设置备份位置：请设置 BACKUP_LOCATION（目录，或 s3://存储桶/前缀），或用 --location 指定。"))
    if location.startswith("s3://"):
        bucket, _slash, prefix = location.removeprefix("s3://").partition("/")
        store = S3Objects(backup_s3_client(), bucket, prefix)
    else:
        store = LocalFiles(Path(location), file_mode=0o600)  # a backup holds every sign-up's phone number
    for name, site_store in site_stores().items():
        if not isinstance(site_store, str) and overlap(store, site_store):
            raise BackupError(
                _(
                    "备份位置 %(location)s 与站点的文件存储（%(storage)s）重叠：备份会把自己也备份进去，恢复会删掉它。请换一个位置。"
                )
                % {"location": location, "storage": name}
            )
    return Archive(store)


def backup_s3_client():
    import boto3
    from botocore.config import Config

    options = settings.BACKUP_S3
    return boto3.client(
        "s3",
        endpoint_url=options["endpoint_url"] or None,
        region_name=options["region_name"],
        aws_access_key_id=options["access_key"],
        aws_secret_access_key=options["secret_key"],
        config=Config(s3={"addressing_style": options["addressing_style"]}, signature_version="s3v4"),
    )


def store_of(storage):
    if isinstance(storage, FileSystemStorage):  # restored files as uploads get them: nginx must read them
        return LocalFiles(storage.location, file_mode=settings.FILE_UPLOAD_PERMISSIONS or 0o644)
    if hasattr(storage, "bucket_name") and hasattr(storage, "connection"):  # django-storages' S3Storage
        return S3Objects(storage.connection.meta.client, storage.bucket_name, storage.location)
    raise BackupError(_("不支持备份这种文件存储：%(backend)s") % {"backend": type(storage).__name__})


def site_stores():
    """{storage name: store}; a storage that is the same place as one before it is named instead (the
    videos in the media bucket), so its files are copied once."""
    stores, seen = {}, {}
    for name in STORAGES:
        store = store_of(storages[name])
        identity = store.identity()
        stores[name] = seen.get(identity, store)
        seen.setdefault(identity, name)
    return stores


def fingerprint(secret):
    """Says whether two keys are the same key, and nothing of the key."""
    return hashlib.sha256(b"union-media-center key fingerprint\0" + secret.encode()).hexdigest()[:16]


def raw_values(model, field):
    table, column = model._meta.db_table, field.column
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {quote(column)} FROM {quote(table)} WHERE {quote(column)} <> ''")  # noqa: S608
        return cursor.fetchall()


def needed_keys():
    """Fingerprints of the keys this database needs: SECRET_KEY, and each encryption key that opens a stored secret."""
    tokens = [row[0].encode() for row in stored_secrets()]
    needed = [
        key for key in settings.FIELD_ENCRYPTION_KEYS if any(opens(Fernet(key), token) for token in tokens)
    ]  # fmt: skip
    return {"SECRET_KEY": fingerprint(settings.SECRET_KEY), "FIELD_ENCRYPTION_KEYS": [fingerprint(key) for key in needed]}


def stored_secrets():
    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            if isinstance(field, EncryptedTextField):
                yield from raw_values(model, field)


def opens(fernet, token):
    try:
        fernet.decrypt(token)
    except InvalidToken:
        return False
    return True


def missing_keys(manifest):
    """What this system lacks of the keys the backup needs, one sentence each."""
    needed = manifest["keys"]
    missing = []
    secret_keys = [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", ())]
    if needed["SECRET_KEY"] not in {fingerprint(key) for key in secret_keys}:
        missing.append(
            _("SECRET_KEY 与备份时的不同（备份时指纹 %(fingerprint)s）：报名撤回码和已签名的视频地址将失效。")
            % {"fingerprint": needed["SECRET_KEY"]}
        )
    present = {fingerprint(key) for key in settings.FIELD_ENCRYPTION_KEYS}
    for position, key in enumerate(needed["FIELD_ENCRYPTION_KEYS"], 1):
        if key not in present:
            missing.append(
                _("FIELD_ENCRYPTION_KEYS 缺少备份时的第 %(position)d 个密钥（指纹 %(fingerprint)s）：平台账号的密钥将无法解密。")
                % {"position": position, "fingerprint": key}
            )
    return missing


def row_counts():
    """Rows per table of every model, for the manifest and for comparing a restore with it."""
    return {model._meta.label: model._base_manager.count() for model in apps.get_models() if model._meta.managed}


def is_empty():
    """No content yet: no tables at all, or only what `migrate` makes (no account, no page below the home page, no image)."""
    tables = set(connection.introspection.table_names())
    if "auth_user" not in tables:
        return True
    return not (
        apps.get_model("auth", "User").objects.exists()
        or apps.get_model("wagtailcore", "Page").objects.filter(depth__gt=2).exists()
        or apps.get_model("wagtailimages", "Image").objects.exists()
    )


def database_settings():
    return settings.DATABASES["default"]


def engine():
    return "postgresql" if connection.vendor == "postgresql" else connection.vendor


LIBPQ_OPTIONS = {"sslmode": "PGSSLMODE", "sslrootcert": "PGSSLROOTCERT", "sslcert": "PGSSLCERT", "sslkey": "PGSSLKEY"}


def libpq(database):
    """The connection as pg_dump, pg_restore and psql read it from the environment: as Django connects."""
    options = database.get("OPTIONS") or {}
    return {
        "PGHOST": database.get("HOST") or "",
        "PGPORT": database.get("PORT") or "",
        "PGUSER": database.get("USER") or "",
        "PGPASSWORD": database.get("PASSWORD") or "",
        "PGDATABASE": database["NAME"],
        **{variable: options[option] for option, variable in LIBPQ_OPTIONS.items() if options.get(option)},
    }


def dump_database(path):
    database = database_settings()
    if engine() == "sqlite":
        return databases.dump_sqlite(database["NAME"], path)
    if engine() == "postgresql":
        return databases.dump_postgresql(libpq(database), path)
    raise BackupError(_("不支持备份这种数据库：%(vendor)s") % {"vendor": connection.vendor})


def work_folder():
    folder = Path(settings.VIDEO_WORK_DIR) / "backup"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def new_backup_id(location):
    """Shanghai time to the second, so that ids sort by age; an unfinished backup is resumed instead."""
    unfinished = location.backup_ids(finished=False)
    return unfinished[-1] if unfinished else timezone.localtime().strftime("%Y%m%d-%H%M%S")


def back_up(kind="manual", location=None, report=None):
    """One backup of the whole site (a stopped one is resumed); the manifest."""
    target = archive(location)
    started = timezone.now()
    details = {
        "kind": kind,
        "started_at": started.isoformat(),
        "host": socket.gethostname(),
        "keys": needed_keys(),
        "counts": row_counts(),
        "migrations": applied_migrations(),
    }
    tally = Tally(report=report)
    try:
        return target.back_up(new_backup_id(target), site_stores(), dump_database, details, tally, work_folder())
    except StorageVanished as vanished:
        raise BackupError(
            _("文件存储 %(storage)s 现在一个文件也没有，上次备份时有 %(count)d 个：目录没有挂载，或设置有误？未做备份。")
            % {"storage": vanished.storage, "count": vanished.files_before}
        ) from None


def applied_migrations():
    """The newest migration of each app: a restore onto older code than this would lose columns."""
    latest = {}
    for app, name in MigrationRecorder(connection).applied_migrations():
        latest[app] = max(latest.get(app, ""), name)
    return latest


def unknown_migrations(manifest):
    """The backup's newest migrations this code does not have: restoring onto it would lose their columns."""
    known = MigrationLoader(None, ignore_no_migrations=True).disk_migrations
    return [f"{app}.{name}" for app, name in manifest["migrations"].items() if (app, name) not in known]


def prune(location=None):
    """Keep BACKUP_KEEP_DAILY daily and BACKUP_KEEP_WEEKLY weekly scheduled backups; the ids deleted."""
    keep = daily_and_weekly(settings.BACKUP_KEEP_DAILY, settings.BACKUP_KEEP_WEEKLY, local_date)
    return archive(location).prune(keep)


def local_date(moment):
    return timezone.localtime(moment).date()


def chosen_manifest(location, backup_id=None):
    ids = location.backup_ids()
    if not ids:
        raise BackupError(_("%(location)s 中没有完成的备份。") % {"location": location})
    if backup_id and backup_id not in ids:
        raise BackupError(
            _("%(location)s 中没有备份 %(id)s；可用的有：%(ids)s")
            % {"location": location, "id": backup_id, "ids": "、".join(ids[-10:])}
        )
    return location.manifest(backup_id or ids[-1])


def restore(backup_id=None, location=None, force=False, report=None):
    """Bring the site back to a backup: checks first (engine, migrations, keys, an empty system unless
    `force`, storages arranged as then), then the database (one transaction), then the files; then the
    migrations newer code brings, the backups the restored database thought running stopped, the retention
    purges and empty caches. Stopped during the files, it is run again with `force`."""
    source = archive(location)
    manifest = chosen_manifest(source, backup_id)
    if manifest["database"]["engine"] != engine():
        raise BackupError(
            _("备份的数据库是 %(theirs)s，本系统用的是 %(ours)s：不能直接恢复。")
            % {"theirs": manifest["database"]["engine"], "ours": engine()}
        )
    unknown = unknown_migrations(manifest)
    if unknown:
        raise BackupError(
            _("备份来自较新版本的程序（本程序没有迁移 %(migrations)s）：请先更新程序再恢复。")
            % {"migrations": "、".join(unknown[:5])}
        )
    missing = missing_keys(manifest)
    if missing:
        raise BackupError(_("缺少恢复所需的密钥，未做任何改动：") + "".join(missing))
    if not is_empty() and not force:
        raise BackupError(_("本系统已有内容（账号、页面或图片）：恢复会覆盖它们。确认要覆盖时加 --force。"))
    stores = site_stores()
    shared_then = {name for name, listing in manifest["storages"].items() if "same_as" in listing}
    shared_now = {name for name, store in stores.items() if isinstance(store, str)}
    if shared_then != shared_now:
        raise BackupError(
            _(
                "备份时媒体和视频%(then)s，本系统%(now)s：请让两者的安排（如 S3_VIDEO_BUCKET 是否与 S3_BUCKET 相同）与备份时一致后再恢复。"
            )
            % {
                "then": _("在同一个位置") if shared_then else _("分开存放"),
                "now": _("在同一个位置") if shared_now else _("分开存放"),
            }
        )
    tally = Tally(report=report)
    with tempfile.TemporaryDirectory(dir=work_folder()) as folder:  # the database first: one transaction,
        dump = source.fetch(manifest["database"]["sha256"], folder, label="database")  # so a failure changes nothing
        load_database(dump, replace=force)
    targets = {name: store for name, store in stores.items() if not isinstance(store, str)}
    source.restore_files(manifest, targets, tally, replace=force, work_folder=work_folder())
    call_command("migrate", interactive=False, verbosity=0)
    BackupRun.in_progress().update(status=BackupRun.Status.FAILED, error=_("备份时仍在进行，恢复后不再继续"))
    reports = scheduler.run_jobs(purges_only=True)
    for cache in settings.CACHES:
        caches[cache].clear()
    return manifest, tally, reports


def load_database(dump, replace):
    connections.close_all()
    database = database_settings()
    if engine() == "sqlite":
        databases.restore_sqlite(dump, database["NAME"])
    else:
        tables = bool(connection.introspection.table_names())
        connections.close_all()
        databases.restore_postgresql(dump, libpq(database), replace=replace or tables)
    connections.close_all()


def started_at(manifest):
    return timezone.localtime(datetime.fromisoformat(manifest["started_at"]))
