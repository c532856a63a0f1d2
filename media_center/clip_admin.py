"""The clips section of the admin: the clip editor on any ready video, the 短视频 list, and 终审's 通过/退回."""

import io

from django.apps import apps
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import FormView, TemplateView
from PIL import Image
from wagtail import hooks
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel, ObjectList, PageChooserPanel
from wagtail.admin.ui.tables import Column
from wagtail.admin.views import generic
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.images import get_image_model
from wagtail.models import Page

from . import clips, storage
from .admin_views import OfOneKind, VideoEditView, detail_text, uploaded_text
from .choosers import PosterColumn
from .clip_forms import ClipBatchForm, ClipForm, ClipRows
from .ffmpeg.clip_layout import FontMissing, find_cjk_font
from .ffmpeg.thumbnails import storyboard_frame_at
from .ffmpeg.title_band import LogoError, compose_preview, draw_band
from .models import Video, clock_text

PREVIEW_SIZE = (270, 480)
MAX_PREVIEW_TITLE = 200


def section_pages():
    return Page.objects.type(*(apps.get_model(name) for name in settings.CLIP_SECTION_PAGE_TYPES)).live()


def span_text(clip):
    if clip.clip_start is None:
        return "—"
    return f"{clock_text(clip.clip_start)}–{clock_text(clip.clip_end)}"


def choose_a_video(request):
    """Clips are made from a video: 短视频's add button leads there."""
    messages.info(request, _("请先打开一个已转码完成的视频，再点「剪辑短视频」。"))
    return redirect("media_center_videos:index")


class ReviewColumn(Column):
    """The review state, linking to the review page: 终审 watch and decide there, without edit rights."""

    cell_template_name = "media_center/admin/review_cell.html"


class ClipEditView(VideoEditView):
    template_name = "media_center/admin/clip_edit.html"

    def get_context_data(self, **kwargs):
        """Apps that send clips elsewhere add their panel (hook `clip_channel_panels`: html for request and clip)."""
        panels = [panel(self.request, self.object) for panel in hooks.get_hooks("clip_channel_panels")]
        return {**super().get_context_data(**kwargs), "channel_panels": panels}

    def save_instance(self):
        before = Video.objects.get(pk=self.object.pk)
        with transaction.atomic():
            clip = super().save_instance()
            clips.after_change(clip, clips.changed_fields(before, clip), self.request.user)
        return clip


class ClipReviewView(generic.WagtailAdminTemplateMixin, TemplateView):
    """A clip for 终审 to watch and decide on: 通过 or 退回 with a comment, recorded with the reviewer.

    Its own page, since reviewers may watch but not edit videos.
    """

    template_name = "media_center/admin/clip_review.html"
    header_icon = "media"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.has_perm("media_center.view_video"):
            raise PermissionDenied
        self.clip = get_object_or_404(Video.objects.select_related("clip_of", "section"), pk=kwargs["pk"], kind=Video.Kind.CLIP)
        return super().dispatch(request, *args, **kwargs)

    def get_page_title(self):
        return _("审核短视频")

    def get_page_subtitle(self):
        return self.clip.title

    def get_breadcrumbs_items(self):
        index = {"url": reverse("media_center_clips:index"), "label": _("短视频")}
        return self.breadcrumbs_items + [index, {"url": "", "label": self.clip.title}]

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "video": self.clip,
            "reviews": self.clip.reviews.select_related("user"),
            "may_review": clips.can_review(self.request.user, self.clip),
            "may_edit": self.request.user.has_perm("media_center.change_video"),
        }

    def post(self, request, pk):
        clip = self.clip
        decision, comment = request.POST.get("decision"), request.POST.get("comment", "")[:2000]
        try:
            if decision == "approve":
                clips.approve(clip, request.user, comment)
                messages.success(request, _("已通过“%s”：可以放到页面上和发布到平台了。") % clip.title)
            elif decision == "return":
                clips.send_back(clip, request.user, comment)
                messages.success(request, _("已退回“%s”。") % clip.title)
            else:
                messages.error(request, _("请选择通过或退回。"))
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        return redirect("media_center_clips:review", pk)


class ClipEditorView(generic.WagtailAdminTemplateMixin, FormView):
    """Several clips of one ready video in one form: mark spans with the player, title each, send them off."""

    template_name = "media_center/admin/clip_editor.html"
    header_icon = "media"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.has_perm("media_center.add_video"):
            raise PermissionDenied
        self.video = get_object_or_404(Video, pk=kwargs["pk"], status=Video.Status.READY)
        return super().dispatch(request, *args, **kwargs)

    def get_page_title(self):
        return _("剪辑短视频")

    def get_page_subtitle(self):
        return self.video.title

    def get_breadcrumbs_items(self):
        index = {"url": reverse("media_center_videos:index"), "label": Video._meta.verbose_name_plural}
        video = {"url": reverse("media_center_videos:edit", args=(self.video.pk,)), "label": self.video.title}
        return self.breadcrumbs_items + [index, video, {"url": "", "label": self.get_page_title()}]

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "sections": section_pages()}

    def get_form_class(self):
        return ClipBatchForm

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            video=self.video,
            rows=kwargs.get("rows") or ClipRows(prefix="clips"),
            preview_url=reverse("media_center_videos:clip_preview", args=(self.video.pk,)),
            frame_seconds=1 / (self.video.frame_rate or 25),
        )
        return context

    def post(self, request, *args, **kwargs):
        form = self.get_form()
        rows = ClipRows(request.POST, prefix="clips")
        if not (form.is_valid() and rows.is_valid()):
            return self.render_to_response(self.get_context_data(form=form, rows=rows))
        try:
            made = self._make(form.cleaned_data, [row.cleaned_data for row in rows if row.has_changed()])
        except ValidationError as error:
            form.add_error(None, error)
            return self.render_to_response(self.get_context_data(form=form, rows=rows))
        messages.success(request, _("已提交 %(count)d 条短视频，生成后请终审审核。") % {"count": len(made)})
        return redirect("media_center_clips:index")

    @transaction.atomic
    def _make(self, shared, rows):
        """All or none: a refused row leaves nothing half made, and the form keeps what was typed."""
        made = []
        for number, row in enumerate(rows, start=1):
            try:
                made.append(
                    clips.create_clip(
                        self.video,
                        start=row["start_at"],
                        end=row["end_at"],
                        title=row["title"],
                        cover_at=row["cover_time"],
                        user=self.request.user,
                        topics=shared["topics"],
                        section=shared["section"],
                        subtitles=shared["subtitle_file"],
                        logo=shared["logo"],
                    )  # fmt: skip
                )
            except ValidationError as error:
                raise ValidationError(_("第 %(number)d 条：%(reason)s") % {"number": number, "reason": " ".join(error.messages)})
        return made


def band_preview(request, pk):
    """The title band over the storyboard frame nearest `at`, as the clip will show it: made with Pillow
    from the same band image the worker burns in, so no ffmpeg runs in the web process."""
    if not request.user.has_perm("media_center.add_video"):
        raise PermissionDenied
    video = get_object_or_404(Video, pk=pk)
    if not video.storyboard:
        raise Http404
    try:
        at = float(request.GET.get("at", 0))
        font = find_cjk_font(settings.CJK_FONT_PATHS)
    except ValueError:
        raise Http404 from None
    except FontMissing as missing:
        return HttpResponse(_(missing.message) % missing.params, status=503, content_type="text/plain; charset=utf-8")
    try:
        frame = _storyboard_frame(video, at)
    except ValueError:
        raise Http404 from None
    title = request.GET.get("title", "")[:MAX_PREVIEW_TITLE]
    logo_id = request.GET.get("logo", "")
    logo = get_image_model().objects.filter(pk=logo_id).first() if logo_id.isdigit() else None
    try:
        if logo is None:
            band = draw_band(title, font_path=font)
        else:
            with logo.file.open("rb") as handle:
                band = draw_band(title, font_path=font, logo_path=handle)
    except LogoError as refusal:
        return HttpResponse(_(refusal.message) % refusal.params, status=400, content_type="text/plain; charset=utf-8")
    preview = compose_preview(frame, band, source_size=(video.width, video.height)).resize(PREVIEW_SIZE, Image.Resampling.LANCZOS)
    response = HttpResponse(content_type="image/png")
    preview.save(response, "PNG")
    response["Cache-Control"] = "private, max-age=300"
    return response


def _storyboard_frame(video, at):
    folder = video.storyboard.rsplit("/", 1)[0]
    sprite, (x, y, width, height) = storyboard_frame_at(storage.read_text(video.storyboard), at)
    with storage.video_storage().open(f"{folder}/{sprite}", "rb") as handle:
        sheet = Image.open(io.BytesIO(handle.read()))
        return sheet.convert("RGB").crop((x, y, x + width, y + height))


class ClipViewSet(OfOneKind, ModelViewSet):
    """短视频: every clip with its 审核 state; made from a video's clip editor, so there is no add form."""

    model = Video
    icon = "media"
    menu_label = gettext_lazy("短视频")
    menu_order = 251
    add_to_admin_menu = True
    name = "media_center_clips"
    url_prefix = "clips"
    edit_handler = ObjectList(
        [
            FieldPanel("title"),
            MultiFieldPanel(
                [FieldRowPanel([FieldPanel("start_at"), FieldPanel("end_at"), FieldPanel("cover_time")])],
                heading=gettext_lazy("剪辑范围"),
            ),
            FieldPanel("description"),
            FieldPanel("topics"),
            PageChooserPanel("section", list(settings.CLIP_SECTION_PAGE_TYPES)),
            FieldPanel("subtitle_file"),
            FieldPanel("remove_subtitles"),
            FieldPanel("logo"),
        ],
        base_form_class=ClipForm,
    )
    search_fields = ["title", "description"]
    list_filter = ["review_status", "status"]
    list_display = [
        "title",
        PosterColumn(),
        ReviewColumn("review_status", label=gettext_lazy("审核"), accessor="get_review_status_display"),
        Column("status", label=gettext_lazy("状态"), accessor="get_status_display"),
        Column("detail", label=gettext_lazy("进度 / 原因"), accessor=detail_text),
        Column("span", label=gettext_lazy("原视频上的范围"), accessor=span_text),
        Column("created_at", label=gettext_lazy("创建时间"), accessor=uploaded_text),
    ]
    edit_view_class = ClipEditView
    copy_view_enabled = False
    kind = Video.Kind.CLIP

    def get_urlpatterns(self):
        return super().get_urlpatterns() + [path("<int:pk>/review/", ClipReviewView.as_view(), name="review")]

    @property
    def add_view(self):
        return choose_a_video
