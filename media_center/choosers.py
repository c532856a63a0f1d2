"""Choosing a ready video in the page editor, and the StreamField block that holds it."""

from django.utils.translation import gettext_lazy as _
from wagtail.admin.viewsets.chooser import ChooserViewSet

from .models import Video


class VideoChooserViewSet(ChooserViewSet):
    model = Video
    icon = "media"
    choose_one_text = _("选择视频")
    choose_another_text = _("换一个视频")
    edit_item_text = _("编辑视频")
    per_page = 20
    url_filter_parameters = []

    def get_object_list(self):
        return Video.objects.filter(status=Video.Status.READY).order_by("-created_at")


video_chooser_viewset = VideoChooserViewSet("video_chooser", url_prefix="video-chooser")
VideoChooserBlockBase = video_chooser_viewset.get_block_class(name="VideoChooserBlockBase", module_path="media_center.choosers")
