"""The sweep behind the ladder's CRFs: each rung's bytes and SSIM at several CRFs (caps as in LADDER),
next to the fixed bitrates the ladder used before, on the three pictures of bench/transcode.py.

10 s sources: enough to rank the settings; bench/transcode.py measures the chosen ones on 60 s.
"""

import sys
import tempfile
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from transcode import LADDER, PICTURES, fixed_bitrate_command, generate_picture, ladder_command, output_size, run, ssim  # noqa: E402

SECONDS = 10
CRFS = (18, 20, 22, 24)


def sweep(work, picture):
    source = generate_picture(work / f"{picture}.mp4", picture, SECONDS)
    settings = {"fixed": LADDER, **{f"crf {crf}": tuple(replace(rung, crf=crf) for rung in LADDER) for crf in CRFS}}
    for label, rungs in settings.items():
        out = work / picture / label.replace(" ", "")
        for rung in rungs:
            (out / rung.name).mkdir(parents=True, exist_ok=True)
        args = ladder_command(source, out, rungs, width=1920, height=1080, frame_rate=30, segment_prefix="c")
        run(fixed_bitrate_command(args) if label == "fixed" else args, timeout=600)
        cells = []
        for rung in rungs:
            folder = out / rung.name
            kbps = sum(path.stat().st_size for path in folder.glob("*.ts")) * 8 / SECONDS / 1000
            cells.append(f"{rung.name} {kbps:5.0f}k SSIM {ssim(folder / 'c.m3u8', source, *output_size(rung, 1920, 1080)):.4f}")
        print(f"sweep: {picture:11} {label:7} | " + " | ".join(cells), flush=True)


def main():
    with tempfile.TemporaryDirectory(prefix="umc-sweep-") as folder:
        for picture in PICTURES:
            sweep(Path(folder), picture)


if __name__ == "__main__":
    main()
