"""HLS playlists as text: joining chunk playlists into one per rung, and the master playlist."""

import math
import re
from dataclasses import dataclass

EXTINF = re.compile(r"^#EXTINF:([0-9.]+)")


@dataclass(frozen=True)
class Segment:
    uri: str
    duration: float


def read_segments(playlist_text):
    segments, duration = [], None
    for line in playlist_text.splitlines():
        line = line.strip()
        match = EXTINF.match(line)
        if match:
            duration = float(match.group(1))
        elif line and not line.startswith("#") and duration is not None:
            segments.append(Segment(line, duration))
            duration = None
    return segments


def media_playlist(segments, *, finished):
    """EVENT while chunks are still coming (players keep polling), VOD with ENDLIST when complete."""
    target = max((math.ceil(segment.duration) for segment in segments), default=1)
    lines = [
        "#EXTM3U",
        "#EXT-X-VERSION:3",
        f"#EXT-X-TARGETDURATION:{target}",
        "#EXT-X-MEDIA-SEQUENCE:0",
        f"#EXT-X-PLAYLIST-TYPE:{'VOD' if finished else 'EVENT'}",
        "#EXT-X-INDEPENDENT-SEGMENTS",
    ]
    for segment in segments:
        lines += [f"#EXTINF:{segment.duration:.6f},", segment.uri]
    if finished:
        lines.append("#EXT-X-ENDLIST")
    return "\n".join(lines) + "\n"


@dataclass(frozen=True)
class Variant:
    uri: str
    width: int
    height: int
    bandwidth: int  # bits per second, video + audio, peak
    frame_rate: float


def master_playlist(variants, audio_uri=None):
    lines = ["#EXTM3U", "#EXT-X-VERSION:3", "#EXT-X-INDEPENDENT-SEGMENTS"]
    codecs = "avc1.640028"
    if audio_uri:
        lines.append(f'#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="audio",NAME="默认",DEFAULT=YES,AUTOSELECT=YES,URI="{audio_uri}"')
        codecs += ",mp4a.40.2"
    for variant in variants:
        attributes = [
            f"BANDWIDTH={variant.bandwidth}",
            f"RESOLUTION={variant.width}x{variant.height}",
            f"FRAME-RATE={variant.frame_rate:.3f}",
            f'CODECS="{codecs}"',
        ] + (['AUDIO="audio"'] if audio_uri else [])
        lines += ["#EXT-X-STREAM-INF:" + ",".join(attributes), variant.uri]
    return "\n".join(lines) + "\n"
