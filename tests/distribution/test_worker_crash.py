"""A worker SIGKILLed after the upload, after create_video was sent, and while asking for the status:
the next worker takes the row over and the clip is posted once."""

import signal
import time

import pytest

from distribution import runner
from distribution.models import Distribution
from distribution.publishing import distribute
from tests import workers
from tests.distribution import douyin_standin as standin
from tests.workers import wait_for

STALE_SECONDS = 2
HELD_SECONDS = 30  # the stand-in holds its reply this long: the worker is killed while it waits
Status = Distribution.Status


@pytest.fixture
def tasks_in_database(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default", "video"]}}
    settings.DISTRIBUTION_STALE_SECONDS = STALE_SECONDS


@pytest.fixture
def worker(tmp_path, isolated_video_storage, douyin, tasks_in_database):
    started = []

    def start(name):
        process = workers.start_worker(
            tmp_path, name, "default",
            VIDEO_ROOT=isolated_video_storage / "private", DOUYIN_BASE_URL=douyin.base_url,
            DISTRIBUTION_STALE_SECONDS=STALE_SECONDS,
        )  # fmt: skip
        started.append(process)
        return process

    yield start
    for process in started:
        if process.poll() is None:
            process.kill()
            process.wait(timeout=10)


def kill_when(process, condition, what):
    wait_for(condition, 60, what)
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=10)


def take_over(row, worker):
    """After the dead worker's silence the scheduler queues the row again, and a new worker runs it."""
    time.sleep(STALE_SECONDS + 0.5)
    assert runner.enqueue_due()
    return worker("worker-b")


def items_of(douyin):
    return list(douyin.state.items.values())


@pytest.mark.django_db(transaction=True)
def test_killed_after_the_upload_the_clip_is_uploaded_again_and_posted_once(worker, approved_clip, douyin_account, douyin):
    douyin.state.fail("upload_video", standin.SLOW, delay=HELD_SECONDS)  # stored, then the reply is held
    row = distribute(approved_clip, douyin_account)[0]
    kill_when(worker("worker-a"), lambda: douyin.state.videos, "the upload to be stored")
    take_over(row, worker)
    wait_for(lambda: Distribution.objects.get(pk=row.pk).status == Status.UNDER_REVIEW, 60, "the post")
    assert len(douyin.state.requests_to("upload_video")) == 2 and len(items_of(douyin)) == 1


@pytest.mark.django_db(transaction=True)
def test_killed_after_create_was_sent_the_post_is_found_not_made_again(worker, approved_clip, douyin_account, douyin):
    douyin.state.fail("create_video", standin.SLOW, delay=HELD_SECONDS)  # posted, then the reply is held
    row = distribute(approved_clip, douyin_account)[0]
    kill_when(worker("worker-a"), lambda: douyin.state.items, "the post to be made")
    assert Distribution.objects.get(pk=row.pk).create_started_at is not None
    douyin.state.publish(items_of(douyin)[0].item_id)  # listed: the account's list shows it
    take_over(row, worker)
    wait_for(lambda: Distribution.objects.get(pk=row.pk).item_id, 60, "the post to be found")
    assert len(items_of(douyin)) == 1 and len(douyin.state.requests_to("create_video")) == 1
    assert Distribution.objects.get(pk=row.pk).item_id == items_of(douyin)[0].item_id


@pytest.mark.django_db(transaction=True)
def test_killed_while_asking_the_status_the_next_worker_asks_again(worker, approved_clip, douyin_account, douyin):
    row = distribute(approved_clip, douyin_account)[0]
    first = worker("worker-a")
    wait_for(lambda: Distribution.objects.get(pk=row.pk).status == Status.UNDER_REVIEW, 60, "the post")
    douyin.state.publish(items_of(douyin)[0].item_id)
    douyin.state.fail("video_data", standin.SLOW, delay=HELD_SECONDS)
    Distribution.objects.filter(pk=row.pk).update(next_try_at=None)
    asked = len(douyin.state.requests_to("video_data"))
    runner.enqueue_due()  # nothing due yet
    Distribution.objects.filter(pk=row.pk).update(next_try_at=runner.timezone.now())
    runner.enqueue_due()
    kill_when(first, lambda: len(douyin.state.requests_to("video_data")) > asked, "the status to be asked")
    take_over(row, worker)
    wait_for(lambda: Distribution.objects.get(pk=row.pk).status == Status.PUBLISHED, 60, "the publication to be seen")
    assert len(items_of(douyin)) == 1
