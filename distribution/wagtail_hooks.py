from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.panels import FieldPanel, ObjectList, PageChooserPanel
from wagtail.admin.ui.menus.pages import PageMenuItem
from wagtail.admin.ui.tables import Column
from wagtail.admin.viewsets.base import ViewSetGroup
from wagtail.admin.viewsets.model import ModelViewSet

from . import admin_views, channels_views, report_views
from .forms import ChannelAccountForm
from .models import ChannelAccount, DistributionRule
from .wechat_articles import builder_for


class StateColumn(Column):
    """授权状态: computed, with its reason when it needs a person."""

    def get_value(self, instance):
        state = instance.auth_state()
        problem = instance.config_problem or instance.auth_problem
        return f"{state}：{problem}" if problem else state


class ChannelAccountViewSet(ModelViewSet):
    """Administrators only (the only role granted these permissions): the union's credentials."""

    model = ChannelAccount
    icon = "key"
    menu_label = gettext_lazy("平台账号")
    url_prefix = "distribution/accounts"
    name = "distribution_accounts"
    edit_handler = ObjectList(
        [FieldPanel("channel"), FieldPanel("name"), FieldPanel("client_key"), FieldPanel("client_secret")],
        base_form_class=ChannelAccountForm,
    )
    list_display = ["name", "channel", StateColumn("auth_state", label=gettext_lazy("授权状态")), "refresh_expires_at"]
    edit_template_name = "distribution/admin/account_edit.html"
    copy_view_enabled = False


class DistributionRuleViewSet(ModelViewSet):
    """Per column or series, for any channel: clips go to Douyin and 视频号 when approved, pages to the
    Official Account when published."""

    model = DistributionRule
    icon = "cogs"
    menu_label = gettext_lazy("自动发布规则")
    url_prefix = "distribution/rules"
    name = "distribution_rules"
    panels = [
        PageChooserPanel("section", ["columns.ColumnPage", "columns.SeriesPage"]),
        FieldPanel("account"),
        FieldPanel("active"),
    ]
    list_display = ["section", "account", "active"]
    copy_view_enabled = False


class DistributionMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.has_perm("distribution.view_distribution")


class ChannelSettingsViewSetGroup(ViewSetGroup):
    """Accounts and rules: shown to administrators, the only ones granted them."""

    items = (ChannelAccountViewSet, DistributionRuleViewSet)
    menu_icon = "key"
    menu_label = gettext_lazy("平台账号与规则")
    menu_name = "channel-settings"
    menu_order = 254


@hooks.register("register_admin_menu_item")
def register_distribution_menu_item():
    return DistributionMenuItem(
        gettext_lazy("平台分发"), reverse("distribution:index"), name="distributions", icon_name="upload", order=253
    )


@hooks.register("register_admin_viewset")
def register_distribution_viewsets():
    return ChannelSettingsViewSetGroup()


@hooks.register("register_admin_urls")
def register_distribution_urls():
    # The 视频号 routes first: admin_views' `<pk>/<action>/` would take `<pk>/manual/`.
    return [path("distribution/", include((channels_views.urlpatterns + admin_views.urlpatterns, "distribution")))]


hooks.register("clip_channel_panels", admin_views.clip_panel)


@hooks.register("register_page_header_buttons")
def page_channels_button(page, user, view_name, next_url=None):
    """「发布到平台」 in the header menu of a page the Official Account can carry (an article, a job fair)."""
    if builder_for(page) is not None and user.has_perm("distribution.view_distribution"):
        url = reverse("distribution:send_page", args=[page.pk])
        yield PageMenuItem(gettext_lazy("发布到平台"), url, icon_name="upload", priority=70, page=page)


hooks.register("register_admin_urls", report_views.register_report_urls)
hooks.register("register_reports_menu_item", report_views.register_report_menu_item)
