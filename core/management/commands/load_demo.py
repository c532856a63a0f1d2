from functools import partial

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core import demo
from core.progress import share_bar


class Command(BaseCommand):
    help = gettext_lazy("载入各应用登记的演示内容（可重复运行，只补充缺少的）。")

    def add_arguments(self, parser):
        parser.add_argument("--no-videos", action="store_true", help=_("不生成演示视频（需要 ffmpeg，约一分钟）"))

    def handle(self, *args, no_videos, **options):
        for loader in demo.loaders_to_run(with_ffmpeg=not no_videos):
            loader.load(self.say, partial(share_bar, self.stderr))

    def say(self, text, done=False):
        self.stdout.write(self.style.SUCCESS(text) if done else "  " + text)
