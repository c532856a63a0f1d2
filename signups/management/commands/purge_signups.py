"""Delete the sign-ups past SIGNUP_RETENTION_DAYS now: the scheduler does it each minute; run this after
restoring a backup, which may bring back entries already past their time."""

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.progress import share_bar
from signups.retention import purge_expired


class Command(BaseCommand):
    help = gettext_lazy("删除超过保存期限（SIGNUP_RETENTION_DAYS）的求职报名；从备份恢复后须再运行一次。")

    def handle(self, *args, **options):
        label = _("删除过期报名")
        with share_bar(self.stderr, label) as show:
            deleted = purge_expired(progress=lambda done, total: show(label, done / total))
            show(label, 1)
        self.stdout.write(_("已删除 %(count)d 条超过保存期限的求职报名。") % {"count": deleted})
