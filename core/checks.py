"""System checks: what the machine needs, said at start-up rather than at the first video or clip.

Warnings, not errors: a web-only machine needs neither ffmpeg nor a CJK font (workers do).
"""

import shutil
from pathlib import Path

from django.conf import settings
from django.core.checks import Error, Warning, register
from django.utils.translation import gettext as _


@register()
def video_tools(app_configs, **kwargs):
    missing = [tool for tool in ("ffmpeg", "ffprobe") if shutil.which(tool) is None]
    if not missing:
        return []
    return [
        Warning(
            _("找不到 %(tools)s：这台机器不能处理视频。") % {"tools": "、".join(missing)},
            hint=_("apt-get install ffmpeg（只运行网站的机器可以忽略）"),
            id="core.W001",
        )
    ]


@register()
def cjk_font(app_configs, **kwargs):
    if any(Path(font).exists() for font in settings.CJK_FONT_PATHS):
        return []
    return [
        Warning(
            _("找不到中文字体：这台机器不能给短视频压字幕和标题。"), hint="apt-get install fonts-wqy-microhei", id="core.W002"
        )
    ]


@register()
def storages(app_configs, **kwargs):
    """Videos must never be stored where the public can fetch them without a signature."""
    videos = settings.STORAGES.get("videos")
    if videos is None:
        return [Error(_("没有配置 videos 存储。"), hint=_("在 STORAGES 中加入 videos（本地目录或 S3）。"), id="core.E001")]
    location = videos.get("OPTIONS", {}).get("location")
    if location and Path(location).resolve().is_relative_to(Path(settings.MEDIA_ROOT).resolve()):
        return [
            Error(
                _("视频存储在 MEDIA_ROOT 之下，会被直接公开访问。"),
                hint=_("把 VIDEO_ROOT 设到 MEDIA_ROOT 之外。"),
                id="core.E002",
            )
        ]
    return []
