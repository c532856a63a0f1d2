"""Transcoding figures, all measured in this one run on this machine (ratios against baselines run here too).

0. Rate control: the constrained-quality ladder against the fixed bitrates it replaced, on three
   pictures (a slide scene, testsrc2, noise over motion): bytes and SSIM per rung, encode time.
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
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from media_center.ffmpeg.ladder import LADDER, ladder_command, output_size  # noqa: E402
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


FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
# The three pictures the ladder's rate control is measured on (lavfi graphs; `seconds` and `font` filled in).
# A host in front of a slide: a still image, a small moving region, burned-in text that changes.
STATIC_SCENE = (
    "color=c=0xeeeeee:s=1920x1080:r=30:d={seconds},"
    "drawbox=x=120:y=100:w=1680:h=160:color=0x1f4e79:t=fill,"
    "drawtext=fontfile={font}:text='Spring job fair - welders wanted':x=160:y=140:fontsize=72:fontcolor=white,"
    "drawtext=fontfile={font}:text='Shift pay, housing, training':x=160:y=360:fontsize=56:fontcolor=black,"
    "drawtext=fontfile={font}:text='Apply at the union office':x=160:y=460:fontsize=56:fontcolor=black[slide];"
    "testsrc2=s=480x540:r=30:d={seconds}[host];"
    "[slide][host]overlay=x=1380:y=480,"
    "drawtext=fontfile={font}:text='%{{pts\\:hms}}  viewers %{{eif\\:n*7\\:d}}':x=120:y=980:fontsize=48:fontcolor=red"
)
PICTURES = {
    "static": STATIC_SCENE,
    "testsrc2": "testsrc2=s=1920x1080:r=30:d={seconds}",
    "high-motion": "testsrc2=s=1920x1080:r=30:d={seconds},noise=alls=24:allf=t+u",
}


def generate_picture(path, picture, seconds):
    """One of PICTURES, video only, encoded like a livestream recording (see `generate`)."""
    subprocess.run(
        ["ffmpeg", "-hide_banner", "-loglevel", "error", "-y",
         "-f", "lavfi", "-i", PICTURES[picture].format(seconds=seconds, font=FONT),
         "-c:v", "libx264", "-preset", "veryfast", "-profile:v", "high",
         "-b:v", "6M", "-maxrate", "6M", "-bufsize", "12M", "-g", "60", "-pix_fmt", "yuv420p", str(path)],
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


# The ladder before constrained quality: fixed bitrates, capped at 1.07× with a 2 s buffer.
FIXED_KBPS = {"1080p": 5000, "720p": 2800, "480p": 1400, "360p": 800}
FIXED_PRESETS = {"1080p": "veryfast", "720p": "veryfast", "480p": "superfast", "360p": "superfast"}


def fixed_bitrate_command(args):
    """`ladder_command`'s arguments with each rung's rate control put back to its old fixed bitrate."""
    rewritten, pending = [], []
    for arg in args:
        pending.append(arg)
        if arg.endswith(".m3u8"):
            rung = Path(arg).parent.name
            kbps = FIXED_KBPS[rung]
            options = {"-crf": ("-b:v", f"{kbps}k"), "-maxrate": ("-maxrate", f"{int(kbps * 1.07)}k"),
                       "-bufsize": ("-bufsize", f"{kbps * 2}k"), "-preset": ("-preset", FIXED_PRESETS[rung])}  # fmt: skip
            for index, flag in enumerate(pending[:-1]):
                if flag in options:
                    pending[index], pending[index + 1] = options[flag]
            if "-x264-params" in pending:  # the fixed ladder used veryfast's own settings
                index = pending.index("-x264-params")
                del pending[index : index + 2]
            rewritten += pending
            pending = []
    return rewritten + pending


def ssim(encoded_playlist, source, width, height):
    """SSIM (all planes) of a rung against the source scaled to the rung's size the way the ladder scales."""
    result = subprocess.run(
        ["ffmpeg", "-hide_banner", "-nostats", "-i", str(encoded_playlist), "-i", str(source), "-lavfi",
         f"[0:v]setpts=PTS-STARTPTS[encoded];[1:v]scale={width}:{height}:flags=area,format=yuv420p,setpts=PTS-STARTPTS[reference];"
         "[encoded][reference]ssim", "-f", "null", "-"],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    return float(re.search(r"All:([0-9.]+)", result.stderr).group(1))


def rung_figures(out, source, rung, seconds):
    """(kb/s, SSIM) of the rung's segments under `out` (its `c.m3u8`), from a `seconds`-long source."""
    folder = out / rung.name
    kbps = sum(path.stat().st_size for path in folder.glob("*.ts")) * 8 / seconds / 1000
    return kbps, ssim(folder / "c.m3u8", source, *output_size(rung, 1920, 1080))


def rate_control_figures(work):
    """Each picture's ladder encoded both ways back to back (in turn first), so both see the same load."""
    times = {"fixed": 0.0, "constrained": 0.0}
    for turn, picture in enumerate(PICTURES):
        source = generate_picture(work / f"{picture}.mp4", picture, LADDER_SECONDS)
        commands = {}
        for name in times:
            for rung in LADDER:
                (work / picture / name / rung.name).mkdir(parents=True, exist_ok=True)
            args = ladder_command(
                source, work / picture / name, LADDER, width=1920, height=1080, frame_rate=30, segment_prefix="c"
            )
            commands[name] = fixed_bitrate_command(args) if name == "fixed" else args
        for name in sorted(commands, reverse=turn % 2 == 1):
            times[name] += timed(lambda command=commands[name]: run(command, timeout=20 * LADDER_SECONDS + 600))
        for rung in LADDER:
            figures = {}
            for name in commands:
                figures[name] = rung_figures(work / picture / name, source, rung, LADDER_SECONDS)
            (old_kbps, old_ssim), (new_kbps, new_ssim) = figures["fixed"], figures["constrained"]
            print(
                f"transcode: rate control, {picture} {rung.name} (crf {rung.crf}, cap {rung.max_kbps}k): "
                f"{old_kbps:.0f} -> {new_kbps:.0f} kb/s = {new_kbps / old_kbps:.2f}x bytes, "
                f"SSIM {old_ssim:.4f} -> {new_ssim:.4f} ({new_ssim - old_ssim:+.4f})"
            )
    print(
        "transcode: rate control, encode time of the three ladders, constrained / fixed = "
        f"{times['constrained'] / times['fixed']:.2f}x (goal <= 1.05x)"
    )


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
    return source, with_sound, separate


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


def pipeline_figures(work, source, one_process, separate):
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
    print(
        f"transcode: pipeline, 2 workers on {os.cpu_count()} cores / four separate ffmpeg runs of the rungs (video only) = {two['total'] / separate:.2f}x (goal <= 0.80x)"
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
        rate_control_figures(work)
        source, one_process, separate = ladder_figures(work)
        pipeline_figures(work, source, one_process, separate)
        first_playable_figure(work)
        memory_figure(work)


if __name__ == "__main__":
    main()
