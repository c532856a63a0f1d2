from django.core.management.base import BaseCommand

from columns.demo import load_demo_articles
from columns.sync import sync_taxonomy


class Command(BaseCommand):
    help = "载入演示文章（可重复运行，只补充缺少的文章）。"

    def handle(self, *args, **options):
        sync_taxonomy()
        created = load_demo_articles()
        for title in created:
            self.stdout.write(f"  新建文章「{title}」")
        self.stdout.write(self.style.SUCCESS(f"演示内容已就绪：新建 {len(created)} 篇文章。"))
