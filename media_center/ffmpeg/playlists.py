"""HLS playlists as text: joining chunk playlists into one per rung, and the master playlist."""

import math
import re
from dataclasses import dataclass

EXTINF = re.compile(r"^#EXTINF:([0-9.]+)")


@dataclass(frozen=True)
class Segment:
    uri: str
    duration: float
    size: int = 0  # bytes; 0 for segments encoded before their sizes were kept


def target_duration(segments):
    return max((math.ceil(segment.duration) for segment in segments), default=1)


def peak_bitrate(segments):
    """Bits per second of the busiest run of consecutive segments lasting 0.5 to 1.5 target durations.

    This is how the HLS spec (RFC 8216bis) defines BANDWIDTH: a chunk's short last segment, mostly
    one keyframe, cannot pass for the rate a player must sustain.
    """
    target = target_duration(segments)
    peak = 0.0
    for start in range(len(segments)):
        bits = seconds = 0.0
        for segment in segments[start:]:
            bits, seconds = bits + segment.size * 8, seconds + segment.duration
            if seconds > 1.5 * target:
                break
            if seconds >= 0.5 * target:
                peak = max(peak, bits / seconds)
    return round(peak) if peak else average_bitrate(segments)


def average_bitrate(segments):
    seconds = sum(segment.duration for segment in segments)
    return round(sum(segment.size for segment in segments) * 8 / seconds) if seconds else 0


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
    target = target_duration(segments)
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
    average_bandwidth: int | None = None


def master_playlist(variants, audio_uri=None):
    lines = ["#EXTM3U", "#EXT-X-VERSION:3", "#EXT-X-INDEPENDENT-SEGMENTS"]
    codecs = "avc1.640028"
    if audio_uri:
        lines.append(f'#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="audio",NAME="默认",DEFAULT=YES,AUTOSELECT=YES,URI="{audio_uri}"')
        codecs += ",mp4a.40.2"
    for variant in variants:
        attributes = [
            f"BANDWIDTH={variant.bandwidth}",
            *([f"AVERAGE-BANDWIDTH={variant.average_bandwidth}"] if variant.average_bandwidth else []),
            f"RESOLUTION={variant.width}x{variant.height}",
            f"FRAME-RATE={variant.frame_rate:.3f}",
            f'CODECS="{codecs}"',
        ] + (['AUDIO="audio"'] if audio_uri else [])
        lines += ["#EXT-X-STREAM-INF:" + ",".join(attributes), variant.uri]
    return "\n".join(lines) + "\n"
