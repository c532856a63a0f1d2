import threading
from datetime import timedelta

import pytest
import time_machine
from django.core.management import call_command
from django.db import connection, connections
from django.utils import timezone
from wagtail.models import PageLogEntry

from columns.models import ArticlePage, SeriesPage
from columns.scheduling import LEASE_NAME, run_due_publications
from core.models import SchedulerLease
from tests.factories import ArticlePageFactory


def scheduled_article(series, when):
    article = ArticlePageFactory(parent=series, live=False, go_live_at=when)
    article.save_revision(approved_go_live_at=when)
    return article


@pytest.mark.django_db
def test_a_run_is_skipped_while_another_scheduler_holds_the_lease(series):
    article = scheduled_article(series, timezone.now() - timedelta(seconds=5))
    assert SchedulerLease.acquire(LEASE_NAME, "other-machine:42")

    assert run_due_publications(holder="this-machine:7") is None
    assert not ArticlePage.objects.get(pk=article.pk).live


@pytest.mark.django_db
def test_a_lease_left_by_a_dead_scheduler_expires(series):
    article = scheduled_article(series, timezone.now() - timedelta(seconds=5))
    SchedulerLease.acquire(LEASE_NAME, "crashed-machine:1", ttl=timedelta(minutes=10))

    with time_machine.travel(timezone.now() + timedelta(minutes=11)):
        run = run_due_publications(holder="this-machine:7")

    assert run.published == 1
    assert ArticlePage.objects.get(pk=article.pk).live


@pytest.mark.django_db
def test_the_lease_is_released_after_a_run_so_the_next_minute_can_run(series):
    run_due_publications(holder="machine-a:1")
    assert run_due_publications(holder="machine-b:1") is not None


@pytest.mark.django_db
def test_run_scheduler_once_reports_what_it_published(series, capsys):
    scheduled_article(series, timezone.now() - timedelta(seconds=5))
    call_command("run_scheduler", "--once")
    assert "发布 1 项" in capsys.readouterr().out


@pytest.mark.django_db(transaction=True)
def test_two_schedulers_at_the_same_moment_publish_an_article_once(site_after_flush):
    if connection.vendor != "postgresql":
        pytest.skip("concurrent writers need PostgreSQL; SQLite serialises them anyway")
    series = SeriesPage.objects.get(slug="laomo-fengcai")
    article = scheduled_article(series, timezone.now() - timedelta(seconds=5))
    start = threading.Barrier(4)
    results = []

    def scheduler(name):
        try:
            start.wait()
            results.append(run_due_publications(holder=name))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=scheduler, args=(f"machine-{n}:1",)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert ArticlePage.objects.get(pk=article.pk).live
    assert PageLogEntry.objects.filter(page=article, action="wagtail.publish.scheduled").count() == 1
    assert sum(run.published for run in results if run) == 1


def test_run_scheduler_culls_the_file_cache_off_the_request_path(db, settings, tmp_path):
    from django.core.cache import caches

    settings.CACHES = {
        **settings.CACHES,
        "files": {
            "BACKEND": "core.cache_backends.BoundedFileBasedCache",
            "LOCATION": str(tmp_path),
            "OPTIONS": {"MAX_ENTRIES": 5},
        },
    }
    caches["files"].set_many({f"entry:{number}": number for number in range(20)}, timeout=600)
    call_command("run_scheduler", "--once")
    assert len(caches["files"]._list_cache_files()) == 5
