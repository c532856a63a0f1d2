"""The recording's sound, encoded once for the whole file as its own HLS rendition.

Encoding audio per chunk would put a tiny gap (AAC priming) at every chunk seam; one pass
over the whole file has none.
"""

from .ladder import AUDIO_KBPS, SEGMENT_SECONDS, TIMELINE_START
from .runner import run
from .safety import untrusted_input_options


def encode_audio(source, output_dir, *, offset=0.0, timeout, on_progress=None, should_cancel=None):
    """Write `<output_dir>/audio.m3u8` and its segments; the playlist grows as it goes (EVENT)."""
    return run(
        [
            *untrusted_input_options(),
            "-i",
            str(source),
            "-map",
            "0:a:0",
            "-vn",
            "-sn",
            "-dn",
            "-af",
            "aresample=async=1:first_pts=0",
            "-c:a",
            "aac",
            "-b:a",
            f"{AUDIO_KBPS}k",
            "-ac",
            "2",
            "-ar",
            "48000",
            "-output_ts_offset",
            f"{TIMELINE_START + offset:.6f}",
            "-f",
            "hls",
            "-hls_time",
            str(SEGMENT_SECONDS),
            "-hls_list_size",
            "0",
            "-hls_playlist_type",
            "event",
            "-hls_segment_filename",
            f"{output_dir}/audio_%05d.ts",
            "-y",
            f"{output_dir}/audio.m3u8",
        ],  # fmt: skip
        timeout=timeout,
        on_progress=on_progress,
        should_cancel=should_cancel,
    )
