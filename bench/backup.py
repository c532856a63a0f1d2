"""Backup and restore figures for a site of 10,000 articles, 20 videos and job fairs with sign-ups, on
PostgreSQL with the files on local disk, all in this one run:

1. the first backup (to a local folder, and to an S3 prefix on SeaweedFS): time and size;
2. a second, incremental backup after a day's work (one new video, twenty new articles): time and what
   it wrote, as a share of the first;
3. a restore of the second into an empty system (a new database, empty folders): time;
4. the restored site against the source (tests/ops/site_fingerprint.py): every page's HTML, every file's
   checksum and every model's row count: what differs, which must be nothing.

Run with `make bench` or `python bench/backup.py`; BENCH_QUICK=1 uses 1,000 articles and 5 videos.
"""

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from scratch import database, production_env

REPO = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
QUICK = os.environ.get("BENCH_QUICK") == "1"
ARTICLES = 1_000 if QUICK else 10_000
VIDEOS = 5 if QUICK else 20
VIDEO_SECONDS = 20


def django_setup():
    sys.path.insert(0, str(REPO))
    import django

    django.setup()


def make_videos(total):
    """Transcoded videos until there are `total`: each a different picture (so none is stored once for two)."""
    django_setup()
    from media_center import pipeline
    from media_center.ffmpeg.runner import run
    from media_center.ingest import ingest_file
    from media_center.models import Video

    with tempfile.TemporaryDirectory() as folder:
        for number in range(Video.objects.count(), total):
            source = Path(folder) / f"bench-{number}.mp4"
            run(["-f", "lavfi", "-i", f"testsrc2=size=1280x720:rate=25:duration={VIDEO_SECONDS}",
                 "-f", "lavfi", "-i", f"sine=frequency={200 + number * 20}:duration={VIDEO_SECONDS}",
                 "-vf", f"hue=h={number * 17}", "-c:v", "libx264", "-preset", "veryfast", "-g", "50",
                 "-pix_fmt", "yuv420p", "-c:a", "aac", "-y", str(source)], timeout=600)  # fmt: skip
            video = ingest_file(source, title=f"基准视频 {number}")
            pipeline.work_through(video)
            print(f"  video {number + 1} of {total}: {Video.objects.get(pk=video.pk).status}", file=sys.stderr, flush=True)


def manage(env, *args, quiet=True):
    return subprocess.run(
        [PYTHON, "manage.py", *args], cwd=REPO, env=env, check=True, text=True,
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL if quiet else None,
    ).stdout  # fmt: skip


def child(env, *args):
    subprocess.run([PYTHON, __file__, *args], cwd=REPO, env=env, check=True)


def timed(env, *args):
    started = time.perf_counter()
    output = manage(env, *args)
    return time.perf_counter() - started, output


def fingerprint(env):
    output = subprocess.run(
        [PYTHON, "-m", "tests.ops.site_fingerprint"], cwd=REPO, env=env, check=True, capture_output=True, text=True
    ).stdout
    return json.loads(output)


def differences(before, after):
    """What the restored site lacks or has otherwise, counted per kind."""
    found = {}
    found["pages"] = sum(
        1 for url in before["pages"].keys() | after["pages"].keys() if before["pages"].get(url) != after["pages"].get(url)
    )
    found["files"] = sum(
        1
        for storage in before["files"].keys() | after["files"].keys()
        for name in before["files"].get(storage, {}).keys() | after["files"].get(storage, {}).keys()
        if before["files"].get(storage, {}).get(name) != after["files"].get(storage, {}).get(name)
    )
    found["row counts"] = sum(1 for label in before["counts"] if before["counts"][label] != after["counts"].get(label))
    return found


def stored_bytes(folder):
    return sum(path.stat().st_size for path in Path(folder).rglob("*") if path.is_file())


def manifest_of(location, backup_id):
    return json.loads((Path(location) / "backups" / backup_id / "manifest.json").read_text())


def newest(location):
    return sorted(path.name for path in (Path(location) / "backups").iterdir() if (path / "manifest.json").exists())[-1]


def site(url, folder, **settings):
    return production_env(url, folder, FIELD_ENCRYPTION_KEYS="YmVuY2gtb25seS1maWVsZC1rZXktMzItYnl0ZXMtLS0=", **settings)


def main():
    sys.path.insert(0, str(REPO))
    lines = []
    folder = Path(tempfile.mkdtemp(prefix="umc-bench-backup-"))
    try:
        measure(folder, lines)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    for line in lines:
        print(line)


def measure(folder, lines):
    from tests import seaweedfs

    with database("postgresql", folder / "source", prefix="umc_bench_source") as source_url:
        source = site(source_url, folder / "source")
        (folder / "source").mkdir()
        for step in (("migrate", "--noinput"), ("sync_taxonomy",), ("collectstatic", "--noinput"), ("load_demo",)):
            manage(source, *step)
        subprocess.run(
            [PYTHON, "bench/site.py", "fill", str(ARTICLES)], cwd=REPO, env=source, check=True, stdout=subprocess.DEVNULL
        )
        child(source, "videos", str(VIDEOS))
        counts = json.loads(manage(source, "shell", "-c", COUNTS).splitlines()[-1])
        lines.append(
            f"site: {counts['articles']:,} articles, {counts['videos']} videos, {counts['fairs']} job fairs with "
            f"{counts['positions']} positions and {counts['signups']} sign-ups"
        )

        local = folder / "backups"
        seconds, _ = timed(source, "backup", f"--location={local}")
        first = manifest_of(local, newest(local))
        lines.append(
            f"first backup to a local folder: {seconds:.1f} s, {first['files']:,} files, "
            f"{first['bytes'] / 2**20:.0f} MB of site, {stored_bytes(local) / 2**20:.0f} MB stored"
        )
        with seaweedfs.seaweedfs(folder / "seaweedfs") as endpoint:
            seaweedfs.client(endpoint).create_bucket(Bucket="backups")
            s3 = {**source, "BACKUP_S3_ENDPOINT_URL": endpoint, "BACKUP_S3_ACCESS_KEY_ID": seaweedfs.ACCESS_KEY,
                  "BACKUP_S3_SECRET_ACCESS_KEY": seaweedfs.SECRET_KEY}  # fmt: skip
            s3_seconds, _ = timed(s3, "backup", "--location=s3://backups/site")
        lines.append(
            f"first backup to S3 (SeaweedFS on this machine): {s3_seconds:.1f} s ({s3_seconds / seconds:.2f}x the local folder's)"
        )

        child(source, "videos", str(VIDEOS + 1))
        subprocess.run(
            [PYTHON, "bench/site.py", "fill", str(ARTICLES + 20)], cwd=REPO, env=source, check=True, stdout=subprocess.DEVNULL
        )
        before = fingerprint(source)
        stored_first = stored_bytes(local)
        second_seconds, _ = timed(source, "backup", f"--location={local}")
        second = manifest_of(local, newest(local))
        lines.append(
            f"second backup after a day's work (1 video, 20 articles): {second_seconds:.1f} s "
            f"({second_seconds / seconds:.2f}x the first), wrote {second['new_bytes'] / 2**20:.1f} MB "
            f"({second['new_bytes'] / first['bytes']:.3f}x the first's site), location grew "
            f"{(stored_bytes(local) - stored_first) / 2**20:.1f} MB"
        )

        with database("postgresql", folder / "restored", prefix="umc_bench_restored") as restored_url:
            (folder / "restored").mkdir()
            restored = site(restored_url, folder / "restored")
            manage(restored, "collectstatic", "--noinput")
            restore_seconds, _ = timed(restored, "restore", f"--location={local}")
            lines.append(
                f"restore of the second into an empty system: {restore_seconds:.1f} s ({restore_seconds / seconds:.2f}x the first backup)"
            )
            after = fingerprint(restored)
            found = differences(before, after)
            for url in sorted(before["pages"].keys() | after["pages"].keys()):
                if before["pages"].get(url) != after["pages"].get(url):
                    print(f"  page differs: {url}", file=sys.stderr)
            lines.append(
                f"restored against the source: {len(before['pages']):,} pages, "
                f"{sum(len(files) for files in before['files'].values()):,} files, {len(before['counts'])} models compared; "
                + ", ".join(f"{count} {kind} differ" for kind, count in found.items())
                + (" ok" if not any(found.values()) else " MISSED")
            )


COUNTS = """
import json
from columns.models import ArticlePage
from jobfairs.models import JobFairPage, Position
from media_center.models import Video
from signups.models import Signup
print(json.dumps({"articles": ArticlePage.objects.count(), "videos": Video.objects.count(),
    "fairs": JobFairPage.objects.count(), "positions": Position.objects.count(), "signups": Signup.objects.count()}))
"""


if __name__ == "__main__":
    if sys.argv[1:2] == ["videos"]:
        make_videos(int(sys.argv[2]))
    else:
        main()
