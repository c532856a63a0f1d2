"""Who may watch, and the URLs a player gets: every file behind a signature that expires.

The master playlist is the only URL that needs a session (or a public video); everything it points
to carries its own signature, so native HLS players (iOS, WeChat on iOS) that send no cookies work.
On S3 the segments are presigned bucket URLs; on local storage they are signed URLs of our own view.

A native player fetches a finished playlist once and plays its segments for as long as the video runs
(and the reader pauses): a signature must outlive that. It lasts `VIDEO_SIGNED_URL_SECONDS`, or the
video's length plus `VIDEO_SIGNED_URL_MARGIN_SECONDS` when that is longer.
"""

import re

from django.conf import settings
from django.core import signing
from django.urls import reverse

from . import storage

SALT = "media_center.playback"
URI_ATTRIBUTE = re.compile(r'URI="([^"]+)"')
STORYBOARD_CUE = re.compile(r"^([\w.-]+\.jpg)(#xywh=[\d,]+)$", re.MULTILINE)


def can_watch(user, video):
    if user.is_authenticated and user.has_perm("wagtailadmin.access_admin"):
        return True
    return video.is_watchable_by_public


def sign(video, name):
    return signing.TimestampSigner(salt=SALT).sign(f"{video.pk}:{name}")


def lifetime(video):
    """Seconds a signed URL of this video stays good: never shorter than the video plus a margin."""
    return max(settings.VIDEO_SIGNED_URL_SECONDS, int(video.duration or 0) + settings.VIDEO_SIGNED_URL_MARGIN_SECONDS)


def verify(video, name, token):
    try:
        value = signing.TimestampSigner(salt=SALT).unsign(token, max_age=lifetime(video))
    except signing.BadSignature:
        return False
    return value == f"{video.pk}:{name}"


def relative_name(video, name):
    return name.removeprefix(f"{video.prefix}/")


def file_url(video, name):
    """A URL for one stored file that works for whoever holds it, until the signature expires."""
    if storage.local_path_of(name) is None:
        return storage.video_storage().url(name, expire=lifetime(video))  # presigned by the S3 storage
    path = relative_name(video, name)
    return f"{reverse('media_center:file', args=(video.pk, path))}?token={sign(video, name)}"


def playlist_url(video, name):
    path = relative_name(video, name)
    return f"{reverse('media_center:playlist', args=(video.pk, path))}?token={sign(video, name)}"


def rewrite_storyboard(video, name, text):
    """Point each cue's sprite ("storyboard_001.jpg#xywh=0,0,160,90") at its signed URL."""
    folder = name.rsplit("/", 1)[0]
    signed = {}

    def sprite_url(match):
        sprite = match.group(1)
        if sprite not in signed:
            signed[sprite] = file_url(video, f"{folder}/{sprite}")
        return f"{signed[sprite]}{match.group(2)}"

    return STORYBOARD_CUE.sub(sprite_url, text)


def rewrite_playlist(video, name, text):
    """Point every URI of a stored playlist at a signed URL: playlists at our view, media files at storage."""
    folder = name.rsplit("/", 1)[0]

    def target(uri):
        stored = f"{folder}/{uri}"
        return playlist_url(video, stored) if uri.endswith(".m3u8") else file_url(video, stored)

    lines = []
    for line in text.splitlines():
        if line.startswith("#"):
            line = URI_ATTRIBUTE.sub(lambda match: f'URI="{target(match.group(1))}"', line)
        elif line.strip():
            line = target(line.strip())
        lines.append(line)
    return "\n".join(lines) + "\n"
