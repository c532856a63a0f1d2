from django.core.management.base import BaseCommand, CommandError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.progress import bytes_bar
from ops import backups
from ops.backup.archive import BackupError


class Command(BaseCommand):
    help = gettext_lazy(
        "从备份恢复整个站点（数据库、媒体文件和视频）：先停掉 web、worker 和调度进程。"
        "只恢复到空的系统，除非加 --force；恢复后运行迁移和个人信息的到期清理。"
    )

    def add_arguments(self, parser):
        parser.add_argument("backup_id", nargs="?", help=_("备份编号（默认最新的一份）"))
        parser.add_argument("--location", help=_("备份位置：目录，或 s3://存储桶/前缀（默认 BACKUP_LOCATION）"))
        parser.add_argument("--force", action="store_true", help=_("覆盖已有内容：数据库整个替换，备份里没有的文件删除"))
        parser.add_argument("--list", action="store_true", dest="list_only", help=_("只列出可用的备份"))

    def handle(self, *args, backup_id, location, force, list_only, **options):
        try:
            if list_only:
                return self.list(location)
            with bytes_bar(self.stderr, _("恢复")) as show:
                manifest, tally, reports = backups.restore(
                    backup_id,
                    location=location,
                    force=force,
                    report=lambda tally: show(tally.done_bytes, tally.total_bytes, tally.label),
                )
        except BackupError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(
            _("已恢复备份 %(id)s（%(when)s）：%(files)d 个文件，其中 %(written)d 个写入，%(removed)d 个多余的删除。")
            % {
                "id": manifest["id"],
                "when": f"{backups.started_at(manifest):%Y-%m-%d %H:%M}",
                "files": tally.files,
                "written": tally.new_files,
                "removed": tally.removed,
            }
        )
        for report in reports:
            self.stdout.write(report)

    def list(self, location):
        source = backups.archive(location)
        for backup_id in source.backup_ids():
            manifest = source.manifest(backup_id)
            self.stdout.write(
                _("%(id)s  %(when)s  %(kind)s  %(files)d 个文件  %(size)s")
                % {
                    "id": backup_id,
                    "when": f"{backups.started_at(manifest):%Y-%m-%d %H:%M}",
                    "kind": _("定时") if manifest.get("kind") == "scheduled" else _("手动"),
                    "files": manifest["files"],
                    "size": filesizeformat(manifest["bytes"]),
                }
            )
