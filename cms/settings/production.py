"""Production: every secret and address comes from the environment; missing ones stop the start-up."""

import os

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F401,F403
from .base import env_bool, env_list, s3_storages, smtp_settings


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
X_FRAME_OPTIONS = "SAMEORIGIN"

# Workflow notifications and password resets: an SMTP server from EMAIL_URL or EMAIL_HOST and friends.
globals().update(smtp_settings())
EMAIL_TIMEOUT = int(os.environ.get("EMAIL_TIMEOUT", "10"))  # a silent mail server must not hold an approval for minutes
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "webmaster@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

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
