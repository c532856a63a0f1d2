"""An editor asks 终审 to let a position through (申请放行); 终审, who edits no pages, decides on a
page of its own, and the reason is published with the position."""

import pytest
from django.test import Client
from wagtail.models import WorkflowState

from jobfairs.models import JobFairPage
from tests.jobfairs.conftest import FairEditor
from tests.jobfairs.factories import complete_position

pytestmark = pytest.mark.django_db

REQUEST = "井下采掘岗位，依《女职工劳动保护特别规定》附录，女职工禁忌从事矿山井下作业"
REASON = "同意：属国家规定女职工禁忌从事的矿山井下作业"


@pytest.fixture
def reviewers(make_staff):
    return {
        role: FairEditor(Client(), make_staff(username, roles=[role]))
        for role, username in (("初审", "kuang-chushen"), ("复审", "kuang-fushen"), ("终审", "kuang-zhongshen"))
    }


@pytest.fixture
def requested(fair_staff, fair_series):
    position = complete_position(job_title="井下采掘工", requirements="井下作业，限男性。", override_request=REQUEST)
    response = fair_staff["editor"].add_fair(fair_series, positions=[position], title="矿山专场招聘会")
    assert response.status_code == 302, response.content.decode()[:3000]
    return JobFairPage.objects.get(title="矿山专场招聘会")


def step_of(fair):
    return WorkflowState.objects.get(object_id=str(fair.pk), status="in_progress").current_task_state.task.name


def decide(reviewer, fair, reason=REASON, number=1):
    return reviewer.client.post(f"/admin/fair-overrides/{fair.pk}/", {"number": str(number), "reason": reason})


def test_with_a_request_the_blocked_fair_goes_to_review(requested):
    assert step_of(requested) == "初审"


def test_the_earlier_steps_pass_and_the_last_waits_for_the_decision(requested, reviewers):
    at_final_review(requested, reviewers)
    reviewers["终审"].approve(requested)
    assert step_of(requested) == "终审"  # refused: the request is not decided
    requested.refresh_from_db()
    assert not requested.live


def test_final_review_without_page_permissions_decides_and_the_reason_is_published(requested, reviewers):
    at_final_review(requested, reviewers)
    final = reviewers["终审"]
    assert "矿山专场招聘会" in final.client.get("/admin/").text  # the dashboard panel
    page = final.client.get(f"/admin/fair-overrides/{requested.pk}/").text
    assert "招聘禁用词「限男」（第1个岗位·任职要求）" in page and REQUEST in page

    assert decide(final, requested).status_code == 302
    final.approve(requested)
    requested.refresh_from_db()
    assert requested.live
    position = requested.positions.get()
    assert position.override_reason == REASON and position.override_by == final.user


def at_final_review(fair, reviewers):
    reviewers["初审"].approve(fair)
    reviewers["复审"].approve(fair)
    assert step_of(fair) == "终审"


def test_a_decision_needs_a_reason(requested, reviewers):
    at_final_review(requested, reviewers)
    decide(reviewers["终审"], requested, reason="   ")
    assert requested.get_latest_revision_as_object().positions.first().override_reason == ""


def test_final_review_cannot_decide_before_the_earlier_steps_pass(requested, reviewers):
    assert "须已通过前面的审核步骤" in reviewers["终审"].client.get(f"/admin/fair-overrides/{requested.pk}/").text
    decide(reviewers["终审"], requested)
    assert requested.get_latest_revision_as_object().positions.first().override_reason == ""


def test_a_final_reviewer_who_passed_an_earlier_step_cannot_decide(requested, make_staff):
    both = FairEditor(Client(), make_staff("liang-bu", roles=["复审", "终审"]))
    FairEditor(Client(), make_staff("kuang-chushen2", roles=["初审"])).approve(requested)
    both.approve(requested)
    assert step_of(requested) == "终审"
    decide(both, requested)
    assert requested.get_latest_revision_as_object().positions.first().override_reason == ""


def test_an_administrator_cannot_publish_a_request_without_the_decision(fair_series, superuser):
    admin = FairEditor(Client(), superuser)
    position = complete_position(requirements="井下作业，限男性。", override_request=REQUEST)
    response = admin.add_fair(fair_series, action="publish", positions=[position], title="直接发布的矿山专场")
    assert response.status_code == 200 and "招聘禁用词「限男」" in response.text
    assert not JobFairPage.objects.filter(title="直接发布的矿山专场", live=True).exists()


def test_nobody_but_final_review_may_decide(requested, reviewers, fair_staff):
    for who in (reviewers["初审"], fair_staff["editor"]):
        response = decide(who, requested)
        assert response.status_code in (302, 403) and "/fair-overrides/" not in response.get("Location", "")
    assert requested.get_latest_revision_as_object().positions.first().override_reason == ""


def test_a_fair_not_in_review_cannot_be_decided(fair_staff, fair_series, reviewers):
    position = complete_position(requirements="井下作业，限男性。", override_request=REQUEST)
    fair_staff["editor"].add_fair(fair_series, action="draft", positions=[position], title="草稿招聘会")
    draft = JobFairPage.objects.get(title="草稿招聘会")
    decide(reviewers["终审"], draft)
    assert draft.get_latest_revision_as_object().positions.first().override_reason == ""
