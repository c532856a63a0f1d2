"""The distribution views of the admin: the list with its filters, actions and the administrators'
configuration tasks, sending a clip or a page, and connecting an account to its channel (OAuth)."""

from django.contrib import messages
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.loader import render_to_string
from django.urls import path, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django.views.generic import TemplateView
from wagtail.admin.views import generic
from wagtail.models import Page

from core.visibility import ReadablePageQuerySet
from media_center.models import Video

from . import accounts, publishing
from .forms import DistributionFilterForm, PageSendForm, SendForm
from .models import CLIP_CHANNELS, PAGE_CHANNELS, ChannelAccount, Distribution
from .platforms.base import ChannelError, NeedsConfig
from .wechat_articles import BUILDERS

PER_PAGE = 50
SEND_PAGE = "distribution.send_page"  # an article or a fair under the union's name: 终审 and administrators
RECENT_PAGES = 10


def require(user, permission):
    if not user.has_perm(permission):
        raise PermissionDenied


class DistributionIndexView(generic.WagtailAdminTemplateMixin, TemplateView):
    template_name = "distribution/admin/index.html"
    header_icon = "upload"

    def dispatch(self, request, *args, **kwargs):
        require(request.user, "distribution.view_distribution")
        return super().dispatch(request, *args, **kwargs)

    def get_page_title(self):
        return _("分发记录")

    def get_context_data(self, **kwargs):
        filters = DistributionFilterForm(self.request.GET or None)
        rows = filters.filter(Distribution.objects.select_related("video", "page", "account", "created_by"))
        page = Paginator(rows, PER_PAGE).get_page(self.request.GET.get("p"))
        return {
            **super().get_context_data(**kwargs),
            "filters": filters,
            "page": page,
            "may_act": self.request.user.has_perm("distribution.change_distribution"),
            "query": self.request.GET.urlencode(),
            "tasks": ChannelAccount.objects.exclude(config_problem="").order_by("config_problem_at"),
            "may_configure": self.request.user.has_perm("distribution.change_channelaccount"),
            "recent_pages": self.recent_pages(),
        }

    def recent_pages(self):
        """The newest pages anyone may read, for those who send them (终审 may not open a page's editor)."""
        if not self.request.user.has_perm(SEND_PAGE):
            return []
        if not ChannelAccount.objects.filter(channel__in=PAGE_CHANNELS).exists():
            return []
        kinds = [ContentType.objects.get_for_model(model) for model in BUILDERS]
        pages = ReadablePageQuerySet(Page).readable().filter(content_type__in=kinds)
        return pages.order_by("-first_published_at")[:RECENT_PAGES]


ACTIONS = {"retry": publishing.retry, "cancel": publishing.cancel}


@require_POST
def act(request, pk, action):
    """重试, 取消 or 重新发布 one row, then back to where the button was."""
    require(request.user, "distribution.change_distribution")
    row = get_object_or_404(Distribution.objects.select_related("video", "page", "account"), pk=pk)
    try:
        if action == "again":
            require(request.user, "distribution.add_distribution" if row.video_id else SEND_PAGE)
            publishing.publish_again(row, request.user)
            messages.success(request, _("已重新排队发布“%(title)s”。") % {"title": row.item_title})
        elif action in ACTIONS:
            ACTIONS[action](row)
            messages.success(request, _("已处理“%(title)s”。") % {"title": row.item_title})
        else:
            raise PermissionDenied
    except ValidationError as error:
        messages.error(request, error.messages[0])
    return back(request, reverse("distribution:index"))


@require_POST
def send(request, video_pk):
    """「发布」 from a clip's page: queued at once, the worker does the rest."""
    require(request.user, "distribution.add_distribution")
    video = get_object_or_404(Video, pk=video_pk)
    form = SendForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请选择要发布到的平台账号。"))
        return back(request, reverse("wagtailadmin_home"))
    try:
        row, created = publishing.distribute(
            video, form.cleaned_data["account"], user=request.user, caption=form.cleaned_data["caption"]
        )
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        (messages.success if created else messages.warning)(request, publishing.sent_message(row, created))
    return back(request, reverse("wagtailadmin_home"))


class PageSendView(generic.WagtailAdminTemplateMixin, TemplateView):
    """「发布到公众号」 for an article or a job fair: where it went, and the form (a fair's clips besides)."""

    template_name = "distribution/admin/send_page.html"
    header_icon = "upload"

    def dispatch(self, request, *args, **kwargs):
        """Staff who see distributions see a page's here if anyone may read it, or if they may edit it."""
        require(request.user, "distribution.view_distribution")
        page = get_object_or_404(Page, pk=kwargs["page_pk"])
        readable = ReadablePageQuerySet(Page).readable().filter(pk=page.pk).exists()
        if not readable and not page.permissions_for_user(request.user).can_edit():
            raise Http404
        self.item = page.specific
        return super().dispatch(request, *args, **kwargs)

    def get_page_title(self):
        return _("发布到平台：%(title)s") % {"title": self.item.title}

    def fair_clips(self):
        replay_id = getattr(self.item, "replay_id", None)
        if replay_id is None:
            return None
        return Video.objects.filter(
            kind=Video.Kind.CLIP, clip_of_id=replay_id, review_status=Video.Review.APPROVED, status=Video.Status.READY
        )

    def get_context_data(self, form=None, **kwargs):
        may_send = self.request.user.has_perm(SEND_PAGE)
        rows = Distribution.objects.filter(page=self.item).select_related("account", "created_by")
        clips = self.fair_clips()
        clip_rows = Distribution.objects.filter(video__in=clips).select_related("video", "account") if clips else []
        return {
            **super().get_context_data(**kwargs),
            "item": self.item,
            "rows": [*rows, *clip_rows],
            "form": form or (PageSendForm(clips=clips) if may_send else None),
            "may_act": self.request.user.has_perm("distribution.change_distribution"),
        }

    def post(self, request, page_pk):
        require(request.user, SEND_PAGE)
        form = PageSendForm(request.POST, clips=self.fair_clips())
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form))
        data = form.cleaned_data
        overrides = {name: data[name] for name in ("title", "digest", "allow_shortening")}
        try:
            row, created = publishing.send_or_update(self.item, data["account"], user=request.user, **overrides)
        except ValidationError as error:
            form.add_error(None, error.messages[0])
            return self.render_to_response(self.get_context_data(form=form))
        (messages.success if created else messages.warning)(request, publishing.sent_message(row, created))
        for clip in data.get("clips") or []:
            for account in data["clip_accounts"]:
                try:
                    publishing.distribute(clip, account, user=request.user)
                except ValidationError as error:
                    messages.error(request, f"{clip.title}：{error.messages[0]}")
        return redirect("distribution:send_page", self.item.pk)


@require_POST
def configuration_done(request, pk):
    """「已处理，重试」 on a configuration task: the account's waiting distributions try again."""
    require(request.user, "distribution.change_channelaccount")
    account = get_object_or_404(ChannelAccount, pk=pk)
    count = publishing.retry_configured(account)
    messages.success(request, _("已重新排队 %(count)d 条分发。") % {"count": count})
    return back(request, reverse("distribution:index"))


def back(request, fallback):
    target = request.POST.get("next", "")
    return redirect(target if url_has_allowed_host_and_scheme(target, {request.get_host()}) else fallback)


def connect(request, pk):
    """「连接抖音」: off to the channel's authorisation page, with a state only this session knows."""
    require(request.user, "distribution.change_channelaccount")
    account = get_object_or_404(ChannelAccount, pk=pk)
    try:
        return redirect(accounts.authorize_url(request, account, request.build_absolute_uri(reverse("distribution:callback"))))
    except NeedsConfig as error:
        messages.error(request, _(error.message))
        return redirect("distribution_accounts:edit", account.pk)


def callback(request):
    """Where the channel sends the administrator back: the account connected, or why it was not."""
    require(request.user, "distribution.change_channelaccount")
    if request.GET.get("error") or not request.GET.get("code"):
        messages.error(
            request, _("授权没有完成：%(reason)s") % {"reason": request.GET.get("error_description") or _("未收到授权码")}
        )
        return redirect("distribution_accounts:index")
    try:
        account = accounts.connect(request, request.GET.get("state", ""), request.GET["code"])
    except PermissionError as error:
        messages.error(request, str(error))
        return redirect("distribution_accounts:index")
    except ChannelError as error:
        messages.error(request, _("授权失败：%(reason)s") % {"reason": _(error.message)})
        return redirect("distribution_accounts:index")
    messages.success(request, _("“%(name)s”已授权，等待授权的分发已重新排队。") % {"name": account.name})
    return redirect("distribution_accounts:edit", account.pk)


def clip_panel(request, clip):
    """On a clip's page: where it went, and 「发布到…」 for staff who may send."""
    rows = list(clip.distributions.select_related("account").order_by("-created_at"))
    may_send = request.user.has_perm("distribution.add_distribution") and clip.is_clip
    return render_to_string(
        "distribution/admin/clip_panel.html",
        {
            "clip": clip,
            "rows": rows,
            "may_send": may_send,
            "may_act": request.user.has_perm("distribution.change_distribution"),
            "accounts": ChannelAccount.objects.filter(channel__in=CLIP_CHANNELS) if may_send else [],
            "next": request.get_full_path(),
        },
        request=request,
    )


urlpatterns = [
    path("", DistributionIndexView.as_view(), name="index"),
    path("<int:pk>/<slug:action>/", act, name="act"),
    path("send/<int:video_pk>/", send, name="send"),
    path("send-page/<int:page_pk>/", PageSendView.as_view(), name="send_page"),
    path("accounts/<int:pk>/configured/", configuration_done, name="configured"),
    path("accounts/<int:pk>/connect/", connect, name="connect"),
    path("oauth/callback/", callback, name="callback"),
]
