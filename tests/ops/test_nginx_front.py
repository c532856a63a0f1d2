"""The shipped nginx site in front of gunicorn: slow clients, and what nginx adds, serves and refuses.

Debian's nginx (installed by `make test`, like ffmpeg) runs unprivileged on loopback ports with
deploy/nginx/union-media-center.conf as shipped, except what differs on a test machine: its ports, the
certificate (self-signed, made here), the data folder and the ACME folder. Gunicorn runs with
deploy/gunicorn.conf.py and the production settings (tests/ops/front_settings.py adds one page saying what
the application saw of a request). Slow clients holding half-sent requests freeze gunicorn's sync workers
when they reach them directly, and do not when nginx is in front.
"""

import http.client
import json
import os
import re
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import tempfile
import time
from contextlib import ExitStack, closing, contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.ops import front_urls
from tests.ops.nginx_site import (
    DEPLOY,
    HOST,
    NGINX,
    REPO,
    SITE,
    example_environment,
    main_config,
    render_site,
    self_signed_certificate,
    unprivileged,
)
from tests.private_services import free_port

pytestmark = pytest.mark.once  # nginx and gunicorn, no database: the engine changes nothing here

WORKERS = 2
SLOW_CLIENTS = 2 * WORKERS + 1  # more than gunicorn has workers
ANSWER_WITHIN = 2.0  # seconds; /ping answers in milliseconds whenever a worker is free
HASHED_CSS = "css/site.0123456789ab.css"  # as collectstatic names it: the content's hash before the suffix


@contextmanager
def running(command, log, stop=signal.SIGTERM, **options):
    process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, **options)
    try:
        yield process
    finally:
        process.send_signal(stop)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@dataclass
class Answer:
    status: int
    headers: http.client.HTTPMessage
    body: bytes


class Front:
    """The site through nginx (https, http) or straight to gunicorn, always as a browser names it: news.example.cn."""

    def __init__(self, folder, ports):
        self.folder = folder
        self.ports = ports
        self.tls = ssl.create_default_context(cafile=folder / "tls" / "cert.pem")

    def connect(self, via="https", timeout=5.0):
        port = self.ports[via]
        sock = socket.create_connection(("127.0.0.1", port), timeout=timeout)
        return self.tls.wrap_socket(sock, server_hostname=HOST) if via == "https" else sock

    def request(self, path, *, via="https", method="GET", headers=None, body=None, timeout=5.0):
        connection = http.client.HTTPConnection(HOST, self.ports[via], timeout=timeout)
        connection.sock = self.connect(via, timeout)
        with closing(connection):
            connection.request(method, path, body=body, headers=headers or {})
            response = connection.getresponse()
            return Answer(response.status, response.headers, response.read())

    def logs(self):
        return "\n".join(f"--- {log.name}\n{log.read_text()[-3000:]}" for log in sorted((self.folder / "logs").iterdir()))


def wait_for_ping(front, via, seconds=30):
    deadline = time.monotonic() + seconds
    while True:
        try:
            if front.request("/ping", via=via, timeout=1).status == 200:
                return
        except OSError:
            pass
        assert time.monotonic() < deadline, f"/ping via {via} never answered\n{front.logs()}"
        time.sleep(0.2)


def lay_out(folder, ports):
    """The certificate, the static and media files nginx serves, an ACME challenge, and nginx's configuration."""
    run = folder / "nginx"
    for sub in (run, folder / "logs", folder / "tls", folder / "acme" / ".well-known" / "acme-challenge"):
        sub.mkdir(parents=True)
    self_signed_certificate(folder / "tls")
    (folder / "acme" / ".well-known" / "acme-challenge" / "token-1").write_text("token-1.proof")
    static, media = folder / "var" / "static", folder / "var" / "media"
    (static / "css").mkdir(parents=True)
    (static / HASHED_CSS).write_text("body { color: #333; }\n" * 200)
    (static / "css" / "site.css").write_text("body { color: #333; }\n")
    for name in ("original_images/cover.jpg", "documents/salaries.pdf"):
        (media / name).parent.mkdir(parents=True, exist_ok=True)
        (media / name).write_bytes(b"\xff\xd8 not really an image")
    video = folder / "var" / "private" / front_urls.HANDED_OVER
    video.parent.mkdir(parents=True)
    video.write_bytes(bytes(range(256)) * 64)
    (run / "union-media-center.conf").write_text(render_site(folder, ports))
    (run / "nginx.conf").write_text(main_config(run))
    if os.geteuid() == 0:
        shutil.chown(run, "nobody")  # its temporary files and pid
    return [NGINX, "-p", str(run), "-c", str(run / "nginx.conf"), "-e", "stderr"]


def production_environment(folder):
    """The production settings on a SQLite file of the test's own: no Redis or S3 of the machine's, the
    client address header as deploy/environment.example names it."""
    environment = {name: value for name, value in os.environ.items() if name not in ("DATABASE_URL", "REDIS_URL", "S3_BUCKET")}
    return {
        **environment,
        "DJANGO_SETTINGS_MODULE": "tests.ops.front_settings",
        "SECRET_KEY": "nginx-test-only",
        "ALLOWED_HOSTS": HOST,
        "CLIENT_ADDRESS_HEADER": example_environment()["CLIENT_ADDRESS_HEADER"],
        "VIDEO_ACCEL_REDIRECT_PREFIX": example_environment()["VIDEO_ACCEL_REDIRECT_PREFIX"],
        "UMC_VAR_DIR": str(folder / "var"),
        "DATABASE_URL": f"sqlite:///{folder / 'var' / 'db.sqlite3'}",
        "WEB_CONCURRENCY": str(WORKERS),
    }


@pytest.fixture(scope="module")
def front():
    if not Path(NGINX).exists():
        pytest.skip(
            "nginx is missing and could not be installed: `make test` installs Debian's nginx as root (apt-get install nginx)"
        )
    folder = Path(tempfile.mkdtemp(prefix="umc-front-"))
    folder.chmod(0o755)  # nginx's unprivileged user reads the files under it
    try:
        ports = {"gunicorn": free_port(), "http": free_port(), "https": free_port()}
        nginx = lay_out(folder, ports)
        checked = subprocess.run([*nginx, "-t"], capture_output=True, text=True, **unprivileged())
        assert checked.returncode == 0, f"nginx refuses the shipped site:\n{checked.stderr}"
        gunicorn = [sys.executable, "-m", "gunicorn", "--config", str(DEPLOY / "gunicorn.conf.py"),
                    "--bind", f"127.0.0.1:{ports['gunicorn']}"]  # fmt: skip
        front = Front(folder, ports)
        with ExitStack() as stack:
            gunicorn_log = stack.enter_context(open(folder / "logs" / "gunicorn.log", "w"))
            nginx_log = stack.enter_context(open(folder / "logs" / "nginx.log", "w"))
            # INT: gunicorn's quick shutdown; the slow clients are gone by then.
            stack.enter_context(running(gunicorn, gunicorn_log, stop=signal.SIGINT, cwd=REPO, env=production_environment(folder)))
            stack.enter_context(running([*nginx, "-g", "daemon off;"], nginx_log, **unprivileged()))
            wait_for_ping(front, "gunicorn")
            wait_for_ping(front, "https")
            yield front
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def half_sent_posts(front, via, count):
    """`count` connections, each sending a POST's headers and the start of its JSON body, then nothing more.

    Straight to gunicorn the first middleware reads the body (a JSON body is checked for NUL characters), so
    each sync worker that takes one waits for the rest of it.
    """
    head = (
        f"POST /admin/video-uploads/start/ HTTP/1.1\r\nHost: {HOST}\r\nContent-Type: application/json\r\n"
        "Content-Length: 4096\r\n\r\n"
    ).encode()
    clients = []
    for _ in range(count):
        client = front.connect(via)
        client.sendall(head + b'{"filename": "')
        clients.append(client)
    time.sleep(0.3)  # let the server take them in
    return clients


@contextmanager
def holding(clients):
    try:
        yield
    finally:
        for client in clients:
            client.close()


def test_slow_clients_through_nginx_leave_ping_answering(front):
    with holding(half_sent_posts(front, "https", SLOW_CLIENTS)):
        for _ in range(3):
            started = time.monotonic()
            answer = front.request("/ping", timeout=ANSWER_WITHIN)
            assert (answer.status, answer.body) == (200, b"ok")
            assert time.monotonic() - started < ANSWER_WITHIN
        # nginx holds the half-sent requests itself: every gunicorn worker is free.
        assert front.request("/ping", via="gunicorn", timeout=ANSWER_WITHIN).status == 200


def test_the_same_slow_clients_straight_to_gunicorn_stop_ping(front):
    """The control: without nginx, the sync workers wait on the slow clients and /ping gets no answer."""
    with holding(half_sent_posts(front, "gunicorn", SLOW_CLIENTS)), pytest.raises(TimeoutError):
        front.request("/ping", via="gunicorn", timeout=ANSWER_WITHIN)
    wait_for_ping(front, "gunicorn", seconds=15)  # the workers come back once the clients go


def test_nginx_tells_the_application_the_scheme_and_the_readers_address(front):
    """X-Forwarded-Proto makes request.is_secure() true; the address comes from nginx, whatever the client claims."""
    claims = {"X-Real-IP": "203.0.113.7", "X-Forwarded-For": "203.0.113.7", "X-Forwarded-Proto": "http"}
    answer = front.request("/_front/seen", headers=claims)
    assert answer.status == 200, front.logs()
    assert json.loads(answer.body) == {"secure": True, "client": "127.0.0.1", "host": HOST}


def test_one_hsts_header_and_no_version(front):
    shipped = re.search(r'add_header Strict-Transport-Security "([^"]+)" always;', SITE.read_text()).group(1)
    # The application sends its own (SECURE_HSTS_SECONDS) on a secure request: nginx replaces it.
    own = front.request("/ping", via="gunicorn", headers={"X-Forwarded-Proto": "https"})
    assert [value.startswith("max-age=600") for value in own.headers.get_all("Strict-Transport-Security", [])] == [True]
    for path in ("/ping", f"/static/{HASHED_CSS}", "/media/original_images/cover.jpg", "/media/documents/salaries.pdf"):
        answer = front.request(path)
        assert answer.headers.get_all("Strict-Transport-Security") == [shipped], path
        assert answer.headers["Server"] == "nginx", path
    assert b"nginx/" not in front.request("/media/documents/salaries.pdf").body  # error pages without the version


def test_files_from_disk(front):
    hashed = front.request(f"/static/{HASHED_CSS}", headers={"Accept-Encoding": "gzip"})
    assert hashed.status == 200
    assert hashed.headers["Cache-Control"] == "max-age=315360000"
    assert hashed.headers["Content-Encoding"] == "gzip"
    unhashed = front.request("/static/css/site.css")
    assert (unhashed.status, unhashed.headers["Cache-Control"]) == (200, "max-age=3600")
    image = front.request("/media/original_images/cover.jpg")
    assert (image.status, image.headers["Cache-Control"]) == (200, "max-age=604800")
    # Documents are the application's to serve (it checks who may see them), never the file itself.
    assert front.request("/media/documents/salaries.pdf").status == 404


def test_a_video_file_the_application_hands_over_is_sent_by_nginx_with_ranges_and_never_directly(front):
    whole = bytes(range(256)) * 64
    handed = front.request("/_front/accel")
    assert (handed.status, handed.body) == (200, whole)
    part = front.request("/_front/accel", headers={"Range": "bytes=100-199"})
    assert (part.status, part.body) == (206, whole[100:200])
    assert front.request("/_video-files/" + front_urls.HANDED_OVER).status == 404  # internal: no reader reaches it


def test_plain_http_moves_to_https_except_challenges_and_health_checks(front):
    moved = front.request("/laodongmei/?page=2", via="http")
    assert (moved.status, moved.headers["Location"]) == (301, f"https://{HOST}/laodongmei/?page=2")
    challenge = front.request("/.well-known/acme-challenge/token-1", via="http")
    assert (challenge.status, challenge.body) == (200, b"token-1.proof")
    ping = front.request("/ping", via="http")
    assert (ping.status, ping.body) == (200, b"ok")


def first_answer_to_post(front, path, length):
    """nginx's first answer to a POST announcing `length` bytes: 100 (send the body) or 413 (too large)."""
    with closing(front.connect("https")) as client:
        client.sendall(
            f"POST {path} HTTP/1.1\r\nHost: {HOST}\r\nContent-Type: application/octet-stream\r\n"
            f"Content-Length: {length}\r\nExpect: 100-continue\r\n\r\n".encode()
        )
        return int(client.recv(1024).split(b" ", 2)[1])


def test_request_bodies_the_size_of_what_the_application_takes(front, settings):
    from media_center.uploads import CHUNK_BYTES

    chunk = "/admin/video-uploads/5f0c6f0e-8a4b-4c1e-9d51-3f7f2b7e1a10/chunk/?offset=0"
    assert first_answer_to_post(front, chunk, CHUNK_BYTES) == 100
    assert first_answer_to_post(front, "/admin/images/multiple/add/", settings.WAGTAILIMAGES_MAX_UPLOAD_SIZE + 64 * 1024) == 100
    assert first_answer_to_post(front, "/interest/1/", settings.DATA_UPLOAD_MAX_MEMORY_SIZE) == 100
    assert first_answer_to_post(front, "/interest/1/", CHUNK_BYTES) == 413  # only the admin takes upload-sized bodies


def test_the_environment_example_names_every_variable_production_reads():
    read = re.compile(r"""(?:environ\.get|environ\[|getenv|env_list|env_bool|required)\(?\s*["']([A-Z][A-Z0-9_]*)["']""")
    names = set()
    for settings_file in ("cms/settings/base.py", "cms/settings/production.py"):
        names |= set(read.findall((REPO / settings_file).read_text()))
    example = (DEPLOY / "environment.example").read_text()
    assert {"SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL"} <= names
    assert not {name for name in names if not re.search(rf"\b{name}\b", example)}
    assert example_environment()["DJANGO_SETTINGS_MODULE"] == "cms.settings.production"
