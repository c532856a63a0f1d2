"""The Prometheus side: what web processes count as they answer, and what /metrics reads when scraped.

Counted as requests are answered (a Counter or Histogram per process): requests by view and status
class, their latency by view, and the events apps count through core.metrics (page cache look-ups).
Under gunicorn, PROMETHEUS_MULTIPROC_DIR makes prometheus-client keep each worker's values in files
there; a scrape, answered by whichever worker, adds up every worker's files (MultiProcessCollector).
Without it (runserver, tests) the values live in this process.

Read when scraped (`RegisteredGauges`): the gauges the apps registered in core.metrics, computed from the
database by the worker answering the scrape, and each health check's last result. They are registered
on the scrape's own registry only, never on prometheus-client's global one and never in the files, so
a gauge is reported once however many workers there are.
"""

import logging
import os
import threading
from functools import lru_cache

from django.conf import settings
from django.urls import resolve
from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.multiprocess import MultiProcessCollector

from core import metrics as registered

logger = logging.getLogger(__name__)
PREFIX = "umc_"
UNMATCHED = "unmatched"  # a path no URL pattern takes (404 before any view)
STATIC = "static"  # served by WhiteNoise before URLs are resolved
LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)

# Not on any registry: in multiprocess mode their values go to the files, otherwise LiveMetrics reports them.
REQUESTS = Counter(
    f"{PREFIX}http_requests",
    "HTTP requests answered, by view (its URL pattern's name, never the path) and status class (2xx, 4xx, ...).",
    ["view", "status"],
    registry=None,
)
LATENCY = Histogram(
    f"{PREFIX}http_request_duration_seconds",
    "Time from the request reaching Django to its response being handed to the server, by view.",
    ["view"],
    buckets=LATENCY_BUCKETS,
    registry=None,
)
event_counters = {}  # core.metrics counter name: its prometheus Counter, made at its first event
_event_counters_lock = threading.Lock()


def multiprocess_dir():
    return os.environ.get("PROMETHEUS_MULTIPROC_DIR") or None


def view_label(request):
    """The view's name as its URL pattern gives it (`wagtail_serve`, `media_center:play`, `cms.urls.ping`):
    a fixed set, whatever paths are asked for. Answers given before URLs are resolved (a page-cache hit,
    a refused request) are resolved here; static files and unknown paths get a label of their own."""
    match = getattr(request, "resolver_match", None)
    if match is not None:
        return match.view_name or UNMATCHED
    path = request.path_info
    if settings.STATIC_URL and path.startswith(settings.STATIC_URL):
        return STATIC
    return resolved_view_name(getattr(request, "urlconf", None) or settings.ROOT_URLCONF, path)


@lru_cache(maxsize=2048)
def resolved_view_name(urlconf, path):
    """Resolving costs more than the rest of a page-cache hit's counting: the paths served from the cache
    are the site's popular pages, so the last two thousand are remembered."""
    try:
        return resolve(path, urlconf).view_name or UNMATCHED
    except Exception:  # noqa: BLE001 - Resolver404, or a path the resolver chokes on: still counted
        return UNMATCHED


def status_class(status_code):
    return f"{status_code // 100}xx"


def observe_request(view, status_code, seconds):
    REQUESTS.labels(view=view, status=status_class(status_code)).inc()
    LATENCY.labels(view=view).observe(seconds)


def count_event(counter, amount, labels):
    """core.metrics' sink: one more event of `counter` (a core.metrics.Counter). Counted where a page is
    answered: a failure is logged, never raised into the request."""
    try:
        metric = event_counters.get(counter.name)
        if metric is None:
            with _event_counters_lock:
                metric = event_counters.get(counter.name)
                if metric is None:
                    metric = Counter(f"{PREFIX}{counter.name}", counter.documentation, counter.labels, registry=None)
                    event_counters[counter.name] = metric
        (metric.labels(**labels) if counter.labels else metric).inc(amount)
    except Exception:  # noqa: BLE001
        logger.exception("event %s not counted in the metrics", counter.name)


class LiveMetrics:
    """This process's counters, when there is no multiprocess folder to read them from."""

    def describe(self):
        return []

    def collect(self):
        for metric in (REQUESTS, LATENCY, *list(event_counters.values())):
            yield from metric.collect()


class RegisteredGauges:
    """The apps' gauges (core.metrics) and the health checks' results, computed as the scrape asks.

    A gauge that cannot be read (the database is down) is left out and counted in
    umc_metrics_gauge_errors; the others are still reported."""

    def __init__(self, health_results=None):
        self.health_results = health_results

    def describe(self):
        return []

    def collect(self):
        failed = 0
        for gauge in list(registered.gauges.values()):
            try:
                values = list(gauge.collect())
            except Exception as error:  # noqa: BLE001 - one unreadable gauge must not cost the scrape
                logger.warning("metric %s could not be read: %s", gauge.name, error)
                failed += 1
                continue
            family = GaugeMetricFamily(f"{PREFIX}{gauge.name}", gauge.documentation, labels=gauge.labels)
            for labels, value in values:
                family.add_metric([str(label) for label in labels], float(value))
            yield family
        errors = GaugeMetricFamily(f"{PREFIX}metrics_gauge_errors", "Gauges that could not be read in this scrape.")
        errors.add_metric([], failed)
        yield errors
        if self.health_results is not None:
            checks = GaugeMetricFamily(
                f"{PREFIX}health_check_ok",
                "The health checks of /healthz (at most HEALTH_CACHE_SECONDS old): 1 passing, 0 failing.",
                labels=["check", "critical"],
            )
            for result in self.health_results:
                checks.add_metric([result.name, str(result.critical).lower()], 1.0 if result.ok else 0.0)
            yield checks


def scrape_registry(health_results=None):
    """A registry for one scrape: the counters (every worker's, or this process's) and the gauges read now."""
    registry = CollectorRegistry(auto_describe=False)
    folder = multiprocess_dir()
    if folder:
        MultiProcessCollector(registry, path=folder)
    else:
        registry.register(LiveMetrics())
    registry.register(RegisteredGauges(health_results))
    return registry


def exposition(health_results=None):
    """The Prometheus text format of everything above."""
    return generate_latest(scrape_registry(health_results))
