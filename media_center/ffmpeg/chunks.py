"""Cutting a long recording into chunks at its own keyframes, by stream copy (no decoding).

Each chunk is then encoded by its own task, on whichever worker takes it.
"""

import csv
from dataclasses import dataclass
from pathlib import Path

from .runner import run
from .safety import untrusted_input_options

CHUNK_SECONDS = 120
FIRST_CHUNK_SECONDS = 30  # short, so the replay can start soon after the upload


def split_times(duration, chunk_seconds=CHUNK_SECONDS, first_seconds=FIRST_CHUNK_SECONDS):
    """Where chunks should start: after a short first chunk, one every `chunk_seconds`.

    ffmpeg cuts at the first keyframe at or after each time, so the real boundaries follow the source.
    """
    first = min(first_seconds, chunk_seconds)
    times, at = [], first
    while at < duration:
        times.append(at)
        at += chunk_seconds
    return times


@dataclass(frozen=True)
class Chunk:
    index: int
    path: Path
    start: float
    end: float

    @property
    def duration(self):
        return self.end - self.start


def split_into_chunks(
    source, output_dir, *, duration, chunk_seconds=CHUNK_SECONDS, first_seconds=FIRST_CHUNK_SECONDS, timeout=3600
):
    """Write chunk_00000.mkv… (video only) and return them with their times in the source."""
    output_dir = Path(output_dir)
    output_dir.mkdir(parents=True, exist_ok=True)
    listing = output_dir / "chunks.csv"
    times = split_times(duration, chunk_seconds, first_seconds)
    cut_at = ["-segment_times", ",".join(f"{at:g}" for at in times)] if times else ["-segment_time", str(duration + 1)]
    run(
        [
            *untrusted_input_options(),
            "-i",
            str(source),
            "-map",
            "0:v:0",
            "-c",
            "copy",
            "-an",
            "-sn",
            "-dn",
            "-f",
            "segment",
            *cut_at,
            "-reset_timestamps",
            "1",
            "-segment_list",
            str(listing),
            "-segment_list_type",
            "csv",
            "-segment_format",
            "matroska",
            "-y",
            str(output_dir / "chunk_%05d.mkv"),
        ],  # fmt: skip
        timeout=timeout,
    )
    with open(listing, newline="") as handle:
        rows = list(csv.reader(handle))
    return [
        Chunk(index=index, path=output_dir / name, start=float(start), end=float(end))
        for index, (name, start, end) in enumerate(rows)
    ]
