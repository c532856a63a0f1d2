"""The sweep behind the ladder's settings: each candidate ladder's bytes and SSIM per rung, and its
encode time, next to the fixed bitrates the ladder used before, on the three pictures of
bench/transcode.py. A candidate names each rung's CRF and the x264 settings on top of the preset:
`23/21+ref=3/21+ref=3/20+ref=3` is 1080p at CRF 23 with veryfast's own settings, the rest with three
reference frames; `20@faster` names a preset.

10 s sources: enough to rank the settings; bench/transcode.py measures the chosen ones on 60 s.
`python bench/ladder_sweep.py CANDIDATE ...` sweeps those candidates instead of the ones below.
"""

import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from transcode import LADDER, PICTURES, fixed_bitrate_command, generate_picture, ladder_command, output_size, run, ssim  # noqa: E402

SECONDS = 10
CANDIDATES = (
    "23/20/20/19",  # the first constrained ladder
    "23/21+ref=3/21+ref=3/20+ref=3",
)


def candidate_ladder(candidate):
    rungs = []
    for rung, setting in zip(LADDER, candidate.split("/"), strict=True):
        rate, _, params = setting.partition("+")
        crf, _, preset = rate.partition("@")
        rungs.append(replace(rung, crf=float(crf), preset=preset or rung.preset, x264_params=params))
    return tuple(rungs)


def sweep(work, picture, candidates):
    source = generate_picture(work / f"{picture}.mp4", picture, SECONDS)
    settings = {"fixed": LADDER, **{candidate: candidate_ladder(candidate) for candidate in candidates}}
    for number, (label, rungs) in enumerate(settings.items()):
        out = work / picture / str(number)
        for rung in rungs:
            (out / rung.name).mkdir(parents=True, exist_ok=True)
        args = ladder_command(source, out, rungs, width=1920, height=1080, frame_rate=30, segment_prefix="c")
        started = time.perf_counter()
        run(fixed_bitrate_command(args) if label == "fixed" else args, timeout=600)
        seconds = time.perf_counter() - started
        cells = []
        for rung in rungs:
            folder = out / rung.name
            kbps = sum(path.stat().st_size for path in folder.glob("*.ts")) * 8 / SECONDS / 1000
            cells.append(f"{rung.name} {kbps:5.0f}k SSIM {ssim(folder / 'c.m3u8', source, *output_size(rung, 1920, 1080)):.4f}")
        print(f"sweep: {picture:11} {label:36} {seconds:5.1f}s | " + " | ".join(cells), flush=True)


def main():
    candidates = sys.argv[1:] or CANDIDATES
    with tempfile.TemporaryDirectory(prefix="umc-sweep-") as folder:
        for picture in PICTURES:
            sweep(Path(folder), picture, candidates)


if __name__ == "__main__":
    main()
