from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from columns.admin_views import ArticleViewSet

from . import override_admin, replay_admin, shelf_admin
from .models import Employer, JobFairPage, RecruitmentAllowedPhrase, RecruitmentBannedWord


class EmployerViewSet(SnippetViewSet):
    model = Employer
    icon = "group"
    list_display = ["name", "credit_code", "industry", "size"]
    search_fields = ["name", "credit_code"]


class RecruitmentBannedWordViewSet(SnippetViewSet):
    model = RecruitmentBannedWord
    icon = "warning"
    list_display = ["word", "category", "note", "updated_at"]
    list_filter = ["category"]
    search_fields = ["word", "note"]


class RecruitmentAllowedPhraseViewSet(SnippetViewSet):
    model = RecruitmentAllowedPhrase
    icon = "tick"
    list_display = ["phrase", "note", "updated_at"]
    search_fields = ["phrase", "note"]


class JobFairViewSetGroup(SnippetViewSetGroup):
    items = (EmployerViewSet, RecruitmentBannedWordViewSet, RecruitmentAllowedPhraseViewSet)
    menu_icon = "group"
    menu_label = gettext_lazy("招聘")
    menu_name = "recruitment"


register_snippet(JobFairViewSetGroup)


class JobFairViewSet(ArticleViewSet):
    """The article's edit and review views (a reviewer is told what their 通过 did and lands on the dashboard)."""

    model = JobFairPage


@hooks.register("register_admin_viewset")
def register_job_fair_viewset():
    return JobFairViewSet()


@hooks.register("register_admin_urls")
def register_replay_and_override_urls():
    return [
        path("fair-replays/", include((replay_admin.urlpatterns, "jobfair_replays"))),
        path("fair-overrides/", include((override_admin.urlpatterns, "jobfair_overrides"))),
        path("fair-shelf/", include((shelf_admin.urlpatterns, "jobfair_shelf"))),
    ]


hooks.register("construct_homepage_panels", override_admin.add_panels)


class PermissionMenuItem(MenuItem):
    """Shown only to holders of `permission`: a section's own views refuse everyone else anyway."""

    def __init__(self, *args, permission, **kwargs):
        super().__init__(*args, **kwargs)
        self.permission = permission

    def is_shown(self, request):
        return request.user.has_perm(self.permission)


@hooks.register("register_admin_menu_item")
def register_replay_menu_item():
    return PermissionMenuItem(
        gettext_lazy("招聘会回放"),
        reverse("jobfair_replays:index"),
        name="fair-replays",
        icon_name="media",
        order=252,
        permission=replay_admin.MOMENTS_PERMISSION,
    )


@hooks.register("register_admin_menu_item")
def register_shelf_menu_item():
    return PermissionMenuItem(
        gettext_lazy("直播讲解"),
        reverse("jobfair_shelf:index"),
        name="fair-shelf",
        icon_name="pick",
        order=251,
        permission=shelf_admin.SHELF_PERMISSION,
    )
