"""Vertical clip figures, all measured in this one run on this machine (ratios against baselines run here too).

1. A 60 s clip from a generated 1080p30 source (recorded like a livestream): wall time of
   render_clip (loudness measurement + render), the render step's realtime factor, and its
   overhead against a plain ffmpeg command doing the same filtergraph and the same measurement.
2. Seek cost: a clip at 1:50:00 of a two-hour source against one at 0:00:10 (wall and CPU time).
3. Peak memory of the ffmpeg child while clipping a two-hour source against a ten-minute one.

The long sources are one short generated piece (keyframes every 2 s) joined end to end by stream
copy (concat demuxer), which takes seconds. Run with `make bench` or directly; results also go to
bench/results/clip-<date>.txt. Temporary files are removed at the end.
"""

import datetime
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from cms.settings.base import CJK_FONT_PATHS  # noqa: E402
from media_center.ffmpeg.clip_layout import find_cjk_font  # noqa: E402
from media_center.ffmpeg.subtitles import Cue, write_ass  # noqa: E402
from media_center.ffmpeg.title_band import write_band  # noqa: E402
from media_center.ffmpeg.vertical import ClipSource, clock, measure_loudness, render_clip  # noqa: E402

QUICK = os.environ.get("BENCH_QUICK") == "1"  # shorter clips and sources, for checking the script itself
CLIP_SECONDS = 10 if QUICK else 60
LONG_SECONDS = 1200 if QUICK else 2 * 3600
SHORT_SECONDS = 120 if QUICK else 10 * 60
EARLY, LATE = 10, LONG_SECONDS - 600  # 0:00:10 and 1:50:00
PIECE_SECONDS = 10
SEEK_CLIP_SECONDS = 5
SEEK_REPEATS = 3
MEMORY_CLIP_SECONDS = 10
TITLE = "工会融媒体中心招聘会现场：某某科技有限公司招聘前端工程师，薪资6000-8000元"
LINES = []


def report(line):
    print(line, flush=True)
    LINES.append(line)


def generate_piece(path, bitrate):
    """10 s of 1080p30 with sound, keyframes every 2 s, x264 veryfast High as OBS records a livestream."""
    subprocess.run(
        ["ffmpeg", "-hide_banner", "-loglevel", "error", "-y",
         "-f", "lavfi", "-i", f"testsrc2=size=1920x1080:rate=30:duration={PIECE_SECONDS}",
         "-f", "lavfi", "-i", f"sine=frequency=440:sample_rate=48000:duration={PIECE_SECONDS}",
         "-c:v", "libx264", "-preset", "veryfast", "-profile:v", "high", "-b:v", bitrate, "-maxrate", bitrate,
         "-bufsize", "2M" if bitrate == "1M" else "12M", "-g", "60", "-pix_fmt", "yuv420p",
         "-c:a", "aac", "-shortest", str(path)],
        check=True,
    )  # fmt: skip
    return path


def joined(piece, path, seconds):
    """`seconds` of `piece` end to end, by stream copy."""
    listing = path.with_suffix(".txt")
    listing.write_text(f"file '{piece}'\n" * (seconds // PIECE_SECONDS))
    subprocess.run(
        ["ffmpeg", "-hide_banner", "-loglevel", "error", "-y", "-f", "concat", "-safe", "0", "-i", str(listing),
         "-c", "copy", str(path)],
        check=True,
    )  # fmt: skip
    listing.unlink()
    return path


def children_cpu():
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def measured(function):
    """(wall seconds, CPU seconds of the child processes)."""
    started, cpu = time.perf_counter(), children_cpu()
    function()
    return time.perf_counter() - started, children_cpu() - cpu


def plain_ffmpeg(source, output, start, band, ass, fonts_dir):
    """What one would type by hand: loudnorm's measuring pass, then the same graph and settings."""
    end = start + CLIP_SECONDS
    seek = ["-ss", str(start), "-t", str(CLIP_SECONDS), "-i", str(source)]
    stderr = subprocess.run(
        ["ffmpeg", "-hide_banner", "-nostdin", *seek, "-map", "0:a:0", "-vn",
         "-af", "loudnorm=I=-16.0:TP=-1.5:LRA=11.0:print_format=json", "-f", "null", "-"],
        check=True, capture_output=True, text=True,
    ).stderr  # fmt: skip
    values = json.loads(stderr[stderr.rfind("{") : stderr.rfind("}") + 1])
    loudnorm = (
        f"loudnorm=I=-16.0:TP=-1.5:LRA=11.0:measured_I={values['input_i']}:measured_TP={values['input_tp']}"
        f":measured_LRA={values['input_lra']}:measured_thresh={values['input_thresh']}"
        f":offset={values['target_offset']}:linear=true"
    )
    graph = (
        "[0:v:0]fps=30,split=2[under][over];"
        "[under]scale=270:480:force_original_aspect_ratio=increase:flags=bilinear,crop=270:480,gblur=sigma=8,"
        "lutyuv=y=(val-16)*0.5+16:u=(val-128)*0.5+128:v=(val-128)*0.5+128,scale=1080:1920:flags=bilinear,setsar=1[blurred];"
        "[over]scale=1080:608:flags=bicubic,setsar=1[picture];"
        "[blurred][picture]overlay=x=0:y=656[base];"
        "[base][1:v]overlay=x=0:y=0[banded];"
        f"[banded]ass=filename={ass}:fontsdir={fonts_dir},format=yuv420p[v];"
        f"[0:a:0]{loudnorm},aresample=48000,aformat=sample_fmts=fltp:channel_layouts=stereo[a]"
    )
    subprocess.run(
        ["ffmpeg", "-hide_banner", "-nostdin", "-loglevel", "error", *seek, "-i", str(band),
         "-filter_complex", graph, "-map", "[v]", "-map", "[a]",
         "-c:v", "libx264", "-preset", "veryfast", "-profile:v", "high", "-pix_fmt", "yuv420p",
         "-crf", "20", "-maxrate", "8M", "-bufsize", "16M", "-g", "60", "-keyint_min", "60", "-sc_threshold", "0",
         "-force_key_frames", "expr:gte(t,n_forced*2)",
         "-c:a", "aac", "-b:a", "160k", "-ac", "2", "-ar", "48000", "-t", str(end - start),
         "-movflags", "+faststart", "-y", str(output)],
        check=True,
    )  # fmt: skip


def clip_figures(work, font, band):
    piece = generate_piece(work / "piece-6M.mp4", "6M")
    source = joined(piece, work / "source-clip.mp4", CLIP_SECONDS + 20)
    start = 10
    ass = write_ass(
        [
            Cue(float(second), second + 3.0, f"第 {second // 4 + 1} 条字幕：薪资 6000-8000元")
            for second in range(0, CLIP_SECONDS, 4)
        ],
        work / "clip.ass",
        font_path=font,
    )
    clip_source = ClipSource(str(source), 1920, 1080, 30.0, True)

    def ours():
        render_clip(
            clip_source,
            work / "ours.mp4",
            start=start,
            end=start + CLIP_SECONDS,
            band_png=band,
            ass_path=ass,
            timeout=3600,
        )

    plain_wall, plain_cpu = measured(lambda: plain_ffmpeg(source, work / "plain.mp4", start, band, ass, font.parent))
    ours_wall, ours_cpu = measured(ours)
    # The render step alone: render_clip less its loudness measurement, timed on its own.
    measuring, _ = measured(lambda: measure_loudness(clip_source, start, start + CLIP_SECONDS, timeout=600))
    render_seconds = ours_wall - measuring
    report(
        f"clip: {CLIP_SECONDS} s clip from a generated 1080p30 source (x264 veryfast 6 Mb/s, keyframes every 2 s), "
        f"title band + subtitles + two-pass loudnorm: render_clip wall time {ours_wall:.1f} s"
    )
    report(
        f"clip: channel MP4 render step realtime factor = {render_seconds / CLIP_SECONDS:.2f}x realtime "
        f"({render_seconds:.1f} s for {CLIP_SECONDS} s; loudness measurement {measuring:.1f} s)"
    )
    report(
        f"clip: render_clip / plain ffmpeg (same graph, same loudness measurement) = {ours_wall / plain_wall:.2f}x wall, "
        f"{ours_cpu / plain_cpu:.2f}x CPU (goal <= 1.10x; {ours_wall:.1f} s vs {plain_wall:.1f} s)"
    )


def seek_figures(work, band, long_source):
    clip_source = ClipSource(str(long_source), 1920, 1080, 30.0, True)
    times = {EARLY: [], LATE: []}
    for _ in range(SEEK_REPEATS):
        for start in times:  # alternated, so that load from elsewhere on the machine hits both alike
            times[start].append(
                measured(
                    lambda start=start: render_clip(
                        clip_source,
                        work / f"seek-{start}.mp4",
                        start=start,
                        end=start + SEEK_CLIP_SECONDS,
                        band_png=band,
                        ass_path=None,
                        timeout=600,
                    )
                )
            )
    early_wall, late_wall = (statistics.median(wall for wall, _ in times[start]) for start in (EARLY, LATE))
    early_cpu, late_cpu = (statistics.median(cpu for _, cpu in times[start]) for start in (EARLY, LATE))
    report(
        f"clip: seek, {SEEK_CLIP_SECONDS} s clip at {clock(LATE)} / at {clock(EARLY)} of a {clock(LONG_SECONDS)} source, wall time = "
        f"{late_wall / early_wall:.2f}x (goal <= 1.20x; median of {SEEK_REPEATS}: {late_wall:.2f} s vs {early_wall:.2f} s)"
    )
    report(
        f"clip: seek, {SEEK_CLIP_SECONDS} s clip at {clock(LATE)} / at {clock(EARLY)} of a {clock(LONG_SECONDS)} source, CPU time = "
        f"{late_cpu / early_cpu:.2f}x (goal <= 1.20x; median of {SEEK_REPEATS}: {late_cpu:.2f} s vs {early_cpu:.2f} s)"
    )


WORKER = """
import resource, sys
sys.path.insert(0, {repo!r})
from media_center.ffmpeg.vertical import ClipSource, render_clip
render_clip(ClipSource({source!r}, 1920, 1080, 30.0, True), {output!r}, start={start}, end={end},
            band_png={band!r}, ass_path=None, timeout=600)
print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
"""


def peak_rss_kib(source, output, start, band):
    """Peak RSS of the ffmpeg children of a fresh worker process that clips `source` once."""
    script = WORKER.format(
        repo=str(REPO), source=str(source), output=str(output), start=start, end=start + MEMORY_CLIP_SECONDS, band=str(band)
    )
    result = subprocess.run([sys.executable, "-c", script], check=True, capture_output=True, text=True)
    return int(result.stdout.strip().splitlines()[-1])


def memory_figure(work, band, short_source, long_source):
    short = peak_rss_kib(short_source, work / "memory-short.mp4", SHORT_SECONDS // 2, band)
    long = peak_rss_kib(long_source, work / "memory-long.mp4", LATE, band)
    report(
        f"clip: peak RSS of the ffmpeg child, {clock(LONG_SECONDS)} source / {clock(SHORT_SECONDS)} source = {long / short:.2f}x "
        f"(goal <= 1.10x; {long // 1024} MiB vs {short // 1024} MiB)"
    )


def main():
    font = find_cjk_font(CJK_FONT_PATHS)
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="umc-bench-clip-") as folder:
        work = Path(folder)
        band = write_band(TITLE, work / "band.png", font_path=font)
        clip_figures(work, font, band)
        piece = generate_piece(work / "piece-1M.mp4", "1M")  # small, so the two-hour file stays under 1 GB
        long_source = joined(piece, work / "source-long.mp4", LONG_SECONDS)
        short_source = joined(piece, work / "source-short.mp4", SHORT_SECONDS)
        seek_figures(work, band, long_source)
        memory_figure(work, band, short_source, long_source)
    version = subprocess.run(["ffmpeg", "-version"], capture_output=True, text=True).stdout.splitlines()[0]
    today = datetime.date.today().isoformat()
    header = f"# bench/clip.py on {today}, {os.cpu_count()} cores, {version.split(' Copyright')[0]}, {time.perf_counter() - started:.0f} s"
    if QUICK:
        return
    results = REPO / "bench" / "results" / f"clip-{today}.txt"
    results.write_text("\n".join([header, *LINES]) + "\n")
    print(f"written to {results.relative_to(REPO)}")


if __name__ == "__main__":
    main()
