from django.core.management.base import BaseCommand, CommandError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.progress import bytes_bar
from ops import backups
from ops.backup.archive import BackupError
from ops.models import BackupRun


class Command(BaseCommand):
    help = gettext_lazy(
        "备份数据库、媒体文件和视频到 BACKUP_LOCATION（或 --location：目录或 s3://存储桶/前缀）。"
        "未变的文件不再读取，相同内容只存一份；中断后再运行会接着做。"
    )

    def add_arguments(self, parser):
        parser.add_argument("--location", help=_("备份位置：目录，或 s3://存储桶/前缀（默认 BACKUP_LOCATION）"))

    def handle(self, *args, location, **options):
        if BackupRun.in_progress().exists():
            raise CommandError(_("已有一份备份在排队或进行中（设置 → 备份）：两份同时进行会互相干扰，请等它完成。"))
        try:
            with bytes_bar(self.stderr, _("备份")) as show:
                manifest = backups.back_up(
                    location=location, report=lambda tally: show(tally.done_bytes, tally.total_bytes, tally.label)
                )
        except BackupError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(
            _("备份 %(id)s 已完成：%(files)d 个文件和数据库，共 %(size)s，本次新写入 %(new)s。")
            % {
                "id": manifest["id"],
                "files": manifest["files"],
                "size": filesizeformat(manifest["bytes"]),
                "new": filesizeformat(manifest["new_bytes"]),
            }
        )
