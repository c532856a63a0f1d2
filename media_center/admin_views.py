"""The video section of the admin: list with posters and progress, a preview player, resumable upload, cancel and retry."""

import json

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils.timezone import localtime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from django.views.generic import TemplateView
from wagtail.admin.ui.tables import Column
from wagtail.admin.views import generic
from wagtail.admin.viewsets.model import ModelViewSet

from . import pipeline, uploads
from .choosers import PosterColumn
from .models import Video, VideoUpload, clock_text


def progress_text(video):
    if video.status in (Video.Status.TRANSCODING, Video.Status.CLIPPING):
        text = f"{video.progress * 100:.0f}%"
        if video.eta_seconds:
            minutes, seconds = divmod(video.eta_seconds, 60)
            text += _("，约剩 %(m)d 分 %(s)d 秒") % {"m": minutes, "s": seconds}
        if video.playable:
            text += _("（已可边转边播）")
        return text
    if video.status == Video.Status.FAILED:
        return video.failure_reason
    return "100%" if video.status == Video.Status.READY else "—"


def detail_text(video):
    """The list's progress or reason, and what staff must know of a replay that is not the whole file."""
    return " ".join(filter(None, [progress_text(video), video.warning]))


def uploaded_text(video):
    return f"{localtime(video.created_at):%Y-%m-%d %H:%M}"


def duration_text(video):
    return clock_text(video.duration) if video.duration else "—"


class VideoEditView(generic.EditView):
    template_name = "media_center/admin/edit.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        video = self.object
        context.update(
            video=video,
            progress=progress_text(video),
            jobs=video.jobs.order_by("kind", "index"),
            renditions=video.renditions.all(),
            refresh=not video.is_finished,
            size=filesizeformat(video.size_bytes or 0),
            # The preview plays what is stored: a refused form has already written its chapters onto self.object.
            stored_video=Video.objects.get(pk=video.pk) if video.playable else None,
        )
        return context


class UploadView(generic.WagtailAdminTemplateMixin, TemplateView):
    template_name = "media_center/admin/upload.html"
    page_title = gettext_lazy("上传视频")
    header_icon = "media"

    def get_breadcrumbs_items(self):
        index = {"url": reverse("media_center_videos:index"), "label": Video._meta.verbose_name_plural}
        return self.breadcrumbs_items + [index, {"url": "", "label": self.get_page_title()}]

    def dispatch(self, request, *args, **kwargs):
        if not request.user.has_perm("media_center.add_video"):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        from django.conf import settings

        from .ingest import ACCEPTED_EXTENSIONS

        return {
            **super().get_context_data(**kwargs),
            "accept": ",".join(ACCEPTED_EXTENSIONS),
            "max_bytes": settings.VIDEO_MAX_UPLOAD_BYTES,
            "max_size": filesizeformat(settings.VIDEO_MAX_UPLOAD_BYTES),
            "start_url": reverse("media_center_upload:start"),
        }


def _own_upload(request, key):
    if not request.user.has_perm("media_center.add_video"):
        raise PermissionDenied
    return get_object_or_404(VideoUpload, key=key, uploaded_by=request.user)


def _error(message, status=400, **extra):
    return JsonResponse({"error": message, **extra}, status=status)


def _mismatch(mismatch):
    return _error(mismatch.message, status=409, received=mismatch.received)


def _json(body):
    """The request's JSON, without the Infinity and NaN that Python's parser lets through."""
    return json.loads(body or b"{}", parse_constant=_not_a_number)


def _not_a_number(constant):
    raise ValueError(constant)


@require_POST
def upload_start(request):
    if not request.user.has_perm("media_center.add_video"):
        raise PermissionDenied
    try:
        data = _json(request.body)
        upload = uploads.start(request.user, filename=data["filename"], size=data["size"], title=data.get("title", ""))
    except ValidationError as error:
        return _error(" ".join(error.messages))
    except (KeyError, ValueError, TypeError):
        return _error(_("请求格式不对。"))
    return JsonResponse(_upload_state(upload))


def upload_state(request, key):
    return JsonResponse(_upload_state(_own_upload(request, key)))


def _upload_state(upload):
    return {
        "key": str(upload.key),
        "mode": upload.mode,
        "received": upload.received,
        "size": upload.size,
        "chunk_bytes": uploads.CHUNK_BYTES if upload.mode == VideoUpload.Mode.LOCAL else uploads.S3_PART_BYTES,
        "chunk_url": reverse("media_center_upload:chunk", args=(upload.key,)),
        "parts_url": reverse("media_center_upload:parts", args=(upload.key,)),
        "complete_url": reverse("media_center_upload:complete", args=(upload.key,)),
    }


@require_POST
def upload_chunk(request, key):
    upload = _own_upload(request, key)
    try:
        offset = int(request.GET["offset"])
        length = int(request.headers.get("Content-Length", "0"))
        received = uploads.append_chunk(upload, offset, request, length)
    except uploads.OffsetMismatch as mismatch:
        return _mismatch(mismatch)
    except (KeyError, ValueError):
        return _error(_("缺少分片位置。"))
    except ValidationError as error:
        return _error(" ".join(error.messages))
    return JsonResponse({"received": received})


@require_POST
def upload_parts(request, key):
    upload = _own_upload(request, key)
    try:
        numbers = [int(n) for n in _json(request.body)["numbers"]]
        return JsonResponse({"urls": uploads.part_urls(upload, numbers)})
    except ValidationError as error:
        return _error(" ".join(error.messages))
    except (KeyError, ValueError, TypeError, OverflowError):
        return _error(_("请求格式不对。"))


@require_POST
def upload_complete(request, key):
    upload = _own_upload(request, key)
    try:
        parts = _json(request.body).get("parts")
    except (ValueError, AttributeError):
        return _error(_("请求格式不对。"))
    try:
        video = uploads.complete(upload, parts)
    except uploads.OffsetMismatch as mismatch:
        return _mismatch(mismatch)
    except ValidationError as error:
        return _error(" ".join(error.messages))
    return JsonResponse({"video": video.pk, "edit_url": reverse("media_center_videos:edit", args=(video.pk,))})


@require_POST
def cancel(request, pk):
    video = _changeable(request, pk)
    pipeline.cancel(video)
    messages.success(request, _("已取消“%s”的转码。") % video.title)
    return _back_to(video)


@require_POST
def retry(request, pk):
    video = _changeable(request, pk)
    if video.status not in (Video.Status.FAILED, Video.Status.CANCELLED):
        messages.error(request, _("只有失败或已取消的视频可以重新转码。"))
    else:
        pipeline.retry(video)
        messages.success(request, _("已重新开始处理“%s”。") % video.title)
    return _back_to(video)


def _back_to(video):
    return redirect("media_center_clips:edit" if video.is_clip else "media_center_videos:edit", video.pk)


def _changeable(request, pk):
    if not request.user.has_perm("media_center.change_video"):
        raise PermissionDenied
    return get_object_or_404(Video, pk=pk)


class OfOneKind:
    """Recordings and clips are both videos, listed and edited in sections of their own."""

    kind = None

    def kind_queryset(self):
        return Video.objects.filter(kind=self.kind).select_related("clip_of")

    def get_index_view_kwargs(self, **kwargs):
        return super().get_index_view_kwargs(queryset=self.kind_queryset(), **kwargs)

    def get_edit_view_kwargs(self, **kwargs):
        return super().get_edit_view_kwargs(queryset=self.kind_queryset(), **kwargs)


class VideoViewSet(OfOneKind, ModelViewSet):
    model = Video
    icon = "media"
    menu_label = gettext_lazy("视频")
    menu_order = 250
    add_to_admin_menu = True
    name = "media_center_videos"
    url_prefix = "videos"
    form_fields = ["title", "description", "chapters", "is_public"]
    search_fields = ["title", "description"]
    list_filter = ["status", "is_public"]
    list_display = [
        "title",
        PosterColumn(),
        Column("status", label=gettext_lazy("状态"), accessor="get_status_display"),
        Column("detail", label=gettext_lazy("进度 / 原因"), accessor=detail_text),
        Column("duration", label=gettext_lazy("时长"), accessor=duration_text),
        Column("created_at", label=gettext_lazy("上传时间"), accessor=uploaded_text),
    ]
    edit_view_class = VideoEditView
    add_view_class = UploadView
    copy_view_enabled = False
    kind = Video.Kind.RECORDING

    def get_urlpatterns(self):
        from django.urls import path

        from .clip_admin import ClipEditorView, band_preview

        return super().get_urlpatterns() + [
            path("<int:pk>/cancel/", cancel, name="cancel"),
            path("<int:pk>/retry/", retry, name="retry"),
            path("<int:pk>/clip/", ClipEditorView.as_view(), name="clip"),
            path("<int:pk>/clip/preview.png", band_preview, name="clip_preview"),
        ]

    def get_add_view_kwargs(self, **kwargs):
        return {}
