"""The production settings as tests/ops/test_nginx_front.py runs them behind the shipped nginx site, with two
additions: a page saying what the application saw of a request (front_urls.py), and an HSTS header of the
application's own, which nginx must replace with its own rather than send beside it."""

from cms.settings.production import *  # noqa: F403

ROOT_URLCONF = "tests.ops.front_urls"
SECURE_HSTS_SECONDS = 600
