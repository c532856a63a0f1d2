"""Production settings with everything an operator sets: `check --deploy` is clean, HTTPS is required
except for the probes, Django's own admin is nowhere, logs are JSON lines kept six months."""

import json
import os
import re
import secrets
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from cryptography.fernet import Fernet

from tests.private_services import free_port

pytestmark = pytest.mark.once  # no database in these

REPO = Path(__file__).resolve().parents[2]
# What the operator's environment, or another test (DJANGO_ALLOW_ASYNC_UNSAFE), may hold that these runs must not inherit.
OWN_VARIABLES = re.compile(
    r"(DATABASE_URL|SECRET_KEY|ALLOWED_HOSTS|DJANGO_.*|UMC_VAR_DIR|REDIS_URL|S3_.*|LOG_FORMAT|SECURE_.*|LOGIN_.*)$"
)


@pytest.fixture
def production(tmp_path):
    """A complete production environment with made-up values: nothing here is ever connected to."""
    return {
        **{name: value for name, value in os.environ.items() if not OWN_VARIABLES.match(name)},
        "DJANGO_SETTINGS_MODULE": "cms.settings.production",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "news.example.cn",
        "CSRF_TRUSTED_ORIGINS": "https://news.example.cn",
        "SITE_URL": "https://news.example.cn",
        "WAGTAILADMIN_BASE_URL": "https://news.example.cn",
        "DATABASE_URL": "postgres://umc:not-a-password@127.0.0.1:5432/umc",
        "REDIS_URL": "redis://127.0.0.1:6379/0",
        "S3_BUCKET": "umc-media",
        "S3_ENDPOINT_URL": "http://127.0.0.1:8333",
        "S3_ACCESS_KEY_ID": "umc",
        "S3_SECRET_ACCESS_KEY": "not-a-secret",
        "FIELD_ENCRYPTION_KEYS": Fernet.generate_key().decode(),
        "EMAIL_URL": "smtps://notice%40example.cn:not-a-password@smtp.example.cn",
        "DEFAULT_FROM_EMAIL": "notice@example.cn",
        "CLIENT_ADDRESS_HEADER": "X-Real-IP",
        "UMC_VAR_DIR": str(tmp_path),
        "TZ": "UTC",
    }


def run(env, *arguments, code=None):
    command = [sys.executable, "manage.py", *arguments] if code is None else [sys.executable, "-c", code]
    return subprocess.run(command, cwd=REPO, env=env, capture_output=True, text=True, timeout=120)


def test_check_deploy_reports_nothing_with_a_complete_environment(production):
    result = run(production, "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout, result.stdout + result.stderr


SECURITY = """import django; django.setup()
from django.conf import settings
from django.http import HttpResponse
from django.middleware.security import SecurityMiddleware
from django.test import RequestFactory
security = SecurityMiddleware(lambda request: HttpResponse("ok"))
for path, scheme in (("/ping", "http"), ("/healthz", "http"), ("/admin/", "http"), ("/", "https")):
    headers = {"HTTP_X_FORWARDED_PROTO": scheme, "HTTP_HOST": "news.example.cn"}
    response = security(RequestFactory().get(path, **headers))
    print(path, scheme, response.status_code, response.get("Location", "-"), response.get("Strict-Transport-Security", "-"))
"""


def test_plain_http_is_sent_to_https_except_the_probes_and_https_is_made_strict(production):
    result = run(production, code=SECURITY)
    assert result.stdout.splitlines() == [
        "/ping http 200 - -",
        "/healthz http 200 - -",
        "/admin/ http 301 https://news.example.cn/admin/ -",
        "/ https 200 - max-age=31536000; includeSubDomains",
    ], result.stderr


def test_hsts_and_the_redirect_are_the_operators_to_change(production):
    result = run(
        {**production, "SECURE_HSTS_SECONDS": "600", "SECURE_HSTS_INCLUDE_SUBDOMAINS": "false", "SECURE_HSTS_PRELOAD": "true",
         "SECURE_SSL_REDIRECT": "false"},
        code=SECURITY,
    )  # fmt: skip
    assert result.stdout.splitlines()[2:] == ["/admin/ http 200 - -", "/ https 200 - max-age=600; preload"], result.stderr


def test_djangos_own_admin_is_not_routed(production):
    result = run(
        production,
        code="import django; django.setup()\n"
        "from django.urls import NoReverseMatch, resolve, reverse\n"
        "try:\n    reverse('admin:index')\nexcept NoReverseMatch:\n    print('no admin')\n"
        "print(resolve('/django-admin/').func.__module__)",
    )
    assert result.stdout.split() == ["no", "admin", "wagtail.views"], result.stderr


LOG_A_LINE = """import django, logging; django.setup()
from core import log_context
with log_context.bind(video_id=7, job_id=31):
    logging.getLogger("media_center.pipeline").warning("转码完成：%s", "第一段")
"""


def test_production_writes_one_json_object_per_line_in_shanghai_time(production):
    result = run(production, code=LOG_A_LINE)
    (line,) = result.stderr.splitlines()
    record = json.loads(line)
    assert record == {
        "time": record["time"],
        "level": "WARNING",
        "logger": "media_center.pipeline",
        "message": "转码完成：第一段",
        "video_id": 7,
        "job_id": 31,
    }
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+08:00", record["time"])


def test_production_can_write_text_and_refuses_an_unknown_format(production):
    text = run({**production, "LOG_FORMAT": "text"}, code=LOG_A_LINE)
    assert re.fullmatch(
        r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3} \+0800 WARNING media_center.pipeline: 转码完成：第一段 \[video_id=7 job_id=31\]",
        text.stderr.strip(),
    ), text.stderr
    unknown = run({**production, "LOG_FORMAT": "xml"}, code=LOG_A_LINE)
    assert unknown.returncode != 0 and "LOG_FORMAT" in unknown.stderr


def test_the_logs_are_kept_more_than_six_months():
    """China's Cybersecurity Law (§21): network logs kept no less than six months."""
    journald = (REPO / "deploy" / "journald" / "union-media-center.conf").read_text()
    days = int(re.search(r"^MaxRetentionSec=(\d+)d$", journald, re.MULTILINE).group(1))
    assert days >= 183 and re.search(r"^Storage=persistent$", journald, re.MULTILINE)
    logrotate = (REPO / "deploy" / "logrotate" / "union-media-center").read_text()
    assert re.search(r"^\s+daily$", logrotate, re.MULTILINE)
    assert int(re.search(r"^\s+rotate (\d+)$", logrotate, re.MULTILINE).group(1)) >= 183


def test_under_gunicorn_every_line_is_json_and_a_requests_lines_carry_its_id(production, tmp_path):
    """gunicorn's own lines too, with the shipped deploy/gunicorn.conf.py: two requests, then gunicorn stopped."""
    port = free_port()
    env = {name: value for name, value in production.items() if name not in {"DATABASE_URL", "REDIS_URL", "S3_BUCKET"}}
    env["ALLOWED_HOSTS"] = "127.0.0.1"
    output = tmp_path / "gunicorn.log"

    def get(host, request_id):
        request = urllib.request.Request(f"http://127.0.0.1:{port}/ping", headers={"Host": host, "X-Request-ID": request_id})
        try:
            return urllib.request.urlopen(request, timeout=5)
        except urllib.error.HTTPError as answer:
            return answer

    with output.open("w") as sink:
        server = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "cms.wsgi", "-c", "deploy/gunicorn.conf.py", "--bind", f"127.0.0.1:{port}",
             "--workers", "1", "--no-control-socket"],
            cwd=REPO, env=env, stdout=sink, stderr=subprocess.STDOUT,
        )  # fmt: skip
        try:
            answer = None
            deadline = time.monotonic() + 60
            while answer is None and time.monotonic() < deadline:
                try:
                    answer = get("127.0.0.1", "nginx-5f0c2a9e")
                except OSError:  # not listening yet
                    time.sleep(0.3)
            assert answer is not None and answer.status == 200 and answer.headers["X-Request-ID"] == "nginx-5f0c2a9e"
            refused = get("elsewhere.example.com", "nginx-6a1d3b0f")  # a host not allowed: Django logs it
            assert refused.status == 400
        finally:
            server.terminate()
            server.wait(timeout=30)
    records = [json.loads(line) for line in output.read_text().splitlines()]  # every line is one JSON object
    assert any(record["logger"] == "gunicorn.error" and "Listening at" in record["message"] for record in records)
    (refusal,) = [record for record in records if record["logger"] == "django.security.DisallowedHost"]
    assert refusal["request_id"] == "nginx-6a1d3b0f" and refusal["level"] == "ERROR"
    assert not [record for record in records if record["logger"] == "gunicorn.access"]
