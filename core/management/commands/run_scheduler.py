import signal
import time

from django.core.management.base import BaseCommand
from django.db import close_old_connections
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.scheduler import beat, jobs, run_jobs


class Command(BaseCommand):
    help = gettext_lazy(
        "调度进程：每分钟运行各应用登记的定时任务（定时发布与下线、重新排队中断的视频任务、清理等）。多台机器可同时运行。"
    )

    def add_arguments(self, parser):
        parser.add_argument("--interval", type=int, default=60, help=_("两次运行之间的秒数"))
        parser.add_argument("--once", action="store_true", help=_("只运行一次后退出"))

    def handle(self, *args, interval, once, **options):
        stopping = []
        signal.signal(signal.SIGTERM, lambda *_: stopping.append(True))
        self.stdout.write(
            _("调度进程已启动，每 %(interval)d 秒运行一次：%(jobs)s。") % {"interval": interval, "jobs": "、".join(jobs)}
        )
        while not stopping:
            started = time.monotonic()
            for report in run_jobs():
                self.stdout.write(report)
            beat()  # /healthz: when a scheduler last finished a pass
            if once:
                return
            close_old_connections()  # a long-lived loop must not hold a broken or stale connection
            while not stopping and time.monotonic() - started < interval:
                time.sleep(1)
