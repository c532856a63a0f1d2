"""The download/fallback MP4 of a rung, remuxed from its HLS segments and the audio (stream copy)."""

from pathlib import Path

from .runner import run

# Our own segments and list files, written by us: the concat demuxer is trusted here only.
OWN_FILES = ["-protocol_whitelist", "file", "-f", "concat", "-safe", "1"]


def write_concat_list(path, segment_names):
    Path(path).write_text("ffconcat version 1.0\n" + "".join(f"file '{name}'\n" for name in segment_names))


def stitch_mp4(video_list, audio_list, output, *, timeout):
    """Both lists name files relative to the list's own folder. Writes a faststart MP4."""
    inputs = [*OWN_FILES, "-i", str(video_list)]
    maps = ["-map", "0:v:0"]
    if audio_list is not None:
        inputs += [*OWN_FILES, "-i", str(audio_list)]
        maps += ["-map", "1:a:0"]
    return run(
        [*inputs, *maps, "-c", "copy", "-movflags", "+faststart", "-f", "mp4", "-y", str(output)],
        timeout=timeout,
    )
