"""Cutting a long recording into chunks at its own keyframes, by stream copy (no decoding).

Each chunk is then encoded by its own task, on whichever worker takes it.
"""

import csv
from dataclasses import dataclass
from pathlib import Path

from .runner import run
from .safety import untrusted_input_options

CHUNK_SECONDS = 120


@dataclass(frozen=True)
class Chunk:
    index: int
    path: Path
    start: float
    end: float

    @property
    def duration(self):
        return self.end - self.start


def split_into_chunks(source, output_dir, *, chunk_seconds=CHUNK_SECONDS, timeout=3600):
    """Write chunk_00000.mkv… (video only) and return them with their times in the source."""
    output_dir = Path(output_dir)
    output_dir.mkdir(parents=True, exist_ok=True)
    listing = output_dir / "chunks.csv"
    run(
        [
            *untrusted_input_options(),
            "-i", str(source),
            "-map", "0:v:0", "-c", "copy", "-an", "-sn", "-dn",
            "-f", "segment", "-segment_time", str(chunk_seconds), "-reset_timestamps", "1",
            "-segment_list", str(listing), "-segment_list_type", "csv",
            "-segment_format", "matroska",
            "-y", str(output_dir / "chunk_%05d.mkv"),
        ],  # fmt: skip
        timeout=timeout,
    )
    with open(listing, newline="") as handle:
        rows = list(csv.reader(handle))
    return [
        Chunk(index=index, path=output_dir / name, start=float(start), end=float(end))
        for index, (name, start, end) in enumerate(rows)
    ]
