"""Positions on the way to 三审: every required item, no sensitive or banned words, and 终审's override."""

import pytest
from wagtail.models import WorkflowState

from jobfairs.models import JobFairPage
from tests.jobfairs.factories import complete_position

pytestmark = pytest.mark.django_db


def refused(response):
    assert response.status_code == 200, response.get("Location")
    return response.content.decode()


def test_a_complete_fair_submitted_by_its_editor_starts_the_three_step_review(fair_staff, fair_series):
    response = fair_staff["editor"].add_fair(fair_series, action="submit", title="春季招聘直播")
    assert response.status_code == 302, response.content.decode()[:3000]
    fair = JobFairPage.objects.get(title="春季招聘直播")
    state = WorkflowState.objects.get(object_id=str(fair.pk))
    assert state.workflow.name == "三审" and state.current_task_state.task.name == "初审"


def test_a_position_missing_an_item_is_refused_naming_the_position_and_the_field(fair_staff, fair_series):
    positions = [complete_position(), complete_position(benefits="", valid_until=None)]
    html = refused(fair_staff["editor"].add_fair(fair_series, positions=positions, title="缺项的招聘会"))
    assert "第2个岗位·福利待遇未填写" in html and "第2个岗位·有效期至未填写" in html
    assert "第1个岗位" not in html
    assert not JobFairPage.objects.filter(title="缺项的招聘会").exists()


def test_every_required_item_is_named_when_a_position_is_empty(fair_staff, fair_series):
    empty = complete_position(**dict.fromkeys(JobFairPage.position_required_fields))
    html = refused(fair_staff["editor"].add_fair(fair_series, positions=[empty]))
    for label in ("招聘单位", "岗位名称", "招聘人数", "薪酬下限", "薪酬上限", "薪酬单位", "学历要求", "经验要求"):
        assert f"第1个岗位·{label}未填写" in html
    for label in ("岗位职责", "工作地点", "工作时间", "福利待遇", "联系方式", "有效期至"):
        assert f"第1个岗位·{label}未填写" in html


def test_a_draft_with_half_filled_positions_still_saves(fair_staff, fair_series):
    positions = [complete_position(job_title="", headcount=None, employer=None)]
    response = fair_staff["editor"].add_fair(fair_series, action="draft", positions=positions, title="草稿招聘会")
    assert response.status_code == 302
    assert JobFairPage.objects.get(title="草稿招聘会").get_latest_revision_as_object().positions.count() == 1


def test_pay_above_its_ceiling_is_refused(fair_staff, fair_series):
    html = refused(fair_staff["editor"].add_fair(fair_series, positions=[complete_position(pay_min=9000, pay_max=6000)]))
    assert "第1个岗位·薪酬上限低于薪酬下限" in html


def test_a_banned_word_in_a_position_is_refused_naming_the_word_the_position_and_the_field(fair_staff, fair_series):
    positions = [complete_position(), complete_position(requirements="身体健康，限男性，35岁以下。")]
    html = refused(fair_staff["editor"].add_fair(fair_series, positions=positions, title="含禁用词的招聘会"))
    assert "含有招聘禁用词" in html and "招聘禁用词「限男」（第2个岗位·任职要求）" in html
    assert not JobFairPage.objects.filter(title="含禁用词的招聘会").exists()


def test_look_alike_phrases_in_a_position_pass(fair_staff, fair_series):
    text = "男女不限，不限户籍，有无户口均可，欢迎残疾人，乙肝携带者可。"
    response = fair_staff["editor"].add_fair(fair_series, positions=[complete_position(requirements=text)])
    assert response.status_code == 302, response.content.decode()[:3000]


def test_a_sensitive_word_in_a_position_is_refused_naming_the_position(fair_staff, fair_series):
    from columns.models import SensitiveWord

    SensitiveWord.objects.create(word="赌博")
    html = refused(fair_staff["editor"].add_fair(fair_series, positions=[complete_position(duties="负责赌博场所安保。")]))
    assert "敏感词「赌博」（第1个岗位·岗位职责）" in html


@pytest.fixture
def blocked_draft(fair_staff, fair_series):
    """A fair for underground work, which state rules close to women: refused until 终审 lets it through."""
    position = complete_position(job_title="井下采掘工", requirements="井下作业，限男性。")
    response = fair_staff["editor"].add_fair(fair_series, action="draft", positions=[position], title="矿山专场招聘会")
    assert response.status_code == 302
    return JobFairPage.objects.get(title="矿山专场招聘会")


REASON = "井下作业，依《女职工劳动保护特别规定》附录禁忌从事"


def test_an_editor_may_not_write_an_override_reason(fair_staff, blocked_draft):
    html = refused(fair_staff["editor"].edit_fair(blocked_draft, **{"positions-0-override_reason": REASON}))
    assert "只有终审可以填写或修改放行理由（第1个岗位·放行理由）" in html
    blocked_draft.refresh_from_db()
    assert blocked_draft.get_latest_revision_as_object().positions.first().override_reason == ""


def test_a_final_reviewer_lets_one_position_through_and_the_revision_records_who_and_why(fair_staff, blocked_draft, make_staff):
    from django.test import Client

    from tests.jobfairs.conftest import FairEditor

    final = FairEditor(Client(), make_staff("zhongshen-jianbianji", roles=["终审"], columns=["zhibo-jiangang"]))
    assert final.edit_fair(blocked_draft, **{"positions-0-override_reason": REASON}).status_code == 302
    blocked_draft.refresh_from_db()
    position = blocked_draft.get_latest_revision_as_object().positions.first()
    assert position.override_reason == REASON and position.override_by == final.user

    response = fair_staff["editor"].edit_fair(blocked_draft, action="submit")
    assert response.status_code == 302, response.content.decode()[:3000]
    assert WorkflowState.objects.filter(object_id=str(blocked_draft.pk), status="in_progress").exists()


def test_without_the_override_the_same_fair_is_refused(fair_staff, blocked_draft):
    html = refused(fair_staff["editor"].edit_fair(blocked_draft, action="submit"))
    assert "招聘禁用词「限男」（第1个岗位·任职要求）" in html


def test_an_editors_later_change_to_a_let_through_position_ends_the_override(fair_staff, blocked_draft, make_staff):
    from django.test import Client

    from tests.jobfairs.conftest import FairEditor

    final = FairEditor(Client(), make_staff("zhongshen-jianbianji", roles=["终审"], columns=["zhibo-jiangang"]))
    final.edit_fair(blocked_draft, **{"positions-0-override_reason": REASON})
    assert fair_staff["editor"].edit_fair(blocked_draft, **{"positions-0-requirements": "限男性，能吃苦。"}).status_code == 302
    blocked_draft.refresh_from_db()
    position = blocked_draft.get_latest_revision_as_object().positions.first()
    assert position.override_reason == "" and position.override_by is None
    assert "招聘禁用词「限男」" in refused(fair_staff["editor"].edit_fair(blocked_draft, action="submit"))
