import json

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ops.health import check_now


class Command(BaseCommand):
    help = gettext_lazy("运行与 /healthz 相同的健康检查，每项一行；有任何一项不正常时退出码为 1（供 cron 使用）。")

    def add_arguments(self, parser):
        parser.add_argument("--json", action="store_true", dest="as_json", help=_("输出与 /healthz 相同的 JSON"))

    def handle(self, *args, as_json, **options):
        status = check_now()
        if as_json:
            self.stdout.write(json.dumps(status.as_dict(), ensure_ascii=False, indent=2))
        else:
            for result in status.results:
                self.stdout.write(self.line(result))
        if not status.all_ok:
            raise SystemExit(1)

    def line(self, result):
        if result.ok:
            mark, style = _("正常"), self.style.SUCCESS
        elif result.critical:
            mark, style = _("故障"), self.style.ERROR
        else:
            mark, style = _("警告"), self.style.WARNING
        text = _("%(label)s：%(message)s（%(ms)d 毫秒）") % {
            "label": result.label,
            "message": result.message,
            "ms": round(result.seconds * 1000),
        }
        return f"{style(f'[{mark}]')} {text}"
