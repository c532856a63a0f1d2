"""Job fair page figures, on SQLite and on PostgreSQL, in one run.

Three fairs in their replay state, with 10, 100 and 300 positions from 60 employers, every position
marked on the replay (so the page carries its chapters and 「看讲解」 buttons), live rooms and the
filters. For each database:
1. queries for the uncached fair page, a filtered fair page, a position page and the printable list,
   at 10, 100 and 300 positions: they must not grow with the positions;
2. the uncached render time of the 300-position fair page, its filtered page and its printable list,
   as ratios of an article page's (ten paragraphs) measured in the same run, in the same process
   (median of repeated renders through Django's test client).

3. under gunicorn (2 workers, Redis, wrk on the same machine): the live fair's pinned-position answer
   (`now/`, polled by every phone on the page) in requests per second against /ping;
4. 「我感兴趣」 flooded from one address with a new phone number per request: accepted and refused
   counts and p99, and the fair page's latency with the flood beside it and without.

Run with `make bench` or `python bench/jobfair.py`; BENCH_QUICK=1 renders fewer times and loads shorter.
"""

import http.client
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from datetime import timedelta
from pathlib import Path

from scratch import database, free_port, gunicorn, load, production_env

REPO = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
QUICK = os.environ.get("BENCH_QUICK") == "1"
SIZES = (10, 100, 300)
EMPLOYERS = 60
RENDERS = 10 if QUICK else 40
INDUSTRIES = ("制造业", "交通运输、仓储和邮政业", "农副食品加工业", "建筑业", "住宿和餐饮业", "居民服务业")
DISTRICTS = ("清江浦区", "淮阴区", "淮安区", "洪泽区", "涟水县", "盱眙县", "金湖县")
UNCACHED = "nocache=1"  # any query key no page accepts: rendered every time, never stored
LOAD_SECONDS = 4 if QUICK else 10
CONNECTIONS = 8
REDIS_DB = 13  # the page cache and the rate limits, as in production; emptied before each database
FLOOD_CLIENTS = 4


# --- the child: builds the fairs and measures them from inside Django ----------------------------


def django_setup():
    sys.path.insert(0, str(REPO))
    import django

    django.setup()


def credit_code(number):
    from jobfairs.credit_code import CHARSET, check_character

    body = f"91320800{number:08d}" + CHARSET[number % 10]
    return body + check_character(body)


def make_employers():
    from jobfairs.models import Employer

    return [
        Employer.objects.create(
            name=f"淮安第{number}机械制造有限公司",
            credit_code=credit_code(number),
            industry=INDUSTRIES[number % len(INDUSTRIES)],
            size=Employer.Size.UNDER_500,
            address=f"淮安市清江浦区工业园区纬{number}路18号",
            introduction="生产工程机械液压件和精密结构件。",
        )
        for number in range(1, EMPLOYERS + 1)
    ]


def make_replay():
    from django.utils import timezone

    from media_center.models import Rendition, Video

    replay = Video.objects.create(
        title="招聘会回放", status=Video.Status.READY, playable=True, progress=1.0, duration=3 * 3600.0,
        width=1920, height=1080, frame_rate=30.0, has_audio=True, ready_at=timezone.now(), is_public=True,
    )  # fmt: skip
    for name, height in (("1080p", 1080), ("720p", 720), ("360p", 360)):
        Rendition.objects.create(
            video=replay, name=name, width=height * 16 // 9, height=height, video_kbps=height * 4,
            playlist=f"{replay.prefix}/hls/{name}/index.m3u8", mp4=f"{replay.prefix}/mp4/{name}.mp4",
        )  # fmt: skip
    return replay


def make_fair(size, employers, replay, live=False):
    """A fair with `size` positions: in its replay, every position marked; or `live`, one position pressed."""
    from django.utils import timezone

    from columns.models import SeriesPage
    from jobfairs.models import FAIR_SERIES, JobFairPage, LiveRoom, Position, PositionMoment, ShelfPress

    start = timezone.now() - (timedelta(hours=1) if live else timedelta(days=2))
    fair = JobFairPage(
        title=f"春风行动直播招聘会（{size}个岗位）", slug=f"fair-{size}{'-live' if live else ''}", start_at=start, end_at=start + timedelta(hours=6 if live else 3),
        venue="淮安市工人文化宫", organiser="淮安市总工会", intro="百家企业、千个岗位，线上线下同步招聘。",
        replay=None if live else replay,
    )  # fmt: skip
    fair.live_rooms = [LiveRoom(platform="douyin", label="市总工会抖音号", url="https://v.douyin.com/abc/", room_number="8316")]
    pay_units = [("month", 5000, 8000), ("day", 180, 220), ("hour", 22, 26), ("piece", 0, 0)]
    educations = [value for value, _label in Position.Education.choices]
    fair.positions = [
        Position(
            employer=employers[number % len(employers)], job_title=f"数控车床操作工{number}", headcount=5,
            pay_min=pay_units[number % 4][1], pay_max=pay_units[number % 4][2], pay_unit=pay_units[number % 4][0],
            education=educations[number % len(educations)], experience="any", duties="按图纸加工零件，做好设备日常保养。" * 3,
            requirements="能看懂机械图纸。", district=DISTRICTS[number % len(DISTRICTS)], working_hours="做五休二",
            benefits="五险一金、包工作餐", contact="0517-83600000 王女士", valid_until=timezone.localdate() + timedelta(days=30),
        )
        for number in range(size)
    ]  # fmt: skip
    SeriesPage.objects.get(slug=FAIR_SERIES).add_child(instance=fair)
    fair.save_revision().publish()
    if live:
        ShelfPress.objects.create(fair=fair, position=fair.positions.order_by("sort_order")[4])
        return fair
    for number, position in enumerate(fair.positions.order_by("sort_order")):
        PositionMoment.objects.create(position=position, replay=replay, start=number * 30.0, end=number * 30.0 + 25)
    return fair


def make_article():
    from django.utils import timezone

    from columns.models import ArticlePage, SeriesPage

    paragraph = "市总工会组织劳模工匠进企业，围绕职工技能提升和权益保障开展宣讲，一线职工踊跃参加。" * 4
    article = ArticlePage(
        title="劳模工匠进企业宣讲活动走进园区", slug="bench-article", summary="劳模工匠进企业。", author="李晓雯",
        editor_in_charge="王敏", date_published=timezone.now(), body=[("paragraph", f"<p>{paragraph}</p>")] * 10,
    )  # fmt: skip
    SeriesPage.objects.get(slug="laomo-fengcai").add_child(instance=article)
    article.save_revision().publish()
    return article


def measure():
    """Build the pages, then print their figures as JSON."""
    django_setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    employers, replay = make_employers(), make_replay()
    fairs = {size: make_fair(size, employers, replay) for size in SIZES}
    article = make_article()
    live_fair = make_fair(SIZES[-1], employers, None, live=True)
    client = Client(HTTP_HOST="127.0.0.1")

    def urls(fair):
        return {
            "fair page": f"{fair.url}?{UNCACHED}",
            "filtered fair page": f"{fair.url}?district={DISTRICTS[1]}&{UNCACHED}",
            "position page": f"{fair.url}positions/3/?{UNCACHED}",
            "printable list": f"{fair.url}print/?{UNCACHED}",
        }

    def queries(url):
        client.get(url)  # renditions, QR codes and Wagtail's own caches filled once
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200, url
        return len(captured)

    def render_ms(url):
        client.get(url)
        times = []
        for _ in range(RENDERS):
            started = time.perf_counter()
            assert client.get(url).status_code == 200, url
            times.append((time.perf_counter() - started) * 1000)
        return statistics.median(times)

    counts = {
        name: {size: queries(url) for size, url in ((size, urls(fair)[name]) for size, fair in fairs.items())}
        for name in urls(fairs[10])
    }
    largest = urls(fairs[SIZES[-1]])
    article_url = f"{article.url}?{UNCACHED}"
    timings = {
        "article page": render_ms(article_url),
        **{name: render_ms(largest[name]) for name in ("fair page", "filtered fair page", "printable list")},
    }
    found = {"queries": counts, "article_queries": queries(article_url), "timings": timings}
    first = live_fair.positions.order_by("sort_order").first()
    print(
        json.dumps(
            {
                **found,
                "live_fair": {"url": live_fair.url, "id": live_fair.pk, "position": first.pk, "employer": first.employer_id},
            }
        )
    )


# --- the parent: one database per engine ------------------------------------------------------------


def run_database(engine, lines):
    import redis

    folder = Path(tempfile.mkdtemp(prefix=f"umc-bench-fair-{engine}-"))
    redis.Redis(host="127.0.0.1", db=REDIS_DB).flushdb()
    try:
        with database(engine, folder, prefix="umc_bench_fair") as url:
            env = production_env(url, folder, DATABASE_CONN_MAX_AGE="600", REDIS_URL=f"redis://127.0.0.1:6379/{REDIS_DB}")
            for command in (["migrate", "--noinput"], ["sync_taxonomy"], ["collectstatic", "--noinput"]):
                subprocess.run([PYTHON, "manage.py", *command], cwd=REPO, env=env, check=True, stdout=subprocess.DEVNULL)
            found = json.loads(
                subprocess.run(
                    [PYTHON, __file__, "measure"], cwd=REPO, env=env, check=True, stdout=subprocess.PIPE, text=True
                ).stdout
            )
            with gunicorn(env, free_port()) as base:
                under_load = live_load(engine, base, found["live_fair"])
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    for name, by_size in found["queries"].items():
        figures = ", ".join(f"{count} at {size}" for size, count in by_size.items())
        steady = "constant" if len(set(by_size.values())) == 1 else "GROWS"
        lines.append(f"{engine} queries, {name}: {figures} positions ({steady})")
    lines.append(f"{engine} queries, article page (baseline): {found['article_queries']}")
    timings = found["timings"]
    baseline = timings.pop("article page")
    lines.append(f"{engine} uncached article page (baseline): median {baseline:.1f} ms of {RENDERS} renders")
    for name, milliseconds in timings.items():
        lines.append(
            f"{engine} uncached {name}, {SIZES[-1]} positions: {milliseconds / baseline:.2f}x the article page "
            f"(median {milliseconds:.1f} ms of {RENDERS} renders)"
        )
    lines.extend(under_load)


def live_load(engine, base, fair):
    """Under gunicorn (2 workers, Redis): the pinned-position answer every phone on the live page polls,
    against /ping on the same server. Its lines."""
    lines = []
    ceiling, ceiling_p50, ceiling_p99 = load(f"{base}/ping", CONNECTIONS, LOAD_SECONDS)
    lines.append(f"{engine} ceiling /ping: {ceiling:.0f} req/s, p50 {ceiling_p50:.2f} ms, p99 {ceiling_p99:.2f} ms (baseline)")
    rps, p50, p99 = load(f"{base}{fair['url']}now/", CONNECTIONS, LOAD_SECONDS)
    ratio = rps / ceiling
    lines.append(
        f"{engine} pinned position (now/, {SIZES[-1]} positions, live): {ratio:.2f}x /ping's req/s (goal >= 0.8) "
        f"({rps:.0f} req/s, p50 {p50:.2f} ms, p99 {p99:.2f} ms) {'ok' if ratio >= 0.8 else 'MISSED'}"
    )
    lines += flood_lines(engine, base, fair)
    return lines


class SignUpFlood:
    """「我感兴趣」 sent as fast as FLOOD_CLIENTS connections can from one address (loopback), each with a new
    phone number, complete and consented: only the per-address limit can refuse them."""

    def __init__(self, base, fair):
        self.host = urllib.parse.urlsplit(base).netloc
        self.path = f"/interest/{fair['id']}/"
        self.fair = fair
        self.statuses, self.latencies = {}, []
        self.lock = threading.Lock()
        self.stop = threading.Event()
        self.numbers = iter(range(10**8))

    def form(self):
        """A CSRF cookie and its token from the form page, as a phone gets them."""
        connection = http.client.HTTPConnection(self.host, timeout=30)
        connection.request("GET", self.path)
        response = connection.getresponse()
        html = response.read().decode()
        cookie = re.search(r"csrftoken=([^;]+)", response.getheader("Set-Cookie", "")).group(1)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
        return connection, cookie, token

    def client(self):
        connection, cookie, token = self.form()
        headers = {"Content-Type": "application/x-www-form-urlencoded", "Cookie": f"csrftoken={cookie}"}
        while not self.stop.is_set():
            with self.lock:
                phone = f"139{next(self.numbers):08d}"
            body = urllib.parse.urlencode(
                {
                    "csrfmiddlewaretoken": token, "name": "压测用户", "phone": phone, "positions": self.fair["position"],
                    "consent_notice": "on", f"consent_{self.fair['employer']}": "on", "note": "",
                }
            )  # fmt: skip
            started = time.perf_counter()
            connection.request("POST", self.path, body=body, headers=headers)
            response = connection.getresponse()
            response.read()
            elapsed = (time.perf_counter() - started) * 1000
            sent = response.status == 302 and "/sent/" in (response.getheader("Location") or "")
            outcome = "accepted" if sent else response.status  # a form with errors is a 200
            with self.lock:
                self.statuses[outcome] = self.statuses.get(outcome, 0) + 1
                self.latencies.append(elapsed)

    def __enter__(self):
        self.threads = [threading.Thread(target=self.client) for _ in range(FLOOD_CLIENTS)]
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *exc):
        self.stop.set()
        for thread in self.threads:
            thread.join()


def flood_lines(engine, base, fair):
    """The sign-up endpoint under a flood from one address: what it accepted and refused, its p99, and
    the fair page's latency under wrk with and without the flood beside it."""
    page = f"{base}{fair['url']}"
    _rps, quiet_p50, quiet_p99 = load(page, CONNECTIONS, LOAD_SECONDS)
    with SignUpFlood(base, fair) as flood:
        _rps, busy_p50, busy_p99 = load(page, CONNECTIONS, LOAD_SECONDS)
    accepted, refused = flood.statuses.get("accepted", 0), flood.statuses.get(429, 0)
    others = sum(flood.statuses.values()) - accepted - refused
    p99 = statistics.quantiles(flood.latencies, n=100)[98]
    return [
        f"{engine} sign-up flood, {FLOOD_CLIENTS} connections from one address, a new phone number each: "
        f"{accepted} accepted, {refused} refused (429), {others} other answers, p99 {p99:.1f} ms",
        f"{engine} fair page ({SIZES[-1]} positions, cached) during the flood: p50 {busy_p50:.2f} ms, p99 {busy_p99:.2f} ms; "
        f"without: p50 {quiet_p50:.2f} ms, p99 {quiet_p99:.2f} ms ({busy_p50 / quiet_p50:.2f}x / {busy_p99 / quiet_p99:.2f}x)",
    ]


def main():
    if len(sys.argv) > 1 and sys.argv[1] == "measure":
        return measure()
    if not shutil.which("wrk"):
        sys.exit("wrk is missing: `make bench` installs Debian's wrk")
    lines = []
    for engine in ("sqlite", "postgresql"):
        print(f"# {engine}", file=sys.stderr)
        run_database(engine, lines)
    for line in lines:
        print(line)


if __name__ == "__main__":
    main()
