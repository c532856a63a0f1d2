"""Settings shared by every environment. Anything secret or host-specific comes from the environment."""

import os
from datetime import timedelta
from pathlib import Path
from urllib.parse import parse_qsl, unquote, urlsplit

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(os.environ.get("UMC_VAR_DIR", BASE_DIR / "var"))
VAR_DIR.mkdir(parents=True, exist_ok=True)  # the SQLite file, local media and scratch space live here


def env_list(name, default=""):
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


TRUE_WORDS = {"1", "true", "yes", "on"}


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in TRUE_WORDS


def smtp_settings():
    """Django's EMAIL_* settings for an SMTP server: from EMAIL_URL when set, else from the variables of those names."""
    if os.environ.get("EMAIL_URL"):
        return smtp_from_url(os.environ["EMAIL_URL"])
    return {
        "EMAIL_HOST": os.environ.get("EMAIL_HOST", "localhost"),
        "EMAIL_PORT": int(os.environ.get("EMAIL_PORT", "25")),
        "EMAIL_HOST_USER": os.environ.get("EMAIL_HOST_USER", ""),
        "EMAIL_HOST_PASSWORD": os.environ.get("EMAIL_HOST_PASSWORD", ""),
        "EMAIL_USE_TLS": env_bool("EMAIL_USE_TLS"),
        "EMAIL_USE_SSL": env_bool("EMAIL_USE_SSL"),
    }


def smtp_from_url(url):
    """smtp://user:password@host:587?tls=true (STARTTLS) or smtps://user:password@host (TLS from the start, port 465).

    User and password are percent-encoded in the URL (an @ in a password is %40).
    """
    parts = urlsplit(url)
    if parts.scheme not in {"smtp", "smtps"} or not parts.hostname:
        raise ValueError("EMAIL_URL 应形如 smtp://用户名:密码@主机:587?tls=true 或 smtps://用户名:密码@主机:465")
    options = {key: value.strip().lower() in TRUE_WORDS for key, value in parse_qsl(parts.query)}
    ssl = parts.scheme == "smtps" or options.get("ssl", False)
    return {
        "EMAIL_HOST": parts.hostname,
        "EMAIL_PORT": parts.port or (465 if ssl else 25),
        "EMAIL_HOST_USER": unquote(parts.username or ""),
        "EMAIL_HOST_PASSWORD": unquote(parts.password or ""),
        "EMAIL_USE_TLS": options.get("tls", False) and not ssl,
        "EMAIL_USE_SSL": ssl,
    }


def s3_storages():
    """Media and videos in S3-compatible object storage, from S3_* variables. Private: URLs are presigned."""
    common = {
        "endpoint_url": os.environ.get("S3_ENDPOINT_URL") or None,
        "region_name": os.environ.get("S3_REGION", "us-east-1"),
        "access_key": os.environ["S3_ACCESS_KEY_ID"],
        "secret_key": os.environ["S3_SECRET_ACCESS_KEY"],
        "addressing_style": os.environ.get("S3_ADDRESSING_STYLE", "path"),
        "signature_version": "s3v4",
        "default_acl": None,
        "querystring_auth": True,
        "querystring_expire": VIDEO_SIGNED_URL_SECONDS,  # a video's own URLs may last longer (playback.lifetime)
    }
    return {
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {**common, "bucket_name": os.environ["S3_BUCKET"], "file_overwrite": False},
        },
        "videos": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                **common,
                "bucket_name": os.environ.get("S3_VIDEO_BUCKET") or os.environ["S3_BUCKET"],
                "file_overwrite": True,
            },
        },
    }


INSTALLED_APPS = [
    "core",
    "columns",
    "media_center",
    "stats",
    "jobfairs",
    "signups",
    "distribution",
    "ops",  # /healthz, /metrics, healthcheck: reads what the apps registered in core, imported by none
    "django_tasks",
    "django_tasks_db",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.contrib.routable_page",
    "wagtail.contrib.sitemaps",
    "django.contrib.sitemaps",
    "wagtail.embeds",  # only for columns' early migrations, which name its block; nothing offers embeds now
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_filters",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",  # Wagtail's admin uses its naturaltime ("3 分钟前"): installed, its Chinese is loaded
]

MIDDLEWARE = [
    "core.log_context.RequestIdMiddleware",  # first: every line logged while a request is served carries its id
    "ops.middleware.RequestMetricsMiddleware",  # next: counts and times every answer, page-cache hits included
    "core.middleware.RefuseNulMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "core.csp.PolicyByPathMiddleware",  # Content-Security-Policy: outside the page cache, so cached pages get it too
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "core.page_cache.PageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "core.site_middleware.HeldSiteMiddleware",
    "core.pagination.PageNumberMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
]

ROOT_URLCONF = "cms.urls"
WSGI_APPLICATION = "cms.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
                "core.context_processors.site",
            ],
        },
    },
]

# One variable for every engine: sqlite:///path, postgres://user@host/db. Unset means SQLite in var/.
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "0")),
        # A kept connection is checked before a request reuses it: after a database restart the first
        # request of each process reconnects instead of failing on the dead connection (tests/ops/test_faults.py).
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL and a busy timeout let web, worker and scheduler share one SQLite file.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "timeout": 20,
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文")]
WAGTAILADMIN_PERMITTED_LANGUAGES = LANGUAGES
WAGTAIL_CONTENT_LANGUAGES = LANGUAGES
TIME_ZONE = "Asia/Shanghai"
WAGTAIL_USER_TIME_ZONES = ["Asia/Shanghai"]
USE_I18N = True
USE_TZ = True
LOCALE_PATHS = [BASE_DIR / "locale"]

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
SERVE_MEDIA = False  # development only (dev.py): production serves media from object storage or its proxy

# Video sources and outputs stay out of MEDIA_ROOT: they are served only through signed URLs.
VIDEO_ROOT = Path(os.environ.get("VIDEO_ROOT", VAR_DIR / "private"))
# Behind nginx: a signed local video file is sent by nginx from this internal location (deploy/nginx), not by a worker.
VIDEO_ACCEL_REDIRECT_PREFIX = os.environ.get("VIDEO_ACCEL_REDIRECT_PREFIX", "")
VIDEO_WORK_DIR = Path(os.environ.get("VIDEO_WORK_DIR", VAR_DIR / "work"))
VIDEO_STORAGE = {
    "BACKEND": "django.core.files.storage.FileSystemStorage",
    "OPTIONS": {"location": VIDEO_ROOT, "base_url": None, "allow_overwrite": True},
}
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    "videos": VIDEO_STORAGE,
}
VIDEO_MAX_UPLOAD_BYTES = int(os.environ.get("VIDEO_MAX_UPLOAD_BYTES", 8 * 1024**3))
# How long a player's signed video URLs stay good; a long video gets its length plus the margin (media_center/playback.py).
VIDEO_SIGNED_URL_SECONDS = int(os.environ.get("VIDEO_SIGNED_URL_SECONDS", 6 * 3600))
VIDEO_SIGNED_URL_MARGIN_SECONDS = int(os.environ.get("VIDEO_SIGNED_URL_MARGIN_SECONDS", 2 * 3600))
VIDEO_CHUNK_SECONDS = int(os.environ.get("VIDEO_CHUNK_SECONDS", 120))
VIDEO_FIRST_CHUNK_SECONDS = int(os.environ.get("VIDEO_FIRST_CHUNK_SECONDS", 30))
VIDEO_JOB_STALE_SECONDS = int(os.environ.get("VIDEO_JOB_STALE_SECONDS", 90))
# Titles and subtitles burned into short clips: the first of these fonts that exists is used
# (Debian: fonts-wqy-microhei, fonts-wqy-zenhei or fonts-noto-cjk).
CJK_FONT_PATHS = (
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc",
)
# Any other task still running after this long lost its worker: the scheduler marks it failed and queues it again.
TASK_STALE_SECONDS = int(os.environ.get("TASK_STALE_SECONDS", 900))

# Wagtail's page editor can post many fields on long StreamFields.
DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000

# Background work: ours (video) and Wagtail's own (search index, references) share one queue.
TASKS = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend",
        "QUEUES": ["default", "video"],
    }
}

# Web, worker and scheduler are separate processes: without Redis they share a cache in files,
# so a page published by the scheduler leaves no stale copy in the web process.
CACHES = {
    "default": {
        "BACKEND": "core.cache_backends.BoundedFileBasedCache",  # culled by the scheduler, not in requests
        "LOCATION": str(VAR_DIR / "cache"),
        "OPTIONS": {"MAX_ENTRIES": 20_000},
    },
    # Counting reads (stats/counting.py) writes a few keys per reader: apart, they never push out the pages.
    "counting": {
        "BACKEND": "core.cache_backends.BoundedFileBasedCache",
        "LOCATION": str(VAR_DIR / "cache-counting"),
        "OPTIONS": {"MAX_ENTRIES": 50_000},
    },
}

# Whole-page cache (core/page_cache.py): how long entries live at most, and what a CDN may keep.
PAGE_CACHE_SECONDS = int(os.environ.get("PAGE_CACHE_SECONDS", 600))
PAGE_CACHE_BROWSER_SECONDS = int(os.environ.get("PAGE_CACHE_BROWSER_SECONDS", 30))
PAGE_CACHE_CDN_SECONDS = int(os.environ.get("PAGE_CACHE_CDN_SECONDS", 60))
PAGE_CACHE_STALE_SECONDS = int(os.environ.get("PAGE_CACHE_STALE_SECONDS", 300))
PAGE_CACHE_LOCAL_ENTRIES = int(os.environ.get("PAGE_CACHE_LOCAL_ENTRIES", 500))
PAGE_CACHE_VERSION_CHECK_SECONDS = float(os.environ.get("PAGE_CACHE_VERSION_CHECK_SECONDS", 1))

# Behind a reverse proxy, the header carrying the client's address (e.g. X-Real-IP); unset: REMOTE_ADDR.
# Counting and rate limits go by address (core/ratelimit.py). STATS_CLIENT_ADDRESS_HEADER is its former name.
CLIENT_ADDRESS_HEADER = os.environ.get("CLIENT_ADDRESS_HEADER") or os.environ.get("STATS_CLIENT_ADDRESS_HEADER") or None

# Backups (ops/backups.py): to a folder or s3://bucket/prefix; unset, `manage.py backup` needs --location and
# the scheduler makes none. Scheduled ones start after BACKUP_HOUR (Shanghai) on a worker; of them the newest
# of each of the last BACKUP_KEEP_DAILY days and BACKUP_KEEP_WEEKLY ISO weeks are kept. An S3 location has its
# own credentials (BACKUP_S3_*), by default the site's: better another account, in another place.
BACKUP_LOCATION = os.environ.get("BACKUP_LOCATION", "")
BACKUP_S3 = {
    "endpoint_url": os.environ.get("BACKUP_S3_ENDPOINT_URL") or os.environ.get("S3_ENDPOINT_URL") or None,
    "region_name": os.environ.get("BACKUP_S3_REGION") or os.environ.get("S3_REGION", "us-east-1"),
    "access_key": os.environ.get("BACKUP_S3_ACCESS_KEY_ID") or os.environ.get("S3_ACCESS_KEY_ID"),
    "secret_key": os.environ.get("BACKUP_S3_SECRET_ACCESS_KEY") or os.environ.get("S3_SECRET_ACCESS_KEY"),
    "addressing_style": os.environ.get("BACKUP_S3_ADDRESSING_STYLE") or os.environ.get("S3_ADDRESSING_STYLE", "path"),
}
BACKUP_HOUR = int(os.environ.get("BACKUP_HOUR", 3))
BACKUP_KEEP_DAILY = int(os.environ.get("BACKUP_KEEP_DAILY", 7))
BACKUP_KEEP_WEEKLY = int(os.environ.get("BACKUP_KEEP_WEEKLY", 4))
BACKUP_STALE_SECONDS = int(os.environ.get("BACKUP_STALE_SECONDS", 300))  # a backup's worker silent this long died
BACKUP_MAX_AGE_HOURS = int(os.environ.get("BACKUP_MAX_AGE_HOURS", 36))  # /healthz warns when the newest is older

# Keys for the secrets kept in the database (core/encryption.py), newest first. Development makes its own
# in var/; production gives them here, and channel accounts cannot be saved without them.
FIELD_ENCRYPTION_KEYS = env_list("FIELD_ENCRYPTION_KEYS")

# Publishing to the channels (distribution/). The Douyin and WeChat addresses are the real ones unless a
# test or a stand-in says otherwise. A create whose reply was lost is looked for (every FIND_EVERY seconds) for
# RECONCILE seconds before it ends 「状态不明」; a worker silent for STALE seconds has died.
DOUYIN_BASE_URL = os.environ.get("DOUYIN_BASE_URL", "https://open.douyin.com")
WECHAT_BASE_URL = os.environ.get("WECHAT_BASE_URL", "https://api.weixin.qq.com")
DISTRIBUTION_RECONCILE_SECONDS = int(os.environ.get("DISTRIBUTION_RECONCILE_SECONDS", 1800))
DISTRIBUTION_FIND_EVERY_SECONDS = int(os.environ.get("DISTRIBUTION_FIND_EVERY_SECONDS", 60))
DISTRIBUTION_STALE_SECONDS = int(os.environ.get("DISTRIBUTION_STALE_SECONDS", 120))

# 「我感兴趣」 sign-ups (signups/): how long an entry is kept, and the limits on floods. Per phone number
# strict (counted only for sign-ups that passed the form's checks); per address generous, since a
# venue's Wi-Fi or a carrier's NAT is one address for hundreds of people (every POST counts).
SIGNUP_RETENTION_DAYS = int(os.environ.get("SIGNUP_RETENTION_DAYS", 90))
SIGNUP_PHONE_LIMIT_PER_HOUR = int(os.environ.get("SIGNUP_PHONE_LIMIT_PER_HOUR", 3))
SIGNUP_PHONE_LIMIT_PER_DAY = int(os.environ.get("SIGNUP_PHONE_LIMIT_PER_DAY", 10))
SIGNUP_ADDRESS_LIMIT = int(os.environ.get("SIGNUP_ADDRESS_LIMIT", 600))
SIGNUP_ADDRESS_WINDOW_SECONDS = int(os.environ.get("SIGNUP_ADDRESS_WINDOW_SECONDS", 600))
SIGNUP_ADDRESS_BURST_LIMIT = int(os.environ.get("SIGNUP_ADDRESS_BURST_LIMIT", 60))
SIGNUP_ADDRESS_BURST_SECONDS = int(os.environ.get("SIGNUP_ADDRESS_BURST_SECONDS", 10))
SIGNUP_WITHDRAW_ADDRESS_LIMIT = int(os.environ.get("SIGNUP_WITHDRAW_ADDRESS_LIMIT", 60))
# The same number at the same fair within this many seconds is a repeat (a refresh, a double tap), not a new entry.
SIGNUP_REPEAT_SECONDS = int(os.environ.get("SIGNUP_REPEAT_SECONDS", 600))

# Health and metrics (ops) ─────────────────────────────────────────────────────────────────────────
# /healthz and `manage.py healthcheck` (core/health.py, the checks the apps registered; README, Health and
# metrics). /healthz computes its answer at most every HEALTH_CACHE_SECONDS per web process; each check
# fails after HEALTH_CHECK_TIMEOUT_SECONDS without an answer.
HEALTH_CACHE_SECONDS = float(os.environ.get("HEALTH_CACHE_SECONDS", 5))
HEALTH_CHECK_TIMEOUT_SECONDS = float(os.environ.get("HEALTH_CHECK_TIMEOUT_SECONDS", 3))
# Failures: no scheduler pass on any machine for this long; less free disk than this in VIDEO_WORK_DIR.
HEALTH_SCHEDULER_MAX_SILENCE_SECONDS = int(os.environ.get("HEALTH_SCHEDULER_MAX_SILENCE_SECONDS", 300))
HEALTH_MIN_FREE_DISK_GB = float(os.environ.get("HEALTH_MIN_FREE_DISK_GB", 10))
# Warnings: a video job, a background task or a due distribution waiting for a worker longer than this.
HEALTH_VIDEO_JOB_MAX_WAIT_SECONDS = int(os.environ.get("HEALTH_VIDEO_JOB_MAX_WAIT_SECONDS", 7200))
HEALTH_TASK_MAX_WAIT_SECONDS = int(os.environ.get("HEALTH_TASK_MAX_WAIT_SECONDS", 3600))
HEALTH_DISTRIBUTION_MAX_DELAY_SECONDS = int(os.environ.get("HEALTH_DISTRIBUTION_MAX_DELAY_SECONDS", 900))
# /metrics for Prometheus: a scraper sends `Authorization: Bearer <METRICS_TOKEN>` or comes from one of
# METRICS_ALLOWED_ADDRESSES (comma-separated addresses or CIDRs, matched against the client address as
# CLIENT_ADDRESS_HEADER gives it). Neither set: /metrics does not exist (404). Under gunicorn the workers
# share their counters through files in PROMETHEUS_MULTIPROC_DIR (an environment variable, read by
# prometheus-client itself; ops/gunicorn_hooks.py).
METRICS_TOKEN = os.environ.get("METRICS_TOKEN", "")
METRICS_ALLOWED_ADDRESSES = env_list("METRICS_ALLOWED_ADDRESSES")
METRICS_TRANSCODE_WINDOW_SECONDS = int(os.environ.get("METRICS_TRANSCODE_WINDOW_SECONDS", 3600))
# ─────────────────────────────────────────────────────────────────────────────────────────────── (ops)

# Content-Security-Policy (django-csp) ------------------------------------------------------------------------
# Enforced everywhere (development, tests, production): the browser tests run with it and fail on a violation.
# core/csp.py picks the policy by path and adds the storages' origins (with S3: the bucket's host, from the
# URLs the storages sign) to img-src, media-src and connect-src. Why two policies: core/csp.py and README.
#
# The public site: no inline script, style or event handler anywhere (all of it lives in static/), so no
# 'unsafe-inline', no nonce (whole pages are cached for every reader) and no hash. blob: is for hls.js:
# the video plays from a MediaSource object URL (media-src) and transmuxes in a worker it starts from a
# blob URL (worker-src) -- only a script already allowed can make either.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "media-src": ["'self'", "blob:"],
        "connect-src": ["'self'"],
        "worker-src": ["'self'", "blob:"],
        "font-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'self'"],
    },
}
# The admin (Wagtail 8 writes inline scripts, style attributes and event handlers): 'unsafe-inline' for
# scripts and styles, still nothing from another origin. blob: for the previews of files chosen for upload.
CONTENT_SECURITY_POLICY_ADMIN_PREFIXES = ("/admin/",)  # Wagtail's; Django's own admin is routed nowhere
CONTENT_SECURITY_POLICY_ADMIN = {
    "DIRECTIVES": {
        **CONTENT_SECURITY_POLICY["DIRECTIVES"],
        "script-src": ["'self'", "'unsafe-inline'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:", "blob:"],
    },
}
# ---------------------------------------------------------------------------------------------------------------

WAGTAIL_SITE_NAME = "工会融媒体中心"
# The admin calls nothing outside the site: no gravatar (blocked in mainland China; Wagtail's own avatar
# instead), no release check against releases.wagtail.org, no banner sending editors to an English guide abroad.
WAGTAIL_GRAVATAR_PROVIDER_URL = None
WAGTAIL_ENABLE_UPDATE_CHECK = False
WAGTAIL_ENABLE_WHATS_NEW_BANNER = False
# The public base URL (https://news.example.cn): QR codes and shared addresses are built from it.
SITE_URL = os.environ.get("SITE_URL", "")
WAGTAILADMIN_BASE_URL = os.environ.get("WAGTAILADMIN_BASE_URL", "http://127.0.0.1:8000")
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "core.search.backend"}}
WAGTAIL_I18N_ENABLED = False
WAGTAIL_DATE_FORMAT = "%Y-%m-%d"
WAGTAIL_DATETIME_FORMAT = "%Y-%m-%d %H:%M"
WAGTAILDOCS_EXTENSIONS = ["csv", "docx", "odt", "pdf", "pptx", "txt", "xlsx"]
WAGTAILDOCS_MAX_UPLOAD_SIZE = 20 * 1024 * 1024
WAGTAILIMAGES_MAX_UPLOAD_SIZE = 20 * 1024 * 1024
WAGTAILIMAGES_EXTENSIONS = ["gif", "jpg", "jpeg", "png", "webp"]
WAGTAILEMBEDS_FINDERS = []  # no oEmbed look-ups abroad, even through the admin's embed chooser URL

# Logs ---------------------------------------------------------------------------------------------------
# LOG_FORMAT=text (development's default): a line for people at a terminal. LOG_FORMAT=json (production's
# default): one JSON object per line (python-json-logger) with time (Shanghai, ISO 8601 with its offset),
# level, logger, message and the ids of core.log_context: request_id on every line of a request,
# video_id and job_id of a video job, distribution_id of a distribution, scheduled_job of a scheduler job.
LOG_FORMATS = ("json", "text")


def logging_config(log_format):
    """The LOGGING dict for `log_format`, json or text; anything else stops the start-up."""
    if log_format not in LOG_FORMATS:
        raise ValueError(f"LOG_FORMAT must be json or text, not {log_format!r}")
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {
            "text": {
                "()": "cms.log.ZonedFormatter",
                "format": "%(asctime)s %(levelname)s %(name)s: %(message)s",
                "time_zone": TIME_ZONE,
            },
            "json": {
                "()": "cms.log.ZonedJsonFormatter",
                "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s",
                "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
                "time_zone": TIME_ZONE,
            },
        },
        "filters": {
            "log_context": {"()": "core.log_context.ContextFilter"},
            "skip_refused_floods": {"()": "cms.log.SkipRefusedFloods"},
        },
        "handlers": {
            "console": {"class": "logging.StreamHandler", "formatter": log_format, "filters": ["log_context"]},
        },
        "root": {"handlers": ["console"], "level": "INFO"},
        "loggers": {
            "django.db.backends": {"level": "WARNING"},
            "django.request": {"filters": ["skip_refused_floods"]},
            "wagtail": {"level": "WARNING"},
            "django_tasks": {"level": "WARNING"},
            # The channel clients' HTTP: one line per request with its full address, and httpcore's traces
            # of every header, are not for the log (distribution/platforms say what went wrong themselves).
            "httpx": {"level": "WARNING"},
            "httpcore": {"level": "WARNING"},
            # Login throttling: failures and lockouts are warnings; its banner and every clean-up are not for the log.
            "axes": {"level": "WARNING"},
        },
    }


LOGGING = logging_config(os.environ.get("LOG_FORMAT") or "text")
LOGGING_CONFIG = "cms.log.configure"
# Logs end -----------------------------------------------------------------------------------------------

# Login throttling (django-axes) -------------------------------------------------------------------------
# Failed logins are counted per account and per address apart (core/login_throttle.py): LOGIN_FAILURE_LIMIT
# failures lock the account, from any address, and lock the address, for any account, for LOGIN_LOCKOUT_MINUTES
# after the last one. The address is the one counting reads (CLIENT_ADDRESS_HEADER behind a proxy).
INSTALLED_APPS.append("axes")
MIDDLEWARE.append("axes.middleware.AxesMiddleware")  # last, as axes asks: it turns a lockout into the refusal
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", "django.contrib.auth.backends.ModelBackend"]
AXES_FAILURE_LIMIT = int(os.environ.get("LOGIN_FAILURE_LIMIT", 5))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("LOGIN_LOCKOUT_MINUTES", 15)))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]  # each on its own, not the pair
AXES_CLIENT_IP_CALLABLE = "core.login_throttle.login_address"
AXES_LOCKOUT_CALLABLE = "core.login_throttle.lockout_response"  # Wagtail's login form, in Chinese, 429
AXES_HTTP_RESPONSE_CODE = 429
AXES_RESET_ON_SUCCESS = False  # core.login_throttle forgets the account's own failures, not the address's
# What axes keeps, kept small: no lasting log of failures (the failures of the cool-off are enough to lock),
# form fields other than the name masked in those, successful logins kept LOGIN_RECORD_DAYS then purged.
AXES_ENABLE_ACCESS_FAILURE_LOG = False
AXES_SENSITIVE_PARAMETERS = ["username", "ip_address", "password", "csrfmiddlewaretoken"]
AXES_ENABLE_ADMIN = False  # Django's admin is not routed (cms/urls.py); administrators unlock with axes_reset_*
LOGIN_RECORD_DAYS = int(os.environ.get("LOGIN_RECORD_DAYS", 190))
# Login throttling end -------------------------------------------------------------------------------------

# 三审: an edit during review is reviewed again; the workflow is the only way editors publish.
WAGTAIL_WORKFLOW_REQUIRE_REAPPROVAL_ON_EDIT = True
WAGTAIL_WORKFLOW_CANCEL_ON_PUBLISH = True
WAGTAIL_FINISH_WORKFLOW_ACTION = "columns.publishing.publish_after_final_review"

# Where a clip may be filed (its 所属栏目或系列): page types named here so the video app imports no page app.
CLIP_SECTION_PAGE_TYPES = ("columns.ColumnPage", "columns.SeriesPage")
