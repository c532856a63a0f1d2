"""Playback endpoints: playlists rewritten with signed URLs, and stored files served with Range support.

Whatever the caller may not watch (a private video, a wrong or expired signature) is answered
exactly as a video or file that does not exist: ids and renditions cannot be enumerated.
"""

import mimetypes
import re
from urllib.parse import quote

from django.conf import settings
from django.http import FileResponse, Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from core.page_cache import depends_on

from . import playback, storage
from .chapters import chapters_vtt
from .models import Video

RANGE = re.compile(r"bytes=(\d*)-(\d*)$")
RANGE_BLOCK_BYTES = 512 * 1024
ALLOWED_FOLDERS = ("hls/", "mp4/", "thumbs/", "clip/")
CONTENT_TYPES = {".m3u8": "application/vnd.apple.mpegurl", ".ts": "video/mp2t", ".vtt": "text/vtt"}


NOT_FOUND = gettext_lazy("没有这个视频，或者它还没有公开。")


def _signed_file(request, video_id, path):
    """The video and the stored name of `path`, when the request carries that file's signature."""
    if ".." in path.split("/") or not path.startswith(ALLOWED_FOLDERS):
        raise Http404(NOT_FOUND)
    video = get_object_or_404(Video, pk=video_id)
    name = f"{video.prefix}/{path}"
    if not playback.verify(video, name, request.GET.get("token", "")):
        raise Http404(NOT_FOUND)
    return video, name


def _watchable(request, video_id):
    video = get_object_or_404(Video, pk=video_id)
    if not playback.can_watch(request.user, video):
        raise Http404(NOT_FOUND)
    return video


@require_GET
def watch(request, video_id):
    video = _watchable(request, video_id)
    if video.is_watchable_by_public:
        depends_on(request, f"video:{video.pk}")
    return render(request, "media_center/video_page.html", {"video": video})


@require_GET
def storyboard(request, video_id):
    """The seek-bar thumbnails' WebVTT, its sprite addresses signed like every other file."""
    video = _watchable(request, video_id)
    if not video.storyboard or not storage.exists(video.storyboard):
        raise Http404
    text = playback.rewrite_storyboard(video, video.storyboard, storage.read_text(video.storyboard))
    response = HttpResponse(text, content_type=CONTENT_TYPES[".vtt"])
    response["Cache-Control"] = "private, max-age=300"
    return response


@require_GET
def chapters(request, video_id):
    video = _watchable(request, video_id)
    if not video.chapters.strip():
        raise Http404
    response = HttpResponse(chapters_vtt(video.chapter_list), content_type="text/vtt; charset=utf-8")
    response["Cache-Control"] = "public, max-age=300"
    return response


@require_GET
def subtitles(request, video_id):
    """A clip's subtitles as a WebVTT track (off by default: the picture carries them), served by us
    rather than redirected, so the player's <track> stays same-origin on any storage."""
    video = _watchable(request, video_id)
    if not video.subtitle_track:
        raise Http404
    response = HttpResponse(storage.read_text(video.subtitle_track), content_type="text/vtt; charset=utf-8")
    response["Cache-Control"] = "private, max-age=300"
    return response


@require_GET
def clip_file(request, video_id, name):
    """A clip's vertical MP4 (what the channels get) or its square cover for lists, by signed URL."""
    video = _watchable(request, video_id)
    stored = {"channel.mp4": video.source, "cover-square.jpg": video.square_cover}.get(name) if video.is_clip else None
    if not stored:
        raise Http404(NOT_FOUND)
    return redirect(playback.file_url(video, stored))


@require_GET
def master(request, video_id):
    video = _watchable(request, video_id)
    return _playlist_response(video, video.master_playlist)


@require_GET
def playlist(request, video_id, path):
    video, name = _signed_file(request, video_id, path)
    if not name.endswith(".m3u8"):
        raise Http404(NOT_FOUND)
    return _playlist_response(video, name)


def _playlist_response(video, name):
    if not storage.exists(name):
        raise Http404(_("视频还在处理中。"))
    text = playback.rewrite_playlist(video, name, storage.read_text(name))
    response = HttpResponse(text, content_type=CONTENT_TYPES[".m3u8"])
    # A growing (EVENT) playlist must be fetched again; a finished one holds signatures that expire.
    response["Cache-Control"] = "no-cache" if "#EXT-X-ENDLIST" not in text else "private, max-age=300"
    return response


@require_GET
def mp4(request, video_id, rung):
    video = _watchable(request, video_id)
    rendition = video.renditions.filter(name=rung).exclude(mp4="").first()
    if rendition is None:
        raise Http404(NOT_FOUND)
    return redirect(playback.file_url(video, rendition.mp4))


@require_GET
def poster(request, video_id):
    video = _watchable(request, video_id)
    if not video.poster:
        raise Http404(NOT_FOUND)
    return redirect(playback.file_url(video, video.poster))


@require_GET
def stored_file(request, video_id, path):
    """A signed file on local storage. Range requests are honoured: iOS will not play MP4 without them."""
    video, name = _signed_file(request, video_id, path)
    local = storage.local_path_of(name)
    if local is None or not local.is_file():
        raise Http404
    content_type = CONTENT_TYPES.get(local.suffix) or mimetypes.guess_type(local.name)[0] or "application/octet-stream"
    if settings.VIDEO_ACCEL_REDIRECT_PREFIX:  # nginx sends it (ranges too); the signature was checked here
        response = HttpResponse(content_type=content_type)
        response["X-Accel-Redirect"] = settings.VIDEO_ACCEL_REDIRECT_PREFIX + quote(name)
        response["Cache-Control"] = "private, max-age=3600"
        return response
    size = local.stat().st_size
    match = RANGE.match(request.headers.get("Range", ""))
    if not match:
        response = FileResponse(open(local, "rb"), content_type=content_type)
        response["Accept-Ranges"] = "bytes"
        response["Cache-Control"] = "private, max-age=3600"
        return response
    start, end = _byte_range(match, size)
    if start is None:
        response = HttpResponse(status=416)
        response["Content-Range"] = f"bytes */{size}"
        return response
    response = StreamingHttpResponse(_read_range(local, start, end), status=206, content_type=content_type)
    response["Content-Range"] = f"bytes {start}-{end}/{size}"
    response["Content-Length"] = str(end - start + 1)
    response["Accept-Ranges"] = "bytes"
    response["Cache-Control"] = "private, max-age=3600"
    return response


def _byte_range(match, size):
    first, last = match.groups()
    if first == "" and last == "":
        return None, None
    if first == "":  # the last N bytes
        start, end = max(0, size - int(last)), size - 1
    else:
        start, end = int(first), min(int(last) if last else size - 1, size - 1)
    if start >= size or start > end:
        return None, None
    return start, end


def _read_range(path, start, end):
    with open(path, "rb") as handle:
        handle.seek(start)
        yield from storage.blocks(handle, end - start + 1, RANGE_BLOCK_BYTES)
