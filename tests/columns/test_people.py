"""People and groups as the admin shows them: 姓名 in Chinese order, column editor groups by their column."""

import json
import re

import pytest
from django.contrib.auth.models import Group

from tests.factories import UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.once]  # rendering and signing: the database engine changes nothing here


@pytest.fixture
def li_xiaowen(make_staff):
    user = make_staff("lixiaowen", roles=["初审"], columns=["laodongmei"])
    user.first_name, user.last_name = "晓雯", "李"
    user.save()
    return user


def checkbox_labels(html):
    return re.findall(r'<input type="checkbox" name="groups"[^>]*>\s*([^<]+?)\s*</label>', html)


def test_user_form_shows_column_editor_groups_by_their_column(client, superuser, li_xiaowen):
    client.force_login(superuser)
    labels = checkbox_labels(client.get(f"/admin/users/edit/{li_xiaowen.pk}/").content.decode())
    assert "编辑 · 劳动美" in labels and "初审" in labels
    assert not any("@" in label for label in labels)
    assert Group.objects.filter(name="编辑@laodongmei").exists()  # the stored name code looks up is unchanged


def test_users_list_filters_by_groups_named_by_their_column(client, superuser, li_xiaowen):
    client.force_login(superuser)
    html = client.get("/admin/users/").content.decode()
    assert "编辑 · 劳动美" in html and "编辑@laodongmei" not in html


def test_users_list_shows_the_surname_first(client, superuser, li_xiaowen):
    client.force_login(superuser)
    assert "李晓雯" in client.get("/admin/users/").content.decode()


def test_a_full_name_is_written_in_its_own_scripts_order():
    assert UserFactory.build(first_name="晓雯", last_name="李").get_full_name() == "李晓雯"
    assert UserFactory.build(first_name="Anna", last_name="Li").get_full_name() == "Anna Li"


@pytest.mark.parametrize("url", ["/admin/users/new/", "/admin/users/edit/{pk}/", "/admin/account/"])
def test_name_fields_ask_for_the_surname_before_the_given_name(client, superuser, url):
    client.force_login(superuser)
    html = client.get(url.format(pk=superuser.pk)).content.decode()
    assert html.index("last_name") < html.index("first_name")


def test_sidebar_shows_the_whole_name(client, li_xiaowen):
    client.force_login(li_xiaowen)
    html = client.get("/admin/").content.decode()
    props = json.loads(re.search(r'<script id="wagtail-sidebar-props" type="application/json">(.*?)</script>', html).group(1))
    assert "李晓雯" in json.dumps(props, ensure_ascii=False)
