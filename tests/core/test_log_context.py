"""Log lines in production: one JSON object per line, with the request's id on every line of a request
and the video job's or the distribution's id on every line of a job (core/log_context.py, cms/log.py)."""

import contextvars
import io
import json
import logging
import re
import threading
from logging.config import DictConfigurator
from types import MappingProxyType

import pytest
from django.http import HttpResponse
from django.test import Client
from django.urls import path

from cms.log import ZonedFormatter, ZonedJsonFormatter
from cms.settings.base import logging_config
from core import log_context
from core.log_context import ContextFilter

logger = logging.getLogger("umc.tests")
NEW_ID = re.compile(r"[0-9a-f]{32}")


def say(request):
    logger.warning("页面 %s 开始", request.path)
    return HttpResponse("ok")


both_inside = threading.Barrier(2, timeout=10)


def wait_for_the_other(request):
    logger.warning("第一行")
    both_inside.wait()  # both requests are being served at once, each in its own thread
    logger.warning("第二行")
    return HttpResponse("ok")


def gone(request):
    return HttpResponse("已删除", status=410)


urlpatterns = [path("say", say), path("together", wait_for_the_other), path("gone", gone)]


class Captured:
    """Log lines as production writes them: the JSON formatter and the context filter of the settings."""

    def __init__(self, formatter):
        self.stream = io.StringIO()
        self.handler = logging.StreamHandler(self.stream)
        self.handler.setFormatter(formatter)
        self.handler.addFilter(ContextFilter())

    @property
    def text(self):
        return self.stream.getvalue()

    @property
    def records(self):
        """Each line parsed on its own: any line that is not one JSON object fails here."""
        return [json.loads(line) for line in self.text.split("\n") if line]

    def of(self, logger_name):
        return [record for record in self.records if record["logger"] == logger_name]


def formatter_of(log_format):
    """The formatter the settings' LOGGING makes for `log_format`, made the way logging.config makes it."""
    config = logging_config(log_format)
    formatter = DictConfigurator(config).configure_formatter(dict(config["formatters"][log_format]))
    assert type(formatter) is {"json": ZonedJsonFormatter, "text": ZonedFormatter}[log_format]
    return formatter


@pytest.fixture(autouse=True)
def nothing_bound_yet():
    """Each test starts with no ids bound: a test client's response that is never closed (a stream not read)
    leaves its request's id bound in this thread, as no WSGI server would."""
    token = log_context._ids.set(MappingProxyType({}))
    yield
    log_context._ids.reset(token)


@pytest.fixture
def json_log():
    captured = Captured(formatter_of("json"))
    root = logging.getLogger()
    root.addHandler(captured.handler)
    try:
        yield captured
    finally:
        root.removeHandler(captured.handler)


@pytest.mark.urls(__name__)
def test_every_line_of_a_request_carries_its_id_and_the_response_says_it(client, json_log):
    response = client.get("/say")
    request_id = response["X-Request-ID"]
    assert NEW_ID.fullmatch(request_id)
    (line,) = json_log.of("umc.tests")
    assert line["message"] == "页面 /say 开始" and line["request_id"] == request_id
    assert set(line) >= {"time", "level", "logger", "message", "request_id"} and line["level"] == "WARNING"
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+08:00", line["time"])


@pytest.mark.urls(__name__)
def test_djangos_own_line_for_an_error_answer_carries_the_id_too(client, json_log):
    """django.request logs a 4xx answer after the whole middleware chain has returned."""
    response = client.get("/gone")
    (line,) = json_log.of("django.request")
    assert response.status_code == 410 and line["request_id"] == response["X-Request-ID"]
    assert line["status_code"] == 410 and "request" not in line


@pytest.mark.urls(__name__)
def test_the_id_a_proxy_sends_is_kept(client, json_log):
    response = client.get("/say", HTTP_X_REQUEST_ID="5f0c2a9e-nginx-0001")
    assert response["X-Request-ID"] == "5f0c2a9e-nginx-0001"
    assert json_log.of("umc.tests")[0]["request_id"] == "5f0c2a9e-nginx-0001"


@pytest.mark.urls(__name__)
@pytest.mark.parametrize(
    "hostile",
    ["abc\ndef", "abc\r\nSet-Cookie: x=1", "a" * 500, "a" * 65, "<script>", "id with spaces", "编号", "../../etc", ""],
)
def test_a_hostile_request_id_is_replaced_by_a_new_one(client, json_log, hostile):
    response = client.get("/say", HTTP_X_REQUEST_ID=hostile)
    assert NEW_ID.fullmatch(response["X-Request-ID"])
    assert json_log.of("umc.tests")[0]["request_id"] == response["X-Request-ID"]


@pytest.mark.urls(__name__)
def test_a_line_logged_after_the_request_carries_no_id(client, json_log):
    def serve_then_log():  # in a context of its own, as a server thread's: no test before leaves an id in it
        client.get("/say")
        logger.warning("请求之后")
        return log_context.current()

    assert contextvars.Context().run(serve_then_log) == {}
    assert "request_id" not in json_log.of("umc.tests")[-1]


@pytest.mark.urls(__name__)
def test_two_requests_served_at_once_never_mix_their_ids(settings, json_log):
    settings.MIDDLEWARE = ["core.log_context.RequestIdMiddleware"]  # no database in these threads
    answers = {}

    def fetch(name):
        answers[name] = Client().get("/together")["X-Request-ID"]

    threads = [threading.Thread(target=fetch, args=(name,)) for name in ("甲", "乙")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=20)
    lines = json_log.of("umc.tests")
    assert len(answers) == 2 and answers["甲"] != answers["乙"]
    assert len(lines) == 4
    for request_id in answers.values():
        assert [line["message"] for line in lines if line["request_id"] == request_id] == ["第一行", "第二行"]


def test_each_line_is_one_json_object_with_chinese_written_as_it_is(json_log):
    try:
        raise ValueError("转码失败\n第二行")
    except ValueError:
        logger.exception("视频 %s 出错：\n%s", 7, "多行\r\n说明")
    lines = json_log.text.split("\n")
    assert len(lines) == 2 and lines[1] == ""  # one line, whatever the message and the traceback hold
    (record,) = json_log.records
    assert record["message"] == "视频 7 出错：\n多行\r\n说明"
    assert "ValueError: 转码失败" in record["exc_info"]
    assert "视频 7 出错" in lines[0] and "\\u" not in lines[0]  # UTF-8, never \u escapes


def test_bound_ids_nest_and_leave_with_their_block(json_log):
    with log_context.bind(video_id=7):
        with log_context.bind(job_id=31, distribution_id=None):
            logger.warning("内层")
        logger.warning("外层")
    logger.warning("之后")
    inner, outer, after = json_log.records
    assert (inner["video_id"], inner["job_id"], "distribution_id" in inner) == (7, 31, False)
    assert outer["video_id"] == 7 and "job_id" not in outer
    assert "video_id" not in after


def test_an_id_given_with_extra_is_not_overwritten(json_log):
    with log_context.bind(video_id=7):
        logger.warning("另一个视频", extra={"video_id": 8})
    assert json_log.records[0]["video_id"] == 8


def test_text_lines_show_the_bound_ids_after_the_message():
    captured = Captured(formatter_of("text"))
    logger.addHandler(captured.handler)
    try:
        with log_context.bind(video_id=7, job_id=31):
            logger.warning("转码开始")
        logger.warning("没有编号")
    finally:
        logger.removeHandler(captured.handler)
    first, second = captured.text.splitlines()
    assert first.endswith("WARNING umc.tests: 转码开始 [video_id=7 job_id=31]")
    assert second.endswith("WARNING umc.tests: 没有编号")


@pytest.mark.django_db
def test_every_line_of_a_video_job_carries_the_job_and_its_video(json_log, monkeypatch, isolated_video_storage):
    from media_center import pipeline, steps
    from media_center.models import Video, VideoJob

    video = Video.objects.create(title="职工运动会录像", status=Video.Status.TRANSCODING)
    job = VideoJob.objects.create(video=video, kind=VideoJob.Kind.PREPARE, index=0)

    def prepare(job, work_dir, report, cancelled):
        logging.getLogger("media_center.ffmpeg").info("切片 %s", work_dir.name)

    monkeypatch.setitem(steps.HANDLERS, VideoJob.Kind.PREPARE, prepare)
    pipeline.run_job(job.pk)
    logger.info("任务之后")
    during, after = json_log.records
    assert (during["message"], during["video_id"], during["job_id"]) == ("切片 prepare-0", video.pk, job.pk)
    assert "video_id" not in after and "job_id" not in after


@pytest.mark.django_db
def test_a_failing_video_jobs_own_line_carries_its_ids(json_log, monkeypatch, isolated_video_storage, settings):
    from media_center import pipeline, steps
    from media_center.models import Video, VideoJob

    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend", "QUEUES": ["default", "video"]}}
    video = Video.objects.create(title="坏文件", status=Video.Status.TRANSCODING)
    job = VideoJob.objects.create(video=video, kind=VideoJob.Kind.PREPARE, index=0)

    def broken(*args):
        raise OSError("磁盘已满")

    monkeypatch.setitem(steps.HANDLERS, VideoJob.Kind.PREPARE, broken)
    pipeline.run_job(job.pk)
    (line,) = json_log.of("media_center.pipeline")
    assert (line["video_id"], line["job_id"]) == (video.pk, job.pk) and "磁盘已满" in line["exc_info"]


def test_every_line_of_a_distribution_carries_its_id(json_log, monkeypatch):
    from distribution import runner

    def claim(distribution_id):
        logging.getLogger("distribution.douyin_steps").info("领取")

    monkeypatch.setattr(runner, "claim", claim)
    runner.run(42)
    (line,) = json_log.records
    assert line["distribution_id"] == 42


def test_every_line_of_a_scheduled_job_carries_its_name(json_log, monkeypatch):
    from core import scheduler

    def purge():
        logger.info("清理")
        raise RuntimeError("坏了")

    monkeypatch.setattr(scheduler, "jobs", {})
    scheduler.register("purge_something", purge)
    scheduler.run_jobs()
    assert [line["scheduled_job"] for line in json_log.records] == ["purge_something", "purge_something"]
