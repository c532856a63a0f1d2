from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from columns.demo import load_demo_articles, place_demo_videos
from columns.sync import sync_taxonomy
from core.progress import share_bar
from media_center.demo import load_demo_videos


class Command(BaseCommand):
    help = gettext_lazy("载入演示内容：文章、招聘会回放和短视频（可重复运行，只补充缺少的）。")

    def add_arguments(self, parser):
        parser.add_argument("--no-videos", action="store_true", help=_("不生成演示视频（需要 ffmpeg，约一分钟）"))

    def handle(self, *args, no_videos, **options):
        sync_taxonomy()
        created = load_demo_articles()
        for title in created:
            self.stdout.write("  " + _("新建文章「%(title)s」") % {"title": title})
        self.stdout.write(self.style.SUCCESS(_("演示内容已就绪：新建 %(count)d 篇文章。") % {"count": len(created)}))
        if no_videos:
            return
        recording, clips = self._videos()
        if place_demo_videos(recording, clips[0] if clips else None):
            self.stdout.write("  " + _("演示回放和短视频已放进文章。"))
        self.stdout.write(self.style.SUCCESS(_("演示视频已就绪：回放 1 个，短视频 %(count)d 条。") % {"count": len(clips)}))

    def _videos(self):
        with share_bar(self.stderr, _("演示视频")) as show:
            return load_demo_videos(on_progress=lambda video: show(video.title, video.progress))
