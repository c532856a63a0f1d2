"""Transcoding figures, all measured in this one run on this machine (ratios against baselines run here too).

1. The one-process ladder (decode once, split, 4 encoders) against the same four rungs as four
   separate ffmpeg runs, and against the 1080p rung alone.
2. The whole pipeline (probe → chunks → ladder → audio → stitch, real db_worker processes) against
   the one-process ladder on the whole file: one worker, then two; and a model for N machines.
3. Time to first playable for a 20-minute source, against its full transcode.
4. Peak memory for a 60 s and a 240 s source: it must not grow with duration.

Sources are generated with ffmpeg (testsrc2 + sine). Run with `make bench` or directly.
"""

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from media_center.ffmpeg.ladder import LADDER, ladder_command  # noqa: E402
from media_center.ffmpeg.runner import run  # noqa: E402

QUICK = os.environ.get("BENCH_QUICK") == "1"  # shorter sources, for checking the script itself
LADDER_SECONDS = 20 if QUICK else 60
FIRST_PLAYABLE_SECONDS = 240 if QUICK else 1200
MEMORY_SECONDS = (20, 80) if QUICK else (60, 240)


def generate(path, seconds, size, rate=30, like_a_recording=False):
    """`like_a_recording`: encoded the way OBS records a livestream (x264 veryfast, high profile,
    6 Mb/s, 2 s keyframes), so decoding costs what it costs on real uploads. Otherwise ultrafast,
    which is quicker to make and cheaper to decode."""
    encoding = (
        ["-preset", "veryfast", "-profile:v", "high", "-b:v", "6M", "-maxrate", "6M", "-bufsize", "12M"]
        if like_a_recording
        else ["-preset", "ultrafast"]
    )
    subprocess.run(
        ["ffmpeg", "-hide_banner", "-loglevel", "error", "-y",
         "-f", "lavfi", "-i", f"testsrc2=size={size}:rate={rate}:duration={seconds}",
         "-f", "lavfi", "-i", f"sine=frequency=440:sample_rate=48000:duration={seconds}",
         "-c:v", "libx264", *encoding, "-g", str(rate * 2), "-pix_fmt", "yuv420p",
         "-c:a", "aac", "-shortest", str(path)],
        check=True,
    )  # fmt: skip
    return path


def timed(function):
    started = time.perf_counter()
    function()
    return time.perf_counter() - started


def encode(source, out, rungs, seconds):
    for rung in rungs:
        (out / rung.name).mkdir(parents=True, exist_ok=True)
    run(
        ladder_command(source, out, rungs, width=1920, height=1080, frame_rate=30, segment_prefix="c00000"),
        timeout=20 * seconds + 600,
    )


def encode_with_sound(source, out, seconds):
    """The baseline for the pipeline: the same HLS outputs (ladder + sound) from one ffmpeg run."""
    for rung in LADDER:
        (out / rung.name).mkdir(parents=True, exist_ok=True)
    video = ladder_command(source, out, LADDER, width=1920, height=1080, frame_rate=30, segment_prefix="c00000")
    sound = ["-map", "0:a:0", "-c:a", "aac", "-b:a", "128k", "-ac", "2", "-ar", "48000",
             "-f", "hls", "-hls_time", "4", "-hls_list_size", "0", "-hls_playlist_type", "vod",
             "-hls_segment_filename", f"{out}/audio_%05d.ts", f"{out}/audio.m3u8"]  # fmt: skip
    run(video + sound, timeout=20 * seconds + 600)


def ladder_figures(work):
    source = generate(work / "ladder-source.mp4", LADDER_SECONDS, "1920x1080", like_a_recording=True)
    one_process = timed(lambda: encode(source, work / "one", LADDER, LADDER_SECONDS))
    separate = sum(timed(lambda rung=rung: encode(source, work / f"sep-{rung.name}", [rung], LADDER_SECONDS)) for rung in LADDER)
    alone_1080 = timed(lambda: encode(source, work / "alone", LADDER[:1], LADDER_SECONDS))
    presets = "/".join(f"{r.name} {r.preset}" for r in LADDER)
    print(f"transcode: source {LADDER_SECONDS} s 1080p30 recorded like a livestream; rungs {presets}; video only")
    print(f"transcode: one-process ladder / four separate runs = {one_process / separate:.2f}x (goal <= 0.80x)")
    print(f"transcode: one-process ladder / 1080p rung alone = {one_process / alone_1080:.2f}x (goal <= 1.60x)")
    print(f"transcode: one-process ladder realtime factor = {one_process / LADDER_SECONDS:.2f}x realtime")
    with_sound = timed(lambda: encode_with_sound(source, work / "with-sound", LADDER_SECONDS))
    return source, with_sound


class Deployment:
    """A throwaway database and video storage, with real `manage.py db_worker` processes."""

    def __init__(self, folder, chunk_seconds, first_chunk_seconds=30):
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "cms.settings.dev",
            "DATABASE_URL": f"sqlite:///{folder / 'bench.sqlite3'}",
            "UMC_VAR_DIR": str(folder / "var"),
            "VIDEO_ROOT": str(folder / "private"),
            "VIDEO_WORK_DIR": str(folder / "work"),
            "VIDEO_CHUNK_SECONDS": str(chunk_seconds),
            "VIDEO_FIRST_CHUNK_SECONDS": str(first_chunk_seconds),
        }
        subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=REPO, env=self.env, check=True)

    def process(self, source, workers):
        """Seconds from ingest to first playable and to ready; peak RSS of any one process (KiB)."""
        script = f"""
import time, django, subprocess, sys, resource
django.setup()
from media_center.ingest import ingest_file
from media_center.models import Video
workers = [subprocess.Popen([sys.executable, "manage.py", "db_worker", "--queue-name", "video", "--no-reload",
           "--interval", "0.2", "--no-startup-delay", "-v0"]) for _ in range({workers})]
started = time.perf_counter()
video = ingest_file({str(source)!r}, title="bench")
first = None
while True:
    video.refresh_from_db()
    if first is None and video.playable:
        first = time.perf_counter() - started
    if video.is_finished:
        break
    time.sleep(0.2)
total = time.perf_counter() - started
for worker in workers:
    worker.terminate()
for worker in workers:
    worker.wait()
assert video.status == "ready", video.failure_reason
jobs = [(job.kind, (job.finished_at - job.started_at).total_seconds()) for job in video.jobs.order_by("pk")]
print(json.dumps({{"first": first, "total": total, "jobs": jobs, "peak_kib": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss}}))
"""
        result = subprocess.run(
            [sys.executable, "-c", "import json\n" + script], cwd=REPO, env=self.env, check=True, capture_output=True, text=True
        )
        return json.loads(result.stdout.strip().splitlines()[-1])


def pipeline_figures(work, source, one_process):
    chunk_seconds = LADDER_SECONDS // 4
    deployment = Deployment(work / "pipeline", chunk_seconds=chunk_seconds, first_chunk_seconds=chunk_seconds)
    one = deployment.process(source, workers=1)
    two = deployment.process(source, workers=2)
    chunks = sum(1 for kind, _ in one["jobs"] if kind == "chunk")
    print(
        f"transcode: pipeline (probe, {chunks} chunks of {chunk_seconds} s, sound, thumbnails, MP4 stitch; real db_worker) against one ffmpeg run making the same ladder and sound:"
    )
    print(f"transcode: pipeline, 1 worker / one-process ladder with sound = {one['total'] / one_process:.2f}x (goal <= 1.10x)")
    print(
        f"transcode: pipeline, 2 workers on {os.cpu_count()} cores / one-process ladder with sound = {two['total'] / one_process:.2f}x (goal <= 0.85x)"
    )
    # Model for N machines (one worker each), from the job times of the one-worker run: prepare and
    # finish are serial; chunks, audio and thumbnails spread over the machines, no job being split.
    seconds = {}
    for kind, duration in one["jobs"]:
        seconds.setdefault(kind, []).append(duration)
    serial = sum(seconds.get("prepare", [])) + sum(seconds.get("finish", []))
    spread = seconds.get("chunk", []) + seconds.get("audio", []) + seconds.get("thumbnails", [])
    overhead = one["total"] - serial - sum(spread)
    for machines in (1, 2, 4, 8):
        modelled = serial + overhead + max(sum(spread) / machines, max(spread))
        print(
            f"transcode: model, {machines} machine(s) x 1 worker: pipeline / one-process ladder with sound ≈ {modelled / one_process:.2f}x"
        )


def first_playable_figure(work):
    source = generate(work / "long-source.mp4", FIRST_PLAYABLE_SECONDS, "1280x720")
    deployment = Deployment(work / "first-playable", chunk_seconds=120)
    result = deployment.process(source, workers=1)
    chunks = sum(1 for kind, _ in result["jobs"] if kind == "chunk")
    print(
        f"transcode: {FIRST_PLAYABLE_SECONDS // 60}-minute 720p source, {chunks} chunks (30 s, then 120 s), 1 worker: first playable / full transcode = {result['first'] / result['total']:.2f} (goal <= 0.15)"
    )


def memory_figure(work):
    peaks = []
    for seconds in MEMORY_SECONDS:
        source = generate(work / f"memory-{seconds}.mp4", seconds, "1280x720")
        deployment = Deployment(work / f"memory-{seconds}", chunk_seconds=120)
        peaks.append(deployment.process(source, workers=1)["peak_kib"])
    short, long = MEMORY_SECONDS
    print(
        f"transcode: peak RSS of any process, {long} s source / {short} s source = {peaks[1] / peaks[0]:.2f}x (must stay ~1.0x; {peaks[0] // 1024} MiB vs {peaks[1] // 1024} MiB)"
    )


def main():
    with tempfile.TemporaryDirectory(prefix="umc-bench-") as folder:
        work = Path(folder)
        source, one_process = ladder_figures(work)
        pipeline_figures(work, source, one_process)
        first_playable_figure(work)
        memory_figure(work)


if __name__ == "__main__":
    main()
