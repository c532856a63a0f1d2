from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError

from columns.models import ColumnPage
from columns.roles import COLUMN_EDITOR_GROUP, EDITOR, ROLE_PERMISSIONS, column_editor_group


class Command(BaseCommand):
    help = "给用户分配角色和负责的版块，例如：assign_columns zhangsan --role 编辑 --column laodongmei --column gonghuodong"

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--role", action="append", default=[], choices=list(ROLE_PERMISSIONS), help="角色，可重复")
        parser.add_argument("--column", action="append", default=[], help="版块网址名（slug），可重复")
        parser.add_argument("--replace", action="store_true", help="先撤销此用户原有的全部版块")

    def handle(self, *args, username, role, column, replace, **options):
        try:
            user = get_user_model().objects.get(username=username)
        except get_user_model().DoesNotExist:
            raise CommandError(f"用户 {username} 不存在。")
        columns = list(ColumnPage.objects.filter(slug__in=column))
        unknown = sorted(set(column) - {c.slug for c in columns})
        if unknown:
            valid = "、".join(ColumnPage.objects.values_list("slug", flat=True))
            raise CommandError(f"没有这些版块：{', '.join(unknown)}。可用的版块：{valid}")
        if columns and EDITOR not in role and not user.groups.filter(name=EDITOR).exists():
            role.append(EDITOR)

        if replace:
            user.groups.remove(*user.groups.filter(name__startswith=COLUMN_EDITOR_GROUP.format(slug="")))
        user.groups.add(*Group.objects.filter(name__in=role), *(column_editor_group(c) for c in columns))

        roles = [g.name for g in user.groups.filter(name__in=list(ROLE_PERMISSIONS))]
        assigned = ColumnPage.objects.filter(
            slug__in=[g.name.split("@", 1)[1] for g in user.groups.filter(name__contains="@")]
        )
        self.stdout.write(
            self.style.SUCCESS(
                f"{username}：角色 {'、'.join(roles) or '无'}；负责版块 {'、'.join(c.title for c in assigned) or '无'}"
            )
        )
