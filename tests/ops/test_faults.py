"""Faults under a running site, on servers of the test's own: PostgreSQL restarted and Redis restarted under
gunicorn while readers load pages, and a worker SIGKILLed mid-transcode. Readers may get errors only while
a server is down; the same gunicorn answers again afterwards; nothing is lost and nothing is done twice.

The site runs the production settings on a private PostgreSQL cluster and a private Redis
(tests/private_services.py): the machine's own servers are shared and never stopped. bench/faults.py drives
the same faults, and more, under wrk's load and prints the figures.
"""

import os
import shutil
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from contextlib import contextmanager

import pytest

from tests import workers
from tests.media import generate_video
from tests.private_services import POSTGRES_BIN, free_port, private_postgresql, private_redis
from tests.workers import REPO, ffmpeg_processes_under, wait_for

pytestmark = [
    pytest.mark.once,  # the site runs on its own PostgreSQL whatever the suite's engine
    pytest.mark.skipif(
        not (POSTGRES_BIN / "initdb").exists() or not shutil.which("redis-server"),
        reason="needs PostgreSQL's server programs (Debian's postgresql, as CI has) and redis-server (`make test` installs it)",
    ),
]
PAGES = ("/?nocache=1", "/laodongmei/?nocache=1", "/search/?q=%E6%8B%9B%E8%81%98&nocache=1")  # 招聘, each read afresh
STALE_SECONDS = 3


def manage(env, *arguments):
    subprocess.run([sys.executable, "manage.py", *arguments], cwd=REPO, env=env, check=True, capture_output=True)


@pytest.fixture(scope="session")
def site(tmp_path_factory):
    """The production settings on a private PostgreSQL and Redis: migrated, with the demo's articles and fairs.
    Connections are kept between requests (DATABASE_CONN_MAX_AGE), the case where a restart can leave a
    process holding a dead one. Built at most once per test process (half a minute): pytest-xdist may run
    other modules' tests between these, which would tear down and rebuild a module's fixture."""
    folder = tmp_path_factory.mktemp("faults")
    with private_postgresql() as postgresql, private_redis() as redis:
        env = {
            **{name: value for name, value in os.environ.items() if name not in ("S3_BUCKET", "DATABASE_URL")},
            "DJANGO_SETTINGS_MODULE": "cms.settings.production",
            "SECRET_KEY": "fault-test-only",
            "ALLOWED_HOSTS": "127.0.0.1",
            "SECURE_COOKIES": "0",
            "SECURE_SSL_REDIRECT": "0",
            "DATABASE_URL": postgresql.create_database("umc"),
            "DATABASE_CONN_MAX_AGE": "600",
            "REDIS_URL": redis.url(),
            "UMC_VAR_DIR": str(folder),
            "VIDEO_JOB_STALE_SECONDS": str(STALE_SECONDS),
        }
        for command in (
            ["migrate", "--noinput"],
            ["sync_taxonomy"],
            ["load_demo", "--no-videos"],
            ["collectstatic", "--noinput"],
        ):
            manage(env, *command)
        yield postgresql, redis, env, folder


def get(url):
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code
    except OSError:
        return 0


@pytest.fixture(scope="module")
def web(site):
    """gunicorn, two sync workers, serving the site: its base URL and process."""
    _postgresql, _redis, env, folder = site
    port = free_port()
    with open(folder / "gunicorn.log", "w") as log:
        server = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "cms.wsgi", "--workers", "2", "--bind", f"127.0.0.1:{port}",
             "--no-control-socket", "--log-level", "warning"],
            cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip
        base = f"http://127.0.0.1:{port}"
        try:
            wait_for(lambda: get(f"{base}/ping") == 200, 60, "gunicorn to answer")
            yield base, server
        finally:
            server.terminate()
            server.wait(timeout=30)


class Readers:
    """Two readers asking for uncached pages (each one reads the database) one after another: what each
    request got, when it was sent and when it was answered."""

    def __init__(self, base):
        self.base = base
        self.answers = []  # (sent at, answered at, status)
        self.stopping = threading.Event()
        self.threads = [threading.Thread(target=self.read, args=(offset,)) for offset in range(2)]

    def read(self, offset):
        for number in range(offset, 10**9):
            if self.stopping.is_set():
                return
            sent = time.monotonic()
            status = get(self.base + PAGES[number % len(PAGES)])
            self.answers.append((sent, time.monotonic(), status))

    def answered_before(self, moment):
        return [status for _sent, answered, status in self.answers if answered < moment]

    def sent_after(self, moment):
        return [status for sent, _answered, status in self.answers if sent >= moment]


@contextmanager
def reading(base):
    readers = Readers(base)
    for thread in readers.threads:
        thread.start()
    try:
        yield readers
    finally:
        readers.stopping.set()
        for thread in readers.threads:
            thread.join(timeout=30)


def counts(postgresql):
    """What must survive every fault: live articles, job fairs, videos ready."""
    (row,) = postgresql.sql(
        "SELECT (SELECT count(*) FROM columns_articlepage a JOIN wagtailcore_page p ON p.id = a.page_ptr_id WHERE p.live),"
        " (SELECT count(*) FROM jobfairs_jobfairpage),"
        " (SELECT count(*) FROM media_center_video WHERE status = 'ready')",
        "umc",
    )
    return [int(value) for value in row]


def test_a_database_restart_costs_readers_errors_only_while_it_is_down(site, web):
    postgresql, _redis, _env, folder = site
    base, server = web
    before = counts(postgresql)
    with reading(base):
        time.sleep(2)  # each gunicorn worker holds a connection by now
    postgresql.restart()  # at a quiet moment: the connections the workers hold are dead, and no request saw it
    with reading(base) as readers:
        time.sleep(2)
    assert len(readers.answers) > 5 and set(readers.sent_after(0)) == {200}, (folder / "gunicorn.log").read_text()[-3000:]

    with reading(base) as readers:  # and under load
        time.sleep(1)
        down = time.monotonic()
        postgresql.restart()
        back = time.monotonic()
        time.sleep(3)
    assert readers.answered_before(down) and set(readers.answered_before(down)) == {200}
    after_restart = readers.sent_after(back)
    assert len(after_restart) > 10 and set(after_restart) == {200}, (folder / "gunicorn.log").read_text()[-3000:]
    assert server.poll() is None, "gunicorn itself was not restarted"
    assert counts(postgresql) == before


def test_a_cache_restart_costs_readers_nothing(site, web):
    postgresql, redis, _env, _folder = site
    base, server = web
    before = counts(postgresql)
    with reading(base) as readers:
        time.sleep(1)
        redis.stop()
        time.sleep(2)  # pages rendered afresh while the cache is down
        redis.start()
        time.sleep(2)
    assert len(readers.answers) > 10 and set(readers.sent_after(0)) == {200}
    assert get(f"{base}/laodongmei/") == 200
    assert server.poll() is None
    assert counts(postgresql) == before


def chunk_jobs(postgresql, video_id):
    """{chunk index: (status, attempts)} of the video's chunk jobs."""
    rows = postgresql.sql(
        f"SELECT index, status, attempts FROM media_center_videojob WHERE video_id = {video_id} AND kind = 'chunk'", "umc"
    )
    return {int(index): (status, int(attempts)) for index, status, attempts in rows}


def video_status(postgresql, video_id):
    return postgresql.sql(f"SELECT status FROM media_center_video WHERE id = {video_id}", "umc")[0][0]


def stored_segments_not_listed(folder, video_id):
    """Segment files in the video's HLS folders that none of its playlists lists: a dead attempt's leftovers."""
    extra = []
    for rendition in (folder / "private" / "videos" / str(video_id) / "hls").glob("*/"):
        listed = set()
        for playlist in rendition.glob("*.m3u8"):
            listed |= {line for line in playlist.read_text().splitlines() if line and not line.startswith("#")}
        extra += [path.name for path in rendition.iterdir() if path.suffix != ".m3u8" and path.name not in listed]
    return extra


def test_a_worker_killed_mid_transcode_leaves_its_chunk_to_the_next_and_readers_see_nothing(site, web, tmp_path):
    postgresql, _redis, env, folder = site
    base, _server = web
    source = generate_video(tmp_path / "fair.mp4", seconds=12, size="1280x720")
    env = {**env, "VIDEO_CHUNK_SECONDS": "4", "VIDEO_FIRST_CHUNK_SECONDS": "4"}
    manage(env, "ingest_video", str(source), "--title", "断电测试")
    (video_id,) = postgresql.sql("SELECT max(id) FROM media_center_video", "umc")[0]
    before = counts(postgresql)
    started = []
    try:
        with reading(base) as readers:
            first = workers.start_worker(tmp_path, "worker-a", "video", environment=env)
            started.append(first)
            wait_for(lambda: "running" in {status for status, _ in chunk_jobs(postgresql, video_id).values()}, 120, "a chunk")
            time.sleep(1.0)
            [victim] = [index for index, (status, _) in chunk_jobs(postgresql, video_id).items() if status == "running"]
            first.send_signal(signal.SIGKILL)
            first.wait(timeout=10)
            wait_for(lambda: not ffmpeg_processes_under(folder / "work"), 10, "the dead worker's ffmpeg to exit with it")
            # What systemd does: the scheduler runs on, and the worker's unit starts it again.
            started.append(subprocess.Popen([sys.executable, "manage.py", "run_scheduler", "--interval", "1"], cwd=REPO,
                                            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))  # fmt: skip
            started.append(workers.start_worker(tmp_path, "worker-b", "video", environment=env))
            wait_for(lambda: video_status(postgresql, video_id) in ("ready", "failed"), 180, "the video to be finished")
    finally:
        for process in started:
            if process.poll() is None:
                process.kill()
                process.wait(timeout=10)
    assert video_status(postgresql, video_id) == "ready", (tmp_path / "worker-b.log").read_text()[-3000:]
    jobs = chunk_jobs(postgresql, video_id)
    assert jobs[victim] == ("done", 2)
    assert {index: job for index, job in jobs.items() if index != victim} == {
        index: ("done", 1) for index in jobs if index != victim
    }, "no other chunk was encoded twice"
    assert stored_segments_not_listed(folder, video_id) == []
    assert set(readers.sent_after(0)) == {200}
    assert counts(postgresql) == [before[0], before[1], before[2] + 1]
