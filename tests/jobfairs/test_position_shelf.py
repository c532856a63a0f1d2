"""Staff beside the host press 「正在讲解」; the public fair page pins that position through `now/`: one
answer for every reader, kept two seconds, renewed at once by a press."""

import json
import re
import time
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.test import Client
from django.utils import timezone

from core.page_cache import forget_process_state
from jobfairs.models import ShelfPress
from tests.jobfairs.factories import EmployerFactory, JobFairPageFactory, complete_position

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()
    forget_process_state()


def fair_on_air(**fields):
    start = timezone.now() - timedelta(minutes=30)
    positions = [
        complete_position(employer=EmployerFactory(name="淮安精工机械有限公司"), job_title="数控车床操作工"),
        complete_position(employer=EmployerFactory(name="苏北快运物流有限公司"), job_title="叉车司机"),
        complete_position(employer=EmployerFactory(name="清江浦区人民医院"), job_title="护理员"),
    ]
    return JobFairPageFactory(start_at=start, end_at=start + timedelta(hours=2), positions=positions, **fields)


@pytest.fixture
def fair():
    return fair_on_air()


@pytest.fixture
def staff(client, make_staff):
    client.force_login(make_staff("shipin", roles=["视频"]))
    return client


def shelf_of(fair):
    return f"/admin/fair-shelf/{fair.pk}/"


def position(fair, number):
    return fair.positions.order_by("sort_order")[number - 1]


def now_answer(fair):
    response = Client().get(f"{fair.url}now/")
    assert response.status_code == 200
    return response, json.loads(response.content)


def test_a_press_pins_the_position_for_readers_at_once(staff, fair):
    assert now_answer(fair)[1] == {"state": "live", "position": None}
    staff.post(shelf_of(fair), {"position": position(fair, 2).pk})
    shown = now_answer(fair)[1]["position"]
    assert (shown["number"], shown["title"], shown["employer"]) == (2, "叉车司机", "苏北快运物流有限公司")
    assert shown["url"] == f"{fair.url}positions/2/"


def test_every_reader_shares_one_answer_kept_two_seconds(fair):
    first, _ = now_answer(fair)
    second, _ = now_answer(fair)
    assert (first["X-Page-Cache"], second["X-Page-Cache"]) == ("miss", "hit")
    assert 1 <= int(re.search(r"\bmax-age=(\d+)", second["Cache-Control"]).group(1)) <= 2  # counted down as it is kept
    assert "public" in second["Cache-Control"]
    assert "Set-Cookie" not in second and "cookie" not in second.get("Vary", "").lower()


def test_an_answer_is_renewed_after_two_seconds_even_without_a_bump(fair):
    now_answer(fair)
    ShelfPress.objects.create(fair=fair, position=position(fair, 3))  # as another process might, its bump not seen here
    assert now_answer(fair)[1]["position"] is None
    time.sleep(2.1)
    assert now_answer(fair)[1]["position"]["title"] == "护理员"


def test_ending_the_presentation_unpins_it(staff, fair):
    staff.post(shelf_of(fair), {"position": position(fair, 1).pk})
    staff.post(shelf_of(fair), {"end": "1"})
    assert now_answer(fair)[1]["position"] is None
    assert [press.position for press in ShelfPress.objects.all()] == [position(fair, 1), None]


def test_undo_takes_back_a_mistaken_press(staff, fair):
    staff.post(shelf_of(fair), {"position": position(fair, 1).pk})
    staff.post(shelf_of(fair), {"position": position(fair, 3).pk})
    staff.post(shelf_of(fair), {"undo": ShelfPress.objects.newest_first().first().pk})
    assert now_answer(fair)[1]["position"]["number"] == 1


def test_a_double_tap_on_undo_takes_back_only_one_press(staff, fair):
    staff.post(shelf_of(fair), {"position": position(fair, 1).pk})
    staff.post(shelf_of(fair), {"position": position(fair, 3).pk})
    shown_with = ShelfPress.objects.newest_first().first().pk
    staff.post(shelf_of(fair), {"undo": shown_with})
    response = staff.post(shelf_of(fair), {"undo": shown_with}, follow=True)
    assert "上一次操作已经变了" in response.text
    assert [press.position for press in ShelfPress.objects.all()] == [position(fair, 1)]


def test_a_position_that_is_no_number_is_refused(staff, fair):
    response = staff.post(shelf_of(fair), {"position": "二"}, follow=True)
    assert response.status_code == 200 and "没有这个岗位" in response.text
    assert not ShelfPress.objects.exists()


def test_the_staff_page_shows_what_is_presented_and_every_position(staff, fair):
    staff.post(shelf_of(fair), {"position": position(fair, 2).pk})
    html = staff.get(shelf_of(fair)).text
    assert "正在讲解：<strong>2. 叉车司机</strong>" in html
    assert html.count('name="position"') == 3 and 'class="presenting"' in html


def test_presses_are_refused_outside_the_live(staff):
    upcoming = JobFairPageFactory()
    response = staff.post(shelf_of(upcoming), {"position": upcoming.positions.first().pk}, follow=True)
    assert "招聘会不在直播中" in response.text
    assert not ShelfPress.objects.exists()


def test_a_position_of_another_fair_cannot_be_pressed(staff, fair):
    other = fair_on_air()
    response = staff.post(shelf_of(fair), {"position": position(other, 1).pk}, follow=True)
    assert "没有这个岗位" in response.text
    assert not ShelfPress.objects.exists()


def test_a_reviewer_may_not_press(client, make_staff, fair):
    client.force_login(make_staff("chushen", roles=["初审"]))
    response = client.post(shelf_of(fair), {"position": position(fair, 1).pk})
    assert response.status_code == 302 and response["Location"] == "/admin/"  # the admin's answer to PermissionDenied
    assert not ShelfPress.objects.exists()


def test_readers_cannot_reach_the_shelf(client, fair):
    response = client.post(shelf_of(fair), {"position": position(fair, 1).pk})
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    assert not ShelfPress.objects.exists()


def test_the_live_page_pins_only_with_javascript_and_lists_every_position_without(fair):
    html = Client().get(fair.url).text
    assert f'data-now-presenting="{fair.url}now/" aria-live="polite" hidden>' in html and "now_presenting.js" in html
    assert html.count('class="position-item"') == 3


def test_a_fair_not_on_air_pins_nothing(fair):
    ShelfPress.objects.create(fair=fair, position=position(fair, 1))
    fair.end_at = timezone.now() - timedelta(minutes=1)
    fair.save_revision().publish()
    assert now_answer(fair)[1] == {"state": "ended", "position": None}
    assert "now_presenting.js" not in Client().get(fair.url).text
