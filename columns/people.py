"""How people and their groups read in the admin: 姓名 in Chinese order, role groups by their column's title.

Group names stay as stored (`编辑@laodongmei`): code finds groups by name (roles.py). Only what people
read changes, and it changes everywhere at once: the user list and its filters, the user form's
checkboxes, workflow tasks, page privacy, history and the sidebar. Forms ask for 姓 before 名.
"""

import re

from .roles import COLUMN_EDITOR_GROUP, EDITOR

CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
COLUMN_EDITOR_PREFIX = COLUMN_EDITOR_GROUP.format(slug="")


def group_label(group):
    """编辑@laodongmei reads 编辑 · 劳动美; any other group its name."""
    from .structure import site_structure
    from .tree import COLUMN_DEPTH

    if not group.name.startswith(COLUMN_EDITOR_PREFIX):
        return group.name
    slug = group.name.removeprefix(COLUMN_EDITOR_PREFIX)
    titles = {place.slug: place.title for place in site_structure().places.values() if place.depth == COLUMN_DEPTH}
    return f"{EDITOR} · {titles.get(slug, slug)}"


def full_name(user):
    """李晓雯: 姓 before 名 without a space, as Chinese names are written; a name in Latin letters keeps its order."""
    if CJK.search(user.last_name + user.first_name):
        return f"{user.last_name}{user.first_name}".strip()
    return f"{user.first_name} {user.last_name}".strip()


def install():
    """Called once from the app's ready(): the user model is Django's own, so its methods are replaced, not swapped."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from wagtail.admin.forms.account import NameEmailForm
    from wagtail.admin.telepath import register, registry
    from wagtail.admin.ui.sidebar import MainMenuModule
    from wagtail.admin.utils import get_user_display_name

    Group.__str__ = group_label
    get_user_model().get_full_name = full_name
    NameEmailForm.field_order = ["last_name", "first_name", "email"]  # 账号设置; the user forms: templates/wagtailusers/

    class MainMenuWithFullName(type(registry.find_adapter(MainMenuModule))):
        """Wagtail's sidebar shows the first name alone (名): here the whole 姓名, as everywhere else."""

        def js_args(self, obj):
            menu_items, account_menu_items, account = super().js_args(obj)
            return [menu_items, account_menu_items, {**account, "name": get_user_display_name(obj.user)}]

    register(MainMenuWithFullName(), MainMenuModule)
