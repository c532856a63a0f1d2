import pytest
from django.contrib.auth.models import Group

from jobfairs.demo import load_demo_fairs
from signups.demo import load_demo_signups
from signups.models import Signup


@pytest.mark.parametrize("role", ["编辑", "初审", "复审", "终审", "视频", "管理员"])
def test_every_role_may_see_sign_ups(db, role):
    assert Group.objects.get(name=role).permissions.filter(codename="view_signup").exists()


@pytest.mark.parametrize("role", ["编辑", "初审", "复审", "终审", "视频"])
def test_only_administrators_may_export_them(db, role):
    assert not Group.objects.get(name=role).permissions.filter(codename="export_signup").exists()
    assert Group.objects.get(name="管理员").permissions.filter(codename="export_signup").exists()


def test_the_demo_gives_the_demo_fairs_fictional_sign_ups_once(db):
    load_demo_fairs()
    assert load_demo_signups() == 7
    assert load_demo_signups() == 0
    assert Signup.objects.count() == 7
    assert all(phone.startswith("138000000") for phone in Signup.objects.values_list("phone", flat=True))
