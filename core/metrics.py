"""Metrics the apps report, without a metrics library: the ops app turns them into Prometheus families.

Two kinds, both registered in `AppConfig.ready()` (core's own with the page cache):

- Gauges read when /metrics is scraped (`register_gauge`): `collect()` returns `(label values, value)`
  pairs, computed from the database at that moment (queue depths, distributions by status). They are
  the same whichever web process answers, so nothing is kept between scrapes.
- Counted events (`declare_counter`, then `count(name, **labels)` where they happen, such as a page
  cache hit). `count` hands them to the sinks ops added (`add_sink`): Prometheus counters shared by
  every gunicorn worker. Without a sink (ops not installed) counting costs one empty loop.

Label values must come from a small fixed set (a status, a queue's name), never from a request.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Gauge:
    name: str  # without the project's prefix: "video_jobs_pending" becomes umc_video_jobs_pending
    documentation: str
    labels: tuple
    collect: object  # a callable: collect() -> iterable of (tuple of label values, number)


@dataclass(frozen=True)
class Counter:
    name: str  # without the prefix and _total: "page_cache_lookups" becomes umc_page_cache_lookups_total
    documentation: str
    labels: tuple


gauges = {}
counters = {}
sinks = []


def register_gauge(name, documentation, collect, labels=()):
    """Have /metrics report `collect()`'s values under `name`. Registering a name again replaces it."""
    gauges[name] = Gauge(name, documentation, tuple(labels), collect)


def declare_counter(name, documentation, labels=()):
    counters[name] = Counter(name, documentation, tuple(labels))


def add_sink(sink):
    """`sink(counter, amount, labels)` hears of every counted event from now on (ops: Prometheus)."""
    if sink not in sinks:
        sinks.append(sink)


def count(name, amount=1, **labels):
    """One more `name` event (declared with `declare_counter`), with its labels' values."""
    for sink in sinks:
        sink(counters[name], amount, labels)
