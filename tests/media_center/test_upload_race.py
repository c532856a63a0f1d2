"""Real concurrent HTTP requests against a live server: overlapping chunks and parallel completes of one upload."""

import hashlib
import http.client
import json
import os
import threading
import time
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.test import Client

from columns.roles import assign_roles
from media_center import storage
from media_center.models import Video
from media_center.uploads import CHUNK_BYTES
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

CSRF_TOKEN = "racetest" * 4  # any 32 letters do as the cookie's secret when the header repeats it
HALF = CHUNK_BYTES // 2
SIZE = 20 * 1024 * 1024


class Site:
    """Raw HTTP to the live server as a logged-in video staff member, one connection per request, so a
    body can be sent at the test's own pace while other requests come and go."""

    def __init__(self, url, session):
        address = urlsplit(url)
        self.host, self.port = address.hostname, address.port
        self.headers = {"Cookie": f"{settings.SESSION_COOKIE_NAME}={session}; csrftoken={CSRF_TOKEN}", "X-CSRFToken": CSRF_TOKEN}

    def begin(self, path, length, content_type="application/octet-stream"):
        """Send a POST's headers; the body follows with `send` on the connection returned."""
        connection = http.client.HTTPConnection(self.host, self.port, timeout=60)
        connection.putrequest("POST", path)
        for name, value in {**self.headers, "Content-Type": content_type, "Content-Length": str(length)}.items():
            connection.putheader(name, value)
        connection.endheaders()
        return connection

    def post(self, path, body, content_type="application/octet-stream"):
        connection = self.begin(path, len(body), content_type)
        connection.send(body)
        return answer(connection)

    def start(self, data):
        status, state = self.post(
            "/admin/video-uploads/start/", json.dumps({"filename": "直播.mp4", "size": len(data)}).encode(), "application/json"
        )
        assert status == 200, state
        return state

    def complete(self, state):
        return self.post(state["complete_url"], b"{}", "application/json")


def answer(connection):
    response = connection.getresponse()
    try:
        body = response.read()
    finally:
        connection.close()
    return response.status, json.loads(body) if response.getheader("Content-Type") == "application/json" else body[:300]


def chunk_url(state, offset):
    return f"{state['chunk_url']}?offset={offset}"


def send_from(site, state, data, offset):
    """What the browser does: send from where the server stands, following each answer."""
    while offset < len(data):
        status, reply = site.post(chunk_url(state, offset), data[offset : offset + CHUNK_BYTES])
        assert status in (200, 409), reply
        offset = reply["received"]


def stored_sha256(video_id):
    return hashlib.sha256(storage.local_path_of(Video.objects.get(pk=video_id).source).read_bytes()).hexdigest()


def at_once(count, call):
    """`call()` from `count` threads released together; their results."""
    barrier = threading.Barrier(count)
    results = []

    def run():
        barrier.wait()
        results.append(call())

    threads = [threading.Thread(target=run) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results


@pytest.fixture
def site(live_server, site_after_flush, tasks_held):
    user = UserFactory(username="shipin")
    assign_roles(user, ["视频"])
    client = Client()
    client.force_login(user)
    return Site(live_server.url, client.cookies[settings.SESSION_COOKIE_NAME].value)


@pytest.fixture(scope="module")
def data():
    return os.urandom(SIZE)


def test_a_slow_chunk_overtaken_by_its_retry_and_the_next_chunk_leaves_the_file_intact(site, data):
    state = site.start(data)
    slow = site.begin(chunk_url(state, 0), CHUNK_BYTES)
    slow.send(data[:HALF])
    time.sleep(0.5)  # the server is reading it, and waits for the rest
    assert site.post(chunk_url(state, 0), data[:CHUNK_BYTES]) == (200, {"received": CHUNK_BYTES})  # its retry
    following = site.begin(chunk_url(state, CHUNK_BYTES), CHUNK_BYTES)
    following.send(data[CHUNK_BYTES : CHUNK_BYTES + HALF])
    time.sleep(0.5)

    slow.send(data[HALF:CHUNK_BYTES])
    status, reply = answer(slow)
    assert status == 409 and reply["received"] == CHUNK_BYTES, "the slow copy is told where the server stands"
    following.send(data[CHUNK_BYTES + HALF : 2 * CHUNK_BYTES])
    assert answer(following) == (200, {"received": 2 * CHUNK_BYTES})
    send_from(site, state, data, 2 * CHUNK_BYTES)
    status, done = site.complete(state)

    assert status == 200, done
    assert stored_sha256(done["video"]) == hashlib.sha256(data).hexdigest()


def test_copies_of_one_chunk_sent_at_the_same_moment_are_stored_once(site, data):
    state = site.start(data)
    replies = at_once(4, lambda: site.post(chunk_url(state, 0), data[:CHUNK_BYTES]))

    assert sorted(status for status, _ in replies) == [200, 409, 409, 409]
    assert {reply["received"] for _, reply in replies} == {CHUNK_BYTES}
    send_from(site, state, data, CHUNK_BYTES)
    status, done = site.complete(state)
    assert status == 200, done
    assert stored_sha256(done["video"]) == hashlib.sha256(data).hexdigest()


def test_parallel_completes_return_the_same_video(site, data):
    state = site.start(data)
    send_from(site, state, data, 0)
    replies = at_once(4, lambda: site.complete(state))

    assert [status for status, _ in replies] == [200] * 4, replies
    assert len({reply["video"] for _, reply in replies}) == 1
    assert Video.objects.count() == 1
