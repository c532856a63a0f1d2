"""Settings come from the environment; production refuses to start without its secrets."""

import os
import re
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

pytestmark = pytest.mark.once  # no database in these

REPO = Path(__file__).resolve().parents[2]
PRINT_DATABASE = "from django.conf import settings; d = settings.DATABASES['default']; print(d['ENGINE'], d['NAME'])"


def run_python(code, **env):
    clean_env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DATABASE_URL", "SECRET_KEY", "ALLOWED_HOSTS", "DJANGO_DEBUG", "UMC_VAR_DIR"}
    }
    return subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        cwd=REPO,
        env={**clean_env, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_database_url_selects_postgresql():
    result = run_python(
        PRINT_DATABASE, DJANGO_SETTINGS_MODULE="cms.settings.dev", DATABASE_URL="postgres://umc@db.internal:5432/umc"
    )
    assert result.stdout.split() == ["django.db.backends.postgresql", "umc"]


def test_without_database_url_sqlite_lives_in_the_repo():
    result = run_python(PRINT_DATABASE, DJANGO_SETTINGS_MODULE="cms.settings.dev")
    engine, name = result.stdout.split()
    assert engine == "django.db.backends.sqlite3"
    assert Path(name).parent.parent == REPO


def test_production_refuses_to_start_without_a_secret_key():
    result = run_python("", DJANGO_SETTINGS_MODULE="cms.settings.production", ALLOWED_HOSTS="news.example.cn")
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_production_reads_hosts_and_redis_from_the_environment():
    result = run_python(
        "from django.conf import settings; print(settings.ALLOWED_HOSTS, settings.CACHES['default']['BACKEND'])",
        DJANGO_SETTINGS_MODULE="cms.settings.production",
        SECRET_KEY="x" * 50,
        ALLOWED_HOSTS="news.example.cn,www.example.cn",
        REDIS_URL="redis://127.0.0.1:6379/1",
    )
    assert result.stdout.strip() == "['news.example.cn', 'www.example.cn'] core.cache_backends.ReusingRedisCache"


def test_production_counts_reads_in_the_same_redis_under_a_prefix_of_their_own():
    result = run_python(
        "from django.conf import settings; c = settings.CACHES; print(c['default']['KEY_PREFIX'], c['counting']['KEY_PREFIX'],"
        " c['counting']['LOCATION'])",
        DJANGO_SETTINGS_MODULE="cms.settings.production",
        SECRET_KEY="x" * 50,
        ALLOWED_HOSTS="news.example.cn",
        REDIS_URL="redis://127.0.0.1:6379/1",
    )
    assert result.stdout.split() == ["umc", "umc-count", "redis://127.0.0.1:6379/1"]


def test_site_speaks_chinese_on_shanghai_time():
    from django.conf import settings

    assert (settings.LANGUAGE_CODE, settings.TIME_ZONE) == ("zh-hans", "Asia/Shanghai")


def test_development_makes_a_secret_key_of_its_own_and_keeps_it(tmp_path):
    print_key = "from django.conf import settings; print(settings.SECRET_KEY)"
    first = run_python(print_key, DJANGO_SETTINGS_MODULE="cms.settings.dev", UMC_VAR_DIR=str(tmp_path))
    again = run_python(print_key, DJANGO_SETTINGS_MODULE="cms.settings.dev", UMC_VAR_DIR=str(tmp_path))
    elsewhere = run_python(print_key, DJANGO_SETTINGS_MODULE="cms.settings.dev", UMC_VAR_DIR=str(tmp_path / "other"))
    key = first.stdout.strip()
    assert len(key) >= 50 and key == again.stdout.strip() != elsewhere.stdout.strip()
    assert key not in (REPO / "cms" / "settings" / "dev.py").read_text()
    assert (tmp_path / "secret-key.txt").stat().st_mode & 0o077 == 0


def test_development_makes_an_encryption_key_of_its_own_and_keeps_it(tmp_path):
    print_keys = "from django.conf import settings; print(settings.FIELD_ENCRYPTION_KEYS[0])"
    first = run_python(print_keys, DJANGO_SETTINGS_MODULE="cms.settings.dev", UMC_VAR_DIR=str(tmp_path))
    again = run_python(print_keys, DJANGO_SETTINGS_MODULE="cms.settings.dev", UMC_VAR_DIR=str(tmp_path))
    key = first.stdout.strip()
    assert len(key) == 44 and key == again.stdout.strip()
    assert (tmp_path / "field-encryption-key.txt").stat().st_mode & 0o077 == 0


def test_development_settings_hold_no_fixed_secret_key():
    assert "SECRET_KEY = " not in (REPO / "cms" / "settings" / "dev.py").read_text().replace(
        'SECRET_KEY = os.environ.get("SECRET_KEY") or installation_secret_key', ""
    )


def test_development_runs_without_debug_unless_asked_for(tmp_path):
    print_debug = "from django.conf import settings; print(settings.DEBUG)"
    plain = run_python(print_debug, DJANGO_SETTINGS_MODULE="cms.settings.dev", UMC_VAR_DIR=str(tmp_path))
    asked = run_python(print_debug, DJANGO_SETTINGS_MODULE="cms.settings.dev", UMC_VAR_DIR=str(tmp_path), DJANGO_DEBUG="1")
    assert (plain.stdout.strip(), asked.stdout.strip()) == ("False", "True")


RESOLVE_MEDIA = """from django.urls import Resolver404, resolve
try:
    print(resolve("/media/images/cover.jpg").func.__module__)
except Resolver404:
    print("not served")"""


def test_uploaded_media_is_served_by_the_app_in_development_without_debug_and_never_in_production(tmp_path):
    development = run_python(
        f"from django.conf import settings; print(settings.DEBUG)\n{RESOLVE_MEDIA}",
        DJANGO_SETTINGS_MODULE="cms.settings.dev",
        UMC_VAR_DIR=str(tmp_path),
    )
    production = run_python(
        RESOLVE_MEDIA,
        DJANGO_SETTINGS_MODULE="cms.settings.production",
        SECRET_KEY="x" * 50,
        ALLOWED_HOSTS="news.example.cn",
        UMC_VAR_DIR=str(tmp_path),
        DJANGO_DEBUG="1",
    )
    assert development.stdout.split() == ["False", "django.views.static"]
    assert production.stdout.strip() == "not served"


def test_development_serves_static_files_without_debug_or_collectstatic(tmp_path):
    result = run_python(
        "from django.conf import settings; from django.test import Client; print(settings.DEBUG, Client().get('/static/css/site.css').status_code)",
        DJANGO_SETTINGS_MODULE="cms.settings.dev",
        UMC_VAR_DIR=str(tmp_path),
    )
    assert result.stdout.split() == ["False", "200"], result.stderr[-2000:]


def test_log_lines_carry_shanghai_time_with_its_offset_whatever_the_machines_zone(tmp_path):
    result = run_python(
        "import logging; logging.getLogger('umc').warning('你好')",
        DJANGO_SETTINGS_MODULE="cms.settings.dev",
        UMC_VAR_DIR=str(tmp_path),
        TZ="UTC",
    )
    stamp = re.match(r"(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3} \+0800) WARNING umc: 你好$", result.stderr.strip())
    assert stamp, result.stderr
    logged = datetime.strptime(stamp.group(1), "%Y-%m-%d %H:%M:%S.%f %z")
    assert abs((datetime.now(UTC) - logged).total_seconds()) < 60


def test_development_writes_mail_into_var_instead_of_needing_a_mail_server(tmp_path):
    result = run_python(
        "from django.core.mail import send_mail; send_mail('审核提醒', '请审核', 'cms@example.cn', ['li@example.cn'])",
        DJANGO_SETTINGS_MODULE="cms.settings.dev",
        UMC_VAR_DIR=str(tmp_path),
    )
    assert result.returncode == 0, result.stderr
    assert "li@example.cn" in "".join(path.read_text() for path in (tmp_path / "mail").iterdir())


PRINT_MAIL = (
    "from django.conf import settings as s; print(s.EMAIL_HOST, s.EMAIL_PORT, s.EMAIL_HOST_USER, s.EMAIL_HOST_PASSWORD,"
    " s.EMAIL_USE_TLS, s.EMAIL_USE_SSL, s.DEFAULT_FROM_EMAIL)"
)
PRODUCTION = {"DJANGO_SETTINGS_MODULE": "cms.settings.production", "SECRET_KEY": "x" * 50, "ALLOWED_HOSTS": "news.example.cn"}


def test_production_takes_its_mail_server_from_one_email_url():
    result = run_python(
        PRINT_MAIL,
        **PRODUCTION,
        EMAIL_URL="smtps://notice%40example.cn:p%40ss@smtp.example.cn",
        DEFAULT_FROM_EMAIL="notice@example.cn",
    )
    assert result.stdout.split() == ["smtp.example.cn", "465", "notice@example.cn", "p@ss", "False", "True", "notice@example.cn"]


def test_production_takes_its_mail_server_from_the_email_variables():
    result = run_python(
        PRINT_MAIL,
        **PRODUCTION,
        EMAIL_HOST="smtp.example.cn",
        EMAIL_PORT="587",
        EMAIL_HOST_USER="notice",
        EMAIL_HOST_PASSWORD="secret",
        EMAIL_USE_TLS="true",
        DEFAULT_FROM_EMAIL="notice@example.cn",
    )
    assert result.stdout.split() == ["smtp.example.cn", "587", "notice", "secret", "True", "False", "notice@example.cn"]


def test_an_email_url_starts_tls_when_asked_and_refuses_other_schemes():
    from cms.settings.base import smtp_from_url

    assert smtp_from_url("smtp://mail.example.cn:587?tls=true")["EMAIL_USE_TLS"] is True
    with pytest.raises(ValueError):
        smtp_from_url("https://mail.example.cn")
