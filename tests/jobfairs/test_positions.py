"""Each position's own page with its JobPosting markup, the filters over a fair's positions and their
caching, and the printable list."""

import json
import re
from datetime import timedelta

import pytest
import time_machine
from django.core.cache import cache
from django.utils import timezone

from jobfairs.models import Position
from tests.jobfairs.factories import EmployerFactory, JobFairPageFactory, complete_position

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()


def job_posting(html):
    found = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    return json.loads(found[0]) if found else None


@pytest.fixture
def fair(db):
    machines = EmployerFactory(name="淮安精工机械有限公司", industry="制造业")
    logistics = EmployerFactory(name="苏北快运物流有限公司", industry="交通运输", address="淮安市淮阴区长江路8号")
    positions = [
        complete_position(employer=machines, job_title="数控车床操作工", pay_min=6000, pay_max=8000, district="清江浦区"),
        complete_position(
            employer=logistics,
            job_title="仓库分拣员",
            pay_min=180,
            pay_max=220,
            pay_unit=Position.PayUnit.DAY,
            district="淮阴区",
            education=Position.Education.JUNIOR,
            employment_type=Position.EmploymentType.TEMPORARY,
        ),
        complete_position(
            employer=logistics,
            job_title="叉车司机",
            pay_min=0,
            pay_max=0,
            pay_unit=Position.PayUnit.PIECE,
            district="淮阴区",
            education=Position.Education.ANY,
        ),
    ]
    start = timezone.now() - timedelta(days=2)
    return JobFairPageFactory(start_at=start, end_at=start + timedelta(hours=2), positions=positions)


def test_the_fair_lists_its_positions_and_links_each_to_its_own_page(client, fair):
    html = client.get(fair.url).text
    for number in (1, 2, 3):
        assert f'href="{fair.url}positions/{number}/"' in html


def test_a_position_page_shows_every_item_and_its_job_posting(client, fair):
    response = client.get(f"{fair.url}positions/2/")
    assert response.status_code == 200
    html = response.text
    assert "仓库分拣员" in html and "苏北快运物流有限公司" in html and "180–220 元/天" in html and "临时工" in html
    posting = job_posting(html)
    assert posting["@type"] == "JobPosting" and posting["title"] == "仓库分拣员"
    assert posting["employmentType"] == "TEMPORARY"
    assert posting["hiringOrganization"] == {"@type": "Organization", "name": "苏北快运物流有限公司"}
    assert posting["jobLocation"]["address"]["addressLocality"] == "淮阴区"
    assert posting["baseSalary"] == {
        "@type": "MonetaryAmount",
        "currency": "CNY",
        "value": {"@type": "QuantitativeValue", "minValue": 180, "maxValue": 220, "unitText": "DAY"},
    }
    assert posting["datePosted"] == timezone.localdate().isoformat()
    assert posting["validThrough"].startswith((timezone.localdate() + timedelta(days=31)).isoformat())
    assert "按图纸加工零件" in posting["description"]


def test_the_job_posting_is_gone_after_the_positions_last_valid_day(client, fair):
    position = fair.positions.get(job_title="仓库分拣员")
    with time_machine.travel(timezone.localtime().replace(hour=23, minute=0) + timedelta(days=30), tick=False):
        assert job_posting(client.get(f"{fair.url}positions/2/").text) is not None
        assert position.valid_until == timezone.localdate()
    with time_machine.travel(timezone.localtime().replace(hour=0, minute=1) + timedelta(days=31), tick=False):
        html = client.get(f"{fair.url}positions/2/").text
        assert job_posting(html) is None and "已过有效期" in html


def test_a_cached_position_page_expires_when_its_validity_ends(client, fair):
    client.get(f"{fair.url}positions/1/")
    assert client.get(f"{fair.url}positions/1/")["X-Page-Cache"] == "hit"
    with time_machine.travel(timezone.localtime().replace(hour=0, minute=0, second=1) + timedelta(days=31), tick=False):
        response = client.get(f"{fair.url}positions/1/")
        assert response["X-Page-Cache"] == "miss" and job_posting(response.text) is None


def test_text_in_a_position_cannot_break_out_of_the_job_posting(client, fair):
    fair.positions.filter(job_title="数控车床操作工").update(duties='加工零件</script><script>alert("x")</script>')
    html = client.get(f"{fair.url}positions/1/").text
    assert '<script>alert("x")</script>' not in html
    assert job_posting(html)["description"].startswith('加工零件</script><script>alert("x")</script>')


def test_a_position_number_past_the_list_is_not_found(client, fair):
    assert client.get(f"{fair.url}positions/4/").status_code == 404
    assert client.get(f"{fair.url}positions/0/").status_code == 404


def test_a_filter_offers_only_what_the_positions_hold(client, fair):
    filters = {f.key: [value for value, _label in f.options] for f in client.get(fair.url).context["filters"]}
    assert filters["industry"] == ["交通运输", "制造业"]
    assert filters["district"] == ["淮阴区", "清江浦区"]
    assert filters["pay"] == ["lt4000", "4000-6000", "6000-8000", "piece"]  # 180–220 a day: 3915–4785 a month
    assert filters["education"] == ["junior", "senior"]


@pytest.mark.parametrize(
    ("query", "titles"),
    [
        ({"district": "淮阴区"}, ["仓库分拣员", "叉车司机"]),
        ({"industry": "制造业"}, ["数控车床操作工"]),
        ({"pay": "4000-6000"}, ["仓库分拣员"]),
        ({"pay": "6000-8000"}, ["数控车床操作工"]),
        ({"pay": "piece"}, ["叉车司机"]),
        ({"education": "junior"}, ["仓库分拣员", "叉车司机"]),  # 学历不限 suits everyone
        ({"district": "淮阴区", "pay": "piece", "industry": ""}, ["叉车司机"]),
    ],
)
def test_filters_narrow_the_list_without_javascript(client, fair, query, titles):
    response = client.get(fair.url, query)
    assert [position.job_title for position in response.context["positions"]] == titles


def test_a_filtered_page_is_cached_under_its_own_options(client, fair):
    first = client.get(fair.url, {"district": "淮阴区"})
    assert first["X-Page-Cache"] == "miss"
    assert client.get(fair.url, {"district": "淮阴区"})["X-Page-Cache"] == "hit"
    other = client.get(fair.url, {"district": "清江浦区"})
    assert other["X-Page-Cache"] == "miss" and "仓库分拣员" not in other.context["positions"]


@pytest.mark.parametrize("query", [{"district": "火星区"}, {"pay": "1"}, {"district": "淮阴区", "utm": "x"}])
def test_a_filter_value_the_fair_does_not_offer_renders_uncached(client, fair, query):
    assert client.get(fair.url, query).status_code == 200
    assert "X-Page-Cache" not in client.get(fair.url, query)


def test_a_filter_key_on_a_page_without_filters_is_not_stored(client, fair):
    article_like = fair.get_parent()
    client.get(article_like.url, {"district": "淮阴区"})
    assert "X-Page-Cache" not in client.get(article_like.url, {"district": "淮阴区"})


def test_the_printable_list_has_every_position_and_a_qr_code_to_the_fair(client, fair):
    response = client.get(f"{fair.url}print/")
    html = response.text
    for text in ("淮安精工机械有限公司", "数控车床操作工", "6000–8000 元/月", "0517-83600000 王女士", "苏北快运物流有限公司"):
        assert text in html
    assert "<svg" in html and "print_list.css" in html
    assert html.count("<tr>") == 4  # the head and three positions


def test_a_piece_rate_position_has_no_base_salary_in_its_job_posting(client, fair):
    posting = job_posting(client.get(f"{fair.url}positions/3/").text)
    assert posting["title"] == "叉车司机" and "baseSalary" not in posting


def test_a_position_approved_half_filled_in_shows_without_a_job_posting(client, fair):
    fair.positions.filter(job_title="数控车床操作工").update(employer=None, pay_unit="")
    response = client.get(f"{fair.url}positions/1/")
    assert response.status_code == 200 and job_posting(response.text) is None


def test_the_job_posting_url_is_the_positions_own_address_whatever_the_query(client, fair):
    posting = job_posting(client.get(f"{fair.url}positions/1/", {"district": "淮阴区"}).text)
    assert posting["url"] == f"http://localhost{fair.url}positions/1/"


def test_an_employers_edit_shows_on_the_cached_fair(client, fair, django_capture_on_commit_callbacks):
    client.get(fair.url)
    employer = fair.positions.get(job_title="数控车床操作工").employer
    with django_capture_on_commit_callbacks(execute=True):
        employer.name = "淮安精工智能装备有限公司"
        employer.save()
    assert "淮安精工智能装备有限公司" in client.get(fair.url).text


def test_a_position_page_is_not_stored_under_a_filter(client, fair):
    client.get(f"{fair.url}positions/1/", {"district": "淮阴区"})
    assert "X-Page-Cache" not in client.get(f"{fair.url}positions/1/", {"district": "淮阴区"})
