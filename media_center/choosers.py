"""Choosing a ready video in the page editor, and the StreamField block that holds it."""

from django.utils.translation import gettext_lazy as _
from wagtail.admin.ui.tables import Column
from wagtail.admin.views.generic import chooser
from wagtail.admin.viewsets.chooser import ChooserViewSet

from . import playback
from .models import Video


def poster_url(video):
    return playback.file_url(video, video.poster) if video.poster else None


class PosterColumn(Column):
    """The poster frame, small: staff tell videos apart at a glance, here and in the video list."""

    cell_template_name = "media_center/admin/poster_cell.html"

    def __init__(self):
        super().__init__("poster", label=_("封面"), accessor=poster_url, width="112px")


def kind_text(video):
    """A clip shows its review state: one not approved may be chosen for a draft, not published."""
    return f"{video.get_kind_display()} · {video.get_review_status_display()}" if video.is_clip else video.get_kind_display()


class WithPoster:
    @property
    def columns(self):
        return [*super().columns, PosterColumn(), Column("kind", label=_("类型"), accessor=kind_text)]


class VideoChooseView(WithPoster, chooser.ChooseView):
    pass


class VideoChooseResultsView(WithPoster, chooser.ChooseResultsView):
    pass


class VideoChooserViewSet(ChooserViewSet):
    model = Video
    icon = "media"
    choose_one_text = _("选择视频")
    choose_another_text = _("换一个视频")
    edit_item_text = _("编辑视频")
    per_page = 20
    choose_view_class = VideoChooseView
    choose_results_view_class = VideoChooseResultsView
    url_filter_parameters = []

    def get_object_list(self):
        return Video.objects.filter(status=Video.Status.READY).order_by("-created_at")


video_chooser_viewset = VideoChooserViewSet("video_chooser", url_prefix="video-chooser")
VideoChooserBlockBase = video_chooser_viewset.get_block_class(name="VideoChooserBlockBase", module_path="media_center.choosers")
