import signal
import time

from django.conf import settings
from django.core.cache import caches
from django.core.management.base import BaseCommand
from django.db import close_old_connections

from columns.scheduling import run_due_publications
from media_center.pipeline import requeue_stalled_jobs, rerun_orphaned_tasks
from media_center.uploads import remove_abandoned
from stats.counting import purge_seen_readers


class Command(BaseCommand):
    help = "调度进程：每分钟发布到期的定时内容、下线到期内容，把中断的视频任务重新排队，并清理被放弃的上传。多台机器同时运行也只会有一处执行。"

    def add_arguments(self, parser):
        parser.add_argument("--interval", type=int, default=60, help="两次运行之间的秒数")
        parser.add_argument("--once", action="store_true", help="只运行一次后退出")

    def handle(self, *args, interval, once, **options):
        stopping = []
        signal.signal(signal.SIGTERM, lambda *_: stopping.append(True))
        self.stdout.write(f"调度进程已启动，每 {interval} 秒检查一次定时发布。")
        while not stopping:
            started = time.monotonic()
            run = run_due_publications()
            if run is None:
                self.stdout.write("另一个调度进程正在运行，本轮跳过。")
            elif run.published or run.expired or options["verbosity"] > 1:
                self.stdout.write(f"定时任务：发布 {run.published} 项，下线 {run.expired} 项。")
            for alias in settings.CACHES:
                if hasattr(caches[alias], "cull"):
                    caches[alias].cull()  # files past MAX_ENTRIES: see cms.cache.BoundedFileBasedCache
            rerun = rerun_orphaned_tasks()
            if rerun:
                self.stdout.write(f"后台任务：{rerun} 个进程中断的任务已重新排队。")
            requeued = requeue_stalled_jobs()
            if requeued:
                self.stdout.write(f"视频任务：{requeued} 个中断的任务已重新排队。")
            abandoned = remove_abandoned()
            if abandoned:
                self.stdout.write(f"视频上传：清理了 {abandoned} 个一天没有动静的未完成上传。")
            purge_seen_readers()
            if once:
                return
            close_old_connections()  # a long-lived loop must not hold a broken or stale connection
            while not stopping and time.monotonic() - started < interval:
                time.sleep(1)
