from django.urls import include, path
from wagtail import hooks

from . import admin_views, dashboard
from .choosers import video_chooser_viewset
from .clip_admin import ClipViewSet

video_viewset = admin_views.VideoViewSet()
clip_viewset = ClipViewSet()

upload_urls = [
    path("start/", admin_views.upload_start, name="start"),
    path("<uuid:key>/", admin_views.upload_state, name="state"),
    path("<uuid:key>/chunk/", admin_views.upload_chunk, name="chunk"),
    path("<uuid:key>/parts/", admin_views.upload_parts, name="parts"),
    path("<uuid:key>/complete/", admin_views.upload_complete, name="complete"),
]


@hooks.register("register_admin_viewset")
def register_viewsets():
    return [video_viewset, clip_viewset, video_chooser_viewset]


@hooks.register("register_admin_urls")
def register_upload_urls():
    return [path("video-uploads/", include((upload_urls, "media_center_upload")))]


hooks.register("construct_homepage_panels", dashboard.add_panels)
