from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from columns.roles import ensure_editorial_setup
from columns.sync import sync_taxonomy


class Command(BaseCommand):
    help = gettext_lazy(
        "让页面树与 columns/taxonomy.toml 一致：十个版块、二十六个序列，并配置各版块编辑权限和三审流程（可重复运行）。"
    )

    def handle(self, *args, **options):
        changes = sync_taxonomy()
        ensure_editorial_setup()
        for change in changes:
            self.stdout.write(f"  {change}")
        if changes:
            self.stdout.write(self.style.SUCCESS(_("栏目结构已同步，共 %(count)d 处改动。") % {"count": len(changes)}))
        else:
            self.stdout.write(self.style.SUCCESS(_("栏目结构已是最新，没有改动。")))
