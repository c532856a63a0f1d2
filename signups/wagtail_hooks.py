from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.menus.pages import PageMenuItem

from jobfairs.models import JobFairPage

from . import admin_views
from .roles import VIEW_PERMISSION


@hooks.register("register_admin_urls")
def register_signup_urls():
    return [path("signups/", include((admin_views.urlpatterns, "signups_admin")))]


class SignupMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.has_perm(VIEW_PERMISSION)


@hooks.register("register_admin_menu_item")
def register_signup_menu_item():
    return SignupMenuItem(gettext_lazy("求职报名"), reverse("signups_admin:index"), name="signups", icon_name="form", order=253)


@hooks.register("register_page_header_buttons")
def fair_signups_button(page, user, view_name, next_url=None):
    """The fair's sign-ups, from its page in the admin (the editor's header menu)."""
    if page.specific_class is JobFairPage and user.has_perm(VIEW_PERMISSION):
        url = reverse("signups_admin:fair", args=[page.pk])
        yield PageMenuItem(gettext_lazy("求职报名"), url, icon_name="form", priority=80, page=page)
