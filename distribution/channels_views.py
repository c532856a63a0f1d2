"""The 视频号 views of the admin: a clip's export package, and 「已人工发布」 on its distribution.

Included under /admin/distribution/ in the `distribution` namespace, ahead of admin_views' patterns (its
`<int:pk>/<slug:action>/` would take `<pk>/manual/`). Wagtail's admin URL hook puts every view behind
its login and turns PermissionDenied into a message and a redirect.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from media_center.models import Video

from . import channels_package
from .admin_views import back, require
from .manual import confirm_posted
from .models import Distribution


@require_GET
def package(request, video_pk):
    """「下载视频号发布包」: the clip, its cover and its text as one zip, streamed."""
    require(request.user, "distribution.add_distribution")
    clip = get_object_or_404(Video, pk=video_pk)
    try:
        built = channels_package.build(clip, request)
    except ValidationError as error:
        messages.error(request, error.messages[0])
        return redirect(safe_next(request, request.GET.get("next", ""), reverse("distribution:index")))
    return channels_package.response_for(built)


@require_POST
def manual(request, pk):
    """「已人工发布」: the post's link or feed id, pasted from 视频号助手, completes the row."""
    require(request.user, "distribution.change_distribution")
    row = get_object_or_404(Distribution.objects.select_related("video", "page", "account"), pk=pk)
    try:
        confirm_posted(row, request.POST.get("reference", ""), request.user)
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(request, _("已记录“%(title)s”在视频号上的发布。") % {"title": row.item_title})
    return back(request, reverse("distribution:index"))


def safe_next(request, target, fallback):
    allowed = url_has_allowed_host_and_scheme(target, {request.get_host()}, require_https=request.is_secure())
    return target if allowed else fallback


urlpatterns = [
    path("package/<int:video_pk>/", package, name="channels_package"),
    path("<int:pk>/manual/", manual, name="channels_manual"),
]
