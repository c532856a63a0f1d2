"""The whole-page cache: readers get cached pages, and publishing shows up everywhere at once."""

import socket
import subprocess
import time
from contextlib import contextmanager

import pytest
from django.core.cache import cache

from columns.models import SeriesPage
from core.page_cache import VERSION_PREFIX, forget_process_state, page_tag
from tests.factories import ArticlePageFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()


def warm(client, *urls):
    for url in urls:
        client.get(url)
        assert client.get(url)["X-Page-Cache"] == "hit", url


def test_a_second_reader_gets_the_cached_page(client, series):
    ArticlePageFactory(parent=series)
    assert client.get("/laodongmei/")["X-Page-Cache"] == "miss"
    assert client.get("/laodongmei/")["X-Page-Cache"] == "hit"


def test_publishing_an_article_shows_it_on_its_series_column_and_home_at_once(client, series):
    ArticlePageFactory(parent=series, title="早先的文章")
    warm(client, "/", "/laodongmei/", "/laodongmei/laomo-fengcai/")

    ArticlePageFactory(parent=series, title="刚刚发布的文章")

    for url in ("/", "/laodongmei/", "/laodongmei/laomo-fengcai/"):
        assert "刚刚发布的文章" in client.get(url).content.decode(), url


def test_unpublishing_an_article_removes_it_from_cached_listings_and_its_own_page(client, series):
    article = ArticlePageFactory(parent=series, title="将要撤下的文章")
    warm(client, "/laodongmei/", "/laodongmei/laomo-fengcai/", article.url)

    article.unpublish()

    assert "将要撤下的文章" not in client.get("/laodongmei/").content.decode()
    assert "将要撤下的文章" not in client.get("/laodongmei/laomo-fengcai/").content.decode()
    assert client.get(article.url).status_code == 404


def test_a_new_revision_replaces_the_cached_article(client, series):
    article = ArticlePageFactory(parent=series, title="第一版标题")
    warm(client, article.url)
    article.title = "第二版标题"
    article.save_revision().publish()
    assert "第二版标题" in client.get(article.url).content.decode()


def test_publishing_elsewhere_keeps_other_columns_cached(client, series):
    warm(client, "/gonghuodong/")
    ArticlePageFactory(parent=series)
    assert client.get("/gonghuodong/")["X-Page-Cache"] == "hit"


def test_deleting_an_article_removes_it_from_the_listing(client, series):
    article = ArticlePageFactory(parent=series, title="将被删除的文章")
    warm(client, "/laodongmei/laomo-fengcai/")
    article.delete()
    assert "将被删除的文章" not in client.get("/laodongmei/laomo-fengcai/").content.decode()


def test_signed_in_staff_never_get_or_fill_the_cache(client, series, superuser):
    ArticlePageFactory(parent=series)
    client.force_login(superuser)
    assert "X-Page-Cache" not in client.get("/laodongmei/")
    client.logout()
    assert client.get("/laodongmei/")["X-Page-Cache"] == "miss"


def test_unknown_query_strings_bypass_the_cache(client):
    client.get("/laodongmei/?utm_source=wechat")
    assert "X-Page-Cache" not in client.get("/laodongmei/?utm_source=wechat")


def test_pages_of_a_listing_are_cached_apart(client, series):
    for number in range(21):
        ArticlePageFactory(parent=series, title=f"分页{number:02d}")
    warm(client, "/laodongmei/laomo-fengcai/", "/laodongmei/laomo-fengcai/?page=2")
    assert "分页00" in client.get("/laodongmei/laomo-fengcai/?page=2").content.decode()
    assert "分页00" not in client.get("/laodongmei/laomo-fengcai/").content.decode()


def test_cached_pages_tell_a_cdn_how_long_to_keep_them(client, settings):
    response = client.get("/laodongmei/")
    directives = {part.strip() for part in response["Cache-Control"].split(",")}
    assert {
        "public",
        f"s-maxage={settings.PAGE_CACHE_CDN_SECONDS}",
        f"stale-while-revalidate={settings.PAGE_CACHE_STALE_SECONDS}",
    } <= directives
    assert client.get("/laodongmei/")["Cache-Control"] == response["Cache-Control"]


def test_a_render_that_overlaps_a_publication_is_not_kept(client, series, monkeypatch):
    """If an article is published while a listing renders, the listing may miss it: it must not be cached."""
    from columns.models import ColumnPage
    from core import page_cache as caching

    original = ColumnPage.get_context

    def publish_during_render(self, request, *args, **kwargs):
        context = original(self, request, *args, **kwargs)
        caching.bump(caching.page_tag(self))
        return context

    monkeypatch.setattr(ColumnPage, "get_context", publish_during_render)
    client.get("/laodongmei/")
    assert client.get("/laodongmei/")["X-Page-Cache"] == "miss"


def test_listings_cost_the_same_queries_for_five_or_twenty_articles(client, series, cover_image):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries(url):
        client.get(url)  # renders renditions the first time: not part of what a listing costs
        cache.clear()
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    def add(count):
        for number in range(count):
            ArticlePageFactory(parent=series, cover_image=cover_image, title=f"列表{number}")
            ArticlePageFactory(parent=SeriesPage.objects.get(slug="zuimei-zhigong"), cover_image=cover_image)

    add(3)
    five = {url: queries(url) for url in ("/", "/laodongmei/", "/laodongmei/laomo-fengcai/")}
    add(10)
    twenty = {url: queries(url) for url in ("/", "/laodongmei/", "/laodongmei/laomo-fengcai/")}
    assert twenty == five


def test_a_publication_in_another_process_empties_this_ones_entries_within_a_second(client, series, monkeypatch):
    import time

    from core.page_cache import VERSION_PREFIX, page_tag

    warm(client, series.url)
    clock = [time.monotonic()]
    monkeypatch.setattr(time, "monotonic", lambda: clock[0])

    cache.set(VERSION_PREFIX + page_tag(series), time.time_ns(), timeout=None)  # what bump() elsewhere writes

    assert client.get(series.url)["X-Page-Cache"] == "hit"  # the versions read less than a second ago
    clock[0] += 1.5
    assert client.get(series.url)["X-Page-Cache"] == "miss"


def test_versions_known_to_a_process_stay_bounded(monkeypatch):
    import time

    from core.page_cache import KnownVersions

    clock = [1000.0]
    monkeypatch.setattr(time, "monotonic", lambda: clock[0])
    known = KnownVersions()
    known.most = 10
    known.remember({f"page:{number}": 1 for number in range(11)})
    clock[0] += 2  # all of them now older than the check interval

    known.remember({"page:new": 2})

    assert list(known.known) == ["page:new"]


def test_http_and_https_renderings_are_cached_apart(client, series):
    article = ArticlePageFactory(parent=series)
    warm(client, article.url)
    secure = client.get(article.url, secure=True)
    assert secure["X-Page-Cache"] == "miss"
    assert 'property="og:url" content="https://' in secure.content.decode()
    assert 'property="og:url" content="http://' in client.get(article.url).content.decode()


@pytest.mark.parametrize(
    ("asked", "canonical"),
    [("?page=1", ""), ("?page=0002", "?page=2"), ("?page=abc", ""), ("?page=", ""), ("?page=%EF%BC%92", ""), ("?page=-1", "")],
)
def test_a_page_number_written_another_way_redirects_to_its_one_address(client, series, asked, canonical):
    for _ in range(21):
        ArticlePageFactory(parent=series)
    response = client.get(f"/laodongmei/laomo-fengcai/{asked}")
    assert (response.status_code, response["Location"]) == (301, f"/laodongmei/laomo-fengcai/{canonical}")
    assert "X-Page-Cache" not in response


def test_a_page_past_the_last_is_not_found_and_not_kept(client, series):
    ArticlePageFactory(parent=series)
    for _ in range(2):
        response = client.get("/laodongmei/laomo-fengcai/?page=99999")
        assert response.status_code == 404 and "X-Page-Cache" not in response
    assert not [key for key in cache._cache if "page=" in key or key.endswith(":99999")]


def test_other_listing_parameters_survive_the_redirect(client):
    response = client.get("/search/", {"q": "劳模", "page": "1"})
    assert (response.status_code, response["Location"]) == (301, "/search/?q=%E5%8A%B3%E6%A8%A1")


def listing_cached_before_an_unpublication(client, series):
    """The column page cached while its tag was never bumped, then the article taken down."""
    article = ArticlePageFactory(parent=series, title="将要撤下的文章")
    cache.clear()
    forget_process_state()
    warm(client, "/laodongmei/")
    article.unpublish()
    return article


def evict_the_version(cache, entry_key, version_key):
    """Fill the cache until its own eviction (a cull, LRU) has removed the tag's version, the page's
    entry staying in use as readers would keep it (stored again when the eviction took it too)."""
    entry, filler = cache.get(entry_key), 0
    assert entry is not None
    while cache.has_key(version_key):
        filler += 1
        cache.set(f"filler:{filler}", "x" * 2000)
        if cache.get(entry_key) is None:
            cache.set(entry_key, entry, 600)
    assert cache.has_key(entry_key)


COLUMN_ENTRY = "page-cache:http://testserver:/laodongmei/:"


def test_a_culled_version_does_not_bring_back_a_page_rendered_before_an_unpublication(client, series, settings, tmp_path):
    settings.CACHES = {
        **settings.CACHES,
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",  # Django's own random cull
            "LOCATION": str(tmp_path / "cache"),
            "OPTIONS": {"MAX_ENTRIES": 40, "CULL_FREQUENCY": 3},
        },
    }
    from django.core.cache import cache as file_cache

    listing_cached_before_an_unpublication(client, series)
    evict_the_version(file_cache, COLUMN_ENTRY, VERSION_PREFIX + page_tag(series.get_parent()))
    forget_process_state()  # another process, or this one a second later
    client.get("/laodongmei/?page=2")  # another render of the column sets its version up again

    assert "将要撤下的文章" not in client.get("/laodongmei/").content.decode()


def test_an_evicted_redis_version_does_not_bring_back_a_page_rendered_before_an_unpublication(client, series, settings):
    with private_redis(maxmemory="2mb", policy="allkeys-lru") as url:
        settings.CACHES = {**settings.CACHES, "default": {"BACKEND": "core.cache_backends.ReusingRedisCache", "LOCATION": url}}
        from django.core.cache import cache as redis_cache

        listing_cached_before_an_unpublication(client, series)
        evict_the_version(redis_cache, COLUMN_ENTRY, VERSION_PREFIX + page_tag(series.get_parent()))
        forget_process_state()
        client.get("/laodongmei/?page=2")  # another render of the column sets its version up again

        assert "将要撤下的文章" not in client.get("/laodongmei/").content.decode()


@contextmanager
def private_redis(maxmemory, policy):
    """A Redis of this test's own, on a free port: eviction must not touch the shared one."""
    port = free_port()
    server = subprocess.Popen(
        ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
         "--maxmemory", maxmemory, "--maxmemory-policy", policy],
        stdout=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        for _ in range(100):
            with socket.socket() as probe:
                if probe.connect_ex(("127.0.0.1", port)) == 0:
                    break
            time.sleep(0.05)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        server.terminate()
        server.wait(10)


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]
