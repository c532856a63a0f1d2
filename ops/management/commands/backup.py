from django.core.management.base import BaseCommand, CommandError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.progress import bytes_bar
from ops import backup_runs
from ops.models import BackupRun


class Command(BaseCommand):
    help = gettext_lazy(
        "备份数据库、媒体文件和视频到 BACKUP_LOCATION（或 --location：目录或 s3://存储桶/前缀）。"
        "未变的文件不再读取，相同内容只存一份；中断后再运行会接着做。记在 设置 → 备份 里。"
    )

    def add_arguments(self, parser):
        parser.add_argument("--location", help=_("备份位置：目录，或 s3://存储桶/前缀（默认 BACKUP_LOCATION）"))

    def handle(self, *args, location, **options):
        backup_run = backup_runs.create(BackupRun.Kind.MANUAL, location=location)
        if backup_run is None:
            raise CommandError(_("已有一份备份在排队或进行中（设置 → 备份）：两份同时进行会互相干扰，请等它完成。"))
        with bytes_bar(self.stderr, _("备份")) as show:
            backup_runs.run(backup_run.pk, report=lambda tally: show(tally.done_bytes, tally.total_bytes, tally.label))
        backup_run.refresh_from_db()
        if backup_run.status != BackupRun.Status.DONE:
            raise CommandError(backup_run.error or backup_run.get_status_display())
        self.stdout.write(
            _("备份 %(id)s 已完成：%(files)d 个文件和数据库，共 %(size)s，本次新写入 %(new)s。")
            % {
                "id": backup_run.backup_id,
                "files": backup_run.files,
                "size": filesizeformat(backup_run.total_bytes),
                "new": filesizeformat(backup_run.new_bytes),
            }
        )
