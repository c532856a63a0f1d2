from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from tqdm import tqdm

from media_center.ingest import check_upload, ingest_file


class Command(BaseCommand):
    help = gettext_lazy(
        "把磁盘上的视频文件导入视频库并排队转码（显示复制进度）。例如：ingest_video 招聘会.mp4 --title 春风行动招聘会"
    )

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="+", type=Path)
        parser.add_argument("--title", help=_("标题（只导入一个文件时可用；默认用文件名）"))
        parser.add_argument("--public", action="store_true", help=_("转码完成后公开"))

    def handle(self, *args, files, title, public, **options):
        if title and len(files) > 1:
            raise CommandError(_("--title 只能用于单个文件。"))
        problems = []
        for path in files:
            try:
                if not path.is_file():
                    raise ValidationError(_("找不到文件 %(path)s") % {"path": path})
                check_upload(path.name, path.stat().st_size)
            except ValidationError as error:
                problems.append(_("%(path)s：%(problems)s") % {"path": path, "problems": " ".join(error.messages)})
        if problems:
            raise CommandError(_("以下文件不能导入，没有导入任何文件：") + "\n" + "\n".join(problems))
        for path in files:
            video = self._ingest(path, title or path.stem, public)
            self.stdout.write(
                self.style.SUCCESS(
                    _("已导入「%(title)s」（编号 %(id)s），转码任务已排队。") % {"title": video.title, "id": video.pk}
                )
            )

    def _ingest(self, path, title, public):
        with tqdm(total=path.stat().st_size, unit="B", unit_scale=True, desc=path.name, file=self.stderr) as bar:
            return ingest_file(path, title=title, is_public=public, on_bytes=bar.update)
