"""Gunicorn in production, behind nginx on the same machine (deploy/systemd/union-media-center-web.service
gives the address: --bind 127.0.0.1:8000).

Sync workers: nginx reads whole requests and takes whole answers, so a worker is busy only while the
application works, never while a reader's phone sends or receives.
"""

import os

# gunicorn's own lines (starting, workers booted or timed out) written like the site's: JSON lines in production.
from cms.gunicorn_logging import logconfig_dict  # noqa: F401 - gunicorn reads it
from ops.gunicorn_hooks import child_exit, on_starting  # noqa: F401 - gunicorn reads them by name (metrics)

wsgi_app = "cms.wsgi:application"

# Each worker holds about 200 MB (Django, Wagtail, jieba's dictionary). WEB_CONCURRENCY in the environment file.
workers = int(os.environ.get("WEB_CONCURRENCY") or 2 * os.cpu_count() + 1)

# The longest a worker may spend on one request before gunicorn replaces it. Uploads reach gunicorn already
# buffered by nginx; the slowest request is the end of an upload, which reads the whole file (up to 8 GiB)
# to check it. nginx waits a little longer (proxy_read_timeout 200s).
timeout = 180
graceful_timeout = 30

# Not preloaded: `systemctl reload union-media-center-web` (HUP) starts workers that import the new release,
# then retires the old ones once their requests are done. Each worker loads the application before taking
# a request (about a second), so no reader waits for it.
preload_app = False

# Only nginx on this machine says whether the reader came over HTTPS, and only with X-Forwarded-Proto.
forwarded_allow_ips = "127.0.0.1"
secure_scheme_headers = {"X-FORWARDED-PROTO": "https"}

# gunicornc's control socket would be made in the home folder; systemd manages this server instead.
control_socket_disable = True

# Errors to stderr, hence the journal. No access log here: nginx keeps one; the application's own request
# logging is Django's LOGGING (cms/settings), not gunicorn's. The metrics' server hooks are imported above.
accesslog = None
errorlog = "-"
