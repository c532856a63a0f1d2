"""The sweep behind the ladder's settings: each candidate ladder's bytes and SSIM per rung, and its
encode time, next to the fixed bitrates the ladder used before, on the three pictures of
bench/transcode.py. A candidate names each rung's CRF and the x264 settings on top of the preset:
`23/21+ref=3/21+ref=3/20+ref=3` is 1080p at CRF 23 with veryfast's own settings, the rest with three
reference frames; `20@faster` names a preset.

10 s sources: enough to rank the settings; bench/transcode.py measures the chosen ones on 60 s.
`python bench/ladder_sweep.py CANDIDATE ...` sweeps those candidates instead of the ones below;
`python bench/ladder_sweep.py ceiling` measures how few bytes x264's slower presets need for the
1080p rung of testsrc2 at the SSIM the goal allows (the fixed bitrate's − 0.002).
"""

import math
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from transcode import LADDER, PICTURES, fixed_bitrate_command, generate_picture, ladder_command, run, rung_figures  # noqa: E402

SECONDS = 10
CANDIDATES = (
    "23/20/20/19",  # the first constrained ladder
    "23+ref=3:rc-lookahead=30/21+ref=3:rc-lookahead=30/21+ref=3:rc-lookahead=30/20+ref=3:rc-lookahead=30",
    "23/21+ref=3:rc-lookahead=30/20/20+ref=3:rc-lookahead=30",  # LADDER
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
            kbps, quality = rung_figures(out, source, rung, SECONDS)
            cells.append(f"{rung.name} {kbps:5.0f}k SSIM {quality:.4f}")
        print(f"sweep: {picture:11} {label:36} {seconds:5.1f}s | " + " | ".join(cells), flush=True)


def encode_rung(source, out, rung, fixed=False):
    """(kb/s, SSIM, seconds) of one rung encoded alone."""
    (out / rung.name).mkdir(parents=True, exist_ok=True)
    args = ladder_command(source, out, [rung], width=1920, height=1080, frame_rate=30, segment_prefix="c")
    started = time.perf_counter()
    run(fixed_bitrate_command(args) if fixed else args, timeout=1200)
    seconds = time.perf_counter() - started
    return *rung_figures(out, source, rung, SECONDS), seconds


CEILING_PRESETS = ("veryfast", "faster", "medium", "slow", "veryslow")
CEILING_CRFS = (23, 24, 25, 26, 27)


def ceiling(work):
    """Each preset's bytes at the goal's SSIM, interpolated (log bytes against SSIM) between the two
    CRFs either side of it; its time is the mean per encode against veryfast's."""
    source = generate_picture(work / "testsrc2.mp4", "testsrc2", SECONDS)
    rung = LADDER[0]
    fixed_kbps, fixed_ssim, _ = encode_rung(source, work / "fixed", rung, fixed=True)
    goal = fixed_ssim - 0.002
    print(
        f"ceiling: testsrc2 {rung.name}, fixed {fixed_kbps:.0f} kb/s at SSIM {fixed_ssim:.4f}; goal SSIM >= {goal:.4f} at <= 0.60x bytes"
    )
    veryfast_seconds = None
    for preset in CEILING_PRESETS:
        points = [encode_rung(source, work / f"{preset}-{crf}", replace(rung, crf=crf, preset=preset)) for crf in CEILING_CRFS]
        seconds = sum(point[2] for point in points) / len(points)
        veryfast_seconds = veryfast_seconds or seconds
        cells = " | ".join(
            f"crf {crf} {kbps:.0f}k {quality:.4f}" for crf, (kbps, quality, _) in zip(CEILING_CRFS, points, strict=True)
        )
        at_goal = "out of the swept CRFs"
        for (high_kbps, high_ssim, _), (low_kbps, low_ssim, _) in zip(points, points[1:]):
            if low_ssim < goal <= high_ssim:
                share = (high_ssim - goal) / (high_ssim - low_ssim)
                kbps = math.exp(math.log(high_kbps) + share * (math.log(low_kbps) - math.log(high_kbps)))
                at_goal = f"{kbps:.0f} kb/s = {kbps / fixed_kbps:.2f}x bytes"
                break
        print(
            f"ceiling: {preset:9} time {seconds / veryfast_seconds:.1f}x veryfast's | at the goal's SSIM: {at_goal} | {cells}",
            flush=True,
        )


def main():
    arguments = sys.argv[1:]
    with tempfile.TemporaryDirectory(prefix="umc-sweep-") as folder:
        if arguments == ["ceiling"]:
            ceiling(Path(folder))
            return
        for picture in PICTURES:
            sweep(Path(folder), picture, arguments or CANDIDATES)


if __name__ == "__main__":
    main()
