"""Options every ffmpeg/ffprobe run gets on its untrusted input.

The protocol whitelist keeps a crafted file from opening URLs or other local files; the format
whitelist refuses playlists (HLS, concat lists), images and raw streams outright, so an HLS
playlist pointing at /etc/passwd is never parsed. The size limits keep a hostile header from
making the prober read or allocate without bound.
"""

VIDEO_CONTAINERS = ("mov", "mp4", "m4a", "3gp", "3g2", "mj2", "matroska", "webm", "mpegts", "flv", "avi")
PROBE_SIZE_BYTES = 50_000_000
ANALYZE_MICROSECONDS = 30_000_000
MAX_STREAMS = 20


# What ffmpeg needs to read an https URL (an S3 presigned URL) by ranged requests; given only to
# that one input, never to a local file, so a crafted local file still cannot open URLs.
URL_PROTOCOLS = ("file", "http", "https", "tcp", "tls", "crypto")


def untrusted_input_options(containers=VIDEO_CONTAINERS, protocols=("file",)):
    """Flags placed before `-i`; the same for ffprobe and ffmpeg."""
    return [
        "-protocol_whitelist", ",".join(protocols),
        "-format_whitelist", ",".join(containers),
        "-probesize", str(PROBE_SIZE_BYTES),
        "-analyzeduration", str(ANALYZE_MICROSECONDS),
        "-max_streams", str(MAX_STREAMS),
    ]  # fmt: skip


def untrusted_input_kwargs(containers=VIDEO_CONTAINERS, protocols=("file",)):
    """The same options as ffmpeg-python input keyword arguments."""
    flags = untrusted_input_options(containers, protocols)
    return {flag.lstrip("-"): value for flag, value in zip(flags[::2], flags[1::2])}
