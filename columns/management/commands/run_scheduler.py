import signal
import time

from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "调度进程：每分钟发布到期的定时内容、下线到期内容。"

    def add_arguments(self, parser):
        parser.add_argument("--interval", type=int, default=60, help="两次运行之间的秒数")
        parser.add_argument("--once", action="store_true", help="只运行一次后退出")

    def handle(self, *args, interval, once, **options):
        stopping = []
        signal.signal(signal.SIGTERM, lambda *_: stopping.append(True))
        self.stdout.write(f"调度进程已启动，每 {interval} 秒运行一次。")
        while not stopping:
            started = time.monotonic()
            call_command("publish_scheduled", stdout=self.stdout, stderr=self.stderr)
            if once:
                return
            while not stopping and time.monotonic() - started < interval:
                time.sleep(1)
