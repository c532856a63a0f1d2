import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError

from jobfairs.models import Employer
from tests.jobfairs.factories import EmployerFactory

pytestmark = pytest.mark.django_db


def test_an_employer_with_a_mistyped_credit_code_is_refused_on_that_field():
    employer = EmployerFactory.build(credit_code="91350100M000100Y44")
    with pytest.raises(ValidationError) as refused:
        employer.full_clean()
    assert "校验位不对" in refused.value.message_dict["credit_code"][0]


def test_an_employers_credit_code_is_kept_in_capitals():
    employer = EmployerFactory.build(credit_code="91350100m000100y43")
    employer.full_clean()
    assert employer.credit_code == "91350100M000100Y43"


@pytest.mark.parametrize("role", ["编辑", "初审", "复审", "终审", "管理员"])
def test_editors_and_reviewers_may_add_and_correct_employers(role):
    permissions = set(Group.objects.get(name=role).permissions.values_list("codename", flat=True))
    assert {"add_employer", "change_employer"} <= permissions


def test_only_administrators_keep_the_recruitment_word_lists():
    administrators = set(Group.objects.get(name="管理员").permissions.values_list("codename", flat=True))
    editors = set(Group.objects.get(name="编辑").permissions.values_list("codename", flat=True))
    lists = {
        f"{action}_{model}"
        for action in ("add", "change", "delete")
        for model in ("recruitmentbannedword", "recruitmentallowedphrase")
    }
    assert lists <= administrators and not lists & editors


def test_an_editor_adds_an_employer_in_the_admin_and_a_wrong_code_is_explained(client, make_staff):
    client.force_login(make_staff("zhaopin-danwei", columns=["zhibo-jiangang"]))
    url = "/admin/snippets/jobfairs/employer/add/"
    fields = {"name": "淮安港务有限公司", "industry": "交通运输", "size": "100-499", "address": "淮安市淮阴区"}
    html = client.post(url, {**fields, "credit_code": "91350100M000100Y44"}).content.decode()
    assert "统一社会信用代码的校验位不对" in html
    assert client.post(url, {**fields, "credit_code": "91350100M000100Y43"}).status_code == 302
    assert Employer.objects.filter(name="淮安港务有限公司").exists()
