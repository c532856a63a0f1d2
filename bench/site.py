"""Public-site figures with 100,000 generated articles, on SQLite and on PostgreSQL, in one run.

For each database:
1. queries per page (home, column, series, article; uncached) at 1,000 articles and at 100,000;
2. requests per second and p50/p99 latency under gunicorn (2 workers, Redis cache, wrk on the same
   machine) for an article page and a column page, cached and uncached, as ratios of a trivial
   Django view on the same server (`/ping`, the ceiling);
3. search p50/p99 for ten Chinese queries over HTTP;
4. the article page's transferred size: HTML + CSS + JS, gzip;
5. the uncached home page, and the floor: the article served with a template of only its title
   (bench/floor_settings.py), what Wagtail and Django cost before any template work.

Run with `make bench` or `python bench/site.py`. BENCH_QUICK=1 uses 20,000 articles and short runs.
"""

import gzip
import itertools
import json
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from datetime import timedelta
from pathlib import Path

from scratch import database, free_port, gunicorn, load, production_env

REPO = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
QUICK = os.environ.get("BENCH_QUICK") == "1"
TOTAL_ARTICLES = int(os.environ.get("BENCH_ARTICLES", 20_000 if QUICK else 100_000))
FIRST_ARTICLES = 1_000
LOAD_SECONDS = 4 if QUICK else 10
CONNECTIONS = 8
REDIS_DB = 14
SEARCH_QUERIES = [
    "招聘会",
    "劳动模范",
    "工人文化宫",
    "直播荐岗",
    "技能培训",
    "安全生产",
    "女职工",
    "困难职工",
    "新能源",
    "职工书屋",
]
SEARCH_REPEATS = 3 if QUICK else 10

WORDS = [
    "职工",
    "劳动模范",
    "工匠",
    "车间",
    "焊工",
    "电工",
    "技能培训",
    "工人文化宫",
    "招聘会",
    "直播荐岗",
    "岗位",
    "企业",
    "新能源",
    "安全生产",
    "女职工",
    "困难职工",
    "慰问",
    "帮扶",
    "工会",
    "夜校",
    "读书会",
    "职工书屋",
    "书法",
    "摄影",
    "展览",
    "比赛",
    "维权",
    "法律援助",
    "劳动合同",
    "户外劳动者",
    "驿站",
    "春节",
    "五一",
    "表彰",
    "创新工作室",
    "技术攻关",
    "志愿服务",
    "健身",
    "婚恋",
    "交友",
    "普惠",
    "文化",
    "宣讲",
    "课堂",
    "讲座",
    "社区",
    "园区",
    "煤矿",
    "制造",
]


# --- the child: fills and measures one database from inside Django ------------------------------


def django_setup():
    sys.path.insert(0, str(REPO))
    import django

    django.setup()


def vocabulary(size=20_000):
    """jieba's own dictionary: its most frequent words with their frequencies, so generated text has
    the long-tailed word counts of real Chinese rather than a handful of words in every article."""
    from core.search.backend import tokenizer

    words = sorted(
        ((word, freq) for word, freq in tokenizer().FREQ.items() if freq and 2 <= len(word) <= 4), key=lambda item: -item[1]
    )
    words = words[:size]
    return [word for word, _ in words], list(itertools.accumulate(freq for _, freq in words))


def fill(total):
    """Add generated live articles until there are `total`, spread over the 26 series, and index them.

    Each article has two of the union's own words (so each query word is in about 4% of articles)
    among sixty words drawn from jieba's dictionary by frequency. Rows are written in bulk with their
    tree paths computed here: saving 100,000 pages one by one through the page tree takes an hour.
    """
    django_setup()
    from django.contrib.contenttypes.models import ContentType
    from django.db import connection, transaction
    from django.utils import timezone
    from wagtail.models import Locale, Page
    from wagtail.search.backends import get_search_backend

    from columns.models import ArticlePage, SeriesPage
    from columns.tree import COLUMN_DEPTH, SERIES_DEPTH, ancestor_path

    random.seed(total)
    common_words, cumulative = vocabulary()
    content_type = ContentType.objects.get_for_model(ArticlePage)
    locale = Locale.get_default()
    series_list = list(SeriesPage.objects.order_by("path"))
    series_by_path = {series.path: series for series in series_list}
    column_by_path = dict(Page.objects.filter(depth=COLUMN_DEPTH).values_list("path", "pk"))
    existing = ArticlePage.objects.count()
    now = timezone.now()
    batch = 2_000
    backend = get_search_backend()
    fields = ArticlePage._meta.local_concrete_fields
    while existing < total:
        count = min(batch, total - existing)
        pages, articles = [], []
        with transaction.atomic():
            for offset in range(count):
                number = existing + offset
                series = series_list[number % len(series_list)]
                series.numchild += 1
                words = random.sample(WORDS, 2) + random.choices(common_words, cum_weights=cumulative, k=2)
                slug = f"a{number}"
                page = Page(
                    title=f"{words[2]}{words[0]}：{words[3]}与{words[1]}（第{number}期）",
                    slug=slug,
                    content_type=content_type,
                    locale=locale,
                    path=series.path + int2path(series.numchild),
                    depth=series.depth + 1,
                    numchild=0,
                    url_path=f"{series.url_path}{slug}/",
                    live=True,
                    has_unpublished_changes=False,
                    first_published_at=now,
                    last_published_at=now,
                )
                pages.append(page)
            Page.objects.bulk_create(pages)
            for page in Page.objects.filter(path__in=[page.path for page in pages]).only("id", "path", "title"):
                words = random.choices(common_words, cum_weights=cumulative, k=60)
                words[random.randrange(60)] = random.choice(WORDS)
                series = series_by_path[ancestor_path(page.path, SERIES_DEPTH)]
                article = ArticlePage(
                    page_ptr_id=page.pk,
                    series_id=series.pk,
                    column_id=column_by_path[ancestor_path(series.path, COLUMN_DEPTH)],
                    summary="".join(words[:8]) + "。",
                    body=[
                        (
                            "paragraph",
                            "<p>"
                            + "".join(f"{word}，" if index % 7 == 6 else word for index, word in enumerate(words))
                            + "。</p>",
                        )
                    ],
                    author="李晓雯",
                    editor_in_charge="王敏",
                    source="本站原创",
                    date_published=now - timedelta(minutes=random.randint(0, 500_000)),
                )
                articles.append(article)
            ArticlePage.objects._insert(articles, fields=fields)
            for series in series_list:
                Page.objects.filter(pk=series.pk).update(numchild=series.numchild)
        backend.add_bulk(ArticlePage, list(ArticlePage.get_indexed_objects().filter(pk__in=[page.pk for page in pages])))
        existing += count
        print(f"  {existing} articles", file=sys.stderr, flush=True)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")  # what autovacuum (or SQLite's optimize) does after a bulk load
    print(json.dumps(queries_per_page()))


def int2path(number):
    from wagtail.models import Page

    return Page._int2str(number).rjust(Page.steplen, "0")


def queries_per_page():
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from columns.models import ArticlePage

    article = ArticlePage.objects.live().order_by("-pk").first()
    urls = {"home": "/", "column": "/laodongmei/", "series": "/laodongmei/laomo-fengcai/", "article": article.url}
    client = Client(HTTP_HOST="127.0.0.1")
    counts = {}
    for name, url in urls.items():
        client.get(url + "?nocache=1")  # renditions and Wagtail's own caches filled once
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url + "?nocache=1").status_code == 200, url
        counts[name] = len(captured)
    return counts


def article_url():
    django_setup()
    from columns.models import ArticlePage

    print(ArticlePage.objects.live().order_by("pk")[TOTAL_ARTICLES // 2].url)


# --- the parent: databases, servers and load --------------------------------------------------


def manage(env, *args):
    subprocess.run([PYTHON, "manage.py", *args], cwd=REPO, env=env, check=True, stdout=subprocess.DEVNULL)


def child(env, *args):
    return subprocess.run([PYTHON, __file__, *args], cwd=REPO, env=env, check=True, stdout=subprocess.PIPE, text=True).stdout


def wrk(url):
    return load(url, CONNECTIONS, LOAD_SECONDS)


def search_latencies(base):
    samples = []
    for _ in range(SEARCH_REPEATS):
        for query in SEARCH_QUERIES:
            url = f"{base}/search/?q={urllib.parse.quote(query)}"
            started = time.perf_counter()
            with urllib.request.urlopen(url, timeout=30) as response:
                body = response.read().decode()
            samples.append((time.perf_counter() - started) * 1000)
            if "找到 0 篇文章" in body:
                raise RuntimeError(f"search for {query} found nothing")
    samples.sort()
    return statistics.median(samples), samples[min(len(samples) - 1, round(0.99 * (len(samples) - 1)))]


def gzip_size(url):
    request = urllib.request.Request(url, headers={"Accept-Encoding": "gzip"})
    with urllib.request.urlopen(request, timeout=30) as response:
        body = response.read()
        if response.headers.get("Content-Encoding") != "gzip":
            body = gzip.compress(body)
    return len(body), gzip.decompress(body).decode("utf-8", "replace")


def transferred_size(base, path):
    size, html = gzip_size(base + path)
    assets = re.findall(r'<link rel="stylesheet" href="([^"]+)"', html) + re.findall(r'<script src="([^"]+)"', html)
    return size + sum(gzip_size(base + asset)[0] for asset in assets), len(assets)


def run_database(engine, lines):
    import redis

    folder = Path(tempfile.mkdtemp(prefix=f"umc-bench-{engine}-"))
    redis.Redis(host="127.0.0.1", db=REDIS_DB).flushdb()
    try:
        with database(engine, folder) as url:
            env = production_env(url, folder, DATABASE_CONN_MAX_AGE="600", REDIS_URL=f"redis://127.0.0.1:6379/{REDIS_DB}")
            manage(env, "migrate", "--noinput")
            manage(env, "sync_taxonomy")
            manage(env, "collectstatic", "--noinput")
            small = json.loads(child(env, "fill", str(FIRST_ARTICLES)))
            started = time.perf_counter()
            large = json.loads(child(env, "fill", str(TOTAL_ARTICLES)))
            print(f"  filled and indexed in {time.perf_counter() - started:.0f} s", file=sys.stderr)
            article = child(env, "article-url").strip()
            for page in small:
                lines.append(
                    f"{engine} queries per page, {page}: {small[page]} at {FIRST_ARTICLES:,} articles, "
                    f"{large[page]} at {TOTAL_ARTICLES:,} ({'constant' if small[page] == large[page] else 'GROWS'})"
                )
            with gunicorn(env, free_port()) as base:
                ceiling, ceiling_p50, ceiling_p99 = wrk(f"{base}/ping")
                lines.append(
                    f"{engine} ceiling /ping: {ceiling:.0f} req/s, p50 {ceiling_p50:.2f} ms, p99 {ceiling_p99:.2f} ms (baseline)"
                )
                for name, path in (("article", article), ("column", "/laodongmei/")):
                    for mode, suffix, goal in (("cached", "", 0.8), ("uncached", "?nocache=1", 0.25)):
                        rps, p50, p99 = wrk(base + path + suffix)
                        ratio = rps / ceiling
                        lines.append(
                            f"{engine} {name} page {mode}: {ratio:.2f}x the ceiling's req/s (goal >= {goal}), "
                            f"p50 {p50 / ceiling_p50:.1f}x / p99 {p99 / ceiling_p99:.1f}x the ceiling's latency "
                            f"({rps:.0f} req/s, p50 {p50:.1f} ms, p99 {p99:.1f} ms) {'ok' if ratio >= goal else 'MISSED'}"
                        )
                p50, p99 = search_latencies(base)
                lines.append(
                    f"{engine} search, 10 Chinese queries x {SEARCH_REPEATS} on {TOTAL_ARTICLES:,} articles: "
                    f"p50 {p50:.0f} ms ({p50 / ceiling_p50:.0f}x the ceiling), p99 {p99:.0f} ms"
                )
                size, assets = transferred_size(base, article)
                lines.append(
                    f"{engine} article page transferred (HTML + {assets} CSS/JS files, gzip): {size / 1024:.1f} KB "
                    f"(goal <= 60 KB) {'ok' if size <= 60 * 1024 else 'MISSED'}"
                )
                rps, p50, _ = wrk(base + "/?nocache=1")
                lines.append(
                    f"{engine} home page uncached (no goal): {rps / ceiling:.2f}x the ceiling's req/s ({rps:.0f} req/s, p50 {p50:.1f} ms)"
                )
            with gunicorn(env, free_port(), settings="bench.floor_settings") as base:
                rps, p50, _ = wrk(base + article + "?nocache=1")
                lines.append(
                    f"{engine} floor: article page uncached with a template of only its title: {rps / ceiling:.2f}x the "
                    f"ceiling's req/s ({rps:.0f} req/s, p50 {p50:.1f} ms): no uncached page can beat this here"
                )
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def main():
    if len(sys.argv) > 1 and sys.argv[1] == "fill":
        return fill(int(sys.argv[2]))
    if len(sys.argv) > 1 and sys.argv[1] == "article-url":
        return article_url()
    if not shutil.which("wrk"):
        sys.exit("wrk is missing: `make bench` installs Debian's wrk")
    lines = []
    for engine in ("sqlite", "postgresql"):
        print(f"# {engine}: {TOTAL_ARTICLES:,} articles", file=sys.stderr)
        run_database(engine, lines)
    for line in lines:
        print(line)


if __name__ == "__main__":
    main()
