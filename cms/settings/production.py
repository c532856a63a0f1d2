"""Production: every secret and address comes from the environment; missing ones stop the start-up."""

import os

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F401,F403
from .base import env_bool, env_list, logging_config, s3_storages, smtp_settings


def required(name):
    value = os.environ.get(name)
    if not value:
        raise ImproperlyConfigured(f"环境变量 {name} 未设置 (required environment variable {name} is not set)")
    return value


DEBUG = False
SECRET_KEY = required("SECRET_KEY")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS") or required("ALLOWED_HOSTS").split(",")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", True)
CSRF_COOKIE_SECURE = env_bool("SECURE_COOKIES", True)
SECURE_CONTENT_TYPE_NOSNIFF = True
# Wagtail's preview panel shows the site's own pages in a frame of the admin: frames from this origin only.
X_FRAME_OPTIONS = "SAMEORIGIN"

# HTTPS ----------------------------------------------------------------------------------------------------
# Plain HTTP is redirected to HTTPS (the proxy says which a request came by in X-Forwarded-Proto), except
# the probes a load balancer or a monitor sends over plain HTTP on the inside. HSTS tells browsers to use
# HTTPS only, for a year by default; preloading into browsers' built-in lists is the operator's own choice.
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
SECURE_REDIRECT_EXEMPT = [r"^ping$", r"^healthz$"]
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", 365 * 24 * 3600))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
SILENCED_SYSTEM_CHECKS = [
    "security.W019",  # X_FRAME_OPTIONS is SAMEORIGIN, not DENY: Wagtail's preview panel frames the site's pages
    "security.W021",  # SECURE_HSTS_PRELOAD is off unless asked for: leaving a preload list takes months
]
# HTTPS end ------------------------------------------------------------------------------------------------

# Workflow notifications and password resets: an SMTP server from EMAIL_URL or EMAIL_HOST and friends.
globals().update(smtp_settings())
EMAIL_TIMEOUT = int(os.environ.get("EMAIL_TIMEOUT", "10"))  # a silent mail server must not hold an approval for minutes
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "webmaster@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Logs -----------------------------------------------------------------------------------------------------
# One JSON object per line unless LOG_FORMAT=text (README, Production configuration: logs).
LOGGING = logging_config(os.environ.get("LOG_FORMAT") or "json")
# Logs end -------------------------------------------------------------------------------------------------

if os.environ.get("REDIS_URL"):
    redis_cache = {
        "BACKEND": "core.cache_backends.ReusingRedisCache",
        "LOCATION": os.environ["REDIS_URL"],
        # A stalled Redis must not stall every page: past this, core.cache_backends treats it as a miss.
        "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
    }
    CACHES = {"default": {**redis_cache, "KEY_PREFIX": "umc"}, "counting": {**redis_cache, "KEY_PREFIX": "umc-count"}}

if os.environ.get("S3_BUCKET"):
    STORAGES.update(s3_storages())  # noqa: F405
