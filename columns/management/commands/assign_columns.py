from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from columns.models import ColumnPage
from columns.roles import assign_roles
from core.roles import ROLES


class Command(BaseCommand):
    help = gettext_lazy(
        "给用户分配角色和负责的版块，例如：assign_columns zhangsan --role 编辑 --column laodongmei --column gonghuodong"
    )

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--role", action="append", default=[], choices=list(ROLES), help=_("角色，可重复"))
        parser.add_argument("--column", action="append", default=[], help=_("版块网址名（slug），可重复"))
        parser.add_argument("--replace", action="store_true", help=_("先撤销此用户原有的全部版块"))

    def handle(self, *args, username, role, column, replace, **options):
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(_("用户 %(username)s 不存在。") % {"username": username})
        try:
            columns = assign_roles(user, role, column, replace_columns=replace)
        except ValueError as error:
            valid = "、".join(ColumnPage.objects.values_list("slug", flat=True))
            raise CommandError(_("%(error)s。可用的版块：%(columns)s") % {"error": error, "columns": valid})
        roles = user.groups.filter(name__in=ROLES).values_list("name", flat=True)
        none = _("无")
        self.stdout.write(
            self.style.SUCCESS(
                _("%(username)s：角色 %(roles)s；负责版块 %(columns)s")
                % {
                    "username": username,
                    "roles": "、".join(roles) or none,
                    "columns": "、".join(c.title for c in columns) or none,
                }
            )
        )
