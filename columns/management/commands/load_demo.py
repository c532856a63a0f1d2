from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from columns.demo import load_demo_articles
from columns.sync import sync_taxonomy


class Command(BaseCommand):
    help = gettext_lazy("载入演示文章（可重复运行，只补充缺少的文章）。")

    def handle(self, *args, **options):
        sync_taxonomy()
        created = load_demo_articles()
        for title in created:
            self.stdout.write("  " + _("新建文章「%(title)s」") % {"title": title})
        self.stdout.write(self.style.SUCCESS(_("演示内容已就绪：新建 %(count)d 篇文章。") % {"count": len(created)}))
