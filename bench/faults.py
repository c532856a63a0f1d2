"""Load and faults through the production front end, on servers of the run's own, all in one run.

The site: production settings on a private PostgreSQL and a private Redis (tests/private_services.py: the
machine's own servers are never touched), images and videos in SeaweedFS (S3), generated articles in the
columns and the demo's job fairs with their positions; gunicorn (2 sync workers) behind the shipped nginx
site on loopback (tests/ops/nginx_site.py), over HTTPS; one `db_worker` on every queue and the scheduler,
each started again 5 s after it dies as their systemd units do (Restart=on-failure, RestartSec=5); the
Douyin stand-in (tests/distribution/douyin_standin.py) as the channel.

1. Load: wrk through nginx on /ping, an article, a column, a job fair and a search, LOAD_SECONDS each,
   while the worker transcodes a generated 1080p recording: each page's requests/s and p99 as ratios to
   /ping's in this run, and its errors (there must be none).
2. Faults, each while two readers ask nginx for those pages one after another: kill -9 of the worker
   mid-transcode; kill -9 of the worker mid-distribution (the stand-in holds its answer to the upload);
   PostgreSQL restarted; Redis restarted; SeaweedFS stopped for 30 s while the worker stores a video. For
   each: the errors readers saw, how long after the fault's end readers were answered again and the work
   was done, and the counts before and after (live articles, videos ready, distributions posted, stored
   objects). Nothing may be lost and nothing posted twice: the script fails otherwise.

Run with `make bench` or `python bench/faults.py`; BENCH_QUICK=1 for short loads and small sources.
"""

import os
import shutil
import signal
import ssl
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from contextlib import ExitStack, contextmanager
from pathlib import Path

from cryptography.fernet import Fernet
from scratch import free_port, gunicorn, production_env, wrk

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from tests.distribution.douyin_standin import SLOW, running_standin  # noqa: E402
from tests.media import generate_video  # noqa: E402
from tests.ops.nginx_site import HOST, NGINX, main_config, render_site, self_signed_certificate, unprivileged  # noqa: E402
from tests.private_services import private_postgresql, private_redis, terminate  # noqa: E402
from tests.seaweedfs import ACCESS_KEY, SECRET_KEY, seaweedfs_server  # noqa: E402
from tests.seaweedfs import client as s3_client  # noqa: E402
from tests.workers import start_worker, wait_for  # noqa: E402

QUICK = os.environ.get("BENCH_QUICK") == "1"
ARTICLES = 500 if QUICK else 5_000
LOAD_SECONDS = 3 if QUICK else 12  # per page: five of them, /ping included
CONNECTIONS = 8
LOAD_SOURCE = ("1280x720", 30) if QUICK else ("1920x1080", 90)  # transcoded during the load
FAULT_SOURCE = ("1280x720", 20) if QUICK else ("1920x1080", 30)
S3_DOWN_SECONDS = 30
RESTART_SECONDS = 5  # RestartSec of the worker and scheduler units
STALE_SECONDS = 10  # VIDEO_JOB_STALE_SECONDS and DISTRIBUTION_STALE_SECONDS (production: 90 and 120)
SCHEDULER_SECONDS = 5  # run_scheduler --interval (production: 60)
BUCKET = "umc-bench"


# --- processes: nginx, and a worker or scheduler kept running as systemd keeps them ------------------------


@contextmanager
def nginx_front(folder, gunicorn_port):
    """The shipped nginx site in front of gunicorn: its HTTPS base URL (the host name goes in a header)."""
    ports = {"gunicorn": gunicorn_port, "http": free_port(), "https": free_port()}
    run = folder / "nginx"
    for sub in (run, folder / "tls", folder / "acme"):
        sub.mkdir(parents=True)
    self_signed_certificate(folder / "tls")
    (run / "union-media-center.conf").write_text(render_site(folder, ports))
    (run / "nginx.conf").write_text(main_config(run))
    if os.geteuid() == 0:
        shutil.chown(run, "nobody")
    command = [NGINX, "-p", str(run), "-c", str(run / "nginx.conf"), "-e", "stderr", "-g", "daemon off;"]
    with open(folder / "nginx.log", "w") as log:
        process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, **unprivileged())
        base = f"https://127.0.0.1:{ports['https']}"
        try:
            wait_for(lambda: get(base + "/ping") == 200, 30, "nginx to answer")
            yield base
        finally:
            terminate(process)


class Supervised:
    """A process started again RESTART_SECONDS after it exits unless asked to stop, as systemd does."""

    def __init__(self, start):
        self._start = start
        self.restarts = 0
        self.process = start(0)
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._watch, daemon=True)
        self._thread.start()

    def _watch(self):
        while not self._stopping.wait(0.2):
            if self.process.poll() is not None and not self._stopping.wait(RESTART_SECONDS):
                self.restarts += 1
                self.process = self._start(self.restarts)

    def kill(self):
        self.process.send_signal(signal.SIGKILL)

    def stop(self):
        self._stopping.set()
        self._thread.join()
        terminate(self.process, seconds=60)  # a worker finishes its task first


# --- readers ---------------------------------------------------------------------------------------------

UNVERIFIED = ssl._create_unverified_context()  # the run's own self-signed certificate


def get(url):
    """The status of one GET through nginx as a browser names the site, 0 when no answer came."""
    request = urllib.request.Request(url, headers={"Host": HOST})
    try:
        with urllib.request.urlopen(request, timeout=30, context=UNVERIFIED) as response:
            response.read()
            return response.status
    except urllib.error.HTTPError as error:
        return error.code
    except OSError:
        return 0


class Readers:
    """Two readers asking for the pages one after another: (sent at, answered at, status) of each request."""

    def __init__(self, urls):
        self.urls = urls
        self.answers = []
        self._stopping = threading.Event()
        self._threads = [threading.Thread(target=self._read, args=(offset,)) for offset in range(2)]

    def _read(self, offset):
        number = offset
        while not self._stopping.is_set():
            sent = time.monotonic()
            status = get(self.urls[number % len(self.urls)])
            self.answers.append((sent, time.monotonic(), status))
            number += 1

    def __enter__(self):
        for thread in self._threads:
            thread.start()
        return self

    def __exit__(self, *exc):
        self._stopping.set()
        for thread in self._threads:
            thread.join()

    def errors(self, sent_after=0):
        return sorted(status for sent, _, status in self.answers if status != 200 and sent >= sent_after)

    def answered_again(self, end):
        """Seconds from `end` to the first success of a request sent after it."""
        return (
            min((answered for sent, answered, status in self.answers if sent >= end and status == 200), default=float("inf"))
            - end
        )


# --- the site's state, read through Django in this process --------------------------------------------------


def django_setup(env):
    """This process reads the scratch site as its own processes do (a fresh connection for each count)."""
    os.environ.update({**env, "DATABASE_CONN_MAX_AGE": "0"})
    import django

    django.setup()


def counts(s3):
    from django.db import connection

    from columns.models import ArticlePage
    from distribution.models import Distribution
    from media_center.models import Video

    connection.close()  # whatever this process held did not survive a restart
    stored = sum(page.get("KeyCount", 0) for page in s3.get_paginator("list_objects_v2").paginate(Bucket=BUCKET))
    posted = Distribution.objects.filter(status__in=[Distribution.Status.UNDER_REVIEW, Distribution.Status.PUBLISHED])
    return {
        "articles": ArticlePage.objects.live().count(),
        "videos ready": Video.objects.filter(status=Video.Status.READY).count(),
        "distributions posted": posted.count(),
        "stored objects": stored,
    }


def page_urls(base):
    from django.db.models import Count

    from columns.models import ArticlePage
    from jobfairs.models import JobFairPage

    article = ArticlePage.objects.live().order_by("-pk").first()
    fair = JobFairPage.objects.live().annotate(count=Count("positions")).order_by("-count").first()
    assert fair.count, "the demo's job fairs have positions"
    return {
        "article": base + article.url,
        "column": base + "/laodongmei/",
        "job fair": base + fair.url,
        "search": base + "/search/?q=" + urllib.parse.quote("招聘会"),
    }


def ingest(path, title):
    from media_center.ingest import ingest_file

    return ingest_file(path, title=title).pk


def video(video_id):
    from django.db import connection

    from media_center.models import Video

    connection.close()
    return Video.objects.get(pk=video_id)


def chunks(video_id):
    """{chunk index: (status, attempts)}."""
    from media_center.models import VideoJob

    jobs = VideoJob.objects.filter(video_id=video_id, kind=VideoJob.Kind.CHUNK)
    return {job.index: (job.status, job.attempts) for job in jobs}


def finished(video_id):
    return video(video_id).is_finished


# --- the run ---------------------------------------------------------------------------------------------


def build(env):
    def manage(*arguments):
        subprocess.run([sys.executable, "manage.py", *arguments], cwd=REPO, env=env, check=True, stdout=subprocess.DEVNULL)

    for command in (["migrate", "--noinput"], ["sync_taxonomy"], ["load_demo", "--no-videos"], ["collectstatic", "--noinput"]):
        manage(*command)
    # bench/site.py's generated articles; its check of each page asks for them over plain HTTP as 127.0.0.1.
    plain = {**env, "ALLOWED_HOSTS": "127.0.0.1", "SECURE_SSL_REDIRECT": "0"}
    subprocess.run([sys.executable, "bench/site.py", "fill", str(ARTICLES)], cwd=REPO, env=plain, check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip


def load_lines(urls, source_id, ping_base):
    headers = [f"Host: {HOST}"]
    progress = [video(source_id).progress]
    ping = wrk(ping_base + "/ping", CONNECTIONS, LOAD_SECONDS, headers)
    lines = [
        f"load /ping through nginx (https, {CONNECTIONS} connections, {LOAD_SECONDS} s): {ping['rps']:.0f} req/s, "
        f"p99 {ping['p99']:.1f} ms, {ping['errors']} errors (baseline)"
    ]
    for name, url in urls.items():
        figures = wrk(url, CONNECTIONS, LOAD_SECONDS, headers)
        progress.append(video(source_id).progress)
        lines.append(
            f"load {name} page: {figures['rps'] / ping['rps']:.2f}x /ping's req/s, p99 {figures['p99'] / ping['p99']:.1f}x "
            f"/ping's ({figures['rps']:.0f} req/s, p99 {figures['p99']:.1f} ms), {figures['errors']} errors "
            f"{'ok' if figures['errors'] == 0 else 'ERRORS'}"
        )
    lines.append(
        f"load: the worker transcoded throughout ({LOAD_SOURCE[0]}, {LOAD_SOURCE[1]} s source: "
        f"{progress[0]:.0%} done when the load began, {progress[-1]:.0%} when it ended)"
    )
    return lines


def fault_line(name, readers, end, work_seconds, work, before, after, expected_change):
    """The fault's figures, and whether nothing was lost and nothing counted grew that should not have."""
    lost = {key: after[key] - before[key] for key in before if after[key] < before[key]}
    unexpected = {key: after[key] - before[key] for key in before if after[key] > before[key] and key not in expected_change}
    errors = readers.errors()
    late = len(readers.errors(sent_after=end))
    seen = (
        f" ({', '.join(str(status or 'no answer') for status in sorted(set(errors)))}; {late} sent after it ended)"
        if errors
        else ""
    )
    shown = ", ".join(f"{key} {before[key]} → {after[key]}" for key in before)
    verdict = "nothing lost" if not lost else f"LOST {lost}"
    if unexpected:
        verdict += f", UNEXPECTED {unexpected}"
    return (
        f"fault {name}: readers got {len(errors)} errors in {len(readers.answers)} requests{seen}, answered again "
        f"{readers.answered_again(end):.1f} s after the fault ended; {work} {work_seconds:.1f} s after it; {shown}: {verdict}"
    ), not lost and not unexpected


def run_fault(name, urls, s3, cause, work_done, work, expected_change):
    """Readers read while `cause()` runs (it returns when the fault is over), then until `work_done()`."""
    before = counts(s3)
    with Readers(list(urls.values())) as readers:
        time.sleep(2)
        cause()
        end = time.monotonic()
        wait_for(work_done, 900, work)
        work_seconds = time.monotonic() - end
        time.sleep(2)
    return fault_line(name, readers, end, work_seconds, work, before, counts(s3), expected_change)


def main():
    if not shutil.which("wrk") or not Path(NGINX).exists():
        sys.exit("wrk and nginx are needed: `make bench` installs them")
    lines, healthy = [], True
    with ExitStack() as stack:
        folder = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="umc-faults-")))
        folder.chmod(0o755)  # nginx's unprivileged user reads the static files under it
        postgresql = stack.enter_context(private_postgresql())
        redis = stack.enter_context(private_redis())
        weed = stack.enter_context(seaweedfs_server(folder / "s3"))
        douyin = stack.enter_context(running_standin())
        s3 = s3_client(weed.endpoint)
        s3.create_bucket(Bucket=BUCKET)
        env = production_env(
            postgresql.create_database("umc"), folder / "var",
            ALLOWED_HOSTS=HOST, SECURE_SSL_REDIRECT="1", CLIENT_ADDRESS_HEADER="X-Real-IP",
            DATABASE_CONN_MAX_AGE="600", REDIS_URL=redis.url(),
            S3_BUCKET=BUCKET, S3_ENDPOINT_URL=weed.endpoint, S3_ACCESS_KEY_ID=ACCESS_KEY, S3_SECRET_ACCESS_KEY=SECRET_KEY,
            FIELD_ENCRYPTION_KEYS=Fernet.generate_key().decode(), DOUYIN_BASE_URL=douyin.base_url,
            VIDEO_CHUNK_SECONDS="10", VIDEO_FIRST_CHUNK_SECONDS="10",
            VIDEO_JOB_STALE_SECONDS=str(STALE_SECONDS), DISTRIBUTION_STALE_SECONDS=str(STALE_SECONDS),
        )  # fmt: skip
        print("# building the site", file=sys.stderr)
        build(env)
        django_setup(env)
        gunicorn_port = free_port()
        stack.enter_context(gunicorn(env, gunicorn_port, log=open(folder / "gunicorn.log", "w")))  # noqa: SIM115
        base = stack.enter_context(nginx_front(folder, gunicorn_port))
        worker = Supervised(lambda n: start_worker(folder, f"worker-{n}", "*", environment=env))
        stack.callback(worker.stop)
        scheduler = Supervised(
            lambda n: subprocess.Popen(
                [sys.executable, "manage.py", "run_scheduler", "--interval", str(SCHEDULER_SECONDS)],
                cwd=REPO, env=env, stdout=open(folder / f"scheduler-{n}.log", "w"), stderr=subprocess.STDOUT,  # noqa: SIM115
            )
        )  # fmt: skip
        stack.callback(scheduler.stop)
        urls = page_urls(base)

        print("# load", file=sys.stderr)
        size, seconds = LOAD_SOURCE
        source_id = ingest(generate_video(folder / "load.mp4", seconds=seconds, size=size, keyframe_every=2.0), "负载下转码")
        wait_for(lambda: chunks(source_id) and video(source_id).progress > 0, 300, "the transcode to begin")
        lines += load_lines(urls, source_id, base)
        healthy &= all("ERRORS" not in line for line in lines)
        wait_for(lambda: finished(source_id), 1200, "the load's video to be finished")

        size, seconds = FAULT_SOURCE
        source = generate_video(folder / "fault.mp4", seconds=seconds, size=size)
        for name, fault in faults(urls, s3, worker, postgresql, redis, weed, douyin, source).items():
            print(f"# fault: {name}", file=sys.stderr)
            restarts = worker.restarts
            line, ok = fault()
            lines.append(f"{line}; the worker was started again {worker.restarts - restarts} time(s)")
            healthy &= ok
        lines.append(
            f"faults: the worker was started again {worker.restarts} times in all, the scheduler {scheduler.restarts} "
            f"times; the Douyin stand-in holds {len(douyin.state.items)} posts"
        )
    for line in lines:
        print(line)
    if not healthy:
        sys.exit("a fault lost something or posted twice, or the load met errors: see the lines above")


def faults(urls, s3, worker, postgresql, redis, weed, douyin, source):
    """Each fault: a function returning its line and whether nothing was lost or done twice."""
    stored_per_video = set()  # objects under each interrupted video's folder: one set of outputs, the same for all

    def storage_outage():
        weed.stop()
        time.sleep(S3_DOWN_SECONDS)
        weed.start()

    def during_transcode(name, interrupt, killed=False):
        """`interrupt()` while the worker encodes a chunk of a new video. The video must end ready with one set
        of outputs (as many objects as every other video made from the same source); when the worker was
        `killed`, only its chunk may have been encoded twice."""
        video_id = ingest(source, name)
        interrupted = []

        def cause():
            wait_for(lambda: any(status == "running" for status, _ in chunks(video_id).values()), 300, "a chunk")
            time.sleep(2)
            interrupted.extend(index for index, (status, _) in chunks(video_id).items() if status == "running")
            interrupt()

        line, ok = run_fault(
            f"{name} mid-transcode", urls, s3, cause, lambda: finished(video_id), "the video was finished",
            {"videos ready", "stored objects"},
        )  # fmt: skip
        status, jobs = video(video_id).status, chunks(video_id)
        stored = s3.list_objects_v2(Bucket=BUCKET, Prefix=f"videos/{video_id}/")["KeyCount"]
        stored_per_video.add(stored)
        attempts = ", ".join(f"{index}: {job[1]}" for index, job in sorted(jobs.items()))
        done = status == "ready" and len(stored_per_video) == 1
        if killed:
            done &= all(job[1] <= (2 if index in interrupted else 1) for index, job in jobs.items())
        return (
            f"{line}; the video ended {status} with {stored} objects, chunk {interrupted[0]} interrupted, attempts per "
            f"chunk {attempts}: {'ok' if done else 'NOT READY, OR DONE TWICE'}"
        ), ok and done

    def kill_mid_distribution():
        from distribution.models import Distribution
        from distribution.publishing import distribute
        from media_center import storage
        from tests.distribution.accounts import connect_douyin
        from tests.media_center.factories import ClipFactory

        clip = ClipFactory(
            approved=True, ready=True, title="新能源企业招聘焊工", topics="#招聘 #直播荐岗", width=720, height=1280
        )
        clip.source = storage.store(source, f"{clip.prefix}/clip.mp4")
        clip.container = "mov,mp4,m4a,3gp,3g2,mj2"
        clip.save(update_fields=["source", "container"])
        account = connect_douyin(douyin.state)
        douyin.state.fail("upload_video", SLOW, delay=60)  # stored, then the answer held: the worker dies waiting
        row = []

        def cause():
            row.append(distribute(clip, account)[0].pk)
            wait_for(lambda: douyin.state.videos, 120, "the upload to be stored")
            worker.kill()

        def posted():
            status = Distribution.objects.get(pk=row[0]).status
            return status in (Distribution.Status.UNDER_REVIEW, Distribution.Status.PUBLISHED)

        line, ok = run_fault(
            "kill -9 of the worker mid-distribution", urls, s3, cause, posted, "the clip was posted", {"distributions posted"}
        )
        uploads, posts = len(douyin.state.requests_to("upload_video")), len(douyin.state.items)
        return f"{line}; uploaded {uploads} times, posted {posts} time(s)", ok and posts == 1

    return {
        "worker killed mid-transcode": lambda: during_transcode("kill -9 of the worker", worker.kill, killed=True),
        "worker killed mid-distribution": kill_mid_distribution,
        "database restart": lambda: during_transcode("PostgreSQL restarted", postgresql.restart),
        "cache restart": lambda: during_transcode("Redis restarted", redis.restart),
        "storage outage": lambda: during_transcode(f"SeaweedFS stopped for {S3_DOWN_SECONDS} s", storage_outage),
    }


if __name__ == "__main__":
    main()
