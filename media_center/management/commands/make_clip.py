from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.progress import share_bar
from media_center import clips, pipeline
from media_center.chapters import parse_clock
from media_center.models import Video


class Command(BaseCommand):
    help = gettext_lazy(
        "从一个视频剪出竖屏短视频并生成（显示进度）。例如：make_clip 12 --start 1:02:03 --end 1:03:00 --title 新能源企业招聘焊工"
    )

    def add_arguments(self, parser):
        parser.add_argument("video_id", type=int)
        parser.add_argument("--start", required=True, help=_("起点，如 1:02:03"))
        parser.add_argument("--end", required=True, help=_("终点，如 1:03:00"))
        parser.add_argument("--title", required=True, help=_("标题，压在画面上"))
        parser.add_argument("--topics", default="", help=_('话题，如 "#春风行动 #工会服务"'))
        parser.add_argument("--cover", help=_("封面时间（默认起点后 1 秒）"))
        parser.add_argument("--no-wait", action="store_true", help=_("只排队，不等生成完成"))

    def handle(self, *args, video_id, start, end, title, topics, cover, no_wait, **options):
        source = Video.objects.filter(pk=video_id).first()
        if source is None:
            raise CommandError(_("没有编号为 %(id)s 的视频。") % {"id": video_id})
        try:
            span = [parse_clock(start), parse_clock(end), parse_clock(cover) if cover else None]
            clip = clips.create_clip(source, start=span[0], end=span[1], cover_at=span[2], title=title, topics=topics)
        except ValueError as error:
            raise CommandError(str(error)) from None
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        self.stdout.write(_("已创建短视频「%(title)s」（编号 %(id)s）。") % {"title": clip.title, "id": clip.pk})
        if no_wait:
            return
        clip = self._work_through(clip)
        if clip.status != Video.Status.READY:
            raise CommandError(_("生成失败：%(reason)s") % {"reason": clip.failure_reason or clip.get_status_display()})
        self.stdout.write(self.style.SUCCESS(_("已生成，等待终审审核后才能公开或发布。")))

    def _work_through(self, clip):
        with share_bar(self.stderr, clip.title) as show:
            return pipeline.work_through(clip, on_progress=lambda video: show(video.title, video.progress))
