import os
import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy


class Command(BaseCommand):
    help = gettext_lazy("确保存在管理员账号：密码取自环境变量 ADMIN_PASSWORD，未设置时随机生成并保存在 var/admin-password.txt。")

    def add_arguments(self, parser):
        parser.add_argument("--username", default=os.environ.get("ADMIN_USERNAME", "admin"))

    def handle(self, *args, username, **options):
        password_file = settings.VAR_DIR / "admin-password.txt"
        user_model = get_user_model()
        if user_model.objects.filter(username=username).exists():
            if password_file.exists():
                self.stdout.write(
                    _("管理员账号 %(username)s 已存在，密码见 %(file)s。") % {"username": username, "file": password_file}
                )
            else:
                self.stdout.write(_("管理员账号 %(username)s 已存在。") % {"username": username})
            return
        password = os.environ.get("ADMIN_PASSWORD")
        if not password:
            password = secrets.token_urlsafe(12)
            password_file.parent.mkdir(parents=True, exist_ok=True)
            password_file.write_text(password + "\n")
            password_file.chmod(0o600)
        user_model.objects.create_superuser(username=username, email="", password=password)
        self.stdout.write(
            self.style.SUCCESS(
                _("已创建管理员账号：用户名 %(username)s  密码 %(password)s") % {"username": username, "password": password}
            )
        )
